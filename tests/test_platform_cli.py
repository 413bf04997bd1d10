"""Bad input in the new statements: a positioned diagnostic, exit 2, no traceback."""

from __future__ import annotations

import pytest

from tests.conftest import run_archdsl

# Each case: design, the line and column the error points at, message start.
BAD_DESIGNS = [
    ("cluster apps eks\nnodegroup n on ap\n", 2, 13, "unknown name 'ap'"),
    ("cluster apps eks endpoint=open\n", 1, 27, "invalid value for option 'endpoint'"),
    ("cluster apps ecs\nservice web on apps cpu=3\n", 2, 25, "invalid value"),
    ("service web on apps behnd alb\n", 1, 21, "unknown word 'behnd'"),
    ("firehose f format=avro\n", 1, 19, "invalid value for option 'format'"),
    ("lake l zones=[Raw]\n", 1, 14, "invalid value for option 'zones'"),
    ("stream s kinesis retention=1h\n", 1, 28, "invalid value for option 'retention'"),
    ("kms k period=30d\n", 1, 14, "invalid value for option 'period'"),
    ("transit t attach=[a] inspect=\n", 1, 30, "line ends early"),
    ("encrypt all with aes key=k\n", 1, 18, "invalid value for 'with'"),
    ("tls everywhere now\n", 1, 16, "unknown word 'now' in 'tls'"),
    ("guardduty s3=maybe\n", 1, 14, "invalid value for option 's3'"),
    ("gwlb g appliances=0\n", 1, 19, "invalid value for option 'appliances'"),
    (
        "mirror m from=[a] to=b filter=some\n",
        1,
        31,
        "invalid value for option 'filter'",
    ),
    ("alarm a on b metric=disk\n", 1, 21, "invalid value for option 'metric'"),
    ("warehouse w nodes=0\n", 1, 19, "invalid value for option 'nodes'"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), BAD_DESIGNS)
def test_bad_statement_gives_positioned_error(tmp_path, text, line, column, message):
    design = tmp_path / "bad.arch"
    design.write_text(text)
    output = tmp_path / "out.svg"
    result = run_archdsl("render", str(design), "-o", str(output))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{design}:{line}:{column}: error: "), lines[0]
    assert message in lines[0], lines[0]
    source = text.splitlines()[line - 1]
    assert lines[1].endswith(f"| {source}"), lines[1]
    assert lines[2].index("^") == lines[1].index("|") + 2 + column - 1
    assert any(entry.startswith("  hint: ") for entry in lines[3:])
    assert not output.exists()
