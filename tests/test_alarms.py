"""Alarms on serverless components and dead-letter queues."""

from __future__ import annotations

import pytest

from archdsl.check.engine import run_check
from archdsl.compiler import compile_text
from archdsl.errors import DesignError

QUEUE = "queue orders\nfunction worker\norders ~> worker\n"


def rules_of(text: str) -> set[str]:
    model = compile_text(text, "t.arch").model
    return {finding.rule.id for finding in run_check(model).findings}


def test_dead_letter_queue_without_alarm_is_reported():
    assert "OPS-DLQ-001" in rules_of(QUEUE)


def test_alarm_on_dead_letter_queue_depth_satisfies_rule():
    text = QUEUE + 'alarm failed on orders.dlq metric=depth notify="ops@example.com"\n'
    assert "OPS-DLQ-001" not in rules_of(text)


def test_depth_alarm_reads_the_sqs_metric():
    text = QUEUE + 'alarm failed on orders.dlq metric=depth notify="ops@example.com"\n'
    alarm = compile_text(text, "t.arch").model.component("failed.alarm")
    assert alarm.attrs["metric_name"] == "ApproximateNumberOfMessagesVisible"
    assert alarm.attrs["watches"] == "orders.dlq"


def test_function_errors_alarm():
    text = QUEUE + 'alarm crashes on worker metric=errors notify="ops@example.com"\n'
    alarm = compile_text(text, "t.arch").model.component("crashes.alarm")
    assert alarm.attrs["metric_name"] == "Errors"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("alarm a on worker metric=cpu", "AWS Lambda (worker) has no cpu metric"),
        ("alarm a on orders metric=errors", "Amazon SQS (orders) has no errors metric"),
    ],
)
def test_metric_the_service_lacks_is_an_error(line, message):
    with pytest.raises(DesignError) as caught:
        compile_text(QUEUE + line + "\n", "t.arch")
    assert caught.value.diagnostics[0].message == message
