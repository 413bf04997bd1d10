"""``archdsl watch`` as a user runs it: a real process, signals and exit codes."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import archdsl_command, run_archdsl
from tests.watch_support import (
    BAD,
    BAD_MESSAGE,
    DEADLINE_SECONDS,
    GOOD,
    GOOD_CARTS,
    save_like_vim,
    temp_files,
    wait_until,
)


class WatchProcess:
    """``archdsl watch`` in a child process, with its output read line by line."""

    def __init__(self, args: list[str], cwd: Path, env: dict | None = None) -> None:
        # With faulthandler on, SIGABRT makes a stuck process print the stack
        # of every thread, which the test then reports.
        env = {**(os.environ if env is None else env), "PYTHONFAULTHANDLER": "1"}
        self.process = subprocess.Popen(
            [*archdsl_command(), "watch", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout: queue.Queue[str] = queue.Queue()
        self.stderr: queue.Queue[str] = queue.Queue()
        self.seen: dict[str, list[str]] = {"stdout": [], "stderr": []}
        for stream, lines in (
            (self.process.stdout, self.stdout),
            (self.process.stderr, self.stderr),
        ):
            threading.Thread(target=_pump, args=(stream, lines), daemon=True).start()

    def expect(self, pattern: str, stream: str = "stdout") -> re.Match[str]:
        """Return the first new line on ``stream`` that matches ``pattern``."""
        lines = self.stdout if stream == "stdout" else self.stderr
        end = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            self.seen[stream].append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"no line matching {pattern!r}; got {self.seen[stream]}")

    def interrupt(self, signum: int = signal.SIGINT) -> int:
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=DEADLINE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)
            self.process.wait()
            time.sleep(0.5)
            for name, lines in (("stdout", self.stdout), ("stderr", self.stderr)):
                while not lines.empty():
                    self.seen[name].append(lines.get())
            dump = "\n".join(self.seen["stdout"][-5:] + self.seen["stderr"][-60:])
            raise AssertionError(
                f"watch did not exit after {signum!r}:\n{dump}"
            ) from None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _pump(stream, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))


@pytest.fixture
def design(tmp_path) -> Path:
    path = tmp_path / "three-tier.arch"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture
def start_watch(tmp_path, dot_available):
    processes: list[WatchProcess] = []

    def start(*args: str, env: dict | None = None) -> WatchProcess:
        process = WatchProcess(list(args), tmp_path, env)
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.kill()


def test_ctrl_c_exits_zero_without_temp_files(design, start_watch):
    watch = start_watch(design.name, "-o", "out.svg", "--serve", "--port", "0")
    url = watch.expect(r"serving the preview on (http://127\.0\.0\.1:\d+/)").group(1)
    watch.expect(r"rendered three-tier\.arch in \d+ ms -> out\.svg")
    with urllib.request.urlopen(url, timeout=30) as response:
        status = response.status
    code = watch.interrupt(signal.SIGINT)
    assert status == 200
    assert code == 0
    assert temp_files(design.parent) == []
    assert (design.parent / "out.svg").read_text().startswith("<?xml")


def test_sigterm_exits_zero(design, start_watch):
    watch = start_watch(design.name, "-o", "out.svg")
    watch.expect(r"rendered three-tier\.arch")
    assert watch.interrupt(signal.SIGTERM) == 0


def test_bad_save_prints_error_with_caret(design, start_watch):
    watch = start_watch(design.name, "-o", "out.svg")
    watch.expect(r"rendered three-tier\.arch")
    before = (design.parent / "out.svg").read_bytes()
    save_like_vim(design, BAD)
    watch.expect(r"render of three-tier\.arch failed after \d+ ms")
    header = watch.expect(rf"three-tier\.arch:7:31: error: {BAD_MESSAGE}", "stderr")
    source_line = watch.expect(r"\| tier app in private asg", "stderr")
    caret_line = watch.expect(r"\^~~", "stderr")
    assert header.string.index("three-tier") == 0
    assert caret_line.string.index("^") == source_line.string.index("mxa")
    assert (design.parent / "out.svg").read_bytes() == before
    assert not any("Traceback" in line for line in watch.seen["stderr"])
    save_like_vim(design, GOOD_CARTS)
    watch.expect(r"rendered three-tier\.arch in \d+ ms -> out\.svg")
    assert "carts" in (design.parent / "out.svg").read_text()
    assert watch.interrupt() == 0


def test_poll_flag_reports_polling(design, start_watch):
    watch = start_watch(design.name, "-o", "out.dot", "--poll")
    watch.expect(r"^polling three-tier\.arch for changes")
    watch.expect(r"rendered three-tier\.arch")
    design.write_text(GOOD_CARTS)
    watch.expect(r"rendered three-tier\.arch")
    assert "carts" in (design.parent / "out.dot").read_text()
    assert watch.interrupt() == 0


def test_open_starts_browser_with_url(design, start_watch, tmp_path):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "fake-browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    env = {**os.environ, "BROWSER": f"{browser} %s"}
    watch = start_watch(design.name, "--open", "--port", "0", env=env)
    url = watch.expect(r"serving the preview on (http://127\.0\.0\.1:\d+/)").group(1)
    wait_until(lambda: opened.exists() and opened.read_text().strip(), "the browser")
    assert opened.read_text().strip() == url
    assert watch.interrupt() == 0


def test_busy_port_is_usage_error(design, start_watch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_archdsl("watch", str(design), "--serve", "--port", str(port))
    assert result.returncode == 2
    assert f"cannot serve the preview on 127.0.0.1 port {port}" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "nothing to watch for: pass -o FILE, --serve or --docs FOLDER"),
        (["-o", "-"], "watch mode cannot write to stdout"),
        (["-o", "out.txt"], "unsupported output format 'txt'"),
        (["-o", "three-tier.arch"], "is the design file itself"),
        (
            ["-o", "out.svg", "--port", "0"],
            "--port applies to the preview; add --serve",
        ),
        (
            ["-o", "out.svg", "--host", "::1"],
            "--host applies to the preview; add --serve",
        ),
    ],
)
def test_usage_errors_exit_two(design, args, message):
    result = run_archdsl("watch", design.name, *args, cwd=design.parent)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_design_exits_two(tmp_path):
    result = run_archdsl("watch", "absent.arch", "-o", "out.svg", cwd=tmp_path)
    assert result.returncode == 2
    assert "design file not found: absent.arch" in result.stderr
