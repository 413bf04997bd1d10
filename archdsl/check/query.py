"""Questions the rules ask of the model: what is a store, who fails over to whom."""

from __future__ import annotations

from collections.abc import Sized

from archdsl.catalog import KINDS
from archdsl.model import REQUEST_KINDS, Component, Connection, Model

#: Kinds that run application code.
COMPUTE_KINDS = frozenset(
    {
        "ec2.instance",
        "lambda.function",
        "ecs.service",
        "ecs.task",
        "eks.node-group",
        "eks.fargate-profile",
        "k8s.deployment",
        "k8s.pod",
    }
)

#: Stateful kinds that carry messages rather than keep records.
CHANNEL_KINDS = frozenset({"sqs.queue", "mq.broker", "kinesis.stream", "msk.cluster"})

#: Stateful kinds that process records kept elsewhere. An EMR cluster runs
#: in one AZ and reads and writes its data in S3 (EMRFS), so losing the
#: cluster loses work in progress, not the data.
ENGINE_KINDS = frozenset({"emr.cluster"})

#: Kinds that hand work to consumers: queues, topics, buses, streams.
MESSAGING_KINDS = frozenset(
    {
        *CHANNEL_KINDS,
        "sns.topic",
        "sns.subscription",
        "events.bus",
        "events.rule",
        "scheduler.schedule",
        "firehose.delivery-stream",
    }
)

LOAD_BALANCER_KINDS = frozenset({"elbv2.alb", "elbv2.nlb", "elbv2.gwlb"})

RELATIONAL_KINDS = frozenset({"rds.aurora-instance", "rds.instance"})

ANALYTICS_READER_KINDS = frozenset(
    {
        "athena.workgroup",
        "quicksight.dashboard",
        "emr.cluster",
        "redshift.cluster",
        "glue.job",
        "glue.crawler",
    }
)

#: Roles of the components that take writes and lose them on failure.
PRIMARY_ROLES = ("writer", "primary")


def is_store(component: Component) -> bool:
    """Return whether the component keeps records: a database, cache or bucket."""
    kind = KINDS[component.kind]
    if not kind.stateful or component.kind in CHANNEL_KINDS | ENGINE_KINDS:
        return False
    return kind.category in ("database", "storage", "analytics")


def is_compute(component: Component) -> bool:
    return component.kind in COMPUTE_KINDS


def requests(model: Model) -> list[Connection]:
    return [c for c in model.connections if c.kind in REQUEST_KINDS]


def parent_of(model: Model, component: Component) -> Component | None:
    """Return the cluster or replication group a component belongs to."""
    for key in ("cluster", "group"):
        parent_id = component.attrs.get(key)
        if isinstance(parent_id, str) and parent_id in model.components:
            return model.components[parent_id]
    return None


def failover_partner(model: Model, component: Component) -> Component | None:
    """Return the component AWS promotes when ``component`` or its AZ fails.

    Aurora promotes a reader in another AZ. RDS Multi-AZ promotes its standby,
    never a read replica. ElastiCache promotes a replica only when the group
    has Multi-AZ automatic failover.
    """
    if component.attrs.get("role") not in PRIMARY_ROLES:
        return None
    if component.kind == "elasticache.node":
        group = parent_of(model, component)
        if group is None or not group.attrs.get("multi_az"):
            return None
    partner_roles = {
        "rds.aurora-instance": ("reader",),
        "rds.instance": ("standby",),
        "elasticache.node": ("replica",),
    }.get(component.kind, ("reader", "standby", "replica"))
    home = set(component.placement.azs)
    for connection in model.outgoing(component.id):
        if connection.kind != "replication":
            continue
        partner = model.components[connection.target]
        if partner.attrs.get("role") not in partner_roles:
            continue
        if set(partner.placement.azs) - home:
            return partner
    return None


def unit_of(model: Model, component_id: str) -> str:
    return model.components[component_id].unit


def units_with(model: Model, predicate) -> list[str]:
    """Return the names of units that own a component matching ``predicate``."""
    return sorted({c.unit for c in model.components.values() if predicate(c)})


def design_azs(model: Model) -> tuple[str, ...]:
    return model.design.azs.get(model.design.region, ())


def setting_span(component: Component, key: str):
    """Return where the author wrote ``key`` for this component, else its statement."""
    for record in component.defaults:
        if record.key == key and record.span is not None:
            return record.span
    return component.span


def design_setting_span(model: Model, key: str):
    for record in model.design.defaults:
        if record.key == key and record.span is not None:
            return record.span
    return model.design.span


#: Kinds that only forward traffic; chains of calls are counted through them.
PASS_THROUGH_KINDS = frozenset(
    {
        "ec2.internet-gateway",
        "ec2.nat-gateway",
        "ec2.vpc-endpoint",
        "ec2.transit-gateway",
    }
)


def internet_hops(model: Model) -> list[Connection]:
    """Return the request hops that deliver traffic from the internet into the design.

    Hops through pass-through kinds (an internet gateway) count at their far
    end, so a server in a public subnet is reached by the hop out of the
    internet gateway.
    """
    found: list[Connection] = []
    seen: set[str] = set()
    queue = [c for c in requests(model) if _from_outside(model, c)]
    while queue:
        hop = queue.pop(0)
        target = model.components[hop.target]
        if target.kind not in PASS_THROUGH_KINDS:
            found.append(hop)
        elif target.id not in seen:
            seen.add(target.id)
            queue.extend(
                c for c in model.outgoing(target.id) if c.kind in REQUEST_KINDS
            )
    return found


def _from_outside(model: Model, connection: Connection) -> bool:
    return KINDS[model.components[connection.source].kind].scope == "external"


def unit_edges(
    model: Model, kinds: tuple[str, ...] = ("sync",)
) -> set[tuple[str, str]]:
    """Return (caller unit, called unit) pairs, looking through pass-through hops."""
    edges: set[tuple[str, str]] = set()
    for connection in model.connections:
        if connection.kind not in kinds:
            continue
        source = model.components[connection.source]
        if KINDS[source.kind].scope == "external":
            continue  # the internet is the caller of a chain, not a hop in it
        if source.kind in PASS_THROUGH_KINDS:
            continue  # its callers' edges already look through it
        for target in _through(model, connection.target, kinds, set()):
            if target.unit != source.unit:
                edges.add((source.unit, target.unit))
    return edges


def _through(model: Model, component_id: str, kinds, seen: set[str]) -> list[Component]:
    component = model.components[component_id]
    if component.kind not in PASS_THROUGH_KINDS:
        return [component]
    if component_id in seen:
        return []
    seen.add(component_id)
    found = []
    for connection in model.outgoing(component_id):
        if connection.kind in kinds:
            found.extend(_through(model, connection.target, kinds, seen))
    return found


def longest_chain(edges: set[tuple[str, str]], counts) -> list[str]:
    """Return the longest simple path of units, counting only hops ``counts`` accepts.

    Ties go to the alphabetically first path, so the result is deterministic.
    """
    successors: dict[str, list[str]] = {}
    for source, target in sorted(edges):
        successors.setdefault(source, []).append(target)
    best: tuple[int, list[str]] = (0, [])

    def walk(path: list[str], depth: int) -> None:
        nonlocal best
        if depth > best[0]:
            best = (depth, list(path))
        for target in successors.get(path[-1], ()):
            if target in path:
                continue
            path.append(target)
            walk(path, depth + (1 if counts(path[-2], target) else 0))
            path.pop()

    for start in sorted(successors):
        walk([start], 0)
    return best[1]


def unit_span(model: Model, unit: str):
    record = model.units.get(unit)
    return record.span if record is not None else model.design.span


def flow_span(model: Model, source_unit: str, target_unit: str):
    for flow in model.flows:
        if flow.source == source_unit and flow.target == target_unit:
            return flow.span
    return unit_span(model, source_unit)


def group_by_unit(components: list[Component]) -> dict[str, list[Component]]:
    groups: dict[str, list[Component]] = {}
    for component in components:
        groups.setdefault(component.unit, []).append(component)
    return groups


def written_span(members: list[Component], key: str):
    """Return where the author wrote ``key`` for any member, else the first statement."""
    for component in members:
        span = setting_span(component, key)
        if span != component.span:
            return span
    return members[0].span


def ids_of(members: list[Component]) -> tuple[str, ...]:
    return tuple(c.id for c in members)


def verb(members: Sized, singular: str, plural: str) -> str:
    """Return ``singular`` for one member and ``plural`` for several."""
    return singular if len(members) == 1 else plural
