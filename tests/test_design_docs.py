"""archdsl docs: deterministic documents whose links and tables hold up."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from tests.conftest import EXAMPLES, ROOT, run_archdsl

PARSER = MarkdownIt("commonmark").enable("table")


@pytest.fixture
def workdir(tmp_path):
    shutil.copy(EXAMPLES / "three-tier.arch", tmp_path / "three-tier.arch")
    return tmp_path


def generate(workdir: Path, *extra: str, design: str = "three-tier.arch"):
    return run_archdsl("docs", design, "-o", "out/three-tier", *extra, cwd=workdir)


def test_docs_writes_readme_and_diagrams(workdir, dot_available):
    result = generate(workdir)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (workdir / "out" / "three-tier").iterdir())
    assert names == ["README.md", "diagram.png", "diagram.svg"]


def test_docs_twice_gives_identical_bytes(workdir, dot_available):
    generate(workdir)
    first = {p.name: p.read_bytes() for p in (workdir / "out" / "three-tier").iterdir()}
    shutil.rmtree(workdir / "out" / "three-tier")
    generate(workdir)
    second = {
        p.name: p.read_bytes() for p in (workdir / "out" / "three-tier").iterdir()
    }
    assert first == second


def test_check_passes_when_current(workdir, dot_available):
    generate(workdir)
    result = generate(workdir, "--check")
    assert result.returncode == 0, result.stderr


def test_check_catches_one_line_change(workdir, dot_available):
    generate(workdir)
    design = workdir / "three-tier.arch"
    design.write_text(design.read_text().replace("max=8", "max=12"))
    result = generate(workdir, "--check")
    assert result.returncode == 1
    assert "stale: out/three-tier/README.md" in result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("-") and "max=8" in line for line in lines)
    assert any(line.startswith("+") and "max=12" in line for line in lines)


def test_check_reports_missing_document(workdir, dot_available):
    result = generate(workdir, "--check")
    assert result.returncode == 1
    assert "missing" in result.stderr


def test_check_writes_nothing(workdir, dot_available):
    generate(workdir, "--check")
    assert not (workdir / "out" / "three-tier").exists()


def test_invalid_design_exit_2_and_nothing_written(workdir):
    (workdir / "bad.arch").write_text("tier web mn=2\n")
    result = generate(workdir, design="bad.arch")
    assert result.returncode == 2
    assert "unknown option 'mn'" in result.stderr
    assert not (workdir / "out" / "three-tier").exists()


def relative_links(markdown: str) -> list[str]:
    tokens = PARSER.parse(markdown)
    links = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                links.append(child.attrGet("href"))
            if child.type == "image":
                links.append(child.attrGet("src"))
    return [link for link in links if link and not re.match(r"^[a-z]+:", link)]


def test_every_relative_link_resolves(workdir, dot_available):
    generate(workdir)
    readme = workdir / "out" / "three-tier" / "README.md"
    links = relative_links(readme.read_text())
    assert "diagram.svg" in links
    assert "diagram.png" in links
    assert "../../three-tier.arch" in links
    for link in links:
        assert (readme.parent / unquote(link)).exists(), link


def test_no_png_links_only_written_files(workdir, dot_available):
    result = generate(workdir, "--no-png")
    assert result.returncode == 0, result.stderr
    readme = workdir / "out" / "three-tier" / "README.md"
    links = relative_links(readme.read_text())
    assert "diagram.png" not in links
    assert "diagram.svg" in links
    for link in links:
        assert (readme.parent / unquote(link)).exists(), link


def test_no_png_removes_earlier_png(workdir, dot_available):
    generate(workdir)
    png = workdir / "out" / "three-tier" / "diagram.png"
    assert png.is_file()
    stale = generate(workdir, "--no-png", "--check")
    assert stale.returncode == 1
    assert f"stale: {png.relative_to(workdir)}" in stale.stderr
    result = generate(workdir, "--no-png")
    assert result.returncode == 0, result.stderr
    assert not png.exists()
    assert generate(workdir, "--no-png", "--check").returncode == 0


def assert_tables_well_formed(markdown: str) -> int:
    """Every table row has as many cells as its header; return the table count."""
    tokens = PARSER.parse(markdown)
    tables = 0
    header_cells = row_cells = 0
    for token in tokens:
        if token.type == "table_open":
            tables += 1
            header_cells = 0
        elif token.type == "th_open":
            header_cells += 1
        elif token.type == "tr_open":
            row_cells = 0
        elif token.type == "td_open":
            row_cells += 1
        elif token.type == "tr_close" and row_cells:
            assert row_cells == header_cells
    return tables


def test_tables_render_with_a_standard_parser(workdir, dot_available):
    generate(workdir)
    text = (workdir / "out" / "three-tier" / "README.md").read_text()
    tables = assert_tables_well_formed(text)
    assert tables >= 10
    assert "|" not in re.sub(r"\|[^\n]*\|", "", text)


HOSTILE = (
    'design shop "<script>alert(1)</script> | `tick` *bold* [link](x) & more"\n'
    "tier web\ntier app internal\n"
    'web -> app "a|b `c` <img src=x onerror=alert(1)>"\n'
    'waive OPS-MON-001 reason "ok | <b>fine</b> `x`"\n'
)


def test_hostile_text_cannot_break_markdown(tmp_path, dot_available):
    (tmp_path / "h.arch").write_text(HOSTILE)
    result = run_archdsl("docs", "h.arch", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out" / "h" / "README.md").read_text()
    html = PARSER.render(text)
    assert "<script>" not in html
    assert "<img" not in html.replace('<img src="diagram.svg"', "")
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_tables_well_formed(text)


def test_template_folder_overrides_one_section(workdir, dot_available):
    templates = workdir / "templates"
    templates.mkdir()
    (templates / "_title.md.j2").write_text("# Custom {{ design.name }}\n\n")
    result = generate(workdir, "--template", str(templates))
    assert result.returncode == 0, result.stderr
    text = (workdir / "out" / "three-tier" / "README.md").read_text()
    assert text.startswith("# Custom shop\n")
    assert "## Well-Architected checklist" in text


def test_failing_template_expression_names_line(workdir, dot_available):
    templates = workdir / "templates"
    templates.mkdir()
    (templates / "_title.md.j2").write_text("# Title\n\n{{ 1 / 0 }}\n")
    result = generate(workdir, "--template", str(templates))
    assert result.returncode == 2
    assert "internal error" not in result.stderr
    assert "_title.md.j2:3: ZeroDivisionError" in result.stderr
    assert not (workdir / "out" / "three-tier" / "README.md").exists()


def test_template_not_utf8_names_file(workdir, dot_available):
    templates = workdir / "templates"
    templates.mkdir()
    (templates / "_flows.md.j2").write_bytes(b"## Flows\n\xff\n")
    result = generate(workdir, "--template", "templates")
    assert result.returncode == 2
    assert "templates/_flows.md.j2 has invalid UTF-8 at byte 9" in result.stderr
    assert "design.md.j2" not in result.stderr
    assert not (workdir / "out" / "three-tier" / "README.md").exists()


def test_several_designs_get_a_folder_each(workdir, dot_available):
    (workdir / "second.arch").write_text("tier web\n")
    result = run_archdsl(
        "docs", "three-tier.arch", "second.arch", "-o", "out", "--no-png", cwd=workdir
    )
    assert result.returncode == 0, result.stderr
    assert (workdir / "out" / "three-tier" / "README.md").is_file()
    assert (workdir / "out" / "second" / "diagram.svg").is_file()
    assert not (workdir / "out" / "second" / "diagram.png").exists()


def test_project_design_docs_are_current(dot_available):
    designs = sorted(str(p.relative_to(ROOT)) for p in EXAMPLES.glob("*.arch"))
    result = run_archdsl("docs", *designs, "-o", "docs/designs", "--check", cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_exposure_says_who_reaches_restricted_alb(workdir, dot_available):
    # With 'edge cdn', the web ALB's security group admits only CloudFront's
    # origin-facing prefix list, so the internet at large cannot reach it.
    generate(workdir, "--no-png")
    readme = (workdir / "out" / "three-tier" / "README.md").read_text()
    exposure = readme.split("### Exposure")[1].split("### Authentication")[0]
    (row,) = [line for line in exposure.splitlines() if line.startswith("| `web.alb`")]
    assert row.endswith(
        "its security group admits only CloudFront's origin-facing addresses |"
    )
