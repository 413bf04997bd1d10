"""Performance efficiency: load balancing, caching, edge, headroom, hardware."""

from __future__ import annotations

from collections.abc import Iterator

from archdsl.check.findings import Hit
from archdsl.check.predicates.sizing import is_previous_generation, sized_components
from archdsl.check.query import (
    ANALYTICS_READER_KINDS,
    LOAD_BALANCER_KINDS,
    RELATIONAL_KINDS,
    is_compute,
    requests,
    setting_span,
    unit_span,
)
from archdsl.check.registry import predicate
from archdsl.check.rules import Rule
from archdsl.model import Connection, Model


@predicate("servers_without_balancer")
def servers_without_balancer(model: Model, rule: Rule) -> Iterator[Hit]:
    for name, unit in model.units.items():
        receivers = [model.components[c] for c in unit.ingress]
        if len(receivers) < 2 or not all(is_compute(c) for c in receivers):
            continue
        if not any(_called(model, c.id) for c in receivers):
            continue  # queue consumers poll, and a shared ALB balances them
        yield Hit(
            tuple(c.id for c in receivers),
            unit.span,
            f"callers of {name} address its {len(receivers)} servers one by one",
            f"write 'behind alb' on tier {name}",
        )


def _called(model: Model, component_id: str) -> bool:
    """Return whether something other than a load balancer calls the component."""
    return any(
        c.kind == "sync" and model.components[c.source].kind not in LOAD_BALANCER_KINDS
        for c in model.incoming(component_id)
    )


@predicate("database_without_cache")
def database_without_cache(model: Model, rule: Rule) -> Iterator[Hit]:
    reads: dict[str, set[str]] = {}
    cached: set[str] = set()
    for connection in requests(model):
        source = model.components[connection.source]
        target = model.components[connection.target]
        if not is_compute(source):
            continue
        if target.kind in RELATIONAL_KINDS:
            reads.setdefault(source.unit, set()).add(target.unit)
        if target.kind in ("elasticache.node", "dax.cluster"):
            cached.add(source.unit)
    for unit in sorted(reads):
        if unit in cached:
            continue
        yield Hit(
            tuple(model.units[unit].ingress) if unit in model.units else (),
            unit_span(model, unit),
            f"{unit} reads {', '.join(sorted(reads[unit]))} with no cache in front",
        )


@predicate("no_cdn")
def no_cdn(model: Model, rule: Rule) -> Iterator[Hit]:
    if model.of_kind("cloudfront.distribution"):
        return
    for component in model.of_kind("elbv2.alb"):
        if component.attrs.get("public") is True:
            yield Hit(
                (component.id,),
                component.span,
                f"users reach {component.id} in {model.design.region} from "
                "wherever they are, with no edge cache",
            )


@predicate("little_scaling_headroom")
def little_scaling_headroom(model: Model, rule: Rule) -> Iterator[Hit]:
    for group in model.of_kind("autoscaling.group"):
        minimum, maximum = group.attrs.get("min"), group.attrs.get("max")
        if not isinstance(minimum, int) or not isinstance(maximum, int):
            continue
        if minimum < maximum < 2 * minimum:
            yield Hit(
                (group.id,),
                setting_span(group, "max"),
                f"{group.id} can grow only from {minimum} to {maximum} instances",
            )


@predicate("analytics_on_oltp")
def analytics_on_oltp(model: Model, rule: Rule) -> Iterator[Hit]:
    pairs: dict[tuple[str, str], list[Connection]] = {}
    for connection in requests(model):
        source = model.components[connection.source]
        target = model.components[connection.target]
        if source.kind in ANALYTICS_READER_KINDS and target.kind in RELATIONAL_KINDS:
            pairs.setdefault((source.unit, target.unit), []).append(connection)
    for (source_unit, target_unit), connections in pairs.items():
        ends = [c.source for c in connections] + [c.target for c in connections]
        source = model.components[connections[0].source]
        yield Hit(
            tuple(dict.fromkeys(ends)),
            connections[0].span,
            f"{source_unit} ({source.service}) queries {target_unit} directly",
        )


@predicate("previous_generation")
def previous_generation(model: Model, rule: Rule) -> Iterator[Hit]:
    for component, instance_type in sized_components(model):
        if is_previous_generation(instance_type):
            yield Hit(
                (component.id,),
                component.span,
                f"{component.id} uses the previous-generation type {instance_type}",
            )
