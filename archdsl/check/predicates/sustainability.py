"""Sustainability: capacity that follows demand, managed services, hardware."""

from __future__ import annotations

from collections.abc import Iterator

from archdsl.check.findings import Hit
from archdsl.check.predicates.sizing import is_graviton, sized_components
from archdsl.check.query import group_by_unit, requests, unit_span
from archdsl.check.registry import predicate
from archdsl.check.rules import Rule
from archdsl.model import Model

#: Ports of databases, caches, brokers and search engines that run as
#: managed AWS services: MySQL, PostgreSQL, SQL Server, Oracle, MongoDB,
#: Redis, Memcached, Cassandra, RabbitMQ, Kafka, Elasticsearch.
STORE_PORTS = frozenset(
    {3306, 5432, 1433, 1521, 27017, 6379, 11211, 9042, 5672, 9092, 9200}
)

#: Bucket attributes that hold a lifecycle rule.
LIFECYCLE_KEYS = ("lifecycle", "lifecycle_rules", "lifecycle_expire_days")

#: Keywords of statements that are not components of their own.
_NOT_COMPONENTS = ("design", "edge", "waive")


@predicate("capacity_without_scaling")
def capacity_without_scaling(model: Model, rule: Rule) -> Iterator[Hit]:
    for component in model.of_kind("ecs.service", "eks.node-group", "dynamodb.table"):
        if component.attrs.get("scaling"):
            continue
        # NOTE: `billing_mode` is not in docs/model.md yet; tables without it
        # are taken to be on-demand and pass.
        if (
            component.kind == "dynamodb.table"
            and component.attrs.get("billing_mode") != "provisioned"
        ):
            continue
        yield Hit(
            (component.id,),
            component.span,
            f"{component.id} ({component.service}) keeps a fixed capacity",
        )


@predicate("self_managed_store")
def self_managed_store(model: Model, rule: Rule) -> Iterator[Hit]:
    servers = [
        c for c in model.of_kind("ec2.instance") if c.attrs.get("port") in STORE_PORTS
    ]
    for unit, members in group_by_unit(servers).items():
        port = members[0].attrs["port"]
        yield Hit(
            tuple(c.id for c in members),
            members[0].span,
            f"tier {unit} listens on port {port}, a database, cache or broker port",
        )


@predicate("unused_unit")
def unused_unit(model: Model, rule: Rule) -> Iterator[Hit]:
    busy = {model.components[c.source].unit for c in requests(model)}
    busy |= {model.components[c.target].unit for c in requests(model)}
    for name, unit in model.units.items():
        if unit.keyword in _NOT_COMPONENTS or not unit.components or name in busy:
            continue
        yield Hit(
            tuple(unit.ingress) or (unit.components[0],),
            unit_span(model, name),
            f"nothing sends requests to {name} and it sends none",
        )


@predicate("not_graviton")
def not_graviton(model: Model, rule: Rule) -> Iterator[Hit]:
    for component, instance_type in sized_components(model):
        if is_graviton(instance_type) is False:
            yield Hit(
                (component.id,),
                component.span,
                f"{component.id} uses {instance_type}, an x86 type",
            )


@predicate("no_lifecycle")
def no_lifecycle(model: Model, rule: Rule) -> Iterator[Hit]:
    for bucket in model.of_kind("s3.bucket"):
        if not any(bucket.attrs.get(key) for key in LIFECYCLE_KEYS):
            yield Hit(
                (bucket.id,),
                bucket.span,
                f"bucket {bucket.id} keeps every object until someone deletes it",
            )
