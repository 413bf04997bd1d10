"""Helpers that the serverless and messaging handlers share.

Components of these statements live outside any VPC unless a statement asks
for one. Each named statement becomes a unit whose main component has the
statement's own name as its id (``resize``), with parts below it
(``resize.logs``, ``orders.dlq``).
"""

from __future__ import annotations

from collections.abc import Iterable

from archdsl.expand.context import Expansion
from archdsl.expand.flows import resolve_units
from archdsl.language import Endpoint, FlowStatement, Statement, lookup
from archdsl.model import Component, Unit
from archdsl.source import Span

#: Kinds whose consumers pull messages or records, so the connection runs
#: against the direction of the TCP session.
PULL_KINDS = frozenset(
    {"sqs.queue", "mq.broker", "dynamodb.table", "kinesis.stream", "msk.cluster"}
)

#: Days a dead-letter queue keeps messages: SQS's maximum, so that a message
#: is still there after its source queue's retention has run out.
DLQ_RETENTION_DAYS = 14


def add_entry_unit(
    ctx: Expansion,
    statement: Statement,
    component_id: str,
    *,
    receives: bool = True,
    sends: bool = True,
    protocol: str | None = None,
    port: int | None = None,
    tls: bool = True,
) -> Unit:
    """Add the unit of a statement whose main component is ``component_id``.

    Call it before adding the components, so that the unit lists them. AWS
    service APIs are HTTPS, so ``tls`` is on, and protocol and port stay
    unset so that edge labels show the flow's own label only.
    """
    unit = ctx.add_unit(statement)
    if receives:
        unit.ingress = [component_id]
    if sends:
        unit.egress = [component_id]
    unit.protocol, unit.port, unit.tls = protocol, port, tls
    return unit


def add_part_unit(
    ctx: Expansion, statement: Statement, part: str, component_id: str
) -> Unit:
    """Make one part of a statement addressable in flows as ``<name>.<part>``."""
    name = f"{statement.name}.{part}"
    unit = Unit(name, statement.keyword, statement.span)
    unit.components.append(component_id)
    unit.ingress = [component_id]
    unit.egress = [component_id]
    unit.tls = True
    ctx.model.units[name] = unit
    local = statement.local_name or statement.name
    patterns = ctx.shared.setdefault("unit_patterns", {})
    patterns[name] = (*statement.context.pattern, *local.split("."), part)
    return unit


def statement_named(ctx: Expansion, name: str) -> Statement | None:
    """Return the statement whose unit is ``name``."""
    index: dict[str, Statement] = ctx.shared.get("statements_by_name", {})
    if not index:
        # A sub statement's name is its target's, so it must not replace it.
        index = {s.name: s for s in ctx.statements if _declares(s)}
        ctx.shared["statements_by_name"] = index
    return index.get(name)


def _declares(statement: Statement) -> bool:
    spec = lookup(statement.keyword)
    return spec is None or spec.declares


def resolve_reference(
    ctx: Expansion,
    statement: Statement,
    option: str,
    keywords: Iterable[str],
    what: str,
) -> Unit | None:
    """Resolve the name that ``option`` holds to one unit of ``keywords``.

    Reports an error when the name is unknown, names several cell copies,
    or names a statement of another keyword.
    """
    name = statement.get(option)
    if name is None:
        return None
    span = statement.span_of(option)
    units = resolve_units(ctx, statement, Endpoint(name, span))
    if not units:
        return None
    if len(units) > 1:
        ctx.error(
            f"'{name}' names {len(units)} cell copies, but {option} takes one",
            span,
            f"name one copy, such as {units[0].name}",
        )
        return None
    unit = units[0]
    allowed = tuple(keywords)
    if unit.keyword not in allowed:
        ctx.error(
            f"'{name}' is a {unit.keyword}, but {option} needs {what}",
            span,
            f"name a {' or '.join(allowed)} statement",
        )
        return None
    return unit


def imply_flow(
    ctx: Expansion,
    statement: Statement,
    source: tuple[str, Span],
    target: tuple[str, Span],
    kind: str,
) -> None:
    """Add the flow that a clause implies, such as ``rule cars on b to q``.

    Implied flows go before the written ones, so that a flow written as
    well is the one reported as a repeat.
    """
    flow = FlowStatement(
        steps=((Endpoint(*source),), (Endpoint(*target),)),
        kinds=(kind,),
        arrow_spans=(target[1],),
        settings={},
        span=statement.span,
        scope=statement.scope,
        context=statement.context,
    )
    position = ctx.shared.get("implied_flows", 0)
    ctx.flows.insert(position, flow)
    ctx.shared["implied_flows"] = position + 1


def local_name(statement: Statement) -> str:
    return statement.local_name or statement.name


def resource_name(statement: Statement) -> str:
    """Return the AWS resource name for ``statement``, unique within its region.

    The copies of a cell share a region, so each copy's name starts with the
    copy (``shard1-jobs``). Region blocks add nothing, because the same name
    in two regions names two different resources.
    """
    context = statement.context
    copies = [
        part
        for part, pattern in zip(context.prefix, context.pattern, strict=True)
        if part != pattern
    ]
    return "-".join((*copies, local_name(statement)))


def add_dead_letter_queue(
    ctx: Expansion,
    owner: Component,
    statement: Statement,
    *,
    fifo: bool,
    reason: str,
    label: str,
) -> Component:
    """Add ``<owner>.dlq`` and the redrive connection from the owner to it."""
    queue_name = f"{resource_name(statement)}-dlq" + (".fifo" if fifo else "")
    dlq = ctx.add(
        f"{owner.id}.dlq",
        "sqs.queue",
        f"{local_name(statement)} DLQ",
        unit=owner.unit,
        reason=reason,
        span=statement.span,
        placement=owner.placement,
        attrs={
            "role": "dlq",
            "queue_name": queue_name,
            "fifo": fifo,
            "encrypted": True,
            "encryption": "SSE-SQS",
            "kms_key": None,
            "message_retention_seconds": DLQ_RETENTION_DAYS * 86400,
            "dlq": None,
        },
    )
    ctx.connect(
        owner.id,
        dlq.id,
        "async",
        reason="messages that cannot be processed are moved here instead of "
        "being retried forever or lost",
        span=statement.span,
        label=label,
        tls=True,
    )
    return dlq


def rate_expression(seconds: int) -> str:
    """Return an EventBridge ``rate()`` expression for a whole number of minutes."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"rate({count} {unit}{'' if count == 1 else 's'})"
    raise ValueError(f"{seconds} s is not a whole number of minutes")


def human_duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
