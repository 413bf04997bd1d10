"""The pre-commit hooks, run the way pre-commit runs them: entry, then the files."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT

HOOKS = {
    hook["id"]: hook
    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
}


def run_hook(hook_id: str, files: list[str], cwd: Path) -> subprocess.CompletedProcess:
    hook = HOOKS[hook_id]
    command = [*shlex.split(hook["entry"]), *hook.get("args", []), *files]
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": path},
    )


@pytest.fixture
def designs(tmp_path):
    shutil.copy(EXAMPLES / "three-tier.arch", tmp_path / "shop.arch")
    shutil.copy(EXAMPLES / "auth.arch", tmp_path / "auth.arch")
    shutil.copy(ROOT / "tests" / "checks" / "asg-min-1.arch", tmp_path / "asg.arch")
    (tmp_path / "typo.arch").write_text("tier web mni=2\n")
    return tmp_path


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (["shop.arch"], 0),
        (["shop.arch", "auth.arch"], 0),
        (["asg.arch", "shop.arch"], 1),
        (["shop.arch", "asg.arch"], 1),
        (["typo.arch", "asg.arch"], 2),
    ],
)
def test_check_hook_several_files(designs, files, code):
    result = run_hook("archdsl-check", files, designs)
    assert result.returncode == code, result.stderr
    assert result.stdout.count("Summary:") == sum(f != "typo.arch" for f in files)


@pytest.mark.parametrize("hook_id", ["archdsl-check", "archdsl-docs"])
@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("examples/three-tier.arch", True),
        ("three-tier.arch", True),
        ("examples/parts/cell-stack.arch", False),
        ("parts/router.arch", False),
        ("examples/partsbin/shop.arch", True),
        ("notes.txt", False),
    ],
)
def test_hook_file_selection(hook_id, path, runs):
    # pre-commit runs a hook on a file when re.search finds "files" in its
    # path and does not find "exclude".
    hook = HOOKS[hook_id]
    selected = bool(re.search(hook["files"], path)) and not re.search(
        hook.get("exclude", "^$"), path
    )
    assert selected is runs
