"""Source files and positions inside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Span:
    """A range of characters in a design file.

    ``file`` is the path relative to the folder of the design being compiled
    (the root design's own file name for the root), so that spans, and
    everything built from them, do not depend on where the design sits on
    disk. Lines and columns count from 1; ``end_column`` points one past the
    last character, as lark reports it.
    """

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, file: str, line: int, column: int) -> Span:
        return cls(file, line, column, line, column + 1)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column}


@dataclass
class Source:
    """The text of one design file and where it was read from.

    A leading byte order mark is dropped, because the parser never receives it
    and columns on the first line would otherwise be off by one.
    """

    name: str
    text: str
    path: Path | None = None
    _lines: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.text = self.text.removeprefix("\ufeff")

    def line(self, number: int) -> str:
        """Return line ``number`` (1-based) without its line break.

        Lines end at LF only, as the parser counts them: a lone CR, a form
        feed or U+2028 inside a line does not start a new one.
        """
        if not self._lines:
            self._lines = [line.removesuffix("\r") for line in self.text.split("\n")]
        if 1 <= number <= len(self._lines):
            return self._lines[number - 1]
        return ""


class SourceSet:
    """Every file read while compiling one design, keyed by ``Span.file``.

    ``display_root`` is the folder of the root design as the user wrote it on
    the command line, so that messages name files the way the user does.
    """

    def __init__(self, display_root: str = "") -> None:
        self.display_root = display_root
        self._sources: dict[str, Source] = {}
        self._include_notes: dict[str, tuple[tuple[Span, str], ...]] = {}
        #: Included files that were not found, as absolute paths.
        self.missing: set[Path] = set()

    def add(self, source: Source) -> None:
        self._sources[source.name] = source

    def note_include(self, name: str, notes: tuple[tuple[Span, str], ...]) -> None:
        """Record where file ``name`` was first included from, innermost include first."""
        self._include_notes.setdefault(name, notes)

    def include_notes(self, name: str) -> tuple[tuple[Span, str], ...]:
        """Return the "included from here" notes of file ``name``; none for the root."""
        return self._include_notes.get(name, ())

    def get(self, name: str) -> Source | None:
        return self._sources.get(name)

    def display_path(self, name: str) -> str:
        if not self.display_root:
            return name
        return str(Path(self.display_root) / name)

    def __iter__(self):
        return iter(self._sources.values())
