"""Value types for statement options.

Each type turns an AST value into a Python value or raises
:class:`ValueProblem` with a message and a hint. Types also describe
themselves for docs/language.md.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any, Protocol

from archdsl.parse import ast


class ValueType(Protocol):
    """Interface of an option's type, as the binder uses it."""

    def convert(self, value: ast.Value) -> Any: ...

    def describe(self) -> str: ...


class ValueProblem(ValueError):
    def __init__(self, message: str, hint: str | None = None, choices=()) -> None:
        super().__init__(message)
        self.hint = hint
        self.choices = tuple(choices)


_TRUE = {"true", "on", "yes"}
_FALSE = {"false", "off", "no"}

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE_UNITS = {"MB": 1, "GB": 1024, "TB": 1024 * 1024}


def _text(value: ast.Value) -> str:
    if isinstance(value, ast.ListValue):
        raise ValueProblem("expected a single value, not a list")
    return value.text


@dataclass(frozen=True)
class Int:
    minimum: int | None = None
    maximum: int | None = None

    def convert(self, value: ast.Value) -> int:
        text = _text(value)
        if not re.fullmatch(r"[0-9]+", text):
            raise ValueProblem(f"'{text}' is not a whole number", self.describe())
        number = int(text)
        if self.minimum is not None and number < self.minimum:
            raise ValueProblem(
                f"{number} is below the minimum {self.minimum}",
                f"use {self.describe()}",
            )
        if self.maximum is not None and number > self.maximum:
            raise ValueProblem(
                f"{number} is above the maximum {self.maximum}",
                f"use {self.describe()}",
            )
        return number

    def describe(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"a whole number, at least {self.minimum}"
        return "a whole number"


@dataclass(frozen=True)
class Bool:
    def convert(self, value: ast.Value) -> bool:
        text = _text(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueProblem(
            f"'{text}' is not on or off",
            "use on or off (true/false, yes/no)",
            choices=("on", "off"),
        )

    def describe(self) -> str:
        return "on or off; the bare word means on"


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]

    def convert(self, value: ast.Value) -> str:
        text = _text(value)
        if text not in self.values:
            raise ValueProblem(
                f"'{text}' is not one of {', '.join(self.values)}",
                f"use one of: {', '.join(self.values)}",
                choices=self.values,
            )
        return text

    def describe(self) -> str:
        return "one of " + ", ".join(f"`{v}`" for v in self.values)


@dataclass(frozen=True)
class Text:
    pattern: str | None = None
    example: str = ""

    def convert(self, value: ast.Value) -> str:
        text = _text(value)
        if self.pattern and not re.fullmatch(self.pattern, text):
            hint = f"for example {self.example}" if self.example else None
            raise ValueProblem(f"'{text}' is not a valid value", hint)
        return text

    def describe(self) -> str:
        return f"text, e.g. `{self.example}`" if self.example else "text"


@dataclass(frozen=True)
class DomainName:
    """A DNS name such as ``shop.example.com``; DNS ignores case, so it is lowered."""

    def convert(self, value: ast.Value) -> str:
        text = _text(value).lower()
        label = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
        if len(text) > 253 or not re.fullmatch(rf"{label}(\.{label})+", text):
            raise ValueProblem(
                f"'{text}' is not a domain name", "for example shop.example.com"
            )
        return text

    def describe(self) -> str:
        return "a domain name, e.g. `shop.example.com`"


@dataclass(frozen=True)
class Duration:
    """A duration such as ``30d``, ``15m`` or ``90s``; converts to seconds."""

    minimum_seconds: int = 0
    maximum_seconds: int | None = None

    def convert(self, value: ast.Value) -> int:
        text = _text(value)
        match = re.fullmatch(r"([0-9]+)([smhd])", text)
        if not match:
            raise ValueProblem(
                f"'{text}' is not a duration",
                "write a number and a unit: 90s, 15m, 12h, 30d",
            )
        seconds = int(match.group(1)) * _DURATION_UNITS[match.group(2)]
        if seconds < self.minimum_seconds:
            raise ValueProblem(
                f"{text} is shorter than the minimum {_human(self.minimum_seconds)}",
                self._range_hint(),
            )
        if self.maximum_seconds is not None and seconds > self.maximum_seconds:
            raise ValueProblem(
                f"{text} is longer than the maximum {_human(self.maximum_seconds)}",
                self._range_hint(),
            )
        return seconds

    def describe(self) -> str:
        if self.minimum_seconds >= 86400 and self.minimum_seconds % 86400 == 0:
            low = self.minimum_seconds // 86400
            high = (
                f" to {self.maximum_seconds // 86400}d" if self.maximum_seconds else ""
            )
            return f"a duration in days from `{low}d`{high}, e.g. `7d`"
        return "a duration: `90s`, `15m`, `12h`, `30d`"

    def _range_hint(self) -> str:
        if self.maximum_seconds is None:
            return f"use {_human(self.minimum_seconds)} or longer"
        return (
            f"use a duration from {_human(self.minimum_seconds)} to "
            f"{_human(self.maximum_seconds)}"
        )


@dataclass(frozen=True)
class Size:
    """A size such as ``512MB`` or ``100GB``; converts to megabytes."""

    def convert(self, value: ast.Value) -> int:
        text = _text(value)
        match = re.fullmatch(r"([0-9]+)(MB|GB|TB)", text)
        if not match:
            raise ValueProblem(
                f"'{text}' is not a size",
                "write a number and MB, GB or TB: 512MB, 100GB",
            )
        return int(match.group(1)) * _SIZE_UNITS[match.group(2)]

    def describe(self) -> str:
        return "a size: `512MB`, `100GB`, `1TB`"


# Ranges a VPC cannot use: "this network", loopback, link-local, multicast
# and the reserved class E block.
_RESERVED = tuple(
    ipaddress.IPv4Network(block)
    for block in (
        "0.0.0.0/8",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)


@dataclass(frozen=True)
class Cidr:
    """An IPv4 CIDR block for a VPC.

    The longest prefix allowed is /18: the address plan gives public
    subnets a sixty-fourth of the VPC, and a load balancer needs subnets of
    /27 or larger.
    """

    minimum_prefix: int = 16
    maximum_prefix: int = 18

    def convert(self, value: ast.Value) -> str:
        text = _text(value)
        try:
            network = ipaddress.IPv4Network(text, strict=True)
        except ValueError as error:
            raise ValueProblem(
                f"'{text}' is not an IPv4 CIDR block ({error})",
                "for example 10.0.0.0/16",
            ) from None
        if not self.minimum_prefix <= network.prefixlen <= self.maximum_prefix:
            raise ValueProblem(
                f"/{network.prefixlen} is outside /{self.minimum_prefix} to /{self.maximum_prefix}",
                f"use {self.describe()}",
            )
        for reserved in _RESERVED:
            if network.overlaps(reserved):
                raise ValueProblem(
                    f"{network} overlaps {reserved}, which a VPC cannot use",
                    "use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
                )
        return str(network)

    def describe(self) -> str:
        return (
            f"an IPv4 CIDR block from /{self.minimum_prefix} to /{self.maximum_prefix}"
        )


@dataclass(frozen=True)
class Reference:
    """The name of another statement, resolved during expansion."""

    def convert(self, value: ast.Value) -> str:
        text = _text(value)
        if isinstance(value, ast.Number):
            raise ValueProblem(f"'{text}' is not a name")
        return text

    def describe(self) -> str:
        return "the name of another statement"


@dataclass(frozen=True)
class ListOf:
    item: ValueType
    allow_single: bool = True

    def convert(self, value: ast.Value) -> tuple:
        if isinstance(value, ast.ListValue):
            return tuple(self.item.convert(v) for v in value.items)
        if self.allow_single:
            return (self.item.convert(value),)
        raise ValueProblem("expected a list in brackets: [a, b]")

    def describe(self) -> str:
        return "a list of " + self.item.describe() + " in brackets"


def _human(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


#: A filter value as written: text, or a number when written as one.
FilterScalar = str | int | float


@dataclass(frozen=True)
class FilterValues:
    """Values of a filter policy or event pattern field: ``car`` or ``[car, truck]``.

    A value written as a number (``100``, ``2.5``) becomes an int or float,
    so that it can take part in numeric comparisons. Quoted values and names
    stay text. Which operators a field may use is checked during expansion,
    where the service the filter belongs to is known.
    """

    def convert(self, value: ast.Value) -> tuple[FilterScalar, ...]:
        if isinstance(value, ast.ListValue):
            if not value.items:
                raise ValueProblem(
                    "an empty list matches nothing", "list at least one value"
                )
            return tuple(self._scalar(item) for item in value.items)
        return (self._scalar(value),)

    def _scalar(self, value: ast.Value) -> FilterScalar:
        if isinstance(value, ast.ListValue):
            raise ValueProblem(
                "filter values cannot nest lists", "write one flat list: [a, b, c]"
            )
        if isinstance(value, ast.Number):
            return _number_or_text(value.text)
        return value.text

    def describe(self) -> str:
        return "a value or a list of values in brackets"


def _number_or_text(text: str) -> FilterScalar:
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    if re.fullmatch(r"[0-9]+\.[0-9]+", text):
        return float(text)
    return text


@dataclass(frozen=True)
class KindName:
    """A component kind of the catalogue (archdsl/catalog.py), such as ``ecs.service``."""

    def convert(self, value: ast.Value) -> str:
        from archdsl.catalog import KINDS

        text = _text(value)
        if text not in KINDS:
            raise ValueProblem(
                f"'{text}' is not a component kind",
                "the kinds are the keys of archdsl/catalog.py, e.g. ecs.service",
                choices=tuple(KINDS),
            )
        return text

    def describe(self) -> str:
        return "a component kind from archdsl/catalog.py, e.g. `ecs.service`"
