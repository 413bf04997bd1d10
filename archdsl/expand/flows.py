"""Turn flows between statements into connections between components.

``web -> app`` connects every component that sends the web tier's traffic
(its instances) to every component that receives the app tier's (its load
balancer), with the protocol, port and TLS the target expects.
"""

from __future__ import annotations

import difflib

from archdsl.errors import Diagnostic, Severity
from archdsl.expand.context import Expansion
from archdsl.language import Endpoint, FlowStatement, Statement
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
    source_units = resolve_units(ctx, statement, source)
    target_units = resolve_units(ctx, statement, target)
    for source_unit in source_units:
        for target_unit in target_units:
            _connect_units(
                ctx, statement, source, target, source_unit, target_unit, kind
            )


def _connect_units(
    ctx: Expansion,
    statement: FlowStatement,
    source: Endpoint,
    target: Endpoint,
    source_unit: Unit,
    target_unit: Unit,
    kind: str,
) -> None:
    if source_unit is target_unit:
        ctx.error(
            f"'{source.name}' flows to itself",
            target.span,
            "a flow joins two different statements",
        )
        return
    flow_id = f"{source_unit.name}->{target_unit.name}"
    written = ctx.shared.setdefault("flows_by_id", {})
    previous = written.get(flow_id)
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
            "point the flow at a statement that receives traffic, such as a "
            "tier, database, queue or function",
        )
        return
    flow = Flow(
        flow_id,
        source_unit.name,
        target_unit.name,
        kind,
        statement.span,
        statement.label,
    )
    flow.settings = {key: setting.value for key, setting in statement.settings.items()}
    ctx.model.flows.append(flow)
    written[flow_id] = flow
    protocol = statement.get("protocol", target_unit.protocol)
    port = statement.get("port", target_unit.port)
    tls = statement.get("tls", target_unit.tls)
    _check_hop_settings(ctx, statement, target_unit, protocol)
    _warn_across_vpcs(ctx, statement, source_unit, target_unit)
    attrs = {"auth": statement.get("auth")} if statement.written("auth") else None
    for sender in source_unit.egress:
        for receiver in target_unit.ingress:
            connection = ctx.connect(
                sender,
                _replica_near(ctx, sender, receiver),
                kind,
                reason=f"{_KIND_WORDS[kind]} from {source_unit.name} to {target_unit.name}",
                span=statement.span,
                protocol=protocol,
                port=port,
                tls=tls,
                label=statement.label,
                flow=flow_id,
                attrs=attrs,
            )
            flow.hops.append(connection.id)


def _replica_near(ctx: Expansion, sender: str, receiver: str) -> str:
    """Return the replica of a DynamoDB global table in the sender's region, if any.

    Every replica of a global table takes reads and writes, and clients use
    the table's endpoint in their own region.
    """
    target = ctx.get(receiver)
    region = ctx.get(sender).placement.region
    if target.kind != "dynamodb.table" or target.placement.region == region:
        return receiver
    for connection in ctx.model.outgoing(receiver):
        replica = ctx.get(connection.target)
        if connection.kind == "replication" and replica.placement.region == region:
            return replica.id
    return receiver


def _check_hop_settings(
    ctx: Expansion, statement: FlowStatement, target: Unit, protocol: str | None
) -> None:
    """Reject flow options that the target cannot accept."""
    if statement.written("tls") and statement.get("tls") is False and target.tls:
        option = _TLS_OFF.get(target.keyword)
        if option:
            hint = f"to allow plaintext, write {option} on '{target.name}' itself"
        else:
            hint = (
                f"'{target.name}' ({target.keyword}) has no plaintext option; "
                "remove tls=off from the flow"
            )
        ctx.error(
            f"tls=off on the flow conflicts with '{target.name}', which accepts only "
            "TLS",
            statement.span_of("tls"),
            hint,
        )
    if (
        statement.written("protocol")
        and target.protocol
        and protocol != target.protocol
        and (target.protocol, protocol) not in _COMPATIBLE_PROTOCOLS
    ):
        ctx.warning(
            f"protocol={protocol} on the flow, but '{target.name}' speaks "
            f"{target.protocol}",
            statement.span_of("protocol"),
            f"remove protocol= or use protocol={target.protocol}",
        )


#: The option that turns TLS off on a target, by statement keyword. Other
#: targets that accept only TLS, such as a db, have no such option.
_TLS_OFF = {
    "tier": "tls=off",
    "service": "tls=off",
    "ingress": "tls=off",
    "cache": "encrypted=off",
}

#: (what the target speaks, what a flow may say instead) pairs that work:
#: gRPC and HTTP run over a load balancer's HTTPS listener.
_COMPATIBLE_PROTOCOLS = frozenset(
    {
        ("https", "grpc"),
        ("https", "http"),
        ("http", "grpc"),
        ("tcp", "https"),
        ("tcp", "grpc"),
        ("tcp", "http"),
    }
)


def _warn_across_vpcs(
    ctx: Expansion, statement: FlowStatement, source: Unit, target: Unit
) -> None:
    """Warn when a flow joins two VPCs that nothing in the design connects."""
    source_vpcs = _vpcs(ctx, source.egress)
    target_vpcs = _vpcs(ctx, target.ingress)
    if not source_vpcs or not target_vpcs or source_vpcs & target_vpcs:
        return
    if _connected_by_transit(ctx, source_vpcs | target_vpcs):
        return
    ctx.warning(
        f"{source.name} and {target.name} are in different VPCs "
        f"({', '.join(sorted(source_vpcs))} and {', '.join(sorted(target_vpcs))}), "
        "and nothing connects them",
        statement.span,
        "connect the VPCs with a transit gateway or VPC peering, or reach the target "
        "through a public endpoint",
    )


def _vpcs(ctx: Expansion, component_ids: list[str]) -> set[str]:
    return {ctx.get(c).placement.vpc or "" for c in component_ids} - {""}


def _connected_by_transit(ctx: Expansion, vpcs: set[str]) -> bool:
    attached: set[str] = set()
    for connection in ctx.model.connections:
        if ctx.get(connection.target).kind == "ec2.transit-gateway":
            attached.add(ctx.get(connection.source).placement.vpc or "")
    for component in ctx.model.components.values():
        if component.kind in ("ec2.transit-gateway-attachment", "ec2.vpc-peering"):
            attached.add(component.attrs.get("vpc") or "")
    return vpcs <= attached


def resolve_units(
    ctx: Expansion, statement: Statement | FlowStatement, endpoint: Endpoint
) -> list[Unit]:
    """Find the units that a name in ``statement`` refers to, innermost block first.

    A name that matches no unit in the flow's own namespace or an enclosing
    one is matched against every cell copy: ``api`` or ``shard.api`` then
    names the api of each copy.
    """
    units = ctx.model.units
    prefix = statement.context.prefix
    for depth in range(len(prefix), -1, -1):
        candidate = ".".join((*prefix[:depth], endpoint.name))
        if candidate in units:
            return [units[candidate]]
    wanted = endpoint.name.split(".")
    patterns = ctx.shared.get("unit_patterns", {})
    matches = [
        units[name]
        for name, pattern in patterns.items()
        if pattern[-len(wanted) :] == tuple(wanted)
    ]
    if matches:
        return matches
    _unknown(ctx, endpoint)
    return []


def _unknown(ctx: Expansion, endpoint: Endpoint) -> None:
    reported = ctx.shared.setdefault("unknown_names", set())
    if endpoint.name in reported:
        return
    reported.add(endpoint.name)
    known = sorted(ctx.model.units)
    matches = difflib.get_close_matches(endpoint.name, known, n=1, cutoff=0.6)
    suggestion = f"; did you mean '{matches[0]}'?" if matches else ""
    shown = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
    ctx.error(
        f"unknown name '{endpoint.name}'{suggestion}",
        endpoint.span,
        "names defined: " + (shown if known else "none"),
    )
