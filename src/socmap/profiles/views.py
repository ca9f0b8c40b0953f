"""Pages for local profiles and the control strategy. Thin: parse, call a selector or a
service, render. A record outside the user's scope answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from socmap.errors import InvalidInput
from socmap.orgs.services import share_record
from socmap.profiles import exports, forms, selectors, services
from socmap.profiles.models import Priority
from socmap.web.tables import paginate


def _apply(form, error: InvalidInput) -> None:
    for field, texts in error.field_errors.items():
        name = field.replace("sections.", "section_")
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


def may_edit(user) -> bool:
    return (
        user.has_role(*services.EDITORS)
        and not user.is_read_only
        and not selectors.is_partner(user)
    )


def may_keep_strategy(user) -> bool:
    return (
        user.has_role(*services.STRATEGY_EDITORS)
        and not user.is_read_only
        and not selectors.is_partner(user)
    )


def _number(raw) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError as wrong:
        raise Http404("No such version.") from wrong


# --------------------------------------------------------------------------- profiles


@login_required
def profile_list(request):
    search = request.GET.get("q", "")
    page = paginate(request, selectors.profile_list(request.user, search=search), per_page=25)
    return render(
        request,
        "profiles/profile_list.html",
        {"page": page, "search": search, "may_edit": may_edit(request.user)},
    )


@login_required
def profile_new(request):
    if not may_edit(request.user):
        raise PermissionDenied("Only analysts, tasking chairs and performance leads may do that.")
    form = forms.ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile = services.create_profile(
                actor=request.user,
                area_kind=data["area_kind"],
                force=data["force"],
                local_area=data["local_area"],
                region=data["region"],
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except InvalidInput as error:
            _apply(form, error)
        else:
            messages.success(request, f"{profile.reference} generated as version 1.")
            return redirect("profiles:detail", profile.pk)
    return render(request, "profiles/profile_form.html", {"form": form})


def _edition(request, pk: int, number=None):
    profile = selectors.profile_detail(request.user, pk)
    return selectors.edition(
        request.user, profile, _number(number), requested=request.GET.get("edition", "")
    )


@login_required
def profile_detail(request, pk: int, number: int | None = None):
    edition = _edition(request, pk, number)
    profile = edition.profile
    versions = selectors.versions_of(request.user, profile).order_by("-number")
    context = {
        "edition": edition,
        "profile": profile,
        "blocks": exports.blocks(edition),
        "versions": versions,
        "is_latest": edition.version.number == profile.version,
        "may_edit": may_edit(request.user) and not edition.is_partner,
        "share_form": forms.ShareForm() if may_edit(request.user) else None,
        "diff": selectors.version_diff(request.user, profile, edition.version.number)
        if edition.version.number > 1
        else None,
    }
    return render(request, "profiles/profile_detail.html", context)


@login_required
def profile_edit(request, pk: int):
    if not may_edit(request.user):
        raise PermissionDenied("Only analysts, tasking chairs and performance leads may do that.")
    profile = selectors.profile_detail(request.user, pk)
    latest = selectors.version_of(request.user, profile)
    initial = {"version": profile.version, "title": profile.title}
    initial.update({f"section_{k}": v for k, v in latest.sections.items()})
    form = forms.EditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            version = services.edit_profile(
                actor=request.user,
                profile=profile,
                base_version=form.cleaned_data["version"],
                sections=form.sections(),
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
            )
        except services.EditConflict as error:
            conflict = error.field_errors["version"][0]
        except InvalidInput as error:
            _apply(form, error)
        else:
            messages.success(request, f"Saved as version {version.number}.")
            return redirect("profiles:detail", profile.pk)
    status = 409 if conflict else 200
    return render(
        request,
        "profiles/profile_edit.html",
        {"form": form, "profile": profile, "conflict": conflict},
        status=status,
    )


@login_required
@require_POST
def profile_regenerate(request, pk: int):
    profile = selectors.profile_detail(request.user, pk)
    try:
        version = services.regenerate_profile(
            actor=request.user, profile=profile, base_version=request.POST.get("version")
        )
    except InvalidInput as error:
        messages.error(request, error.summary())
    else:
        messages.success(
            request, f"Figures drawn again from today's data: version {version.number}."
        )
    return redirect("profiles:detail", profile.pk)


@login_required
def profile_export(request, pk: int):
    edition = _edition(request, pk, request.GET.get("version"))
    try:
        return exports.download(edition, request.GET.get("format", "pdf"))
    except InvalidInput as error:
        return HttpResponse(error.summary(), status=400, content_type="text/plain")


@login_required
@require_POST
def profile_share(request, pk: int):
    profile = selectors.profile_detail(request.user, pk)
    form = forms.ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the partner agency to share the partner edition with.")
        return redirect("profiles:detail", profile.pk)
    try:
        share_record(
            actor=request.user,
            record=profile,
            organisation=form.cleaned_data["organisation"],
            conditions=form.cleaned_data["conditions"],
        )
    except InvalidInput as error:
        messages.error(request, error.summary())
    else:
        messages.success(
            request, f"{form.cleaned_data['organisation']} now sees the partner edition."
        )
    return redirect("profiles:detail", profile.pk)


# --------------------------------------------------------------------------- control strategy


@login_required
def strategy_list(request):
    year = request.GET.get("year", "")
    try:
        year_value = int(year) if year else None
    except ValueError:
        year_value = None
        messages.error(request, f"'{year}' is not a year.")
    qs = selectors.assessment_list(
        request.user, year=year_value, sort=request.GET.get("sort", "year")
    )
    page = paginate(request, qs, per_page=25)
    rows = selectors.with_review_state(page.object_list)
    return render(
        request,
        "profiles/strategy_list.html",
        {"page": page, "rows": rows, "year": year, "may_edit": may_keep_strategy(request.user)},
    )


@login_required
def strategy_new(request):
    if not may_keep_strategy(request.user):
        raise PermissionDenied("Only tasking chairs and analysts may record strategic assessments.")
    form = forms.AssessmentForm(
        request.POST or None,
        user=request.user,
        initial={"owner": request.user.organisation_id, "year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.record_assessment(actor=request.user, **form.cleaned_data)
        except InvalidInput as error:
            _apply(form, error)
        else:
            messages.success(request, f"{assessment} recorded.")
            return redirect("strategy:detail", assessment.pk)
    return render(request, "profiles/strategy_form.html", {"form": form, "editing": None})


@login_required
def strategy_detail(request, pk: int):
    assessment = selectors.assessment_detail(request.user, pk)
    priorities = list(selectors.priorities_of(request.user, assessment))
    today = timezone.localdate()
    for p in priorities:
        p.current = p.is_current(today)
        p.threat_visible = selectors.named_threat_visible(request.user, p)
    editable = may_keep_strategy(request.user)
    return render(
        request,
        "profiles/strategy_detail.html",
        {
            "assessment": assessment,
            "current": [p for p in priorities if p.current],
            "ended": [p for p in priorities if not p.current],
            "may_edit": editable,
            "priority_form": forms.PriorityForm(user=request.user, assessment=assessment)
            if editable
            else None,
            "review_form": forms.ReviewForm() if editable and not assessment.last_review else None,
        },
    )


@login_required
def strategy_edit(request, pk: int):
    if not may_keep_strategy(request.user):
        raise PermissionDenied("Only tasking chairs and analysts may change strategic assessments.")
    assessment = selectors.assessment_detail(request.user, pk)
    form = forms.AssessmentEditForm(
        request.POST or None,
        initial={
            "title": assessment.title,
            "summary": assessment.summary,
            "intelligence_requirement": assessment.intelligence_requirement,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.update_assessment(
                actor=request.user, assessment=assessment, reason=reason, **data
            )
        except InvalidInput as error:
            _apply(form, error)
        else:
            messages.success(request, "Strategic assessment saved.")
            return redirect("strategy:detail", assessment.pk)
    return render(request, "profiles/strategy_form.html", {"form": form, "editing": assessment})


@login_required
@require_POST
def priority_add(request, pk: int):
    assessment = selectors.assessment_detail(request.user, pk)
    form = forms.PriorityForm(request.POST, user=request.user, assessment=assessment)
    if not form.is_valid():
        messages.error(
            request,
            "Check the priority: "
            + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
        )
        return redirect("strategy:detail", assessment.pk)
    data = form.cleaned_data
    try:
        services.add_priority(
            actor=request.user,
            assessment=assessment,
            kind=data["kind"],
            crime_type=data["crime_type"],
            local_area=data["local_area"],
            force_area=data["force_area"],
            threat=form.threat_object(),
            rationale=data["rationale"],
            added_on=data["added_on"],
        )
    except InvalidInput as error:
        messages.error(request, error.summary())
    else:
        messages.success(request, "Priority added to the control strategy.")
    return redirect("strategy:detail", assessment.pk)


@login_required
@require_POST
def priority_remove(request, pk: int):
    from socmap.orgs.scoping import get_visible_or_404

    priority = get_visible_or_404(
        request.user, Priority.objects.select_related("assessment__owner"), pk=pk
    )
    form = forms.RemovePriorityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the priority ends.")
        return redirect("strategy:detail", priority.assessment_id)
    try:
        services.remove_priority(
            actor=request.user,
            priority=priority,
            removed_on=form.cleaned_data["removed_on"],
            reason=form.cleaned_data["reason"],
        )
    except InvalidInput as error:
        messages.error(request, error.summary())
    else:
        messages.success(request, "Priority ended; it stays on record with its dates.")
    return redirect("strategy:detail", priority.assessment_id)


@login_required
@require_POST
def strategy_review(request, pk: int):
    assessment = selectors.assessment_detail(request.user, pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what the six-month review found.")
        return redirect("strategy:detail", assessment.pk)
    try:
        services.record_review(actor=request.user, assessment=assessment, **form.cleaned_data)
    except InvalidInput as error:
        messages.error(request, error.summary())
    else:
        messages.success(request, "Six-month review recorded.")
    return redirect("strategy:detail", assessment.pk)
