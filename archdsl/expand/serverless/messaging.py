"""Expand ``queue``, ``topic``, ``sub``, ``bus``, ``rule``, ``schedule`` and ``broker``.

A clause that names a target (``rule cars on b to q``, ``sub q to t``)
becomes an implied flow, so that it resolves names, reaches cell copies and
reports unknown names exactly as a written flow does.
"""

from __future__ import annotations

from archdsl.expand.context import Expansion, handles
from archdsl.expand.network import network_for
from archdsl.expand.serverless.filters import build_filter, filter_settings
from archdsl.expand.serverless.shared import (
    DLQ_RETENTION_DAYS,
    add_dead_letter_queue,
    add_entry_unit,
    add_part_unit,
    imply_flow,
    local_name,
    rate_expression,
    resource_name,
)
from archdsl.language import Statement, lookup
from archdsl.model import Component

#: How long SQS keeps an unconsumed message by default.
DEFAULT_RETENTION_SECONDS = 4 * 86400

#: Receives before SQS moves a message to the dead-letter queue.
DEFAULT_MAX_RECEIVES = 5

#: EventBridge Scheduler's retry policy defaults: 185 attempts within 24 hours.
SCHEDULER_RETRIES = 185
SCHEDULER_EVENT_AGE_SECONDS = 86400

#: Broker ports: AMQP over TLS for RabbitMQ, OpenWire over TLS for ActiveMQ.
BROKER_PORTS = {"rabbitmq": 5671, "activemq": 61617}


@handles("queue")
def expand_queue(ctx: Expansion, statement: Statement) -> None:
    fifo = statement.get("type", "standard") == "fifo"
    name = local_name(statement)
    add_entry_unit(ctx, statement, statement.name)
    queue = ctx.add(
        statement.name,
        "sqs.queue",
        name,
        unit=statement.name,
        reason="SQS queue: holds messages until a consumer has processed them, "
        "so producers and consumers fail and scale apart",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={
            "fifo": fifo,
            "queue_name": resource_name(statement) + (".fifo" if fifo else ""),
            "priority": statement.get("priority"),
            "kms_key": None,
        },
    )
    _queue_encryption(ctx, statement, queue)
    ctx.choose(
        queue,
        "message_retention_seconds",
        DEFAULT_RETENTION_SECONDS,
        "four days, SQS's default, covers a consumer outage over a long weekend",
        statement=statement,
        option="retention",
    )
    _queue_dlq(ctx, statement, queue, fifo)


def _queue_encryption(ctx: Expansion, statement: Statement, queue: Component) -> None:
    encrypted = ctx.choose(
        queue,
        "encrypted",
        True,
        "SSE-SQS encrypts messages at rest with keys SQS manages, at no cost",
        statement=statement,
        safety=True,
    )
    queue.attrs["encryption"] = "SSE-SQS" if encrypted else None


def _queue_dlq(
    ctx: Expansion, statement: Statement, queue: Component, fifo: bool
) -> None:
    enabled = ctx.choose(
        queue,
        "dlq",
        f"{queue.id}.dlq",
        "a message that fails again and again moves aside instead of "
        "blocking or looping; the dead-letter queue keeps it for inspection",
        statement=statement,
        safety=True,
        convert=lambda on: f"{queue.id}.dlq" if on else None,
    )
    if not enabled:
        if statement.written("max_receives"):
            ctx.error(
                "'max_receives' needs a dead-letter queue, but dlq is off",
                statement.span_of("max_receives"),
                "remove dlq=off, or max_receives=",
            )
        queue.attrs["max_receive_count"] = None
        return
    receives = ctx.choose(
        queue,
        "max_receive_count",
        DEFAULT_MAX_RECEIVES,
        "five receives retry a transient failure and still move a poison "
        "message aside within minutes",
        statement=statement,
        option="max_receives",
    )
    dlq = add_dead_letter_queue(
        ctx,
        queue,
        statement,
        fifo=fifo,
        reason=f"dead-letter queue of {local_name(statement)}: takes messages "
        f"received {receives} times without being deleted"
        + ("; a FIFO queue needs a FIFO dead-letter queue" if fifo else ""),
        label=f"after {receives} receives",
    )
    add_part_unit(ctx, statement, "dlq", dlq.id)
    retention = queue.attrs["message_retention_seconds"]
    if not fifo and retention >= dlq.attrs["message_retention_seconds"]:
        # A standard queue's messages keep their first enqueue time in the
        # dead-letter queue, so their age there starts at the time already spent.
        ctx.warning(
            f"'{local_name(statement)}' keeps messages {retention // 86400} days, as long "
            "as its dead-letter queue, so a message moved there late in that time "
            "expires soon after",
            statement.span_of("retention"),
            f"keep messages in '{local_name(statement)}' for less than "
            f"{DLQ_RETENTION_DAYS} days, such as retention=7d",
        )


@handles("topic")
def expand_topic(ctx: Expansion, statement: Statement) -> None:
    fifo = statement.get("type", "standard") == "fifo"
    name = local_name(statement)
    add_entry_unit(ctx, statement, statement.name)
    topic = ctx.add(
        statement.name,
        "sns.topic",
        name,
        unit=statement.name,
        reason="SNS topic: delivers each published message to every "
        "subscriber whose filter policy matches",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={
            "fifo": fifo,
            "topic_name": resource_name(statement) + (".fifo" if fifo else ""),
        },
    )
    encrypted = ctx.choose(
        topic,
        "encrypted",
        True,
        "server-side encryption with the AWS managed key aws/sns; SNS stores "
        "messages unencrypted unless a key is set",
        statement=statement,
        safety=True,
    )
    topic.attrs["kms_key"] = "aws/sns" if encrypted else None


@handles("sub")
def expand_sub(ctx: Expansion, statement: Statement) -> None:
    if not statement.written("source"):
        ctx.error(
            "'sub' needs the topic, bucket, queue or table to subscribe to",
            statement.span,
            f"write sub {local_name(statement)} to <topic>",
        )
        return
    imply_flow(
        ctx,
        statement,
        (statement.get("source"), statement.span_of("source")),
        (local_name(statement), statement.name_span),
        "async",
    )
    ctx.shared.setdefault("subs", []).append(statement)


@handles("bus")
def expand_bus(ctx: Expansion, statement: Statement) -> None:
    default = local_name(statement) == "default"
    add_entry_unit(ctx, statement, statement.name)
    bus = ctx.add(
        statement.name,
        "events.bus",
        local_name(statement),
        unit=statement.name,
        reason="the account's default event bus, which AWS services send their "
        "events to"
        if default
        else "custom EventBridge bus: producers put events on it, and rules "
        "route them by content",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"default": default, "encrypted": True, "kms_key": None},
    )
    archive = statement.get("archive")
    bus.attrs["archive_retention_days"] = archive // 86400 if archive else None


@handles("rule")
def expand_rule(ctx: Expansion, statement: Statement) -> None:
    spec = lookup("rule")
    assert spec is not None
    add_entry_unit(ctx, statement, statement.name, receives=False)
    listed = {c.key for c in spec.clauses} | {o.key for o in spec.options}
    pattern = build_filter(ctx, filter_settings(statement, listed), "eventbridge")
    if not filter_settings(statement, listed):
        ctx.error(
            "a rule needs an event pattern",
            statement.span,
            "add fields to match, such as source=orders or detail.type=car",
        )
    if not statement.written("bus"):
        ctx.error(
            "a rule needs the bus it watches: rule <name> on <bus>",
            statement.span,
            f"write rule {local_name(statement)} on default, or on a bus of yours",
        )
    ctx.add(
        statement.name,
        "events.rule",
        local_name(statement),
        unit=statement.name,
        reason="EventBridge rule: sends each event that matches its pattern to "
        "its targets",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"event_pattern": pattern.policy, "pattern_text": pattern.text},
    )
    if statement.written("target"):
        imply_flow(
            ctx,
            statement,
            (local_name(statement), statement.name_span),
            (statement.get("target"), statement.span_of("target")),
            "async",
        )


@handles("schedule")
def expand_schedule(ctx: Expansion, statement: Statement) -> None:
    add_entry_unit(ctx, statement, statement.name, receives=False)
    expression = _schedule_expression(ctx, statement)
    schedule = ctx.add(
        statement.name,
        "scheduler.schedule",
        local_name(statement),
        unit=statement.name,
        reason="EventBridge Scheduler schedule: invokes its one target on time, "
        "with retries",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={
            "expression": expression,
            "timezone": statement.get("timezone", "UTC"),
            "flexible_time_window": "OFF",
        },
    )
    ctx.choose(
        schedule,
        "retry_attempts",
        SCHEDULER_RETRIES,
        "Scheduler retries a failed invocation for up to 24 hours before giving up",
        statement=statement,
        option="retries",
    )
    schedule.attrs["maximum_event_age_seconds"] = SCHEDULER_EVENT_AGE_SECONDS
    if statement.written("target"):
        imply_flow(
            ctx,
            statement,
            (local_name(statement), statement.name_span),
            (statement.get("target"), statement.span_of("target")),
            "async",
        )


def _schedule_expression(ctx: Expansion, statement: Statement) -> str | None:
    rate, cron = statement.get("rate"), statement.get("cron")
    if (rate is None) == (cron is None):
        ctx.error(
            "a schedule needs exactly one of rate= and cron=",
            statement.span_of("cron") if cron else statement.span,
            'write rate=5m, or cron="0 6 * * ? *"',
        )
        return None
    if statement.written("timezone") and cron is None:
        ctx.error(
            "timezone= applies to cron schedules; a rate runs in fixed intervals",
            statement.span_of("timezone"),
            "remove timezone=, or use cron=",
        )
    if cron is not None:
        return f"cron({cron})"
    if rate % 60:
        ctx.error(
            f"a schedule rate is a whole number of minutes, not {rate}s",
            statement.span_of("rate"),
            "write rate=5m or rate=1h",
        )
        return None
    return rate_expression(rate)


@handles("broker")
def expand_broker(ctx: Expansion, statement: Statement) -> None:
    engine = statement.get("engine", "rabbitmq")
    port = BROKER_PORTS[engine]
    unit = add_entry_unit(
        ctx,
        statement,
        statement.name,
        protocol="amqps" if engine == "rabbitmq" else "openwire-ssl",
        port=port,
    )
    unit.security_group = f"{statement.name}.sg"
    if engine == "activemq" and statement.written("priority"):
        ctx.error(
            "priority= sets RabbitMQ's x-max-priority; ActiveMQ messages carry a "
            "JMS priority from 0 to 9 without it",
            statement.span_of("priority"),
            "remove priority=, or use rabbitmq",
        )
    network = network_for(ctx, statement)
    sg_id = f"{statement.name}.sg"
    broker = ctx.add(
        statement.name,
        "mq.broker",
        local_name(statement),
        unit=statement.name,
        reason=f"Amazon MQ for {'RabbitMQ' if engine == 'rabbitmq' else 'ActiveMQ'}"
        " broker in the data subnets; clients connect over TLS",
        span=statement.span,
        placement=network.placement(),
        attrs={
            "engine": engine,
            "port": port,
            "security_group": sg_id,
            "encrypted": True,
            "kms_key": None,
            "tls": True,
            "priority_levels": statement.get("priority"),
        },
    )
    _broker_settings(ctx, statement, broker, engine)
    azs = network.azs if broker.attrs["multi_az"] else network.azs[:1]
    broker.placement = network.placement(azs=azs, subnets=network.subnets("data", azs))
    ctx.add(
        sg_id,
        "ec2.security-group",
        sg_id,
        unit=statement.name,
        reason=f"security group of the {local_name(statement)} broker: admits port "
        f"{port} only from its producers and consumers",
        span=statement.span,
        placement=network.placement(),
        attrs={"ingress": [], "egress": "none"},
    )


def _broker_settings(
    ctx: Expansion, statement: Statement, broker: Component, engine: str
) -> None:
    multi_az = ctx.choose(
        broker,
        "multi_az",
        True,
        "a three-node cluster (RabbitMQ) or an active/standby pair (ActiveMQ) "
        "across AZs keeps the broker up when a node or an AZ fails",
        statement=statement,
        safety=True,
    )
    if engine == "rabbitmq":
        mode = "CLUSTER_MULTI_AZ" if multi_az else "SINGLE_INSTANCE"
    else:
        mode = "ACTIVE_STANDBY_MULTI_AZ" if multi_az else "SINGLE_INSTANCE"
    broker.attrs["deployment_mode"] = mode
    ctx.choose(
        broker,
        "instance_type",
        "mq.m5.large",
        "the smallest general-purpose size that Amazon MQ allows for a cluster",
        statement=statement,
        option="instance",
    )
    ctx.choose(
        broker,
        "public",
        False,
        "no public endpoint: only clients inside the VPC reach the broker",
        statement=statement,
        safety=True,
    )
