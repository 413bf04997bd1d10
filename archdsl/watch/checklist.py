"""The checklist summary that watch mode shows after each render.

A checklist hook takes the compiled design and returns a
:class:`Checklist`. The default hook, :func:`run_checklist`, runs the
Well-Architected rules of :mod:`archdsl.check`; tests pass their own.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from archdsl.compiler import Compiled

logger = logging.getLogger(__name__)

#: Severities in the order the summary lists them; others follow by name.
SEVERITY_ORDER = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class Finding:
    """One checklist finding: the rule that fired, its severity and where."""

    rule: str
    severity: str
    message: str
    location: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "location": self.location,
        }


@dataclass(frozen=True)
class Checklist:
    """The findings of one checklist run and how many checks ran."""

    findings: tuple[Finding, ...] = ()
    checks_run: int = 0

    def counts(self) -> dict[str, int]:
        """Return the number of findings per severity, most severe first."""
        counter = Counter(finding.severity for finding in self.findings)
        known = [severity for severity in SEVERITY_ORDER if severity in counter]
        others = sorted(set(counter) - set(SEVERITY_ORDER))
        return {severity: counter[severity] for severity in [*known, *others]}

    def summary(self) -> str:
        """Return the counts as text, such as ``3 findings: 1 high, 2 low``."""
        counts = self.counts()
        if not counts:
            return f"no findings in {self.checks_run} checks"
        per_severity = ", ".join(
            f"{count} {severity}" for severity, count in counts.items()
        )
        return f"{_plural(len(self.findings), 'finding')}: {per_severity}"

    def to_json(self) -> dict[str, object]:
        return {
            "summary": self.summary(),
            "counts": self.counts(),
            "checks_run": self.checks_run,
            "findings": [finding.to_json() for finding in self.findings],
        }


ChecklistHook = Callable[[Compiled], Checklist]


def run_checklist(compiled: Compiled) -> Checklist:
    """Run the Well-Architected rules and return their unwaived findings."""
    from archdsl.check.engine import run_check

    result = run_check(compiled.model, fail_on=None)
    findings = tuple(
        Finding(
            rule=finding.rule.id,
            severity=finding.severity.value,
            message=finding.message,
            location=f"{finding.span.file}:{finding.span.line}:{finding.span.column}",
        )
        for finding in result.findings
        if not finding.waived
    )
    return Checklist(findings, checks_run=len(result.rules))


def find_checklist_hook() -> ChecklistHook:
    return run_checklist


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
