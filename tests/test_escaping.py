"""Hostile free text reaches every output as text.

Names are restricted by the grammar, so the free text of a design is its
strings: labels, waiver reasons and filter values. One design carries the
same hostile text in each, and each test checks one output. The text
arrives unchanged (JSON, SARIF) or escaped for the format. It never arrives
as markup, a table cell break, a code span or a terminal control sequence.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from markdown_it import MarkdownIt

from archdsl.check.engine import run_check
from archdsl.check.report import write_report
from archdsl.compiler import Compiled, compile_file
from archdsl.docs import build_readme
from archdsl.render import build_dot, render
from tests.conftest import run_archdsl

#: Quotes, backslashes, markup, an entity, a table pipe, backticks, non-ASCII,
#: a line break and an ANSI escape sequence.
HOSTILE = "q\"uo'te back\\slash <b>bold</b> &amp; a|b `tick` é中🙂 one\ntwo \x1b[31mred"

#: The hostile text with its control character replaced, as text outputs show it.
SHOWN = HOSTILE.replace("\x1b", "\ufffd")


def dsl_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


DESIGN = f"""\
design shop {dsl_string(HOSTILE)}
client users {dsl_string(HOSTILE)}
function api
queue jobs standard
users -> api {dsl_string(HOSTILE)}
api ~> jobs
waive OPS-DLQ-001 on jobs reason {dsl_string(HOSTILE)}
"""

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def design(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.arch"
    path.write_text(DESIGN, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def compiled(design: Path) -> Compiled:
    return compile_file(design)


def report(compiled: Compiled, fmt: str) -> str:
    result = run_check(compiled.model)
    return write_report(result, compiled.sources, fmt).decode("utf-8")


def rendered_html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_dot_label_parses_back(compiled, dot_available):
    # Graphviz's JSON output shows each label after DOT's own unquoting, so
    # it shows whether the quoting in the DOT source was right.
    result = subprocess.run(
        [dot_available, "-Tjson0"],
        input=build_dot(compiled.model).encode("utf-8"),
        capture_output=True,
        check=True,
    )
    graph = json.loads(result.stdout)
    # Backslashes stay doubled and '&' stays an entity, so Graphviz draws
    # neither its own escapes (\n, \l) nor entities the author wrote.
    doubled = SHOWN.replace("\\", "\\\\").replace("&", "&amp;")
    assert graph["label"] == "shop: " + doubled


def test_svg_shows_label_text(compiled, dot_available):
    svg = ElementTree.fromstring(render(compiled.model, "svg"))
    texts = [element.text or "" for element in svg.iter(f"{SVG}text")]
    first, second = SHOWN.split("\n")
    assert "shop: " + first in texts
    assert second in texts
    assert list(svg.iter(f"{SVG}b")) == []


def test_json_model_keeps_exact_text(compiled):
    model = json.loads(compiled.model.dumps())
    assert model["design"]["label"] == HOSTILE
    labels = [connection.get("label") for connection in model["connections"]]
    assert HOSTILE in labels


def test_json_report_keeps_exact_reason(compiled):
    data = json.loads(report(compiled, "json"))
    reasons = [f["waiver"]["reason"] for f in data["findings"] if f.get("waived")]
    assert reasons == [HOSTILE]


def test_sarif_keeps_exact_reason(compiled):
    sarif = json.loads(report(compiled, "sarif"))
    results = sarif["runs"][0]["results"]
    justifications = [
        suppression["justification"]
        for result in results
        for suppression in result.get("suppressions", ())
    ]
    assert justifications == [HOSTILE]


def test_junit_is_well_formed(compiled):
    suites = ElementTree.fromstring(report(compiled, "junit"))
    text = "".join(suites.itertext())
    assert SHOWN.split("\n")[0] in text


def test_text_report_has_no_escapes(compiled):
    text = report(compiled, "text")
    assert "\x1b" not in text
    assert "back\\slash <b>bold</b>" in text


def test_check_markdown_escapes_reason(compiled):
    html = rendered_html(report(compiled, "markdown"))
    assert "<b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "a|b `tick`" in html
    assert "back\\slash" in html


def test_design_doc_escapes_labels(compiled, design):
    readme = build_readme(compiled, design, design.parent / "docs").decode("utf-8")
    assert "\x1b" not in readme
    html = rendered_html(readme)
    assert "<b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "a|b `tick`" in html


def test_cli_error_hides_escape(tmp_path: Path):
    path = tmp_path / "bad.arch"
    text = dsl_string("\x1b[31m" + HOSTILE)
    path.write_text(f"function f\n{text} -> f\n", encoding="utf-8")
    result = run_archdsl("check", str(path))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr
    assert "unexpected string" in result.stderr
