"""Benchmark: a two-step neighbourhood on a 1,000,000-edge association network.

Builds a synthetic network of people and groups (random associations with a few hubs, group
memberships) straight into the in-memory rustworkx graph socmap uses, then times two-step
neighbourhoods from random people, seeing everything (the walk as for a national user) and
with a visibility check that hides a third of the people (the cost of a scoped walk without
the database). Also times the SQL alternative (a recursive query over the same edges in
SQLite) for comparison.

    .venv/bin/python bench/network_bench.py [--edges 1000000] [--queries 200]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time

import numpy as np

from socmap.networks.graph import KIND_CODES, LinkKind, NetworkGraph, NodeKind
from socmap.networks.neighbourhood import SeeEverything, neighbourhood


class HideAThird:
    def visible_nodes(self, kind, ids):
        return {i for i in ids if i % 3} if kind == NodeKind.NOMINAL else set(ids)

    def visible_records(self, kind, ids):
        return set(ids)


def build(edges: int, seed: int):
    rng = np.random.default_rng(seed)
    people = edges // 5  # mean degree about 10
    groups = max(1, people // 40)
    memberships = people // 2
    associations = edges - memberships
    # Heavy-tailed choice of people: a few have hundreds of links.
    weights = rng.pareto(2.5, people) + 1
    weights /= weights.sum()
    a = rng.choice(people, associations, p=weights)
    b = rng.integers(0, people, associations)
    b = np.where(a == b, (b + 1) % people, b)
    member = rng.integers(0, people, memberships)
    group = rng.integers(0, groups, memberships) + people
    sources = np.concatenate([a, member])
    targets = np.concatenate([b, group])
    kinds = np.concatenate(
        [
            np.full(associations, KIND_CODES[LinkKind.ASSOCIATION]),
            np.full(memberships, KIND_CODES[LinkKind.MEMBERSHIP]),
        ]
    )
    records = np.arange(len(sources))
    started = time.perf_counter()
    graph = NetworkGraph.from_arrays(
        np.arange(1, people + 1),
        np.arange(1, groups + 1),
        ["active"] * groups,
        sources,
        targets,
        kinds,
        records,
    )
    return graph, time.perf_counter() - started, people, sources, targets


def timed(graph, starts, visibility):
    times, sizes = [], []
    for start in starts:
        t = time.perf_counter()
        found = neighbourhood(graph, int(start), 2, visibility, limit=1_000_000)
        times.append(time.perf_counter() - t)
        sizes.append(len(found.distance))
    return times, sizes


def sql_two_steps(sources, targets, starts):
    con = sqlite3.connect(":memory:")
    con.execute("create table edge (a integer, b integer)")
    con.executemany(
        "insert into edge values (?, ?)", zip(sources.tolist(), targets.tolist(), strict=True)
    )
    con.execute("create index edge_a on edge (a)")
    con.execute("create index edge_b on edge (b)")
    query = """
        with recursive walk(node, depth) as (
            select ?, 0
            union
            select case when e.a = w.node then e.b else e.a end, w.depth + 1
            from walk w join edge e on e.a = w.node or e.b = w.node
            where w.depth < 2
        )
        select count(distinct node) from walk
    """
    times = []
    for start in starts:
        t = time.perf_counter()
        con.execute(query, (int(start),)).fetchone()
        times.append(time.perf_counter() - t)
    return times


def describe(name, times, sizes=None):
    times = sorted(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    line = (
        f"{name}: median {statistics.median(times) * 1000:.1f} ms, 95th percentile "
        f"{p95 * 1000:.1f} ms, slowest {times[-1] * 1000:.1f} ms"
    )
    if sizes:
        line += f"; nodes reached: median {int(statistics.median(sizes))}, largest {max(sizes)}"
    print(line)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sql-queries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    graph, seconds, people, sources, targets = build(args.edges, args.seed)
    print(
        f"Network: {graph.node_count:,} nodes, {graph.edge_count:,} edges; "
        f"rustworkx graph built from the edge arrays in {seconds:.1f} s"
    )
    rng = np.random.default_rng(args.seed + 1)
    starts = rng.integers(0, people, args.queries)
    describe("Two-step neighbourhood, everything visible", *timed(graph, starts, SeeEverything()))
    describe("Two-step neighbourhood, a third hidden", *timed(graph, starts, HideAThird()))
    describe(
        "SQL recursive query (SQLite, count only)",
        sql_two_steps(sources, targets, starts[: args.sql_queries]),
    )


if __name__ == "__main__":
    main()
