"""The command line as a user runs it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from tests.conftest import EXAMPLES, run_archdsl

EXAMPLE = EXAMPLES / "three-tier.arch"


@pytest.fixture
def design(tmp_path):
    path = tmp_path / "three-tier.arch"
    shutil.copy(EXAMPLE, path)
    return path


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf", "dot"])
def test_render_writes_format_from_extension(tmp_path, suffix, dot_available):
    output = tmp_path / f"out.{suffix}"
    result = run_archdsl("render", str(EXAMPLE), "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert output.stat().st_size > 1000
    assert output.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == [output.name]


def test_render_to_stdout_needs_format():
    result = run_archdsl("render", str(EXAMPLE), "-o", "-")
    assert result.returncode == 2
    assert "needs --format" in result.stderr


def test_render_to_stdout_with_format():
    result = run_archdsl("render", str(EXAMPLE), "-o", "-", "--format", "dot")
    assert result.returncode == 0
    assert result.stdout.startswith("// Drawn by archdsl")


def test_expand_prints_same_json_twice():
    first = run_archdsl("expand", str(EXAMPLE))
    second = run_archdsl("expand", str(EXAMPLE))
    assert first.returncode == 0
    assert first.stdout == second.stdout
    model = json.loads(first.stdout)
    for component in model["components"]:
        assert component["reason"]
        assert component["source"]["line"] >= 1


def test_typo_gives_one_error_with_caret(design, tmp_path):
    output = tmp_path / "out.svg"
    assert run_archdsl("render", str(design), "-o", str(output)).returncode == 0
    before = output.read_bytes()
    text = design.read_text().replace("max=8", "mxa=8")
    design.write_text(text)
    result = run_archdsl("render", str(design), "-o", str(output))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert re.fullmatch(
        r".*three-tier\.arch:7:31: error: unknown option 'mxa'; did you mean 'max'\?",
        lines[0],
    )
    assert lines[1].endswith(
        "| tier app in private asg min=2 mxa=8 behind alb internal"
    )
    assert lines[2].index("^") == lines[1].index("mxa")
    assert lines[3].startswith("  hint: ")
    assert output.read_bytes() == before


def mutated_designs():
    """Every word of the example outside comments and strings, with two letters swapped."""
    lines = EXAMPLE.read_text().splitlines()
    for number, line in enumerate(lines, start=1):
        code = re.sub(r'"[^"]*"', lambda m: " " * len(m.group()), line.split("#")[0])
        for match in re.finditer(r"[A-Za-z_]{3,}", code):
            word = match.group()
            swapped = word[1] + word[0] + word[2:]
            if swapped == word:
                continue
            mutated = line[: match.start()] + swapped + line[match.end() :]
            yield (
                number,
                word,
                "\n".join([*lines[: number - 1], mutated, *lines[number:]]),
            )


@pytest.mark.parametrize(
    ("line", "word", "text"),
    list(mutated_designs()),
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_typo_anywhere_is_one_clear_error(line, word, text):
    from archdsl.compiler import compile_text
    from archdsl.errors import DesignError

    if word == "shop":
        # The design's own name is free text: any spelling is a valid name.
        assert compile_text(text, "three-tier.arch").model.design.name == "hsop"
        return
    with pytest.raises(DesignError) as caught:
        compile_text(text, "three-tier.arch")
    diagnostics = caught.value.diagnostics
    assert len(diagnostics) == 1, [d.message for d in diagnostics]
    diagnostic = diagnostics[0]
    assert diagnostic.span is not None
    assert diagnostic.hint or "did you mean" in diagnostic.message
    formatted = caught.value.format()
    assert "^" in formatted
    # A renamed statement is reported where the old name is used; any other
    # typo is reported on its own line.
    names = {"web", "app", "orders", "sessions"}
    if not (
        word in names
        and text.splitlines()[line - 1].split()[0] in ("tier", "db", "cache")
    ):
        assert diagnostic.span.line == line, diagnostic.message


def test_missing_file_exit_2():
    result = run_archdsl("render", "no-such.arch", "-o", "x.png")
    assert result.returncode == 2
    assert result.stderr.startswith("error: design file not found")


def test_unknown_format_exit_2(tmp_path):
    result = run_archdsl("render", str(EXAMPLE), "-o", str(tmp_path / "x.gif"))
    assert result.returncode == 2
    assert "unsupported output format 'gif'" in result.stderr


def test_unknown_command_exit_2():
    result = run_archdsl("rendr", str(EXAMPLE))
    assert result.returncode == 2
    assert "Did you mean 'render'?" in result.stderr


def test_missing_output_folder_exit_2(tmp_path):
    result = run_archdsl("render", str(EXAMPLE), "-o", str(tmp_path / "nope" / "x.svg"))
    assert result.returncode == 2
    assert "output folder does not exist" in result.stderr


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (["expand", "design.arch"], "design.arch"),
        (["check", "design.arch", "--fail-on", "never"], "design.arch"),
        (["render", "design.arch", "-f", "svg"], "design.arch"),
        (["expand", "design.arch"], "parts/queue.arch"),
        (["expand", "design.arch"], "link.json"),
    ],
)
def test_output_over_design_file_exit_2(tmp_path, command, target):
    design = tmp_path / "design.arch"
    shutil.copy(EXAMPLE, design)
    with design.open("a", encoding="utf-8") as stream:
        stream.write('include "parts/queue.arch"\n')
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "queue.arch").write_text("queue jobs\napp -> jobs\n")
    (tmp_path / "link.json").symlink_to(design)
    before = {path: path.read_bytes() for path in tmp_path.rglob("*.arch")}
    result = run_archdsl(*command, "-o", target, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"the output {target} is a design file that this run reads" in result.stderr
    assert {path: path.read_bytes() for path in tmp_path.rglob("*.arch")} == before
    assert not list(tmp_path.rglob(".archdsl-*"))


@pytest.mark.parametrize("command", ["expand", "render", "check"])
def test_output_with_trailing_slash_exit_2(tmp_path, command):
    shutil.copy(EXAMPLE, tmp_path / "design.arch")
    result = run_archdsl(command, "design.arch", "-o", "out.svg/", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "the output out.svg/ names a folder; name a file" in result.stderr
    assert not (tmp_path / "out.svg").exists()


def test_missing_graphviz_says_how_to_install(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}
    result = run_archdsl("render", str(EXAMPLE), "-o", str(tmp_path / "x.png"), env=env)
    assert result.returncode == 2
    assert "Graphviz's 'dot' program was not found" in result.stderr
    assert "apt-get install graphviz" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_failed_render_keeps_previous_output(tmp_path, dot_available):
    output = tmp_path / "out.png"
    assert run_archdsl("render", str(EXAMPLE), "-o", str(output)).returncode == 0
    before = output.read_bytes()
    env = {**os.environ, "PATH": str(tmp_path / "empty")}
    result = run_archdsl("render", str(EXAMPLE), "-o", str(output), env=env)
    assert result.returncode == 2
    assert output.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_warnings_go_to_stderr_and_exit_0(tmp_path):
    design = tmp_path / "d.arch"
    design.write_text("tier web\ndb orders\n")
    result = run_archdsl("render", str(design), "-o", str(tmp_path / "d.dot"))
    assert result.returncode == 0
    assert "warning: nothing uses db 'orders'" in result.stderr


def test_verbose_logs_progress(tmp_path, dot_available):
    result = run_archdsl("-v", "render", str(EXAMPLE), "-o", str(tmp_path / "x.svg"))
    assert result.returncode == 0
    assert "archdsl: INFO: laying out" in result.stderr


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["render", str(EXAMPLE), "-o", "x.svg", "-v"], "archdsl: INFO: laying out"),
        (["render", "-v", str(EXAMPLE), "-o", "x.svg"], "archdsl: INFO: laying out"),
        (["expand", str(EXAMPLE), "-o", "x.json", "-vv"], "archdsl: DEBUG: parsing"),
        (["check", str(EXAMPLE), "--debug"], "archdsl: DEBUG: parsing"),
        (
            ["docs", str(EXAMPLE), "-o", "out", "--no-png", "-v"],
            "archdsl: INFO: writing the document of shop",
        ),
        (
            ["-v", "expand", str(EXAMPLE), "-o", "x.json", "-v"],
            "archdsl: DEBUG: parsing",
        ),
    ],
)
def test_log_options_after_command(tmp_path, dot_available, args, line):
    result = run_archdsl(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert line in result.stderr
    assert result.stderr.count(line) == 1


def test_quiet_without_verbose(tmp_path, dot_available):
    result = run_archdsl("render", str(EXAMPLE), "-o", str(tmp_path / "x.svg"))
    assert result.stderr == ""
