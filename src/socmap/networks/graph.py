"""The whole association network held in memory: a rustworkx multigraph built from compact
edge lists, with the facts the filters need kept in numpy arrays beside it.

Nodes are nominals and threats; edges are the links between them, each pointing back to the
record it comes from (an association, a membership, a disruption, a threat's subject, a
merge), so that what a user may see can be checked record by record. No Django here: the
store (``networks.store``) reads the database and caches one graph per process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np
import rustworkx as rx


class NodeKind(IntEnum):
    NOMINAL = 0
    THREAT = 1


class LinkKind(StrEnum):
    ASSOCIATION = "association"  # a recorded association between two people
    MEMBERSHIP = "membership"  # a person's membership of a group
    CO_OFFENDING = "co_offending"  # two people named in the same disruption
    SUBJECT = "subject"  # the person a priority-individual threat is about
    SAME_PERSON = "same_person"  # a merge: two records of one person


LINK_LABELS = {
    LinkKind.ASSOCIATION: "Association",
    LinkKind.MEMBERSHIP: "Group membership",
    LinkKind.CO_OFFENDING: "Co-offending (named in the same disruption)",
    LinkKind.SUBJECT: "Subject of a priority-individual threat",
    LinkKind.SAME_PERSON: "Same person (merged records)",
}
KIND_CODES = {kind: code for code, kind in enumerate(LinkKind)}
CODE_KINDS = dict(enumerate(LinkKind))
NO_DATE = 0


def ordinal(day: dt.date | None) -> int:
    return day.toordinal() if day else NO_DATE


@dataclass(frozen=True)
class Edge:
    """One link as read from the lists the graph is built from."""

    kind: LinkKind
    source: tuple[NodeKind, int]
    target: tuple[NodeKind, int]
    record_id: int = 0  # the association, membership, disruption or threat it comes from
    start: dt.date | None = None
    end: dt.date | None = None
    detail: str = ""  # the association kind or member role


@dataclass(frozen=True)
class EdgeColumns:
    """Links as parallel integer arrays: the ends as (node kind, database id), the link kind's
    code (``KIND_CODES``), the record, start and end as ordinals (``NO_DATE`` if none) and
    the detail's code."""

    source_kind: np.ndarray
    source_id: np.ndarray
    target_kind: np.ndarray
    target_id: np.ndarray
    kind: np.ndarray
    record: np.ndarray
    start: np.ndarray
    end: np.ndarray
    detail: np.ndarray


class _Finder:
    """Database ids of one node kind -> node indexes, by binary search."""

    def __init__(self, ids: np.ndarray, offset: int):
        self.order = np.argsort(ids, kind="stable")
        self.sorted = ids[self.order]
        self.offset = offset

    def find(self, ids: np.ndarray) -> np.ndarray:
        if len(self.sorted) == 0:
            return np.full(len(ids), -1, np.int64)
        at = np.minimum(np.searchsorted(self.sorted, ids), len(self.sorted) - 1)
        found = self.sorted[at] == ids
        return np.where(found, self.order[at] + self.offset, -1)


def _positions(finders: dict[int, _Finder], kinds: np.ndarray, ids: np.ndarray) -> np.ndarray:
    kinds, ids = np.asarray(kinds), np.asarray(ids, np.int64)
    out = np.full(len(ids), -1, np.int64)
    for kind, finder in finders.items():
        chosen = kinds == kind
        if chosen.any():
            out[chosen] = finder.find(ids[chosen])
    return out


class NetworkGraph:
    """Nodes ``(NodeKind, database id)``; edges with their kind, record, dates and detail."""

    def __init__(
        self,
        nominal_ids: Iterable[int],
        threats: Iterable[tuple[int, str]],
        edges: Iterable[Edge],
    ):
        details: dict[str, int] = {"": 0}
        columns = {name: [] for name in EdgeColumns.__dataclass_fields__}
        for edge in edges:
            columns["source_kind"].append(int(edge.source[0]))
            columns["source_id"].append(edge.source[1])
            columns["target_kind"].append(int(edge.target[0]))
            columns["target_id"].append(edge.target[1])
            columns["kind"].append(KIND_CODES[edge.kind])
            columns["record"].append(edge.record_id)
            columns["start"].append(ordinal(edge.start))
            columns["end"].append(ordinal(edge.end))
            columns["detail"].append(details.setdefault(edge.detail, len(details)))
        threats = list(threats)
        self._build(
            np.array(list(nominal_ids), np.int64),
            np.array([t for t, _ in threats], np.int64),
            [status for _, status in threats],
            [EdgeColumns(**{k: np.array(v, np.int64) for k, v in columns.items()})],
            {code: name for name, code in details.items()},
        )

    @classmethod
    def from_columns(
        cls,
        nominal_ids: np.ndarray,
        threat_ids: np.ndarray,
        threat_statuses: list[str],
        parts: list[EdgeColumns],
        detail_names: dict[int, str],
    ) -> NetworkGraph:
        """A graph straight from columns as the database gives them (no object per link):
        the store's way at national scale. Links in ``parts`` keep their order."""
        graph = cls.__new__(cls)
        graph._build(nominal_ids, threat_ids, threat_statuses, parts, detail_names)
        return graph

    def _build(self, nominal_ids, threat_ids, threat_statuses, parts, detail_names) -> None:
        """Nodes: the nominals, then the threats; links whose two ends are known nodes (and
        differ) are kept, in the order given."""
        nominal_ids = np.asarray(nominal_ids, np.int64)
        threat_ids = np.asarray(threat_ids, np.int64)
        base = len(nominal_ids)
        self.node_kind = np.concatenate(
            [
                np.full(base, NodeKind.NOMINAL, np.int8),
                np.full(len(threat_ids), NodeKind.THREAT, np.int8),
            ]
        )
        self.node_id = np.concatenate([nominal_ids, threat_ids])
        self.graph = rx.PyGraph(multigraph=True)
        self.graph.add_nodes_from(range(len(self.node_id)))
        self.index: dict[tuple[int, int], int] = dict(
            zip(
                zip(self.node_kind.tolist(), self.node_id.tolist(), strict=True),
                range(len(self.node_id)),
                strict=True,
            )
        )
        self.threat_status: dict[int, str] = {
            base + i: status for i, status in enumerate(threat_statuses)
        }
        finders = {
            int(NodeKind.NOMINAL): _Finder(nominal_ids, 0),
            int(NodeKind.THREAT): _Finder(threat_ids, base),
        }
        kept: dict[str, list[np.ndarray]] = {name: [] for name in EdgeColumns.__dataclass_fields__}
        for part in parts:
            source = _positions(finders, part.source_kind, part.source_id)
            target = _positions(finders, part.target_kind, part.target_id)
            keep = (source >= 0) & (target >= 0) & (source != target)
            kept["source_id"].append(source[keep])
            kept["target_id"].append(target[keep])
            for name in ("kind", "record", "start", "end", "detail"):
                kept[name].append(np.asarray(getattr(part, name))[keep])

        def joined(name: str, dtype) -> np.ndarray:
            return np.concatenate(kept[name]).astype(dtype) if kept[name] else np.zeros(0, dtype)

        sources, targets = joined("source_id", np.int64), joined("target_id", np.int64)
        self.graph.add_edges_from_no_data(
            list(zip(sources.tolist(), targets.tolist(), strict=True))
        )
        self.edge_kind = joined("kind", np.int8)
        self.edge_record = joined("record", np.int64)
        self.edge_start = joined("start", np.int32)
        self.edge_end = joined("end", np.int32)
        self.edge_detail = joined("detail", np.int16)
        self.detail_names = dict(detail_names)

    @classmethod
    def from_arrays(
        cls,
        nominal_ids: np.ndarray,
        threat_ids: np.ndarray,
        threat_statuses: list[str],
        sources: np.ndarray,
        targets: np.ndarray,
        kinds: np.ndarray,
        records: np.ndarray,
        starts: np.ndarray | None = None,
        ends: np.ndarray | None = None,
    ) -> NetworkGraph:
        """A graph straight from node-index arrays (``sources``/``targets`` index the nominals
        then the threats), for large synthetic networks without per-edge objects."""
        graph = cls([], [], [])
        graph.node_kind = np.concatenate(
            [np.zeros(len(nominal_ids), np.int8), np.ones(len(threat_ids), np.int8)]
        )
        graph.node_id = np.concatenate([nominal_ids, threat_ids]).astype(np.int64)
        graph.graph = rx.PyGraph(multigraph=True)
        graph.graph.add_nodes_from(range(len(graph.node_id)))
        graph.index = {
            (int(k), int(i)): n
            for n, (k, i) in enumerate(zip(graph.node_kind, graph.node_id, strict=True))
        }
        base = len(nominal_ids)
        graph.threat_status = {base + i: s for i, s in enumerate(threat_statuses)}
        graph.graph.add_edges_from_no_data(
            list(zip(sources.tolist(), targets.tolist(), strict=True))
        )
        count = len(sources)
        graph.edge_kind = kinds.astype(np.int8)
        graph.edge_record = records.astype(np.int64)
        graph.edge_start = starts if starts is not None else np.zeros(count, np.int32)
        graph.edge_end = ends if ends is not None else np.zeros(count, np.int32)
        graph.edge_detail = np.zeros(count, np.int16)
        graph.detail_names = {0: ""}
        return graph

    # ----------------------------------------------------------------- reading

    @property
    def node_count(self) -> int:
        return self.graph.num_nodes()

    @property
    def edge_count(self) -> int:
        return self.graph.num_edges()

    def node(self, kind: NodeKind, pk: int) -> int | None:
        return self.index.get((int(kind), int(pk)))

    def key(self, node: int) -> tuple[NodeKind, int]:
        return NodeKind(int(self.node_kind[node])), int(self.node_id[node])

    def kind_of_edge(self, edge: int) -> LinkKind:
        return CODE_KINDS[int(self.edge_kind[edge])]

    def detail_of_edge(self, edge: int) -> str:
        return self.detail_names.get(int(self.edge_detail[edge]), "")

    def incident(self, node: int) -> list[tuple[int, int]]:
        """``(edge, other node)`` for every link of ``node``."""
        return [
            (edge, b if a == node else a)
            for edge, (a, b, _) in self.graph.incident_edge_index_map(node).items()
        ]
