"""Expand ``stream``, ``firehose``, ``flink`` and ``webapp``: data on the move.

Every analytics component records its pipeline ``stage`` (ingest, process,
store, catalog, transform, query, visualize); the diagram draws the stages
left to right.
"""

from __future__ import annotations

from archdsl.expand.common import add_log_group
from archdsl.expand.context import Expansion, handles
from archdsl.expand.keys import use_key
from archdsl.expand.links import LATE, REFERENCES, defer, only_catalog
from archdsl.expand.network import network_for
from archdsl.expand.tiers import add_security_group
from archdsl.language import Statement
from archdsl.model import Component, Placement, Unit

#: Port MSK brokers accept IAM-authenticated TLS clients on.
MSK_IAM_PORT = 9098

#: Smallest buffer Firehose accepts when it converts records to Parquet or ORC.
CONVERSION_MIN_BUFFER_MB = 64
MAX_BUFFER_MB = 128


def serve_https(unit: Unit, component: str, *, sends: bool = True) -> None:
    """Make ``component`` the unit's way in (an AWS API over HTTPS) and out."""
    unit.ingress = [component]
    unit.egress = [component] if sends else []
    unit.protocol, unit.port, unit.tls = "https", 443, True


@handles("stream")
def expand_stream(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    if statement.get("service", "kinesis") == "msk":
        _msk(ctx, statement, unit)
    else:
        _kinesis(ctx, statement, unit)


def _kinesis(ctx: Expansion, statement: Statement, unit: Unit) -> None:
    for option in ("brokers", "instance"):
        if statement.written(option):
            ctx.error(
                f"'{option}' applies to an MSK cluster, not a Kinesis stream",
                statement.span_of(option),
                "remove it, or write 'msk'",
            )
    stream = ctx.add(
        f"{statement.name}.stream",
        "kinesis.stream",
        statement.name,
        unit=statement.name,
        reason="Kinesis data stream: producers put records, several consumers "
        "read them in order per shard",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"stage": "ingest", "encrypted": True, "kms_key": "aws/kinesis"},
    )
    use_key(ctx, stream, statement)
    mode = ctx.choose(
        stream,
        "mode",
        "on-demand",
        "on-demand capacity follows the write rate with no shards to split or merge",
        statement=statement,
        option="shards",
        convert=lambda shards: "provisioned",
    )
    stream.attrs["shards"] = statement.get("shards")
    ctx.choose(
        stream,
        "retention_hours",
        24,
        "records stay readable for a day, enough to replay after a consumer "
        "outage; longer retention costs per shard hour",
        statement=statement,
        option="retention",
        convert=lambda seconds: seconds // 3600,
    )
    stream.attrs["scaling"] = {"signal": "throughput"} if mode == "on-demand" else None
    serve_https(unit, stream.id)


def _msk(ctx: Expansion, statement: Statement, unit: Unit) -> None:
    if statement.written("shards"):
        ctx.error(
            "'shards' applies to a Kinesis stream, not an MSK cluster",
            statement.span_of("shards"),
            "use brokers= for MSK",
        )
    network = network_for(ctx, statement)
    azs = network.azs
    sg_id = add_security_group(
        ctx, statement, network, f"{statement.name}.sg", "brokers"
    )
    cluster = ctx.add(
        f"{statement.name}.cluster",
        "msk.cluster",
        f"{statement.name} Kafka",
        unit=statement.name,
        reason=f"MSK cluster: Kafka brokers spread over {len(azs)} AZs in the "
        "private subnets, each partition replicated to brokers in other AZs",
        span=statement.span,
        placement=network.placement(azs=azs, subnets=network.subnets("private", azs)),
        attrs={
            "stage": "ingest",
            "security_group": sg_id,
            "encrypted": True,
            "kms_key": "aws/kafka",
            "public": False,
        },
    )
    use_key(ctx, cluster, statement)
    _msk_settings(ctx, cluster, statement, azs)
    unit.ingress = [cluster.id]
    unit.egress = [cluster.id]
    unit.protocol, unit.port, unit.tls = "kafka", MSK_IAM_PORT, True
    unit.security_group = sg_id


def _msk_settings(
    ctx: Expansion, cluster: Component, statement: Statement, azs: tuple[str, ...]
) -> None:
    brokers = ctx.choose(
        cluster,
        "brokers",
        len(azs),
        "one broker per AZ, so every partition has a replica in each AZ",
        statement=statement,
    )
    if brokers % len(azs):
        ctx.error(
            f"MSK spreads brokers evenly over the AZs, so {brokers} brokers do not "
            f"fit {len(azs)} AZs",
            statement.span_of("brokers"),
            f"use a multiple of {len(azs)}",
        )
    cluster.attrs["multi_az"] = len(azs) > 1
    ctx.choose(
        cluster,
        "instance_type",
        "kafka.m7g.large",
        "Graviton brokers for steady production load",
        statement=statement,
        option="instance",
    )
    ctx.choose(
        cluster,
        "retention_hours",
        168,
        "Kafka keeps a week of records for replays",
        statement=statement,
        option="retention",
        convert=lambda seconds: seconds // 3600,
    )
    ctx.choose(
        cluster,
        "client_auth",
        "IAM over TLS",
        "clients sign in with their IAM roles over TLS; no plaintext listener",
        safety=True,
    )


@handles("firehose")
def expand_firehose(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    delivery = ctx.add(
        f"{statement.name}.delivery",
        "firehose.delivery-stream",
        statement.name,
        unit=statement.name,
        reason="Data Firehose delivery stream: buffers records and writes them to "
        "S3 in batches, with retries, so producers never write objects themselves",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"stage": "ingest", "encrypted": True, "kms_key": "aws/firehose"},
    )
    use_key(ctx, delivery, statement)
    fmt = _firehose_buffering(ctx, delivery, statement)
    delivery.attrs["s3_prefix"] = (
        "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
    )
    delivery.attrs["error_prefix"] = "errors/!{firehose:error-output-type}/"
    errors = add_log_group(
        ctx,
        f"{statement.name}.errors",
        f"{statement.name} delivery errors",
        statement=statement,
        reason="CloudWatch Logs group where Firehose logs records it failed to "
        "convert or deliver",
        owner=delivery,
    )
    ctx.connect(
        delivery.id,
        errors.id,
        "data",
        reason="failed conversions and deliveries are logged here",
        span=statement.span,
        label="delivery errors",
    )
    serve_https(unit, delivery.id)
    if fmt != "json":
        defer(ctx, lambda: _schema_source(ctx, statement, delivery), REFERENCES)


def _firehose_buffering(
    ctx: Expansion, delivery: Component, statement: Statement
) -> str:
    fmt = ctx.choose(
        delivery,
        "format",
        "parquet",
        "record format conversion to Parquet: Athena then reads only the columns "
        "a query needs, which cuts scanned bytes and cost",
        statement=statement,
    )
    delivery.attrs["compression"] = "SNAPPY" if fmt != "json" else "GZIP"
    buffer = ctx.choose(
        delivery,
        "buffer_mb",
        MAX_BUFFER_MB,
        "the largest buffer writes the fewest, largest objects, which Athena "
        "reads fastest; conversion needs at least 64 MB",
        statement=statement,
        option="buffer",
    )
    lowest = CONVERSION_MIN_BUFFER_MB if fmt != "json" else 1
    if not lowest <= buffer <= MAX_BUFFER_MB:
        ctx.error(
            f"a {fmt} delivery stream buffers {lowest}MB to {MAX_BUFFER_MB}MB, "
            f"not {buffer}MB",
            statement.span_of("buffer"),
            f"set buffer= between {lowest}MB and {MAX_BUFFER_MB}MB",
        )
    ctx.choose(
        delivery,
        "buffer_seconds",
        300,
        "objects land within five minutes even when traffic is low",
        statement=statement,
        option="interval",
    )
    return str(fmt)


def _schema_source(ctx: Expansion, statement: Statement, delivery: Component) -> None:
    catalog = only_catalog(ctx, statement)
    if catalog is None:
        if not statement.written("catalog"):
            ctx.error(
                f"converting to {delivery.attrs['format']} needs the table schema "
                "from a Glue Data Catalog, and the design has none",
                statement.span,
                "add a line such as 'catalog meta', or set format=json",
            )
        return
    delivery.attrs["schema_from"] = catalog.ingress[0]
    ctx.connect(
        delivery.id,
        catalog.ingress[0],
        "sync",
        reason="Firehose reads the Glue table schema to convert JSON records",
        span=statement.span,
        protocol="https",
        port=443,
        tls=True,
        label="schema lookup",
    )


@handles("flink")
def expand_flink(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    app = ctx.add(
        f"{statement.name}.app",
        "flink.application",
        statement.name,
        unit=statement.name,
        reason="Managed Service for Apache Flink application: filters, enriches "
        "and aggregates records while they stream",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"stage": "process"},
    )
    parallelism = ctx.choose(
        app,
        "parallelism",
        1,
        "start with one task slot; autoscaling adds more",
        statement=statement,
    )
    autoscaling = ctx.choose(
        app,
        "autoscaling",
        True,
        "the service raises parallelism when CPU stays high and lowers it later",
        statement=statement,
    )
    app.attrs["scaling"] = (
        {"signal": "cpu", "min": parallelism} if autoscaling else None
    )
    ctx.choose(
        app,
        "checkpoints",
        True,
        "checkpoints let the application restart from its last state with "
        "exactly-once results",
        statement=statement,
        safety=True,
    )
    ctx.choose(
        app,
        "snapshots",
        True,
        "a snapshot on every update or stop, to roll back the application state",
    )
    add_log_group(
        ctx,
        f"{statement.name}.logs",
        f"{statement.name} logs",
        statement=statement,
        reason="CloudWatch Logs group of the Flink application",
        owner=app,
    )
    serve_https(unit, app.id)


@handles("webapp")
def expand_webapp(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    app = ctx.add(
        f"{statement.name}.app",
        "amplify.app",
        statement.name,
        unit=statement.name,
        reason="Amplify Hosting serves the built single-page app over HTTPS from "
        "a CDN; the code runs in the user's browser",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"public": True, "tls": True, "stage": "ingest"},
    )
    identity = ctx.add(
        f"{statement.name}.identity",
        "cognito.identity-pool",
        f"{statement.name} identity pool",
        unit=statement.name,
        reason="Cognito identity pool: exchanges a sign-in for temporary AWS "
        "credentials scoped by an IAM role, so the browser holds no keys",
        span=statement.span,
        placement=ctx.placement_for(statement),
    )
    ctx.choose(
        identity,
        "allow_unauthenticated",
        False,
        "only signed-in users get credentials; guest credentials let anyone "
        "call what the guest role allows",
        statement=statement,
        option="guests",
        safety=True,
    )
    ctx.connect(
        app.id,
        identity.id,
        "sync",
        reason="the app gets temporary credentials for its calls to AWS",
        span=statement.span,
        protocol="https",
        port=443,
        tls=True,
        label="credentials",
    )
    unit.egress = [app.id]
    unit.ingress = [app.id]
    unit.protocol, unit.port, unit.tls = "https", 443, True
    defer(ctx, lambda: _users(ctx, statement, app), LATE)


def _users(ctx: Expansion, statement: Statement, app: Component) -> None:
    if not ctx.exists("internet"):
        ctx.add(
            "internet",
            "external.internet",
            "Users",
            unit="internet",
            reason="where requests come from",
            span=ctx.design.span,
            placement=Placement(),
            section="entry",
        )
    ctx.connect(
        "internet",
        app.id,
        "sync",
        reason="users load the app in their browsers",
        span=statement.span,
        protocol="https",
        port=443,
        tls=True,
    )
