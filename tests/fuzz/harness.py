"""Run one design file through archdsl and check the robustness contract.

The contract, for any input file:

- compiling either succeeds or raises :class:`DesignError` whose first
  diagnostic reads ``file:line:col: error: message``, pointing inside the
  file, with the file's own line under it;
- a design that compiles goes through the checklist, every report format,
  the JSON model, the DOT source and the design document without an
  exception, and each output parses in its own format;
- nothing takes longer than :data:`TIME_LIMIT_SECONDS`.

:func:`run_in_process` checks this through the Python API, which is fast
enough for thousands of inputs. :func:`run_cli` checks it through a real
``archdsl`` process, where exit codes, stderr and output files are visible.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from archdsl.check.engine import run_check
from archdsl.check.report import FORMATS, write_report
from archdsl.compiler import Compiled, compile_file
from archdsl.docs import build_readme
from archdsl.errors import DesignError
from archdsl.output import TEMP_PREFIX
from archdsl.render import build_dot, render
from tests.conftest import archdsl_command
from tests.fuzz.inputs import PARTS

#: Maximum seconds that one input may take in process, checklist and docs
#: included. Nested cells can reach 20,000 components within every limit,
#: and such a design takes about 30 s on an idle two-core machine, twice
#: that when a second run shares the cores. A hang exceeds any limit.
TIME_LIMIT_SECONDS = 120

#: Maximum length of a line that an error message prints. Hints that list a vocabulary
#: run to about 600 characters. Source lines are cut around
#: the caret, so even a 1 MiB line prints as a short excerpt.
MAX_MESSAGE_LINE = 1000

#: Where failing inputs are copied when the variable is set, so that a long
#: run leaves them behind for tests/fuzz/regressions/.
FINDINGS = os.environ.get("ARCHDSL_FUZZ_FINDINGS")

_HEADER = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): error: \S")


class Hang(Exception):
    """An input ran past :data:`TIME_LIMIT_SECONDS`."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(signum, frame):
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def prepare_workspace(folder: Path) -> Path:
    """Give ``folder`` the ``parts/`` files that the corpus designs include."""
    parts = folder / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        shutil.copyfile(part, parts / part.name)
    return folder


@dataclass(frozen=True)
class Outcome:
    """``ok``, or the first error as ``file:line:col: error: message``."""

    text: str

    @property
    def ok(self) -> bool:
        return self.text == "ok"


def record_finding(data: bytes) -> None:
    if not FINDINGS:
        return
    folder = Path(FINDINGS)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    (folder / f"{digest}.arch").write_bytes(data)


def run_in_process(path: Path, *, graphviz: bool = False) -> Outcome:
    """Compile ``path`` and produce every output; assert the contract."""
    data = path.read_bytes()
    try:
        with time_limit(TIME_LIMIT_SECONDS):
            try:
                compiled = compile_file(path)
            except DesignError as error:
                return check_design_error(error, path)
            check_outputs(compiled, path, graphviz=graphviz)
            return Outcome("ok")
    except BaseException:
        record_finding(data)
        raise


def check_design_error(error: DesignError, path: Path) -> Outcome:
    assert error.diagnostics, "a DesignError carries no diagnostics"
    first = error.diagnostics[0]
    assert first.span is not None, f"error without a position: {first.message}"
    text = error.format()
    header = _HEADER.match(text)
    assert header is not None, f"first line is not file:line:col: {text[:300]!r}"
    for line in text.splitlines():
        assert len(line) <= MAX_MESSAGE_LINE, f"message line of {len(line)} characters"
    source = _read_named(path, first.span.file)
    if source is not None:
        lines = source.split("\n")
        assert 1 <= first.span.line <= len(lines), (
            f"line {first.span.line} is outside the file"
        )
        _check_excerpt(text, lines[first.span.line - 1].rstrip("\r"))
    span = first.span
    return Outcome(f"{span.file}:{span.line}:{span.column}: error: {first.message}")


def _read_named(path: Path, name: str) -> str | None:
    """Return the text of the file a span names, or None if it is not text."""
    try:
        return (path.parent / name).read_bytes().decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        return None


def _check_excerpt(text: str, source_line: str) -> None:
    """Assert that the quoted source line, when there is one, is the span's line.

    A long line is quoted in part between "..." marks, and each control
    character is quoted as U+FFFD.
    """
    formatted = text.splitlines()
    if len(formatted) < 2 or " | " not in formatted[1]:
        return
    quoted = formatted[1].split(" | ", 1)[1]
    piece = quoted.removeprefix("...").removesuffix("...")
    pattern = "".join(".?" if ch == "\ufffd" else re.escape(ch) for ch in piece)
    if piece == quoted:
        pattern = "^" + pattern + "$"
    assert re.search(pattern, source_line, re.DOTALL), (
        f"quoted line {quoted[:80]!r} is not the line of the span"
    )


def check_outputs(compiled: Compiled, path: Path, *, graphviz: bool) -> None:
    model = compiled.model
    json.loads(model.dumps())
    result = run_check(model)
    for fmt in FORMATS:
        report = write_report(result, compiled.sources, fmt).decode("utf-8")
        if fmt in ("json", "sarif"):
            json.loads(report)
        elif fmt == "junit":
            ElementTree.fromstring(report)
    assert build_dot(model).startswith("//")
    readme = build_readme(compiled, path, path.parent / "docs")
    assert readme.startswith(b"#")
    if graphviz:
        ElementTree.fromstring(render(model, "svg"))


# Real processes ---------------------------------------------------------------

#: Seconds one archdsl process may run.
PROCESS_TIMEOUT = 120

#: Content of every output file before a run, to show that a failed run left it.
PREVIOUS = b"previous output\n"

COMMANDS = {
    "expand": ("expand", "{design}", "-o", "{out}/model.json"),
    "check": ("check", "{design}", "-f", "sarif", "-o", "{out}/check.sarif"),
    "render": ("render", "{design}", "-o", "{out}/diagram.svg"),
    "docs": ("docs", "{design}", "-o", "{out}/docs", "--no-png"),
}

#: Output files each command writes, relative to its output folder.
OUTPUTS = {
    "expand": ("model.json",),
    "check": ("check.sarif",),
    "render": ("diagram.svg",),
    "docs": ("docs/{stem}/README.md", "docs/{stem}/diagram.svg"),
}


def run_cli(command: str, design: Path, out: Path) -> subprocess.CompletedProcess:
    """Run one command on ``design`` with outputs in ``out``; assert the contract."""
    data = design.read_bytes()
    if out.exists():
        shutil.rmtree(out)
    (out / "docs" / design.stem).mkdir(parents=True)
    for name in _outputs(command, design):
        (out / name).write_bytes(PREVIOUS)
    arguments = [part.format(design=design, out=out) for part in COMMANDS[command]]
    try:
        result = subprocess.run(
            [*archdsl_command(), *arguments],
            capture_output=True,
            timeout=PROCESS_TIMEOUT,
            check=False,
        )
        check_process(command, result, design, out)
    except BaseException:
        record_finding(data)
        raise
    return result


def check_process(
    command: str, result: subprocess.CompletedProcess, design: Path, out: Path
) -> None:
    stderr = result.stderr.decode("utf-8", errors="replace")
    allowed = (0, 1, 2) if command == "check" else (0, 2)
    assert result.returncode in allowed, (
        f"{command} exited {result.returncode}: {stderr[:600]}"
    )
    assert "Traceback" not in stderr, f"{command} printed a traceback: {stderr[:600]}"
    leftovers = [p.name for p in out.rglob(f"{TEMP_PREFIX}*")]
    assert not leftovers, f"{command} left temp files: {leftovers}"
    if result.returncode == 2:
        header = _HEADER.match(stderr)
        assert header is not None, (
            f"{command} error is not file:line:col: {stderr[:300]!r}"
        )
        assert Path(header["path"]).parent == design.parent, stderr[:300]
        for name in _outputs(command, design):
            assert (out / name).read_bytes() == PREVIOUS, f"{command} changed {name}"
        return
    for name in _outputs(command, design):
        written = (out / name).read_bytes()
        assert written != PREVIOUS, f"{command} succeeded but left {name} as it was"
        if name.endswith((".json", ".sarif")):
            json.loads(written)
        elif name.endswith(".svg"):
            ElementTree.fromstring(written)


def _outputs(command: str, design: Path) -> list[str]:
    return [name.format(stem=design.stem) for name in OUTPUTS[command]]
