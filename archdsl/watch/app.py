"""``archdsl watch``: wire the render loop, the terminal report and the preview."""

from __future__ import annotations

import contextlib
import logging
import signal
import time
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archdsl.errors import UsageError
from archdsl.render import format_for
from archdsl.render.graphviz import DotPool
from archdsl.watch.checklist import ChecklistHook, find_checklist_hook
from archdsl.watch.pipeline import Output, Pipeline, RenderResult
from archdsl.watch.server import PreviewServer, PreviewState
from archdsl.watch.session import WatchSession

# The kernel may deliver Ctrl-C or SIGTERM to any of the process's threads.
# Python runs the handler only in the main thread, at its next bytecode, so
# a main thread in one long sleep would not stop until the sleep ends. It
# sleeps in short steps instead, and stops within this many seconds.
SIGNAL_CHECK_SECONDS = 0.2

logger = logging.getLogger(__name__)

#: Prints one line of text; ``err`` selects standard error.
Echo = Callable[..., None]


@dataclass(frozen=True)
class WatchOptions:
    design: Path
    outputs: tuple[str, ...] = ()
    serve: bool = False
    host: str = "127.0.0.1"
    port: int = 0
    open_browser: bool = False
    poll: bool = False
    docs: Path | None = None


def build_outputs(design: Path, names: tuple[str, ...]) -> tuple[Output, ...]:
    """Return the outputs for ``-o`` names; raise UsageError for an invalid one."""
    outputs: dict[Path, Output] = {}
    for name in names:
        if name == "-":
            raise UsageError("watch mode cannot write to stdout; name an output file")
        path = Path(name)
        if path.resolve() == design.resolve():
            raise UsageError(f"the output {name} is the design file itself")
        outputs.setdefault(path.resolve(), Output(path, format_for(path)))
    return tuple(outputs.values())


class TerminalReport:
    """Prints one line per render, with the error text after a failed one."""

    def __init__(self, design: Path, echo: Echo) -> None:
        self._design = design
        self._echo = echo
        self._rendered = False

    def __call__(self, result: RenderResult) -> None:
        clock = datetime.now().strftime("%H:%M:%S")
        took = f"{result.seconds * 1000:.0f} ms"
        checklist = (
            f"; checklist: {result.checklist.summary()}" if result.checklist else ""
        )
        if result.ok:
            self._rendered = True
            written = ", ".join(str(path) for path in result.written)
            target = f" -> {written}" if written else ""
            self._echo(
                f"[{clock}] rendered {self._design} in {took}{target}{checklist}"
            )
        else:
            outcome = (
                "the last good output is kept"
                if self._rendered
                else "no output was written; fix the error and save again"
            )
            self._echo(
                f"[{clock}] render of {self._design} failed after {took}; {outcome}"
            )
            self._echo(result.error, err=True)
        if result.warnings:
            self._echo(result.warnings, err=True)


def run_watch(
    options: WatchOptions,
    echo: Echo,
    checklist_hook: ChecklistHook | None = None,
) -> None:
    """Watch and render until Ctrl-C (SIGINT) or SIGTERM, then stop cleanly."""
    design = options.design
    if not design.is_file():
        raise UsageError(f"design file not found: {design}")
    outputs = build_outputs(design, options.outputs)
    if not outputs and not options.serve and options.docs is None:
        raise UsageError("nothing to watch for: pass -o FILE, --serve or --docs FOLDER")
    pipeline = Pipeline(
        design,
        outputs,
        preview=options.serve,
        checklist_hook=checklist_hook or find_checklist_hook(),
        docs_folder=options.docs,
        dot_pool=DotPool(),
    )
    session = WatchSession(pipeline, poll=options.poll)
    session.listeners.append(TerminalReport(design, echo))
    server = _start_server(options, session) if options.serve else None
    with _signals_handled() as ignore_signals:
        try:
            _watch_until_interrupted(options, session, server, echo)
        finally:
            # Stopping takes at most a few seconds, and a second Ctrl-C (or
            # the SIGINT that `timeout` also sends to its process group) must
            # not cut it short and leave a temp file behind.
            ignore_signals()
            session.stop()
            if server is not None:
                server.stop()
    echo("stopped")


def _start_server(options: WatchOptions, session: WatchSession) -> PreviewServer:
    state = PreviewState(options.design.name)
    try:
        server = PreviewServer(state, options.host, options.port)
    except OSError as error:
        raise UsageError(
            f"cannot serve the preview on {options.host} port {options.port}: "
            f"{error.strerror}; pass --port 0 for a free port"
        ) from None
    session.listeners.append(state.apply)
    server.start()
    return server


def _watch_until_interrupted(
    options: WatchOptions,
    session: WatchSession,
    server: PreviewServer | None,
    echo: Echo,
) -> None:
    try:
        if server is not None:
            echo(f"serving the preview on {server.url}")
        session.start()
        mode = "polling" if session.watcher.polling else "watching"
        echo(f"{mode} {options.design} for changes; press Ctrl-C to stop")
        if server is not None and options.open_browser:
            _open_browser(server.url, echo)
        while True:
            time.sleep(SIGNAL_CHECK_SECONDS)
    except KeyboardInterrupt:
        echo("")


def _open_browser(url: str, echo: Echo) -> None:
    if not webbrowser.open(url):
        echo(f"could not start a web browser; open {url} yourself", err=True)


@contextlib.contextmanager
def _signals_handled() -> Iterator[Callable[[], None]]:
    """Treat SIGTERM like Ctrl-C; yield a function that ignores both from then on.

    The previous handlers come back on exit.
    """

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    def ignore_signals() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    previous_int = signal.getsignal(signal.SIGINT)
    previous_term = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield ignore_signals
    finally:
        for signum, handler in (
            (signal.SIGINT, previous_int),
            (signal.SIGTERM, previous_term),
        ):
            if handler is not None:
                signal.signal(signum, handler)
