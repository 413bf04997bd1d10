"""Design documents: one markdown page per design, with its diagram.

:func:`build_document` returns the files of a document (``README.md``,
``diagram.svg``, ``diagram.png``) as bytes without touching the disk, so
``--check`` can compare them with what is there. Output is deterministic:
no timestamps, no absolute paths, stable ordering.
"""

from __future__ import annotations

import difflib
import logging
import os
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from archdsl.compiler import Compiled
from archdsl.controls import replace_controls
from archdsl.errors import ArchdslError, OutputError, UsageError


class TemplateError(ArchdslError):
    """A user's template could not be loaded or rendered."""


logger = logging.getLogger(__name__)

README = "README.md"
SVG = "diagram.svg"
PNG = "diagram.png"


def document_folder(output: Path, design: Path) -> Path:
    """Return the folder of ``design``'s document under ``output``.

    Each document gets a subfolder named after its design, unless ``output``
    already has that name. Raise UsageError when that name would leave
    ``output`` (a design called ``...arch`` has the stem ``..``) or when the
    subfolder is a symbolic link, which could send the files anywhere.
    """
    stem = design.stem
    if stem in ("", ".", ".."):
        raise UsageError(
            f"cannot name a document folder after '{design.name}': without its "
            f"extension the name is '{stem}'; rename the design file"
        )
    if output.name == stem:
        return output
    folder = output / stem
    if folder.is_symlink():
        raise UsageError(
            f"{folder} is a symbolic link; archdsl writes documents only into "
            "real folders below the -o folder. Remove the link, or pass its "
            "target as -o"
        )
    return folder


@dataclass
class Document:
    folder: Path
    files: dict[str, bytes]


def build_document(
    compiled: Compiled,
    design_path: Path,
    folder: Path,
    *,
    templates: Path | None = None,
    png: bool = True,
) -> Document:
    """Render the document of one compiled design for ``folder``."""
    from archdsl.render import render

    model = compiled.model
    readme = build_readme(compiled, design_path, folder, templates=templates, png=png)
    files = {README: readme, SVG: render(model, "svg")}
    if png:
        files[PNG] = render(model, "png")
    return Document(folder, files)


def build_readme(
    compiled: Compiled,
    design_path: Path,
    folder: Path,
    *,
    templates: Path | None = None,
    png: bool = True,
) -> bytes:
    """Return the document's markdown text; Graphviz does not run.

    Without ``png`` the text does not link the PNG copy of the diagram.
    """
    from archdsl.check.engine import run_check
    from archdsl.check.simulate import Scenario, simulate
    from archdsl.docs.context import DocumentInputs, build_context

    model = compiled.model
    check = run_check(model)
    first_region = model.design.regions[0]
    az_losses = [
        simulate(model, Scenario("az-loss", az))
        for az in model.design.azs[first_region]
    ]
    region_losses = []
    if len(model.design.regions) > 1:
        region_losses = [
            simulate(model, Scenario("region-loss", r)) for r in model.design.regions
        ]
    inputs = DocumentInputs(
        model=model,
        check=check,
        az_losses=az_losses,
        region_losses=region_losses,
        source_link=_relative(design_path, folder),
        diagram_svg=SVG,
        diagram_png=PNG if png else None,
    )
    logger.info("writing the document of %s", model.design.name)
    text = _render_template(templates, build_context(inputs))
    return replace_controls(_tidy(text)).encode("utf-8")


def _render_template(templates: Path | None, context: dict) -> str:
    import jinja2

    from archdsl.docs.markdown import environment

    try:
        return environment(templates).get_template("design.md.j2").render(context)
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or error.name}:{error.lineno}"
        raise TemplateError(f"template {where}: {error.message}") from None
    except jinja2.TemplateNotFound as error:
        raise TemplateError(
            f"template not found: {error.name}; templates may include only files "
            f"in {templates or 'archdsl'}"
        ) from None
    except jinja2.TemplateError as error:
        message = str(error).rstrip(".")
        raise TemplateError(
            f"template error: {message}; check the templates in {templates or 'archdsl'}"
        ) from None
    except RecursionError:
        raise TemplateError(
            "template error: the templates include or call each other without "
            f"end; check the includes and macros in {templates or 'archdsl'}"
        ) from None
    except Exception as error:
        # An expression in a user's template failed, such as {{ 1 / 0 }}.
        # Without a user folder only archdsl's own templates ran, so it re-raises.
        if templates is None:
            raise
        raise TemplateError(
            f"template {_template_line(error.__traceback__)}: "
            f"{type(error).__name__}: {error}; fix the expression on that line"
        ) from None


def _template_line(trace: TracebackType | None) -> str:
    """Return ``file:line`` of the innermost template frame in ``trace``.

    jinja2 rewrites tracebacks so that a template's frames carry the
    template's file name and line.
    """
    where = "error"
    for frame in traceback.extract_tb(trace):
        if frame.filename.endswith(".j2"):
            where = f"{frame.filename}:{frame.lineno}"
    return where


def _relative(target: Path, folder: Path) -> str:
    """Return ``target`` relative to ``folder``, with forward slashes."""
    relative = os.path.relpath(target.resolve(), folder.resolve())
    return Path(relative).as_posix()


def _tidy(text: str) -> str:
    """Collapse runs of blank lines left by template blocks; end with one newline."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line and lines and not lines[-1]:
            continue
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def write_document(document: Document) -> list[Path]:
    """Write the document's files and return the leftover files it removed."""
    from archdsl.output import write_atomic

    if document.folder.exists() and not document.folder.is_dir():
        raise OutputError(f"output path is a file, not a folder: {document.folder}")
    try:
        document.folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"cannot create {document.folder}: {error.strerror}"
        ) from None
    for name, data in document.files.items():
        # archdsl names these files, so a link in their place is replaced,
        # never written through.
        write_atomic(document.folder / name, data, follow_symlinks=False)
    removed = _leftovers(document)
    for path in removed:
        try:
            path.unlink()
        except OSError as error:
            raise OutputError(f"cannot remove {path}: {error.strerror}") from None
    return removed


def _leftovers(document: Document) -> list[Path]:
    """Return the files archdsl names that this document does not have.

    A run with ``--no-png`` leaves no PNG, so an earlier run's PNG is one.
    """
    return [
        document.folder / name
        for name in (README, SVG, PNG)
        if name not in document.files and os.path.lexists(document.folder / name)
    ]


def stale_files(document: Document) -> list[tuple[str, str]]:
    """Return (file, explanation) for every file that differs from the disk.

    A text file's explanation is a unified diff of its first differing hunk.
    """
    stale = []
    for name, data in document.files.items():
        path = document.folder / name
        if not path.is_file():
            stale.append((str(path), "missing"))
            continue
        current = path.read_bytes()
        if current == data:
            continue
        if name.endswith((".md", ".svg")):
            stale.append((str(path), _first_hunk(path, current, data)))
        else:
            stale.append((str(path), "differs (binary file)"))
    for path in _leftovers(document):
        stale.append(
            (str(path), "left from an earlier run; the document no longer has it")
        )
    return stale


def _first_hunk(path: Path, current: bytes, wanted: bytes) -> str:
    diff = difflib.unified_diff(
        current.decode("utf-8", errors="replace").splitlines(),
        wanted.decode("utf-8", errors="replace").splitlines(),
        fromfile=f"{path} (on disk)",
        tofile=f"{path} (generated)",
        lineterm="",
        n=2,
    )
    lines = []
    hunks = 0
    for line in diff:
        if line.startswith("@@"):
            hunks += 1
            if hunks > 1:
                break
        lines.append(line[:300])
        if len(lines) > 40:
            lines.append("...")
            break
    return "\n".join(lines)
