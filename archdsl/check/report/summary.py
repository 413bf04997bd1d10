"""Counts and wording that several report formats share."""

from __future__ import annotations

from archdsl.check.engine import CheckResult
from archdsl.check.findings import Finding
from archdsl.check.severity import PILLARS, Severity
from archdsl.check.simulate import SimulationResult
from archdsl.source import SourceSet, Span


def location(span: Span, sources: SourceSet) -> str:
    return f"{sources.display_path(span.file)}:{span.line}:{span.column}"


def components_text(finding: Finding) -> str:
    return ", ".join(finding.components) if finding.components else "the design"


def counts(result: CheckResult) -> dict:
    """Return finding counts by severity and by pillar, waived ones apart."""
    active = [f for f in result.findings if not f.waived]
    return {
        "total": len(result.findings),
        "waived": len(result.findings) - len(active),
        "failing": len(result.failing()),
        "by_severity": {
            s.value: sum(f.severity is s for f in active) for s in Severity
        },
        "by_pillar": {p: sum(f.pillar == p for f in active) for p in PILLARS},
    }


def verdict(result: CheckResult) -> str:
    if result.fail_on is None:
        return "not gated (--fail-on never)"
    failing = len(result.failing())
    if failing:
        return f"FAIL: {failing} unwaived finding(s) at or above {result.fail_on.value}"
    return f"pass: no unwaived finding at or above {result.fail_on.value}"


def summary_line(result: CheckResult) -> str:
    data = counts(result)
    severities = ", ".join(f"{k} {v}" for k, v in data["by_severity"].items())
    pillars = ", ".join(
        f"{PILLARS[k].lower()} {v}" for k, v in data["by_pillar"].items()
    )
    return (
        f"{data['total']} finding(s), {data['waived']} waived | {severities} | "
        f"{pillars} | {verdict(result)}"
    )


def simulation_lines(simulation: SimulationResult) -> list[str]:
    """Describe one simulation as plain sentences, one per line."""
    lines = [f"lost: {len(simulation.lost)} component(s): {', '.join(simulation.lost)}"]
    for failover in simulation.failovers:
        if failover.partner:
            lines.append(
                f"failover: {failover.component} ({failover.role}) fails over to "
                f"{failover.partner}"
            )
        else:
            lines.append(
                f"failover: {failover.component} ({failover.role}) is lost with "
                "nothing to fail over to"
            )
    for reach in simulation.reach:
        state = f"reachable via {reach.via}" if reach.reachable else "UNREACHABLE"
        lines.append(f"reach: {reach.entry} -> {reach.store}: {state}")
    for item in simulation.capacity:
        note = f"; {item.note}" if item.note else ""
        lines.append(
            f"capacity: {item.unit}: {item.before} -> {item.after} {item.resource}{note}"
        )
    cut = simulation.cut_stores()
    if cut:
        lines.append(f"result: OUTAGE: no entry point reaches {', '.join(cut)}")
    elif simulation.reach:
        lines.append("result: every entry point still reaches every data store")
    else:
        lines.append(
            "result: the design has no request path from an entry point to a store"
        )
    return lines
