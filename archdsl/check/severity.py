"""Finding severities, ordered from most to least severe."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Return 4 for critical down to 1 for low; higher is more severe."""
        return _RANKS[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_RANKS = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
}

#: Pillar keys in the order the Well-Architected Framework lists them, with
#: their titles.
PILLARS: dict[str, str] = {
    "operational-excellence": "Operational excellence",
    "security": "Security",
    "reliability": "Reliability",
    "performance-efficiency": "Performance efficiency",
    "cost-optimization": "Cost optimization",
    "sustainability": "Sustainability",
}

#: Rule id prefix of each pillar.
PILLAR_PREFIXES: dict[str, str] = {
    "operational-excellence": "OPS",
    "security": "SEC",
    "reliability": "REL",
    "performance-efficiency": "PERF",
    "cost-optimization": "COST",
    "sustainability": "SUS",
}
