"""Predicates registered by name; rules refer to them by that name."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from archdsl.check.findings import Hit
from archdsl.check.rules import Rule
from archdsl.model import Model

Predicate = Callable[[Model, Rule], Iterable[Hit]]

PREDICATES: dict[str, Predicate] = {}


def predicate(name: str) -> Callable[[Predicate], Predicate]:
    """Register the decorated function as the predicate called ``name``."""

    def decorate(function: Predicate) -> Predicate:
        if name in PREDICATES:
            raise ValueError(f"predicate '{name}' is registered twice")
        PREDICATES[name] = function
        return function

    return decorate
