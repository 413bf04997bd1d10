"""Read the ``design`` statement into design-wide settings."""

from __future__ import annotations

import re
from typing import Any

from archdsl.catalog import availability_zones
from archdsl.errors import DiagnosticBag
from archdsl.language import Statement
from archdsl.model import Default, Design
from archdsl.source import Span

DEFAULT_REGION = "us-east-1"
DEFAULT_AZS = 2


def read_design(
    statements: list[Statement],
    file_stem: str,
    root_file: str,
    diagnostics: DiagnosticBag,
) -> Design:
    """Build the :class:`Design` from the one ``design`` statement, if any."""
    designs = [s for s in statements if s.keyword == "design"]
    for extra in designs[1:]:
        diagnostics.error(
            "a design has one 'design' statement",
            extra.span,
            f"merge it into the first one at line {designs[0].span.line}",
        )
    statement = designs[0] if designs else None
    name = statement.name if statement and statement.name_written else _slug(file_stem)
    span = statement.span if statement else Span.point(root_file, 1, 1)
    defaults: list[Default] = []

    def choose(key: str, default: Any, reason: str, safety: bool = False) -> Any:
        record = Default(key, default, reason, safety)
        value = default
        if statement is not None and statement.written(key):
            value = statement.get(key)
            record.overridden_by = value
            record.span = statement.span_of(key)
        defaults.append(record)
        return value

    region = choose(
        "region",
        DEFAULT_REGION,
        "us-east-1 has the most AZs and every service; set region= to be near users",
    )
    available = availability_zones(region)
    azs = choose(
        "azs",
        DEFAULT_AZS,
        "two AZs survive the loss of one at the lowest cost; three also "
        "survive a second failure during recovery",
    )
    if azs > len(available):
        diagnostics.error(
            f"region {region} has {len(available)} Availability Zones, not {azs}",
            statement.span_of("azs") if statement else span,
            f"set azs= to at most {len(available)}",
        )
        azs = len(available)
    domain = choose(
        "domain",
        f"{name}.example.com",
        "placeholder DNS name for Route 53 and the ACM certificate; set domain= "
        "to the real zone",
    )
    settings = {
        "vpc_cidr": choose(
            "vpc_cidr",
            "10.0.0.0/16",
            "a /16 leaves room for more subnets and AZs later",
        ),
        "nat": choose(
            "nat",
            "per_az",
            "a NAT gateway per AZ keeps private subnets' egress working when "
            "one AZ fails",
            safety=True,
        ),
        "flow_logs": choose(
            "flow_logs",
            True,
            "VPC flow logs record accepted and rejected traffic for investigations",
            safety=True,
        ),
    }
    regions = [region]
    for other in statements:
        if other.context.region and other.context.region not in regions:
            regions.append(other.context.region)
    zones = {
        name: availability_zones(name)[: min(azs, len(availability_zones(name)))]
        for name in regions
    }
    return Design(
        name=name,
        regions=tuple(regions),
        azs=zones,
        domain=domain,
        span=span,
        label=statement.label if statement else None,
        settings=settings,
        defaults=defaults,
    )


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "design"
