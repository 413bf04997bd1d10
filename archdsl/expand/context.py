"""The state that expansion passes share while they build the model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from archdsl.catalog import KINDS
from archdsl.errors import Diagnostic, DiagnosticBag, Severity
from archdsl.language import FlowStatement, Statement
from archdsl.model import (
    CONNECTION_KINDS,
    Component,
    Connection,
    Default,
    Design,
    Model,
    Placement,
    Unit,
)
from archdsl.source import Span

Handler = Callable[["Expansion", Statement], None]

#: Components one design may expand into; larger designs are rejected as
#: soon as expansion crosses the limit. Real designs have hundreds or a few
#: thousand components.
#: NOTE: the checklist's time grows with the square of the number of tiers'
#: components (single points of failure, security group rules). A design of
#: 50,000 such components takes about two minutes to check on two cores, and
#: one of 110,000 took thirteen.
MAX_COMPONENTS = 50_000


class ExpansionAborted(Exception):
    """Expansion stopped early; the reason is in the diagnostics."""


#: Statement handlers by keyword; modules register theirs with :func:`handles`.
HANDLERS: dict[str, Handler] = {}


def handles(keyword: str) -> Callable[[Handler], Handler]:
    def decorate(function: Handler) -> Handler:
        if keyword in HANDLERS:
            raise ValueError(f"statement '{keyword}' has two handlers")
        HANDLERS[keyword] = function
        return function

    return decorate


@dataclass
class Expansion:
    """Shared state of one expansion run.

    Passes add components and connections through :meth:`add` and
    :meth:`connect`, and choose settings through :meth:`choose`, which records
    every default and every override of one with its reason.
    """

    design: Design
    statements: list[Statement]
    flows: list[FlowStatement]
    diagnostics: DiagnosticBag = field(default_factory=DiagnosticBag)
    model: Model = field(init=False)
    #: Section that components created now are listed under in the model.
    section: str = "units"
    _sections: dict[str, str] = field(default_factory=dict)
    _connection_ids: dict[str, int] = field(default_factory=dict)
    _links: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    #: State that one pass leaves for a later one, keyed by the pass's name.
    shared: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.model = Model(self.design)

    # Components -----------------------------------------------------------

    def add(
        self,
        component_id: str,
        kind: str,
        name: str,
        *,
        unit: str,
        reason: str,
        span: Span,
        placement: Placement | None = None,
        attrs: dict[str, Any] | None = None,
        section: str | None = None,
    ) -> Component:
        if component_id in self.model.components:
            raise ValueError(f"component id '{component_id}' is created twice")
        if len(self.model.components) >= MAX_COMPONENTS:
            self.abort(
                f"the design expands into more than {MAX_COMPONENTS} components",
                span,
                "use fewer or smaller cells, or split the design",
            )
        if kind not in KINDS:
            raise ValueError(f"component kind '{kind}' is not in the catalogue")
        component = Component(
            id=component_id,
            kind=kind,
            name=name,
            unit=unit,
            placement=placement or Placement(region=self.design.region),
            reason=reason,
            span=span,
            attrs=dict(attrs or {}),
        )
        self.model.components[component_id] = component
        self._sections[component_id] = section or self.section
        unit_record = self.model.units.get(unit)
        if unit_record is not None:
            unit_record.components.append(component_id)
        return component

    def get(self, component_id: str) -> Component:
        return self.model.components[component_id]

    def exists(self, component_id: str) -> bool:
        return component_id in self.model.components

    def choose(
        self,
        component: Component,
        key: str,
        default: Any,
        reason: str,
        *,
        statement: Statement | None = None,
        option: str | None = None,
        safety: bool = False,
        convert: Callable[[Any], Any] | None = None,
        at_least: bool = False,
    ) -> Any:
        """Set ``component.attrs[key]`` and record how the value was chosen.

        When ``statement`` wrote ``option`` (``key`` unless given), the
        author's value wins, and the record keeps the default it replaced.
        ``convert`` turns the written value into the attribute's unit.
        ``at_least`` marks a safety default that larger values keep.
        """
        option = option or key
        record = Default(
            key=key, value=default, reason=reason, safety=safety, at_least=at_least
        )
        value = default
        if statement is not None and statement.written(option):
            value = statement.get(option)
            if convert is not None:
                value = convert(value)
            record.overridden_by = value
            record.span = statement.span_of(option)
        component.attrs[key] = value
        component.defaults.append(record)
        return value

    def region_of(self, statement: Statement | FlowStatement) -> str:
        return statement.context.region or self.design.region

    def placement_for(self, statement: Statement) -> Placement:
        """Placement of a component outside any VPC (Lambda, S3, SNS, ...)."""
        return Placement(
            region=self.region_of(statement), groups=statement.context.groups
        )

    # Connections ------------------------------------------------------------

    def connect(
        self,
        source: str,
        target: str,
        kind: str,
        *,
        reason: str,
        span: Span,
        protocol: str | None = None,
        port: int | None = None,
        tls: bool | None = None,
        label: str | None = None,
        flow: str | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> Connection:
        if kind not in CONNECTION_KINDS:
            raise ValueError(f"connection kind '{kind}' is unknown")
        for end in (source, target):
            if end not in self.model.components:
                raise ValueError(f"connection end '{end}' is not a component")
        base = f"{source}->{target}"
        count = self._connection_ids.get(base, 0) + 1
        self._connection_ids[base] = count
        connection = Connection(
            id=base if count == 1 else f"{base}#{count}",
            source=source,
            target=target,
            kind=kind,
            reason=reason,
            span=span,
            protocol=protocol,
            port=port,
            tls=tls,
            label=label,
            flow=flow,
            attrs=dict(attrs or {}),
        )
        self.model.connections.append(connection)
        self._links.setdefault((source, target), set()).add(kind)
        return connection

    def connected(self, source: str, target: str, kind: str | None = None) -> bool:
        kinds = self._links.get((source, target), ())
        return bool(kinds) if kind is None else kind in kinds

    # Units and diagnostics --------------------------------------------------

    def add_unit(self, statement: Statement) -> Unit:
        unit = Unit(
            statement.name,
            statement.keyword,
            statement.span,
            label=statement.label,
            groups=statement.context.groups,
        )
        self.model.units[statement.name] = unit
        local = statement.local_name or statement.name
        patterns = self.shared.setdefault("unit_patterns", {})
        patterns[statement.name] = (*statement.context.pattern, *local.split("."))
        return unit

    def unit(self, name: str) -> Unit:
        return self.model.units[name]

    def error(self, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diagnostics.error(message, span, hint)

    def abort(
        self, message: str, span: Span | None, hint: str | None = None
    ) -> NoReturn:
        """Record an error that makes further expansion pointless, and stop."""
        self.diagnostics.error(message, span, hint)
        raise ExpansionAborted(message)

    def warning(self, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diagnostics.warning(message, span, hint)

    def note_diagnostic(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.add(diagnostic)

    # Ordering ---------------------------------------------------------------

    def ordered_components(
        self, section_order: tuple[str, ...]
    ) -> dict[str, Component]:
        """Return components grouped by section, creation order inside each."""
        rank = {name: index for index, name in enumerate(section_order)}
        items = sorted(
            enumerate(self.model.components.items()),
            key=lambda pair: (rank.get(self._sections[pair[1][0]], len(rank)), pair[0]),
        )
        return dict(pair for _, pair in items)


def warnings_of(bag: DiagnosticBag) -> list[Diagnostic]:
    return [d for d in bag.items if d.severity is Severity.WARNING]
