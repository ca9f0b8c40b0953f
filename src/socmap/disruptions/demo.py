"""Demo disruptions: two years of claims against the demo threats and their members, at the
rates forces really record them, graded, submitted and validated by the demo staff.

**Rates.** The headline measure is validated disruptions per 1,000 population over two
years. In July 2023 the national average was about 0.8 and Wiltshire was highest of the 41
forces that submitted data, at 3.27 (about four times the average), with some forces well below
average. :func:`force_rates` gives Wiltshire its published 3.27 and every other demo force a
seeded rate from a skewed (log-normal) spread, then scales the others so that the demo forces
together average 0.80 per 1,000 (weighted by population, leaving out the City of London, whose
resident population makes a rate per head meaningless). With only two or three forces the
average cannot come down to 0.80 without the others recording nothing; they then keep a floor
of :data:`FLOOR_RATE`. Each force's validated disruptions in the two years ending today are
``population / 1,000 x rate x context.scale``; on top come the claims not validated yet
(submitted, some overdue, returned, drafts), and ROCUs and the NCA record their own.

**The plan** (:func:`plan_disruptions`) is plain data decided by the seed, the scale, the
reference date and what the earlier steps created (forces and populations, threats with their
lifecycle, members and last assessment, staff and teams, partner agencies): no database, so
tests compare plans. Every planned claim is checked with the rules a page applies
(``rules.check_disruption``) and every validation with the independence rule
(``rules.independence_problem``: Wiltshire requires a separate validation team).

**Why not services.record_disruption?** Thousands of claims, each with four or five history
steps, would be tens of thousands of one-row transactions and audit events: too slow for
``make demo``. Like the import, the step writes with ``bulk_create`` (claims, their threat and
people links, their history steps) inside ONE transaction, backdated as planned, and records
ONE audit event, ``demo.disruptions_generated``. The re-assessment requests that validated
major and moderate disruptions cause go through the service
(``services.request_reassessments_after``, which calls ``threats.services.request_reassessment``).
The step is safe to rerun: an owner that already has demo disruptions is skipped.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from socmap.audit.services import record_event
from socmap.demo import DemoContext, demo_step
from socmap.disruptions import rules
from socmap.disruptions.models import Disruption, DisruptionStep, StepAction, Tactic
from socmap.disruptions.rules import DisruptionStatus, TacticRule
from socmap.orgs.models import (
    Organisation,
    OrganisationKind,
    PartnerSector,
    PopulationFigure,
    Role,
    Team,
    User,
)
from socmap.orgs.populations import choose_population_year
from socmap.people.demo import derived_seed
from socmap.threats.models import Membership, Status, Threat, ThreatKind

WILTSHIRE = "Wiltshire"
WILTSHIRE_RATE = 3.27  # published, July 2023: the highest of the 41 forces that submitted data
NATIONAL_RATE = 0.80  # the national average the demo forces are scaled to
FLOOR_RATE = 0.12  # no demo force records less (per 1,000 over two years)
CEILING_RATE = 2.40  # ...nor more than this, so that Wiltshire stays highest
SPREAD = 0.6  # sigma of the log-normal spread of the other forces' rates
SMALL_POPULATION = 100_000  # the City of London: left out of the average
PERIOD_DAYS = 730  # two years, ending today
SOURCE = "socmap demo data (seed {seed})"
ROCU_VALIDATED = 150  # validated claims a ROCU records itself in two years, at scale 1
NATIONAL_VALIDATED = 250  # ...and the NCA
WAITING_DAYS = 28  # rules.DEFAULT_VALIDATION_DAYS: older submitted claims are overdue
VALIDATION_LAG = 33  # a validated claim took place at least this many days ago

# Claims not validated yet, as shares of the validated ones (and at least so many per owner).
SUBMITTED_SHARE, RETURNED_SHARE, DRAFT_SHARE = 0.07, 0.025, 0.04
MINIMUM = {"submitted": 3, "overdue": 1, "returned": 1, "draft": 2}

CATEGORY_WEIGHTS = (("pursue", 62), ("protect", 20), ("prevent", 9), ("prepare", 9))
GRADE_WEIGHTS = (("major", 7), ("moderate", 26), ("minor", 47), ("none", 17), ("negative", 3))
TACTIC_WEIGHTS = {
    "arrest": 26,
    "charge": 12,
    "conviction": 8,
    "drugs-seizure": 14,
    "firearms-seizure": 2,
    "cash-seizure": 7,
    "asset-restraint": 2,
    "account-freezing": 2,
    "ancillary-order": 3,
    "county-line-closed": 5,
    "premises-closure": 4,
    "victim-safeguarding": 14,
    "diversion": 7,
    "partner-enforcement": 4,
    "licensing": 2,
    "immigration-action": 2,
    "prison-disruption": 3,
    "target-hardening": 4,
    "public-communication": 3,
}
WITH_PEOPLE = {
    "arrest",
    "charge",
    "conviction",
    "ancillary-order",
    "immigration-action",
    "prison-disruption",
    "asset-restraint",
    "account-freezing",
}
NARRATIVES = {
    "arrest": "Warrant executed at an address linked to the group; {n} arrested for supply "
    "offences and interviewed.",
    "charge": "{n} charged after a file to the CPS; remanded pending trial.",
    "conviction": "Guilty pleas at Crown Court; {years} years' custody imposed in total.",
    "drugs-seizure": "Vehicle stopped on the {road}; {kg} kg of controlled drugs recovered.",
    "firearms-seizure": "Search of a storage unit recovered {n} firearm(s) and ammunition.",
    "cash-seizure": "£{cash} in cash seized under the Proceeds of Crime Act 2002.",
    "asset-restraint": "Restraint order obtained over property and vehicles valued at £{cash}.",
    "account-freezing": "Account freezing order on accounts holding £{cash}.",
    "ancillary-order": "Serious Crime Prevention Order obtained on conviction.",
    "county-line-closed": "Deal line disconnected after the holder was charged; no "
    "replacement seen since.",
    "premises-closure": "Closure order granted on a cuckooed flat used as a trap house.",
    "victim-safeguarding": "{n} exploited people safeguarded and referred for support "
    "(National Referral Mechanism where it applied).",
    "diversion": "Diversion sessions with young people at risk of being drawn into supply "
    "({n} took part).",
    "partner-enforcement": "Joint visit with partners; civil penalties and recovery started.",
    "licensing": "Premises licence reviewed and revoked after police representations.",
    "immigration-action": "Immigration enforcement visit; {n} detained pending removal.",
    "prison-disruption": "Cell searches and a transfer after intelligence of phones in use.",
    "target-hardening": "Work with the landlord and the council closed the access the group used.",
    "public-communication": "Results publicised with advice on reporting exploitation.",
}
RATIONALES = {
    "major": (
        "Principal out of action for a sustained period; the group has lost its main route "
        "to market.",
        "Core members remanded; the line has not been re-established.",
        "Assets restrained: the group's finances are substantially reduced.",
    ),
    "moderate": (
        "A significant loss for the group, which carries on at a reduced level.",
        "Stock and cash lost; the group had to change how it supplies.",
        "One core member out of action; activity reduced for some weeks.",
    ),
    "minor": (
        "A peripheral member arrested; little change to the group's activity.",
        "A small seizure: the group recovered within days.",
        "Short-lived effect; intelligence shows business as usual.",
    ),
    "none": (
        "No discernible effect on the group's capability.",
        "Released without charge; no change seen.",
    ),
    "negative": (
        "A rival moved in after the arrests and violence rose.",
        "The group changed its methods and is now harder to disrupt.",
    ),
}
RETURN_REASONS = (
    "Attach the custody record and link the people arrested to the group.",
    "The grade is not supported: what changed for the group afterwards?",
    "Give the seizure's exhibit reference and the drug weight from the lab.",
    "This looks like a duplicate of an earlier claim: check and correct.",
)
VALIDATION_NOTES = (
    "",
    "",
    "Checked against the custody record.",
    "Charge sheet and exhibits seen.",
    "Agreed at the disruption panel.",
    "Intelligence after the event supports the grade.",
)
ROADS = ("M4", "A303", "A350", "M5", "A36", "A338", "M6", "A38", "M1", "A14")


# --------------------------------------------------------------------------- rates


def force_rates(populations: dict[str, int | None], seed: int) -> dict[str, float]:
    """Validated disruptions per 1,000 population over two years for each demo force:
    Wiltshire's published 3.27, the others spread (log-normally) around a level that makes
    the population-weighted average of the forces :data:`NATIONAL_RATE`."""
    rng = random.Random(derived_seed(seed, "disruption-rates"))
    names = sorted(populations)
    spread = {name: math.exp(rng.gauss(0, SPREAD)) for name in names}  # drawn for every force
    rates = dict.fromkeys(names, 0.0)
    counted = {n: p for n, p in populations.items() if p and p >= SMALL_POPULATION}
    others = [n for n in names if n != WILTSHIRE]
    if WILTSHIRE in populations:
        rates[WILTSHIRE] = WILTSHIRE_RATE
    fixed = {WILTSHIRE} & set(populations)
    total = sum(counted.values())
    for _ in range(20):  # scale the free forces; pin those that hit the floor or ceiling
        free = [n for n in others if n not in fixed]
        target = NATIONAL_RATE * total - sum(rates[n] * counted.get(n, 0) for n in fixed)
        weight = sum(spread[n] * counted.get(n, 0) for n in free)
        level = target / weight if weight > 0 else 1.0
        pinned = False
        for name in free:
            rate = spread[name] * level
            if rate < FLOOR_RATE or rate > CEILING_RATE:
                rates[name] = min(CEILING_RATE, max(FLOOR_RATE, rate))
                fixed.add(name)
                pinned = True
            else:
                rates[name] = rate
        if not pinned:
            break
    return {name: round(rate, 3) for name, rate in rates.items()}


def weighted_rate(counts: dict[str, int], populations: dict[str, int | None]) -> float:
    """Disruptions per 1,000 population over the forces with a meaningful population."""
    counted = {n: p for n, p in populations.items() if p and p >= SMALL_POPULATION}
    people = sum(counted.values())
    return sum(counts.get(n, 0) for n in counted) * 1000 / people if people else 0.0


# --------------------------------------------------------------------------- plan inputs


@dataclass(frozen=True)
class OwnerInfo:
    name: str
    kind: str
    population: int | None = None  # forces only
    region: str = ""


@dataclass(frozen=True)
class ThreatInfo:
    pk: int
    owner: str
    name: str
    kind: str
    status: str
    start: dt.date  # adopted (or mapped)
    end: dt.date | None  # archived
    last_assessed: dt.date | None
    members: tuple[tuple[int, dt.date | None, dt.date | None], ...] = ()  # (nominal, from, to)
    subject: int | None = None
    operation_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class StaffInfo:
    username: str
    organisation: str
    team: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Inputs:
    owners: tuple[OwnerInfo, ...]
    threats: tuple[ThreatInfo, ...]
    staff: tuple[StaffInfo, ...]
    tactics: tuple[TacticRule, ...]
    partners: dict  # force name -> {sector: [partner names]}; "" -> national partners
    separate_team: frozenset[str] = frozenset({WILTSHIRE})


# --------------------------------------------------------------------------- the plan


@dataclass
class StepPlan:
    action: str
    by: str | None
    at: dt.datetime
    from_status: str = ""
    to_status: str = ""
    grade: str = ""
    rationale: str = ""
    note: str = ""
    changes: dict = field(default_factory=dict)


@dataclass
class DisruptionPlan:
    owner: str
    threats: list[int]
    nominals: list[int]
    occurred_on: dt.date
    acting: str
    category: str
    tactic: str
    quantities: dict
    narrative: str
    evidence: list[str]
    operation_name: str
    status: str
    grade: str
    rationale: str
    recorded_by: str
    recorded_at: dt.datetime
    submitted_by: str | None = None
    submitted_at: dt.datetime | None = None
    validated_by: str | None = None
    validated_at: dt.datetime | None = None
    steps: list[StepPlan] = field(default_factory=list)


@dataclass
class DisruptionsPlan:
    rates: dict[str, float]
    targets: dict[str, int]  # validated disruptions planned per owner
    disruptions: list[DisruptionPlan] = field(default_factory=list)


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _moment(rng, day: dt.date, now: dt.datetime) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time(8, 0), tzinfo=dt.UTC) + dt.timedelta(
        minutes=rng.randint(0, 600)
    )
    return min(moment, now - dt.timedelta(minutes=rng.randint(5, 120)))


class _Planner:
    def __init__(self, inputs: Inputs, seed: int, scale: float, today: dt.date, now):
        self.inputs = inputs
        self.rng = random.Random(derived_seed(seed, "disruptions"))
        self.scale = scale
        self.today = today
        self.now = now  # nothing planned happens after this moment (the start of today)
        self.window_start = today - dt.timedelta(days=PERIOD_DAYS - 1)
        self.tactics = {t.code: t for t in inputs.tactics if t.is_active}
        self.threats_of: dict[str, list[ThreatInfo]] = defaultdict(list)
        for threat in sorted(inputs.threats, key=lambda t: (t.owner, t.name, t.pk)):
            if threat.status in (Status.ACTIVE, Status.ARCHIVED):
                self.threats_of[threat.owner].append(threat)
        self.staff_of: dict[str, list[StaffInfo]] = defaultdict(list)
        for person in sorted(inputs.staff, key=lambda s: s.username):
            self.staff_of[person.organisation].append(person)
        ordered = sorted(inputs.staff, key=lambda s: s.username)
        self.person_ids = {s.username: n for n, s in enumerate(ordered)}
        teams = sorted({(s.organisation, s.team) for s in ordered if s.team})
        self.team_ids = {team: n for n, team in enumerate(teams)}
        self.staff = {s.username: s for s in ordered}
        self.owner_region = {o.name: o.region for o in inputs.owners}
        self.rocu_of = {o.region: o.name for o in inputs.owners if o.kind == OrganisationKind.ROCU}
        # Threats allowed a validated major or moderate claim after their last assessment, so
        # that some (not all) are left waiting for the re-assessment it asks for, as in real
        # life: about a fifth of the active ones assessed long enough ago, at least one each.
        self.latest_validated = today - dt.timedelta(days=VALIDATION_LAG)
        self.awaiting: dict[str, list[ThreatInfo]] = {}
        for owner, threats in sorted(self.threats_of.items()):
            eligible = [
                t
                for t in threats
                if t.end is None
                and t.last_assessed is not None
                and (self.latest_validated - t.last_assessed).days >= 3
            ]
            if eligible:
                count = max(1, round(len(eligible) * 0.2))
                self.awaiting[owner] = self.rng.sample(eligible, count)
        self.awaiting_ids = {t.pk for threats in self.awaiting.values() for t in threats}
        self.evidence_serial = 0

    # who

    def recorders(self, owner: str) -> list[str]:
        return [s.username for s in self.staff_of[owner] if s.roles & {Role.ANALYST, Role.LRO}]

    def validators(self, owner: str) -> list[str]:
        return [s.username for s in self.staff_of[owner] if Role.VALIDATOR in s.roles]

    def person(self, username: str) -> rules.Person:
        staff = self.staff[username]
        team_id = self.team_ids.get((staff.organisation, staff.team))
        return rules.Person(self.person_ids[username], username, team_id, staff.team)

    def pick_recorder(self, owner: str) -> str:
        people = self.recorders(owner)
        persona = f"{owner.lower()}.analyst"
        if persona in people and self.rng.random() < 0.45:
            return persona
        return self.rng.choice(people)

    def pick_validator(self, owner: str, claimants: list[str], avoid: str = "") -> str:
        people = [v for v in self.validators(owner) if v != avoid] or self.validators(owner)
        persona = f"{owner.lower()}.validator"
        ordered = (
            ([persona] if persona in people and self.rng.random() < 0.55 else [])
            + [self.rng.choice(people)]
            + people
        )
        for username in ordered:
            problem = rules.independence_problem(
                validator=self.person(username),
                claimants=[self.person(c) for c in claimants],
                separate_team=owner in self.inputs.separate_team,
                organisation_name=owner,
            )
            if not problem:
                return username
        raise ValueError(f"No independent validator for {owner}'s demo claims.")

    # what

    def tactic_for(self, category: str) -> TacticRule:
        fits = [
            (code, TACTIC_WEIGHTS.get(code, 1))
            for code, t in self.tactics.items()
            if t.allows(category)
        ]
        return self.tactics[_weighted(self.rng, fits)]

    def quantities(self, tactic: TacticRule, people: int) -> dict:
        rng, values = self.rng, {}
        for code in tactic.quantities:
            if rng.random() < 0.12:  # not known when recorded
                continue
            if code == "arrests":
                values[code] = max(people, rng.choice((1, 1, 1, 2, 2, 3, 4, 6)))
            elif code == "people_safeguarded":
                diverted = tactic.code == "diversion"
                values[code] = rng.randint(3, 30) if diverted else rng.choice((1, 1, 2, 3, 5))
            elif code == "drugs_kg":
                values[code] = Decimal(str(round(math.exp(rng.uniform(-3, 3.5)), 3)))
            elif code == "firearms":
                values[code] = rng.choice((1, 1, 1, 2, 3))
            elif code == "cash":
                low, high = (6, 13) if tactic.code == "asset-restraint" else (6.2, 11.5)
                values[code] = Decimal(round(math.exp(rng.uniform(low, high)), -1)).quantize(
                    Decimal("0.01")
                )
            elif code == "custodial_years":
                values[code] = Decimal(str(rng.choice((1.5, 2, 3.5, 4, 6, 8.5, 11, 14))))
            elif code == "lines_closed":
                values[code] = rng.choice((1, 1, 1, 2))
        return values

    def acting(self, owner: str, tactic: str) -> str:
        rng = self.rng
        home = self.inputs.partners.get(owner, {})
        national = self.inputs.partners.get("", {})

        def one(sectors) -> str | None:
            names = [n for s in sectors for n in home.get(s, []) + national.get(s, [])]
            return rng.choice(names) if names else None

        choice = None
        if tactic == "partner-enforcement":
            choice = one(
                [
                    PartnerSector.HMRC,
                    PartnerSector.BENEFITS,
                    PartnerSector.REGULATOR,
                    PartnerSector.LOCAL_AUTHORITY,
                ]
            )
        elif tactic == "licensing" or (tactic == "target-hardening" and rng.random() < 0.7):
            choice = one([PartnerSector.LOCAL_AUTHORITY, PartnerSector.HOUSING])
        elif tactic == "immigration-action":
            choice = one([PartnerSector.IMMIGRATION])
        elif tactic in ("premises-closure", "victim-safeguarding") and rng.random() < 0.3:
            choice = one([PartnerSector.LOCAL_AUTHORITY, PartnerSector.HOUSING])
        elif tactic in ("arrest", "drugs-seizure", "cash-seizure") and rng.random() < 0.08:
            choice = self.rocu_of.get(self.owner_region.get(owner, ""))
        return choice or owner

    def people(self, threat: ThreatInfo, day: dt.date, tactic: str) -> list[int]:
        if tactic not in WITH_PEOPLE:
            return []
        if threat.kind == ThreatKind.PRIORITY_INDIVIDUAL and threat.subject:
            return [threat.subject]
        members = [
            pk
            for pk, joined, left in threat.members
            if (joined is None or joined <= day) and (left is None or left >= day)
        ]
        if not members:
            return []
        return self.rng.sample(members, min(len(members), self.rng.choice((1, 1, 1, 2, 3))))

    def evidence(self, tactic: str, day: dt.date) -> list[str]:
        self.evidence_serial += 1
        refs = [f"CR/{day.year}/{self.rng.randint(1000, 99999):05d}"]
        if tactic.endswith("seizure"):
            refs.append(f"Exhibit {self.rng.choice('ABCDEFGHJK')}{self.rng.randint(1, 40)}")
        if tactic in ("charge", "conviction", "ancillary-order", "asset-restraint"):
            refs.append(f"Court result T{day.year}{self.evidence_serial:05d}")
        return refs

    def narrative(self, tactic: str, quantities: dict, people: int) -> str:
        template = NARRATIVES.get(tactic, "")
        return template.format(
            n=quantities.get("arrests")
            or quantities.get("people_safeguarded")
            or quantities.get("firearms")
            or max(people, 1),
            years=quantities.get("custodial_years", "several"),
            kg=quantities.get("drugs_kg", "a quantity of"),
            cash=f"{quantities['cash']:,.0f}" if "cash" in quantities else "an amount",
            road=self.rng.choice(ROADS),
        )

    # when

    def day_between(self, low: dt.date, high: dt.date) -> dt.date:
        return low + dt.timedelta(days=self.rng.randint(0, max(0, (high - low).days)))

    def threat_for(self, owner: str, status: str, latest: dt.date) -> tuple[ThreatInfo, tuple]:
        """A threat of ``owner`` that was live some time in the window (active threats for a
        claim still in the workflow), weighted to active groups."""
        weights = []
        for threat in self.threats_of[owner]:
            low = max(threat.start, self.window_start)
            high = min(threat.end or latest, latest)
            if low > high or (status != DisruptionStatus.VALIDATED and threat.end is not None):
                weights.append(0)
                continue
            base = {ThreatKind.OCG: 5, ThreatKind.PRIORITY_INDIVIDUAL: 3}.get(threat.kind, 1.5)
            weights.append(base if threat.end is None else 1)
        if not any(weights):
            return None, ()
        threat = self.rng.choices(self.threats_of[owner], weights=weights)[0]
        return threat, (max(threat.start, self.window_start), min(threat.end or latest, latest))

    # one claim

    def claim(
        self, owner: str, status: str, overdue: bool = False, awaiting: ThreatInfo | None = None
    ) -> DisruptionPlan | None:
        """One planned claim of ``owner`` in ``status``; with ``awaiting``, a validated major
        disruption of that threat since its last assessment (so it waits for a new one)."""
        rng, today = self.rng, self.today
        if status == DisruptionStatus.VALIDATED:
            latest = self.latest_validated
        elif status == DisruptionStatus.SUBMITTED:
            latest = today - dt.timedelta(days=(WAITING_DAYS + 2) if overdue else 1)
        elif status == DisruptionStatus.RETURNED:
            latest = today - dt.timedelta(days=10)
        else:
            latest = today - dt.timedelta(days=1)
        if awaiting is not None:
            threat = awaiting
            window = (awaiting.last_assessed + dt.timedelta(days=1), latest)
        else:
            threat, window = self.threat_for(owner, status, latest)
        if threat is None:
            return None
        category = _weighted(rng, CATEGORY_WEIGHTS)
        if threat.kind == ThreatKind.VULNERABILITY and category == "pursue" and rng.random() < 0.6:
            category = rng.choice(("protect", "prepare"))
        tactic = self.tactic_for(category)
        # the dates, working forward from the day it happened
        if status == DisruptionStatus.SUBMITTED:
            waited = rng.randint(WAITING_DAYS + 1, 75) if overdue else rng.randint(1, 20)
            submitted_on = today - dt.timedelta(days=waited)
            occurred = max(window[0], submitted_on - dt.timedelta(days=rng.randint(0, 10)))
            if occurred > window[1]:
                return None
            recorded_on = self.day_between(occurred, submitted_on)
        else:
            occurred = self.day_between(*window)
            recorded_on = min(latest, occurred + dt.timedelta(days=rng.randint(0, 7)))
            submitted_on = min(latest, recorded_on + dt.timedelta(days=rng.randint(0, 5)))
        grade = "major" if awaiting is not None else _weighted(rng, GRADE_WEIGHTS)
        if (
            status == DisruptionStatus.VALIDATED
            and rules.flags_reassessment(grade)
            and threat.end is None
            and not rules.assessed_since(threat.last_assessed, occurred)
            and threat.pk not in self.awaiting_ids
        ):
            grade = rng.choice(("minor", "minor", "none"))  # its re-assessment came after
        people = self.people(threat, occurred, tactic.code)
        quantities = self.quantities(tactic, len(people))
        recorder = self.pick_recorder(owner)
        operation = ""
        if threat.operation_names and rng.random() < 0.7:
            operation = rng.choice(threat.operation_names)
        graded_later = status != DisruptionStatus.DRAFT and rng.random() < 0.15
        ungraded_draft = status == DisruptionStatus.DRAFT and rng.random() < 0.5
        rationale = rng.choice(RATIONALES[grade])
        plan = DisruptionPlan(
            owner=owner,
            threats=[threat.pk],
            nominals=people,
            occurred_on=occurred,
            acting=self.acting(owner, tactic.code),
            category=category,
            tactic=tactic.code,
            quantities=quantities,
            narrative=self.narrative(tactic.code, quantities, len(people)),
            evidence=self.evidence(tactic.code, occurred) if rng.random() < 0.85 else [],
            operation_name=operation,
            status=status,
            grade="" if ungraded_draft else grade,
            rationale="" if ungraded_draft else rationale,
            recorded_by=recorder,
            recorded_at=_moment(rng, recorded_on, self.now),
        )
        first_grade = "" if graded_later or ungraded_draft else grade
        plan.steps.append(
            StepPlan(
                StepAction.RECORDED,
                recorder,
                plan.recorded_at,
                to_status=DisruptionStatus.DRAFT,
                grade=first_grade,
                rationale=rationale if first_grade else "",
            )
        )
        if graded_later:
            plan.steps.append(
                StepPlan(
                    StepAction.GRADED,
                    recorder,
                    plan.recorded_at + dt.timedelta(hours=rng.randint(1, 30)),
                    grade=grade,
                    rationale=rationale,
                )
            )
        if status == DisruptionStatus.DRAFT:
            return plan
        self.workflow(plan, submitted_on, keep_grade=awaiting is not None)
        return plan

    def workflow(self, plan: DisruptionPlan, submitted_on: dt.date, keep_grade: bool) -> None:
        rng, now = self.rng, self.now
        claimant = plan.recorded_by
        submitted_at = max(
            plan.steps[-1].at + dt.timedelta(minutes=5), _moment(rng, submitted_on, now)
        )
        submitted_at = min(submitted_at, now - dt.timedelta(minutes=1))

        def submit(at: dt.datetime, previous: str) -> None:
            plan.submitted_by, plan.submitted_at = claimant, at
            plan.steps.append(
                StepPlan(
                    StepAction.SUBMITTED,
                    claimant,
                    at,
                    from_status=previous,
                    to_status=DisruptionStatus.SUBMITTED,
                    grade=plan.grade,
                )
            )

        submit(submitted_at, DisruptionStatus.DRAFT)
        if plan.status == DisruptionStatus.SUBMITTED:
            return
        validator = self.pick_validator(plan.owner, [claimant])
        returned_first = plan.status == DisruptionStatus.RETURNED or rng.random() < 0.08
        at = submitted_at
        if returned_first:
            at = min(now - dt.timedelta(minutes=1), at + dt.timedelta(days=rng.randint(1, 9)))
            plan.steps.append(
                StepPlan(
                    StepAction.RETURNED,
                    validator,
                    at,
                    from_status=DisruptionStatus.SUBMITTED,
                    to_status=DisruptionStatus.RETURNED,
                    grade=plan.grade,
                    note=rng.choice(RETURN_REASONS),
                )
            )
            if plan.status == DisruptionStatus.RETURNED:
                return
            at += dt.timedelta(days=rng.randint(1, 5))
            if not plan.evidence:
                plan.evidence = self.evidence(plan.tactic, plan.occurred_on)
            plan.steps.append(
                StepPlan(
                    StepAction.CHANGED,
                    claimant,
                    at,
                    note="Corrected as the validator asked.",
                    changes={"evidence": [[], plan.evidence]},
                )
            )
            submit(at + dt.timedelta(minutes=10), DisruptionStatus.RETURNED)
            at += dt.timedelta(minutes=10)
        at = min(now - dt.timedelta(minutes=1), at + dt.timedelta(days=rng.randint(1, 20)))
        claimed = plan.grade
        if rng.random() < 0.08 and not keep_grade:  # the validator grades it otherwise
            ranks = list(rules.ImpactGrade.values)
            step = rng.choice((-1, 1))
            index = min(len(ranks) - 1, max(0, ranks.index(claimed) + step))
            new = ranks[index]
            if new != claimed and not (
                rules.flags_reassessment(new)
                and not rules.flags_reassessment(claimed)
                and plan.threats[0] not in self.awaiting_ids
            ):
                plan.grade = new
                plan.rationale = rng.choice(RATIONALES[new])
                plan.steps.append(
                    StepPlan(
                        StepAction.REGRADED,
                        validator,
                        at,
                        from_status=DisruptionStatus.SUBMITTED,
                        to_status=DisruptionStatus.SUBMITTED,
                        grade=new,
                        rationale=plan.rationale,
                        changes={"grade": [claimed, new]},
                    )
                )
        plan.validated_by, plan.validated_at = validator, at
        plan.steps.append(
            StepPlan(
                StepAction.VALIDATED,
                validator,
                at,
                from_status=DisruptionStatus.SUBMITTED,
                to_status=DisruptionStatus.VALIDATED,
                grade=plan.grade,
                note=rng.choice(VALIDATION_NOTES),
            )
        )
        if rng.random() < 0.03 and plan.grade in ("minor", "none"):  # later evidence
            later = min(now - dt.timedelta(minutes=1), at + dt.timedelta(days=rng.randint(20, 90)))
            regrader = self.pick_validator(plan.owner, [claimant])
            new = "negative" if plan.grade == "none" else "none"
            plan.steps.append(
                StepPlan(
                    StepAction.REGRADED,
                    regrader,
                    later,
                    from_status=DisruptionStatus.VALIDATED,
                    to_status=DisruptionStatus.VALIDATED,
                    grade=new,
                    rationale=rng.choice(RATIONALES[new]),
                    changes={"grade": [plan.grade, new]},
                )
            )
            plan.grade, plan.rationale = new, plan.steps[-1].rationale


def plan_disruptions(
    *, seed: int, scale: float, today: dt.date, inputs: Inputs, now: dt.datetime | None = None
) -> DisruptionsPlan:
    """Every demo disruption, as plain data decided by the seed, the scale, the day and the
    inputs alone (``now``, by default the start of ``today``, is the moment nothing planned
    comes after). Raises if a planned claim would break a rule a page applies."""
    forces = {o.name: o.population for o in inputs.owners if o.kind == OrganisationKind.FORCE}
    rates = force_rates(forces, seed)
    now = now or dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC)
    planner = _Planner(inputs, seed, scale, today, now)
    plan = DisruptionsPlan(rates=rates, targets={})
    for owner in sorted(inputs.owners, key=lambda o: (o.kind != OrganisationKind.FORCE, o.name)):
        if not planner.threats_of[owner.name] or not planner.recorders(owner.name):
            continue
        if not planner.validators(owner.name):
            continue
        if owner.kind == OrganisationKind.FORCE:
            validated = round((owner.population or 0) / 1000 * rates[owner.name] * scale)
        elif owner.kind == OrganisationKind.ROCU:
            validated = round(ROCU_VALIDATED * scale)
        else:
            validated = round(NATIONAL_VALIDATED * scale)
        plan.targets[owner.name] = validated
        wanted = [(DisruptionStatus.VALIDATED, False)] * validated
        submitted = max(MINIMUM["submitted"], round(validated * SUBMITTED_SHARE))
        overdue = max(MINIMUM["overdue"], round(submitted * 0.35))
        wanted += [(DisruptionStatus.SUBMITTED, n < overdue) for n in range(submitted)]
        wanted += [(DisruptionStatus.RETURNED, False)] * max(
            MINIMUM["returned"], round(validated * RETURNED_SHARE)
        )
        wanted += [(DisruptionStatus.DRAFT, False)] * max(
            MINIMUM["draft"], round(validated * DRAFT_SHARE)
        )
        made = []
        if validated and planner.awaiting.get(owner.name):  # one claim that waits for sure
            claim = planner.claim(
                owner.name, DisruptionStatus.VALIDATED, awaiting=planner.awaiting[owner.name][0]
            )
            if claim is not None:
                made.append(claim)
                wanted.pop(0)
        for status, late in wanted:
            for _attempt in range(5):
                claim = planner.claim(owner.name, status, overdue=late)
                if claim is not None:
                    made.append(claim)
                    break
        plan.disruptions.extend(sorted(made, key=lambda d: (d.recorded_at, d.occurred_on)))
    for claim in plan.disruptions:
        _check(claim, planner, today)
    return plan


def _check(claim: DisruptionPlan, planner: _Planner, today: dt.date) -> None:
    errors, _ = rules.check_disruption(
        threat_count=len(claim.threats),
        occurred_on=claim.occurred_on,
        today=today,
        category=claim.category,
        tactic=planner.tactics[claim.tactic],
        grade=claim.grade,
        rationale=claim.rationale,
        quantities={k: str(v) for k, v in claim.quantities.items()},
        narrative=claim.narrative,
        operation_name=claim.operation_name,
        evidence=claim.evidence,
        require_grade=claim.status != DisruptionStatus.DRAFT,
    )
    if errors:
        raise ValueError(f"A planned demo disruption breaks the rules: {errors}")
    times = [s.at for s in claim.steps]
    if times != sorted(times) or times[-1] > planner.now:
        raise ValueError("A planned demo disruption's history is out of order.")


# --------------------------------------------------------------------------- applying


def _aware_date(value) -> dt.date | None:
    return timezone.localdate(value) if value else None


def _ensure_validators(owners: list[Organisation]) -> None:
    """Every owner with demo claims needs a validator (the personas and staff usually give
    one; a ROCU or the NCA, or an unlucky force, gets one), in its validation team."""
    from socmap.orgs.services import create_user

    for owner in owners:
        if User.objects.filter(organisation=owner, roles__code=Role.VALIDATOR).exists():
            continue
        team_name = (
            "Disruption Validation Team"
            if owner.kind == OrganisationKind.FORCE
            else "Regional Disruption Team"
        )
        username = f"{owner.slug}.disruption-validator"
        create_user(
            actor=None,
            username=username,
            email=f"{username}@{owner.slug}.socmap-demo.example",
            first_name="Demo",
            last_name=f"Validator ({owner.display_short_name})",
            organisation=owner,
            roles=[Role.VALIDATOR],
            team=Team.objects.filter(organisation=owner, name=team_name).first(),
            job_title="Disruption validation officer",
            can_log_in=False,
        )


def inputs_for(context: DemoContext) -> Inputs:
    """What the plan needs, read from what the earlier demo steps created."""
    forces = list(context.forces)
    rocus = list(
        Organisation.objects.filter(
            kind=OrganisationKind.ROCU, region__in=[f.region_id for f in forces]
        ).select_related("region")
    )
    national = Organisation.objects.get(short_name="NCA")
    owners = [*forces, *rocus, national]
    _ensure_validators(owners)
    figures: dict[int, dict[int, int]] = defaultdict(dict)
    for force_id, year, population in PopulationFigure.objects.filter(force__in=forces).values_list(
        "force_id", "year", "population"
    ):
        figures[force_id][year] = population
    today = timezone.localdate()

    def population(force) -> int | None:
        year = choose_population_year(figures[force.pk], today.year)
        return figures[force.pk][year] if year is not None else None

    owner_infos = tuple(
        OwnerInfo(
            o.name,
            o.kind,
            population(o) if o.kind == OrganisationKind.FORCE else None,
            o.region.name if o.region_id else "",
        )
        for o in sorted(owners, key=lambda o: o.name)
    )
    names = {o.pk: o.name for o in owners}
    members: dict[int, list] = defaultdict(list)
    for threat_id, nominal_id, joined, left in (
        Membership.objects.filter(threat__owner__in=owners)
        .order_by("threat_id", "nominal_id", "id")
        .values_list("threat_id", "nominal_id", "joined_on", "left_on")
    ):
        members[threat_id].append((nominal_id, joined, left))
    threats = tuple(
        ThreatInfo(
            pk=t.pk,
            owner=names[t.owner_id],
            name=t.name,
            kind=t.kind,
            status=t.status,
            start=_aware_date(t.adopted_at or t.created_at),
            end=_aware_date(t.archived_at) if t.status == Status.ARCHIVED else None,
            last_assessed=_aware_date(t.last_assessed_at),
            members=tuple(members[t.pk]),
            subject=t.subject_id,
            operation_names=tuple(t.operation_names or ()),
        )
        for t in Threat.objects.filter(owner__in=owners).order_by("owner__name", "name", "pk")
    )
    staff = tuple(
        StaffInfo(
            u.username,
            names[u.organisation_id],
            u.team.name if u.team_id else "",
            frozenset(r.code for r in u.roles.all()),
        )
        for u in User.objects.filter(organisation__in=owners, is_active=True)
        .select_related("team")
        .prefetch_related("roles")
        .order_by("username")
    )
    partners: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, sector, home in (
        Organisation.objects.filter(kind=OrganisationKind.PARTNER, is_active=True)
        .order_by("name")
        .values_list("name", "sector", "home_force__name")
    ):
        if home is None or home in names.values():
            partners[home or ""][sector].append(name)
    return Inputs(
        owners=owner_infos,
        threats=threats,
        staff=staff,
        tactics=tuple(t.rule for t in Tactic.objects.all()),
        partners={k: dict(v) for k, v in partners.items()},
        separate_team=frozenset(
            o.name for o in owners if Organisation.objects.get(pk=o.pk).separate_validation_team
        ),
    )


def plan_for(context: DemoContext, inputs: Inputs | None = None) -> DisruptionsPlan:
    today = timezone.localdate()
    return plan_disruptions(
        seed=context.seed,
        scale=context.scale,
        today=today,
        now=timezone.make_aware(dt.datetime.combine(today, dt.time.min)),
        inputs=inputs or inputs_for(context),
    )


@demo_step(60, "Disruptions, their grading and validation")
def create_demo_disruptions(context: DemoContext) -> str:
    with transaction.atomic():
        inputs = inputs_for(context)
        plan = plan_for(context, inputs)
        source = SOURCE.format(seed=context.seed)
        organisations = {o.name: o for o in Organisation.objects.all()}
        done = set(
            Disruption.objects.filter(source__startswith="socmap demo data")
            .values_list("owner__name", flat=True)
            .distinct()
        )
        todo = [d for d in plan.disruptions if d.owner not in done]
        if not todo:
            return f"0 disruptions ({len(plan.disruptions)} already there)"
        users = {
            u.username: u
            for u in User.objects.filter(
                username__in={s.by for d in todo for s in d.steps if s.by}
            ).select_related("team")
        }
        made = Disruption.objects.bulk_create(
            [
                Disruption(
                    owner=organisations[d.owner],
                    occurred_on=d.occurred_on,
                    acting_organisation=organisations[d.acting],
                    category=d.category,
                    tactic_id=d.tactic,
                    **d.quantities,
                    narrative=d.narrative,
                    evidence=d.evidence,
                    operation_name=d.operation_name,
                    status=d.status,
                    grade=d.grade,
                    grade_rationale=d.rationale,
                    recorded_by=users[d.recorded_by],
                    recorded_at=d.recorded_at,
                    submitted_by=users.get(d.submitted_by),
                    submitted_at=d.submitted_at,
                    validated_by=users.get(d.validated_by),
                    validated_at=d.validated_at,
                    source=source,
                )
                for d in todo
            ],
            batch_size=1000,
        )
        threat_link, nominal_link = Disruption.threats.through, Disruption.nominals.through
        threat_link.objects.bulk_create(
            [
                threat_link(disruption_id=row.pk, threat_id=pk)
                for d, row in zip(todo, made, strict=True)
                for pk in d.threats
            ],
            batch_size=2000,
        )
        nominal_link.objects.bulk_create(
            [
                nominal_link(disruption_id=row.pk, nominal_id=pk)
                for d, row in zip(todo, made, strict=True)
                for pk in d.nominals
            ],
            batch_size=2000,
        )
        steps = [
            DisruptionStep(
                disruption_id=row.pk,
                action=s.action,
                from_status=s.from_status,
                to_status=s.to_status,
                grade=s.grade,
                rationale=s.rationale,
                note=s.note,
                changes=s.changes,
                by=users.get(s.by),
                by_team=users[s.by].team.name if s.by and users[s.by].team_id else "",
                at=s.at,
            )
            for d, row in zip(todo, made, strict=True)
            for s in d.steps
        ]
        DisruptionStep.objects.bulk_create(steps, batch_size=2000)
        flagged = []
        for owner in sorted({d.owner for d in todo}):
            validator = next(
                (users[d.validated_by] for d in todo if d.owner == owner and d.validated_by),
                None,
            )
            flagged += _flag(
                validator, [(row, d) for d, row in zip(todo, made, strict=True) if d.owner == owner]
            )
        shared = _share_with_partners(todo, made, organisations, users)
        statuses = Counter(d.status for d in todo)
        record_event(
            actor=None,
            action="demo.disruptions_generated",
            target_type="disruptions.disruption",
            target_repr=f"{len(todo)} synthetic demo disruptions",
            changes={
                "seed": context.seed,
                "scale": context.scale,
                "rates_per_thousand": plan.rates,
                "validated": dict(plan.targets),
                "by_status": dict(statuses),
                "steps": len(steps),
                "reassessment_requested": len(flagged),
                "shared_with_partners": shared,
            },
        )
    wiltshire = plan.rates.get(WILTSHIRE)
    counted = Counter(d.owner for d in todo if d.status == DisruptionStatus.VALIDATED)
    forces = {o.name: o.population for o in inputs.owners if o.kind == OrganisationKind.FORCE}
    average = weighted_rate(counted, forces) / context.scale if context.scale else 0
    return (
        f"{len(todo)} disruptions ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}),"
        f" {len(steps)} history steps; validated per 1,000 over two years: Wiltshire "
        f"{wiltshire}, demo forces {average:.2f} (at full scale); {len(flagged)} threats flagged "
        f"for re-assessment ({len(plan.disruptions) - len(todo)} already there)"
    )


SHARED_PER_PARTNER = 12


def _share_with_partners(todo, made, organisations, users) -> int:
    """A partner agency that acted in a force's validated disruptions is shown the latest few
    of them (through ``orgs.services.share_record``, as the share page does), so the partner
    persona has something to see."""
    from socmap.orgs.services import share_record

    by_partner: dict[str, list] = defaultdict(list)
    for plan, row in zip(todo, made, strict=True):
        acting = organisations[plan.acting]
        if acting.kind == OrganisationKind.PARTNER and plan.status == DisruptionStatus.VALIDATED:
            by_partner[plan.acting].append((plan.occurred_on, row.pk, plan, row))
    count = 0
    for partner, claims in sorted(by_partner.items()):
        for _day, _pk, plan, row in sorted(claims, reverse=True)[:SHARED_PER_PARTNER]:
            share_record(
                actor=users[plan.recorded_by],
                record=row,
                organisation=organisations[partner],
                conditions="Shared for the partnership's disruption review.",
            )
            count += 1
    return count


def _flag(validator, pairs) -> list[str]:
    from socmap.disruptions.services import request_reassessments_after

    return request_reassessments_after(
        validator, [(row, d.threats) for row, d in pairs], note="demo data"
    )
