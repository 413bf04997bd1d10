"""Markdown report for pull requests: a summary table, then findings by pillar."""

from __future__ import annotations

from archdsl.check.engine import CheckResult
from archdsl.check.findings import Finding
from archdsl.check.report.summary import (
    components_text,
    counts,
    location,
    simulation_lines,
    verdict,
)
from archdsl.check.rules import FRAMEWORK
from archdsl.check.severity import PILLARS, Severity
from archdsl.source import SourceSet


def cell(text: str) -> str:
    """Escape text for one markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(result: CheckResult, sources: SourceSet) -> str:
    design = result.model.design
    lines = [
        f"# archdsl check: {design.name}",
        "",
        f"**{cell(verdict(result))}.** {len(result.rules)} rules over the six "
        f"pillars of the AWS Well-Architected Framework ({FRAMEWORK}).",
        "",
    ]
    lines += _summary_table(result)
    for pillar, title in PILLARS.items():
        findings = [f for f in result.findings if f.pillar == pillar]
        if findings:
            lines += ["", f"## {title}", ""] + _findings_table(findings, sources)
    for simulation in result.simulations:
        lines += ["", f"## Simulation `{simulation.scenario}`", ""]
        lines += [f"- {cell(line)}" for line in simulation_lines(simulation)]
    return "\n".join(lines) + "\n"


def _summary_table(result: CheckResult) -> list[str]:
    header = "| pillar | " + " | ".join(s.value for s in Severity) + " | waived |"
    lines = [header, "|---" * (len(Severity) + 2) + "|"]
    for pillar, title in PILLARS.items():
        row = [title]
        for severity in Severity:
            row.append(
                str(
                    sum(
                        f.pillar == pillar and f.severity is severity and not f.waived
                        for f in result.findings
                    )
                )
            )
        row.append(str(sum(f.pillar == pillar and f.waived for f in result.findings)))
        lines.append("| " + " | ".join(row) + " |")
    total = counts(result)
    row = ["**total**", *(str(total["by_severity"][s.value]) for s in Severity)]
    lines.append("| " + " | ".join([*row, str(total["waived"])]) + " |")
    return lines


def _findings_table(findings: list[Finding], sources: SourceSet) -> list[str]:
    lines = [
        "| severity | rule | components | location | finding | fix |",
        "|---|---|---|---|---|---|",
    ]
    from archdsl.docs.markdown import code, escape

    for finding in findings:
        severity = cell(finding.severity.value)
        if finding.waived and finding.waiver is not None:
            # The reason is the author's free text: '<' could open HTML and
            # a backtick a code span, so it is escaped as the design
            # document escapes text.
            severity += f" (waived: {escape(finding.waiver.reason)})"
        components = ", ".join(f"`{c}`" for c in finding.components) or "the design"
        lines.append(
            "| "
            + " | ".join(
                [
                    severity,
                    f"`{finding.rule.id}` {cell(finding.rule.title)}",
                    cell(
                        components if finding.components else components_text(finding)
                    ),
                    code(location(finding.span, sources)),
                    cell(finding.message),
                    cell(finding.fix),
                ]
            )
            + " |"
        )
    return lines
