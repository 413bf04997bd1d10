"""Filter policies and event patterns from ``field<op>value`` options.

One written form serves SNS filter policies, EventBridge event patterns and
Lambda event source mapping filters, because they share one JSON grammar.
A field maps to a list of conditions. A condition is a value, or an object
such as ``{"prefix": "us-"}``, ``{"anything-but": [...]}`` or
``{"numeric": [">=", 100]}``. Each service limits the grammar in its own
way, and :func:`build_filter` checks the limits of the service it is given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from archdsl.expand.context import Expansion
from archdsl.language import Setting, Statement
from archdsl.source import Span

Service = Literal["sns-attributes", "sns-body", "eventbridge", "sqs", "stream"]

NUMERIC_OPERATORS = (">", ">=", "<", "<=")

#: Top-level fields of every EventBridge event; patterns match on these.
EVENT_ENVELOPE = (
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
)

#: First field of a Lambda event source mapping filter, by record source.
MAPPING_ROOTS = {
    "sqs": ("body", "messageAttributes", "attributes"),
    "stream": ("dynamodb", "eventName", "eventSource", "awsRegion"),
}

#: SNS filter policy limits (Amazon SNS Developer Guide, "Filter policy
#: constraints"): keys per policy, product of value counts, numeric range.
SNS_MAX_KEYS = 5
SNS_MAX_COMBINATIONS = 150
NUMERIC_LIMIT = 1_000_000_000


@dataclass
class Filter:
    """A built filter: the service's JSON and a short text for diagrams."""

    policy: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.policy)


@dataclass
class _Field:
    name: str
    span: Span
    values: list[Any] = field(default_factory=list)
    others: list[dict[str, Any]] = field(default_factory=list)
    bounds: list[tuple[str, float, Span]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def filter_settings(statement: Statement, listed: set[str]) -> dict[str, Setting]:
    """Return the settings that are filter fields: keys the spec does not list."""
    return {
        key: setting
        for key, setting in statement.settings.items()
        if _field_name(key, setting) not in listed
    }


def build_filter(
    ctx: Expansion, settings: Mapping[str, Setting], service: Service
) -> Filter:
    """Build the filter for ``service``; report invalid fields as errors."""
    fields: dict[str, _Field] = {}
    for key, setting in settings.items():
        name = _field_name(key, setting)
        entry = fields.setdefault(name, _Field(name, setting.span))
        _add_condition(ctx, entry, setting)
    valid = [entry for entry in fields.values() if _check_field(ctx, entry, service)]
    if service.startswith("sns") and not _check_sns_size(ctx, valid):
        return Filter()
    policy: dict[str, Any] = {}
    for entry in valid:
        _place(policy, _path(entry.name, service), _conditions(entry))
    return Filter(policy, ", ".join(" ".join(e.words) for e in valid))


def _field_name(key: str, setting: Setting) -> str:
    if setting.operator != "=" and key.endswith(setting.operator):
        return key[: -len(setting.operator)]
    return key


def _add_condition(ctx: Expansion, entry: _Field, setting: Setting) -> None:
    values = list(setting.value)
    operator = setting.operator
    shown = _show(values)
    if operator == "=":
        entry.values.extend(values)
        entry.words.append(f"{entry.name} {'in' if len(values) > 1 else '='} {shown}")
    elif operator == "!=":
        entry.others.append({"anything-but": values if len(values) > 1 else values[0]})
        entry.words.append(
            f"{entry.name} not {'in ' if len(values) > 1 else ''}{shown}"
        )
    elif operator == "^=":
        if len(values) != 1 or not isinstance(values[0], str):
            ctx.error(
                f"'{entry.name}^=' takes one text prefix, not {shown}",
                setting.span,
                f'write {entry.name}^="prefix"',
            )
            return
        entry.others.append({"prefix": values[0]})
        entry.words.append(f"{entry.name} starts with {values[0]}")
    else:
        _add_bound(ctx, entry, setting, values)


def _add_bound(ctx: Expansion, entry: _Field, setting: Setting, values: list) -> None:
    operator = setting.operator
    if len(values) != 1 or not isinstance(values[0], int | float):
        ctx.error(
            f"'{entry.name}{operator}' compares numbers, but {_show(values)} is not "
            "one number",
            setting.span,
            f"write {entry.name}{operator}100; use = for text values",
        )
        return
    number = values[0]
    if abs(number) > NUMERIC_LIMIT or _decimals(number) > 5:
        ctx.error(
            f"{number} is outside the numeric range filters support",
            setting.span,
            "numbers run from -1e9 to 1e9 with at most five decimal places",
        )
        return
    entry.bounds.append((operator, number, setting.span))
    entry.words.append(f"{entry.name} {operator} {number}")


def _check_field(ctx: Expansion, entry: _Field, service: Service) -> bool:
    kinds = sum(bool(part) for part in (entry.values, entry.others, entry.bounds))
    if kinds > 1 or len(entry.others) > 1:
        ctx.error(
            f"'{entry.name}' has conditions of different kinds, and a filter "
            "would match any one of them",
            entry.span,
            "keep one condition per field; numeric bounds may pair as a range",
        )
        return False
    if not _check_bounds(ctx, entry):
        return False
    return _check_path(ctx, entry, service)


def _check_bounds(ctx: Expansion, entry: _Field) -> bool:
    lower = [b for b in entry.bounds if b[0].startswith(">")]
    upper = [b for b in entry.bounds if b[0].startswith("<")]
    if len(lower) > 1 or len(upper) > 1:
        extra = (lower[1:] or upper[1:])[0]
        ctx.error(
            f"'{entry.name}' has two {'lower' if len(lower) > 1 else 'upper'} bounds",
            extra[2],
            "give a range at most one lower and one upper bound",
        )
        return False
    if lower and upper and lower[0][1] >= upper[0][1]:
        ctx.error(
            f"the range of '{entry.name}' is empty: {lower[0][1]} is not below "
            f"{upper[0][1]}",
            upper[0][2],
            "make the lower bound smaller than the upper one",
        )
        return False
    return True


def _check_path(ctx: Expansion, entry: _Field, service: Service) -> bool:
    first = entry.name.split(".")[0]
    if service == "eventbridge":
        return _check_envelope(ctx, entry, first)
    if service in MAPPING_ROOTS and first not in MAPPING_ROOTS[service]:
        roots = ", ".join(MAPPING_ROOTS[service])
        ctx.error(
            f"'{entry.name}' is not a field of the records this mapping reads",
            entry.span,
            f"start the field with one of {roots}, such as body.type",
        )
        return False
    return True


def _check_envelope(ctx: Expansion, entry: _Field, first: str) -> bool:
    dotted = "." in entry.name
    if first not in EVENT_ENVELOPE:
        ctx.error(
            f"'{entry.name}' is not a field of an EventBridge event",
            entry.span,
            f"match the event's envelope ({', '.join(EVENT_ENVELOPE[:-1])}) or "
            f"a field of its detail: detail.{entry.name}",
        )
        return False
    if first == "detail" and not dotted:
        ctx.error(
            "the detail of an event is an object; a pattern matches fields inside it",
            entry.span,
            "write detail.<field>, such as detail.type=car",
        )
        return False
    if first != "detail" and dotted:
        ctx.error(
            f"only detail has fields inside it, not '{first}'",
            entry.span,
            f"write {first}=<value>, or detail.{entry.name.split('.', 1)[1]}",
        )
        return False
    return True


def _check_sns_size(ctx: Expansion, fields: list[_Field]) -> bool:
    if len(fields) > SNS_MAX_KEYS:
        ctx.error(
            f"an SNS filter policy takes at most {SNS_MAX_KEYS} fields, not "
            f"{len(fields)}",
            fields[SNS_MAX_KEYS].span,
            "filter on fewer fields, or route with an EventBridge rule",
        )
        return False
    combinations = math.prod(len(_conditions(entry)) for entry in fields)
    if combinations > SNS_MAX_COMBINATIONS:
        ctx.error(
            f"this SNS filter policy has {combinations} combinations of values, "
            f"more than the {SNS_MAX_COMBINATIONS} SNS allows",
            fields[0].span,
            "list fewer values; the count is the product of each field's list length",
        )
        return False
    return True


def _conditions(entry: _Field) -> list[Any]:
    if entry.bounds:
        numeric: list[Any] = []
        for operator, number, _ in sorted(entry.bounds, key=lambda b: b[0][0] == "<"):
            numeric += [operator, number]
        return [{"numeric": numeric}]
    return list(entry.values) + list(entry.others)


def _path(name: str, service: Service) -> list[str]:
    # SNS message attribute names may contain dots, so they stay whole.
    if service == "sns-attributes":
        return [name]
    return name.split(".")


def _place(policy: dict[str, Any], path: list[str], conditions: list[Any]) -> None:
    node = policy
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = conditions


def _show(values: list) -> str:
    text = [str(v) for v in values]
    return text[0] if len(text) == 1 else "[" + ", ".join(text) + "]"


def _decimals(number: float) -> int:
    text = repr(number)
    return len(text.split(".")[1]) if "." in text else 0
