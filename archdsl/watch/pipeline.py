"""One render in watch mode: compile, run the checklist, render, write outputs.

Each stage checks whether a newer save has superseded the render before it
starts, so a superseded render stops early and writes nothing. A failed
render writes nothing either, which keeps the last good outputs on disk.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archdsl.compiler import Compiled, compile_file
from archdsl.errors import ArchdslError, DesignError, format_diagnostics
from archdsl.model import Model
from archdsl.output import write_atomic
from archdsl.render import render
from archdsl.render.graphviz import DotPool
from archdsl.source import SourceSet
from archdsl.watch.checklist import Checklist, ChecklistHook

logger = logging.getLogger(__name__)

#: Computes the files to watch from the sources one compile read.
WatchedFilesHook = Callable[[SourceSet], Iterable[Path]]


def watched_files(sources: SourceSet) -> set[Path]:
    """Return the files a compile read or looked for: the design and its includes.

    An included file that was not found is watched too, so that creating it,
    and its folder if that is missing, renders again.
    """
    read = {source.path for source in sources if source.path is not None}
    return read | set(sources.missing)


@dataclass(frozen=True)
class Output:
    """A file that every good render rewrites, and its format."""

    path: Path
    fmt: str


@dataclass
class RenderResult:
    """The outcome of one render.

    ``svg`` is the preview image when the render drew one. ``error`` is the
    message to show when a stage failed. Both can be set when the diagram
    rendered but an output could not be written.
    """

    generation: int
    seconds: float = 0.0
    svg: str | None = None
    error: str | None = None
    warnings: str | None = None
    checklist: Checklist | None = None
    written: tuple[Path, ...] = ()
    watched: frozenset[Path] = frozenset()

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Pipeline:
    """The stages that turn the design file into outputs and a preview image."""

    design: Path
    outputs: tuple[Output, ...] = ()
    preview: bool = False
    checklist_hook: ChecklistHook | None = None
    watched_files_hook: WatchedFilesHook = watched_files
    #: Folder of the design document to rewrite on each good save, if any.
    docs_folder: Path | None = None
    #: ``dot`` processes started ahead of time; None starts one per render.
    dot_pool: DotPool | None = None
    _last_watched: frozenset[Path] = field(default=frozenset(), init=False)

    def run(
        self, generation: int, is_current: Callable[[], bool]
    ) -> RenderResult | None:
        """Render once; return None if ``is_current`` turned false on the way."""
        started = time.perf_counter()
        result = RenderResult(generation)
        try:
            self._run_stages(result, is_current)
        except Exception as error:  # a bug in archdsl: report it and keep watching
            logger.debug("internal error while rendering", exc_info=True)
            result.error = (
                f"internal error: {type(error).__name__}: {error}\n"
                "  hint: rerun with --debug for the traceback and report it"
            )
            result.watched = self._watched_after_error(None)
        if not is_current():
            return None
        result.seconds = time.perf_counter() - started
        return result

    def _run_stages(self, result: RenderResult, is_current: Callable[[], bool]) -> None:
        if _is_empty(self.design):
            # A save that truncates before it writes can outlast the debounce
            # window, and drawing that empty design would replace good outputs.
            result.error = (
                f"error: {self.design} is empty; the last good output is kept "
                "until the design is saved with content"
            )
            result.watched = self._watched_after_error(None)
            return
        try:
            compiled = compile_file(self.design)
        except DesignError as error:
            result.error = error.format()
            result.watched = self._watched_after_error(error.sources)
            return
        result.watched = self._watched_after_success(compiled.sources)
        if compiled.model.warnings:
            result.warnings = format_diagnostics(
                compiled.model.warnings, compiled.sources
            )
        if not is_current():
            return
        result.checklist = self._run_checklist(compiled)
        try:
            images = self._render_images(compiled.model, is_current)
        except ArchdslError as error:
            result.error = f"error: {error}"
            return
        if "svg" in images and self.preview:
            result.svg = _inline_svg(images["svg"])
        if not is_current():
            return
        self._write_outputs(images, result)
        if self.docs_folder is not None and result.ok and is_current():
            self._write_docs(compiled, result)

    def _watched_after_success(self, sources: SourceSet) -> frozenset[Path]:
        self._last_watched = frozenset({self.design, *self.watched_files_hook(sources)})
        return self._last_watched

    def _watched_after_error(self, sources: SourceSet | None) -> frozenset[Path]:
        # A failed compile may stop before it reads every include, so the
        # files of the last good compile stay watched until the next one.
        read = set(self.watched_files_hook(sources)) if sources else set()
        return frozenset({self.design, *self._last_watched, *read})

    def _run_checklist(self, compiled: Compiled) -> Checklist | None:
        if self.checklist_hook is None:
            return None
        try:
            return self.checklist_hook(compiled)
        except Exception as error:
            logger.error(
                "the checklist hook failed, so no checklist is shown: %s: %s",
                type(error).__name__,
                error,
            )
            logger.debug("checklist hook traceback", exc_info=True)
            return None

    def _render_images(
        self, model: Model, is_current: Callable[[], bool]
    ) -> dict[str, bytes]:
        formats = [output.fmt for output in self.outputs]
        if self.preview:
            formats.append("svg")
        images: dict[str, bytes] = {}
        for fmt in dict.fromkeys(formats):
            if not is_current():
                break
            # NOTE: a running Graphviz process is not killed when a newer save
            # arrives. Its output is dropped once it finishes.
            images[fmt] = render(model, fmt, pool=self.dot_pool)
        return images

    def _write_outputs(self, images: dict[str, bytes], result: RenderResult) -> None:
        written = []
        for output in self.outputs:
            try:
                write_atomic(output.path, images[output.fmt])
            except ArchdslError as error:
                result.error = f"error: {error}"
                break
            written.append(output.path)
        result.written = tuple(written)

    def _write_docs(self, compiled: Compiled, result: RenderResult) -> None:
        from archdsl.docs import build_document, document_folder, write_document

        assert self.docs_folder is not None
        try:
            folder = document_folder(self.docs_folder, self.design)
            write_document(build_document(compiled, self.design, folder))
        except ArchdslError as error:
            result.error = f"error: {error}"
            return
        result.written = (*result.written, folder / "README.md")


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


def _inline_svg(data: bytes) -> str:
    """Return the ``<svg>`` element alone, without the XML prolog and doctype."""
    text = data.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text
