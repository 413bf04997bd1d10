"""Plain-text report for a terminal: findings grouped by pillar, then a summary."""

from __future__ import annotations

from archdsl import __version__
from archdsl.check.engine import CheckResult
from archdsl.check.findings import Finding
from archdsl.check.report.summary import (
    components_text,
    location,
    simulation_lines,
    summary_line,
)
from archdsl.check.rules import FRAMEWORK
from archdsl.check.severity import PILLARS
from archdsl.errors import source_excerpt
from archdsl.source import SourceSet


def render_text(result: CheckResult, sources: SourceSet) -> str:
    design = result.model.design
    lines = [
        f"archdsl {__version__} check of design '{design.name}': "
        f"{len(result.rules)} rules, Well-Architected Framework {FRAMEWORK}",
    ]
    for pillar, title in PILLARS.items():
        findings = [f for f in result.findings if f.pillar == pillar]
        if findings:
            lines += ["", f"{title} ({len(findings)})"]
            for finding in findings:
                lines += _finding_lines(finding, sources)
    for simulation in result.simulations:
        lines += ["", f"Simulation {simulation.scenario}"]
        lines += [f"  {line}" for line in simulation_lines(simulation)]
    lines += ["", "Summary: " + summary_line(result)]
    return "\n".join(lines) + "\n"


def _finding_lines(finding: Finding, sources: SourceSet) -> list[str]:
    rule = finding.rule
    mark = " [waived]" if finding.waived else ""
    lines = [
        f"{location(finding.span, sources)}: {finding.severity.value} {rule.id}{mark} "
        f"{rule.title} [{components_text(finding)}]"
    ]
    lines += [f"  {line}" for line in source_excerpt(finding.span, sources)]
    lines.append(f"    {finding.message}")
    if finding.path:
        lines.append(f"    path: {' -> '.join(finding.path)}")
    lines.append(f"    why: {rule.rationale}")
    lines.append(f"    fix: {finding.fix}")
    if finding.waiver is not None:
        lines.append(
            f"    waived at line {finding.waiver.span.line}: {finding.waiver.reason}"
        )
    return lines
