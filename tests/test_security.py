"""Keys, audit, threat detection and network inspection expand as AWS runs them."""

from __future__ import annotations

import pytest

from archdsl.compiler import compile_text
from archdsl.errors import DesignError

AZS = ("us-east-1a", "us-east-1b")

INSPECTION = (
    "vpc inspection vpc_cidr=10.100.0.0/16 {\n  firewall ips\n}\n"
    "vpc security vpc_cidr=10.101.0.0/16 {\n  gwlb ngfw\n}\n"
    "vpc shop vpc_cidr=10.1.0.0/16 {\n  tier app\n}\n"
    "vpc billing vpc_cidr=10.2.0.0/16 {\n  tier ledger internal\n}\n"
    "transit hub attach=[shop, billing] inspect=ips east_west=ngfw\n"
    "mirror tap from=[app] to=ngfw\napp -> ledger\n"
)


def compile_model(text: str):
    return compile_text(text, "t.arch").model


def first_error(text: str):
    with pytest.raises(DesignError) as caught:
        compile_text(text, "t.arch")
    return caught.value.diagnostics[0]


def links(model) -> set[tuple[str, str, str]]:
    return {(c.source, c.target, c.kind) for c in model.connections}


def weakened(model) -> set[tuple[str, str]]:
    return {(c.id, d.key) for c, d in model.weakened_defaults()}


@pytest.fixture(scope="module")
def inspection():
    return compile_model(INSPECTION)


def test_firewall_endpoint_per_az_in_inspection_subnets(inspection):
    # Block 9 of the sixteen /20s of 10.100.0.0/16 starts at 10.100.144.0.
    cidrs = {"us-east-1a": "10.100.144.0/24", "us-east-1b": "10.100.145.0/24"}
    for az, cidr in cidrs.items():
        endpoint = inspection.component(f"ips.{az}")
        subnet = inspection.component(endpoint.placement.subnets[0])
        assert subnet.attrs["layer"] == "inspection", az
        assert subnet.attrs["cidr"] == cidr, az


def test_spoke_subnet_reason_names_transit_gateway(inspection):
    # Spokes attached with inspect= have no NAT gateway of their own: their
    # default route leads to the transit gateway.
    for vpc in ("shop", "billing"):
        subnet = inspection.component(f"{vpc}.subnet.private.us-east-1a")
        assert subnet.attrs["default_route"] == "hub.tgw", vpc
        assert "transit gateway" in subnet.reason, vpc
        assert "NAT gateway" not in subnet.reason, vpc


def test_private_subnet_reason_without_nat():
    model = compile_model("design d nat=none\ntier web\n")
    subnet = model.component("subnet.private.us-east-1a")
    assert subnet.attrs["default_route"] is None
    assert "no route to the internet" in subnet.reason


def test_firewall_drops_with_managed_suricata_rules(inspection):
    endpoint = inspection.component("ips.us-east-1a")
    assert endpoint.attrs["mode"] == "ips"
    assert endpoint.attrs["policy"]["action_on_match"] == "drop"
    assert endpoint.attrs["policy"]["managed_rule_groups"]


def test_transit_subnets_take_block_ten(inspection):
    subnet = inspection.component("inspection.subnet.transit.us-east-1b")
    assert subnet.attrs["cidr"] == "10.100.161.0/24"


def test_spokes_send_outbound_traffic_to_transit_gateway(inspection):
    for spoke in ("shop", "billing"):
        for az in AZS:
            subnet = inspection.component(f"{spoke}.subnet.private.{az}")
            assert subnet.attrs["default_route"] == "hub.tgw", (spoke, az)


def test_only_the_egress_inspection_vpc_has_nat(inspection):
    nats = {c.id for c in inspection.of_kind("ec2.nat-gateway")}
    assert nats == {f"inspection.nat.{az}" for az in AZS}


def test_outbound_goes_through_firewall_then_nat(inspection):
    for az in AZS:
        assert ("hub.tgw", f"ips.{az}", "sync") in links(inspection), az
        assert (f"ips.{az}", f"inspection.nat.{az}", "egress") in links(inspection)
        assert (f"inspection.nat.{az}", f"ips.{az}", "sync") in links(inspection)


def test_east_west_goes_through_appliances(inspection):
    for az in AZS:
        endpoint = f"ngfw.endpoint.{az}"
        assert ("hub.tgw", endpoint, "sync") in links(inspection), az
        assert (endpoint, "ngfw.gwlb", "sync") in links(inspection), az


def test_inspection_attachments_use_appliance_mode(inspection):
    for vpc in ("inspection", "security"):
        attachment = inspection.component(f"hub.attach.{vpc}")
        assert attachment.attrs["appliance_mode"] is True, vpc


def test_gwlb_appliances_get_geneve(inspection):
    assert ("ngfw.gwlb", "ngfw.appliance1", "sync") in links(inspection)
    assert ("ngfw.appliance2", "ngfw.gwlb", "sync") in links(inspection)
    rules = inspection.component("ngfw.sg").attrs["ingress"]
    assert ("udp", 6081, "10.101.0.0/16") in {
        (r["protocol"], r["port"], r["source"]) for r in rules
    }


def test_mirror_copies_app_packets_to_gwlb_endpoint(inspection):
    session = inspection.component("tap.session")
    assert session.attrs["target"] == "ngfw.endpoint.us-east-1a"
    for az in AZS:
        assert (f"app.{az}", "tap.session", "monitoring") in links(inspection)
    assert ("tap.session", "ngfw.endpoint.us-east-1a", "monitoring") in links(
        inspection
    )


def test_turning_off_appliance_mode_is_weakened():
    model = compile_model(INSPECTION.replace("east_west=ngfw", "appliance_mode=off"))
    assert ("hub.attach.inspection", "appliance_mode") in weakened(model)


def test_firewall_ids_mode_is_weakened():
    model = compile_model("firewall fw mode=ids\n")
    assert ("fw.us-east-1a", "mode") in weakened(model)


def test_mirror_to_nlb_tier_admits_vxlan():
    model = compile_model(
        "tier web\ntier sensors ec2 behind nlb internal\n"
        "mirror tap from=[web] to=sensors\n"
    )
    rules = model.component("sensors.nlb.sg").attrs["ingress"]
    assert ("udp", 4789, "web.sg") in {
        (r["protocol"], r["port"], r["source"]) for r in rules
    }


def test_kms_key_rotates_yearly():
    key = compile_model("kms app\n").component("app.key")
    assert key.attrs["rotation"] is True
    assert key.attrs["rotation_days"] == 365
    assert key.attrs["deletion_window_days"] == 30


def test_kms_rotation_off_is_weakened():
    assert ("app.key", "rotation") in weakened(compile_model("kms app rotation=off\n"))


def test_every_design_gets_a_hidden_trail():
    model = compile_model("tier web\n")
    trail = model.component("cloudtrail")
    assert trail.attrs["multi_region"] is True
    assert trail.attrs["logging"] is True
    assert trail.attrs["hidden_in_diagram"] is True
    assert ("cloudtrail", "cloudtrail.bucket", "data") in links(model)


def test_declared_trail_is_drawn_and_replaces_default():
    model = compile_model("trail audit\n")
    assert "cloudtrail" not in model.components
    assert model.component("audit.trail").attrs["hidden_in_diagram"] is False
    assert model.component("audit.logs").attrs["log_retention_days"] == 30


def test_stopping_the_trail_is_weakened():
    model = compile_model("trail audit enabled=off\n")
    assert ("audit.trail", "logging") in weakened(model)


def test_guardduty_watches_trail_vpc_and_clusters():
    model = compile_model(
        "trail audit\ncluster k eks\nguardduty\nsecurityhub standards=[fsbp, cis]\n"
    )
    for source in ("audit.trail", "vpc", "k.cluster"):
        assert (source, "guardduty.detector", "monitoring") in links(model), source
    assert ("guardduty.detector", "securityhub.hub", "monitoring") in links(model)
    assert model.component("guardduty.detector").attrs["eks_protection"] is True


def test_private_certificate_is_issued_by_the_ca():
    model = compile_model(
        "ca internal\ncertificate api private domain=api.example.com\n"
    )
    certificate = model.component("api.certificate")
    assert certificate.attrs["issued_by"] == "internal.ca"
    assert certificate.attrs["domains"] == ["api.example.com", "*.api.example.com"]


# Each case: design, message start, line, column.
ERRORS = [
    ("transit t\n", "'transit' needs the VPCs it joins", 1, 9),
    (
        "vpc a {\n  tier x\n}\ntransit t attach=[b]\n",
        "no VPC named 'b' holds any statement",
        4,
        11,
    ),
    (
        "vpc a {\n  tier x\n}\ntransit t attach=[a] inspect=x\n",
        "'inspect' names 'x', a 'tier' statement",
        4,
        22,
    ),
    ("mirror m to=x\n", "'mirror' needs from=", 1, 8),
    (
        "cluster c ecs\nservice s on c\ntier ids ec2 behind nlb\n"
        "mirror m from=[s] to=ids\n",
        "Traffic Mirroring copies EC2 network interfaces",
        4,
        10,
    ),
    (
        "tier web\ntier ids\nmirror m from=[web] to=ids\n",
        "Traffic Mirroring sends to an NLB",
        3,
        21,
    ),
    ("trail a\ntrail b\n", "a design has one 'trail' statement", 2, 1),
    ("certificate c private\n", "a private certificate needs a private CA", 1, 15),
    ("kms k rotation=off period=90d\n", "period= sets the time between", 1, 20),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), ERRORS)
def test_security_error(text, message, line, column):
    diagnostic = first_error(text)
    assert diagnostic.message.startswith(message), diagnostic.message
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)
    assert diagnostic.hint
