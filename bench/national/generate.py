"""The national dataset: every table written in bulk (PostgreSQL ``COPY``; one
``executemany`` per chunk on SQLite), on the current database connection.

At scale 1: the 43 forces (and the ROCUs, national agencies) of the reference fixtures,
6,000 active and 40,000 archived threats with their assessments (the real scoring code's
scores, bands and contributions, one per distinct set of answers), 250,000 nominals with
aliases, group memberships and about two associations each, 1,000,000 disruptions linked to
their threats (and a third of them to people), 2,000,000 intelligence reports linked to
threats and people. Owners are weighted by force population. ``scale`` multiplies every
count (0.001 for the test, 0.01 for a quick look).

What is not generated: audit events (a bulk load is not a user's action), disruption history
steps, 4P plans. The benchmark users are created through ``orgs.services.create_user``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

SIZES = {
    "active_threats": 6_000,
    "archived_threats": 40_000,
    "nominals": 250_000,
    "disruptions": 1_000_000,
    "intelligence_reports": 2_000_000,
}
CHUNK = 50_000
MONTHS = 30
PASSWORD = "bench-national-2026"
USERS = (  # username, organisation (name or short name), role, clearance
    ("bench.nca", "NCA", "analyst", "secret"),
    ("bench.swrocu", "SWROCU", "analyst", "official_sensitive"),
    ("bench.wiltshire", "Wiltshire", "analyst", "official_sensitive"),
    ("bench.met", "Metropolitan Police", "analyst", "official_sensitive"),
    ("bench.gmp", "Greater Manchester", "analyst", "official_sensitive"),
    ("bench.westmids", "West Midlands", "analyst", "official_sensitive"),
    ("bench.validator", "Wiltshire", "validator", ""),
)
WORDS = (  # noqa: SIM905
    "cocaine heroin cannabis crack county lines firearms shotgun pistol knife cash laundering "
    "money mule exploitation cuckooing trafficking slavery burglary robbery vehicle theft fraud "
    "warehouse lockup address flat supplier runner courier phone handset deal parcel delivery "
    "safehouse stash violence threat debt recruitment children school car wash nail bar "
    "factory grow import port lorry container boat airport crypto wallet seen meeting "
    "travelled driving collected dropped paid owes storing selling moving using known"
).split()
GROUP_WORDS = ("firm", "crew", "network", "line", "family", "OCG", "gang", "organisation")


def vocabulary() -> np.ndarray:
    """The words of generated text: Faker's list of about 1,000 words and the crime words,
    each of those twice as likely, so a crime word is in a few reports in a hundred, as in
    real text with its larger vocabulary (all crime words, "cocaine" would be in one
    report in six, and every search for it would rank hundreds of thousands)."""
    from faker.providers.lorem.en_US import Provider as Lorem

    return np.array(list(Lorem.word_list) + WORDS * 2)


def scaled(count: int, scale: float) -> int:
    return max(1, round(count * scale))


@dataclass
class Report:
    """What was written: rows and seconds per table."""

    scale: float
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0
    scoring_distinct_answers: int = 0

    def line(self, table: str) -> str:
        rows, seconds = self.rows[table], self.seconds[table]
        return f"{table}: {rows:,} rows in {seconds:.1f}s ({rows / max(seconds, 1e-9):,.0f}/s)"


# --------------------------------------------------------------------------- writing


def _adapt_for_sqlite(value):
    from django.db import connection

    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """Write ``rows`` (tuples in ``columns`` order; JSON already as text) into ``table``."""
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        batch: list[tuple] = []
        for row in rows:
            batch.append(tuple(_adapt_for_sqlite(v) for v in row))
            if len(batch) == 5_000:
                cursor.executemany(statement, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)
            count += len(batch)
    return count


def _next_id(model) -> int:
    from django.db.models import Max

    return (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _through(relation) -> tuple[str, list[str]]:
    through = relation.through
    return through._meta.db_table, [f.column for f in through._meta.concrete_fields][1:]


# --------------------------------------------------------------------------- reference


@dataclass
class World:
    """The reference rows every generator needs, read before any COPY opens."""

    forces: np.ndarray
    force_weights: np.ndarray
    rocus: np.ndarray
    national: np.ndarray
    region_of: dict[int, int]
    crime_types: list[str]
    tactics: list[tuple[str, list[str]]]
    methodologies: dict[str, object]  # "group-matrix" / "morile" -> MethodologyVersion
    now: dt.datetime
    today: dt.date


def read_world() -> World:
    from django.utils import timezone

    from socmap.disruptions.models import Tactic
    from socmap.orgs.models import Organisation, OrganisationKind, PopulationFigure
    from socmap.scoring.models import MethodologyVersion
    from socmap.threats.models import CrimeType

    organisations = Organisation.objects.filter(
        kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU, OrganisationKind.NATIONAL]
    ).order_by("pk")
    by_kind: dict[str, list[int]] = {"force": [], "rocu": [], "national": []}
    region_of = {}
    for pk, kind, region in organisations.values_list("pk", "kind", "region_id"):
        by_kind[kind].append(pk)
        region_of[pk] = region
    population = dict(PopulationFigure.objects.values_list("force_id", "population"))
    weights = np.array([population.get(f, 1_000_000) for f in by_kind["force"]], float)
    return World(
        forces=np.array(by_kind["force"]),
        force_weights=weights / weights.sum(),
        rocus=np.array(by_kind["rocu"]),
        national=np.array(by_kind["national"]),
        region_of=region_of,
        crime_types=list(CrimeType.objects.values_list("pk", flat=True)),
        tactics=[(t.code, list(t.categories)) for t in Tactic.objects.order_by("position")],
        methodologies={
            v.name: v for v in MethodologyVersion.objects.filter(is_current=True, version=1)
        },
        now=timezone.now(),
        today=timezone.localdate(),
    )


def _owners(rng, world: World, count: int, shares=(0.92, 0.07, 0.01)) -> np.ndarray:
    """Owners for ``count`` records: forces by population, then ROCUs and national agencies."""
    which = rng.choice(3, size=count, p=shares)
    owners = rng.choice(world.forces, size=count, p=world.force_weights)
    owners[which == 1] = rng.choice(world.rocus, size=int((which == 1).sum()))
    nca = world.national[:1] if len(world.national) else world.forces[:1]
    owners[which == 2] = nca[0]
    return owners


def create_users() -> dict[str, object]:
    """The benchmark's users, created as an administrator would (``create_user``)."""
    from django.utils import timezone

    from socmap.intel.services import grant_clearance
    from socmap.orgs.models import Organisation, User
    from socmap.orgs.services import create_user

    users = {}
    for username, where, role, clearance in USERS:
        existing = User.objects.filter(username=username).first()
        if existing:
            users[username] = existing
            continue
        organisation = (
            Organisation.objects.filter(name=where).first()
            or Organisation.objects.filter(short_name=where).first()
        )
        user = create_user(
            actor=None,
            username=username,
            email=f"{username}@bench.example",
            first_name="Bench",
            last_name=username.split(".")[1].title(),
            organisation=organisation,
            roles=[role],
        ).user
        user.set_password(PASSWORD)
        user.password_change_required = False
        user.save()
        if clearance:
            grant_clearance(
                actor=None,
                user=user,
                level=clearance,
                expires_on=timezone.localdate() + dt.timedelta(days=365),
                reason="National benchmark",
            )
        users[username] = user
    return users


# --------------------------------------------------------------------------- scoring


class Scorer:
    """Random answers for a methodology and the real ``score`` of each distinct set of
    answers, with the assessment fields as ``scoring.services`` stores them."""

    def __init__(self, version, rng):
        from socmap.scoring.methodology import score
        from socmap.scoring.services import _band_rank, _contributions

        self.version, self.rng = version, rng
        self.rules = version.rules()
        self._score, self._rank, self._contributions = score, _band_rank, _contributions
        self.attributes = [(a.key, [x.key for x in a.answers]) for a in self.rules.attributes]
        self.judged = json.dumps(
            {a.key: "bench.nca" for a in self.rules.attributes if not a.objective}
        )
        self.memo: dict[tuple, tuple] = {}

    def answers(self) -> tuple[int, ...]:
        # lower answers more often, as most groups are not the most capable
        return tuple(
            min(int(self.rng.geometric(0.45)) - 1, len(keys) - 1) for _, keys in self.attributes
        )

    def assess(self, answers: tuple[int, ...]) -> tuple:
        """(inputs, score, band, band_rank, components, contributions, recorded) as text."""
        done = self.memo.get(answers)
        if done is None:
            inputs = {key: keys[i] for (key, keys), i in zip(self.attributes, answers, strict=True)}
            result = self._score(self.rules, inputs)
            done = self.memo[answers] = (
                json.dumps(inputs),
                result.score,
                result.band,
                self._rank(self.rules, result.band),
                json.dumps({k: str(v) for k, v in result.components.items()}),
                json.dumps(self._contributions(result)),
                json.dumps(result.recorded),
            )
        return done


# --------------------------------------------------------------------------- the tables


def _pools(owners: np.ndarray, ids: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(owners, kind="stable")
    sorted_owners = owners[order]
    keys, starts = np.unique(sorted_owners, return_index=True)
    ends = list(starts[1:]) + [len(order)]
    return {int(k): ids[order[s:e]] for k, s, e in zip(keys.tolist(), starts, ends, strict=True)}


def generate(scale: float = 1.0, *, seed: int = 2026, say: Callable[[str], None] = print) -> Report:
    """Write the national dataset at ``scale`` into the current database, in one transaction."""
    from django.db import connection, transaction
    from faker.providers.person.en_GB import Provider as Person

    from socmap.disruptions.models import Disruption
    from socmap.intel.models import IntelligenceReport
    from socmap.orgs.services import ensure_reference
    from socmap.people.models import Alias, Association, AssociationKind, Nominal
    from socmap.scoring.models import Assessment
    from socmap.threats.models import ArchiveReason, Membership, Threat

    started = time.perf_counter()
    report = Report(scale=scale)
    ensure_reference()
    users = create_users()
    world = read_world()
    rng = np.random.default_rng(seed)
    surnames = np.array(list(Person.last_names))
    forenames = np.array(list(Person.first_names_male) + list(Person.first_names_female))
    now, today = world.now, world.today
    n_active = scaled(SIZES["active_threats"], scale)
    n_archived = scaled(SIZES["archived_threats"], scale)
    n_threats = n_active + n_archived
    n_nominals = scaled(SIZES["nominals"], scale)
    n_disruptions = scaled(SIZES["disruptions"], scale)
    n_reports = scaled(SIZES["intelligence_reports"], scale)

    def timed(table: str, function, *args) -> None:
        clock = time.perf_counter()
        rows = function(*args)
        report.rows[table] = report.rows.get(table, 0) + rows
        report.seconds[table] = report.seconds.get(table, 0.0) + time.perf_counter() - clock
        say(f"  {report.line(table)}")

    with transaction.atomic():
        # ------------------------------------------------------------------ nominals
        first_nominal = _next_id(Nominal)
        nominal_ids = np.arange(first_nominal, first_nominal + n_nominals)
        nominal_owner = _owners(rng, world, n_nominals, (0.95, 0.04, 0.01))
        pools = _pools(nominal_owner, nominal_ids)
        everyone = nominal_ids

        def pool(owner: int) -> np.ndarray:
            found = pools.get(owner)
            return found if found is not None and len(found) >= 12 else everyone

        def nominal_rows() -> Iterator[tuple]:
            for start in range(0, n_nominals, CHUNK):
                n = min(CHUNK, n_nominals - start)
                sur = rng.choice(surnames, n).tolist()
                fore = rng.choice(forenames, n).tolist()
                born = rng.integers(0, 20_000, n).tolist()
                gender = rng.choice(["male", "female", "unknown"], n, p=[0.8, 0.15, 0.05])
                pnc = rng.random(n) < 0.6
                flags = rng.random((n, 4)) < [0.08, 0.1, 0.03, 0.05]
                created = rng.integers(0, 3000, n).tolist()
                for i in range(n):
                    number = start + i
                    yield (
                        int(nominal_ids[number]),
                        int(nominal_owner[number]),
                        sur[i],
                        fore[i],
                        dt.date(1960, 1, 1) + dt.timedelta(days=born[i]),
                        str(gender[i]),
                        "British",
                        f"{number % 90 + 10:02d}/{number:07d}B" if pnc[i] else "",
                        *(bool(x) for x in flags[i]),
                        "",
                        now - dt.timedelta(days=created[i]),
                        now,
                    )

        timed(
            "nominals",
            copy_rows,
            Nominal._meta.db_table,
            [
                "id",
                "owner_id",
                "surname",
                "forenames",
                "date_of_birth",
                "gender",
                "nationality",
                "pnc_id",
                "foreign_national",
                "iom",
                "mappa",
                "vulnerable",
                "notes",
                "created_at",
                "updated_at",
            ],
            nominal_rows(),
        )

        def alias_rows() -> Iterator[tuple]:
            counts = rng.choice(4, n_nominals, p=[0.7, 0.2, 0.08, 0.02])
            nick = ["Smudger", "Tank", "Ghost", "Lefty", "Bones", "Skinny", "Dusty", "Chalky"]
            for number in np.flatnonzero(counts).tolist():
                for k in range(int(counts[number])):
                    if k == 0 and rng.random() < 0.4:
                        yield int(nominal_ids[number]), "nickname", f"{nick[number % 8]}{k}"
                    else:
                        name = f"{rng.choice(forenames)} {rng.choice(surnames)}"
                        yield int(nominal_ids[number]), "alias", name

        timed("aliases", copy_rows, Alias._meta.db_table, ["nominal_id", "kind", "name"],
              alias_rows())  # fmt: skip

        # ------------------------------------------------------------------ threats
        first_threat = _next_id(Threat)
        words = vocabulary()
        threat_ids = np.arange(first_threat, first_threat + n_threats)
        active = np.zeros(n_threats, bool)
        active[:n_active] = True
        rng.shuffle(active)
        kinds = rng.choice(
            ["ocg", "priority_individual", "vulnerability"], n_threats, p=[0.85, 0.1, 0.05]
        )
        threat_owner = _owners(rng, world, n_threats)
        created_days = rng.integers(200, 3000, n_threats)
        scorers = {
            "group-matrix": Scorer(world.methodologies["group-matrix"], rng),
            "morile": Scorer(world.methodologies["morile"], rng),
        }
        reasons = [r for r in ArchiveReason.values if r != ArchiveReason.MERGED]
        threat_rows, assessment_rows = [], []
        forces_rows, membership_rows = [], []
        members_of: dict[int, np.ndarray] = {}
        association_pairs: set[tuple[int, int, str]] = set()
        force_set, rocu_set = set(world.forces.tolist()), set(world.rocus.tolist())
        forces_by_region: dict[int, list[int]] = {}
        for force in world.forces.tolist():
            forces_by_region.setdefault(world.region_of[force], []).append(force)
        first_assessment = _next_id(Assessment)
        for n in range(n_threats):
            pk, owner, kind = int(threat_ids[n]), int(threat_owner[n]), str(kinds[n])
            created = now - dt.timedelta(days=int(created_days[n]))
            first_assessed = created + dt.timedelta(days=20)
            if active[n]:
                last_assessed = now - dt.timedelta(days=int(rng.integers(0, 120)))
                archived_at, status, reason = None, "active", ""
            else:
                last_assessed = first_assessed
                archived_at = created + dt.timedelta(days=int(rng.integers(60, 180)))
                status, reason = "archived", str(rng.choice(reasons))
            methodology = "morile" if kind == "vulnerability" else "group-matrix"
            scorer = scorers[methodology]
            answers = scorer.answers()
            assessed = [(first_assessed, "initial", answers)]
            if active[n]:
                changed = list(answers)
                attribute = int(rng.integers(0, len(changed)))
                changed[attribute] = max(0, changed[attribute] - 1)
                assessed.append((last_assessed, "reassessment", tuple(changed)))
            for at, assessment_kind, chosen in assessed:
                inputs, points, band, rank, components, contributions, recorded = scorer.assess(
                    chosen
                )
                due = at.date() + dt.timedelta(days=scorer.rules.reassessment_interval_days)
                assessment_rows.append(
                    (
                        first_assessment + len(assessment_rows),
                        pk,
                        scorer.version.pk,
                        assessment_kind,
                        inputs,
                        scorer.judged,
                        points,
                        band,
                        rank,
                        components,
                        contributions,
                        recorded,
                        "Benchmark assessment.",
                        users["bench.nca"].pk,
                        at,
                        due,
                    )
                )
            if owner in force_set:
                tier = "regional" if rng.random() < 0.08 else "local"
            else:
                tier = "regional" if owner in rocu_set else "national"
            region = world.region_of.get(owner)
            touched = {owner} if owner in forces_by_region.get(region, []) else set()
            neighbours = forces_by_region.get(region) or world.forces.tolist()
            if not touched or rng.random() < 0.15:
                touched.add(int(rng.choice(neighbours)))
            forces_rows.extend((pk, force) for force in sorted(touched))
            subject = None
            candidates = pool(owner)
            if kind == "priority_individual":
                subject = int(rng.choice(candidates))
            elif kind == "ocg":
                size = int(rng.integers(4, 13) if active[n] else rng.integers(3, 9))
                members = rng.choice(candidates, size=size, replace=False)
                members_of[pk] = members
                joined = (created + dt.timedelta(days=5)).date()
                left = archived_at.date() if archived_at else None
                for position, person in enumerate(members.tolist()):
                    role = (
                        "principal"
                        if position == 0
                        else "core"
                        if position < 3
                        else ("enabler" if position % 5 == 0 else "peripheral")
                    )
                    membership_rows.append((pk, person, role, joined, left, ""))
                    if position:
                        kind_ = "employs" if position < 3 else "criminal_associate"
                        association_pairs.add((int(members[0]), person, kind_))
            latest = assessment_rows[-1]
            threat_rows.append(
                (
                    pk,
                    1,
                    kind,
                    f"{rng.choice(surnames)} {rng.choice(GROUP_WORDS)} {n}",
                    " ".join(rng.choice(words, 20).tolist()).capitalize() + ".",
                    owner,
                    tier,
                    status,
                    reason,
                    str(rng.choice(world.crime_types, p=_crime_weights(world.crime_types))),
                    subject,
                    "[]",
                    created,
                    users["bench.nca"].pk,
                    created + dt.timedelta(days=21),
                    archived_at,
                    now,
                    latest[6],
                    latest[7],
                    latest[8],
                    f"{methodology}@{scorers[methodology].version.version}",
                    latest[14],
                    latest[15],
                    False,
                    "",
                )
            )
        report.scoring_distinct_answers = sum(len(s.memo) for s in scorers.values())
        threat_columns = [
            "id",
            "version",
            "kind",
            "name",
            "description",
            "owner_id",
            "tier",
            "status",
            "archive_reason",
            "predominant_crime_type_id",
            "subject_id",
            "operation_names",
            "created_at",
            "created_by_id",
            "adopted_at",
            "archived_at",
            "updated_at",
            "current_score",
            "current_band",
            "current_band_rank",
            "current_methodology",
            "last_assessed_at",
            "reassessment_due",
            "reassessment_requested",
            "reassessment_reason",
        ]
        timed("threats", copy_rows, Threat._meta.db_table, threat_columns, threat_rows)
        timed(
            "assessments",
            copy_rows,
            Assessment._meta.db_table,
            [
                "id",
                "threat_id",
                "methodology_id",
                "kind",
                "inputs",
                "judged_by",
                "score",
                "band",
                "band_rank",
                "components",
                "contributions",
                "recorded",
                "rationale",
                "assessed_by_id",
                "assessed_at",
                "next_due",
            ],
            assessment_rows,
        )
        table, columns = _through(Threat.forces)
        timed("threat_forces", copy_rows, table, columns, forces_rows)
        timed(
            "memberships",
            copy_rows,
            Membership._meta.db_table,
            ["threat_id", "nominal_id", "role", "joined_on", "left_on", "notes"],
            membership_rows,
        )

        # ------------------------------------------------------------------ associations
        association_kinds = np.array(AssociationKind.values)
        counts = rng.negative_binomial(1, 1 / 2.6, n_nominals)
        for number in np.flatnonzero(counts).tolist():
            source = int(nominal_ids[number])
            near = pool(int(nominal_owner[number]))
            far = rng.random(int(counts[number])) < 0.3
            for k, is_far in enumerate(far.tolist()):
                target = int(rng.choice(everyone if is_far else near))
                if target != source:
                    kind_ = str(association_kinds[(number + k) % len(association_kinds)])
                    association_pairs.add((source, target, kind_))
        timed(
            "associations",
            copy_rows,
            Association._meta.db_table,
            ["source_id", "target_id", "kind", "notes", "from_date", "to_date", "created_at"],
            ((s, t, k, "", None, None, now) for s, t, k in sorted(association_pairs)),
        )
        association_pairs.clear()

        # ------------------------------------------------------------------ disruptions
        first_disruption = _next_id(Disruption)
        threat_weight = np.where(active, 5.0, 1.0)
        threat_weight /= threat_weight.sum()
        active_ids = threat_ids[active]
        grades = np.array(["major", "moderate", "minor", "none", "negative"])
        tactic_codes = [code for code, _ in world.tactics]
        tactic_categories = [categories for _, categories in world.tactics]
        links_threats, links_people = [], []

        def disruption_rows() -> Iterator[tuple]:
            stamp = now
            for start in range(0, n_disruptions, CHUNK):
                n = min(CHUNK, n_disruptions - start)
                which = rng.choice(n_threats, n, p=threat_weight)
                ago = rng.integers(0, MONTHS * 30, n).tolist()
                tactic = rng.integers(0, len(tactic_codes), n).tolist()
                grade = rng.choice(grades, n, p=[0.08, 0.32, 0.4, 0.17, 0.03]).tolist()
                state = rng.choice(
                    ["validated", "submitted", "returned", "draft"], n, p=[0.85, 0.08, 0.04, 0.03]
                ).tolist()
                arrests = rng.integers(1, 5, n).tolist()
                second = (rng.random(n) < 0.1).tolist()
                named = rng.choice(3, n, p=[0.7, 0.2, 0.1]).tolist()
                for i in range(n):
                    pk = first_disruption + start + i
                    t = int(which[i])
                    threat, owner = int(threat_ids[t]), int(threat_owner[t])
                    links_threats.append((pk, threat))
                    if second[i]:
                        other = int(rng.choice(active_ids))
                        if other != threat:
                            links_threats.append((pk, other))
                    if named[i]:
                        members = members_of.get(threat)
                        chosen = members if members is not None else pool(owner)
                        people = rng.choice(chosen, size=min(named[i], len(chosen)), replace=False)
                        links_people.extend((pk, int(p)) for p in people.tolist())
                    code = tactic_codes[tactic[i]]
                    status = state[i]
                    yield (
                        pk,
                        1,
                        owner,
                        owner,
                        today - dt.timedelta(days=ago[i]),
                        tactic_categories[tactic[i]][0],
                        code,
                        arrests[i] if code == "arrest" else None,
                        "Warrant executed; exhibits seized; suspects interviewed.",
                        "[]",
                        "",
                        status,
                        grade[i],
                        "Benchmark grading.",
                        stamp,
                        stamp if status != "draft" else None,
                        stamp if status == "validated" else None,
                        "bench",
                        stamp,
                    )

        timed(
            "disruptions",
            copy_rows,
            Disruption._meta.db_table,
            [
                "id",
                "version",
                "owner_id",
                "acting_organisation_id",
                "occurred_on",
                "category",
                "tactic_id",
                "arrests",
                "narrative",
                "evidence",
                "operation_name",
                "status",
                "grade",
                "grade_rationale",
                "recorded_at",
                "submitted_at",
                "validated_at",
                "source",
                "updated_at",
            ],
            disruption_rows(),
        )
        table, columns = _through(Disruption.threats)
        timed("disruption_threats", copy_rows, table, columns, links_threats)
        table, columns = _through(Disruption.nominals)
        timed("disruption_nominals", copy_rows, table, columns, links_people)
        links_threats.clear()
        links_people.clear()

        # ------------------------------------------------------------------ intelligence
        first_report = _next_id(IntelligenceReport)
        threat_pools = _pools(threat_owner, threat_ids)
        report_threats, report_people = [], []

        def report_rows() -> Iterator[tuple]:
            for start in range(0, n_reports, CHUNK):
                n = min(CHUNK, n_reports - start)
                owners = _owners(rng, world, n, (0.9, 0.08, 0.02)).tolist()
                ago = rng.integers(0, 5 * 365, n).tolist()
                text = rng.choice(words, (n, 14)).tolist()
                source = rng.choice(["officer", "chis", "public", "partner", "technical"], n)
                evaluation = rng.choice(["1", "2", "3"], n).tolist()
                assessment = rng.choice(list("ABCDE"), n).tolist()
                classification = rng.choice(
                    ["official_sensitive", "official", "secret"], n, p=[0.85, 0.1, 0.05]
                ).tolist()
                link = rng.random((n, 2)) < [0.25, 0.35]
                for i in range(n):
                    pk = first_report + start + i
                    owner = owners[i]
                    if link[i, 0]:
                        candidates = threat_pools.get(owner)
                        if candidates is not None:
                            report_threats.append((pk, int(rng.choice(candidates))))
                    if link[i, 1]:
                        report_people.append((pk, int(rng.choice(pool(owner)))))
                    yield (
                        pk,
                        owner,
                        today - dt.timedelta(days=ago[i]),
                        str(source[i]),
                        f"IR/{pk:08d}",
                        " ".join(text[i]).capitalize() + ".",
                        "[]",
                        "3x5x2",
                        evaluation[i],
                        assessment[i],
                        "P",
                        "",
                        classification[i],
                        now,
                        "bench",
                        now,
                    )

        timed(
            "intelligence_reports",
            copy_rows,
            IntelligenceReport._meta.db_table,
            [
                "id",
                "owner_id",
                "reported_on",
                "source_type",
                "external_reference",
                "text",
                "source_identifying",
                "grading_system",
                "source_evaluation",
                "intelligence_assessment",
                "handling_code",
                "handling_conditions",
                "classification",
                "recorded_at",
                "source",
                "updated_at",
            ],
            report_rows(),
        )
        table, columns = _through(IntelligenceReport.threats)
        timed("intelligence_threats", copy_rows, table, columns, report_threats)
        table, columns = _through(IntelligenceReport.nominals)
        timed("intelligence_nominals", copy_rows, table, columns, report_people)

        _reset_sequences([Nominal, Alias, Threat, Assessment, Membership, Association,
                          Disruption, IntelligenceReport])  # fmt: skip
    if connection.vendor == "postgresql":
        clock = time.perf_counter()
        # VACUUM as well as ANALYZE: a live database is vacuumed by autovacuum, which sets
        # the visibility map (index-only scans) and the rows' hint bits; freshly copied rows
        # have neither, and the first readings would pay for them. (Inside a transaction, as
        # in the tests, VACUUM cannot run: statistics only.)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        report.seconds["analyze"] = time.perf_counter() - clock
    report.total_seconds = time.perf_counter() - started
    return report


def _crime_weights(codes: list[str]) -> list[float]:
    """Drugs for about two groups in three, as nationally; the rest even."""
    weights = [12.0 if code == "drugs" else 1.0 for code in codes]
    total = sum(weights)
    return [w / total for w in weights]
