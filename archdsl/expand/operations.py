"""Expand the operations statements: metrics, alarms, dashboards, tracing, cost."""

from __future__ import annotations

from archdsl.expand.containers import cluster_of, in_cluster
from archdsl.expand.context import Expansion, handles
from archdsl.expand.links import LATE, REFERENCES, defer, resolve_many, resolve_one
from archdsl.expand.watchers import (
    COMPUTE_KEYWORDS,
    DATA_KEYWORDS,
    face_of,
    observe,
    units_with,
)
from archdsl.language import Statement
from archdsl.model import Component, Placement, Unit

#: CloudWatch metric an alarm watches, by alarm metric and watched kind.
#: ``None`` as the kind is the fallback for any other kind.
_METRIC_NAMES: dict[str, dict[str | None, str]] = {
    "cpu": {None: "CPUUtilization"},
    "memory": {
        "ecs.service": "MemoryUtilization",
        "k8s.deployment": "pod_memory_utilization",
        None: "mem_used_percent",
    },
    "5xx": {"elbv2.alb": "HTTPCode_Target_5XX_Count"},
    "latency": {"elbv2.alb": "TargetResponseTime"},
    "errors": {None: "Errors"},
    "throttles": {
        "kinesis.stream": "WriteProvisionedThroughputExceeded",
        None: "Throttles",
    },
    "lag": {
        "kinesis.stream": "GetRecords.IteratorAgeMilliseconds",
        "msk.cluster": "MaxOffsetLag",
        "firehose.delivery-stream": "DeliveryToS3.DataFreshness",
        None: "IteratorAge",
    },
    "connections": {None: "DatabaseConnections"},
    "storage": {None: "FreeStorageSpace"},
}

#: Metrics of the regional services, which have no CPU or memory of their
#: own: for these kinds only the metrics listed exist.
_SERVICE_METRICS: dict[str, dict[str, str]] = {
    "sqs.queue": {
        "depth": "ApproximateNumberOfMessagesVisible",
        "age": "ApproximateAgeOfOldestMessage",
    },
    "lambda.function": {
        "errors": "Errors",
        "throttles": "Throttles",
        "latency": "Duration",
        "lag": "IteratorAge",
    },
    "apigateway.rest-api": {"5xx": "5XXError", "latency": "Latency"},
    "apigateway.http-api": {"5xx": "5xx", "latency": "Latency"},
    "apigateway.websocket-api": {
        "errors": "IntegrationError",
        "latency": "IntegrationLatency",
    },
    "dynamodb.table": {"throttles": "ThrottledRequests", "errors": "SystemErrors"},
    "sns.topic": {"errors": "NumberOfNotificationsFailed"},
    "states.state-machine": {"errors": "ExecutionsFailed", "latency": "ExecutionTime"},
    "kinesis.stream": {
        "throttles": "WriteProvisionedThroughputExceeded",
        "lag": "GetRecords.IteratorAgeMilliseconds",
    },
    "firehose.delivery-stream": {"lag": "DeliveryToS3.DataFreshness"},
}

_DEFAULT_THRESHOLDS = {"cpu": 80, "memory": 80, "depth": 0}

#: Statements an alarm can watch (``alarm ... on <target>``).
ALARM_TARGETS = (
    *COMPUTE_KEYWORDS,
    *DATA_KEYWORDS,
    "cluster",
    "ingress",
    "function",
    "api",
    "queue",
    "table",
    "topic",
    "workflow",
)


def _regional(ctx: Expansion, statement: Statement) -> Placement:
    return ctx.placement_for(statement)


@handles("metrics")
def expand_metrics(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    metrics = ctx.add(
        f"{statement.name}.metrics",
        "cloudwatch.metrics",
        "CloudWatch",
        unit=statement.name,
        reason="CloudWatch collects the metrics of every component; alarms and "
        "dashboards read them",
        span=statement.span,
        placement=_regional(ctx, statement),
    )
    ctx.choose(
        metrics,
        "container_insights",
        True,
        "per-task and per-pod CPU, memory and network metrics on every cluster",
        statement=statement,
        option="insights",
    )
    unit.ingress = [metrics.id]

    def watch() -> None:
        for watched in units_with(ctx, (*COMPUTE_KEYWORDS, *DATA_KEYWORDS, "cluster")):
            face = face_of(ctx, watched)
            if face is not None:
                observe(
                    ctx,
                    face,
                    metrics,
                    label="metrics",
                    reason=f"{watched.name} publishes its metrics to CloudWatch",
                    span=statement.span,
                )
        if metrics.attrs["container_insights"]:
            for component in ctx.model.of_kind("ecs.cluster", "eks.cluster"):
                component.attrs["container_insights"] = True

    defer(ctx, watch, LATE)


@handles("alarm")
def expand_alarm(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    metric = statement.get("metric", "cpu")
    alarm = ctx.add(
        f"{statement.name}.alarm",
        "cloudwatch.alarm",
        statement.name,
        unit=statement.name,
        reason=f"CloudWatch alarm on {metric}: it notifies before users notice",
        span=statement.span,
        placement=_regional(ctx, statement),
        attrs={"metric": metric},
    )
    _alarm_settings(ctx, alarm, statement, metric)
    alarm.attrs["notify"] = list(statement.get("notify", ()))
    if alarm.attrs["notify"]:
        alarm.attrs["topic"] = _alarm_topic(ctx, statement, alarm).id
    unit.ingress = [alarm.id]
    if not statement.written("target"):
        ctx.error(
            "'alarm' needs the statement whose metric it watches",
            statement.name_span,
            f"write 'alarm {statement.local_name or statement.name} on <name> "
            f"metric={metric}'",
        )
        return
    defer(ctx, lambda: _watch_target(ctx, statement, alarm, metric), LATE)


def _alarm_settings(
    ctx: Expansion, alarm: Component, statement: Statement, metric: str
) -> None:
    threshold = ctx.choose(
        alarm,
        "threshold",
        _DEFAULT_THRESHOLDS.get(metric, 1),
        "80% leaves time to react before saturation"
        if metric in _DEFAULT_THRESHOLDS
        else "fires on the first occurrence",
        statement=statement,
        option="above",
    )
    ctx.choose(
        alarm,
        "period_seconds",
        60,
        "one-minute periods",
        statement=statement,
        option="period",
    )
    ctx.choose(
        alarm,
        "evaluation_periods",
        3,
        "three periods in a row above the threshold, so one spike does not page",
        statement=statement,
        option="periods",
    )
    alarm.attrs["comparison"] = f"> {threshold}"


def _alarm_topic(ctx: Expansion, statement: Statement, alarm: Component) -> Component:
    topic = ctx.add(
        f"{statement.name}.topic",
        "sns.topic",
        f"{statement.name} notifications",
        unit=statement.name,
        reason="SNS topic the alarm publishes to; the addresses subscribe by email",
        span=statement.span_of("notify"),
        placement=_regional(ctx, statement),
        attrs={
            "subscriptions": list(statement.get("notify", ())),
            "hidden_in_diagram": True,
            "encrypted": True,
            "kms_key": "aws/sns",
        },
    )
    ctx.connect(
        alarm.id,
        topic.id,
        "event",
        reason="the alarm publishes a notification when it changes state",
        span=statement.span_of("notify"),
    )
    return topic


def _watch_target(
    ctx: Expansion, statement: Statement, alarm: Component, metric: str
) -> None:
    unit = resolve_one(ctx, statement, "target", keywords=ALARM_TARGETS)
    if unit is None:
        return
    watched = _metric_source(ctx, unit, metric)
    if watched is None:
        return
    service_metrics = _SERVICE_METRICS.get(watched.kind)
    if service_metrics is not None:
        name = service_metrics.get(metric)
        if name is None:
            ctx.error(
                f"{watched.service} ({unit.name}) has no {metric} metric",
                statement.span_of("metric"),
                "choose metric=" + " or metric=".join(service_metrics),
            )
            return
    else:
        names = _METRIC_NAMES.get(metric, {})
        name = names.get(watched.kind, names.get(None))
        if name is None:
            ctx.error(
                f"'{unit.name}' has no {metric} metric",
                statement.span_of("metric"),
                "watch the statement behind an ALB for 5xx and latency, or choose "
                "metric=cpu or errors",
            )
            return
    alarm.attrs["metric_name"] = name
    alarm.attrs["watches"] = watched.id
    observe(
        ctx,
        watched,
        alarm,
        label=metric,
        reason=f"the alarm evaluates the {alarm.attrs['metric_name']} metric",
        span=statement.span,
    )


def _metric_source(ctx: Expansion, unit: Unit, metric: str) -> Component | None:
    """Return the component whose metric the alarm reads: the balancer for
    request metrics, the workload itself otherwise."""
    if metric in ("5xx", "latency") and unit.attrs.get("balancer"):
        return ctx.get(unit.attrs["balancer"])
    return face_of(ctx, unit)


@handles("dashboard")
def expand_dashboard(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    dashboard = ctx.add(
        f"{statement.name}.dashboard",
        "cloudwatch.dashboard",
        statement.name,
        unit=statement.name,
        reason="CloudWatch dashboard: one page with the golden signals (traffic, "
        "errors, latency, saturation) of what it shows",
        span=statement.span,
        placement=_regional(ctx, statement),
    )
    unit.ingress = [dashboard.id]

    def widgets() -> None:
        if statement.written("shows"):
            shown = resolve_many(
                ctx,
                statement,
                "shows",
                keywords=(*COMPUTE_KEYWORDS, *DATA_KEYWORDS, "cluster", "ingress"),
            )
        else:
            shown = units_with(ctx, (*COMPUTE_KEYWORDS, *DATA_KEYWORDS))
        dashboard.attrs["widgets"] = [u.name for u in shown]

    defer(ctx, widgets, REFERENCES)


@handles("tracing")
def expand_tracing(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    tracing = ctx.add(
        f"{statement.name}.tracing",
        "xray.tracing",
        "X-Ray",
        unit=statement.name,
        reason="X-Ray follows each request across services and shows where time "
        "and errors come from",
        span=statement.span,
        placement=_regional(ctx, statement),
    )
    ctx.choose(
        tracing,
        "sample_percent",
        5,
        "the first request each second and 5% of the rest are traced: enough "
        "to see patterns, cheap at high traffic",
        statement=statement,
        option="sample",
    )
    unit.ingress = [tracing.id]

    def watch() -> None:
        for traced in units_with(ctx, ("tier", "service")):
            face = face_of(ctx, traced)
            if face is None:
                continue
            face.attrs["tracing"] = "X-Ray through the AWS Distro for OpenTelemetry"
            observe(
                ctx,
                face,
                tracing,
                label="traces",
                reason=f"{traced.name} sends trace segments to X-Ray",
                span=statement.span,
            )

    defer(ctx, watch, LATE)


@handles("optimizer")
def expand_optimizer(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    optimizer = ctx.add(
        f"{statement.name}.optimizer",
        "compute-optimizer",
        "Compute Optimizer",
        unit=statement.name,
        reason="Compute Optimizer reads two weeks of utilisation and recommends "
        "instance, task and volume sizes",
        span=statement.span,
        placement=_regional(ctx, statement),
    )
    unit.ingress = [optimizer.id]

    def watch() -> None:
        for sized in units_with(ctx, ("tier", "service", "nodegroup")):
            face = face_of(ctx, sized)
            if face is not None:
                observe(
                    ctx,
                    face,
                    optimizer,
                    label="utilisation",
                    reason=f"Compute Optimizer right-sizes {sized.name}",
                    span=statement.span,
                )

    defer(ctx, watch, LATE)


@handles("costs")
def expand_costs(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    explorer = ctx.add(
        f"{statement.name}.explorer",
        "ce.cost-explorer",
        "Cost Explorer",
        unit=statement.name,
        reason="Cost Explorer breaks the bill down by service and by cost "
        "allocation tag",
        span=statement.span,
        placement=Placement(groups=statement.context.groups),
        attrs={"allocation_tags": ["design", "unit"]},
    )
    ctx.choose(
        explorer,
        "anomaly_detection",
        True,
        "Cost Anomaly Detection flags a daily spend that jumps off its pattern",
        statement=statement,
        option="anomalies",
    )
    unit.ingress = [explorer.id]


@handles("budget")
def expand_budget(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    budget = ctx.add(
        f"{statement.name}.budget",
        "budgets.budget",
        f"{statement.name} budget",
        unit=statement.name,
        reason="AWS Budgets alerts when actual or forecast monthly cost passes a "
        "threshold",
        span=statement.span,
        placement=Placement(groups=statement.context.groups),
        attrs={"period": "monthly", "notify": list(statement.get("notify", ()))},
    )
    ctx.choose(
        budget,
        "amount_usd",
        1000,
        "a placeholder; set amount=",
        statement=statement,
        option="amount",
    )
    ctx.choose(
        budget,
        "alert_percent",
        80,
        "alert at 80% of the budget, actual or forecast, so there is time to act",
        statement=statement,
        option="alert",
    )
    unit.ingress = [budget.id]

    def link() -> None:
        for explorer in ctx.model.of_kind("ce.cost-explorer"):
            ctx.connect(
                explorer.id,
                budget.id,
                "association",
                reason="the budget tracks the costs Cost Explorer reports",
                span=statement.span,
            )

    defer(ctx, link, LATE)


@handles("kubecost")
def expand_kubecost(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)

    def place() -> None:
        info = cluster_of(ctx, statement)
        if info is None:
            return
        if info.orchestrator != "eks":
            ctx.error(
                "kubecost runs on Kubernetes; ECS costs are split with cost "
                "allocation tags",
                statement.span_of("cluster"),
                "point it at an EKS cluster, or use 'costs'",
            )
            return
        kubecost = ctx.add(
            f"{statement.name}.kubecost",
            "kubecost",
            "Kubecost",
            unit=statement.name,
            reason="Kubecost splits the cluster's cost by namespace, deployment "
            "and pod, which the AWS bill cannot see",
            span=statement.span,
            placement=info.network.placement(),
            attrs=in_cluster(info),
        )
        unit.ingress = [kubecost.id]
        observe(
            ctx,
            ctx.get(info.component),
            kubecost,
            label="usage",
            reason="Kubecost reads the cluster's resource usage",
            span=statement.span,
        )

    defer(ctx, place, REFERENCES)
