"""The neighbourhood of a person or threat to N steps, walking only what the user may see.

Pure: the graph is a :class:`~socmap.networks.graph.NetworkGraph`, and what the user may see
is asked of a :class:`Visibility` (the selectors give one backed by the scoping module; the
tests give small hand-made ones). The walk asks about every node and every link's record
*before* it steps through them, so a person or link out of sight is never reached, never
used as a bridge to someone further away, and never counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from socmap.networks.graph import KIND_CODES, NO_DATE, LinkKind, NetworkGraph, NodeKind, ordinal

MAX_STEPS = 4
DEFAULT_LIMIT = 2000  # nodes; past it the query is refused with a message


class NetworkTooLarge(Exception):
    def __init__(self, limit: int, steps: int):
        self.limit = limit
        self.steps = steps
        super().__init__(
            f"The {steps}-step network has more than {limit:,} people and threats: choose fewer "
            "steps, fewer kinds of link, a shorter period or only active threats."
        )


class Visibility(Protocol):
    def visible_nodes(self, kind: NodeKind, ids: set[int]) -> set[int]: ...

    def visible_records(self, kind: LinkKind, ids: set[int]) -> set[int]: ...


class SeeEverything:
    """The system operator at the command line, and benchmarks."""

    def visible_nodes(self, kind: NodeKind, ids: set[int]) -> set[int]:
        return set(ids)

    def visible_records(self, kind: LinkKind, ids: set[int]) -> set[int]:
        return set(ids)


# Links whose record is checked on its own; the others are visible when both ends are.
CHECKED_RECORDS = (LinkKind.ASSOCIATION, LinkKind.MEMBERSHIP, LinkKind.CO_OFFENDING)


@dataclass(frozen=True)
class LinkFilter:
    kinds: frozenset[LinkKind] = frozenset(LinkKind)
    since: dt.date | None = None  # links that ended before this date are left out
    until: dt.date | None = None  # links that started after this date are left out
    threat_statuses: frozenset[str] | None = None  # None: any status

    def codes(self) -> set[int]:
        return {KIND_CODES[k] for k in self.kinds} | {KIND_CODES[LinkKind.SAME_PERSON]}


@dataclass
class Neighbourhood:
    start: int  # node index (the representative of the start's records)
    distance: dict[int, int]  # representative node -> steps from the start
    members: dict[int, list[int]]  # representative node -> the merged records it stands for
    edges: list[tuple[int, int, int]] = field(default_factory=list)  # (edge, node a, node b)

    @property
    def nodes(self) -> list[int]:
        return sorted(self.distance, key=lambda n: (self.distance[n], n))


def _date_ok(graph: NetworkGraph, edge: int, since: int, until: int) -> bool:
    start, end = int(graph.edge_start[edge]), int(graph.edge_end[edge])
    if since and end != NO_DATE and end < since:
        return False
    return not (until and start != NO_DATE and start > until)


class _Walk:
    def __init__(self, graph, visibility, link_filter, limit, steps):
        self.graph = graph
        self.visibility = visibility
        self.filter = link_filter
        self.codes = link_filter.codes()
        self.since = ordinal(link_filter.since)
        self.until = ordinal(link_filter.until)
        self.limit = limit
        self.steps = steps
        self.node_seen: dict[int, bool] = {}
        self.record_seen: dict[tuple[int, int], bool] = {}
        self.distance: dict[int, int] = {}
        self.kept: set[int] = set()

    def passes(self, edge: int, other: int) -> bool:
        graph = self.graph
        if int(graph.edge_kind[edge]) not in self.codes:
            return False
        if (self.since or self.until) and not _date_ok(graph, edge, self.since, self.until):
            return False
        statuses = self.filter.threat_statuses
        return not (
            statuses is not None
            and int(graph.node_kind[other]) == NodeKind.THREAT
            and graph.threat_status.get(other) not in statuses
        )

    def resolve(self, candidates: list[tuple[int, int]]) -> None:
        """Ask, in one batch per kind, about the nodes and records not yet known."""
        graph = self.graph
        nodes: dict[int, set[int]] = {}
        for _, other in candidates:
            if other not in self.node_seen:
                nodes.setdefault(int(graph.node_kind[other]), set()).add(other)
        for kind, indexes in nodes.items():
            ids = {int(graph.node_id[n]): n for n in indexes}
            visible = self.visibility.visible_nodes(NodeKind(kind), set(ids))
            for pk, n in ids.items():
                self.node_seen[n] = pk in visible
        records: dict[int, set[int]] = {}
        for edge, other in candidates:
            code = int(graph.edge_kind[edge])
            key = (code, int(graph.edge_record[edge]))
            if self.node_seen.get(other) and key not in self.record_seen:
                records.setdefault(code, set()).add(key[1])
        for code, ids in records.items():
            kind = list(LinkKind)[code]
            visible = self.visibility.visible_records(kind, ids) if kind in CHECKED_RECORDS else ids
            for pk in ids:
                self.record_seen[(code, pk)] = pk in visible

    def visible(self, edge: int, other: int) -> bool:
        key = (int(self.graph.edge_kind[edge]), int(self.graph.edge_record[edge]))
        return bool(self.node_seen.get(other)) and bool(self.record_seen.get(key))

    def step(self, frontier: list[int], depth: int, *, only_reached: bool = False) -> list[int]:
        same_person = KIND_CODES[LinkKind.SAME_PERSON]
        reached: list[int] = []
        queue = list(frontier)
        while queue:
            candidates = [
                (edge, other)
                for node in queue
                for edge, other in self.graph.incident(node)
                if self.passes(edge, other)
                and (
                    not only_reached
                    or other in self.distance
                    or int(self.graph.edge_kind[edge]) == same_person
                )
            ]
            self.resolve(candidates)
            queue = []
            for edge, other in candidates:
                if not self.visible(edge, other):
                    continue
                self.kept.add(edge)
                if other in self.distance:
                    continue
                if int(self.graph.edge_kind[edge]) == same_person:
                    # Two records of one person: the same distance, walked on at once.
                    self.distance[other] = depth - 1
                    queue.append(other)
                elif not only_reached:
                    self.distance[other] = depth
                    reached.append(other)
            if len(self.distance) > self.limit:
                raise NetworkTooLarge(self.limit, self.steps)
        return reached


def neighbourhood(
    graph: NetworkGraph,
    start: int,
    steps: int,
    visibility: Visibility,
    link_filter: LinkFilter | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Neighbourhood:
    """Everything within ``steps`` links of node ``start`` that the user may see, with every
    visible link among what was reached. Merged records count as one person: the step
    between them is free, and the result shows them as one node."""
    walk = _Walk(graph, visibility, link_filter or LinkFilter(), limit, steps)
    walk.distance[start] = 0
    walk.node_seen[start] = True
    # The start's own merged records first (distance 0), then each step.
    walk.step([start], 1, only_reached=True)
    frontier = [n for n, d in walk.distance.items() if d == 0]
    for depth in range(1, steps + 1):
        frontier = walk.step(frontier, depth)
        frontier = [n for n, d in walk.distance.items() if d == depth]
    walk.step(frontier, steps + 1, only_reached=True)
    return _contract(graph, start, walk)


def _contract(graph: NetworkGraph, start: int, walk: _Walk) -> Neighbourhood:
    """Show each person once: records joined by a visible merge become the record they are
    merged into (the merge's survivor)."""
    same_person = KIND_CODES[LinkKind.SAME_PERSON]
    parent: dict[int, int] = {}
    others: list[tuple[int, int, int]] = []
    for edge in sorted(walk.kept):
        a, b = graph.graph.get_edge_endpoints_by_index(edge)
        if a not in walk.distance or b not in walk.distance:
            continue
        if int(graph.edge_kind[edge]) == same_person:
            parent[a] = b  # edges are added duplicate -> survivor
        else:
            others.append((edge, a, b))

    def root(node: int) -> int:
        seen = set()
        while node in parent and node not in seen:
            seen.add(node)
            node = parent[node]
        return node

    distance: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    for node, d in walk.distance.items():
        r = root(node)
        distance[r] = min(d, distance.get(r, d))
        members.setdefault(r, []).append(node)
    seen_edges: set[tuple] = set()
    edges = []
    for edge, a, b in others:
        ra, rb = root(a), root(b)
        key = (int(graph.edge_kind[edge]), int(graph.edge_record[edge]), min(ra, rb), max(ra, rb))
        if ra == rb or key in seen_edges:
            continue
        seen_edges.add(key)
        edges.append((edge, ra, rb))
    return Neighbourhood(root(start), distance, {k: sorted(v) for k, v in members.items()}, edges)


def nodes_of(nb: Neighbourhood, graph: NetworkGraph, kind: NodeKind) -> Iterable[int]:
    return (n for n in nb.nodes if int(graph.node_kind[n]) == kind)
