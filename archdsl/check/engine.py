"""Run the checklist: evaluate every rule, apply waivers, run simulations."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from archdsl.check.findings import Finding, sort_findings
from archdsl.check.registry import PREDICATES
from archdsl.check.rules import RULES, Rule
from archdsl.check.severity import PILLAR_PREFIXES, PILLARS, Severity
from archdsl.check.simulate import Scenario, SimulationResult, simulate
from archdsl.errors import Diagnostic
from archdsl.errors import Severity as DiagnosticSeverity
from archdsl.gcpause import collector_paused
from archdsl.model import Model, Waiver

logger = logging.getLogger(__name__)

_RULE_ID = re.compile(r"^(OPS|SEC|REL|PERF|COST|SUS)-[A-Z0-9]+-\d{3}$")
_BP_ID = re.compile(r"^(OPS|SEC|REL|PERF|COST|SUS)\d{2}-BP\d{2}$")


class RuleError(Exception):
    """The rule table is inconsistent: a bug in archdsl, not in a design."""


def load_rules() -> tuple[Rule, ...]:
    """Register the predicates and check every rule; raise RuleError if one is bad."""
    from archdsl.check import predicates  # noqa: F401  (registers predicates)

    problems = [p for rule in RULES for p in _problems(rule)]
    ids = [rule.id for rule in RULES]
    problems += [
        f"rule id {i} is used twice" for i in sorted(set(ids)) if ids.count(i) > 1
    ]
    if problems:
        raise RuleError("; ".join(problems))
    return RULES


def _problems(rule: Rule) -> list[str]:
    problems = []
    if not _RULE_ID.match(rule.id):
        problems.append(f"{rule.id}: id does not look like PILLAR-TOPIC-NNN")
    if rule.pillar not in PILLARS:
        problems.append(f"{rule.id}: unknown pillar {rule.pillar!r}")
    elif not rule.id.startswith(PILLAR_PREFIXES[rule.pillar] + "-"):
        problems.append(f"{rule.id}: id prefix does not match pillar {rule.pillar}")
    if rule.predicate not in PREDICATES:
        problems.append(f"{rule.id}: no predicate named {rule.predicate!r}")
    if not isinstance(rule.severity, Severity):
        problems.append(f"{rule.id}: severity {rule.severity!r} is not a Severity")
    for text, what in (
        (rule.title, "title"),
        (rule.rationale, "rationale"),
        (rule.fix, "fix"),
    ):
        if not text.strip():
            problems.append(f"{rule.id}: empty {what}")
    for reference in rule.references:
        if (
            not _BP_ID.match(reference.id)
            or not reference.title
            or not reference.framework
        ):
            problems.append(f"{rule.id}: malformed reference {reference.id!r}")
    return problems


@dataclass
class CheckResult:
    model: Model
    rules: tuple[Rule, ...]
    findings: list[Finding]
    fail_on: Severity | None
    unused_waivers: list[Waiver] = field(default_factory=list)
    simulations: list[SimulationResult] = field(default_factory=list)

    def failing(self) -> list[Finding]:
        """Return unwaived findings at or above ``fail_on``."""
        if self.fail_on is None:
            return []
        return [
            f
            for f in self.findings
            if not f.waived and f.severity.at_least(self.fail_on)
        ]

    @property
    def failed(self) -> bool:
        return bool(self.failing())

    def warnings(self) -> list[Diagnostic]:
        return [
            Diagnostic(
                DiagnosticSeverity.WARNING,
                f"the waiver of {w.rule}"
                + (f" on '{w.target}'" if w.target else "")
                + " matches no finding",
                w.span,
                "remove the waiver, or check the rule id and the target",
            )
            for w in self.unused_waivers
        ]


@collector_paused()
def run_check(
    model: Model,
    *,
    fail_on: Severity | None = Severity.HIGH,
    scenarios: tuple[Scenario, ...] = (),
) -> CheckResult:
    rules = load_rules()
    findings: list[Finding] = []
    for rule in rules:
        hits = list(PREDICATES[rule.predicate](model, rule))
        logger.debug("%s: %d finding(s)", rule.id, len(hits))
        findings.extend(Finding.of(rule, hit) for hit in hits)
    unused = _apply_waivers(model, findings)
    return CheckResult(
        model=model,
        rules=rules,
        findings=sort_findings(findings),
        fail_on=fail_on,
        unused_waivers=unused,
        simulations=[simulate(model, s) for s in scenarios],
    )


def _apply_waivers(model: Model, findings: list[Finding]) -> list[Waiver]:
    """Mark each finding a waiver covers; return the waivers that covered none."""
    unused = []
    for waiver in model.waivers:
        matched = [f for f in findings if _covers(model, waiver, f)]
        for finding in matched:
            if finding.waiver is None:
                finding.waiver = waiver
        if not matched:
            unused.append(waiver)
    return unused


def _covers(model: Model, waiver: Waiver, finding: Finding) -> bool:
    if waiver.rule != finding.rule.id:
        return False
    if waiver.target is None or waiver.target in finding.components:
        return True
    return any(
        model.components[c].unit == waiver.target
        for c in finding.components
        if c in model.components
    )
