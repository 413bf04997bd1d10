"""Flatten blocks: stamp out cells, place regions and VPCs, qualify names.

The result is a flat list of statements, each with a :class:`Context`. The
context holds the namespace of the statement's name, the region and VPC its
components go to, and the boxes they are drawn in.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from archdsl.catalog import REGIONS
from archdsl.errors import DiagnosticBag
from archdsl.language import ROOT_CONTEXT, Context, FlowStatement, Statement, lookup

#: Statements left after every cell is stamped out. Beyond this, expansion
#: and layout take minutes, so the design is refused instead.
MAX_STATEMENTS = 20_000

#: Cell copies stamped out in one design, a copy inside a copy counted once
#: per outer copy. Empty cells add no statements, so this bounds the work
#: of nested cells on its own: four nested ``x100`` cells would otherwise
#: walk 100 million copies.
MAX_CELL_COPIES_TOTAL = 20_000

BLOCK_KEYWORDS = ("group", "region", "cell", "vpc")


@dataclass
class _Flattener:
    diagnostics: DiagnosticBag = field(default_factory=DiagnosticBag)
    output: list[Statement | FlowStatement] = field(default_factory=list)
    too_many: bool = False
    cell_copies: int = 0
    #: The design statement's region; a region block for it shares the
    #: design's VPC unless the block sets its own range or AZs.
    home_region: str = "us-east-1"

    def walk(
        self, items: tuple[Statement | FlowStatement, ...] | list, context: Context
    ) -> None:
        for item in items:
            if self.too_many:
                return
            if isinstance(item, FlowStatement):
                self._emit(replace(item, context=context))
            elif item.keyword in BLOCK_KEYWORDS:
                self._block(item, context)
            elif item.keyword == "design" and context != ROOT_CONTEXT:
                self.diagnostics.error(
                    "the design statement cannot sit inside a block",
                    item.span,
                    "move it to the top of the file",
                )
            else:
                spec = lookup(item.keyword)
                name = (
                    context.qualify(item.name)
                    if spec and spec.scoped_name
                    else item.name
                )
                self._emit(
                    replace(item, name=name, local_name=item.name, context=context)
                )

    def _emit(self, item: Statement | FlowStatement) -> None:
        if len(self.output) >= MAX_STATEMENTS:
            self.diagnostics.error(
                f"the design has more than {MAX_STATEMENTS} statements once cells are "
                "stamped out",
                item.span,
                "use fewer or smaller cells",
            )
            self.too_many = True
            return
        self.output.append(item)

    def _block(self, block: Statement, context: Context) -> None:
        if block.keyword == "group":
            label = block.label or block.name
            self.walk(block.body, replace(context, groups=(*context.groups, label)))
        elif block.keyword == "region":
            self._region(block, context)
        elif block.keyword == "cell":
            self._cell(block, context)
        elif context.vpc_block:
            self.diagnostics.error(
                "vpc blocks cannot nest", block.span, "close the outer vpc block first"
            )
        else:
            network = ".".join((*context.prefix, block.name))
            self.walk(
                block.body,
                replace(
                    context,
                    network=network,
                    vpc_cidr=block.get("vpc_cidr"),
                    azs=block.get("azs", context.azs),
                    vpc_block=True,
                ),
            )

    def _region(self, block: Statement, context: Context) -> None:
        region = block.name
        if region not in REGIONS:
            matches = difflib.get_close_matches(region, REGIONS, n=1)
            suggestion = f"; did you mean '{matches[0]}'?" if matches else ""
            self.diagnostics.error(
                f"unknown region '{region}'{suggestion}",
                block.name_span,
                "name an AWS region code such as us-west-2",
            )
            return
        if context.region is not None:
            self.diagnostics.error(
                "region blocks cannot nest",
                block.span,
                "close the outer region block first",
            )
            return
        prefix = (*context.prefix, region)
        own_vpc = region != self.home_region or any(
            block.written(key) for key in ("azs", "vpc_cidr")
        )
        self.walk(
            block.body,
            replace(
                context,
                prefix=prefix,
                pattern=(*context.pattern, region),
                region=region,
                azs=block.get("azs", context.azs),
                network=".".join(prefix) if own_vpc else context.network,
                vpc_cidr=block.get("vpc_cidr"),
            ),
        )

    def _cell(self, block: Statement, context: Context) -> None:
        count = block.get("count", 1)
        own_vpc = block.get("vpc", True)
        for index in range(1, count + 1):
            if self.too_many:
                return
            self.cell_copies += 1
            if self.cell_copies > MAX_CELL_COPIES_TOTAL:
                self.diagnostics.error(
                    f"nested cells stamp out more than {MAX_CELL_COPIES_TOTAL} copies",
                    block.span_of("count"),
                    "use fewer copies in nested cells; the copies multiply",
                )
                self.too_many = True
                return
            copy = f"{block.name}{index}"
            prefix = (*context.prefix, copy)
            self.walk(
                block.body,
                replace(
                    context,
                    prefix=prefix,
                    pattern=(*context.pattern, block.name),
                    network=".".join(prefix) if own_vpc else context.network,
                    vpc_cidr=None if own_vpc else context.vpc_cidr,
                    groups=(*context.groups, copy),
                ),
            )


def flatten(
    bound: list[Statement | FlowStatement], diagnostics: DiagnosticBag
) -> list[Statement | FlowStatement]:
    """Return the statements with blocks replaced by their (stamped) contents."""
    flattener = _Flattener(diagnostics)
    for statement in bound:
        if isinstance(statement, Statement) and statement.keyword == "design":
            flattener.home_region = statement.get("region", flattener.home_region)
            break
    flattener.walk(bound, ROOT_CONTEXT)
    return flattener.output
