"""Statements about the checklist: ``waive`` accepts a rule's findings."""

from __future__ import annotations

# Core registers first, so docs/language.md lists its statements first.
from archdsl.language import core  # noqa: F401
from archdsl.language.spec import ClauseSpec, StatementSpec, register
from archdsl.language.types import Text

#: A statement name or a component id such as ``orders.writer``.
TARGET = Text(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*", "orders")

WAIVE = StatementSpec(
    keyword="waive",
    summary="Accepts the findings of one checklist rule for a statement or a "
    "component, with the reason.",
    example='waive REL-SPOF-001 on orders reason "one writer until launch"',
    clauses=(
        ClauseSpec(
            "on",
            "target",
            TARGET,
            "What the waiver covers: a statement name, or a component id in "
            'quotes (`on "orders.writer"`). Without it the waiver covers every '
            "finding of the rule.",
        ),
        ClauseSpec(
            "reason",
            "reason",
            Text(),
            "Why the risk is accepted, in quotes. Required.",
        ),
    ),
    section="Checks",
    details=(
        "The name after the keyword is a rule id from docs/rules.md. "
        "`archdsl check` still lists waived findings, marked waived, but they "
        "do not fail the run; a waiver that matches no finding is a warning.",
    ),
    declares=False,
    scoped_name=False,
)

register(WAIVE)
