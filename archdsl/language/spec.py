"""Statement specs: the vocabulary each keyword accepts.

A :class:`StatementSpec` lists what may follow a keyword: the name, sets of
mutually exclusive words (``aurora`` or ``rds``), clauses that pair a word
with a value (``in private``, ``behind alb``) and ``key=value`` options. An
option of type :class:`~archdsl.language.types.Bool` may also be written as
its bare key (``multi_az`` means ``multi_az=on``).

Specs are data; :mod:`archdsl.language.bind` checks declarations against
them and docs/language.md is generated from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from archdsl.language.types import Bool, ValueType

NameRule = Literal["required", "optional", "none"]


@dataclass(frozen=True)
class OptionSpec:
    key: str
    type: ValueType
    doc: str
    default: str | None = None
    operators: tuple[str, ...] = ("=",)

    @property
    def is_flag(self) -> bool:
        return isinstance(self.type, Bool)


@dataclass(frozen=True)
class WordSet:
    """Mutually exclusive bare words; the chosen one is stored under ``key``."""

    key: str
    values: dict[str, str]
    doc: str
    default: str | None = None


@dataclass(frozen=True)
class ClauseSpec:
    """A word followed by a value, such as ``in private``; stored under ``key``."""

    word: str
    key: str
    type: ValueType
    doc: str
    default: str | None = None


@dataclass(frozen=True)
class StatementSpec:
    keyword: str
    summary: str
    example: str
    name: NameRule = "required"
    default_name: str | None = None
    words: tuple[WordSet, ...] = ()
    clauses: tuple[ClauseSpec, ...] = ()
    options: tuple[OptionSpec, ...] = ()
    label: bool = False
    body: bool = False
    #: A word ``x<N>`` sets the ``count`` option (``cell shard x3``).
    repeat: bool = False
    #: Type of options whose keys the spec does not list, as filter
    #: policies and event patterns need; None rejects unknown keys.
    free_options: ValueType | None = None
    #: False when the name after the keyword refers to another statement
    #: (``sub cars to orders``) instead of declaring a new one, so it may
    #: repeat a name that is already defined.
    declares: bool = True
    #: Section of docs/language.md this statement is listed under.
    section: str = "Core"
    #: Whether the name lives in the namespace of the enclosing region or
    #: cell block. False for a waiver, whose name is a checklist rule id.
    scoped_name: bool = True
    details: tuple[str, ...] = field(default=())

    def option(self, key: str) -> OptionSpec | None:
        for option in self.options:
            if option.key == key:
                return option
        return None

    def word_set_of(self, word: str) -> WordSet | None:
        for word_set in self.words:
            if word in word_set.values:
                return word_set
        return None

    def clause(self, word: str) -> ClauseSpec | None:
        for clause in self.clauses:
            if clause.word == word:
                return clause
        return None

    def vocabulary(self) -> list[str]:
        """Every bare word this statement accepts after its name."""
        words = [w for ws in self.words for w in ws.values]
        words += [c.word for c in self.clauses]
        words += [o.key for o in self.options if o.is_flag]
        return words


_REGISTRY: dict[str, StatementSpec] = {}


def register(*specs: StatementSpec) -> None:
    for spec in specs:
        if spec.keyword in _REGISTRY:
            raise ValueError(f"statement '{spec.keyword}' is registered twice")
        _REGISTRY[spec.keyword] = spec


def lookup(keyword: str) -> StatementSpec | None:
    _load_vocabulary()
    return _REGISTRY.get(keyword)


def keywords() -> list[str]:
    _load_vocabulary()
    return list(_REGISTRY)


def specs() -> list[StatementSpec]:
    _load_vocabulary()
    return list(_REGISTRY.values())


def _load_vocabulary() -> None:
    # Importing the vocabulary modules registers their specs.
    from archdsl.language import statements  # noqa: F401
