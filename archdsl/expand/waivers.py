"""Expand ``waive``: check the rule id and the target, then record the waiver.

The handler checks the rule id as statements are read. Targets are resolved
by :func:`attach_waivers` after every other pass, because a waiver may name
a component that a later statement or pass creates.
"""

from __future__ import annotations

import difflib

from archdsl.check.rules import RULES
from archdsl.expand.context import Expansion, handles
from archdsl.language import Statement
from archdsl.model import Waiver

_PENDING = "waivers"


@handles("waive")
def expand_waive(ctx: Expansion, statement: Statement) -> None:
    known = sorted(rule.id for rule in RULES)
    if statement.name not in known:
        ctx.error(
            f"unknown rule '{statement.name}'{_did_you_mean(statement.name, known)}",
            statement.name_span,
            "rule ids are listed in docs/rules.md and by 'archdsl check'",
        )
        return
    reason = str(statement.get("reason", "")).strip()
    if not reason:
        ctx.error(
            f"the waiver of {statement.name} has no reason",
            statement.span,
            'add reason "..." saying why the risk is accepted',
        )
        return
    ctx.shared.setdefault(_PENDING, []).append(statement)


def attach_waivers(ctx: Expansion) -> None:
    """Resolve each waiver's target and add the waiver to the model."""
    for statement in ctx.shared.get(_PENDING, []):
        target = _qualify(ctx, statement, statement.get("target"))
        if target is not None and not _known_target(ctx, target):
            candidates = sorted({*ctx.model.units, *ctx.model.components})
            ctx.error(
                f"the waiver names '{target}', which is neither a statement nor "
                f"a component{_did_you_mean(target, candidates)}",
                statement.span_of("target"),
                _target_hint(ctx),
            )
            continue
        duplicate = next(
            (
                w
                for w in ctx.model.waivers
                if (w.rule, w.target) == (statement.name, target)
            ),
            None,
        )
        if duplicate is not None:
            ctx.warning(
                f"{statement.name} is waived for the same target twice",
                statement.span,
                f"remove one; the first is at line {duplicate.span.line}",
            )
            continue
        ctx.model.waivers.append(
            Waiver(
                rule=statement.name,
                target=target,
                reason=str(statement.get("reason")).strip(),
                span=statement.span,
            )
        )


def _qualify(ctx: Expansion, statement: Statement, target: str | None) -> str | None:
    """Resolve a target written inside a block, innermost namespace first."""
    if target is None:
        return None
    prefix = statement.context.prefix
    for depth in range(len(prefix), 0, -1):
        candidate = ".".join((*prefix[:depth], target))
        if _known_target(ctx, candidate):
            return candidate
    return target


def _known_target(ctx: Expansion, target: str) -> bool:
    return target in ctx.model.units or target in ctx.model.components


def _target_hint(ctx: Expansion) -> str:
    """Return how to name a waiver's target, with examples from this design."""
    unit = next(
        (
            unit
            for unit in sorted(ctx.model.units.values(), key=lambda u: u.name)
            if unit.components
        ),
        None,
    )
    if unit is None:
        return "name a statement, or a component id from 'archdsl expand' in quotes"
    return (
        f"name a statement ({unit.name}) or a component id from 'archdsl expand' "
        f'in quotes ("{sorted(unit.components)[0]}")'
    )


def _did_you_mean(text: str, candidates: list[str]) -> str:
    if text.upper() in candidates:
        return f"; did you mean '{text.upper()}'?"
    matches = difflib.get_close_matches(text, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""
