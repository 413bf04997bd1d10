"""Design-wide statements and properties: ``encrypt``, ``tls``, ``logs``, flow auth.

Their handlers only record the statement; :func:`apply_design_wide` runs
after every component and connection exists, so the settings reach
components that passes created too (flow log groups, the log bucket, the
audit trail).
"""

from __future__ import annotations

from archdsl.expand.balancers import require_ca
from archdsl.expand.context import Expansion, handles
from archdsl.expand.keys import same_region, set_key
from archdsl.expand.links import resolve_one
from archdsl.language import FlowStatement, Statement
from archdsl.model import REQUEST_KINDS, Component, Connection, Default
from archdsl.source import Span

#: Protocols that have no TLS form: GENEVE to firewall appliances and
#: VXLAN mirror copies are encapsulated packets.
_NO_TLS = ("geneve", "udp")

#: Id of the bucket that load balancer access logs go to.
ACCESS_LOG_BUCKET = "logs"


def _record(ctx: Expansion, statement: Statement) -> None:
    ctx.shared.setdefault("design_wide", {})[statement.keyword] = statement


@handles("encrypt")
def expand_encrypt(ctx: Expansion, statement: Statement) -> None:
    if not statement.written("key"):
        ctx.error(
            "'encrypt' needs the key to use",
            statement.span,
            "write 'encrypt all with kms key=<kms statement>'",
        )
        return
    _record(ctx, statement)


@handles("tls")
def expand_tls(ctx: Expansion, statement: Statement) -> None:
    _record(ctx, statement)


@handles("logs")
def expand_logs(ctx: Expansion, statement: Statement) -> None:
    if not statement.written("retain"):
        ctx.error(
            "'logs' needs retain=",
            statement.span,
            "write 'logs retain=30d'",
        )
        return
    _record(ctx, statement)


def apply_design_wide(ctx: Expansion) -> None:
    wide: dict[str, Statement] = ctx.shared.get("design_wide", {})
    _apply_flow_auth(ctx)
    if "encrypt" in wide:
        _encrypt_all(ctx, wide["encrypt"])
    if "tls" in wide:
        _tls_everywhere(ctx, wide["tls"])
    if "logs" in wide:
        _retain_logs(ctx, wide["logs"])
    _mark_tls_termination(ctx)


# encrypt all with kms key=... ------------------------------------------------


def _encrypt_all(ctx: Expansion, statement: Statement) -> None:
    unit = resolve_one(ctx, statement, "key", keywords=("kms",))
    if unit is None:
        return
    key = unit.ingress[0]
    ctx.design.settings["encrypt_all_with"] = key
    unencrypted: dict[str, Span] = {}
    elsewhere: list[str] = []
    for component in ctx.model.components.values():
        if not _stores_data(component) or component.kind == "kms.key":
            continue
        if not _is_encrypted(component):
            turned_off = _turned_off(component)
            if turned_off is not None and component.unit not in unencrypted:
                unencrypted[component.unit] = turned_off
            continue
        if _has_own_key(ctx, component):
            continue
        if not same_region(ctx, component, key):
            elsewhere.append(component.id)
            continue
        if component.id == ACCESS_LOG_BUCKET:
            component.defaults.append(
                Default(
                    "kms_key",
                    "SSE-S3",
                    "load balancer access logs can only be written to a bucket "
                    "with SSE-S3, so 'encrypt all' leaves this bucket on it",
                )
            )
            continue
        set_key(ctx, component, key, statement, "key")
    if elsewhere:
        ctx.warning(
            f"'encrypt all' cannot use key '{key}' for {len(elsewhere)} components "
            "in other regions, because KMS keys are regional; they keep their AWS "
            "managed keys",
            statement.span_of("key"),
            "declare a kms key inside each region block and name it with key=",
        )
    for name, span in unencrypted.items():
        ctx.warning(
            f"'encrypt all' leaves '{name}' unencrypted: its statement turns "
            "encryption off",
            span,
            "remove encrypted=off to put it under the key",
        )


def _stores_data(component: Component) -> bool:
    return "encrypted" in component.attrs or "ebs_encrypted" in component.attrs


def _is_encrypted(component: Component) -> bool:
    return bool(component.attrs.get("encrypted", component.attrs.get("ebs_encrypted")))


def _turned_off(component: Component) -> Span | None:
    for record in component.defaults:
        if record.key in ("encrypted", "ebs_encrypted") and record.weakened:
            return record.span
    return None


def _has_own_key(ctx: Expansion, component: Component) -> bool:
    key = component.attrs.get("kms_key")
    if not isinstance(key, str) or not ctx.exists(key):
        return False
    return ctx.get(key).kind == "kms.key"


# tls everywhere --------------------------------------------------------------


def _tls_everywhere(ctx: Expansion, statement: Statement) -> None:
    ctx.design.settings["tls_everywhere"] = True
    kept_off = _flows_with_tls_off(ctx)
    warned: set[str] = set()
    for connection in ctx.model.connections:
        if connection.kind not in REQUEST_KINDS or connection.tls:
            continue
        if connection.protocol is None or connection.protocol in _NO_TLS:
            continue
        reason = _why_not_tls(ctx, connection, kept_off)
        if reason is not None:
            key, message, span = reason
            if key not in warned:
                warned.add(key)
                ctx.warning(message, span, "remove tls=off, or encrypted=off")
            continue
        _encrypt_hop(ctx, connection, statement)


def _flows_with_tls_off(ctx: Expansion) -> set[Span]:
    return {
        flow.span
        for flow in ctx.flows
        if flow.written("tls") and flow.get("tls") is False
    }


def _why_not_tls(
    ctx: Expansion, connection: Connection, kept_off: set[Span]
) -> tuple[str, str, Span] | None:
    """Return why this hop stays plaintext: a statement turned TLS off for it."""
    if connection.flow is not None and connection.span in kept_off:
        return (
            connection.flow,
            f"'tls everywhere' leaves flow {connection.flow} plaintext: it is "
            "written with tls=off",
            connection.span,
        )
    for end in (connection.target, connection.source):
        component = ctx.get(end)
        for record in component.defaults:
            if record.key in ("tls", "encrypted") and record.weakened:
                return (
                    component.unit,
                    f"'tls everywhere' leaves traffic of '{component.unit}' "
                    f"plaintext: its statement sets {record.key}=off",
                    record.span or connection.span,
                )
    return None


def _encrypt_hop(ctx: Expansion, connection: Connection, statement: Statement) -> None:
    connection.tls = True
    if connection.protocol == "http":
        connection.protocol = "https"
    connection.attrs["tls_set_by"] = f"tls everywhere (line {statement.span.line})"
    source = ctx.get(connection.source)
    if source.kind in ("elbv2.alb", "elbv2.nlb"):
        group = source.attrs.get("target_group")
        if group and ctx.exists(group):
            attrs = ctx.get(group).attrs
            attrs["protocol"] = "HTTPS" if source.kind == "elbv2.alb" else "TLS"
            attrs["tls_to_targets"] = True
        source.attrs["reencrypts"] = True
    ctx.get(connection.target).attrs["serves_tls"] = True


# logs retain=... ---------------------------------------------------------------


def _retain_logs(ctx: Expansion, statement: Statement) -> None:
    days = statement.get("retain") // 86400
    ctx.design.settings["log_retention_days"] = days
    for component in ctx.model.components.values():
        if "log_retention_days" in component.attrs:
            _override(component, "log_retention_days", days, statement)
        elif "lifecycle_expire_days" in component.attrs and _holds_logs(component):
            _override(component, "lifecycle_expire_days", days, statement)


def _holds_logs(component: Component) -> bool:
    return component.id == ACCESS_LOG_BUCKET or bool(component.attrs.get("holds_logs"))


def _override(component: Component, key: str, days: int, statement: Statement) -> None:
    """Set ``key`` unless the component's own statement already wrote it."""
    for record in component.defaults:
        if record.key == key and record.overridden:
            return
    component.defaults.append(
        Default(
            key,
            component.attrs[key],
            "the retention this component would have without the logs statement",
            overridden_by=days,
            span=statement.span_of("retain"),
        )
    )
    component.attrs[key] = days


# Flow auth and TLS termination -----------------------------------------------


def _apply_flow_auth(ctx: Expansion) -> None:
    for flow in ctx.flows:
        if not flow.written("auth"):
            continue
        auth = flow.get("auth")
        authority = _authority_for(ctx, flow) if auth == "mtls" else None
        for connection in ctx.model.connections:
            if connection.flow is None or connection.span != flow.span:
                continue
            connection.attrs["auth"] = auth
            if auth == "mtls":
                connection.tls = True
                if connection.protocol == "http":
                    connection.protocol = "https"
                if authority is not None:
                    connection.attrs["ca"] = authority


def _authority_for(ctx: Expansion, flow: FlowStatement) -> str | None:
    cas = [u for u in ctx.model.units.values() if u.keyword == "ca"]
    if not cas:
        require_ca(ctx, _as_statement(flow), "auth")
        return None
    return cas[0].ingress[0]


def _as_statement(flow: FlowStatement) -> Statement:
    return Statement(
        keyword="flow",
        name="flow",
        span=flow.span,
        name_span=flow.span,
        settings=flow.settings,
    )


def _mark_tls_termination(ctx: Expansion) -> None:
    """Record where TLS from clients ends on every entry point."""
    for component in ctx.model.components.values():
        if component.kind in ("elbv2.alb", "elbv2.nlb"):
            component.attrs.setdefault(
                "tls_termination",
                "load_balancer" if component.attrs.get("tls") else None,
            )
        elif component.kind == "cloudfront.distribution":
            component.attrs.setdefault("tls_termination", "edge")
