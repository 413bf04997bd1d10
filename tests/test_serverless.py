"""Serverless and messaging statements: expansion, defaults and errors."""

from __future__ import annotations

import json

import pytest

from archdsl.compiler import compile_text
from archdsl.errors import DesignError
from archdsl.model import Model
from tests.conftest import EXAMPLES, run_archdsl


def expand(text: str) -> Model:
    return compile_text(text, "t.arch").model


def defaults_of(model: Model, component_id: str) -> dict:
    return {d.key: d for d in model.component(component_id).defaults}


def weakened(model: Model) -> set[tuple[str, str]]:
    return {(c.id, d.key) for c, d in model.weakened_defaults()}


# Expansion ------------------------------------------------------------------


CELL_COPIES = """\
cell shard x2 {
  queue jobs
  topic events
  function worker
  jobs ~> worker
}
region us-west-2 {
  queue jobs
}
"""


def test_cell_copies_get_own_resource_names():
    # SQS queue, SNS topic and CloudWatch log group names must be unique
    # within an account and region, and both copies of the cell share us-east-1.
    model = expand(CELL_COPIES)
    assert model.component("shard1.jobs").attrs["queue_name"] == "shard1-jobs"
    assert model.component("shard2.jobs").attrs["queue_name"] == "shard2-jobs"
    assert model.component("shard2.jobs.dlq").attrs["queue_name"] == "shard2-jobs-dlq"
    assert model.component("shard2.events").attrs["topic_name"] == "shard2-events"
    assert model.component("shard1.worker.logs").name == "/aws/lambda/shard1-worker"
    assert model.component("shard2.worker.logs").name == "/aws/lambda/shard2-worker"


def test_region_block_keeps_resource_name():
    model = expand(CELL_COPIES)
    assert model.component("us-west-2.jobs").attrs["queue_name"] == "jobs"
    assert model.component("us-west-2.jobs.dlq").attrs["queue_name"] == "jobs-dlq"


def test_queue_gets_encrypted_dead_letter_queue():
    model = expand("queue orders\n")
    queue = model.component("orders")
    dlq = model.component("orders.dlq")
    assert queue.attrs["dlq"] == "orders.dlq"
    assert queue.attrs["max_receive_count"] == 5
    assert queue.attrs["encryption"] == "SSE-SQS"
    assert dlq.attrs["role"] == "dlq"
    assert dlq.attrs["message_retention_seconds"] == 14 * 86400


def test_fifo_queue_has_fifo_dead_letter_queue():
    model = expand("queue orders fifo\n")
    assert model.component("orders").attrs["queue_name"] == "orders.fifo"
    assert model.component("orders.dlq").attrs["fifo"] is True
    assert model.component("orders.dlq").attrs["queue_name"] == "orders-dlq.fifo"


def test_visibility_is_six_times_consumer_timeout():
    model = expand("queue jobs\nfunction work timeout=40s\njobs ~> work\n")
    # 6 x 40 s = 240 s, above SQS's 30 s default.
    assert model.component("jobs").attrs["visibility_timeout_seconds"] == 240


def test_visibility_without_function_consumer_is_sqs_default():
    model = expand("queue jobs\n")
    assert model.component("jobs").attrs["visibility_timeout_seconds"] == 30


def test_visibility_above_floor_is_not_weakened():
    model = expand(
        "queue jobs visibility=10m\nfunction work timeout=40s\njobs ~> work\n"
    )
    assert ("jobs", "visibility_timeout_seconds") not in weakened(model)


def test_visibility_below_floor_is_weakened():
    model = expand(
        "queue jobs visibility=60s\nfunction work timeout=40s\njobs ~> work\n"
    )
    assert ("jobs", "visibility_timeout_seconds") in weakened(model)


def test_async_function_gets_dead_letter_queue():
    model = expand("topic t\nfunction f\nt ~> f\n")
    function = model.component("f")
    assert function.attrs["dlq"] == "f.dlq"
    assert model.component("f.dlq").kind == "sqs.queue"
    assert function.attrs["max_retry_attempts"] == 2


def test_queue_consumer_function_has_no_own_dlq():
    model = expand("queue q\nfunction f\nq ~> f\n")
    assert model.component("f").attrs["dlq"] is None
    assert not model.components.get("f.dlq")


def test_function_has_log_group_with_retention():
    model = expand("function f log_retention=14d\n")
    logs = model.component("f.logs")
    assert logs.kind == "logs.log-group"
    assert logs.attrs["log_retention_days"] == 14
    assert model.component("f").attrs["log_group"] == "f.logs"


def test_api_throttling_and_access_logs():
    model = expand("api shop http rate=50 burst=100\n")
    api = model.component("shop")
    assert api.attrs["throttling"] == {"rate": 50, "burst": 100}
    assert api.attrs["access_logs"] is True
    assert model.component("shop.access-logs").kind == "logs.log-group"


def test_rest_api_gets_regional_waf():
    model = expand("api shop rest\n")
    assert model.component("shop").attrs["web_acl"] == "shop.waf"
    assert model.component("shop.waf").attrs["scope"] == "REGIONAL"


def test_rest_api_waf_documented_as_on():
    from archdsl.language import specs

    api = next(spec for spec in specs() if spec.keyword == "api")
    waf = next(option for option in api.options if option.key == "waf")
    assert waf.default == "on"
    assert expand("api shop rest\n").component("shop").attrs["waf"] is True


def test_lambda_authorizer_cache():
    model = expand(
        "api shop http auth=lambda authorizer=check auth_cache=10m\nfunction check\n"
    )
    authorizer = model.component("shop.authorizer")
    assert authorizer.attrs["type"] == "REQUEST"
    assert authorizer.attrs["cache_ttl_seconds"] == 600
    assert authorizer.attrs["decided_by"] == "check"


def test_cdn_reaches_private_bucket_through_oac():
    model = expand("bucket assets\ncdn site origin=assets\n")
    bucket = model.component("assets")
    assert bucket.attrs["public_access_blocked"] is True
    assert bucket.attrs["origin_access"] == "site"
    assert model.component("site").attrs["origin_access_control"] is True


def test_table_defaults():
    model = expand("table orders key=id\n")
    table = model.component("orders")
    assert table.attrs["point_in_time_recovery"] is True
    assert table.attrs["billing_mode"] == "PAY_PER_REQUEST"
    assert table.attrs["encrypted"] is True
    assert table.attrs["stream_view"] is None


def test_index_attaches_to_table_declared_later():
    model = expand("index by-user on orders key=user_id sort=created\ntable orders\n")
    (index,) = model.component("orders").attrs["indexes"]
    assert index == {
        "name": "by-user",
        "partition_key": "user_id",
        "sort_key": "created",
        "projection": "ALL",
    }


def test_global_table_replica_in_other_region():
    model = expand("table routing regions=[us-west-2]\n")
    replica = model.component("routing.us-west-2")
    assert replica.placement.region == "us-west-2"
    assert replica.attrs["role"] == "replica"


def test_filter_policy_json():
    model = expand(
        "topic t\nqueue q\nsub q to t type=[car, truck] amount>=100 amount<500 "
        'region^="us-" kind!=test\n'
    )
    (connection,) = [c for c in model.connections if c.source == "t"]
    assert connection.attrs["filter"] == {
        "type": ["car", "truck"],
        "amount": [{"numeric": [">=", 100, "<", 500]}],
        "region": [{"prefix": "us-"}],
        "kind": [{"anything-but": "test"}],
    }


def test_body_filter_nests_dotted_fields():
    model = expand("topic t\nqueue q\nsub q to t body order.type=car\n")
    (connection,) = [c for c in model.connections if c.source == "t"]
    assert connection.attrs["filter"] == {"order": {"type": ["car"]}}


def test_event_pattern_nests_detail():
    model = expand("bus b\nqueue q\nrule r on b to q source=shop detail.type=car\n")
    assert model.component("r").attrs["event_pattern"] == {
        "source": ["shop"],
        "detail": {"type": ["car"]},
    }


def test_schedule_cron_with_timezone():
    model = expand(
        'function f\nschedule s cron="0 6 * * ? *" timezone="Europe/Berlin" to f\n'
    )
    schedule = model.component("s")
    assert schedule.attrs["expression"] == "cron(0 6 * * ? *)"
    assert schedule.attrs["timezone"] == "Europe/Berlin"


def test_broker_in_data_subnets_admits_consumers():
    model = expand(
        "broker jobs rabbitmq priority=10\ntier work behind none\njobs ~> work\n"
    )
    broker = model.component("jobs")
    assert broker.attrs["deployment_mode"] == "CLUSTER_MULTI_AZ"
    assert broker.placement.subnets == (
        "subnet.data.us-east-1a",
        "subnet.data.us-east-1b",
    )
    rules = model.component("jobs.sg").attrs["ingress"]
    assert [(r["port"], r["source"]) for r in rules] == [(5671, "work.sg")]


def test_asg_draining_queue_scales_on_depth():
    model = expand("queue q\ntier work behind none\nq ~> work\n")
    scaling = model.component("work.asg").attrs["scaling"]
    assert scaling["signal"] == "queue_depth"
    assert scaling["queues"] == ["q"]


def test_priority_sets_poll_order():
    model = expand(
        "queue high priority=1\nqueue low priority=2\ntier work behind none\n"
        "[low, high] ~> work\n"
    )
    instance = model.component("work.us-east-1a")
    assert instance.attrs["poll_order"] == ["high", "low"]


def test_queue_to_worker_carries_no_worker_port():
    model = expand("queue q\ntier work behind none\nq ~> work\n")
    (connection,) = [
        c
        for c in model.connections
        if c.source == "q" and c.target == "work.us-east-1a"
    ]
    assert connection.port is None
    assert connection.protocol is None


def test_kms_key_from_resource():
    model = expand("resource cmk kind=kms.key\nqueue q kms_key=cmk\n")
    queue = model.component("q")
    assert queue.attrs["kms_key"] == "cmk"
    assert queue.attrs["encryption"] == "SSE-KMS"


def test_sub_name_may_repeat_a_declared_name():
    model = expand("topic t\nqueue q\nsub q to t\n")
    assert "t.sub.q" in model.components


def test_sub_does_not_hide_its_target_statement():
    model = expand(
        "table t\nfunction f\nsub f to t batch=5\nt ~> f\n"
        "tier work behind none cpu_target=40\nqueue q\nsub work to q\n"
    )
    assert model.component("t").attrs["stream_view"] == "NEW_AND_OLD_IMAGES"
    messages = [w.message for w in model.warnings]
    assert "'work' drains q but scales on CPU" in messages


def test_sub_before_tier_keeps_tier_options():
    model = expand("queue q\nsub web to q\ntier web waf=off\nq ~> web\n")
    assert model.component("web.alb").attrs["waf"] is False


def test_cell_copies_recorded():
    model = expand("cell shard x3 {\n  function f\n}\n")
    (stamp,) = model.design.cells
    assert stamp.name == "shard"
    assert stamp.copies == ("shard1", "shard2", "shard3")


def test_groups_sharing_vpc_put_vpc_outside_both():
    model = expand(
        'group a "A" {\n  tier web\n}\ngroup b "B" {\n  tier app internal\n}\n'
        "web -> app\n"
    )
    assert model.component("web.alb").placement.groups == ()
    assert model.component("app.alb").placement.groups == ()


# Safety defaults turned off ---------------------------------------------------

WEAKENED = [
    ("queue q dlq=off\n", "q", "dlq"),
    ("queue q encrypted=off\n", "q", "encrypted"),
    ("topic t encrypted=off\n", "t", "encrypted"),
    ("table t pitr=off\n", "t", "point_in_time_recovery"),
    ("table t deletion_protection=off\n", "t", "deletion_protection"),
    ("api a throttling=off\n", "a", "throttling"),
    ("api a logs=off\n", "a", "access_logs"),
    ("api a rest waf=off\n", "a", "waf"),
    ("bucket b versioning=off\n", "b", "versioning"),
    ("bucket b public\n", "b", "public_access_blocked"),
    ("bucket b public\ncdn c origin=b oac=off\n", "c", "origin_access_control"),
    ("bucket b\ncdn c origin=b waf=off\n", "c", "waf"),
    ("topic t\nfunction f dlq=off\nt ~> f\n", "f", "dlq"),
    ("function f logs=off\n", "f", "log_group"),
    ("workflow w logs=off\n", "w", "logging"),
    ("broker m multi_az=off\n", "m", "multi_az"),
    ("broker m public\n", "m", "public"),
    ("userpool u deletion_protection=off\n", "u", "deletion_protection"),
]


@pytest.mark.parametrize(("text", "component", "key"), WEAKENED)
def test_turned_off_safety_default_is_weakened(text, component, key):
    assert (component, key) in weakened(expand(text))


def test_defaults_keep_reasons_in_expand_output():
    result = run_archdsl("expand", str(EXAMPLES / "content-routing.arch"))
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout)
    recorded = {
        (c["id"], d["key"]): d["reason"]
        for c in model["components"]
        for d in c.get("defaults", ())
    }
    for key in (
        ("car", "dlq"),
        ("car", "max_receive_count"),
        ("car", "visibility_timeout_seconds"),
        ("car", "encrypted"),
        ("policies", "encrypted"),
        ("car-claims.logs", "log_retention_days"),
    ):
        assert recorded.get(key), key


# Errors -----------------------------------------------------------------------

# Each case: design, message start, line, and the text the caret points at.
ERRORS = [
    (
        "queue q max_recieves=5\n",
        "unknown option 'max_recieves'; did you mean 'max_receives'?",
        1,
        "max_recieves",
    ),
    (
        "topic t\nqueue q\nsub q to t amount>=abc\n",
        "'amount>=' compares numbers",
        3,
        "amount>=abc",
    ),
    (
        "topic t\nqueue q\nsub q to t region^=[a, b]\n",
        "'region^=' takes one text prefix",
        3,
        "region^=",
    ),
    (
        "topic t\nqueue q\nsub q to t type=[]\n",
        "invalid value for option 'type': an empty list",
        3,
        "[]",
    ),
    (
        "topic t\nqueue q\nsub q to t a=1 b=2 c=3 d=4 e=5 f=6\n",
        "an SNS filter policy takes at most 5 fields",
        3,
        "f=6",
    ),
    (
        "topic t\nqueue q\nsub q to t a=[1, 2, 3, 4, 5, 6] b=[1, 2, 3, 4, 5, 6] "
        "c=[1, 2, 3, 4, 5]\n",
        "this SNS filter policy has 180 combinations",
        3,
        "a=",
    ),
    ("topic t\nqueue q\nsub q to t n>1 n>=2\n", "'n' has two lower bounds", 3, "n>=2"),
    ("topic t\nqueue q\nsub q to t n>=10 n<5\n", "the range of 'n' is empty", 3, "n<5"),
    (
        "topic t\nqueue q\nsub q to t k=car k!=bus\n",
        "'k' has conditions of different kinds",
        3,
        "k=car",
    ),
    (
        "topic t\nqueue q\nsub q to t n>=1000000001\n",
        "1000000001 is outside the numeric range",
        3,
        "n>=",
    ),
    (
        "bus b\nqueue q\nrule r on b to q type=car\n",
        "'type' is not a field of an EventBridge event",
        3,
        "type=car",
    ),
    (
        "bus b\nqueue q\nrule r on b to q detail=car\n",
        "the detail of an event is an object",
        3,
        "detail=car",
    ),
    (
        "bus b\nqueue q\nrule r on b to q source.x=y\n",
        "only detail has fields inside it",
        3,
        "source.x",
    ),
    ("bus b\nqueue q\nrule r on b to q\n", "a rule needs an event pattern", 3, "rule"),
    ("queue q\nrule r to q source=x\n", "a rule needs the bus it watches", 2, "rule"),
    (
        "queue q\nfunction f\nsub q to f\n",
        "'f' is a function; sub subscribes to",
        3,
        "to f",
    ),
    (
        "bucket b\nfunction f\nsub f to b type=x\n",
        "S3 event notifications filter on prefix= and suffix= only",
        3,
        "type=x",
    ),
    (
        'topic t\nqueue q\nsub q to t prefix="a/"\n',
        "'prefix' does not apply to an SNS subscription",
        3,
        "prefix=",
    ),
    (
        "api a http auth=cognito\n",
        "auth=cognito needs authorizer=<userpool>",
        1,
        "auth=cognito",
    ),
    (
        'api a rest auth=jwt issuer="https://x.example.com"\n',
        "rest APIs have no jwt authorizer",
        1,
        "auth=jwt",
    ),
    (
        "api a websocket auth=cognito authorizer=u\nuserpool u\n",
        "websocket APIs have no cognito authorizer",
        1,
        "auth=cognito",
    ),
    ("api a http waf\n", "'waf' needs a REST API", 1, "waf"),
    (
        "api a http auth=jwt authorizer=f\nfunction f\n",
        "'f' is a function, but authorizer needs a user pool",
        1,
        "authorizer=f",
    ),
    (
        "api a http auth_cache=5m\n",
        "'auth_cache' applies to auth=lambda",
        1,
        "auth_cache=5m",
    ),
    (
        "api a http\nfunction f\na -> f auth=jwt\n",
        "the route uses auth=jwt, but the API's authorizer is none",
        3,
        "a -> f",
    ),
    ("table t encrypted=off\n", "encrypted=off is not possible", 1, "encrypted=off"),
    ("bucket b encrypted=off\n", "encrypted=off is not possible", 1, "encrypted=off"),
    ("bucket b website\n", "website hosting serves anonymous HTTP reads", 1, "website"),
    ("table t read=5\n", "'read' sets provisioned capacity", 1, "read=5"),
    (
        "function f memory=64MB\n",
        "Lambda memory runs from 128MB to 10240MB",
        1,
        "memory=64MB",
    ),
    (
        "queue q visibility=30s\nfunction f timeout=60s\nq ~> f\n",
        "visibility timeout 30s is shorter than the consuming function's timeout 1m",
        1,
        "visibility=30s",
    ),
    (
        "queue q dlq=off max_receives=3\n",
        "'max_receives' needs a dead-letter queue",
        1,
        "max_receives=3",
    ),
    (
        "function f\nschedule s to f\n",
        "a schedule needs exactly one of rate= and cron=",
        2,
        "schedule",
    ),
    (
        "function f\nschedule s rate=90s to f\n",
        "a schedule rate is a whole number of minutes",
        2,
        "rate=90s",
    ),
    (
        "function f\nfunction g\nschedule s rate=5m to f\ns ~> g\n",
        "schedule 's' has 2 targets, but a schedule invokes exactly one",
        3,
        "schedule",
    ),
    (
        "bus b\nqueue q\nrule r on b source=x\nr ~> [q1, q2, q3, q4, q5, q]\n"
        "queue q1\nqueue q2\nqueue q3\nqueue q4\nqueue q5\n",
        "rule 'r' has 6 targets; EventBridge allows 5",
        3,
        "rule",
    ),
    (
        "broker b activemq priority=5\n",
        "priority= sets RabbitMQ's x-max-priority",
        1,
        "priority=5",
    ),
    ("resource r\n", "'resource' needs kind=", 1, "resource"),
    (
        "function f logs=off log_retention=7d\n",
        "'log_retention' needs the function's log group",
        1,
        "log_retention=7d",
    ),
    (
        "resource r kind=ecs.servce\n",
        "invalid value for option 'kind': 'ecs.servce' is not a component kind; "
        "did you mean 'ecs.service'?",
        1,
        "ecs.servce",
    ),
    (
        "resource r kind=ec2.instance\n",
        "EC2 instance (ec2.instance) lives in one Availability Zone",
        1,
        "kind=ec2.instance",
    ),
    (
        "resource r kind=s3.bucket in private\n",
        "'in' places VPC components",
        1,
        "in private",
    ),
    ("queue q kms_key=q2\nqueue q2\n", "'q2' holds no KMS key", 1, "kms_key=q2"),
    ("index i on t\ntable t\n", "'index' needs key=", 1, "index"),
    ("cdn c\n", "'cdn' needs origin=", 1, "cdn"),
    (
        "function f\ncdn c origin=f\n",
        "'f' is a function; a cdn origin is a bucket or an api",
        2,
        "origin=f",
    ),
    ("idp x saml\n", "'idp' needs the user pool that trusts it", 1, "idp"),
    ("sub q\nqueue q\n", "'sub' needs the topic, bucket, queue or table", 1, "sub"),
    (
        "table t\nfunction f\nt ~> f\ntable u stream=off\nu ~> f\n",
        "a flow reads the stream of 'u', but stream is off",
        4,
        "stream=off",
    ),
]


@pytest.mark.parametrize(("text", "message", "line", "marker"), ERRORS)
def test_statement_error(text, message, line, marker):
    with pytest.raises(DesignError) as caught:
        compile_text(text, "t.arch")
    diagnostic = caught.value.diagnostics[0]
    source_line = text.splitlines()[line - 1]
    column = (source_line + "\n").index(marker) + 1
    assert diagnostic.message.startswith(message), diagnostic.message
    assert diagnostic.span.line == line
    assert diagnostic.span.column == column
    assert diagnostic.hint


WARNINGS = [
    (
        "bucket b\ntopic t\nb ~> t\n",
        "Amazon S3 cannot publish to 't', which is encrypted with the AWS managed key aws/sns",
    ),
    (
        "topic t\nresource d kind=dynamodb.table\nt ~> d\n",
        "SNS does not deliver to Amazon DynamoDB (d)",
    ),
    (
        "queue q fifo\nbucket b\nb ~> q\n",
        "S3 event notifications cannot go to FIFO sqs 'q'",
    ),
    ("queue q\ntier web\nq ~> web\n", "servers poll the queue themselves"),
    (
        "api a http\nfunction f timeout=2m\na -> f\n",
        "API Gateway stops waiting after 30s, but 'f' may run for 2m",
    ),
    (
        "function f dlq=off\n",
        "nothing invokes 'f' asynchronously, so 'dlq' has no effect",
    ),
    ("db d\nfunction f\nf -> d\n", "function 'f' runs outside the VPC"),
    ("bus b\nrule r on b source=x\n", "rule 'r' has no target"),
    (
        "topic t fifo\nfunction f\nt ~> f\n",
        "FIFO topic 't' delivers only to SQS queues",
    ),
]


@pytest.mark.parametrize(("text", "message"), WARNINGS)
def test_statement_warning(text, message):
    messages = [w.message for w in expand(text).warnings]
    assert any(m.startswith(message) for m in messages), messages


def test_cli_error_in_new_statement_has_caret_and_exit_2(tmp_path):
    design = tmp_path / "d.arch"
    design.write_text("topic t\nqueue q\nsub q to t amount>=many\n")
    result = run_archdsl("expand", str(design))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].endswith(
        "d.arch:3:12: error: 'amount>=' compares numbers, but many is not one number"
    )
    assert lines[1].endswith("| sub q to t amount>=many")
    assert lines[2].index("^") == lines[1].index("amount")
    assert lines[3].startswith("  hint: ")


def test_cli_include_outside_folder_exit_2(tmp_path):
    (tmp_path / "shared.arch").write_text("queue q\n")
    design = tmp_path / "design" / "d.arch"
    design.parent.mkdir()
    design.write_text('cell c x2 {\n  include "../shared.arch"\n}\n')
    result = run_archdsl("expand", str(design))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "d.arch:2:11: error: include '../shared.arch' is outside" in result.stderr
    assert "^" in result.stderr


def test_cli_include_cycle_exit_2(tmp_path):
    (tmp_path / "cell.arch").write_text('function f\ninclude "d.arch"\n')
    design = tmp_path / "d.arch"
    design.write_text('cell c x2 {\n  include "cell.arch"\n}\n')
    result = run_archdsl("expand", str(design))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "cell.arch:2:9: error: include cycle: d.arch is already being read" in (
        result.stderr
    )
    assert "d.arch:2:3: note: included from here" in result.stderr


def test_password_length_reason_cites_cognito_default():
    # Cognito requires 8 characters by default and accepts a policy minimum
    # as low as 6, so 8 is its default, not its minimum.
    reason = defaults_of(expand("userpool u\n"), "u")["password_min_length"].reason
    assert "the 8 that Cognito requires by default" in reason
    assert "minimum of 8" not in reason


def test_jwt_authorizer_names_user_pool_issuer():
    # Cognito user pool tokens carry iss = https://cognito-idp.<region>.amazonaws.com/<pool id>.
    model = expand(
        "region eu-west-1 {\n  userpool users\n}\n"
        "api a http auth=jwt authorizer=eu-west-1.users\n"
    )
    issuer = model.component("a.authorizer").attrs["issuer"]
    assert (
        issuer
        == "https://cognito-idp.eu-west-1.amazonaws.com/<eu-west-1.users pool id>"
    )


def test_jwt_authorizer_keeps_written_issuer():
    model = expand('api a http auth=jwt issuer="https://login.example.com"\n')
    assert (
        model.component("a.authorizer").attrs["issuer"] == "https://login.example.com"
    )


def test_queue_as_long_as_dead_letter_queue_warns():
    # A standard queue's message keeps its first enqueue time when it moves
    # to the dead-letter queue, so that queue must keep messages longer.
    model = expand("queue jobs retention=14d\n")
    (warning,) = model.warnings
    assert warning.message.startswith("'jobs' keeps messages 14 days, as long as")
    assert (warning.span.line, warning.span.column) == (1, 12)


def test_fifo_queue_retention_does_not_warn():
    # A FIFO message's enqueue time resets when it moves to the dead-letter queue.
    model = expand("queue jobs fifo retention=14d\n")
    assert model.warnings == []
