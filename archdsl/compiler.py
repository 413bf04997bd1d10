"""The pipeline from a design file to the model: read, parse, bind, expand."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from archdsl.errors import DesignError, Diagnostic, Severity
from archdsl.expand import expand
from archdsl.language import Binder
from archdsl.model import Model
from archdsl.parse import parse_source
from archdsl.source import Source, SourceSet, Span

logger = logging.getLogger(__name__)

#: Largest design file read, in bytes. Real designs are a few kilobytes.
MAX_FILE_BYTES = 1024 * 1024


@dataclass
class Compiled:
    model: Model
    sources: SourceSet


def compile_file(path: str | Path) -> Compiled:
    """Compile the design at ``path``; raise :class:`DesignError` if it is invalid."""
    path = Path(path)
    sources = SourceSet(
        display_root=str(path.parent) if str(path.parent) != "." else ""
    )
    source = read_source(path, path.name, sources)
    return compile_source(source, sources)


def compile_text(text: str, name: str = "design.arch") -> Compiled:
    sources = SourceSet()
    source = Source(name, text)
    sources.add(source)
    return compile_source(source, sources)


def compile_source(source: Source, sources: SourceSet) -> Compiled:
    logger.debug("parsing %s", source.name)
    document = parse_source(source, sources)
    logger.debug("binding %d statements", len(document.statements))
    binder = Binder()
    bound = binder.bind_all(document.statements)
    binder.diagnostics.raise_if_errors(sources)
    logger.debug("expanding %s", source.name)
    model = expand(
        bound, file_stem=Path(source.name).stem, root_file=source.name, sources=sources
    )
    logger.debug(
        "expanded into %d components and %d connections",
        len(model.components),
        len(model.connections),
    )
    return Compiled(model, sources)


def read_source(path: Path, name: str, sources: SourceSet) -> Source:
    """Read a design file as UTF-8; problems become diagnostics."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            _fail(
                name,
                sources,
                f"design file is {size} bytes; the limit is {MAX_FILE_BYTES}",
                "split the design with include",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        _fail(name, sources, f"design file not found: {path}", "check the path")
    except IsADirectoryError:
        _fail(
            name, sources, f"{path} is a folder, not a design file", "name a .arch file"
        )
    except OSError as error:
        _fail(name, sources, f"cannot read {path}: {error.strerror}", None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        source = Source(name, data.decode("utf-8", errors="replace"), path)
        sources.add(source)
        raise DesignError(
            [
                Diagnostic(
                    Severity.ERROR,
                    f"invalid UTF-8 byte 0x{data[error.start]:02x}",
                    Span.point(name, line, column),
                    "save the file as UTF-8",
                )
            ],
            sources,
        ) from None
    if "\x00" in text:
        index = text.index("\x00")
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        _fail(
            name,
            sources,
            "the file contains a NUL byte, so it is not a text file",
            "check that this is the design file",
            Span.point(name, line, column),
        )
    source = Source(name, text, path)
    sources.add(source)
    return source


def _fail(name, sources, message, hint, span=None):
    raise DesignError([Diagnostic(Severity.ERROR, message, span, hint)], sources)
