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


# --------------------------------------------------------------------------- second factor


def _segno_svg(uri: str) -> str:
    import io

    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out,
        kind="svg",
        scale=4,
        xmldecl=False,
        svgns=True,
        title="QR code for your authenticator app",
    )
    return out.getvalue().decode()


@login_required
def two_factor_page(request):
    """Your second factor: enrol (QR code or secret, then a code), or see that it is on."""
    from base64 import b32encode

    from django.utils.safestring import mark_safe

    from socmap.security import two_factor
    from socmap.security.forms import CodeForm

    user = request.user
    enrolled = two_factor.has_second_factor(user)
    context = {"enrolled": enrolled, "required": two_factor.is_required(user)}
    if not enrolled:
        device = two_factor.pending_device(user)
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                codes = two_factor.enrol(user=user, code=form.cleaned_data["code"])
            except InvalidInput as invalid:
                _apply(form, invalid)
            else:
                from django_otp import login as otp_login

                otp_login(request, two_factor.confirmed_device(user))
                return render(request, "security/recovery_codes.html", {"codes": codes})
        secret = b32encode(device.bin_key).decode().rstrip("=")
        context.update(
            form=form,
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            qr=mark_safe(_segno_svg(device.config_url)),  # noqa: S308  (segno's own SVG)
        )
    return render(
        request,
        "security/two_factor.html",
        context,
        status=400 if context.get("form") is not None and context["form"].errors else 200,
    )


@login_required
def two_factor_verify(request):
    from django_otp import login as otp_login

    from socmap.security import two_factor
    from socmap.security.forms import CodeForm

    if not two_factor.has_second_factor(request.user) or request.user.is_verified():
        return redirect(_safe_next(request, request.GET.get("next", ""), "/"))
    form = CodeForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify(user=request.user, code=form.cleaned_data["code"])
        except InvalidInput as invalid:
            _apply(form, invalid)
        else:
            otp_login(request, device)
            return redirect(_safe_next(request, form.cleaned_data["next"], "/"))
    return render(
        request,
        "security/two_factor_verify.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes answers while a username or an address is locked out (429)."""
    from django.conf import settings

    minutes = int(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "security/locked_out.html", {"minutes": minutes}, status=429)


@login_required
def user_security(request, username: str):
    """An administrator's view of a user's sign-in security: lockout, second factor."""
    from socmap.orgs.models import User
    from socmap.security import two_factor
    from socmap.security.forms import AdminReasonForm

    if not request.user.has_role("administrator"):
        raise PermissionDenied("Only administrators may manage sign-in security.")
    user = get_visible_or_404(
        request.user, User.objects.select_related("organisation"), username__iexact=username
    )
    form = AdminReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "unlock":
                two_factor.unlock(actor=request.user, user=user, reason=form.cleaned_data["reason"])
                messages.success(request, f"{user.username} may sign in again.")
            elif action == "reset":
                two_factor.reset_second_factor(
                    actor=request.user, user=user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"{user.username} will set up a second factor again.")
            else:
                raise InvalidInput("Choose to unlock the account or reset its second factor.")
        except InvalidInput as invalid:
            _apply(form, invalid)
        else:
            return redirect("security:user", username=user.username)
    return render(
        request,
        "security/user_security.html",
        {
            "subject": user,
            "form": form,
            "locked": two_factor.is_locked_out(user),
            "enrolled": two_factor.has_second_factor(user),
            "required": two_factor.is_required(user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def requirements(request):
    """Administrators require a second factor for their organisation, or a role in it."""
    from socmap.orgs.scoping import ScopeLevel, scope_for
    from socmap.security import two_factor
    from socmap.security.forms import RequirementForm
    from socmap.security.models import TwoFactorRequirement

    if not request.user.has_role("administrator"):
        raise PermissionDenied("Only administrators may set second-factor requirements.")
    national = scope_for(request.user).level == ScopeLevel.NATIONAL
    rows = TwoFactorRequirement.objects.select_related("organisation")
    if not national:
        rows = rows.filter(organisation_id=request.user.organisation_id)
    form = RequirementForm(request.POST or None)
    if request.method == "POST":
        drop = request.POST.get("drop")
        try:
            if drop:
                two_factor.drop_requirement(
                    actor=request.user, requirement=get_object_or_404(rows, pk=drop)
                )
            elif form.is_valid():
                two_factor.require_second_factor(
                    actor=request.user,
                    organisation=request.user.organisation,
                    role=form.cleaned_data["role"],
                )
        except InvalidInput as invalid:
            _apply(form, invalid)
        else:
            if drop or form.is_valid():
                return redirect("security:two-factor-requirements")
    return render(
        request,
        "security/requirements.html",
        {"rows": rows, "form": form},
        status=400 if form.errors else 200,
    )
