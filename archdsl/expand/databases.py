"""Expand ``db`` and ``cache``: Aurora, RDS and ElastiCache in the data subnets."""

from __future__ import annotations

from archdsl.expand.context import Expansion, handles
from archdsl.expand.network import Network, network_for
from archdsl.language import Statement
from archdsl.model import Component

_ENGINE_PORTS = {"postgres": 5432, "mysql": 3306, "mariadb": 3306}
_CACHE_PORTS = {"redis": 6379, "valkey": 6379, "memcached": 11211}


def _data_security_group(
    ctx: Expansion, statement: Statement, network: Network, port: int
) -> str:
    sg_id = f"{statement.name}.sg"
    ctx.add(
        sg_id,
        "ec2.security-group",
        sg_id,
        unit=statement.name,
        reason=f"security group of {statement.name}: admits port {port} only from "
        "the tiers that have a flow to it",
        span=statement.span,
        placement=network.placement(),
        attrs={"ingress": [], "egress": "none"},
    )
    return sg_id


def _replica_azs(azs: tuple[str, ...], count: int) -> list[str]:
    """Place ``count`` replicas round-robin, starting one AZ after the primary."""
    if len(azs) == 1:
        return [azs[0]] * count
    return [azs[(index + 1) % len(azs)] for index in range(count)]


def _multi_az(
    ctx: Expansion, component: Component, statement: Statement, what: str
) -> bool:
    azs = network_for(ctx, statement).azs
    enabled = ctx.choose(
        component,
        "multi_az",
        len(azs) > 1,
        f"a copy in a second AZ takes over automatically when the {what} or its "
        "AZ fails",
        statement=statement,
        safety=True,
    )
    if enabled and len(azs) < 2:
        ctx.error(
            "multi_az needs a design that spans at least 2 AZs",
            statement.span_of("multi_az"),
            "set azs=2 or more on the design statement",
        )
        # The error fails the design; the caller must not place a standby
        # in a second AZ that does not exist.
        return False
    return bool(enabled)


@handles("db")
def expand_db(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    engine = statement.get("engine", "postgres")
    service = statement.get("service", "aurora")
    if service == "aurora" and statement.written("storage"):
        ctx.error(
            "storage= sets allocated storage of an RDS instance; Aurora storage grows "
            "on its own",
            statement.span_of("storage"),
            "remove storage=, or use 'rds' instead of 'aurora'",
        )
    if service == "aurora" and engine == "mariadb":
        ctx.error(
            "Aurora runs postgres or mysql, not mariadb",
            statement.span_of("engine"),
            "use engine=mysql, or 'rds' for MariaDB",
        )
    port = _ENGINE_PORTS[engine]
    network = network_for(ctx, statement)
    if len(network.azs) < 2:
        ctx.warning(
            "AWS requires a DB subnet group to have subnets in at least two AZs, "
            f"but db '{statement.name}' is in a VPC that spans one",
            statement.span,
            "give its VPC two or more AZs: azs= on the design, or on the region "
            "or vpc block around the db",
        )
    sg_id = _data_security_group(ctx, statement, network, port)
    if service == "aurora":
        entry = _aurora(ctx, statement, engine, port, sg_id)
    else:
        entry = _rds(ctx, statement, engine, port, sg_id)
    unit.ingress = [entry]
    unit.protocol = "postgres" if engine == "postgres" else "mysql"
    unit.port = port
    unit.tls = True
    unit.security_group = sg_id


def _database_settings(
    ctx: Expansion, component: Component, statement: Statement
) -> None:
    ctx.choose(
        component,
        "encrypted",
        True,
        "storage, backups and snapshots encrypted with KMS (aws/rds key)",
        statement=statement,
        safety=True,
    )
    component.attrs["kms_key"] = "aws/rds" if component.attrs["encrypted"] else None
    ctx.choose(
        component,
        "backup_retention_days",
        7,
        "daily snapshots plus point-in-time restore for the last 7 days",
        statement=statement,
        option="backup",
        safety=True,
        convert=lambda seconds: seconds // 86400,
    )
    ctx.choose(
        component,
        "deletion_protection",
        True,
        "refuses deletes until turned off",
        statement=statement,
        safety=True,
    )
    ctx.choose(
        component,
        "require_tls",
        True,
        "the server rejects unencrypted client connections",
        safety=True,
    )
    ctx.choose(
        component,
        "master_password",
        "managed in Secrets Manager",
        "RDS creates and rotates the master password; nobody copies it",
        safety=True,
    )


def _aurora(
    ctx: Expansion, statement: Statement, engine: str, port: int, sg_id: str
) -> str:
    name = statement.name
    network = network_for(ctx, statement)
    azs = network.azs
    cluster = ctx.add(
        f"{name}.cluster",
        "rds.aurora-cluster",
        f"{name} Aurora",
        unit=name,
        reason="Aurora keeps six copies of the data over three AZs; the cluster "
        "endpoint always points at the writer",
        span=statement.span,
        placement=network.placement(azs=azs, subnets=network.subnets("data", azs)),
        attrs={
            "engine": f"aurora-{'postgresql' if engine == 'postgres' else 'mysql'}",
            "port": port,
            "security_group": sg_id,
        },
    )
    _database_settings(ctx, cluster, statement)
    multi_az = _multi_az(ctx, cluster, statement, "writer")
    replicas = ctx.choose(
        cluster,
        "replicas",
        1 if multi_az else 0,
        "one reader in another AZ is the failover target and serves reads",
        statement=statement,
    )
    if multi_az and replicas == 0:
        ctx.error(
            "an Aurora cluster fails over to a reader, so multi_az needs replicas=1 or more",
            statement.span_of("replicas"),
            "set replicas=1, or multi_az=off to accept the outage",
        )
    instance_class = ctx.choose(
        cluster,
        "instance_class",
        "db.r6g.large",
        "memory-optimised Graviton class; resize after load testing",
        statement=statement,
        option="instance",
    )
    writer = ctx.add(
        f"{name}.writer",
        "rds.aurora-instance",
        f"{name} writer",
        unit=name,
        reason="the writer instance: takes every write, and reads not sent to readers",
        span=statement.span,
        placement=network.zonal("data", azs[0]),
        attrs={
            "cluster": cluster.id,
            "role": "writer",
            "instance_class": instance_class,
            "port": port,
            "security_group": sg_id,
            "encrypted": cluster.attrs["encrypted"],
        },
    )
    for index, az in enumerate(_replica_azs(azs, replicas), start=1):
        reader = ctx.add(
            f"{name}.reader{index}",
            "rds.aurora-instance",
            f"{name} reader {index}",
            unit=name,
            reason="reader instance: serves read traffic and is promoted to writer "
            "if the writer fails",
            span=statement.span,
            placement=network.zonal("data", az),
            attrs={
                "cluster": cluster.id,
                "role": "reader",
                "failover_priority": 0,
                "instance_class": instance_class,
                "port": port,
                "security_group": sg_id,
                "encrypted": cluster.attrs["encrypted"],
            },
        )
        ctx.connect(
            writer.id,
            reader.id,
            "replication",
            reason="Aurora shares one storage volume; readers see writes within "
            "milliseconds",
            span=statement.span,
        )
    cluster.attrs["writer"] = writer.id
    return writer.id


def _rds(
    ctx: Expansion, statement: Statement, engine: str, port: int, sg_id: str
) -> str:
    name = statement.name
    network = network_for(ctx, statement)
    azs = network.azs
    primary = ctx.add(
        f"{name}.primary",
        "rds.instance",
        f"{name} primary",
        unit=name,
        reason=f"RDS for {engine} instance that takes reads and writes",
        span=statement.span,
        placement=network.zonal("data", azs[0]),
        attrs={
            "engine": engine,
            "port": port,
            "role": "primary",
            "security_group": sg_id,
        },
    )
    ctx.choose(
        primary,
        "instance_class",
        "db.r6g.large",
        "memory-optimised Graviton class; resize after load testing",
        statement=statement,
        option="instance",
    )
    ctx.choose(
        primary,
        "storage_gib",
        100,
        "gp3 storage with autoscaling enabled",
        statement=statement,
        option="storage",
    )
    _database_settings(ctx, primary, statement)
    if _multi_az(ctx, primary, statement, "primary"):
        standby = ctx.add(
            f"{name}.standby",
            "rds.standby",
            f"{name} standby",
            unit=name,
            reason="Multi-AZ standby: a synchronous copy that RDS promotes, "
            "typically in one to two minutes, if the primary or its AZ fails; "
            "it serves no reads",
            span=statement.span,
            placement=network.zonal("data", azs[1]),
            attrs={
                "role": "standby",
                "engine": engine,
                "port": port,
                "security_group": sg_id,
                "encrypted": primary.attrs["encrypted"],
            },
        )
        ctx.connect(
            primary.id,
            standby.id,
            "replication",
            reason="synchronous block-level replication to the standby",
            span=statement.span,
        )
    replicas = ctx.choose(
        primary,
        "replicas",
        0,
        "no read replicas until reads outgrow the primary",
        statement=statement,
    )
    for index, az in enumerate(_replica_azs(azs, replicas), start=1):
        replica = ctx.add(
            f"{name}.replica{index}",
            "rds.instance",
            f"{name} replica {index}",
            unit=name,
            reason="read replica: asynchronous copy that serves reads",
            span=statement.span,
            placement=network.zonal("data", az),
            attrs={
                "role": "replica",
                "engine": engine,
                "port": port,
                "security_group": sg_id,
                "encrypted": primary.attrs["encrypted"],
            },
        )
        ctx.connect(
            primary.id,
            replica.id,
            "replication",
            reason="asynchronous replication to the read replica",
            span=statement.span,
        )
    return primary.id


@handles("cache")
def expand_cache(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    engine = statement.get("engine", "redis")
    port = _CACHE_PORTS[engine]
    sg_id = _data_security_group(ctx, statement, network_for(ctx, statement), port)
    if engine == "memcached":
        entries = _memcached(ctx, statement, port, sg_id)
    else:
        entries = [_replication_group(ctx, statement, engine, port, sg_id)]
    unit.ingress = entries
    unit.protocol = "memcached" if engine == "memcached" else "redis"
    unit.port = port
    first = ctx.get(entries[0]).attrs
    unit.tls = bool(first.get("tls", first.get("encrypted")))
    unit.security_group = sg_id


def _cache_encryption(
    ctx: Expansion, component: Component, statement: Statement
) -> bool:
    return bool(
        ctx.choose(
            component,
            "encrypted",
            True,
            "encryption at rest and TLS in transit; the cost is a few percent of throughput",
            statement=statement,
            safety=True,
        )
    )


def _replication_group(
    ctx: Expansion, statement: Statement, engine: str, port: int, sg_id: str
) -> str:
    name = statement.name
    network = network_for(ctx, statement)
    azs = network.azs
    group = ctx.add(
        f"{name}.group",
        "elasticache.replication-group",
        f"{name} {engine}",
        unit=name,
        reason=f"ElastiCache for {'Valkey' if engine == 'valkey' else 'Redis OSS'} "
        "replication group: one primary node and its replicas",
        span=statement.span,
        placement=network.placement(azs=azs, subnets=network.subnets("data", azs)),
        attrs={"engine": engine, "port": port, "security_group": sg_id},
    )
    encrypted = _cache_encryption(ctx, group, statement)
    multi_az = _multi_az(ctx, group, statement, "primary node")
    replicas = ctx.choose(
        group,
        "replicas",
        1 if multi_az else 0,
        "a replica in another AZ to fail over to",
        statement=statement,
    )
    if multi_az and replicas == 0:
        ctx.error(
            "automatic failover needs a replica, so multi_az needs replicas=1 or more",
            statement.span_of("replicas"),
            "set replicas=1, or multi_az=off",
        )
    node_type = ctx.choose(
        group,
        "node_type",
        "cache.r7g.large",
        "memory-optimised Graviton node",
        statement=statement,
        option="node",
    )
    ctx.choose(
        group,
        "auth",
        "RBAC user group",
        "each client signs in as its own ElastiCache user instead of sharing one token",
        safety=True,
    )
    ctx.choose(
        group, "snapshot_retention_days", 1, "daily snapshot to rebuild a warm cache"
    )
    common = {
        "group": group.id,
        "node_type": node_type,
        "port": port,
        "security_group": sg_id,
        "encrypted": encrypted,
    }
    primary = ctx.add(
        f"{name}.primary",
        "elasticache.node",
        f"{name} primary",
        unit=name,
        reason="primary node: takes writes and reads",
        span=statement.span,
        placement=network.zonal("data", azs[0]),
        attrs={**common, "role": "primary"},
    )
    for index, az in enumerate(_replica_azs(azs, replicas), start=1):
        replica = ctx.add(
            f"{name}.replica{index}",
            "elasticache.node",
            f"{name} replica {index}",
            unit=name,
            reason="replica node: serves reads and is promoted if the primary fails",
            span=statement.span,
            placement=network.zonal("data", az),
            attrs={**common, "role": "replica"},
        )
        ctx.connect(
            primary.id,
            replica.id,
            "replication",
            reason="asynchronous replication from the primary",
            span=statement.span,
        )
    return primary.id


def _memcached(
    ctx: Expansion, statement: Statement, port: int, sg_id: str
) -> list[str]:
    name = statement.name
    network = network_for(ctx, statement)
    azs = network.azs
    for option in ("replicas", "multi_az"):
        if statement.written(option):
            ctx.error(
                f"Memcached has no replication, so '{option}' does not apply",
                statement.span_of(option),
                "use nodes= to spread keys over more nodes, or 'redis' for replicas",
            )
    cluster = ctx.add(
        f"{name}.group",
        "elasticache.cache-cluster",
        f"{name} memcached",
        unit=name,
        reason="ElastiCache for Memcached cluster: keys are spread over the nodes, "
        "and a lost node loses its keys",
        span=statement.span,
        placement=network.placement(azs=azs, subnets=network.subnets("data", azs)),
        attrs={
            "engine": "memcached",
            "port": port,
            "security_group": sg_id,
            "multi_az": False,
        },
    )
    tls = ctx.choose(
        cluster,
        "tls",
        True,
        "TLS between clients and nodes; Memcached keeps data only in memory, so "
        "ElastiCache offers no encryption at rest for it",
        statement=statement,
        option="encrypted",
        safety=True,
    )
    cluster.attrs["encrypted"] = None
    nodes = ctx.choose(
        cluster,
        "nodes",
        max(2, len(azs)),
        "nodes spread over the AZs",
        statement=statement,
    )
    node_ids = []
    for index in range(nodes):
        node = ctx.add(
            f"{name}.node{index + 1}",
            "elasticache.node",
            f"{name} node {index + 1}",
            unit=name,
            reason="Memcached node holding a share of the keys",
            span=statement.span,
            placement=network.zonal("data", azs[index % len(azs)]),
            attrs={
                "group": cluster.id,
                "port": port,
                "security_group": sg_id,
                "encrypted": None,
                "tls": tls,
                "role": "node",
            },
        )
        node_ids.append(node.id)
    cluster.attrs["nodes"] = nodes
    return node_ids
