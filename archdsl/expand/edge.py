"""The way in from the internet: users, Route 53, CloudFront, WAF, certificates.

The ``edge`` statement only records what the author wants; :func:`build_entry`
runs after every tier exists, because the edge fronts whichever tiers turned
out to be internet-facing.
"""

from __future__ import annotations

from archdsl.catalog import KINDS
from archdsl.expand.context import Expansion, handles
from archdsl.expand.network import networks
from archdsl.language import Statement
from archdsl.model import Component, Placement, Unit

#: CloudFront only uses certificates and web ACLs from this region.
CLOUDFRONT_REGION = "us-east-1"

#: AWS managed rule groups every web ACL starts with.
MANAGED_RULES = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)

#: Requests per five minutes from one IP before the rate rule blocks it.
RATE_LIMIT = 2000


def need_certificate(ctx: Expansion, region: str, user: str) -> str:
    """Return the id of the ACM certificate for ``region``, noting who uses it."""
    users = ctx.shared.setdefault("certificates", {})
    cert_id = "cert" if region == ctx.design.region else f"cert.{region}"
    users.setdefault(cert_id, (region, []))[1].append(user)
    return cert_id


@handles("edge")
def expand_edge(ctx: Expansion, statement: Statement) -> None:
    if "edge" in ctx.shared:
        ctx.error(
            "a design has one 'edge' statement",
            statement.span,
            "merge the options into the first edge statement",
        )
        return
    unit = ctx.add_unit(statement)
    ctx.shared["edge"] = (statement, unit)


def build_entry(ctx: Expansion) -> None:
    """Add users, DNS, CloudFront and WAF in front of the internet-facing tiers."""
    facing = [u for u in ctx.model.units.values() if u.internet_facing]
    edge = ctx.shared.get("edge")
    if not facing and edge is not None:
        ctx.error(
            "the edge has nothing to front: no tier is internet-facing",
            edge[0].span,
            "remove 'internal' from the tier users reach, or remove the edge",
        )
    if facing:
        ctx.section = "entry"
        _wire_entry(ctx, facing, edge)
    _add_certificates(ctx)
    _add_log_bucket(ctx)
    ctx.section = "units"


def _wire_entry(ctx: Expansion, facing: list[Unit], edge) -> None:
    internet = ctx.add(
        "internet",
        "external.internet",
        "Users",
        unit="internet",
        reason="where requests come from",
        span=ctx.design.span,
        placement=Placement(),
    )
    if edge is not None:
        front = _add_cloudfront(ctx, edge[0], edge[1], facing)
        ctx.connect(
            internet.id,
            front.id,
            "sync",
            reason="users send HTTPS requests to the nearest edge location",
            span=edge[0].span,
            protocol="https",
            port=443,
            tls=True,
        )
        source, entry_points = front.id, [front.id]
    else:
        for unit in facing:
            _add_regional_waf(ctx, unit)
        source, entry_points = internet.id, [u.ingress[0] for u in facing]
    _add_public_zone(ctx, internet, entry_points, facing)
    for unit in facing:
        gateway = networks(ctx)[unit.attrs["network"]].igw_id
        for target in unit.ingress:
            tls = _entry_tls(ctx, target)
            protocol, port = ("https", 443) if tls else ("http", 80)
            if not ctx.connected(source, gateway):
                ctx.connect(
                    source,
                    gateway,
                    "sync",
                    reason="requests from the internet enter the VPC through its "
                    "internet gateway",
                    span=unit.span,
                    protocol=protocol,
                    port=port,
                    tls=tls,
                )
            ctx.connect(
                gateway,
                target,
                "sync",
                reason="the internet gateway delivers requests to the internet-facing "
                f"{unit.name} entry point",
                span=unit.span,
                protocol=protocol,
                port=port,
                tls=tls,
            )


def _entry_tls(ctx: Expansion, component_id: str) -> bool:
    return bool(ctx.get(component_id).attrs.get("tls", False))


def _add_cloudfront(
    ctx: Expansion, statement: Statement, unit: Unit, facing: list[Unit]
) -> Component:
    design = ctx.design
    distribution = ctx.add(
        "edge.cloudfront",
        "cloudfront.distribution",
        "CloudFront",
        unit=unit.name,
        reason="caches at edge locations near users, ends their TLS there and "
        "absorbs volumetric attacks before they reach the region",
        span=statement.span,
        placement=Placement(),
        attrs={
            "origins": [u.ingress[0] for u in facing],
            "certificate": need_certificate(ctx, CLOUDFRONT_REGION, "edge.cloudfront"),
            "aliases": [design.domain],
            "tls": True,
        },
    )
    ctx.choose(
        distribution,
        "viewer_protocol",
        "redirect-to-https",
        "browsers that ask for HTTP are sent to HTTPS",
        safety=True,
    )
    ctx.choose(
        distribution,
        "minimum_tls",
        "TLSv1.2_2021",
        "viewers must use TLS 1.2 or newer with modern ciphers",
        safety=True,
    )
    ctx.choose(
        distribution,
        "origin_protocol",
        "https-only",
        "CloudFront reaches the load balancer over HTTPS too",
        safety=True,
    )
    ctx.choose(
        distribution,
        "price_class",
        "all",
        "serve from every edge location; price_class=100 is cheaper with "
        "slower far regions",
        statement=statement,
    )
    ctx.choose(
        distribution,
        "access_logs",
        True,
        "standard logs to the log bucket",
        statement=statement,
        option="logs",
    )
    ctx.choose(
        distribution,
        "shield_advanced",
        False,
        "Shield Standard is free and on; Advanced costs a monthly fee",
        statement=statement,
        option="shield",
    )
    unit.ingress = [distribution.id]
    unit.egress = [distribution.id]
    unit.protocol, unit.port, unit.tls = "https", 443, True
    waf = ctx.choose(
        distribution,
        "waf",
        True,
        "AWS WAF filters common exploits, known bad inputs and floods before "
        "they reach the load balancer",
        statement=statement,
        safety=True,
    )
    if waf:
        acl = _web_acl(ctx, "edge.waf", unit.name, statement.span, "CLOUDFRONT")
        ctx.connect(
            acl.id,
            distribution.id,
            "association",
            reason="the web ACL inspects every request the distribution receives",
            span=statement.span,
        )
        distribution.attrs["web_acl"] = acl.id
    for facing_unit in facing:
        lb = ctx.get(facing_unit.ingress[0])
        lb.attrs["origin_restricted_to"] = (
            "com.amazonaws.global.cloudfront.origin-facing"
        )
    return distribution


def _web_acl(
    ctx: Expansion, acl_id: str, unit: str, span, scope: str, region: str | None = None
) -> Component:
    return ctx.add(
        acl_id,
        "wafv2.web-acl",
        "AWS WAF",
        unit=unit,
        reason="web ACL with AWS managed rules and a per-IP rate limit",
        span=span,
        placement=Placement(
            region=CLOUDFRONT_REGION
            if scope == "CLOUDFRONT"
            else region or ctx.design.region
        ),
        attrs={
            "scope": scope,
            "managed_rules": list(MANAGED_RULES),
            "rate_limit_per_5_minutes": RATE_LIMIT,
        },
        section="entry" if scope == "CLOUDFRONT" else "units",
    )


def _add_regional_waf(ctx: Expansion, unit: Unit) -> None:
    lb = ctx.get(unit.ingress[0])
    if lb.kind != "elbv2.alb":
        return
    statement = next(
        s for s in ctx.statements if s.name == unit.name and s.keyword == unit.keyword
    )
    enabled = ctx.choose(
        lb,
        "waf",
        True,
        "AWS WAF on the internet-facing ALB filters common exploits and floods",
        statement=statement,
        safety=True,
    )
    if not enabled:
        return
    acl = _web_acl(
        ctx, f"{unit.name}.waf", unit.name, unit.span, "REGIONAL", lb.placement.region
    )
    ctx.connect(
        acl.id,
        lb.id,
        "association",
        reason="the web ACL inspects every request the load balancer receives",
        span=unit.span,
    )
    lb.attrs["web_acl"] = acl.id


def _add_public_zone(
    ctx: Expansion, internet: Component, targets: list[str], facing: list[Unit]
) -> None:
    """Add the public zone: the apex aliases the entry point.

    Behind CloudFront each internet-facing load balancer also gets an origin
    name, because CloudFront reaches an origin over HTTPS by a name that the
    certificate covers. Without CloudFront the first internet-facing tier
    takes the apex and the others a subdomain named after them.
    """
    design = ctx.design
    records = []
    fronted = bool(targets) and ctx.get(targets[0]).kind == "cloudfront.distribution"
    if fronted:
        records.append(_alias(design.domain, targets[0]))
        for unit in facing:
            label = "origin" if len(facing) == 1 else f"origin-{_dns_label(unit.name)}"
            records.extend(_name_entry(ctx, unit, f"{label}.{design.domain}"))
        ctx.get(targets[0]).attrs["origin_domains"] = [r["name"] for r in records[1:]]
    else:
        for index, unit in enumerate(facing):
            name = (
                design.domain
                if index == 0
                else f"{_dns_label(unit.name)}.{design.domain}"
            )
            records.extend(_name_entry(ctx, unit, name))
    zone = ctx.add(
        "dns",
        "route53.hosted-zone",
        design.domain,
        unit="dns",
        reason="public hosted zone; alias records point the domain at the entry point",
        span=design.span,
        placement=Placement(),
        attrs={"zone": design.domain, "private": False, "records": records},
    )
    ctx.connect(
        internet.id,
        zone.id,
        "association",
        reason="users resolve the domain through Route 53",
        span=design.span,
    )
    for record in records:
        ctx.connect(
            zone.id,
            record["target"],
            "association",
            reason=f"alias record {record['name']}",
            span=design.span,
        )


def _alias(name: str, target: str) -> dict[str, str]:
    return {"name": name, "type": "A/AAAA alias", "target": target}


def _name_entry(ctx: Expansion, unit: Unit, name: str) -> list[dict[str, str]]:
    """Give each entry point of ``unit`` the DNS name ``name``."""
    records = []
    for target in unit.ingress:
        component = ctx.get(target)
        if component.kind in ("elbv2.alb", "elbv2.nlb"):
            component.attrs["dns_name"] = name
        records.append(_alias(name, target))
    return records


def _dns_label(unit_name: str) -> str:
    return unit_name.replace(".", "-").lower()


def add_private_zone(ctx: Expansion) -> None:
    """Name the internal load balancers in a private zone that their callers see.

    Runs after the flows, because every VPC with a caller must be associated
    with the zone to resolve the names.
    """
    internal = [
        c
        for c in ctx.model.components.values()
        if c.kind in ("elbv2.alb", "elbv2.nlb") and c.attrs.get("scheme") == "internal"
    ]
    if not internal:
        return
    zone_name = f"internal.{ctx.design.domain}"
    records = [
        {"name": lb.attrs["dns_name"], "type": "A alias", "target": lb.id}
        for lb in internal
    ]
    ctx.add(
        "dns.internal",
        "route53.private-hosted-zone",
        zone_name,
        unit="dns",
        reason="private zone attached to the VPC: servers reach internal load "
        "balancers by name, never by IP",
        span=ctx.design.span,
        placement=Placement(region=ctx.design.region),
        attrs={
            "zone": zone_name,
            "private": True,
            "records": records,
            "vpcs": _zone_vpcs(ctx, internal),
        },
        section="network",
    )


def _zone_vpcs(ctx: Expansion, balancers: list[Component]) -> list[str]:
    """Return the VPCs that must resolve the internal names: theirs and callers'."""
    ids = {lb.id for lb in balancers}
    vpcs = {lb.placement.vpc for lb in balancers}
    for connection in ctx.model.connections:
        if connection.target in ids:
            vpcs.add(ctx.get(connection.source).placement.vpc)
    return sorted(v for v in vpcs if v)


def _add_certificates(ctx: Expansion) -> None:
    users = ctx.shared.get("certificates", {})
    domain = ctx.design.domain
    for cert_id, (region, used_by) in users.items():
        names = [domain, f"*.{domain}"]
        if any(ctx.get(u).attrs.get("scheme") == "internal" for u in used_by):
            names.append(f"*.internal.{domain}")
        ctx.add(
            cert_id,
            "acm.certificate",
            f"certificate {region}",
            unit="dns",
            reason=_certificate_reason(ctx, used_by),
            span=ctx.design.span,
            placement=Placement(region=region),
            attrs={"domains": names, "validation": "DNS", "used_by": list(used_by)},
            section="entry",
        )


def _certificate_reason(ctx: Expansion, used_by: list[str]) -> str:
    """Return why a certificate exists, naming CloudFront only when it uses it."""
    if any(ctx.get(u).kind == "cloudfront.distribution" for u in used_by):
        return (
            "public ACM certificate, validated through DNS and renewed by AWS; "
            "CloudFront needs its certificate in us-east-1"
        )
    return (
        "public ACM certificate for the load balancers, validated through DNS "
        "and renewed by AWS"
    )


#: Name in a reason for each kind that writes access logs to the log bucket.
_LOG_WRITER_NAMES = {
    "elbv2.alb": "the load balancers",
    "elbv2.nlb": "the load balancers",
    "cloudfront.distribution": "CloudFront",
    "s3.bucket": "the S3 buckets",
}


def _log_writers(ctx: Expansion, writers: list[str]) -> str:
    """Return the services in ``writers`` as words: ``the load balancers and CloudFront``."""
    names = sorted(
        {
            _LOG_WRITER_NAMES.get(kind, KINDS[kind].service)
            for kind in (ctx.get(writer).kind for writer in writers)
        }
    )
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _add_log_bucket(ctx: Expansion) -> None:
    """Add the buckets that load balancer and CloudFront access logs go to.

    A load balancer writes only to a bucket in its own region, so each
    region gets one; CloudFront's logs go to the design's home region.
    """
    # API Gateway stages log to CloudWatch Logs groups of their own instead.
    by_region: dict[str, list[str]] = {}
    for component in ctx.model.components.values():
        if component.attrs.get("access_logs") is not True:
            continue
        if "access_log_group" in component.attrs:
            continue
        region = component.placement.region or ctx.design.region
        by_region.setdefault(region, []).append(component.id)
    for region, writers in by_region.items():
        home = region == ctx.design.region
        bucket = ctx.add(
            "logs" if home else f"logs.{region}",
            "s3.bucket",
            f"{ctx.design.name}-access-logs" + ("" if home else f"-{region}"),
            unit="logs",
            reason=f"receives the access logs of {_log_writers(ctx, writers)}"
            + ("" if home else f" in {region}"),
            span=ctx.design.span,
            placement=Placement(region=region),
            attrs={
                "encrypted": True,
                "encryption": "SSE-S3",
                "public_access_blocked": True,
                "lifecycle_expire_days": 90,
                "written_by": writers,
                "hidden_in_diagram": True,
            },
            section="network",
        )
        for writer in writers:
            ctx.get(writer).attrs["access_logs_bucket"] = bucket.id
