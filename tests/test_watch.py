"""Watch mode's render loop with real files, real watchdog observers and Graphviz."""

from __future__ import annotations

import errno
import random
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from archdsl.compiler import Compiled, compile_file
from archdsl.errors import DesignError
from archdsl.output import write_atomic
from archdsl.render import render
from archdsl.source import SourceSet
from archdsl.watch import checklist as checklist_module
from archdsl.watch.app import TerminalReport
from archdsl.watch.checklist import Checklist, Finding
from archdsl.watch.pipeline import Output, Pipeline, RenderResult, watched_files
from archdsl.watch.session import WatchSession
from archdsl.watch.watcher import is_ignored_name
from tests.watch_support import (
    BAD,
    BAD_MESSAGE,
    GOOD,
    GOOD_BASKETS,
    GOOD_CARTS,
    SAVES,
    Results,
    save_in_place,
    temp_files,
    wait_settled,
    wait_until,
)


@pytest.fixture
def design(tmp_path) -> Path:
    path = tmp_path / "three-tier.arch"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture
def start_session(dot_available):
    """Start a watch session and stop it after the test."""
    sessions: list[WatchSession] = []

    def start(pipeline: Pipeline, **options) -> tuple[WatchSession, Results]:
        session = WatchSession(pipeline, **options)
        results = Results()
        session.listeners.append(results)
        sessions.append(session)
        session.start()
        results.wait_for(1)
        return session, results

    yield start
    for session in sessions:
        session.stop()


class CountingPipeline(Pipeline):
    """The real pipeline, counting how many renders start, dropped ones included."""

    runs = 0

    def run(self, generation, is_current):
        self.runs += 1
        return super().run(generation, is_current)


def svg_pipeline(design: Path, **options) -> CountingPipeline:
    output = Output(design.with_name("out.svg"), "svg")
    return CountingPipeline(design, (output,), **options)


@pytest.mark.parametrize("poll", [False, True], ids=["native", "polling"])
def test_rapid_writes_give_one_render(design, start_session, poll):
    pipeline = svg_pipeline(design)
    session, results = start_session(pipeline, poll=poll)
    for index in range(20):
        save_in_place(design, GOOD_CARTS if index % 2 else GOOD)
    save_in_place(design, GOOD_CARTS)
    results.wait_for(2)
    wait_settled(session)
    assert pipeline.runs == 2
    assert len(results) == 2
    assert "carts" in design.with_name("out.svg").read_text()


@pytest.mark.parametrize("poll", [False, True], ids=["native", "polling"])
@pytest.mark.parametrize("editor", sorted(SAVES))
def test_editor_save_gives_one_render(design, start_session, editor, poll):
    pipeline = svg_pipeline(design)
    session, results = start_session(pipeline, poll=poll)
    SAVES[editor](design, GOOD_CARTS)
    results.wait_for(2)
    wait_settled(session)
    assert pipeline.runs == 2
    assert len(results) == 2
    assert results.last.ok, results.last.error
    assert "carts" in design.with_name("out.svg").read_text()
    assert design.read_text() == GOOD_CARTS


def test_bad_save_keeps_output_and_reports(design, start_session):
    output = design.with_name("out.svg")
    session, results = start_session(svg_pipeline(design))
    before = output.read_bytes()
    save_in_place(design, BAD)
    failed = results.wait_for(2)
    assert failed.error is not None
    assert f"three-tier.arch:7:31: error: {BAD_MESSAGE}" in failed.error
    assert "^~~" in failed.error
    assert failed.written == ()
    assert output.read_bytes() == before


def test_good_save_after_bad_clears_error(design, start_session):
    output = design.with_name("out.svg")
    session, results = start_session(svg_pipeline(design))
    save_in_place(design, BAD)
    results.wait_for(2)
    save_in_place(design, GOOD_CARTS)
    fixed = results.wait_for(3)
    assert fixed.ok, fixed.error
    assert fixed.written == (output,)
    assert "carts" in output.read_text()


def test_output_write_triggers_no_render(design, start_session):
    output = design.with_name("out.svg")
    pipeline = svg_pipeline(design)
    session, results = start_session(pipeline)
    wait_settled(session)
    assert pipeline.runs == 1
    write_atomic(output, b"<svg/>")
    wait_settled(session)
    assert pipeline.runs == 1


def test_editor_files_trigger_no_render(design, start_session):
    pipeline = svg_pipeline(design)
    session, results = start_session(pipeline)
    for name in ("4913", "three-tier.arch~", ".three-tier.arch.swp", "notes.txt"):
        design.with_name(name).write_text("not the design")
    design.with_name(".archdsl-abc.tmp").write_text("not the design")
    wait_settled(session)
    assert pipeline.runs == 1


def comment_includes(sources: SourceSet) -> set[Path]:
    """Watch the files named in ``# watch-also: NAME`` comments, as includes would be.

    Tests use it in place of include statements until the language has
    them. It changes the watched set from what a compile read, through the
    same hook that include support feeds.
    """
    files = watched_files(sources)
    for source in sources:
        if source.path is None:
            continue
        for name in re.findall(r"^# watch-also: (\S+)$", source.text, re.MULTILINE):
            files.add(source.path.parent / name)
    return files


def test_watched_files_follow_the_hook(design, start_session):
    part = design.with_name("part.arch")
    part.write_text("# a part of the design\n")
    save_in_place(design, "# watch-also: part.arch\n" + GOOD)
    pipeline = svg_pipeline(design, watched_files_hook=comment_includes)
    session, results = start_session(pipeline)
    part.write_text("# the part changed\n")
    results.wait_for(2)
    save_in_place(design, GOOD)
    results.wait_for(3)
    wait_settled(session)
    part.write_text("# the part changed again, but it is no longer watched\n")
    wait_settled(session)
    assert pipeline.runs == 3


def includes_supported(folder: Path) -> bool:
    main = folder / "probe.arch"
    main.write_text('include "probe-part.arch"\n' + GOOD)
    (folder / "probe-part.arch").write_text("# an empty part\n")
    try:
        compiled = compile_file(main)
    except DesignError:
        return False
    return any(source.name == "probe-part.arch" for source in compiled.sources)


def test_include_edit_triggers_render(tmp_path, start_session):
    if not includes_supported(tmp_path):
        pytest.xfail("the language has no include statement yet")
    part = tmp_path / "network.arch"
    part.write_text("# shared settings\n")
    design = tmp_path / "main.arch"
    design.write_text('include "network.arch"\n' + GOOD)
    pipeline = svg_pipeline(design)
    session, results = start_session(pipeline)
    save_in_place(part, "# shared settings, edited\n")
    results.wait_for(2)
    wait_settled(session)
    assert pipeline.runs == 2


@pytest.mark.parametrize("poll", [False, True])
def test_creating_missing_include_renders(tmp_path, start_session, poll):
    (tmp_path / "parts").mkdir()
    design = tmp_path / "main.arch"
    design.write_text(GOOD + 'include "parts/queue.arch"\n')
    pipeline = svg_pipeline(design)
    session, results = start_session(pipeline, poll=poll)
    assert "included file not found: parts/queue.arch" in results.wait_for(1).error
    assert not design.with_name("out.svg").exists()
    save_in_place(tmp_path / "parts" / "queue.arch", "queue jobs\napp -> jobs\n")
    second = results.wait_for(2)
    assert second.ok, second.error
    assert "jobs" in design.with_name("out.svg").read_text()


@pytest.mark.parametrize("poll", [False, True])
def test_include_in_missing_folder_renders_once_created(tmp_path, start_session, poll):
    design = tmp_path / "main.arch"
    design.write_text(GOOD + 'include "parts/deep/queue.arch"\n')
    pipeline = svg_pipeline(design)
    session, results = start_session(pipeline, poll=poll)
    assert "included file not found" in results.wait_for(1).error
    (tmp_path / "parts" / "deep").mkdir(parents=True)
    (tmp_path / "parts" / "deep" / "queue.arch").write_text("queue jobs\napp -> jobs\n")
    wait_until(lambda: results.last.ok, "a good render")
    assert "jobs" in design.with_name("out.svg").read_text()


@pytest.mark.parametrize("poll", [False, True])
def test_include_folder_restored_stays_watched(tmp_path, start_session, poll):
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "queue.arch").write_text("queue jobs\napp -> jobs\n")
    design = tmp_path / "main.arch"
    design.write_text(GOOD + 'include "parts/queue.arch"\n')
    session, results = start_session(svg_pipeline(design), poll=poll)
    assert results.wait_for(1).ok
    # A branch switch deletes the folder and writes it again.
    shutil.copytree(parts, tmp_path / "backup")
    shutil.rmtree(parts)
    wait_until(lambda: results.last.error is not None, "the include error")
    shutil.copytree(tmp_path / "backup", parts)
    wait_until(lambda: results.last.ok, "a good render")
    wait_settled(session)
    save_in_place(parts / "queue.arch", "queue orders\napp -> orders\n")
    output = design.with_name("out.svg")
    wait_until(lambda: "orders" in output.read_text(), "the edited include drawn")


def test_emptied_design_keeps_output(design, start_session):
    output = design.with_name("out.svg")
    session, results = start_session(svg_pipeline(design))
    assert "sessions" in output.read_text()
    save_in_place(design, "")
    emptied = results.wait_for(2)
    assert "three-tier.arch is empty" in emptied.error
    assert "sessions" in output.read_text()
    save_in_place(design, GOOD_CARTS)
    refilled = results.wait_for(3)
    assert refilled.ok, refilled.error
    assert "carts" in output.read_text()


def test_hundred_saves_leave_good_output(design, start_session):
    output = design.with_name("out.svg")
    session, results = start_session(svg_pipeline(design))
    texts = [BAD, GOOD_CARTS, BAD, GOOD_BASKETS] * 25
    pauses = random.Random(7)
    for text in texts:
        save_in_place(design, text)
        time.sleep(pauses.uniform(0.0, 0.15))
    wait_until(lambda: results.last.generation > 1, "a render after the saves")
    wait_settled(session)
    expected = render(compile_file(design).model, "svg")
    generations = [result.generation for result in results.items]
    assert temp_files(design.parent) == []
    assert results.last.ok, results.last.error
    assert output.read_bytes() == expected
    assert generations == sorted(set(generations))


class Gate:
    """A checklist hook that holds the render it runs in until released."""

    def __init__(self) -> None:
        self.armed = False
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, compiled: Compiled) -> Checklist:
        if self.armed:
            self.armed = False
            self.entered.set()
            self.release.wait(60)
        return Checklist(checks_run=1)


def test_superseded_render_is_dropped(design, start_session):
    gate = Gate()
    pipeline = svg_pipeline(design, preview=True, checklist_hook=gate)
    session, results = start_session(pipeline)
    gate.armed = True
    save_in_place(design, GOOD_CARTS)
    wait_until(gate.entered.is_set, "the render of the first save")
    held = session.generation
    save_in_place(design, GOOD_BASKETS)
    wait_until(lambda: session.generation > held, "the event of the newer save")
    gate.release.set()
    results.wait_for(2)
    wait_settled(session)
    shown = [result.svg or "" for result in results.items]
    assert len(results) == 2
    assert not any("carts" in svg for svg in shown)
    assert "baskets" in shown[-1]
    assert "baskets" in design.with_name("out.svg").read_text()


def refuse_native_observer():
    raise OSError(errno.ENOSPC, "inotify watch limit reached")


def test_polling_fallback_when_native_fails(design, start_session):
    pipeline = svg_pipeline(design)
    session, results = start_session(pipeline, native_factory=refuse_native_observer)
    save_in_place(design, GOOD_CARTS)
    results.wait_for(2)
    assert session.watcher.polling
    assert "carts" in design.with_name("out.svg").read_text()


def test_preview_gets_svg_without_outputs(design, start_session):
    session, results = start_session(Pipeline(design, (), preview=True))
    assert results.last.svg is not None
    assert results.last.svg.startswith("<svg")
    assert results.last.written == ()


def test_several_outputs_each_written(design, start_session):
    outputs = (
        Output(design.with_name("out.svg"), "svg"),
        Output(design.with_name("out.png"), "png"),
        Output(design.with_name("out.dot"), "dot"),
    )
    session, results = start_session(Pipeline(design, outputs))
    assert results.last.written == tuple(output.path for output in outputs)
    assert design.with_name("out.png").read_bytes()[:4] == b"\x89PNG"
    assert design.with_name("out.dot").read_text().startswith("// Drawn by archdsl")


def test_missing_output_folder_reported(design, start_session):
    output = Output(design.parent / "missing" / "out.svg", "svg")
    session, results = start_session(Pipeline(design, (output,), preview=True))
    assert results.last.error is not None
    assert "output folder does not exist" in results.last.error
    assert results.last.svg is not None


def two_findings(compiled: Compiled) -> Checklist:
    return Checklist(
        (
            Finding("REL-001", "warning", "single NAT gateway", "three-tier.arch:5:1"),
            Finding("SEC-002", "error", "bucket without encryption"),
        ),
        checks_run=12,
    )


def test_checklist_hook_result_kept(design, start_session):
    pipeline = svg_pipeline(design, checklist_hook=two_findings)
    session, results = start_session(pipeline)
    assert results.last.checklist is not None
    assert results.last.checklist.summary() == "2 findings: 1 error, 1 warning"


def broken_hook(compiled: Compiled) -> Checklist:
    raise RuntimeError("checklist exploded")


def test_checklist_hook_failure_still_renders(design, start_session):
    pipeline = svg_pipeline(design, checklist_hook=broken_hook)
    session, results = start_session(pipeline)
    assert results.last.ok, results.last.error
    assert results.last.checklist is None


def test_checklist_counts_order():
    findings = tuple(
        Finding(f"R{index}", severity, "message")
        for index, severity in enumerate(["low", "medium", "high", "medium"])
    )
    assert Checklist(findings).counts() == {"high": 1, "medium": 2, "low": 1}


def test_checklist_summary_without_findings():
    assert Checklist(checks_run=30).summary() == "no findings in 30 checks"


def test_default_checklist_runs_the_rules(tmp_path):
    from archdsl.compiler import compile_text

    compiled = compile_text("tier web min=1\n", "d.arch")
    checklist = checklist_module.run_checklist(compiled)
    rules = {finding.rule for finding in checklist.findings}
    assert "REL-ASG-001" in rules
    assert checklist.checks_run >= 40


def test_terminal_line_has_time_and_counts():
    lines: list[tuple[str, bool]] = []
    report = TerminalReport(
        Path("d.arch"), lambda text, err=False: lines.append((text, err))
    )
    report(
        RenderResult(
            3,
            seconds=0.2345,
            checklist=two_findings(None),  # type: ignore[arg-type]
            written=(Path("out.svg"),),
        )
    )
    assert len(lines) == 1
    assert re.fullmatch(
        r"\[\d\d:\d\d:\d\d\] rendered d\.arch in 234 ms -> out\.svg; "
        r"checklist: 2 findings: 1 error, 1 warning",
        lines[0][0],
    )


def test_terminal_error_goes_to_stderr():
    lines: list[tuple[str, bool]] = []
    report = TerminalReport(
        Path("d.arch"), lambda text, err=False: lines.append((text, err))
    )
    report(RenderResult(4, seconds=0.01, error="d.arch:1:1: error: broken"))
    assert "failed after 10 ms; no output was written" in lines[0][0]
    assert lines[1] == ("d.arch:1:1: error: broken", True)


def test_terminal_error_after_a_good_render_keeps_output():
    lines: list[tuple[str, bool]] = []
    report = TerminalReport(
        Path("d.arch"), lambda text, err=False: lines.append((text, err))
    )
    report(RenderResult(1, seconds=0.01, written=(Path("out.svg"),)))
    report(RenderResult(2, seconds=0.01, error="d.arch:1:1: error: broken"))
    assert "failed after 10 ms; the last good output is kept" in lines[1][0]


@pytest.mark.parametrize(
    "name",
    [
        "4913",
        "5036",
        "design.arch~",
        ".design.arch.swp",
        ".design.arch.swo",
        ".design.arch.swx",
        "design.arch___jb_tmp___",
        "design.arch___jb_old___",
        ".#design.arch",
        "#design.arch#",
        ".archdsl-k2j3h4.tmp",
    ],
)
def test_editor_and_tool_files_ignored(name):
    assert is_ignored_name(name)


@pytest.mark.parametrize(
    "name",
    ["design.arch", "network.arch", "v2.arch", ".design.arch", "archdsl-out.svg"],
)
def test_design_files_not_ignored(name):
    assert not is_ignored_name(name)
