"""Messaging and event statements: queues, topics, subscriptions, buses, rules,
schedules and brokers.

Filter policies and event patterns are written as options whose keys the
statement does not list: ``sub cars to orders type=[car, truck] amount>=100``.
"""

from __future__ import annotations

from archdsl.language.serverless import KMS_KEY
from archdsl.language.spec import (
    ClauseSpec,
    OptionSpec,
    StatementSpec,
    WordSet,
    register,
)
from archdsl.language.types import (
    Bool,
    Choice,
    Duration,
    FilterValues,
    Int,
    ListOf,
    Reference,
    Text,
)

SECTION = "Messaging and events"

_STANDARD_OR_FIFO = {
    "standard": "at-least-once delivery, best-effort order, nearly unlimited rate",
    "fifo": "exactly-once processing in order within a message group",
}

QUEUE = StatementSpec(
    keyword="queue",
    summary="An Amazon SQS queue with a dead-letter queue and server-side encryption.",
    example="queue orders fifo max_receives=5",
    words=(WordSet("type", _STANDARD_OR_FIFO, "The queue type.", "standard"),),
    options=(
        OptionSpec(
            "dlq",
            Bool(),
            "Dead-letter queue for messages that fail max_receives times.",
            "on",
        ),
        OptionSpec(
            "max_receives",
            Int(1, 1000),
            "Receives before a message moves to the dead-letter queue.",
            "5",
        ),
        OptionSpec(
            "visibility",
            Duration(0, 12 * 3600),
            "Visibility timeout: how long a received message stays hidden from "
            "other consumers.",
            "6 x the consuming function's timeout, else 30s",
        ),
        OptionSpec(
            "retention",
            Duration(60, 14 * 86400),
            "How long an unconsumed message is kept.",
            "4d",
        ),
        OptionSpec("encrypted", Bool(), "Server-side encryption.", "on"),
        KMS_KEY,
        OptionSpec(
            "priority",
            Int(1, 10),
            "Polling order for consumers that read several queues: 1 is drained first.",
        ),
    ),
    label=True,
    section=SECTION,
    details=(
        "A flow out of a queue (`orders ~> worker`) is a consumer: a function "
        "reads it through an event source mapping, servers poll it.",
    ),
)

TOPIC = StatementSpec(
    keyword="topic",
    summary="An Amazon SNS topic, encrypted, that fans messages out to its "
    "subscribers.",
    example="topic orders",
    words=(WordSet("type", _STANDARD_OR_FIFO, "The topic type.", "standard"),),
    options=(
        OptionSpec("encrypted", Bool(), "Server-side encryption with KMS.", "on"),
        KMS_KEY,
    ),
    label=True,
    section=SECTION,
    details=(
        "A flow out of a topic (`orders ~> audit`) subscribes the target "
        "without a filter; `sub` adds a filter policy.",
    ),
)

SUB = StatementSpec(
    keyword="sub",
    summary="Subscribes a target to a topic with a filter policy, or to a bucket's "
    "event notifications, or to a queue or table stream with a filter.",
    example="sub cars to orders type=[car, truck] amount>=100",
    clauses=(
        ClauseSpec(
            "to",
            "source",
            Reference(),
            "The topic, bucket, queue or table whose messages the target gets.",
        ),
    ),
    words=(
        WordSet(
            "scope",
            {
                "attributes": "fields are message attributes",
                "body": "fields are keys of the JSON message body; dots reach "
                "nested keys",
            },
            "What an SNS filter policy matches.",
            "attributes",
        ),
    ),
    options=(
        OptionSpec(
            "events",
            ListOf(Choice(("created", "removed", "restored", "tagged"))),
            "S3 events that notify the target.",
            "created",
        ),
        OptionSpec("prefix", Text(), 'S3 object key prefix, such as `"uploads/"`.'),
        OptionSpec(
            "suffix",
            ListOf(Text()),
            'S3 object key suffixes, such as `[".jpg", ".png"]`; one '
            "notification each.",
        ),
        OptionSpec(
            "batch",
            Int(1, 10000),
            "Records per invocation for a queue or stream consumer.",
            "10",
        ),
        OptionSpec(
            "raw",
            Bool(),
            "Raw message delivery: SQS and HTTPS subscribers get the message "
            "without the SNS envelope.",
            "off",
        ),
    ),
    free_options=FilterValues(),
    declares=False,
    label=True,
    section=SECTION,
    details=(
        "The name after `sub` is the target, which is declared elsewhere. "
        "Other `field<op>value` options form the filter: `=` matches any of the "
        "listed values, `!=` anything but them, `^=` a prefix, and `<`, `<=`, "
        "`>`, `>=` compare numbers. An SNS filter policy takes at most five "
        "fields and 150 combinations of values.",
    ),
)

BUS = StatementSpec(
    keyword="bus",
    summary="An Amazon EventBridge event bus; `bus default` is the account's "
    "default bus that AWS services send to.",
    example="bus orders",
    options=(
        OptionSpec(
            "archive",
            Duration(86400, 3650 * 86400),
            "Keep an archive of the bus's events for replay.",
            "none",
        ),
    ),
    label=True,
    section=SECTION,
)

RULE = StatementSpec(
    keyword="rule",
    summary="An EventBridge rule on a bus: an event pattern and up to five targets.",
    example="rule cars on orders to car-queue detail.type=car",
    clauses=(
        ClauseSpec("on", "bus", Reference(), "The bus the rule watches."),
        ClauseSpec(
            "to",
            "target",
            Reference(),
            "A target; flows out of the rule (`cars ~> [a, b]`) add more.",
        ),
    ),
    free_options=FilterValues(),
    label=True,
    section=SECTION,
    details=(
        "Other `field<op>value` options form the event pattern. Fields are "
        "event envelope fields (`source`, `detail-type`, `account`, `region`, "
        "`resources`) or fields of the event's detail written with dots "
        "(`detail.type`). The operators are those of `sub`.",
    ),
)

SCHEDULE = StatementSpec(
    keyword="schedule",
    summary="An Amazon EventBridge Scheduler schedule that invokes one target.",
    example="schedule nightly rate=1d to report",
    clauses=(
        ClauseSpec(
            "to", "target", Reference(), "The target; a schedule has exactly one."
        ),
    ),
    options=(
        OptionSpec(
            "rate", Duration(60), "Run at this fixed rate, such as `5m` or `1d`."
        ),
        OptionSpec(
            "cron",
            Text(r"\S+( \S+){5}", '"0 6 * * ? *"'),
            "Run on this six-field cron expression, written as a string.",
        ),
        OptionSpec(
            "timezone",
            Text(r"[A-Za-z_]+(/[A-Za-z_+-]+)*", '"Europe/Berlin"'),
            "Time zone of the cron expression, written as a string.",
            "UTC",
        ),
        OptionSpec(
            "retries",
            Int(0, 185),
            "Retries when the target cannot be invoked.",
            "185",
        ),
    ),
    label=True,
    section=SECTION,
)

BROKER = StatementSpec(
    keyword="broker",
    summary="An Amazon MQ broker (RabbitMQ or ActiveMQ) in the VPC's data subnets.",
    example="broker jobs rabbitmq priority=10",
    words=(
        WordSet(
            "engine",
            {
                "rabbitmq": "RabbitMQ: AMQP 0-9-1, priority queues",
                "activemq": "ActiveMQ: JMS, OpenWire, STOMP, MQTT",
            },
            "The broker engine.",
            "rabbitmq",
        ),
    ),
    options=(
        OptionSpec(
            "priority",
            Int(1, 255),
            "Highest message priority of the broker's priority queues "
            "(RabbitMQ x-max-priority).",
            "none",
        ),
        OptionSpec(
            "multi_az",
            Bool(),
            "A RabbitMQ cluster of three nodes, or an ActiveMQ active/standby "
            "pair, across AZs.",
            "on",
        ),
        OptionSpec(
            "instance",
            Text(r"mq\.[a-z0-9]+\.[a-z0-9]+", "mq.m5.large"),
            "Broker instance type.",
            "mq.m5.large",
        ),
        OptionSpec(
            "public",
            Bool(),
            "A public endpoint reachable from the internet.",
            "off",
        ),
        KMS_KEY,
    ),
    label=True,
    section=SECTION,
)

register(QUEUE, TOPIC, SUB, BUS, RULE, SCHEDULE, BROKER)
