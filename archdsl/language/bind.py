"""Bind: check declarations against the vocabulary and type their values.

The result, :class:`Statement` and :class:`FlowStatement`, is what the
expansion reads. Unknown keywords, words and options get a suggestion from
the statement's own vocabulary.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from archdsl.errors import Diagnostic, DiagnosticBag, Severity
from archdsl.language import spec as vocabulary
from archdsl.language.spec import StatementSpec
from archdsl.language.types import ValueProblem, ValueType
from archdsl.parse import ast
from archdsl.source import Span

#: A copy count written as a word: ``x3`` for ``count=3``.
_REPEAT = re.compile(r"x([0-9]+)")

#: Arrow spelling to flow kind.
ARROW_KINDS = {"->": "sync", "~>": "async", "=>": "data", "..>": "event"}


@dataclass(frozen=True)
class Setting:
    value: Any
    span: Span
    operator: str = "="


@dataclass(frozen=True)
class Context:
    """Where a statement sits once blocks are resolved.

    ``prefix`` is the namespace its name lives in (region blocks and cell
    copies, e.g. ``("us-west-2", "shard1")``); ``pattern`` is the same with
    each cell copy replaced by the cell's own name (``("us-west-2",
    "shard")``), which lets ``shard.api`` name the api of every copy.
    ``network`` keys the VPC that the statement's VPC components go into.
    ``groups`` are the boxes the components are drawn in.
    """

    prefix: tuple[str, ...] = ()
    pattern: tuple[str, ...] = ()
    region: str | None = None
    azs: int | None = None
    network: str = ""
    vpc_cidr: str | None = None
    groups: tuple[str, ...] = ()
    #: Inside a ``vpc`` block, where another one may not open.
    vpc_block: bool = False

    def qualify(self, name: str) -> str:
        return ".".join((*self.prefix, name))


ROOT_CONTEXT = Context()


@dataclass(frozen=True)
class Statement:
    """A declaration whose words and options the vocabulary accepted."""

    keyword: str
    name: str
    span: Span
    name_span: Span
    settings: Mapping[str, Setting]
    label: str | None = None
    body: tuple[Statement | FlowStatement, ...] = ()
    #: Names of the enclosing blocks, outermost first.
    scope: tuple[str, ...] = ()
    name_written: bool = True
    context: Context = ROOT_CONTEXT
    #: The name as written, before block prefixes were added.
    local_name: str = ""

    def get(self, key: str, default: Any = None) -> Any:
        setting = self.settings.get(key)
        return default if setting is None else setting.value

    def written(self, key: str) -> bool:
        return key in self.settings

    def span_of(self, key: str) -> Span:
        setting = self.settings.get(key)
        return self.span if setting is None else setting.span


@dataclass(frozen=True)
class Endpoint:
    name: str
    span: Span


@dataclass(frozen=True)
class FlowStatement:
    """``a -> b -> c``: one hop per pair of adjacent steps."""

    steps: tuple[tuple[Endpoint, ...], ...]
    kinds: tuple[str, ...]
    arrow_spans: tuple[Span, ...]
    settings: Mapping[str, Setting]
    span: Span
    label: str | None = None
    scope: tuple[str, ...] = ()
    context: Context = ROOT_CONTEXT

    keyword = "flow"

    def get(self, key: str, default: Any = None) -> Any:
        setting = self.settings.get(key)
        return default if setting is None else setting.value

    def written(self, key: str) -> bool:
        return key in self.settings

    def span_of(self, key: str) -> Span:
        setting = self.settings.get(key)
        return self.span if setting is None else setting.span


@dataclass
class Binder:
    diagnostics: DiagnosticBag = field(default_factory=DiagnosticBag)

    def bind_all(
        self, statements: tuple[ast.Statement, ...], scope: tuple[str, ...] = ()
    ) -> list[Statement | FlowStatement]:
        bound: list[Statement | FlowStatement] = []
        for node in statements:
            result = self.bind(node, scope)
            if result is not None:
                bound.append(result)
        return bound

    def bind(
        self, node: ast.Statement, scope: tuple[str, ...] = ()
    ) -> Statement | FlowStatement | None:
        if isinstance(node, ast.Flow):
            return self._bind_flow(node, scope)
        return self._bind_declaration(node, scope)

    # Declarations and blocks -------------------------------------------

    def _bind_declaration(
        self, node: ast.Declaration | ast.Block, scope: tuple[str, ...]
    ) -> Statement | None:
        keyword = node.keyword.text
        spec = vocabulary.lookup(keyword)
        if keyword == "flow":
            # 'flow' names the spec of arrow statements; no declaration uses it.
            self.diagnostics.error(
                "'flow' is not a statement",
                node.keyword.span,
                "write a flow with an arrow between names, e.g. 'web -> app'",
            )
            return None
        if spec is None:
            self._unknown_keyword(node.keyword)
            return None
        is_block = isinstance(node, ast.Block)
        if is_block and not spec.body:
            self.diagnostics.error(
                f"'{keyword}' does not take a block",
                node.keyword.span,
                f"remove the braces; blocks are written with {_block_keywords()}",
            )
            return None
        if spec.body and not is_block:
            self.diagnostics.error(
                f"'{keyword}' needs a block of statements in braces",
                node.span,
                f"for example: {spec.example.splitlines()[0]}",
            )
            return None
        items = list(node.items)
        name, name_span, name_written = self._take_name(spec, node, items)
        if name is None:
            return None
        settings, label = self._bind_items(spec, items)
        body: tuple[Statement | FlowStatement, ...] = ()
        if isinstance(node, ast.Block):
            body = tuple(self.bind_all(node.body, (*scope, name)))
        return Statement(
            keyword=keyword,
            name=name,
            span=node.span,
            name_span=name_span,
            settings=settings,
            label=label,
            body=body,
            scope=scope,
            name_written=name_written,
        )

    def _take_name(
        self, spec: StatementSpec, node: ast.Declaration | ast.Block, items: list
    ) -> tuple[str | None, Span, bool]:
        first = items[0] if items else None
        if spec.name == "none":
            return spec.default_name or spec.keyword, node.keyword.span, False
        if isinstance(first, ast.Name) and spec.name == "optional":
            vocabulary_words = spec.vocabulary()
            misspelt = next(
                (w for w in vocabulary_words if _one_edit_apart(first.text, w)), None
            )
            if misspelt is not None and first.text not in vocabulary_words:
                # 'edge dcn' is a typo of 'cdn' far more often than a name.
                self.diagnostics.error(
                    f"unknown word '{first.text}' in '{spec.keyword}'; did you mean "
                    f"'{misspelt}'?",
                    first.span,
                    f"to name the {spec.keyword} '{first.text}', rename it: this name "
                    "is too close to a keyword",
                )
                return None, first.span, False
        if isinstance(first, ast.Name) and (
            spec.name == "required"
            or (first.text not in spec.vocabulary() and not _is_repeat(spec, first))
        ):
            items.pop(0)
            return first.text, first.span, True
        if spec.name == "optional":
            return spec.default_name or spec.keyword, node.keyword.span, False
        where = node.keyword.span if first is None else first.span
        self.diagnostics.error(
            f"'{spec.keyword}' needs a name",
            where,
            f"for example: {spec.example.splitlines()[0]}",
        )
        return None, where, False

    def _bind_items(
        self, spec: StatementSpec, items: list[ast.Item]
    ) -> tuple[dict[str, Setting], str | None]:
        settings: dict[str, Setting] = {}
        label: str | None = None
        index = 0
        while index < len(items):
            item = items[index]
            index += 1
            if isinstance(item, ast.Option):
                self._bind_option(spec, item, settings)
            elif isinstance(item, ast.String):
                if not spec.label:
                    self.diagnostics.error(
                        f"'{spec.keyword}' does not take a quoted label",
                        item.span,
                        "remove the string",
                    )
                elif label is not None:
                    self.diagnostics.error("only one label is allowed", item.span)
                else:
                    label = item.text
            elif isinstance(item, ast.Number):
                self.diagnostics.error(
                    f"unexpected number '{item.text}'",
                    item.span,
                    "numbers are option values: write key=value, e.g. min=2",
                )
            else:
                clause = spec.clause(item.text)
                if clause is not None:
                    index = self._bind_clause(
                        spec, clause, item, items, index, settings
                    )
                elif not self._bind_word(spec, item, settings):
                    # A misspelt clause word ('behnd alb') would leave its value
                    # as a second, confusing error; skip the value.
                    suggestion = _closest(item.text, [c.word for c in spec.clauses])
                    if (
                        suggestion
                        and index < len(items)
                        and isinstance(items[index], ast.Name | ast.Number)
                    ):
                        index += 1
        return settings, label

    def _bind_clause(self, spec, clause, word, items, index, settings) -> int:
        # A quoted value is accepted too, as in 'reason "accepted until launch"'.
        value_types = ast.Name | ast.Number | ast.String
        if index >= len(items) or not isinstance(items[index], value_types):
            self.diagnostics.error(
                f"'{clause.word}' needs a value",
                word.span,
                f"write '{clause.word} <value>', where the value is {clause.type.describe()}",
            )
            return index
        value_node = items[index]
        span = _join(word.span, value_node.span)
        try:
            value = clause.type.convert(value_node)
        except ValueProblem as problem:
            self._value_problem(
                problem, value_node.span, f"'{clause.word}'", clause.type
            )
            return index + 1
        self._store(settings, clause.key, Setting(value, span), span)
        return index + 1

    def _bind_word(self, spec: StatementSpec, word: ast.Name, settings) -> bool:
        """Store a bare word; return False when the word is unknown."""
        word_set = spec.word_set_of(word.text)
        if word_set is not None:
            previous = settings.get(word_set.key)
            if previous is not None:
                self.diagnostics.add(
                    Diagnostic(
                        Severity.ERROR,
                        f"'{word.text}' conflicts with '{previous.value}': a "
                        f"{spec.keyword} takes one of {', '.join(word_set.values)}",
                        word.span,
                        "keep one of the two",
                        ((previous.span, f"'{previous.value}' is set here"),),
                    )
                )
                return True
            self._store(
                settings, word_set.key, Setting(word.text, word.span), word.span
            )
            return True
        repeat = _REPEAT.fullmatch(word.text)
        count_option = spec.option("count")
        if spec.repeat and repeat and count_option is not None:
            digits = ast.Number(repeat.group(1), word.span)
            try:
                count = count_option.type.convert(digits)
            except ValueProblem as problem:
                self._value_problem(
                    problem, word.span, "option 'count'", count_option.type
                )
                return True
            self._store(settings, "count", Setting(count, word.span), word.span)
            return True
        option = spec.option(word.text)
        if option is not None and option.is_flag:
            self._store(settings, option.key, Setting(True, word.span), word.span)
            return True
        if option is not None:
            self.diagnostics.error(
                f"option '{word.text}' needs a value",
                word.span,
                f"write {word.text}=<value>, where the value is {option.type.describe()}",
            )
            return True
        self._unknown_word(spec, word)
        return False

    def _bind_option(self, spec: StatementSpec, item: ast.Option, settings) -> None:
        key = item.key.text
        option = spec.option(key)
        value_type = option.type if option else spec.free_options
        clause = spec.clause(key)
        if option is None and clause is not None:
            self.diagnostics.error(
                f"'{key}' is written '{key} <value>', without '{item.operator}'",
                item.span,
                f"write {key} followed by {clause.type.describe()}",
            )
            return
        if value_type is None:
            self._unknown_option(spec, item.key)
            return
        if option is None and key in _own_keys(spec):
            # The statement stores a clause or a word under this key, so a
            # filter field of the same name would be read as that setting.
            self.diagnostics.error(
                f"'{key}' cannot be a filter field in '{spec.keyword}': the "
                f"statement uses the name '{key}' for a setting of its own",
                item.key.span,
                "filter on another field, or filter in the target",
            )
            return
        operators = (
            option.operators if option else ("=", "!=", ">", "<", ">=", "<=", "^=")
        )
        if item.operator not in operators:
            self.diagnostics.error(
                f"'{key}' takes '{operators[0]}', not '{item.operator}'",
                item.span,
                f"write {key}{operators[0]}<value>",
            )
            return
        try:
            value = value_type.convert(item.value)
        except ValueProblem as problem:
            self._value_problem(problem, item.value.span, f"option '{key}'", value_type)
            return
        store_key = key if option or item.operator == "=" else f"{key}{item.operator}"
        self._store(
            settings, store_key, Setting(value, item.span, item.operator), item.key.span
        )

    def _store(self, settings, key: str, setting: Setting, span: Span) -> None:
        previous = settings.get(key)
        if previous is not None:
            self.diagnostics.add(
                Diagnostic(
                    Severity.ERROR,
                    f"'{key}' is set twice",
                    span,
                    "keep one of the two",
                    ((previous.span, "first set here"),),
                )
            )
            return
        settings[key] = setting

    # Flows --------------------------------------------------------------

    def _bind_flow(
        self, node: ast.Flow, scope: tuple[str, ...]
    ) -> FlowStatement | None:
        spec = vocabulary.lookup("flow")
        assert spec is not None
        settings, label = self._bind_items(spec, list(node.items))
        steps = tuple(
            tuple(Endpoint(ref.text, ref.span) for ref in step) for step in node.steps
        )
        kinds = tuple(ARROW_KINDS[arrow.text] for arrow in node.arrows)
        return FlowStatement(
            steps=steps,
            kinds=kinds,
            arrow_spans=tuple(arrow.span for arrow in node.arrows),
            settings=settings,
            span=node.span,
            label=label,
            scope=scope,
        )

    # Messages -----------------------------------------------------------

    def _unknown_keyword(self, keyword: ast.Name) -> None:
        known = [k for k in vocabulary.keywords() if k != "flow"]
        self.diagnostics.error(
            f"unknown statement '{keyword.text}'{_did_you_mean(keyword.text, known)}",
            keyword.span,
            "statements are: " + ", ".join(known),
        )

    def _unknown_word(self, spec: StatementSpec, word: ast.Name) -> None:
        candidates = spec.vocabulary() + [o.key for o in spec.options]
        message = f"unknown word '{word.text}' in '{spec.keyword}'"
        suggestion = _did_you_mean(word.text, candidates)
        hint = _accepted(spec)
        self.diagnostics.error(message + suggestion, word.span, hint)

    def _unknown_option(self, spec: StatementSpec, key: ast.Name) -> None:
        candidates = [o.key for o in spec.options] + [c.word for c in spec.clauses]
        suggestion = _did_you_mean(key.text, candidates)
        keys = ", ".join(o.key for o in spec.options) or "none"
        self.diagnostics.error(
            f"unknown option '{key.text}'{suggestion}",
            key.span,
            f"'{spec.keyword}' options are: {keys}",
        )

    def _value_problem(
        self, problem: ValueProblem, span: Span, what: str, value_type: ValueType
    ) -> None:
        message = f"invalid value for {what}: {problem}"
        text = str(problem).split("'")[1] if str(problem).count("'") >= 2 else ""
        if problem.choices and text:
            message += _did_you_mean(text, list(problem.choices))
        hint = problem.hint or f"use {value_type.describe()}"
        self.diagnostics.error(message, span, hint)


def _own_keys(spec: StatementSpec) -> set[str]:
    """Return the setting keys that the spec's clauses and word sets store under."""
    return {clause.key for clause in spec.clauses} | {ws.key for ws in spec.words}


def _is_repeat(spec: StatementSpec, word: ast.Name) -> bool:
    """Return whether ``word`` is a copy count such as ``x3`` that ``spec`` accepts."""
    return spec.repeat and _REPEAT.fullmatch(word.text) is not None


def _closest(text: str, candidates: list[str]) -> str | None:
    matches = difflib.get_close_matches(text, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _one_edit_apart(first: str, second: str) -> bool:
    """Return whether one insertion, deletion, substitution or swap turns one into the other."""
    if (
        first == second
        or abs(len(first) - len(second)) > 1
        or min(len(first), len(second)) < 3
    ):
        return False
    if len(first) == len(second):
        diffs = [i for i in range(len(first)) if first[i] != second[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and first[diffs[0]] == second[diffs[1]]
            and first[diffs[1]] == second[diffs[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _did_you_mean(text: str, candidates: list[str]) -> str:
    matches = difflib.get_close_matches(text, candidates, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in candidates}
        if text.lower() in lowered:
            matches = [lowered[text.lower()]]
    return f"; did you mean '{matches[0]}'?" if matches else ""


def _accepted(spec: StatementSpec) -> str:
    parts = []
    for word_set in spec.words:
        parts.append(" | ".join(word_set.values))
    for clause in spec.clauses:
        parts.append(f"{clause.word} <{clause.key}>")
    flags = [o.key for o in spec.options if o.is_flag]
    if flags:
        parts.append(", ".join(flags))
    if not parts:
        return f"'{spec.keyword}' takes only key=value options; see docs/language.md"
    return f"'{spec.keyword}' accepts: " + "; ".join(parts)


def _block_keywords() -> str:
    blocks = [s.keyword for s in vocabulary.specs() if s.body]
    return ", ".join(f"'{k}'" for k in blocks) if blocks else "block statements"


def _join(first: Span, last: Span) -> Span:
    return Span(first.file, first.line, first.column, last.end_line, last.end_column)
