"""Pages for restricting records and for giving the reason to open a restricted one. Thin:
parse the request, call a service, render."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from socmap.errors import InvalidInput
from socmap.orgs.models import Restriction
from socmap.orgs.scoping import get_visible_or_404, restriction_of, visible_to
from socmap.security import reads, services
from socmap.security.forms import ChangeRestrictionForm, LiftForm, ReasonForm, RestrictForm


def _record(request, record_type: str, pk: int):
    try:
        model = apps.get_model(record_type)
    except (LookupError, ValueError) as unknown:
        raise Http404("No such record.") from unknown
    if not getattr(model, "scope_owner", None):
        raise Http404("No such record.")
    return get_visible_or_404(request.user, model, pk=pk)


def _record_url(record) -> str:
    from django.urls import NoReverseMatch, reverse

    names = {"threats.threat": "threats:detail", "intel.intelligencereport": "intel:report"}
    try:
        return reverse(names[record._meta.label_lower], args=[record.pk])
    except (KeyError, NoReverseMatch):
        return reverse("dashboard")


def _lift_url(record) -> str:
    from django.urls import reverse

    return reverse("security:lift", args=[record._meta.label_lower, record.pk])


def _apply(form, error: InvalidInput) -> None:
    for field, problems in error.field_errors.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _safe_next(request, value: str, fallback: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return fallback


@login_required
def access_reason(request, record_type: str, pk: int):
    """The interstitial: say why before a restricted record opens."""
    record = _record(request, record_type, pk)
    restriction = restriction_of(record)
    fallback = _record_url(record)
    if restriction is None:
        return redirect(fallback)
    form = ReasonForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        try:
            reason = services.record_access_reason(
                actor=request.user, record=record, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as invalid:
            _apply(form, invalid)
        else:
            reads.remember_reason(request, record, reason)
            return redirect(_safe_next(request, form.cleaned_data["next"], fallback))
    return render(
        request,
        "security/access_reason.html",
        {"record": record, "restriction": restriction, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def restrict(request, record_type: str, pk: int):
    record = _record(request, record_type, pk)
    if not services.restrictable(type(record)):
        raise Http404("This kind of record cannot be restricted on its own.")
    if not services.may_restrict(request.user, record):
        raise PermissionDenied("You may not restrict this record.")
    owner = services._owner(record)
    form = RestrictForm(request.POST or None, user=request.user, organisation=owner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.restrict_record(
                actor=request.user,
                record=record,
                name=data["name"],
                people=data["people"],
                teams=data["teams"],
                reason=data["reason"],
            )
        except InvalidInput as invalid:
            _apply(form, invalid)
        else:
            reads.remember_reason(request, record, data["reason"])
            messages.success(request, f"{record} is now restricted.")
            return redirect(_record_url(record))
    return render(
        request,
        "security/restrict.html",
        {"record": record, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def restriction_list(request):
    """The restrictions the user is named in, and those their organisation's administrators
    look after (names and people only: the records stay hidden from who is not named)."""
    inside = visible_to(request.user, Restriction.objects.all()).filter(
        pk__in=reads.permitted_restrictions(request.user)
    )
    managed = Restriction.objects.none()
    if request.user.has_role("administrator"):
        managed = Restriction.objects.filter(owner_id=request.user.organisation_id)
    rows = (inside | managed).distinct().select_related("owner").prefetch_related("people", "teams")
    return render(request, "security/restriction_list.html", {"restrictions": rows})


@login_required
def restriction_detail(request, pk: int):
    restriction = get_object_or_404(Restriction.objects.select_related("owner"), pk=pk)
    if not services.may_manage(request.user, restriction) and not services.is_inside(
        request.user, restriction
    ):
        raise Http404("No restriction found.")
    may_manage = services.may_manage(request.user, restriction)
    form = ChangeRestrictionForm(
        request.POST or None,
        user=request.user,
        organisation=restriction.owner,
        initial={"people": restriction.people.all(), "teams": restriction.teams.all()},
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("You may not change this restriction.")
        if form.is_valid():
            try:
                services.change_restriction(
                    actor=request.user,
                    restriction=restriction,
                    reason=form.cleaned_data["reason"],
                    people=form.cleaned_data["people"],
                    teams=form.cleaned_data["teams"],
                )
            except InvalidInput as invalid:
                _apply(form, invalid)
            else:
                messages.success(request, f"Who may see {restriction.name} has changed.")
                return redirect("security:restriction", pk=restriction.pk)
    records = [
        r
        for r in services.records_under(restriction)
        if visible_to(request.user, type(r).objects.filter(pk=r.pk)).exists()
    ]
    return render(
        request,
        "security/restriction_detail.html",
        {
            "restriction": restriction,
            "form": form,
            "may_manage": may_manage,
            "records": [(r, _record_url(r), _lift_url(r)) for r in records],
        },
        status=400 if form.errors else 200,
    )


@login_required
def lift(request, record_type: str, pk: int):
    record = _record(request, record_type, pk)
    restriction = getattr(record, "restriction", None)
    if restriction is None:
        raise Http404("This record is not restricted.")
    if not services.may_manage(request.user, restriction):
        raise PermissionDenied("You may not lift this restriction.")
    form = LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lift_restriction(
                actor=request.user, record=record, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as invalid:
            _apply(form, invalid)
        else:
            messages.success(request, f"{record} is no longer restricted.")
            return redirect(_record_url(record))
    return render(
        request,
        "security/lift.html",
        {"record": record, "restriction": restriction, "form": form},
        status=400 if form.errors else 200,
    )
