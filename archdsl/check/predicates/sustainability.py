"""Sustainability: capacity that follows demand, managed services, hardware."""

from __future__ import annotations

from collections.abc import Iterator

from archdsl.catalog import KINDS
from archdsl.check.findings import Hit
from archdsl.check.predicates.sizing import is_graviton, sized_components
from archdsl.check.query import group_by_unit, ids_of, requests, unit_span, verb
from archdsl.check.registry import predicate
from archdsl.check.rules import Rule
from archdsl.model import Component, Model, Unit

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

#: Attributes that name the cluster, node group or Fargate profile a
#: workload runs on; the named platform is in use while a workload names it.
HOSTING_KEYS = ("cluster", "runs_on")


@predicate("capacity_without_scaling")
def capacity_without_scaling(model: Model, rule: Rule) -> Iterator[Hit]:
    fixed = [
        c
        for c in model.of_kind("ecs.service", "dynamodb.table")
        if not c.attrs.get("scaling") and not _on_demand_table(c)
    ]
    for unit, members in group_by_unit(fixed).items():
        yield Hit(
            tuple(c.id for c in members),
            members[0].span,
            f"{unit} ({members[0].service}) keeps a fixed capacity",
        )
    yield from _node_groups_without_autoscaler(model)


def _on_demand_table(component: Component) -> bool:
    """Return whether a table pays per request; a table without billing_mode does."""
    mode = str(component.attrs.get("billing_mode") or "")
    return component.kind == "dynamodb.table" and mode.lower() != "provisioned"


def _node_groups_without_autoscaler(model: Model) -> Iterator[Hit]:
    """Report node groups whose cluster has no node autoscaler, once per statement.

    Karpenter or the Cluster Autoscaler adds nodes for pending pods and
    removes idle ones; without either the group stays at its desired size.
    """
    scaled = {
        c.attrs.get("cluster")
        for c in model.of_kind("k8s.autoscaler")
        if c.attrs.get("scaling")
    }
    fixed = [
        c
        for c in model.of_kind("eks.node-group")
        if c.attrs.get("cluster") not in scaled
    ]
    for unit, members in group_by_unit(fixed).items():
        cluster = members[0].attrs.get("cluster")
        cluster_unit = (
            model.components[cluster].unit if cluster in model.components else None
        )
        yield Hit(
            tuple(c.id for c in members),
            members[0].span,
            f"node group {unit} keeps a fixed number of nodes: no node "
            f"autoscaler runs on {cluster or 'its cluster'}",
            f"write autoscaler=karpenter on cluster {cluster_unit}"
            if cluster_unit
            else None,
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
    used = _used_components(model)
    for name, unit in model.units.items():
        if unit.keyword in _NOT_COMPONENTS or not unit.components:
            continue
        if used.intersection(unit.components) or _only_account_tools(model, unit):
            continue
        yield Hit(
            tuple(unit.ingress) or (unit.components[0],),
            unit_span(model, name),
            f"nothing sends requests to {name} and it sends none",
        )


def _used_components(model: Model) -> set[str]:
    """Return the components that carry traffic, watch, host or protect others.

    A dead-letter queue, a log group or a lake zone is a statement of its
    own whose components belong to the parent's unit, so the check looks
    at component ids, not unit names.
    """
    used = {end for c in requests(model) for end in (c.source, c.target)}
    used |= {c.target for c in model.connections if c.kind == "monitoring"}
    # A KMS key is in use while it encrypts data, and a private CA while
    # a mutual TLS hop trusts the certificates it issues.
    used |= {c.id for c in model.components.values() if c.attrs.get("encrypts")}
    used |= {c.attrs["ca"] for c in model.connections if c.attrs.get("ca")}
    for component in model.components.values():
        for key in HOSTING_KEYS:
            hosts = component.attrs.get(key)
            names = [hosts] if isinstance(hosts, str) else hosts or []
            used |= {h for h in names if _other_unit(model, h, component.unit)}
    used |= _container_instances_in_use(model)
    return used


def _container_instances_in_use(model: Model) -> set[str]:
    """Return the ECS container instances of clusters that run EC2 tasks.

    ECS places the tasks of a service with the EC2 launch type on any
    container instance of its cluster, so the model names no instance per task.
    """
    clusters = {
        c.attrs.get("cluster")
        for c in model.of_kind("ecs.service")
        if c.attrs.get("launch_type") == "EC2"
    }
    return {
        c.id
        for c in model.of_kind("autoscaling.group", "ec2.instance")
        if c.attrs.get("cluster") in clusters
    }


def _other_unit(model: Model, component_id: object, unit: str) -> bool:
    host = model.components.get(str(component_id))
    return host is not None and host.unit != unit


def _only_account_tools(model: Model, unit: Unit) -> bool:
    """Return whether every component reads account-wide data (budgets, dashboards)."""
    return all(
        KINDS[model.components[c].kind].category == "management"
        for c in unit.components
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
    unmanaged = [
        b
        for b in model.of_kind("s3.bucket")
        if not any(b.attrs.get(key) for key in LIFECYCLE_KEYS)
    ]
    for members in group_by_unit(unmanaged).values():
        yield Hit(
            ids_of(members),
            members[0].span,
            f"{verb(members, 'bucket', 'buckets')} {', '.join(ids_of(members))} "
            f"{verb(members, 'keeps', 'keep')} every object until someone deletes it",
        )
