"""Helpers for the watch mode tests: design texts, editor saves and waiting."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from archdsl.watch.pipeline import RenderResult
from archdsl.watch.session import WatchSession
from tests.conftest import EXAMPLES

GOOD = (EXAMPLES / "three-tier.arch").read_text(encoding="utf-8")
#: A good design whose diagram differs: the cache is called ``carts``.
GOOD_CARTS = GOOD.replace("sessions", "carts")
#: A third good design: the cache is called ``baskets``.
GOOD_BASKETS = GOOD.replace("sessions", "baskets")
#: An invalid design: a misspelt option on line 7, column 31.
BAD = GOOD.replace("max=8", "mxa=8")
BAD_MESSAGE = "unknown option 'mxa'"

# Generous limits for waiting on real file events, Graphviz and a browser on
# a busy two-core machine. Nothing is asserted about how long a step takes.
DEADLINE_SECONDS = 60.0
POLL_SECONDS = 0.02
# A session counts as settled once it has been idle for this long. That is ten
# times the native debounce window and over twice the polling one, so events
# still on their way from the kernel or from the next poll have arrived.
SETTLE_SECONDS = 1.0


def wait_until(
    predicate: Callable[[], object], what: str, deadline: float = DEADLINE_SECONDS
) -> None:
    """Poll ``predicate`` until it is true; fail naming ``what`` after ``deadline``."""
    end = time.monotonic() + deadline
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {deadline:.0f} s waiting for {what}")
        time.sleep(POLL_SECONDS)


def wait_settled(session: WatchSession) -> None:
    """Wait until the session has been idle for ``SETTLE_SECONDS`` in a row."""
    end = time.monotonic() + DEADLINE_SECONDS
    idle_since: float | None = None
    while True:
        now = time.monotonic()
        if session.idle:
            idle_since = idle_since or now
            if now - idle_since >= SETTLE_SECONDS:
                return
        else:
            idle_since = None
        if now > end:
            raise AssertionError("timed out waiting for the session to settle")
        time.sleep(POLL_SECONDS)


class Results:
    """A session listener that keeps every result it receives."""

    def __init__(self) -> None:
        self.items: list[RenderResult] = []
        self._lock = threading.Lock()

    def __call__(self, result: RenderResult) -> None:
        with self._lock:
            self.items.append(result)

    def __len__(self) -> int:
        with self._lock:
            return len(self.items)

    @property
    def last(self) -> RenderResult:
        with self._lock:
            return self.items[-1]

    def wait_for(self, count: int) -> RenderResult:
        wait_until(lambda: len(self) >= count, f"render result {count}")
        return self.items[count - 1]


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".archdsl-"))


def save_in_place(path: Path, text: str) -> None:
    """Save in place: truncate and rewrite the file, as many editors do by default."""
    path.write_text(text, encoding="utf-8")


def save_like_vim(path: Path, text: str) -> None:
    """Save the way vim does with its default 'backupcopy=auto' on a plain file.

    vim checks that the folder is writable with a probe file named 4913,
    renames the original to a ``~`` backup, writes a new file, restores the
    mode and deletes the backup. Its swap file changes along the way.
    """
    mode = path.stat().st_mode & 0o777
    swap = path.with_name(f".{path.name}.swp")
    swap.write_bytes(b"swap before write")
    probe = path.with_name("4913")
    probe.write_bytes(b"")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    os.replace(path, backup)
    _write_synced(path, text)
    os.chmod(path, mode)
    swap.write_bytes(b"swap after write")
    backup.unlink()
    swap.unlink()


def save_with_temp_rename(path: Path, text: str) -> None:
    """Save through a temp file renamed over the original, as atomic saves do."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _write_synced(temp, text)
    os.chmod(temp, path.stat().st_mode & 0o777)
    os.replace(temp, path)


def save_like_jetbrains(path: Path, text: str) -> None:
    """Save like JetBrains IDEs' safe write with their ___jb_tmp___ and ___jb_old___ files."""
    temp = path.with_name(path.name + "___jb_tmp___")
    old = path.with_name(path.name + "___jb_old___")
    _write_synced(temp, text)
    os.replace(path, old)
    os.replace(temp, path)
    old.unlink()


SAVES = {
    "in-place": save_in_place,
    "vim": save_like_vim,
    "temp-rename": save_with_temp_rename,
    "jetbrains": save_like_jetbrains,
}


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
