"""What the design document says, computed from the model and the checklist.

Each ``*_section`` function returns plain data (dicts, lists, strings) for
one section of the template. Nothing here is fixed prose about a particular
design: every sentence is built from the model, so a different design gets
a different document.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from archdsl.catalog import KINDS
from archdsl.check.engine import CheckResult
from archdsl.check.graph import (
    RequestGraph,
    entry_points,
    reachable_stores,
    single_points,
)
from archdsl.check.query import is_store
from archdsl.check.simulate import SimulationResult
from archdsl.docs import costs
from archdsl.docs.markdown import Safe, code
from archdsl.model import Component, Connection, Model

#: Attributes that are ids or bookkeeping, never shown as key settings.
_HIDDEN_ATTRS = frozenset(
    {
        "security_group",
        "launch_template",
        "target_group",
        "listeners",
        "asg",
        "cluster",
        "group",
        "writer",
        "hidden_in_diagram",
        "written_by",
        "used_by",
        "records",
        "ingress",
        "origins",
        "access_logs_bucket",
        "log_group",
        "flow_logs",
        "forward_to",
        "certificate",
        "web_acl",
        "origin_restricted_to",
        "managed_rules",
        "domains",
        "route_tables",
        "targets",
        "vpcs",
        "aliases",
    }
)

#: Most key settings shown per component in the components table.
MAX_SETTINGS = 6

_KIND_WORDS = {
    "sync": "synchronous request",
    "async": "asynchronous message",
    "data": "data flow",
    "event": "event",
}

_PROTOCOLS = {
    "https": "HTTPS",
    "http": "HTTP",
    "grpc": "gRPC",
    "tcp": "TCP",
    "postgres": "PostgreSQL",
    "mysql": "MySQL",
    "redis": "Redis",
    "memcached": "Memcached",
}


@dataclass
class DocumentInputs:
    model: Model
    check: CheckResult
    #: AZ-loss simulations, one per AZ of the first region.
    az_losses: list[SimulationResult]
    region_losses: list[SimulationResult]
    source_link: str
    diagram_svg: str
    #: None when the document has no PNG copy of the diagram.
    diagram_png: str | None


def build_context(inputs: DocumentInputs) -> dict[str, Any]:
    model = inputs.model
    return {
        "design": model.design,
        "links": {
            "source": inputs.source_link,
            "svg": inputs.diagram_svg,
            "png": inputs.diagram_png,
        },
        "summary": summary_section(model),
        "components": components_section(model),
        "defaults": defaults_section(model),
        "flows": flows_section(model),
        "security": security_section(model, inputs.check),
        "reliability": reliability_section(model, inputs),
        "scaling": scaling_section(model),
        "costs": costs.cost_section(model),
        "checklist": checklist_section(inputs.check),
        "questions": questions_section(model, inputs),
    }


# Summary ------------------------------------------------------------------


def summary_section(model: Model) -> dict[str, Any]:
    design = model.design
    units = list(model.units.values())
    by_keyword = Counter(u.keyword for u in units)
    facing = [u.name for u in units if u.internet_facing]
    zones = sum(len(azs) for azs in design.azs.values())
    return {
        "components": len(model.components),
        "connections": sum(1 for c in model.connections if c.kind != "association"),
        "regions": list(design.regions),
        "az_count": zones,
        "statements": sorted(by_keyword.items()),
        "internet_facing": facing,
        "drawn": sum(1 for c in model.components.values() if KINDS[c.kind].draw),
    }


# Components ---------------------------------------------------------------


def components_section(model: Model) -> list[dict[str, Any]]:
    """Group components by the statement that made them, in design order."""
    groups: dict[str, list[Component]] = {}
    for component in model.components.values():
        groups.setdefault(component.unit, []).append(component)
    sections = []
    for unit, members in groups.items():
        record = model.units.get(unit)
        title = (
            f"{unit} ({record.keyword})" if record else _GENERATED_UNITS.get(unit, unit)
        )
        sections.append(
            {
                "title": title,
                "label": record.label if record else None,
                "groups": " / ".join(record.groups) if record else "",
                "rows": [_component_row(c) for c in members],
            }
        )
    return sections


_GENERATED_UNITS = {
    "internet": "Users",
    "network": "Network (added by archdsl)",
    "dns": "DNS and certificates (added by archdsl)",
    "logs": "Logging (added by archdsl)",
}


def _component_row(component: Component) -> dict[str, Any]:
    return {
        "id": component.id,
        "service": f"{component.service}: {KINDS[component.kind].title}",
        "placement": placement_text(component),
        "settings": _key_settings(component),
        "reason": component.reason,
    }


def placement_text(component: Component) -> str:
    placement = component.placement
    parts = []
    if placement.region:
        parts.append(placement.region)
    if placement.azs:
        parts.append(
            "/".join(placement.azs) if len(placement.azs) > 1 else placement.azs[0]
        )
    if placement.subnets:
        layers = sorted({s.split(".")[-2] for s in placement.subnets if "subnet." in s})
        if layers:
            parts.append(", ".join(f"{layer} subnet" for layer in layers))
    if placement.groups:
        parts.append("in " + " / ".join(placement.groups))
    return ", ".join(parts) if parts else "global"


def _key_settings(component: Component) -> Safe:
    shown = []
    for key, value in component.attrs.items():
        hidden = key in _HIDDEN_ATTRS or value is None
        if hidden or isinstance(value, dict | list | tuple):
            continue
        shown.append(code(f"{key}={_value_text(value)}"))
        if len(shown) == MAX_SETTINGS:
            break
    return Safe(" ".join(shown))


def _value_text(value: object) -> str:
    if value is True:
        return "on"
    if value is False:
        return "off"
    return str(value)


# Defaults -----------------------------------------------------------------


def defaults_section(model: Model) -> dict[str, Any]:
    chosen, written, weakened = [], [], []
    for component in model.components.values():
        for record in component.defaults:
            row = {
                "component": component.id,
                "setting": record.key,
                "value": _value_text(record.value),
                "reason": record.reason,
                "safety": record.safety,
            }
            if record.weakened:
                weakened.append(
                    {
                        **row,
                        "set_to": _value_text(record.overridden_by),
                        "where": str(record.span),
                    }
                )
            elif record.overridden and record.overridden_by != record.value:
                written.append({**row, "set_to": _value_text(record.overridden_by)})
            elif record.overridden:
                continue
            else:
                chosen.append(row)
    attached = {id(r) for c in model.components.values() for r in c.defaults}
    for record in model.design.defaults:
        if id(record) in attached:
            continue
        row = {
            "component": "design",
            "setting": record.key,
            "value": _value_text(record.value),
            "reason": record.reason,
            "safety": record.safety,
        }
        if record.weakened:
            weakened.append(
                {
                    **row,
                    "set_to": _value_text(record.overridden_by),
                    "where": str(record.span),
                }
            )
        elif record.overridden and record.overridden_by != record.value:
            written.append({**row, "set_to": _value_text(record.overridden_by)})
        elif not record.overridden:
            chosen.append(row)
    for flow in model.flows:
        if flow.settings.get("tls") is False:
            weakened.append(
                {
                    "component": f"flow {flow.id}",
                    "setting": "tls",
                    "value": "on where the target supports it",
                    "set_to": "off",
                    "where": str(flow.span),
                    "reason": "TLS keeps credentials and data unreadable on the network",
                    "safety": True,
                }
            )
    return {"chosen": chosen, "written": written, "weakened": weakened}


# Flows --------------------------------------------------------------------


def hop_text(connection: Connection) -> str:
    """Describe one hop: ``HTTPS :443, TLS`` or ``asynchronous message``."""
    parts = []
    if connection.protocol:
        protocol = _PROTOCOLS.get(connection.protocol, connection.protocol)
        parts.append(f"{protocol} :{connection.port}" if connection.port else protocol)
    if connection.tls is True:
        parts.append("TLS")
    elif connection.tls is False:
        parts.append("plaintext")
    return ", ".join(parts)


def flows_section(model: Model) -> dict[str, Any]:
    written = []
    connections = {c.id: c for c in model.connections}
    for flow in model.flows:
        hops = [connections[h] for h in flow.hops if h in connections]
        senders = sorted({h.source for h in hops})
        receivers = sorted({h.target for h in hops})
        written.append(
            {
                "source": flow.source,
                "target": flow.target,
                "kind": _KIND_WORDS.get(flow.kind, flow.kind),
                "label": flow.label,
                "how": hop_text(hops[0]) if hops else "",
                "senders": ", ".join(senders),
                "receivers": ", ".join(receivers),
                "where": str(flow.span),
            }
        )
    return {"written": written, "paths": request_paths(model)}


def request_paths(model: Model) -> list[dict[str, Any]]:
    """Each shortest path from an entry point to a data store, hop by hop."""
    graph = RequestGraph.of(model)
    entries = entry_points(model, graph)
    internet = [c.id for c in model.of_kind("external.internet")]
    starts = internet or entries
    by_pair = {(c.source, c.target): c for c in model.connections}
    paths = []
    for store in reachable_stores(model, graph, entries):
        path = graph.shortest_path(starts, store)
        if not path:
            continue
        steps = []
        for source, target in zip(path, path[1:], strict=False):
            connection = by_pair.get((source, target))
            steps.append(
                {
                    "from": _name_of(model, source),
                    "to": _name_of(model, target),
                    "how": hop_text(connection) if connection else "",
                    "kind": _KIND_WORDS.get(connection.kind, "") if connection else "",
                }
            )
        paths.append({"store": store, "steps": steps})
    return paths


def _name_of(model: Model, component_id: str) -> str:
    component = model.components[component_id]
    if component.kind == "external.internet":
        return "Users"
    return component.id


# Security -----------------------------------------------------------------


def _exposure_reason(component: Component) -> str:
    """Return why ``component`` faces the internet, and who may reach it."""
    if component.attrs.get("origin_restricted_to"):
        return (
            f"{component.reason}; its security group admits only CloudFront's "
            "origin-facing addresses"
        )
    return component.reason


def security_section(model: Model, check: CheckResult) -> dict[str, Any]:
    components = list(model.components.values())
    from_internet = {
        c.target
        for c in model.connections
        if model.components[c.source].kind == "external.internet"
        and c.kind != "association"
    }
    exposed = [
        {"component": c.id, "service": c.service, "why": _exposure_reason(c)}
        for c in components
        if c.kind != "ec2.subnet" and (c.attrs.get("public") or c.id in from_internet)
    ]
    at_rest = [
        {
            "component": c.id,
            "service": c.service,
            "encrypted": bool(c.attrs.get("encrypted")),
            "key": c.attrs.get("kms_key") or c.attrs.get("encryption") or "",
        }
        for c in components
        if KINDS[c.kind].stateful and "encrypted" in c.attrs
    ]
    traffic = [
        c for c in model.connections if c.kind in ("sync", "async", "data", "event")
    ]
    plaintext = [
        {"from": c.source, "to": c.target, "how": hop_text(c)}
        for c in traffic
        if c.tls is False
    ]
    segmentation = [
        {
            "group": c.id,
            "rules": [
                f"{r['protocol']} {r['port']} from {r['source']}"
                for r in c.attrs.get("ingress", [])
            ],
        }
        for c in components
        if c.kind == "ec2.security-group"
    ]
    firewalls = [
        {"component": c.id, "protects": _associated(model, c.id)}
        for c in components
        if c.kind == "wafv2.web-acl"
    ]
    auth = [
        {"component": c.id, "authorizer": c.attrs.get("authorizer") or "none"}
        for c in components
        if "authorizer" in c.attrs
    ]
    findings = [f for f in check.findings if f.pillar == "security"]
    return {
        "exposed": exposed,
        "at_rest": at_rest,
        "encrypted_hops": sum(1 for c in traffic if c.tls),
        "hops": len(traffic),
        "plaintext": plaintext,
        "segmentation": segmentation,
        "firewalls": firewalls,
        "auth": auth,
        "findings": [_finding_row(f) for f in findings],
    }


def _associated(model: Model, component_id: str) -> list[str]:
    return [
        c.target
        for c in model.connections
        if c.source == component_id and c.kind == "association"
    ]


# Reliability --------------------------------------------------------------


def reliability_section(model: Model, inputs: DocumentInputs) -> dict[str, Any]:
    spread = []
    regional = []
    for unit in model.units.values():
        zones = sorted(
            {
                az
                for cid in unit.components
                for az in model.components[cid].placement.azs
            }
        )
        if zones:
            spread.append({"unit": unit.name, "keyword": unit.keyword, "azs": zones})
        else:
            regional.append(unit.name)
    failover = [
        {
            "component": c.id,
            "multi_az": bool(c.attrs.get("multi_az")),
            "replicas": c.attrs.get("replicas", 0),
        }
        for c in model.components.values()
        if "multi_az" in c.attrs
    ]
    spofs = [
        {"component": p.component, "stores": list(p.stores), "path": list(p.path)}
        for p in single_points(model)
    ]
    return {
        "spread": spread,
        "regional": regional,
        "failover": failover,
        "spofs": spofs,
        "az_losses": [simulation_summary(s) for s in inputs.az_losses],
        "region_losses": [simulation_summary(s) for s in inputs.region_losses],
        "findings": [
            _finding_row(f) for f in inputs.check.findings if f.pillar == "reliability"
        ],
    }


def simulation_summary(result: SimulationResult) -> dict[str, Any]:
    cut = result.cut_stores()
    return {
        "scenario": str(result.scenario),
        "target": result.scenario.target,
        "lost": len(result.lost),
        "outage": result.outage,
        "cut": cut,
        "failovers": [
            {"component": f.component, "role": f.role, "partner": f.partner}
            for f in result.failovers
        ],
        "capacity": [
            {
                "unit": c.unit,
                "resource": c.resource,
                "before": c.before,
                "after": c.after,
                "note": c.note,
            }
            for c in result.capacity
        ],
    }


# Scaling ------------------------------------------------------------------


def scaling_section(model: Model) -> dict[str, Any]:
    groups = []
    for component in model.components.values():
        attrs = component.attrs
        if "min" in attrs and "max" in attrs:
            groups.append(
                {
                    "component": component.id,
                    "min": attrs["min"],
                    "max": attrs["max"],
                    "signal": _scaling_signal(component),
                    "headroom": round(attrs["max"] / attrs["min"], 1)
                    if attrs["min"]
                    else None,
                }
            )
    replicas = [
        {"component": c.id, "replicas": c.attrs.get("replicas", 0)}
        for c in model.components.values()
        if "replicas" in c.attrs
    ]
    caches = [
        {"component": c.id, "service": c.service}
        for c in model.components.values()
        if c.kind in ("elasticache.replication-group", "cloudfront.distribution")
    ]
    limits = [
        {"component": c.id, "setting": key, "value": c.attrs[key]}
        for c in model.components.values()
        for key in ("reserved_concurrency", "throttling", "rate_limit_per_5_minutes")
        if c.attrs.get(key) is not None
    ]
    return {"groups": groups, "replicas": replicas, "caches": caches, "limits": limits}


def _scaling_signal(component: Component) -> str:
    scaling = component.attrs.get("scaling")
    if isinstance(scaling, dict) and scaling.get("signal"):
        target = scaling.get("target")
        return f"{scaling['signal']}" + (f" (target {target})" if target else "")
    if component.attrs.get("scaling_policy"):
        return str(component.attrs["scaling_policy"])
    return "none"


# Checklist ----------------------------------------------------------------


def _finding_row(finding) -> dict[str, Any]:
    return {
        "rule": finding.rule.id,
        "title": finding.rule.title,
        "severity": finding.severity.value,
        "pillar": finding.pillar,
        "components": ", ".join(finding.components) or "the design",
        "message": finding.message,
        "fix": finding.fix,
        "waived": finding.waived,
        "reason": finding.waiver.reason if finding.waiver else "",
        "where": f"{finding.span.file}:{finding.span.line}",
    }


def checklist_section(check: CheckResult) -> dict[str, Any]:
    counts = Counter(f.severity.value for f in check.findings if not f.waived)
    return {
        "rules": len(check.rules),
        "findings": [_finding_row(f) for f in check.findings],
        "counts": [
            (s, counts.get(s, 0)) for s in ("critical", "high", "medium", "low")
        ],
        "waivers": [
            {"rule": w.rule, "target": w.target or "every finding", "reason": w.reason}
            for w in check.model.waivers
        ],
        "failed": check.failed,
    }


# Questions ----------------------------------------------------------------


def questions_section(model: Model, inputs: DocumentInputs) -> list[dict[str, Any]]:
    from archdsl.docs.questions import review_questions

    return review_questions(model, inputs)


def stores(model: Model) -> list[Component]:
    return [c for c in model.components.values() if is_store(c)]
