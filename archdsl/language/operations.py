"""Operations statements: metrics, alarms, dashboards, tracing, audit and cost."""

from __future__ import annotations

from archdsl.language.containers import KEY_OPTION, ON_CLUSTER
from archdsl.language.spec import ClauseSpec, OptionSpec, StatementSpec, register
from archdsl.language.types import (
    Bool,
    Choice,
    Duration,
    Int,
    ListOf,
    Reference,
    Text,
)

SECTION = "Operations"

DAY = 86400

EMAIL = Text(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", '"ops@example.com"')

#: Metrics an alarm can watch. The expansion maps each to the CloudWatch
#: metric of the watched component's service.
ALARM_METRICS = (
    "cpu",
    "memory",
    "5xx",
    "latency",
    "errors",
    "throttles",
    "lag",
    "connections",
    "storage",
    "depth",
    "age",
)

METRICS = StatementSpec(
    keyword="metrics",
    summary="Amazon CloudWatch metrics for every compute and data component.",
    example="metrics",
    name="optional",
    default_name="cloudwatch",
    options=(
        OptionSpec(
            "insights",
            Bool(),
            "Container Insights on every cluster.",
            "on",
        ),
    ),
    label=True,
    section=SECTION,
)

ALARM = StatementSpec(
    keyword="alarm",
    summary="A CloudWatch alarm on one metric of a statement's components.",
    example='alarm web-errors on web metric=5xx above=10 notify="ops@example.com"',
    clauses=(
        ClauseSpec(
            "on", "target", Reference(), "The statement whose metric it watches."
        ),
    ),
    options=(
        OptionSpec(
            "metric",
            Choice(ALARM_METRICS),
            "What to watch; mapped to the target service's CloudWatch metric.",
            "cpu",
        ),
        OptionSpec(
            "above",
            Int(0, 10_000_000),
            "Threshold, in the metric's unit (percent, count, milliseconds).",
            "80 for cpu and memory",
        ),
        OptionSpec(
            "period", Duration(10, DAY), "Length of one evaluation period.", "60s"
        ),
        OptionSpec(
            "periods",
            Int(1, 100),
            "Periods in a row above the threshold before the alarm fires.",
            "3",
        ),
        OptionSpec(
            "notify",
            ListOf(EMAIL),
            "Email addresses subscribed to the alarm's SNS topic.",
            "none",
        ),
    ),
    label=True,
    section=SECTION,
)

DASHBOARD = StatementSpec(
    keyword="dashboard",
    summary="A CloudWatch dashboard with the key metrics of some statements.",
    example="dashboard ops shows=[web, orders]",
    options=(
        OptionSpec(
            "shows",
            ListOf(Reference()),
            "Statements whose metrics the dashboard shows.",
            "every statement",
        ),
    ),
    label=True,
    section=SECTION,
)

TRACING = StatementSpec(
    keyword="tracing",
    summary="AWS X-Ray tracing of requests across services.",
    example="tracing sample=5",
    name="optional",
    default_name="xray",
    options=(
        OptionSpec(
            "sample",
            Int(1, 100),
            "Percentage of requests traced after the first each second.",
            "5",
        ),
    ),
    label=True,
    section=SECTION,
)

OPTIMIZER = StatementSpec(
    keyword="optimizer",
    summary="AWS Compute Optimizer: right-sizing recommendations for instances, "
    "Auto Scaling groups, ECS services on Fargate and Lambda functions.",
    example="optimizer",
    name="optional",
    default_name="compute-optimizer",
    label=True,
    section=SECTION,
)

COSTS = StatementSpec(
    keyword="costs",
    summary="AWS Cost Explorer with cost allocation tags and anomaly detection.",
    example="costs",
    name="optional",
    default_name="cost-explorer",
    options=(
        OptionSpec(
            "anomalies",
            Bool(),
            "Cost Anomaly Detection watches daily spend for unusual jumps.",
            "on",
        ),
    ),
    label=True,
    section=SECTION,
)

BUDGET = StatementSpec(
    keyword="budget",
    summary="An AWS Budgets monthly cost budget with alerts.",
    example='budget monthly amount=5000 alert=80 notify="finance@example.com"',
    options=(
        OptionSpec("amount", Int(1, 100_000_000), "Monthly budget in USD.", "1000"),
        OptionSpec(
            "alert",
            Int(1, 200),
            "Percentage of the budget at which actual or forecast spend alerts.",
            "80",
        ),
        OptionSpec(
            "notify", ListOf(EMAIL), "Email addresses that get the alerts.", "none"
        ),
    ),
    label=True,
    section=SECTION,
)

KUBECOST = StatementSpec(
    keyword="kubecost",
    summary="Kubecost on an EKS cluster: cost per namespace, deployment and pod.",
    example="kubecost on apps",
    name="optional",
    default_name="kubecost",
    clauses=(ON_CLUSTER,),
    label=True,
    section=SECTION,
)

TRAIL = StatementSpec(
    keyword="trail",
    summary="An AWS CloudTrail trail that records API calls in every region.",
    example="trail audit data_events",
    name="optional",
    default_name="audit-trail",
    options=(
        OptionSpec(
            "enabled",
            Bool(),
            "The trail records events.",
            "on",
        ),
        OptionSpec(
            "data_events",
            Bool(),
            "Also record S3 object reads and writes (charged per event).",
            "off",
        ),
        OptionSpec(
            "cloudwatch",
            Bool(),
            "Also deliver events to CloudWatch Logs for metric filters and alarms.",
            "on",
        ),
        OptionSpec(
            "retain",
            Duration(DAY, 3653 * DAY),
            "How long the trail bucket keeps log files.",
            "365d",
        ),
        KEY_OPTION,
    ),
    label=True,
    section=SECTION,
    details=(
        "A design without a trail statement still gets a multi-region trail, "
        "because an account without one has no record of who changed what; "
        "it is not drawn. Write `trail` to draw it or set its options.",
    ),
)

register(
    METRICS,
    ALARM,
    DASHBOARD,
    TRACING,
    OPTIMIZER,
    COSTS,
    BUDGET,
    KUBECOST,
    TRAIL,
)
