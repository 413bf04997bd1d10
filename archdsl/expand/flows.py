"""Turn flows between statements into connections between components.

``web -> app`` connects every component that sends the web tier's traffic
(its instances) to every component that receives the app tier's (its load
balancer), with the protocol, port and TLS the target expects.
"""

from __future__ import annotations

import difflib

from archdsl.errors import Diagnostic, Severity
from archdsl.expand.context import Expansion
from archdsl.language import Endpoint, FlowStatement
from archdsl.model import Flow, Unit

_KIND_WORDS = {
    "sync": "synchronous call",
    "async": "asynchronous message",
    "data": "data flow",
    "event": "event",
}


def connect_flows(ctx: Expansion) -> None:
    for statement in ctx.flows:
        for index, kind in enumerate(statement.kinds):
            for source in statement.steps[index]:
                for target in statement.steps[index + 1]:
                    _connect_pair(ctx, statement, source, target, kind)


def _connect_pair(
    ctx: Expansion,
    statement: FlowStatement,
    source: Endpoint,
    target: Endpoint,
    kind: str,
) -> None:
    source_unit = _resolve(ctx, source)
    target_unit = _resolve(ctx, target)
    if source_unit is None or target_unit is None:
        return
    if source_unit is target_unit:
        ctx.error(
            f"'{source.name}' flows to itself",
            target.span,
            "a flow joins two different statements",
        )
        return
    flow_id = f"{source.name}->{target.name}"
    previous = next((f for f in ctx.model.flows if f.id == flow_id), None)
    if previous is not None:
        ctx.note_diagnostic(
            Diagnostic(
                Severity.WARNING,
                f"flow {flow_id} is written twice",
                source.span,
                "remove one of them; the first one is kept",
                ((previous.span, "first written here"),),
            )
        )
        return
    if not source_unit.egress:
        ctx.error(
            f"'{source.name}' does not send traffic, so it cannot start a flow",
            source.span,
            f"reverse the flow: {target.name} -> {source.name}",
        )
        return
    if not target_unit.ingress:
        ctx.error(
            f"'{target.name}' does not receive traffic, so no flow can end at it",
            target.span,
            "point the flow at a tier, database or cache",
        )
        return
    flow = Flow(
        flow_id, source.name, target.name, kind, statement.span, statement.label
    )
    ctx.model.flows.append(flow)
    protocol = statement.get("protocol", target_unit.protocol)
    port = statement.get("port", target_unit.port)
    tls = statement.get("tls", target_unit.tls)
    for sender in source_unit.egress:
        for receiver in target_unit.ingress:
            connection = ctx.connect(
                sender,
                receiver,
                kind,
                reason=f"{_KIND_WORDS[kind]} from {source.name} to {target.name}",
                span=statement.span,
                protocol=protocol,
                port=port,
                tls=tls,
                label=statement.label,
                flow=flow_id,
            )
            flow.hops.append(connection.id)


def _resolve(ctx: Expansion, endpoint: Endpoint) -> Unit | None:
    unit = ctx.model.units.get(endpoint.name)
    if unit is not None:
        return unit
    reported = ctx.shared.setdefault("unknown_names", set())
    if endpoint.name in reported:
        return None
    reported.add(endpoint.name)
    known = sorted(ctx.model.units)
    matches = difflib.get_close_matches(endpoint.name, known, n=1, cutoff=0.6)
    suggestion = f"; did you mean '{matches[0]}'?" if matches else ""
    ctx.error(
        f"unknown name '{endpoint.name}'{suggestion}",
        endpoint.span,
        "names defined so far: " + (", ".join(known) if known else "none"),
    )
    return None
