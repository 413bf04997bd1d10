"""Expand keys, certificates, audit and threat detection: kms, certificate, ca,
trail, guardduty and securityhub.
"""

from __future__ import annotations

from archdsl.expand.common import add_bucket, add_log_group
from archdsl.expand.context import Expansion, handles
from archdsl.expand.keys import use_key
from archdsl.expand.links import LATE, defer
from archdsl.expand.watchers import observe
from archdsl.language import Statement
from archdsl.model import Component

#: Id of the trail every design gets when it declares none.
DEFAULT_TRAIL = "cloudtrail"


@handles("kms")
def expand_kms(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    key = ctx.add(
        f"{statement.name}.key",
        "kms.key",
        f"{statement.name} key",
        unit=statement.name,
        reason="customer managed KMS key: envelope encryption, where the key "
        "encrypts per-object data keys, and a key policy that says who may "
        "decrypt; every use is logged in CloudTrail",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"encrypts": [], "key_spec": "SYMMETRIC_DEFAULT"},
    )
    rotation = ctx.choose(
        key,
        "rotation",
        True,
        "KMS rotates the key material on schedule; data encrypted earlier still "
        "decrypts",
        statement=statement,
        safety=True,
    )
    if not rotation and statement.written("period"):
        ctx.error(
            "period= sets the time between rotations, but rotation is off",
            statement.span_of("period"),
            "remove period= or rotation=off",
        )
    ctx.choose(
        key,
        "rotation_days",
        365 if rotation else None,
        "yearly rotation, the KMS default period",
        statement=statement,
        option="period",
        convert=lambda seconds: seconds // 86400,
    )
    ctx.choose(
        key,
        "deletion_window_days",
        30,
        "the longest waiting period: a scheduled deletion can be cancelled for "
        "30 days, and data under a deleted key is lost",
        statement=statement,
        option="deletion_window",
        safety=True,
        convert=lambda seconds: seconds // 86400,
    )
    ctx.choose(
        key,
        "multi_region",
        False,
        "a single-region key; replicas are only needed for cross-region data",
        statement=statement,
    )
    unit.ingress = [key.id]
    unit.protocol, unit.port, unit.tls = "https", 443, True


@handles("certificate")
def expand_certificate(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    domain = statement.get("domain", ctx.design.domain)
    issuer = statement.get("issuer", "public")
    certificate = ctx.add(
        f"{statement.name}.certificate",
        "acm.certificate",
        domain,
        unit=statement.name,
        reason="public ACM certificate, validated through DNS and renewed by AWS"
        if issuer == "public"
        else "private ACM certificate issued by the design's private CA, "
        "renewed by ACM before it expires",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={
            "domains": [domain, f"*.{domain}"],
            "issuer": issuer,
            "validation": "DNS" if issuer == "public" else "private CA",
        },
    )
    unit.ingress = [certificate.id]
    if issuer == "private":
        defer(ctx, lambda: _issued_by(ctx, statement, certificate), LATE)


def _issued_by(ctx: Expansion, statement: Statement, certificate: Component) -> None:
    authorities = ctx.model.of_kind("acm-pca.certificate-authority")
    if not authorities:
        ctx.error(
            "a private certificate needs a private CA to issue it",
            statement.span_of("issuer"),
            "add a line such as 'ca internal'",
        )
        return
    certificate.attrs["issued_by"] = authorities[0].id
    ctx.connect(
        authorities[0].id,
        certificate.id,
        "association",
        reason="the private CA issues and renews this certificate",
        span=statement.span,
        label="issues",
    )


@handles("ca")
def expand_ca(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    authority = ctx.add(
        f"{statement.name}.ca",
        "acm-pca.certificate-authority",
        f"{statement.name} private CA",
        unit=statement.name,
        reason="AWS Private CA: issues the client and server certificates that "
        "mutual TLS checks, and publishes revocations",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"type": "ROOT", "key_algorithm": "EC_prime256v1"},
    )
    ctx.choose(
        authority,
        "validity_days",
        365,
        "issued certificates live a year and ACM renews them",
        statement=statement,
        option="validity",
        convert=lambda seconds: seconds // 86400,
    )
    ctx.choose(
        authority,
        "revocation",
        "OCSP",
        "revoked certificates are refused within minutes",
        safety=True,
    )
    unit.ingress = [authority.id]


# CloudTrail -----------------------------------------------------------------


@handles("trail")
def expand_trail(ctx: Expansion, statement: Statement) -> None:
    if "trail" in ctx.shared:
        ctx.error(
            "a design has one 'trail' statement",
            statement.span,
            "merge the options into the first trail statement",
        )
        return
    unit = ctx.add_unit(statement)
    trail = _trail(ctx, statement, statement.name, drawn=True)
    unit.ingress = [trail.id]
    ctx.shared["trail"] = trail.id


def add_default_trail(ctx: Expansion) -> None:
    """Give a design without a ``trail`` statement a multi-region trail."""
    if "trail" in ctx.shared:
        return
    span = ctx.design.span
    statement = Statement(
        keyword="trail",
        name=DEFAULT_TRAIL,
        span=span,
        name_span=span,
        settings={},
        name_written=False,
    )
    ctx.shared["trail"] = _trail(ctx, statement, DEFAULT_TRAIL, drawn=False).id


def _trail(
    ctx: Expansion, statement: Statement, name: str, *, drawn: bool
) -> Component:
    trail = ctx.add(
        f"{name}.trail" if drawn else name,
        "cloudtrail.trail",
        "CloudTrail",
        unit=name,
        reason="a multi-region CloudTrail trail records every API call in the "
        "account: who changed what, when and from where",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={
            "multi_region": True,
            "management_events": True,
            "encrypted": True,
            "kms_key": None,
            "hidden_in_diagram": not drawn,
        },
    )
    ctx.choose(
        trail,
        "logging",
        True,
        "an account without a trail has no record of who changed what",
        statement=statement,
        option="enabled",
        safety=True,
    )
    ctx.choose(
        trail,
        "log_file_validation",
        True,
        "digest files prove that no log file was changed or deleted",
        safety=True,
    )
    ctx.choose(
        trail,
        "data_events",
        False,
        "S3 object-level events are charged per event; turn them on for "
        "buckets with sensitive data",
        statement=statement,
    )
    use_key(ctx, trail, statement)
    _trail_storage(ctx, statement, trail, name, drawn)
    return trail


def _trail_storage(
    ctx: Expansion, statement: Statement, trail: Component, name: str, drawn: bool
) -> None:
    bucket = add_bucket(
        ctx,
        f"{name}.bucket",
        f"{ctx.design.name}-{name}",
        statement=statement,
        reason="bucket that receives the trail's log files; its policy lets only "
        "CloudTrail write",
    )
    bucket.attrs["hidden_in_diagram"] = True
    ctx.choose(
        bucket,
        "lifecycle_expire_days",
        365,
        "a year of audit history; PCI DSS asks for twelve months of audit logs",
        statement=statement,
        option="retain",
        convert=lambda seconds: seconds // 86400,
    )
    # Not marked holds_logs: 'logs retain=' shortens application logs, while
    # the audit trail keeps its own, longer retention.
    trail.attrs["bucket"] = bucket.id
    ctx.connect(
        trail.id,
        bucket.id,
        "data",
        reason="CloudTrail delivers log files every few minutes",
        span=statement.span,
        label="log files",
    )
    delivers = ctx.choose(
        trail,
        "cloudwatch_logs",
        drawn,
        "events also go to CloudWatch Logs, where metric filters raise alarms "
        "on root logins and policy changes"
        if drawn
        else "the default trail writes to S3 only",
        statement=statement,
        option="cloudwatch",
    )
    if delivers:
        add_log_group(
            ctx,
            f"{name}.logs",
            "CloudTrail events",
            statement=statement,
            reason="CloudWatch Logs group that receives the trail's events",
            owner=trail,
        )


# Threat detection -------------------------------------------------------------


@handles("guardduty")
def expand_guardduty(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    detector = ctx.add(
        f"{statement.name}.detector",
        "guardduty.detector",
        "GuardDuty",
        unit=statement.name,
        reason="GuardDuty reads CloudTrail events, VPC flow logs and DNS logs "
        "with no agents, and reports threats such as credential misuse, crypto "
        "mining and calls to known bad hosts",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={
            "sources": ["CloudTrail management events", "VPC flow logs", "DNS logs"]
        },
    )
    unit.ingress = [detector.id]
    unit.egress = [detector.id]
    defer(ctx, lambda: _protections(ctx, statement, detector), LATE)


def _protections(ctx: Expansion, statement: Statement, detector: Component) -> None:
    has_eks = bool(ctx.model.of_kind("eks.cluster"))
    has_aurora = bool(ctx.model.of_kind("rds.aurora-cluster"))
    ctx.choose(
        detector,
        "s3_protection",
        True,
        "S3 Protection watches data events for unusual access to buckets",
        statement=statement,
        option="s3",
        safety=True,
    )
    eks = ctx.choose(
        detector,
        "eks_protection",
        has_eks,
        "EKS audit logs and runtime monitoring catch attacks inside the cluster"
        if has_eks
        else "the design has no EKS cluster",
        statement=statement,
        option="eks",
        safety=has_eks,
    )
    rds = ctx.choose(
        detector,
        "rds_protection",
        has_aurora,
        "RDS Protection flags suspicious logins to Aurora"
        if has_aurora
        else "the design has no Aurora cluster",
        statement=statement,
        option="rds",
        safety=has_aurora,
    )
    ctx.choose(
        detector,
        "malware_protection",
        True,
        "EBS volumes of instances with findings are scanned for malware",
        statement=statement,
        option="malware",
        safety=True,
    )
    _watch_sources(ctx, statement, detector, bool(eks), bool(rds))


def _watch_sources(
    ctx: Expansion, statement: Statement, detector: Component, eks: bool, rds: bool
) -> None:
    span = statement.span
    trail = ctx.get(ctx.shared["trail"])
    observe(
        ctx,
        trail,
        detector,
        label="API events",
        reason="GuardDuty analyses the CloudTrail management events",
        span=span,
    )
    for vpc in ctx.model.of_kind("ec2.vpc"):
        observe(
            ctx,
            vpc,
            detector,
            label="flow and DNS logs",
            reason="GuardDuty reads the VPC's flow logs and DNS queries",
            span=span,
        )
    watched: list[tuple[Component, str]] = []
    if eks:
        watched += [(c, "audit logs") for c in ctx.model.of_kind("eks.cluster")]
    if rds:
        for cluster in ctx.model.of_kind("rds.aurora-cluster"):
            writer = cluster.attrs.get("writer")
            if writer:
                watched.append((ctx.get(writer), "login events"))
    for component, label in watched:
        observe(
            ctx,
            component,
            detector,
            label=label,
            reason=f"GuardDuty watches {component.id} ({label})",
            span=span,
        )


@handles("securityhub")
def expand_securityhub(ctx: Expansion, statement: Statement) -> None:
    unit = ctx.add_unit(statement)
    hub = ctx.add(
        f"{statement.name}.hub",
        "securityhub.hub",
        "Security Hub",
        unit=statement.name,
        reason="Security Hub collects findings from GuardDuty and the other "
        "security services in one format, and scores the account against "
        "security standards",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"requires": "AWS Config recording, which the standards' checks read"},
    )
    ctx.choose(
        hub,
        "standards",
        ("fsbp",),
        "AWS Foundational Security Best Practices checks every resource type "
        "the design uses",
        statement=statement,
    )
    ctx.choose(
        hub,
        "cross_region_aggregation",
        len(ctx.design.regions) > 1,
        "findings of every region are gathered in the home region"
        if len(ctx.design.regions) > 1
        else "the design runs in one region",
    )
    unit.ingress = [hub.id]
    defer(ctx, lambda: _collect_findings(ctx, statement, hub), LATE)


def _collect_findings(ctx: Expansion, statement: Statement, hub: Component) -> None:
    for detector in ctx.model.of_kind("guardduty.detector"):
        observe(
            ctx,
            detector,
            hub,
            label="findings",
            reason="GuardDuty sends its findings to Security Hub",
            span=statement.span,
        )
