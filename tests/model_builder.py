"""Build small models in Python for rules whose statements do not exist yet."""

from __future__ import annotations

from typing import Any

from archdsl.model import Component, Connection, Design, Model, Placement
from archdsl.source import Span

FILE = "built.arch"
REGION = "us-east-1"
AZS = ("us-east-1a", "us-east-1b")


class ModelBuilder:
    """Add components and connections in order; each gets its own source line."""

    def __init__(self, name: str = "built", azs: tuple[str, ...] = AZS) -> None:
        self.model = Model(
            Design(
                name=name,
                regions=(REGION,),
                azs={REGION: azs},
                domain=f"{name}.example.com",
                span=Span.point(FILE, 1, 1),
                settings={"nat": "per_az", "flow_logs": True},
            )
        )
        self._line = 1

    def add(
        self,
        component_id: str,
        kind: str,
        *,
        unit: str | None = None,
        azs: tuple[str, ...] = (),
        vpc: str | None = None,
        **attrs: Any,
    ) -> Component:
        self._line += 1
        unit_name = unit or component_id.split(".")[0]
        component = Component(
            id=component_id,
            kind=kind,
            name=component_id,
            unit=unit_name,
            placement=Placement(region=REGION, vpc=vpc, azs=azs),
            reason="built for a test",
            span=Span.point(FILE, self._line, 1),
            attrs=dict(attrs),
        )
        self.model.components[component_id] = component
        return component

    def connect(self, source: str, target: str, kind: str = "sync", **fields: Any):
        self._line += 1
        connection = Connection(
            id=f"{source}->{target}",
            source=source,
            target=target,
            kind=kind,
            reason="built for a test",
            span=Span.point(FILE, self._line, 1),
            **fields,
        )
        self.model.connections.append(connection)
        return connection


def serverless_api(**api_attrs: Any) -> ModelBuilder:
    """Return users -> API Gateway -> Lambda -> DynamoDB, the recommended serverless design."""
    builder = ModelBuilder("api")
    builder.add("internet", "external.internet")
    attrs = {"public": True, "tls": True, "authorizer": "cognito"}
    attrs["throttling"] = {"rate": 100, "burst": 200}
    attrs.update(api_attrs)
    builder.add("api", "apigateway.http-api", **attrs)
    builder.add("handler", "lambda.function", reserved_concurrency=None)
    builder.add("table", "dynamodb.table", encrypted=True, point_in_time_recovery=True)
    builder.connect("internet", "api", tls=True)
    builder.connect("api", "handler")
    builder.connect("handler", "table")
    return builder
