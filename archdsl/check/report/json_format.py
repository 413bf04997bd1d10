"""JSON report with a stable layout, documented in docs/check.md."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from archdsl import __version__
from archdsl.check.engine import CheckResult
from archdsl.check.findings import Finding
from archdsl.check.report.summary import counts
from archdsl.check.rules import FRAMEWORK, Rule
from archdsl.check.simulate import SimulationResult
from archdsl.source import SourceSet, Span

#: Version of the JSON layout; raised when a field changes meaning or goes.
REPORT_SCHEMA_VERSION = 1


def render_json(result: CheckResult, sources: SourceSet) -> str:
    return json.dumps(report_data(result, sources), indent=2, ensure_ascii=False) + "\n"


def report_data(result: CheckResult, sources: SourceSet) -> dict[str, Any]:
    design = result.model.design
    return {
        "schema": REPORT_SCHEMA_VERSION,
        "tool": {"name": "archdsl", "version": __version__},
        "framework": FRAMEWORK,
        "design": {
            "name": design.name,
            "file": sources.display_path(design.span.file),
        },
        "fail_on": result.fail_on.value if result.fail_on else None,
        "passed": not result.failed,
        "summary": counts(result),
        "findings": [_finding(f, sources) for f in result.findings],
        "rules": [_rule(rule, result) for rule in result.rules],
        "unused_waivers": [
            {**w.to_json(), "source_location": _location(w.span, sources)}
            for w in result.unused_waivers
        ],
        "simulations": [_simulation(s) for s in result.simulations],
    }


def _location(span: Span, sources: SourceSet) -> dict[str, Any]:
    return {
        "file": sources.display_path(span.file),
        "line": span.line,
        "column": span.column,
    }


def _finding(finding: Finding, sources: SourceSet) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule": finding.rule.id,
        "pillar": finding.pillar,
        "severity": finding.severity.value,
        "title": finding.rule.title,
        "components": list(finding.components),
        "location": _location(finding.span, sources),
        "message": finding.message,
        "why": finding.rule.rationale,
        "fix": finding.fix,
        "path": list(finding.path),
        "waived": finding.waived,
        "fingerprint": finding.fingerprint(),
    }
    if finding.waiver is not None:
        data["waiver"] = {
            "reason": finding.waiver.reason,
            "location": _location(finding.waiver.span, sources),
        }
    return data


def _rule(rule: Rule, result: CheckResult) -> dict[str, Any]:
    return {
        "id": rule.id,
        "pillar": rule.pillar,
        "severity": rule.severity.value,
        "title": rule.title,
        "references": [asdict(r) for r in rule.references],
        "findings": sum(f.rule.id == rule.id for f in result.findings),
    }


def _simulation(simulation: SimulationResult) -> dict[str, Any]:
    return {
        "scenario": simulation.scenario.kind,
        "target": simulation.scenario.target,
        "outage": simulation.outage,
        "unreachable_stores": simulation.cut_stores(),
        "lost": list(simulation.lost),
        "failovers": [asdict(f) for f in simulation.failovers],
        "reach": [asdict(r) for r in simulation.reach],
        "capacity": [asdict(c) for c in simulation.capacity],
    }
