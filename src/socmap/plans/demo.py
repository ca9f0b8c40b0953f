"""Demo 4P plans: plans for most active demo threats, with objectives and actions under the
four Ps owned by officers and partner agencies (Wiltshire Council among them), partners
involved, GAIN referrals, the LRO's reviews (some overdue) and a few tasking proposals and
decisions.

The plan (:func:`plan_fourp`) is plain data decided by the seed, the reference date and plain
facts about the threats and staff: no database, so tests compare plans. Some gaps are left
on purpose, because inspectors look for them: active threats with no plan, plans with no
action under one or more Ps, reviews and actions overdue.

:func:`create_demo_plans` applies it through the services (``create_plan``, ``add_action``,
``record_review(held_on=...)``, ``refer_to_gain``, ``propose``, ``decide``...), one
transaction, skipping threats that already have a plan. The services stamp "now"; the step
then moves plans' start dates and actions' creation and due dates back to the planned days
with ``QuerySet.update()`` on the rows it has just created (reviews are dated by the service
itself; audit events keep the real time they were written).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from socmap.demo import DemoContext, demo_step
from socmap.fourp import FourP
from socmap.orgs.models import Organisation, OrganisationKind, Role, User
from socmap.orgs.scoping import can_see
from socmap.people.demo import derived_seed
from socmap.plans import rules, services
from socmap.plans.models import Action, Plan, Proposal
from socmap.plans.rules import ActionStatus, GainAnswer, Outcome, ProposalKind
from socmap.threats.models import Status, Threat

OBJECTIVES = {
    FourP.PURSUE: (
        "Dismantle the group: charge the principal and core members.",
        "Take the profit out: restrain and confiscate criminal assets.",
        "Close the supply line into {area}.",
    ),
    FourP.PREVENT: (
        "Stop young people in {area} being drawn into the group.",
        "Deter members from re-offending on release with ancillary orders.",
    ),
    FourP.PROTECT: (
        "Safeguard the vulnerable people the group exploits.",
        "Make {area} businesses and addresses harder to use.",
    ),
    FourP.PREPARE: (
        "Reduce the harm to the {area} community, with partners.",
        "Keep the community informed and ready to report.",
    ),
}
# (description, owner: "officer" or a partner sector code)
ACTIONS = {
    FourP.PURSUE: (
        ("Warrant and search at a linked address in {area}", "officer"),
        ("Financial investigation into the principal's assets", "officer"),
        ("Attribution of the deal line and handsets", "officer"),
        ("Roads policing operation on the supply route", "officer"),
        ("Tax enquiry into the businesses the group uses", "hmrc"),
    ),
    FourP.PREVENT: (
        ("Diversion referrals for young people on the periphery", "local_authority"),
        ("School and college inputs on exploitation in {area}", "officer"),
        ("Serious Crime Prevention Order applications at conviction", "officer"),
        ("Licence conditions for members on release", "probation"),
    ),
    FourP.PROTECT: (
        ("Safeguarding visits to addresses at risk of cuckooing", "officer"),
        ("Closure order on the address used to deal", "local_authority"),
        ("Tenancy enforcement on linked properties", "housing"),
        ("Health outreach to people using the line", "health"),
        ("Labour exploitation checks at linked premises", "regulator"),
    ),
    FourP.PREPARE: (
        ("Community impact assessment with the {area} neighbourhood team", "officer"),
        ("Brief the Community Safety Partnership", "local_authority"),
        ("Awareness sessions for landlords and letting agents in {area}", "local_authority"),
        ("Reassurance patrols and engagement in {area}", "officer"),
    ),
}
OUTCOMES = (
    "Completed: results recorded as a disruption.",
    "Completed; two addresses secured.",
    "Done: referrals made and followed up.",
    "Completed with partners; no further action needed.",
)
LOOK_FOR = {
    "county-lines": "Young people from outside {area} at stations and bus stops; new visitors "
    "at the homes of vulnerable adults; cars dropping off at all hours.",
    "drugs": "Short visits to addresses and parked cars in {area}; cash-rich young men; "
    "signs of cannabis cultivation (smell, covered windows, high electricity use).",
    "msht": "Workers moved in groups to car washes and nail bars in {area}; people who "
    "seem controlled or without documents.",
    "acquisitive": "Vans touring industrial estates and farms around {area}; catalytic "
    "converters and tools offered for sale cheaply.",
}
GAIN_REQUESTS = {
    "hmrc": "Declared income and businesses of the principal and core members",
    "benefits": "Benefit entitlement and declared addresses of core members",
    "immigration": "Immigration status of workers at linked premises",
    "local_authority": "Licensing, council tax and tenancy records for linked addresses",
    "housing": "Tenancy records and complaints for linked properties",
}
REVIEW_NOTES = {
    "on_track": (
        "Pursue progressing; partners engaged; no change to the objectives.",
        "Good progress under all Ps; next steps agreed with partners.",
    ),
    "concerns": (
        "Prevent and Protect actions slipping; chase partners before the next review.",
        "Intelligence gap on the supply route; Pursue actions re-prioritised.",
    ),
    "off_track": ("Key actions overdue and the LRO's workload too high; raise at tasking.",),
}


@dataclass(frozen=True)
class ThreatFacts:
    """What the planner needs to know about an active threat, as plain data."""

    pk: int
    owner: str
    home_force: str  # the force whose partners work with it ("" for none)
    crime_type: str
    area: str
    lro: str
    sro: str
    manager: str  # who starts and keeps the plan (the LRO, else a supervisor); "" for none
    adopted_on: dt.date


@dataclass(frozen=True)
class StaffFacts:
    officers: dict[str, tuple[str, ...]]  # owner -> usernames who may own actions
    partners: dict[str, dict[str, str]]  # force -> sector -> partner name
    national_partners: dict[str, str]  # sector -> partner name


@dataclass
class ActionPlan:
    category: str
    description: str
    owner_user: str = ""
    owner_organisation: str = ""
    created_on: dt.date | None = None
    due_on: dt.date | None = None
    status: str = ActionStatus.NOT_STARTED
    outcome: str = ""


@dataclass
class PlanPlan:
    threat: int
    manager: str
    started_on: dt.date
    interval: int | None
    look_for: str
    objectives: list[tuple[str, str]] = field(default_factory=list)
    actions: list[ActionPlan] = field(default_factory=list)
    partners: list[tuple[str, str]] = field(default_factory=list)
    referrals: list[tuple[str, str, dt.date, str, dt.date | None]] = field(default_factory=list)
    reviews: list[tuple[dt.date, str, str]] = field(default_factory=list)


@dataclass
class FourPPlan:
    plans: list[PlanPlan] = field(default_factory=list)
    unplanned: list[int] = field(default_factory=list)


def _partner(sector: str, facts: ThreatFacts, staff: StaffFacts) -> str:
    local = staff.partners.get(facts.home_force, {})
    return local.get(sector) or staff.national_partners.get(sector, "")


def plan_fourp(
    *, seed: int, threats: list[ThreatFacts], staff: StaffFacts, today: dt.date
) -> FourPPlan:
    """Everything the plans step will create, as plain data decided by its arguments."""
    rng = random.Random(derived_seed(seed, "4p-plans"))
    result = FourPPlan()
    for facts in sorted(threats, key=lambda t: t.pk):
        if not facts.manager or rng.random() < 0.12:
            result.unplanned.append(facts.pk)
            continue
        area = facts.area or "the area"
        earliest = max(facts.adopted_on, today - dt.timedelta(days=540))
        span = max(0, (today - dt.timedelta(days=5) - earliest).days)
        started = earliest + dt.timedelta(days=rng.randint(0, span)) if span else earliest
        interval = rng.choice((None, None, None, None, 28, 60))
        plan = PlanPlan(
            threat=facts.pk,
            manager=facts.manager,
            started_on=min(started, today),
            interval=interval,
            look_for=LOOK_FOR.get(facts.crime_type, "").format(area=area),
        )
        # Gaps on purpose: about a quarter of plans leave out one or two Ps.
        ps = list(FourP.values)
        if rng.random() < 0.27:
            for dropped in rng.sample([FourP.PROTECT, FourP.PREPARE, FourP.PREVENT],
                                      rng.choice((1, 1, 2))):  # fmt: skip
                ps.remove(dropped)
        for p in ps:
            plan.objectives.append((p, rng.choice(OBJECTIVES[p]).format(area=area)))
            for template, kind in rng.sample(ACTIONS[p], rng.randint(1, min(3, len(ACTIONS[p])))):
                action = ActionPlan(category=p, description=template.format(area=area))
                if kind == "officer":
                    pool = staff.officers.get(facts.owner) or (facts.manager,)
                    action.owner_user = rng.choice(pool)
                else:
                    action.owner_organisation = _partner(kind, facts, staff)
                    if not action.owner_organisation:
                        action.owner_user = facts.manager
                days_in = max(0, (today - plan.started_on).days)
                action.created_on = plan.started_on + dt.timedelta(days=rng.randint(0, days_in))
                action.due_on = action.created_on + dt.timedelta(days=rng.randint(21, 180))
                roll = rng.random()
                if action.due_on < today and roll < 0.6:
                    action.status, action.outcome = ActionStatus.COMPLETED, rng.choice(OUTCOMES)
                elif roll < 0.05:
                    action.status, action.outcome = (
                        ActionStatus.CANCELLED, "No longer needed after arrests.",
                    )  # fmt: skip
                elif action.created_on < today - dt.timedelta(days=14) and roll < 0.7:
                    action.status = ActionStatus.IN_PROGRESS
                plan.actions.append(action)
        involved = sorted({a.owner_organisation for a in plan.actions if a.owner_organisation})
        plan.partners = [(name, "Carries actions in the plan") for name in involved]
        council = _partner("local_authority", facts, staff)
        if council and council not in involved and rng.random() < 0.5:
            plan.partners.append((council, "Community safety partnership"))
        for sector in rng.sample(sorted(GAIN_REQUESTS), rng.choice((0, 0, 1, 1, 2))):
            partner = _partner(sector, facts, staff)
            if not partner:
                continue
            days_in = max(0, (today - plan.started_on).days)
            referred = plan.started_on + dt.timedelta(days=rng.randint(0, days_in))
            answer = rng.choice((GainAnswer.HIT, GainAnswer.NO_HIT, GainAnswer.AWAITING))
            answered = None
            if answer != GainAnswer.AWAITING:
                answered = min(today, referred + dt.timedelta(days=rng.randint(3, 40)))
            plan.referrals.append((partner, GAIN_REQUESTS[sector], referred, answer, answered))
        # Reviews every interval or so; about a fifth of plans have let theirs lapse.
        every = interval or rules.DEFAULT_REVIEW_DAYS
        lapsed = rng.random() < 0.22
        day = plan.started_on + dt.timedelta(days=every + rng.randint(-10, 5))
        while day <= today:
            if lapsed and day + dt.timedelta(days=every) > today - dt.timedelta(days=15):
                break
            progress = rng.choice(("on_track", "on_track", "concerns", "concerns", "off_track"))
            plan.reviews.append((day, progress, rng.choice(REVIEW_NOTES[progress])))
            day += dt.timedelta(days=every + rng.randint(-10, 3))
        result.plans.append(plan)
    return result


# --------------------------------------------------------------------------- applying


def _manager(threat: Threat, users: dict[int, User], chairs: dict[int, list[User]]) -> str:
    candidates = (users.get(threat.lro_id), users.get(threat.sro_id), *chairs[threat.owner_id])
    for candidate in candidates:
        if (
            candidate is not None
            and candidate.is_active
            and can_see(candidate, threat)
            and services.capacity(candidate, threat)
        ):
            return candidate.username
    return ""


def facts_for(threats: list[Threat]) -> tuple[list[ThreatFacts], StaffFacts]:
    """Plain facts about active threats and the staff, read from the database."""
    ids = {t.lro_id for t in threats} | {t.sro_id for t in threats}
    users = {u.pk: u for u in User.objects.filter(pk__in=[i for i in ids if i])}
    chairs: dict[int, list[User]] = defaultdict(list)
    for chair in User.objects.filter(roles__code=Role.TASKING_CHAIR, is_active=True).order_by(
        "username"
    ):
        chairs[chair.organisation_id].append(chair)
    facts = []
    for threat in threats:
        areas = sorted(a.name for a in threat.local_areas.all())
        forces = sorted(f.name for f in threat.forces.all())
        home = threat.owner.name if threat.owner.kind == OrganisationKind.FORCE else (
            forces[0] if forces else ""
        )  # fmt: skip
        facts.append(
            ThreatFacts(
                pk=threat.pk,
                owner=threat.owner.name,
                home_force=home,
                crime_type=threat.predominant_crime_type_id,
                area=areas[0] if areas else "",
                lro=users[threat.lro_id].username if threat.lro_id else "",
                sro=users[threat.sro_id].username if threat.sro_id else "",
                manager=_manager(threat, users, chairs),
                adopted_on=timezone.localdate(threat.adopted_at or threat.created_at),
            )
        )
    officers: dict[str, list[str]] = defaultdict(list)
    for name, username in (
        User.objects.filter(
            is_active=True, roles__code__in=[Role.LRO, Role.ANALYST], organisation__isnull=False
        )
        .exclude(organisation__kind=OrganisationKind.PARTNER)
        .values_list("organisation__name", "username")
        .order_by("username")
        .distinct()
    ):
        officers[name].append(username)
    partners: dict[str, dict[str, str]] = defaultdict(dict)
    national: dict[str, str] = {}
    for org in Organisation.objects.filter(kind=OrganisationKind.PARTNER, is_active=True).order_by(
        "name"
    ).select_related("home_force"):  # fmt: skip
        if org.home_force_id:
            partners[org.home_force.name].setdefault(org.sector, org.name)
        else:
            national.setdefault(org.sector, org.name)
    return facts, StaffFacts(
        officers={k: tuple(v) for k, v in officers.items()},
        partners=dict(partners),
        national_partners=national,
    )


@demo_step(35, "4P plans, actions, reviews and tasking")
def create_demo_plans(context: DemoContext) -> str:
    today = timezone.localdate()
    counts = defaultdict(int)
    with transaction.atomic():
        threats = list(
            Threat.objects.filter(status=Status.ACTIVE, owner__in=_owners(context))
            .select_related("owner")
            .prefetch_related("local_areas", "forces")
            .order_by("pk")
        )
        users = {u.username: u for u in User.objects.all()}
        unplanned = 0
        if Plan.objects.filter(threat__owner__in=_owners(context)).exists():
            counts["already"] = 1  # a second run: the plans were made the first time
        else:
            facts, staff = facts_for(threats)
            planned = plan_fourp(seed=context.seed, threats=facts, staff=staff, today=today)
            by_pk = {t.pk: t for t in threats}
            orgs = {o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.PARTNER)}
            for spec in planned.plans:
                _apply(spec, by_pk[spec.threat], users, orgs, today, counts)
            unplanned = len(planned.unplanned)
        counts["proposals"], counts["decisions"] = _tasking(context, users, today)
    if counts["already"] and not counts["proposals"]:
        return "4P plans and tasking proposals already there"
    return (
        f"{counts['plans']} plans ({unplanned} active threats left without one), "
        f"{counts['actions']} actions, {counts['reviews']} reviews, "
        f"{counts['referrals']} GAIN referrals, {counts['proposals']} tasking proposals, "
        f"{counts['decisions']} decisions"
    )


def _owners(context: DemoContext) -> list[Organisation]:
    forces = list(context.forces)
    rocus = Organisation.objects.filter(
        kind=OrganisationKind.ROCU, region__in=[f.region_id for f in forces]
    )
    return [*forces, *rocus, *Organisation.objects.filter(short_name="NCA")]


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _apply(spec: PlanPlan, threat: Threat, users, orgs, today: dt.date, counts) -> None:
    manager = users[spec.manager]
    plan = services.create_plan(
        actor=manager, threat=threat, review_interval_days=spec.interval, look_for=spec.look_for
    )
    Plan.objects.filter(pk=plan.pk).update(created_at=_at(spec.started_on))
    plan.created_at = _at(spec.started_on)
    counts["plans"] += 1
    objectives = {}
    for category, text in spec.objectives:
        objectives[category] = services.add_objective(
            actor=manager, plan=plan, category=category, description=text
        )
    for name, contribution in spec.partners:
        services.add_partner(
            actor=manager, plan=plan, organisation=orgs[name], contribution=contribution
        )
    for item in spec.actions:
        action = services.add_action(
            actor=manager,
            plan=plan,
            category=item.category,
            description=item.description,
            due_on=max(item.due_on, today),
            owner_user=users.get(item.owner_user) if item.owner_user else None,
            owner_organisation=orgs.get(item.owner_organisation),
            objective=objectives.get(item.category),
        )
        if item.status != ActionStatus.NOT_STARTED:
            services.update_action(
                actor=manager, action=action, status=item.status, outcome=item.outcome
            )
        Action.objects.filter(pk=action.pk).update(
            created_at=_at(item.created_on),
            due_on=item.due_on,
            closed_at=_at(min(today, item.due_on)) if item.outcome else None,
        )
        counts["actions"] += 1
    for name, request, referred, answer, answered in spec.referrals:
        referral = services.refer_to_gain(
            actor=manager, plan=plan, partner=orgs[name], request=request, referred_on=referred
        )
        if answer != GainAnswer.AWAITING:
            services.answer_referral(
                actor=manager, referral=referral, answer=answer, answered_on=answered
            )
        counts["referrals"] += 1
    reviewer = users[spec.manager]
    for day, progress, summary in spec.reviews:
        services.record_review(
            actor=reviewer, plan=plan, progress=progress, summary=summary, held_on=day
        )
        counts["reviews"] += 1
    if not spec.reviews:
        Plan.objects.filter(pk=plan.pk).update(
            next_review_due=spec.started_on + dt.timedelta(days=services.interval_for(plan))
        )


# --------------------------------------------------------------------------- tasking


def _tasking(context: DemoContext, users: dict[str, User], today: dt.date) -> tuple[int, int]:
    """A few proposals at each persona force's and its ROCU's tasking meeting, some decided."""
    rng = random.Random(derived_seed(context.seed, "tasking"))
    proposals = decisions = 0
    boards = list(context.forces[:2]) + list(
        Organisation.objects.filter(kind=OrganisationKind.ROCU, region=context.forces[0].region)
    )
    limit = services.lro_threat_limit()
    for board in boards:
        if Proposal.objects.filter(board=board).exists():
            continue
        chair = (
            User.objects.filter(organisation=board, roles__code=Role.TASKING_CHAIR, is_active=True)
            .order_by("username")
            .first()
        )
        proposer = (
            User.objects.filter(organisation=board, roles__code=Role.ANALYST, is_active=True)
            .order_by("username")
            .first()
        )
        if chair is None or proposer is None:
            continue
        from socmap.plans.selectors import board_threats, lro_workload

        waiting = [t for t in board_threats(proposer, board, statuses=(Status.UNDER_ASSESSMENT,))
                   if t.current_band]  # fmt: skip
        active = list(board_threats(proposer, board))
        lros = list(
            User.objects.filter(organisation=board, roles__code=Role.LRO, is_active=True).order_by(
                "username"
            )
        )
        load = {w.lro.pk: w.threats for w in lro_workload(proposer)}
        wanted: list[dict] = []
        for threat in waiting[:2]:
            wanted.append({"threat": threat, "kind": ProposalKind.ADOPT,
                           "reason": f"Assessed at band {threat.current_band}: adopt and "
                                     "appoint an LRO."})  # fmt: skip
        stretched = [t for t in active if t.lro_id and load.get(t.lro_id, 0) > limit]
        calm = sorted(lros, key=lambda u: load.get(u.pk, 0))
        if stretched and calm:
            threat = rng.choice(stretched)
            if calm[0].pk != threat.lro_id:
                wanted.append(
                    {
                        "threat": threat,
                        "kind": ProposalKind.CHANGE_LRO,
                        "lro": calm[0],
                        "reason": "The current LRO leads more threats than the limit.",
                    }
                )
        unled = [t for t in active if not t.lro_id]
        if unled and calm:
            wanted.append({"threat": unled[0], "kind": ProposalKind.CHANGE_LRO, "lro": calm[0],
                           "reason": "No LRO: every active threat needs one."})  # fmt: skip
        low = [t for t in active if t.current_band_rank and t.current_band_rank >= 6]
        if low:
            wanted.append({"threat": rng.choice(low), "kind": ProposalKind.ARCHIVE,
                           "archive_reason": "no_intelligence",
                           "reason": "No new intelligence for months; low band."})  # fmt: skip
        if board.kind == OrganisationKind.FORCE:
            regional = [t for t in active if t.owner_id == board.pk and t.current_band_rank == 0]
            if regional:
                wanted.append(
                    {
                        "threat": regional[0],
                        "kind": ProposalKind.CHANGE_TIER,
                        "tier": "regional",
                        "reason": "Reach across the region.",
                    }
                )
        outcomes = [Outcome.AGREED, Outcome.DEFERRED, None, Outcome.REJECTED, None]
        taken = set(Proposal.objects.values_list("threat_id", "kind"))
        wanted = [w for w in wanted if (w["threat"].pk, w["kind"]) not in taken]
        for number, fields in enumerate(wanted):
            proposal = services.propose(actor=proposer, board=board, **fields)
            Proposal.objects.filter(pk=proposal.pk).update(
                proposed_at=_at(today - dt.timedelta(days=rng.randint(3, 20)))
            )
            proposals += 1
            outcome = outcomes[number % len(outcomes)]
            if outcome is not None:
                services.decide(
                    actor=chair,
                    proposal=proposal,
                    outcome=outcome,
                    reason={
                        Outcome.AGREED: "Agreed at the tasking and co-ordination meeting.",
                        Outcome.DEFERRED: "Deferred: more intelligence needed first.",
                        Outcome.REJECTED: "Not agreed: keep as it is for now.",
                    }[outcome],
                )
                decisions += 1
    return proposals, decisions
