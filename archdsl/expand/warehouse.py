"""Expand ``warehouse`` and ``emr``: the analytics engines that run in the VPC."""

from __future__ import annotations

from archdsl.expand.context import Expansion, handles
from archdsl.expand.keys import use_key
from archdsl.expand.lake import lakes, needs_catalog, uses_catalog
from archdsl.expand.links import REFERENCES, defer
from archdsl.expand.network import Network, network_for
from archdsl.expand.tiers import add_security_group
from archdsl.language import Statement
from archdsl.model import Component, Unit

#: Port Redshift clusters listen on.
REDSHIFT_PORT = 5439


@handles("warehouse")
def expand_warehouse(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    network = network_for(ctx, statement)
    sg_id = add_security_group(
        ctx, statement, network, f"{statement.name}.sg", "warehouse"
    )
    ctx.get(sg_id).attrs["egress"] = "HTTPS to S3 through the VPC endpoint"
    if statement.get("service", "redshift") == "serverless":
        warehouse = _serverless(ctx, statement, network, sg_id)
    else:
        warehouse = _provisioned(ctx, statement, network, sg_id)
    _warehouse_protections(ctx, warehouse, statement)
    unit.ingress = [warehouse.id]
    unit.egress = [warehouse.id]
    unit.protocol, unit.port, unit.tls = "redshift", REDSHIFT_PORT, True
    unit.security_group = sg_id
    if statement.get("spectrum", False):
        _spectrum(ctx, statement, warehouse)


def _provisioned(
    ctx: Expansion, statement: Statement, network: Network, sg_id: str
) -> Component:
    az = network.azs[0]
    cluster = ctx.add(
        f"{statement.name}.cluster",
        "redshift.cluster",
        f"{statement.name} Redshift",
        unit=statement.name,
        reason="Redshift cluster in an isolated data subnet: columnar storage "
        "for large joins and aggregations that would be slow on the lake",
        span=statement.span,
        placement=network.zonal("data", az),
        attrs={
            "stage": "query",
            "port": REDSHIFT_PORT,
            "security_group": sg_id,
            "subnet_group": list(network.subnets("data", network.azs)),
        },
    )
    ctx.choose(
        cluster,
        "nodes",
        2,
        "two nodes split the data and the work",
        statement=statement,
    )
    ctx.choose(
        cluster,
        "node_type",
        "ra3.xlplus",
        "RA3 nodes keep data in managed storage, so compute and storage scale apart",
        statement=statement,
        option="node",
    )
    multi_az = ctx.choose(
        cluster,
        "multi_az",
        False,
        "a single-AZ cluster; after an AZ failure, relocation or a restore from "
        "snapshot brings it back in another AZ",
        statement=statement,
    )
    if multi_az and len(network.azs) < 2:
        ctx.error(
            "multi_az needs a design that spans at least 2 AZs",
            statement.span_of("multi_az"),
            "set azs=2 or more on the design statement",
        )
    elif multi_az:
        # A Multi-AZ deployment runs the cluster's compute in two AZs behind
        # one endpoint, so the cluster is placed in both.
        pair = tuple(network.azs[:2])
        cluster.placement = network.placement(
            azs=pair, subnets=tuple(network.subnets("data", pair))
        )
    return cluster


def _serverless(
    ctx: Expansion, statement: Statement, network: Network, sg_id: str
) -> Component:
    for option in ("nodes", "node", "multi_az"):
        if statement.written(option):
            ctx.error(
                f"'{option}' applies to a provisioned cluster, not Redshift Serverless",
                statement.span_of(option),
                "remove it, or write 'redshift'",
            )
    azs = network.azs
    return ctx.add(
        f"{statement.name}.workgroup",
        "redshift.cluster",
        f"{statement.name} Redshift Serverless",
        unit=statement.name,
        reason="Redshift Serverless workgroup in the data subnets: capacity in "
        "RPUs follows the queries and stops costing when idle",
        span=statement.span,
        placement=network.placement(azs=azs, subnets=network.subnets("data", azs)),
        attrs={
            "stage": "query",
            "port": REDSHIFT_PORT,
            "security_group": sg_id,
            "serverless": True,
            "scaling": {"signal": "query load", "unit": "RPU"},
        },
    )


def _warehouse_protections(
    ctx: Expansion, warehouse: Component, statement: Statement
) -> None:
    encrypted = ctx.choose(
        warehouse,
        "encrypted",
        True,
        "storage, backups and snapshots encrypted with KMS",
        statement=statement,
        safety=True,
    )
    warehouse.attrs["kms_key"] = "aws/redshift" if encrypted else None
    use_key(ctx, warehouse, statement)
    ctx.choose(
        warehouse,
        "public",
        False,
        "no public endpoint: only clients inside the VPC (or QuickSight through "
        "a VPC connection) reach it",
        statement=statement,
        safety=True,
    )
    ctx.choose(
        warehouse,
        "require_tls",
        True,
        "the parameter group sets require_ssl, so clients must use TLS",
        safety=True,
    )
    ctx.choose(
        warehouse,
        "enhanced_vpc_routing",
        True,
        "COPY and UNLOAD traffic to S3 goes through the VPC and its S3 endpoint, "
        "not the internet",
        safety=True,
    )
    ctx.choose(
        warehouse,
        "backup_retention_days",
        7,
        "a week of automated incremental snapshots to restore from; Redshift "
        "restores a snapshot, not any chosen second as RDS does",
        statement=statement,
        option="backup",
        safety=True,
        convert=lambda seconds: seconds // 86400,
    )
    ctx.choose(
        warehouse,
        "audit_logging",
        True,
        "connection and user activity logs record who queried what",
        safety=True,
    )


def _spectrum(ctx: Expansion, statement: Statement, warehouse: Component) -> None:
    warehouse.attrs["spectrum"] = True
    needs_catalog(ctx, statement, warehouse, "reads external tables from", "sync")

    def scan() -> None:
        for lake in lakes(ctx).values():
            for bucket in list(lake.zones.values())[-1:]:
                ctx.connect(
                    bucket,
                    warehouse.id,
                    "data",
                    reason="Redshift Spectrum queries the lake's files in place "
                    "through the external schema; the edge points the way the "
                    "data moves",
                    span=statement.span_of("spectrum"),
                    protocol="https",
                    port=443,
                    tls=True,
                    label="Spectrum",
                )

    defer(ctx, scan, REFERENCES)


@handles("emr")
def expand_emr(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    network = network_for(ctx, statement)
    az = network.azs[0]
    sg_id = add_security_group(ctx, statement, network, f"{statement.name}.sg", "nodes")
    cluster = ctx.add(
        f"{statement.name}.cluster",
        "emr.cluster",
        f"{statement.name} EMR",
        unit=statement.name,
        reason="EMR cluster in one private subnet: an EMR cluster runs in a single "
        "AZ, so its data lives in S3 (EMRFS), not only on the nodes",
        span=statement.span,
        placement=network.zonal("private", az),
        attrs={
            "stage": "transform",
            "security_group": sg_id,
            "public": False,
            "kms_key": None,
        },
    )
    network.need_egress(az, cluster.id)
    _emr_settings(ctx, cluster, statement)
    use_key(ctx, cluster, statement)
    uses_catalog(ctx, statement, cluster, "keeps its Hive metastore in")
    _serve(unit, cluster, sg_id)


def _emr_settings(ctx: Expansion, cluster: Component, statement: Statement) -> None:
    ctx.choose(
        cluster,
        "apps",
        ("spark",),
        "Spark covers batch ETL and SQL; add hive or trino for their engines",
        statement=statement,
    )
    ctx.choose(
        cluster,
        "core_nodes",
        2,
        "two core nodes run HDFS and tasks; the data itself lives in S3 (EMRFS)",
        statement=statement,
        option="core",
    )
    ctx.choose(
        cluster,
        "task_nodes",
        0,
        "task nodes on Spot add compute only when jobs need it",
        statement=statement,
        option="task",
    )
    ctx.choose(
        cluster,
        "instance_type",
        "m6g.xlarge",
        "Graviton general-purpose nodes",
        statement=statement,
        option="instance",
    )
    ctx.choose(
        cluster,
        "encrypted",
        True,
        "a security configuration encrypts EBS volumes, EMRFS data in S3 and "
        "traffic between nodes (TLS)",
        safety=True,
    )
    ctx.choose(
        cluster,
        "managed_scaling",
        True,
        "EMR managed scaling resizes the cluster to the pending work",
    )
    cluster.attrs["scaling"] = {"signal": "pending YARN work"}
    ctx.choose(
        cluster,
        "idle_timeout_minutes",
        60,
        "the cluster terminates after an idle hour instead of billing overnight",
    )


def _serve(unit: Unit, cluster: Component, sg_id: str) -> None:
    unit.ingress = [cluster.id]
    unit.egress = [cluster.id]
    unit.protocol, unit.port, unit.tls = "https", 443, True
    unit.security_group = sg_id
