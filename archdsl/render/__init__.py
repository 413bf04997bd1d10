"""Render: the model in, a diagram out (PNG, SVG, PDF or DOT).

Renderers see only the :class:`~archdsl.model.Model`. ``dot`` output is the
Graphviz source that the other formats are laid out from. Its node images
are paths relative to the ``diagrams`` icon folder, so the DOT is the same
on every machine.
"""

from __future__ import annotations

import logging
from pathlib import Path

from archdsl.errors import UsageError
from archdsl.model import Model
from archdsl.render.graphviz import DotPool, LayoutError

logger = logging.getLogger(__name__)

FORMATS = ("png", "svg", "pdf", "dot")

_DOT_HEADER = (
    "// Drawn by archdsl. Node images are relative to the icon folder that\n"
    "// 'archdsl icons' prints: dot -Tsvg -Gimagepath=\"$(archdsl icons)\" FILE\n"
)


def format_for(path: str | Path, requested: str | None = None) -> str:
    """Return the output format: ``requested``, else the file's extension."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if str(path) != "-" and Path(path).is_dir():
        raise UsageError(
            f"output path is a folder: {path}; name a file such as out.svg"
        )
    if requested and suffix in FORMATS and suffix != requested.lower():
        raise UsageError(
            f"--format {requested} does not match the extension of '{path}'; "
            "drop --format or rename the file"
        )
    if requested:
        fmt = requested.lower()
    else:
        suffix = Path(path).suffix.lower().lstrip(".")
        if not suffix:
            raise UsageError(
                f"cannot tell the format of '{path}': it has no extension; "
                f"use one of .{', .'.join(FORMATS)} or pass --format"
            )
        fmt = suffix
    if fmt not in FORMATS:
        raise UsageError(
            f"unsupported output format '{fmt}'; choose one of {', '.join(FORMATS)}"
        )
    return fmt


def build_dot(
    model: Model, *, align_replicas: bool = True, splines: str = "spline"
) -> str:
    """Return the DOT source; control characters in labels become U+FFFD.

    Graphviz copies label text into SVG as it is, and an SVG that contains a
    control character is not well-formed XML.
    """
    from archdsl.controls import replace_controls
    from archdsl.render.diagram import build_dot as build

    source = build(model, align_replicas=align_replicas, splines=splines)
    return _DOT_HEADER + replace_controls(source)


def render(model: Model, fmt: str, *, pool: DotPool | None = None) -> bytes:
    """Return the diagram of ``model`` in ``fmt`` as bytes.

    ``pool`` hands out ``dot`` processes started ahead of time (watch mode).
    """
    from archdsl.render.diagram import icons_root
    from archdsl.render.graphviz import run_dot
    from archdsl.render.svg import embed_images

    source = build_dot(model)
    if fmt == "dot":
        return source.encode("utf-8")
    logger.info("laying out %d components with Graphviz", len(model.components))
    try:
        output = run_dot(source, fmt, icons_root(), pool=pool)
    except LayoutError as error:
        # Graphviz 2.43 fails ("trouble in init_rank") on some designs with
        # many clusters when nodes in different clusters share a rank. The
        # picture without that alignment is still correct.
        logger.warning("laying out again without aligning replicas: %s", error)
        unaligned = build_dot(model, align_replicas=False)
        try:
            output = run_dot(unaligned, fmt, icons_root(), pool=pool)
        except LayoutError as second:
            # Spline routing can also fail ("triangulation failed ... lost
            # edge") around edges into clusters. Straight edges skip that step.
            logger.warning("laying out again with straight edges: %s", second)
            straight = build_dot(model, align_replicas=False, splines="line")
            output = run_dot(straight, fmt, icons_root(), pool=pool)
    if fmt == "svg":
        output = embed_images(output, icons_root())
    return output
