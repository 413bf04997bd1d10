"""Public serverless and event-driven cases, expressed in tests/cases/*.arch.

Each table below maps the case's own component names and edges, read from
its entry in the public case list, to what the expanded model must hold.
An edge is a path of component ids; most are one hop, and an EventBridge
rule or an API authorizer adds the hop that AWS adds. Defaults that
archdsl adds on top (dead-letter queues, log groups, WAF) may appear as
well; the tables list only what the case itself contains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from archdsl.compiler import compile_file
from archdsl.model import Model

CASES = Path(__file__).resolve().parent / "cases"


@dataclass(frozen=True)
class Hop:
    source: str
    target: str
    kind: str


@dataclass(frozen=True)
class Edge:
    """A case edge and the hops it became in the model."""

    case_from: str
    case_to: str
    hops: tuple[Hop, ...]


@dataclass(frozen=True)
class Case:
    #: Case component name -> (model component ids, kind of each).
    components: dict[str, tuple[tuple[str, ...], str]]
    edges: tuple[Edge, ...]
    #: Case group name -> model components placed in it.
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)


def one(case_from: str, case_to: str, source: str, target: str, kind: str) -> Edge:
    return Edge(case_from, case_to, (Hop(source, target, kind),))


def via_rule(case_from: str, case_to: str, bus: str, rule: str, target: str) -> Edge:
    # The bus evaluates the rule (an event hop); the rule delivers to its
    # target asynchronously, which is the kind the case gives the edge.
    return Edge(
        case_from,
        case_to,
        (Hop(bus, rule, "event"), Hop(rule, target, "async")),
    )


EXPECTED: dict[str, Case] = {
    "sp-sns-sqs-filter-fanout": Case(
        components={
            "publisher": (("publisher",), "external.internet"),
            "metrics-topic": (("metrics-topic",), "sns.topic"),
            "all-metrics-queue": (("all-metrics-queue",), "sqs.queue"),
            "temperature-queue": (("temperature-queue",), "sqs.queue"),
            "humidity-queue": (("humidity-queue",), "sqs.queue"),
            "all-metrics-dlq": (("all-metrics-queue.dlq",), "sqs.queue"),
            "temperature-dlq": (("temperature-queue.dlq",), "sqs.queue"),
            "humidity-dlq": (("humidity-queue.dlq",), "sqs.queue"),
        },
        edges=(
            one("publisher", "metrics-topic", "publisher", "metrics-topic", "async"),
            one(
                "metrics-topic",
                "all-metrics-queue",
                "metrics-topic",
                "all-metrics-queue",
                "async",
            ),
            one(
                "metrics-topic",
                "temperature-queue",
                "metrics-topic",
                "temperature-queue",
                "async",
            ),
            one(
                "metrics-topic",
                "humidity-queue",
                "metrics-topic",
                "humidity-queue",
                "async",
            ),
            one(
                "all-metrics-queue",
                "all-metrics-dlq",
                "all-metrics-queue",
                "all-metrics-queue.dlq",
                "async",
            ),
            one(
                "temperature-queue",
                "temperature-dlq",
                "temperature-queue",
                "temperature-queue.dlq",
                "async",
            ),
            one(
                "humidity-queue",
                "humidity-dlq",
                "humidity-queue",
                "humidity-queue.dlq",
                "async",
            ),
        ),
        groups={
            "SAM stack": (
                "metrics-topic",
                "all-metrics-queue",
                "temperature-queue",
                "humidity-queue",
                "all-metrics-queue.dlq",
                "temperature-queue.dlq",
                "humidity-queue.dlq",
            )
        },
    ),
    "sp-eventbridge-scheduler-fanout": Case(
        components={
            "scheduler": (("scheduler",), "scheduler.schedule"),
            "bus": (("bus",), "events.bus"),
            "rules": (("rule1", "rule2", "rule3"), "events.rule"),
            "processor": (("processor",), "lambda.function"),
            "processor-logs": (("processor.logs",), "logs.log-group"),
            "alerts": (("alerts",), "sns.topic"),
            "archive": (("archive",), "sqs.queue"),
        },
        edges=(
            one("scheduler", "bus", "scheduler", "bus", "async"),
            via_rule("bus", "processor", "bus", "rule1", "processor"),
            via_rule("bus", "alerts", "bus", "rule2", "alerts"),
            via_rule("bus", "archive", "bus", "rule3", "archive"),
            one("processor", "processor-logs", "processor", "processor.logs", "data"),
        ),
        groups={
            "Terraform stack": (
                "scheduler",
                "bus",
                "rule1",
                "rule2",
                "rule3",
                "processor",
                "processor.logs",
                "alerts",
                "archive",
            )
        },
    ),
    "sp-s3-lambda-image-resize": Case(
        components={
            "uploader": (("uploader",), "external.internet"),
            "source-bucket": (("source-bucket",), "s3.bucket"),
            "resizer": (("resizer",), "lambda.function"),
            "destination-bucket": (("destination-bucket",), "s3.bucket"),
        },
        edges=(
            one("uploader", "source-bucket", "uploader", "source-bucket", "data"),
            one("source-bucket", "resizer", "source-bucket", "resizer", "async"),
            one("resizer", "source-bucket", "resizer", "source-bucket", "data"),
            one(
                "resizer",
                "destination-bucket",
                "resizer",
                "destination-bucket",
                "data",
            ),
        ),
        groups={"SAM stack": ("source-bucket", "resizer", "destination-bucket")},
    ),
    "sp-httpapi-cognito-jwt": Case(
        components={
            "client": (("caller",), "external.internet"),
            "cognito": (("cognito",), "cognito.user-pool"),
            "httpapi": (("httpapi",), "apigateway.http-api"),
            "jwt-authorizer": (("httpapi.authorizer",), "apigateway.authorizer"),
            "unprotected-fn": (("unprotected-fn",), "lambda.function"),
            "protected-fn": (("protected-fn",), "lambda.function"),
        },
        edges=(
            one("client", "cognito", "caller", "cognito", "sync"),
            one("client", "httpapi", "caller", "httpapi", "sync"),
            one("httpapi", "unprotected-fn", "httpapi", "unprotected-fn", "sync"),
            one("httpapi", "jwt-authorizer", "httpapi", "httpapi.authorizer", "sync"),
            one("jwt-authorizer", "cognito", "httpapi.authorizer", "cognito", "sync"),
            one("httpapi", "protected-fn", "httpapi", "protected-fn", "sync"),
        ),
        groups={
            "CDK stack": (
                "cognito",
                "httpapi",
                "httpapi.authorizer",
                "unprotected-fn",
                "protected-fn",
            )
        },
    ),
    "wildrydes-serverless-webapp": Case(
        components={
            "browser": (("browser",), "external.internet"),
            "website-bucket": (("website-bucket",), "s3.bucket"),
            "user-pool": (("user-pool",), "cognito.user-pool"),
            "api": (("rides-api",), "apigateway.rest-api"),
            "request-fn": (("request-fn",), "lambda.function"),
            "table": (("rides",), "dynamodb.table"),
            "logs": (("request-fn.logs",), "logs.log-group"),
        },
        edges=(
            one("browser", "website-bucket", "browser", "website-bucket", "sync"),
            one("browser", "user-pool", "browser", "user-pool", "sync"),
            one("browser", "api", "browser", "rides-api", "sync"),
            # The REST API's Cognito authorizer is the part of the API that
            # validates the token.
            Edge(
                "api",
                "user-pool",
                (
                    Hop("rides-api", "rides-api.authorizer", "sync"),
                    Hop("rides-api.authorizer", "user-pool", "sync"),
                ),
            ),
            one("api", "request-fn", "rides-api", "request-fn", "sync"),
            one("request-fn", "table", "request-fn", "rides", "sync"),
            one("request-fn", "logs", "request-fn", "request-fn.logs", "data"),
        ),
    ),
    "kms-encrypted-serverless-roundtrip": Case(
        components={
            "producer": (("producer",), "external.internet"),
            "kms-key": (("kms-key",), "kms.key"),
            "queue": (("messages",), "sqs.queue"),
            "publish-fn": (("publish-fn",), "lambda.function"),
            "topic": (("notifications",), "sns.topic"),
            "subscribe-fn": (("subscribe-fn",), "lambda.function"),
            "log-group": (("subscribe-fn.logs",), "logs.log-group"),
            "metric-filter": (("metric-filter",), "logs.metric-filter"),
            "alarm": (("alarm",), "cloudwatch.alarm"),
            "eventbridge": (("alarm-changed",), "events.rule"),
            "alarm-fn": (("alarm-fn",), "lambda.function"),
            "secret": (("secret",), "secretsmanager.secret"),
            "rotate-fn": (("rotate-fn",), "lambda.function"),
            "table": (("records",), "dynamodb.table"),
            "stream-fn": (("stream-fn",), "lambda.function"),
            "bucket": (("files",), "s3.bucket"),
            "file-fn": (("file-fn",), "lambda.function"),
        },
        edges=(
            one("producer", "queue", "producer", "messages", "async"),
            one("queue", "publish-fn", "messages", "publish-fn", "async"),
            one("publish-fn", "topic", "publish-fn", "notifications", "async"),
            one("topic", "subscribe-fn", "notifications", "subscribe-fn", "async"),
            one(
                "subscribe-fn", "log-group", "subscribe-fn", "subscribe-fn.logs", "data"
            ),
            one(
                "log-group",
                "metric-filter",
                "subscribe-fn.logs",
                "metric-filter",
                "data",
            ),
            one("metric-filter", "alarm", "metric-filter", "alarm", "data"),
            # The alarm's state change goes to the default bus, where the rule
            # (the case's "eventbridge") matches it.
            Edge(
                "alarm",
                "eventbridge",
                (
                    Hop("alarm", "default", "async"),
                    Hop("default", "alarm-changed", "event"),
                ),
            ),
            one("eventbridge", "alarm-fn", "alarm-changed", "alarm-fn", "async"),
            one("alarm-fn", "secret", "alarm-fn", "secret", "sync"),
            one("alarm-fn", "table", "alarm-fn", "records", "sync"),
            one("table", "stream-fn", "records", "stream-fn", "async"),
            one("stream-fn", "bucket", "stream-fn", "files", "data"),
            one("rotate-fn", "secret", "rotate-fn", "secret", "sync"),
            one("queue", "kms-key", "messages", "kms-key", "sync"),
            one("topic", "kms-key", "notifications", "kms-key", "sync"),
            one("table", "kms-key", "records", "kms-key", "sync"),
            one("bucket", "kms-key", "files", "kms-key", "sync"),
            one("secret", "kms-key", "secret", "kms-key", "sync"),
        ),
    ),
    "aws-guidance-cell-based-kv-store": Case(
        components={
            "client": (("client",), "external.internet"),
            "router-lb": (("router-lb",), "elbv2.alb"),
            "router": (("router",), "ecs.service"),
            "router-vpc-egress": (
                ("router-net.vpc", "router-net.nat.us-east-1a"),
                "",
            ),
            "cell-lb": (
                ("cell1.cell-lb", "cell2.cell-lb", "cell3.cell-lb"),
                "elbv2.alb",
            ),
            "cell-svc": (
                ("cell1.cell-svc", "cell2.cell-svc", "cell3.cell-svc"),
                "ecs.service",
            ),
            "cell-data": (
                ("cell1.cell-data", "cell2.cell-data", "cell3.cell-data"),
                "dynamodb.table",
            ),
            "cell-vpc-egress": (
                (
                    "cell1.vpc",
                    "cell1.nat.us-east-1a",
                    "cell2.vpc",
                    "cell2.nat.us-east-1a",
                    "cell3.vpc",
                    "cell3.nat.us-east-1a",
                ),
                "",
            ),
            "sandbox-cell": (
                ("sandbox1.cell-lb", "sandbox1.cell-svc", "sandbox1.cell-data"),
                "",
            ),
            "prefix-list": (("prefix-list",), "ec2.managed-prefix-list"),
            "ecr": (("ecr",), "ecr.repository"),
            "template-bucket": (("template-bucket",), "s3.bucket"),
            "pipeline": (("pipeline",), "codepipeline.pipeline"),
            "orchestrator-fn": (("orchestrator-fn",), "lambda.function"),
            "canary": (("canary",), "states.state-machine"),
        },
        edges=(
            one("client", "router-lb", "client", "router-lb", "sync"),
            one("router-lb", "router", "router-lb", "router", "sync"),
            *(
                one("client", "cell-lb", "client", f"cell{n}.cell-lb", "sync")
                for n in (1, 2, 3)
            ),
            *(
                one(
                    "cell-lb",
                    "cell-svc",
                    f"cell{n}.cell-lb",
                    f"cell{n}.cell-svc",
                    "sync",
                )
                for n in (1, 2, 3)
            ),
            *(
                one(
                    "cell-svc",
                    "cell-data",
                    f"cell{n}.cell-svc",
                    f"cell{n}.cell-data",
                    "sync",
                )
                for n in (1, 2, 3)
            ),
            *(
                one("ecr", "cell-svc", "ecr", f"cell{n}.cell-svc", "data")
                for n in (1, 2, 3)
            ),
            one("ecr", "router", "ecr", "router", "data"),
            # S3 announces new objects on the default bus, and a rule starts
            # the pipeline: CodePipeline is not an S3 notification target.
            Edge(
                "template-bucket",
                "pipeline",
                (
                    Hop("template-bucket", "default", "async"),
                    Hop("default", "new-template", "event"),
                    Hop("new-template", "pipeline", "async"),
                ),
            ),
            one("pipeline", "orchestrator-fn", "pipeline", "orchestrator-fn", "sync"),
            one("pipeline", "sandbox-cell", "pipeline", "sandbox1.cell-svc", "data"),
            one("pipeline", "canary", "pipeline", "canary", "sync"),
            *(
                one("pipeline", "cell-svc", "pipeline", f"cell{n}.cell-svc", "data")
                for n in (1, 2, 3)
            ),
        ),
        groups={
            "Router stack": ("router-lb", "router"),
            "ECR stack": ("ecr",),
            "Deployment pipeline": (
                "template-bucket",
                "pipeline",
                "orchestrator-fn",
                "canary",
            ),
        },
    ),
}


def compiled(case_id: str) -> Model:
    return compile_file(CASES / f"{case_id}.arch").model


@pytest.fixture(scope="module")
def models() -> dict[str, Model]:
    return {case_id: compiled(case_id) for case_id in EXPECTED}


def test_every_case_file_has_expectations():
    from tests.test_cases_platform import CASE_TABLES

    written = sorted(p.stem for p in CASES.glob("*.arch"))
    assert written == sorted([*EXPECTED, *CASE_TABLES])


@pytest.mark.parametrize("case_id", sorted(EXPECTED))
def test_case_components(models, case_id):
    model = models[case_id]
    for name, (ids, kind) in EXPECTED[case_id].components.items():
        for component_id in ids:
            assert component_id in model.components, f"{name}: {component_id}"
            if kind:
                actual = model.components[component_id].kind
                assert actual == kind, f"{name}: {component_id} is {actual}"


@pytest.mark.parametrize("case_id", sorted(EXPECTED))
def test_case_edges(models, case_id):
    model = models[case_id]
    links = {(c.source, c.target, c.kind) for c in model.connections}
    for edge in EXPECTED[case_id].edges:
        for hop in edge.hops:
            wanted = (hop.source, hop.target, hop.kind)
            assert wanted in links, f"{edge.case_from} -> {edge.case_to}: {wanted}"


@pytest.mark.parametrize("case_id", sorted(EXPECTED))
def test_case_groups(models, case_id):
    model = models[case_id]
    for group, members in EXPECTED[case_id].groups.items():
        for member in members:
            groups = model.components[member].placement.groups
            assert group in groups, f"{member} is in {groups}, not {group}"


@pytest.mark.parametrize("case_id", sorted(EXPECTED))
def test_case_expands_deterministically(models, case_id):
    assert compiled(case_id).dumps() == models[case_id].dumps()


def attrs_of(model: Model, source: str, target: str) -> dict:
    (connection,) = [
        c for c in model.connections if (c.source, c.target) == (source, target)
    ]
    return connection.attrs


def test_sns_filter_policies(models):
    model = models["sp-sns-sqs-filter-fanout"]
    temperature = attrs_of(model, "metrics-topic", "temperature-queue")
    humidity = attrs_of(model, "metrics-topic", "humidity-queue")
    everything = attrs_of(model, "metrics-topic", "all-metrics-queue")
    assert temperature["filter"] == {"MetricType": ["Temperature"]}
    assert humidity["filter"] == {"MetricType": ["Humidity"]}
    assert "filter" not in everything


def test_sns_queues_redrive_after_five(models):
    model = models["sp-sns-sqs-filter-fanout"]
    for queue in ("all-metrics-queue", "temperature-queue", "humidity-queue"):
        component = model.component(queue)
        assert component.attrs["max_receive_count"] == 5, queue
        assert component.attrs["dlq"] == f"{queue}.dlq", queue
        assert model.component(f"{queue}.dlq").attrs["role"] == "dlq", queue


def test_sns_subscriptions_are_recorded(models):
    model = models["sp-sns-sqs-filter-fanout"]
    subscription = model.component("metrics-topic.sub.temperature-queue")
    assert subscription.kind == "sns.subscription"
    assert subscription.attrs["protocol"] == "sqs"
    assert subscription.attrs["filter_policy"] == {"MetricType": ["Temperature"]}


def test_scheduler_rate_and_rule_patterns(models):
    model = models["sp-eventbridge-scheduler-fanout"]
    assert model.component("scheduler").attrs["expression"] == "rate(5 minutes)"
    for rule in ("rule1", "rule2", "rule3"):
        pattern = model.component(rule).attrs["event_pattern"]
        assert pattern == {"source": ["scheduler"]}, rule


def test_scheduler_case_warns_about_aws_managed_sns_key(models):
    messages = [w.message for w in models["sp-eventbridge-scheduler-fanout"].warnings]
    assert (
        "Amazon EventBridge cannot publish to 'alerts', which is encrypted with "
        "the AWS managed key aws/sns" in messages
    )


def test_rule_target_function_gets_dead_letter_queue(models):
    model = models["sp-eventbridge-scheduler-fanout"]
    assert model.component("processor").attrs["dlq"] == "processor.dlq"
    assert model.component("processor").attrs["max_retry_attempts"] == 2


def test_s3_notification_is_object_created(models):
    model = models["sp-s3-lambda-image-resize"]
    bucket = model.component("source-bucket")
    (notification,) = bucket.attrs["notifications"]
    assert notification["events"] == ["s3:ObjectCreated:*"]
    assert notification["target"] == "resizer"


def test_s3_originals_versioned_thumbnails_not(models):
    model = models["sp-s3-lambda-image-resize"]
    assert model.component("source-bucket").attrs["versioning"] is True
    assert model.component("destination-bucket").attrs["versioning"] is False


def test_jwt_route_protection(models):
    model = models["sp-httpapi-cognito-jwt"]
    assert attrs_of(model, "httpapi", "unprotected-fn")["auth"] == "none"
    assert attrs_of(model, "httpapi", "protected-fn")["auth"] == "jwt"
    authorizer = model.component("httpapi.authorizer")
    assert authorizer.attrs["type"] == "JWT"
    assert authorizer.attrs["audience"] == "app-client"
    assert model.component("httpapi").attrs["authorizer"] == "jwt"


def test_wildrydes_public_website_is_weakened(models):
    model = models["wildrydes-serverless-webapp"]
    bucket = model.component("website-bucket")
    assert bucket.attrs["public"] is True
    assert bucket.attrs["website"] is True
    weakened = {(c.id, d.key) for c, d in model.weakened_defaults()}
    assert ("website-bucket", "public_access_blocked") in weakened


def test_wildrydes_site_is_plain_http(models):
    model = models["wildrydes-serverless-webapp"]
    (connection,) = [
        c
        for c in model.connections
        if (c.source, c.target) == ("browser", "website-bucket")
    ]
    assert connection.protocol == "http"
    assert connection.tls is False


def test_wildrydes_rest_api_and_table(models):
    model = models["wildrydes-serverless-webapp"]
    assert model.component("rides-api").attrs["authorizer"] == "cognito"
    assert model.component("rides-api.authorizer").attrs["type"] == (
        "COGNITO_USER_POOLS"
    )
    table = model.component("rides")
    assert table.attrs["billing_mode"] == "PROVISIONED"
    assert table.attrs["read_capacity"] == 1


def test_one_key_encrypts_every_store(models):
    model = models["kms-encrypted-serverless-roundtrip"]
    for store in ("messages", "notifications", "records", "files", "secret"):
        assert model.component(store).attrs["kms_key"] == "kms-key", store
    assert model.component("files").attrs["encryption"] == "SSE-KMS"


def test_roundtrip_stream_view(models):
    model = models["kms-encrypted-serverless-roundtrip"]
    assert model.component("records").attrs["stream_view"] == "NEW_AND_OLD_IMAGES"


def test_cells_have_own_vpcs_and_stamps(models):
    model = models["aws-guidance-cell-based-kv-store"]
    vpcs = sorted(c.id for c in model.of_kind("ec2.vpc"))
    assert vpcs == [
        "cell1.vpc",
        "cell2.vpc",
        "cell3.vpc",
        "router-net.vpc",
        "sandbox1.vpc",
    ]
    stamps = {(s.name, s.copies) for s in model.design.cells}
    assert ("cell", ("cell1", "cell2", "cell3")) in stamps
    assert ("sandbox", ("sandbox1",)) in stamps
