"""Cost optimization: fleet size, data transfer, retention, replicas."""

from __future__ import annotations

from collections.abc import Iterator

from archdsl.check.findings import Hit
from archdsl.check.query import (
    CHANNEL_KINDS,
    group_by_unit,
    ids_of,
    is_compute,
    requests,
    setting_span,
    verb,
    written_span,
)
from archdsl.check.registry import predicate
from archdsl.check.rules import Rule
from archdsl.model import Model

#: Services a free gateway endpoint serves, by the kind of their resources.
GATEWAY_SERVICES = {"s3.bucket": "s3", "dynamodb.table": "dynamodb"}


@predicate("overprovisioned_fleet")
def overprovisioned_fleet(model: Model, rule: Rule) -> Iterator[Hit]:
    for group in model.of_kind("autoscaling.group"):
        minimum, maximum = group.attrs.get("min"), group.attrs.get("max")
        azs = max(1, len(group.placement.azs))
        if isinstance(minimum, int) and minimum == maximum and minimum > 2 * azs:
            yield Hit(
                (group.id,),
                setting_span(group, "min"),
                f"{group.id} always runs {minimum} instances over {azs} AZ(s)",
            )


@predicate("missing_gateway_endpoint")
def missing_gateway_endpoint(model: Model, rule: Rule) -> Iterator[Hit]:
    endpoints = {c.attrs.get("service") for c in model.of_kind("ec2.vpc-endpoint")}
    callers: dict[str, set[str]] = {}
    for connection in requests(model):
        source = model.components[connection.source]
        target = model.components[connection.target]
        service = GATEWAY_SERVICES.get(target.kind)
        if service and is_compute(source) and source.placement.vpc:
            callers.setdefault(service, set()).add(source.id)
    for service, sources in sorted(callers.items()):
        if service in endpoints:
            continue
        yield Hit(
            tuple(sorted(sources)),
            model.components[sorted(sources)[0]].span,
            f"{', '.join(sorted(sources))} reach {service} through the NAT gateway",
        )


@predicate("consumer_not_scaled_on_queue")
def consumer_not_scaled_on_queue(model: Model, rule: Rule) -> Iterator[Hit]:
    for group in model.of_kind("autoscaling.group"):
        scaling = group.attrs.get("scaling")
        if isinstance(scaling, dict) and scaling.get("signal") == "queue_depth":
            continue
        members = [
            c for c in model.components.values() if c.attrs.get("asg") == group.id
        ]
        fed = any(
            model.components[c.source].kind in CHANNEL_KINDS
            for member in members
            for c in model.incoming(member.id)
        )
        if fed:
            yield Hit(
                (group.id,),
                group.span,
                f"{group.id} consumes a queue but scales on {_signal(group.attrs)}",
            )


def _signal(attrs: dict) -> str:
    scaling = attrs.get("scaling")
    if isinstance(scaling, dict) and scaling.get("signal"):
        return str(scaling["signal"])
    return "CPU" if "cpu_target" in attrs else "nothing"


@predicate("logs_without_retention")
def logs_without_retention(model: Model, rule: Rule) -> Iterator[Hit]:
    forever = [
        c
        for c in model.components.values()
        if "log_retention_days" in c.attrs and c.attrs["log_retention_days"] is None
    ]
    for members in group_by_unit(forever).values():
        yield Hit(
            ids_of(members),
            written_span(members, "log_retention_days"),
            f"{', '.join(ids_of(members))} {verb(members, 'keeps its', 'keep their')} "
            "logs forever",
        )


@predicate("many_replicas")
def many_replicas(model: Model, rule: Rule) -> Iterator[Hit]:
    limit = int(rule.params["max_replicas"])
    for component in model.components.values():
        replicas = component.attrs.get("replicas")
        if (
            isinstance(replicas, int)
            and not isinstance(replicas, bool)
            and replicas > limit
        ):
            yield Hit(
                (component.id,),
                setting_span(component, "replicas"),
                f"{component.id} has {replicas} read replicas",
            )
