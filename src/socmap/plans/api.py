"""API for 4P plans: plans, objectives, actions, partners, GAIN referrals, reviews, reviews
due, gaps, LRO workload, the LRO's own work, tasking boards, proposals and decisions, and
the neighbourhood briefing. Thin: parse, call a selector or a service (the same ones the
pages use). Records outside the user's scope answer 404."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import PageNumberPagination, paginate

from socmap.errors import InvalidInput
from socmap.fourp import FourP
from socmap.orgs.models import LocalArea, Organisation, User
from socmap.orgs.scoping import get_visible_or_404
from socmap.orgs.selectors import users_visible_to
from socmap.plans import exports, rules, selectors, services
from socmap.plans.models import Action, GainReferral, Objective, PlanPartner
from socmap.plans.rules import ActionStatus
from socmap.threats.selectors import threat_detail

router = Router(tags=["4P plans"])
UNSET = services.UNCHANGED


# --------------------------------------------------------------------------- schemas


class ObjectiveOut(Schema):
    id: int
    category: str
    description: str
    is_achieved: bool


class ActionOut(Schema):
    id: int
    version: int  # send it back when you change the record: a stale one answers 409
    reference: str
    plan: int
    threat: str
    category: str
    description: str
    objective: int | None
    owner_user: str | None
    owner_organisation: str | None
    owner: str
    due_on: date
    status: str
    outcome: str
    overdue: bool

    @staticmethod
    def resolve_plan(obj):
        return obj.plan_id

    @staticmethod
    def resolve_threat(obj):
        return obj.plan.threat.reference

    @staticmethod
    def resolve_objective(obj):
        return obj.objective_id

    @staticmethod
    def resolve_owner_user(obj):
        return obj.owner_user.username if obj.owner_user_id else None

    @staticmethod
    def resolve_owner_organisation(obj):
        return obj.owner_organisation.slug if obj.owner_organisation_id else None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner_name

    @staticmethod
    def resolve_overdue(obj):
        return rules.is_action_overdue(obj.status, obj.due_on, timezone.localdate())


class PartnerOut(Schema):
    id: int
    organisation: str
    name: str
    contribution: str
    added_at: datetime
    removed_at: datetime | None

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug

    @staticmethod
    def resolve_name(obj):
        return obj.organisation.name


class ReferralOut(Schema):
    id: int
    reference: str
    partner: str
    request: str
    referred_on: date
    answer: str
    answered_on: date | None
    answer_note: str

    @staticmethod
    def resolve_partner(obj):
        return obj.partner.slug


class ReviewOut(Schema):
    id: int
    reviewed_at: datetime
    reviewed_by: str | None
    reviewed_as: str
    progress: str
    summary: str
    next_review_due: date
    snapshot: dict

    @staticmethod
    def resolve_reviewed_by(obj):
        return obj.reviewed_by.username if obj.reviewed_by_id else None


class PlanOut(Schema):
    id: int
    version: int  # send it back when you change the record: a stale one answers 409
    reference: str
    threat_id: int
    threat: str
    threat_name: str
    owner: str
    lro: str | None
    review_interval_days: int
    next_review_due: date
    review_days_overdue: int
    uncovered: list[str]

    @staticmethod
    def resolve_threat(obj):
        return obj.threat.reference

    @staticmethod
    def resolve_threat_name(obj):
        return obj.threat.name

    @staticmethod
    def resolve_owner(obj):
        return obj.threat.owner.slug

    @staticmethod
    def resolve_lro(obj):
        return obj.threat.lro.username if obj.threat.lro_id else None

    @staticmethod
    def resolve_review_interval_days(obj):
        return services.interval_for(obj)

    @staticmethod
    def resolve_review_days_overdue(obj):
        return rules.days_overdue(obj.next_review_due, timezone.localdate())

    @staticmethod
    def resolve_uncovered(obj):
        if hasattr(obj, "pursue_actions"):
            return selectors.uncovered_of(obj)
        return services.plan_snapshot(obj)["uncovered"]


class PlanDetailOut(PlanOut):
    """A plan as the caller may see it: ``full`` is false for a partner, who sees the
    objectives and partners and only the actions and referrals shared with them."""

    look_for: str
    full: bool
    objectives: list[ObjectiveOut]
    actions: list[ActionOut]
    partners: list[PartnerOut]
    referrals: list[ReferralOut]
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_uncovered(obj):
        return obj.view.uncovered

    @staticmethod
    def resolve_full(obj):
        return obj.view.full

    @staticmethod
    def resolve_objectives(obj):
        return obj.view.objectives

    @staticmethod
    def resolve_actions(obj):
        return obj.view.actions

    @staticmethod
    def resolve_partners(obj):
        return obj.view.partners

    @staticmethod
    def resolve_referrals(obj):
        return obj.view.referrals

    @staticmethod
    def resolve_reviews(obj):
        return obj.view.reviews


class PlanIn(Schema):
    threat: int
    review_interval_days: int | None = None
    look_for: str = ""


class PlanPatch(Schema):
    version: int | None = None  # the version you read; if it changed since, 409
    review_interval_days: int | None = None
    look_for: str | None = None
    reason: str = ""


class ObjectiveIn(Schema):
    category: str
    description: str


class ObjectivePatch(Schema):
    description: str | None = None
    is_achieved: bool | None = None


class ActionIn(Schema):
    category: str = ""
    description: str = ""
    due_on: date | None = None
    owner_user: str | None = None
    owner_organisation: str | None = None
    objective: int | None = None


class ActionPatch(Schema):
    version: int | None = None  # the version you read; if it changed since, 409
    category: str | None = None
    description: str | None = None
    due_on: date | None = None
    owner_user: str | None = None
    owner_organisation: str | None = None
    objective: int | None = None
    status: str | None = None
    outcome: str | None = None
    reason: str = ""


class PartnerIn(Schema):
    organisation: str
    contribution: str = ""


class RemoveIn(Schema):
    reason: str = ""


class ReferralIn(Schema):
    partner: str
    request: str
    referred_on: date | None = None


class AnswerIn(Schema):
    answer: str
    answered_on: date | None = None
    note: str = ""


class ReviewIn(Schema):
    progress: str
    summary: str
    next_review_due: date | None = None
    held_on: date | None = None


class GapOut(Schema):
    gap: str
    gap_label: str
    threat: str
    name: str
    owner: str
    band: str
    lro: str
    plan: str
    detail: str


class WorkloadOut(Schema):
    lro: str
    name: str
    organisation: str
    active_threats: int
    limit: int
    over_by: int


class ReviewDueOut(Schema):
    plan: str
    threat: str
    name: str
    owner: str
    lro: str
    next_review_due: str
    days_overdue: int
    open_actions: int
    uncovered: str


class MyThreatOut(Schema):
    id: int
    reference: str
    name: str
    band: str
    plan: int | None
    uncovered: list[str]


class MyWorkOut(Schema):
    threats: list[MyThreatOut]
    actions_due: list[ActionOut]
    reviews_due: list[PlanOut]
    referrals_awaiting: list[ReferralOut]


class BoardOut(Schema):
    slug: str
    name: str
    kind: str


class DecisionOut(Schema):
    id: int
    proposal: str
    outcome: str
    reason: str
    decided_at: datetime
    decided_by: str | None

    @staticmethod
    def resolve_proposal(obj):
        return obj.proposal.reference

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.username if obj.decided_by_id else None


class ProposalOut(Schema):
    id: int
    reference: str
    threat_id: int
    threat: str
    board: str
    kind: str
    proposed_change: str
    tier: str
    owner: str | None
    lro: str | None
    archive_reason: str
    reason: str
    status: str
    proposed_at: datetime
    proposed_by: str | None
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_threat(obj):
        return obj.threat.reference

    @staticmethod
    def resolve_board(obj):
        return obj.board.slug

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug if obj.owner_id else None

    @staticmethod
    def resolve_lro(obj):
        return obj.lro.username if obj.lro_id else None

    @staticmethod
    def resolve_proposed_by(obj):
        return obj.proposed_by.username if obj.proposed_by_id else None

    @staticmethod
    def resolve_decisions(obj):
        return list(obj.decisions.all())


class ProposalIn(Schema):
    threat: int
    board: str
    kind: str
    reason: str = ""
    tier: str = ""
    owner: str | None = None
    lro: str | None = None
    archive_reason: str = ""


class DecisionIn(Schema):
    outcome: str
    reason: str = ""


class BoardThreatOut(Schema):
    id: int
    reference: str
    name: str
    owner: str
    tier: str
    band: str
    lro: str | None
    plan: int | None
    uncovered: list[str]
    next_review_due: date | None


class BoardDetailOut(Schema):
    board: BoardOut
    threats: list[BoardThreatOut]
    adoption: list[BoardThreatOut]
    proposals: list[ProposalOut]
    decisions: list[DecisionOut]
    gaps: dict[str, int]


class AreaOut(Schema):
    id: int
    name: str
    force: str
    active_threats: int


class BriefingOut(Schema):
    threat_id: int
    reference: str
    label: str
    kind: str
    tier: str
    band: str
    crime_types: list[str]
    look_for: str
    signs: list[str]
    contact: str
    withheld: list[str]


class BriefingPageOut(Schema):
    area: str
    force: str
    how_to_submit_intelligence: str
    threats: list[BriefingOut]


# --------------------------------------------------------------------------- look-ups


def _user(request, username: str | None, field: str) -> User | None:
    if not username:
        return None
    found = users_visible_to(request.user).filter(username__iexact=username).first()
    if found is None:
        raise InvalidInput({field: [f"There is no user '{username}' that you can see."]})
    return found


def _organisation(slug: str | None, field: str) -> Organisation | None:
    if not slug:
        return None
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise InvalidInput({field: [f"'{slug}' is not an organisation."]})
    return found


def _plan(request, plan_id: int):
    return selectors.plan_detail(request.user, plan_id)


def _objective(plan, pk: int | None) -> Objective | None:
    if pk is None:
        return None
    found = plan.objectives.filter(pk=pk).first()
    if found is None:
        raise InvalidInput({"objective": [f"The plan has no objective {pk}."]})
    return found


def _detail(request, plan):
    plan.view = selectors.plan_view(request.user, plan)
    return plan


def _check_choice(value: str, allowed, field: str) -> None:
    if value and value not in allowed:
        raise InvalidInput({field: [f"Choose one of {', '.join(allowed)}."]})


# --------------------------------------------------------------------------- plans


@router.get("", response=list[PlanOut], summary="4P plans, next review first")
@paginate(PageNumberPagination, page_size=50)
def list_plans(
    request,
    owner: str = "",
    lro: str = "",
    gap: str = "",
    review_overdue: bool = False,
    status: str = "active",
    q: str = "",
    sort: str = "review",
):
    _check_choice(gap, [*FourP.values, "any"], "gap")
    _check_choice(sort.lstrip("-"), list(selectors.PLAN_SORTS), "sort")
    plans, _ = selectors.plan_list(
        request.user, owner=owner, lro=lro, gap=gap, review_overdue=review_overdue,
        status=status, search=q, sort=sort,
    )  # fmt: skip
    return plans


@router.post("", response={201: PlanDetailOut}, summary="Start an active threat's 4P plan")
def create_plan(request, payload: PlanIn):
    threat = threat_detail(request.user, payload.threat)
    plan = services.create_plan(
        actor=request.user,
        threat=threat,
        review_interval_days=payload.review_interval_days,
        look_for=payload.look_for,
    )
    return Reply(201, _detail(request, _plan(request, plan.pk)))


@router.get("/actions", response=list[ActionOut], summary="Actions in plans (open by default)")
@paginate(PageNumberPagination, page_size=50)
def list_actions(
    request,
    category: str = "",
    status: str = "open",
    overdue: bool = False,
    owner: str = "",
    force: str = "",
    threat: str = "",
    mine: bool = False,
    sort: str = "due",
):
    _check_choice(category, FourP.values, "category")
    _check_choice(status, ["open", *ActionStatus.values], "status")
    _check_choice(sort.lstrip("-"), list(selectors.ACTION_SORTS), "sort")
    actions, _ = selectors.action_list(
        request.user, category=category, status=status, overdue=overdue, owner=owner,
        force=force, threat=threat, mine=mine, sort=sort,
    )  # fmt: skip
    return actions


@router.get("/reviews-due", response=list[ReviewDueOut], summary="Plan reviews overdue or due")
@paginate(PageNumberPagination, page_size=50)
def list_reviews_due(request, within: int = 14, lro: str = "", owner: str = ""):
    if not 0 <= within <= 365:
        raise InvalidInput({"within": ["Give a number of days from 0 to 365."]})
    today = timezone.localdate()
    return [
        exports.review_due_record(p, today)
        for p in selectors.reviews_due(request.user, within=within, lro=lro, owner=owner)
    ]


@router.get("/gaps", response=list[GapOut], summary="Gaps: no LRO, no plan, missing Ps, overdue")
@paginate(PageNumberPagination, page_size=50)
def list_gaps(request, gap: str = "", owner: str = "", sort: str = "band"):
    _check_choice(gap, list(selectors.GAP_KINDS), "gap")
    _check_choice(sort.lstrip("-"), list(selectors.GAP_SORTS), "sort")
    return [
        exports.gap_record(g)
        for g in selectors.gaps(request.user, kind=gap, owner=owner, sort=sort)
    ]


@router.get("/workload", response=list[WorkloadOut], summary="Active threats per LRO")
@paginate(PageNumberPagination, page_size=50)
def list_workload(request, owner: str = "", over: bool = False):
    return [
        exports.workload_record(w)
        for w in selectors.lro_workload(request.user, owner=owner, over_only=over)
    ]


@router.get("/mine", response=MyWorkOut, summary="My threats, my actions due, my reviews due")
def my_work(request, within: int = 30):
    work = selectors.my_work(request.user, within=within)
    return {
        "threats": [
            {
                "id": t.pk,
                "reference": t.reference,
                "name": t.name,
                "band": t.current_band,
                "plan": t.my_plan.pk if t.my_plan else None,
                "uncovered": t.uncovered if t.my_plan else list(FourP.values),
            }
            for t in work.threats
        ],
        "actions_due": work.actions_due,
        "reviews_due": work.reviews_due,
        "referrals_awaiting": work.referrals_awaiting,
    }


@router.get("/{int:plan_id}", response=PlanDetailOut, summary="One plan (what you may see of it)")
def get_plan(request, plan_id: int):
    from socmap.security.reads import guard_api_read

    plan = _plan(request, plan_id)
    guard_api_read(request, plan)
    return _detail(request, plan)


@router.patch("/{int:plan_id}", response=PlanDetailOut, summary="Review interval, briefing text")
def update_plan(request, plan_id: int, payload: PlanPatch):
    plan = _plan(request, plan_id)
    given = payload.dict(exclude_unset=True)
    services.update_plan(
        actor=request.user,
        plan=plan,
        review_interval_days=given.get("review_interval_days", UNSET),
        look_for=given.get("look_for", UNSET),
        reason=payload.reason,
        version=payload.version,
    )
    return _detail(request, _plan(request, plan_id))


@router.post("/{int:plan_id}/objectives", response={201: ObjectiveOut}, summary="Add objective")
def add_objective(request, plan_id: int, payload: ObjectiveIn):
    plan = _plan(request, plan_id)
    objective = services.add_objective(
        actor=request.user, plan=plan, category=payload.category, description=payload.description
    )
    return Reply(201, objective)


@router.patch("/objectives/{int:objective_id}", response=ObjectiveOut, summary="Change objective")
def update_objective(request, objective_id: int, payload: ObjectivePatch):
    objective = get_visible_or_404(
        request.user, Objective.objects.select_related("plan__threat"), pk=objective_id
    )
    given = payload.dict(exclude_unset=True)
    return services.update_objective(
        actor=request.user,
        objective=objective,
        description=given.get("description", UNSET),
        is_achieved=given.get("is_achieved", UNSET),
    )


@router.post("/{int:plan_id}/actions", response={201: ActionOut}, summary="Add an action")
def add_action(request, plan_id: int, payload: ActionIn):
    plan = _plan(request, plan_id)
    action = services.add_action(
        actor=request.user,
        plan=plan,
        category=payload.category,
        description=payload.description,
        due_on=payload.due_on,
        owner_user=_user(request, payload.owner_user, "owner"),
        owner_organisation=_organisation(payload.owner_organisation, "owner"),
        objective=_objective(plan, payload.objective),
    )
    return Reply(201, action)


@router.patch("/actions/{int:action_id}", response=ActionOut, summary="Change or report on one")
def update_action(request, action_id: int, payload: ActionPatch):
    action = get_visible_or_404(
        request.user,
        Action.objects.select_related("plan__threat", "owner_user", "owner_organisation"),
        pk=action_id,
    )
    given = payload.dict(exclude_unset=True)
    reason = given.pop("reason", "")
    converters = {
        "owner_user": lambda v: _user(request, v, "owner"),
        "owner_organisation": lambda v: _organisation(v, "owner"),
        "objective": lambda v: _objective(action.plan, v),
    }
    changes = {k: converters.get(k, lambda v: v)(v) for k, v in given.items()}
    return services.update_action(actor=request.user, action=action, reason=reason, **changes)


@router.get("/{int:plan_id}/partners", response=list[PartnerOut], summary="Partners involved")
def list_partners(request, plan_id: int):
    return list(selectors.plan_view(request.user, _plan(request, plan_id)).partners)


@router.post("/{int:plan_id}/partners", response={201: PartnerOut}, summary="Involve a partner")
def add_partner(request, plan_id: int, payload: PartnerIn):
    partner = services.add_partner(
        actor=request.user,
        plan=_plan(request, plan_id),
        organisation=_organisation(payload.organisation, "organisation"),
        contribution=payload.contribution,
    )
    return Reply(201, partner)


@router.post("/partners/{int:partner_id}/remove", response=PartnerOut, summary="Stop involving")
def remove_partner(request, partner_id: int, payload: RemoveIn):
    partner = get_visible_or_404(
        request.user, PlanPartner.objects.select_related("plan__threat"), pk=partner_id
    )
    return services.remove_partner(actor=request.user, partner=partner, reason=payload.reason)


@router.get("/{int:plan_id}/referrals", response=list[ReferralOut], summary="GAIN referrals")
def list_referrals(request, plan_id: int):
    return selectors.plan_view(request.user, _plan(request, plan_id)).referrals


@router.post("/{int:plan_id}/referrals", response={201: ReferralOut}, summary="GAIN referral")
def add_referral(request, plan_id: int, payload: ReferralIn):
    referral = services.refer_to_gain(
        actor=request.user,
        plan=_plan(request, plan_id),
        partner=_organisation(payload.partner, "partner"),
        request=payload.request,
        referred_on=payload.referred_on,
    )
    return Reply(201, referral)


@router.post("/referrals/{int:referral_id}/answer", response=ReferralOut, summary="Hit or no hit")
def answer_referral(request, referral_id: int, payload: AnswerIn):
    referral = get_visible_or_404(
        request.user, GainReferral.objects.select_related("plan__threat", "partner"),
        pk=referral_id,
    )  # fmt: skip
    return services.answer_referral(
        actor=request.user,
        referral=referral,
        answer=payload.answer,
        answered_on=payload.answered_on,
        note=payload.note,
    )


@router.get("/{int:plan_id}/reviews", response=list[ReviewOut], summary="Reviews, latest first")
def list_reviews(request, plan_id: int):
    return list(selectors.review_history(request.user, _plan(request, plan_id)))


@router.post("/{int:plan_id}/reviews", response={201: ReviewOut}, summary="Record a review")
def add_review(request, plan_id: int, payload: ReviewIn):
    review = services.record_review(
        actor=request.user,
        plan=_plan(request, plan_id),
        progress=payload.progress,
        summary=payload.summary,
        next_review_due=payload.next_review_due,
        held_on=payload.held_on,
    )
    return Reply(201, review)


# --------------------------------------------------------------------------- tasking


def _board(request, slug: str) -> Organisation:
    board = services.boards_for(request.user).filter(slug=slug).first()
    if board is None:
        raise Http404("No tasking board found.")
    return board


def _board_threat(threat, plan) -> dict:
    return {
        "id": threat.pk,
        "reference": threat.reference,
        "name": threat.name,
        "owner": threat.owner.slug,
        "tier": threat.tier,
        "band": threat.current_band,
        "lro": threat.lro.username if threat.lro_id else None,
        "plan": plan.pk if plan else None,
        "uncovered": selectors.uncovered_of(plan) if plan else list(FourP.values),
        "next_review_due": plan.next_review_due if plan else None,
    }


@router.get("/tasking/boards", response=list[BoardOut], summary="Tasking boards you work with")
def list_boards(request):
    return list(services.boards_for(request.user))


@router.get("/tasking/boards/{slug}", response=BoardDetailOut, summary="A board and its pack")
def get_board(request, slug: str):
    pack = selectors.tasking_pack(request.user, _board(request, slug))
    return {
        "board": pack.board,
        "threats": [_board_threat(t, t.board_plan) for t in pack.threats],
        "adoption": [_board_threat(t, None) for t in pack.adoption],
        "proposals": pack.proposals,
        "decisions": pack.decisions,
        "gaps": pack.gap_counts,
    }


@router.get("/tasking/proposals", response=list[ProposalOut], summary="Tasking proposals")
@paginate(PageNumberPagination, page_size=50)
def list_proposals(request, board: str = "", open: bool = False):
    chosen = _board(request, board) if board else None
    return selectors.proposals_for(request.user, chosen, open_only=open)


@router.post("/tasking/proposals", response={201: ProposalOut}, summary="Put a proposal")
def add_proposal(request, payload: ProposalIn):
    threat = threat_detail(request.user, payload.threat)
    board = _organisation(payload.board, "board")
    proposal = services.propose(
        actor=request.user,
        threat=threat,
        board=board,
        kind=payload.kind,
        reason=payload.reason,
        tier=payload.tier,
        owner=_organisation(payload.owner, "owner"),
        lro=_user(request, payload.lro, "lro"),
        archive_reason=payload.archive_reason,
    )
    return Reply(201, selectors.proposal_detail(request.user, proposal.pk))


@router.post(
    "/tasking/proposals/{int:proposal_id}/decisions",
    response={201: ProposalOut},
    summary="Record the meeting's decision (an agreed change is made at once)",
)
def add_decision(request, proposal_id: int, payload: DecisionIn):
    proposal = selectors.proposal_detail(request.user, proposal_id)
    services.decide(
        actor=request.user, proposal=proposal, outcome=payload.outcome, reason=payload.reason
    )
    found = selectors.proposals_for(request.user).filter(pk=proposal_id).first()
    if found is None:  # the threat moved to an owner outside the decider's scope
        proposal.refresh_from_db()
        return Reply(201, proposal)
    return Reply(201, found)


# --------------------------------------------------------------------------- briefing


@router.get("/briefing/areas", response=list[AreaOut], summary="Local areas with active threats")
def list_areas(request):
    return [
        {"id": a.pk, "name": a.name, "force": a.force.slug, "active_threats": a.active_threats}
        for a in selectors.briefing_areas(request.user)
    ]


@router.get(
    "/briefing/{int:area_id}",
    response=BriefingPageOut,
    summary="Neighbourhood briefing: what to look for, names and intelligence withheld",
)
def get_briefing(request, area_id: int):
    area = LocalArea.objects.select_related("force").filter(pk=area_id).first()
    if area is None:
        raise Http404("No local area found.")
    return {
        "area": area.name,
        "force": area.force.slug,
        "how_to_submit_intelligence": services.intelligence_submission(),
        "threats": [
            {
                "threat_id": i.threat.pk,
                "reference": i.threat.reference,
                "label": i.label,
                "kind": i.threat.kind,
                "tier": i.threat.tier,
                "band": i.threat.current_band,
                "crime_types": i.crime_types,
                "look_for": i.look_for,
                "signs": i.signs,
                "contact": i.contact,
                "withheld": i.withheld,
            }
            for i in selectors.briefing(request.user, area)
        ],
    }
