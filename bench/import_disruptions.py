"""Benchmark: a national return of 100,000 disruptions imported end to end.

What is timed is what ``socmap import-disruptions FILE.csv`` does: read the file, check every
row against the rules (threats, date, 4P category and tactic, grade and rationale,
quantities, validators), then write the claims, their threat and people links and their
history steps in one transaction, with the audit event and the re-assessment requests. For
comparison the same rows are then written by the fastest route the database has (PostgreSQL
``COPY``, or one ``executemany`` transaction on SQLite), with no checks at all.

Runs in a scratch database that it creates and drops: ``test_<NAME>`` of ``DATABASE_URL``
(default ``postgres://postgres@127.0.0.1:5432/socmap_bench_disruptions``, or SQLite in
memory when no PostgreSQL answers). Nothing of the user's data is touched.

    .venv/bin/python bench/import_disruptions.py [--rows 100000] [--xlsx] [--json FILE]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import database_url, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/socmap_bench_disruptions"
THREATS = 2_000
NOMINALS = 5_000


# --------------------------------------------------------------------------- the data


def _world():
    """A force, its analyst and validator, 2,000 threats and 5,000 people."""
    from django.utils import timezone

    from socmap.orgs.models import Organisation
    from socmap.orgs.services import create_user, ensure_reference
    from socmap.people.models import Nominal
    from socmap.threats.models import CrimeType, Status, Threat, ThreatKind

    ensure_reference()
    force = Organisation.objects.get(name="Wiltshire")

    def user(name, role):
        return create_user(
            actor=None,
            username=name,
            email=f"{name}@bench.example",
            first_name="Bench",
            last_name=role.title(),
            organisation=force,
            roles=[role],
        ).user

    analyst, validator = user("bench.analyst", "analyst"), user("bench.validator", "validator")
    drugs = CrimeType.objects.get(code="drugs")
    long_ago = timezone.now() - dt.timedelta(days=900)
    kinds = [ThreatKind.OCG] * 7 + [ThreatKind.PRIORITY_INDIVIDUAL] * 2 + [ThreatKind.VULNERABILITY]
    threats = Threat.objects.bulk_create(
        Threat(
            kind=kinds[n % len(kinds)],
            name=f"Bench threat {n:05d}",
            owner=force,
            status=Status.ACTIVE,
            predominant_crime_type=drugs,
            created_at=long_ago,
            adopted_at=long_ago,
            last_assessed_at=long_ago,
        )
        for n in range(THREATS)
    )
    people = Nominal.objects.bulk_create(
        Nominal(owner=force, surname=f"Bench{n:05d}", forenames="Test") for n in range(NOMINALS)
    )
    return analyst, validator, [t.reference for t in threats], [p.pk for p in people]


TACTICS = (
    ("pursue", "arrest", "arrests", lambda r: r.randint(1, 5)),
    ("pursue", "charge", "arrests", lambda r: r.randint(1, 3)),
    ("pursue", "conviction", "custodial_years", lambda r: f"{r.randint(10, 200) / 10:.1f}"),
    ("pursue", "drugs-seizure", "drugs_kg", lambda r: f"{r.uniform(0.01, 30):.3f}"),
    ("pursue", "cash-seizure", "cash", lambda r: f"{r.uniform(500, 90000):.2f}"),
    ("protect", "victim-safeguarding", "people_safeguarded", lambda r: r.randint(1, 4)),
    ("prevent", "diversion", "people_safeguarded", lambda r: r.randint(2, 25)),
    ("protect", "county-line-closed", "lines_closed", lambda r: 1),
    ("prepare", "target-hardening", "", None),
    ("pursue", "premises-closure", "", None),
)
GRADES = ("major", "moderate", "moderate", "minor", "minor", "minor", "none", "negative")


def write_csv(path: Path, rows: int, threats: list[str], people: list[int]) -> None:
    from socmap.disruptions.services import IMPORT_COLUMN_NAMES

    rng = random.Random(2026)
    today = dt.date.today()
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=IMPORT_COLUMN_NAMES)
        writer.writeheader()
        for n in range(rows):
            category, tactic, quantity, value = TACTICS[n % len(TACTICS)]
            status = rng.choice(("submitted",) * 6 + ("validated",) * 3 + ("draft",))
            grade = rng.choice(GRADES)
            row = {
                "threats": rng.choice(threats)
                + (f"; {rng.choice(threats)}" if rng.random() < 0.1 else ""),
                "date": (today - dt.timedelta(days=rng.randint(1, 729))).isoformat(),
                "category": category,
                "tactic": tactic,
                "grade": grade,
                "rationale": f"Bench rationale {n}: the group lost {grade} capability.",
                "operation": f"Op Bench{n % 500}",
                "narrative": "Warrant executed; exhibits seized; suspects interviewed.",
                "evidence": f"CR/2026/{n:06d}; EXH/{n % 97}",
                "nominals": "; ".join(str(p) for p in rng.sample(people, rng.randint(0, 2))),
                "status": status,
                "validated_by": "bench.validator" if status == "validated" else "",
            }
            if quantity:
                row[quantity] = value(rng)
            writer.writerow(row)


def write_xlsx(csv_path: Path, path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Disruptions")
    with csv_path.open(encoding="utf-8") as handle:
        for cells in csv.reader(handle):
            sheet.append(cells)
    workbook.save(path)


# --------------------------------------------------------------------------- measuring


def time_import(path: Path, analyst) -> dict:
    from socmap.disruptions import files
    from socmap.disruptions.services import import_disruptions

    stages: dict[str, float] = {}
    marks = {"start": time.perf_counter()}

    def progress(stage, done, total):
        if stage not in marks:
            marks[stage] = time.perf_counter()
        if done == total:
            stages[stage] = time.perf_counter() - marks[stage]

    started = time.perf_counter()
    rows, lines = files.read_table(path.name, path.read_bytes())
    read = time.perf_counter() - started
    result = import_disruptions(
        actor=analyst, rows=rows, lines=lines, source_name=path.name, progress=progress
    )
    total = time.perf_counter() - started
    return {
        "file": path.name,
        "bytes": path.stat().st_size,
        "rows": result.created,
        "seconds": round(total, 2),
        "rows_per_second": round(result.created / total),
        "reading_seconds": round(read, 2),
        "checking_seconds": round(stages.get("checking", 0), 2),
        "saving_seconds": round(total - read - stages.get("checking", 0), 2),
        "reassessments_requested": len(result.reassessments_requested),
    }


def raw_baseline(analyst) -> dict:
    """The same rows written again by the fastest route, with no checks: PostgreSQL COPY
    (or executemany on SQLite) of the claims, their threat and people links and their steps."""
    from django.db import connection, transaction

    from socmap.disruptions.models import Disruption, DisruptionStep

    tables = {
        "disruption": Disruption._meta.db_table,
        "threats": Disruption.threats.through._meta.db_table,
        "nominals": Disruption.nominals.through._meta.db_table,
        "steps": DisruptionStep._meta.db_table,
    }
    columns = {
        "disruption": [f.column for f in Disruption._meta.concrete_fields if f.column != "id"],
        "threats": ["disruption_id", "threat_id"],
        "nominals": ["disruption_id", "nominal_id"],
        "steps": [f.column for f in DisruptionStep._meta.concrete_fields if f.column != "id"],
    }
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns['disruption'])}, id FROM {tables['disruption']}")
        claims = cursor.fetchall()
        cursor.execute(f"SELECT disruption_id, threat_id FROM {tables['threats']}")
        threat_links = cursor.fetchall()
        cursor.execute(f"SELECT disruption_id, nominal_id FROM {tables['nominals']}")
        people_links = cursor.fetchall()
        cursor.execute(f"SELECT {', '.join(columns['steps'])} FROM {tables['steps']}")
        steps = cursor.fetchall()
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {tables['disruption']}")
        offset = cursor.fetchone()[0]
    claims = [(*c[:-1], c[-1] + offset) for c in claims]
    ids = columns["disruption"] + ["id"]
    step_disruption = columns["steps"].index("disruption_id")
    shifted_steps = [
        tuple(v + offset if i == step_disruption else v for i, v in enumerate(s)) for s in steps
    ]
    batches = [
        (tables["disruption"], ids, claims),
        (tables["threats"], columns["threats"], [(d + offset, t) for d, t in threat_links]),
        (tables["nominals"], columns["nominals"], [(d + offset, p) for d, p in people_links]),
        (tables["steps"], columns["steps"], shifted_steps),
    ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            for table, names, rows in batches:
                with raw.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(
                            [json.dumps(v) if isinstance(v, (list, dict)) else v for v in row]
                        )
        else:
            for table, names, rows in batches:
                marks = ", ".join(["%s"] * len(names))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
                    [
                        [json.dumps(v) if isinstance(v, (list, dict)) else v for v in row]
                        for row in rows
                    ],
                )
    seconds = time.perf_counter() - started
    return {
        "rows": len(claims),
        "seconds": round(seconds, 2),
        "rows_per_second": round(len(claims) / seconds),
        "method": "COPY" if connection.vendor == "postgresql" else "executemany",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="Also import the rows as XLSX")
    parser.add_argument("--json", type=Path, help="Write the figures to this file")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="socmap-bench-"))
    setup_django(database_url(DEFAULT_URL), scratch)
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    print("Creating a scratch database and migrating it...")
    old = setup_databases(verbosity=0, interactive=False)
    try:
        vendor = connection.vendor
        server = ""
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                server = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            import sqlite3

            server = f"SQLite {sqlite3.sqlite_version}"
        analyst, validator, threats, people = _world()
        path = scratch / "national-return.csv"
        started = time.perf_counter()
        write_csv(path, args.rows, threats, people)
        print(
            f"Wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - started:.1f}s; importing..."
        )
        results = {
            "database": server,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
            "csv": time_import(path, analyst),
        }
        results["copy_baseline"] = raw_baseline(analyst)
        if args.xlsx:
            from socmap.disruptions.models import Disruption, DisruptionStep

            DisruptionStep.objects.all()._raw_delete(DisruptionStep.objects.db)
            Disruption.threats.through.objects.all().delete()
            Disruption.nominals.through.objects.all().delete()
            Disruption.objects.all().delete()
            xlsx = scratch / "national-return.xlsx"
            write_xlsx(path, xlsx)
            results["xlsx"] = time_import(xlsx, analyst)
    finally:
        teardown_databases(old, verbosity=0)
    csv_figures, copy = results["csv"], results["copy_baseline"]
    print(f"\n{results['database']}; {results['machine']}")
    print(
        f"  import (CSV, end to end): {csv_figures['rows']:,} rows in {csv_figures['seconds']}s"
        f" = {csv_figures['rows_per_second']:,} rows/s (read {csv_figures['reading_seconds']}s,"
        f" check {csv_figures['checking_seconds']}s, save {csv_figures['saving_seconds']}s)"
    )
    if "xlsx" in results:
        x = results["xlsx"]
        print(
            f"  import (XLSX, end to end): {x['rows']:,} rows in {x['seconds']}s = "
            f"{x['rows_per_second']:,} rows/s (read {x['reading_seconds']}s)"
        )
    print(
        f"  raw {copy['method']} of the same rows, links and steps, no checks: "
        f"{copy['seconds']}s = {copy['rows_per_second']:,} rows/s"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
