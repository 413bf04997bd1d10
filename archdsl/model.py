"""The expanded model: AWS components, the connections between them, and why.

Renderers, the checklist and the docs read only this model, never the syntax
tree. Every component and connection records the statement that caused it
(its span) and a one-line reason. Each setting that archdsl chose for the
author is a :class:`Default` record. A record stays when the author
overrides it, so reports can show which safety defaults were weakened.

Attribute names used across stages (the checklist and docs rely on them):

``public``            bool: reachable from the internet without an intermediary
``encrypted``         bool: data at rest encrypted
``kms_key``           component id or AWS-managed key alias
``tls``               bool (on connections): encrypted in transit
``multi_az``          bool: a standby, replica or node in another AZ
``min``/``max``       ints: capacity bounds of a scaling group
``dlq``               component id of a dead-letter queue
``log_retention_days`` int
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from archdsl.catalog import KINDS
from archdsl.errors import Diagnostic
from archdsl.source import Span

#: Version of the JSON layout ``archdsl expand`` prints.
SCHEMA_VERSION = 1

#: Connection kinds. Traffic kinds carry requests or data. An
#: ``association`` carries no traffic: it links a component to what it
#: configures, such as a WAF to a distribution or a DNS record to its target.
#: ``monitoring`` carries telemetry to a service that watches rather than
#: serves: logs, metrics, traces, audit events, findings, mirrored packets.
TRAFFIC_KINDS = ("sync", "async", "data", "event", "replication", "egress")
CONNECTION_KINDS = (*TRAFFIC_KINDS, "association", "monitoring")
#: Traffic kinds that a flow from the design creates: a component's own
#: requests and data, as opposed to replication and egress.
REQUEST_KINDS = ("sync", "async", "data", "event")


@dataclass
class Placement:
    region: str | None = None
    vpc: str | None = None
    azs: tuple[str, ...] = ()
    subnets: tuple[str, ...] = ()
    #: Enclosing user groups or cells, outermost first.
    groups: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.region:
            data["region"] = self.region
        if self.vpc:
            data["vpc"] = self.vpc
        if self.azs:
            data["azs"] = list(self.azs)
        if self.subnets:
            data["subnets"] = list(self.subnets)
        if self.groups:
            data["groups"] = list(self.groups)
        return data


@dataclass
class Default:
    """A setting archdsl chose; ``overridden`` when the author wrote it instead."""

    key: str
    value: Any
    reason: str
    safety: bool = False
    overridden_by: Any = None
    span: Span | None = None
    #: The default is a floor: a larger value written by the author keeps
    #: the protection, and only a smaller one weakens it.
    at_least: bool = False

    @property
    def overridden(self) -> bool:
        return self.span is not None

    @property
    def weakened(self) -> bool:
        """The author turned off or lowered a setting that protects the design.

        A number counts as weakened only when it is below the default, so
        that ``min=3`` over a default of 2 or ``backup=14d`` over 7 days is
        not reported.
        """
        if not (self.safety and self.overridden):
            return False
        if self.at_least and self.overridden_by is not None:
            return bool(self.overridden_by < self.value)
        if _is_number(self.value) and _is_number(self.overridden_by):
            return bool(self.overridden_by < self.value)
        return bool(self.overridden_by != self.value)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "value": _jsonable(self.value),
            "reason": self.reason,
        }
        if self.safety:
            data["safety"] = True
        if self.at_least:
            data["at_least"] = True
        if self.overridden:
            data["set_to"] = _jsonable(self.overridden_by)
            data["set_at"] = self.span.to_json() if self.span else None
            if self.weakened:
                data["weakened"] = True
        return data


@dataclass
class Component:
    id: str
    kind: str
    name: str
    unit: str
    placement: Placement
    reason: str
    span: Span
    attrs: dict[str, Any] = field(default_factory=dict)
    defaults: list[Default] = field(default_factory=list)

    @property
    def service(self) -> str:
        return KINDS[self.kind].service

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "service": self.service,
            "name": self.name,
            "unit": self.unit,
            "placement": self.placement.to_json(),
            "attrs": {k: _jsonable(v) for k, v in self.attrs.items()},
            "reason": self.reason,
            "source": self.span.to_json(),
        }
        if self.defaults:
            data["defaults"] = [d.to_json() for d in self.defaults]
        return data


@dataclass
class Connection:
    id: str
    source: str
    target: str
    kind: str
    reason: str
    span: Span
    protocol: str | None = None
    port: int | None = None
    tls: bool | None = None
    label: str | None = None
    #: Id of the flow this hop belongs to, for hops expanded from a flow.
    flow: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "target": self.target,
            "kind": self.kind,
        }
        for key in ("protocol", "port", "tls", "label", "flow"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.attrs:
            data["attrs"] = {k: _jsonable(v) for k, v in self.attrs.items()}
        data["reason"] = self.reason
        data["source_location"] = self.span.to_json()
        return data


@dataclass
class Flow:
    """A path the author wrote (``web -> app``) and the hops it became."""

    id: str
    source: str
    target: str
    kind: str
    span: Span
    label: str | None = None
    hops: list[str] = field(default_factory=list)
    #: Options the author wrote on the flow (``tls``, ``port``, ``auth``, ...).
    settings: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "target": self.target,
            "kind": self.kind,
        }
        if self.label is not None:
            data["label"] = self.label
        if self.settings:
            data["settings"] = {k: _jsonable(v) for k, v in self.settings.items()}
        data["hops"] = list(self.hops)
        data["source_location"] = self.span.to_json()
        return data


@dataclass
class Unit:
    """Expansion of one named statement: its components and its entry points."""

    name: str
    keyword: str
    span: Span
    components: list[str] = field(default_factory=list)
    #: Components that receive the unit's incoming traffic.
    ingress: list[str] = field(default_factory=list)
    #: Components that send the unit's outgoing traffic.
    egress: list[str] = field(default_factory=list)
    protocol: str | None = None
    port: int | None = None
    #: Whether connections to this unit are TLS by default.
    tls: bool = False
    internet_facing: bool = False
    security_group: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    #: The statement's quoted label, if it has one.
    label: str | None = None
    #: The group and cell blocks the statement sits in, outermost first.
    groups: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "keyword": self.keyword,
            "components": list(self.components),
            "ingress": list(self.ingress),
            "egress": list(self.egress),
        }
        if self.internet_facing:
            data["internet_facing"] = True
        if self.label:
            data["label"] = self.label
        if self.groups:
            data["groups"] = list(self.groups)
        data["source"] = self.span.to_json()
        return data


@dataclass(frozen=True)
class CellStamp:
    """A ``cell`` block stamped out in one place: its copies' group labels."""

    name: str
    region: str
    #: Group labels around the copies, outermost first.
    groups: tuple[str, ...]
    copies: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "region": self.region,
            "groups": list(self.groups),
            "copies": list(self.copies),
        }


@dataclass
class Design:
    name: str
    regions: tuple[str, ...]
    azs: dict[str, tuple[str, ...]]
    domain: str
    span: Span
    label: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    defaults: list[Default] = field(default_factory=list)
    #: Every cell block's copies, so that renderers can draw a few and count
    #: the rest.
    cells: list[CellStamp] = field(default_factory=list)

    @property
    def region(self) -> str:
        return self.regions[0]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "regions": list(self.regions),
            "azs": {region: list(azs) for region, azs in self.azs.items()},
            "domain": self.domain,
        }
        if self.label:
            data["label"] = self.label
        if self.settings:
            data["settings"] = {k: _jsonable(v) for k, v in self.settings.items()}
        if self.defaults:
            data["defaults"] = [d.to_json() for d in self.defaults]
        if self.cells:
            data["cells"] = [cell.to_json() for cell in self.cells]
        return data


@dataclass
class Waiver:
    """A checklist rule the author accepts, for one unit or component or for all.

    ``target`` is a unit name (what a statement is called), a component id,
    or None for every finding of the rule.
    """

    rule: str
    target: str | None
    reason: str
    span: Span

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "target": self.target,
            "reason": self.reason,
            "source_location": self.span.to_json(),
        }


@dataclass
class Model:
    design: Design
    components: dict[str, Component] = field(default_factory=dict)
    connections: list[Connection] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    _indexed: int = field(default=-1, repr=False, compare=False)
    _by_source: dict[str, list[Connection]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _by_target: dict[str, list[Connection]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def component(self, component_id: str) -> Component:
        return self.components[component_id]

    def of_kind(self, *kinds: str) -> list[Component]:
        return [c for c in self.components.values() if c.kind in kinds]

    def outgoing(self, component_id: str) -> list[Connection]:
        return list(self._adjacency()[0].get(component_id, ()))

    def incoming(self, component_id: str) -> list[Connection]:
        return list(self._adjacency()[1].get(component_id, ()))

    def _adjacency(
        self,
    ) -> tuple[dict[str, list[Connection]], dict[str, list[Connection]]]:
        """Index connections by source and by target, rebuilt when the list grows.

        Expansion only ever appends connections, so a changed length is a
        complete test for a stale index.
        """
        if self._indexed != len(self.connections):
            by_source: dict[str, list[Connection]] = {}
            by_target: dict[str, list[Connection]] = {}
            for connection in self.connections:
                by_source.setdefault(connection.source, []).append(connection)
                by_target.setdefault(connection.target, []).append(connection)
            self._by_source, self._by_target = by_source, by_target
            self._indexed = len(self.connections)
        return self._by_source, self._by_target

    def weakened_defaults(self) -> list[tuple[Component, Default]]:
        return [
            (component, default)
            for component in self.components.values()
            for default in component.defaults
            if default.weakened
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "design": self.design.to_json(),
            "units": [unit.to_json() for unit in self.units.values()],
            "components": [c.to_json() for c in self.components.values()],
            "connections": [c.to_json() for c in self.connections],
            "flows": [f.to_json() for f in self.flows],
            "waivers": [w.to_json() for w in self.waivers],
            "warnings": [w.to_json() for w in self.warnings],
        }

    def dumps(self) -> str:
        """Return the model as indented JSON with a trailing newline."""
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
