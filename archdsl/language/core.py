"""Core statements: the design, the edge, server tiers, databases, caches, flows."""

from __future__ import annotations

from archdsl.catalog import REGIONS
from archdsl.language.spec import (
    ClauseSpec,
    OptionSpec,
    StatementSpec,
    WordSet,
    register,
)
from archdsl.language.types import Bool, Choice, Cidr, DomainName, Duration, Int, Text

DOMAIN = DomainName()

DESIGN = StatementSpec(
    keyword="design",
    summary="Names the design and sets its region, AZ count and network.",
    example="design shop region=us-east-1 azs=2",
    name="optional",
    default_name="the file name",
    options=(
        OptionSpec(
            "region", Choice(REGIONS), "AWS region the design runs in.", "us-east-1"
        ),
        OptionSpec("azs", Int(1, 6), "Availability Zones the VPC spans.", "2"),
        OptionSpec(
            "domain",
            DOMAIN,
            "DNS name users reach the design at; Route 53 "
            "and the ACM certificate use it.",
            "<design>.example.com",
        ),
        OptionSpec(
            "vpc_cidr", Cidr(16, 18), "Address range of the VPC.", "10.0.0.0/16"
        ),
        OptionSpec(
            "nat",
            Choice(("per_az", "single", "none")),
            "NAT gateways for private subnets: one per AZ, one shared, or none.",
            "per_az",
        ),
        OptionSpec("flow_logs", Bool(), "VPC flow logs to CloudWatch Logs.", "on"),
    ),
    label=True,
    details=(
        "The design statement is optional and may appear once. Without it the "
        "design is named after its file and runs in us-east-1 over 2 AZs.",
    ),
)

EDGE = StatementSpec(
    keyword="edge",
    summary="Puts a CloudFront distribution, with AWS WAF, in front of the "
    "internet-facing tier.",
    example="edge cdn waf",
    name="optional",
    default_name="edge",
    words=(
        WordSet(
            "service",
            {"cdn": "Amazon CloudFront", "cloudfront": "Amazon CloudFront"},
            "The edge service.",
            "cdn",
        ),
    ),
    options=(
        OptionSpec("waf", Bool(), "AWS WAF web ACL on the distribution.", "on"),
        OptionSpec("shield", Bool(), "AWS Shield Advanced on the distribution.", "off"),
        OptionSpec(
            "price_class",
            Choice(("100", "200", "all")),
            "CloudFront price class: which edge locations serve.",
            "all",
        ),
        OptionSpec("logs", Bool(), "Standard access logs to the log bucket.", "on"),
    ),
    label=True,
)

TIER = StatementSpec(
    keyword="tier",
    summary="A fleet of EC2 servers in the VPC, usually an Auto Scaling group "
    "behind a load balancer.",
    example="tier web in private asg min=2 azs=2 behind alb",
    words=(
        WordSet(
            "compute",
            {
                "asg": "EC2 Auto Scaling group with a launch template",
                "ec2": "fixed EC2 instances (count=), no scaling",
            },
            "How the servers run.",
            "asg",
        ),
    ),
    clauses=(
        ClauseSpec(
            "in",
            "subnet",
            Choice(("private", "public")),
            "Subnets the servers sit in.",
            "private",
        ),
        ClauseSpec(
            "behind",
            "balancer",
            Choice(("alb", "nlb", "none")),
            "Load balancer in front of the servers.",
            "alb",
        ),
    ),
    options=(
        OptionSpec(
            "internal",
            Bool(),
            "The load balancer is internal (private "
            "subnets) instead of internet-facing.",
            "off",
        ),
        OptionSpec(
            "min",
            Int(0, 1000),
            "Minimum instances in the Auto Scaling group.",
            "the AZ count, at least 2",
        ),
        OptionSpec("max", Int(1, 1000), "Maximum instances.", "twice min, at least 4"),
        OptionSpec("desired", Int(0, 1000), "Instances to start with.", "min"),
        OptionSpec(
            "count", Int(1, 100), "Instances for a fixed `ec2` tier.", "the AZ count"
        ),
        OptionSpec("azs", Int(1, 6), "AZs the tier spreads over.", "the design's AZs"),
        OptionSpec(
            "port",
            Int(1, 65535),
            "Port the servers listen on.",
            "80 for internet-facing tiers, 8080 for the others",
        ),
        OptionSpec(
            "instance",
            Text(r"[a-z][a-z0-9-]*\.[a-z0-9]+", "m7g.large"),
            "EC2 instance type.",
            "m7g.large",
        ),
        OptionSpec(
            "health_check",
            Text(r"/[A-Za-z0-9/_.-]*", "/health"),
            "Path the load balancer checks.",
            "/health",
        ),
        OptionSpec(
            "cpu_target",
            Int(10, 90),
            "Target average CPU percentage for target-tracking scaling.",
            "50",
        ),
        OptionSpec(
            "tls",
            Bool(),
            "HTTPS listener with an ACM certificate on the load balancer.",
            "on",
        ),
        OptionSpec(
            "waf",
            Bool(),
            "AWS WAF on an internet-facing ALB that no `edge` fronts.",
            "on",
        ),
    ),
    label=True,
)

DB = StatementSpec(
    keyword="db",
    summary="A relational database: an Aurora cluster or an RDS instance.",
    example="db orders aurora engine=postgres multi_az replicas=1",
    words=(
        WordSet(
            "service",
            {"aurora": "Amazon Aurora cluster", "rds": "Amazon RDS instance"},
            "The database service.",
            "aurora",
        ),
    ),
    options=(
        OptionSpec(
            "engine",
            Choice(("postgres", "mysql", "mariadb")),
            "Database engine; Aurora takes postgres or mysql.",
            "postgres",
        ),
        OptionSpec(
            "multi_az",
            Bool(),
            "A standby or replica in a second AZ with automatic failover.",
            "on",
        ),
        OptionSpec(
            "replicas",
            Int(0, 15),
            "Read replicas (Aurora readers).",
            "1 for a Multi-AZ Aurora cluster, else 0",
        ),
        OptionSpec(
            "instance",
            Text(r"db\.[a-z0-9]+\.[a-z0-9]+", "db.r6g.large"),
            "DB instance class.",
            "db.r6g.large",
        ),
        OptionSpec(
            "storage", Int(20, 65536), "Allocated storage in GiB (RDS only).", "100"
        ),
        OptionSpec(
            "backup", Duration(86400, 35 * 86400), "Automated backup retention.", "7d"
        ),
        OptionSpec("encrypted", Bool(), "Storage encryption with KMS.", "on"),
        OptionSpec(
            "deletion_protection", Bool(), "Block deletes of the database.", "on"
        ),
    ),
    label=True,
)

CACHE = StatementSpec(
    keyword="cache",
    summary="An in-memory cache: an ElastiCache replication group.",
    example="cache sessions redis",
    words=(
        WordSet(
            "engine",
            {
                "redis": "ElastiCache for Redis OSS",
                "valkey": "ElastiCache for Valkey",
                "memcached": "ElastiCache for Memcached",
            },
            "The cache engine.",
            "redis",
        ),
    ),
    options=(
        OptionSpec("replicas", Int(0, 5), "Replicas of the primary node.", "1"),
        OptionSpec(
            "multi_az", Bool(), "Replicas in other AZs with automatic failover.", "on"
        ),
        OptionSpec(
            "node",
            Text(r"cache\.[a-z0-9]+\.[a-z0-9]+", "cache.r7g.large"),
            "Node type.",
            "cache.r7g.large",
        ),
        OptionSpec("nodes", Int(1, 40), "Nodes of a Memcached cluster.", "2"),
        OptionSpec(
            "encrypted", Bool(), "Encryption at rest and in transit (TLS).", "on"
        ),
    ),
    label=True,
)

FLOW = StatementSpec(
    keyword="flow",
    summary="A request or data path between named statements.",
    example='web -> app -> orders "place order"',
    name="none",
    options=(
        OptionSpec(
            "port", Int(1, 65535), "Port the target listens on.", "the target's port"
        ),
        OptionSpec(
            "protocol",
            Choice(
                (
                    "https",
                    "http",
                    "grpc",
                    "tcp",
                    "postgres",
                    "mysql",
                    "redis",
                    "memcached",
                )
            ),
            "Protocol of the hop.",
            "the target's protocol",
        ),
        OptionSpec(
            "tls",
            Bool(),
            "Whether the hop is encrypted in transit.",
            "on where the target supports it",
        ),
        OptionSpec(
            "auth",
            Choice(("none", "iam", "mtls", "jwt", "cognito", "lambda")),
            "How the target authenticates the caller: IAM (SigV4), mutual TLS with "
            "certificates from the design's private CA, or a JWT. On a flow out of "
            "an `api` it sets the route's authorizer (`cognito`, `jwt`, `lambda`, "
            "`iam`), and `none` leaves the route open.",
            "the API's auth on a route, else none",
        ),
    ),
    label=True,
    section="Flows",
)

register(DESIGN, EDGE, TIER, DB, CACHE, FLOW)
