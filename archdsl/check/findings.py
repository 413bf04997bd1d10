"""Findings: what a rule found, where, why and how to fix it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from archdsl.check.rules import Rule
from archdsl.check.severity import PILLARS, Severity
from archdsl.model import Waiver
from archdsl.source import Span

_PILLAR_ORDER = {key: index for index, key in enumerate(PILLARS)}


@dataclass(frozen=True)
class Hit:
    """One violation as a predicate reports it, before the rule is attached.

    ``message`` says what is wrong with these components; ``fix`` overrides
    the rule's generic fix when the predicate can name the exact option.
    ``path`` is a request path that explains the finding, entry point first.
    """

    components: tuple[str, ...]
    span: Span
    message: str
    fix: str | None = None
    path: tuple[str, ...] = ()


@dataclass
class Finding:
    rule: Rule
    components: tuple[str, ...]
    span: Span
    message: str
    fix: str
    path: tuple[str, ...] = ()
    waiver: Waiver | None = field(default=None)

    @classmethod
    def of(cls, rule: Rule, hit: Hit) -> Finding:
        return cls(
            rule=rule,
            components=hit.components,
            span=hit.span,
            message=hit.message,
            fix=hit.fix or rule.fix,
            path=hit.path,
        )

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def pillar(self) -> str:
        return self.rule.pillar

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    def fingerprint(self) -> str:
        """Return a hash of the rule and components that survives edits elsewhere."""
        text = self.rule.id + "\0" + "\0".join(self.components)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def sort_key(self) -> tuple:
        return (
            _PILLAR_ORDER[self.pillar],
            -self.severity.rank,
            self.rule.id,
            self.span.file,
            self.span.line,
            self.span.column,
            self.components,
            self.message,
        )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Order by pillar, severity (most severe first), rule, position, components."""
    return sorted(findings, key=Finding.sort_key)
