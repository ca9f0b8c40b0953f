"""Pages for organisations, populations, users and the user's own account. Thin: parse the
request, call a selector or a service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from socmap.errors import ImportRejected, InvalidInput
from socmap.orgs import selectors, services
from socmap.orgs.models import Organisation, OrganisationKind, Role, Team, User
from socmap.orgs.scoping import get_visible_or_404, scope_for
from socmap.orgs.uploads import read_uploaded_text
from socmap.web.tables import csv_response, paginate, sorted_by


def _apply_errors(form: forms.Form, error: InvalidInput) -> None:
    for field, messages_ in error.field_errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


# --------------------------------------------------------------------------- organisations

ORGANISATION_SORTS = {
    "name": "name",
    "kind": "kind",
    "region": "region__name",
    "population": "latest_population",
}


@login_required
def organisation_list(request):
    kind = request.GET.get("kind", "")
    region = request.GET.get("region", "")
    search = request.GET.get("q", "").strip()[:100]
    if kind not in OrganisationKind.values:
        kind = ""
    qs = selectors.organisations(kind=kind, region=region, search=search)
    qs, sort = sorted_by(request, qs, ORGANISATION_SORTS, "region")
    if request.GET.get("format") == "csv":
        return csv_response(
            "organisations",
            ["Name", "Short name", "Kind", "Region", "Sector", "Latest population", "Year"],
            (
                [
                    o.name,
                    o.short_name,
                    o.get_kind_display(),
                    o.region or "",
                    o.get_sector_display(),
                    o.latest_population or "",
                    o.latest_population_year or "",
                ]
                for o in qs
            ),
        )
    return render(
        request,
        "orgs/organisation_list.html",
        {
            "page": paginate(request, qs),
            "kinds": OrganisationKind.choices,
            "regions": selectors.regions(),
            "kind": kind,
            "region": region,
            "q": search,
            "sort": sort,
        },
    )


@login_required
def organisation_detail(request, slug):
    organisation = get_object_or_404(selectors.organisations(), slug=slug)
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "organisation": organisation,
            "figures": selectors.population_figures(force=organisation)
            if organisation.is_force
            else [],
            "partners": organisation.local_partners.order_by("name"),
            "teams": organisation.teams.all() if _may_manage(request.user, organisation) else [],
        },
    )


def _may_manage(user, organisation: Organisation) -> bool:
    """Administrators see the teams of their own organisation (national ones: of any)."""
    return user.has_role(Role.ADMINISTRATOR) and (
        user.organisation_id == organisation.pk or scope_for(user).level == "national"
    )


# --------------------------------------------------------------------------- populations


class PopulationUploadForm(forms.Form):
    file = forms.FileField(
        label="Population table (CSV)",
        help_text="Columns: force, year, population, basis. One row per force and year.",
    )
    year = forms.IntegerField(
        required=False, min_value=1971, label="Year (if the file has no year column)"
    )
    basis = forms.CharField(
        required=False,
        max_length=200,
        label="Basis (if the file has no basis column)",
        help_text="For example 'ONS mid-2021 estimate'.",
    )


def _may_load_populations(user) -> bool:
    return user.has_role(Role.ADMINISTRATOR, Role.PERFORMANCE_LEAD) and not user.is_read_only


@login_required
def population_list(request):
    years = selectors.population_years()
    try:
        year = int(request.GET.get("year", "")) if request.GET.get("year") else None
    except ValueError:
        year = None
    figures = selectors.population_figures(year=year)
    if request.GET.get("format") == "csv":
        return csv_response(
            "populations",
            ["force", "year", "population", "basis"],
            ([f.force.name, f.year, f.population, f.basis] for f in figures),
        )
    return render(
        request,
        "orgs/population_list.html",
        {
            "page": paginate(request, figures, per_page=100),
            "years": years,
            "year": year,
            "form": PopulationUploadForm() if _may_load_populations(request.user) else None,
        },
    )


@login_required
def population_import(request):
    if not _may_load_populations(request.user):
        raise PermissionDenied("Only administrators and performance leads may load populations.")
    posted = request.method == "POST"
    form = PopulationUploadForm(request.POST if posted else None, request.FILES if posted else None)
    row_errors, result = [], None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = services.parse_population_csv(
                read_uploaded_text(upload),
                default_year=form.cleaned_data["year"],
                default_basis=form.cleaned_data["basis"] or "",
            )
            result = services.load_populations(
                actor=request.user, rows=rows, source_name=upload.name
            )
        except ImportRejected as rejected:
            row_errors = rejected.row_errors
            form.add_error(None, str(rejected))
        else:
            messages.success(
                request,
                f"Loaded {result.rows} rows: {result.created} new, {result.updated} corrected, "
                f"{result.unchanged} unchanged.",
            )
            return redirect("orgs:population-list")
    return render(
        request,
        "orgs/population_import.html",
        {"form": form, "row_errors": row_errors},
        status=400 if row_errors or form.errors else 200,
    )


# --------------------------------------------------------------------------- users


def _require_administrator(user) -> None:
    if not user.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied("Only administrators may manage users.")


class UserForm(forms.Form):
    username = forms.CharField(max_length=150, label="Log-in name")
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address")
    job_title = forms.CharField(max_length=120, required=False)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    roles = forms.MultipleChoiceField(
        choices=Role.CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, administrator, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = (
            Organisation.objects.all()
            if scope_for(administrator).level == "national"
            else Organisation.objects.filter(pk=administrator.organisation_id)
        )
        self.fields["organisation"].queryset = allowed.order_by("name")
        self.fields["organisation"].initial = administrator.organisation_id
        self.fields["team"].queryset = Team.objects.filter(organisation__in=allowed)


class UserEditForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address")
    job_title = forms.CharField(max_length=120, required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    roles = forms.MultipleChoiceField(
        choices=Role.CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    is_active = forms.BooleanField(required=False, label="May log in")
    reason = forms.CharField(
        required=False, max_length=500, label="Reason for the change (kept in the audit trail)"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organisation=user.organisation)


USER_SORTS = {
    "name": "last_name",
    "username": "username",
    "organisation": "organisation__name",
    "last_login": "last_login",
}


@login_required
def user_list(request):
    _require_administrator(request.user)
    role = request.GET.get("role", "")
    search = request.GET.get("q", "").strip()[:100]
    users = selectors.users_visible_to(
        request.user, role=role if role in Role.CODES else "", search=search
    )
    users, sort = sorted_by(request, users, USER_SORTS, "name")
    if request.GET.get("format") == "csv":
        return csv_response(
            "users",
            ["username", "first_name", "last_name", "email", "organisation", "roles", "active"],
            (
                [
                    u.username,
                    u.first_name,
                    u.last_name,
                    u.email,
                    u.organisation,
                    " ".join(sorted(r.code for r in u.roles.all())),
                    u.is_active,
                ]
                for u in users
            ),
        )
    return render(
        request,
        "orgs/user_list.html",
        {
            "page": paginate(request, users),
            "roles": Role.CHOICES,
            "role": role,
            "q": search,
            "sort": sort,
        },
    )


@never_cache
@login_required
def user_create(request):
    _require_administrator(request.user)
    form = UserForm(request.POST or None, administrator=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_user(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                organisation=data["organisation"],
                roles=data["roles"],
                team=data["team"],
                job_title=data["job_title"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            return render(
                request,
                "orgs/user_created.html",
                {"new_user": created.user, "temporary_password": created.temporary_password},
            )
    return render(
        request, "orgs/user_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def user_detail(request, username):
    _require_administrator(request.user)
    user = get_visible_or_404(
        request.user,
        User.objects.select_related("organisation", "team"),
        username__iexact=username,
    )
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "team": user.team,
        "roles": sorted(user.role_codes),
        "is_active": user.is_active,
    }
    form = UserEditForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_user(
                actor=request.user,
                user=user,
                roles=data["roles"],
                team=data["team"],
                job_title=data["job_title"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                is_active=data["is_active"],
                reason=data["reason"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{user.display_name} has been updated.")
            return redirect("orgs:user-detail", username=user.username)
    return render(
        request,
        "orgs/user_detail.html",
        {"subject": user, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_POST
def user_reset_password(request, username):
    _require_administrator(request.user)
    user = get_visible_or_404(request.user, User, username__iexact=username)
    temporary = services.reset_password(actor=request.user, user=user)
    return render(
        request,
        "orgs/user_created.html",
        {"new_user": user, "temporary_password": temporary, "reset": True},
    )


# --------------------------------------------------------------------------- own account


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=80, label="What the token is for")
    days = forms.IntegerField(min_value=1, max_value=366, initial=90, label="Valid for (days)")


@never_cache
@login_required
def account(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_token = services.create_api_token(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "orgs/account.html",
        {
            "scope": scope_for(request.user),
            "roles": sorted(request.user.roles.all(), key=lambda r: r.label),
            "tokens": request.user.api_tokens.all(),
            "form": form,
            "new_token": new_token,
        },
    )
