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


class NetworkGraph:
    """Nodes ``(NodeKind, database id)``; edges with their kind, record, dates and detail."""

    def __init__(
        self,
        nominal_ids: Iterable[int],
        threats: Iterable[tuple[int, str]],
        edges: Iterable[Edge],
    ):
        self.graph = rx.PyGraph(multigraph=True)
        nominal_ids = list(nominal_ids)
        threats = list(threats)
        self.node_kind = np.array(
            [NodeKind.NOMINAL] * len(nominal_ids) + [NodeKind.THREAT] * len(threats), np.int8
        )
        self.node_id = np.array(nominal_ids + [t for t, _ in threats], np.int64)
        self.graph.add_nodes_from(range(len(self.node_id)))
        self.index: dict[tuple[int, int], int] = {
            (int(k), int(i)): n
            for n, (k, i) in enumerate(zip(self.node_kind, self.node_id, strict=True))
        }
        self.threat_status: dict[int, str] = {
            self.index[(NodeKind.THREAT, pk)]: status for pk, status in threats
        }
        details: dict[str, int] = {"": 0}
        pairs, kinds, records, starts, ends, detail = [], [], [], [], [], []
        for edge in edges:
            source = self.index.get((edge.source[0], edge.source[1]))
            target = self.index.get((edge.target[0], edge.target[1]))
            if source is None or target is None or source == target:
                continue
            pairs.append((source, target))
            kinds.append(KIND_CODES[edge.kind])
            records.append(edge.record_id)
            starts.append(ordinal(edge.start))
            ends.append(ordinal(edge.end))
            detail.append(details.setdefault(edge.detail, len(details)))
        self.graph.add_edges_from_no_data(pairs)
        self.edge_kind = np.array(kinds, np.int8)
        self.edge_record = np.array(records, np.int64)
        self.edge_start = np.array(starts, np.int32)
        self.edge_end = np.array(ends, np.int32)
        self.edge_detail = np.array(detail, np.int16)
        self.detail_names = {code: name for name, code in details.items()}

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
