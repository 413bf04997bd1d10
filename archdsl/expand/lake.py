"""Expand ``lake``, ``catalog``, ``crawler``, ``etl``, ``athena`` and ``quicksight``.

A lake is one S3 bucket per zone. Each zone is also a unit of its own,
``<lake>.<zone>``, so flows can name the zone they read or write.
"""

from __future__ import annotations

from dataclasses import dataclass

from archdsl.expand.common import add_bucket, add_log_group
from archdsl.expand.context import Expansion, handles
from archdsl.expand.keys import use_key
from archdsl.expand.links import REFERENCES, defer, only_catalog, resolve_many
from archdsl.expand.streaming import serve_https
from archdsl.language import Statement
from archdsl.model import Component, Unit

DEFAULT_ZONES = ("raw", "curated")

_ZONE_REASONS = {
    "raw": "raw zone: data exactly as it arrived, kept so any later step can be "
    "rerun from the source",
    "curated": "curated zone: cleaned, deduplicated, partitioned Parquet that "
    "queries read",
}


@dataclass
class Lake:
    name: str
    #: Bucket component id of each zone, in the order written.
    zones: dict[str, str]


def lakes(ctx: Expansion) -> dict[str, Lake]:
    return ctx.shared.setdefault("lakes", {})


def lake_buckets(ctx: Expansion, unit: Unit) -> list[str]:
    """Return the buckets a unit names: one zone, or every zone of a lake."""
    lake = lakes(ctx).get(unit.name)
    return list(lake.zones.values()) if lake else list(unit.ingress)


@handles("lake")
def expand_lake(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    zones: tuple[str, ...] = statement.get("zones", DEFAULT_ZONES)
    if len(set(zones)) != len(zones):
        ctx.error(
            "a zone is listed twice",
            statement.span_of("zones"),
            "list each zone once",
        )
        return
    buckets: dict[str, str] = {}
    for index, zone in enumerate(zones):
        bucket = _zone_bucket(ctx, statement, zone, index == 0)
        buckets[zone] = bucket.id
        _zone_unit(ctx, statement, zone, bucket.id)
    lakes(ctx)[statement.name] = Lake(statement.name, buckets)
    first = next(iter(buckets.values()))
    unit.ingress = [first]
    unit.egress = list(buckets.values())
    unit.protocol, unit.port, unit.tls = "https", 443, True


def _zone_bucket(
    ctx: Expansion, statement: Statement, zone: str, landing: bool
) -> Component:
    bucket = add_bucket(
        ctx,
        f"{statement.name}.{zone}",
        f"{statement.name}-{zone}",
        statement=statement,
        reason=_ZONE_REASONS.get(
            zone, f"{zone} zone of the {statement.name} lake, one bucket of its own"
        ),
    )
    bucket.attrs["zone"] = zone
    bucket.attrs["stage"] = "store"
    use_key(ctx, bucket, statement)
    if landing:
        ctx.choose(
            bucket,
            "archive_after_days",
            90,
            "a lifecycle rule moves raw objects to S3 Glacier Instant Retrieval "
            "after 90 days: same millisecond reads, much lower storage price",
            statement=statement,
            option="archive",
            convert=lambda seconds: seconds // 86400,
        )
    else:
        ctx.choose(
            bucket,
            "storage_class",
            "INTELLIGENT_TIERING",
            "S3 Intelligent-Tiering moves objects that queries stop reading to "
            "cheaper tiers without retrieval fees",
        )
    return bucket


def _zone_unit(ctx: Expansion, statement: Statement, zone: str, bucket: str) -> None:
    name = f"{statement.name}.{zone}"
    unit = Unit(name, statement.keyword, statement.span)
    unit.components.append(bucket)
    unit.ingress = [bucket]
    unit.egress = [bucket]
    unit.protocol, unit.port, unit.tls = "https", 443, True
    ctx.model.units[name] = unit
    patterns = ctx.shared.setdefault("unit_patterns", {})
    local = statement.local_name or statement.name
    patterns[name] = (*statement.context.pattern, *local.split("."), zone)


@handles("catalog")
def expand_catalog(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    catalog = ctx.add(
        f"{statement.name}.catalog",
        "glue.catalog",
        statement.name,
        unit=statement.name,
        reason="Glue Data Catalog database: one set of table definitions that "
        "Athena, Redshift Spectrum, EMR and Firehose all read",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"stage": "catalog", "kms_key": "aws/glue"},
    )
    ctx.choose(
        catalog,
        "encrypted",
        True,
        "catalog encryption settings encrypt table metadata and connection "
        "passwords with KMS; the catalog does not do this unless asked",
        statement=statement,
        safety=True,
    )
    if not catalog.attrs["encrypted"]:
        catalog.attrs["kms_key"] = None
    use_key(ctx, catalog, statement)
    serve_https(unit, catalog.id, sends=False)


def needs_catalog(
    ctx: Expansion, statement: Statement, component: Component, verb: str, kind: str
) -> None:
    """Connect ``component`` to the design's catalog, which it cannot work without."""

    def connect() -> None:
        catalog = only_catalog(ctx, statement)
        if catalog is None:
            if not statement.written("catalog") and not _catalogs(ctx):
                ctx.error(
                    f"{statement.keyword} '{statement.name}' needs a Glue Data "
                    "Catalog, and the design has none",
                    statement.span,
                    "add a line such as 'catalog meta'",
                )
            return
        component.attrs["catalog"] = catalog.ingress[0]
        ctx.connect(
            component.id,
            catalog.ingress[0],
            kind,
            reason=f"{statement.name} {verb} the Glue Data Catalog",
            span=statement.span,
            protocol="https",
            port=443,
            tls=True,
            label=verb,
        )

    defer(ctx, connect, REFERENCES)


def _catalogs(ctx: Expansion) -> list[Unit]:
    return [u for u in ctx.model.units.values() if u.keyword == "catalog"]


@handles("crawler")
def expand_crawler(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    crawler = ctx.add(
        f"{statement.name}.crawler",
        "glue.crawler",
        statement.name,
        unit=statement.name,
        reason="Glue crawler: reads new objects, infers their schema and adds "
        "tables and partitions to the catalog",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"stage": "catalog"},
    )
    ctx.choose(
        crawler,
        "schedule_hours",
        24,
        "a daily crawl picks up new partitions; crawl more often when queries "
        "need fresher data",
        statement=statement,
        option="schedule",
        convert=lambda seconds: seconds // 3600,
    )
    ctx.choose(
        crawler,
        "recrawl",
        "new folders only",
        "incremental crawls read only folders added since the last run, which "
        "keeps them fast and cheap",
    )
    ctx.choose(
        crawler,
        "schema_change",
        "update table, log deletions",
        "new columns reach the table; a vanished column is logged, not dropped",
    )
    unit.egress = [crawler.id]
    needs_catalog(ctx, statement, crawler, "updates tables in", "data")
    defer(ctx, lambda: _crawl_targets(ctx, statement, crawler), REFERENCES)


def _crawl_targets(ctx: Expansion, statement: Statement, crawler: Component) -> None:
    if statement.written("crawls"):
        units = resolve_many(ctx, statement, "crawls", keywords=("lake",))
        buckets = [b for unit in units for b in lake_buckets(ctx, unit)]
    else:
        buckets = [b for lake in lakes(ctx).values() for b in lake.zones.values()]
    if not buckets and not statement.written("crawls"):
        ctx.error(
            f"crawler '{statement.name}' has nothing to crawl: the design has no lake",
            statement.span,
            "add a line such as 'lake data', or crawls=[...]",
        )
    crawler.attrs["targets"] = buckets
    for bucket in buckets:
        ctx.connect(
            bucket,
            crawler.id,
            "data",
            reason="the crawler lists and samples new objects to infer their "
            "schema; the edge points the way the data moves",
            span=statement.span_of("crawls"),
            protocol="https",
            port=443,
            tls=True,
            label="crawl",
        )


@handles("etl")
def expand_etl(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    job = ctx.add(
        f"{statement.name}.job",
        "glue.job",
        statement.name,
        unit=statement.name,
        reason="Glue ETL job: serverless Apache Spark that cleans and reshapes "
        "data between zones or loads the warehouse",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"stage": "transform"},
    )
    ctx.choose(
        job, "workers", 10, "ten workers suit a few GB per run", statement=statement
    )
    ctx.choose(
        job,
        "worker_type",
        "G.1X",
        "4 vCPUs and 16 GB per worker; larger types for memory-heavy joins",
        statement=statement,
        option="worker",
    )
    ctx.choose(
        job,
        "bookmarks",
        True,
        "job bookmarks remember what was processed, so each run reads only new data",
    )
    ctx.choose(
        job,
        "timeout_minutes",
        120,
        "a stuck run stops after two hours instead of running and billing on",
        statement=statement,
        option="timeout",
        convert=lambda seconds: max(1, seconds // 60),
    )
    ctx.choose(
        job,
        "schedule_hours",
        24,
        "a nightly run; trigger on crawler completion for fresher data",
        statement=statement,
        option="schedule",
        convert=lambda seconds: seconds // 3600,
    )
    ctx.choose(
        job,
        "security_configuration",
        "S3, CloudWatch Logs and bookmarks encrypted with KMS",
        "what the job writes is encrypted even where a target bucket is not",
        safety=True,
    )
    add_log_group(
        ctx,
        f"{statement.name}.logs",
        f"{statement.name} logs",
        statement=statement,
        reason="CloudWatch Logs group of the job's driver and executors",
        owner=job,
    )
    serve_https(unit, job.id)
    uses_catalog(ctx, statement, job, "reads table schemas from")


def uses_catalog(
    ctx: Expansion, statement: Statement, component: Component, verb: str
) -> None:
    """Connect ``component`` to the design's catalog when there is one."""

    def connect() -> None:
        catalog = only_catalog(ctx, statement)
        if catalog is None:
            return
        component.attrs["catalog"] = catalog.ingress[0]
        ctx.connect(
            component.id,
            catalog.ingress[0],
            "sync",
            reason=f"{statement.name} {verb} the Glue Data Catalog",
            span=statement.span,
            protocol="https",
            port=443,
            tls=True,
            label="schemas",
        )

    defer(ctx, connect, REFERENCES)


@handles("athena")
def expand_athena(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    workgroup = ctx.add(
        f"{statement.name}.workgroup",
        "athena.workgroup",
        statement.name,
        unit=statement.name,
        reason="Athena workgroup: serverless SQL over the lake, billed per byte "
        "scanned",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"stage": "query", "engine": "Athena engine version 3"},
    )
    results = add_bucket(
        ctx,
        f"{statement.name}.results",
        f"{statement.name}-results",
        statement=statement,
        reason="query results bucket of the workgroup",
        holds_originals=False,
    )
    results.attrs["hidden_in_diagram"] = True
    results.attrs["lifecycle_expire_days"] = 30
    use_key(ctx, results, statement)
    workgroup.attrs["results_bucket"] = results.id
    ctx.choose(
        workgroup,
        "enforce_configuration",
        True,
        "clients cannot override the workgroup's encrypted result location",
        safety=True,
    )
    ctx.choose(
        workgroup,
        "scan_limit_gb",
        100,
        "Athena cancels a query once it has scanned 100 GB, which caps the cost "
        "of one mistake",
        statement=statement,
        option="scan_limit",
        convert=lambda megabytes: megabytes // 1024,
    )
    serve_https(unit, workgroup.id)
    needs_catalog(ctx, statement, workgroup, "reads table metadata from", "sync")


@handles("quicksight")
def expand_quicksight(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    dashboard = ctx.add(
        f"{statement.name}.dashboard",
        "quicksight.dashboard",
        statement.name,
        unit=statement.name,
        reason="QuickSight dashboards for business users, who never get direct "
        "access to the lake or the warehouse",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"stage": "visualize"},
    )
    ctx.choose(
        dashboard,
        "mode",
        "direct",
        "each visual queries the source when viewed, so it always shows current "
        "data; SPICE is faster and cheaper for data that changes daily",
        statement=statement,
    )
    unit.egress = [dashboard.id]
