"""Failure simulation: remove one AZ or one region and see what still works.

The simulation removes every component placed only in the lost AZ (or in
the lost region). Each lost primary fails over to its partner where AWS
does that automatically. The result lists which entry points still reach
which data stores, the capacity each tier keeps at its minimum size, and
which stateful components lost their primary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archdsl.catalog import KINDS
from archdsl.check.graph import RequestGraph, entry_points, reachable_stores
from archdsl.check.query import PRIMARY_ROLES, failover_partner, requests
from archdsl.errors import UsageError
from archdsl.model import Component, Model

SCENARIO_KINDS = ("az-loss", "region-loss")

#: Entry points reported one by one in a simulation; more are grouped.
MAX_ENTRIES_LISTED = 20

#: Kinds whose replicas in other regions all take reads and writes (DynamoDB
#: global tables), so callers of a lost copy are served by a surviving one.
MULTI_ACTIVE_KINDS = frozenset({"dynamodb.table"})


@dataclass(frozen=True)
class Scenario:
    kind: str
    target: str

    def __str__(self) -> str:
        return f"{self.kind}={self.target}"


@dataclass(frozen=True)
class Failover:
    """Outcome for a lost primary: the promoted partner, or None when none exists."""

    component: str
    role: str
    partner: str | None


@dataclass(frozen=True)
class Reach:
    entry: str
    store: str
    reachable: bool
    via: str | None = None


@dataclass(frozen=True)
class Capacity:
    unit: str
    resource: str
    before: int
    after: int
    note: str = ""


@dataclass
class SimulationResult:
    scenario: Scenario
    lost: list[str] = field(default_factory=list)
    failovers: list[Failover] = field(default_factory=list)
    reach: list[Reach] = field(default_factory=list)
    capacity: list[Capacity] = field(default_factory=list)

    def cut_stores(self) -> list[str]:
        """Return the store units that no entry point reaches any more."""
        reached: dict[str, bool] = {}
        for record in self.reach:
            reached[record.store] = reached.get(record.store, False) or record.reachable
        return sorted(store for store, ok in reached.items() if not ok)

    @property
    def outage(self) -> bool:
        return bool(self.cut_stores())


def parse_scenario(text: str, model: Model) -> Scenario:
    """Read ``az-loss=<az>`` or ``region-loss=<region>``; raise UsageError if invalid."""
    kind, _, target = text.partition("=")
    if kind not in SCENARIO_KINDS or not target:
        raise UsageError(
            f"invalid --simulate value '{text}'\n"
            "  hint: write az-loss=<availability zone> or region-loss=<region>, "
            "for example az-loss=us-east-1a"
        )
    if kind == "az-loss":
        known = [az for azs in model.design.azs.values() for az in azs]
    else:
        known = list(model.design.regions)
    if target not in known:
        what = "Availability Zone" if kind == "az-loss" else "region"
        raise UsageError(
            f"{what} '{target}' is not part of design '{model.design.name}'\n"
            f"  hint: the design uses {', '.join(known)}"
        )
    return Scenario(kind, target)


def lost_components(model: Model, scenario: Scenario) -> set[str]:
    lost = set()
    for component in model.components.values():
        if _is_lost(component, scenario):
            lost.add(component.id)
    return lost


def _is_lost(component: Component, scenario: Scenario) -> bool:
    placement = component.placement
    if scenario.kind == "az-loss":
        return bool(placement.azs) and set(placement.azs) <= {scenario.target}
    scope = KINDS[component.kind].scope
    return scope not in ("global", "external") and placement.region == scenario.target


def simulate(model: Model, scenario: Scenario) -> SimulationResult:
    lost = lost_components(model, scenario)
    result = SimulationResult(scenario, lost=sorted(lost))
    promoted = _failovers(model, lost, result)
    _reach(model, lost, promoted, result)
    _capacity(model, lost, result)
    return result


def _failovers(
    model: Model, lost: set[str], result: SimulationResult
) -> dict[str, str]:
    promoted: dict[str, str] = {}
    for component_id in sorted(lost):
        component = model.components[component_id]
        role = component.attrs.get("role")
        if component.kind in MULTI_ACTIVE_KINDS:
            _serve_from_replica(model, component, lost, promoted, result)
            continue
        if role not in PRIMARY_ROLES:
            continue
        partner = failover_partner(model, component)
        if partner is not None and partner.id in lost:
            partner = None
        if partner is not None:
            promoted[component_id] = partner.id
        result.failovers.append(
            Failover(component_id, str(role), partner.id if partner else None)
        )
    return promoted


def _serve_from_replica(
    model: Model,
    component: Component,
    lost: set[str],
    promoted: dict[str, str],
    result: SimulationResult,
) -> None:
    """Send requests for a lost global table to a replica that survives."""
    for connection in model.outgoing(component.id):
        replica = model.components[connection.target]
        if connection.kind == "replication" and replica.id not in lost:
            promoted[component.id] = replica.id
            result.failovers.append(Failover(component.id, "global table", replica.id))
            return


def _reach(
    model: Model, lost: set[str], promoted: dict[str, str], result: SimulationResult
) -> None:
    baseline = RequestGraph.of(model)
    entries = entry_points(model, baseline)
    stores = reachable_stores(model, baseline, entries)
    edges = []
    for connection in requests(model):
        target = promoted.get(connection.target, connection.target)
        edges.append((connection.source, target))
    graph = RequestGraph(edges)
    blocked = frozenset(lost)
    # One row per entry point and store reads well for a handful of entry
    # points; beyond that the rows grow as entries times stores, so the
    # entry points are taken together.
    groups = (
        [([entry], entry) for entry in entries]
        if len(entries) <= MAX_ENTRIES_LISTED
        else [(entries, f"any of {len(entries)} entry points")]
    )
    for starts, label in groups:
        reached = graph.reachable(starts, blocked)
        # Only stores that these entry points reach with nothing lost get a
        # row, so an entry point of one cell does not list other cells' stores.
        reached_before = baseline.reachable(starts)
        for store in stores:
            if store not in reached_before:
                continue
            serving = promoted.get(store, store)
            ok = serving in reached
            via = serving if ok else None
            result.reach.append(Reach(label, model.components[store].unit, ok, via))


def _capacity(model: Model, lost: set[str], result: SimulationResult) -> None:
    for name, unit in model.units.items():
        members = [model.components[c] for c in unit.components]
        instances = [c for c in members if "min_in_az" in c.attrs]
        if instances:
            before = sum(int(c.attrs["min_in_az"]) for c in instances)
            after = sum(
                int(c.attrs["min_in_az"]) for c in instances if c.id not in lost
            )
            result.capacity.append(
                Capacity(
                    name,
                    "instances at minimum size",
                    before,
                    after,
                    _instance_note(members, lost, after),
                )
            )
        stateful = [
            c
            for c in members
            if KINDS[c.kind].stateful and KINDS[c.kind].scope == "zonal"
        ]
        if stateful:
            after = len([c for c in stateful if c.id not in lost])
            result.capacity.append(
                Capacity(name, "database or cache nodes", len(stateful), after)
            )


def _instance_note(members: list[Component], lost: set[str], after: int) -> str:
    groups = [c for c in members if c.kind == "autoscaling.group"]
    if not groups or not lost.intersection(c.id for c in members):
        return ""
    group = groups[0]
    surviving = [az for az in group.placement.azs if az not in _lost_azs(members, lost)]
    if not surviving:
        return "no AZ of the group is left, so it cannot launch replacements"
    return (
        f"{group.id} launches replacements in {', '.join(surviving)} "
        f"(up to max={group.attrs.get('max')})"
    )


def _lost_azs(members: list[Component], lost: set[str]) -> set[str]:
    return {az for c in members if c.id in lost for az in c.placement.azs}
