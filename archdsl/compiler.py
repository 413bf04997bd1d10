"""The pipeline from a design file to the model.

:func:`compile_source` reads as the list of stages: parse, resolve includes,
bind against the vocabulary, flatten blocks, expand. Each stage raises
:class:`~archdsl.errors.DesignError` with every problem it found.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from archdsl.errors import DiagnosticBag
from archdsl.expand import expand
from archdsl.gcpause import collector_paused
from archdsl.language import Binder
from archdsl.model import Model
from archdsl.parse import parse_source
from archdsl.resolve import flatten, read_source, resolve_includes
from archdsl.source import Source, SourceSet

logger = logging.getLogger(__name__)


@dataclass
class Compiled:
    model: Model
    #: Every file read, the root design first; watch mode watches their paths.
    sources: SourceSet


def compile_file(path: str | Path) -> Compiled:
    """Compile the design at ``path``; raise :class:`DesignError` if it is invalid."""
    path = Path(path)
    display_root = str(path.parent) if str(path.parent) != "." else ""
    sources = SourceSet(display_root=display_root)
    source = read_source(path, path.name, sources)
    return compile_source(source, sources)


def compile_text(text: str, name: str = "design.arch") -> Compiled:
    """Compile a design held in memory; includes resolve against the current folder."""
    sources = SourceSet()
    source = Source(name, text)
    sources.add(source)
    return compile_source(source, sources)


@collector_paused()
def compile_source(source: Source, sources: SourceSet) -> Compiled:
    logger.debug("parsing %s", source.name)
    document = parse_source(source, sources)
    document = resolve_includes(document, source, sources)

    binder = Binder()
    bound = binder.bind_all(document.statements)
    binder.diagnostics.raise_if_errors(sources)

    diagnostics = DiagnosticBag()
    statements = flatten(bound, diagnostics)
    diagnostics.raise_if_errors(sources)

    logger.debug("expanding %d statements", len(statements))
    model = expand(
        statements,
        file_stem=Path(source.name).stem,
        root_file=source.name,
        sources=sources,
    )
    logger.debug(
        "expanded into %d components and %d connections",
        len(model.components),
        len(model.connections),
    )
    return Compiled(model, sources)
