"""Keep a fuzz input as a regression test, with the outcome it has now.

    .venv/bin/python -m tests.fuzz.record INPUT NAME

copies INPUT to tests/fuzz/regressions/NAME.arch and writes NAME.expected:
``ok``, or the first error as ``NAME.arch:line:col: error: message``. Run it
after the fix, review the expected outcome, and commit both files.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tests.fuzz.harness import prepare_workspace, run_in_process

REGRESSIONS = Path(__file__).resolve().parent / "regressions"


def outcome_of(path: Path) -> str:
    """Return the outcome of the design at ``path``, run from a fresh workspace."""
    with tempfile.TemporaryDirectory() as folder:
        workspace = prepare_workspace(Path(folder))
        copy = workspace / path.name
        shutil.copyfile(path, copy)
        return run_in_process(copy).text


def main(arguments: list[str]) -> int:
    if len(arguments) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, name = Path(arguments[0]), arguments[1]
    target = REGRESSIONS / f"{name}.arch"
    shutil.copyfile(source, target)
    outcome = outcome_of(target)
    (REGRESSIONS / f"{name}.expected").write_text(outcome + "\n", encoding="utf-8")
    print(f"{target.name}: {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
