"""Load balancers in front of container services and shared ingresses.

They carry the same defaults as a tier's load balancer (TLS with an ACM
certificate, WAF when internet-facing, access logs) and add what containers
need: IP targets, TLS pass-through on an NLB, and mutual TLS on an ALB.
"""

from __future__ import annotations

from dataclasses import replace

from archdsl.expand.context import Expansion
from archdsl.expand.network import Network
from archdsl.expand.tiers import add_listeners, add_security_group
from archdsl.language import Statement
from archdsl.model import Component, Unit

#: Port a TLS pass-through NLB listens on.
PASSTHROUGH_PORT = 443


def add_balancer(
    ctx: Expansion,
    statement: Statement,
    unit: Unit,
    network: Network,
    kind: str,
    port: int,
    *,
    shared: bool = False,
) -> Component:
    """Add an ALB or NLB for ``statement`` and make it the unit's way in.

    The caller connects the balancer to what it forwards to. A ``shared``
    balancer (an ingress) gets one target group per service that joins it
    instead of one of its own.
    """
    name = statement.name
    internal = bool(statement.get("internal", False))
    layer = "private" if internal else "public"
    azs = network.azs
    sg_id = add_security_group(
        ctx, statement, network, f"{name}.{kind}.sg", "load balancer"
    )
    scheme = "internal" if internal else "internet-facing"
    lb = ctx.add(
        f"{name}.{kind}",
        "elbv2.alb" if kind == "alb" else "elbv2.nlb",
        f"{name} {kind.upper()}",
        unit=name,
        reason=f"{scheme} {kind.upper()} in the {layer} subnets of {len(azs)} AZs; "
        "it sends requests to task or pod IPs directly (target type ip) and "
        "skips unhealthy ones",
        span=statement.span,
        placement=network.placement(azs=azs, subnets=network.subnets(layer, azs)),
        attrs={"scheme": scheme, "public": not internal, "security_group": sg_id},
    )
    passthrough = _passthrough(ctx, statement, kind)
    tls = _tls(ctx, lb, statement, passthrough)
    _protections(ctx, lb, kind, tls_listener=tls and not passthrough)
    lb.attrs["dns_name"] = (
        f"{name}.internal.{ctx.design.domain}" if internal else ctx.design.domain
    )
    if passthrough:
        _passthrough_listener(ctx, statement, lb, port)
    else:
        add_listeners(ctx, statement, lb, kind, internal, tls, port)
    if shared:
        for listener in lb.attrs["listeners"]:
            if "forward_to" in ctx.get(listener).attrs:
                ctx.get(listener).attrs["forward_to"] = "a rule per service"
        lb.attrs["rules"] = []
    else:
        group = add_target_group(ctx, statement, lb, kind, port, passthrough)
        lb.attrs["target_group"] = group.id
    unit.internet_facing = not internal
    unit.ingress = [lb.id]
    unit.tls = tls
    unit.protocol, unit.port = _front_protocol(kind, tls, passthrough, port)
    unit.attrs["balancer"] = lb.id
    unit.attrs["balancer_security_group"] = sg_id
    return lb


def _passthrough(ctx: Expansion, statement: Statement, kind: str) -> bool:
    passthrough = bool(statement.get("passthrough", False))
    if passthrough and kind != "nlb":
        ctx.error(
            "TLS pass-through needs an NLB; an ALB always terminates TLS",
            statement.span_of("passthrough"),
            "write 'behind nlb', or remove passthrough",
        )
        return False
    return passthrough


def _tls(
    ctx: Expansion, lb: Component, statement: Statement, passthrough: bool
) -> bool:
    tls = ctx.choose(
        lb,
        "tls",
        True,
        "HTTPS or TLS listener with an ACM certificate; TLS ends at the load "
        "balancer unless it passes TLS through",
        statement=statement,
        safety=True,
    )
    if passthrough and not tls:
        ctx.error(
            "passthrough forwards TLS, so it cannot go with tls=off",
            statement.span_of("tls"),
            "remove tls=off or passthrough",
        )
    if passthrough:
        lb.attrs["tls_termination"] = "target"
    elif tls:
        lb.attrs["tls_termination"] = "load_balancer"
    else:
        lb.attrs["tls_termination"] = None
    return bool(tls)


def _protections(ctx: Expansion, lb: Component, kind: str, tls_listener: bool) -> None:
    ctx.choose(
        lb, "deletion_protection", True, "guards against deleting the entry point"
    )
    # An NLB writes access logs only for TLS listeners, so one that passes
    # TLS through on TCP has none to keep. VPC flow logs can record it instead.
    if kind == "alb" or tls_listener:
        ctx.choose(
            lb,
            "access_logs",
            True,
            "request logs in S3 for troubleshooting and security reviews",
        )
    if kind == "alb":
        ctx.choose(
            lb,
            "drop_invalid_header_fields",
            True,
            "drops malformed HTTP headers, a request-smuggling defence",
            safety=True,
        )


def _passthrough_listener(
    ctx: Expansion, statement: Statement, lb: Component, port: int
) -> None:
    listener = ctx.add(
        f"{lb.id}.tcp",
        "elbv2.listener",
        f"{statement.name} TCP :{PASSTHROUGH_PORT}",
        unit=statement.name,
        reason="passes TLS through untouched; the containers hold the certificate "
        "and terminate TLS themselves, so the NLB never sees plaintext and, "
        "having no TLS listener, writes no access logs",
        span=statement.span,
        attrs={
            "protocol": "TCP",
            "port": PASSTHROUGH_PORT,
            "forward_to": f"{statement.name}.target-group",
        },
    )
    lb.attrs["listeners"] = [listener.id]


def add_target_group(
    ctx: Expansion,
    statement: Statement,
    lb: Component,
    kind: str,
    port: int,
    passthrough: bool = False,
) -> Component:
    path = statement.get("health_check", "/health")
    protocol = "HTTP" if kind == "alb" else "TCP"
    group = ctx.add(
        f"{statement.name}.target-group",
        "elbv2.target-group",
        f"{statement.name} targets",
        unit=statement.name,
        reason="registers the task or pod IPs and health-checks each one",
        span=statement.span,
        placement=replace(lb.placement, azs=(), subnets=()),
        attrs={
            "protocol": protocol,
            "port": port,
            "target_type": "ip",
            "health_check": path if kind == "alb" else f"TCP {port}",
            "tls_to_targets": passthrough,
        },
    )
    return group


def _front_protocol(
    kind: str, tls: bool, passthrough: bool, port: int
) -> tuple[str, int]:
    if passthrough:
        return "tcp", PASSTHROUGH_PORT
    if tls:
        return "https", 443
    if kind == "alb":
        return "http", 80
    return "tcp", port


def require_ca(ctx: Expansion, statement: Statement, option: str) -> str | None:
    """Return the design's private CA for mutual TLS, or report that it is missing."""
    authorities = [u for u in ctx.model.units.values() if u.keyword == "ca"]
    if not authorities:
        ctx.error(
            "mutual TLS needs a private certificate authority to issue and trust "
            "client certificates",
            statement.span_of(option),
            "add a line such as 'ca internal'",
        )
        return None
    return authorities[0].ingress[0]


def add_mutual_tls(ctx: Expansion, statement: Statement, lb: Component) -> None:
    """Make the ALB's HTTPS listener verify client certificates (ALB mTLS)."""
    if lb.kind != "elbv2.alb":
        ctx.error(
            "mtls on the load balancer needs an ALB; an NLB passes TLS through or "
            "terminates it without client certificates",
            statement.span_of("mtls"),
            "write 'behind alb', or use passthrough and verify in the containers",
        )
        return
    authority = require_ca(ctx, statement, "mtls")
    https = f"{lb.id}.https"
    if authority is None or not ctx.exists(https):
        if authority is not None:
            ctx.error(
                "mtls needs the HTTPS listener, but tls is off",
                statement.span_of("mtls"),
                "remove tls=off",
            )
        return
    ctx.get(https).attrs["mutual_authentication"] = {
        "mode": "verify",
        "trust_store": authority,
    }
    lb.attrs["mtls"] = True
    ctx.connect(
        authority,
        lb.id,
        "association",
        reason="the ALB trust store holds this CA, so only clients with its "
        "certificates get through",
        span=statement.span_of("mtls"),
        label="trusts",
    )
