"""Operational excellence: logs, alarms and tracing."""

from __future__ import annotations

from collections.abc import Iterator

from archdsl.check.findings import Hit
from archdsl.check.query import longest_chain, setting_span, unit_edges
from archdsl.check.registry import predicate
from archdsl.check.rules import Rule
from archdsl.model import Model


@predicate("access_logs_off")
def access_logs_off(model: Model, rule: Rule) -> Iterator[Hit]:
    for component in model.components.values():
        if component.attrs.get("access_logs") is False:
            yield Hit(
                (component.id,),
                setting_span(component, "access_logs"),
                f"{component.id} ({component.service}) keeps no access logs",
            )


@predicate("no_alarms")
def no_alarms(model: Model, rule: Rule) -> Iterator[Hit]:
    workload = [c for c in model.components.values() if c.kind != "external.internet"]
    if not workload or model.of_kind("cloudwatch.alarm"):
        return
    yield Hit(
        (),
        model.design.span,
        f"design '{model.design.name}' has no CloudWatch alarm, so failures and "
        "overload notify nobody",
    )


@predicate("no_tracing")
def no_tracing(model: Model, rule: Rule) -> Iterator[Hit]:
    if model.of_kind("xray.tracing") or any(
        c.attrs.get("tracing") for c in model.components.values()
    ):
        return
    chain = longest_chain(unit_edges(model), lambda source, target: True)
    hops = len(chain) - 1
    if hops < rule.params["min_hops"]:
        return
    yield Hit(
        (),
        model.design.span,
        f"requests cross {hops} hops ({' -> '.join(chain)}) and nothing traces them",
        path=tuple(chain),
    )


@predicate("dlq_without_alarm")
def dlq_without_alarm(model: Model, rule: Rule) -> Iterator[Hit]:
    queues = sorted(
        {
            c.attrs["dlq"]
            for c in model.components.values()
            if isinstance(c.attrs.get("dlq"), str)
            and c.attrs["dlq"] in model.components
        }
    )
    alarms = model.of_kind("cloudwatch.alarm")
    for queue_id in queues:
        if any(_mentions(alarm.attrs, queue_id) for alarm in alarms):
            continue
        if any(
            queue_id in (c.source, c.target)
            for alarm in alarms
            for c in model.connections
            if alarm.id in (c.source, c.target)
        ):
            continue
        queue = model.components[queue_id]
        yield Hit(
            (queue_id,),
            queue.span,
            f"dead-letter queue {queue_id} has no alarm on its depth",
        )


def _mentions(value: object, text: str) -> bool:
    if isinstance(value, str):
        return value == text
    if isinstance(value, dict):
        return any(_mentions(v, text) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_mentions(v, text) for v in value)
    return False
