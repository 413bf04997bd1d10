"""Expand: bound statements in, the AWS model out.

:func:`expand` runs the passes below in order. First, one handler per
keyword (registered with :func:`~archdsl.expand.context.handles`) creates
each statement's components and requests subnets from the network. The
later passes then build what depends on all statements at once.
"""

from __future__ import annotations

from archdsl.errors import Diagnostic, DiagnosticBag, Severity
from archdsl.expand import (  # noqa: F401  (register handlers)
    containers,
    databases,
    delivery,
    edge,
    inspection,
    lake,
    operations,
    services,
    streaming,
    tiers,
    waivers,
    warehouse,
)
from archdsl.expand.context import HANDLERS, Expansion, ExpansionAborted
from archdsl.expand.crosscutting import apply_design_wide
from archdsl.expand.edge import add_private_zone, build_entry
from archdsl.expand.flows import connect_flows
from archdsl.expand.links import resolve_late_links, resolve_links
from archdsl.expand.network import (
    add_dynamodb_endpoints,
    build_network,
    settle_vpc_groups,
)
from archdsl.expand.security import add_default_trail
from archdsl.expand.security_groups import derive_security_groups
from archdsl.expand.serverless import (
    apply_consumer_defaults,
    record_cells,
    wire_events,
)
from archdsl.expand.settings import read_design
from archdsl.expand.validate import warn_unreachable
from archdsl.expand.waivers import attach_waivers
from archdsl.language import FlowStatement, Statement, lookup
from archdsl.model import Model
from archdsl.source import SourceSet

#: Names that generated components use as ids; statements may not take them.
RESERVED_NAMES = frozenset(
    {
        "internet",
        "dns",
        "network",
        "vpc",
        "igw",
        "nat",
        "cert",
        "subnet",
        "vpce",
        "logs",
        "cloudtrail",
    }
)

#: Order of the model's component list: entry points, network, then units.
SECTIONS = ("entry", "network", "units")

PASSES = (
    resolve_links,
    build_network,
    add_default_trail,
    build_entry,
    connect_flows,
    add_private_zone,
    wire_events,
    apply_consumer_defaults,
    resolve_late_links,
    apply_design_wide,
    add_dynamodb_endpoints,
    derive_security_groups,
    warn_unreachable,
    attach_waivers,
    record_cells,
    settle_vpc_groups,
)


def expand(
    bound: list[Statement | FlowStatement],
    *,
    file_stem: str,
    root_file: str,
    sources: SourceSet | None = None,
) -> Model:
    """Expand bound statements into a :class:`Model`; raise DesignError on errors."""
    diagnostics = DiagnosticBag()
    statements = [s for s in bound if isinstance(s, Statement)]
    flows = [s for s in bound if isinstance(s, FlowStatement)]
    _check_names(statements, diagnostics)
    design = read_design(statements, file_stem, root_file, diagnostics)
    diagnostics.raise_if_errors(sources)

    ctx = Expansion(design, statements, flows, diagnostics)
    try:
        for statement in statements:
            if statement.keyword != "design":
                HANDLERS[statement.keyword](ctx, statement)
        for run_pass in PASSES:
            run_pass(ctx)
    except ExpansionAborted:
        pass
    diagnostics.raise_if_errors(sources)

    ctx.model.components = ctx.ordered_components(SECTIONS)
    ctx.model.warnings = [
        d for d in diagnostics.items if d.severity is Severity.WARNING
    ]
    return ctx.model


def _check_names(statements: list[Statement], diagnostics: DiagnosticBag) -> None:
    seen: dict[str, Statement] = {}
    namespaces = {
        ".".join(s.context.prefix[: depth + 1])
        for s in statements
        for depth in range(len(s.context.prefix))
    }
    for statement in statements:
        spec = lookup(statement.keyword)
        if statement.keyword == "design" or (spec is not None and not spec.declares):
            continue
        name = statement.name
        local = statement.local_name or name
        if local in RESERVED_NAMES:
            diagnostics.error(
                f"'{local}' is the name of a generated component",
                statement.name_span,
                "choose another name",
            )
            continue
        if name in namespaces:
            diagnostics.error(
                f"'{name}' is also the name of a region or cell copy",
                statement.name_span,
                "choose another name",
            )
            continue
        first = seen.get(name)
        if first is not None:
            diagnostics.add(
                Diagnostic(
                    Severity.ERROR,
                    f"'{name}' is already defined",
                    statement.name_span,
                    "give each statement its own name",
                    ((first.name_span, f"'{name}' is first defined here"),),
                )
            )
            continue
        seen[name] = statement
