"""Demo intelligence: clearance for the intelligence personas, graded intelligence reports
(3x5x2, and 5x5x5 for historic ones) linked to the demo people and threats, sanitised copies
(some shared with partner agencies), trigger reports in the ROCUs' queues, and the process
records behind the two measures, near the figures in the seeds: Wiltshire received 999
suspicious activity reports in a year and produced 12 intelligence packages from them, and
checked 204 of the 1,320 foreign nationals it arrested with ACRO. Other forces get volumes in
proportion to their population; everything scales with ``--scale``.

:func:`plan_intel` decides everything as plain data (no database). :func:`create_demo_intel`
applies it: clearance, reports, copies, shares and trigger reports through the services; the
thousands of SARs and arrests with ``bulk_create`` after checking each planned row against the
rules the services apply (dates, outcomes, nationality), with one audit event, as the people
step does (one service call and audit event per SAR would be too slow for ``make demo``).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from socmap.audit.services import record_event
from socmap.demo import DemoContext, demo_step
from socmap.intel import rules, services
from socmap.intel.models import (
    CHECKED,
    AcroResult,
    ForeignNationalArrest,
    IntelClearance,
    IntelligencePackage,
    IntelligenceReport,
    SarStatus,
    SuspiciousActivityReport,
    TriggerReport,
)
from socmap.orgs.models import Organisation, OrganisationKind, PopulationFigure, User
from socmap.people.demo import derived_seed, people_plan_for

DEMO_SOURCE = "Synthetic demo data"
WILTSHIRE = "Wiltshire"
SARS_PER_YEAR, PACKAGES_PER_YEAR = 999, 12  # Wiltshire, year to June 2015
ARRESTS_PER_YEAR, CHECKED_PER_YEAR = 1320, 204  # Wiltshire, 12 months to June 2015
CLEARANCES = (
    ("wiltshire.analyst", "official_sensitive", "wiltshire.admin", "SC, renewed 2025"),
    ("swrocu.analyst", "secret", "nca.admin", "SC"),
    ("nca.officer", "top_secret", "nca.admin", "DV"),
)
SOURCE_TYPES = (
    ("chis", 4),
    ("public", 3),
    ("officer", 3),
    ("partner", 2),
    ("financial", 1),
    ("prison", 1),
    ("open_source", 1),
)
FACTS = (
    "{name} is collecting cash from street dealers twice a week in {area}.",
    "{name} has taken over a flat in {area} to store and cut cocaine.",
    "{name} is using a new phone number for the deal line, topped up in {area}.",
    "{name} was seen handing a package to a teenager outside a school in {area}.",
    "{name} is moving money through a car wash and a barber's shop in {area}.",
    "{name} has access to a handgun kept at an associate's address in {area}.",
)
SOURCES = (
    "The source lives in the flat opposite and watches from the window",
    "The source works the night shift at the car wash",
    "The source is a cousin who drives for the group at weekends",
    "The source overheard this at the gym where they both train",
    "The source handles the group's deliveries from the depot",
)
CONDITIONS = (
    "Not to be used in evidence; no disclosure to the subject.",
    "Police and partner safeguarding use only; seek the originator's consent before any action.",
    "Not to be shared outside the force and ROCU without the originator's consent.",
)
SECTORS = (
    ("bank", 62),
    ("money_service", 12),
    ("accountant", 4),
    ("legal", 3),
    ("estate_agent", 3),
    ("gambling", 8),
    ("high_value_dealer", 3),
    ("crypto", 3),
    ("other", 2),
)
NATIONALITIES = (
    "Polish",
    "Romanian",
    "Lithuanian",
    "Albanian",
    "Bulgarian",
    "Latvian",
    "Portuguese",
    "Irish",
    "Vietnamese",
    "Slovak",
    "Indian",
    "Nigerian",
)
TRIGGER_TITLES = (
    (
        "New deal line into {area}",
        "ocg",
        "county-lines",
        "Two new 07 numbers advertising to users in {area}; a known runner seen at the station.",
    ),
    (
        "Cuckooed flats in {area}",
        "ocg",
        "drugs",
        "Tenants report strangers dealing from two flats; a vulnerable tenant has stopped "
        "answering.",
    ),
    (
        "Car washes paying cash wages in {area}",
        "ocg",
        "msht",
        "Workers living on site; the same van collects them each morning.",
    ),
    (
        "Online investment fraud targeting older residents",
        "priority_individual",
        "fraud",
        "Several victims in {area} name the same caller and bank account.",
    ),
)


@dataclass
class ReportPlan:
    key: str
    force: str
    reported_on: dt.date
    source_type: str
    grading: tuple[str, str, str, str]  # system, source, intelligence, handling
    conditions: str
    classification: str
    text: str
    people: list[str] = field(default_factory=list)
    threat: str = ""
    sanitised: str = ""  # the copy's text, if one is made
    share_with_partner: bool = False


@dataclass
class TriggerPlan:
    force: str
    sender: str  # username
    title: str
    kind: str
    crime_type: str
    summary: str
    outcome: str  # received / declined / existing / new
    note: str = ""


@dataclass
class ForcePlan:
    force: str
    sars: list[tuple[str, dt.date, str, str, dt.date | None]] = field(default_factory=list)
    packages: list[tuple[dt.date, list[str], str]] = field(default_factory=list)
    arrests: list[tuple[str, dt.date, str, str, dt.date | None, dt.date | None]] = field(
        default_factory=list
    )


@dataclass
class IntelPlan:
    clearances: tuple = CLEARANCES
    reports: list[ReportPlan] = field(default_factory=list)
    triggers: list[TriggerPlan] = field(default_factory=list)
    forces: list[ForcePlan] = field(default_factory=list)


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _grading(rng, reported_on: dt.date, legacy_until: dt.date):
    if reported_on < legacy_until:
        return ("5x5x5", rng.choice("ABCE"), rng.choice("1234"), rng.choice("1123")), ""
    handling = "C" if rng.random() < 0.4 else "P"
    grading = (
        "3x5x2",
        _weighted(rng, (("1", 3), ("2", 5), ("3", 1))),
        _weighted(rng, (("A", 2), ("B", 4), ("C", 4), ("D", 1), ("E", 1))),
        handling,
    )
    return grading, rng.choice(CONDITIONS) if handling == "C" else ""


def plan_intel(
    *,
    seed: int,
    people,
    threats,
    staff,
    populations: dict[str, int],
    today: dt.date,
    scale: float = 1.0,
    legacy_until: dt.date = rules.DEFAULT_3X5X2_FROM,
) -> IntelPlan:
    """Intelligence for the planned forces, as plain data."""
    rng = random.Random(derived_seed(seed, "intel"))
    plan = IntelPlan()
    by_force: dict[str, list] = {}
    for threat in threats.threats:
        if threat.status in ("active", "under_assessment") and threat.owner in people.forces:
            by_force.setdefault(threat.owner, []).append(threat)
    for force in people.forces:
        area = force
        groups = by_force.get(force, [])
        for n in range(max(3, round(40 * scale))):
            threat = rng.choice(groups) if groups and rng.random() < 0.8 else None
            members = [m[0] for m in threat.members] if threat else []
            pool = members or [p.key for p in people.people if p.force == force]
            chosen = rng.sample(pool, k=min(len(pool), rng.randint(1, 2)))
            name = people.person(chosen[0]).surname.upper()
            historic = n > 0 and rng.random() < 0.1  # the first is current, copied and shared
            reported = (
                dt.date(rng.randint(2012, 2018), rng.randint(1, 12), rng.randint(1, 28))
                if historic
                else today - dt.timedelta(days=rng.randint(1, 700))
            )
            grading, conditions = _grading(rng, reported, legacy_until)
            fact = rng.choice(FACTS).format(name=name, area=area)
            source = rng.choice(SOURCES)
            text = f"{fact} [[{source}.]] Seen on {reported:%-d %B %Y}."
            sanitised = ""
            if n == 0 or rng.random() < 0.35:
                sanitised = f"{fact} Reported on {reported:%-d %B %Y}."
            classification = "official" if rng.random() < 0.15 else "official_sensitive"
            plan.reports.append(
                ReportPlan(
                    f"{force}-{n}",
                    force,
                    reported,
                    _weighted(rng, SOURCE_TYPES),
                    grading,
                    conditions,
                    classification,
                    text,
                    chosen,
                    threat.key if threat else "",
                    sanitised,
                    share_with_partner=bool(sanitised) and (n == 0 or rng.random() < 0.6),
                )
            )
        analysts = staff.analysts.get(force, ())
        for n in range(max(1, round(4 * scale))):
            title, kind, crime, summary = rng.choice(TRIGGER_TITLES)
            sender = analysts[n % len(analysts)] if analysts else ""
            if force == WILTSHIRE and n % 2 == 1:
                sender = "wiltshire-council.partner"
            if not sender:
                continue
            outcome = _weighted(
                rng, (("received", 5), ("declined", 2), ("existing", 2), ("new", 1))
            )
            plan.triggers.append(
                TriggerPlan(
                    force,
                    sender,
                    title.format(area=area),
                    kind,
                    crime,
                    summary.format(area=area),
                    outcome,
                    note="Not enough to map yet; send more when the line is tested."
                    if outcome == "declined"
                    else "",
                )
            )
        plan.forces.append(_process(rng, force, populations, today, scale))
    return plan


def _process(rng, force: str, populations: dict[str, int], today: dt.date, scale: float):
    """SARs, packages and arrests of foreign nationals in the twelve months to ``today``."""
    ratio = populations.get(force, 0) / populations.get(WILTSHIRE, 1) if populations else 1
    if force == WILTSHIRE:
        ratio = 1.0
    sars = max(10, round(SARS_PER_YEAR * scale * ratio))
    packages = max(1, round(PACKAGES_PER_YEAR * scale * ratio * rng.uniform(0.7, 1.3)))
    if force == WILTSHIRE:
        packages = max(1, round(PACKAGES_PER_YEAR * scale))
    arrests = max(10, round(ARRESTS_PER_YEAR * scale * ratio))
    share = CHECKED_PER_YEAR / ARRESTS_PER_YEAR if force == WILTSHIRE else rng.uniform(0.15, 0.7)
    checked = round(arrests * share)
    plan = ForcePlan(force)
    start = today - dt.timedelta(days=364)
    slug = force.lower().replace(" ", "-")[:12]
    for n in range(sars):
        received = start + dt.timedelta(days=rng.randint(0, 364))
        recent = (today - received).days < 14
        status = (
            "awaiting"
            if recent and rng.random() < 0.7
            else _weighted(rng, (("no_further_action", 88), ("intelligence", 12)))
        )
        triaged = (
            None
            if status == "awaiting"
            else min(today, received + dt.timedelta(days=rng.randint(0, 10)))
        )
        plan.sars.append(
            (f"DEMO-{slug}-{n:05d}", received, _weighted(rng, SECTORS), status, triaged)
        )
    eligible = [s for s in plan.sars if s[3] == "intelligence"] or plan.sars[:3]
    for n in range(packages):
        picks = rng.sample(eligible, k=min(len(eligible), rng.randint(1, 3)))
        eligible = [s for s in eligible if s not in picks]
        if not picks:
            break
        produced = min(today, max(s[1] for s in picks) + dt.timedelta(days=rng.randint(3, 30)))
        plan.packages.append(
            (
                produced,
                [s[0] for s in picks],
                f"Financial intelligence package {n + 1}: linked deposits and "
                "transfers for a financial investigator.",
            )
        )
    checked_rows = set(rng.sample(range(arrests), k=checked))
    for n in range(arrests):
        arrested = start + dt.timedelta(days=rng.randint(0, 364))
        if n in checked_rows:
            result = _weighted(
                rng, (("requested", 10), ("no_trace", 70), ("convictions", 15), ("no_response", 5))
            )
            requested = min(today, arrested + dt.timedelta(days=rng.randint(0, 3)))
            answered = (
                None
                if result == "requested"
                else min(today, requested + dt.timedelta(days=rng.randint(2, 40)))
            )
        else:
            result, requested, answered = "not_requested", None, None
        plan.arrests.append(
            (
                f"DEMO/{slug}/{n:05d}",
                arrested,
                rng.choice(NATIONALITIES),
                result,
                requested,
                answered,
            )
        )
    return plan


def _populations() -> dict[str, int]:
    latest: dict[str, tuple[int, int]] = {}
    for name, year, population in PopulationFigure.objects.values_list(
        "force__name", "year", "population"
    ):
        if name not in latest or year > latest[name][0]:
            latest[name] = (year, population)
    return {name: population for name, (_year, population) in latest.items()}


def intel_plan_for(context: DemoContext) -> IntelPlan:
    from socmap.threats.demo import staff_for, threats_plan_for

    forces = [f.name for f in context.forces]
    return plan_intel(
        seed=context.seed,
        people=people_plan_for(context, forces),
        threats=threats_plan_for(context),
        staff=staff_for(list(context.forces)),
        populations=_populations(),
        today=timezone.localdate(),
        scale=context.scale,
        legacy_until=services.legacy_until(),
    )


# --------------------------------------------------------------------------- applying


def _check_process(plan: ForcePlan, today: dt.date) -> None:
    """The rules the SAR and ACRO services apply, checked on the planned rows."""
    problems = []
    for reference, received, _sector, status, triaged in plan.sars:
        if received > today or (triaged and not received <= triaged <= today):
            problems.append(f"SAR {reference} dates")
        if (status == "awaiting") != (triaged is None):
            problems.append(f"SAR {reference} triage")
    for reference, arrested, nationality, result, requested, answered in plan.arrests:
        if nationality.casefold() in services.BRITISH or arrested > today:
            problems.append(f"arrest {reference}")
        if (result in CHECKED) != (requested is not None) or (answered and answered < requested):
            problems.append(f"arrest {reference} check")
    if problems:
        raise ValueError(f"Demo process records break the rules: {', '.join(problems[:5])}")


@demo_step(61, "Intelligence, trigger reports, SARs and ACRO checks")
def create_demo_intel(context: DemoContext) -> str:
    from socmap.people.demo import demo_nominals
    from socmap.threats.demo import threats_plan_for

    plan = intel_plan_for(context)
    today = timezone.localdate()
    forces = {
        o.name: o for o in Organisation.objects.filter(name__in=[f.name for f in context.forces])
    }
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    people = demo_nominals(context.forces)
    names = {t.key: t.name for t in threats_plan_for(context).threats}
    from socmap.threats.models import CrimeType, Threat

    threats = {t.name: t for t in Threat.objects.filter(name__in=set(names.values()))}
    crime_types = {c.code: c for c in CrimeType.objects.all()}
    counts = dict.fromkeys(
        ("clearances", "reports", "copies", "shares", "triggers", "sars", "packages", "arrests"), 0
    )
    with transaction.atomic():
        for username, level, admin, vetting in plan.clearances:
            user = users.get(username)
            if (
                user is None
                or IntelClearance.objects.filter(user=user, revoked_at__isnull=True).exists()
            ):
                continue
            services.grant_clearance(
                actor=users.get(admin),
                user=user,
                level=level,
                vetting=vetting,
                expires_on=today + dt.timedelta(days=730),
                reason="Intelligence role (demo)",
            )
            counts["clearances"] += 1
        done = set(
            IntelligenceReport.objects.filter(source=DEMO_SOURCE).values_list(
                "owner__name", flat=True
            )
        )
        for item in plan.reports:
            if item.force in done:
                continue
            owner = forces[item.force]
            system, source, intelligence, handling = item.grading
            report = services.record_report(
                actor=None,
                owner=owner,
                reported_on=item.reported_on,
                text=item.text,
                source_type=item.source_type,
                grading_system=system,
                source_evaluation=source,
                intelligence_assessment=intelligence,
                handling_code=handling,
                handling_conditions=item.conditions,
                classification=item.classification,
                nominals=[people[k] for k in item.people if k in people],
                threats=[threats[names[item.threat]]] if names.get(item.threat) in threats else [],
                source_name=DEMO_SOURCE,
            )
            counts["reports"] += 1
            if not item.sanitised:
                continue
            copy = services.sanitise_report(actor=None, report=report, text=item.sanitised)
            counts["copies"] += 1
            partner = Organisation.objects.filter(
                kind=OrganisationKind.PARTNER, home_force=owner, sector="local_authority"
            ).first()
            sharer = _analyst(owner)
            allowed, _why = rules.may_share_with_partner(report.grading)
            if item.share_with_partner and partner and sharer and allowed:
                services.share_copy(actor=sharer, copy=copy, organisation=partner)
                counts["shares"] += 1
        if not TriggerReport.objects.filter(submitted_by_organisation__in=forces.values()).exists():
            for item in plan.triggers:
                sender = users.get(item.sender)
                if sender is None:
                    continue
                trigger = services.submit_trigger_report(
                    actor=sender,
                    title=item.title,
                    summary=item.summary,
                    suggested_kind=item.kind,
                    crime_type=crime_types.get(item.crime_type),
                )
                counts["triggers"] += 1
                _decide(trigger, item, threats, names)
        for force_plan in plan.forces:
            owner = forces[force_plan.force]
            if SuspiciousActivityReport.objects.filter(owner=owner, source=DEMO_SOURCE).exists():
                continue
            _check_process(force_plan, today)
            made = _bulk_process(owner, force_plan)
            for key, value in made.items():
                counts[key] += value
        if any(counts.values()):
            record_event(
                actor=None,
                action="demo.intel_generated",
                target_type="intel.intelligencereport",
                target_repr=f"{counts['reports']} synthetic demo reports",
                changes={**counts, "seed": context.seed, "scale": context.scale},
            )
    return (
        f"{counts['clearances']} clearances, {counts['reports']} intelligence reports "
        f"({counts['copies']} sanitised copies, {counts['shares']} shared with partners), "
        f"{counts['triggers']} trigger reports, {counts['sars']} SARs and "
        f"{counts['packages']} intelligence packages, {counts['arrests']} arrests of foreign "
        "nationals"
    )


def _analyst(owner: Organisation):
    return (
        User.objects.filter(organisation=owner, roles__code="analyst", is_active=True)
        .order_by("username")
        .first()
    )


def _decide(trigger: TriggerReport, item: TriggerPlan, threats, names) -> None:
    assessor = _analyst(trigger.owner)
    if assessor is None or item.outcome == "received":
        return
    if item.outcome == "declined":
        services.decline_trigger_report(
            actor=assessor, trigger=trigger, reason="insufficient", note=item.note
        )
    elif item.outcome == "existing":
        candidates = [
            t
            for t in threats.values()
            if t.owner_id in (trigger.owner_id, trigger.submitted_by_organisation_id)
            and t.status in ("active", "under_assessment")
        ]
        if candidates:
            services.accept_trigger_into_threat(
                actor=assessor,
                trigger=trigger,
                threat=sorted(candidates, key=lambda t: t.pk)[0],
                note="Adds to what we hold on this group.",
            )
    elif item.outcome == "new" and trigger.suggested_kind == "ocg" and trigger.crime_type:
        services.accept_trigger_as_new_threat(
            actor=assessor, trigger=trigger, note="Mapped for assessment at the next ROCTA meeting."
        )


def _bulk_process(owner: Organisation, plan: ForcePlan) -> dict[str, int]:
    sars = SuspiciousActivityReport.objects.bulk_create(
        [
            SuspiciousActivityReport(
                owner=owner,
                reference=reference,
                received_on=received,
                reporter_sector=sector,
                status=status,
                triaged_on=triaged,
                source=DEMO_SOURCE,
                amount=None,
            )
            for reference, received, sector, status, triaged in plan.sars
        ],
        batch_size=1000,
    )
    by_reference = {s.reference: s for s in SuspiciousActivityReport.objects.filter(owner=owner)}
    packages = 0
    for produced, references, summary in plan.packages:
        package = IntelligencePackage.objects.create(
            owner=owner,
            produced_on=produced,
            summary=summary,
            forwarded_to="Financial investigator",
        )
        SuspiciousActivityReport.objects.filter(
            pk__in=[by_reference[r].pk for r in references]
        ).update(status=SarStatus.PACKAGE, package=package)
        for reference in references:
            sar = by_reference[reference]
            if sar.triaged_on is None:
                SuspiciousActivityReport.objects.filter(pk=sar.pk).update(triaged_on=produced)
        packages += 1
    arrests = ForeignNationalArrest.objects.bulk_create(
        [
            ForeignNationalArrest(
                owner=owner,
                custody_reference=reference,
                arrested_on=arrested,
                nationality=nationality,
                acro_result=result or AcroResult.NOT_REQUESTED,
                requested_on=requested,
                answered_on=answered,
                source=DEMO_SOURCE,
            )
            for reference, arrested, nationality, result, requested, answered in plan.arrests
        ],
        batch_size=1000,
    )
    return {"sars": len(sars), "packages": packages, "arrests": len(arrests)}
