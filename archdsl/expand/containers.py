"""Expand ``cluster``, ``nodegroup`` and ``fargate``: EKS and ECS capacity.

A cluster records a :class:`ClusterInfo` that the statements running on it
read: its network, its security groups, its node groups and the namespaces
its Fargate profiles select.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archdsl.expand.common import add_log_group
from archdsl.expand.context import Expansion, handles
from archdsl.expand.keys import use_key
from archdsl.expand.links import INFRASTRUCTURE, REFERENCES, defer, resolve_one
from archdsl.expand.network import Network, network_for
from archdsl.expand.tiers import add_security_group
from archdsl.language import Statement
from archdsl.model import Component

DEFAULT_KUBERNETES_VERSION = "1.33"

#: EKS add-ons every cluster gets: pod networking, DNS, service proxy, and
#: the CSI driver for EBS volumes.
EKS_ADDONS = ("vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver")


@dataclass
class ClusterInfo:
    name: str
    orchestrator: str
    network: Network
    component: str
    #: Security group of the nodes, and of the pods that run on them.
    nodes_sg: str
    #: Security group EKS gives the control plane and Fargate pods.
    cluster_sg: str | None
    node_groups: list[str] = field(default_factory=list)
    #: Namespace to Fargate profile component id.
    fargate: dict[str, str] = field(default_factory=dict)
    controller: str | None = None


def clusters(ctx: Expansion) -> dict[str, ClusterInfo]:
    return ctx.shared.setdefault("clusters", {})


def cluster_of(ctx: Expansion, statement: Statement) -> ClusterInfo | None:
    """Return the cluster that ``on <cluster>`` names; report it when missing."""
    if not statement.written("cluster"):
        ctx.error(
            f"'{statement.keyword}' needs the cluster it runs on",
            statement.name_span,
            f"write '{statement.keyword} {statement.local_name or statement.name} "
            "on <cluster>'",
        )
        return None
    unit = resolve_one(ctx, statement, "cluster", keywords=("cluster",))
    return None if unit is None else clusters(ctx)[unit.name]


def in_cluster(info: ClusterInfo) -> dict[str, str]:
    """Attributes that place a Kubernetes object inside its cluster's box."""
    return {"cluster": info.component}


@handles("cluster")
def expand_cluster(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    network = network_for(ctx, statement)
    orchestrator = statement.get("orchestrator", "eks")
    build = _eks if orchestrator == "eks" else _ecs
    clusters(ctx)[statement.name] = build(ctx, statement, network)
    unit.attrs["network"] = network.key
    unit.attrs["orchestrator"] = orchestrator


def _check_eks_only(ctx: Expansion, statement: Statement) -> None:
    for option in ("version", "endpoint", "autoscaler", "logs"):
        if statement.written(option):
            ctx.error(
                f"'{option}' applies to an EKS cluster, not ECS",
                statement.span_of(option),
                "remove it, or write 'eks' instead of 'ecs'",
            )


def _ecs(ctx: Expansion, statement: Statement, network: Network) -> ClusterInfo:
    _check_eks_only(ctx, statement)
    cluster = ctx.add(
        f"{statement.name}.cluster",
        "ecs.cluster",
        f"{statement.name} ECS cluster",
        unit=statement.name,
        reason="ECS cluster: schedules the services' tasks and keeps the desired "
        "count running",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"capacity_providers": ["FARGATE", "FARGATE_SPOT"]},
    )
    _insights(ctx, cluster, statement)
    ctx.choose(
        cluster,
        "exec_logging",
        True,
        "ECS Exec sessions into containers are logged, so shell access leaves a record",
        safety=True,
    )
    return ClusterInfo(
        statement.name, "ecs", network, cluster.id, f"{statement.name}.nodes.sg", None
    )


def _insights(ctx: Expansion, cluster: Component, statement: Statement) -> None:
    ctx.choose(
        cluster,
        "container_insights",
        True,
        "CloudWatch Container Insights collects CPU, memory and network per "
        "task or pod, which the default metrics do not break down",
        statement=statement,
        option="insights",
    )


def _eks(ctx: Expansion, statement: Statement, network: Network) -> ClusterInfo:
    name = statement.name
    if len(network.azs) < 2:
        ctx.error(
            "an EKS cluster needs subnets in at least 2 Availability Zones",
            statement.span,
            "set azs=2 or more on the design or the enclosing block",
        )
    cluster_sg, nodes_sg = _eks_security_groups(ctx, statement, network)
    cluster = ctx.add(
        f"{name}.cluster",
        "eks.cluster",
        f"{name} EKS",
        unit=name,
        reason="EKS runs the Kubernetes control plane across three AZs; its "
        "network interfaces sit in the private subnets",
        span=statement.span,
        placement=network.placement(
            azs=network.azs, subnets=network.subnets("private", network.azs)
        ),
        attrs={"security_group": cluster_sg, "addons": list(EKS_ADDONS)},
    )
    # NOTE: the default version ages; EKS gives each version 14 months of
    # standard support, so review it when EKS releases a new one.
    ctx.choose(
        cluster,
        "version",
        DEFAULT_KUBERNETES_VERSION,
        "a recent Kubernetes version; EKS supports each version for 14 months "
        "at the standard price, so plan an upgrade a year",
        statement=statement,
    )
    _endpoint(ctx, cluster, statement)
    _eks_security(ctx, cluster, statement)
    _insights(ctx, cluster, statement)
    info = ClusterInfo(name, "eks", network, cluster.id, nodes_sg, cluster_sg)
    _autoscaler(ctx, statement, cluster, info)
    return info


def _eks_security_groups(
    ctx: Expansion, statement: Statement, network: Network
) -> tuple[str, str]:
    """Add the cluster's and the nodes' security groups; return their ids."""
    name = statement.name
    cluster_sg = add_security_group(ctx, statement, network, f"{name}.sg", "cluster")
    nodes_sg = add_security_group(
        ctx, statement, network, f"{name}.nodes.sg", "nodes and pods"
    )
    ctx.get(nodes_sg).attrs["ingress"] += [
        {
            "protocol": "all",
            "port": "all",
            "source": nodes_sg,
            "for": "nodes and pods reach each other (pod-to-pod traffic)",
        },
        {
            "protocol": "tcp",
            "port": 443,
            "source": cluster_sg,
            "for": "the control plane calls webhooks and kubelets on the nodes",
        },
    ]
    return cluster_sg, nodes_sg


def _endpoint(ctx: Expansion, cluster: Component, statement: Statement) -> None:
    endpoint = ctx.choose(
        cluster,
        "endpoint",
        "private",
        "the Kubernetes API answers only inside the VPC (a VPN, bastion or "
        "pipeline in the VPC runs kubectl), so it is not open to the internet",
        statement=statement,
        safety=True,
    )
    cluster.attrs["endpoint_public_access"] = endpoint in ("public", "both")
    cluster.attrs["endpoint_private_access"] = endpoint in ("private", "both")
    cluster.attrs["public"] = endpoint in ("public", "both")


def _eks_security(ctx: Expansion, cluster: Component, statement: Statement) -> None:
    ctx.choose(
        cluster,
        "encrypted",
        True,
        "Kubernetes secrets are envelope-encrypted with a KMS key in etcd",
        safety=True,
    )
    cluster.attrs["kms_key"] = None
    use_key(ctx, cluster, statement)
    ctx.choose(
        cluster,
        "access",
        "EKS access entries",
        "IAM principals get cluster access through access entries, which the "
        "EKS API audits, instead of the aws-auth ConfigMap",
        safety=True,
    )
    ctx.choose(
        cluster,
        "pod_identity",
        True,
        "pods get their own IAM roles through EKS Pod Identity instead of "
        "borrowing the node's role",
        safety=True,
    )
    logging = ctx.choose(
        cluster,
        "control_plane_logs",
        True,
        "API server, audit and authenticator logs record who did what in the cluster",
        statement=statement,
        option="logs",
        safety=True,
    )
    if logging:
        add_log_group(
            ctx,
            f"{statement.name}.logs",
            f"{statement.name} control plane logs",
            statement=statement,
            reason="CloudWatch Logs group of the EKS control plane logs",
            owner=cluster,
        )


def _autoscaler(
    ctx: Expansion, statement: Statement, cluster: Component, info: ClusterInfo
) -> None:
    kind = ctx.choose(
        cluster,
        "node_autoscaler",
        "karpenter",
        "Karpenter launches right-sized nodes for pods that cannot be scheduled "
        "within about a minute and removes empty or underused ones",
        statement=statement,
        option="autoscaler",
    )
    if kind == "none":
        return
    words = (
        "Karpenter: launches EC2 nodes for pending pods and consolidates idle ones; "
        "the managed node groups keep the system pods, Karpenter included"
        if kind == "karpenter"
        else "Cluster Autoscaler: raises the node groups' desired size when pods "
        "are pending and lowers it when nodes sit idle"
    )
    scaler = ctx.add(
        f"{statement.name}.autoscaler",
        "k8s.autoscaler",
        "Karpenter" if kind == "karpenter" else "Cluster Autoscaler",
        unit=statement.name,
        reason=words,
        span=statement.span,
        placement=info.network.placement(),
        attrs={**in_cluster(info), "type": kind, "scaling": {"signal": "pending_pods"}},
    )

    def connect_groups() -> None:
        for group in info.node_groups:
            for share in ctx.get(group).attrs["shares"]:
                ctx.connect(
                    scaler.id,
                    share,
                    "association",
                    reason="the node autoscaler adds and removes these nodes",
                    span=statement.span,
                    label="scales",
                )

    defer(ctx, connect_groups, REFERENCES)


@handles("nodegroup")
def expand_nodegroup(ctx: Expansion, statement: Statement) -> None:
    ctx.add_unit(statement)
    defer(ctx, lambda: _nodegroup(ctx, statement), INFRASTRUCTURE)


def _nodegroup(ctx: Expansion, statement: Statement) -> None:
    info = cluster_of(ctx, statement)
    if info is None:
        return
    network = info.network
    azs = _spread(ctx, statement, network)
    if not ctx.exists(info.nodes_sg):
        add_security_group(
            ctx, statement, network, info.nodes_sg, "container instances"
        )
    group = ctx.add(
        f"{statement.name}.asg",
        "autoscaling.group",
        f"{statement.name} node group",
        unit=statement.name,
        reason=f"the Auto Scaling group behind the {statement.name} node group: it "
        f"keeps nodes in {len(azs)} AZs and replaces unhealthy ones",
        span=statement.span,
        placement=network.placement(azs=azs),
        attrs={"cluster": info.component, "shares": []},
    )
    layer = ctx.choose(
        group,
        "subnet",
        "private",
        "nodes get no public IPs; they reach the internet through NAT",
        statement=statement,
        safety=True,
    )
    subnets = network.subnets(layer, azs)
    group.placement = network.placement(azs=azs, subnets=subnets)
    minimum, maximum = _node_bounds(ctx, group, statement, azs)
    scaled = ctx.get(info.component).attrs.get("node_autoscaler") != "none"
    group.attrs["scaling"] = {
        "signal": "pending_pods" if scaled else "none",
        "min": minimum,
        "max": maximum,
    }
    _node_template(ctx, group, statement)
    for index, az in enumerate(azs):
        share = _node_share(ctx, statement, info, group, az, subnets[index])
        share.attrs["min_in_az"] = minimum // len(azs) + (
            1 if index < minimum % len(azs) else 0
        )
        group.attrs["shares"].append(share.id)
        if layer == "private":
            network.need_egress(az, share.id)
    info.node_groups.append(group.id)
    if info.orchestrator == "ecs":
        providers = ctx.get(info.component).attrs["capacity_providers"]
        providers.append(f"{group.id} (managed scaling)")


def _spread(ctx: Expansion, statement: Statement, network: Network) -> tuple[str, ...]:
    count = statement.get("azs", len(network.azs))
    if count > len(network.azs):
        ctx.error(
            f"node group '{statement.name}' spreads over {count} AZs but its "
            f"cluster's VPC has {len(network.azs)}",
            statement.span_of("azs"),
            f"lower azs= to {len(network.azs)} or raise the design's azs",
        )
        count = len(network.azs)
    return network.azs[:count]


def _node_bounds(
    ctx: Expansion, group: Component, statement: Statement, azs: tuple[str, ...]
) -> tuple[int, int]:
    minimum = ctx.choose(
        group,
        "min",
        max(2, len(azs)),
        "a node in every AZ, and at least two, so pods survive the loss of a "
        "node or an AZ",
        statement=statement,
        safety=True,
    )
    maximum = ctx.choose(
        group,
        "max",
        max(3 * minimum, 3),
        "room for the autoscaler to triple the nodes under load",
        statement=statement,
    )
    desired = ctx.choose(
        group, "desired", minimum, "start at the minimum", statement=statement
    )
    if minimum > maximum:
        ctx.error(
            f"min={minimum} is greater than max={maximum}",
            statement.span_of("min"),
            f"raise max= to at least {minimum} or lower min=",
        )
    elif not minimum <= desired <= maximum:
        ctx.error(
            f"desired={desired} is outside min={minimum}..max={maximum}",
            statement.span_of("desired"),
            "set desired= between min and max",
        )
    return minimum, maximum


def _node_template(ctx: Expansion, group: Component, statement: Statement) -> None:
    ctx.choose(
        group,
        "instance_type",
        "m6i.large",
        "general-purpose nodes; mix sizes once pod requests are known",
        statement=statement,
        option="instance",
    )
    ctx.choose(
        group,
        "capacity_type",
        "on_demand",
        "On-Demand nodes are never reclaimed; Spot saves up to 90% for "
        "interruptible pods",
        statement=statement,
        option="capacity",
    )
    ctx.choose(
        group,
        "disk_gb",
        50,
        "room for container images and logs on the root volume",
        statement=statement,
        option="disk",
        convert=lambda megabytes: megabytes // 1024,
    )
    ctx.choose(
        group, "ebs_encrypted", True, "node volumes encrypted with KMS", safety=True
    )
    ctx.choose(
        group,
        "imds_hop_limit",
        1,
        "IMDSv2 with a hop limit of 1: pods cannot read the node role's "
        "credentials from the instance metadata service",
        safety=True,
    )


def _node_share(
    ctx: Expansion,
    statement: Statement,
    info: ClusterInfo,
    group: Component,
    az: str,
    subnet: str,
) -> Component:
    kind = "eks.node-group" if info.orchestrator == "eks" else "ec2.instance"
    return ctx.add(
        f"{statement.name}.{az}",
        kind,
        statement.name,
        unit=statement.name,
        reason=f"the nodes the {statement.name} node group keeps in {az}",
        span=statement.span,
        placement=info.network.placement(azs=(az,), subnets=(subnet,)),
        attrs={
            "asg": group.id,
            "cluster": info.component,
            "instance_type": group.attrs["instance_type"],
            "security_group": info.nodes_sg,
        },
    )


@handles("fargate")
def expand_fargate(ctx: Expansion, statement: Statement) -> None:
    ctx.add_unit(statement)
    defer(ctx, lambda: _fargate_profile(ctx, statement), INFRASTRUCTURE)


def _fargate_profile(ctx: Expansion, statement: Statement) -> None:
    info = cluster_of(ctx, statement)
    if info is None:
        return
    if info.orchestrator != "eks":
        ctx.error(
            "Fargate profiles belong to EKS clusters; ECS runs Fargate per service",
            statement.span_of("cluster"),
            "write 'fargate' on the ECS service instead",
        )
        return
    namespace = statement.get("namespace", statement.local_name or statement.name)
    if namespace in info.fargate:
        ctx.error(
            f"namespace '{namespace}' already has a Fargate profile on '{info.name}'",
            statement.span_of("namespace"),
            "give each profile its own namespace",
        )
        return
    network = info.network
    profile = ctx.add(
        f"{statement.name}.profile",
        "eks.fargate-profile",
        f"{statement.name} Fargate profile",
        unit=statement.name,
        reason=f"pods in namespace {namespace} run on Fargate, each in its own "
        "micro-VM in a private subnet, with no nodes to patch or scale",
        span=statement.span,
        placement=network.placement(
            azs=network.azs, subnets=network.subnets("private", network.azs)
        ),
        attrs={**in_cluster(info), "namespace": namespace},
    )
    info.fargate[namespace] = profile.id
