"""Every input that once broke archdsl, with the outcome it must keep.

Each ``regressions/NAME.arch`` has a ``NAME.expected`` next to it: ``ok``, or
the first error as ``NAME.arch:line:col: error: message``. Add one with
``python -m tests.fuzz.record``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.harness import run_cli
from tests.fuzz.record import REGRESSIONS, outcome_of

CASES = sorted(REGRESSIONS.glob("*.arch"))


def test_every_regression_has_expected():
    missing = [
        case.name for case in CASES if not case.with_suffix(".expected").exists()
    ]
    assert missing == []


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_regression_outcome(case: Path):
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").strip()
    assert outcome_of(case) == expected


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_regression_through_cli(case: Path, tmp_path: Path):
    design = tmp_path / case.name
    design.write_bytes(case.read_bytes())
    run_cli("check", design, tmp_path / "out")
