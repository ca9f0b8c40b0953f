"""Benchmark: precision, recall and run time of socmap's record linkage (splink, DuckDB) on
generated people with known duplicates (typos, swapped names, transposed dates, aliases,
nicknames, missing dates; see socmap.people.synthetic).

    .venv/bin/python bench/linkage_bench.py [--records 100000 1000000] [--threshold 0.9]
"""

from __future__ import annotations

import argparse
import collections
import time

from socmap.people.linkage import LinkageRecord, find_candidate_pairs
from socmap.people.synthetic import generate_people, precision_recall


def run(n: int, threshold: float, seed: int) -> None:
    started = time.perf_counter()
    people, truth = generate_people(n, seed=seed)
    generated = time.perf_counter() - started
    records = [
        LinkageRecord(
            p.key, p.surname, p.forenames, p.date_of_birth, p.gender, p.pnc_id, p.aliases, p.owner
        )
        for p in people
    ]
    result = find_candidate_pairs(records, threshold=threshold, seed=seed)
    found = {(p.left_id, p.right_id) for p in result.pairs}
    precision, recall = precision_recall(found, truth)
    print(
        f"{n:,} records ({len(truth):,} true duplicate pairs; generated in {generated:.1f} s): "
        f"{result.comparisons:,} pairs scored, {len(found):,} at or above {threshold}; "
        f"precision {precision:.3f}, recall {recall:.3f}; linkage {result.seconds:.1f} s "
        f"(trained: {result.trained})"
    )
    by_mistake = collections.Counter()
    hits = collections.Counter()
    for a, b in truth:
        key = "+".join(people[b].mistakes) or "exact copy"
        for part in key.split("+"):
            by_mistake[part] += 1
            hits[part] += (a, b) in found
    print(
        "  recall by mistake: "
        + ", ".join(f"{k} {hits[k] / by_mistake[k]:.2f}" for k in sorted(by_mistake))
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    for n in args.records:
        run(n, args.threshold, args.seed)


if __name__ == "__main__":
    main()
