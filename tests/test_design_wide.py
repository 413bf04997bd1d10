"""encrypt all, tls everywhere, logs retain and flow auth apply to the whole design."""

from __future__ import annotations

import pytest

from archdsl.compiler import compile_text
from archdsl.errors import DesignError

BASE = (
    "kms app\ntier web\ntier api internal\ndb orders\ncache sessions\n"
    "lake data\nsecret creds\nweb -> api -> orders\napi -> sessions\n"
)


def compile_model(text: str):
    return compile_text(text, "t.arch").model


def first_error(text: str):
    with pytest.raises(DesignError) as caught:
        compile_text(text, "t.arch")
    return caught.value.diagnostics[0]


@pytest.fixture(scope="module")
def encrypted():
    return compile_model(BASE + "encrypt all with kms key=app\n")


def test_encrypt_all_puts_stores_under_the_key(encrypted):
    for component_id in (
        "orders.cluster",
        "sessions.group",
        "data.raw",
        "creds.secret",
        "vpc.flow-logs",
        "cloudtrail",
        "cloudtrail.bucket",
        "web.launch-template",
    ):
        assert encrypted.component(component_id).attrs["kms_key"] == "app.key", (
            component_id
        )


def test_encrypt_all_switches_buckets_to_sse_kms(encrypted):
    assert encrypted.component("data.raw").attrs["encryption"] == "SSE-KMS"


def test_customer_key_encryption_per_service():
    # A queue under a customer managed key uses SSE-KMS, not SSE-SQS. DynamoDB
    # calls the setting a customer managed key, and ECR's type becomes KMS.
    model = compile_model(
        "kms app\nqueue jobs\nfunction work\njobs ~> work\ntable items\n"
        "ecr images\nencrypt all with kms key=app\n"
    )
    expected = {
        "jobs": "SSE-KMS",
        "jobs.dlq": "SSE-KMS",
        "items": "customer managed key",
        "images.repository": "KMS",
    }
    for component_id, encryption in expected.items():
        component = model.component(component_id)
        assert component.attrs["kms_key"] == "app.key", component_id
        assert component.attrs["encryption"] == encryption, component_id


def test_access_log_bucket_keeps_sse_s3(encrypted):
    bucket = encrypted.component("logs")
    assert bucket.attrs["encryption"] == "SSE-S3"
    assert bucket.attrs.get("kms_key") is None


def test_key_lists_what_it_encrypts(encrypted):
    encrypts = encrypted.component("app.key").attrs["encrypts"]
    assert "orders.cluster" in encrypts
    assert "data.curated" in encrypts


def test_override_records_the_statement(encrypted):
    records = [
        d for d in encrypted.component("orders.cluster").defaults if d.key == "kms_key"
    ]
    assert len(records) == 1
    assert records[0].overridden_by == "app.key"
    assert records[0].span.line == 10


def test_own_key_wins_over_encrypt_all():
    model = compile_model(
        "kms app\nkms lake\nlake data key=lake\nencrypt all with kms key=app\n"
    )
    assert model.component("data.raw").attrs["kms_key"] == "lake.key"
    assert model.component("cloudtrail.bucket").attrs["kms_key"] == "app.key"


def test_encrypt_all_warns_about_encryption_turned_off():
    model = compile_model(
        "kms app\ntier web\ndb orders encrypted=off\nweb -> orders\n"
        "encrypt all with kms key=app\n"
    )
    messages = [w.message for w in model.warnings]
    assert (
        "'encrypt all' leaves 'orders' unencrypted: its statement turns encryption off"
        in messages
    )
    assert model.component("orders.cluster").attrs["kms_key"] is None


@pytest.fixture(scope="module")
def everywhere():
    return compile_model(BASE + "tls everywhere\n")


def test_tls_everywhere_encrypts_balancer_to_targets(everywhere):
    hops = [c for c in everywhere.connections if c.source == "api.alb"]
    assert hops
    assert all(c.tls for c in hops)
    assert all(c.protocol == "https" for c in hops)
    assert everywhere.component("api.target-group").attrs["protocol"] == "HTTPS"
    assert everywhere.component("api.target-group").attrs["tls_to_targets"] is True
    assert everywhere.component("api.alb").attrs["reencrypts"] is True


def test_tls_everywhere_marks_targets_as_serving_tls(everywhere):
    assert everywhere.component("api.us-east-1a").attrs["serves_tls"] is True


def test_every_request_hop_is_tls(everywhere):
    plain = [
        c.id
        for c in everywhere.connections
        if c.kind in ("sync", "async", "data", "event")
        and c.protocol is not None
        and not c.tls
    ]
    assert plain == []


def test_without_tls_everywhere_backend_hops_are_plain():
    model = compile_model(BASE)
    hops = [c for c in model.connections if c.source == "api.alb"]
    assert not any(c.tls for c in hops)


def test_flow_with_tls_off_stays_plain_with_warning():
    model = compile_model(
        "tier web\ntier api internal tls=off\nweb -> api tls=off\ntls everywhere\n"
    )
    hops = [c for c in model.connections if c.flow == "web->api"]
    assert not any(c.tls for c in hops)
    messages = [w.message for w in model.warnings]
    assert (
        "'tls everywhere' leaves flow web->api plaintext: it is written with tls=off"
        in messages
    )


def test_logs_retain_sets_every_log_group():
    model = compile_model(
        "cluster c ecs\nservice a on c\nservice b on c log_retention=90d\n"
        "logs retain=14d\n"
    )
    assert model.component("a.logs").attrs["log_retention_days"] == 14
    assert model.component("vpc.flow-logs").attrs["log_retention_days"] == 14
    assert model.component("b.logs").attrs["log_retention_days"] == 90
    assert model.component("logs").attrs["lifecycle_expire_days"] == 14
    # The audit trail keeps a year whatever the application logs keep.
    assert model.component("cloudtrail.bucket").attrs["lifecycle_expire_days"] == 365


def test_mtls_flow_uses_private_ca():
    model = compile_model(
        "ca internal\ntier web\ntier api internal\nweb -> api auth=mtls\n"
    )
    hops = [c for c in model.connections if c.flow == "web->api"]
    assert hops
    for hop in hops:
        assert hop.attrs["auth"] == "mtls"
        assert hop.attrs["ca"] == "internal.ca"
        assert hop.tls is True


def test_iam_flow_records_auth():
    model = compile_model("tier web\nsecret s\nweb -> s auth=iam\n")
    hops = [c for c in model.connections if c.flow == "web->s"]
    assert {c.attrs["auth"] for c in hops} == {"iam"}


def test_tls_termination_is_recorded():
    model = compile_model("edge cdn\ntier web\n")
    assert model.component("edge.cloudfront").attrs["tls_termination"] == "edge"
    assert model.component("web.alb").attrs["tls_termination"] == "load_balancer"


# Each case: design, message start, line, column.
ERRORS = [
    ("encrypt all with kms\n", "'encrypt' needs the key to use", 1, 1),
    (
        "tier k\nencrypt all with kms key=k\n",
        "'key' names 'k', a 'tier' statement",
        2,
        22,
    ),
    (
        "kms a\nencrypt all key=a\nencrypt all key=a\n",
        "'encrypt' is already defined",
        3,
        1,
    ),
    ("logs\n", "'logs' needs retain=", 1, 1),
    ("logs retain=forever\n", "invalid value for option 'retain'", 1, 13),
    ("tier a\ntier b internal\na -> b auth=mtls\n", "mutual TLS needs a private", 3, 8),
    ("tls somewhere\n", "unknown word 'somewhere' in 'tls'", 1, 5),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), ERRORS)
def test_design_wide_error(text, message, line, column):
    diagnostic = first_error(text)
    assert diagnostic.message.startswith(message), diagnostic.message
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)


def test_encrypt_all_skips_other_regions_with_warning():
    model = compile_model(
        "kms app\ntier web\nregion us-west-2 {\n  db far\n}\n"
        "encrypt all with kms key=app\n"
    )
    assert model.component("us-west-2.far.cluster").attrs["kms_key"] == "aws/rds"
    assert model.component("web.launch-template").attrs["kms_key"] == "app.key"
    messages = [w.message for w in model.warnings]
    assert any(m.startswith("'encrypt all' cannot use key 'app.key'") for m in messages)


def test_key_from_another_region_is_an_error():
    diagnostic = first_error("region us-west-2 {\n  kms k\n}\nlake l key=us-west-2.k\n")
    assert diagnostic.message.startswith("KMS keys are regional")
    assert (diagnostic.span.line, diagnostic.span.column) == (4, 8)
