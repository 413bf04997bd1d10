"""Watch a set of files with watchdog and report every change to one of them.

Editors rarely write a file in place. vim probes the folder with a file named
``4913``, renames the original to ``design.arch~`` and writes a new file.
JetBrains IDEs, and other editors with an atomic save, write a temp file and
rename it over the original.
A watch on the file itself would lose track of it after the first rename, so
the watcher schedules the file's folder and keeps the events whose source or
destination is one of the watched paths. Debouncing the burst that one save
produces is the caller's job.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from archdsl.output import TEMP_PREFIX

logger = logging.getLogger(__name__)

# The polling observer compares a snapshot of each watched folder every
# POLL_INTERVAL seconds. A quarter of a second keeps a save feeling immediate,
# and a snapshot of one folder costs one stat call per file in it, which is
# negligible at that rate for folders of design files.
POLL_INTERVAL = 0.25

#: Seconds that stopping waits for watchdog's observer thread.
STOP_TIMEOUT_SECONDS = 5.0

#: Event types that can mean a watched file's content changed. Opened and
#: closed-without-write events are left out because compiling the design
#: reads the file, and a read must not trigger another render.
_CONTENT_EVENTS = frozenset({"created", "modified", "moved", "deleted", "attrib"})

#: Event types on a folder that can make a watched file appear or vanish.
_FOLDER_EVENTS = frozenset({"created", "moved", "deleted"})

_EDITOR_FILE = re.compile(
    r"""
    ~$                        # backups: vim, emacs, gedit
    | \.sw[a-px]$             # vim swap files: .swp, .swo, ... and .swx
    | ___jb_(tmp|old)___$     # JetBrains safe-write temp and backup files
    | ^\.\#                   # emacs lock files
    | ^\#.*\#$                # emacs auto-save files
    | ^[0-9]+$                # vim's write probe, 4913 or another number
    """,
    re.VERBOSE,
)

#: Raised by inotify when the per-user limit of watches or instances is used up.
_WATCH_LIMIT_ERRNOS = frozenset({errno.ENOSPC, errno.EMFILE})

ChangeCallback = Callable[[str], None]
ObserverFactory = Callable[[], BaseObserver]


def is_ignored_name(name: str) -> bool:
    """Return whether ``name`` is an editor swap or backup file or archdsl's temp file."""
    if name.startswith(TEMP_PREFIX) and name.endswith(".tmp"):
        return True
    return _EDITOR_FILE.search(name) is not None


def native_observer() -> BaseObserver:
    """Return the platform's native observer (inotify on Linux)."""
    return Observer()


def polling_observer() -> BaseObserver:
    return PollingObserver(timeout=POLL_INTERVAL)


class FileWatcher:
    """Calls ``on_change`` with the path for each change to a watched file.

    ``on_change`` runs on watchdog's dispatch thread. With ``poll`` the watcher
    uses watchdog's polling observer from the start. Otherwise it uses the
    native observer, and falls back to polling when that cannot start or runs
    out of watches.
    """

    def __init__(
        self,
        on_change: ChangeCallback,
        *,
        poll: bool = False,
        native_factory: ObserverFactory = native_observer,
    ) -> None:
        self._on_change = on_change
        self._native_factory = native_factory
        self._polling = poll
        self._lock = threading.Lock()
        self._files: frozenset[str] = frozenset()
        self._watches: dict[str, ObservedWatch] = {}
        self._handler = _Handler(self)
        self._observer: BaseObserver | None = None

    @property
    def polling(self) -> bool:
        return self._polling

    @property
    def files(self) -> frozenset[str]:
        return self._files

    def start(self) -> None:
        with self._lock:
            self._observer = self._start_observer()

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Stop the observer and wait up to ``timeout`` seconds for its threads.

        watchdog's threads are daemon threads, so one that does not stop in
        time cannot keep the process alive.
        """
        with self._lock:
            observer, self._observer = self._observer, None
            self._watches.clear()
        if observer is None:
            return
        observer.stop()
        observer.join(timeout)
        if observer.is_alive():
            logger.warning(
                "the file observer did not stop within %.0f s; exiting without it",
                timeout,
            )

    def set_files(self, paths: Iterable[Path]) -> None:
        """Watch exactly ``paths`` from now on, scheduling their folders as needed."""
        files = frozenset(_normalize(path) for path in paths)
        with self._lock:
            self._files = files
            if self._observer is not None:
                self._schedule_folders()

    def handle(self, event: FileSystemEvent) -> None:
        if event.event_type == "events_lost":
            logger.warning("file events were lost; rendering again to catch up")
            self._on_change("")
            return
        if event.is_directory:
            if event.event_type in _FOLDER_EVENTS:
                self._folder_changed(_event_paths(event))
            return
        if event.event_type not in _CONTENT_EVENTS:
            return
        for path in _event_paths(event):
            if is_ignored_name(os.path.basename(path)):
                continue
            if path in self._files:
                logger.debug("%s: %s", event.event_type, path)
                self._on_change(path)
                return

    def _folder_changed(self, paths: list[str]) -> None:
        """Watch again the folders of watched files at or below ``paths``.

        A folder that was deleted is watched through its nearest existing
        parent until it comes back, and a folder created again (a branch
        switch, a restore from a copy) gets a new watch and a render.
        """
        with self._lock:
            affected = {
                folder
                for folder in {os.path.dirname(file) for file in self._files}
                for path in paths
                if folder == path or folder.startswith(path + os.sep)
            }
            if not affected or self._observer is None:
                return
            for folder in set(self._watches):
                if any(folder == a or a.startswith(folder + os.sep) for a in affected):
                    self._unschedule(folder)
            self._schedule_folders()
        logger.debug("folder changed: %s", ", ".join(paths))
        self._on_change(paths[0])

    def _unschedule(self, folder: str) -> None:
        assert self._observer is not None
        watch = self._watches.pop(folder)
        # watchdog drops the watch of a deleted folder by itself.
        with contextlib.suppress(KeyError):
            self._observer.unschedule(watch)

    def _start_observer(self) -> BaseObserver:
        if not self._polling:
            try:
                return self._start_with(self._native_factory())
            except OSError as error:
                logger.warning(
                    "native file events are unavailable (%s); polling every %.2f s",
                    error,
                    POLL_INTERVAL,
                )
                self._polling = True
        return self._start_with(polling_observer())

    def _start_with(self, observer: BaseObserver) -> BaseObserver:
        self._watches = {}
        try:
            for folder in sorted(_folders(self._files)):
                self._schedule(observer, folder)
            observer.start()
        except OSError:
            observer.stop()
            self._watches = {}
            raise
        return observer

    def _schedule_folders(self) -> None:
        assert self._observer is not None
        wanted = _folders(self._files)
        for folder in set(self._watches) - wanted:
            self._unschedule(folder)
        for folder in sorted(wanted - set(self._watches)):
            try:
                self._schedule(self._observer, folder)
            except OSError as error:
                if self._polling or error.errno not in _WATCH_LIMIT_ERRNOS:
                    logger.warning("cannot watch folder %s: %s", folder, error)
                    continue
                self._switch_to_polling(error)
                return

    def _schedule(self, observer: BaseObserver, folder: str) -> None:
        if not os.path.isdir(folder):
            logger.warning("cannot watch folder %s: it does not exist", folder)
            return
        self._watches[folder] = observer.schedule(
            self._handler, folder, recursive=False
        )

    def _switch_to_polling(self, error: OSError) -> None:
        logger.warning(
            "native file events ran out of watches (%s); polling every %.2f s",
            error,
            POLL_INTERVAL,
        )
        assert self._observer is not None
        self._observer.stop()
        self._observer.join()
        self._polling = True
        self._observer = self._start_with(polling_observer())


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: FileWatcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._watcher.handle(event)


def _normalize(path: Path) -> str:
    return str(Path(path).resolve())


def _folders(files: Iterable[str]) -> set[str]:
    """Return the folders to watch for ``files``.

    A file whose folder does not exist is watched through the nearest
    existing parent, which reports the folder when it is created.
    """
    return {_existing_folder(os.path.dirname(path)) for path in files}


def _existing_folder(folder: str) -> str:
    while not os.path.isdir(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder


def _event_paths(event: FileSystemEvent) -> list[str]:
    paths = [os.path.normpath(os.fsdecode(event.src_path))]
    if event.event_type == "moved" and event.dest_path:
        paths.append(os.path.normpath(os.fsdecode(event.dest_path)))
    return paths
