"""Diagnostics and the exception tree.

Every problem with a design is a :class:`Diagnostic`: a severity, a message,
the span it points at and a hint saying what to do next. Stages collect
diagnostics instead of raising at the first one; when a stage ends with
errors it raises :class:`DesignError` carrying all of them. Everything this
package raises on purpose derives from :class:`ArchdslError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from archdsl.controls import replace_controls
from archdsl.source import SourceSet, Span

#: Diagnostics printed before the rest are summarised as "and N more".
MAX_SHOWN = 20

#: Characters of a source line that a message quotes. A longer line is cut
#: to this many around the caret, with "..." where it was cut, so that a
#: 1 MiB line never reaches the terminal in full.
MAX_EXCERPT = 120
#: Characters quoted before the caret when a long line is cut.
EXCERPT_BEFORE_CARET = 40


#: The note that shows, for a problem in an included file, where it was included.
INCLUDED_FROM = "included from here"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    message: str
    span: Span | None = None
    hint: str | None = None
    notes: tuple[tuple[Span, str], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "severity": self.severity.value,
            "message": self.message,
        }
        if self.span is not None:
            data["location"] = self.span.to_json()
        if self.hint:
            data["hint"] = self.hint
        return data


class ArchdslError(Exception):
    """Root of every error archdsl raises on purpose."""

    exit_code = 2


class DesignError(ArchdslError):
    """A design could not be compiled; ``diagnostics`` holds the reasons."""

    def __init__(self, diagnostics: Iterable[Diagnostic], sources: SourceSet | None):
        self.diagnostics = tuple(diagnostics)
        self.sources = sources
        first = self.diagnostics[0].message if self.diagnostics else "invalid design"
        super().__init__(first)

    def format(self) -> str:
        return format_diagnostics(self.diagnostics, self.sources)


class UsageError(ArchdslError):
    """The command line requests something archdsl cannot do."""


class RenderError(ArchdslError):
    """Drawing the diagram failed after the design compiled."""


class GraphvizNotFoundError(RenderError):
    def __init__(self) -> None:
        super().__init__(
            "Graphviz's 'dot' program was not found on PATH; archdsl needs it "
            "to draw diagrams.\n"
            "  hint: install Graphviz (Debian/Ubuntu: 'sudo apt-get install "
            "graphviz', macOS: 'brew install graphviz'), or run "
            "scripts/setup.sh from the archdsl checkout"
        )


class OutputError(ArchdslError):
    """An output file could not be written."""


@dataclass
class DiagnosticBag:
    """Diagnostics collected by one stage, in the order they were found."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, message: str, span: Span | None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(Severity.ERROR, message, span, hint))

    def warning(self, message: str, span: Span | None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(Severity.WARNING, message, span, hint))

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    def raise_if_errors(self, sources: SourceSet | None) -> None:
        """Raise DesignError with the errors; warnings wait for a clean run."""
        if self.has_errors:
            errors = list(dict.fromkeys(d for d in self.items if d.is_error))
            raise DesignError(sorted_diagnostics(errors), sources)


def sorted_diagnostics(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order diagnostics by file position, keeping same-place ones in order."""

    def position(item: tuple[int, Diagnostic]) -> tuple:
        index, diagnostic = item
        span = diagnostic.span
        if span is None:
            return ("", 0, 0, index)
        return (span.file, span.line, span.column, index)

    return [d for _, d in sorted(enumerate(items), key=position)]


def format_diagnostic(diagnostic: Diagnostic, sources: SourceSet | None) -> str:
    """Format one diagnostic as ``path:line:col: severity: message``.

    The source line follows with a caret under the span, then the hint.
    """
    span = diagnostic.span
    header = f"{diagnostic.severity.value}: {replace_controls(diagnostic.message)}"
    if span is None:
        lines = [header]
    else:
        path = sources.display_path(span.file) if sources else span.file
        lines = [f"{path}:{span.line}:{span.column}: {header}"]
        lines.extend(_caret_lines(span, sources))
    notes = diagnostic.notes
    # Stages after include resolution know spans, not include chains.
    if (
        span is not None
        and sources is not None
        and not any(text == INCLUDED_FROM for _, text in notes)
    ):
        notes = (*notes, *sources.include_notes(span.file))
    for note_span, note in notes:
        path = sources.display_path(note_span.file) if sources else note_span.file
        lines.append(f"{path}:{note_span.line}:{note_span.column}: note: {note}")
    if diagnostic.hint:
        lines.append(f"  hint: {replace_controls(diagnostic.hint)}")
    return "\n".join(lines)


def format_diagnostics(
    diagnostics: Iterable[Diagnostic], sources: SourceSet | None
) -> str:
    items = list(diagnostics)
    shown = [format_diagnostic(d, sources) for d in items[:MAX_SHOWN]]
    if len(items) > MAX_SHOWN:
        shown.append(f"... and {len(items) - MAX_SHOWN} more")
    return "\n".join(shown)


def source_excerpt(span: Span, sources: SourceSet | None) -> list[str]:
    """Return the source line of ``span`` and a caret line under it, or nothing."""
    return _caret_lines(span, sources)


def _caret_lines(span: Span, sources: SourceSet | None) -> list[str]:
    source = sources.get(span.file) if sources else None
    if source is None:
        return []
    text = source.line(span.line)
    if not text.strip():
        return []
    start = min(max(span.column - 1, 0), len(text))
    if span.end_line == span.line:
        width = max(1, span.end_column - span.column)
    else:
        width = max(1, len(text) - start)
    first, last = _excerpt_window(len(text), start)
    width = min(width, max(1, last - start))
    lead = "..." if first > 0 else ""
    tail = "..." if last < len(text) else ""
    shown = _printable(text[first:last])
    # Tabs are kept in the prefix so the caret lines up under the source.
    prefix = "".join(ch if ch == "\t" else " " for ch in shown[: start - first])
    gutter = f"{span.line:>4} | "
    margin = " " * (len(gutter) - 2) + "| " + " " * len(lead)
    return [
        f"{gutter}{lead}{shown}{tail}",
        margin + prefix + "^" + "~" * (width - 1),
    ]


def _excerpt_window(length: int, start: int) -> tuple[int, int]:
    """Return the slice of a line of ``length`` characters to quote for a caret at ``start``."""
    if length <= MAX_EXCERPT:
        return 0, length
    first = max(0, start - EXCERPT_BEFORE_CARET)
    last = min(length, first + MAX_EXCERPT)
    return max(0, last - MAX_EXCERPT), last


def _printable(text: str) -> str:
    """Replace control and format characters, so a quoted line cannot drive the terminal.

    Each is replaced by one U+FFFD, which keeps the caret under the right column.
    """
    return "".join(ch if ch.isprintable() or ch == "\t" else "\ufffd" for ch in text)
