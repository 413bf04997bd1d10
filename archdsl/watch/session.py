"""The render loop of watch mode: file changes in, render results out.

Every change to a watched file raises the generation counter. One worker
thread waits until the files have been quiet for the debounce window, then
renders the latest generation. If a change arrives while that render runs,
the pipeline stops at its next stage boundary and the result is dropped.
Listeners therefore see results in generation order, and never one that is
older than the files on disk. At most one render is pending at a time.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable

from archdsl.watch.pipeline import Pipeline, RenderResult
from archdsl.watch.watcher import (
    POLL_INTERVAL,
    FileWatcher,
    ObserverFactory,
    native_observer,
)

logger = logging.getLogger(__name__)

# One save is a burst of file events: vim's probe file, backup rename and new
# file, or an IDE's temp file, rename and chmod. Editors finish such a burst
# within a few milliseconds, so a render starts once the watched files have
# been quiet for DEBOUNCE_SECONDS. 100 ms covers slow disks and fsync calls in
# the burst while keeping the delay below what a person notices after saving.
DEBOUNCE_SECONDS = 0.1

# The polling observer reports a burst that straddles two snapshots as two
# batches POLL_INTERVAL apart, so with polling the quiet window must be longer
# than the interval for one save to give one render.
POLLING_DEBOUNCE_SECONDS = POLL_INTERVAL + 0.15

# Stopping waits this long for a render in progress. Writing the outputs takes
# milliseconds, but a large layout can keep Graphviz busy for much longer, and
# Ctrl-C should not wait for that.
STOP_TIMEOUT_SECONDS = 5.0

Listener = Callable[[RenderResult], None]


class WatchSession:
    """Renders the pipeline once at start and again after each change."""

    def __init__(
        self,
        pipeline: Pipeline,
        *,
        poll: bool = False,
        native_factory: ObserverFactory = native_observer,
    ) -> None:
        self.pipeline = pipeline
        self.listeners: list[Listener] = []
        self.watcher = FileWatcher(
            self._note_change, poll=poll, native_factory=native_factory
        )
        self._condition = threading.Condition()
        self._generation = 0
        self._rendered_generation = 0
        self._last_change = 0.0
        self._rendering = False
        self._stopping = False
        self._results = 0
        self._worker = threading.Thread(
            target=self._run, name="archdsl-watch-render", daemon=True
        )

    @property
    def results(self) -> int:
        """Number of results passed to listeners so far."""
        return self._results

    @property
    def generation(self) -> int:
        """Number of changes seen so far, counting the start as one."""
        return self._generation

    @property
    def idle(self) -> bool:
        """True when no render is running or waiting for the debounce window."""
        with self._condition:
            return not self._rendering and self._generation == self._rendered_generation

    def debounce_seconds(self) -> float:
        return POLLING_DEBOUNCE_SECONDS if self.watcher.polling else DEBOUNCE_SECONDS

    def start(self) -> None:
        """Watch the design and render it once without waiting."""
        self.watcher.set_files([self.pipeline.design])
        self.watcher.start()
        with self._condition:
            self._generation += 1
        self._worker.start()

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Stop watching and wait up to ``timeout`` seconds for a running render.

        A render that is still running after that is abandoned. It can no
        longer write outputs, because the pipeline checks for a stop before
        it writes.
        """
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        logger.debug("stopping the file watcher")
        self.watcher.stop()
        logger.debug("waiting for the render thread")
        if self._worker.is_alive():
            self._worker.join(timeout)
        if self._worker.is_alive():
            logger.warning("a render is still running; stopping without it")
        if self.pipeline.dot_pool is not None:
            logger.debug("stopping the pre-started dot processes")
            self.pipeline.dot_pool.close()
        logger.debug("watch session stopped")

    def _note_change(self, path: str) -> None:
        with self._condition:
            self._generation += 1
            self._last_change = time.monotonic()
            self._condition.notify_all()

    def _is_current(self, generation: int) -> bool:
        return not self._stopping and self._generation == generation

    def _run(self) -> None:
        while True:
            generation = self._wait_for_quiet_change()
            if generation is None:
                return
            is_current = functools.partial(self._is_current, generation)
            self._finish(generation, self.pipeline.run(generation, is_current))

    def _wait_for_quiet_change(self) -> int | None:
        """Block until a change has been quiet for the debounce window; return its generation."""
        with self._condition:
            while not self._stopping:
                if self._generation == self._rendered_generation:
                    self._condition.wait()
                    continue
                quiet_for = time.monotonic() - self._last_change
                remaining = self.debounce_seconds() - quiet_for
                if remaining > 0:
                    self._condition.wait(remaining)
                    continue
                self._rendering = True
                return self._generation
            return None

    def _finish(self, generation: int, result: RenderResult | None) -> None:
        if result is not None:
            self.watcher.set_files(result.watched)
        with self._condition:
            self._rendering = False
            if result is None or not self._is_current(generation):
                logger.debug("dropped the render of generation %d", generation)
                return
            self._rendered_generation = generation
        for listener in self.listeners:
            try:
                listener(result)
            except Exception as error:
                logger.error(
                    "a render listener failed: %s: %s", type(error).__name__, error
                )
                logger.debug("listener traceback", exc_info=True)
        self._results += 1
