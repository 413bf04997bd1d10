"""Warnings about designs that expand but are probably not what was meant."""

from __future__ import annotations

from collections import deque

from archdsl.catalog import KINDS
from archdsl.expand.context import Expansion
from archdsl.model import REQUEST_KINDS

_SERVER_KEYWORDS = ("tier",)
_STORE_KEYWORDS = ("db", "cache")


def warn_unreachable(ctx: Expansion) -> None:
    reached = _reachable_from_internet(ctx)
    has_flows_into = {flow.target for flow in ctx.model.flows}
    for unit in ctx.model.units.values():
        if unit.keyword in _SERVER_KEYWORDS and not unit.internet_facing:
            if not any(c in reached for c in unit.ingress):
                ctx.warning(
                    f"tier '{unit.name}' is private and nothing the internet "
                    "reaches leads to it",
                    unit.span,
                    f"put it behind an internet-facing load balancer (drop "
                    f"'internal'), or add a flow such as 'web -> {unit.name}'",
                )
        elif unit.keyword in _STORE_KEYWORDS and unit.name not in has_flows_into:
            ctx.warning(
                f"nothing uses {unit.keyword} '{unit.name}'",
                unit.span,
                f"add a flow from the tier that reads or writes it, e.g. "
                f"'app -> {unit.name}'",
            )


def _reachable_from_internet(ctx: Expansion) -> set[str]:
    """Return the components that requests from outside AWS or a schedule reach."""
    starts = [
        c.id
        for c in ctx.model.components.values()
        if KINDS[c.kind].scope == "external" or c.kind == "scheduler.schedule"
    ]
    edges: dict[str, list[str]] = {}
    for connection in ctx.model.connections:
        if connection.kind in REQUEST_KINDS:
            edges.setdefault(connection.source, []).append(connection.target)
    seen = set(starts)
    queue = deque(starts)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
