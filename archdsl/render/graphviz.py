"""Run Graphviz's ``dot`` program on DOT source."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from archdsl.errors import GraphvizNotFoundError, RenderError

logger = logging.getLogger(__name__)

#: Seconds ``dot`` may run before the render is abandoned. Layouts of a few
#: thousand nodes with spline edges finish in a few seconds on two cores.
DOT_TIMEOUT = 120

#: Lines of Graphviz's own output quoted in an error.
MAX_ERROR_LINES = 5


class LayoutError(RenderError):
    """Graphviz ran but could not lay the graph out."""


def dot_program() -> str:
    program = shutil.which("dot")
    if program is None:
        raise GraphvizNotFoundError()
    return program


def run_dot(source: str, output_format: str, image_path: Path) -> bytes:
    """Lay out ``source`` and return the output in ``output_format``.

    ``image_path`` is the folder that relative node images resolve against.
    """
    command = [dot_program(), f"-T{output_format}", f"-Gimagepath={image_path}"]
    logger.debug("running %s", " ".join(command))
    try:
        result = subprocess.run(
            command,
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GraphvizNotFoundError() from None
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"Graphviz took longer than {DOT_TIMEOUT} s to lay out the diagram; "
            "split the design or render fewer components"
        ) from None
    stderr = result.stderr.decode("utf-8", errors="replace").strip()
    if result.returncode < 0:
        # dot was killed by a signal: Ctrl-C reached the whole process group.
        raise KeyboardInterrupt
    if result.returncode != 0:
        lines = [
            line
            for line in stderr.splitlines()
            if "size too small for label" not in line
        ]
        shown = "\n".join(lines[:MAX_ERROR_LINES])
        more = (
            f"\n... and {len(lines) - MAX_ERROR_LINES} more lines"
            if len(lines) > MAX_ERROR_LINES
            else ""
        )
        raise LayoutError(f"Graphviz failed (exit {result.returncode}): {shown}{more}")
    for line in stderr.splitlines():
        # Labels wider than the fixed icon width overflow it, which is fine.
        if "size too small for label" not in line:
            logger.warning("Graphviz: %s", line)
    return result.stdout
