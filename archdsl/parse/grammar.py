"""Loading the lark grammar that ships with the package."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

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
    # cache=True makes lark keep the built LALR tables in the temp folder,
    # keyed by a hash of the grammar, options and lark version; building
    # them takes about 0.1 s, loading them a few milliseconds.
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=True,
    )
