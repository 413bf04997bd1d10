"""JUnit XML for CI test views: one test case per rule.

A rule's test case fails when the rule has an unwaived finding at or above
``--fail-on``. Waived findings and findings below the threshold are listed
in the test case's ``system-out`` and do not fail it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from archdsl.check.engine import CheckResult
from archdsl.check.findings import Finding
from archdsl.check.report.summary import components_text, location
from archdsl.check.rules import Rule
from archdsl.source import SourceSet


def render_junit(result: CheckResult, sources: SourceSet) -> str:
    design = result.model.design.name
    failing = {id(f) for f in result.failing()}
    cases = [_case(rule, result, failing, sources, design) for rule in result.rules]
    failures = sum(case.find("failure") is not None for case in cases)
    suite = ET.Element(
        "testsuite",
        {
            "name": f"archdsl check {design}",
            "tests": str(len(cases)),
            "failures": str(failures),
            "errors": "0",
            "skipped": "0",
        },
    )
    suite.extend(cases)
    suites = ET.Element(
        "testsuites",
        {"name": "archdsl check", "tests": str(len(cases)), "failures": str(failures)},
    )
    suites.append(suite)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _case(
    rule: Rule, result: CheckResult, failing: set[int], sources: SourceSet, design: str
) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "classname": f"archdsl.{design}.{rule.pillar}",
            "name": f"{rule.id} {rule.title}",
        },
    )
    findings = [f for f in result.findings if f.rule.id == rule.id]
    failed = [f for f in findings if id(f) in failing]
    if failed:
        failure = ET.SubElement(
            case,
            "failure",
            {
                "message": f"{len(failed)} finding(s): {failed[0].message}",
                "type": rule.severity.value,
            },
        )
        failure.text = "\n".join(_describe(f, sources) for f in failed)
    others = [f for f in findings if id(f) not in failing]
    if others:
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(_describe(f, sources) for f in others)
    return case


def _describe(finding: Finding, sources: SourceSet) -> str:
    state = " (waived: " + finding.waiver.reason + ")" if finding.waiver else ""
    return (
        f"{location(finding.span, sources)}: {finding.severity.value}{state} "
        f"[{components_text(finding)}] {finding.message}. Fix: {finding.fix}"
    )
