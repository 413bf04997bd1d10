"""Expansion of the three-tier example against a hand-written expectation."""

from __future__ import annotations

import json

import pytest

from archdsl.compiler import compile_file, compile_text
from archdsl.errors import DesignError
from tests.conftest import EXAMPLES, GOLDEN, assert_golden


@pytest.fixture(scope="module")
def model():
    return compile_file(EXAMPLES / "three-tier.arch").model


@pytest.fixture(scope="module")
def expected():
    return json.loads((GOLDEN / "three-tier.expected.json").read_text())


def test_design_settings(model, expected):
    data = model.design.to_json()
    for key, value in expected["design"].items():
        assert data[key] == value, key


def test_component_ids_kinds_and_subnets(model, expected):
    actual = {
        c.id: [c.kind, c.placement.subnets[0] if c.placement.subnets else None]
        for c in model.components.values()
    }
    wanted = {row[0]: [row[1], row[2]] for row in expected["components"]}
    assert sorted(actual) == sorted(wanted)
    for component_id, kind_and_subnet in wanted.items():
        assert actual[component_id] == kind_and_subnet, component_id


def test_subnet_cidrs(model, expected):
    for subnet_id, cidr in expected["subnets"].items():
        assert model.component(subnet_id).attrs["cidr"] == cidr, subnet_id


def test_connections(model, expected):
    actual = sorted(
        [c.source, c.target, c.kind, c.protocol, c.port, c.tls]
        for c in model.connections
    )
    assert actual == sorted(expected["connections"])


def test_security_groups_chain_tier_to_tier(model, expected):
    for group_id, rules in expected["security_group_ingress"].items():
        actual = [
            [r["port"], r["source"]] for r in model.component(group_id).attrs["ingress"]
        ]
        assert actual == rules, group_id


def test_selected_attributes(model, expected):
    for component_id, attrs in expected["attrs"].items():
        component = model.component(component_id)
        for key, value in attrs.items():
            assert component.attrs.get(key) == value, f"{component_id}.{key}"


def test_every_component_has_reason_and_source(model):
    for component in model.components.values():
        assert component.reason, component.id
        assert component.span.file == "three-tier.arch"
        assert component.span.line >= 1


def test_defaults_record_reasons_and_overrides(model):
    group = model.component("app.asg")
    records = {d.key: d for d in group.defaults}
    assert records["min"].overridden and records["min"].overridden_by == 2
    assert not records["max"].weakened
    assert records["max"].overridden_by == 8
    assert records["health_check"].reason
    assert model.weakened_defaults() == []


def test_turning_off_safety_default_is_recorded():
    model = compile_text(
        "tier web behind alb min=1\ndb orders encrypted=off multi_az=off replicas=0\n"
        "web -> orders\n",
        "t.arch",
    ).model
    weakened = {(c.id, d.key) for c, d in model.weakened_defaults()}
    assert ("web.asg", "min") in weakened
    assert ("orders.cluster", "encrypted") in weakened
    assert ("orders.cluster", "multi_az") in weakened


def test_expand_json_is_deterministic(model):
    again = compile_file(EXAMPLES / "three-tier.arch").model
    assert model.dumps() == again.dumps()


def test_expand_json_matches_reviewed_snapshot(model):
    assert_golden("three-tier.model.json", model.dumps())


def compile_error(text: str):
    with pytest.raises(DesignError) as caught:
        compile_text(text, "t.arch")
    return caught.value.diagnostics


# Each case: design, message start, line, column.
SEMANTIC_ERRORS = [
    (
        "tier web\nweb -> ap\ntier app internal\n",
        "unknown name 'ap'; did you mean 'app'?",
        2,
        8,
    ),
    ("tier web\ndb web\n", "'web' is already defined", 2, 4),
    ("tier web min=5 max=3\n", "min=5 is greater than max=3", 1, 10),
    (
        "design d region=us-west-1 azs=3\n",
        "region us-west-1 has 2 Availability Zones, not 3",
        1,
        27,
    ),
    ("tier web azs=3\n", "tier 'web' spreads over 3 AZs but its VPC has 2", 1, 10),
    ("db x aurora engine=mariadb\n", "Aurora runs postgres or mysql", 1, 13),
    ("db x aurora replicas=0\n", "an Aurora cluster fails over to a reader", 1, 13),
    (
        "design d azs=1\ndb x multi_az\n",
        "multi_az needs a design that spans at least 2 AZs",
        2,
        6,
    ),
    (
        "design d azs=1\ndb x rds multi_az\n",
        "multi_az needs a design that spans at least 2 AZs",
        2,
        10,
    ),
    (
        "design d azs=1\ncache c redis multi_az\n",
        "multi_az needs a design that spans at least 2 AZs",
        2,
        15,
    ),
    ("edge cdn\ntier app internal\n", "the edge has nothing to front", 1, 1),
    ("tier web\nweb -> web\n", "'web' flows to itself", 2, 8),
    ("tier nat\n", "'nat' is the name of a generated component", 1, 6),
    ("design a\ndesign b\n", "a design has one 'design' statement", 2, 1),
    ("tier web behind none internal\n", "'internal' describes a load balancer", 1, 22),
    ("cache c memcached replicas=1\n", "Memcached has no replication", 1, 19),
    ("tier web ec2 min=2\n", "'min' applies to an Auto Scaling group", 1, 14),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), SEMANTIC_ERRORS)
def test_semantic_error(text, message, line, column):
    diagnostics = compile_error(text)
    assert diagnostics[0].message.startswith(message), diagnostics[0].message
    assert (diagnostics[0].span.line, diagnostics[0].span.column) == (line, column)


@pytest.mark.parametrize(
    ("target", "hint"),
    [
        ("db d", "'d' (db) has no plaintext option; remove tls=off from the flow"),
        ("cache d", "to allow plaintext, write encrypted=off on 'd' itself"),
        ("tier d internal", "to allow plaintext, write tls=off on 'd' itself"),
    ],
)
def test_plaintext_flow_hint_fits_target(target, hint):
    diagnostics = compile_error(f"tier web\n{target}\nweb -> d tls=off\n")
    assert diagnostics[0].message.startswith("tls=off on the flow conflicts")
    assert diagnostics[0].hint == hint


def test_unknown_name_reported_once():
    diagnostics = compile_error("tier web\nweb -> nope\nweb -> nope\n")
    assert len(diagnostics) == 1


def test_private_tier_unreachable_warns():
    model = compile_text("tier web\ntier worker internal\n", "t.arch").model
    messages = [w.message for w in model.warnings]
    assert (
        "tier 'worker' is private and nothing the internet reaches leads to it"
        in messages
    )


def test_unused_database_warns():
    model = compile_text("tier web\ndb orders\n", "t.arch").model
    assert [w.message for w in model.warnings] == ["nothing uses db 'orders'"]


@pytest.mark.parametrize("service", ["aurora", "rds"])
def test_single_az_database_warns(service):
    # RDS rejects a DB subnet group whose subnets cover only one AZ
    # (DBSubnetGroupDoesNotCoverEnoughAZs).
    text = f"design d azs=1\ntier web behind nlb\ndb orders {service}\nweb -> orders\n"
    model = compile_text(text, "t.arch").model
    assert [w.message for w in model.warnings] == [
        "AWS requires a DB subnet group to have subnets in at least two AZs, "
        "but db 'orders' is in a VPC that spans one"
    ]
    assert model.warnings[0].span.line == 3


def test_asg_minimum_spreads_over_azs():
    model = compile_text("design d azs=3\ntier web min=4\n", "t.arch").model
    per_az = [model.component(f"web.us-east-1{z}").attrs["min_in_az"] for z in "abc"]
    assert per_az == [2, 1, 1]


def test_single_nat_gateway_routes_every_az():
    model = compile_text("design d nat=single\ntier web\n", "t.arch").model
    assert [c.id for c in model.of_kind("ec2.nat-gateway")] == ["nat.us-east-1a"]
    route = model.component("subnet.private.us-east-1b").attrs["default_route"]
    assert route == "nat.us-east-1a"


def test_alb_without_edge_gets_waf_and_http_redirect():
    model = compile_text("tier web\n", "t.arch").model
    assert model.component("web.alb").attrs["web_acl"] == "web.waf"
    assert model.component("web.alb.http").attrs["action"].startswith("redirect")
    rules = model.component("web.alb.sg").attrs["ingress"]
    assert [(r["port"], r["source"]) for r in rules] == [
        (443, "0.0.0.0/0"),
        (80, "0.0.0.0/0"),
    ]


def test_rds_multi_az_has_standby_in_second_az():
    model = compile_text(
        "tier web\ndb orders rds engine=mysql\nweb -> orders\n", "t.arch"
    ).model
    standby = model.component("orders.standby")
    assert standby.placement.azs == ("us-east-1b",)
    assert model.component("orders.primary").attrs["port"] == 3306


def test_rds_standby_failover_time():
    # RDS documents Multi-AZ DB instance failovers as typically 60 to 120 s.
    model = compile_text("db orders rds\n", "t.arch").model
    reason = model.component("orders.standby").reason
    assert "typically in one to two minutes" in reason


def test_table_caller_gets_dynamodb_endpoint():
    model = compile_text(
        "tier app in private asg behind alb\ntable orders\napp -> orders\n"
    ).model
    endpoint = model.component("vpce.dynamodb")
    assert endpoint.kind == "ec2.vpc-endpoint"
    assert endpoint.attrs["service"] == "dynamodb"
    assert endpoint.attrs["type"] == "gateway"
    assert endpoint.attrs["route_tables"] == ["private"]
    assert endpoint.placement.vpc == "vpc"


def test_no_dynamodb_endpoint_without_caller():
    model = compile_text("tier app in private asg behind alb\ntable orders\n").model
    assert "vpce.s3" in model.components
    assert "vpce.dynamodb" not in model.components


def test_function_outside_vpc_needs_no_endpoint():
    model = compile_text("function handler\ntable orders\nhandler -> orders\n").model
    assert "vpce.dynamodb" not in model.components


@pytest.mark.parametrize(
    ("text", "cert", "names_cloudfront"),
    [
        ("tier web\n", "cert", False),
        ("edge cdn\ntier web\n", "cert", True),
        ("design d region=eu-west-1\nedge cdn\ntier web\n", "cert", False),
        ("design d region=eu-west-1\nedge cdn\ntier web\n", "cert.us-east-1", True),
    ],
)
def test_certificate_reason_names_its_users(text, cert, names_cloudfront):
    # CloudFront takes certificates only from us-east-1, which matters only
    # to a certificate that a distribution uses.
    reason = compile_text(text, "t.arch").model.component(cert).reason
    assert ("CloudFront" in reason) is names_cloudfront
