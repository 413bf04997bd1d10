"""The checklist rules, as data.

Each :class:`Rule` has a stable id (``<pillar prefix>-<topic>-<number>``), a
pillar and a severity. Its text says what it checks, why it matters and how
to fix it in the design language. It lists the Well-Architected best
practices it follows and names the predicate that finds its violations in
the model. Predicates
are registered by name in :mod:`archdsl.check.predicates`; ``load_rules``
checks that every rule is well formed and its predicate exists.

This module imports no predicate code, so the expansion can read rule ids
from it cheaply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from archdsl.check.severity import Severity

#: Publication date of the AWS Well-Architected Framework version that the
#: best-practice ids below come from. Ids move between versions: bulkheads
#: are REL10-BP03 in this version and REL10-BP04 in the 2023-10-03 one.
FRAMEWORK = "2024-11-06"


@dataclass(frozen=True)
class Reference:
    """A Well-Architected best practice: its id, title and framework version."""

    id: str
    title: str
    framework: str = FRAMEWORK


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    pillar: str
    severity: Severity
    title: str
    rationale: str
    fix: str
    references: tuple[Reference, ...]
    predicate: str
    #: Thresholds the predicate reads, such as the maximum call-chain depth.
    params: Mapping[str, Any] = field(default_factory=dict)


def _bp(bp_id: str, title: str) -> Reference:
    return Reference(bp_id, title)


OPS04_BP02 = _bp("OPS04-BP02", "Implement application telemetry")
OPS04_BP05 = _bp("OPS04-BP05", "Implement distributed tracing")
OPS08_BP04 = _bp("OPS08-BP04", "Create actionable alerts")
SEC03_BP01 = _bp("SEC03-BP01", "Define access requirements")
SEC04_BP01 = _bp("SEC04-BP01", "Configure service and application logging")
SEC05_BP01 = _bp("SEC05-BP01", "Create network layers")
SEC05_BP02 = _bp("SEC05-BP02", "Control traffic flow within your network layers")
SEC08_BP01 = _bp("SEC08-BP01", "Implement secure key management")
SEC08_BP02 = _bp("SEC08-BP02", "Enforce encryption at rest")
SEC08_BP04 = _bp("SEC08-BP04", "Enforce access control")
SEC09_BP02 = _bp("SEC09-BP02", "Enforce encryption in transit")
REL04_BP02 = _bp("REL04-BP02", "Implement loosely coupled dependencies")
REL05_BP02 = _bp("REL05-BP02", "Throttle requests")
REL05_BP04 = _bp("REL05-BP04", "Fail fast and limit queues")
REL07_BP01 = _bp("REL07-BP01", "Use automation when obtaining or scaling resources")
REL09_BP01 = _bp(
    "REL09-BP01",
    "Identify and back up all data that needs to be backed up, or reproduce "
    "the data from sources",
)
REL10_BP01 = _bp("REL10-BP01", "Deploy the workload to multiple locations")
REL10_BP03 = _bp("REL10-BP03", "Use bulkhead architectures to limit scope of impact")
REL11_BP02 = _bp("REL11-BP02", "Fail over to healthy resources")
REL11_BP03 = _bp("REL11-BP03", "Automate healing on all layers")
REL13_BP02 = _bp(
    "REL13-BP02", "Use defined recovery strategies to meet the recovery objectives"
)
PERF02_BP01 = _bp("PERF02-BP01", "Select the best compute options for your workload")
PERF02_BP05 = _bp("PERF02-BP05", "Scale your compute resources dynamically")
PERF03_BP01 = _bp(
    "PERF03-BP01",
    "Use a purpose-built data store that best supports your data access and "
    "storage requirements",
)
PERF03_BP05 = _bp("PERF03-BP05", "Implement data access patterns that utilize caching")
PERF04_BP04 = _bp(
    "PERF04-BP04", "Use load balancing to distribute traffic across multiple resources"
)
PERF04_BP06 = _bp(
    "PERF04-BP06", "Choose your workload's location based on network requirements"
)
COST04_BP05 = _bp("COST04-BP05", "Enforce data retention policies")
COST06_BP02 = _bp("COST06-BP02", "Select resource type, size, and number based on data")
COST06_BP03 = _bp(
    "COST06-BP03",
    "Select resource type, size, and number automatically based on metrics",
)
COST08_BP03 = _bp("COST08-BP03", "Implement services to reduce data transfer costs")
COST09_BP03 = _bp("COST09-BP03", "Supply resources dynamically")
SUS02_BP01 = _bp("SUS02-BP01", "Scale workload infrastructure dynamically")
SUS02_BP03 = _bp("SUS02-BP03", "Stop the creation and maintenance of unused assets")
SUS04_BP03 = _bp("SUS04-BP03", "Use policies to manage the lifecycle of your datasets")
SUS05_BP02 = _bp("SUS05-BP02", "Use instance types with the least impact")
SUS05_BP03 = _bp("SUS05-BP03", "Use managed services")

OPS = "operational-excellence"
SEC = "security"
REL = "reliability"
PERF = "performance-efficiency"
COST = "cost-optimization"
SUS = "sustainability"

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW

RULES: tuple[Rule, ...] = (
    # Operational excellence ----------------------------------------------
    Rule(
        "OPS-LOG-001",
        OPS,
        L,
        "Entry point keeps no access logs",
        "Without request logs of the load balancer, distribution or API there "
        "is no record to troubleshoot errors or investigate abuse from.",
        "remove logs=off (edge) or turn access logs back on for the entry point",
        (OPS04_BP02, SEC04_BP01),
        "access_logs_off",
    ),
    Rule(
        "OPS-MON-001",
        OPS,
        M,
        "Design has no CloudWatch alarms",
        "AWS services publish metrics, but nobody is told when error rates, "
        "latency or queue depth cross a limit unless an alarm watches them.",
        "add alarm statements on error rate, latency and saturation that notify "
        "the on-call team: 'alarm web-5xx on web metric=5xx above=10 "
        'notify=["oncall@example.com"]\'',
        (OPS08_BP04,),
        "no_alarms",
    ),
    Rule(
        "OPS-TRACE-001",
        OPS,
        L,
        "Multi-hop request path without tracing",
        "When a request makes three or more hops between services, the logs of "
        "each service do not show where latency or errors come from; "
        "distributed tracing does.",
        "add the 'tracing' statement so that every tier and service sends "
        "traces to AWS X-Ray (functions and workflows trace unless tracing=off)",
        (OPS04_BP05,),
        "no_tracing",
        {"min_hops": 3},
    ),
    Rule(
        "OPS-DLQ-001",
        OPS,
        M,
        "Dead-letter queue that no alarm watches",
        "Messages that land in a dead-letter queue are failed work; without an "
        "alarm on its depth they wait there unnoticed until they expire.",
        "add a CloudWatch alarm on the dead-letter queue's "
        "ApproximateNumberOfMessagesVisible metric",
        (OPS08_BP04,),
        "dlq_without_alarm",
    ),
    # Security ----------------------------------------------------------
    Rule(
        "SEC-NET-001",
        SEC,
        H,
        "Component other than an entry point is exposed to the internet",
        "Only load balancers, CloudFront and API Gateway should face the "
        "internet; a server, database or cluster endpoint with a public address "
        "can be attacked directly, bypassing WAF and the load balancer.",
        "move it to private subnets ('in private') and put a load balancer in "
        "front ('behind alb')",
        (SEC05_BP01,),
        "public_non_entry",
    ),
    Rule(
        "SEC-NET-002",
        SEC,
        C,
        "Data store reachable from the internet without passing compute",
        "A path from the internet to a database, cache or bucket that crosses "
        "no application tier lets anyone who finds the endpoint read or write "
        "the data with no business logic or authorisation in between.",
        "route requests through an application tier: 'web -> app -> orders', "
        "never an entry point straight to the store",
        (SEC05_BP01,),
        "store_reachable_from_internet",
    ),
    Rule(
        "SEC-NET-003",
        SEC,
        H,
        "Security group open to the internet on a non-load-balancer",
        "A security group that admits 0.0.0.0/0 on a server exposes every open "
        "port of every instance in the group to scans and exploits.",
        "put the servers behind a load balancer and in private subnets, so "
        "their group admits only the load balancer's group",
        (SEC05_BP02,),
        "open_security_group",
    ),
    Rule(
        "SEC-WAF-001",
        SEC,
        H,
        "Internet-facing HTTP entry point without AWS WAF",
        "A web ACL blocks common exploits (SQL injection, bad inputs, known bad "
        "IPs) and floods before they reach the application.",
        "remove waf=off, or put 'edge cdn waf' in front of the tier",
        (SEC05_BP01,),
        "missing_waf",
    ),
    Rule(
        "SEC-TLS-001",
        SEC,
        H,
        "Internet-facing entry point without TLS",
        "Plain HTTP from the internet exposes credentials, cookies and data to "
        "anyone on the path and allows tampering with responses.",
        "remove tls=off from the tier so the load balancer gets an HTTPS "
        "listener with an ACM certificate",
        (SEC09_BP02,),
        "entry_without_tls",
    ),
    Rule(
        "SEC-TLS-002",
        SEC,
        H,
        "Unencrypted connection to a data store",
        "Database and cache protocols carry credentials and records; without "
        "TLS anyone who can capture traffic in the VPC can read them.",
        "remove tls=off from the flow, or encrypted=off from the cache",
        (SEC09_BP02,),
        "plaintext_to_store",
    ),
    Rule(
        "SEC-TLS-003",
        SEC,
        M,
        "Unencrypted call between services",
        "A synchronous call between tiers in plain HTTP lets a compromised "
        "host in the VPC read or alter requests; TLS from the load balancer "
        "onwards is only skipped for the hop to its own targets.",
        "remove tls=off from the called tier so its load balancer speaks HTTPS",
        (SEC09_BP02,),
        "plaintext_between_services",
    ),
    Rule(
        "SEC-ENC-001",
        SEC,
        H,
        "Data store not encrypted at rest",
        "Unencrypted storage, snapshots and backups can be read by anyone who "
        "gets a copy; KMS encryption costs nearly nothing.",
        "remove encrypted=off from the statement",
        (SEC08_BP02,),
        "store_not_encrypted",
    ),
    Rule(
        "SEC-ENC-002",
        SEC,
        H,
        "EC2 volumes not encrypted",
        "Unencrypted EBS root and data volumes leave data readable in "
        "snapshots and copied volumes.",
        "turn EBS encryption back on in the launch template",
        (SEC08_BP02,),
        "volumes_not_encrypted",
    ),
    Rule(
        "SEC-ENC-003",
        SEC,
        M,
        "Customer managed KMS key without rotation",
        "Automatic yearly rotation limits how much data one key version "
        "protects, at no cost to the applications that use the key.",
        "turn key rotation on for the KMS key",
        (SEC08_BP01,),
        "key_without_rotation",
    ),
    Rule(
        "SEC-API-001",
        SEC,
        H,
        "API without an authorizer",
        "An API that authenticates nobody lets anyone on the internet call "
        "every route; authorizers check a JWT, IAM signature or custom token.",
        "give the API an authorizer (Cognito, JWT, Lambda or IAM)",
        (SEC03_BP01,),
        "api_without_authorizer",
    ),
    Rule(
        "SEC-S3-001",
        SEC,
        H,
        "Bucket without S3 Block Public Access",
        "Without Block Public Access one wrong bucket policy or ACL publishes "
        "the bucket's objects to the internet.",
        "turn Block Public Access back on and serve public content through "
        "CloudFront with origin access control",
        (SEC08_BP04,),
        "bucket_public_access",
    ),
    Rule(
        "SEC-LOG-001",
        SEC,
        M,
        "VPC flow logs turned off",
        "Flow logs are the record of which addresses talked to which ports; "
        "without them a network incident cannot be investigated.",
        "remove flow_logs=off from the design statement",
        (SEC04_BP01,),
        "flow_logs_off",
    ),
    Rule(
        "SEC-DEF-001",
        SEC,
        M,
        "Safety default turned off",
        "archdsl turns on settings that protect the design by default; each "
        "one the design turns off is a risk somebody should accept on purpose. "
        "Settings that a more specific rule checks are left to that rule.",
        "remove the option that turns the setting off, or waive this rule with "
        "the reason",
        (),
        "weakened_default",
    ),
    # Reliability ---------------------------------------------------------
    Rule(
        "REL-SPOF-001",
        REL,
        H,
        "Single point of failure on every request path",
        "Every path from the entry points to a data store passes through this "
        "component, and it runs in one AZ with nothing to fail over to, so its "
        "loss takes the workload down.",
        "run it in two or more AZs: an ASG with min=2 over azs=2, a load "
        "balancer in front, or multi_az for a data store",
        (REL10_BP01, REL11_BP02),
        "single_points_of_failure",
    ),
    Rule(
        "REL-AZ-001",
        REL,
        H,
        "Tier runs in fewer than two Availability Zones",
        "An AZ outage takes down everything placed only in that AZ; two AZs "
        "are the minimum for a production tier (an ALB requires them).",
        "set azs=2 or more on the design and the tier",
        (REL10_BP01,),
        "single_az_tier",
    ),
    Rule(
        "REL-AZ-002",
        REL,
        H,
        "Losing one Availability Zone cuts off a data store",
        "Simulating the loss of each AZ in turn shows an AZ whose outage leaves "
        "no entry point able to reach this store, even after the failovers AWS "
        "performs.",
        "spread every tier on the path over two or more AZs and give the store "
        "multi_az",
        (REL10_BP01, REL11_BP02),
        "az_loss_outage",
    ),
    Rule(
        "REL-DB-001",
        REL,
        H,
        "Database without automatic failover to another AZ",
        "A single-AZ database loses writes and reads when its instance or AZ "
        "fails, until someone restores it from a backup.",
        "write multi_az on the db (Aurora also needs replicas=1 or more)",
        (REL10_BP01, REL11_BP02),
        "database_without_failover",
    ),
    Rule(
        "REL-DB-002",
        REL,
        M,
        "Cache without automatic failover",
        "When the primary node fails, a Redis or Valkey group without Multi-AZ "
        "failover stops taking writes and every client falls back to the "
        "database at once.",
        "write multi_az replicas=1 on the cache",
        (REL11_BP02,),
        "cache_without_failover",
    ),
    Rule(
        "REL-ASG-001",
        REL,
        H,
        "Auto Scaling group minimum below two or below its AZ count",
        "With one instance, or fewer instances than AZs, an instance or AZ "
        "failure leaves a tier with no capacity until a replacement boots.",
        "set min=2 or more, and at least the tier's AZ count",
        (REL10_BP01, REL11_BP03),
        "asg_min_too_low",
    ),
    Rule(
        "REL-ASG-002",
        REL,
        M,
        "Auto Scaling group ignores load balancer health checks",
        "With EC2 status checks only, an instance whose application hangs "
        "stays in service while the load balancer sends it no traffic.",
        "use the ELB health check type for groups behind a load balancer",
        (REL11_BP03,),
        "asg_without_elb_health_check",
    ),
    Rule(
        "REL-FIX-001",
        REL,
        M,
        "Fixed EC2 instances that nothing replaces",
        "Instances outside an Auto Scaling group stay down when they fail, and "
        "the fleet cannot grow with load.",
        "write 'asg' instead of 'ec2' on the tier",
        (REL11_BP03, REL07_BP01),
        "fixed_instances",
    ),
    Rule(
        "REL-SCALE-001",
        REL,
        M,
        "Auto Scaling group cannot scale (min equals max)",
        "A group whose minimum equals its maximum replaces failed instances "
        "but cannot add capacity when load grows.",
        "raise max= above min=",
        (REL07_BP01,),
        "asg_cannot_scale",
    ),
    Rule(
        "REL-SYNC-001",
        REL,
        M,
        "Synchronous call chain deeper than the limit",
        "In a long chain of synchronous calls the caller waits for every hop, "
        "latencies add up and one slow service stalls all those before it.",
        "break the chain with a queue or event (~> or ..>), or let a service "
        "answer from its own data",
        (REL04_BP02,),
        "deep_sync_chain",
        {"max_depth": 3},
    ),
    Rule(
        "REL-FAN-001",
        REL,
        M,
        "Service calls several services synchronously instead of publishing",
        "A service that calls each downstream service directly must wait for "
        "all of them and fails when any is slow; every downstream must scale "
        "with the caller's peaks.",
        "publish to a topic or event bus and let each service consume from its "
        "own queue ('a ~> topic', 'topic ~> b')",
        (REL04_BP02,),
        "sync_fan_out",
        {"min_targets": 3},
    ),
    Rule(
        "REL-HOT-001",
        REL,
        M,
        "One consumer dispatches every message type",
        "A single consumer that reads all messages and routes them by type is "
        "a bottleneck: a surge of one type delays every other type, and its "
        "concurrency limit is shared by all of them.",
        "route by type with SNS filter policies or EventBridge rules into one "
        "queue per consumer, so each scales on its own",
        (REL10_BP03, REL04_BP02),
        "single_dispatcher",
        {"min_targets": 2},
    ),
    Rule(
        "REL-DLQ-001",
        REL,
        M,
        "Asynchronous consumer without a dead-letter queue",
        "A message that keeps failing is retried forever or dropped; a "
        "dead-letter queue keeps it for inspection and stops it blocking "
        "others.",
        "give the queue or function a dead-letter queue (dlq=)",
        (REL05_BP04,),
        "consumer_without_dlq",
    ),
    Rule(
        "REL-THR-001",
        REL,
        M,
        "Public API without throttling",
        "Without a rate and burst limit one client can use up the account's "
        "API and Lambda concurrency and starve everyone else.",
        "set throttling (rate and burst) on the API or a usage plan",
        (REL05_BP02,),
        "api_without_throttling",
    ),
    Rule(
        "REL-THR-002",
        REL,
        L,
        "Queue-fed function without reserved concurrency",
        "A queue backlog can scale a function up to the account's concurrency "
        "limit and starve every other function in the region.",
        "set reserved_concurrency on the function",
        (REL05_BP02,),
        "consumer_without_concurrency_limit",
    ),
    Rule(
        "REL-BAK-001",
        REL,
        L,
        "Database backups kept less than seven days",
        "A short backup window may end before a corruption or bad deployment "
        "is noticed, leaving no clean copy to restore.",
        "set backup=7d or longer on the db",
        (REL09_BP01,),
        "short_backup_retention",
        {"min_days": 7},
    ),
    Rule(
        "REL-BAK-002",
        REL,
        M,
        "DynamoDB table without point-in-time recovery",
        "Without point-in-time recovery a bad write or delete cannot be undone.",
        "turn point-in-time recovery back on for the table",
        (REL09_BP01,),
        "table_without_pitr",
    ),
    Rule(
        "REL-BAK-003",
        REL,
        L,
        "Bucket without versioning",
        "Without versioning an overwrite or delete of an object is permanent.",
        "turn versioning on for buckets that hold data you cannot recreate",
        (REL09_BP01,),
        "bucket_without_versioning",
    ),
    Rule(
        "REL-REG-001",
        REL,
        L,
        "Workload runs in a single region",
        "A regional outage takes the whole design down; whether that is "
        "acceptable depends on the recovery time objective.",
        "add a second region with replicated data if the recovery objective "
        "needs it, or waive this rule with the objective as the reason",
        (REL10_BP01, REL13_BP02),
        "single_region",
    ),
    Rule(
        "REL-REG-002",
        REL,
        M,
        "Losing one region cuts off a data store",
        "The design spans several regions, but simulating the loss of each "
        "region in turn shows a store that no surviving entry point reaches: "
        "its data lives only in the lost region, or every path to its "
        "surviving copy starts there.",
        "replicate the store into another region (regions=[...] on a table, or "
        "a copy of the store in a region block) and give every region its own "
        "entry point and path to it",
        (REL10_BP01, REL13_BP02),
        "region_loss_outage",
    ),
    Rule(
        "REL-NAT-001",
        REL,
        M,
        "One NAT gateway serves every AZ",
        "When the NAT gateway's AZ fails, servers in every other AZ lose "
        "outbound access to the internet and AWS endpoints outside the VPC.",
        "remove nat=single from the design (one NAT gateway per AZ)",
        (REL10_BP01,),
        "shared_nat_gateway",
    ),
    # Performance efficiency ---------------------------------------------
    Rule(
        "PERF-LB-001",
        PERF,
        M,
        "Several servers reached without a load balancer",
        "Callers that address instances directly cannot spread load evenly, "
        "and must learn about every instance that is added or fails.",
        "put the tier 'behind alb' (or nlb)",
        (PERF04_BP04,),
        "servers_without_balancer",
    ),
    Rule(
        "PERF-CACHE-001",
        PERF,
        L,
        "Database read path without a cache",
        "Serving repeated reads from a cache cuts database load and latency; "
        "a tier that only talks to the database sends every read there.",
        "add a cache and a flow to it ('cache c redis', 'app -> c')",
        (PERF03_BP05,),
        "database_without_cache",
    ),
    Rule(
        "PERF-EDGE-001",
        PERF,
        L,
        "Internet-facing tier without a CDN",
        "CloudFront ends TLS near users and caches static responses, which "
        "cuts latency for distant users and load on the origin.",
        "add 'edge cdn' to the design",
        (PERF04_BP06,),
        "no_cdn",
    ),
    Rule(
        "PERF-SCALE-001",
        PERF,
        L,
        "Scaling headroom below twice the minimum",
        "A maximum below twice the minimum leaves little room for a traffic "
        "peak or for losing an AZ during one.",
        "raise max= to at least twice min=",
        (PERF02_BP05,),
        "little_scaling_headroom",
    ),
    Rule(
        "PERF-DATA-001",
        PERF,
        L,
        "Analytics reads the transactional database directly",
        "Analytical scans on the OLTP database compete with transactions; a "
        "lake or warehouse fed from it serves both better.",
        "feed the analytics from S3 or Redshift instead of the database",
        (PERF03_BP01,),
        "analytics_on_oltp",
    ),
    Rule(
        "PERF-GEN-001",
        PERF,
        L,
        "Previous-generation instance type",
        "Older instance families cost more per unit of work than current ones.",
        "pick a current generation with instance= (for example m7g.large)",
        (PERF02_BP01,),
        "previous_generation",
    ),
    # Cost optimization ---------------------------------------------------
    Rule(
        "COST-FIX-001",
        COST,
        M,
        "Large fleet that never scales in",
        "A group fixed at more than two instances per AZ pays for peak "
        "capacity around the clock.",
        "lower min= and let target tracking add instances under load",
        (COST06_BP03,),
        "overprovisioned_fleet",
    ),
    Rule(
        "COST-VPCE-001",
        COST,
        L,
        "S3 or DynamoDB reached through NAT",
        "Private servers reaching S3 or DynamoDB without a gateway endpoint "
        "pay NAT processing charges on every byte; gateway endpoints are free.",
        "add a gateway VPC endpoint for the service",
        (COST08_BP03,),
        "missing_gateway_endpoint",
    ),
    Rule(
        "COST-BATCH-001",
        COST,
        L,
        "Queue consumer fleet not scaled on queue depth",
        "A fleet that reads a queue but scales on CPU keeps idle instances "
        "when the queue is empty and lags when it fills.",
        "scale the consumers on queue depth (backlog per instance)",
        (COST09_BP03,),
        "consumer_not_scaled_on_queue",
    ),
    Rule(
        "COST-RET-001",
        COST,
        L,
        "Logs kept forever",
        "Log groups without retention grow and are billed forever.",
        "set a retention period on the log group",
        (COST04_BP05,),
        "logs_without_retention",
    ),
    Rule(
        "COST-OVER-001",
        COST,
        L,
        "More than two read replicas",
        "Each replica costs as much as the primary; more than two should be "
        "justified by measured read load.",
        "lower replicas= unless load tests show the reads need them",
        (COST06_BP02,),
        "many_replicas",
        {"max_replicas": 2},
    ),
    # Sustainability ------------------------------------------------------
    Rule(
        "SUS-SCALE-001",
        SUS,
        M,
        "Capacity that does not follow demand",
        "Services, node groups or tables provisioned for peak without scaling "
        "use energy and money while idle.",
        "add scaling (target tracking, HPA or on-demand capacity)",
        (SUS02_BP01,),
        "capacity_without_scaling",
    ),
    Rule(
        "SUS-MANAGED-001",
        SUS,
        L,
        "Self-managed data store on EC2",
        "A database, cache or broker run on your own instances needs patching, "
        "replication and backups that a managed service already provides, on "
        "shared and better-utilised hardware.",
        "use 'db', 'cache' or a managed queue instead of a tier",
        (SUS05_BP03,),
        "self_managed_store",
    ),
    Rule(
        "SUS-UNUSED-001",
        SUS,
        L,
        "Statement nothing sends to or receives from",
        "A component without traffic costs money and energy while doing "
        "nothing, or a flow is missing from the design.",
        "add the missing flow, or remove the statement",
        (SUS02_BP03,),
        "unused_unit",
    ),
    Rule(
        "SUS-GRAV-001",
        SUS,
        L,
        "Instance type not on AWS Graviton",
        "Graviton (Arm) instances do the same work with less energy than "
        "comparable x86 instances; most Linux stacks run on them unchanged.",
        "pick a Graviton type with instance= (for example m7g.large)",
        (SUS05_BP02,),
        "not_graviton",
    ),
    Rule(
        "SUS-LIFE-001",
        SUS,
        L,
        "Bucket without a lifecycle policy",
        "Data kept with no expiry or tiering grows without bound; lifecycle "
        "rules move or delete it when it is no longer needed.",
        "add a lifecycle rule (expiry or storage-class transition)",
        (SUS04_BP03,),
        "no_lifecycle",
    ),
)


def rule_ids() -> list[str]:
    return [rule.id for rule in RULES]
