"""Benchmark: precision, recall and run time of socmap's record linkage (splink, DuckDB) on
generated people with known duplicates (typos, swapped names, transposed dates, aliases,
nicknames, missing dates; see socmap.people.synthetic).

    .venv/bin/python bench/linkage_bench.py [--records 100000 1000000] [--threshold 0.9]
        [--duplicate-share 0.2] [--no-term-frequencies] [--memory-limit 4GB] [--threads 2]

For each size it prints the run time (wall clock and CPU, per stage), the peak memory, the
pairs scored, the prior found against the true one, precision and recall at several
thresholds, and recall by kind of mistake: over every true pair, and over the pairs whose
two records both have a date of birth (a name alone, without a date, is too common in the
generated population to be sure of). Markdown tables, ready for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import shutil
import tempfile
import time

from socmap.people.linkage import LinkageRecord, find_candidate_pairs
from socmap.people.synthetic import MISTAKES, generate_people, precision_recall

THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)
KINDS = ("exact copy", *MISTAKES)


def _recall_by_kind(people, truth, found, dated_only: bool) -> dict[str, tuple[int, int]]:
    kinds, hits = collections.Counter(), collections.Counter()
    for a, b in truth:
        if dated_only and (people[a].date_of_birth is None or "missing_date" in people[b].mistakes):
            continue
        for kind in people[b].mistakes or ("exact copy",):
            kinds[kind] += 1
            hits[kind] += (a, b) in found
    return {k: (hits[k], kinds[k]) for k in KINDS if kinds[k]}


def run(n: int, args) -> None:
    print(f"\n### {n:,} records\n")
    started = time.perf_counter()
    people, truth = generate_people(n, seed=args.seed, duplicate_share=args.duplicate_share)
    generated = time.perf_counter() - started
    records = [
        LinkageRecord(
            p.key, p.surname, p.forenames, p.date_of_birth, p.gender, p.pnc_id, p.aliases, p.owner
        )
        for p in people
    ]
    cpu = time.process_time()
    result = find_candidate_pairs(
        records,
        threshold=min(THRESHOLDS),
        seed=args.seed,
        progress=lambda message: print(f"    {message}", flush=True),
        memory_limit=args.memory_limit,
        threads=args.threads,
        term_frequencies=not args.no_term_frequencies,
    )
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    true_prior = len(truth) / (n * (n - 1) / 2)
    print(
        f"- {len(truth):,} true duplicate pairs (a share of {args.duplicate_share} of the people "
        f"recorded twice), generated in {generated:.1f} s"
    )
    print(
        f"- linkage: **{result.seconds:.1f} s** wall clock, {cpu:.1f} s CPU "
        f"(stages: {', '.join(f'{k} {v:.1f} s' for k, v in result.timings.items())}); "
        f"peak memory of the process {peak:.1f} GB"
    )
    print(f"- {result.comparisons:,} pairs scored after blocking")
    print(f"- prior found {result.prior:.3g} (true {true_prior:.3g}); trained: {result.trained}")
    for note in result.notes:
        print(f"- note: {note}")
    print("\n| threshold | pairs found | precision | recall |\n| --- | --- | --- | --- |")
    for threshold in THRESHOLDS:
        found = {(p.left_id, p.right_id) for p in result.pairs if p.match_probability >= threshold}
        precision, recall = precision_recall(found, truth)
        print(f"| {threshold} | {len(found):,} | {precision:.4f} | {recall:.4f} |")
    found = {(p.left_id, p.right_id) for p in result.pairs if p.match_probability >= args.threshold}
    every = _recall_by_kind(people, truth, found, dated_only=False)
    dated = _recall_by_kind(people, truth, found, dated_only=True)
    print(
        f"\nRecall by kind of mistake at {args.threshold} (a pair with two mistakes counts "
        "under each):\n\n| mistake | every true pair | both dates of birth recorded |\n"
        "| --- | --- | --- |"
    )
    for kind in KINDS:
        if kind not in every:
            continue
        hit, of = every[kind]
        cell = f"{hit / of:.3f} ({hit:,} of {of:,})"
        if kind in dated:
            dhit, dof = dated[kind]
            dcell = f"{dhit / dof:.3f} ({dhit:,} of {dof:,})"
        else:
            dcell = "n/a"
        print(f"| {kind.replace('_', ' ')} | {cell} | {dcell} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--duplicate-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-term-frequencies", action="store_true")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 4GB")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads")
    args = parser.parse_args()
    spill = tempfile.gettempdir()
    print(
        f"Record linkage benchmark: {os.cpu_count()} cores; DuckDB spills to {spill} "
        f"({shutil.disk_usage(spill).free / 1e9:.0f} GB free); seed {args.seed}; "
        f"term frequencies {'off' if args.no_term_frequencies else 'on'}"
    )
    for n in args.records:
        run(n, args)


if __name__ == "__main__":
    main()
