"""API for organisations, populations and users. Thin: parse, call a selector or a service."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from socmap.errors import InvalidInput
from socmap.orgs import selectors, services
from socmap.orgs.models import Organisation, OrganisationKind, Role, Team, User
from socmap.orgs.scoping import get_visible_or_404, scope_for
from socmap.orgs.uploads import read_uploaded_text

router = Router(tags=["Organisations and users"])


class MeOut(Schema):
    username: str
    name: str
    organisation: str | None
    organisation_kind: str | None
    roles: list[str]
    read_only: bool
    scope: str


class OrganisationOut(Schema):
    name: str
    short_name: str
    slug: str
    kind: str
    region: str | None
    sector: str
    home_force: str | None
    latest_population: int | None = None
    latest_population_year: int | None = None

    @staticmethod
    def resolve_region(obj):
        return obj.region.name if obj.region else None

    @staticmethod
    def resolve_home_force(obj):
        return obj.home_force.name if obj.home_force else None


class RegionOut(Schema):
    name: str
    slug: str
    organisations: list[str]

    @staticmethod
    def resolve_organisations(obj):
        return [o.slug for o in obj.organisations.all()]


class PopulationOut(Schema):
    force: str
    year: int
    population: int
    basis: str
    loaded_at: datetime

    @staticmethod
    def resolve_force(obj):
        return obj.force.name


class PopulationImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rows: int


class UserOut(Schema):
    username: str
    first_name: str
    last_name: str
    email: str
    organisation: str | None
    team: str | None
    job_title: str
    roles: list[str]
    is_active: bool
    last_login: datetime | None

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug if obj.organisation else None

    @staticmethod
    def resolve_team(obj):
        return obj.team.name if obj.team else None

    @staticmethod
    def resolve_roles(obj):
        return sorted(r.code for r in obj.roles.all())


class UserIn(Schema):
    username: str
    email: str
    first_name: str
    last_name: str
    organisation: str
    roles: list[str]
    team: str | None = None
    job_title: str = ""
    password: str | None = None


class NewUserOut(Schema):
    user: UserOut
    temporary_password: str | None


class UserPatch(Schema):
    roles: list[str] | None = None
    team: str | None = None
    job_title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    is_active: bool | None = None
    reason: str = ""


class PasswordOut(Schema):
    temporary_password: str


@router.get("/me", response=MeOut, summary="Who am I, and what may I see")
def me(request):
    user = request.user
    return MeOut(
        username=user.username,
        name=user.display_name,
        organisation=user.organisation.name if user.organisation else None,
        organisation_kind=user.organisation.kind if user.organisation else None,
        roles=sorted(user.role_codes),
        read_only=user.is_read_only,
        scope=scope_for(user).description,
    )


@router.get("/regions", response=list[RegionOut])
def list_regions(request):
    return list(selectors.regions())


@router.get("/organisations", response=list[OrganisationOut])
@paginate(PageNumberPagination, page_size=50)
def list_organisations(request, kind: str = "", region: str = "", q: str = ""):
    if kind and kind not in OrganisationKind.values:
        raise InvalidInput({"kind": [f"Choose one of {', '.join(OrganisationKind.values)}."]})
    return selectors.organisations(kind=kind, region=region, search=q)


@router.get("/organisations/{slug}", response=OrganisationOut)
def get_organisation(request, slug: str):
    return get_object_or_404(selectors.organisations(), slug=slug)


@router.get("/organisations/{slug}/populations", response=list[PopulationOut])
def organisation_populations(request, slug: str):
    force = get_object_or_404(Organisation, slug=slug, kind=OrganisationKind.FORCE)
    return list(selectors.population_figures(force=force))


@router.get("/populations", response=list[PopulationOut])
@paginate(PageNumberPagination, page_size=100)
def list_populations(request, year: int | None = None):
    return selectors.population_figures(year=year)


@router.post(
    "/populations/import",
    response=PopulationImportOut,
    summary="Load population figures from CSV (all rows or none)",
)
def import_populations(
    request,
    file: UploadedFile = File(...),
    year: int | None = Form(None),
    basis: str = Form(""),
):
    text = read_uploaded_text(file)
    rows = services.parse_population_csv(text, default_year=year, default_basis=basis)
    result = services.load_populations(actor=request.user, rows=rows, source_name=file.name)
    return PopulationImportOut(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        rows=result.rows,
    )


@router.get("/users", response=list[UserOut])
@paginate(PageNumberPagination, page_size=50)
def list_users(
    request, role: str = "", organisation: str = "", q: str = "", active: bool | None = None
):
    _require_administrator(request.user)
    if role and role not in Role.CODES:
        raise InvalidInput({"role": [f"Choose one of {', '.join(Role.CODES)}."]})
    return selectors.users_visible_to(
        request.user, role=role, organisation=organisation, search=q, active=active
    )


def _team(organisation: Organisation | None, name: str | None) -> Team | None:
    if not name:
        return None
    team = Team.objects.filter(organisation=organisation, name__iexact=name).first()
    if team is None:
        raise InvalidInput({"team": [f"{organisation} has no team called '{name}'."]})
    return team


@router.post("/users", response={201: NewUserOut})
def create_user(request, payload: UserIn):
    organisation = Organisation.objects.filter(slug=payload.organisation).first()
    if organisation is None:
        raise InvalidInput({"organisation": [f"'{payload.organisation}' is not an organisation."]})
    created = services.create_user(
        actor=request.user,
        username=payload.username,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        organisation=organisation,
        roles=payload.roles,
        team=_team(organisation, payload.team),
        job_title=payload.job_title,
        password=payload.password,
    )
    return Status(201, NewUserOut(user=created.user, temporary_password=created.temporary_password))


def _require_administrator(user) -> None:
    if not user.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied("Only administrators may manage users.")


def _user(request, username: str) -> User:
    _require_administrator(request.user)
    return get_visible_or_404(request.user, User, username__iexact=username)


@router.get("/users/{username}", response=UserOut)
def get_user(request, username: str):
    return _user(request, username)


@router.patch("/users/{username}", response=UserOut)
def update_user(request, username: str, payload: UserPatch):
    user = _user(request, username)
    fields = payload.dict(exclude_unset=True)
    team = "unchanged"
    if "team" in fields:
        team = _team(user.organisation, fields.pop("team"))
    return services.update_user(actor=request.user, user=user, team=team, **fields)


@router.post("/users/{username}/reset-password", response=PasswordOut)
def reset_password(request, username: str):
    user = _user(request, username)
    return PasswordOut(temporary_password=services.reset_password(actor=request.user, user=user))
