"""Report writers: one module per output format, each returning the bytes to write."""

from __future__ import annotations

from collections.abc import Callable

from archdsl.check.engine import CheckResult
from archdsl.source import SourceSet

Writer = Callable[[CheckResult, SourceSet], str]

FORMATS = ("text", "markdown", "json", "sarif", "junit")


#: Formats read by people or XML parsers, where control characters from a
#: design's text are replaced. JSON and SARIF escape them and keep the text
#: exactly as written.
_REPLACE_CONTROLS = ("text", "markdown", "junit")


def write_report(result: CheckResult, sources: SourceSet, fmt: str) -> bytes:
    """Return the report in ``fmt`` as UTF-8 bytes."""
    from archdsl.controls import replace_controls

    report = _writer(fmt)(result, sources)
    if fmt in _REPLACE_CONTROLS:
        report = replace_controls(report)
    return report.encode("utf-8")


def _writer(fmt: str) -> Writer:
    if fmt == "text":
        from archdsl.check.report.text import render_text

        return render_text
    if fmt == "markdown":
        from archdsl.check.report.markdown import render_markdown

        return render_markdown
    if fmt == "json":
        from archdsl.check.report.json_format import render_json

        return render_json
    if fmt == "sarif":
        from archdsl.check.report.sarif import render_sarif

        return render_sarif
    if fmt == "junit":
        from archdsl.check.report.junit import render_junit

        return render_junit
    raise ValueError(f"unknown report format {fmt!r}")
