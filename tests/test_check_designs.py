"""Checklist findings on real design files, each expectation reasoned out by hand.

Every bad design under tests/checks/ must report the rule and component
written next to it. The recommended three-tier design must report no high
or critical finding.
"""

from __future__ import annotations

import pytest

from archdsl.check.engine import run_check
from archdsl.check.severity import Severity
from archdsl.compiler import compile_file
from tests.conftest import EXAMPLES, ROOT

CHECKS = ROOT / "tests" / "checks"


def findings_of(path):
    return run_check(compile_file(path).model).findings


def pairs_of(path) -> set[tuple[str, str]]:
    return {(f.rule.id, c) for f in findings_of(path) for c in f.components}


# (design, rule, component): why the rule must fire.
EXPECTED = [
    # Aurora with no reader: the writer is alone in us-east-1a.
    ("single-az-db", "REL-DB-001", "orders.cluster"),
    ("single-az-db", "REL-AZ-002", "orders.writer"),
    # azs=1: the ALB and the only web instance are both in us-east-1a.
    ("single-az-design", "REL-AZ-001", "web.alb"),
    ("single-az-design", "REL-SPOF-001", "web.alb"),
    ("single-az-design", "REL-SPOF-001", "web.us-east-1a"),
    ("single-az-design", "REL-DB-001", "orders.cluster"),
    # Public subnet, no load balancer: the internet gateway reaches each server.
    ("public-instance", "SEC-NET-001", "bastion.1"),
    ("public-instance", "SEC-NET-003", "bastion.sg"),
    ("public-instance", "REL-FIX-001", "bastion.2"),
    ("public-instance", "PERF-LB-001", "bastion.1"),
    # min=1 over two AZs.
    ("asg-min-1", "REL-ASG-001", "web.asg"),
    # encrypted=off on Aurora and on Redis, which also turns off Redis TLS.
    ("unencrypted-store", "SEC-ENC-001", "orders.cluster"),
    ("unencrypted-store", "SEC-ENC-001", "sessions.group"),
    ("unencrypted-store", "SEC-TLS-002", "sessions.primary"),
    # One consumer behind an async hop that calls every backend.
    ("single-dispatcher", "REL-HOT-001", "dispatcher.alb"),
    ("single-dispatcher", "REL-FAN-001", "car.alb"),
    # A service calling three services directly instead of publishing.
    ("direct-calls", "REL-FAN-001", "billing.alb"),
    ("direct-calls", "REL-FAN-001", "email.alb"),
    # a -> b -> c -> d -> store is four calls; the limit is three.
    ("deep-chain", "REL-SYNC-001", "a.alb"),
    # tls=off and waf=off on the internet-facing load balancer.
    ("entry-unprotected", "SEC-TLS-001", "web.alb"),
    ("entry-unprotected", "SEC-WAF-001", "web.alb"),
    # nat=single over two AZs, flow_logs=off.
    ("shared-nat", "REL-NAT-001", "nat.us-east-1a"),
    ("shared-nat", "SEC-LOG-001", "vpc"),
    # ec2 count=2; min=max=6 over two AZs; min=4 max=6 on an m4.
    ("fixed-fleets", "REL-FIX-001", "legacy.1"),
    ("fixed-fleets", "REL-SCALE-001", "batch.asg"),
    ("fixed-fleets", "COST-FIX-001", "batch.asg"),
    ("fixed-fleets", "PERF-SCALE-001", "api.asg"),
    ("fixed-fleets", "PERF-GEN-001", "api.launch-template"),
    # A tier listening on the PostgreSQL port.
    ("self-managed-db", "SUS-MANAGED-001", "pg.1"),
    # A cache with no flow.
    ("unused-cache", "SUS-UNUSED-001", "spare.primary"),
    # RDS without standby, one day of backups, deletion protection off,
    # three replicas; Redis without failover.
    ("weak-data", "REL-DB-001", "orders.primary"),
    ("weak-data", "REL-BAK-001", "orders.primary"),
    ("weak-data", "SEC-DEF-001", "orders.primary"),
    ("weak-data", "COST-OVER-001", "orders.primary"),
    ("weak-data", "REL-DB-002", "sessions.group"),
    ("weak-data", "REL-AZ-002", "sessions.primary"),
    # app tls=off: web calls app's load balancer in plain HTTP; CloudFront
    # logs turned off.
    ("plaintext-call", "SEC-TLS-003", "app.alb"),
    ("plaintext-call", "OPS-LOG-001", "edge.cloudfront"),
]


@pytest.mark.parametrize(("design", "rule", "component"), EXPECTED)
def test_bad_design_is_flagged(design, rule, component):
    assert (rule, component) in pairs_of(CHECKS / f"{design}.arch")


def test_three_tier_has_no_high_findings():
    findings = findings_of(EXAMPLES / "three-tier.arch")
    severe = [f.rule.id for f in findings if f.severity.at_least(Severity.HIGH)]
    assert severe == []


def test_three_tier_findings_are_the_reviewed_ones():
    # No alarms, no tracing over edge -> web -> app -> orders, and one
    # region. The server tiers default to Graviton, so SUS-GRAV-001 is quiet.
    expected = {
        ("OPS-MON-001", ()),
        ("OPS-TRACE-001", ()),
        ("REL-REG-001", ()),
    }
    found = {
        (f.rule.id, f.components) for f in findings_of(EXAMPLES / "three-tier.arch")
    }
    assert found == expected


def test_spof_names_path_from_internet():
    findings = findings_of(CHECKS / "single-az-design.arch")
    spof = next(f for f in findings if f.components == ("web.alb",))
    assert spof.path == (
        "internet",
        "igw",
        "web.alb",
        "web.us-east-1a",
        "orders.writer",
    )


def test_finding_points_at_option_written():
    findings = findings_of(CHECKS / "asg-min-1.arch")
    finding = next(f for f in findings if f.rule.id == "REL-ASG-001")
    assert (finding.span.line, finding.span.column) == (2, 10)


def test_waivers_mark_findings_waived():
    findings = findings_of(CHECKS / "waived.arch")
    waived = sorted(f.rule.id for f in findings if f.waived)
    assert waived == ["REL-AZ-002", "REL-DB-001"]


def test_waiver_keeps_reason():
    findings = findings_of(CHECKS / "waived.arch")
    finding = next(f for f in findings if f.rule.id == "REL-DB-001")
    assert finding.waiver.reason == "staging copy; restored from snapshots"


def test_unused_waiver_is_reported():
    result = run_check(compile_file(CHECKS / "waived.arch").model)
    assert [(w.rule, w.target) for w in result.unused_waivers] == [
        ("SEC-ENC-001", "web")
    ]
