"""Streams, the lake, its catalog and the query engines expand with their defaults."""

from __future__ import annotations

import pytest

from archdsl.compiler import compile_text
from archdsl.errors import DesignError

PIPELINE = (
    "stream clicks\nfirehose land\nlake data\ncatalog meta\ncrawler find\n"
    "etl curate\nathena adhoc\nquicksight dash\nwarehouse dw spectrum\n"
    "emr spark\nflink live\n"
    "clicks => land => data\nclicks => live\ndata.raw => curate => data.curated\n"
    "data.curated => adhoc\ndash -> adhoc\ncurate => dw\ndata.curated => spark\n"
)


def compile_model(text: str):
    return compile_text(text, "t.arch").model


def first_error(text: str):
    with pytest.raises(DesignError) as caught:
        compile_text(text, "t.arch")
    return caught.value.diagnostics[0]


def links(model) -> set[tuple[str, str, str]]:
    return {(c.source, c.target, c.kind) for c in model.connections}


@pytest.fixture(scope="module")
def model():
    return compile_model(PIPELINE)


def test_kinesis_stream_is_on_demand_and_encrypted(model):
    stream = model.component("clicks.stream")
    assert stream.attrs["mode"] == "on-demand"
    assert stream.attrs["retention_hours"] == 24
    assert stream.attrs["encrypted"] is True


def test_firehose_converts_to_parquet_with_large_buffer(model):
    delivery = model.component("land.delivery")
    assert delivery.attrs["format"] == "parquet"
    assert delivery.attrs["buffer_mb"] == 128
    assert delivery.attrs["buffer_seconds"] == 300
    assert delivery.attrs["compression"] == "SNAPPY"


def test_firehose_reads_schema_and_logs_errors(model):
    assert ("land.delivery", "meta.catalog", "sync") in links(model)
    assert ("land.delivery", "land.errors", "data") in links(model)


def test_flow_to_lake_lands_in_raw_zone(model):
    assert ("land.delivery", "data.raw", "data") in links(model)


def test_lake_zones_are_protected_buckets(model):
    for zone in ("raw", "curated"):
        bucket = model.component(f"data.{zone}")
        assert bucket.attrs["encrypted"] is True, zone
        assert bucket.attrs["versioning"] is True, zone
        assert bucket.attrs["public_access_blocked"] is True, zone


def test_raw_zone_archives_after_ninety_days(model):
    assert model.component("data.raw").attrs["archive_after_days"] == 90


def test_crawler_reads_every_zone_and_writes_catalog(model):
    for zone in ("raw", "curated"):
        assert (f"data.{zone}", "find.crawler", "data") in links(model), zone
    assert ("find.crawler", "meta.catalog", "data") in links(model)


def test_catalog_is_encrypted(model):
    assert model.component("meta.catalog").attrs["encrypted"] is True


def test_etl_job_moves_raw_to_curated(model):
    assert ("data.raw", "curate.job", "data") in links(model)
    assert ("curate.job", "data.curated", "data") in links(model)
    assert model.component("curate.job").attrs["bookmarks"] is True


def test_athena_limits_scans_and_reads_catalog(model):
    workgroup = model.component("adhoc.workgroup")
    assert workgroup.attrs["scan_limit_gb"] == 100
    assert workgroup.attrs["enforce_configuration"] is True
    assert ("adhoc.workgroup", "meta.catalog", "sync") in links(model)


def test_warehouse_is_private_encrypted_in_data_subnet(model):
    cluster = model.component("dw.cluster")
    assert cluster.placement.subnets == ("subnet.data.us-east-1a",)
    assert cluster.attrs["public"] is False
    assert cluster.attrs["encrypted"] is True
    assert cluster.attrs["port"] == 5439


def test_warehouse_backup_reason_names_snapshots(model):
    # Redshift backs up with automated snapshots and restores a whole
    # snapshot into a new cluster, so it has no restore to a chosen second.
    records = model.component("dw.cluster").defaults
    reason = next(d.reason for d in records if d.key == "backup_retention_days")
    assert "point-in-time recovery" not in reason
    assert "automated incremental snapshots" in reason


def test_spectrum_reads_catalog_and_curated_zone(model):
    assert ("dw.cluster", "meta.catalog", "sync") in links(model)
    assert ("data.curated", "dw.cluster", "data") in links(model)


def test_emr_runs_in_one_private_subnet(model):
    cluster = model.component("spark.cluster")
    assert cluster.placement.subnets == ("subnet.private.us-east-1a",)
    assert ("spark.cluster", "meta.catalog", "sync") in links(model)


def test_every_analytics_component_has_a_stage(model):
    expected = {
        "clicks.stream": "ingest",
        "land.delivery": "ingest",
        "live.app": "process",
        "data.raw": "store",
        "meta.catalog": "catalog",
        "find.crawler": "catalog",
        "curate.job": "transform",
        "adhoc.workgroup": "query",
        "dw.cluster": "query",
        "dash.dashboard": "visualize",
    }
    for component_id, stage in expected.items():
        assert model.component(component_id).attrs["stage"] == stage, component_id


def test_msk_brokers_sit_in_private_subnets():
    model = compile_model("stream events msk\n")
    cluster = model.component("events.cluster")
    assert cluster.attrs["brokers"] == 2
    assert cluster.placement.subnets == (
        "subnet.private.us-east-1a",
        "subnet.private.us-east-1b",
    )


def test_redshift_public_endpoint_is_weakened():
    model = compile_model("warehouse dw public\n")
    keys = {(c.id, d.key) for c, d in model.weakened_defaults()}
    assert ("dw.cluster", "public") in keys


def test_guest_credentials_are_weakened():
    model = compile_model("webapp vote guests\n")
    keys = {(c.id, d.key) for c, d in model.weakened_defaults()}
    assert ("vote.identity", "allow_unauthenticated") in keys


# Each case: design, message start, line, column.
ERRORS = [
    (
        "firehose f\n",
        "converting to parquet needs the table schema from a Glue Data Catalog",
        1,
        1,
    ),
    (
        "catalog c\nfirehose f buffer=32MB\n",
        "a parquet delivery stream buffers 64MB to 128MB, not 32MB",
        2,
        12,
    ),
    ("lake l zones=[raw, raw]\n", "a zone is listed twice", 1, 8),
    ("catalog c\ncrawler x\n", "crawler 'x' has nothing to crawl", 2, 1),
    ("athena q\n", "athena 'q' needs a Glue Data Catalog", 1, 1),
    (
        "catalog a\ncatalog b\nathena q\n",
        "the design has several catalogs (a, b)",
        3,
        1,
    ),
    (
        "design d azs=3\nstream s msk brokers=4\n",
        "MSK spreads brokers evenly over the AZs",
        2,
        14,
    ),
    ("stream s kinesis brokers=2\n", "'brokers' applies to an MSK cluster", 1, 18),
    (
        "lake l\ncatalog c\ncrawler x crawls=[c]\n",
        "'crawls' names 'c', a 'catalog' statement",
        3,
        11,
    ),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), ERRORS)
def test_analytics_error(text, message, line, column):
    diagnostic = first_error(text)
    assert diagnostic.message.startswith(message), diagnostic.message
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)
    assert diagnostic.hint
