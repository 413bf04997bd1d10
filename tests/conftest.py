"""Shared test helpers: paths, compiling examples, golden files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"

#: Set to 1 to rewrite golden files from the current output. Review the diff
#: before committing: a golden file is only as good as that review.
UPDATE_GOLDEN = os.environ.get("ARCHDSL_UPDATE_GOLDEN") == "1"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), (
        f"missing golden file {path}; run with ARCHDSL_UPDATE_GOLDEN=1"
    )
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file"


def archdsl_command() -> list[str]:
    """The installed console script, run as a real process."""
    script = Path(sys.executable).parent / "archdsl"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "archdsl"]


def run_archdsl(
    *args: str, cwd: Path | None = None, env=None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*archdsl_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture(scope="session")
def dot_available() -> str:
    program = shutil.which("dot")
    assert program, "Graphviz 'dot' is required; run scripts/setup.sh"
    return program
