"""Expand ``client`` and ``resource``: callers outside AWS and generic components."""

from __future__ import annotations

from archdsl.catalog import KINDS
from archdsl.expand.context import Expansion, handles
from archdsl.expand.network import network_for
from archdsl.expand.serverless.shared import add_entry_unit, local_name
from archdsl.language import Statement
from archdsl.model import Placement


@handles("client")
def expand_client(ctx: Expansion, statement: Statement) -> None:
    add_entry_unit(ctx, statement, statement.name, receives=False)
    ctx.add(
        statement.name,
        "external.internet",
        local_name(statement),
        unit=statement.name,
        reason="a caller outside AWS that starts requests",
        span=statement.span,
        placement=Placement(),
        attrs={"description": statement.label},
    )


@handles("resource")
def expand_resource(ctx: Expansion, statement: Statement) -> None:
    kind_key = statement.get("kind")
    if kind_key is None:
        ctx.error(
            "'resource' needs kind=",
            statement.span,
            "name a component kind from archdsl/catalog.py, e.g. kind=ecs.service",
        )
        return
    kind = KINDS[kind_key]
    if kind.scope == "zonal":
        ctx.error(
            f"{kind.title} ({kind_key}) lives in one Availability Zone, so one "
            "resource cannot stand for it",
            statement.span_of("kind"),
            "use the statement made for it, such as tier for EC2 instances",
        )
        return
    if statement.written("subnet") and kind.scope != "vpc":
        ctx.error(
            f"'in' places VPC components, and {kind_key} is not one",
            statement.span_of("subnet"),
            "remove the 'in' clause",
        )
    add_entry_unit(ctx, statement, statement.name)
    ctx.add(
        statement.name,
        kind_key,
        local_name(statement),
        unit=statement.name,
        reason=f"{kind.service} {kind.title.lower()}, written as a resource: "
        "archdsl adds no defaults to it",
        span=statement.span,
        placement=_placement(ctx, statement, kind.scope),
        attrs={"description": statement.label, "shown_in_diagram": True},
    )


def _placement(ctx: Expansion, statement: Statement, scope: str) -> Placement:
    if scope in ("external", "global"):
        return Placement()
    if scope == "regional":
        return ctx.placement_for(statement)
    network = network_for(ctx, statement)
    layer = statement.get("subnet", "private")
    placement = network.placement(
        azs=network.azs, subnets=network.subnets(layer, network.azs)
    )
    if layer == "private":
        for az in network.azs:
            network.need_egress(az, statement.name)
    return placement
