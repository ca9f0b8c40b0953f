"""Benchmark: the ranking of forces over 1,000,000 disruptions.

Bulk-generates a national table of disruptions (every force, weighted by its population, over
30 months; 85% validated; tactics, grades and quantities as a real return has them) straight
into a scratch database with ``COPY`` (the rollup triggers fire, as for any write), then times:

* the ranking as the page, API and command compute it (``performance.selectors.ranking``:
  the rollup read, populations, the ranking rules), the default 24 months, validated only;
* the same count straight from the disruptions table (no rollup) for comparison, with the
  index the disruptions part has on (owner, status, occurred_on);
* the month trend and the 4P/tactic/grade breakdown (which reads the disruptions table);
* the same GROUP BY in DuckDB over the same rows (exported once to a CSV file) as a
  columnar baseline;
* the rollup check (``socmap performance-rollup --check``) and a full rebuild;
* the ranking, trend, breakdown and public summary for a national user, first with no
  restriction, then with one restricted operation (``--restricted`` of the disruptions
  against one restricted threat, a few of them against an open threat too), and for the
  officer named in it: what leaving a restricted operation out of the figures costs.

Runs in a scratch database it creates and drops: ``test_<NAME>`` of ``DATABASE_URL``
(default ``postgres://postgres@127.0.0.1:5432/socmap_bench_performance``; SQLite in memory
when no PostgreSQL answers). Nothing of the user's data is touched.

    .venv/bin/python bench/performance_ranking.py [--rows 1000000] [--repeat 7] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import database_url, setup_django  # noqa: E402
from bench.common import timed as _timed  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/socmap_bench_performance"
MONTHS = 30
CHUNK = 50_000


# --------------------------------------------------------------------------- the data

COLUMNS = (
    "owner_id",
    "acting_organisation_id",
    "occurred_on",
    "category",
    "tactic_id",
    "arrests",
    "firearms",
    "lines_closed",
    "cash",
    "narrative",
    "evidence",
    "operation_name",
    "status",
    "grade",
    "grade_rationale",
    "recorded_at",
    "validated_at",
    "source",
    "updated_at",
    "version",  # no database default: Django's optimistic-locking field (socmap.concurrency)
)


def reference() -> tuple[list[int], list[float], list[tuple[str, list[str]]]]:
    """The forces (weighted by population) and tactics, read before COPY starts (no other
    query may run on the connection while a COPY is open)."""
    from socmap.disruptions.models import Tactic
    from socmap.orgs.models import Organisation, OrganisationKind, PopulationFigure

    forces = list(
        Organisation.objects.filter(kind=OrganisationKind.FORCE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    people = dict(PopulationFigure.objects.values_list("force_id", "population"))
    weights = [people.get(f, 100_000) for f in forces]
    return forces, weights, [(t.code, t.categories) for t in Tactic.objects.all()]


def generate(rows: int, today: dt.date, seed: int = 2026):
    """Rows for COPY (tab-separated text), in chunks."""
    import numpy as np

    rng = np.random.default_rng(seed)
    forces, people, tactics = reference()
    weights = np.array(people, dtype=float)
    weights /= weights.sum()
    grades = np.array(["major", "moderate", "minor", "none", "negative"])
    grade_p = [0.08, 0.32, 0.4, 0.17, 0.03]
    days = MONTHS * 30
    stamp = f"{today:%Y-%m-%d} 12:00:00+00"
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        owners = rng.choice(len(forces), size=n, p=weights)
        ago = rng.integers(0, days, size=n)
        tactic_index = rng.integers(0, len(tactics), size=n)
        grade_index = rng.choice(len(grades), size=n, p=grade_p)
        validated = rng.random(n) < 0.85
        submitted = rng.random(n) < 0.7
        arrests = rng.integers(0, 4, size=n)
        firearms = (rng.random(n) < 0.03).astype(int)
        lines = (rng.random(n) < 0.05).astype(int)
        lines_out = []
        for i in range(n):
            code, categories = tactics[tactic_index[i]]
            day = today - dt.timedelta(days=int(ago[i]))
            owner = forces[owners[i]]
            status = "validated" if validated[i] else ("submitted" if submitted[i] else "returned")
            lines_out.append(
                "\t".join(
                    (
                        str(owner),
                        str(owner),
                        day.isoformat(),
                        categories[0],
                        code,
                        str(arrests[i]) if code == "arrest" else r"\N",
                        str(firearms[i]),
                        str(lines[i]),
                        r"\N",
                        "",
                        "[]",
                        "",
                        status,
                        str(grades[grade_index[i]]),
                        "Benchmark row",
                        stamp,
                        stamp if status == "validated" else r"\N",
                        "bench",
                        stamp,
                        "1",
                    )
                )
            )
        yield n, "\n".join(lines_out) + "\n"


def _chain(*parts):
    for part in parts:
        yield from part


def load(rows: int, today: dt.date) -> dict:
    from django.db import connection, transaction

    from socmap.disruptions.models import Disruption

    table = Disruption._meta.db_table
    started = time.perf_counter()
    done = 0
    chunks = generate(rows, today)
    first = next(chunks)  # reads the reference data before COPY opens
    generating = time.perf_counter() - started
    chunks = _chain([first], chunks)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                clock = time.perf_counter()
                for n, text in chunks:
                    generating += time.perf_counter() - clock
                    copy.write(text)
                    done += n
                    clock = time.perf_counter()
                    if done % 200_000 == 0:
                        print(f"  {done:,} rows...", flush=True)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            for n, text in chunks:
                values = [
                    [None if v == r"\N" else v for v in line.split("\t")]
                    for line in text.splitlines()
                ]
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})", values
                )
                done += n
    seconds = time.perf_counter() - started
    return {
        "rows": done,
        "seconds": round(seconds, 1),
        "generating_seconds": round(generating, 1),
        "method": "COPY (rollup triggers firing)"
        if connection.vendor == "postgresql"
        else "executemany",
    }


# --------------------------------------------------------------------------- the measurements


def trigger_cost(today: dt.date, rows: int = 100_000) -> dict:
    """COPY of ``rows`` more disruptions with the rollup triggers and with them disabled, each
    rolled back: what keeping the rollup costs a bulk import (PostgreSQL only)."""
    from django.db import connection, transaction

    from socmap.disruptions.models import Disruption

    if connection.vendor != "postgresql":
        return {"skipped": "PostgreSQL only"}
    table = Disruption._meta.db_table
    chunks = list(generate(rows, today, seed=7))
    timings = {}
    for label, disable in (("with_triggers", False), ("without_triggers", True)):
        started = time.perf_counter()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if disable:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for _, text in chunks:
                        copy.write(text)
                timings[label] = round(time.perf_counter() - started, 2)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    return {"rows": rows, **timings}


def raw_ranking_count(period) -> list:
    """The count the ranking needs, straight from the disruptions table (no rollup)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.owner_id, count(*) FROM disruptions_disruption d "
            "JOIN orgs_organisation o ON o.id = d.owner_id "
            "WHERE d.status = 'validated' AND d.occurred_on BETWEEN %s AND %s "
            "AND o.kind = 'force' GROUP BY d.owner_id",
            [period.start, period.end],
        )
        return sorted(cursor.fetchall())


def restricted_figures(options, repeat: int, linked: int) -> dict:
    """The figures of a national user (not named) before and after one threat is restricted
    with ``linked`` Wiltshire disruptions against it (a tenth of them also against an open
    threat), and of the officer named; the plan of the correction's query."""
    from django.db import connection

    from socmap.disruptions.models import Disruption
    from socmap.orgs.models import Organisation
    from socmap.orgs.services import create_user
    from socmap.performance import selectors as s
    from socmap.reference import ensure_all
    from socmap.security import services as security
    from socmap.threats.models import CrimeType
    from socmap.threats.services import map_threat

    ensure_all()

    def user(org: str, username: str, *roles: str):
        return create_user(
            actor=None,
            username=username,
            email=f"{username}@bench.example",
            first_name="Bench",
            last_name="User",
            organisation=Organisation.objects.get(name=org),
            roles=list(roles),
            password="bench-password-not-used-anywhere",
        ).user

    national = user("National Crime Agency", "bench.national", "analyst")
    officer = user("Wiltshire", "bench.officer", "analyst", "lro")

    def figures(who) -> dict:
        ranking = _timed(lambda: s.ranking(who, options), repeat)
        table = ranking.pop("result")
        trend = _timed(lambda: s.trends(who, options), repeat)
        trend.pop("result")
        mix = _timed(lambda: s.breakdown(who, options), max(1, repeat // 2))
        mix.pop("result")
        public = _timed(lambda: s.public_summary(who, options), repeat)
        public.pop("result")
        counted = {r.slug: r.count for r in table.ranking.rows}
        return {
            "ranking": ranking,
            "trend_national_by_month": trend,
            "breakdown_national": mix,
            "public_summary_national": public,
            "wiltshire_counted": counted["wiltshire"],
            "disruptions_counted": table.average.count,
        }

    results = {"national_no_restriction": figures(national)}
    drugs = CrimeType.objects.get(code="drugs")
    secret = map_threat(
        actor=officer, kind="ocg", name="Bench operation", predominant_crime_type=drugs
    )
    open_threat = map_threat(
        actor=officer, kind="ocg", name="Bench open firm", predominant_crime_type=drugs
    )
    security.restrict_record(
        actor=officer, record=secret, name="Operation Bench", reason="Benchmark restriction"
    )
    ids = list(
        Disruption.objects.filter(
            owner__slug="wiltshire",
            status="validated",
            occurred_on__range=(options.period.start, options.period.end),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:linked]
    )
    link = Disruption.threats.through
    both = ids[: len(ids) // 10]
    link.objects.bulk_create(
        [link(disruption_id=i, threat_id=secret.pk) for i in ids]
        + [link(disruption_id=i, threat_id=open_threat.pk) for i in both]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {link._meta.db_table}")
            cursor.execute("ANALYZE threats_threat")
    results["restricted"] = {"linked": len(ids), "also_against_an_open_threat": len(both)}
    results["national_one_restriction"] = figures(national)
    results["named_officer"] = figures(officer)
    hidden = (
        results["national_no_restriction"]["wiltshire_counted"]
        - (results["national_one_restriction"]["wiltshire_counted"])
    )
    assert hidden == len(ids) - len(both), f"left out {hidden}, not {len(ids) - len(both)}"
    correction = _timed(lambda: s.hidden_by_restrictions(national, options.period), repeat)
    correction.pop("result")
    results["correction_query"] = correction
    if connection.vendor == "postgresql":
        # the correction's query, as hidden_by_restrictions runs it, explained
        query = s._hidden_disruption_days(national, options.period)
        plan = query.explain(analyze=True)
        results["correction_plan_scans_disruptions"] = "Seq Scan on disruptions_disruption " in plan
        results["correction_plan"] = plan
    return results


def duckdb_baseline(scratch: Path, period, repeat: int) -> dict:
    """The same rows in DuckDB (exported once to CSV), and the same GROUP BY there."""
    try:
        import duckdb
    except ImportError:
        return {"skipped": "duckdb is not installed (pip install -e '.[bench]')"}
    from django.db import connection

    path = scratch / "disruptions.csv"
    started = time.perf_counter()
    with connection.cursor() as cursor, open(path, "wb") as out:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                "COPY (SELECT d.owner_id, d.occurred_on, d.status, o.kind FROM "
                "disruptions_disruption d JOIN orgs_organisation o ON o.id = d.owner_id) "
                "TO STDOUT WITH (FORMAT csv, HEADER)"
            ) as copy:
                for block in copy:
                    out.write(block)
        else:
            cursor.execute(
                "SELECT d.owner_id, d.occurred_on, d.status, o.kind FROM disruptions_disruption d "
                "JOIN orgs_organisation o ON o.id = d.owner_id"
            )
            out.write(b"owner_id,occurred_on,status,kind\n")
            for row in cursor.fetchall():
                out.write((",".join(str(v) for v in row) + "\n").encode())
    exported = time.perf_counter() - started
    database = duckdb.connect()
    started = time.perf_counter()
    database.execute(f"CREATE TABLE d AS SELECT * FROM read_csv_auto('{path}')")
    loaded = time.perf_counter() - started
    query = (
        "SELECT owner_id, count(*) FROM d WHERE status = 'validated' AND kind = 'force' "
        "AND occurred_on BETWEEN ? AND ? GROUP BY owner_id ORDER BY owner_id"
    )
    timed = _timed(
        lambda: [tuple(r) for r in database.execute(query, [period.start, period.end]).fetchall()],
        repeat,
    )
    return {
        "version": duckdb.__version__,
        "export_seconds": round(exported, 1),
        "load_seconds": round(loaded, 1),
        **timed,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path, help="Write the figures to this file")
    parser.add_argument(
        "--restricted",
        type=int,
        default=1_000,
        help="Disruptions against the one restricted threat (0: skip that part)",
    )
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="socmap-bench-"))
    setup_django(database_url(DEFAULT_URL), scratch)
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from django.utils import timezone

    setup_test_environment()
    print("Creating a scratch database and migrating it...")
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from socmap.orgs.services import ensure_reference
        from socmap.performance import rollup
        from socmap.performance import selectors as s
        from socmap.performance.models import DisruptionDay

        ensure_reference()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                server = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            import sqlite3

            server = f"SQLite {sqlite3.sqlite_version}"
        today = timezone.localdate()
        print(f"Generating and loading {args.rows:,} disruptions...")
        results = {
            "database": server,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
            "load": load(args.rows, today),
        }
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE disruptions_disruption")
                cursor.execute("ANALYZE performance_disruptionday")
        results["rollup_rows"] = DisruptionDay.objects.count()
        options = s.default_options()
        period = options.period
        print("Timing the ranking...")
        ranking = _timed(lambda: s.ranking(None, options), args.repeat)
        table = ranking.pop("result")
        results["ranking"] = {
            **ranking,
            "forces_compared": table.average.forces,
            "disruptions_counted": table.average.count,
            "average_per_1000": str(table.average.rate),
        }
        raw = _timed(lambda: raw_ranking_count(period), args.repeat)
        raw_counts = raw.pop("result")
        results["raw_table_count"] = raw
        by_force = {r.slug: r.count for r in table.ranking.rows}
        from socmap.orgs.models import Organisation

        slugs = dict(Organisation.objects.values_list("pk", "slug"))
        assert {slugs[o]: n for o, n in raw_counts} == {k: v for k, v in by_force.items() if v}, (
            "the rollup and the disruptions table disagree"
        )
        trend = _timed(lambda: s.trends(None, options), args.repeat)
        trend.pop("result")
        results["trend_national_by_month"] = trend
        mix = _timed(lambda: s.breakdown(None, options), max(1, args.repeat // 2))
        mix.pop("result")
        results["breakdown_national"] = mix
        duck = duckdb_baseline(scratch, period, args.repeat)
        duck_counts = duck.pop("result", None)
        if duck_counts is not None:
            assert sorted(duck_counts) == raw_counts, "DuckDB counted differently"
        results["duckdb"] = duck
        started = time.perf_counter()
        wrong = rollup.differences()
        results["rollup_check"] = {
            "seconds": round(time.perf_counter() - started, 2),
            "differences": len(wrong),
        }
        started = time.perf_counter()
        rollup.rebuild()
        results["rollup_rebuild_seconds"] = round(time.perf_counter() - started, 2)
        results["trigger_cost"] = trigger_cost(today)
        if args.restricted:
            print("Timing the figures with a restricted operation...")
            results["restrictions"] = restricted_figures(options, args.repeat, args.restricted)
        results["load_average"] = [round(x, 1) for x in os.getloadavg()]
    finally:
        teardown_databases(old, verbosity=0)

    r = results
    print(f"\n{r['database']}; {r['machine']}")
    print(
        f"  load: {r['load']['rows']:,} disruptions in {r['load']['seconds']}s "
        f"({r['load']['method']}; {r['load']['generating_seconds']}s generating them); "
        f"rollup {r['rollup_rows']:,} rows"
    )
    print(
        f"  ranking (selector, end to end): median {r['ranking']['median_ms']} ms, best "
        f"{r['ranking']['best_ms']} ms over {r['ranking']['runs']} runs; "
        f"{r['ranking']['disruptions_counted']:,} validated in the 24 months, "
        f"{r['ranking']['forces_compared']} forces, average {r['ranking']['average_per_1000']}"
    )
    print(
        f"  the same count from the disruptions table (no rollup): median "
        f"{r['raw_table_count']['median_ms']} ms, best {r['raw_table_count']['best_ms']} ms"
    )
    print(f"  national trend by month: median {r['trend_national_by_month']['median_ms']} ms")
    print(f"  national breakdown (4P, tactic, grade, crime type): median "
          f"{r['breakdown_national']['median_ms']} ms")  # fmt: skip
    if "median_ms" in r["duckdb"]:
        d = r["duckdb"]
        print(
            f"  DuckDB {d['version']} baseline: same GROUP BY median {d['median_ms']} ms, best "
            f"{d['best_ms']} ms (export {d['export_seconds']}s, load {d['load_seconds']}s)"
        )
    else:
        print(f"  DuckDB baseline: {r['duckdb']['skipped']}")
    print(
        f"  rollup check: {r['rollup_check']['differences']} differences in "
        f"{r['rollup_check']['seconds']}s; rebuild {r['rollup_rebuild_seconds']}s"
    )
    cost = r["trigger_cost"]
    if "with_triggers" in cost:
        print(
            f"  COPY of {cost['rows']:,} more rows: {cost['with_triggers']}s with the rollup "
            f"triggers, {cost['without_triggers']}s without"
        )
    if "restrictions" in r:
        x = r["restrictions"]
        print(
            f"  one restricted operation ({x['restricted']['linked']:,} disruptions, "
            f"{x['restricted']['also_against_an_open_threat']:,} also against an open threat):"
        )
        for label, key in (
            ("national user, no restriction", "national_no_restriction"),
            ("national user, not named", "national_one_restriction"),
            ("the officer named", "named_officer"),
        ):
            f = x[key]
            print(
                f"    {label}: ranking {f['ranking']['median_ms']} ms (best "
                f"{f['ranking']['best_ms']}), trend "
                f"{f['trend_national_by_month']['median_ms']} ms, "
                f"breakdown {f['breakdown_national']['median_ms']} ms, public summary "
                f"{f['public_summary_national']['median_ms']} ms; Wiltshire "
                f"{f['wiltshire_counted']:,}"
            )
        if "correction_query" in x:
            print(
                f"    the correction's query alone: {x['correction_query']['median_ms']} ms; "
                f"scans the disruptions table: {x.get('correction_plan_scans_disruptions')}"
            )
    print(f"  load average at the end: {r['load_average']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
