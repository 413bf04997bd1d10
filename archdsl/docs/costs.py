"""Cost drivers: what the design pays for while idle, and what it pays per use.

archdsl holds no price list, so it does not print amounts. Instead each
component kind has a billing model (always-on hours or usage) and a rough
class for its share of a typical bill, from AWS's published pricing model
of each service (on-demand, 2025). The document ranks the always-on parts
by that class and count, and names the levers that lower each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from archdsl.catalog import KINDS
from archdsl.model import Component, Model


@dataclass(frozen=True)
class Billing:
    always_on: bool
    #: 3 large (database and cluster instances), 2 medium, 1 small.
    weight: int
    charged_for: str
    levers: str


_BILLING: dict[str, Billing] = {
    "rds.aurora-instance": Billing(
        True,
        3,
        "instance hours, storage and I/O",
        "Reserved Instances for steady load; Aurora Serverless v2 for spiky load; "
        "I/O-Optimized when I/O is over a quarter of the bill",
    ),
    "rds.instance": Billing(
        True,
        3,
        "instance hours and provisioned storage",
        "Reserved Instances; right-size after load tests; gp3 storage",
    ),
    "rds.standby": Billing(
        True,
        3,
        "instance hours (a standby costs as much as the primary)",
        "keep: it is the price of automatic failover",
    ),
    "redshift.cluster": Billing(
        True, 3, "node hours", "Reserved nodes, pause when idle, or Redshift Serverless"
    ),
    "emr.cluster": Billing(
        True,
        3,
        "instance hours plus the EMR charge",
        "Spot for task nodes; transient clusters per job; EMR Serverless",
    ),
    "msk.cluster": Billing(
        True, 3, "broker hours and storage", "right-size brokers; MSK Serverless"
    ),
    "elasticache.node": Billing(
        True,
        2,
        "node hours",
        "Reserved nodes; right-size; data tiering for large caches",
    ),
    "ec2.instance": Billing(
        True,
        2,
        "instance hours (the minimum runs all the time)",
        "Savings Plans for the minimum; Spot for stateless scale-out; right-size with "
        "Compute Optimizer",
    ),
    "eks.node-group": Billing(
        True,
        2,
        "instance hours of the nodes",
        "Spot and Graviton nodes; Karpenter consolidation",
    ),
    "ecs.task": Billing(
        True,
        2,
        "vCPU and memory hours of running tasks",
        "Fargate Spot for interruptible tasks; Graviton; right-size task sizes",
    ),
    "eks.cluster": Billing(
        True, 1, "control plane hours", "share one cluster between teams"
    ),
    "ec2.nat-gateway": Billing(
        True,
        1,
        "hours plus every GB processed",
        "VPC endpoints for S3, DynamoDB and other AWS APIs; nat=single trades AZ "
        "resilience for cost",
    ),
    "elbv2.alb": Billing(
        True,
        1,
        "hours plus load balancer capacity units",
        "share one ALB between services with host and path rules",
    ),
    "elbv2.nlb": Billing(
        True, 1, "hours plus capacity units", "share one NLB between services"
    ),
    "elbv2.gwlb": Billing(
        True, 1, "hours plus capacity units", "one inspection stack for all VPCs"
    ),
    "network-firewall.firewall": Billing(
        True,
        2,
        "endpoint hours plus GB processed",
        "centralise inspection in one VPC behind Transit Gateway",
    ),
    "ec2.transit-gateway": Billing(
        True,
        1,
        "attachment hours plus GB processed",
        "attach only VPCs that need to talk",
    ),
    "kinesis.stream": Billing(
        True,
        1,
        "shard hours (or on-demand stream hours) and PUT units",
        "on-demand mode for unpredictable load; fewer shards with aggregation",
    ),
    "mq.broker": Billing(
        True, 2, "broker hours and storage", "right-size the broker instance"
    ),
    "cloudfront.distribution": Billing(
        False,
        1,
        "requests and GB to the internet",
        "cache more (longer TTLs) and compress; price_class=100 for nearby users",
    ),
    "wafv2.web-acl": Billing(
        False,
        1,
        "per web ACL, per rule and per million requests",
        "keep the rule set focused",
    ),
    "lambda.function": Billing(
        False,
        1,
        "requests and GB-seconds",
        "right-size memory with Power Tuning; Graviton (arm64)",
    ),
    "apigateway.http-api": Billing(
        False, 1, "requests", "HTTP APIs cost less than REST APIs"
    ),
    "apigateway.rest-api": Billing(
        False,
        1,
        "requests and optional cache hours",
        "HTTP APIs cost less when REST features are not needed",
    ),
    "dynamodb.table": Billing(
        False,
        1,
        "read and write request units and storage",
        "provisioned capacity with auto scaling for steady load",
    ),
    "s3.bucket": Billing(
        False,
        1,
        "GB stored, requests and transfer out",
        "lifecycle rules to Infrequent Access and Glacier; Intelligent-Tiering",
    ),
    "sqs.queue": Billing(
        False, 1, "requests", "batch sends and receives; long polling"
    ),
    "sns.topic": Billing(False, 1, "publishes and deliveries", "batch publishes"),
    "logs.log-group": Billing(
        False, 1, "GB ingested and stored", "shorter retention; filter noisy logs"
    ),
}


def billing_of(component: Component) -> Billing | None:
    return _BILLING.get(component.kind)


def cost_section(model: Model) -> dict[str, Any]:
    """Rank the always-on parts; list the usage-based ones and their levers."""
    groups: dict[str, list[Component]] = defaultdict(list)
    for component in model.components.values():
        if billing_of(component) is not None:
            groups[component.kind].append(component)
    always_on: list[dict[str, Any]] = []
    usage: list[dict[str, Any]] = []
    for kind, members in groups.items():
        billing = _BILLING[kind]
        row = {
            "service": f"{KINDS[kind].service}: {KINDS[kind].title}",
            "count": _count(members),
            "sizes": _sizes(members),
            "charged_for": billing.charged_for,
            "levers": billing.levers,
            "weight": billing.weight,
        }
        (always_on if billing.always_on else usage).append(row)
    always_on.sort(key=lambda row: (-row["weight"], -row["count"], row["service"]))
    usage.sort(key=lambda row: row["service"])
    return {"always_on": always_on, "usage": usage}


def _count(members: list[Component]) -> int:
    """Count instances at minimum capacity, where a component stands for several."""
    return sum(int(m.attrs.get("min_in_az", 1) or 0) for m in members)


def _sizes(members: list[Component]) -> str:
    sizes = sorted(
        {
            str(m.attrs.get(key))
            for m in members
            for key in ("instance_type", "instance_class", "node_type")
            if m.attrs.get(key)
        }
    )
    return ", ".join(sizes)
