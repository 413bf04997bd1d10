"""Operational excellence: logs, alarms and tracing."""

from __future__ import annotations

from collections.abc import Iterator

from archdsl.check.findings import Hit
from archdsl.check.query import (
    group_by_unit,
    ids_of,
    longest_chain,
    unit_edges,
    verb,
    written_span,
)
from archdsl.check.registry import predicate
from archdsl.check.rules import Rule
from archdsl.expand.operations import ALARM_TARGETS
from archdsl.model import Component, Model


@predicate("access_logs_off")
def access_logs_off(model: Model, rule: Rule) -> Iterator[Hit]:
    silent = [
        c for c in model.components.values() if c.attrs.get("access_logs") is False
    ]
    for members in group_by_unit(silent).values():
        yield Hit(
            ids_of(members),
            written_span(members, "access_logs"),
            f"{', '.join(ids_of(members))} ({members[0].service}) "
            f"{verb(members, 'keeps', 'keep')} no access logs",
        )


@predicate("no_alarms")
def no_alarms(model: Model, rule: Rule) -> Iterator[Hit]:
    workload = [c for c in model.components.values() if c.kind != "external.internet"]
    alarms = model.of_kind("cloudwatch.alarm")
    if not workload or any(_notifies(alarm) for alarm in alarms):
        return
    if alarms:
        message = (
            f"design '{model.design.name}' has {len(alarms)} CloudWatch alarm(s), "
            "but none notifies anyone"
        )
        fix = "add notify=[...] with the on-call team's address to the alarms"
    else:
        message = (
            f"design '{model.design.name}' has no CloudWatch alarm, so failures "
            "and overload notify nobody"
        )
        fix = _alarm_example(model, rule)
    yield Hit((), model.design.span, message, fix)


def _notifies(alarm: Component) -> bool:
    """Return whether the alarm notifies anyone.

    An alarm statement without notify= records an empty list.
    """
    return alarm.attrs.get("notify") != []


#: Metric of the example alarm, by the watched statement's keyword. A
#: statement behind an ALB gets its 5xx count instead and is picked first,
#: the others in this order.
_EXAMPLE_METRICS = {
    "tier": "cpu",
    "service": "cpu",
    "db": "cpu",
    "cache": "cpu",
    "stream": "lag",
    "firehose": "lag",
    "nodegroup": "cpu",
}


def _alarm_example(model: Model, rule: Rule) -> str:
    """Return an alarm statement for the design, on its most telling statement."""
    candidates = []
    for name, unit in model.units.items():
        metric = _EXAMPLE_METRICS.get(unit.keyword)
        if metric is None or unit.keyword not in ALARM_TARGETS:
            continue
        balancers = [
            model.components[c]
            for c in unit.ingress
            if model.components[c].kind == "elbv2.alb"
        ]
        if balancers:
            metric = "5xx"
            rank = 0 if any(b.attrs.get("public") for b in balancers) else 1
        else:
            rank = 2 + list(_EXAMPLE_METRICS).index(unit.keyword)
        candidates.append((rank, name, metric))
    if not candidates:
        # NOTE: the alarm statement cannot watch functions, APIs, queues or
        # tables, so a serverless design has no statement to name here.
        return (
            "the alarm statement cannot watch this design's statements "
            "(functions, APIs, queues, tables), so create their alarms outside "
            f"archdsl and waive {rule.id} saying where they are"
        )
    _, name, metric = min(candidates)
    # Errors per minute, percent CPU, and milliseconds behind the stream.
    threshold = {"5xx": 10, "cpu": 80, "lag": 60000}[metric]
    return (
        "add alarms that notify the on-call team, starting with 'alarm "
        f"{name}-{metric} on {name} metric={metric} above={threshold} "
        'notify=["oncall@example.com"]\''
    )


@predicate("no_tracing")
def no_tracing(model: Model, rule: Rule) -> Iterator[Hit]:
    if model.of_kind("xray.tracing"):
        return
    chain = longest_chain(unit_edges(model), lambda source, target: True)
    hops = len(chain) - 1
    if hops < rule.params["min_hops"] or _traced(model, chain):
        return
    yield Hit(
        (),
        model.design.span,
        f"requests cross {hops} hops ({' -> '.join(chain)}) and nothing traces them",
        path=tuple(chain),
    )


def _traced(model: Model, chain: list[str]) -> bool:
    """Return whether a statement on the chain records traces (functions do by default)."""
    units = set(chain)
    return any(
        c.attrs.get("tracing") for c in model.components.values() if c.unit in units
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
