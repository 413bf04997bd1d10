"""The request graph: who sends requests to whom, and what its loss cuts off.

Nodes are components; edges are the connections that carry requests or
messages (sync, async, data, event). Entry points are what the internet
sends requests to, or, in a design with no internet-facing part, the
components that receive no requests but send some.

A single point of failure is a component that lies on every path from the
entry points to some data store, found by removing each candidate in turn
and searching again; designs have at most a few thousand components, so
the quadratic search is fast enough. A candidate is excluded when AWS
already keeps it available through the loss of an AZ: a regional managed
service (catalogue flag ``regional_managed``), a component that spans two
or more AZs, such as a load balancer, or a data store primary with an
automatic failover partner in another AZ.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from archdsl.catalog import KINDS
from archdsl.check.query import failover_partner, is_store, requests
from archdsl.model import Model


class RequestGraph:
    def __init__(self, edges: Iterable[tuple[str, str]]) -> None:
        successors: dict[str, set[str]] = {}
        for source, target in edges:
            successors.setdefault(source, set()).add(target)
            successors.setdefault(target, set())
        # Sets, not sorted lists: reachability needs no order, and only the
        # shortest path sorts, at the nodes it visits.
        self.successors = successors

    @classmethod
    def of(cls, model: Model) -> RequestGraph:
        return cls((c.source, c.target) for c in requests(model))

    def nodes(self) -> list[str]:
        return sorted(self.successors)

    def reachable(self, starts: Iterable[str], blocked: frozenset[str] = frozenset()):
        """Return the nodes reachable from ``starts`` without entering ``blocked``."""
        seen = {s for s in starts if s in self.successors and s not in blocked}
        queue = deque(seen)
        while queue:
            for target in self.successors[queue.popleft()]:
                if target not in seen and target not in blocked:
                    seen.add(target)
                    queue.append(target)
        return seen

    def shortest_path(
        self, starts: Iterable[str], goal: str, blocked: frozenset[str] = frozenset()
    ) -> list[str] | None:
        """Return the shortest path from any start to ``goal``, ties broken by name."""
        parents: dict[str, str | None] = {
            s: None for s in sorted(starts) if s in self.successors
        }
        queue = deque(parents)
        while queue:
            node = queue.popleft()
            if node == goal:
                return _unwind(parents, goal)
            for target in sorted(self.successors[node]):
                if target not in parents and target not in blocked:
                    parents[target] = node
                    queue.append(target)
        return None


def _unwind(parents: dict[str, str | None], goal: str) -> list[str]:
    path = [goal]
    while (parent := parents[path[-1]]) is not None:
        path.append(parent)
    return path[::-1]


def entry_points(model: Model, graph: RequestGraph) -> list[str]:
    internet = [c.id for c in model.of_kind("external.internet")]
    entries = sorted({t for i in internet for t in graph.successors.get(i, ())})
    if entries:
        return entries
    has_incoming = {t for targets in graph.successors.values() for t in targets}
    return [n for n in graph.nodes() if n not in has_incoming and graph.successors[n]]


def reachable_stores(
    model: Model, graph: RequestGraph, entries: list[str]
) -> list[str]:
    reached = graph.reachable(entries)
    return sorted(n for n in reached if is_store(model.components[n]))


@dataclass(frozen=True)
class SinglePoint:
    """A component whose loss cuts every path from the entry points to ``stores``."""

    component: str
    stores: tuple[str, ...]
    path: tuple[str, ...]


def tolerates_az_loss(model: Model, component_id: str) -> str | None:
    """Return why losing one AZ does not take ``component_id`` down, or None."""
    component = model.components[component_id]
    kind = KINDS[component.kind]
    if kind.regional_managed:
        return f"{kind.service} runs across AZs on its own"
    if kind.scope != "zonal" and len(component.placement.azs) >= 2:
        return f"runs in {len(component.placement.azs)} AZs"
    partner = failover_partner(model, component)
    if partner is not None:
        return f"fails over to {partner.id} in {', '.join(partner.placement.azs)}"
    if kind.scope == "external":
        return "outside AWS"
    return None


def single_points(model: Model) -> list[SinglePoint]:
    """Find the components whose loss cuts every path to some data store.

    Stores themselves are left to the rules that check their own failover,
    and entry points' callers (the internet) are not candidates.
    """
    graph = RequestGraph.of(model)
    entries = entry_points(model, graph)
    stores = reachable_stores(model, graph, entries)
    internet = [c.id for c in model.of_kind("external.internet")]
    path_starts = internet or entries
    found = []
    for candidate in sorted(graph.reachable(entries)):
        if candidate in stores or tolerates_az_loss(model, candidate):
            continue
        cut = _stores_cut_by(graph, entries, stores, candidate)
        if not cut:
            continue
        path = graph.shortest_path(path_starts, candidate) or [candidate]
        rest = graph.shortest_path([candidate], cut[0]) or [candidate]
        found.append(SinglePoint(candidate, tuple(cut), tuple(path + rest[1:])))
    return found


def _stores_cut_by(
    graph: RequestGraph, entries: list[str], stores: list[str], candidate: str
) -> list[str]:
    blocked = frozenset({candidate})
    still = graph.reachable(entries, blocked)
    return [s for s in stores if s not in still]
