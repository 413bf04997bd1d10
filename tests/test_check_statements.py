"""Checklist findings on designs written with the newer statements.

The container, serverless, analytics, operations and multi-region statements
came after the first rules. These designs pin down what each rule must and
must not report on them, and the comment above each test gives the AWS reason.
"""

from __future__ import annotations

import re

import pytest

from archdsl.check.engine import run_check
from archdsl.check.findings import Finding
from archdsl.check.predicates.security import as_written
from archdsl.check.severity import Severity
from archdsl.check.simulate import Failover, Scenario, simulate
from archdsl.compiler import compile_file, compile_text
from tests.conftest import EXAMPLES, ROOT

CHECKS = ROOT / "tests" / "checks"

RECOMMENDED = (
    "three-tier",
    "serverless-web",
    "content-routing",
    "image-pipeline",
    "priority-queues",
    "cell-based",
    "eks",
    "twelve-factor",
    "analytics",
    "observability",
    "ids-ips",
)


def check(name: str) -> list[Finding]:
    return run_check(compile_file(CHECKS / f"{name}.arch").model).findings


def check_text(text: str) -> list[Finding]:
    return run_check(compile_text(text, "design.arch").model).findings


def of_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule.id == rule]


def example(name: str) -> list[Finding]:
    return run_check(compile_file(EXAMPLES / f"{name}.arch").model).findings


@pytest.mark.parametrize("name", RECOMMENDED)
def test_recommended_example_passes(name):
    failing = [
        f.rule.id
        for f in example(name)
        if not f.waived and f.severity.at_least(Severity.HIGH)
    ]
    assert failing == []


# Kubernetes -----------------------------------------------------------------


def test_kubernetes_records_are_no_single_point():
    # The Ingress, Service and Deployment live in the EKS control plane,
    # which AWS runs in several AZs. The pods and the ALB span both AZs.
    assert of_rule(check("eks-karpenter"), "REL-SPOF-001") == []


def test_karpenter_scales_node_group():
    # Karpenter adds nodes for pending pods and removes idle ones.
    assert of_rule(check("eks-karpenter"), "SUS-SCALE-001") == []


def test_idle_fargate_profile_is_unused():
    # The cluster hosts pods, the node group runs web and the batch profile
    # runs jobs. Only the profile for namespace 'unused' selects no pod.
    findings = of_rule(check("eks-karpenter"), "SUS-UNUSED-001")
    assert [f.components for f in findings] == [("spare.profile",)]


def test_node_group_without_autoscaler():
    # autoscaler=none: nothing adds or removes nodes, so the group keeps its
    # desired size. One finding for the statement, naming both AZ shares.
    (finding,) = of_rule(check("eks-no-autoscaler"), "SUS-SCALE-001")
    assert finding.components == ("general.us-east-1a", "general.us-east-1b")


def test_node_group_fix_names_cluster():
    (finding,) = of_rule(check("eks-no-autoscaler"), "SUS-SCALE-001")
    assert finding.fix == "write autoscaler=karpenter on cluster apps"


ECS_HOSTS = """design d region=us-east-1 azs=2
cluster apps ecs
nodegroup hosts on apps min=2 max=6
service web on apps {launch} behind alb
"""


def test_ecs_container_instances_in_use():
    # EC2 launch type: ECS places web's tasks on the node group's instances.
    findings = check_text(ECS_HOSTS.format(launch="ec2"))
    assert of_rule(findings, "SUS-UNUSED-001") == []


def test_ecs_container_instances_idle_under_fargate():
    # Fargate tasks run on AWS's capacity, so the instances host nothing.
    findings = check_text(ECS_HOSTS.format(launch="fargate"))
    units = [f.span.line for f in of_rule(findings, "SUS-UNUSED-001")]
    assert units == [3]


# Parts of statements and watchers ----------------------------------------


def test_dlq_log_group_and_zones_are_used():
    # jobs redrives to jobs.dlq, worker writes to worker.logs, and worker
    # writes both lake zones.
    assert of_rule(check("queue-to-lake"), "SUS-UNUSED-001") == []


def test_key_and_ca_in_use():
    # 'encrypt all' puts every store under app's key, and the mTLS hop to
    # ledger trusts certificates from internal, the design's first CA.
    # Nothing uses spare or spare-ca.
    findings = of_rule(check("keys-and-ca"), "SUS-UNUSED-001")
    assert [f.span.line for f in findings] == [5, 7]


def test_watchers_are_not_unused():
    # Metrics, traces, alarms, GuardDuty and Security Hub receive telemetry.
    # Dashboards, budgets and Cost Explorer read account-wide data.
    assert of_rule(check("watchers"), "SUS-UNUSED-001") == []


def test_queue_consumers_need_no_balancer():
    # The workers poll SQS for messages, so no caller addresses them.
    assert of_rule(check("queue-consumers"), "PERF-LB-001") == []


def test_shared_alb_balances_services():
    # Both services take their requests from one ALB through target groups.
    assert of_rule(check("shared-ingress"), "PERF-LB-001") == []


def test_stream_consumers_need_failure_destination():
    # A batch that keeps failing is retried until its records expire.
    findings = of_rule(check("stream-consumers"), "REL-DLQ-001")
    assert [f.components for f in findings] == [("on-change",), ("on-click",)]


def test_stream_consumer_message_names_stream():
    findings = of_rule(check("stream-consumers"), "REL-DLQ-001")
    assert findings[0].message.startswith(
        "function on-change reads records with no on-failure destination"
    )


def test_stream_consumers_have_bounded_concurrency():
    # Lambda runs one batch per shard at a time, whatever the backlog.
    assert of_rule(check("stream-consumers"), "REL-THR-002") == []


def test_queue_consumer_needs_reserved_concurrency():
    # Lambda adds concurrent batches while an SQS backlog grows.
    findings = check_text("queue jobs\nfunction worker\njobs ~> worker\n")
    assert [f.components for f in of_rule(findings, "REL-THR-002")] == [("worker",)]


def test_derived_bucket_keeps_no_versions():
    # Thumbnails can be rebuilt from the originals, but the originals cannot.
    findings = of_rule(check("buckets"), "REL-BAK-003")
    assert [f.components for f in findings] == [("uploads",)]


# Analytics ----------------------------------------------------------------


def test_emr_is_not_a_store():
    # EMR keeps its data in S3 (EMRFS), so losing its AZ loses no data.
    findings = of_rule(check("analytics-engines"), "REL-AZ-002")
    assert [f.components for f in findings] == [("dw.cluster",)]


def test_data_flows_do_not_expose_warehouse():
    # The feed writes to Firehose, which writes S3, which Redshift loads:
    # the sender never runs a query on the warehouse.
    assert of_rule(check("analytics-engines"), "SEC-NET-002") == []


def test_multi_az_warehouse_spans_two_azs():
    text = (CHECKS / "analytics-engines.arch").read_text(encoding="utf-8")
    model = compile_text(text.replace("warehouse dw", "warehouse dw multi_az")).model
    assert model.components["dw.cluster"].placement.azs == (
        "us-east-1a",
        "us-east-1b",
    )


def test_multi_az_warehouse_survives_az_loss():
    text = (CHECKS / "analytics-engines.arch").read_text(encoding="utf-8")
    findings = check_text(text.replace("warehouse dw", "warehouse dw multi_az"))
    assert of_rule(findings, "REL-AZ-002") == []


# Entry points -------------------------------------------------------------


def test_public_servers_lack_tls():
    # Port 80 on instances in a public subnet: plain HTTP from the internet.
    (finding,) = of_rule(check("public-instance"), "SEC-TLS-001")
    assert finding.message == "bastion.1, bastion.2 accept plain HTTP from the internet"


def test_public_servers_lack_waf():
    # A web ACL attaches to CloudFront, an ALB or an API, never to an instance.
    (finding,) = of_rule(check("public-instance"), "SEC-WAF-001")
    assert finding.components == ("bastion.1", "bastion.2")


def test_amplify_app_is_an_entry_point():
    # Amplify Hosting serves the app to browsers through its own CloudFront.
    text = (
        "webapp vote\nfirehose land\nlake data zones=[raw]\ncatalog meta\n"
        "vote => land => data\n"
    )
    assert of_rule(check_text(text), "SEC-NET-001") == []


def test_private_tier_behind_alb_has_tls():
    findings = check_text("tier web\n")
    assert of_rule(findings, "SEC-TLS-001") == []


# Messages and repeated findings --------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "written"),
    [
        ("deletion_protection", False, "off"),
        ("rotation", True, "on"),
        ("deletion_window_days", 7, "7d"),
        ("retention_hours", 24, "24h"),
        ("memory_mb", 512, "512MB"),
        ("threshold", 80, "80"),
        ("apps", ("spark", "hive"), "[spark, hive]"),
        ("engine", None, "none"),
    ],
)
def test_setting_printed_as_written(key, value, written):
    assert as_written(key, value) == written


def test_weakened_default_message_reads_on_off():
    findings = run_check(compile_file(CHECKS / "weak-data.arch").model).findings
    (finding,) = of_rule(findings, "SEC-DEF-001")
    assert finding.message.startswith(
        "orders.primary: deletion_protection is off instead of on;"
    )


def test_weakened_default_message_reads_days():
    (finding,) = of_rule(check_text("kms app deletion_window=7d\n"), "SEC-DEF-001")
    assert "deletion_window_days is 7d instead of 30d" in finding.message


def test_unencrypted_rds_reported_once():
    # Multi-AZ adds a standby and replicas=2 adds two readers. All four copy
    # the statement's encrypted=off, which is one cause.
    (finding,) = of_rule(check("unencrypted-replicas"), "SEC-ENC-001")
    assert finding.components == (
        "orders.primary",
        "orders.standby",
        "orders.replica1",
        "orders.replica2",
    )


def test_unencrypted_rds_points_at_option():
    (finding,) = of_rule(check("unencrypted-replicas"), "SEC-ENC-001")
    assert (finding.span.line, finding.span.column) == (4, 15)


@pytest.mark.parametrize("rule", ["OPS-LOG-001", "REL-BAK-003"])
def test_lake_zones_reported_once(rule):
    (finding,) = of_rule(check("unencrypted-replicas"), rule)
    assert finding.components == ("data.raw", "data.curated")


# Alarms and tracing ---------------------------------------------------------


def test_alarm_statement_clears_no_alarms():
    assert of_rule(check("watchers"), "OPS-MON-001") == []


def test_silent_alarm_does_not_count():
    findings = check_text("tier web\nalarm web-cpu on web metric=cpu\n")
    (finding,) = of_rule(findings, "OPS-MON-001")
    assert "none notifies anyone" in finding.message


def test_no_alarms_fix_names_entry_tier():
    # web is the tier behind the internet-facing ALB, so its 5xx rate is the
    # first thing users notice.
    (finding,) = of_rule(example("three-tier"), "OPS-MON-001")
    assert "'alarm web-5xx on web metric=5xx above=10" in finding.fix


def test_no_alarms_fix_compiles_and_clears():
    (finding,) = of_rule(example("three-tier"), "OPS-MON-001")
    statement = re.search(r"'(alarm [^']*)'", finding.fix).group(1)
    text = (EXAMPLES / "three-tier.arch").read_text(encoding="utf-8")
    assert of_rule(check_text(text + statement + "\n"), "OPS-MON-001") == []


def test_no_alarms_fix_without_watchable_statement():
    # The alarm statement cannot watch functions, APIs, queues or tables.
    (finding,) = of_rule(example("serverless-web"), "OPS-MON-001")
    assert finding.fix.startswith("the alarm statement cannot watch")


def test_tracing_statement_clears_tracing_rule():
    text = (EXAMPLES / "three-tier.arch").read_text(encoding="utf-8")
    assert of_rule(check_text(text + "tracing\n"), "OPS-TRACE-001") == []


def test_internet_gateway_is_not_a_hop():
    # web -> app -> orders is two hops, and the internet gateway only forwards.
    findings = check_text(
        "tier web\ntier app internal\ndb orders\nweb -> app -> orders\n"
    )
    assert of_rule(findings, "OPS-TRACE-001") == []


# Regions ----------------------------------------------------------------------


def test_data_in_one_region():
    # Losing us-east-1 loses the only copy of orders, which leaves the
    # us-west-2 API with nothing to read.
    (finding,) = of_rule(check("data-in-one-region"), "REL-REG-002")
    assert finding.components == ("orders",)


def test_data_in_one_region_message():
    (finding,) = of_rule(check("data-in-one-region"), "REL-REG-002")
    assert finding.message == (
        "orders keeps its data only in us-east-1, so losing us-east-1 loses it"
    )


def global_orders_model():
    text = (CHECKS / "data-in-one-region.arch").read_text(encoding="utf-8")
    text = text.replace(
        "table orders key=id", "table orders key=id regions=[us-west-2]"
    )
    return compile_text(text).model


def test_global_table_clears_region_rule():
    findings = run_check(global_orders_model()).findings
    assert of_rule(findings, "REL-REG-002") == []


def test_flow_to_global_table_uses_local_replica():
    model = global_orders_model()
    calls = [c for c in model.outgoing("us-west-2.handler") if c.kind == "sync"]
    assert [c.target for c in calls] == ["orders.us-west-2"]


def test_region_loss_fails_over_to_replica():
    result = simulate(global_orders_model(), Scenario("region-loss", "us-east-1"))
    assert result.failovers == [Failover("orders", "global table", "orders.us-west-2")]


def test_router_in_one_region():
    # The us-west-2 cells survive the loss of us-east-1, but every path to
    # them starts at the router there.
    (finding,) = of_rule(check("router-in-one-region"), "REL-REG-002")
    assert finding.components == ("us-west-2.shard1.data", "us-west-2.shard2.data")


def test_cells_lost_with_region_are_accepted():
    # With a router in each region, losing a region loses only its cells.
    assert of_rule(example("cell-based"), "REL-REG-002") == []


# Fix hints ----------------------------------------------------------------


def test_appliances_fix_does_not_say_asg():
    # A gwlb statement has no asg option, so the tier hint would not parse.
    (finding,) = of_rule(example("ids-ips"), "REL-FIX-001")
    assert finding.fix.startswith("gwlb ngfw cannot use an Auto Scaling group")
