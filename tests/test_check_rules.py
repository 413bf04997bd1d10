"""The rule table: well formed, spread over the pillars, documented."""

from __future__ import annotations

from dataclasses import replace

import pytest

from archdsl.check.docs import render_rules
from archdsl.check.engine import RuleError, load_rules
from archdsl.check.rules import RULES
from archdsl.check.severity import PILLARS
from archdsl.check.simulate import Scenario, simulate
from archdsl.compiler import compile_file
from tests.conftest import EXAMPLES, ROOT


def test_rules_load():
    assert len(load_rules()) == len(RULES)


def test_at_least_forty_rules():
    assert len(RULES) >= 40


@pytest.mark.parametrize("pillar", list(PILLARS))
def test_every_pillar_has_rules(pillar):
    assert any(rule.pillar == pillar for rule in RULES)


def test_unknown_predicate_is_rejected(monkeypatch):
    broken = (replace(RULES[0], predicate="no_such_predicate"), *RULES[1:])
    monkeypatch.setattr("archdsl.check.engine.RULES", broken)
    with pytest.raises(RuleError, match="no predicate named 'no_such_predicate'"):
        load_rules()


def test_duplicate_id_is_rejected(monkeypatch):
    monkeypatch.setattr("archdsl.check.engine.RULES", (*RULES, RULES[0]))
    with pytest.raises(RuleError, match=f"rule id {RULES[0].id} is used twice"):
        load_rules()


def test_wrong_pillar_prefix_is_rejected(monkeypatch):
    broken = (replace(RULES[0], id="SEC-LOG-999"), *RULES[1:])
    monkeypatch.setattr("archdsl.check.engine.RULES", broken)
    with pytest.raises(RuleError, match="does not match pillar"):
        load_rules()


def test_rules_doc_is_current():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert text == render_rules(), (
        "docs/rules.md is stale; run python -m archdsl.check.docs docs/rules.md"
    )


def test_simulation_keeps_reader_capacity():
    model = compile_file(EXAMPLES / "three-tier.arch").model
    result = simulate(model, Scenario("az-loss", "us-east-1a"))
    orders = next(c for c in result.capacity if c.unit == "orders")
    assert orders.before == 2
    assert orders.after == 1


def test_simulation_skips_stores_of_other_cells(tmp_path):
    design = tmp_path / "cells.arch"
    lines = ["cell shard x2 {", "  tier api", "  db data", "  api -> data", "}"]
    design.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = compile_file(design).model
    result = simulate(model, Scenario("az-loss", "us-east-1a"))
    rows = {(r.entry, r.store, r.reachable) for r in result.reach}
    # Each cell has its own VPC and internet gateway, which reach only the
    # cell's own database. The Aurora writer fails over to its reader.
    assert rows == {
        ("shard1.igw", "shard1.data", True),
        ("shard2.igw", "shard2.data", True),
    }
