"""Expand ``service`` and ``ingress``: containers and the way traffic reaches them.

On ECS a service is an ECS service with a share of its Fargate tasks in
each AZ. On EKS it is a Deployment, its ReplicaSet, a Service, a share of
the pods in each AZ and a Horizontal Pod Autoscaler. Either way the unit's
egress is the tasks or pods, so flows leave from where the code runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from archdsl.expand.balancers import (
    add_balancer,
    add_mutual_tls,
    add_target_group,
)
from archdsl.expand.common import add_log_group
from archdsl.expand.containers import ClusterInfo, cluster_of, in_cluster
from archdsl.expand.context import Expansion, handles
from archdsl.expand.links import INFRASTRUCTURE, WORKLOADS, defer, resolve_one
from archdsl.expand.network import Network
from archdsl.expand.tiers import add_security_group
from archdsl.expand.workloads import container_settings, replica_bounds
from archdsl.language import Statement
from archdsl.model import Component, Unit

DEFAULT_PORT = 8080


@dataclass
class Workload:
    """The components a service expanded into, before it is exposed."""

    #: The ECS service or Kubernetes Deployment, which carries the replica
    #: count and the scaling settings.
    controller: Component
    #: Tasks or pods, one component per AZ.
    backends: list[str]
    #: Components a load balancer or ingress forwards to.
    entries: list[str]
    security_group: str
    port: int


@dataclass
class SharedIngress:
    """An ``ingress`` statement: one ALB that several services join."""

    statement: Statement
    info: ClusterInfo
    balancer: Component
    #: The Kubernetes Ingress on EKS, the ALB itself on ECS.
    router: str


@handles("service")
def expand_service(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    defer(ctx, lambda: _service(ctx, statement, unit), WORKLOADS)


@handles("ingress")
def expand_ingress(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    defer(ctx, lambda: _ingress(ctx, statement, unit), INFRASTRUCTURE)


def _service(ctx: Expansion, statement: Statement, unit: Unit) -> None:
    info = cluster_of(ctx, statement)
    if info is None:
        return
    unit.attrs["network"] = info.network.key
    unit.attrs["cluster"] = info.name
    if info.orchestrator == "eks":
        workload = _kubernetes(ctx, statement, info)
    else:
        workload = _ecs_service(ctx, statement, info)
    if workload is None:
        return
    unit.egress = list(workload.backends)
    unit.security_group = workload.security_group
    unit.attrs["controller"] = workload.controller.id
    _expose(ctx, statement, unit, info, workload)
    _pull_image(ctx, statement, workload)


# ECS ------------------------------------------------------------------------


def _ecs_service(
    ctx: Expansion, statement: Statement, info: ClusterInfo
) -> Workload | None:
    for option in ("namespace", "hpa"):
        if statement.written(option):
            ctx.error(
                f"'{option}' applies to services on an EKS cluster",
                statement.span_of(option),
                "remove it, or run the service on an EKS cluster",
            )
    name = statement.name
    network = info.network
    azs = network.azs
    launch = statement.get("launch", "fargate")
    if launch == "ec2" and not info.node_groups:
        ctx.error(
            f"'ec2' tasks need container instances, but cluster '{info.name}' has "
            "no node group",
            statement.span_of("launch"),
            f"add 'nodegroup NAME on {info.name}', or run the tasks on fargate",
        )
    sg_id = add_security_group(ctx, statement, network, f"{name}.sg", "tasks")
    service = ctx.add(
        f"{name}.service",
        "ecs.service",
        f"{name} service",
        unit=name,
        reason=f"ECS service: keeps the desired number of {name} tasks running over "
        f"{len(azs)} AZs and replaces failed ones",
        span=statement.span,
        placement=network.placement(azs=azs, subnets=network.subnets("private", azs)),
        attrs={
            "cluster": info.component,
            "launch_type": launch.upper(),
            "security_group": sg_id,
        },
    )
    minimum, _ = replica_bounds(ctx, service, statement, azs, scaling=True)
    service.attrs["scaling"]["policy"] = (
        "ECS Service Auto Scaling, target tracking on average CPU"
    )
    port = container_settings(ctx, service, statement, launch == "fargate")
    ctx.choose(
        service,
        "circuit_breaker",
        True,
        "the deployment circuit breaker rolls back a release whose tasks keep "
        "failing to start",
    )
    tasks = _tasks(ctx, statement, network, service, minimum, port, sg_id)
    _ecs_logs(ctx, statement, service)
    return Workload(service, tasks, list(tasks), sg_id, port)


def _tasks(
    ctx: Expansion,
    statement: Statement,
    network: Network,
    service: Component,
    minimum: int,
    port: int,
    sg_id: str,
) -> list[str]:
    azs = network.azs
    tasks = []
    for index, az in enumerate(azs):
        in_az = _share(minimum, len(azs), index)
        task = ctx.add(
            f"{statement.name}.{az}",
            "ecs.task",
            f"{statement.name} tasks",
            unit=statement.name,
            reason=f"the {statement.name} tasks ECS keeps in {az} ({in_az} at minimum "
            "capacity), each with its own network interface",
            span=statement.span,
            placement=network.zonal("private", az),
            attrs={
                "ecs_service": service.id,
                "min_in_az": in_az,
                "port": port,
                "security_group": sg_id,
                "public": False,
            },
        )
        network.need_egress(az, task.id)
        tasks.append(task.id)
    return tasks


def _ecs_logs(ctx: Expansion, statement: Statement, service: Component) -> None:
    driver = ctx.choose(
        service,
        "log_driver",
        "awslogs",
        "the awslogs driver sends container output to CloudWatch Logs with no "
        "extra container",
        statement=statement,
        option="logs",
    )
    group = add_log_group(
        ctx,
        f"{statement.name}.logs",
        f"{statement.name} logs",
        statement=statement,
        reason=f"CloudWatch Logs group for the {statement.name} containers' output",
        owner=service,
    )
    if driver != "firelens":
        return
    service.attrs["log_router"] = "FireLens sidecar (Fluent Bit)"
    group.attrs["shown_in_diagram"] = True
    ctx.connect(
        service.id,
        group.id,
        "data",
        reason="a FireLens sidecar (Fluent Bit) in every task ships the logs, so "
        "the application only writes to stdout",
        span=statement.span_of("logs"),
        label="FireLens",
    )


# EKS ------------------------------------------------------------------------


def _check_kubernetes_options(ctx: Expansion, statement: Statement) -> None:
    if statement.written("launch"):
        ctx.error(
            f"'{statement.get('launch')}' chooses where ECS runs tasks, but on EKS "
            "the namespace decides",
            statement.span_of("launch"),
            "remove it; a 'fargate' profile for the namespace runs pods on Fargate",
        )
    if statement.get("logs") == "firelens":
        ctx.error(
            "FireLens is an ECS feature; EKS ships container logs with the Fluent "
            "Bit DaemonSet of Container Insights",
            statement.span_of("logs"),
            "remove logs=firelens",
        )


def _kubernetes(
    ctx: Expansion, statement: Statement, info: ClusterInfo
) -> Workload | None:
    _check_kubernetes_options(ctx, statement)
    name = statement.name
    namespace = statement.get("namespace", "default")
    profile = info.fargate.get(namespace)
    if profile is None and not info.node_groups:
        ctx.error(
            f"nothing can run the pods of '{name}': cluster '{info.name}' has no "
            f"node group and no Fargate profile for namespace {namespace}",
            statement.name_span,
            f"add 'nodegroup NAME on {info.name}' or 'fargate NAME on {info.name} "
            f"namespace={namespace}'",
        )
        return None
    sg_id = info.cluster_sg if profile else info.nodes_sg
    assert sg_id is not None
    deployment = _deployment(ctx, statement, info, namespace)
    minimum, _ = replica_bounds(
        ctx, deployment, statement, info.network.azs, scaling=statement.get("hpa", True)
    )
    port = container_settings(ctx, deployment, statement, profile is not None)
    replicaset = ctx.add(
        f"{name}.replicaset",
        "k8s.replicaset",
        f"{name} ReplicaSet",
        unit=name,
        reason="the ReplicaSet of the current release: it keeps the replica count "
        "and the Deployment replaces it on every rollout",
        span=statement.span,
        placement=info.network.placement(),
        attrs=in_cluster(info),
    )
    _control(ctx, deployment.id, replicaset.id, "manages", statement)
    service = _kube_service(ctx, statement, info, port)
    pods = _pods(ctx, statement, info, replicaset, service, minimum, port, sg_id)
    _schedule(ctx, info, pods, profile)
    _hpa(ctx, statement, info, deployment)
    add_log_group(
        ctx,
        f"{name}.logs",
        f"{name} logs",
        statement=statement,
        reason=f"CloudWatch Logs group that Fluent Bit fills with the {name} pods' "
        "output",
        owner=deployment,
    )
    return Workload(deployment, pods, [service.id], sg_id, port)


def _schedule(
    ctx: Expansion, info: ClusterInfo, pods: list[str], profile: str | None
) -> None:
    """Record where the pods run; pods on Fargate need NAT for their images."""
    runs_on = [profile] if profile else list(info.node_groups)
    for pod_id in pods:
        pod = ctx.get(pod_id)
        pod.attrs["runs_on"] = runs_on
        pod.attrs["on_fargate"] = profile is not None
        if profile is not None:
            info.network.need_egress(pod.placement.azs[0], pod_id)


def _deployment(
    ctx: Expansion, statement: Statement, info: ClusterInfo, namespace: str
) -> Component:
    deployment = ctx.add(
        f"{statement.name}.deployment",
        "k8s.deployment",
        f"{statement.name} Deployment",
        unit=statement.name,
        reason="Kubernetes Deployment: declares the pods and rolls out new "
        "releases without downtime",
        span=statement.span,
        placement=info.network.placement(),
        attrs={**in_cluster(info), "namespace": namespace},
    )
    ctx.choose(
        deployment,
        "topology_spread",
        "topology.kubernetes.io/zone, maxSkew 1",
        "the scheduler spreads replicas evenly over the AZs, so an AZ outage "
        "takes only its share",
    )
    ctx.choose(
        deployment,
        "disruption_budget",
        "maxUnavailable 1",
        "a PodDisruptionBudget stops node drains and upgrades from evicting "
        "more than one replica at a time",
    )
    ctx.choose(
        deployment,
        "rollout",
        "RollingUpdate maxSurge 25%, maxUnavailable 0",
        "new pods must pass their readiness probe before old ones stop",
    )
    return deployment


def _control(
    ctx: Expansion, source: str, target: str, verb: str, statement: Statement
) -> None:
    ctx.connect(
        source,
        target,
        "association",
        reason=f"Kubernetes control relation: {source} {verb} {target}",
        span=statement.span,
        label=verb,
    )


def _kube_service(
    ctx: Expansion, statement: Statement, info: ClusterInfo, port: int
) -> Component:
    balancer = statement.get("balancer", "alb")
    service_type = "LoadBalancer" if balancer == "nlb" else "ClusterIP"
    return ctx.add(
        f"{statement.name}.service",
        "k8s.service",
        f"{statement.name} Service",
        unit=statement.name,
        reason=f"Kubernetes Service ({service_type}): a stable name and virtual IP "
        "in front of the pods that pass their readiness probe",
        span=statement.span,
        placement=info.network.placement(),
        attrs={**in_cluster(info), "type": service_type, "port": port},
    )


def _pods(
    ctx: Expansion,
    statement: Statement,
    info: ClusterInfo,
    replicaset: Component,
    service: Component,
    minimum: int,
    port: int,
    sg_id: str,
) -> list[str]:
    network = info.network
    pods = []
    for index, az in enumerate(network.azs):
        in_az = _share(minimum, len(network.azs), index)
        pod = ctx.add(
            f"{statement.name}.{az}",
            "k8s.pod",
            f"{statement.name} pods",
            unit=statement.name,
            reason=f"the {statement.name} replicas scheduled in {az} ({in_az} at "
            "minimum); each pod gets a VPC IP from the subnet",
            span=statement.span,
            placement=network.zonal("private", az),
            attrs={
                **in_cluster(info),
                "min_in_az": in_az,
                "port": port,
                "security_group": sg_id,
                "public": False,
            },
        )
        _control(ctx, replicaset.id, pod.id, "keeps replicas", statement)
        ctx.connect(
            service.id,
            pod.id,
            "sync",
            reason="the Service spreads requests over the ready pods",
            span=statement.span,
            protocol="http",
            port=port,
            tls=False,
        )
        pods.append(pod.id)
    return pods


def _hpa(
    ctx: Expansion, statement: Statement, info: ClusterInfo, deployment: Component
) -> None:
    if not statement.get("hpa", True):
        return
    scaling = deployment.attrs["scaling"]
    hpa = ctx.add(
        f"{statement.name}.hpa",
        "k8s.hpa",
        f"{statement.name} HPA",
        unit=statement.name,
        reason=f"Horizontal Pod Autoscaler: keeps average CPU near "
        f"{scaling['target']}% by changing replicas between {scaling['min']} and "
        f"{scaling['max']}",
        span=statement.span,
        placement=info.network.placement(),
        attrs={**in_cluster(info), "scaling": dict(scaling)},
    )
    _control(ctx, hpa.id, deployment.id, "scales", statement)


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


# Exposure -------------------------------------------------------------------


def _expose(
    ctx: Expansion,
    statement: Statement,
    unit: Unit,
    info: ClusterInfo,
    workload: Workload,
) -> None:
    balancer = statement.get("balancer", "alb")
    if balancer in ("alb", "nlb"):
        _own_balancer(ctx, statement, unit, info, workload, balancer)
    elif balancer == "none":
        _check_no_balancer_options(ctx, statement)
        _cluster_internal(unit, workload)
    else:
        _check_no_balancer_options(ctx, statement)
        _cluster_internal(unit, workload)
        _join_ingress(ctx, statement, info, workload)


def _cluster_internal(unit: Unit, workload: Workload) -> None:
    unit.ingress = list(workload.entries)
    unit.protocol, unit.port, unit.tls = "http", workload.port, False


def _check_no_balancer_options(ctx: Expansion, statement: Statement) -> None:
    for option in ("internal", "passthrough", "mtls", "tls", "waf", "host"):
        if statement.written(option):
            ctx.error(
                f"'{option}' describes the service's own load balancer, but it has "
                "none",
                statement.span_of(option),
                "write 'behind alb' or 'behind nlb', or set it on the ingress",
            )


def _own_balancer(
    ctx: Expansion,
    statement: Statement,
    unit: Unit,
    info: ClusterInfo,
    workload: Workload,
    kind: str,
) -> None:
    lb = add_balancer(ctx, statement, unit, info.network, kind, workload.port)
    tls_to_targets = lb.attrs["tls_termination"] == "target"
    protocol = "tcp" if kind == "nlb" else "http"
    if info.orchestrator == "eks":
        targets = _kubernetes_front(ctx, statement, info, lb, kind)
        _admit_from(ctx, workload, lb, statement)
    else:
        targets = workload.entries
    for target in targets:
        ctx.connect(
            lb.id,
            target,
            "sync",
            reason="the load balancer forwards to the healthy tasks or pods",
            span=statement.span,
            protocol=protocol,
            port=workload.port,
            tls=tls_to_targets,
        )
    if statement.get("mtls", False):
        add_mutual_tls(ctx, statement, lb)


def _kubernetes_front(
    ctx: Expansion,
    statement: Statement,
    info: ClusterInfo,
    lb: Component,
    kind: str,
) -> list[str]:
    """Add the object the load balancer controller builds ``lb`` from.

    An ALB comes from an Ingress, which routes to the Service; an NLB comes
    from the Service itself (type LoadBalancer).
    """
    controller = _load_balancer_controller(ctx, statement, info)
    service_id = f"{statement.name}.service"
    if kind == "nlb":
        source, front = service_id, service_id
    else:
        ingress = _kube_ingress(ctx, statement, info, statement.name)
        ctx.connect(
            ingress.id,
            service_id,
            "sync",
            reason="the Ingress rule routes matching requests to the Service",
            span=statement.span,
            protocol="http",
            port=ctx.get(service_id).attrs["port"],
            tls=False,
        )
        source, front = ingress.id, ingress.id
    ctx.connect(
        controller,
        lb.id,
        "association",
        reason=f"the AWS Load Balancer Controller creates and updates this load "
        f"balancer from {source}",
        span=statement.span,
        label="creates",
    )
    return [front]


def _kube_ingress(
    ctx: Expansion, statement: Statement, info: ClusterInfo, group: str
) -> Component:
    host = statement.get("host", ctx.design.domain)
    return ctx.add(
        f"{statement.name}.ingress",
        "k8s.ingress",
        f"{statement.name} Ingress",
        unit=statement.name,
        reason=f"Kubernetes Ingress (class alb) for {host}; the AWS Load Balancer "
        "Controller turns it into ALB listener rules",
        span=statement.span,
        placement=info.network.placement(),
        attrs={
            **in_cluster(info),
            "host": host,
            "ingress_class": "alb",
            "group": group,
            "target_type": "ip",
        },
    )


def _load_balancer_controller(
    ctx: Expansion, statement: Statement, info: ClusterInfo
) -> str:
    if info.controller is not None:
        return info.controller
    controller = ctx.add(
        f"{info.name}.lb-controller",
        "k8s.controller",
        "AWS Load Balancer Controller",
        unit=info.name,
        reason="watches Ingresses and LoadBalancer Services and creates the ALBs "
        "and NLBs for them, with pod IPs as targets",
        span=statement.span,
        placement=info.network.placement(),
        attrs=in_cluster(info),
    )
    info.controller = controller.id
    return controller.id


def _admit_from(
    ctx: Expansion, workload: Workload, lb: Component, statement: Statement
) -> None:
    """Let the balancer reach the pods: its targets are pod IPs, not the Service."""
    rules = ctx.get(workload.security_group).attrs["ingress"]
    rule = {
        "protocol": "tcp",
        "port": workload.port,
        "source": lb.attrs["security_group"],
        "for": f"requests from the {statement.name} load balancer to pod IPs",
    }
    if rule not in rules:
        rules.append(rule)


# Shared ingress -------------------------------------------------------------


def _ingress(ctx: Expansion, statement: Statement, unit: Unit) -> None:
    info = cluster_of(ctx, statement)
    if info is None:
        return
    unit.attrs["network"] = info.network.key
    lb = add_balancer(ctx, statement, unit, info.network, "alb", 443, shared=True)
    router = lb.id
    if info.orchestrator == "eks":
        ingress = _kube_ingress(ctx, statement, info, statement.name)
        controller = _load_balancer_controller(ctx, statement, info)
        ctx.connect(
            controller,
            lb.id,
            "association",
            reason="the AWS Load Balancer Controller builds one ALB for the "
            "Ingresses of this group",
            span=statement.span,
            label="creates",
        )
        ctx.connect(
            lb.id,
            ingress.id,
            "sync",
            reason="the ALB applies the Ingress rules",
            span=statement.span,
            protocol="http",
            port=DEFAULT_PORT,
            tls=False,
        )
        router = ingress.id
    if statement.get("mtls", False):
        add_mutual_tls(ctx, statement, lb)
    shared = ctx.shared.setdefault("ingresses", {})
    shared[statement.name] = SharedIngress(statement, info, lb, router)


def _join_ingress(
    ctx: Expansion, statement: Statement, info: ClusterInfo, workload: Workload
) -> None:
    unit = resolve_one(ctx, statement, "balancer", keywords=("ingress",))
    if unit is None:
        return
    shared: SharedIngress | None = ctx.shared.get("ingresses", {}).get(unit.name)
    if shared is None:
        return
    if shared.info is not info:
        ctx.error(
            f"ingress '{unit.name}' belongs to cluster '{shared.info.name}', not "
            f"'{info.name}'",
            statement.span_of("balancer"),
            "put the service behind an ingress of its own cluster",
        )
        return
    lb = shared.balancer
    group = add_target_group(ctx, statement, lb, "alb", workload.port)
    lb.attrs["rules"].append(
        {
            "host": shared.statement.get("host", ctx.design.domain),
            "path": f"/{statement.local_name or statement.name}",
            "forward_to": group.id,
        }
    )
    for entry in workload.entries:
        ctx.connect(
            shared.router,
            entry,
            "sync",
            reason=f"the {unit.name} rule for /{statement.name} forwards here",
            span=statement.span_of("balancer"),
            protocol="http",
            port=workload.port,
            tls=False,
        )
    if info.orchestrator == "eks":
        _admit_from(ctx, workload, lb, statement)


# Images ---------------------------------------------------------------------


def _pull_image(ctx: Expansion, statement: Statement, workload: Workload) -> None:
    repository = resolve_one(ctx, statement, "image", keywords=("ecr",))
    if repository is None:
        return
    workload.controller.attrs["image"] = repository.ingress[0]
    ctx.connect(
        workload.controller.id,
        repository.ingress[0],
        "sync",
        reason="new tasks or pods pull the image from the repository when they start",
        span=statement.span_of("image"),
        protocol="https",
        port=443,
        tls=True,
        label="pulls image",
    )
