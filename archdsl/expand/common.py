"""Resources that many statements create, with one set of defaults each.

Any handler that needs an S3 bucket or a CloudWatch Logs group calls these,
so a bucket made for a static site and one made for a data lake get the
same protections and the same reasons.
"""

from __future__ import annotations

from archdsl.expand.context import Expansion
from archdsl.language import Statement
from archdsl.model import Component, Placement

#: Days CloudWatch Logs keeps log events unless the design sets another period.
LOG_RETENTION_DAYS = 30


def add_bucket(
    ctx: Expansion,
    component_id: str,
    name: str,
    *,
    statement: Statement,
    reason: str,
    holds_originals: bool = True,
    placement: Placement | None = None,
) -> Component:
    """Add an S3 bucket with S3's safety settings on.

    ``holds_originals`` marks a bucket whose objects cannot be rebuilt from
    elsewhere, so versioning defaults on; derived data (thumbnails, query
    results) defaults to no versioning.
    """
    bucket = ctx.add(
        component_id,
        "s3.bucket",
        name,
        unit=statement.name,
        reason=reason,
        span=statement.span,
        placement=placement or ctx.placement_for(statement),
    )
    encrypted = ctx.choose(
        bucket,
        "encrypted",
        True,
        "S3 encrypts every new object at rest; SSE-S3 unless a KMS key is set",
        statement=statement,
        safety=True,
    )
    bucket.attrs["encryption"] = "SSE-S3" if encrypted else None
    bucket.attrs["kms_key"] = None
    ctx.choose(
        bucket,
        "public_access_blocked",
        True,
        "Block Public Access on: objects are reached through CloudFront or "
        "presigned URLs, never directly",
        statement=statement,
        option="public",
        safety=True,
        convert=lambda public: not public,
    )
    bucket.attrs["public"] = not bucket.attrs["public_access_blocked"]
    ctx.choose(
        bucket,
        "versioning",
        holds_originals,
        "versioning keeps overwritten and deleted originals recoverable"
        if holds_originals
        else "derived objects can be rebuilt, so old versions are not kept",
        statement=statement,
        safety=holds_originals,
    )
    ctx.choose(
        bucket,
        "enforce_tls",
        True,
        "the bucket policy denies requests that do not use TLS",
        safety=True,
    )
    ctx.choose(
        bucket,
        "object_ownership",
        "BucketOwnerEnforced",
        "ACLs disabled: access is granted by policies alone",
        safety=True,
    )
    ctx.choose(
        bucket,
        "lifecycle",
        "expire noncurrent versions after 30 days; abort incomplete multipart "
        "uploads after 7 days",
        "old versions and abandoned uploads otherwise cost money forever",
    )
    ctx.choose(
        bucket,
        "access_logs",
        True,
        "server access logs go to the log bucket",
        statement=statement,
        option="logs",
    )
    return bucket


def add_log_group(
    ctx: Expansion,
    component_id: str,
    name: str,
    *,
    statement: Statement,
    reason: str,
    owner: Component | None = None,
) -> Component:
    """Add a CloudWatch Logs group with a retention period."""
    group = ctx.add(
        component_id,
        "logs.log-group",
        name,
        unit=statement.name,
        reason=reason,
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"encrypted": True, "kms_key": None},
    )
    ctx.choose(
        group,
        "log_retention_days",
        LOG_RETENTION_DAYS,
        "a month of logs covers most investigations; longer retention costs "
        "storage every month",
        statement=statement,
        option="log_retention",
        convert=lambda seconds: seconds // 86400,
    )
    if owner is not None:
        owner.attrs["log_group"] = group.id
    return group
