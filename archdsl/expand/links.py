"""Deferred work and references between statements.

A statement handler that names another statement (``on apps``,
``image=storefront``) cannot resolve the name while it runs, because the
other statement may come later in the file. It registers a callback with
:func:`defer` instead. :func:`resolve_links` runs the callbacks after every
handler, in stage order and then in the order they were registered, before
the network is built, so that they may still request subnets.
"""

from __future__ import annotations

from collections.abc import Callable

from archdsl.expand.context import Expansion
from archdsl.expand.flows import resolve_units
from archdsl.language import Endpoint, Statement
from archdsl.model import Unit
from archdsl.source import Span

#: Stages of deferred work: infrastructure that others attach to (node
#: groups, Fargate profiles, shared ingresses), then workloads (services),
#: then references between finished units (pipelines, catalogs). These run
#: in :func:`resolve_links`. Work that needs the finished model (watchers
#: that observe every component, users of a web app) is ``LATE`` and runs in
#: :func:`resolve_late_links`, after the network, the entry and the flows.
INFRASTRUCTURE, WORKLOADS, REFERENCES, LATE = 0, 1, 2, 3

Callback = Callable[[], None]


def defer(ctx: Expansion, callback: Callback, stage: int = REFERENCES) -> None:
    """Run ``callback`` after every statement handler.

    Stages before ``LATE`` run in :func:`resolve_links`, ``LATE`` in
    :func:`resolve_late_links`.
    """
    ctx.shared.setdefault("deferred", []).append((stage, callback))


def resolve_links(ctx: Expansion) -> None:
    _run(ctx, lambda stage: stage < LATE)


def resolve_late_links(ctx: Expansion) -> None:
    _run(ctx, lambda stage: stage >= LATE)


def _run(ctx: Expansion, selected: Callable[[int], bool]) -> None:
    pending = ctx.shared.get("deferred", [])
    chosen = [item for item in pending if selected(item[0])]
    ctx.shared["deferred"] = [item for item in pending if not selected(item[0])]
    ordered = sorted(enumerate(chosen), key=lambda item: (item[1][0], item[0]))
    for _, (_, callback) in ordered:
        callback()


def resolve_reference(
    ctx: Expansion,
    statement: Statement,
    name: str,
    span: Span,
    *,
    keywords: tuple[str, ...],
    option: str,
) -> list[Unit]:
    """Return the units ``name`` refers to; report a name of the wrong kind.

    An unknown name is reported by the resolver with its suggestions and
    gives an empty list, as does a name whose statement has another keyword.
    """
    units = resolve_units(ctx, statement, Endpoint(name, span))
    wrong = [unit for unit in units if unit.keyword not in keywords]
    if wrong:
        quoted = [f"'{keyword}'" for keyword in keywords]
        accepted = quoted[0]
        if len(quoted) > 1:
            accepted = ", ".join(quoted[:-1]) + " or " + quoted[-1]
        ctx.error(
            f"'{option}' names '{name}', a '{wrong[0].keyword}' statement, but it "
            f"takes only {accepted} statements",
            span,
            f"point {option} at one of the design's {accepted} statements",
        )
        return []
    return units


def resolve_one(
    ctx: Expansion,
    statement: Statement,
    option: str,
    *,
    keywords: tuple[str, ...],
) -> Unit | None:
    """Resolve the single reference in ``statement``'s ``option``, if written."""
    if not statement.written(option):
        return None
    name = statement.get(option)
    span = statement.span_of(option)
    units = resolve_reference(
        ctx, statement, name, span, keywords=keywords, option=option
    )
    if len(units) > 1:
        ctx.error(
            f"'{name}' names {len(units)} statements, one in each cell copy",
            span,
            "qualify the name with its cell copy, such as shard1." + name,
        )
        return None
    return units[0] if units else None


def resolve_many(
    ctx: Expansion,
    statement: Statement,
    option: str,
    *,
    keywords: tuple[str, ...],
) -> list[Unit]:
    """Resolve every name of a list option such as ``deploy=[web, api]``."""
    span = statement.span_of(option)
    found: list[Unit] = []
    for name in statement.get(option, ()):
        for unit in resolve_reference(
            ctx, statement, name, span, keywords=keywords, option=option
        ):
            if unit not in found:
                found.append(unit)
    return found


def kms_key_of(ctx: Expansion, statement: Statement) -> str | None:
    """Return the component id of the key that ``key=`` names, if written."""
    unit = resolve_one(ctx, statement, "key", keywords=("kms",))
    return unit.ingress[0] if unit is not None and unit.ingress else None


def only_catalog(ctx: Expansion, statement: Statement) -> Unit | None:
    """Return the catalog ``catalog=`` names, else the design's only catalog."""
    if statement.written("catalog"):
        return resolve_one(ctx, statement, "catalog", keywords=("catalog",))
    catalogs = [u for u in ctx.model.units.values() if u.keyword == "catalog"]
    if len(catalogs) == 1:
        return catalogs[0]
    if len(catalogs) > 1:
        names = ", ".join(u.name for u in catalogs)
        ctx.error(
            f"the design has several catalogs ({names}); '{statement.name}' must "
            "say which one it uses",
            statement.span,
            "add catalog=<name>",
        )
    return None
