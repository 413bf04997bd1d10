"""Derive security group rules from the connections.

A security group admits exactly the traffic that the model's connections
carry into its members: the app servers' group admits the app port from the
app load balancer's group and nothing else, so the groups chain tier to
tier. Internet-facing load balancers admit 443 (and 80 for the redirect)
from anywhere, or only from CloudFront's origin-facing prefix list when
CloudFront fronts them.
"""

from __future__ import annotations

from archdsl.expand.context import Expansion
from archdsl.model import REQUEST_KINDS, Component

ANYWHERE = "0.0.0.0/0"


def derive_security_groups(ctx: Expansion) -> None:
    for connection in ctx.model.connections:
        if connection.kind not in REQUEST_KINDS:
            continue
        target = ctx.get(connection.target)
        group_id = target.attrs.get("security_group")
        if group_id is None or connection.port is None:
            continue
        peer = _peer(ctx, ctx.get(connection.source), target)
        if peer is None:
            continue
        _admit(
            ctx.get(group_id), connection.port, peer, _who(ctx.get(connection.source))
        )
        if peer != ANYWHERE or target.kind != "elbv2.alb":
            continue
        redirect = [
            listener
            for listener in target.attrs.get("listeners", ())
            if ctx.get(listener).attrs.get("action", "").startswith("redirect")
        ]
        if redirect:
            _admit(ctx.get(group_id), 80, peer, "HTTP redirected to HTTPS")


def _peer(ctx: Expansion, source: Component, target: Component) -> str | None:
    """Return what the rule admits: a security group id, CIDR or prefix list."""
    if source.kind == "ec2.internet-gateway":
        return target.attrs.get("origin_restricted_to", ANYWHERE)
    source_vpc, target_vpc = source.placement.vpc, target.placement.vpc
    if source_vpc and target_vpc and source_vpc != target_vpc:
        # A rule can name a security group only in its own VPC (or a peered
        # VPC of the same region), so traffic from another VPC is admitted
        # by that VPC's address range.
        vpc = ctx.model.components.get(source_vpc)
        return vpc.attrs.get("cidr") if vpc else None
    return source.attrs.get("security_group")


def _who(source: Component) -> str:
    if source.kind == "ec2.internet-gateway":
        return "requests from the internet"
    return f"requests from {source.unit}"


def _admit(group: Component, port: int, peer: str, because: str) -> None:
    rules = group.attrs["ingress"]
    rule = {"protocol": "tcp", "port": port, "source": peer}
    if rule not in [{k: r[k] for k in ("protocol", "port", "source")} for r in rules]:
        rules.append({**rule, "for": because})
