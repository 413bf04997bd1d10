"""Expand ``api``, ``userpool``, ``idp`` and ``cdn``: the ways callers get in.

Authorizer, origin and identity provider references are resolved later, in
:mod:`archdsl.expand.serverless.wiring`, once every statement has its unit.
"""

from __future__ import annotations

from archdsl.expand.common import add_log_group
from archdsl.expand.context import Expansion, handles
from archdsl.expand.edge import CLOUDFRONT_REGION, MANAGED_RULES, RATE_LIMIT
from archdsl.expand.serverless.shared import add_entry_unit, local_name, resource_name
from archdsl.language import Statement
from archdsl.model import Component, Placement

API_KINDS = {
    "http": "apigateway.http-api",
    "rest": "apigateway.rest-api",
    "websocket": "apigateway.websocket-api",
}

#: Authorizer types each API type supports, as API Gateway names them.
AUTHORIZERS = {
    "http": {"jwt": "JWT", "cognito": "JWT", "lambda": "REQUEST", "iam": "AWS_IAM"},
    "rest": {"cognito": "COGNITO_USER_POOLS", "lambda": "TOKEN", "iam": "AWS_IAM"},
    "websocket": {"lambda": "REQUEST", "iam": "AWS_IAM"},
}

#: Stage-wide throttling defaults. API Gateway's account-wide quota in a
#: region is 10,000 requests per second with a burst of 5,000, shared by
#: every API, so one stage gets a tenth of it.
DEFAULT_RATE = 1000
DEFAULT_BURST = 2000

#: Seconds API Gateway caches a Lambda authorizer's answer by default.
DEFAULT_AUTH_CACHE = 300


@handles("api")
def expand_api(ctx: Expansion, statement: Statement) -> None:
    api_type = statement.get("type", "http")
    _check_rest_only(ctx, statement, api_type)
    public = not statement.get("private", False)
    protocol = "wss" if api_type == "websocket" else "https"
    add_entry_unit(ctx, statement, statement.name, protocol=protocol, port=443)
    api = ctx.add(
        statement.name,
        API_KINDS[api_type],
        local_name(statement),
        unit=statement.name,
        reason=f"API Gateway {api_type.upper() if api_type != 'websocket' else 'WebSocket'} "
        "API: takes HTTPS requests, authorizes them and calls the integrations",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"type": api_type, "public": public, "tls": True},
    )
    if api_type == "rest":
        api.attrs["endpoint_type"] = "REGIONAL" if public else "PRIVATE"
        api.attrs["backend_certificate"] = bool(statement.get("backend_cert", False))
    _authorizer(ctx, statement, api, api_type)
    _throttling(ctx, statement, api)
    _access_logs(ctx, statement, api)
    if api_type == "rest" and public:
        _rest_waf(ctx, statement, api)


def _check_rest_only(ctx: Expansion, statement: Statement, api_type: str) -> None:
    if api_type == "rest":
        return
    for option, why in (
        ("waf", "AWS WAF attaches to REST APIs, not to HTTP or WebSocket APIs"),
        ("private", "private endpoints exist for REST APIs only"),
        (
            "backend_cert",
            "API Gateway generates client certificates for REST APIs only",
        ),
    ):
        if statement.written(option) and statement.get(option):
            ctx.error(
                f"'{option}' needs a REST API: {why}",
                statement.span_of(option),
                f"write 'rest', or remove '{option}'",
            )


def _authorizer(
    ctx: Expansion, statement: Statement, api: Component, api_type: str
) -> None:
    auth = statement.get("auth", "none")
    _check_auth_options(ctx, statement, auth)
    if auth == "none":
        api.attrs["authorizer"] = None
        return
    supported = AUTHORIZERS[api_type]
    if auth not in supported:
        names = ", ".join(sorted(supported))
        ctx.error(
            f"{api_type} APIs have no {auth} authorizer",
            statement.span_of("auth"),
            f"{api_type} APIs take auth={names.replace(', ', ', auth=')}",
        )
        return
    api.attrs["authorizer"] = "jwt" if supported[auth] == "JWT" else auth
    if auth == "iam":
        return
    authorizer = ctx.add(
        f"{statement.name}.authorizer",
        "apigateway.authorizer",
        f"{local_name(statement)} {auth} authorizer",
        unit=statement.name,
        reason="checks each request's credentials before the route's integration runs",
        span=statement.span_of("auth"),
        placement=api.placement,
        attrs={
            "type": supported[auth],
            "identity_source": "$request.header.Authorization",
            "issuer": statement.get("issuer"),
            "audience": statement.get("audience"),
            "drawn_as": api.id,
        },
    )
    if auth == "lambda":
        ctx.choose(
            authorizer,
            "cache_ttl_seconds",
            DEFAULT_AUTH_CACHE,
            "API Gateway reuses an answer for the same token for five minutes, "
            "so the authorizer runs once per caller, not once per request",
            statement=statement,
            option="auth_cache",
        )
    api.attrs["authorizer_id"] = authorizer.id


def _check_auth_options(ctx: Expansion, statement: Statement, auth: str) -> None:
    needs = {
        "authorizer": ("cognito", "jwt", "lambda"),
        "issuer": ("jwt",),
        "audience": ("jwt", "cognito"),
        "auth_cache": ("lambda",),
    }
    for option, auths in needs.items():
        if statement.written(option) and auth not in auths:
            ctx.error(
                f"'{option}' applies to auth={' or auth='.join(auths)}, not auth={auth}",
                statement.span_of(option),
                f"remove {option}=, or set auth={auths[0]}",
            )
    if auth in ("cognito", "lambda") and not statement.written("authorizer"):
        what = "userpool" if auth == "cognito" else "function"
        ctx.error(
            f"auth={auth} needs authorizer=<{what}>",
            statement.span_of("auth"),
            f"name the {what} that decides, e.g. authorizer=users",
        )
    if auth == "jwt" and not (
        statement.written("authorizer") or statement.written("issuer")
    ):
        ctx.error(
            "auth=jwt needs the token issuer: authorizer=<userpool> or issuer=",
            statement.span_of("auth"),
            'write authorizer=users, or issuer="https://login.example.com"',
        )


def _throttling(ctx: Expansion, statement: Statement, api: Component) -> None:
    def limits(enabled: bool) -> dict[str, int] | None:
        if not enabled:
            return None
        rate = statement.get("rate", DEFAULT_RATE)
        return {"rate": rate, "burst": statement.get("burst", DEFAULT_BURST)}

    ctx.choose(
        api,
        "throttling",
        {"rate": DEFAULT_RATE, "burst": DEFAULT_BURST},
        "a stage-wide rate and burst limit stops one caller from using up the "
        "region's account quota of 10,000 requests per second that every API "
        "shares",
        statement=statement,
        safety=True,
        convert=limits,
    )
    record = api.defaults[-1]
    written = [o for o in ("rate", "burst") if statement.written(o)]
    if written and not statement.written("throttling"):
        record.overridden_by = limits(True)
        record.span = statement.span_of(written[0])
        api.attrs["throttling"] = record.overridden_by
    elif written and not statement.get("throttling"):
        ctx.error(
            f"'{written[0]}' sets a throttling limit, but throttling is off",
            statement.span_of(written[0]),
            "remove throttling=off, or the limit",
        )


def _access_logs(ctx: Expansion, statement: Statement, api: Component) -> None:
    enabled = ctx.choose(
        api,
        "access_logs",
        True,
        "one log line per request (caller, route, status, latency) for "
        "troubleshooting and security reviews",
        statement=statement,
        option="logs",
        safety=True,
    )
    if not enabled:
        return
    group = add_log_group(
        ctx,
        f"{statement.name}.access-logs",
        f"API-Gateway-Access-Logs_{resource_name(statement)}",
        statement=statement,
        reason="receives the API stage's access logs",
    )
    api.attrs["access_log_group"] = group.id


def _rest_waf(ctx: Expansion, statement: Statement, api: Component) -> None:
    enabled = ctx.choose(
        api,
        "waf",
        True,
        "AWS WAF filters common exploits, known bad inputs and floods before "
        "they reach the integrations",
        statement=statement,
        safety=True,
    )
    if not enabled:
        api.attrs["web_acl"] = None
        return
    acl = _web_acl(ctx, f"{statement.name}.waf", statement, "REGIONAL", api.placement)
    ctx.connect(
        acl.id,
        api.id,
        "association",
        reason="the web ACL inspects every request the API stage receives",
        span=statement.span,
    )
    api.attrs["web_acl"] = acl.id


def _web_acl(
    ctx: Expansion,
    acl_id: str,
    statement: Statement,
    scope: str,
    placement: Placement,
) -> Component:
    return ctx.add(
        acl_id,
        "wafv2.web-acl",
        "AWS WAF",
        unit=statement.name,
        reason="web ACL with AWS managed rules and a per-IP rate limit",
        span=statement.span,
        placement=placement,
        attrs={
            "scope": scope,
            "managed_rules": list(MANAGED_RULES),
            "rate_limit_per_5_minutes": RATE_LIMIT,
        },
    )


@handles("userpool")
def expand_userpool(ctx: Expansion, statement: Statement) -> None:
    add_entry_unit(ctx, statement, statement.name, protocol="https", port=443)
    pool = ctx.add(
        statement.name,
        "cognito.user-pool",
        local_name(statement),
        unit=statement.name,
        reason="Cognito user pool: signs users up and in and issues the JWTs "
        "that APIs check",
        span=statement.span,
        placement=ctx.placement_for(statement),
        attrs={"identity_providers": [], "public": True, "tls": True},
    )
    ctx.choose(
        pool,
        "mfa",
        "optional",
        "users can add a TOTP authenticator; set mfa=required where every "
        "account needs a second factor",
        statement=statement,
    )
    ctx.choose(
        pool,
        "deletion_protection",
        True,
        "deleting a pool deletes every user account in it",
        statement=statement,
        safety=True,
    )
    ctx.choose(
        pool,
        "password_min_length",
        12,
        "twelve characters resist guessing far better than the 8 that Cognito "
        "requires by default",
    )


@handles("idp")
def expand_idp(ctx: Expansion, statement: Statement) -> None:
    add_entry_unit(ctx, statement, statement.name, protocol="https", port=443)
    protocol = statement.get("protocol", "oidc")
    if protocol in ("saml", "oidc") and not statement.written("issuer"):
        ctx.warning(
            f"the {protocol.upper()} provider '{local_name(statement)}' has no "
            "issuer= URL",
            statement.span,
            'write issuer="https://..." with its issuer or metadata URL',
        )
    ctx.add(
        statement.name,
        "external.identity-provider",
        local_name(statement),
        unit=statement.name,
        reason=f"{protocol.upper()} identity provider outside AWS that the user "
        "pool trusts to sign users in",
        span=statement.span,
        placement=Placement(),
        attrs={"protocol": protocol, "issuer": statement.get("issuer")},
    )


@handles("cdn")
def expand_cdn(ctx: Expansion, statement: Statement) -> None:
    add_entry_unit(ctx, statement, statement.name, protocol="https", port=443)
    if not statement.written("origin"):
        ctx.error(
            "'cdn' needs origin=<bucket or api>",
            statement.span,
            "for example: cdn site origin=assets",
        )
    distribution = ctx.add(
        statement.name,
        "cloudfront.distribution",
        local_name(statement),
        unit=statement.name,
        reason="caches content at edge locations near users and ends their TLS "
        "there; origins stay private",
        span=statement.span,
        placement=Placement(),
        attrs={"tls": True, "public": True, "origins": []},
    )
    _cdn_settings(ctx, statement, distribution)
    if ctx.choose(
        distribution,
        "waf",
        True,
        "AWS WAF filters common exploits, known bad inputs and floods at the edge",
        statement=statement,
        safety=True,
    ):
        placement = Placement(region=CLOUDFRONT_REGION)
        acl = _web_acl(ctx, f"{statement.name}.waf", statement, "CLOUDFRONT", placement)
        ctx.connect(
            acl.id,
            distribution.id,
            "association",
            reason="the web ACL inspects every request the distribution receives",
            span=statement.span,
        )
        distribution.attrs["web_acl"] = acl.id


def _cdn_settings(
    ctx: Expansion, statement: Statement, distribution: Component
) -> None:
    ctx.choose(
        distribution,
        "origin_access_control",
        True,
        "CloudFront signs its requests to S3 origins, and the bucket policy "
        "admits only this distribution, so the bucket stays private",
        statement=statement,
        option="oac",
        safety=True,
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
