"""Helpers for services that watch the design rather than carry its traffic.

A watcher (CloudWatch, X-Ray, GuardDuty, ...) gets ``monitoring``
connections from what it observes, one per observed unit, so the diagram
can draw it apart from the request path.
"""

from __future__ import annotations

from collections.abc import Iterable

from archdsl.catalog import KINDS
from archdsl.expand.context import Expansion
from archdsl.model import Component, Unit
from archdsl.source import Span

#: Statements whose units run application code.
COMPUTE_KEYWORDS = ("tier", "service", "nodegroup", "flink", "etl", "emr")

#: Statements whose units hold or move data.
DATA_KEYWORDS = ("db", "cache", "stream", "firehose", "warehouse", "lake")

#: Statements that are watchers themselves or carry no workload.
WATCHER_KEYWORDS = (
    "metrics",
    "alarm",
    "dashboard",
    "tracing",
    "optimizer",
    "costs",
    "budget",
    "kubecost",
    "trail",
    "guardduty",
    "securityhub",
    "mirror",
    "kms",
    "ca",
    "certificate",
)


def units_with(ctx: Expansion, keywords: Iterable[str]) -> list[Unit]:
    selected = set(keywords)
    return [unit for unit in ctx.model.units.values() if unit.keyword in selected]


def face_of(ctx: Expansion, unit: Unit) -> Component | None:
    """Return the component that stands for ``unit`` in the diagram.

    That is its controller (an ECS service or Deployment) when it has one,
    else the first drawn component among its ingress, egress and the rest.
    """
    controller = unit.attrs.get("controller")
    candidates = [controller] if controller else []
    candidates += [*unit.ingress, *unit.egress, *unit.components]
    for component_id in candidates:
        if not ctx.exists(component_id):
            continue
        component = ctx.get(component_id)
        if KINDS[component.kind].draw and not component.attrs.get("hidden_in_diagram"):
            return component
    return None


def observe(
    ctx: Expansion,
    source: Component,
    watcher: Component,
    *,
    label: str,
    reason: str,
    span: Span,
) -> None:
    """Connect ``source`` to ``watcher`` with telemetry, once per pair."""
    if ctx.connected(source.id, watcher.id, "monitoring"):
        return
    ctx.connect(
        source.id,
        watcher.id,
        "monitoring",
        reason=reason,
        span=span,
        label=label,
    )
