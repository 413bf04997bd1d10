"""Fuzz the real ``archdsl`` command line with a small sample of inputs.

Each input goes through ``expand``, ``check``, ``render`` and ``docs`` in
their own processes. The harness asserts the exit code, that errors start
with ``file:line:col:``, that no traceback or temp file is left, and that a
failed run leaves the previous output files as they were.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.budget import budget
from tests.fuzz.harness import COMMANDS, prepare_workspace, run_cli
from tests.fuzz.inputs import any_design, generated_designs


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_workspace(tmp_path_factory.mktemp("fuzz-cli"))


@budget(ci_examples=12, long_run_share=0.01)
@given(data=any_design(), command=st.sampled_from(sorted(COMMANDS)))
def test_any_input_one_command(workspace: Path, data: bytes, command: str) -> None:
    design = workspace / "fuzz.arch"
    design.write_bytes(data)
    run_cli(command, design, workspace / "out")


@budget(ci_examples=6, long_run_share=0.005)
@given(data=generated_designs())
def test_generated_design_every_command(workspace: Path, data: bytes) -> None:
    design = workspace / "fuzz.arch"
    design.write_bytes(data)
    for command in sorted(COMMANDS):
        run_cli(command, design, workspace / "out")
