"""Measures of a (small) network with NetworkX: who is central, which communities there are,
and whose removal would most fragment it (the "key player" problem, Borgatti 2006).

Plain functions over ``networkx.Graph`` objects, no database; see docs/methodology.md,
"Networks". Every function is deterministic (community detection is seeded).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import rustworkx as rx

EXACT_BETWEENNESS_UP_TO = 600  # nodes; larger networks sample this many sources
SEED = 2026
EIGEN_DENSE_UP_TO = 1500  # nodes of a component; larger ones use power iteration


@dataclass(frozen=True)
class Centrality:
    degree: int  # links to distinct others
    degree_centrality: float  # degree / (n - 1)
    betweenness: float  # share of shortest paths between others that pass through the node
    eigenvector: float  # connected to well-connected others


def centrality(graph: nx.Graph) -> dict[Hashable, Centrality]:
    """Degree, betweenness and eigenvector centrality of every node (normalised to 0..1)."""
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    degree = nx.degree_centrality(graph) if n > 1 else dict.fromkeys(graph, 0.0)
    if n <= EXACT_BETWEENNESS_UP_TO:
        betweenness = nx.betweenness_centrality(graph, normalized=True)
    else:
        betweenness = nx.betweenness_centrality(
            graph, k=EXACT_BETWEENNESS_UP_TO, normalized=True, seed=SEED
        )
    eigenvector = _eigenvector(graph)
    return {
        node: Centrality(
            graph.degree(node),
            round(degree[node], 6),
            round(betweenness[node], 6),
            round(eigenvector[node], 6),
        )
        for node in graph
    }


def _eigenvector(graph: nx.Graph) -> dict[Hashable, float]:
    """Eigenvector centrality per connected component, scaled so the network's most central
    node has 1 (a component of one node has 0)."""
    scores: dict[Hashable, float] = {}
    for component in nx.connected_components(graph):
        sub = graph.subgraph(component)
        if sub.number_of_nodes() < 2:
            scores.update(dict.fromkeys(sub, 0.0))
            continue
        if sub.number_of_nodes() <= EIGEN_DENSE_UP_TO:
            order = list(sub)
            values, vectors = np.linalg.eigh(nx.to_numpy_array(sub, nodelist=order, weight=None))
            leading = np.abs(vectors[:, int(np.argmax(values))])
            part = dict(zip(order, leading.tolist(), strict=True))
        else:
            part = nx.eigenvector_centrality(sub, max_iter=1000, tol=1e-8)
        weight = sub.number_of_nodes() / graph.number_of_nodes()
        scores.update({node: abs(value) * weight for node, value in part.items()})
    top = max(scores.values(), default=0.0)
    return {node: (value / top if top else 0.0) for node, value in scores.items()}


def communities(graph: nx.Graph) -> list[set]:
    """Louvain communities (seeded, so the same network gives the same answer), largest first;
    ties by their smallest member."""
    if graph.number_of_edges() == 0:
        return [{node} for node in sorted(graph, key=str)]
    found = nx.community.louvain_communities(graph, seed=SEED)
    return sorted(found, key=lambda c: (-len(c), min(str(x) for x in c)))


def _as_rustworkx(graph: nx.Graph) -> rx.PyGraph:
    """The same simple graph in rustworkx (each node's payload is the NetworkX node), where
    removing nodes and measuring the rest is done in compiled code: the key-player search
    measures hundreds of trial networks per page."""
    index = {node: i for i, node in enumerate(graph)}
    copy = rx.PyGraph(multigraph=False)
    copy.add_nodes_from(list(graph))
    copy.add_edges_from_no_data([(index[a], index[b]) for a, b in graph.edges() if a != b])
    return copy


def _fragmentation(graph: rx.PyGraph) -> float:
    n = graph.num_nodes()
    if n < 2:
        return 0.0
    reachable = sum(len(c) * (len(c) - 1) for c in rx.connected_components(graph))
    return 1 - reachable / (n * (n - 1))


def _distance_fragmentation(graph: rx.PyGraph) -> float:
    n = graph.num_nodes()
    if n < 2:
        return 0.0
    compact = graph.subgraph(list(graph.node_indices()))  # the matrix wants indices 0..n-1
    distances = rx.distance_matrix(compact, null_value=0.0).astype(np.int64)
    counts = np.bincount(distances.ravel())
    # pairs at each distance, summed in order of distance: the same network always gives
    # exactly the same float, whatever the order of its nodes
    total = sum(int(count) / d for d, count in enumerate(counts.tolist()) if d and count)
    return 1 - total / (n * (n - 1))


def fragmentation(graph: nx.Graph) -> float:
    """Borgatti's F: the share of pairs of nodes that cannot reach each other.
    0 for a connected network, 1 when no node is linked to any other."""
    return _fragmentation(_as_rustworkx(graph))


def distance_fragmentation(graph: nx.Graph) -> float:
    """Borgatti's distance-weighted fragmentation: 1 minus the mean of 1/distance over all
    ordered pairs (unreachable pairs count 0). It rises when removal lengthens paths even if
    the network stays in one piece."""
    return _distance_fragmentation(_as_rustworkx(graph))


@dataclass(frozen=True)
class KeyPlayer:
    node: Hashable
    fragmentation: float  # F of the network once this node and those before it are removed
    distance_fragmentation: float
    components: int  # pieces left


KEY_PLAYER_ALL_NODES_UP_TO = 80  # larger networks try only the likeliest candidates
KEY_PLAYER_CANDIDATES = 30
DISTANCE_FRAGMENTATION_UP_TO = 300  # nodes; larger ones break ties by name only


def key_player_candidates(graph: nx.Graph, betweenness: dict | None = None) -> list:
    """Every node of a small network; in a large one the cut points (articulation points)
    and the nodes of highest betweenness, at most :data:`KEY_PLAYER_CANDIDATES`."""
    if graph.number_of_nodes() <= KEY_PLAYER_ALL_NODES_UP_TO:
        return sorted(graph, key=str)
    betweenness = betweenness or nx.betweenness_centrality(
        graph, k=min(EXACT_BETWEENNESS_UP_TO, graph.number_of_nodes()), seed=SEED
    )
    cut = set(nx.articulation_points(graph))
    ranked = sorted(graph, key=lambda n: (n not in cut, -betweenness.get(n, 0), str(n)))
    return ranked[:KEY_PLAYER_CANDIDATES]


def key_players(graph: nx.Graph, count: int = 5, candidates: list | None = None) -> list[KeyPlayer]:
    """The ``count`` nodes whose removal, one after another, most fragments the network (the
    greedy answer to Borgatti's KPP-Neg): at each round the node whose removal most raises
    F, ties broken by distance-weighted fragmentation, then by name. ``candidates`` limits
    the nodes tried (default: :func:`key_player_candidates`). The distance-weighted measure
    is computed only for the nodes tied on F, which gives the same answer for less work."""
    remaining = _as_rustworkx(graph)
    where = {remaining[i]: i for i in remaining.node_indices()}
    pool = list(candidates) if candidates is not None else key_player_candidates(graph)
    with_distance = graph.number_of_nodes() <= DISTANCE_FRAGMENTATION_UP_TO
    chosen: list[KeyPlayer] = []
    for _ in range(min(count, max(graph.number_of_nodes() - 1, 0))):
        trials = []
        for node in sorted(pool, key=str):
            if node not in where:
                continue
            trial = remaining.copy()
            trial.remove_node(where[node])
            trials.append((_fragmentation(trial), node, trial))
        if not trials:
            break
        top = max(f for f, _, _ in trials)
        best = None
        for f, node, trial in trials:
            if f != top:
                continue
            score = (f, _distance_fragmentation(trial) if with_distance else 0.0)
            if best is None or score > best[0]:
                best = (score, node, trial)
        (f, df), node, remaining = best
        del where[node]
        chosen.append(
            KeyPlayer(node, round(f, 6), round(df, 6), rx.number_connected_components(remaining))
        )
    return chosen


def removal_impact(graph: nx.Graph) -> dict[Hashable, float]:
    """For every node, F of the network without it (the one-at-a-time key-player view)."""
    whole = _as_rustworkx(graph)
    out = {}
    for index in whole.node_indices():
        trial = whole.copy()
        trial.remove_node(index)
        out[whole[index]] = round(_fragmentation(trial), 6)
    return {node: out[node] for node in graph}
