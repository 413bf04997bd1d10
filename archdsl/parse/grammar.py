"""Loading the lark grammar that ships with the package."""

from __future__ import annotations

import functools
import hashlib
import os
from importlib import resources
from pathlib import Path

import lark
from lark import Lark

GRAMMAR_FILE = "archdsl.lark"


def grammar_text() -> str:
    """Return the text of ``archdsl.lark``.

    An installed wheel carries the grammar as package data in
    ``archdsl/grammar/``. A source checkout (an editable install) keeps it in
    the repository's top-level ``grammar/`` folder next to the package.
    """
    packaged = resources.files("archdsl").joinpath("grammar", GRAMMAR_FILE)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_FILE
    return checkout.read_text(encoding="utf-8")


@functools.cache
def parser() -> Lark:
    text = grammar_text()
    return Lark(
        text,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=_cache_file(text) or False,
    )


def _cache_file(text: str) -> str | None:
    """Return where lark may keep the built parse tables, or None for no cache.

    Building the LALR tables takes about 0.1 s of every command's start and
    loading them a few milliseconds. lark unpickles the file, so it lives in
    the user's own cache folder (mode 0700), never in the shared temp folder
    where another user could plant one.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "archdsl"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    digest = hashlib.sha256(f"{lark.__version__}\n{text}".encode()).hexdigest()[:16]
    return str(folder / f"grammar-{digest}.lark")
