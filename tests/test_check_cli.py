"""archdsl check as a user runs it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from markdown_it import MarkdownIt

from archdsl.check.rules import RULES
from tests.conftest import EXAMPLES, ROOT, run_archdsl

THREE_TIER = EXAMPLES / "three-tier.arch"
CHECKS = ROOT / "tests" / "checks"
SARIF_SCHEMA = ROOT / "tests" / "schemas" / "sarif-2.1.0-rtm.5.json"


def check(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return run_archdsl("check", *args, cwd=cwd)


@pytest.fixture
def workdir(tmp_path):
    for name in ("single-az-db.arch", "waived.arch"):
        shutil.copy(CHECKS / name, tmp_path / name)
    shutil.copy(THREE_TIER, tmp_path / "three-tier.arch")
    return tmp_path


def test_three_tier_passes_default_gate():
    assert check(str(THREE_TIER)).returncode == 0


def test_three_tier_fails_at_low():
    assert check(str(THREE_TIER), "--fail-on", "low").returncode == 1


def test_single_az_database_fails():
    assert check(str(CHECKS / "single-az-db.arch")).returncode == 1


def test_fail_on_never_exits_zero():
    result = check(str(CHECKS / "single-az-db.arch"), "--fail-on", "never")
    assert result.returncode == 0


def test_waived_findings_do_not_fail():
    assert check(str(CHECKS / "waived.arch")).returncode == 0


def test_unused_waiver_warns_with_location():
    result = check(str(CHECKS / "waived.arch"))
    assert (
        "waived.arch:7:1: warning: the waiver of SEC-ENC-001 on 'web'" in result.stderr
    )


def test_text_report_has_summary_line():
    lines = check(str(THREE_TIER)).stdout.splitlines()
    assert lines[-1].startswith("Summary: 3 finding(s), 0 waived | critical 0, high 0")


def test_text_report_shows_source_line():
    result = check(str(CHECKS / "asg-min-1.arch"))
    assert "   2 | tier web min=1" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("waive REL-DB-001 on orders\n", "the waiver of REL-DB-001 has no reason"),
        ('waive REL-DB-01 on orders reason "x"\n', "did you mean 'REL-DB-001'?"),
        ('waive REL-DB-001 on ordrs reason "x"\n', "did you mean 'orders'?"),
    ],
)
def test_bad_waiver_is_an_error(tmp_path, text, message):
    design = tmp_path / "d.arch"
    design.write_text("tier web\ndb orders\nweb -> orders\n" + text)
    result = check(str(design))
    assert message in result.stderr


def test_unknown_waiver_target_hint_uses_design(tmp_path):
    design = tmp_path / "d.arch"
    design.write_text('tier web\nwaive REL-DB-001 on nothing reason "x"\n')
    result = check(str(design))
    assert (
        "hint: name a statement (web) or a component id from 'archdsl expand' "
        'in quotes ("web.alb")'
    ) in result.stderr


def test_bad_waiver_exits_two(tmp_path):
    design = tmp_path / "d.arch"
    design.write_text("tier web\nwaive REL-DB-001 on web\n")
    result = check(str(design))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_waiver_error_has_caret(tmp_path):
    design = tmp_path / "d.arch"
    design.write_text('tier web\nwaive REL-XYZ-001 on web reason "r"\n')
    lines = check(str(design)).stderr.splitlines()
    assert lines[2].index("^") == lines[1].index("REL-XYZ-001")


def test_invalid_design_exits_two(tmp_path):
    design = tmp_path / "d.arch"
    design.write_text("tier web mni=2\n")
    result = check(str(design))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ("az-loss", "invalid --simulate value 'az-loss'"),
        ("meteor=us-east-1a", "invalid --simulate value"),
        ("az-loss=us-east-1c", "Availability Zone 'us-east-1c' is not part of design"),
        ("region-loss=eu-west-1", "region 'eu-west-1' is not part of design"),
    ],
)
def test_bad_simulation_exits_two(scenario, message):
    result = check(str(THREE_TIER), "--simulate", scenario)
    assert result.returncode == 2
    assert message in result.stderr


def test_az_loss_reports_capacity_per_tier():
    result = check(str(THREE_TIER), "--simulate", "az-loss=us-east-1a")
    assert "capacity: web: 2 -> 1 instances at minimum size" in result.stdout


def test_az_loss_reports_app_capacity():
    result = check(str(THREE_TIER), "--simulate", "az-loss=us-east-1a")
    assert "capacity: app: 2 -> 1 instances at minimum size" in result.stdout


def test_az_loss_reports_aurora_failover():
    result = check(str(THREE_TIER), "--simulate", "az-loss=us-east-1a")
    assert "orders.writer (writer) fails over to orders.reader1" in result.stdout


def test_az_loss_keeps_three_tier_up():
    result = check(str(THREE_TIER), "--simulate", "az-loss=us-east-1b")
    assert "result: every entry point still reaches every data store" in result.stdout


def test_az_loss_on_single_az_design_is_outage():
    design = CHECKS / "single-az-design.arch"
    result = check(
        str(design), "--simulate", "az-loss=us-east-1a", "--fail-on", "never"
    )
    assert "result: OUTAGE: no entry point reaches orders" in result.stdout


def test_az_loss_on_single_az_database_loses_writer():
    design = CHECKS / "single-az-db.arch"
    result = check(
        str(design), "--simulate", "az-loss=us-east-1a", "--fail-on", "never"
    )
    assert (
        "orders.writer (writer) is lost with nothing to fail over to" in result.stdout
    )


def test_region_loss_is_outage():
    result = check(str(THREE_TIER), "--simulate", "region-loss=us-east-1")
    assert "result: OUTAGE: no entry point reaches orders, sessions" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "sarif", "junit"])
def test_report_is_byte_identical_across_runs(workdir, fmt):
    args = ("waived.arch", "--format", fmt, "--simulate", "az-loss=us-east-1a")
    first = check(*args, cwd=workdir)
    second = check(*args, cwd=workdir)
    assert first.stdout == second.stdout


def test_output_file_is_written(workdir):
    result = check("three-tier.arch", "-f", "json", "-o", "report.json", cwd=workdir)
    assert result.stdout == ""
    assert (workdir / "report.json").exists()


def test_json_report_lists_findings(workdir):
    result = check("single-az-db.arch", "-f", "json", cwd=workdir)
    report = json.loads(result.stdout)
    rules = [f["rule"] for f in report["findings"] if f["severity"] == "high"]
    assert rules == ["REL-AZ-002", "REL-DB-001"]


def test_json_report_marks_failure(workdir):
    report = json.loads(check("single-az-db.arch", "-f", "json", cwd=workdir).stdout)
    assert report["passed"] is False
    assert report["fail_on"] == "high"


def test_json_report_locates_finding(workdir):
    report = json.loads(check("single-az-db.arch", "-f", "json", cwd=workdir).stdout)
    finding = next(f for f in report["findings"] if f["rule"] == "REL-DB-001")
    assert finding["location"] == {"file": "single-az-db.arch", "line": 3, "column": 18}


def sarif_log(workdir, design="waived.arch"):
    return json.loads(check(design, "-f", "sarif", cwd=workdir).stdout)


def test_sarif_is_valid(workdir):
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif_log(workdir))


def test_sarif_lists_every_rule(workdir):
    rules = sarif_log(workdir)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]


def test_sarif_result_points_at_design(workdir):
    results = sarif_log(workdir)["runs"][0]["results"]
    result = next(r for r in results if r["ruleId"] == "REL-DB-001")
    location = result["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "waived.arch"},
        "region": {"startLine": 3, "startColumn": 18},
    }


def test_sarif_waived_result_is_suppressed(workdir):
    results = sarif_log(workdir)["runs"][0]["results"]
    result = next(r for r in results if r["ruleId"] == "REL-DB-001")
    assert result["suppressions"] == [
        {"kind": "inSource", "justification": "staging copy; restored from snapshots"}
    ]


def junit_tree(workdir, design):
    return ET.fromstring(check(design, "-f", "junit", cwd=workdir).stdout)


def test_junit_has_one_case_per_rule(workdir):
    cases = junit_tree(workdir, "single-az-db.arch").iter("testcase")
    assert len(list(cases)) == len(RULES)


def test_junit_fails_rules_at_threshold(workdir):
    tree = junit_tree(workdir, "single-az-db.arch")
    failed = sorted(
        c.get("name").split()[0]
        for c in tree.iter("testcase")
        if c.find("failure") is not None
    )
    assert failed == ["REL-AZ-002", "REL-DB-001"]


def test_junit_counts_failures(workdir):
    suite = junit_tree(workdir, "single-az-db.arch").find("testsuite")
    assert suite.get("tests") == str(len(RULES))
    assert suite.get("failures") == "2"


def test_markdown_renders_tables(workdir):
    text = check("single-az-db.arch", "-f", "markdown", cwd=workdir).stdout
    html = MarkdownIt("commonmark").enable("table").render(text)
    # The summary table plus one table per pillar with findings: operations,
    # reliability and performance (the Graviton default leaves sustainability
    # quiet).
    assert html.count("<table>") == 4


def test_check_does_not_load_renderer(workdir):
    code = (
        "import sys\n"
        "from archdsl.cli import main\n"
        "sys.argv = ['archdsl', 'check', 'three-tier.arch']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('diagrams', 'graphviz') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True
    )
    assert result.stdout.splitlines()[-1] == "[]"
