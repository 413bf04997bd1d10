"""Hypothesis strategies that produce design files for the fuzz tests.

Four families, from shallow to deep:

- :func:`random_bytes`: arbitrary bytes, some with a UTF-8 BOM or NUL.
- :func:`token_soups`: sequences of the grammar's own tokens (keywords and
  words from the statement vocabulary, operators, arrows, braces, strings,
  numbers, comments and line breaks) in random order.
- :func:`mutated_corpus`: every design under ``examples/``, ``tests/cases/``
  and ``tests/checks/`` with lines deleted, tokens swapped, the file truncated,
  non-UTF-8 bytes, CRLF, tabs, a BOM, very long lines and names, deep
  nesting or huge counts.
- :func:`generated_designs`: designs built from the statement specs, so that
  most of them bind and reach expansion, the checklist and the renderers.

Every strategy returns bytes, the content of one design file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from archdsl.catalog import KINDS
from archdsl.language import specs
from archdsl.language.spec import StatementSpec
from archdsl.language.types import (
    Bool,
    Choice,
    Cidr,
    DomainName,
    Duration,
    FilterValues,
    Int,
    KindName,
    ListOf,
    Reference,
    Size,
    Text,
)

ROOT = Path(__file__).resolve().parents[2]

#: Design files the mutations start from. Their ``include``s resolve against
#: a copy of ``parts/`` in the fuzz workspace.
CORPUS = tuple(
    sorted(
        [
            *(ROOT / "examples").glob("*.arch"),
            *(ROOT / "tests" / "cases").glob("*.arch"),
            *(ROOT / "tests" / "checks").glob("*.arch"),
        ]
    )
)
PARTS = tuple(
    sorted(
        [
            *(ROOT / "examples" / "parts").glob("*.arch"),
            *(ROOT / "tests" / "cases" / "parts").glob("*.arch"),
        ]
    )
)

OPERATORS = ("=", "!=", ">=", "<=", ">", "<", "^=")
ARROWS = ("->", "~>", "=>", "..>")
PUNCTUATION = ("{", "}", "[", "]", ",", ".", ":", "-", "\\")
LINE_BREAKS = ("\n", "\r\n", "\n\n", "\\\n", "\r")

#: Text that must reach every output as text: quotes, backslashes, markup,
#: table and code characters, control characters and non-ASCII.
HOSTILE_CHARACTERS = (
    "\"'\\<>&|`*_[]{}#!~$%;/\t\n é中🙂\u202e\u2028\u00a0\x0b\x0c\x1babcXYZ019-."
)

NAMES = (
    "web",
    "app",
    "api",
    "orders",
    "sessions",
    "fn",
    "jobs",
    "events",
    "site",
    "users",
    "data",
    "shard",
    "entry",
    "key1",
    "a-b",
    "x3",
)


@functools.cache
def _statement_specs() -> tuple[StatementSpec, ...]:
    return tuple(spec for spec in specs() if spec.keyword != "flow")


@functools.cache
def _flow_spec() -> StatementSpec:
    return next(spec for spec in specs() if spec.keyword == "flow")


@functools.cache
def vocabulary() -> tuple[str, ...]:
    """Return every keyword, word, clause word, option key and choice in the specs."""
    words: set[str] = set()
    for spec in specs():
        words.add(spec.keyword)
        words.update(spec.vocabulary())
        words.update(option.key for option in spec.options)
        for option in spec.options:
            if isinstance(option.type, Choice):
                words.update(option.type.values)
        for clause in spec.clauses:
            if isinstance(clause.type, Choice):
                words.update(clause.type.values)
    return tuple(sorted(words))


def dsl_string(text: str) -> str:
    """Quote ``text`` as a design-language string literal."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def hostile_text(max_size: int = 24) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(HOSTILE_CHARACTERS), max_size=max_size)


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 70_000).map(str),
        st.sampled_from(
            (
                "0",
                "1",
                "101",
                "100000",
                "30d",
                "15m",
                "90s",
                "512MB",
                "1TB",
                "0.5",
                "10.0.0.0/16",
                "10.0.0.0/28",
                "2026-01-01",
                "9" * 40,
                "9" * 5000,
            )
        ),
        st.integers(0, 10**30).map(lambda n: f"{n}d"),
    )


def names() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NAMES),
        st.from_regex(
            r"[A-Za-z_][A-Za-z0-9_]{0,10}(-[A-Za-z0-9_]{1,4}){0,2}", fullmatch=True
        ),
    )


# Random bytes -------------------------------------------------------------


def random_bytes() -> st.SearchStrategy[bytes]:
    prefixes = st.sampled_from((b"", b"\xef\xbb\xbf", b"design d\n", b"\x00"))
    return st.tuples(prefixes, st.binary(max_size=400)).map(lambda pair: b"".join(pair))


# Token soups --------------------------------------------------------------


def tokens() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(vocabulary()),
        names(),
        st.sampled_from(OPERATORS),
        st.sampled_from(ARROWS),
        st.sampled_from(PUNCTUATION),
        st.sampled_from(LINE_BREAKS),
        hostile_text().map(dsl_string),
        numbers(),
        st.just("# a comment"),
        st.sampled_from(('"unterminated', '"bad \\q escape"', "x100000", "x0")),
    )


@st.composite
def token_soups(draw: st.DrawFn) -> bytes:
    parts = draw(st.lists(tokens(), max_size=60))
    separators = draw(
        st.lists(st.sampled_from((" ", "", "\t", "  ")), min_size=len(parts))
    )
    pairs = zip(parts, separators, strict=False)
    text = "".join(part + separator for part, separator in pairs)
    return text.encode("utf-8")


# Mutations of the corpus ---------------------------------------------------


def _delete_line(lines: list[str], data: st.DataObject) -> list[str]:
    if not lines:
        return lines
    index = data.draw(st.integers(0, len(lines) - 1))
    return lines[:index] + lines[index + 1 :]


def _duplicate_line(lines: list[str], data: st.DataObject) -> list[str]:
    if not lines:
        return lines
    index = data.draw(st.integers(0, len(lines) - 1))
    return lines[: index + 1] + lines[index:]


def _swap_lines(lines: list[str], data: st.DataObject) -> list[str]:
    if len(lines) < 2:
        return lines
    first = data.draw(st.integers(0, len(lines) - 1))
    second = data.draw(st.integers(0, len(lines) - 1))
    lines = list(lines)
    lines[first], lines[second] = lines[second], lines[first]
    return lines


def _swap_tokens(lines: list[str], data: st.DataObject) -> list[str]:
    if not lines:
        return lines
    index = data.draw(st.integers(0, len(lines) - 1))
    words = lines[index].split(" ")
    if len(words) < 2:
        return lines
    first = data.draw(st.integers(0, len(words) - 1))
    second = data.draw(st.integers(0, len(words) - 1))
    words[first], words[second] = words[second], words[first]
    return [*lines[:index], " ".join(words), *lines[index + 1 :]]


def _insert_token(lines: list[str], data: st.DataObject) -> list[str]:
    if not lines:
        return [data.draw(tokens())]
    index = data.draw(st.integers(0, len(lines) - 1))
    line = lines[index]
    column = data.draw(st.integers(0, len(line)))
    token = data.draw(tokens())
    changed = line[:column] + " " + token + " " + line[column:]
    return [*lines[:index], changed, *lines[index + 1 :]]


def _replace_token(lines: list[str], data: st.DataObject) -> list[str]:
    if not lines:
        return lines
    index = data.draw(st.integers(0, len(lines) - 1))
    words = lines[index].split(" ")
    position = data.draw(st.integers(0, len(words) - 1))
    words[position] = data.draw(tokens())
    return [*lines[:index], " ".join(words), *lines[index + 1 :]]


def _long_line(lines: list[str], data: st.DataObject) -> list[str]:
    length = data.draw(st.sampled_from((5_000, 200_000, 900_000)))
    filler = data.draw(
        st.sampled_from(
            (
                "# " + "c" * length,
                "tier " + "w" * length,
                'design d "' + "l" * length + '"',
                "function f " + "memory=1MB " * (length // 11),
                "a" * length + " -> b",
            )
        )
    )
    index = data.draw(st.integers(0, len(lines)))
    return [*lines[:index], filler, *lines[index:]]


def _long_name(lines: list[str], data: st.DataObject) -> list[str]:
    length = data.draw(st.sampled_from((33, 64, 65, 256, 10_000)))
    name = "n" * length
    text = "\n".join(lines)
    for candidate in NAMES:
        if f" {candidate}" in text:
            return text.replace(f" {candidate}", f" {name}", 1).split("\n")
    return [*lines, f"function {name}"]


def _deep_nesting(lines: list[str], data: st.DataObject) -> list[str]:
    depth = data.draw(st.sampled_from((8, 40, 300, 3_000)))
    keyword = data.draw(
        st.sampled_from(("group g", "cell c", "region us-west-2", "vpc v"))
    )
    if data.draw(st.booleans()):
        opening = [f"{keyword} {{"] * depth
        closing = ["}"] * depth
        return [*opening, *lines, *closing]
    value = "[" * depth + "a" + "]" * depth
    return [*lines, f"function f memory={value}"]


def _huge_count(lines: list[str], data: st.DataObject) -> list[str]:
    count = data.draw(st.sampled_from(("x100", "x101", "x100000", "count=99999999999")))
    depth = data.draw(st.integers(1, 5))
    body = data.draw(st.sampled_from(("", "  function f vpc=off", "  tier web")))
    vpc = data.draw(st.sampled_from(("", " vpc=off")))
    nest = [f"cell c{level} {count}{vpc} {{" for level in range(depth)]
    return [*lines, *nest, body, *["}"] * depth]


def _bad_bytes(text: str, data: st.DataObject) -> bytes:
    raw = text.encode("utf-8")
    position = data.draw(st.integers(0, len(raw)))
    junk = data.draw(
        st.sampled_from((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\x80\x80"))
    )
    return raw[:position] + junk + raw[position:]


LINE_MUTATIONS = (
    _delete_line,
    _duplicate_line,
    _swap_lines,
    _swap_tokens,
    _insert_token,
    _replace_token,
    _long_line,
    _long_name,
    _deep_nesting,
    _huge_count,
)


@st.composite
def mutated_corpus(draw: st.DrawFn, path: Path | None = None) -> bytes:
    """Return a mutation of ``path``, or of a design drawn from the corpus."""
    if path is None:
        path = draw(st.sampled_from(CORPUS))
    lines = path.read_text(encoding="utf-8").split("\n")
    data = draw(st.data())
    for mutation in draw(
        st.lists(st.sampled_from(LINE_MUTATIONS), min_size=1, max_size=4)
    ):
        lines = mutation(lines, data)
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(st.sampled_from(("plain", "crlf", "tabs", "bom", "bad-bytes")))
    if encoding == "crlf":
        text = text.replace("\n", "\r\n")
    elif encoding == "tabs":
        text = text.replace("  ", "\t")
    elif encoding == "bom":
        text = "\ufeff" + text
    elif encoding == "bad-bytes":
        return _bad_bytes(text, data)
    return text.encode("utf-8")


# Designs generated from the statement specs ---------------------------------


@dataclass
class _Plan:
    """What one generated design has declared so far, and how careful it is."""

    #: Names declared so far, for references and flows.
    names: list[str] = field(default_factory=list)
    #: Whether every value is valid. Careless designs get an invalid value
    #: one time in ten, which exercises the binder's messages.
    careful: bool = True
    #: Keywords of statements that may appear once, already used.
    singletons: set[str] = field(default_factory=set)


def _value_for(value_type: object, plan: _Plan) -> st.SearchStrategy[str]:
    if plan.careful:
        return _valid_value(value_type, plan.names)
    return st.integers(0, 9).flatmap(
        lambda roll: _valid_value(value_type, plan.names) if roll else _any_value()
    )


def _any_value() -> st.SearchStrategy[str]:
    return st.one_of(names(), numbers(), hostile_text(12).map(dsl_string))


def _valid_value(value_type: object, pool: list[str]) -> st.SearchStrategy[str]:
    """Return text that the binder accepts as a value of ``value_type``."""
    if isinstance(value_type, Int):
        low = value_type.minimum if value_type.minimum is not None else 0
        high = value_type.maximum if value_type.maximum is not None else low + 1000
        return st.integers(low, high).map(str)
    if isinstance(value_type, Bool):
        return st.sampled_from(("on", "off", "yes", "no", "true", "false"))
    if isinstance(value_type, Choice):
        return st.sampled_from(value_type.values)
    if isinstance(value_type, Duration):
        return _durations(value_type)
    if isinstance(value_type, Size):
        return st.tuples(st.integers(1, 2_000), st.sampled_from(("MB", "GB"))).map(
            lambda pair: f"{pair[0]}{pair[1]}"
        )
    if isinstance(value_type, Cidr):
        return st.sampled_from(
            ("10.0.0.0/16", "10.20.0.0/16", "172.16.0.0/17", "192.168.0.0/18")
        )
    if isinstance(value_type, DomainName):
        return st.sampled_from(("shop.example.com", "api.example.org"))
    if isinstance(value_type, Reference):
        return st.sampled_from(pool) if pool else names()
    if isinstance(value_type, KindName):
        return st.sampled_from(sorted(KINDS))
    if isinstance(value_type, ListOf):
        item = _valid_value(value_type.item, pool)
        return st.lists(item, min_size=1, max_size=3, unique=True).map(
            lambda items: f"[{', '.join(items)}]"
        )
    if isinstance(value_type, FilterValues):
        scalar = st.one_of(
            names(), st.integers(0, 500).map(str), hostile_text(8).map(dsl_string)
        )
        return st.lists(scalar, min_size=1, max_size=3).map(
            lambda items: f"[{', '.join(items)}]"
        )
    if isinstance(value_type, Text):
        if value_type.example:
            return st.just(value_type.example)
        return st.one_of(names(), hostile_text(12).map(dsl_string))
    return names()


def _durations(value_type: Duration) -> st.SearchStrategy[str]:
    low = max(value_type.minimum_seconds, 1)
    high = value_type.maximum_seconds or low * 1000
    return st.integers(low, high).map(_duration_text)


def _duration_text(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _name_for(draw: st.DrawFn, spec: StatementSpec, plan: _Plan) -> str | None:
    """Return the statement's name, or None to leave an optional name out."""
    if spec.name == "none" or (spec.name == "optional" and draw(st.booleans())):
        return None
    if spec.keyword == "region":
        return draw(st.sampled_from(("us-west-2", "eu-west-1", "us-east-1", "mars-1")))
    if plan.names and not plan.careful and draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(plan.names))
    name = f"{draw(st.sampled_from(NAMES))}{len(plan.names)}"
    plan.names.append(name)
    return name


@st.composite
def _statement(draw: st.DrawFn, plan: _Plan, depth: int) -> list[str]:
    candidates = [
        spec
        for spec in _statement_specs()
        if spec.keyword not in ("design", "include", *plan.singletons)
        and not (spec.body and depth >= 3)
    ]
    spec = draw(st.sampled_from(candidates))
    name = _name_for(draw, spec, plan)
    if spec.name != "required" and not spec.body:
        plan.singletons.add(spec.keyword)
    parts = [spec.keyword] if name is None else [spec.keyword, name]

    items: list[str] = []
    for word_set in spec.words:
        if draw(st.booleans()):
            items.append(draw(st.sampled_from(sorted(word_set.values))))
    for clause in spec.clauses:
        if draw(st.booleans()):
            items.append(f"{clause.word} {draw(_value_for(clause.type, plan))}")
    for option in spec.options:
        if draw(st.integers(0, 3)) == 0:
            value = draw(_value_for(option.type, plan))
            flag = option.is_flag and value == "on"
            items.append(option.key if flag else f"{option.key}={value}")
    if spec.free_options is not None and draw(st.booleans()):
        key = draw(st.sampled_from(("source", "detail.type", "amount", "type")))
        operator = draw(st.sampled_from(OPERATORS))
        items.append(f"{key}{operator}{draw(_value_for(spec.free_options, plan))}")
    if spec.repeat and draw(st.booleans()):
        items.append(draw(st.sampled_from(("x1", "x2", "x3", "x100", "x101"))))
    if spec.label and draw(st.booleans()):
        items.append(dsl_string(draw(hostile_text())))
    if draw(st.integers(0, 4)) == 0:
        items = list(draw(st.permutations(items)))

    line = " ".join([*parts, *items])
    if not spec.body:
        return [line]
    body = draw(st.lists(_statement(plan, depth + 1), max_size=4))
    return [line + " {", *["  " + inner for lines in body for inner in lines], "}"]


@st.composite
def _flow(draw: st.DrawFn, plan: _Plan) -> str:
    def endpoint() -> str:
        if draw(st.integers(0, 5)) == 0:
            chosen = draw(
                st.lists(
                    st.sampled_from(plan.names), min_size=1, max_size=3, unique=True
                )
            )
            return "[" + ", ".join(chosen) + "]"
        name = draw(st.sampled_from(plan.names))
        if draw(st.integers(0, 6)) == 0:
            return f"shard.{name}"
        return name

    hops = draw(st.integers(1, 3))
    parts = [endpoint()]
    for _ in range(hops):
        parts += [draw(st.sampled_from(ARROWS)), endpoint()]
    if draw(st.booleans()):
        parts.append(dsl_string(draw(hostile_text())))
    for option in _flow_spec().options:
        if draw(st.integers(0, 3)) == 0:
            parts.append(f"{option.key}={draw(_value_for(option.type, plan))}")
    return " ".join(parts)


@st.composite
def generated_designs(draw: st.DrawFn) -> bytes:
    plan = _Plan(careful=draw(st.booleans()))
    lines: list[str] = []
    if draw(st.integers(0, 4)) > 0:
        regions = ("us-east-1", "eu-west-1", "us-west-2")
        header = ["design", draw(names())]
        if draw(st.booleans()):
            header.append(f"region={draw(st.sampled_from(regions))}")
        if draw(st.booleans()):
            header.append(f"azs={draw(st.integers(1, 6))}")
        if draw(st.booleans()):
            header.append(dsl_string(draw(hostile_text())))
        lines.append(" ".join(header))
    for statement in draw(st.lists(_statement(plan, 0), max_size=10)):
        lines.extend(statement)
    if plan.names:
        lines.extend(draw(st.lists(_flow(plan), max_size=6)))
    if plan.names and draw(st.booleans()):
        rule = draw(
            st.sampled_from(("REL-SPOF-001", "SEC-DATA-001", "OPS-LOG-001", "NOPE-1"))
        )
        reason = dsl_string(draw(hostile_text()))
        target = draw(st.sampled_from(plan.names))
        lines.append(f"waive {rule} on {target} reason {reason}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def any_design() -> st.SearchStrategy[bytes]:
    return st.one_of(
        random_bytes(), token_soups(), mutated_corpus(), generated_designs()
    )
