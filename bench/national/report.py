"""The national figures as Markdown (for BENCHMARKS.md): each figure, its baseline of the
same run, the ratio and the target."""

from __future__ import annotations

TARGETS_MS = {"threat list": 150, "threat page": 150}


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(results: dict) -> str:
    lines: list[str] = []
    m = results.get("machine", {})
    if m:
        lines.append(
            f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} of memory, Python "
            f"{m['python']}, PostgreSQL {m['postgresql'].split()[0]}; database "
            f"{m['database_size']}; load average {m['load_average']} at the start, "
            f"{m.get('load_average_end')} at the end."
        )
        if m.get("postgresql_settings"):
            lines.append(
                "PostgreSQL settings: "
                + ", ".join(f"{k} {v}" for k, v in m["postgresql_settings"].items())
                + "."
            )
    dataset = results.get("dataset")
    if dataset:
        lines.append(
            f"\nGenerated at scale {dataset['scale']} in {dataset['generate_seconds']} s "
            f"(migrations {dataset['migrate_seconds']} s; {dataset['distinct_answers_scored']:,} "
            "distinct sets of answers scored):\n"
        )
        lines.append("| table | rows | seconds |\n| --- | ---: | ---: |")
        for table, rows in dataset["rows"].items():
            lines.append(f"| {table} | {rows:,} | {dataset['seconds'].get(table, '')} |")
    data = results.get("data")
    if data:
        lines.append("\nData measured on: " + ", ".join(f"{k} {v:,}" for k, v in data.items()))
    lines.append("\n| measurement | figure | baseline (same run) | ratio | target |")
    lines.append("| --- | ---: | ---: | ---: | --- |")
    r = results.get("ranking")
    if r:
        lines.append(
            f"| force ranking (selector; median of {r['ranking']['runs']}, p95) | "
            f"{r['ranking']['median_ms']} ms ({r['ranking']['p95_ms']}) | "
            f"{r['baseline_raw_group_by']['median_ms']} ms: the same count by GROUP BY over the "
            f"disruptions table | {r['ratio_to_baseline']} | < 200 ms |"
        )
    n = results.get("network")
    if n:
        times_sql = n["two_step_median_ms"] / max(n["baseline_sql_two_step_median_ms"], 0.1)
        lines.append(
            f"| two-step network around a group member (page's selector, reading it from the "
            f"database; median, p95, max of {n['queries']}) | {n['two_step_median_ms']} ms, "
            f"{n['two_step_p95_ms']} ms, {n['two_step_max_ms']} ms | "
            f"{n['baseline_sql_two_step_median_ms']} ms: recursive SQL count of the two-step "
            f"associations | {times_sql:.0f} | < 500 ms |"
        )
        lines.append(
            f"| whole graph built from the database (before: on each first query) | "
            f"{n['whole_graph_build_seconds']} s ({n['whole_graph_nodes']:,} nodes, "
            f"{n['whole_graph_edges']:,} links) | | | |"
        )
    s = results.get("rescore")
    if s:
        lines.append(
            f"| re-scoring every active threat ({s['rescored']:,}; "
            + ", ".join(f"{k} {v['seconds']} s" for k, v in s["by_methodology"].items())
            + f") | {s['seconds']} s | {s['baseline_pure_scoring_seconds']} s: scoring the same "
            f"inputs alone | {s['ratio_to_baseline']} | < 10 s |"
        )
    i = results.get("import")
    if i:
        lines.append(
            f"| disruption import, CSV end to end ({i['rows']:,} rows) | {i['import_seconds']} s "
            f"= {i['import_rows_per_second']:,} rows/s | {i['copy_seconds']} s = "
            f"{i['copy_rows_per_second']:,} rows/s: raw COPY of the same rows | "
            f"{i['share_of_copy_speed']:.0%} of COPY speed | ≥ 30% |"
        )
    for key in ("load", "load_without_search"):
        load = results.get(key)
        if not load:
            continue
        lines.append(
            f"\nLoad test ({load.get('mix', 'with search')}): {load['users']} users, "
            f"{load['think_seconds']} s between views, {load['seconds']} s measured after a "
            f"warm-up; {load['server']}; {load['requests']:,} requests "
            f"({load['requests_per_second']}/s), {load['errors']} errors; load average "
            f"{load['load_average_after']} after"
            + (
                f"; the cores {load['cpu_during']['busy_percent']}% busy during it, "
                f"{load['cpu_during']['steal_percent']}% taken by the host (steal)"
                if load.get("cpu_during")
                else ""
            )
            + ".\n"
        )
        lines.append("| page | requests | errors | p50 ms | p95 ms | p99 ms | max ms | target |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for page, row in load["by_page"].items():
            target = f"p95 < {TARGETS_MS[page]} ms" if page in TARGETS_MS else ""
            figures = " | ".join(_fmt(row[k]) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms"))
            lines.append(
                f"| {page} | {row['requests']:,} | {row['errors']} | {figures} | {target} |"
            )
        if load.get("error_samples"):
            lines.append("\nErrors: " + "; ".join(load["error_samples"]))
    return "\n".join(lines) + "\n"


START = "<!-- bench.national: the latest run, written by `make bench` -->"
END = "<!-- bench.national: end of the latest run -->"


def write_into(path, table: str) -> None:
    """Put ``table`` (a run's figures) into BENCHMARKS.md between its markers, replacing the
    run before; a file without the markers gets them, with the table, at its end. The
    written analysis around them is left as it is."""
    from pathlib import Path

    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{START}\n\n{table.strip()}\n\n{END}"
    if START in text:
        before, rest = text.split(START, 1)
        if END not in rest:
            raise ValueError(f"{path} has the start marker of the latest run but not its end.")
        _, after = rest.split(END, 1)
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n### The latest run\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
