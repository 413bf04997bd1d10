"""Security: exposure, WAF, encryption in transit and at rest, access control."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from archdsl.catalog import KINDS
from archdsl.check.findings import Hit
from archdsl.check.graph import RequestGraph
from archdsl.check.query import (
    LOAD_BALANCER_KINDS,
    design_setting_span,
    group_by_unit,
    ids_of,
    internet_hops,
    is_compute,
    is_store,
    parent_of,
    requests,
    setting_span,
    verb,
    written_span,
)
from archdsl.check.registry import predicate
from archdsl.check.rules import Rule
from archdsl.model import Component, Connection, Default, Model

#: Kinds that may face the internet, or whose exposure another rule checks
#: (buckets), or that are network plumbing with a public side.
PUBLIC_KINDS = frozenset(
    {
        *LOAD_BALANCER_KINDS,
        "cloudfront.distribution",
        "apigateway.rest-api",
        "apigateway.http-api",
        "apigateway.websocket-api",
        "cognito.user-pool",
        "amplify.app",
        "route53.hosted-zone",
        "ec2.subnet",
        "ec2.internet-gateway",
        "ec2.nat-gateway",
        "s3.bucket",
    }
)

API_KINDS = ("apigateway.rest-api", "apigateway.http-api", "apigateway.websocket-api")

#: AWS WAF attaches to CloudFront, ALBs and REST API stages; HTTP and
#: WebSocket APIs cannot take a web ACL.
WAF_KINDS = ("cloudfront.distribution", "elbv2.alb", "apigateway.rest-api")

#: Protocols that AWS WAF inspects.
HTTP_PROTOCOLS = ("http", "https", "grpc")

#: Settings that a dedicated rule reports, so the generic rule skips them.
COVERED_SETTINGS = frozenset(
    {
        "encrypted",
        "ebs_encrypted",
        "multi_az",
        "tls",
        "waf",
        "min",
        "backup_retention_days",
        "access_logs",
        "point_in_time_recovery",
        "versioning",
        "public_access_blocked",
        "dlq",
        "authorizer",
        "throttling",
    }
)

#: Settings that a dedicated rule reports on one kind only: KMS key rotation
#: (SEC-ENC-003). Secret rotation stays with the generic rule.
COVERED_KIND_SETTINGS = frozenset({("kms.key", "rotation")})

ANYWHERE = "0.0.0.0/0"


@predicate("public_non_entry")
def public_non_entry(model: Model, rule: Rule) -> Iterator[Hit]:
    exposed = [
        c
        for c in model.components.values()
        if c.attrs.get("public") is True and c.kind not in PUBLIC_KINDS
    ]
    for unit, members in group_by_unit(exposed).items():
        ids = tuple(c.id for c in members)
        fix = None
        if all(c.kind == "ec2.instance" for c in members):
            fix = f"write 'in private behind alb' on tier {unit}"
        yield Hit(
            ids,
            members[0].span,
            f"{', '.join(ids)} ({members[0].service}) can be reached from the "
            "internet directly",
            fix,
        )


@predicate("store_reachable_from_internet")
def store_reachable_from_internet(model: Model, rule: Rule) -> Iterator[Hit]:
    # Only requests that wait for a response reach a store on the caller's
    # behalf. Data flows and messages (Firehose into S3, a COPY into
    # Redshift) move data in batches and let the sender run no query.
    graph = RequestGraph(
        (c.source, c.target) for c in model.connections if c.kind == "sync"
    )
    internet = sorted(c.id for c in model.of_kind("external.internet"))
    parents: dict[str, str | None] = {
        i: None for i in internet if i in graph.successors
    }
    queue = deque(parents)
    while queue:
        node = queue.popleft()
        for target in graph.successors[node]:
            if target in parents:
                continue
            parents[target] = node
            component = model.components[target]
            if _is_exposed_store(component):
                yield _exposed_store_hit(model, parents, component)
            elif not _stops_requests(component):
                queue.append(target)


def _is_exposed_store(component: Component) -> bool:
    return is_store(component) and KINDS[component.kind].category != "storage"


def _stops_requests(component: Component) -> bool:
    """Return whether the component runs logic or checks callers before passing on."""
    if is_compute(component):
        return True
    return component.kind in API_KINDS and component.attrs.get("authorizer") is not None


def _exposed_store_hit(model: Model, parents, store: Component) -> Hit:
    path = [store.id]
    while (parent := parents[path[-1]]) is not None:
        path.append(parent)
    path.reverse()
    return Hit(
        (store.id,),
        store.span,
        f"{store.id} is reachable from the internet through "
        f"{' -> '.join(path)} with no application tier in between",
        path=tuple(path),
    )


@predicate("open_security_group")
def open_security_group(model: Model, rule: Rule) -> Iterator[Hit]:
    for group in model.of_kind("ec2.security-group"):
        rules = group.attrs.get("ingress") or []
        ports = sorted(
            {r.get("port") for r in rules if r.get("source") == ANYWHERE}, key=str
        )
        if not ports:
            continue
        members = [
            c
            for c in model.components.values()
            if c.attrs.get("security_group") == group.id
            and c.kind != "ec2.launch-template"
        ]
        servers = [c for c in members if c.kind not in LOAD_BALANCER_KINDS]
        if not servers:
            continue
        yield Hit(
            (group.id, *(c.id for c in servers)),
            group.span,
            f"{group.id} admits {ANYWHERE} on port(s) "
            f"{', '.join(str(p) for p in ports)} to {', '.join(c.id for c in servers)}",
        )


@predicate("missing_waf")
def missing_waf(model: Model, rule: Rule) -> Iterator[Hit]:
    for component in model.of_kind(*WAF_KINDS):
        if component.attrs.get("web_acl"):
            continue
        if not _internet_facing(component):
            continue
        if component.attrs.get("origin_restricted_to"):
            continue  # only CloudFront reaches it; the distribution is checked
        yield Hit(
            (component.id,),
            setting_span(component, "waf"),
            f"{component.id} ({component.service}) takes requests from the "
            "internet with no web ACL",
        )
    servers = {
        hop.target: model.components[hop.target]
        for hop in internet_hops(model)
        if hop.protocol in HTTP_PROTOCOLS and is_compute(model.components[hop.target])
    }
    for unit, members in group_by_unit(list(servers.values())).items():
        yield Hit(
            ids_of(members),
            members[0].span,
            f"{', '.join(ids_of(members))} {verb(members, 'serves', 'serve')} HTTP "
            "to the internet directly, and AWS WAF cannot attach to a server",
            f"write 'in private behind alb' on {unit}, so an ALB with a web ACL "
            "takes the requests",
        )


def _internet_facing(component: Component) -> bool:
    if component.kind == "cloudfront.distribution":
        return True
    return component.attrs.get("public") is True


@predicate("entry_without_tls")
def entry_without_tls(model: Model, rule: Rule) -> Iterator[Hit]:
    kinds = ("cloudfront.distribution", *LOAD_BALANCER_KINDS, *API_KINDS)
    protocols = {
        c.id: "HTTP"
        for c in model.of_kind(*kinds)
        if _internet_facing(c) and c.attrs.get("tls") is False
    }
    for hop in internet_hops(model):
        if hop.tls is False:
            protocols.setdefault(hop.target, (hop.protocol or "text").upper())
    plain = [model.components[c] for c in protocols]
    for unit, members in group_by_unit(plain).items():
        fix = None
        if all(is_compute(c) for c in members):
            fix = (
                f"write 'in private behind alb' on {unit}, so an HTTPS listener "
                "with an ACM certificate faces the internet"
            )
        yield Hit(
            ids_of(members),
            written_span(members, "tls"),
            f"{', '.join(ids_of(members))} {verb(members, 'accepts', 'accept')} "
            f"plain {protocols[members[0].id]} from the internet",
            fix,
        )


@predicate("plaintext_to_store")
def plaintext_to_store(model: Model, rule: Rule) -> Iterator[Hit]:
    pairs = _plain_pairs(model, lambda target: is_store(target))
    for (source_unit, target_unit), connections in pairs.items():
        target = model.components[connections[0].target]
        fix = None
        if target.attrs.get("encrypted") is False and target.kind == "elasticache.node":
            fix = f"remove encrypted=off from cache {target_unit}"
        yield Hit(
            _ends(connections),
            connections[0].span,
            f"{source_unit} reaches {target_unit} ({target.service}) without TLS",
            fix,
        )


@predicate("plaintext_between_services")
def plaintext_between_services(model: Model, rule: Rule) -> Iterator[Hit]:
    def is_service(target: Component) -> bool:
        return is_compute(target) or target.kind in LOAD_BALANCER_KINDS

    pairs = _plain_pairs(model, is_service, sources=_is_caller)
    for (source_unit, target_unit), connections in pairs.items():
        yield Hit(
            _ends(connections),
            connections[0].span,
            f"{source_unit} calls {target_unit} in plain text",
            f"remove tls=off from tier {target_unit}",
        )


def _is_caller(component: Component) -> bool:
    return is_compute(component)


def _plain_pairs(model: Model, is_target, sources=None) -> dict:
    pairs: dict[tuple[str, str], list[Connection]] = {}
    for connection in requests(model):
        if connection.tls is not False:
            continue
        source = model.components[connection.source]
        target = model.components[connection.target]
        if source.unit == target.unit or not is_target(target):
            continue
        if sources is not None and not sources(source):
            continue
        pairs.setdefault((source.unit, target.unit), []).append(connection)
    return pairs


def _ends(connections: list[Connection]) -> tuple[str, ...]:
    ids = sorted({c.source for c in connections}) + sorted(
        {c.target for c in connections}
    )
    return tuple(dict.fromkeys(ids))


@predicate("store_not_encrypted")
def store_not_encrypted(model: Model, rule: Rule) -> Iterator[Hit]:
    plain = []
    for component in model.components.values():
        if not KINDS[component.kind].stateful:
            continue
        if component.attrs.get("encrypted") is not False:
            continue
        parent = parent_of(model, component)
        if parent is not None and parent.attrs.get("encrypted") is False:
            continue  # reported once, on the cluster or group
        plain.append(component)
    for members in group_by_unit(plain).values():
        yield Hit(
            ids_of(members),
            written_span(members, "encrypted"),
            f"{', '.join(ids_of(members))} ({members[0].service}) "
            f"{verb(members, 'stores', 'store')} data unencrypted",
        )


@predicate("volumes_not_encrypted")
def volumes_not_encrypted(model: Model, rule: Rule) -> Iterator[Hit]:
    for template in model.of_kind("ec2.launch-template"):
        if template.attrs.get("ebs_encrypted") is False:
            yield Hit(
                (template.id,),
                setting_span(template, "ebs_encrypted"),
                f"{template.id} launches instances with unencrypted EBS volumes",
            )


@predicate("key_without_rotation")
def key_without_rotation(model: Model, rule: Rule) -> Iterator[Hit]:
    for key in model.of_kind("kms.key"):
        if key.attrs.get("rotation") is False:
            yield Hit(
                (key.id,),
                setting_span(key, "rotation"),
                f"KMS key {key.id} is never rotated",
            )


@predicate("api_without_authorizer")
def api_without_authorizer(model: Model, rule: Rule) -> Iterator[Hit]:
    for api in model.of_kind(*API_KINDS):
        if api.attrs.get("public") is False:
            continue
        if api.attrs.get("authorizer") is None:
            yield Hit(
                (api.id,),
                setting_span(api, "authorizer"),
                f"{api.id} ({api.service}) lets any caller on the internet in",
            )


@predicate("bucket_public_access")
def bucket_public_access(model: Model, rule: Rule) -> Iterator[Hit]:
    open_buckets = [
        b
        for b in model.of_kind("s3.bucket")
        if b.attrs.get("public_access_blocked") is False
    ]
    for members in group_by_unit(open_buckets).values():
        yield Hit(
            ids_of(members),
            written_span(members, "public_access_blocked"),
            f"{verb(members, 'bucket', 'buckets')} {', '.join(ids_of(members))} "
            f"{verb(members, 'has', 'have')} Block Public Access turned off",
        )


@predicate("flow_logs_off")
def flow_logs_off(model: Model, rule: Rule) -> Iterator[Hit]:
    if model.design.settings.get("flow_logs") is False and "vpc" in model.components:
        yield Hit(
            ("vpc",),
            design_setting_span(model, "flow_logs"),
            "the VPC records no flow logs",
        )


@predicate("weakened_default")
def weakened_default(model: Model, rule: Rule) -> Iterator[Hit]:
    weakened: dict[tuple[str, str], list[tuple[Component, Default]]] = {}
    for component, record in model.weakened_defaults():
        covered = (component.kind, record.key) in COVERED_KIND_SETTINGS
        if record.key not in COVERED_SETTINGS and not covered:
            weakened.setdefault((component.unit, record.key), []).append(
                (component, record)
            )
    for (unit, key), pairs in weakened.items():
        component, record = pairs[0]
        ids = ", ".join(c.id for c, _ in pairs)
        yield Hit(
            tuple(c.id for c, _ in pairs),
            record.span or component.span,
            f"{ids}: {key} is {as_written(key, record.overridden_by)} instead of "
            f"{as_written(key, record.value)}; the default exists because: "
            f"{record.reason}",
            f"remove the option that sets {key}, or waive {rule.id} on {unit} "
            "with the reason",
        )


#: Units a design writes after a number, by the suffix of the attribute name.
_UNIT_SUFFIXES = {
    "_days": "d",
    "_hours": "h",
    "_minutes": "m",
    "_seconds": "s",
    "_mb": "MB",
    "_gb": "GB",
}


def as_written(key: str, value: object) -> str:
    """Return a setting's value the way a design writes it: on, off, 7d, [a, b]."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "none"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(as_written("", item) for item in value) + "]"
    if isinstance(value, int | float):
        suffix = next((u for s, u in _UNIT_SUFFIXES.items() if key.endswith(s)), "")
        return f"{value}{suffix}"
    return str(value)
