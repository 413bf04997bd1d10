"""Structure statements: includes and the blocks that group, place and repeat."""

from __future__ import annotations

from archdsl.language.core import DESIGN
from archdsl.language.spec import OptionSpec, StatementSpec, register
from archdsl.language.types import Bool, Cidr, Int

#: Copies one ``cell`` block may stamp out.
MAX_CELL_COPIES = 100

SECTION = "Structure"

INCLUDE = StatementSpec(
    keyword="include",
    summary="Reads another design file's statements in place of this line.",
    example='include "common/network.arch"',
    name="none",
    label=True,
    section=SECTION,
    details=(
        "The path is relative to the including file and must stay inside the "
        "folder of the design being compiled; symbolic links are followed "
        "before that check. Includes may nest up to 16 deep, and a file that "
        "includes itself, directly or through others, is an error that shows "
        "the include chain.",
    ),
)

GROUP = StatementSpec(
    keyword="group",
    summary="Draws the statements inside it in one labelled box.",
    example='group backend "Order services" {\n  tier app internal\n}',
    label=True,
    body=True,
    section=SECTION,
    details=(
        "A group changes no names: statements inside it are referred to as usual.",
    ),
)

REGION = StatementSpec(
    keyword="region",
    summary="Places the statements inside it in another AWS region, with a VPC of "
    "its own.",
    example="region us-west-2 {\n  tier web\n}",
    options=(
        OptionSpec(
            "azs",
            Int(1, 6),
            "Availability Zones the region's VPC spans.",
            "the design's azs",
        ),
        OptionSpec(
            "vpc_cidr",
            Cidr(16, 18),
            "Address range of the region's VPC.",
            "the next free 10.N.0.0/16",
        ),
    ),
    label=True,
    body=True,
    section=SECTION,
    details=(
        "Names inside a region block live in the region's namespace: `web` in "
        "`region us-west-2` is `us-west-2.web` from outside. Inside the block, "
        "plain names find the block's own statements first.",
    ),
)

CELL = StatementSpec(
    keyword="cell",
    summary="Stamps out identical copies of the statements inside it: "
    "`cell shard x3` makes shard1, shard2 and shard3.",
    example="cell shard x3 {\n  tier api\n  db data\n  api -> data\n}",
    name="optional",
    default_name="cell",
    repeat=True,
    options=(
        OptionSpec(
            "count",
            Int(1, MAX_CELL_COPIES),
            "Copies to stamp out; `x3` is the short form.",
            "1",
        ),
        OptionSpec(
            "vpc",
            Bool(),
            "Give each copy a VPC of its own, so that cells share no network.",
            "on",
        ),
    ),
    label=True,
    body=True,
    section=SECTION,
    details=(
        "Each copy is a namespace: `api` in the second copy is `shard2.api`. A "
        "flow from outside to `shard.api` reaches the api of every copy, and "
        "`shard2.api` reaches one. AWS resource names that must be unique in a "
        "region start with the copy, so the copies of `queue jobs` are the SQS "
        "queues `shard1-jobs` and `shard2-jobs`.",
    ),
)

VPC = StatementSpec(
    keyword="vpc",
    summary="A VPC of its own for the statements inside it, such as an inspection "
    "or shared-services VPC.",
    example="vpc inspection vpc_cidr=10.100.0.0/16 {\n  tier appliances\n}",
    options=(
        OptionSpec(
            "azs", Int(1, 6), "Availability Zones the VPC spans.", "the design's azs"
        ),
        OptionSpec(
            "vpc_cidr",
            Cidr(16, 18),
            "Address range of the VPC.",
            "the next free 10.N.0.0/16",
        ),
    ),
    label=True,
    body=True,
    section=SECTION,
    details=("A vpc block changes no names.",),
)

register(INCLUDE, GROUP, REGION, CELL, VPC)

# The design statement cannot sit inside a block; resolve reports that.
TOP_LEVEL_ONLY = (DESIGN.keyword, INCLUDE.keyword)
