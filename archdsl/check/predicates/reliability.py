"""Reliability: single points of failure, AZ spread, failover, coupling, queues."""

from __future__ import annotations

from collections.abc import Iterator

from archdsl.check.findings import Hit
from archdsl.check.graph import RequestGraph, entry_points, single_points
from archdsl.check.query import (
    CHANNEL_KINDS,
    LOAD_BALANCER_KINDS,
    design_azs,
    design_setting_span,
    failover_partner,
    flow_span,
    group_by_unit,
    ids_of,
    is_compute,
    is_store,
    longest_chain,
    setting_span,
    unit_edges,
    unit_span,
    units_with,
    verb,
    written_span,
)
from archdsl.check.registry import predicate
from archdsl.check.rules import Rule
from archdsl.check.simulate import Scenario, simulate
from archdsl.model import Component, Model

#: Kinds whose placement shows which AZs a tier's capacity is in.
_TIER_KINDS = frozenset(
    {"ec2.instance", "ecs.task", "eks.node-group", *LOAD_BALANCER_KINDS}
)


@predicate("single_points_of_failure")
def single_points_of_failure(model: Model, rule: Rule) -> Iterator[Hit]:
    for point in single_points(model):
        component = model.components[point.component]
        where = ", ".join(component.placement.azs) or "one place"
        yield Hit(
            (point.component,),
            component.span,
            f"every request path to {', '.join(point.stores)} passes through "
            f"{point.component}, which runs only in {where} with nothing to fail "
            "over to",
            path=point.path,
        )


@predicate("single_az_tier")
def single_az_tier(model: Model, rule: Rule) -> Iterator[Hit]:
    for name, unit in model.units.items():
        members = [model.components[c] for c in unit.components]
        placed = [c for c in members if c.kind in _TIER_KINDS and c.placement.azs]
        if not placed or any(is_store(c) for c in members):
            continue
        azs = sorted({az for c in placed for az in c.placement.azs})
        if len(azs) >= 2:
            continue
        yield Hit(
            tuple(c.id for c in placed),
            unit.span,
            f"{name} runs only in {', '.join(azs)}",
        )


@predicate("az_loss_outage")
def az_loss_outage(model: Model, rule: Rule) -> Iterator[Hit]:
    cut: dict[str, list[str]] = {}
    for az in design_azs(model):
        result = simulate(model, Scenario("az-loss", az))
        for store in result.cut_stores():
            cut.setdefault(store, []).append(az)
    for store, azs in sorted(cut.items()):
        unit = model.units.get(store)
        components = tuple(unit.ingress) if unit else ()
        yield Hit(
            components,
            unit_span(model, store),
            f"losing {' or '.join(azs)} leaves no entry point able to reach {store}",
        )


@predicate("database_without_failover")
def database_without_failover(model: Model, rule: Rule) -> Iterator[Hit]:
    for cluster in model.of_kind("rds.aurora-cluster"):
        writer = model.components.get(str(cluster.attrs.get("writer")))
        if writer is not None and failover_partner(model, writer) is None:
            yield _no_failover(cluster, f"{cluster.id} has no reader in another AZ")
    for instance in model.of_kind("rds.instance"):
        if instance.attrs.get("role") == "primary" and not failover_partner(
            model, instance
        ):
            yield _no_failover(instance, f"{instance.id} has no Multi-AZ standby")


def _no_failover(component: Component, message: str) -> Hit:
    return Hit(
        (component.id,),
        setting_span(component, "multi_az"),
        message + ", so the database is down while its instance or AZ is",
    )


@predicate("cache_without_failover")
def cache_without_failover(model: Model, rule: Rule) -> Iterator[Hit]:
    for group in model.of_kind("elasticache.replication-group"):
        if group.attrs.get("engine") == "memcached":
            continue
        if group.attrs.get("multi_az") is False:
            yield Hit(
                (group.id,),
                setting_span(group, "multi_az"),
                f"{group.id} has no automatic failover to a replica in another AZ",
            )


@predicate("asg_min_too_low")
def asg_min_too_low(model: Model, rule: Rule) -> Iterator[Hit]:
    for group in model.of_kind("autoscaling.group"):
        minimum = int(group.attrs.get("min", 0))
        azs = len(group.placement.azs)
        if minimum >= max(2, azs):
            continue
        yield Hit(
            (group.id,),
            setting_span(group, "min"),
            f"{group.id} keeps min={minimum} instance(s) over {azs} AZ(s)",
            f"set min={max(2, azs)} or more on tier {group.unit}",
        )


@predicate("asg_without_elb_health_check")
def asg_without_elb_health_check(model: Model, rule: Rule) -> Iterator[Hit]:
    for group in model.of_kind("autoscaling.group"):
        if group.attrs.get("health_check") == "ELB":
            continue
        members = [
            c.id for c in model.components.values() if c.attrs.get("asg") == group.id
        ]
        balanced = any(
            model.components[c.source].kind in LOAD_BALANCER_KINDS
            for member in members
            for c in model.incoming(member)
        )
        if balanced:
            yield Hit(
                (group.id,),
                setting_span(group, "health_check"),
                f"{group.id} replaces instances only when EC2 status checks fail",
            )


@predicate("fixed_instances")
def fixed_instances(model: Model, rule: Rule) -> Iterator[Hit]:
    for name, unit in model.units.items():
        fixed = [
            model.components[c]
            for c in unit.components
            if model.components[c].kind == "ec2.instance"
            and "asg" not in model.components[c].attrs
        ]
        if fixed:
            yield Hit(
                tuple(c.id for c in fixed),
                unit.span,
                f"{name} runs {len(fixed)} fixed instance(s) outside an Auto Scaling group",
                _fixed_instances_fix(rule, unit.keyword, name),
            )


def _fixed_instances_fix(rule: Rule, keyword: str, name: str) -> str:
    if keyword == "tier":
        return f"write 'asg' instead of 'ec2' on tier {name}"
    # NOTE: only a tier can choose an Auto Scaling group. The appliances of
    # a gwlb statement are always fixed instances.
    return (
        f"{keyword} {name} cannot use an Auto Scaling group, so replace failed "
        "instances another way (the vendor's scaling template, a runbook) and "
        f"waive {rule.id} on {name} saying how"
    )


@predicate("asg_cannot_scale")
def asg_cannot_scale(model: Model, rule: Rule) -> Iterator[Hit]:
    for group in model.of_kind("autoscaling.group"):
        if group.attrs.get("min") == group.attrs.get("max"):
            yield Hit(
                (group.id,),
                setting_span(group, "max"),
                f"{group.id} has min = max = {group.attrs.get('min')}",
            )


@predicate("deep_sync_chain")
def deep_sync_chain(model: Model, rule: Rule) -> Iterator[Hit]:
    callers = set(units_with(model, is_compute))
    chain = longest_chain(unit_edges(model), lambda source, target: source in callers)
    calls = [(a, b) for a, b in zip(chain, chain[1:], strict=False) if a in callers]
    limit = int(rule.params["max_depth"])
    if len(calls) <= limit:
        return
    first_over = calls[limit]
    yield Hit(
        tuple(_entry_of(model, u) for u in chain),
        flow_span(model, *first_over),
        f"{len(calls)} synchronous calls in a row ({' -> '.join(chain)}); the "
        f"limit is {limit}",
        path=tuple(chain),
    )


def _entry_of(model: Model, unit: str) -> str:
    record = model.units.get(unit)
    if record is not None and record.ingress:
        return record.ingress[0]
    return unit


def _service_units(model: Model) -> set[str]:
    """Return units that run code, directly or behind a load balancer."""
    return set(units_with(model, is_compute))


@predicate("sync_fan_out")
def sync_fan_out(model: Model, rule: Rule) -> Iterator[Hit]:
    services = _service_units(model)
    targets: dict[str, list[str]] = {}
    for source, target in sorted(unit_edges(model)):
        if source in services and target in services:
            targets.setdefault(source, []).append(target)
    for source, called in sorted(targets.items()):
        if len(called) < int(rule.params["min_targets"]):
            continue
        yield Hit(
            tuple(_entry_of(model, u) for u in called),
            flow_span(model, source, called[0]),
            f"{source} calls {', '.join(called)} synchronously and waits for each",
        )


@predicate("single_dispatcher")
def single_dispatcher(model: Model, rule: Rule) -> Iterator[Hit]:
    services = _service_units(model)
    fed = {b for a, b in unit_edges(model, ("async", "event")) if b in services}
    downstream: dict[str, set[str]] = {}
    for source, target in unit_edges(model, ("sync", "async", "event", "data")):
        if source in fed and not _is_store_unit(model, target):
            downstream.setdefault(source, set()).add(target)
    for consumer in sorted(downstream):
        routed = sorted(downstream[consumer])
        if len(routed) < int(rule.params["min_targets"]):
            continue
        yield Hit(
            (_entry_of(model, consumer),),
            unit_span(model, consumer),
            f"{consumer} consumes messages and routes them to {', '.join(routed)}, "
            "so every message type waits behind one consumer",
        )


def _is_store_unit(model: Model, unit: str) -> bool:
    return any(is_store(c) for c in model.components.values() if c.unit == unit)


@predicate("consumer_without_dlq")
def consumer_without_dlq(model: Model, rule: Rule) -> Iterator[Hit]:
    dead_letter = {
        c.attrs["dlq"]
        for c in model.components.values()
        if isinstance(c.attrs.get("dlq"), str)
    }
    for queue in model.of_kind("sqs.queue"):
        if queue.id in dead_letter or queue.attrs.get("role") == "dlq":
            continue
        if not queue.attrs.get("dlq"):
            yield Hit(
                (queue.id,),
                setting_span(queue, "dlq"),
                f"queue {queue.id} has no dead-letter queue",
            )
    for function in model.of_kind("lambda.function"):
        if function.attrs.get("dlq") or function.attrs.get("on_failure"):
            continue
        streams = _streams_read(model, function)
        if streams:
            yield _stream_without_destination(rule, function, streams)
        elif _invoked_asynchronously(model, function):
            yield Hit(
                (function.id,),
                setting_span(function, "dlq"),
                f"function {function.id} is invoked asynchronously with no "
                "dead-letter queue or on-failure destination",
            )


#: Sources whose consumers read shards through an event source mapping: a
#: failed batch is retried until its records expire, unless an on-failure
#: destination takes it.
STREAM_KINDS = frozenset({"kinesis.stream", "dynamodb.table"})


def _streams_read(model: Model, function: Component) -> list[str]:
    return [
        c.source
        for c in model.incoming(function.id)
        if c.kind in ("async", "event")
        and model.components[c.source].kind in STREAM_KINDS
    ]


def _stream_without_destination(
    rule: Rule, function: Component, streams: list[str]
) -> Hit:
    # NOTE: the function statement sets a dead-letter queue for asynchronous
    # invocations only, and has no option for a stream's on-failure destination.
    return Hit(
        (function.id,),
        function.span,
        f"function {function.id} reads {', '.join(streams)} with no on-failure "
        "destination, so a batch that keeps failing blocks its shard until the "
        "records expire",
        "add an on-failure destination (an SQS queue or SNS topic) to the event "
        f"source mapping outside archdsl, and waive {rule.id} on "
        f"{function.unit} saying where it is",
    )


def _invoked_asynchronously(model: Model, function: Component) -> bool:
    for connection in model.incoming(function.id):
        source = model.components[connection.source]
        if connection.kind in ("async", "event") and source.kind not in (
            CHANNEL_KINDS | STREAM_KINDS
        ):
            return True
    return False


@predicate("api_without_throttling")
def api_without_throttling(model: Model, rule: Rule) -> Iterator[Hit]:
    apis = ("apigateway.rest-api", "apigateway.http-api", "apigateway.websocket-api")
    for api in model.of_kind(*apis):
        if api.attrs.get("public") is not False and not api.attrs.get("throttling"):
            yield Hit(
                (api.id,),
                setting_span(api, "throttling"),
                f"{api.id} has no rate or burst limit",
            )


@predicate("consumer_without_concurrency_limit")
def consumer_without_concurrency_limit(model: Model, rule: Rule) -> Iterator[Hit]:
    for function in model.of_kind("lambda.function"):
        if function.attrs.get("reserved_concurrency") is not None:
            continue
        # Lambda scales an SQS consumer with the backlog. A stream consumer
        # runs at most one batch per shard (times the parallelization
        # factor), so its concurrency is bounded already.
        if any(
            model.components[c.source].kind == "sqs.queue"
            for c in model.incoming(function.id)
        ):
            yield Hit(
                (function.id,),
                setting_span(function, "reserved_concurrency"),
                f"function {function.id} drains a queue with no reserved concurrency",
            )


@predicate("short_backup_retention")
def short_backup_retention(model: Model, rule: Rule) -> Iterator[Hit]:
    minimum = int(rule.params["min_days"])
    short = [
        c
        for c in model.components.values()
        if isinstance(c.attrs.get("backup_retention_days"), int)
        and c.attrs["backup_retention_days"] < minimum
    ]
    for members in group_by_unit(short).values():
        days = members[0].attrs["backup_retention_days"]
        yield Hit(
            ids_of(members),
            written_span(members, "backup_retention_days"),
            f"{', '.join(ids_of(members))} {verb(members, 'keeps', 'keep')} "
            f"backups for {days} day(s)",
        )


@predicate("table_without_pitr")
def table_without_pitr(model: Model, rule: Rule) -> Iterator[Hit]:
    tables = [
        t
        for t in model.of_kind("dynamodb.table")
        if t.attrs.get("point_in_time_recovery") is False
    ]
    for members in group_by_unit(tables).values():
        yield Hit(
            ids_of(members),
            written_span(members, "point_in_time_recovery"),
            f"{verb(members, 'table', 'tables')} {', '.join(ids_of(members))} "
            f"{verb(members, 'has', 'have')} point-in-time recovery turned off",
        )


@predicate("bucket_without_versioning")
def bucket_without_versioning(model: Model, rule: Rule) -> Iterator[Hit]:
    buckets = [
        b
        for b in model.of_kind("s3.bucket")
        if b.attrs.get("versioning") is False and not _holds_derived(b)
    ]
    for members in group_by_unit(buckets).values():
        yield Hit(
            ids_of(members),
            written_span(members, "versioning"),
            f"{verb(members, 'bucket', 'buckets')} {', '.join(ids_of(members))} "
            f"{verb(members, 'keeps', 'keep')} no earlier versions of objects",
        )


def _holds_derived(bucket: Component) -> bool:
    """Return whether archdsl left versioning off because the objects can be rebuilt.

    Buckets for thumbnails, query results or build artifacts get versioning
    off as their default. Versioning turned off by the author is a weakened
    default instead, whose default value is on.
    """
    return any(
        record.key == "versioning" and record.value is False
        for record in bucket.defaults
    )


@predicate("single_region")
def single_region(model: Model, rule: Rule) -> Iterator[Hit]:
    if len(model.design.regions) != 1 or not _has_workload(model):
        return
    yield Hit(
        (),
        model.design.span,
        f"design '{model.design.name}' runs only in {model.design.region}",
    )


@predicate("region_loss_outage")
def region_loss_outage(model: Model, rule: Rule) -> Iterator[Hit]:
    if len(model.design.regions) < 2:
        return
    in_cells = _cell_members(model)
    for region in model.design.regions:
        result = simulate(model, Scenario("region-loss", region))
        lost = set(result.lost)
        stranded: list[Component] = []
        for store_unit in result.cut_stores():
            stores = [
                c
                for c in model.components.values()
                if c.unit == store_unit and is_store(c)
            ]
            if any(c.id not in lost for c in stores):
                stranded.extend(c for c in stores if c.id not in lost)
            elif not all(c.id in in_cells for c in stores):
                yield Hit(
                    ids_of(stores),
                    stores[0].span,
                    f"{store_unit} keeps its data only in {region}, so losing "
                    f"{region} loses it",
                )
        if stranded:
            yield _stranded_hit(model, region, lost, stranded)


def _stranded_hit(
    model: Model, region: str, lost: set[str], stranded: list[Component]
) -> Hit:
    """Report stores that survive the region's loss but that nothing reaches."""
    units = list(dict.fromkeys(c.unit for c in stranded))
    regions = sorted({str(c.placement.region) for c in stranded})
    entries = entry_points(model, RequestGraph.of(model))
    lost_entries = [e for e in entries if e in lost]
    span = model.components[lost_entries[0]].span if lost_entries else stranded[0].span
    return Hit(
        ids_of(stranded),
        span,
        f"losing {region} leaves no entry point able to reach {', '.join(units)}, "
        f"although {verb(units, 'it', 'they')} still run{verb(units, 's', '')} in "
        f"{', '.join(regions)}",
    )


def _cell_members(model: Model) -> set[str]:
    """Return the components inside a copy of a cell block.

    A cell keeps its own tenants' data. Losing the cell's region loses
    those tenants only, which is the scope of impact the cell pattern accepts.
    """
    copies = {
        (stamp.region, copy) for stamp in model.design.cells for copy in stamp.copies
    }
    return {
        c.id
        for c in model.components.values()
        if any((c.placement.region, group) in copies for group in c.placement.groups)
    }


def _has_workload(model: Model) -> bool:
    return any(c.kind != "external.internet" for c in model.components.values())


@predicate("shared_nat_gateway")
def shared_nat_gateway(model: Model, rule: Rule) -> Iterator[Hit]:
    gateways = model.of_kind("ec2.nat-gateway")
    if model.design.settings.get("nat") != "single" or not gateways:
        return
    if len(design_azs(model)) < 2:
        return
    yield Hit(
        tuple(g.id for g in gateways),
        design_setting_span(model, "nat"),
        f"{gateways[0].id} carries outbound traffic for every AZ",
    )
