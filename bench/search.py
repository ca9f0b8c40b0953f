"""Benchmark: search latency on a national-scale dataset.

Generates, in a scratch PostgreSQL database it creates and drops (``test_<NAME>`` of
``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/socmap_bench_search``):
250,000 nominals with about 1.4 aliases each, 100,000 threats, 100,000 disruptions, 30,000 4P
plans with 60,000 actions, 100,000 intelligence reports and 20,000 sanitised copies, owned by
the 43 forces, the ROCUs and the NCA (rows written with ``COPY``; the search indexes are the
migration's own). Then times typical searches (``socmap.search.selectors.search``: the counts
per kind and one page of 20 results, described) as a force analyst (cleared), a ROCU analyst, a
national officer and a partner, and prints p50/p95 over the repetitions.

    .venv/bin/python bench/search.py [--nominals 250000] [--repeat 15] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import database_url, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/socmap_bench_search"

CRIME_WORDS = (  # noqa: SIM905
    "cocaine heroin cannabis crack county lines firearms shotgun pistol knife cash laundering "
    "money mule exploitation cuckooing trafficking slavery burglary robbery vehicle theft fraud "
    "warehouse lockup address flat supplier runner courier phone handset deal parcel delivery "
    "safehouse stash violence threat debt bondage recruitment children school car wash nail bar "
    "cannabis factory grow hydroponic import port lorry container boat airport crypto wallet"
).split()


# --------------------------------------------------------------------------- writing


def _copy(model, rows, *, columns=None) -> int:
    """COPY ``rows`` (dicts of attribute name -> value) into ``model``'s table; unset fields
    get their defaults."""
    from django.db import connection

    fields = list(model._meta.concrete_fields)
    if columns is not None:
        fields = [f for f in fields if f.attname in columns]
    names = [f.column for f in fields]
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for f in fields:
                    value = row[f.attname] if f.attname in row else f.get_default()
                    if isinstance(value, (list, dict)):
                        value = json.dumps(value)
                    values.append(value)
                copy.write_row(values)
                count += 1
    return count


def _sentence(rng: random.Random, words: list[str], places: list[str], n: int) -> str:
    chosen = [rng.choice(words) for _ in range(n)]
    chosen[rng.randrange(n)] = rng.choice(places)
    return " ".join(chosen).capitalize() + "."


def generate(nominals: int, seed: int = 2026) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from faker import Faker
    from faker.providers.lorem.en_US import Provider as Lorem
    from faker.providers.person.en_GB import Provider as Person

    from socmap.disruptions.models import Disruption, Tactic
    from socmap.intel.models import IntelligenceReport, SanitisedCopy
    from socmap.orgs.models import Organisation, OrganisationKind, Share
    from socmap.people.models import Alias, Nominal
    from socmap.plans.models import Action, Plan
    from socmap.threats.models import CrimeType, Threat

    rng = random.Random(seed)
    scale = nominals / 250_000
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    surnames = list(Person.last_names)
    forenames = list(Person.first_names_male) + list(Person.first_names_female)
    places = sorted({faker.city() for _ in range(600)}) + ["Kettering", "Swindon", "Salisbury"]
    words = list(Lorem.word_list) + CRIME_WORDS * 6
    owners = list(
        Organisation.objects.filter(
            kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU, OrganisationKind.NATIONAL]
        ).values_list("pk", flat=True)
    )
    wiltshire = Organisation.objects.get(name="Wiltshire").pk
    weights = [3 if o == wiltshire else 1 for o in owners]
    crime_types = list(CrimeType.objects.values_list("pk", flat=True))
    tactics = list(Tactic.objects.values_list("pk", "categories"))
    today = timezone.localdate()
    now = timezone.now()
    sizes = {}
    started = time.perf_counter()
    with transaction.atomic():
        first = 1
        sizes["nominals"] = _copy(
            Nominal,
            (
                {
                    "id": first + n,
                    "owner_id": rng.choices(owners, weights)[0],
                    "surname": rng.choice(surnames),
                    "forenames": rng.choice(forenames),
                    "date_of_birth": dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 20000)),
                    "created_at": now - dt.timedelta(days=rng.randint(0, 3000)),
                    "updated_at": now,
                    "notes": _sentence(rng, words, places, 8) if n % 4 == 0 else "",
                }
                for n in range(nominals)
            ),
        )
        nicknames = ["Smudger", "Tank", "Ghost", "Lefty", "Bones", "Skinny", "Dusty", "Chalky"]

        def aliases():
            for n in range(nominals):
                count = rng.choices((0, 1, 2, 3), (20, 40, 30, 10))[0]
                names = set()
                for _ in range(count):
                    kind = rng.choice(("alias", "nickname", "previous", "misspelling"))
                    if kind == "nickname":
                        name = rng.choice(nicknames) + (
                            str(rng.randint(1, 99)) if rng.random() < 0.7 else ""
                        )
                    else:
                        name = f"{rng.choice(forenames)} {rng.choice(surnames)}"
                    if name not in names:
                        names.add(name)
                        yield {"nominal_id": first + n, "kind": kind, "name": name}

        sizes["aliases"] = _copy(Alias, aliases(), columns={"nominal_id", "kind", "name"})
        threats = round(100_000 * scale)
        groups = ("firm", "crew", "network", "line", "family")
        statuses = ("active", "active", "active", "archived", "under_assessment")
        kinds = ("ocg", "ocg", "ocg", "priority_individual", "vulnerability")

        def threat_rows():
            for n in range(threats):
                status = rng.choice(statuses)
                created = now - dt.timedelta(days=rng.randint(0, 3000))
                yield {
                    "id": n + 1,
                    "kind": rng.choice(kinds),
                    "name": f"{rng.choice(surnames)} {rng.choice(groups)}",
                    "description": _sentence(rng, words, places, 25),
                    "owner_id": rng.choices(owners, weights)[0],
                    "status": status,
                    "archive_reason": "dismantled" if status == "archived" else "",
                    "archived_at": created if status == "archived" else None,
                    "predominant_crime_type_id": rng.choice(crime_types),
                    "operation_names": [faker.word().capitalize()] if n % 3 == 0 else [],
                    "created_at": created,
                    "updated_at": now,
                }

        sizes["threats"] = _copy(Threat, threat_rows())
        sizes["plans"] = _copy(
            Plan,
            (
                {
                    "id": n + 1,
                    "threat_id": n + 1,
                    "next_review_due": today + dt.timedelta(days=rng.randint(-30, 90)),
                    "look_for": _sentence(rng, words, places, 15),
                    "created_at": now - dt.timedelta(days=rng.randint(0, 900)),
                    "updated_at": now,
                }
                for n in range(round(30_000 * scale))
            ),
        )
        sizes["actions"] = _copy(
            Action,
            (
                {
                    "plan_id": n // 2 + 1,
                    "category": rng.choice(("pursue", "prevent", "protect", "prepare")),
                    "description": _sentence(rng, words, places, 12),
                    "owner_organisation_id": wiltshire,
                    "due_on": today + dt.timedelta(days=rng.randint(-30, 120)),
                    "status": "not_started",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(round(60_000 * scale))
            ),
            columns={
                "plan_id",
                "category",
                "description",
                "owner_organisation_id",
                "due_on",
                "status",
                "created_at",
                "updated_at",
                "outcome",
            },
        )
        disruptions = round(100_000 * scale)

        def disruption_rows():
            for n in range(disruptions):
                tactic, categories = rng.choice(tactics)
                status = rng.choice(("validated", "validated", "submitted", "draft"))
                owner = rng.choices(owners, weights)[0]
                yield {
                    "id": n + 1,
                    "owner_id": owner,
                    "acting_organisation_id": owner,
                    "occurred_on": today - dt.timedelta(days=rng.randint(0, 1500)),
                    "category": rng.choice(categories),
                    "tactic_id": tactic,
                    "narrative": _sentence(rng, words, places, 20),
                    "operation_name": faker.word().capitalize() if n % 4 == 0 else "",
                    "status": status,
                    "grade": rng.choice(("major", "moderate", "minor", "none")),
                    "validated_at": now if status == "validated" else None,
                    "recorded_at": now,
                    "updated_at": now,
                }

        sizes["disruptions"] = _copy(Disruption, disruption_rows())
        through = Disruption.threats.through
        sizes["disruption_links"] = _copy(
            through,
            (
                {"disruption_id": n + 1, "threat_id": rng.randint(1, threats)}
                for n in range(disruptions)
            ),
            columns={"disruption_id", "threat_id"},
        )
        reports = round(100_000 * scale)
        sizes["intelligence_reports"] = _copy(
            IntelligenceReport,
            (
                {
                    "id": n + 1,
                    "owner_id": rng.choices(owners, weights)[0],
                    "reported_on": today - dt.timedelta(days=rng.randint(0, 1500)),
                    "source_type": rng.choice(("officer", "chis", "public", "partner")),
                    "external_reference": f"IR/{n:07d}",
                    "text": _sentence(rng, words, places, 40),
                    "grading_system": "3x5x2",
                    "source_evaluation": rng.choice("123"),
                    "intelligence_assessment": rng.choice("ABCDE"),
                    "handling_code": "P",
                    "classification": rng.choice(("official_sensitive",) * 9 + ("secret",)),
                    "recorded_at": now,
                    "updated_at": now,
                }
                for n in range(reports)
            ),
        )
        sizes["sanitised_copies"] = _copy(
            SanitisedCopy,
            (
                {
                    "id": n + 1,
                    "report_id": n * 5 + 1,
                    "text": _sentence(rng, words, places, 20),
                    "classification": "official_sensitive",
                    "created_at": now,
                }
                for n in range(round(20_000 * scale))
            ),
        )
        council = Organisation.objects.get(slug="wiltshire-council")
        copy_type = ContentType.objects.get_for_model(SanitisedCopy)
        nominal_type = ContentType.objects.get_for_model(Nominal)
        bench_user = _users()["wiltshire"]
        sizes["shares"] = _copy(
            Share,
            [
                {
                    "content_type_id": copy_type.pk,
                    "object_id": n + 1,
                    "organisation_id": council.pk,
                    "shared_by_id": bench_user.pk,
                    "shared_at": now,
                }
                for n in range(0, round(20_000 * scale), 20)
            ]
            + [
                {
                    "content_type_id": nominal_type.pk,
                    "object_id": n + 1,
                    "organisation_id": council.pk,
                    "shared_by_id": bench_user.pk,
                    "shared_at": now,
                }
                for n in range(0, nominals, 500)
            ],
            columns={
                "content_type_id",
                "object_id",
                "organisation_id",
                "shared_by_id",
                "shared_at",
                "conditions",
            },
        )
        with connection.cursor() as cursor:
            for model in (Nominal, Threat, Plan, Disruption, IntelligenceReport, SanitisedCopy):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    sizes["load_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    sizes["analyze_seconds"] = round(time.perf_counter() - started, 1)
    return sizes


_USERS: dict = {}


def _users() -> dict:
    if _USERS:
        return _USERS
    from django.utils import timezone

    from socmap.intel.services import grant_clearance
    from socmap.orgs.models import Organisation, OrganisationKind, PartnerSector
    from socmap.orgs.services import create_user

    wiltshire = Organisation.objects.get(name="Wiltshire")
    council, _ = Organisation.objects.get_or_create(
        slug="wiltshire-council",
        defaults={
            "name": "Wiltshire Council",
            "kind": OrganisationKind.PARTNER,
            "sector": PartnerSector.LOCAL_AUTHORITY,
            "home_force": wiltshire,
            "region": wiltshire.region,
        },
    )

    def user(name, organisation, role):
        return create_user(
            actor=None,
            username=name,
            email=f"{name}@bench.example",
            first_name="Bench",
            last_name=name,
            organisation=organisation,
            roles=[role],
        ).user

    _USERS["wiltshire"] = user("bench.wiltshire", wiltshire, "analyst")
    _USERS["rocu"] = user("bench.rocu", Organisation.objects.get(short_name="SWROCU"), "analyst")
    _USERS["national"] = user("bench.nca", Organisation.objects.get(short_name="NCA"), "analyst")
    _USERS["partner"] = user("bench.partner", council, "partner")
    for key, level in (("wiltshire", "official_sensitive"), ("national", "secret")):
        grant_clearance(
            actor=None,
            user=_USERS[key],
            level=level,
            expires_on=timezone.localdate() + dt.timedelta(days=30),
            reason="Benchmark",
        )
    return _USERS


# --------------------------------------------------------------------------- measuring

QUERIES = [
    ("a place name", {"q": "kettering"}),
    ("a common word", {"q": "cocaine"}),
    ("two words", {"q": "cannabis factory"}),
    ("a phrase", {"q": '"county lines"'}),
    ("a surname, exact", {"q": "Holloway"}),
    ("a misspelt surname", {"q": "Hollowey", "kind": "nominal"}),
    ("a misspelt alias", {"q": "Smugder", "kind": "nominal"}),
    ("a full name", {"q": "Jack Thompson", "kind": "nominal"}),
    ("a word, threats of one force", {"q": "heroin", "kind": "threat", "force": "wiltshire"}),
    ("a word, page 5", {"q": "cocaine", "page": 5}),
    ("a word nobody wrote", {"q": "zanzibarquux"}),
]


def measure(repeat: int) -> list[dict]:
    from django.db import reset_queries

    from socmap.search import selectors

    rows = []
    for who, user in _users().items():
        for label, params in QUERIES:
            q = params["q"]
            request = selectors.parse_request(q, **{k: v for k, v in params.items() if k != "q"})
            for _ in range(2):  # warm the caches
                selectors.search(user, request)
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                results = selectors.search(user, request)
                timings.append((time.perf_counter() - started) * 1000)
                reset_queries()
            timings.sort()
            p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
            rows.append(
                {
                    "user": who,
                    "query": label,
                    "text": q,
                    "matches": results.total,
                    "p50_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(p95, 1),
                }
            )
            print(
                f"  {who:9} {label:30} {results.total:>7,} matches  p50 "
                f"{rows[-1]['p50_ms']:>7.1f} ms  p95 {rows[-1]['p95_ms']:>7.1f} ms"
            )
    return rows


def index_use() -> list[str]:
    """The plan of the threat part of a search: it must read the GIN indexes."""
    from django.db import connection

    from socmap.search import selectors

    request = selectors.parse_request("kettering", kind="nominal")
    source = selectors.SOURCES["nominal"](_users()["national"], request)[0]
    sql, params = source.queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    return [line.strip() for line in plan if "Index" in line]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nominals", type=int, default=250_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", type=Path, help="Write the figures to this file")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="socmap-bench-"))
    setup_django(database_url(DEFAULT_URL, sqlite_fallback=False), scratch)
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    if connection.vendor != "postgresql":
        print("This benchmark needs PostgreSQL (set DATABASE_URL); SQLite is the small default.")
        return 2
    setup_test_environment()
    print("Creating a scratch database and migrating it...")
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from socmap.orgs.services import ensure_reference
        from socmap.reference import ensure_all

        ensure_reference()
        ensure_all()
        _users()
        print(f"Generating {args.nominals:,} nominals and the rest with COPY...")
        sizes = generate(args.nominals)
        print(f"  {sizes}")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
        print("Index use (nominal part of a search):")
        for line in index_use():
            print(f"  {line}")
        print(f"Searching ({args.repeat} runs each, after 2 to warm up):")
        rows = measure(args.repeat)
        results = {
            "database": server,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
            "sizes": sizes,
            "queries": rows,
        }
    finally:
        teardown_databases(old, verbosity=0)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
