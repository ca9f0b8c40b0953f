"""API for threats: the prioritised list, mapping (with a first assessment), details,
lifecycle, membership, the overdue list and the figures. Thin: parse, call a selector or a
service. Records outside the user's scope answer 404."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Router, Schema
from ninja import Status as Reply
from ninja.pagination import PageNumberPagination, paginate

from socmap.errors import InvalidInput
from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, User
from socmap.orgs.scoping import visible_to
from socmap.orgs.selectors import users_visible_to
from socmap.people.models import Nominal
from socmap.scoring.selectors import overdue_reassessments
from socmap.scoring.services import methodology_version
from socmap.threats import selectors, services
from socmap.threats.models import CrimeType, Membership, Status, Threat, ThreatKind

router = Router(tags=["Threats"])


# --------------------------------------------------------------------------- schemas


class CrimeTypeOut(Schema):
    code: str
    name: str
    description: str
    is_active: bool


class ThreatOut(Schema):
    id: int
    version: int  # send it back when you change the record: a stale one answers 409
    reference: str
    name: str
    kind: str
    owner: str
    tier: str
    status: str
    archive_reason: str
    predominant_crime_type: str
    band: str
    score: Decimal | None
    methodology: str
    lro: str | None
    sro: str | None
    operation_names: list[str]
    last_assessed_at: datetime | None
    reassessment_due: date | None
    reassessment_requested: bool
    overdue: bool

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_predominant_crime_type(obj):
        return obj.predominant_crime_type_id

    @staticmethod
    def resolve_band(obj):
        return obj.current_band

    @staticmethod
    def resolve_score(obj):
        return obj.current_score

    @staticmethod
    def resolve_methodology(obj):
        return obj.current_methodology

    @staticmethod
    def resolve_lro(obj):
        return obj.lro.username if obj.lro else None

    @staticmethod
    def resolve_sro(obj):
        return obj.sro.username if obj.sro else None

    @staticmethod
    def resolve_overdue(obj):
        return bool(selectors.overdue_reason(obj))


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    archive_reason: str
    reason: str
    at: datetime
    by: str | None

    @staticmethod
    def resolve_by(obj):
        return obj.by.username if obj.by else None


class MemberOut(Schema):
    id: int
    nominal_id: int
    name: str
    role: str
    joined_on: date | None
    left_on: date | None
    notes: str


class ContributionOut(Schema):
    attribute: str
    label: str
    answer: str
    answer_label: str
    contribution: str
    of_maximum: str


class ThreatDetailOut(ThreatOut):
    description: str
    other_crime_types: list[str]
    forces: list[str]
    local_areas: list[str]
    subject: int | None
    merged_into: int | None
    overdue_reason: str
    status_changes: list[StatusChangeOut]
    why: list[ContributionOut]

    @staticmethod
    def resolve_other_crime_types(obj):
        return [c.code for c in obj.other_crime_types.all()]

    @staticmethod
    def resolve_forces(obj):
        return [f.slug for f in obj.forces.all()]

    @staticmethod
    def resolve_local_areas(obj):
        return [str(a) for a in obj.local_areas.all()]

    @staticmethod
    def resolve_subject(obj):
        return obj.subject_id

    @staticmethod
    def resolve_merged_into(obj):
        return obj.merged_into_id

    @staticmethod
    def resolve_overdue_reason(obj):
        return selectors.overdue_reason(obj)

    @staticmethod
    def resolve_status_changes(obj):
        return list(obj.status_changes.all())

    @staticmethod
    def resolve_why(obj):
        latest = obj.assessments.order_by("-assessed_at", "-id").first()
        if latest is None:
            return []
        return sorted(latest.contributions, key=lambda c: -Decimal(str(c["contribution"])))


class ThreatIn(Schema):
    kind: str
    name: str
    predominant_crime_type: str
    owner: str | None = None
    tier: str = "local"
    description: str = ""
    other_crime_types: list[str] = []
    forces: list[str] = []
    local_areas: list[int] = []
    subject: int | None = None
    operation_names: list[str] = []
    lro: str | None = None
    sro: str | None = None
    status: str = Status.UNDER_ASSESSMENT
    methodology: str | None = None
    inputs: dict[str, str] = {}
    judged_by: dict[str, str] = {}
    rationale: str = ""


class ThreatPatch(Schema):
    version: int | None = None  # the version you read; if it changed since, 409
    name: str | None = None
    description: str | None = None
    tier: str | None = None
    predominant_crime_type: str | None = None
    other_crime_types: list[str] | None = None
    forces: list[str] | None = None
    local_areas: list[int] | None = None
    subject: int | None = None
    operation_names: list[str] | None = None
    lro: str | None = None
    sro: str | None = None
    reason: str = ""


class StatusIn(Schema):
    to_status: str
    version: int | None = None  # the version you read; if it changed since, 409
    reason: str = ""
    archive_reason: str = ""
    merged_into: int | None = None


class MemberIn(Schema):
    nominal: int
    role: str
    joined_on: date | None = None
    notes: str = ""


class EndMemberIn(Schema):
    left_on: date
    reason: str = ""


class OverdueOut(ThreatOut):
    why: str

    @staticmethod
    def resolve_why(obj):
        return selectors.overdue_reason(obj)


class AreaRateOut(Schema):
    name: str
    slug: str
    threats: int
    population: int | None
    population_year: str
    per_million: Decimal | None


class CrimeTypeShareOut(Schema):
    code: str
    name: str
    threats: int
    share: float


class BandCountOut(Schema):
    methodology: str
    band: str
    threats: int


class FiguresOut(Schema):
    status: str
    forces: list[AreaRateOut]
    regions: list[AreaRateOut]
    crime_types: list[CrimeTypeShareOut]
    bands: list[BandCountOut]


# --------------------------------------------------------------------------- look-ups


def _crime_type(code: str, field: str) -> CrimeType:
    found = CrimeType.objects.filter(pk=code).first()
    if found is None:
        raise InvalidInput({field: [f"'{code}' is not a crime type code."]})
    return found


def _crime_types(codes: list[str], field: str) -> list[CrimeType]:
    found = {c.pk: c for c in CrimeType.objects.filter(pk__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise InvalidInput({field: [f"Not crime type codes: {', '.join(unknown)}."]})
    return [found[c] for c in codes]


def _forces(slugs: list[str]) -> list[Organisation]:
    found = {
        o.slug: o for o in Organisation.objects.filter(slug__in=slugs, kind=OrganisationKind.FORCE)
    }
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise InvalidInput({"forces": [f"Not forces: {', '.join(unknown)}."]})
    return [found[s] for s in slugs]


def _local_areas(ids: list[int]) -> list[LocalArea]:
    found = {a.pk: a for a in LocalArea.objects.filter(pk__in=ids).select_related("force")}
    unknown = [str(i) for i in ids if i not in found]
    if unknown:
        raise InvalidInput({"local_areas": [f"No local areas with ids {', '.join(unknown)}."]})
    return [found[i] for i in ids]


def _user(request, username: str | None, field: str) -> User | None:
    if not username:
        return None
    found = users_visible_to(request.user).filter(username__iexact=username).first()
    if found is None:
        raise InvalidInput({field: [f"There is no user '{username}' that you can see."]})
    return found


def _officer(request, username: str | None, field: str) -> User | None:
    """An LRO or SRO: a user the caller may see, or an officer of a partner agency of their
    region (see ``selectors.officer_candidates``)."""
    if not username:
        return None
    found = selectors.officer_candidates(request.user).filter(username__iexact=username).first()
    if found is None:
        raise InvalidInput(
            {field: [f"There is no active user '{username}' you may name as an officer."]}
        )
    return found


def _nominal(request, pk: int | None, field: str) -> Nominal | None:
    if pk is None:
        return None
    found = visible_to(request.user, Nominal.objects.filter(pk=pk)).first()
    if found is None:
        raise InvalidInput({field: [f"There is no person with id {pk} that you can see."]})
    return found


def _threat(request, pk: int) -> Threat:
    return selectors.threat_detail(request.user, pk)


# --------------------------------------------------------------------------- routes


@router.get("/crime-types", response=list[CrimeTypeOut], summary="The crime type list")
def list_crime_types(request):
    return list(CrimeType.objects.all())


@router.get(
    "/overdue",
    response=list[OverdueOut],
    summary="Active threats overdue for re-assessment, with why",
)
@paginate(PageNumberPagination, page_size=50)
def list_overdue(request):
    return overdue_reassessments(request.user)


@router.get(
    "/figures",
    response=FiguresOut,
    summary="Threats per million population (with population years), crime types, bands",
)
def figures(request, status: str = Status.ACTIVE, year: int | None = None):
    if status not in Status.values:
        raise InvalidInput({"status": [f"Choose one of {', '.join(Status.values)}."]})
    forces, regions = selectors.threats_per_million(request.user, year=year, status=status)
    return FiguresOut(
        status=status,
        forces=[AreaRateOut(**r.__dict__) for r in forces],
        regions=[AreaRateOut(**r.__dict__) for r in regions],
        crime_types=selectors.crime_type_breakdown(request.user, status=status),
        bands=selectors.band_distribution(request.user, status=status),
    )


@router.get("", response=list[ThreatOut], summary="The prioritised threat list")
@paginate(PageNumberPagination, page_size=50)
def list_threats(
    request,
    kind: str = "",
    status: str = "",
    crime_type: str = "",
    force: str = "",
    lro: str = "",
    band: str = "",
    overdue: bool = False,
    q: str = "",
    sort: str = "band",
):
    errors = {}
    if kind and kind not in ThreatKind.values:
        errors["kind"] = [f"Choose one of {', '.join(ThreatKind.values)}."]
    if status and status not in Status.values:
        errors["status"] = [f"Choose one of {', '.join(Status.values)}."]
    if sort.lstrip("-") not in selectors.THREAT_SORTS:
        errors["sort"] = [f"Sort by one of {', '.join(selectors.THREAT_SORTS)} (- for reverse)."]
    if errors:
        raise InvalidInput(errors)
    return selectors.prioritised_threats(
        request.user,
        kind=kind,
        status=status,
        crime_type=crime_type,
        force=force,
        lro=lro,
        band=band,
        overdue=overdue,
        search=q,
        sort=sort,
    )


@router.post(
    "",
    response={201: ThreatDetailOut},
    summary="Map a threat; with a methodology and inputs it is assessed in the same step",
)
def map_threat(request, payload: ThreatIn):
    owner = None
    if payload.owner:
        owner = Organisation.objects.filter(slug=payload.owner).first()
        if owner is None:
            raise InvalidInput({"owner": [f"'{payload.owner}' is not an organisation."]})
    fields = {
        "kind": payload.kind,
        "name": payload.name,
        "predominant_crime_type": _crime_type(
            payload.predominant_crime_type, "predominant_crime_type"
        ),
        "owner": owner,
        "tier": payload.tier,
        "description": payload.description,
        "other_crime_types": _crime_types(payload.other_crime_types, "other_crime_types"),
        "forces": _forces(payload.forces),
        "local_areas": _local_areas(payload.local_areas),
        "subject": _nominal(request, payload.subject, "subject"),
        "operation_names": payload.operation_names,
        "lro": _officer(request, payload.lro, "lro"),
        "sro": _officer(request, payload.sro, "sro"),
        "status": payload.status,
    }
    if payload.methodology:
        version = methodology_version(payload.methodology)
        judges = {
            key: _user(request, username, f"judged_by.{key}")
            for key, username in payload.judged_by.items()
        }
        threat = services.map_and_assess_threat(
            actor=request.user,
            methodology=version,
            inputs=payload.inputs,
            judged_by=judges,
            rationale=payload.rationale,
            **fields,
        )
    else:
        if payload.inputs:
            raise InvalidInput(
                {"methodology": ["Name the methodology (NAME@VERSION) the inputs answer."]}
            )
        threat = services.map_threat(actor=request.user, **fields)
    return Reply(201, _threat(request, threat.pk))


@router.get("/{int:threat_id}", response=ThreatDetailOut, summary="One threat")
def get_threat(request, threat_id: int):
    from socmap.security.reads import guard_api_read

    threat = _threat(request, threat_id)
    guard_api_read(request, threat)
    return threat


@router.patch("/{int:threat_id}", response=ThreatDetailOut, summary="Change a threat's details")
def update_threat(request, threat_id: int, payload: ThreatPatch):
    threat = _threat(request, threat_id)
    given = payload.dict(exclude_unset=True)
    reason = given.pop("reason", "")
    converters = {
        "predominant_crime_type": lambda v: _crime_type(v, "predominant_crime_type") if v else None,
        "other_crime_types": lambda v: _crime_types(v or [], "other_crime_types"),
        "forces": lambda v: _forces(v or []),
        "local_areas": lambda v: _local_areas(v or []),
        "subject": lambda v: _nominal(request, v, "subject"),
        "lro": lambda v: _officer(request, v, "lro"),
        "sro": lambda v: _officer(request, v, "sro"),
        "operation_names": lambda v: v or [],
    }
    changes = {key: converters.get(key, lambda v: v)(value) for key, value in given.items()}
    services.update_threat(actor=request.user, threat=threat, reason=reason, **changes)
    return _threat(request, threat_id)


@router.post(
    "/{int:threat_id}/status", response=ThreatDetailOut, summary="Move a threat along its lifecycle"
)
def change_status(request, threat_id: int, payload: StatusIn):
    threat = _threat(request, threat_id)
    merged_into = None
    if payload.merged_into is not None:
        merged_into = (
            selectors.threats_visible_to(request.user).filter(pk=payload.merged_into).first()
        )
        if merged_into is None:
            raise InvalidInput(
                {"merged_into": [f"There is no threat {payload.merged_into} that you can see."]}
            )
    services.change_status(
        actor=request.user,
        threat=threat,
        to_status=payload.to_status,
        reason=payload.reason,
        archive_reason=payload.archive_reason,
        merged_into=merged_into,
        version=payload.version,
    )
    return _threat(request, threat_id)


def _member_out(request, membership: Membership) -> MemberOut:
    return MemberOut(
        id=membership.pk,
        nominal_id=membership.nominal_id,
        name=str(membership.nominal),
        role=membership.role,
        joined_on=membership.joined_on,
        left_on=membership.left_on,
        notes=membership.notes,
    )


@router.get(
    "/{int:threat_id}/members",
    response=list[MemberOut],
    summary="Members of a group (only the people you may see)",
)
def list_members(request, threat_id: int):
    threat = _threat(request, threat_id)
    return [_member_out(request, m) for m in selectors.visible_memberships(request.user, threat)]


@router.post("/{int:threat_id}/members", response={201: MemberOut}, summary="Add a member")
def add_member(request, threat_id: int, payload: MemberIn):
    threat = _threat(request, threat_id)
    membership = services.add_member(
        actor=request.user,
        threat=threat,
        nominal=_nominal(request, payload.nominal, "nominal"),
        role=payload.role,
        joined_on=payload.joined_on,
        notes=payload.notes,
    )
    return Reply(201, _member_out(request, membership))


@router.post("/members/{int:membership_id}/end", response=MemberOut, summary="End a membership")
def end_member(request, membership_id: int, payload: EndMemberIn):
    membership = selectors.membership_detail(request.user, membership_id)
    services.end_membership(
        actor=request.user,
        membership=membership,
        left_on=payload.left_on,
        reason=payload.reason,
    )
    return _member_out(request, membership)
