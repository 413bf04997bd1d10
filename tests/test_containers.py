"""Clusters, node groups, services, images, pipelines and secrets expand as AWS runs them."""

from __future__ import annotations

import pytest

from archdsl.compiler import compile_text
from archdsl.errors import DesignError

AZS3 = ("us-east-1a", "us-east-1b", "us-east-1c")

EKS = (
    "design d azs=3\ncluster apps eks\nnodegroup general on apps\n"
    "fargate batch on apps namespace=batch\n"
)


def compile_model(text: str):
    return compile_text(text, "t.arch").model


def first_error(text: str):
    with pytest.raises(DesignError) as caught:
        compile_text(text, "t.arch")
    return caught.value.diagnostics[0]


def weakened(model) -> set[tuple[str, str]]:
    return {(c.id, d.key) for c, d in model.weakened_defaults()}


def links(model) -> set[tuple[str, str, str]]:
    return {(c.source, c.target, c.kind) for c in model.connections}


@pytest.fixture(scope="module")
def eks():
    return compile_model(
        EKS
        + "ecr img\nservice web on apps image=img behind alb\n"
        + "service jobs on apps namespace=batch behind none\ndb orders\n"
        + "web -> jobs\njobs -> orders\n"
    )


def test_eks_endpoint_is_private(eks):
    cluster = eks.component("apps.cluster")
    assert cluster.attrs["endpoint"] == "private"
    assert cluster.attrs["endpoint_public_access"] is False
    assert cluster.attrs["public"] is False


def test_eks_control_plane_in_private_subnets(eks):
    subnets = eks.component("apps.cluster").placement.subnets
    assert subnets == tuple(f"subnet.private.{az}" for az in AZS3)


def test_node_group_spreads_over_every_az(eks):
    for az in AZS3:
        share = eks.component(f"general.{az}")
        assert share.kind == "eks.node-group", az
        assert share.placement.subnets == (f"subnet.private.{az}",), az
        assert share.attrs["min_in_az"] == 1, az


def test_node_group_minimum_is_az_count(eks):
    group = eks.component("general.asg")
    assert group.attrs["min"] == 3
    assert group.attrs["max"] == 9
    assert group.attrs["imds_hop_limit"] == 1


def test_nodes_reach_internet_through_nat_in_own_az(eks):
    for az in AZS3:
        assert (f"general.{az}", f"nat.{az}", "egress") in links(eks), az


def test_karpenter_scales_the_node_group(eks):
    scaler = eks.component("apps.autoscaler")
    assert scaler.attrs["type"] == "karpenter"
    for az in AZS3:
        assert ("apps.autoscaler", f"general.{az}", "association") in links(eks)


def test_ingress_becomes_alb_through_controller(eks):
    assert ("apps.lb-controller", "web.alb", "association") in links(eks)
    assert ("web.alb", "web.ingress", "sync") in links(eks)
    assert ("web.ingress", "web.service", "sync") in links(eks)
    assert eks.component("web.target-group").attrs["target_type"] == "ip"


def test_alb_reaches_pods_through_node_security_group(eks):
    rules = eks.component("apps.nodes.sg").attrs["ingress"]
    sources = {(r["port"], r["source"]) for r in rules}
    assert (8080, "web.alb.sg") in sources


def test_deployment_scaling_and_hpa(eks):
    deployment = eks.component("web.deployment")
    assert deployment.attrs["scaling"] == {
        "signal": "cpu",
        "target": 60,
        "min": 3,
        "max": 12,
    }
    assert ("web.hpa", "web.deployment", "association") in links(eks)


def test_pods_of_fargate_namespace_run_on_fargate(eks):
    for az in AZS3:
        pod = eks.component(f"jobs.{az}")
        assert pod.attrs["runs_on"] == ["batch.profile"], az
        assert pod.attrs["security_group"] == "apps.sg", az
        assert (f"jobs.{az}", f"nat.{az}", "egress") in links(eks), az


def test_pods_of_other_namespaces_run_on_nodes(eks):
    pod = eks.component("web.us-east-1a")
    assert pod.attrs["runs_on"] == ["general.asg"]
    assert pod.attrs["security_group"] == "apps.nodes.sg"


def test_cluster_internal_service_is_reached_through_its_service(eks):
    for az in AZS3:
        assert (f"web.{az}", "jobs.service", "sync") in links(eks), az


def test_database_admits_pods_of_fargate_profile(eks):
    rules = eks.component("orders.sg").attrs["ingress"]
    assert [(r["port"], r["source"]) for r in rules] == [(5432, "apps.sg")]


def test_image_is_pulled_from_ecr(eks):
    assert ("web.deployment", "img.repository", "sync") in links(eks)


def test_public_endpoint_and_public_nodes_are_weakened():
    model = compile_model("cluster k eks endpoint=public\nnodegroup n on k in public\n")
    assert ("k.cluster", "endpoint") in weakened(model)
    assert ("n.asg", "subnet") in weakened(model)
    assert model.component("k.cluster").attrs["public"] is True


@pytest.fixture(scope="module")
def ecs():
    return compile_model(
        "cluster shop ecs\nservice web on shop min=2 max=6 logs=firelens\n"
        "secret creds\nparam config\nweb -> [creds, config]\n"
    )


def test_ecs_tasks_share_per_az(ecs):
    shares = [ecs.component(f"web.us-east-1{z}").attrs["min_in_az"] for z in "ab"]
    assert shares == [1, 1]


def test_ecs_task_security_group_admits_alb(ecs):
    rules = ecs.component("web.sg").attrs["ingress"]
    assert [(r["port"], r["source"]) for r in rules] == [(8080, "web.alb.sg")]


def test_ecs_service_scaling_and_circuit_breaker(ecs):
    service = ecs.component("web.service")
    assert service.attrs["scaling"]["min"] == 2
    assert service.attrs["scaling"]["max"] == 6
    assert service.attrs["circuit_breaker"] is True
    assert service.attrs["launch_type"] == "FARGATE"


def test_firelens_ships_logs_to_cloudwatch(ecs):
    assert ("web.service", "web.logs", "data") in links(ecs)
    assert ecs.component("web.logs").attrs["log_retention_days"] == 30


def test_tasks_read_secrets_and_parameters(ecs):
    assert ("web.us-east-1a", "creds.secret", "sync") in links(ecs)
    assert ("web.us-east-1b", "config.parameter", "sync") in links(ecs)


def test_secret_rotates_monthly(ecs):
    secret = ecs.component("creds.secret")
    assert secret.attrs["rotation"] is True
    assert secret.attrs["rotation_days"] == 30


def test_turning_rotation_off_is_weakened():
    model = compile_model("secret s rotate=off\n")
    assert ("s.secret", "rotation") in weakened(model)


def test_ecr_scans_on_push_and_pins_tags():
    model = compile_model("ecr img\n")
    repository = model.component("img.repository")
    assert repository.attrs["scan_on_push"] is True
    assert repository.attrs["tag_immutable"] is True


def test_ecr_scan_off_is_weakened():
    model = compile_model("ecr img scan=off\n")
    assert ("img.repository", "scan_on_push") in weakened(model)


def test_pipeline_builds_pushes_and_deploys():
    model = compile_model(
        "cluster c ecs\necr img\nservice web on c image=img\n"
        "pipeline rel push=img deploy=[web]\n"
    )
    assert ("rel.pipeline", "rel.build", "sync") in links(model)
    assert ("rel.build", "img.repository", "data") in links(model)
    assert ("rel.pipeline", "web.service", "sync") in links(model)


def test_nlb_passthrough_keeps_tls_to_tasks():
    model = compile_model("cluster c ecs\nservice api on c behind nlb passthrough\n")
    nlb = model.component("api.nlb")
    assert nlb.attrs["tls_termination"] == "target"
    listener = model.component(nlb.attrs["listeners"][0])
    assert (listener.attrs["protocol"], listener.attrs["port"]) == ("TCP", 443)
    hops = [c for c in model.connections if c.source == "api.nlb"]
    assert all(c.tls for c in hops)
    assert "cert" not in model.components


@pytest.mark.parametrize(
    ("text", "balancer", "logs"),
    [
        ("cluster c ecs\nservice api on c behind nlb passthrough\n", "api.nlb", False),
        ("cluster c ecs\nservice api on c behind nlb\n", "api.nlb", True),
        ("tier api behind nlb tls=off\n", "api.nlb", False),
        ("tier api behind nlb\n", "api.nlb", True),
    ],
)
def test_nlb_access_logs_need_tls_listener(text, balancer, logs):
    # An NLB writes access logs only for TLS listeners, so a TCP listener
    # gets none and the log bucket does not list the NLB as a writer.
    model = compile_model(text)
    assert ("access_logs" in model.component(balancer).attrs) is logs
    log_bucket = model.components.get("logs")
    writers = log_bucket.attrs["written_by"] if log_bucket else []
    assert (balancer in writers) is logs


def test_alb_terminates_tls():
    model = compile_model("cluster c ecs\nservice api on c\n")
    assert model.component("api.alb").attrs["tls_termination"] == "load_balancer"
    hops = [c for c in model.connections if c.source == "api.alb"]
    assert not any(c.tls for c in hops)


def test_alb_mutual_tls_trusts_private_ca():
    model = compile_model("ca internal\ncluster c ecs\nservice api on c mtls\n")
    listener = model.component("api.alb.https")
    assert listener.attrs["mutual_authentication"] == {
        "mode": "verify",
        "trust_store": "internal.ca",
    }


def test_shared_ingress_is_one_alb():
    model = compile_model(
        "cluster c ecs\ningress front on c\nservice a on c behind front\n"
        "service b on c behind front\n"
    )
    albs = [c.id for c in model.of_kind("elbv2.alb")]
    assert albs == ["front.alb"]
    rules = model.component("front.alb").attrs["rules"]
    assert [r["path"] for r in rules] == ["/a", "/b"]
    assert ("front.alb", "b.us-east-1a", "sync") in links(model)


# Each case: design, message start, line, column.
ERRORS = [
    ("service web\n", "'service' needs the cluster it runs on", 1, 9),
    (
        "cluster c eks\nservice web on cc\n",
        "unknown name 'cc'; did you mean 'c'?",
        2,
        13,
    ),
    (
        "db orders\nservice web on orders\n",
        "'cluster' names 'orders', a 'db' statement",
        2,
        13,
    ),
    (
        "cluster c eks\nservice web on c\n",
        "nothing can run the pods of 'web'",
        2,
        9,
    ),
    (
        "cluster c ecs\nservice web on c cpu=0.25 memory=4GB\n",
        "Fargate does not pair 0.25 vCPU with 4096MB of memory",
        2,
        27,
    ),
    (
        "cluster c ecs\nservice web on c behind alb passthrough\n",
        "TLS pass-through needs an NLB",
        2,
        29,
    ),
    (
        "cluster c ecs\nservice web on c mtls\n",
        "mutual TLS needs a private certificate authority",
        2,
        18,
    ),
    (
        "cluster c eks\nnodegroup n on c\nservice web on c hpa=off max=9\n",
        "max needs autoscaling, but hpa is off",
        3,
        26,
    ),
    (
        "cluster c ecs\nfargate f on c\n",
        "Fargate profiles belong to EKS clusters",
        2,
        11,
    ),
    (
        "cluster c ecs version=1.30\n",
        "'version' applies to an EKS cluster, not ECS",
        1,
        15,
    ),
    (
        "cluster c ecs\nservice web on c behind none internal\n",
        "'internal' describes the service's own load balancer",
        2,
        30,
    ),
    ("secret s rotate=off rotation=30d\n", "rotation= sets the time", 1, 21),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), ERRORS)
def test_container_error(text, message, line, column):
    diagnostic = first_error(text)
    assert diagnostic.message.startswith(message), diagnostic.message
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)
    assert diagnostic.hint


def test_ecs_tasks_on_container_instances():
    model = compile_model(
        "cluster c ecs\nnodegroup hosts on c min=2\nservice web on c ec2\n"
    )
    assert model.component("web.service").attrs["launch_type"] == "EC2"
    share = model.component("hosts.us-east-1a")
    assert share.kind == "ec2.instance"
    assert share.attrs["asg"] == "hosts.asg"
    assert share.attrs["security_group"] == "c.nodes.sg"


def test_ecs_ec2_tasks_need_a_node_group():
    diagnostic = first_error("cluster c ecs\nservice web on c ec2\n")
    assert diagnostic.message.startswith("'ec2' tasks need container instances")
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 18)
