"""Serverless statements: callers, APIs, functions, workflows, storage, sign-in, CDN.

None of these need a VPC: their components are placed by region and by the
groups and cells around them. ``resource`` covers AWS services that have no
statement of their own yet.
"""

from __future__ import annotations

from archdsl.catalog import REGIONS
from archdsl.language.spec import (
    ClauseSpec,
    OptionSpec,
    StatementSpec,
    WordSet,
    register,
)
from archdsl.language.types import (
    Bool,
    Choice,
    Duration,
    Int,
    KindName,
    ListOf,
    Reference,
    Size,
    Text,
)

SECTION = "Serverless"

#: DynamoDB attribute names as the language accepts them.
ATTRIBUTE = Text(r"[A-Za-z_][A-Za-z0-9_.-]*", "customer_id")

#: An https URL, written as a string.
HTTPS_URL = Text(r"https://[^\s\"]+", '"https://login.example.com"')

LOG_RETENTION = OptionSpec(
    "log_retention",
    Duration(86400, 3653 * 86400),
    "How long CloudWatch Logs keeps the log events.",
    "30d",
)

KMS_KEY = OptionSpec(
    "kms_key",
    Reference(),
    "Statement that holds the customer managed KMS key to encrypt with "
    "(a `resource` of kind `kms.key`).",
    "the service's own key",
)

CLIENT = StatementSpec(
    keyword="client",
    summary="A caller outside AWS: browsers, mobile apps, scripts or another "
    "company's system.",
    example='client browser "Web and mobile app"',
    label=True,
    section=SECTION,
    details=(
        "A client only sends: flows start at it (`browser -> api`) and never "
        "end at it.",
    ),
)

API = StatementSpec(
    keyword="api",
    summary="An Amazon API Gateway API: REST, HTTP or WebSocket, with an "
    "authorizer, throttling and access logs.",
    example="api orders http auth=jwt authorizer=customers rate=500 burst=1000",
    words=(
        WordSet(
            "type",
            {
                "http": "HTTP API: lower latency and price; JWT, Lambda or IAM authorizers",
                "rest": "REST API: usage plans, AWS WAF, Cognito, Lambda or IAM "
                "authorizers",
                "websocket": "WebSocket API: two-way messages; Lambda or IAM "
                "authorizer on $connect",
            },
            "The kind of API.",
            "http",
        ),
    ),
    options=(
        OptionSpec(
            "auth",
            Choice(("none", "cognito", "jwt", "lambda", "iam")),
            "How the API authenticates callers on every route.",
            "none",
        ),
        OptionSpec(
            "authorizer",
            Reference(),
            "The `userpool` that issues tokens (auth=cognito or jwt), or the "
            "`function` that decides (auth=lambda).",
        ),
        OptionSpec(
            "issuer",
            HTTPS_URL,
            "Token issuer of an external identity provider, for auth=jwt "
            "without a user pool.",
        ),
        OptionSpec(
            "audience",
            Text(r"[A-Za-z0-9_.:/-]+", "web-client"),
            "App client id or audience that a JWT must name, for auth=jwt.",
            "any app client of the user pool",
        ),
        OptionSpec(
            "auth_cache",
            Duration(0, 3600),
            "How long API Gateway caches a Lambda authorizer's answer; 0s turns "
            "the cache off.",
            "5m",
        ),
        OptionSpec(
            "throttling",
            Bool(),
            "A stage-wide rate and burst limit.",
            "on",
        ),
        OptionSpec(
            "rate", Int(1, 100000), "Steady requests per second allowed.", "1000"
        ),
        OptionSpec("burst", Int(1, 100000), "Requests allowed in a burst.", "2000"),
        OptionSpec("logs", Bool(), "Access logs to a CloudWatch Logs group.", "on"),
        LOG_RETENTION,
        OptionSpec(
            "waf", Bool(), "AWS WAF web ACL on the stage (REST APIs only).", "on"
        ),
        OptionSpec(
            "private",
            Bool(),
            "Reachable only through an interface VPC endpoint (REST APIs only).",
            "off",
        ),
        OptionSpec(
            "backend_cert",
            Bool(),
            "API Gateway presents a client certificate it generates to HTTP "
            "backends, which verify that requests come from the API (REST APIs "
            "only).",
            "off",
        ),
    ),
    label=True,
    section=SECTION,
    details=(
        "A flow out of the API is a route to its integration: `orders -> "
        'place "POST /orders"`. Write `auth=none` on such a flow to leave '
        "that route open while the API's authorizer protects the others.",
    ),
)

FUNCTION = StatementSpec(
    keyword="function",
    summary="An AWS Lambda function with its log group, and a dead-letter queue "
    "when something invokes it asynchronously.",
    example="function resize runtime=python3.13 memory=1024MB timeout=60s",
    options=(
        OptionSpec(
            "runtime",
            Choice(
                (
                    "python3.13",
                    "python3.12",
                    "nodejs22.x",
                    "nodejs20.x",
                    "java21",
                    "dotnet8",
                    "ruby3.3",
                    "provided.al2023",
                )
            ),
            "Lambda runtime.",
            "python3.13",
        ),
        OptionSpec(
            "memory",
            Size(),
            "Memory from 128MB to 10240MB; CPU grows with it.",
            "512MB",
        ),
        OptionSpec(
            "timeout", Duration(1, 900), "Longest run of one invocation.", "15s"
        ),
        OptionSpec(
            "concurrency",
            Int(0, 100000),
            "Reserved concurrency: the most copies that run at once, kept for "
            "this function.",
            "none (shares the account pool)",
        ),
        OptionSpec(
            "arch",
            Choice(("arm64", "x86_64")),
            "Instruction set.",
            "arm64",
        ),
        OptionSpec(
            "dlq",
            Bool(),
            "Dead-letter queue for asynchronous invocations that fail every retry.",
            "on when invoked asynchronously",
        ),
        OptionSpec(
            "retries",
            Int(0, 2),
            "Retries of a failed asynchronous invocation.",
            "2",
        ),
        OptionSpec("tracing", Bool(), "AWS X-Ray active tracing.", "on"),
        OptionSpec(
            "vpc",
            Bool(),
            "Network interfaces in the VPC's private subnets, to reach "
            "databases and caches there.",
            "off",
        ),
        OptionSpec(
            "logs",
            Bool(),
            "A log group with a retention period, created with the function.",
            "on",
        ),
        LOG_RETENTION,
    ),
    label=True,
    section=SECTION,
    details=(
        "The log group is addressable as `<name>.logs` in flows, for metric "
        "filters and subscriptions.",
    ),
)

WORKFLOW = StatementSpec(
    keyword="workflow",
    summary="An AWS Step Functions state machine.",
    example="workflow provision standard",
    words=(
        WordSet(
            "type",
            {
                "standard": "Standard workflow: exactly-once steps, runs up to a year",
                "express": "Express workflow: at-least-once, high rate, up to five minutes",
            },
            "The workflow type.",
            "standard",
        ),
    ),
    options=(
        OptionSpec("logs", Bool(), "Execution logs to CloudWatch Logs.", "on"),
        OptionSpec("tracing", Bool(), "AWS X-Ray tracing.", "on"),
        LOG_RETENTION,
    ),
    label=True,
    section=SECTION,
)

BUCKET = StatementSpec(
    keyword="bucket",
    summary="An Amazon S3 bucket, private and encrypted, versioned when it holds "
    "originals.",
    example="bucket uploads originals",
    words=(
        WordSet(
            "contents",
            {
                "originals": "objects nobody can rebuild, so versioning is on",
                "derived": "objects made from others (thumbnails, exports), so "
                "versioning is off",
            },
            "What the bucket holds.",
            "originals",
        ),
    ),
    options=(
        OptionSpec("versioning", Bool(), "S3 Versioning.", "on for originals"),
        OptionSpec(
            "public",
            Bool(),
            "Turns Block Public Access off so that a bucket policy may allow "
            "anonymous reads.",
            "off",
        ),
        OptionSpec(
            "website",
            Bool(),
            "Static website hosting on the S3 website endpoint (HTTP only; "
            "needs public).",
            "off",
        ),
        OptionSpec("encrypted", Bool(), "Server-side encryption.", "on"),
        KMS_KEY,
        OptionSpec("logs", Bool(), "Server access logs to the log bucket.", "on"),
    ),
    label=True,
    section=SECTION,
    details=(
        "A flow out of a bucket (`uploads ..> resize`) is an event "
        "notification for created objects; `sub` sets other events and "
        "prefix or suffix filters.",
    ),
)

TABLE = StatementSpec(
    keyword="table",
    summary="An Amazon DynamoDB table: keys, billing, point-in-time recovery, "
    "streams and global replicas.",
    example="table orders key=order_id sort=created",
    words=(
        WordSet(
            "billing",
            {
                "on_demand": "pay per request, no capacity to plan",
                "provisioned": "fixed read and write capacity with auto scaling",
            },
            "How capacity is paid for.",
            "on_demand",
        ),
    ),
    options=(
        OptionSpec("key", ATTRIBUTE, "Partition key attribute.", "id"),
        OptionSpec("sort", ATTRIBUTE, "Sort key attribute.", "none"),
        OptionSpec("read", Int(1, 40000), "Provisioned read capacity units.", "5"),
        OptionSpec("write", Int(1, 40000), "Provisioned write capacity units.", "5"),
        OptionSpec(
            "pitr", Bool(), "Point-in-time recovery for the last 35 days.", "on"
        ),
        OptionSpec("deletion_protection", Bool(), "Refuse deletes of the table.", "on"),
        OptionSpec(
            "encrypted",
            Bool(),
            "Encryption at rest; DynamoDB always encrypts, so only `on` is valid.",
            "on",
        ),
        KMS_KEY,
        OptionSpec(
            "stream",
            Choice(("new_and_old", "new", "old", "keys", "off")),
            "DynamoDB Streams view: which item images each change record holds.",
            "new_and_old when a flow reads the stream, else off",
        ),
        OptionSpec("ttl", ATTRIBUTE, "Attribute holding each item's expiry time."),
        OptionSpec(
            "regions",
            ListOf(Choice(REGIONS)),
            "Other regions that hold a replica (a global table).",
            "none",
        ),
    ),
    label=True,
    section=SECTION,
    details=(
        "A flow out of a table (`orders ~> audit`) reads its stream through an "
        "event source mapping.",
    ),
)

INDEX = StatementSpec(
    keyword="index",
    summary="A global secondary index on a table.",
    example="index by-customer on orders key=customer_id sort=created",
    clauses=(
        ClauseSpec("on", "table", Reference(), "The table the index belongs to."),
    ),
    options=(
        OptionSpec("key", ATTRIBUTE, "Partition key attribute of the index."),
        OptionSpec("sort", ATTRIBUTE, "Sort key attribute of the index.", "none"),
        OptionSpec(
            "projection",
            Choice(("all", "keys")),
            "Attributes copied into the index.",
            "all",
        ),
    ),
    label=True,
    section=SECTION,
)

USERPOOL = StatementSpec(
    keyword="userpool",
    summary="An Amazon Cognito user pool that signs users in and issues JWTs.",
    example="userpool customers mfa=optional",
    options=(
        OptionSpec(
            "mfa",
            Choice(("off", "optional", "required")),
            "Multi-factor authentication.",
            "optional",
        ),
        OptionSpec("deletion_protection", Bool(), "Refuse deletes of the pool.", "on"),
    ),
    label=True,
    section=SECTION,
)

IDP = StatementSpec(
    keyword="idp",
    summary="An external identity provider that a user pool federates with: "
    "SAML, OIDC or a social sign-in.",
    example="idp corp saml for customers",
    words=(
        WordSet(
            "protocol",
            {
                "saml": "a SAML 2.0 provider such as Entra ID or Okta",
                "oidc": "an OpenID Connect provider",
                "google": "Sign in with Google",
                "apple": "Sign in with Apple",
                "facebook": "Facebook Login",
                "amazon": "Login with Amazon",
            },
            "How the pool talks to the provider.",
            "oidc",
        ),
    ),
    clauses=(ClauseSpec("for", "pool", Reference(), "The user pool that federates."),),
    options=(
        OptionSpec(
            "issuer",
            HTTPS_URL,
            "Issuer URL (OIDC) or metadata URL (SAML) of the provider.",
        ),
    ),
    label=True,
    section=SECTION,
)

CDN = StatementSpec(
    keyword="cdn",
    summary="A CloudFront distribution in front of buckets or APIs, reaching "
    "buckets through origin access control.",
    example="cdn site origin=assets",
    options=(
        OptionSpec(
            "origin",
            ListOf(Reference()),
            "The buckets or APIs it serves; the first one takes the default path.",
        ),
        OptionSpec(
            "oac",
            Bool(),
            "Origin access control: only this distribution may read the buckets.",
            "on",
        ),
        OptionSpec("waf", Bool(), "AWS WAF web ACL on the distribution.", "on"),
        OptionSpec(
            "price_class",
            Choice(("100", "200", "all")),
            "Which edge locations serve.",
            "all",
        ),
        OptionSpec("logs", Bool(), "Standard access logs to the log bucket.", "on"),
    ),
    label=True,
    section=SECTION,
    details=(
        "`edge` fronts the load balancers of VPC tiers; `cdn` fronts S3 buckets "
        "and API Gateway APIs.",
    ),
)

RESOURCE = StatementSpec(
    keyword="resource",
    summary="One AWS component of any catalogue kind, for services that have no "
    "statement of their own.",
    example='resource pipeline kind=codepipeline.pipeline "Cell deployments"',
    clauses=(
        ClauseSpec(
            "in",
            "subnet",
            Choice(("private", "public", "data")),
            "Subnets that a VPC kind sits in.",
            "private",
        ),
    ),
    options=(
        OptionSpec("kind", KindName(), "The component kind."),
        KMS_KEY,
    ),
    label=True,
    section=SECTION,
    details=(
        "archdsl adds no defaults to a resource: it is drawn and connected, "
        "nothing more. Kinds that live in one AZ (EC2 instances, subnets) "
        "need their own statements.",
    ),
)

register(
    CLIENT,
    API,
    FUNCTION,
    WORKFLOW,
    BUCKET,
    TABLE,
    INDEX,
    USERPOOL,
    IDP,
    CDN,
    RESOURCE,
)
