"""Record where each cell block was stamped out, for the renderers.

A statement inside copy 2 of ``cell shard`` has ``shard2`` in its name
prefix where the pattern has ``shard``, and ``shard2`` among its groups.
"""

from __future__ import annotations

from archdsl.expand.context import Expansion
from archdsl.language import Statement
from archdsl.model import CellStamp


def record_cells(ctx: Expansion) -> None:
    stamps: dict[tuple[str, tuple[str, ...], str], list[str]] = {}
    for statement in ctx.statements:
        for key, copy in _copies(ctx, statement):
            copies = stamps.setdefault(key, [])
            if copy not in copies:
                copies.append(copy)
    ctx.model.design.cells = [
        CellStamp(name, region, groups, tuple(sorted(copies, key=_copy_number)))
        for (region, groups, name), copies in stamps.items()
    ]


def _copies(
    ctx: Expansion, statement: Statement
) -> list[tuple[tuple[str, tuple[str, ...], str], str]]:
    context = statement.context
    region = context.region or ctx.design.region
    found = []
    start = 0
    for copy, cell in zip(context.prefix, context.pattern, strict=True):
        if copy == cell:
            continue
        position = context.groups.index(copy, start)
        found.append(((region, context.groups[:position], cell), copy))
        start = position + 1
    return found


def _copy_number(copy: str) -> int:
    digits = len(copy) - len(copy.rstrip("0123456789"))
    return int(copy[-digits:]) if digits else 0
