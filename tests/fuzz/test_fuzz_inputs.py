"""Fuzz every stage in process with four families of inputs.

Each test writes an input to ``fuzz.arch`` in a workspace that also contains the
``parts/`` files the corpus includes, then runs it through the harness, which
asserts the robustness contract described in tests/fuzz/harness.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.budget import budget
from tests.fuzz.harness import prepare_workspace, run_in_process
from tests.fuzz.inputs import (
    CORPUS,
    generated_designs,
    mutated_corpus,
    random_bytes,
    token_soups,
)


@pytest.fixture(scope="module")
def design_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_workspace(tmp_path_factory.mktemp("fuzz")) / "fuzz.arch"


def _run(design_file: Path, data: bytes, *, graphviz: bool = False) -> None:
    design_file.write_bytes(data)
    outcome = run_in_process(design_file, graphviz=graphviz)
    event("compiled" if outcome.ok else "rejected")


@budget(ci_examples=200)
@given(data=random_bytes())
def test_random_bytes(design_file: Path, data: bytes) -> None:
    _run(design_file, data)


@budget(ci_examples=400)
@given(data=token_soups())
def test_token_soups(design_file: Path, data: bytes) -> None:
    _run(design_file, data)


@budget(ci_examples=200)
@given(data=mutated_corpus())
def test_mutated_corpus(design_file: Path, data: bytes) -> None:
    _run(design_file, data)


@pytest.mark.parametrize("original", CORPUS, ids=[path.stem for path in CORPUS])
@budget(ci_examples=6, long_run_share=1 / len(CORPUS))
@given(data=st.data())
def test_each_design_mutated(design_file: Path, original: Path, data) -> None:
    _run(design_file, data.draw(mutated_corpus(original)))


@budget(ci_examples=400)
@given(data=generated_designs())
def test_generated_designs(design_file: Path, data: bytes) -> None:
    _run(design_file, data)


@budget(ci_examples=30, long_run_share=0.05)
@given(data=generated_designs())
def test_generated_through_graphviz(design_file: Path, data: bytes) -> None:
    _run(design_file, data, graphviz=True)
