"""Rules for components that later statements create, on models built in Python.

The serverless, container, analytics and security statements do not exist
yet. These models use the catalogue kinds and the attribute names of
docs/model.md, which those statements set.
"""

from __future__ import annotations

from archdsl.check.engine import run_check
from archdsl.check.graph import single_points
from tests.model_builder import ModelBuilder, serverless_api


def pairs(builder: ModelBuilder) -> set[tuple[str, str]]:
    findings = run_check(builder.model).findings
    return {(f.rule.id, c) for f in findings for c in f.components}


def rules(builder: ModelBuilder) -> set[str]:
    return {f.rule.id for f in run_check(builder.model).findings}


def test_serverless_answer_has_no_spof():
    # API Gateway, Lambda and DynamoDB all run across AZs on their own.
    assert single_points(serverless_api().model) == []


def test_serverless_answer_has_no_high_findings():
    findings = run_check(serverless_api().model).findings
    assert [f.rule.id for f in findings if f.severity.rank >= 3] == []


def test_api_without_authorizer():
    assert ("SEC-API-001", "api") in pairs(serverless_api(authorizer=None))


def test_api_without_throttling():
    assert ("REL-THR-001", "api") in pairs(serverless_api(throttling=None))


def test_unauthenticated_api_to_table_is_not_critical():
    # Buckets and tables behind API Gateway are a supported pattern; only
    # databases and caches count as stores for the exposure rule.
    assert "SEC-NET-002" not in rules(serverless_api(authorizer=None))


def test_load_balancer_straight_to_database_is_critical():
    builder = ModelBuilder()
    builder.add("internet", "external.internet")
    builder.add("lb", "elbv2.alb", azs=("us-east-1a", "us-east-1b"), public=True)
    builder.add("db", "rds.instance", azs=("us-east-1a",), role="primary")
    builder.connect("internet", "lb", tls=True)
    builder.connect("lb", "db", tls=True)
    assert ("SEC-NET-002", "db") in pairs(builder)


def queue_pipeline(**queue_attrs) -> ModelBuilder:
    builder = ModelBuilder("events")
    builder.add("producer", "lambda.function", reserved_concurrency=10)
    attrs = {"encrypted": True, "dlq": "jobs-dlq"}
    attrs.update(queue_attrs)
    builder.add("jobs", "sqs.queue", **attrs)
    builder.add("jobs-dlq", "sqs.queue", unit="jobs", encrypted=True, role="dlq")
    builder.add("worker", "lambda.function", reserved_concurrency=5)
    builder.connect("producer", "jobs", "async")
    builder.connect("jobs", "worker", "async")
    return builder


def test_queue_without_dlq():
    assert ("REL-DLQ-001", "jobs") in pairs(queue_pipeline(dlq=None))


def test_queue_with_dlq_passes():
    assert "REL-DLQ-001" not in rules(queue_pipeline())


def test_dlq_needs_no_dlq():
    assert ("REL-DLQ-001", "jobs-dlq") not in pairs(queue_pipeline())


def test_dlq_without_alarm():
    assert ("OPS-DLQ-001", "jobs-dlq") in pairs(queue_pipeline())


def test_dlq_with_alarm_passes():
    builder = queue_pipeline()
    builder.add("dlq-depth", "cloudwatch.alarm", watches="jobs-dlq")
    assert "OPS-DLQ-001" not in rules(builder)


def test_alarm_present_clears_no_alarms_rule():
    builder = queue_pipeline()
    builder.add("dlq-depth", "cloudwatch.alarm", watches="jobs-dlq")
    assert "OPS-MON-001" not in rules(builder)


def test_unencrypted_queue():
    assert ("SEC-ENC-001", "jobs") in pairs(queue_pipeline(encrypted=False))


def test_queue_fed_function_without_reserved_concurrency():
    builder = queue_pipeline()
    builder.model.components["worker"].attrs["reserved_concurrency"] = None
    assert ("REL-THR-002", "worker") in pairs(builder)


def test_event_triggered_function_without_dlq():
    builder = ModelBuilder("images")
    builder.add("uploads", "s3.bucket", encrypted=True, versioning=True)
    builder.add("resize", "lambda.function", dlq=None)
    builder.connect("uploads", "resize", "event")
    assert ("REL-DLQ-001", "resize") in pairs(builder)


def test_single_lambda_dispatching_every_type():
    # The design the notes reject: one queue, one function calling every backend.
    builder = ModelBuilder("routing")
    builder.add("intake", "sqs.queue", encrypted=True, dlq="intake-dlq")
    builder.add("intake-dlq", "sqs.queue", unit="intake", role="dlq")
    builder.add("dispatch", "lambda.function", reserved_concurrency=10)
    for backend in ("car", "home", "life"):
        builder.add(backend, "lambda.function", reserved_concurrency=10)
        builder.connect("dispatch", backend)
    builder.connect("intake", "dispatch", "async")
    assert ("REL-HOT-001", "dispatch") in pairs(builder)


def test_topic_with_queue_per_consumer_has_no_dispatcher():
    # The recommended design: SNS filters into one queue per backend.
    builder = ModelBuilder("routing")
    builder.add("orders", "lambda.function", reserved_concurrency=10)
    builder.add("topic", "sns.topic", encrypted=True)
    builder.connect("orders", "topic", "async")
    for backend in ("car", "home", "life"):
        builder.add(f"{backend}-q", "sqs.queue", encrypted=True, dlq=f"{backend}-dlq")
        builder.add(f"{backend}-dlq", "sqs.queue", unit=f"{backend}-q", role="dlq")
        builder.add(backend, "lambda.function", reserved_concurrency=10)
        builder.connect("topic", f"{backend}-q", "async")
        builder.connect(f"{backend}-q", backend, "async")
    assert "REL-HOT-001" not in rules(builder)


def test_bucket_without_block_public_access():
    builder = ModelBuilder()
    builder.add("site", "s3.bucket", public_access_blocked=False, lifecycle="90d")
    assert ("SEC-S3-001", "site") in pairs(builder)


def test_bucket_without_versioning():
    builder = ModelBuilder()
    builder.add("originals", "s3.bucket", versioning=False)
    assert ("REL-BAK-003", "originals") in pairs(builder)


def test_bucket_without_lifecycle():
    builder = ModelBuilder()
    builder.add("originals", "s3.bucket", versioning=True)
    assert ("SUS-LIFE-001", "originals") in pairs(builder)


def test_table_without_pitr():
    builder = ModelBuilder()
    builder.add("table", "dynamodb.table", point_in_time_recovery=False)
    assert ("REL-BAK-002", "table") in pairs(builder)


def test_provisioned_table_without_scaling():
    builder = ModelBuilder()
    builder.add("table", "dynamodb.table", billing_mode="provisioned")
    assert ("SUS-SCALE-001", "table") in pairs(builder)


def test_ecs_service_without_scaling():
    builder = ModelBuilder()
    builder.add("svc", "ecs.service", azs=("us-east-1a", "us-east-1b"))
    assert ("SUS-SCALE-001", "svc") in pairs(builder)


def test_key_without_rotation():
    builder = ModelBuilder()
    builder.add("key", "kms.key", rotation=False)
    assert ("SEC-ENC-003", "key") in pairs(builder)


def test_unencrypted_volumes():
    builder = ModelBuilder()
    builder.add("web.lt", "ec2.launch-template", ebs_encrypted=False)
    assert ("SEC-ENC-002", "web.lt") in pairs(builder)


def test_asg_without_elb_health_check():
    builder = ModelBuilder()
    builder.add("lb", "elbv2.alb", azs=("us-east-1a", "us-east-1b"))
    builder.add(
        "web.asg", "autoscaling.group", unit="web", min=2, max=4, health_check="EC2"
    )
    builder.add(
        "web.a",
        "ec2.instance",
        unit="web",
        azs=("us-east-1a",),
        asg="web.asg",
        min_in_az=1,
    )
    builder.connect("lb", "web.a")
    assert ("REL-ASG-002", "web.asg") in pairs(builder)


def test_analytics_on_transactional_database():
    builder = ModelBuilder()
    builder.add("reports", "athena.workgroup")
    builder.add("db", "rds.instance", azs=("us-east-1a",), role="primary")
    builder.connect("reports", "db", "data")
    assert ("PERF-DATA-001", "reports") in pairs(builder)


def test_private_servers_reach_s3_through_nat():
    builder = ModelBuilder()
    builder.add("worker", "ec2.instance", vpc="vpc", azs=("us-east-1a",))
    builder.add("bucket", "s3.bucket", lifecycle="30d")
    builder.connect("worker", "bucket", "data")
    assert ("COST-VPCE-001", "worker") in pairs(builder)


def test_gateway_endpoint_clears_nat_rule():
    builder = ModelBuilder()
    builder.add("worker", "ec2.instance", vpc="vpc", azs=("us-east-1a",))
    builder.add("bucket", "s3.bucket", lifecycle="30d")
    builder.add("vpce.s3", "ec2.vpc-endpoint", service="s3")
    builder.connect("worker", "bucket", "data")
    assert "COST-VPCE-001" not in rules(builder)


def test_queue_consumers_scaled_on_cpu():
    builder = ModelBuilder()
    builder.add("jobs", "sqs.queue", encrypted=True, dlq="dlq")
    builder.add("dlq", "sqs.queue", role="dlq")
    builder.add("w.asg", "autoscaling.group", unit="w", min=2, max=4, cpu_target=50)
    builder.add("w.a", "ec2.instance", unit="w", asg="w.asg", azs=("us-east-1a",))
    builder.connect("jobs", "w.a", "async")
    assert ("COST-BATCH-001", "w.asg") in pairs(builder)


def test_queue_consumers_scaled_on_depth_pass():
    builder = ModelBuilder()
    builder.add("jobs", "sqs.queue", encrypted=True, dlq="dlq")
    builder.add("dlq", "sqs.queue", role="dlq")
    builder.add(
        "w.asg",
        "autoscaling.group",
        unit="w",
        min=2,
        max=4,
        scaling={"signal": "queue_depth", "target": 100},
    )
    builder.add("w.a", "ec2.instance", unit="w", asg="w.asg", azs=("us-east-1a",))
    builder.connect("jobs", "w.a", "async")
    assert "COST-BATCH-001" not in rules(builder)


def test_log_group_without_retention():
    builder = ModelBuilder()
    builder.add("fn.logs", "logs.log-group", log_retention_days=None)
    assert ("COST-RET-001", "fn.logs") in pairs(builder)


def test_tracing_component_clears_tracing_rule():
    builder = serverless_api()
    builder.add("downstream", "lambda.function", reserved_concurrency=5)
    builder.connect("handler", "downstream")
    builder.add("xray", "xray.tracing")
    assert "OPS-TRACE-001" not in rules(builder)
