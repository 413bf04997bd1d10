"""Replace ``include "file"`` statements with the statements of that file.

Paths are relative to the including file and must resolve (symbolic links
followed) to a file inside the root design's folder, so a design cannot
read files elsewhere on the machine. Every included file's spans name it by
its path relative to that folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from archdsl.errors import (
    INCLUDED_FROM,
    DesignError,
    Diagnostic,
    DiagnosticBag,
    Severity,
)
from archdsl.parse import ast, parse_source
from archdsl.parse.limits import MAX_NESTING
from archdsl.resolve.files import read_source
from archdsl.source import Source, SourceSet, Span

#: Deepest chain of includes followed.
MAX_INCLUDE_DEPTH = 16


@dataclass
class _Includer:
    root: Path
    sources: SourceSet
    diagnostics: DiagnosticBag = field(default_factory=DiagnosticBag)

    def expand(
        self,
        statements: tuple[ast.Statement, ...],
        chain: tuple[tuple[Path, Span | None], ...],
        depth: int = 0,
    ) -> tuple[ast.Statement, ...]:
        """Return ``statements`` with includes replaced.

        ``depth`` counts the blocks around ``statements``, those of the
        including files too, so that blocks in included files cannot nest
        deeper than one file may.
        """
        result: list[ast.Statement] = []
        for statement in statements:
            if (
                isinstance(statement, ast.Declaration)
                and statement.keyword.text == "include"
            ):
                result.extend(self._include(statement, chain, depth))
            elif isinstance(statement, ast.Block):
                if depth >= MAX_NESTING:
                    self._error(
                        statement.keyword.span,
                        f"blocks nest deeper than {MAX_NESTING} levels "
                        "once includes are read",
                        "move the inner statements out of their blocks",
                        chain,
                    )
                    continue
                body = self.expand(statement.body, chain, depth + 1)
                result.append(replace(statement, body=body))
            else:
                result.append(statement)
        return tuple(result)

    def _include(
        self,
        statement: ast.Declaration,
        chain: tuple[tuple[Path, Span | None], ...],
        depth: int,
    ) -> tuple[ast.Statement, ...]:
        target = self._target(statement, chain)
        if target is None:
            return ()
        name = target.relative_to(self.root).as_posix()
        inner_chain = (*chain, (target, statement.span))
        self.sources.note_include(name, _included_from(inner_chain))
        source = self.sources.get(name)
        try:
            if source is None:
                source = read_source(target, name, self.sources)
            document = parse_source(source, self.sources)
        except DesignError as error:
            notes = _included_from(inner_chain)
            self.diagnostics.items.extend(
                replace(diagnostic, notes=(*diagnostic.notes, *notes))
                for diagnostic in error.diagnostics
            )
            return ()
        return self.expand(document.statements, inner_chain, depth)

    def _target(
        self, statement: ast.Declaration, chain: tuple[tuple[Path, Span | None], ...]
    ) -> Path | None:
        strings = [item for item in statement.items if isinstance(item, ast.String)]
        if len(strings) != 1 or len(statement.items) != 1:
            shown = next(
                (
                    item.text
                    for item in statement.items
                    if not isinstance(item, ast.Option)
                ),
                "other.arch",
            )
            self._error(
                statement.span,
                "include takes one quoted path",
                f'write include "{shown}"',
                chain,
            )
            return None
        written = strings[0]
        including = chain[-1][0]
        target = (including.parent / written.text).resolve()
        if not target.is_relative_to(self.root):
            self._error(
                written.span,
                f"include '{written.text}' is outside the design's folder {self.root}",
                "keep included files in the design's folder or below it",
                chain,
            )
            return None
        if target.exists() and not target.is_file():
            # A folder, a pipe or a device: reading a pipe could block forever.
            self._error(
                written.span,
                f"include '{written.text}' is not a regular file",
                "include a .arch file",
                chain,
            )
            return None
        if not target.is_file():
            self.sources.missing.add(target)
            self._error(
                written.span,
                f"included file not found: {written.text}",
                "check the path; it is relative to the including file",
                chain,
            )
            return None
        if any(path == target for path, _ in chain):
            self._error(
                written.span,
                f"include cycle: {written.text} is already being read",
                "remove one of the includes in the chain below",
                chain,
            )
            return None
        if len(chain) > MAX_INCLUDE_DEPTH:
            self._error(
                written.span,
                f"includes nest deeper than {MAX_INCLUDE_DEPTH}",
                "flatten the chain of includes",
                chain,
            )
            return None
        return target

    def _error(
        self,
        span: Span,
        message: str,
        hint: str,
        chain: tuple[tuple[Path, Span | None], ...],
    ) -> None:
        notes = _included_from(chain)
        self.diagnostics.add(Diagnostic(Severity.ERROR, message, span, hint, notes))


def _included_from(
    chain: tuple[tuple[Path, Span | None], ...],
) -> tuple[tuple[Span, str], ...]:
    """Return an "included from here" note for each include in ``chain``, innermost first."""
    return tuple(
        (include_span, INCLUDED_FROM)
        for _, include_span in reversed(chain)
        if include_span is not None
    )


def resolve_includes(
    document: ast.Document, source: Source, sources: SourceSet
) -> ast.Document:
    """Return ``document`` with every include replaced by the included statements."""
    if source.path is None:
        root = Path.cwd().resolve()
        path = root / source.name
    else:
        path = source.path.resolve()
        root = path.parent
    includer = _Includer(root, sources)
    statements = includer.expand(document.statements, ((path, None),))
    includer.diagnostics.raise_if_errors(sources)
    return replace(document, statements=statements)
