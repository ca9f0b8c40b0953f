"""National-scale benchmark: generate the national dataset into a scratch PostgreSQL database
and measure what issue 10 asks for, each figure beside a baseline of the same run.

    .venv/bin/python -m bench.national all [--scale 1] [--keep] [--json FILE]
    .venv/bin/python -m bench.national generate [--scale 0.01]   # create, migrate, load
    .venv/bin/python -m bench.national measure [--users 50] [--seconds 60]
    .venv/bin/python -m bench.national drop

The database is ``socmap_bench_national`` on the server of ``DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432``); ``generate`` drops and recreates it, ``all`` drops
it at the end unless ``--keep``. ``BENCH_SCALE`` sets the default scale (1 = national);
``BENCH_NATIONAL_DB`` another database name.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = os.environ.get("BENCH_NATIONAL_DB", "socmap_bench_national")


def database_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    return base.rsplit("/", 1)[0] + "/" + NAME


def _server(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def create_database(url: str) -> None:
    import psycopg

    with psycopg.connect(_server(url), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {NAME}")
        # as docs/operations.md advises for a small server: no parallel query (on two cores a
        # page's query that takes three processes slows every other user's page)
        admin.execute(f"ALTER DATABASE {NAME} SET max_parallel_workers_per_gather = 0")


def drop_database(url: str) -> None:
    import psycopg

    with psycopg.connect(_server(url), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
    print(f"Dropped {NAME}.")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # the same key for the sessions made here and the gunicorn server of the load test
    os.environ.setdefault("SOCMAP_SECRET_KEY", "bench-national-not-a-secret-" + "x" * 40)
    os.environ.setdefault("SOCMAP_VAR_DIR", tempfile.mkdtemp(prefix="socmap-national-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socmap.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def run_generate(url: str, scale: float) -> dict:
    from bench.national.generate import generate
    from django.core.management import call_command

    print(f"Creating {NAME} and migrating it...")
    clock = time.perf_counter()
    create_database(url)
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - clock
    print(f"  migrated in {migrated:.1f}s; generating the national dataset at scale {scale}...")
    report = generate(scale)
    print(
        f"Generated {sum(report.rows.values()):,} rows in {report.total_seconds:.1f}s "
        f"({report.scoring_distinct_answers:,} distinct sets of answers scored)."
    )
    return {
        "scale": scale,
        "migrate_seconds": round(migrated, 1),
        "generate_seconds": round(report.total_seconds, 1),
        "rows": report.rows,
        "seconds": {k: round(v, 1) for k, v in report.seconds.items()},
        "distinct_answers_scored": report.scoring_distinct_answers,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.national", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("step", choices=["all", "generate", "measure", "drop"], nargs="?",
                        default="all")  # fmt: skip
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--users", type=int, default=50, help="concurrent users of the load test")
    parser.add_argument("--seconds", type=int, default=60, help="length of the load test")
    parser.add_argument(
        "--only", default="", help="measure only these, e.g. ranking,network,load,rescore,import"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database after 'all'")
    parser.add_argument(
        "--benchmarks",
        type=Path,
        default=None,
        help="also write the figures into this BENCHMARKS.md, between its national markers",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench-national.json")
    args = parser.parse_args(argv)
    url = database_url()
    if args.step == "drop":
        drop_database(url)
        return 0
    setup_django(url)
    results: dict = {}
    if args.json.exists() and args.step == "measure":
        results = json.loads(args.json.read_text())
    try:
        if args.step in ("all", "generate"):
            results["dataset"] = run_generate(url, args.scale)
        if args.step in ("all", "measure"):
            from bench.national.measure import measure_all

            only = {part for part in args.only.split(",") if part}
            results.update(
                measure_all(url, users=args.users, seconds=args.seconds, only=only or None)
            )
    finally:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str))
        from bench.national.report import markdown

        table = markdown(results)
        args.json.with_suffix(".md").write_text(table)
        if args.benchmarks and args.step in ("all", "measure"):
            from bench.national.report import write_into

            write_into(args.benchmarks, table)
            print(f"The figures are in {args.benchmarks}, under 'The latest run'.")
        print(f"\n{table}\nFigures written to {args.json} and {args.json.with_suffix('.md')}")
        if args.step == "all" and not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
