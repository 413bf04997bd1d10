"""Reading design files: size limit, UTF-8, and errors as diagnostics."""

from __future__ import annotations

from pathlib import Path

from archdsl.errors import DesignError, Diagnostic, Severity
from archdsl.source import Source, SourceSet, Span

#: Largest design file read, in bytes. Real designs are a few kilobytes.
MAX_FILE_BYTES = 1024 * 1024


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


def _fail(
    name: str,
    sources: SourceSet,
    message: str,
    hint: str | None,
    span: Span | None = None,
):
    raise DesignError([Diagnostic(Severity.ERROR, message, span, hint)], sources)
