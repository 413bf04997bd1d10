"""Defaults that depend on who consumes what, set once every flow is wired.

* A function that something invokes asynchronously gets a dead-letter queue.
* A queue's visibility timeout covers six runs of its slowest consuming
  function, as the Lambda documentation recommends for SQS event sources.
* Servers that drain queues scale on queue depth, and read the queues with
  the lowest ``priority`` number first.
* Consumers pull from queues, streams and brokers: those connections carry
  no port of the consumer, and a broker admits its consumers.
"""

from __future__ import annotations

from archdsl.expand.context import Expansion
from archdsl.expand.serverless.shared import (
    PULL_KINDS,
    add_dead_letter_queue,
    add_part_unit,
    human_duration,
    statement_named,
)
from archdsl.language import Statement
from archdsl.model import Component, Connection

#: Lambda's retries of a failed asynchronous invocation, and how long it
#: keeps trying (Lambda defaults: 2 retries, 6 hours).
ASYNC_RETRIES = 2
ASYNC_EVENT_AGE_SECONDS = 6 * 3600

#: SQS's own default visibility timeout.
SQS_VISIBILITY_SECONDS = 30

#: Visible messages per instance that queue-depth scaling aims for.
BACKLOG_PER_INSTANCE = 100

#: Longest wait of an API Gateway integration: REST APIs stop at 29 s unless
#: a quota increase raises it, HTTP APIs at 30 s.
API_INTEGRATION_SECONDS = {"apigateway.rest-api": 29, "apigateway.http-api": 30}

#: Services that cannot publish to a topic encrypted with the AWS managed
#: key aws/sns, because that key's policy cannot grant them access.
SERVICE_PUBLISHERS = ("s3.bucket", "events.rule", "cloudwatch.alarm")


def apply_consumer_defaults(ctx: Expansion) -> None:
    incoming = _incoming(ctx)
    for statement in ctx.statements:
        if not ctx.exists(statement.name):
            continue
        component = ctx.get(statement.name)
        if statement.keyword == "function":
            _function_dlq(ctx, statement, component, incoming)
            _api_timeout(ctx, statement, component, incoming)
        elif statement.keyword == "queue":
            _visibility(ctx, statement, component)
        elif statement.keyword == "topic":
            _service_publishers(ctx, statement, component, incoming)
        elif statement.keyword == "table" and "stream_view" not in component.attrs:
            component.attrs["stream_view"] = None
    _pull_connections(ctx)
    _scale_on_queues(ctx, incoming)
    _lambda_in_vpc(ctx)


def _incoming(ctx: Expansion) -> dict[str, list[Connection]]:
    result: dict[str, list[Connection]] = {}
    for connection in ctx.model.connections:
        result.setdefault(connection.target, []).append(connection)
    return result


def _function_dlq(
    ctx: Expansion,
    statement: Statement,
    function: Component,
    incoming: dict[str, list[Connection]],
) -> None:
    invokers = [
        ctx.get(c.source)
        for c in incoming.get(function.id, ())
        if c.kind in ("async", "event") and ctx.get(c.source).kind not in PULL_KINDS
    ]
    if not invokers:
        for option in ("dlq", "retries"):
            if statement.written(option):
                ctx.warning(
                    f"nothing invokes '{function.name}' asynchronously, so "
                    f"'{option}' has no effect",
                    statement.span_of(option),
                    "remove it, or add an asynchronous flow (~>) into the function",
                )
        return
    retries = ctx.choose(
        function,
        "max_retry_attempts",
        ASYNC_RETRIES,
        "Lambda retries a failed asynchronous invocation twice, which rides "
        "out throttles and short outages",
        statement=statement,
        option="retries",
    )
    function.attrs["maximum_event_age_seconds"] = ASYNC_EVENT_AGE_SECONDS
    dlq_id = ctx.choose(
        function,
        "dlq",
        f"{function.id}.dlq",
        f"{invokers[0].service} invokes it asynchronously, so an event that "
        "fails every retry would be dropped; the dead-letter queue keeps it",
        statement=statement,
        safety=True,
        convert=lambda on: f"{function.id}.dlq" if on else None,
    )
    if dlq_id is None:
        return
    dlq = add_dead_letter_queue(
        ctx,
        function,
        statement,
        fifo=False,
        reason=f"dead-letter queue of the {function.name} function: takes "
        f"asynchronous events that failed {retries + 1} attempts",
        label=f"after {retries} retries",
    )
    add_part_unit(ctx, statement, "dlq", dlq.id)


def _api_timeout(
    ctx: Expansion,
    statement: Statement,
    function: Component,
    incoming: dict[str, list[Connection]],
) -> None:
    timeout = function.attrs["timeout_seconds"]
    for connection in incoming.get(function.id, ()):
        limit = API_INTEGRATION_SECONDS.get(ctx.get(connection.source).kind)
        if connection.kind == "sync" and limit is not None and timeout > limit:
            ctx.warning(
                f"API Gateway stops waiting after {limit}s, but '{function.name}' "
                f"may run for {human_duration(timeout)}",
                statement.span_of("timeout"),
                "lower timeout=, or hand long work to a queue and answer at once",
            )
            return


def _visibility(ctx: Expansion, statement: Statement, queue: Component) -> None:
    consumers = [
        ctx.get(c.target)
        for c in ctx.model.outgoing(queue.id)
        if ctx.get(c.target).kind == "lambda.function"
    ]
    slowest = max((c.attrs["timeout_seconds"] for c in consumers), default=0)
    if slowest:
        default = max(SQS_VISIBILITY_SECONDS, 6 * slowest)
        reason = (
            f"six times the {human_duration(slowest)} timeout of the consuming "
            "function, as AWS recommends, which leaves Lambda time to retry a "
            "throttled batch before its messages become visible again"
        )
    else:
        default = SQS_VISIBILITY_SECONDS
        reason = "SQS's default; set visibility= above the longest processing time"
    visibility = ctx.choose(
        queue,
        "visibility_timeout_seconds",
        default,
        reason,
        statement=statement,
        option="visibility",
        safety=bool(slowest),
        at_least=True,
    )
    if slowest and visibility < slowest:
        ctx.error(
            f"visibility timeout {human_duration(visibility)} is shorter than the "
            f"consuming function's timeout {human_duration(slowest)}, and Lambda "
            "rejects such an event source mapping",
            statement.span_of("visibility"),
            f"set visibility={human_duration(default)} or more",
        )


def _service_publishers(
    ctx: Expansion,
    statement: Statement,
    topic: Component,
    incoming: dict[str, list[Connection]],
) -> None:
    if topic.attrs.get("kms_key") != "aws/sns":
        return
    for connection in incoming.get(topic.id, ()):
        publisher = ctx.get(connection.source)
        if publisher.kind in SERVICE_PUBLISHERS:
            ctx.warning(
                f"{publisher.service} cannot publish to '{topic.id}', which is "
                "encrypted with the AWS managed key aws/sns",
                statement.span,
                "give the topic a customer managed key: kms_key=<key>",
            )
            return


def _pull_connections(ctx: Expansion) -> None:
    for connection in ctx.model.connections:
        source = ctx.get(connection.source)
        if source.kind not in PULL_KINDS or connection.kind not in ("async", "event"):
            continue
        consumer = ctx.get(connection.target)
        if source.kind == "mq.broker":
            _admit_consumer(ctx, source, consumer)
            connection.protocol = source.attrs.get("engine") and (
                "amqps" if source.attrs["engine"] == "rabbitmq" else "openwire-ssl"
            )
            connection.port = source.attrs["port"]
        else:
            connection.protocol, connection.port = None, None
        connection.tls = True


def _admit_consumer(ctx: Expansion, broker: Component, consumer: Component) -> None:
    group_id = consumer.attrs.get("security_group")
    if group_id is None:
        return
    rules = ctx.get(broker.attrs["security_group"]).attrs["ingress"]
    rule = {"protocol": "tcp", "port": broker.attrs["port"], "source": group_id}
    if not any({k: r[k] for k in rule} == rule for r in rules):
        rules.append({**rule, "for": f"consumers in {consumer.unit}"})


def _scale_on_queues(ctx: Expansion, incoming: dict[str, list[Connection]]) -> None:
    consumers: dict[str, list[Component]] = {}
    for connection in ctx.model.connections:
        source = ctx.get(connection.source)
        if (
            source.kind in ("sqs.queue", "mq.broker")
            and source.attrs.get("role") != "dlq"
            and connection.kind in ("async", "event")
        ):
            consumers.setdefault(connection.target, []).append(source)
    for consumer_id, queues in consumers.items():
        consumer = ctx.get(consumer_id)
        _poll_order(ctx, consumer, queues)
        if consumer.kind == "lambda.function":
            consumer.attrs["scaling"] = {
                "signal": "queue_depth",
                "by": "Lambda event source mapping",
            }
        group_id = consumer.attrs.get("asg")
        if group_id and ctx.exists(group_id):
            _scale_group(ctx, ctx.get(group_id), queues)


def _poll_order(ctx: Expansion, consumer: Component, queues: list[Component]) -> None:
    ranked = sorted(
        {q.id: q for q in queues}.values(),
        key=lambda q: (q.attrs.get("priority") or 99, q.id),
    )
    if len(ranked) < 2 or not any(q.attrs.get("priority") for q in ranked):
        return
    consumer.attrs["poll_order"] = [q.id for q in ranked]
    for position, queue in enumerate(ranked, start=1):
        for connection in ctx.model.connections:
            if connection.source == queue.id and connection.target == consumer.id:
                connection.attrs["poll_order"] = position


def _scale_group(ctx: Expansion, group: Component, queues: list[Component]) -> None:
    if "scaling" in group.attrs:
        return
    names = sorted({q.id for q in queues})
    statement = statement_named(ctx, group.unit)
    if statement is not None and statement.written("cpu_target"):
        ctx.warning(
            f"'{group.unit}' drains {', '.join(names)} but scales on CPU",
            statement.span_of("cpu_target"),
            "remove cpu_target= so that the group scales on queue depth",
        )
        return
    ctx.choose(
        group,
        "scaling",
        {
            "signal": "queue_depth",
            "queues": names,
            "target": BACKLOG_PER_INSTANCE,
        },
        "the servers drain a queue, and its backlog per instance shows the "
        "work waiting before CPU rises",
    )
    group.attrs["scaling_policy"] = (
        f"target tracking: {BACKLOG_PER_INSTANCE} visible messages per instance "
        f"in {', '.join(names)}"
    )


def _lambda_in_vpc(ctx: Expansion) -> None:
    for connection in ctx.model.connections:
        source = ctx.get(connection.source)
        target = ctx.get(connection.target)
        if source.kind != "lambda.function" or "vpc" in source.attrs:
            continue
        if target.placement.vpc and target.kind != "mq.broker":
            statement = statement_named(ctx, source.unit)
            ctx.warning(
                f"function '{source.name}' runs outside the VPC, so it cannot reach "
                f"{target.id} in the VPC's subnets",
                statement.span if statement else connection.span,
                "add vpc to the function",
            )
            return
