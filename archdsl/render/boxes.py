"""Boxes for containers, pipelines and watchers, and the labels of their nodes.

* Kubernetes objects draw inside a box for their EKS cluster, within the
  VPC. The nodes and load balancers they create sit around that box, in the
  subnets.
* Analytics components outside the VPC draw in one box per pipeline
  stage; the data flows between stages run left to right.
* Services that watch rather than carry traffic (CloudWatch, X-Ray,
  CloudTrail, GuardDuty, Security Hub, keys, cost tools) draw in a box of
  their own, joined to what they watch by dotted edges that do not pull on
  the layout.
"""

from __future__ import annotations

from archdsl.model import Component, Model

Box = tuple[str, str, str]

BOX_STYLES = {
    "k8s": {"style": "rounded", "pencolor": "#326CE5", "bgcolor": "#F3F7FE"},
    "stage": {"style": "dashed", "pencolor": "#8C4FFF", "bgcolor": "#FFFFFF"},
    "watch": {"style": "dashed", "pencolor": "#DD344C", "bgcolor": "#FDF5F6"},
    "inspection": {"style": "filled", "pencolor": "#DD344C", "bgcolor": "#FBEAEC"},
    "transit": {"style": "filled", "pencolor": "#7D8998", "bgcolor": "#F2F3F3"},
}

#: Kinds that observe the design instead of carrying its requests.
WATCHER_KINDS = frozenset(
    {
        "cloudwatch.metrics",
        "cloudwatch.alarm",
        "cloudwatch.dashboard",
        "xray.tracing",
        "compute-optimizer",
        "ce.cost-explorer",
        "budgets.budget",
        "cloudtrail.trail",
        "guardduty.detector",
        "securityhub.hub",
        "kms.key",
        "acm-pca.certificate-authority",
    }
)

#: Kinds drawn inside their EKS cluster's box.
CLUSTER_KINDS = frozenset(
    {
        "eks.cluster",
        "eks.fargate-profile",
        "k8s.ingress",
        "k8s.service",
        "k8s.deployment",
        "k8s.replicaset",
        "k8s.pod",
        "k8s.hpa",
        "k8s.autoscaler",
        "k8s.controller",
        "kubecost",
    }
)

#: Pipeline stages in data order, with their box labels.
STAGES = {
    "ingest": "Ingest",
    "process": "Stream processing",
    "store": "Data lake",
    "catalog": "Catalog",
    "transform": "Transform",
    "query": "Query and warehouse",
    "visualize": "Visualize",
}


#: Watchers per row of the watcher box.
WATCHERS_PER_ROW = 4


def watcher_rows(model: Model, drawn: set[str]) -> list[list[str]]:
    """Return the drawn watchers of each region in rows of a few."""
    by_region: dict[str, list[str]] = {}
    for component in model.components.values():
        if component.id in drawn and component.kind in WATCHER_KINDS:
            region = component.placement.region or model.design.region
            by_region.setdefault(region, []).append(component.id)
    rows: list[list[str]] = []
    for members in by_region.values():
        for start in range(0, len(members), WATCHERS_PER_ROW):
            rows.append(members[start : start + WATCHERS_PER_ROW])
    return rows


def watcher_box(component: Component, region: str) -> Box | None:
    if component.kind not in WATCHER_KINDS:
        return None
    return (f"watch_{region}", "Security and operations", "watch")


def cluster_box(model: Model, component: Component) -> Box | None:
    """Return the EKS cluster box a Kubernetes object sits in, if any."""
    if component.kind not in CLUSTER_KINDS:
        return None
    cluster_id = (
        component.id
        if component.kind == "eks.cluster"
        else component.attrs.get("cluster")
    )
    cluster = model.components.get(cluster_id or "")
    if cluster is None or cluster.kind != "eks.cluster":
        return None
    return (f"k8s_{cluster.id}", f"EKS cluster {cluster.unit}", "k8s")


#: Regional kinds that share a box because they serve one purpose.
PURPOSE_BOXES = {
    "codepipeline.pipeline": ("delivery", "Build and release"),
    "codebuild.project": ("delivery", "Build and release"),
    "ecr.repository": ("delivery", "Build and release"),
    "secretsmanager.secret": ("config", "Configuration and secrets"),
    "ssm.parameter": ("config", "Configuration and secrets"),
}


def stage_box(component: Component, scope: str) -> Box | None:
    """Return the pipeline stage or purpose box of a component outside a VPC."""
    if component.placement.vpc:
        return None
    stage = component.attrs.get("stage")
    if stage in STAGES:
        return (f"stage_{scope}_{stage}", STAGES[stage], "stage")
    purpose = PURPOSE_BOXES.get(component.kind)
    if purpose is not None:
        return (f"purpose_{scope}_{purpose[0]}", purpose[1], "stage")
    return None


def scaling_group(model: Model, component: Component) -> Box | None:
    """Return the dashed box of the group that keeps this AZ's share running."""
    group_id = component.attrs.get("asg") or component.attrs.get("ecs_service")
    group = model.components.get(group_id or "")
    if group is None:
        return None
    az = component.placement.azs[0]
    return (f"asg_{group.id}_{az}", group.name, "asg")


def platform_detail(component: Component) -> str:
    """Return the second label line for container, data and security kinds."""
    attrs = component.attrs
    kind = component.kind
    if kind == "ecs.task":
        return f"min {attrs.get('min_in_az', 0)}"
    if kind == "k8s.pod":
        where = component.placement.azs[0] if component.placement.azs else ""
        on = ", Fargate" if attrs.get("on_fargate") else ""
        return f"{where}, min {attrs.get('min_in_az', 0)}{on}"
    if kind == "eks.node-group":
        return f"{attrs.get('instance_type', '')}, min {attrs.get('min_in_az', 0)}"
    if kind == "k8s.hpa" and attrs.get("scaling"):
        scaling = attrs["scaling"]
        return f"{scaling['min']}-{scaling['max']} replicas, CPU {scaling['target']}%"
    if kind == "eks.cluster":
        return f"Kubernetes {attrs.get('version')}, {attrs.get('endpoint')} endpoint"
    if kind == "ecs.service" and attrs.get("scaling"):
        scaling = attrs["scaling"]
        return f"{scaling['min']}-{scaling['max']} tasks, CPU {scaling['target']}%"
    return _data_detail(component) or _security_detail(component)


def _data_detail(component: Component) -> str:
    attrs = component.attrs
    kind = component.kind
    if kind == "firehose.delivery-stream":
        return (
            f"{attrs.get('format')}, {attrs.get('buffer_mb')} MB / "
            f"{attrs.get('buffer_seconds')} s"
        )
    if kind == "kinesis.stream":
        return str(attrs.get("mode", ""))
    if kind == "redshift.cluster" and not attrs.get("serverless"):
        return f"{attrs.get('nodes')} x {attrs.get('node_type')}"
    if kind == "glue.crawler":
        return f"every {attrs.get('schedule_hours')} h"
    if kind == "athena.workgroup":
        return f"scan limit {attrs.get('scan_limit_gb')} GB"
    if kind == "s3.bucket" and attrs.get("zone"):
        return "versioned" if attrs.get("versioning") else ""
    return ""


def _security_detail(component: Component) -> str:
    attrs = component.attrs
    kind = component.kind
    if kind == "network-firewall.firewall":
        return "IPS: drop on match" if attrs.get("mode") == "ips" else "IDS: alert only"
    if kind == "kms.key":
        days = attrs.get("rotation_days")
        return f"rotates every {days} days" if days else "no rotation"
    if kind == "cloudwatch.alarm":
        return f"{attrs.get('metric')} {attrs.get('comparison', '')}".strip()
    if kind == "elbv2.gwlb":
        return str(attrs.get("vendor") or "")
    return ""


#: Kinds that others look up (schemas, secrets, configuration). Edges into
#: them do not pull on the layout, so they stay in their own stage.
LOOKUP_KINDS = frozenset({"glue.catalog", "secretsmanager.secret", "ssm.parameter"})


def stage_ranks(model: Model, drawn: set[str]) -> list[list[str]]:
    """Return the drawn nodes of each pipeline stage, stage by stage, per scope.

    A scope is a region and its enclosing groups. The diagram puts each
    list in one rank and chains the ranks left to right, so a pipeline
    reads in stage order whatever direction its lookups point.
    """
    scopes: dict[tuple[str, ...], dict[str, list[str]]] = {}
    for component in model.components.values():
        stage = component.attrs.get("stage")
        if component.id not in drawn or stage not in STAGES:
            continue
        if stage_box(component, "") is None:
            continue
        placement = component.placement
        scope = (placement.region or model.design.region, *placement.groups)
        scopes.setdefault(scope, {}).setdefault(stage, []).append(component.id)
    ranks: list[list[str]] = []
    for stages in scopes.values():
        ranks.extend(stages[name] for name in STAGES if name in stages)
    return ranks
