"""Metrics, alarms, dashboards, tracing and cost tools watch the design."""

from __future__ import annotations

import pytest

from archdsl.compiler import compile_text
from archdsl.errors import DesignError

DESIGN = (
    "cluster apps eks\nnodegroup n on apps\nservice web on apps\ndb orders\n"
    "web -> orders\nmetrics\ntracing\n"
    'alarm errors on web metric=5xx above=10 notify=["ops@example.com"]\n'
    "alarm load on orders\ndashboard main shows=[web]\noptimizer\ncosts\n"
    "budget monthly amount=500\nkubecost on apps\n"
)


def compile_model(text: str):
    return compile_text(text, "t.arch").model


def first_error(text: str):
    with pytest.raises(DesignError) as caught:
        compile_text(text, "t.arch")
    return caught.value.diagnostics[0]


def monitoring(model) -> set[tuple[str, str]]:
    return {(c.source, c.target) for c in model.connections if c.kind == "monitoring"}


@pytest.fixture(scope="module")
def model():
    return compile_model(DESIGN)


def test_cloudwatch_collects_from_compute_and_data(model):
    edges = monitoring(model)
    for source in ("web.deployment", "orders.writer", "n.us-east-1a"):
        assert (source, "cloudwatch.metrics") in edges, source


def test_xray_traces_services(model):
    assert ("web.deployment", "xray.tracing") in monitoring(model)
    assert model.component("xray.tracing").attrs["sample_percent"] == 5


def test_5xx_alarm_reads_alb_metric(model):
    alarm = model.component("errors.alarm")
    assert alarm.attrs["metric_name"] == "HTTPCode_Target_5XX_Count"
    assert alarm.attrs["watches"] == "web.alb"
    assert alarm.attrs["comparison"] == "> 10"
    assert alarm.attrs["topic"] == "errors.topic"


def test_cpu_alarm_defaults_to_eighty_percent(model):
    alarm = model.component("load.alarm")
    assert alarm.attrs["metric_name"] == "CPUUtilization"
    assert alarm.attrs["threshold"] == 80
    assert alarm.attrs["evaluation_periods"] == 3
    assert alarm.attrs["notify"] == []


def test_dashboard_lists_what_it_shows(model):
    assert model.component("main.dashboard").attrs["widgets"] == ["web"]


def test_optimizer_sizes_compute(model):
    assert ("n.us-east-1a", "compute-optimizer.optimizer") in monitoring(model)


def test_budget_follows_cost_explorer(model):
    budget = model.component("monthly.budget")
    assert budget.attrs["amount_usd"] == 500
    assert budget.attrs["alert_percent"] == 80
    links = {(c.source, c.target) for c in model.connections}
    assert ("cost-explorer.explorer", "monthly.budget") in links


def test_kubecost_runs_in_the_cluster(model):
    kubecost = model.component("kubecost.kubecost")
    assert kubecost.attrs["cluster"] == "apps.cluster"
    assert ("apps.cluster", "kubecost.kubecost") in monitoring(model)


def test_container_insights_on_every_cluster(model):
    assert model.component("apps.cluster").attrs["container_insights"] is True


# Each case: design, message start, line, column.
ERRORS = [
    ("alarm a\n", "'alarm' needs the statement whose metric it watches", 1, 7),
    (
        "db orders\nalarm a on orders metric=5xx\n",
        "'orders' has no 5xx metric",
        2,
        19,
    ),
    ("cluster c ecs\nkubecost on c\n", "kubecost runs on Kubernetes", 2, 10),
    (
        'alarm a on x notify=["not-an-email"]\n',
        "invalid value for option 'notify'",
        1,
        21,
    ),
    ("kms k\nalarm a on k\n", "'target' names 'k', a 'kms' statement", 2, 9),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), ERRORS)
def test_operations_error(text, message, line, column):
    diagnostic = first_error(text)
    assert diagnostic.message.startswith(message), diagnostic.message
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)
