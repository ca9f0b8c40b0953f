"""Demo control strategies and a local profile.

For each demo force and its region's ROCU: a strategic assessment for this year, approved some
months ago (so some six-month reviews are due, some overdue and one done), with priorities drawn
from its own data (its two commonest crime types among active threats, a local policing area and
its highest-banded threat) and an intelligence requirement. Wiltshire gets a local profile with
written sections, edited once (two versions), shared with Wiltshire Council as a partner edition.
Deterministic per seed; safe to rerun (existing assessments and profiles are left alone).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from socmap.demo import DemoContext, demo_step
from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, User
from socmap.orgs.services import share_record
from socmap.profiles import services
from socmap.profiles.models import AreaKind, LocalProfile, StrategicAssessment
from socmap.threats.models import Status, Threat

SECTIONS = {
    "summary": (
        "Drug supply, much of it by county lines from London and Birmingham, remains the main "
        "serious and organised crime threat in the county. Exploitation of children and "
        "vulnerable adults through cuckooing is the harm partners raise most often."
    ),
    "narrative": (
        "Internal assessment: the highest-banded groups are concentrated in Swindon and "
        "Salisbury. Intelligence gaps remain on the money laundering behind the main lines."
    ),
    "partner_data": (
        "Council housing reports 31 suspected cuckooed addresses this year (up from 22). "
        "Children's services made 14 referrals for criminal exploitation. Trading standards "
        "report rising sales of illicit tobacco from three premises."
    ),
    "recommendations": (
        "Joint visits to suspected cuckooed addresses within 48 hours of a report; shared "
        "safeguarding referrals through the community safety partnership; a partner briefing "
        "on the signs of exploitation before the summer holidays."
    ),
}
REQUIREMENT = (
    "Who runs the county lines into the area and how their money is moved; which addresses are "
    "cuckooed; which children are being exploited; where firearms come from."
)


def _assessor(organisation: Organisation):
    return (
        User.objects.filter(
            organisation=organisation, is_active=True, roles__code__in=["tasking_chair", "analyst"]
        )
        .order_by("username")
        .first()
    )


def _strategy(context: DemoContext, owner: Organisation, today: dt.date, months_ago: int):
    year = today.year
    if StrategicAssessment.objects.filter(owner=owner, year=year).exists():
        return None
    actor = _assessor(owner)
    approved = today - dt.timedelta(days=30 * months_ago + context.rng.randint(0, 20))
    approved = max(approved, dt.date(year, 1, 2))
    assessment = services.record_assessment(
        actor=actor,
        owner=owner,
        year=year,
        approved_on=approved,
        summary=f"The {year} strategic assessment of serious and organised crime for "
        f"{owner.name}, agreed at the strategic tasking meeting.",
        intelligence_requirement=REQUIREMENT,
    )
    if owner.kind == OrganisationKind.ROCU:
        forces = Organisation.objects.filter(kind=OrganisationKind.FORCE, region=owner.region)
        active = Threat.objects.filter(status=Status.ACTIVE, owner__region=owner.region)
    else:
        forces = Organisation.objects.filter(pk=owner.pk)
        active = Threat.objects.filter(status=Status.ACTIVE, owner=owner)
    common = (
        active.values("predominant_crime_type")
        .annotate(n=Count("id"))
        .order_by("-n", "predominant_crime_type")[:2]
    )
    from socmap.threats.models import CrimeType

    for row in common:
        services.add_priority(
            actor=actor,
            assessment=assessment,
            kind="crime_type",
            crime_type=CrimeType.objects.get(pk=row["predominant_crime_type"]),
            rationale="The commonest predominant crime type among active threats.",
            added_on=approved,
        )
    area = LocalArea.objects.filter(force__in=forces).order_by("force__name", "name").first()
    if area is not None:
        services.add_priority(
            actor=actor,
            assessment=assessment,
            kind="area",
            local_area=area,
            rationale="The most threats and the most harm to vulnerable people.",
            added_on=approved,
        )
    top = active.exclude(current_band_rank=None).order_by("current_band_rank", "-current_score")
    top = top.filter(owner=owner).first() or top.first()
    if top is not None:
        services.add_priority(
            actor=actor,
            assessment=assessment,
            kind="threat",
            threat=top,
            rationale="The highest-banded threat: named priority for the year.",
            added_on=approved,
        )
    return assessment


@demo_step(80, "Control strategies and a Wiltshire local profile")
def create_demo_profiles(context: DemoContext) -> str:
    today = timezone.localdate()
    forces = list(context.forces) or list(
        Organisation.objects.filter(kind=OrganisationKind.FORCE, name="Wiltshire")
    )
    owners = forces + list(
        Organisation.objects.filter(
            kind=OrganisationKind.ROCU, region__in={f.region_id for f in forces}
        ).order_by("name")
    )
    made = overdue = 0
    for number, owner in enumerate(owners):
        # Wiltshire's review is due soon; others spread from four to eight months back
        months = 5 if owner.name == "Wiltshire" else 4 + number % 5
        assessment = _strategy(context, owner, today, months)
        if assessment is None:
            continue
        made += 1
        if assessment.review_due < today:
            overdue += 1
        if assessment.review_due < today and overdue > 1:  # the first overdue one stays so
            services.record_review(
                actor=_assessor(owner),
                assessment=assessment,
                reviewed_on=assessment.review_due,
                summary="Priorities confirmed; drug supply stays first.",
                changes="None.",
            )
    profiles = 0
    wiltshire = Organisation.objects.filter(name="Wiltshire").first()
    if (
        wiltshire
        and not LocalProfile.objects.filter(area_kind=AreaKind.FORCE, force=wiltshire).exists()
    ):
        analyst = User.objects.filter(username="wiltshire.analyst").first() or _assessor(wiltshire)
        profile = services.create_profile(
            actor=analyst,
            area_kind=AreaKind.FORCE,
            force=wiltshire,
            title="Wiltshire SOC local profile",
            sections={"summary": SECTIONS["summary"], "narrative": SECTIONS["narrative"]},
        )
        services.edit_profile(
            actor=analyst,
            profile=profile,
            base_version=profile.version,
            sections=SECTIONS,
            note="Partner data and recommendations from the community safety partnership",
        )
        council = Organisation.objects.filter(slug="wiltshire-council").first()
        if council is not None:
            share_record(actor=analyst, record=profile, organisation=council)
        profiles += 1
    return f"{made} strategic assessments with control strategies; {profiles} local profile"
