"""Public architectures, written as designs, hold the components and edges they show.

Each case in the public case file lists components and edges. The tables
below map every one of them, by hand, to the ids and kinds archdsl must
create for the design in ``tests/cases/<id>.arch``. A test first checks that
a table covers every component and edge of its case, so a case cannot pass
by leaving something out.

Conventions the tables follow, with the reason:

* A service with one share per AZ (ASG instances, ECS tasks, pods) maps to
  all its shares. The case's count is the sum of their ``min_in_az``.
* Edges into a service land on every share, so an edge maps to several hops.
* Reads in data pipelines (a crawler or Athena scanning a bucket) are data
  edges in the direction the data moves: bucket to reader.
* Kubernetes control relations (Deployment manages ReplicaSet) carry no
  traffic, so they are ``association`` edges; the case tags them sync.
* Routed packets that leave for the internet are ``egress`` edges.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from archdsl.compiler import compile_file
from archdsl.model import Model

DESIGNS = Path(__file__).resolve().parent / "cases"
#: Components and edges of each public case (names, services, kinds), with
#: the source each came from.
CASES_FILE = DESIGNS / "public_cases.json"

AZS2 = ("us-east-1a", "us-east-1b")
AZS3 = (*AZS2, "us-east-1c")


@dataclass(frozen=True)
class Part:
    """What one case component became: a kind and the ids of that kind."""

    kind: str
    ids: tuple[str, ...]
    #: How the case's count is read off the model: the number of ids, or the
    #: sum of ``min_in_az`` over them.
    count: str = "ids"


@dataclass(frozen=True)
class Case:
    parts: dict[str, Part]
    #: (from, to) of a case edge to the (source, target, kind) hops it became.
    edges: dict[tuple[str, str], tuple[tuple[str, str, str], ...]]
    #: Case component or edge names the design cannot express, with the reason.
    not_modelled: dict[str, str] = field(default_factory=dict)
    #: Case group label to the ids drawn in that group.
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)


def each(prefix: str, azs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{prefix}.{az}" for az in azs)


def fan(sources: tuple[str, ...], targets: tuple[str, ...], kind: str) -> tuple:
    return tuple((s, t, kind) for s in sources for t in targets)


WEB_TASKS = tuple(task for n in (1, 2, 3) for task in each(f"web{n}", AZS2))

CASE_TABLES: dict[str, Case] = {
    "diagrams-clustered-web-services": Case(
        parts={
            "dns": Part("route53.hosted-zone", ("dns",)),
            "lb": Part("elbv2.alb", ("lb.alb",)),
            "web": Part(
                "ecs.service", ("web1.service", "web2.service", "web3.service")
            ),
            "userdb": Part("rds.instance", ("userdb.primary",)),
            "userdb-ro": Part("rds.instance", ("userdb.replica1",)),
            "memcached": Part("elasticache.node", ("memcached.node1",)),
        },
        edges={
            # Route 53 resolves the name to the load balancer through an alias record.
            ("dns", "lb"): (("dns", "lb.alb", "association"),),
            ("lb", "web"): fan(("lb.alb",), WEB_TASKS, "sync"),
            ("web", "userdb"): fan(WEB_TASKS, ("userdb.primary",), "sync"),
            ("web", "memcached"): fan(WEB_TASKS, ("memcached.node1",), "sync"),
            ("userdb", "userdb-ro"): (
                ("userdb.primary", "userdb.replica1", "replication"),
            ),
        },
        # NOTE: the 'Services' and 'DB Cluster' groups are written in the
        # design, but a group box wraps whole VPCs, so components inside the
        # shared VPC are not drawn in it and their placement has no group.
    ),
    "diagrams-k8s-exposed-pod-3-replicas": Case(
        parts={
            "ingress": Part("k8s.ingress", ("web.ingress",)),
            "svc": Part("k8s.service", ("web.service",)),
            "pods": Part("k8s.pod", each("web", AZS3), count="min_in_az"),
            "rs": Part("k8s.replicaset", ("web.replicaset",)),
            "dp": Part("k8s.deployment", ("web.deployment",)),
            "hpa": Part("k8s.hpa", ("web.hpa",)),
        },
        edges={
            ("ingress", "svc"): (("web.ingress", "web.service", "sync"),),
            ("svc", "pods"): fan(("web.service",), each("web", AZS3), "sync"),
            ("rs", "pods"): fan(("web.replicaset",), each("web", AZS3), "association"),
            ("dp", "rs"): (("web.deployment", "web.replicaset", "association"),),
            ("hpa", "dp"): (("web.hpa", "web.deployment", "association"),),
        },
    ),
    "dac-alb-asg": Case(
        parts={
            "user": Part("external.internet", ("internet",)),
            "igw": Part("ec2.internet-gateway", ("igw",)),
            "alb": Part("elbv2.alb", ("web.alb",)),
            "asg": Part("autoscaling.group", ("web.asg",)),
            "web": Part("ec2.instance", each("web", AZS2), count="min_in_az"),
        },
        edges={
            ("user", "igw"): (("internet", "igw", "sync"),),
            ("igw", "alb"): (("igw", "web.alb", "sync"),),
            ("alb", "web"): fan(("web.alb",), each("web", AZS2), "sync"),
        },
    ),
    "dac-vpc-natgw": Case(
        parts={
            "natgw": Part("ec2.nat-gateway", each("nat", AZS2)),
            "private-ec2": Part("ec2.instance", ("private-ec2.1", "private-ec2.2")),
        },
        edges={
            ("private-ec2", "natgw"): (
                ("private-ec2.1", "nat.us-east-1a", "egress"),
                ("private-ec2.2", "nat.us-east-1b", "egress"),
            ),
            # No internet gateway is drawn in the source; the NAT gateways'
            # way out to the user is the VPC's internet gateway.
            ("natgw", "user"): fan(each("nat", AZS2), ("igw",), "egress"),
        },
        not_modelled={
            "user": "drawn unconnected in the source; archdsl adds users only "
            "when something is internet-facing",
        },
    ),
    "issue-diagrams-852-vpc-overlapping-groups": Case(
        parts={
            "igw": Part("ec2.internet-gateway", ("igw",)),
            "nat": Part("ec2.nat-gateway", ("nat.us-east-1a",)),
            "elb": Part("elbv2.alb", ("app.alb",)),
            "eks": Part("eks.cluster", ("k8s.cluster",)),
            "rds": Part("rds.instance", ("rds.primary",)),
        },
        edges={
            ("igw", "elb"): (("igw", "app.alb", "sync"),),
            # The ALB forwards into the cluster through the app's Ingress.
            ("elb", "eks"): (("app.alb", "app.ingress", "sync"),),
            ("eks", "rds"): fan(each("app", AZS2), ("rds.primary",), "sync"),
            # One shared NAT gateway, as drawn: both AZs' nodes leave through it.
            ("eks", "nat"): fan(each("nodes", AZS2), ("nat.us-east-1a",), "egress"),
            ("nat", "igw"): (("nat.us-east-1a", "igw", "egress"),),
        },
    ),
    "firehose-glue-athena-quicksight-voting": Case(
        parts={
            "user": Part("external.internet", ("internet",)),
            "webapp": Part("amplify.app", ("vote.app",)),
            "identity-pool": Part("cognito.identity-pool", ("vote.identity",)),
            "firehose": Part("firehose.delivery-stream", ("delivery.delivery",)),
            "bucket": Part("s3.bucket", ("votes.raw",)),
            "glue-catalog": Part("glue.catalog", ("votesdb.catalog",)),
            "crawler": Part("glue.crawler", ("hourly.crawler",)),
            "athena": Part("athena.workgroup", ("query.workgroup",)),
            "quicksight": Part("quicksight.dashboard", ("dash.dashboard",)),
            "firehose-logs": Part("logs.log-group", ("delivery.errors",)),
        },
        edges={
            ("user", "webapp"): (("internet", "vote.app", "sync"),),
            ("webapp", "identity-pool"): (("vote.app", "vote.identity", "sync"),),
            ("webapp", "firehose"): (("vote.app", "delivery.delivery", "data"),),
            ("firehose", "glue-catalog"): (
                ("delivery.delivery", "votesdb.catalog", "sync"),
            ),
            ("firehose", "bucket"): (("delivery.delivery", "votes.raw", "data"),),
            ("firehose", "firehose-logs"): (
                ("delivery.delivery", "delivery.errors", "data"),
            ),
            ("crawler", "bucket"): (("votes.raw", "hourly.crawler", "data"),),
            ("crawler", "glue-catalog"): (
                ("hourly.crawler", "votesdb.catalog", "data"),
            ),
            ("athena", "glue-catalog"): (
                ("query.workgroup", "votesdb.catalog", "sync"),
            ),
            ("athena", "bucket"): (("votes.raw", "query.workgroup", "data"),),
            ("quicksight", "athena"): (("dash.dashboard", "query.workgroup", "sync"),),
        },
        groups={
            "InitialStack": ("votes.raw", "votesdb.catalog"),
            "CrawlerStack": ("hourly.crawler",),
            "KinesisFirehoseStack": (
                "delivery.delivery",
                "vote.identity",
                "vote.app",
            ),
        },
    ),
    "gwlb-centralized-inspection-tgw": Case(
        parts={
            "spoke-apps": Part(
                "ec2.instance",
                tuple(f"spoke{n}.apps.{i}" for n in (1, 2) for i in (1, 2)),
            ),
            "spoke-bastions": Part(
                "ec2.instance", ("spoke1.bastion.1", "spoke2.bastion.1")
            ),
            "spoke-igws": Part("ec2.internet-gateway", ("spoke1.igw", "spoke2.igw")),
            "tgw": Part("ec2.transit-gateway", ("tgw.tgw",)),
            "tgw-attachments": Part(
                "ec2.transit-gateway-attachment",
                ("tgw.attach.spoke1", "tgw.attach.spoke2", "tgw.attach.appliance"),
            ),
            "gwlbe": Part("ec2.gwlb-endpoint", each("fleet.endpoint", AZS2)),
            "gwlb": Part("elbv2.gwlb", ("fleet.gwlb",)),
            "appliances": Part(
                "ec2.instance", ("fleet.appliance1", "fleet.appliance2")
            ),
            "natgw": Part("ec2.nat-gateway", each("appliance.nat", AZS2)),
            "appliance-igw": Part("ec2.internet-gateway", ("appliance.igw",)),
            "appliance-bastion": Part("ec2.instance", ("appliance-bastion.1",)),
        },
        edges={
            ("spoke-apps", "tgw"): fan(
                tuple(f"spoke{n}.apps.{i}" for n in (1, 2) for i in (1, 2)),
                ("tgw.tgw",),
                "egress",
            ),
            ("tgw", "gwlbe"): fan(("tgw.tgw",), each("fleet.endpoint", AZS2), "sync"),
            ("gwlbe", "gwlb"): fan(
                each("fleet.endpoint", AZS2), ("fleet.gwlb",), "sync"
            ),
            ("gwlb", "appliances"): fan(
                ("fleet.gwlb",), ("fleet.appliance1", "fleet.appliance2"), "sync"
            ),
            ("appliances", "gwlb"): fan(
                ("fleet.appliance1", "fleet.appliance2"), ("fleet.gwlb",), "sync"
            ),
            ("gwlb", "gwlbe"): fan(
                ("fleet.gwlb",), each("fleet.endpoint", AZS2), "sync"
            ),
            ("gwlbe", "natgw"): (
                ("fleet.endpoint.us-east-1a", "appliance.nat.us-east-1a", "egress"),
                ("fleet.endpoint.us-east-1b", "appliance.nat.us-east-1b", "egress"),
            ),
            ("natgw", "appliance-igw"): fan(
                each("appliance.nat", AZS2), ("appliance.igw",), "egress"
            ),
            ("natgw", "gwlbe"): (
                ("appliance.nat.us-east-1a", "fleet.endpoint.us-east-1a", "sync"),
                ("appliance.nat.us-east-1b", "fleet.endpoint.us-east-1b", "sync"),
            ),
            ("gwlbe", "tgw"): fan(each("fleet.endpoint", AZS2), ("tgw.tgw",), "sync"),
        },
        not_modelled={
            "helper-fn": "a CloudFormation custom resource Lambda that runs at "
            "deploy time to look up the endpoint service name; it is not part of "
            "the running architecture",
        },
    ),
    "diagrams-grouped-workers": Case(
        parts={
            "lb": Part("elbv2.alb", ("workers.alb",)),
            "workers": Part("ec2.instance", tuple(f"workers.{i}" for i in range(1, 6))),
            "events-db": Part("rds.instance", ("events-db.primary",)),
        },
        edges={
            ("lb", "workers"): fan(
                ("workers.alb",), tuple(f"workers.{i}" for i in range(1, 6)), "sync"
            ),
            ("workers", "events-db"): fan(
                tuple(f"workers.{i}" for i in range(1, 6)),
                ("events-db.primary",),
                "sync",
            ),
        },
    ),
}


def public_case(case_id: str) -> dict:
    cases = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    assert case_id in cases, f"case {case_id} is not in {CASES_FILE}"
    return cases[case_id]


@pytest.fixture(scope="module", params=sorted(CASE_TABLES))
def case(request) -> tuple[str, dict, Case, Model]:
    case_id = request.param
    model = compile_file(DESIGNS / f"{case_id}.arch").model
    return case_id, public_case(case_id), CASE_TABLES[case_id], model


def test_table_covers_every_case_component(case):
    case_id, data, table, _ = case
    for component in data["components"]:
        name = component["name"]
        assert name in table.parts or name in table.not_modelled, (case_id, name)


def test_table_covers_every_case_edge(case):
    case_id, data, table, _ = case
    for edge in data["edges"]:
        pair = (edge["from"], edge["to"])
        assert pair in table.edges, (case_id, pair)


def test_components_exist_with_kind(case):
    case_id, _, table, model = case
    for name, part in table.parts.items():
        for component_id in part.ids:
            assert component_id in model.components, (case_id, name, component_id)
            assert model.component(component_id).kind == part.kind, (
                case_id,
                name,
                component_id,
            )


def test_component_counts(case):
    case_id, data, table, model = case
    for component in data["components"]:
        part = table.parts.get(component["name"])
        expected = component["count"]
        if part is None or expected is None:
            continue
        if part.count == "min_in_az":
            actual = sum(model.component(i).attrs["min_in_az"] for i in part.ids)
        else:
            actual = len(part.ids)
        assert actual == expected, (case_id, component["name"])


def test_edges_exist_with_kind(case):
    case_id, _, table, model = case
    links = {(c.source, c.target, c.kind) for c in model.connections}
    for pair, hops in table.edges.items():
        for hop in hops:
            assert hop in links, (case_id, pair, hop)


def test_groups_hold_their_members(case):
    case_id, _, table, model = case
    for label, members in table.groups.items():
        for member in members:
            assert label in model.component(member).placement.groups, (
                case_id,
                label,
                member,
            )


def test_case_design_is_deterministic(case):
    case_id, _, _, model = case
    again = compile_file(DESIGNS / f"{case_id}.arch").model
    assert model.dumps() == again.dumps(), case_id


# Facts of single cases that the tables above cannot express ----------------


def model_of(case_id: str) -> Model:
    return compile_file(DESIGNS / f"{case_id}.arch").model


def test_alb_asg_accepts_http_and_https():
    model = model_of("dac-alb-asg")
    listeners = model.component("web.alb").attrs["listeners"]
    ports = sorted(model.component(i).attrs["port"] for i in listeners)
    assert ports == [80, 443]
    hops = [c for c in model.connections if c.source == "web.alb"]
    assert {(c.protocol, c.port) for c in hops} == {("http", 80)}


def test_natgw_design_invents_no_request_edges():
    model = model_of("dac-vpc-natgw")
    requests = [c for c in model.connections if c.kind in ("sync", "async", "event")]
    assert requests == []


def test_natgw_private_subnets_route_to_own_az():
    model = model_of("dac-vpc-natgw")
    for az in AZS2:
        route = model.component(f"subnet.private.{az}").attrs["default_route"]
        assert route == f"nat.{az}", az


def test_k8s_ingress_keeps_its_host():
    model = model_of("diagrams-k8s-exposed-pod-3-replicas")
    assert model.component("web.ingress").attrs["host"] == "domain.com"


def test_voting_guest_credentials_are_a_weakened_default():
    model = model_of("firehose-glue-athena-quicksight-voting")
    weakened = {(c.id, d.key) for c, d in model.weakened_defaults()}
    assert ("vote.identity", "allow_unauthenticated") in weakened


def test_voting_firehose_writes_parquet():
    model = model_of("firehose-glue-athena-quicksight-voting")
    delivery = model.component("delivery.delivery")
    assert delivery.attrs["format"] == "parquet"
    assert delivery.attrs["schema_from"] == "votesdb.catalog"
    assert delivery.attrs["buffer_mb"] >= 64


def test_inspection_attachment_uses_appliance_mode():
    model = model_of("gwlb-centralized-inspection-tgw")
    assert model.component("tgw.attach.appliance").attrs["appliance_mode"] is True


def test_inspection_spokes_route_to_transit_gateway():
    model = model_of("gwlb-centralized-inspection-tgw")
    for spoke in ("spoke1", "spoke2"):
        for az in AZS2:
            subnet = model.component(f"{spoke}.subnet.private.{az}")
            assert subnet.attrs["default_route"] == "tgw.tgw", (spoke, az)


def test_inspection_transit_subnets_route_to_endpoint_in_az():
    model = model_of("gwlb-centralized-inspection-tgw")
    for az in AZS2:
        subnet = model.component(f"appliance.subnet.transit.{az}")
        assert subnet.attrs["default_route"] == f"fleet.endpoint.{az}", az


def test_inspection_spokes_have_no_nat_gateways():
    model = model_of("gwlb-centralized-inspection-tgw")
    nats = {c.id for c in model.of_kind("ec2.nat-gateway")}
    assert nats == set(each("appliance.nat", AZS2))
