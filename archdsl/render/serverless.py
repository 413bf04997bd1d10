"""Node details and edge labels for serverless and messaging components."""

from __future__ import annotations

from archdsl.model import Component, Connection, Model

_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def node_detail(component: Component) -> str:
    """Return the second line of a node's label: the settings that matter most."""
    describe = _DETAILS.get(component.kind)
    return describe(component.attrs) if describe else ""


def _function(attrs: dict) -> str:
    parts = [f"{attrs.get('memory_mb')} MB", f"{attrs.get('timeout_seconds')} s"]
    if attrs.get("reserved_concurrency") is not None:
        parts.append(f"max {attrs['reserved_concurrency']} at once")
    return ", ".join(parts)


def _queue(attrs: dict) -> str:
    if attrs.get("role") == "dlq":
        return "dead-letter queue"
    parts = ["FIFO" if attrs.get("fifo") else "standard"]
    if attrs.get("priority"):
        parts.append(f"priority {attrs['priority']}")
    return ", ".join(parts)


def _table(attrs: dict) -> str:
    keys = str(attrs.get("partition_key"))
    if attrs.get("sort_key"):
        keys += f" + {attrs['sort_key']}"
    if attrs.get("role") == "replica":
        return "global table replica"
    indexes = len(attrs.get("indexes", ()))
    return keys + (f", {indexes} GSI" if indexes else "")


_AUTH_NAMES = {"jwt": "JWT", "iam": "IAM", "cognito": "Cognito", "lambda": "Lambda"}


def _api(attrs: dict) -> str:
    auth = attrs.get("authorizer")
    return f"{attrs.get('type', '').upper()} API, " + (
        f"{_AUTH_NAMES.get(auth, auth)} auth" if auth else "no auth"
    )


def _bucket(attrs: dict) -> str:
    if attrs.get("website"):
        return "public website"
    return "versioned" if attrs.get("versioning") else "not versioned"


def _broker(attrs: dict) -> str:
    parts = [str(attrs.get("engine")), str(attrs.get("instance_type"))]
    if attrs.get("priority_levels"):
        parts.append(f"priorities 0-{attrs['priority_levels']}")
    return ", ".join(parts)


_DETAILS = {
    "lambda.function": _function,
    "sqs.queue": _queue,
    "dynamodb.table": _table,
    "apigateway.http-api": _api,
    "apigateway.rest-api": _api,
    "apigateway.websocket-api": _api,
    "s3.bucket": _bucket,
    "mq.broker": _broker,
    "scheduler.schedule": lambda attrs: str(attrs.get("expression") or ""),
    "states.state-machine": lambda attrs: str(attrs.get("type", "")).lower(),
    "external.internet": lambda attrs: str(attrs.get("description") or ""),
    "external.identity-provider": lambda attrs: str(attrs.get("protocol", "")).upper(),
    "events.bus": lambda attrs: "default bus" if attrs.get("default") else "custom bus",
}


def edge_parts(model: Model, connection: Connection) -> list[str]:
    """Return what a connection's attributes add to its edge label."""
    attrs = connection.attrs
    parts = []
    rule = model.components.get(str(attrs.get("rule")))
    if rule is not None:
        parts.append(f"rule {rule.name}")
    if attrs.get("filter_text"):
        parts.append(attrs["filter_text"])
    if attrs.get("schedule"):
        parts.append(attrs["schedule"])
    if attrs.get("auth") == "none":
        parts.append("no auth")
    if attrs.get("poll_order"):
        order = attrs["poll_order"]
        parts.append(f"drained {_ORDINALS.get(order, f'{order}th')}")
    return parts
