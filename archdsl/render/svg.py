"""Make Graphviz SVG self-contained by embedding its icon images."""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

from archdsl.errors import RenderError

_IMAGE_REF = re.compile(rb'xlink:href="([^"]+)"')

_MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml"}


def embed_images(svg: bytes, image_root: Path) -> bytes:
    """Replace each ``xlink:href`` to a file under ``image_root`` with a data URI.

    References that are already URIs (``data:``, ``http:``, fragments) stay as
    they are. A reference to a file outside ``image_root`` is an error, so no
    output ever points at a path on the machine that drew it.
    """
    root = image_root.resolve()

    def replace(match: re.Match[bytes]) -> bytes:
        reference = match.group(1).decode("utf-8")
        if reference.startswith(("data:", "#", "http:", "https:")):
            return match.group(0)
        return b'xlink:href="' + _data_uri(str(root), reference).encode("ascii") + b'"'

    return _IMAGE_REF.sub(replace, svg)


@functools.cache
def _data_uri(root: str, reference: str) -> str:
    path = (Path(root) / reference).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise RenderError(
            f"diagram refers to an image outside the icon set: {reference}"
        )
    media_type = _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{media_type};base64,{encoded}"
