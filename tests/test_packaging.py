"""The wheel carries the grammar and works outside the source checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.conftest import EXAMPLES, ROOT


def test_wheel_ships_grammar_and_parses_outside_checkout(tmp_path):
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("archdsl-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "archdsl/grammar/archdsl.lark" in names
        assert "archdsl/watch/page.html" in names
        assert (
            archive.read("archdsl/grammar/archdsl.lark")
            == (ROOT / "grammar" / "archdsl.lark").read_bytes()
        )
        archive.extractall(tmp_path / "site")
    script = (
        "import archdsl, archdsl.compiler as c, sys\n"
        "assert archdsl.__file__.startswith(sys.argv[1]), archdsl.__file__\n"
        "m = c.compile_file(sys.argv[2]).model\n"
        "print(len(m.components))\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            str(tmp_path / "site"),
            str(EXAMPLES / "three-tier.arch"),
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 40
