"""Wire references and flows into AWS integrations, once every unit exists.

References are authorizers, the bus of a rule, CDN origins, table indexes,
identity providers and KMS keys. A flow out of a topic becomes a
subscription, and a flow out of a bucket an event notification. A flow out
of a queue or a table stream becomes an event source mapping, out of an API
a route, and out of a rule or schedule a target. Filters from ``sub`` and
rule patterns go onto the connections as ``attrs.filter``.
"""

from __future__ import annotations

from dataclasses import dataclass

from archdsl.expand.context import Expansion
from archdsl.expand.flows import resolve_units
from archdsl.expand.serverless.filters import (
    Filter,
    Service,
    build_filter,
    filter_settings,
)
from archdsl.expand.serverless.shared import (
    local_name,
    resolve_reference,
    statement_named,
)
from archdsl.language import Endpoint, Statement, lookup
from archdsl.model import Component, Connection, Flow, Unit

#: S3 event names for the words of ``sub ... events=``.
S3_EVENTS = {
    "created": "s3:ObjectCreated:*",
    "removed": "s3:ObjectRemoved:*",
    "restored": "s3:ObjectRestore:*",
    "tagged": "s3:ObjectTagging:*",
}

#: Targets an EventBridge rule may have (EventBridge quotas).
MAX_RULE_TARGETS = 5

#: Subscription protocols by the kind of the subscribed component.
SNS_PROTOCOLS = {
    "sqs.queue": "sqs",
    "lambda.function": "lambda",
    "firehose.delivery-stream": "firehose",
    "apigateway.rest-api": "https",
    "apigateway.http-api": "https",
    "elbv2.alb": "https",
    "elbv2.nlb": "https",
    "ec2.instance": "https",
    "ecs.service": "https",
}

#: Destinations of S3 event notifications.
S3_TARGETS = ("lambda.function", "sqs.queue", "sns.topic", "events.bus")

#: Kinds that can read a queue or stream: they run code.
CONSUMER_KINDS = (
    "lambda.function",
    "ec2.instance",
    "ecs.service",
    "ecs.task",
    "eks.node-group",
    "k8s.pod",
    "k8s.deployment",
)

#: Options of ``sub`` that only some sources take.
_BUCKET_OPTIONS = ("events", "prefix", "suffix")
_MAPPING_OPTIONS = ("batch",)
_TOPIC_OPTIONS = ("raw", "scope")


@dataclass
class _Hop:
    flow: Flow
    source: Unit
    target: Unit
    connections: list[Connection]
    sub: Statement | None


def wire_events(ctx: Expansion) -> None:
    for statement in ctx.statements:
        _wire_statement(ctx, statement)
    subs = _index_subscriptions(ctx)
    by_id = {c.id: c for c in ctx.model.connections}
    for flow in list(ctx.model.flows):
        source = ctx.model.units[flow.source]
        target = ctx.model.units[flow.target]
        sub = subs.get((source.name, target.name))
        hop = _Hop(flow, source, target, [by_id[h] for h in flow.hops], sub)
        _wire_flow(ctx, hop)
    _check_target_counts(ctx)


# References ----------------------------------------------------------------


def _wire_statement(ctx: Expansion, statement: Statement) -> None:
    spec = lookup(statement.keyword)
    if spec is not None and spec.option("kms_key") and statement.written("kms_key"):
        _use_kms_key(ctx, statement)
    wire = _STATEMENT_WIRES.get(statement.keyword)
    if wire is not None:
        wire(ctx, statement)


def _use_kms_key(ctx: Expansion, statement: Statement) -> None:
    if not ctx.exists(statement.name):
        return
    component = ctx.get(statement.name)
    unit = resolve_reference(ctx, statement, "kms_key", _all_keywords(), "a KMS key")
    if unit is None:
        return

    keys = [c for c in unit.components if ctx.get(c).kind == "kms.key"]
    if not keys:
        ctx.error(
            f"'{statement.get('kms_key')}' holds no KMS key",
            statement.span_of("kms_key"),
            "name a statement that creates one, such as resource cmk kind=kms.key",
        )
        return
    if component.attrs.get("encrypted") is False:
        ctx.error(
            "kms_key= encrypts with a customer managed key, but encrypted is off",
            statement.span_of("kms_key"),
            "remove encrypted=off, or kms_key=",
        )
        return

    component.attrs["encrypted"] = True
    component.attrs["kms_key"] = keys[0]
    component.attrs["encryption"] = "SSE-KMS"
    if component.kind == "s3.bucket":
        component.attrs["bucket_key"] = True
    ctx.connect(
        component.id,
        keys[0],
        "sync",
        reason="the service asks KMS for data keys to encrypt and decrypt",
        span=statement.span_of("kms_key"),
        label="encrypt/decrypt",
        tls=True,
    )


def _all_keywords() -> list[str]:
    from archdsl.language import keywords

    return keywords()


def _wire_api(ctx: Expansion, statement: Statement) -> None:
    authorizer_id = f"{statement.name}.authorizer"
    if not ctx.exists(authorizer_id) or not statement.written("authorizer"):
        return
    auth = statement.get("auth")
    keywords = ("function",) if auth == "lambda" else ("userpool",)
    what = "a function" if auth == "lambda" else "a user pool"
    unit = resolve_reference(ctx, statement, "authorizer", keywords, what)
    if unit is None:
        return
    decider = unit.ingress[0]
    authorizer = ctx.get(authorizer_id)
    authorizer.attrs["decided_by"] = decider
    if auth == "jwt" and authorizer.attrs.get("issuer") is None:
        # A user pool's tokens name it as their issuer: the Cognito endpoint
        # of the pool's region followed by the pool id, known only once deployed.
        region = ctx.get(decider).placement.region or ctx.design.region
        authorizer.attrs["issuer"] = (
            f"https://cognito-idp.{region}.amazonaws.com/<{unit.name} pool id>"
        )

    ctx.connect(
        statement.name,
        authorizer_id,
        "sync",
        reason="API Gateway runs the authorizer before each protected route",
        span=statement.span_of("auth"),
        tls=True,
    )
    ctx.connect(
        authorizer_id,
        decider,
        "sync",
        reason="invokes the Lambda authorizer, whose answer is cached"
        if auth == "lambda"
        else "checks the JWT's signature, issuer and audience against the user "
        "pool's signing keys",
        span=statement.span_of("authorizer"),
        label="Lambda authorizer" if auth == "lambda" else "validates JWT",
        tls=True,
    )


def _wire_rule(ctx: Expansion, statement: Statement) -> None:
    if not ctx.exists(statement.name):
        return
    unit = resolve_reference(ctx, statement, "bus", ("bus",), "an event bus")
    if unit is None:
        return
    rule = ctx.get(statement.name)
    rule.attrs["bus"] = unit.ingress[0]
    rule.attrs["drawn_as"] = unit.ingress[0]
    ctx.connect(
        unit.ingress[0],
        rule.id,
        "event",
        reason="the bus matches each event against the rule's pattern",
        span=statement.span_of("bus"),
        attrs={"filter": rule.attrs["event_pattern"]},
        tls=True,
    )


def _wire_cdn(ctx: Expansion, statement: Statement) -> None:
    if not ctx.exists(statement.name):
        return
    distribution = ctx.get(statement.name)
    names = statement.get("origin", ())
    span = statement.span_of("origin")
    for index, name in enumerate(names):
        for unit in resolve_units(ctx, statement, Endpoint(name, span)):
            _add_origin(ctx, statement, distribution, unit, index)


def _add_origin(
    ctx: Expansion,
    statement: Statement,
    distribution: Component,
    unit: Unit,
    index: int,
) -> None:
    span = statement.span_of("origin")
    if unit.keyword not in ("bucket", "api"):
        ctx.error(
            f"'{unit.name}' is a {unit.keyword}; a cdn origin is a bucket or an api",
            span,
            "use edge for load-balanced tiers",
        )
        return
    origin = ctx.get(unit.ingress[0])
    path = "/*" if index == 0 else f"/{local_name(statement_or(ctx, unit))}/*"
    distribution.attrs["origins"].append({"origin": origin.id, "path": path})
    oac = bool(distribution.attrs.get("origin_access_control"))
    if unit.keyword == "bucket":
        _bucket_origin(ctx, statement, distribution, origin, oac)
        if index == 0:
            distribution.attrs["default_root_object"] = "index.html"
    ctx.connect(
        distribution.id,
        origin.id,
        "sync",
        reason="CloudFront fetches what its caches miss from the origin",
        span=span,
        protocol="https",
        port=443,
        tls=True,
        label=f"{path}" + (" (OAC)" if oac and unit.keyword == "bucket" else ""),
    )


def statement_or(ctx: Expansion, unit: Unit) -> Statement:
    statement = statement_named(ctx, unit.name)
    assert statement is not None
    return statement


def _bucket_origin(
    ctx: Expansion,
    statement: Statement,
    distribution: Component,
    bucket: Component,
    oac: bool,
) -> None:
    if oac:
        bucket.attrs["origin_access"] = distribution.id
        bucket.attrs["bucket_policy"] = (
            f"allows s3:GetObject to CloudFront distribution {distribution.id} only"
        )
    elif not bucket.attrs.get("public"):
        ctx.error(
            f"without origin access control, CloudFront can read '{bucket.id}' only "
            "if the bucket is public",
            statement.span_of("oac"),
            "remove oac=off, or make the bucket public",
        )


def _wire_index(ctx: Expansion, statement: Statement) -> None:
    unit = resolve_reference(ctx, statement, "table", ("table",), "a table")
    if unit is None:
        return
    table = ctx.get(unit.ingress[0])
    table.attrs["indexes"].append(
        {
            "name": local_name(statement),
            "partition_key": statement.get("key"),
            "sort_key": statement.get("sort"),
            "projection": statement.get("projection", "all").upper(),
        }
    )


def _wire_idp(ctx: Expansion, statement: Statement) -> None:
    if not statement.written("pool"):
        ctx.error(
            "'idp' needs the user pool that trusts it: idp <name> <protocol> for <pool>",
            statement.span,
            f"write idp {local_name(statement)} saml for <userpool>",
        )
        return
    unit = resolve_reference(ctx, statement, "pool", ("userpool",), "a user pool")
    if unit is None:
        return
    pool = ctx.get(unit.ingress[0])
    pool.attrs["identity_providers"].append(statement.name)
    protocol = str(statement.get("protocol", "oidc"))
    ctx.connect(
        pool.id,
        statement.name,
        "sync",
        reason="the user pool sends users to the provider to sign in and "
        "accepts the identity it returns",
        span=statement.span_of("pool"),
        label=f"federated sign-in ({protocol.upper()})",
        protocol="https",
        port=443,
        tls=True,
    )


_STATEMENT_WIRES = {
    "api": _wire_api,
    "rule": _wire_rule,
    "cdn": _wire_cdn,
    "index": _wire_index,
    "idp": _wire_idp,
}


# Flows ---------------------------------------------------------------------


def _index_subscriptions(ctx: Expansion) -> dict[tuple[str, str], Statement]:
    subs: dict[tuple[str, str], Statement] = {}
    for statement in ctx.shared.get("subs", ()):
        source = Endpoint(statement.get("source"), statement.span_of("source"))
        target = Endpoint(local_name(statement), statement.name_span)
        for source_unit in resolve_units(ctx, statement, source):
            if source_unit.keyword not in ("topic", "bucket", "queue", "table"):
                ctx.error(
                    f"'{source.name}' is a {source_unit.keyword}; sub subscribes to "
                    "a topic, bucket, queue or table",
                    source.span,
                    "for an event bus, write a rule",
                )
                continue
            for target_unit in resolve_units(ctx, statement, target):
                subs[(source_unit.name, target_unit.name)] = statement
    return subs


def _wire_flow(ctx: Expansion, hop: _Hop) -> None:
    wire = _FLOW_WIRES.get(hop.source.keyword)
    if wire is not None:
        wire(ctx, hop)


def _subscribe(ctx: Expansion, hop: _Hop) -> None:
    topic = ctx.get(hop.source.ingress[0])
    _only_options(ctx, hop.sub, _TOPIC_OPTIONS, "an SNS subscription")
    policy = _sub_filter(ctx, hop.sub, _topic_service(hop.sub))
    for connection in hop.connections:
        endpoint = ctx.get(connection.target)
        protocol = SNS_PROTOCOLS.get(endpoint.kind)
        if protocol is None:
            ctx.warning(
                f"SNS does not deliver to {endpoint.service} ({endpoint.id})",
                hop.flow.span,
                "subscribe a queue or function, and let it write onward",
            )
        elif topic.attrs.get("fifo") and protocol != "sqs":
            ctx.warning(
                f"FIFO topic '{topic.id}' delivers only to SQS queues, not to "
                f"{endpoint.id}",
                hop.flow.span,
                "subscribe a queue, or use a standard topic",
            )
        sub_id = f"{topic.id}.sub.{endpoint.id}"
        ctx.add(
            sub_id,
            "sns.subscription",
            f"{topic.name} to {endpoint.name}",
            unit=topic.unit,
            reason="SNS subscription: delivers the topic's messages that match "
            "its filter policy to one endpoint",
            span=hop.sub.span if hop.sub else hop.flow.span,
            placement=topic.placement,
            attrs={
                "topic": topic.id,
                "endpoint": endpoint.id,
                "protocol": protocol,
                "filter_policy": policy.policy or None,
                "filter_policy_scope": "MessageBody"
                if _topic_service(hop.sub) == "sns-body"
                else "MessageAttributes",
                "raw_message_delivery": bool(hop.sub and hop.sub.get("raw", False)),
                "drawn_as": topic.id,
            },
        )
        _annotate(connection, policy, subscription=sub_id)


def _topic_service(sub: Statement | None) -> Service:
    if sub is not None and sub.get("scope") == "body":
        return "sns-body"
    return "sns-attributes"


def _notify(ctx: Expansion, hop: _Hop) -> None:
    bucket = ctx.get(hop.source.ingress[0])
    _only_options(ctx, hop.sub, _BUCKET_OPTIONS, "an S3 event notification")
    if hop.sub is not None:
        _no_fields(
            ctx, hop.sub, "S3 event notifications filter on prefix= and suffix= only"
        )
    words = hop.sub.get("events", ("created",)) if hop.sub else ("created",)
    events = [S3_EVENTS[word] for word in words]
    prefix = hop.sub.get("prefix") if hop.sub else None
    suffixes = list(hop.sub.get("suffix", ())) if hop.sub else []
    for connection in hop.connections:
        target = ctx.get(connection.target)
        _check_notification_target(ctx, hop, target)
        for suffix in suffixes or [None]:
            bucket.attrs["notifications"].append(
                {
                    "events": events,
                    "target": target.id,
                    "prefix": prefix,
                    "suffix": suffix,
                }
            )
        key_filter = {k: v for k, v in (("prefix", prefix), ("suffix", suffixes)) if v}
        text = ", ".join(
            [w.split(":")[1] for w in events]
            + ([f"{prefix}*"] if prefix else [])
            + ([" or ".join(f"*{suffix}" for suffix in suffixes)] if suffixes else [])
        )
        _annotate(connection, Filter(key_filter, text), events=events)
        _warn_trigger_loop(ctx, hop, bucket, target, key_filter)


def _check_notification_target(ctx: Expansion, hop: _Hop, target: Component) -> None:
    if target.kind not in S3_TARGETS:
        ctx.warning(
            f"S3 event notifications go to Lambda, SQS, SNS or EventBridge, not "
            f"to {target.service} ({target.id})",
            hop.flow.span,
            "notify a function or queue, and let it write onward",
        )
    elif target.attrs.get("fifo"):
        ctx.warning(
            f"S3 event notifications cannot go to FIFO {target.kind.split('.')[0]} "
            f"'{target.id}'",
            hop.flow.span,
            "use a standard queue or topic",
        )


def _warn_trigger_loop(
    ctx: Expansion, hop: _Hop, bucket: Component, target: Component, key_filter: dict
) -> None:
    writes_back = any(
        c.source == target.id and c.target == bucket.id and c.kind == "data"
        for c in ctx.model.connections
    )
    if writes_back and not key_filter:
        ctx.warning(
            f"'{target.id}' sends data to '{bucket.id}', whose new objects invoke "
            "it: if it writes objects there, each write starts another invocation",
            hop.flow.span,
            'write to a second bucket, or filter with sub ... prefix="uploads/"',
        )


def _map_queue(ctx: Expansion, hop: _Hop) -> None:
    _only_options(ctx, hop.sub, _MAPPING_OPTIONS, "a queue consumer")
    policy = _sub_filter(ctx, hop.sub, "sqs")
    for connection in hop.connections:
        target = ctx.get(connection.target)
        if not _check_consumer(ctx, hop, target, "queue"):
            continue
        if target.kind != "lambda.function":
            if policy:
                ctx.error(
                    "only a Lambda event source mapping filters a queue's messages",
                    hop.sub.span if hop.sub else hop.flow.span,
                    "filter in the consumer's code, or consume with a function",
                )
            connection.attrs["polled_by"] = target.id
            continue
        batch = hop.sub.get("batch", 10) if hop.sub else 10
        _annotate(connection, policy, event_source_mapping=True, batch_size=batch)


def _map_stream(ctx: Expansion, hop: _Hop) -> None:
    _only_options(ctx, hop.sub, _MAPPING_OPTIONS, "a stream consumer")
    table = ctx.get(hop.source.ingress[0])
    statement = statement_or(ctx, hop.source)
    view = _stream_view(ctx, statement, table)
    policy = _sub_filter(ctx, hop.sub, "stream")
    for connection in hop.connections:
        target = ctx.get(connection.target)
        if not _check_consumer(ctx, hop, target, "stream"):
            continue
        batch = hop.sub.get("batch", 100) if hop.sub else 100
        _annotate(
            connection,
            policy,
            event_source_mapping=True,
            batch_size=batch,
            stream_view=view,
        )


_STREAM_VIEWS = {
    "new_and_old": "NEW_AND_OLD_IMAGES",
    "new": "NEW_IMAGE",
    "old": "OLD_IMAGE",
    "keys": "KEYS_ONLY",
    "off": None,
}


def _stream_view(ctx: Expansion, statement: Statement, table: Component) -> str | None:
    if "stream_view" in table.attrs:
        return table.attrs["stream_view"]
    view = ctx.choose(
        table,
        "stream_view",
        "NEW_AND_OLD_IMAGES",
        "a flow reads the table's stream; records with both item images let "
        "the consumer see what changed",
        statement=statement,
        option="stream",
        convert=lambda word: _STREAM_VIEWS[word],
    )
    if view is None:
        ctx.error(
            f"a flow reads the stream of '{table.id}', but stream is off",
            statement.span_of("stream"),
            "remove stream=off",
        )
    return view


def _check_consumer(ctx: Expansion, hop: _Hop, target: Component, what: str) -> bool:
    if target.kind in CONSUMER_KINDS:
        return True
    if target.kind.startswith("elbv2."):
        ctx.warning(
            f"servers poll the {what} themselves; the flow reaches the load "
            f"balancer {target.id} instead",
            hop.flow.span,
            "give the worker tier 'behind none'",
        )
    else:
        ctx.warning(
            f"{target.service} ({target.id}) cannot read a {what}",
            hop.flow.span,
            "put a function between them that reads and writes onward",
        )
    return False


def _route(ctx: Expansion, hop: _Hop) -> None:
    api = ctx.get(hop.source.ingress[0])
    configured = api.attrs.get("authorizer")
    for connection in hop.connections:
        written = connection.attrs.get("auth")
        if written is not None and written != "none":
            expected = configured or "none"
            if _auth_family(written) != _auth_family(expected):
                ctx.error(
                    f"the route uses auth={written}, but the API's authorizer is "
                    f"{expected}",
                    hop.flow.span,
                    "set auth= on the api statement; a route may only turn it off "
                    "with auth=none",
                )
        connection.attrs["auth"] = written if written is not None else configured
        if connection.attrs["auth"] is None:
            connection.attrs["auth"] = "none"


def _auth_family(auth: str) -> str:
    return "jwt" if auth in ("jwt", "cognito") else auth


def _rule_targets(ctx: Expansion, hop: _Hop) -> None:
    rule = ctx.get(hop.source.egress[0])
    for connection in hop.connections:
        _annotate(
            connection,
            Filter(rule.attrs["event_pattern"], rule.attrs["pattern_text"]),
            rule=rule.id,
        )


def _schedule_targets(ctx: Expansion, hop: _Hop) -> None:
    schedule = ctx.get(hop.source.egress[0])
    for connection in hop.connections:
        connection.attrs["schedule"] = schedule.attrs["expression"]


_FLOW_WIRES = {
    "topic": _subscribe,
    "bucket": _notify,
    "queue": _map_queue,
    "table": _map_stream,
    "api": _route,
    "rule": _rule_targets,
    "schedule": _schedule_targets,
}


def _check_target_counts(ctx: Expansion) -> None:
    for statement in ctx.statements:
        if statement.keyword not in ("rule", "schedule"):
            continue
        targets = {f.target for f in ctx.model.flows if f.source == statement.name}
        if statement.keyword == "rule" and len(targets) > MAX_RULE_TARGETS:
            ctx.error(
                f"rule '{local_name(statement)}' has {len(targets)} targets; "
                f"EventBridge allows {MAX_RULE_TARGETS}",
                statement.span,
                "split the targets over two rules with the same pattern",
            )
        elif statement.keyword == "schedule" and len(targets) > 1:
            ctx.error(
                f"schedule '{local_name(statement)}' has {len(targets)} targets, "
                "but a schedule invokes exactly one",
                statement.span,
                "target an event bus or a topic and fan out from there",
            )
        elif not targets:
            ctx.warning(
                f"{statement.keyword} '{local_name(statement)}' has no target",
                statement.span,
                f"write 'to <target>', or a flow such as {local_name(statement)} ~> fn",
            )


# Helpers -------------------------------------------------------------------


def _sub_filter(ctx: Expansion, sub: Statement | None, service: Service) -> Filter:
    if sub is None:
        return Filter()
    spec = lookup("sub")
    assert spec is not None
    listed = {c.key for c in spec.clauses} | {o.key for o in spec.options}
    listed |= {w.key for w in spec.words}
    return build_filter(ctx, filter_settings(sub, listed), service)


def _only_options(
    ctx: Expansion, sub: Statement | None, allowed: tuple[str, ...], what: str
) -> None:
    if sub is None:
        return
    for option in (*_BUCKET_OPTIONS, *_MAPPING_OPTIONS, *_TOPIC_OPTIONS):
        if option not in allowed and sub.written(option):
            ctx.error(
                f"'{option}' does not apply to {what}",
                sub.span_of(option),
                f"remove {option}=",
            )


def _no_fields(ctx: Expansion, sub: Statement, message: str) -> None:
    spec = lookup("sub")
    assert spec is not None
    listed = {c.key for c in spec.clauses} | {o.key for o in spec.options}
    listed |= {w.key for w in spec.words}
    for setting in filter_settings(sub, listed).values():
        ctx.error(message, setting.span, "remove the field; filter in the function")
        return


def _annotate(connection: Connection, policy: Filter, **attrs: object) -> None:
    connection.attrs.update(attrs)
    if policy:
        connection.attrs["filter"] = policy.policy
        connection.attrs["filter_text"] = policy.text
