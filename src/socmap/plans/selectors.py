"""Reads of 4P plans, always scoped to what the user may see (``None`` is the system operator
at the command line, who sees everything, as in threats.selectors)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from socmap.fourp import MEANING, FourP
from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, Role, User
from socmap.orgs.scoping import get_visible_or_404, visible_to
from socmap.plans import rules, services
from socmap.plans.models import (
    Action,
    Decision,
    GainReferral,
    Plan,
    Proposal,
    Review,
)
from socmap.threats.models import Status, Threat
from socmap.threats.selectors import prioritised_threats, threats_visible_to

PLAN_SORTS = {
    "review": ("next_review_due", "threat__name"),
    "band": ("threat__current_band_rank", "-threat__current_score", "threat__name"),
    "name": ("threat__name",),
    "owner": ("threat__owner__name", "threat__name"),
    "lro": ("threat__lro__last_name", "threat__name"),
}
ACTION_SORTS = {
    "due": ("due_on", "id"),
    "threat": ("plan__threat__name", "due_on"),
    "category": ("category", "due_on"),
    "status": ("status", "due_on"),
    "owner": ("owner_user__last_name", "owner_organisation__name", "due_on"),
}
GAP_KINDS = {
    "no_lro": "No LRO",
    "no_plan": "No 4P plan",
    "missing_p": "No action under a P",
    "review_overdue": "Review overdue",
    "actions_overdue": "Actions overdue",
    "lro_over_limit": "LRO over the limit",
}


def _scoped(user, queryset: QuerySet) -> QuerySet:
    return queryset if user is None else visible_to(user, queryset)


def _order(queryset: QuerySet, sorts: dict, sort: str, default: str) -> tuple[QuerySet, str]:
    key = sort if sort.lstrip("-") in sorts else default
    order = sorts[key.lstrip("-")]
    if key.startswith("-"):
        order = tuple(o[1:] if o.startswith("-") else f"-{o}" for o in order)
    expressions = [
        F(o[1:]).desc(nulls_last=True) if o.startswith("-") else F(o).asc(nulls_last=True)
        for o in order
    ]
    return queryset.order_by(*expressions, "pk"), key


def _covering(category: str) -> Count:
    return Count(
        "actions",
        filter=Q(actions__category=category, actions__status__in=rules.COVERING_STATUSES),
        distinct=True,
    )


def with_counts(queryset: QuerySet[Plan], today: dt.date | None = None) -> QuerySet[Plan]:
    """Plans annotated with covering actions per P, open and overdue actions."""
    today = today or timezone.localdate()
    return queryset.annotate(
        **{f"{p}_actions": _covering(p) for p in FourP.values},
        open_actions=Count(
            "actions", filter=Q(actions__status__in=rules.OPEN_STATUSES), distinct=True
        ),
        overdue_actions=Count(
            "actions",
            filter=Q(actions__status__in=rules.OPEN_STATUSES, actions__due_on__lt=today),
            distinct=True,
        ),
    )


def uncovered_of(plan: Plan) -> list[str]:
    """The Ps with no (uncancelled) action, from an annotated plan."""
    return [p for p in FourP.values if not getattr(plan, f"{p}_actions", 0)]


def plans_visible_to(user) -> QuerySet[Plan]:
    return _scoped(
        user,
        Plan.objects.select_related(
            "threat",
            "threat__owner",
            "threat__lro",
            "threat__sro",
            "threat__predominant_crime_type",
        ),
    )


def plan_list(
    user,
    *,
    owner: str = "",
    lro: str = "",
    gap: str = "",
    review_overdue: bool = False,
    status: str = Status.ACTIVE,
    search: str = "",
    sort: str = "review",
    today: dt.date | None = None,
) -> tuple[QuerySet[Plan], str]:
    today = today or timezone.localdate()
    qs = with_counts(plans_visible_to(user), today)
    if status:
        qs = qs.filter(threat__status=status)
    if owner:
        qs = qs.filter(threat__owner__slug=owner)
    if lro:
        qs = qs.filter(threat__lro__username__iexact=lro)
    if gap in FourP.values:
        qs = qs.filter(**{f"{gap}_actions": 0})
    elif gap == "any":
        qs = qs.filter(_any_uncovered())
    if review_overdue:
        qs = qs.filter(next_review_due__lt=today)
    if search:
        qs = qs.filter(Q(threat__name__icontains=search) | Q(look_for__icontains=search))
    return _order(qs, PLAN_SORTS, sort, "review")


def _any_uncovered() -> Q:
    condition = Q()
    for p in FourP.values:
        condition |= Q(**{f"{p}_actions": 0})
    return condition


def plan_detail(user, pk: int) -> Plan:
    return get_visible_or_404(user, plans_visible_to(user), pk=pk)


def plan_for_threat(user, threat: Threat) -> Plan | None:
    return plans_visible_to(user).filter(threat=threat).first()


@dataclass
class PlanView:
    """What one user may see of a plan: the whole plan for its owner's scope (and the LRO's
    organisation), or only the parts shared with a partner."""

    plan: Plan
    full: bool
    objectives: list
    actions: list
    partners: list
    referrals: list
    reviews: list
    by_p: list[dict] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)


def plan_view(user, plan: Plan, today: dt.date | None = None) -> PlanView:
    today = today or timezone.localdate()
    actions = list(
        _scoped(
            user,
            plan.actions.select_related("owner_user", "owner_organisation", "objective"),
        ).order_by("category", "due_on", "id")
    )
    for action in actions:
        action.is_overdue = rules.is_action_overdue(action.status, action.due_on, today)
    reviews = list(_scoped(user, plan.reviews.select_related("reviewed_by")))
    referrals = list(_scoped(user, plan.referrals.select_related("partner", "referred_by")))
    objectives = list(plan.objectives.all())
    threat = plan.threat
    full = (
        user is None
        or threats_visible_to(user).filter(pk=threat.pk).exists()
        or (threat.lro_id is not None and threat.lro.organisation_id == user.organisation_id)
    )
    every_action = list(plan.actions.values_list("category", "status"))
    covered = [c for c, s in every_action if s in rules.COVERING_STATUSES]
    by_p = []
    for code, label in FourP.choices:
        by_p.append(
            {
                "code": code,
                "label": label,
                "meaning": MEANING[code],
                "objectives": [o for o in objectives if o.category == code],
                "actions": [a for a in actions if a.category == code],
                "covered": code in covered,
            }
        )
    return PlanView(
        plan=plan,
        full=full,
        objectives=objectives,
        actions=actions,
        partners=list(
            plan.partners.select_related("organisation", "added_by").order_by(
                "removed_at", "organisation__name"
            )
        ),
        referrals=referrals,
        reviews=reviews,
        by_p=by_p,
        uncovered=rules.uncovered(covered),
    )


# --------------------------------------------------------------------------- actions


def actions_visible_to(user) -> QuerySet[Action]:
    return _scoped(
        user,
        Action.objects.select_related(
            "plan",
            "plan__threat",
            "plan__threat__owner",
            "plan__threat__lro",
            "owner_user",
            "owner_organisation",
        ),
    )


def action_list(
    user,
    *,
    category: str = "",
    status: str = "open",
    overdue: bool = False,
    owner: str = "",
    force: str = "",
    threat: str = "",
    mine: bool = False,
    due_within: int | None = None,
    sort: str = "due",
    today: dt.date | None = None,
) -> tuple[QuerySet[Action], str]:
    """Actions in plans: ``status`` is a status code, ``open`` (not started or in progress)
    or empty for any; ``owner`` is a username or an organisation's slug."""
    today = today or timezone.localdate()
    qs = actions_visible_to(user)
    if category:
        qs = qs.filter(category=category)
    if status == "open":
        qs = qs.filter(status__in=rules.OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=rules.OPEN_STATUSES, due_on__lt=today)
    if owner:
        qs = qs.filter(Q(owner_user__username__iexact=owner) | Q(owner_organisation__slug=owner))
    if force:
        qs = qs.filter(plan__threat__owner__slug=force)
    if threat:
        qs = qs.filter(plan__threat_id=_threat_pk(threat))
    if mine and user is not None:
        qs = qs.filter(_owned_by(user))
    if due_within is not None:
        qs = qs.filter(due_on__lte=today + dt.timedelta(days=due_within))
    return _order(qs, ACTION_SORTS, sort, "due")


def _owned_by(user) -> Q:
    condition = Q(owner_user=user)
    if user.organisation_id and user.organisation.kind == OrganisationKind.PARTNER:
        condition |= Q(owner_organisation_id=user.organisation_id)
    return condition


def _threat_pk(reference: str) -> int:
    digits = "".join(ch for ch in reference if ch.isdigit())
    return int(digits) if digits else 0


def overdue_actions(user, today: dt.date | None = None) -> QuerySet[Action]:
    today = today or timezone.localdate()
    return (
        actions_visible_to(user)
        .filter(
            status__in=rules.OPEN_STATUSES, due_on__lt=today, plan__threat__status=Status.ACTIVE
        )
        .order_by("due_on", "id")
    )


# --------------------------------------------------------------------------- reviews


def reviews_due(
    user, *, within: int = 14, lro: str = "", owner: str = "", today: dt.date | None = None
) -> QuerySet[Plan]:
    """Plans of active threats whose review is overdue or due within ``within`` days."""
    today = today or timezone.localdate()
    qs = with_counts(plans_visible_to(user), today).filter(
        threat__status=Status.ACTIVE, next_review_due__lte=today + dt.timedelta(days=within)
    )
    if lro:
        qs = qs.filter(threat__lro__username__iexact=lro)
    if owner:
        qs = qs.filter(threat__owner__slug=owner)
    return qs.order_by("next_review_due", "threat__name", "pk")


def review_history(user, plan: Plan) -> QuerySet[Review]:
    return _scoped(user, plan.reviews.select_related("reviewed_by"))


def referrals_visible_to(user) -> QuerySet[GainReferral]:
    return _scoped(user, GainReferral.objects.select_related("plan__threat", "partner"))


# --------------------------------------------------------------------------- gaps


@dataclass(frozen=True)
class Gap:
    kind: str
    threat: Threat
    plan: Plan | None
    detail: str

    @property
    def label(self) -> str:
        return GAP_KINDS[self.kind]


@dataclass(frozen=True)
class Workload:
    lro: User
    threats: int
    limit: int

    @property
    def over_by(self) -> int:
        return rules.over_limit(self.threats, self.limit)


def active_threats(user, owner: str = "") -> QuerySet[Threat]:
    qs = (
        Threat.objects.select_related("owner", "lro", "predominant_crime_type")
        if user is None
        else threats_visible_to(user)
    ).filter(status=Status.ACTIVE)
    if owner:
        qs = qs.filter(owner__slug=owner)
    return qs


def lro_workload(user, *, owner: str = "", over_only: bool = False) -> list[Workload]:
    """Active threats led by each LRO (among the threats the user may see), most first."""
    limit = services.lro_threat_limit()
    counts = dict(
        active_threats(user, owner)
        .filter(lro__isnull=False)
        .values_list("lro")
        .annotate(n=Count("id"))
        .values_list("lro", "n")
    )
    officers = User.objects.filter(pk__in=counts).select_related("organisation")
    rows = [Workload(u, counts[u.pk], limit) for u in officers]
    if user is not None and not owner:
        idle = visible_to(user, User.objects.filter(roles__code=Role.LRO, is_active=True))
        rows += [
            Workload(u, 0, limit)
            for u in idle.exclude(pk__in=counts).select_related("organisation").distinct()
        ]
    if over_only:
        rows = [r for r in rows if r.over_by]
    return sorted(rows, key=lambda r: (-r.threats, r.lro.last_name, r.lro.username))


GAP_SORTS = ("band", "threat", "owner", "gap")


def gaps(
    user,
    *,
    kind: str = "",
    owner: str = "",
    sort: str = "band",
    today: dt.date | None = None,
) -> list[Gap]:
    """Every gap inspectors look for, one row per threat and kind of gap."""
    today = today or timezone.localdate()
    threats = list(active_threats(user, owner))
    plans = {
        p.threat_id: p
        for p in with_counts(
            plans_visible_to(user).filter(threat__in=[t.pk for t in threats]), today
        )
    }
    workload = {w.lro.pk: w for w in lro_workload(user, owner=owner) if w.over_by}
    rows: list[Gap] = []
    for threat in threats:
        plan = plans.get(threat.pk)
        if threat.lro_id is None:
            rows.append(Gap("no_lro", threat, plan, "Every active threat needs an LRO."))
        elif threat.lro_id in workload:
            load = workload[threat.lro_id]
            rows.append(
                Gap(
                    "lro_over_limit",
                    threat,
                    plan,
                    f"{threat.lro.display_name} leads {load.threats} active threats "
                    f"(limit {load.limit}).",
                )
            )
        if plan is None:
            rows.append(Gap("no_plan", threat, None, "No 4P plan has been started."))
            continue
        missing = uncovered_of(plan)
        if missing:
            names = ", ".join(FourP(p).label for p in missing)
            rows.append(Gap("missing_p", threat, plan, f"No action under {names}."))
        late = rules.days_overdue(plan.next_review_due, today)
        if late:
            rows.append(
                Gap(
                    "review_overdue",
                    threat,
                    plan,
                    f"Review due {plan.next_review_due:%d %b %Y} ({late} days overdue).",
                )
            )
        if plan.overdue_actions:
            rows.append(
                Gap(
                    "actions_overdue",
                    threat,
                    plan,
                    f"{plan.overdue_actions} action{'s' if plan.overdue_actions != 1 else ''} "
                    "past their due date.",
                )
            )
    if kind:
        rows = [r for r in rows if r.kind == kind]
    return sort_gaps(rows, sort)


def sort_gaps(rows: list[Gap], sort: str) -> list[Gap]:
    key = sort.lstrip("-")
    reverse = sort.startswith("-")
    kinds = list(GAP_KINDS)

    def band(g: Gap):
        rank = g.threat.current_band_rank
        return (rank if rank is not None else 99, -(g.threat.current_score or 0), g.threat.name)

    keys = {
        "band": band,
        "threat": lambda g: (g.threat.name.lower(), g.threat.pk),
        "owner": lambda g: (g.threat.owner.name, g.threat.name.lower()),
        "gap": lambda g: (kinds.index(g.kind), g.threat.name.lower()),
    }
    return sorted(rows, key=keys.get(key, band), reverse=reverse)


def gap_counts(rows: list[Gap]) -> dict[str, int]:
    counts = dict.fromkeys(GAP_KINDS, 0)
    for row in rows:
        counts[row.kind] += 1
    return counts


# --------------------------------------------------------------------------- my work


@dataclass
class MyWork:
    threats: list
    actions_due: list
    reviews_due: list
    referrals_awaiting: list


def my_work(user, *, within: int = 30, today: dt.date | None = None) -> MyWork:
    """An LRO's own page: the active threats they lead (with their plans), actions they own
    that are due within ``within`` days or overdue, and their plans' reviews due."""
    today = today or timezone.localdate()
    led_plans = with_counts(plans_visible_to(user), today).filter(
        threat__lro=user, threat__status=Status.ACTIVE
    )
    plans = {p.threat_id: p for p in led_plans}
    led = list(
        threats_visible_to(user)
        .filter(lro=user, status=Status.ACTIVE)
        .order_by("current_band_rank", "-current_score", "name")
    )
    seen = {t.pk for t in led}
    led += [p.threat for p in plans.values() if p.threat_id not in seen]
    for threat in led:
        threat.my_plan = plans.get(threat.pk)
        threat.uncovered = uncovered_of(threat.my_plan) if threat.my_plan else []
    actions, _ = action_list(user, mine=True, due_within=within, today=today)
    actions = list(actions.filter(plan__threat__status=Status.ACTIVE))
    for action in actions:
        action.is_overdue = rules.is_action_overdue(action.status, action.due_on, today)
    due = list(
        led_plans.filter(next_review_due__lte=today + dt.timedelta(days=within)).order_by(
            "next_review_due"
        )
    )
    for plan in due:
        plan.days_overdue = rules.days_overdue(plan.next_review_due, today)
    awaiting = list(
        referrals_visible_to(user).filter(plan__threat__lro=user, answer=rules.GainAnswer.AWAITING)
    )
    return MyWork(led, actions, due, awaiting)


# --------------------------------------------------------------------------- tasking


def board_threats(user, board: Organisation, *, statuses=(Status.ACTIVE,), sort: str = "band"):
    """The threats on a tasking board's agenda, prioritised (threats.selectors' list)."""
    qs = prioritised_threats(user, sort=sort)
    if board.kind == OrganisationKind.FORCE:
        qs = qs.filter(Q(owner=board) | Q(forces=board)).distinct()
    elif board.kind == OrganisationKind.ROCU:
        qs = qs.filter(
            owner__region_id=board.region_id,
            owner__kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU],
        )
    elif board.kind != OrganisationKind.NATIONAL:
        return qs.none()
    return qs.filter(status__in=statuses)


def proposals_for(user, board: Organisation | None = None, *, open_only: bool = False):
    qs = _scoped(
        user,
        Proposal.objects.select_related(
            "threat", "threat__owner", "board", "owner", "lro", "proposed_by"
        ).prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.select_related("decided_by"))
        ),
    )
    if board is not None:
        qs = qs.filter(board=board)
    if open_only:
        qs = qs.filter(status__in=rules.OPEN_PROPOSALS)
    return qs.order_by("-proposed_at", "-pk")


def decisions_for(user, board: Organisation | None = None, *, since: dt.date | None = None):
    qs = _scoped(
        user,
        Decision.objects.select_related(
            "proposal", "proposal__threat", "proposal__board", "decided_by"
        ),
    )
    if board is not None:
        qs = qs.filter(proposal__board=board)
    if since is not None:
        qs = qs.filter(decided_at__date__gte=since)
    return qs.order_by("-decided_at", "-pk")


def proposal_detail(user, pk: int) -> Proposal:
    return get_visible_or_404(user, proposals_for(user), pk=pk)


def default_board(user) -> Organisation | None:
    boards = services.boards_for(user)
    if user is not None and user.organisation_id:
        own = boards.filter(pk=user.organisation_id).first()
        if own is not None:
            return own
    return boards.filter(kind=OrganisationKind.FORCE).first() or boards.first()


@dataclass
class TaskingPack:
    board: Organisation
    threats: list
    adoption: list
    proposals: list
    decisions: list
    gap_counts: dict
    workload: list
    generated_at: dt.datetime


def tasking_pack(user, board: Organisation, *, today: dt.date | None = None) -> TaskingPack:
    """Everything a tasking meeting looks at, in one place (the printable pack and the PDF)."""
    today = today or timezone.localdate()
    threats = list(board_threats(user, board))
    plans = {
        p.threat_id: p
        for p in with_counts(plans_visible_to(user).filter(threat__in=[t.pk for t in threats]))
    }
    for threat in threats:
        threat.board_plan = plans.get(threat.pk)
        threat.uncovered = (
            uncovered_of(threat.board_plan) if threat.board_plan else list(FourP.values)
        )
        threat.review_overdue = bool(
            threat.board_plan and rules.days_overdue(threat.board_plan.next_review_due, today)
        )
    adoption = list(board_threats(user, board, statuses=(Status.UNDER_ASSESSMENT,)))
    threat_ids = [t.pk for t in threats] + [t.pk for t in adoption]
    rows = [g for g in gaps(user, today=today) if g.threat.pk in set(threat_ids)]
    lros = {t.lro_id for t in threats if t.lro_id}
    return TaskingPack(
        board=board,
        threats=threats,
        adoption=adoption,
        proposals=list(proposals_for(user, board, open_only=True)),
        decisions=list(decisions_for(user, board, since=today - dt.timedelta(days=90))),
        gap_counts=gap_counts(rows),
        workload=[w for w in lro_workload(user) if w.lro.pk in lros],
        generated_at=timezone.now(),
    )


# --------------------------------------------------------------------------- briefing


def briefing_areas(user) -> QuerySet[LocalArea]:
    """Local areas with at least one active threat the user may see."""
    threats = active_threats(user).values("pk")
    return (
        LocalArea.objects.filter(threats__in=threats)
        .select_related("force")
        .annotate(active_threats=Count("threats", distinct=True))
        .order_by("force__name", "name")
    )


@dataclass
class BriefingItem:
    threat: Threat
    label: str
    crime_types: list[str]
    look_for: str
    signs: list[str]
    contact: str
    withheld: list[str]


def briefing(user, area: LocalArea) -> list[BriefingItem]:
    """What neighbourhood officers in ``area`` need: the active threats touching it, what to
    look for and how to pass on intelligence, with sensitive detail withheld (see
    docs/user-guide.md: no names, no intelligence detail, nothing of Pursue)."""
    from socmap.plans.models import BriefingGuide

    threats = (
        active_threats(user)
        .filter(local_areas=area)
        .prefetch_related("other_crime_types", "memberships")
        .order_by("current_band_rank", "-current_score", "pk")
    )
    plans = {p.threat_id: p for p in plans_visible_to(user).filter(threat__in=threats)}
    guides = {g.crime_type_id: g.signs for g in BriefingGuide.objects.all()}
    items = []
    for threat in threats:
        plan = plans.get(threat.pk)
        crime_types = [threat.predominant_crime_type.name] + [
            c.name for c in threat.other_crime_types.all()
        ]
        members = sum(1 for m in threat.memberships.all() if m.left_on is None)
        withheld = ["the threat's name (it may name people)"]
        if threat.kind == "priority_individual":
            withheld.append("the name of the person it concerns")
        if members:
            withheld.append(f"the names of {members} current member{'s' if members != 1 else ''}")
        if threat.description:
            withheld.append("the intelligence description")
        if threat.operation_names:
            withheld.append("operation names")
        withheld += ["scores and assessment answers", "the actions of the plan"]
        lro = threat.lro
        contact = (
            f"{lro.display_name}" + (f", {lro.job_title}" if lro.job_title else "")
            + (f" ({lro.organisation.name})" if lro.organisation_id else "")
            if lro
            else "the SOC intelligence unit (no LRO is assigned yet)"
        )  # fmt: skip
        items.append(
            BriefingItem(
                threat=threat,
                label=(
                    f"{threat.reference}: {threat.get_kind_display().lower()}, "
                    f"{threat.predominant_crime_type.name.lower()}"
                ),
                crime_types=crime_types,
                look_for=plan.look_for if plan else "",
                signs=guides.get(threat.predominant_crime_type_id, []),
                contact=contact,
                withheld=withheld,
            )
        )
    return items
