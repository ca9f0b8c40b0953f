"""4P plan pages: the plan list and page with its forms, actions, reviews due, gaps, LRO
workload, the LRO's own page, the tasking board and its printable pack, and the
neighbourhood briefing. Thin: parse the request, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from socmap.errors import InvalidInput
from socmap.fourp import FourP
from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, Role
from socmap.orgs.scoping import get_visible_or_404, organisations_in_scope
from socmap.plans import exports, forms, rules, selectors, services
from socmap.plans.models import Action, GainReferral, Objective, PlanPartner
from socmap.plans.rules import ActionStatus, ProposalKind
from socmap.security.reads import guard_read
from socmap.threats.selectors import threat_detail
from socmap.web.tables import csv_response, paginate, xlsx_response

YES = ("1", "on", "true", "yes")


def _apply_errors(form, error: InvalidInput) -> None:
    aliases = {"owner": "owner_user", "threat": None, "plan": None}
    for field, problems in error.field_errors.items():
        name = aliases.get(field, field)
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def _form_page(request, template: str, form, context: dict):
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def _submit(request, form, run, *, done: str, then, template="plans/form.html", **context):
    """POST: run the service with the cleaned data; its field errors go back on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, done if isinstance(done, str) else done(result))
            target = then(result) if callable(then) else then
            return redirect(*target) if isinstance(target, tuple) else redirect(target)
    back = context.pop("back", None)
    if back:
        context["back_url"] = reverse(back[0], args=back[1:])
    return _form_page(request, template, form, context)


def _export(request, stem: str, header: list[str], records: list[dict]):
    fmt = request.GET.get("format", "")
    if fmt not in ("csv", "xlsx"):
        return None
    body = exports.rows(records, header)
    if fmt == "xlsx":
        return xlsx_response(stem, header, body)
    return csv_response(stem, header, body)


def _managed(request, plan):
    if not services.may_manage(request.user, plan.threat):
        raise PermissionDenied(
            "Only the threat's Lead Responsible Officer or a supervisor (its SRO, or a tasking "
            f"chair of {plan.threat.owner}) may change this plan."
        )
    return plan


def _owners(user):
    return organisations_in_scope(user).exclude(kind=OrganisationKind.PARTNER).order_by("name")


# --------------------------------------------------------------------------- plan list


@login_required
def plan_list(request):
    get = request.GET
    gap = get.get("gap", "")
    filters = {
        "owner": get.get("owner", "")[:120],
        "lro": get.get("lro", "")[:150],
        "gap": gap if gap in (*FourP.values, "any") else "",
        "review_overdue": get.get("review_overdue") in YES,
        "search": get.get("q", "").strip()[:100],
    }
    today = timezone.localdate()
    plans, sort = selectors.plan_list(
        request.user, **filters, sort=get.get("sort", "review"), today=today
    )
    exported = _export(
        request, "4p-plans", exports.PLAN_HEADER, [exports.plan_record(p, today) for p in plans]
    )
    if exported:
        return exported
    page = paginate(request, plans)
    for plan in page.object_list:
        plan.uncovered = selectors.uncovered_of(plan)
        plan.review_late = rules.days_overdue(plan.next_review_due, today)
    return render(
        request,
        "plans/plan_list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": any(filters.values()),
            "sort": sort,
            "owners": _owners(request.user),
            "fourp": FourP.choices,
        },
    )


# --------------------------------------------------------------------------- plan page


@login_required
def plan_detail(request, pk: int):
    plan = selectors.plan_detail(request.user, pk)
    gate = guard_read(request, plan)
    if gate is not None:
        return gate
    view = selectors.plan_view(request.user, plan)
    may_manage = services.may_manage(request.user, plan.threat) and plan.threat.is_active
    for action in view.actions:
        action.may_edit = may_manage or services.may_report_on(request.user, action)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "view": view,
            "threat": plan.threat,
            "may_manage": may_manage,
            "capacity": services.capacity(request.user, plan.threat),
            "interval": services.interval_for(plan),
            "review_late": rules.days_overdue(plan.next_review_due, timezone.localdate()),
            "review_form": forms.ReviewForm() if may_manage else None,
            "threat_visible": selectors.threats_visible_to(request.user)
            .filter(pk=plan.threat_id)
            .exists(),
        },
    )


@login_required
def plan_start(request, threat_pk: int):
    threat = threat_detail(request.user, threat_pk)
    form = forms.PlanForm(request.POST or None)
    if not services.may_manage(request.user, threat):
        raise PermissionDenied(
            "Only the threat's Lead Responsible Officer or a supervisor may start its plan."
        )
    return _submit(
        request,
        form,
        lambda d: services.create_plan(
            actor=request.user,
            threat=threat,
            review_interval_days=d["review_interval_days"],
            look_for=d["look_for"],
        ),
        done=f"The 4P plan for {threat.reference} has been started.",
        then=lambda plan: ("plans:detail", plan.pk),
        title=f"Start the 4P plan for {threat.reference} {threat.name}",
        back=("threats:detail", threat.pk),
        submit="Start the plan",
    )


@login_required
def plan_edit(request, pk: int):
    plan = _managed(request, selectors.plan_detail(request.user, pk))
    form = forms.PlanForm(
        request.POST or None,
        initial={
            "review_interval_days": plan.review_interval_days,
            "look_for": plan.look_for,
            "version": plan.version,
        },
    )
    return _submit(
        request,
        form,
        lambda d: services.update_plan(
            actor=request.user,
            plan=plan,
            review_interval_days=d["review_interval_days"],
            look_for=d["look_for"],
            reason=d["reason"],
            version=d.get("version"),
        ),
        done="The plan has been updated.",
        then=("plans:detail", plan.pk),
        title=f"Review interval and briefing: {plan.threat.reference}",
        back=("plans:detail", plan.pk),
        submit="Save",
    )


@login_required
def objective_add(request, pk: int):
    plan = _managed(request, selectors.plan_detail(request.user, pk))
    form = forms.ObjectiveForm(request.POST or None, initial={"category": request.GET.get("p")})
    return _submit(
        request,
        form,
        lambda d: services.add_objective(
            actor=request.user, plan=plan, category=d["category"], description=d["description"]
        ),
        done=lambda o: f"Objective added under {o.get_category_display()}.",
        then=("plans:detail", plan.pk),
        title=f"Add an objective: {plan.threat.reference}",
        back=("plans:detail", plan.pk),
        submit="Add the objective",
    )


@login_required
def objective_edit(request, pk: int):
    objective = get_visible_or_404(
        request.user, Objective.objects.select_related("plan__threat"), pk=pk
    )
    plan = _managed(request, objective.plan)
    form = forms.ObjectiveEditForm(
        request.POST or None,
        initial={"description": objective.description, "is_achieved": objective.is_achieved},
    )
    return _submit(
        request,
        form,
        lambda d: services.update_objective(
            actor=request.user,
            objective=objective,
            description=d["description"],
            is_achieved=d["is_achieved"],
        ),
        done="The objective has been updated.",
        then=("plans:detail", plan.pk),
        title=f"Change an objective under {objective.get_category_display()}",
        back=("plans:detail", plan.pk),
        submit="Save",
    )


@login_required
def action_add(request, pk: int):
    plan = _managed(request, selectors.plan_detail(request.user, pk))
    form = forms.ActionForm(
        request.POST or None,
        user=request.user,
        plan=plan,
        initial={"category": request.GET.get("p")},
    )
    return _submit(
        request,
        form,
        lambda d: services.add_action(
            actor=request.user,
            plan=plan,
            category=d["category"],
            description=d["description"],
            due_on=d["due_on"],
            owner_user=d["owner_user"],
            owner_organisation=d["owner_organisation"],
            objective=d["objective"],
        ),
        done=lambda a: f"{a.reference} added under {a.get_category_display()}.",
        then=("plans:detail", plan.pk),
        title=f"Add an action: {plan.threat.reference}",
        back=("plans:detail", plan.pk),
        submit="Add the action",
    )


@login_required
def action_edit(request, pk: int):
    action = get_visible_or_404(
        request.user,
        Action.objects.select_related("plan__threat", "owner_user", "owner_organisation"),
        pk=pk,
    )
    plan = action.plan
    if services.may_manage(request.user, plan.threat):
        form = forms.ActionEditForm(
            request.POST or None,
            user=request.user,
            plan=plan,
            initial={
                "category": action.category,
                "description": action.description,
                "objective": action.objective_id,
                "owner_user": action.owner_user_id,
                "owner_organisation": action.owner_organisation_id,
                "due_on": action.due_on,
                "version": action.version,
                "status": action.status,
                "outcome": action.outcome,
            },
        )

        def run(d):
            reason = d.pop("reason", "")
            return services.update_action(actor=request.user, action=action, reason=reason, **d)

    elif services.may_report_on(request.user, action):
        form = forms.ActionReportForm(
            request.POST or None,
            initial={"status": action.status, "outcome": action.outcome, "version": action.version},
        )

        def run(d):
            return services.update_action(actor=request.user, action=action, **d)

    else:
        raise PermissionDenied(
            "Only the LRO, a supervisor or the action's owner may change this action."
        )
    back = ("plans:detail", plan.pk) if selectors.plans_visible_to(request.user).filter(
        pk=plan.pk
    ).exists() else ("plans:mine",)  # fmt: skip
    return _submit(
        request,
        form,
        run,
        done=lambda a: f"{a.reference} is now {a.get_status_display().lower()}.",
        then=back,
        title=f"{action.reference} under {action.get_category_display()}",
        lead=action.description,
        back=back,
        submit="Save",
    )


@login_required
def partner_add(request, pk: int):
    plan = _managed(request, selectors.plan_detail(request.user, pk))
    form = forms.PartnerForm(request.POST or None)
    return _submit(
        request,
        form,
        lambda d: services.add_partner(
            actor=request.user,
            plan=plan,
            organisation=d["organisation"],
            contribution=d["contribution"],
        ),
        done=lambda p: f"{p.organisation} is involved in the plan (and sees it).",
        then=("plans:detail", plan.pk),
        title=f"Involve a partner agency: {plan.threat.reference}",
        lead="The partner agency will see the plan's objectives and the partners involved, "
        "and the actions and referrals that are theirs; not the other actions or the reviews.",
        back=("plans:detail", plan.pk),
        submit="Involve the partner",
    )


@login_required
def partner_remove(request, pk: int):
    partner = get_visible_or_404(
        request.user, PlanPartner.objects.select_related("plan__threat", "organisation"), pk=pk
    )
    plan = _managed(request, partner.plan)
    form = forms.RemovePartnerForm(request.POST or None)
    return _submit(
        request,
        form,
        lambda d: services.remove_partner(actor=request.user, partner=partner, reason=d["reason"]),
        done=f"{partner.organisation} is no longer involved.",
        then=("plans:detail", plan.pk),
        title=f"Stop involving {partner.organisation}",
        back=("plans:detail", plan.pk),
        submit="Stop involving them",
    )


@login_required
def referral_add(request, pk: int):
    plan = _managed(request, selectors.plan_detail(request.user, pk))
    form = forms.ReferralForm(request.POST or None)
    return _submit(
        request,
        form,
        lambda d: services.refer_to_gain(
            actor=request.user,
            plan=plan,
            partner=d["partner"],
            request=d["request"],
            referred_on=d["referred_on"],
        ),
        done=lambda r: f"{r.reference} to {r.partner} recorded; its answer is awaited.",
        then=("plans:detail", plan.pk),
        title=f"Record a GAIN referral: {plan.threat.reference}",
        back=("plans:detail", plan.pk),
        submit="Record the referral",
    )


@login_required
def referral_answer(request, pk: int):
    referral = get_visible_or_404(
        request.user, GainReferral.objects.select_related("plan__threat", "partner"), pk=pk
    )
    plan = referral.plan
    if request.user.organisation_id != referral.partner_id and not services.may_manage(
        request.user, plan.threat
    ):
        raise PermissionDenied("Only the LRO, a supervisor or the partner agency may answer.")
    form = forms.AnswerForm(request.POST or None, initial={"answered_on": timezone.localdate()})
    mine = request.user.organisation_id == referral.partner_id
    return _submit(
        request,
        form,
        lambda d: services.answer_referral(
            actor=request.user,
            referral=referral,
            answer=d["answer"],
            answered_on=d["answered_on"],
            note=d["note"],
        ),
        done=lambda r: f"{r.reference}: {r.get_answer_display().lower()}.",
        then=("plans:mine",) if mine else ("plans:detail", plan.pk),
        title=f"Answer {referral.reference} from {referral.partner}",
        lead=referral.request,
        back=("plans:mine",) if mine else ("plans:detail", plan.pk),
        submit="Record the answer",
    )


@login_required
def plan_review(request, pk: int):
    plan = _managed(request, selectors.plan_detail(request.user, pk))
    form = forms.ReviewForm(request.POST or None)
    return _submit(
        request,
        form,
        lambda d: services.record_review(
            actor=request.user,
            plan=plan,
            progress=d["progress"],
            summary=d["summary"],
            next_review_due=d["next_review_due"],
            held_on=d["held_on"],
        ),
        done=lambda r: f"Review recorded; the next is due {r.next_review_due:%d %b %Y}.",
        then=("plans:detail", plan.pk),
        title=f"Review the plan: {plan.threat.reference} {plan.threat.name}",
        back=("plans:detail", plan.pk),
        submit="Record the review",
    )


# --------------------------------------------------------------------------- lists


@login_required
def action_list(request):
    get = request.GET
    status = get.get("status", "open")
    category = get.get("category", "")
    filters = {
        "category": category if category in FourP.values else "",
        "status": status if status in ("open", "", *ActionStatus.values) else "open",
        "overdue": get.get("overdue") in YES,
        "owner": get.get("owner", "")[:150],
        "force": get.get("force", "")[:120],
        "threat": get.get("threat", "")[:40],
        "mine": get.get("mine") in YES,
    }
    today = timezone.localdate()
    actions, sort = selectors.action_list(
        request.user, **filters, sort=get.get("sort", "due"), today=today
    )
    exported = _export(
        request, "plan-actions", exports.ACTION_HEADER,
        [exports.action_record(a, today) for a in actions],
    )  # fmt: skip
    if exported:
        return exported
    page = paginate(request, actions)
    for action in page.object_list:
        action.is_overdue = rules.is_action_overdue(action.status, action.due_on, today)
    return render(
        request,
        "plans/action_list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": any(v for k, v in filters.items() if k != "status")
            or filters["status"] != "open",
            "sort": sort,
            "fourp": FourP.choices,
            "statuses": ActionStatus.choices,
            "owners": _owners(request.user),
        },
    )


@login_required
def reviews_due(request):
    try:
        within = max(0, min(365, int(request.GET.get("within", 14))))
    except ValueError:
        within = 14
    today = timezone.localdate()
    plans = selectors.reviews_due(
        request.user, within=within, owner=request.GET.get("owner", "")[:120], today=today
    )
    exported = _export(
        request, "plan-reviews-due", exports.REVIEW_HEADER,
        [exports.review_due_record(p, today) for p in plans],
    )  # fmt: skip
    if exported:
        return exported
    page = paginate(request, plans)
    for plan in page.object_list:
        plan.days_overdue = rules.days_overdue(plan.next_review_due, today)
    return render(
        request,
        "plans/reviews_due.html",
        {
            "page": page,
            "within": within,
            "owner": request.GET.get("owner", ""),
            "owners": _owners(request.user),
        },
    )


@login_required
def gap_list(request):
    kind = request.GET.get("gap", "")
    kind = kind if kind in selectors.GAP_KINDS else ""
    owner = request.GET.get("owner", "")[:120]
    sort = request.GET.get("sort", "band")
    sort = sort if sort.lstrip("-") in selectors.GAP_SORTS else "band"
    every = selectors.gaps(request.user, owner=owner, sort=sort)
    rows = [g for g in every if g.kind == kind] if kind else every
    exported = _export(
        request, "plan-gaps", exports.GAP_HEADER, [exports.gap_record(g) for g in rows]
    )
    if exported:
        return exported
    return render(
        request,
        "plans/gaps.html",
        {
            "page": paginate(request, rows),
            "counts": selectors.gap_counts(every),
            "kinds": selectors.GAP_KINDS,
            "kind": kind,
            "owner": owner,
            "owners": _owners(request.user),
            "sort": sort,
            "limit": services.lro_threat_limit(),
        },
    )


@login_required
def workload(request):
    owner = request.GET.get("owner", "")[:120]
    over = request.GET.get("over") in YES
    rows = selectors.lro_workload(request.user, owner=owner, over_only=over)
    exported = _export(
        request, "lro-workload", exports.WORKLOAD_HEADER, [exports.workload_record(r) for r in rows]
    )
    if exported:
        return exported
    return render(
        request,
        "plans/workload.html",
        {
            "page": paginate(request, rows),
            "owner": owner,
            "over": over,
            "owners": _owners(request.user),
            "limit": services.lro_threat_limit(),
        },
    )


@login_required
def mine(request):
    work = selectors.my_work(request.user)
    return render(
        request,
        "plans/mine.html",
        {
            "work": work,
            "is_lro": request.user.has_role(Role.LRO),
            "today": timezone.localdate(),
        },
    )


# --------------------------------------------------------------------------- tasking


def _board(request, slug: str | None = None) -> Organisation:
    boards = services.boards_for(request.user)
    slug = slug or request.GET.get("board", "")
    if slug:
        board = boards.filter(slug=slug).first()
        if board is None:
            raise Http404("No tasking board found.")
        return board
    board = selectors.default_board(request.user)
    if board is None:
        raise Http404("There is no tasking board you can see.")
    return board


@login_required
def tasking(request):
    if not services.boards_for(request.user).exists():
        return render(request, "plans/tasking_none.html", {})
    board = _board(request)
    sort = request.GET.get("sort", "band")
    threats = selectors.board_threats(request.user, board, sort=sort)
    page = paginate(request, threats, per_page=25)
    plans = {
        p.threat_id: p
        for p in selectors.with_counts(
            selectors.plans_visible_to(request.user).filter(
                threat__in=[t.pk for t in page.object_list]
            )
        )
    }
    today = timezone.localdate()
    for threat in page.object_list:
        threat.board_plan = plans.get(threat.pk)
        threat.uncovered = (
            selectors.uncovered_of(threat.board_plan) if threat.board_plan else list(FourP.values)
        )
        due = threat.board_plan.next_review_due if threat.board_plan else None
        threat.review_overdue = bool(rules.days_overdue(due, today))
    proposals = list(selectors.proposals_for(request.user, board, open_only=True))
    for proposal in proposals:
        proposal.may_decide = services.may_decide(request.user, proposal)
    return render(
        request,
        "plans/tasking.html",
        {
            "board": board,
            "boards": services.boards_for(request.user),
            "page": page,
            "sort": sort,
            "adoption": selectors.board_threats(
                request.user, board, statuses=("under_assessment",)
            ),
            "proposals": proposals,
            "decisions": selectors.decisions_for(request.user, board)[:20],
            "may_propose": request.user.has_role(*services.PROPOSERS)
            and not request.user.is_read_only,
        },
    )


@login_required
def tasking_pack(request, slug: str):
    board = _board(request, slug)
    pack = selectors.tasking_pack(request.user, board)
    if request.GET.get("format") == "pdf":
        from socmap.plans.pdf import pack_pdf
        from socmap.web.tables import audit_export, export_filename, exported_by_line

        response = HttpResponse(
            pack_pdf(pack, exported_by=exported_by_line()), content_type="application/pdf"
        )
        return audit_export(
            response, export_filename(f"tasking-pack-{slug}", "pdf"), "pdf", len(pack.threats)
        )
    return render(request, "plans/tasking_pack.html", {"pack": pack, "standalone": True})


@login_required
def propose(request):
    if not request.user.has_role(*services.PROPOSERS) or request.user.is_read_only:
        raise PermissionDenied("Only analysts, LROs and tasking chairs may put proposals.")
    threat_pk = request.POST.get("threat") or request.GET.get("threat")
    try:
        threat = threat_detail(request.user, int(threat_pk or 0))
    except ValueError as wrong:
        raise Http404("No threat found.") from wrong
    boards = services.boards_for(request.user)
    board = selectors.default_board(request.user)
    kind = request.GET.get("kind", "")
    form = forms.ProposalForm(
        request.POST or None,
        user=request.user,
        boards=boards,
        initial={
            "board": board.pk if board else None,
            "kind": kind if kind in ProposalKind.values else "",
        },
    )
    return _submit(
        request,
        form,
        lambda d: services.propose(
            actor=request.user,
            threat=threat,
            board=d["board"],
            kind=d["kind"],
            reason=d["reason"],
            tier=d["tier"],
            owner=d["owner"],
            lro=d["lro"],
            archive_reason=d["archive_reason"],
        ),
        done=lambda p: f"{p.reference} put to the {p.board} tasking meeting.",
        then=lambda p: reverse("plans:tasking") + f"?board={p.board.slug}",
        title=f"Propose to tasking: {threat.reference} {threat.name}",
        lead="Fill in the field that goes with the proposal: the new tier, owner or LRO, or "
        "why it should be archived.",
        back=("threats:detail", threat.pk),
        submit="Put the proposal",
        hidden={"threat": threat.pk},
    )


@login_required
def decide(request, pk: int):
    proposal = selectors.proposal_detail(request.user, pk)
    if not services.may_decide(request.user, proposal):
        raise PermissionDenied(
            f"Only a tasking chair of {proposal.board} may decide what is put to its meeting."
        )
    form = forms.DecisionForm(request.POST or None)
    return _submit(
        request,
        form,
        lambda d: services.decide(
            actor=request.user, proposal=proposal, outcome=d["outcome"], reason=d["reason"]
        ),
        done=lambda d: f"{proposal.reference}: {d.get_outcome_display().lower()}.",
        then=reverse("plans:tasking") + f"?board={proposal.board.slug}",
        title=f"Decide {proposal.reference}: {proposal.threat.reference} {proposal.threat.name}",
        lead=f"Proposed: {proposal.proposed_change}. {proposal.reason}",
        back=("plans:tasking",),
        submit="Record the decision",
    )


# --------------------------------------------------------------------------- briefing


@login_required
def briefing_index(request):
    return render(
        request, "plans/briefing_index.html", {"areas": selectors.briefing_areas(request.user)}
    )


@login_required
def briefing_area(request, pk: int):
    area = LocalArea.objects.select_related("force").filter(pk=pk).first()
    if area is None:
        raise Http404("No local area found.")
    items = selectors.briefing(request.user, area)
    return render(
        request,
        "plans/briefing.html",
        {"area": area, "items": items, "submit": services.intelligence_submission()},
    )
