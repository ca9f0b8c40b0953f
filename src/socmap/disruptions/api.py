"""API for disruptions: the list with the list page's filters (and its CSV/XLSX export), a
disruption with its history, recording and changing a claim, the validation workflow (submit,
validate, return, regrade), the unvalidated and overdue lists, the figures, the import (all
rows or none) and its template, the tactics and the grade guidance.

Thin, like the pages: parse, call the same selector or service, answer. A disruption outside
the caller's scope answers 404; a threat or person it names that the caller may not see is
left out of what is shown."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from socmap.disruptions import files, selectors, services
from socmap.disruptions.forms import REFERENCE
from socmap.disruptions.models import Disruption, GradeGuidance, Tactic
from socmap.disruptions.rules import DisruptionStatus, ImpactGrade
from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation
from socmap.orgs.scoping import visible_to
from socmap.people.models import Nominal
from socmap.threats.models import KIND_PREFIX, Threat

router = Router(tags=["Disruptions"])
PAGE_SIZE = 50


# --------------------------------------------------------------------------- schemas


class TacticOut(Schema):
    code: str
    name: str
    description: str
    categories: list[str]
    quantities: list[str]
    is_active: bool


class GradeGuidanceOut(Schema):
    grade: str
    label: str
    summary: str
    guidance: str
    examples: list[str]

    @staticmethod
    def resolve_label(obj):
        return obj.get_grade_display()


def _visibility(context) -> selectors.LinkedVisibility:
    request = context["request"]
    if not hasattr(request, "_disruption_links"):
        request._disruption_links = selectors.LinkedVisibility(request.user)
    return request._disruption_links


class DisruptionOut(Schema):
    id: int
    version: int  # send it back when you change the record: a stale one answers 409
    reference: str
    occurred_on: date
    threats: list[str]
    owner: str
    acting_organisation: str
    category: str
    tactic: str
    grade: str
    grade_rationale: str
    status: str
    quantities: dict[str, Decimal | int | None]
    operation_name: str
    recorded_by: str | None
    recorded_at: datetime
    submitted_at: datetime | None
    validated_by: str | None
    validated_at: datetime | None
    days_waiting: int | None
    overdue: bool
    source: str

    @staticmethod
    def resolve_threats(obj, context):
        visibility = _visibility(context)
        return [t.reference for t in obj.threats.all() if visibility.visible(t)]

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_acting_organisation(obj):
        return obj.acting_organisation.slug

    @staticmethod
    def resolve_tactic(obj):
        return obj.tactic_id

    @staticmethod
    def resolve_recorded_by(obj):
        return obj.recorded_by.username if obj.recorded_by else None

    @staticmethod
    def resolve_validated_by(obj):
        return obj.validated_by.username if obj.validated_by else None

    @staticmethod
    def resolve_days_waiting(obj):
        return selectors.days_waiting(obj)

    @staticmethod
    def resolve_overdue(obj):
        waiting = selectors.days_waiting(obj)
        return waiting is not None and waiting > services.validation_days()


class StepOut(Schema):
    action: str
    from_status: str
    to_status: str
    grade: str
    rationale: str
    note: str
    changes: dict
    by: str | None
    by_team: str
    at: datetime

    @staticmethod
    def resolve_by(obj):
        return obj.by.username if obj.by else None


class DisruptionDetailOut(DisruptionOut):
    narrative: str
    evidence: list[str]
    nominals: list[int]
    history: list[StepOut]
    may: list[str]
    validation_problem: str

    @staticmethod
    def resolve_nominals(obj, context):
        visibility = _visibility(context)
        return [n.pk for n in obj.nominals.all() if visibility.visible(n)]

    @staticmethod
    def resolve_history(obj, context):
        return list(selectors.history(context["request"].user, obj))

    @staticmethod
    def resolve_may(obj, context):
        return services.allowed_actions(context["request"].user, obj)

    @staticmethod
    def resolve_validation_problem(obj, context):
        user = context["request"].user
        if not user.has_role(*services.VALIDATORS):
            return ""
        return services.validation_problem(user, obj)


class DisruptionIn(Schema):
    threats: list[str | int]
    occurred_on: date | None = None
    category: str
    tactic: str
    owner: str | None = None
    acting_organisation: str | None = None
    grade: str = ""
    rationale: str = ""
    quantities: dict[str, str | int | float | None] = {}
    nominals: list[int] = []
    narrative: str = ""
    evidence: list[str] = []
    operation_name: str = ""
    submit: bool = False


class DisruptionPatch(Schema):
    version: int | None = None  # the version you read; if it changed since, 409
    threats: list[str | int] | None = None
    occurred_on: date | None = None
    category: str | None = None
    tactic: str | None = None
    acting_organisation: str | None = None
    grade: str | None = None
    rationale: str | None = None
    quantities: dict[str, str | int | float | None] | None = None
    nominals: list[int] | None = None
    narrative: str | None = None
    evidence: list[str] | None = None
    operation_name: str | None = None
    reason: str = ""
    submit: bool = False


class FiltersIn(Schema):
    """The list page's filters (``from`` and ``to`` are dates)."""

    threat: str = ""
    force: str = ""
    category: str = ""
    tactic: str = ""
    grade: str = ""
    status: str = ""
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")
    q: str = ""
    sort: str = selectors.DEFAULT_SORT

    def checked(self) -> selectors.Filters:
        """The filters, each checked: an unknown value is refused by name (400)."""
        return selectors.check_filters(
            threat=self.threat,
            force=self.force,
            category=self.category,
            tactic=self.tactic,
            grade=self.grade,
            status=self.status,
            date_from=self.date_from,
            date_to=self.date_to,
            search=self.q,
            sort=self.sort,
            strict=True,
        )


class NoteIn(Schema):
    note: str = ""


class ValidateIn(Schema):
    version: int | None = None  # the version you read; if it changed since, 409
    grade: str = ""
    rationale: str = ""
    note: str = ""


class ReturnIn(Schema):
    reasons: str


class RegradeIn(Schema):
    grade: str
    rationale: str


class ImportOut(Schema):
    rows: int
    created: int
    dry_run: bool
    by_status: dict[str, int]
    first: str | None
    last: str | None
    reassessments_requested: list[str]
    seconds: float


class ForceCountOut(Schema):
    name: str
    slug: str
    validated: int
    major_or_moderate: int
    population: int | None
    population_year: int | None
    per_thousand: Decimal | None
    caveat: str


class BreakdownOut(Schema):
    category: str
    code: str
    grades: dict[str, int]
    total: int


class FiguresOut(Schema):
    start: date
    end: date
    years: int
    period: str
    population_years: str
    forces: list[ForceCountOut]
    total: ForceCountOut
    breakdown: list[BreakdownOut]


# --------------------------------------------------------------------------- look-ups


def _threats(request, references: list[str | int]) -> list[Threat]:
    """Threats named by reference (OCG-000012) or id that the caller may see."""
    found, problems = [], []
    for reference in references:
        match = REFERENCE.match(str(reference).strip())
        threat = None
        if match:
            threat = visible_to(request.user, Threat.objects.filter(pk=int(match.group(2)))).first()
            prefix = (match.group(1) or "").upper()
            if threat is not None and prefix not in ("", "T", KIND_PREFIX.get(threat.kind)):
                threat = None
        if threat is None:
            problems.append(f"There is no threat {reference} that you can see.")
        else:
            found.append(threat)
    if problems:
        raise InvalidInput({"threats": problems})
    return found


def _nominals(request, ids: list[int]) -> list[Nominal]:
    found = {n.pk: n for n in visible_to(request.user, Nominal.objects.filter(pk__in=ids))}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            {"nominals": [f"There is no person with id {i} that you can see." for i in missing]}
        )
    return [found[i] for i in ids]


def _tactic(code: str) -> Tactic | None:
    if not code:
        return None
    found = Tactic.objects.filter(pk=code).first()
    if found is None:
        raise InvalidInput({"tactic": [f"'{code}' is not a tactic code (see /tactics)."]})
    return found


def _organisation(slug: str | None, field: str) -> Organisation | None:
    if not slug:
        return None
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise InvalidInput({field: [f"'{slug}' is not an organisation."]})
    return found


def _disruption(request, disruption_id: int) -> Disruption:
    return selectors.disruption_detail(request.user, disruption_id)


def _check_format(fmt: str) -> str:
    if fmt not in files.FORMATS:
        raise InvalidInput({"format": ["Choose csv or xlsx."]})
    return fmt


# --------------------------------------------------------------------------- reference data


@router.get("/tactics", response=list[TacticOut], summary="The tactics and their 4P categories")
def list_tactics(request):
    return list(Tactic.objects.all())


@router.get(
    "/grade-guidance",
    response=list[GradeGuidanceOut],
    summary="The impact grades, each with its written guidance",
)
def list_grade_guidance(request):
    return list(GradeGuidance.objects.all())


# --------------------------------------------------------------------------- lists


@router.get("", response=list[DisruptionOut], summary="Disruptions you may see, filtered")
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_disruptions(request, filters: Query[FiltersIn]):
    return selectors.disruption_list(request.user, filters.checked()).prefetch_related("threats")


@router.get(
    "/export",
    summary="The filtered list as a CSV or XLSX file (the list page's download)",
    response={200: None},
)
def export_disruptions(request, filters: Query[FiltersIn], format: str = "csv"):
    from socmap.disruptions.views import export_response

    fmt = _check_format(format)
    queryset = selectors.disruption_list(request.user, filters.checked())
    return export_response(queryset, fmt, user=request.user)


@router.get(
    "/unvalidated",
    response=list[DisruptionOut],
    summary="Claims not validated yet (submitted, returned, drafts), oldest first",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_unvalidated(request, status: str = ""):
    if status and status not in (
        DisruptionStatus.SUBMITTED,
        DisruptionStatus.RETURNED,
        DisruptionStatus.DRAFT,
    ):
        raise InvalidInput({"status": ["Choose submitted, returned or draft."]})
    return selectors.unvalidated(request.user, status=status).prefetch_related("threats")


@router.get(
    "/overdue",
    response=list[DisruptionOut],
    summary="Submitted claims waiting longer than the validation period, oldest first",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_overdue(request):
    return selectors.overdue_for_validation(request.user).prefetch_related("threats")


@router.get(
    "/figures",
    response=FiguresOut,
    summary="Validated disruptions per force and per 1,000 population over a period",
)
def figures(request, end: date | None = None, years: int = 2):
    errors = {}
    if not 1 <= years <= 5:
        errors["years"] = ["Count over 1 to 5 years."]
    if end is not None and end > timezone.localdate():
        errors["end"] = ["The period cannot end in the future."]
    if errors:
        raise InvalidInput(errors)
    counts = selectors.counts_by_force(request.user, end=end, years=years)
    breakdown = selectors.breakdown(request.user, end=counts.end, years=years)
    return FiguresOut(
        start=counts.start,
        end=counts.end,
        years=counts.years,
        period=counts.period,
        population_years=counts.population_years,
        forces=[ForceCountOut(**r.__dict__) for r in counts.rows],
        total=ForceCountOut(**counts.total.__dict__),
        breakdown=[
            BreakdownOut(
                category=row["category"],
                code=row["code"],
                grades=dict(zip(ImpactGrade.values, row["grades"], strict=True)),
                total=row["total"],
            )
            for row in breakdown
        ],
    )


# --------------------------------------------------------------------------- import


@router.get(
    "/import/template",
    summary="The published import template (XLSX with lists and guidance, or the CSV header)",
    response={200: None},
)
def import_template(request, format: str = "xlsx"):
    from socmap.disruptions.views import template_response

    return template_response(_check_format(format))


@router.post(
    "/import",
    response=ImportOut,
    summary="Import disruptions from a CSV or XLSX file: all rows or none (400 lists each "
    "row's problems)",
)
def import_disruptions(
    request,
    file: UploadedFile = File(...),
    owner: str = Form(""),
    status: str = Form(DisruptionStatus.SUBMITTED),
    dry_run: bool = Form(False),
):
    from socmap.disruptions.views import read_upload

    rows, lines = files.read_table(file.name, read_upload(file))
    result = services.import_disruptions(
        actor=request.user,
        rows=rows,
        lines=lines,
        owner=_organisation(owner, "owner"),
        status=status,
        source_name=file.name,
        dry_run=dry_run,
    )
    return ImportOut(
        rows=result.rows,
        created=result.created,
        dry_run=result.dry_run,
        by_status=result.by_status,
        first=f"DIS-{result.first_id:06d}" if result.first_id else None,
        last=f"DIS-{result.last_id:06d}" if result.last_id else None,
        reassessments_requested=result.reassessments_requested,
        seconds=round(result.seconds, 3),
    )


# --------------------------------------------------------------------------- one disruption


@router.post("", response={201: DisruptionDetailOut}, summary="Record a disruption claim")
def record_disruption(request, payload: DisruptionIn):
    disruption = services.record_disruption(
        actor=request.user,
        threats=_threats(request, payload.threats),
        occurred_on=payload.occurred_on,
        category=payload.category,
        tactic=_tactic(payload.tactic),
        owner=_organisation(payload.owner, "owner"),
        acting_organisation=_organisation(payload.acting_organisation, "acting_organisation"),
        grade=payload.grade,
        rationale=payload.rationale,
        quantities=payload.quantities,
        nominals=_nominals(request, payload.nominals),
        narrative=payload.narrative,
        evidence=payload.evidence,
        operation_name=payload.operation_name,
        submit=payload.submit,
    )
    return Reply(201, _disruption(request, disruption.pk))


@router.get("/{int:disruption_id}", response=DisruptionDetailOut, summary="One disruption")
def get_disruption(request, disruption_id: int):
    return _disruption(request, disruption_id)


@router.patch(
    "/{int:disruption_id}",
    response=DisruptionDetailOut,
    summary="Change a draft or returned claim (and, with submit, submit it)",
)
def update_disruption(request, disruption_id: int, payload: DisruptionPatch):
    disruption = _disruption(request, disruption_id)
    given = payload.dict(exclude_unset=True)
    reason = given.pop("reason", "")
    submit = given.pop("submit", False)
    converters = {
        "threats": lambda v: _threats(request, v or []),
        "nominals": lambda v: _nominals(request, v or []),
        "tactic": lambda v: _tactic(v or ""),
        "acting_organisation": lambda v: _organisation(v, "acting_organisation"),
        "quantities": lambda v: v or {},
        "evidence": lambda v: v or [],
    }
    changes = {key: converters.get(key, lambda v: v)(value) for key, value in given.items()}
    for text in ("grade", "rationale", "narrative", "operation_name", "category"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    services.update_disruption(
        actor=request.user, disruption=disruption, reason=reason, submit=submit, **changes
    )
    return _disruption(request, disruption_id)


@router.post(
    "/{int:disruption_id}/submit",
    response=DisruptionDetailOut,
    summary="Submit a draft or returned claim for validation",
)
def submit_disruption(request, disruption_id: int, payload: NoteIn):
    services.submit_disruption(
        actor=request.user, disruption=_disruption(request, disruption_id), note=payload.note
    )
    return _disruption(request, disruption_id)


@router.post(
    "/{int:disruption_id}/validate",
    response=DisruptionDetailOut,
    summary="Validate a submitted claim, agreeing its grade or giving another with a rationale",
)
def validate_disruption(request, disruption_id: int, payload: ValidateIn):
    services.validate_disruption(
        actor=request.user,
        disruption=_disruption(request, disruption_id),
        grade=payload.grade,
        rationale=payload.rationale,
        note=payload.note,
        version=payload.version,
    )
    return _disruption(request, disruption_id)


@router.post(
    "/{int:disruption_id}/return",
    response=DisruptionDetailOut,
    summary="Return a submitted claim to the claimant, with the reasons",
)
def return_disruption(request, disruption_id: int, payload: ReturnIn):
    services.return_disruption(
        actor=request.user,
        disruption=_disruption(request, disruption_id),
        reasons=payload.reasons,
    )
    return _disruption(request, disruption_id)


@router.post(
    "/{int:disruption_id}/regrade",
    response=DisruptionDetailOut,
    summary="Regrade a validated disruption; the earlier grade stays in its history",
)
def regrade_disruption(request, disruption_id: int, payload: RegradeIn):
    services.regrade_disruption(
        actor=request.user,
        disruption=_disruption(request, disruption_id),
        grade=payload.grade,
        rationale=payload.rationale,
    )
    return _disruption(request, disruption_id)
