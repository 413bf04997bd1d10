"""Reading design files: size limit, UTF-8, and errors as diagnostics."""

from __future__ import annotations

from pathlib import Path

from archdsl.errors import DesignError, Diagnostic, Severity
from archdsl.source import Source, SourceSet, Span

#: Largest design file read, in bytes. Real designs are a few kilobytes.
MAX_FILE_BYTES = 1024 * 1024


def read_source(path: Path, name: str, sources: SourceSet) -> Source:
    """Read a design file as UTF-8; problems become diagnostics.

    At most :data:`MAX_FILE_BYTES` + 1 bytes are read, so a device or a pipe
    that never ends (``/dev/zero``) is rejected as too large instead of
    filling memory.
    """
    start = Span.point(name, 1, 1)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        _fail(name, sources, f"design file not found: {path}", "check the path")
    except IsADirectoryError:
        _fail(
            name, sources, f"{path} is a folder, not a design file", "name a .arch file"
        )
    except OSError as error:
        _fail(name, sources, f"cannot read {path}: {error.strerror}", None, start)
    if len(data) > MAX_FILE_BYTES:
        _fail(
            name,
            sources,
            f"design file is larger than {MAX_FILE_BYTES} bytes (1 MiB)",
            "split the design into files joined with include",
            start,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        if line == 1:
            column -= before.startswith("\ufeff")
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
        text = text.removeprefix("\ufeff")
        index = text.index("\x00")
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        sources.add(Source(name, text, path))
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
