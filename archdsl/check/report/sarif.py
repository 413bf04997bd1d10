"""SARIF 2.1.0 log for code scanning: one run, the rules, one result per finding.

Levels: critical and high are ``error``, medium ``warning``, low ``note``.
``security-severity`` follows GitHub's bands (9.0 and up critical, 7.0 to
8.9 high, 4.0 to 6.9 medium, below 4.0 low). Waived findings stay in the
log with an in-source suppression that carries the waiver's reason.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from archdsl import __version__
from archdsl.check.engine import CheckResult
from archdsl.check.findings import Finding
from archdsl.check.rules import Rule
from archdsl.check.severity import PILLARS, Severity
from archdsl.source import SourceSet

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}

SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
}


def render_sarif(result: CheckResult, sources: SourceSet) -> str:
    rules = list(result.rules)
    index = {rule.id: number for number, rule in enumerate(rules)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archdsl",
                        "version": __version__,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "results": [
                    _result(f, index[f.rule.id], sources) for f in result.findings
                ],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(rule: Rule) -> dict[str, Any]:
    references = "; ".join(
        f"{r.id} {r.title} (framework {r.framework})" for r in rule.references
    )
    help_text = f"{rule.rationale}\nFix: {rule.fix}"
    if references:
        help_text += f"\nWell-Architected: {references}"
    return {
        "id": rule.id,
        "name": rule.predicate,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": [PILLARS[rule.pillar].lower(), "well-architected"],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "pillar": rule.pillar,
            "severity": rule.severity.value,
            "references": [r.id for r in rule.references],
        },
    }


def _result(finding: Finding, rule_index: int, sources: SourceSet) -> dict[str, Any]:
    span = finding.span
    data: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.message}. Fix: {finding.fix}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": quote(sources.display_path(span.file).replace("\\", "/"))
                    },
                    "region": {"startLine": span.line, "startColumn": span.column},
                },
                "logicalLocations": [
                    {"name": c, "kind": "resource"} for c in finding.components
                ],
            }
        ],
        "partialFingerprints": {"archdslFinding/v1": finding.fingerprint()},
    }
    if finding.waiver is not None:
        data["suppressions"] = [
            {"kind": "inSource", "justification": finding.waiver.reason}
        ]
    return data
