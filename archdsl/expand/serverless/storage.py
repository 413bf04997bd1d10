"""Expand ``bucket``, ``table`` and ``index``: S3 buckets and DynamoDB tables."""

from __future__ import annotations

from archdsl.expand.common import add_bucket
from archdsl.expand.context import Expansion, handles
from archdsl.expand.serverless.shared import add_entry_unit, local_name
from archdsl.language import Statement
from archdsl.model import Component, Placement

#: Days of point-in-time recovery DynamoDB keeps.
PITR_DAYS = 35


@handles("bucket")
def expand_bucket(ctx: Expansion, statement: Statement) -> None:
    _refuse_unencrypted(
        ctx,
        statement,
        "S3 encrypts every new object with SSE-S3 (since January 2023), and "
        "that cannot be turned off",
    )
    if statement.get("website", False):
        add_entry_unit(
            ctx, statement, statement.name, protocol="http", port=80, tls=False
        )
    else:
        add_entry_unit(ctx, statement, statement.name)
    originals = statement.get("contents", "originals") == "originals"
    bucket = add_bucket(
        ctx,
        statement.name,
        local_name(statement),
        statement=statement,
        reason="S3 bucket holding "
        + ("original objects" if originals else "objects derived from others")
        + "; S3 stores them across at least three AZs",
        holds_originals=originals,
    )
    bucket.attrs["notifications"] = []
    website = bool(statement.get("website", False))
    bucket.attrs["website"] = website
    if website and not bucket.attrs["public"]:
        ctx.error(
            "website hosting serves anonymous HTTP reads, so the bucket needs public",
            statement.span_of("website"),
            "write 'public' too, or keep the bucket private behind "
            f"'cdn site origin={local_name(statement)}'",
        )


def _refuse_unencrypted(ctx: Expansion, statement: Statement, why: str) -> None:
    if statement.written("encrypted") and not statement.get("encrypted"):
        ctx.error(
            f"encrypted=off is not possible: {why}",
            statement.span_of("encrypted"),
            "remove encrypted=off; kms_key= chooses a customer managed key",
        )


@handles("table")
def expand_table(ctx: Expansion, statement: Statement) -> None:
    _refuse_unencrypted(ctx, statement, "DynamoDB encrypts every table at rest")
    add_entry_unit(ctx, statement, statement.name)
    table = ctx.add(
        statement.name,
        "dynamodb.table",
        local_name(statement),
        unit=statement.name,
        reason="DynamoDB table: single-digit millisecond reads and writes, "
        "replicated across three AZs by AWS",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={
            "sort_key": statement.get("sort"),
            "ttl_attribute": statement.get("ttl"),
            "indexes": [],
            "encrypted": True,
            "encryption": "AWS owned key",
            "kms_key": None,
        },
    )
    ctx.choose(
        table,
        "partition_key",
        "id",
        "a placeholder key name; key= names the attribute that spreads items "
        "over partitions",
        statement=statement,
        option="key",
    )
    _billing(ctx, statement, table)
    _protection(ctx, statement, table)
    _replicas(ctx, statement, table)


def _billing(ctx: Expansion, statement: Statement, table: Component) -> None:
    mode = ctx.choose(
        table,
        "billing_mode",
        "PAY_PER_REQUEST",
        "on-demand capacity needs no planning and absorbs spikes; provisioned "
        "is cheaper for steady, predictable load",
        statement=statement,
        option="billing",
        convert=lambda word: (
            "PROVISIONED" if word == "provisioned" else "PAY_PER_REQUEST"
        ),
    )
    if mode == "PROVISIONED":
        table.attrs["read_capacity"] = statement.get("read", 5)
        table.attrs["write_capacity"] = statement.get("write", 5)
        table.attrs["scaling"] = {"signal": "consumed_capacity", "target": 70}
        return
    for option in ("read", "write"):
        if statement.written(option):
            ctx.error(
                f"'{option}' sets provisioned capacity, but the table is on-demand",
                statement.span_of(option),
                "write 'provisioned', or remove the capacity",
            )


def _protection(ctx: Expansion, statement: Statement, table: Component) -> None:
    ctx.choose(
        table,
        "point_in_time_recovery",
        True,
        f"restores the table to any second of the last {PITR_DAYS} days after a "
        "bad write or delete",
        statement=statement,
        option="pitr",
        safety=True,
    )
    ctx.choose(
        table,
        "deletion_protection",
        True,
        "refuses to delete the table until this is turned off",
        statement=statement,
        safety=True,
    )


def _replicas(ctx: Expansion, statement: Statement, table: Component) -> None:
    regions = statement.get("regions", ())
    own = table.placement.region
    if own in regions:
        ctx.error(
            f"the table already lives in {own}; regions= lists the other regions",
            statement.span_of("regions"),
            f"remove {own} from the list",
        )
    replicas = [region for region in regions if region != own]
    table.attrs["replica_regions"] = replicas
    for region in replicas:
        replica = ctx.add(
            f"{statement.name}.{region}",
            "dynamodb.table",
            f"{local_name(statement)} ({region})",
            unit=statement.name,
            reason=f"global table replica in {region}: takes reads and writes "
            "there and replicates both ways",
            span=statement.span_of("regions"),
            placement=Placement(region=region, groups=table.placement.groups),
            attrs={"role": "replica", "replica_of": table.id, "encrypted": True},
        )
        ctx.connect(
            table.id,
            replica.id,
            "replication",
            reason="DynamoDB global tables replicate every write to the other "
            "regions, usually within a second",
            span=statement.span_of("regions"),
        )


@handles("index")
def expand_index(ctx: Expansion, statement: Statement) -> None:
    # The table may come later in the file; wiring attaches the index to it.
    if not statement.written("table"):
        ctx.error(
            "'index' needs the table it belongs to: index <name> on <table>",
            statement.span,
            "for example: index by-customer on orders key=customer_id",
        )
    if not statement.written("key"):
        ctx.error(
            "'index' needs key=<partition key attribute>",
            statement.span,
            "for example: index by-customer on orders key=customer_id",
        )
