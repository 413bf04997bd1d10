"""The syntax tree of a design file.

Every node is a frozen dataclass that carries the :class:`Span` it was read
from. The tree mirrors the grammar: it records which words were written
where, and the statement vocabulary gives them meaning later.
"""

from __future__ import annotations

from dataclasses import dataclass

from archdsl.source import Span


@dataclass(frozen=True)
class Name:
    """An identifier: a keyword, a word, a component name or an option key."""

    text: str
    span: Span


@dataclass(frozen=True)
class Number:
    """A literal that starts with a digit, kept as written (``30d``, ``2``)."""

    text: str
    span: Span


@dataclass(frozen=True)
class String:
    """A double-quoted string, with escapes already decoded."""

    text: str
    span: Span


@dataclass(frozen=True)
class ListValue:
    items: tuple[Value, ...]
    span: Span


Value = Name | Number | String | ListValue


@dataclass(frozen=True)
class Option:
    """``key=value``, or a comparison such as ``amount>100`` in a filter."""

    key: Name
    operator: str
    value: Value
    span: Span


Item = Name | Number | String | Option


@dataclass(frozen=True)
class Declaration:
    """A keyword and its items: ``tier web in private asg min=2``."""

    keyword: Name
    items: tuple[Item, ...]
    span: Span


@dataclass(frozen=True)
class Block:
    """A declaration that owns a body: ``cell x3 { ... }``."""

    keyword: Name
    items: tuple[Item, ...]
    body: tuple[Statement, ...]
    span: Span


@dataclass(frozen=True)
class Ref:
    """A reference to a named component, possibly qualified: ``cell.api``."""

    parts: tuple[Name, ...]
    span: Span

    @property
    def text(self) -> str:
        return ".".join(part.text for part in self.parts)


@dataclass(frozen=True)
class Flow:
    """``a -> b ~> [c, d] "label" port=443``.

    ``steps`` holds one tuple of references per endpoint; a bracketed list
    gives several. ``arrows[i]`` joins ``steps[i]`` and ``steps[i + 1]``.
    """

    steps: tuple[tuple[Ref, ...], ...]
    arrows: tuple[Name, ...]
    items: tuple[Item, ...]
    span: Span


Statement = Declaration | Block | Flow


@dataclass(frozen=True)
class Document:
    """One parsed file."""

    file: str
    statements: tuple[Statement, ...]
