"""Run Graphviz's ``dot`` program on DOT source."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from pathlib import Path

from archdsl.errors import GraphvizNotFoundError, RenderError

logger = logging.getLogger(__name__)

#: Seconds ``dot`` may run before the render is abandoned. Layouts of a few
#: thousand nodes with spline edges finish in a few seconds on two cores.
DOT_TIMEOUT = 120

#: Lines of Graphviz's own output quoted in an error.
MAX_ERROR_LINES = 5


class LayoutError(RenderError):
    """Graphviz ran but could not lay the graph out."""


def dot_program() -> str:
    program = shutil.which("dot")
    if program is None:
        raise GraphvizNotFoundError()
    return program


def run_dot(
    source: str, output_format: str, image_path: Path, *, pool: DotPool | None = None
) -> bytes:
    """Lay out ``source`` and return the output in ``output_format``.

    ``image_path`` is the folder that relative node images resolve against.
    ``pool`` supplies a ``dot`` process started ahead of time (watch mode).
    """
    command = [dot_program(), f"-T{output_format}", f"-Gimagepath={image_path}"]
    logger.debug("running %s", " ".join(command))
    process = pool.take(command) if pool is not None else _start(command)
    try:
        stdout, stderr = process.communicate(
            source.encode("utf-8"), timeout=DOT_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise RenderError(
            f"Graphviz took longer than {DOT_TIMEOUT} s to lay out the diagram; "
            "split the design or render fewer components"
        ) from None
    if pool is not None:
        pool.refill(command)
    return _result(process.returncode, stdout, stderr)


def _start(command: list[str]) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise GraphvizNotFoundError() from None


def _result(returncode: int, stdout: bytes, stderr_bytes: bytes) -> bytes:
    stderr = stderr_bytes.decode("utf-8", errors="replace").strip()
    if returncode < 0:
        # dot was killed by a signal: Ctrl-C reached the whole process group.
        raise KeyboardInterrupt
    lines = [
        line for line in stderr.splitlines() if "size too small for label" not in line
    ]
    if returncode != 0:
        shown = "\n".join(lines[:MAX_ERROR_LINES])
        more = (
            f"\n... and {len(lines) - MAX_ERROR_LINES} more lines"
            if len(lines) > MAX_ERROR_LINES
            else ""
        )
        raise LayoutError(f"Graphviz failed (exit {returncode}): {shown}{more}")
    # Labels wider than the fixed icon width overflow it, which is fine.
    for line in lines:
        logger.warning("Graphviz: %s", line)
    return stdout


class DotPool:
    """``dot`` processes started ahead of time, one per command line.

    Starting ``dot`` and loading its libraries takes about 3 ms of the 16 ms
    it spends on the three-tier example (2 cores, Graphviz 2.43). Watch mode
    renders again and again, so it starts the next process as soon as one
    is taken, while the user is still editing. The output is the same as a
    freshly started ``dot``'s, because it is one.
    """

    def __init__(self) -> None:
        self._idle: dict[tuple[str, ...], subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def take(self, command: list[str]) -> subprocess.Popen[bytes]:
        """Return a started ``dot``; a replacement starts once this one is done."""
        key = tuple(command)
        with self._lock:
            process = self._idle.pop(key, None)
        if process is None or process.poll() is not None:
            process = _start(command)
        return process

    def refill(self, command: list[str]) -> None:
        """Start the next ``dot`` for ``command`` in the background."""
        threading.Thread(
            target=self._refill, args=(tuple(command),), daemon=True
        ).start()

    def _refill(self, key: tuple[str, ...]) -> None:
        process = _start(list(key))
        with self._lock:
            if self._closed or key in self._idle:
                spare = process
            else:
                self._idle[key] = process
                spare = None
        if spare is not None:
            spare.kill()
            spare.communicate()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, {}
        for process in idle.values():
            process.kill()
            process.communicate()
