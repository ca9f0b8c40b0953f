"""Demo calibration exercise: the South West ROCU asks analysts of its region to score the same
four anonymised cases, so the calibration report has something to show.

The answers are planned (:func:`plan_calibration`) from the seed and the analysts' log-in
names alone. Analysts agree on the facts (criminality, weapons, reach...) apart from the odd
slip, and disagree on the judgements (intent, counter-surveillance), each leaning their own
way: the report should show high agreement on the first and low on the second, which is what
inspectors found. The exercise is set up, answered and closed through the services; its dates
are then moved back to the spring with ``QuerySet.update()`` on the rows just created.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from socmap.demo import DemoContext, demo_step
from socmap.orgs.models import Organisation, OrganisationKind, Role, User
from socmap.orgs.services import create_user
from socmap.people.demo import derived_seed
from socmap.scoring.models import CalibrationExercise, CalibrationResponse
from socmap.scoring.services import (
    close_exercise,
    create_exercise,
    methodology_version,
    submit_response,
)
from socmap.threats.demo import GM_ORDER, SUBJECTIVE

TITLE = "South West calibration, spring"
OWNER_SHORT_NAME = "SWROCU"
ORGANISER = "swrocu.analyst"
REGION = "South West"
PERSONA_ANALYSTS = ("wiltshire.analyst", "dorset.analyst", "swrocu.analyst")
WANTED_ANALYSTS = 8
INSTRUCTIONS = (
    "Score each case on the facts given, as you would at a mapping meeting. Do not confer. "
    "Results are compared attribute by attribute to target the regional guidance."
)

# The anonymised cases: the facts as written, and the answers the facts support.
CASES = (
    (
        "Case A",
        "A county line supplying crack cocaine and heroin from a city into two market towns. "
        "Eight people mapped; runners aged 14 to 17 recruited at a pupil referral unit. "
        "Machetes shown in music videos; one stabbing of a rival runner. Uses burner phones. "
        "Cash passed through a relative's takeaway. Intelligence that the holder wants to open a "
        "second line.",
        {
            "criminality": "serious",
            "weapons": "bladed",
            "violence": "assaults",
            "corruption": "none",
            "counter_surveillance": "basic",
            "legitimate_business": "uses",
            "international_links": "none",
            "reach": "regional",
            "network_size": "6-10",
            "intent": "medium",
        },
    ),
    (
        "Case B",
        "A family network importing cocaine in loads hidden in a haulage firm it owns, with "
        "contacts in the Netherlands and a port worker paid to look away. Fourteen people "
        "mapped. A handgun recovered at an associate's address. Meetings held in moving "
        "vehicles; members change handsets weekly.",
        {
            "criminality": "major",
            "weapons": "firearms_access",
            "violence": "threats",
            "corruption": "private",
            "counter_surveillance": "sophisticated",
            "legitimate_business": "controls",
            "international_links": "established",
            "reach": "national",
            "network_size": "11-20",
            "intent": "high",
        },
    ),
    (
        "Case C",
        "Three brothers stealing catalytic converters and plant machinery across the county, "
        "selling through a scrap dealer who pays cash. No violence or weapons known. Arrested "
        "twice; carried on within weeks.",
        {
            "criminality": "volume",
            "weapons": "none",
            "violence": "none",
            "corruption": "none",
            "counter_surveillance": "none",
            "legitimate_business": "uses",
            "international_links": "none",
            "reach": "force",
            "network_size": "1-5",
            "intent": "low",
        },
    ),
    (
        "Case D",
        "A network placing trafficked men from abroad in hand car washes it controls in three "
        "towns. Six people mapped; passports held by the principal; victims' families "
        "threatened at home. Recruitment through a contact overseas.",
        {
            "criminality": "major",
            "weapons": "none",
            "violence": "threats",
            "corruption": "none",
            "counter_surveillance": "basic",
            "legitimate_business": "controls",
            "international_links": "established",
            "reach": "regional",
            "network_size": "6-10",
            "intent": "medium",
        },
    ),
)
# The group matrix's answers, lowest first, and its subjective attributes: one list, kept
# beside the threat demo that maps with them.
ORDER = GM_ORDER
JUDGEMENTS = SUBJECTIVE


@dataclass
class CalibrationPlan:
    title: str
    cases: list[tuple[str, str]]
    analysts: list[str]
    # analyst -> case label -> answers
    answers: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)


def _step(order: tuple[str, ...], answer: str, by: int) -> str:
    return order[max(0, min(len(order) - 1, order.index(answer) + by))]


def plan_calibration(*, seed: int, analysts: list[str]) -> CalibrationPlan:
    """Every analyst's answers to every case, decided by the seed and the names alone."""
    rng = random.Random(derived_seed(seed, "calibration"))
    plan = CalibrationPlan(TITLE, [(label, text) for label, text, _ in CASES], list(analysts))
    for analyst in analysts:
        # Each analyst leans one way on judgements: cautious, neutral or alarmed.
        lean = {key: rng.choice((-1, 0, 0, 1)) for key in JUDGEMENTS}
        plan.answers[analyst] = {}
        for label, _text, truth in CASES:
            given = {}
            for key, answer in truth.items():
                if key in JUDGEMENTS:
                    given[key] = _step(ORDER[key], answer, lean[key] + rng.choice((-1, 0, 1)))
                elif rng.random() < 0.08:  # the odd slip on a fact
                    given[key] = _step(ORDER[key], answer, rng.choice((-1, 1)))
                else:
                    given[key] = answer
            plan.answers[analyst][label] = given
    return plan


def _analysts(south_west: list[Organisation], *, create: bool = False) -> list[User]:
    """The persona analysts, then other analysts of the region, then (if still short and
    ``create`` is set) new record-only analysts with predictable log-in names."""
    chosen = list(User.objects.filter(username__in=PERSONA_ANALYSTS).order_by("username"))
    others = (
        User.objects.filter(organisation__in=south_west, roles__code=Role.ANALYST, is_active=True)
        .exclude(username__in=PERSONA_ANALYSTS)
        .order_by("username")
        .distinct()
    )
    chosen += list(others[: max(0, WANTED_ANALYSTS - len(chosen))])
    forces = [o for o in south_west if o.kind == OrganisationKind.FORCE]
    number = 0
    while create and len(chosen) < WANTED_ANALYSTS and forces:
        organisation = forces[number % len(forces)]
        number += 1
        username = f"{organisation.slug}.calibration-analyst-{number}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(
                actor=None,
                username=username,
                email=f"{username}@{organisation.slug}.socmap-demo.example",
                first_name="Calibration",
                last_name=f"Analyst {number}",
                organisation=organisation,
                roles=[Role.ANALYST],
                job_title="Intelligence analyst",
                can_log_in=False,
            ).user
        chosen.append(user)
    return chosen


def _south_west(context: DemoContext, owner: Organisation) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            region=owner.region,
            kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU],
            pk__in=[f.pk for f in context.forces] + [owner.pk],
        ).order_by("name")
    )


@demo_step(15, "Calibration participants")
def create_calibration_analysts(context: DemoContext) -> str:
    """Made before the threats step, which picks its analysts from everyone there, so that
    running the generator again plans the same threats."""
    owner = Organisation.objects.filter(short_name=OWNER_SHORT_NAME).first()
    if owner is None:
        return "skipped: the South West ROCU is missing"
    before = User.objects.count()
    with transaction.atomic():
        analysts = _analysts(_south_west(context, owner), create=True)
    return f"{len(analysts)} analysts ({User.objects.count() - before} new)"


def _spring(today: dt.date) -> dt.datetime:
    year = today.year if today >= dt.date(today.year, 6, 1) else today.year - 1
    return timezone.make_aware(dt.datetime(year, 3, 16, 10, 0), dt.UTC)


@demo_step(40, "Calibration exercise")
def create_demo_calibration(context: DemoContext) -> str:
    owner = Organisation.objects.filter(short_name=OWNER_SHORT_NAME).first()
    organiser = User.objects.filter(username=ORGANISER).first()
    if owner is None or organiser is None:
        return "skipped: the South West ROCU or its analyst is missing"
    if CalibrationExercise.objects.filter(owner=owner, title=TITLE).exists():
        return f"'{TITLE}' already there"
    with transaction.atomic():
        south_west = _south_west(context, owner)
        analysts = _analysts(south_west)
        plan = plan_calibration(seed=context.seed, analysts=[a.username for a in analysts])
        exercise = create_exercise(
            actor=organiser,
            title=plan.title,
            methodology=methodology_version("group-matrix"),
            cases=plan.cases,
            participants=[o for o in south_west if o.pk != owner.pk],
            instructions=INSTRUCTIONS,
        )
        cases = {case.label: case for case in exercise.cases.all()}
        for analyst in analysts:
            for label, answers in plan.answers[analyst.username].items():
                submit_response(actor=analyst, case=cases[label], inputs=answers)
        close_exercise(actor=organiser, exercise=exercise)
        # Move the exercise back to the spring (see the module docstring).
        opened = _spring(timezone.localdate())
        CalibrationExercise.objects.filter(pk=exercise.pk).update(
            created_at=opened, closed_at=opened + dt.timedelta(days=42)
        )
        for number, response in enumerate(
            CalibrationResponse.objects.filter(case__exercise=exercise).order_by("id")
        ):
            CalibrationResponse.objects.filter(pk=response.pk).update(
                submitted_at=opened + dt.timedelta(days=3 + number // len(cases), hours=number)
            )
    return (
        f"'{TITLE}' run by {owner.display_short_name}: {len(cases)} cases, "
        f"{len(analysts)} analysts, {len(analysts) * len(cases)} responses"
    )
