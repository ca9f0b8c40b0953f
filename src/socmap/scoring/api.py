"""API for the scoring app. Thin: parse, call a selector or a service."""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation
from socmap.orgs.scoping import get_visible_or_404, visible_to
from socmap.orgs.selectors import users_visible_to
from socmap.scoring import reports, selectors, services
from socmap.scoring.models import (
    CalibrationCase,
    CalibrationExercise,
    CalibrationResponse,
    MethodologyVersion,
)
from socmap.scoring.preview import preview as preview_scores
from socmap.threats.models import Threat
from socmap.threats.selectors import overdue_reason

router = Router(tags=["Scoring"])

NOT_PUBLIC = (
    "The national OCG mapping weights and MoRiLE scales are not public: these numbers are "
    "socmap's illustrative defaults, configurable by publishing a new version."
)


# --------------------------------------------------------------------------- schemas


class MethodologyOut(Schema):
    name: str
    version: int
    label: str
    title: str
    is_current: bool
    applies_to: list[str]
    total: str
    scale: Decimal
    reassessment_interval_days: int
    loaded_at: datetime

    @staticmethod
    def resolve_applies_to(obj):
        return list(obj.rules().applies_to)

    @staticmethod
    def resolve_total(obj):
        return obj.rules().total

    @staticmethod
    def resolve_scale(obj):
        return obj.rules().scale

    @staticmethod
    def resolve_reassessment_interval_days(obj):
        return obj.rules().reassessment_interval_days


class AnswerOut(Schema):
    key: str
    label: str
    points: Decimal
    guidance: str


class AttributeOut(Schema):
    key: str
    label: str
    weight: Decimal
    component: str
    objective: bool
    scored: bool
    guidance: str
    answers: list[AnswerOut]


class MethodologyDetailOut(MethodologyOut):
    description: str
    components: list[str]
    how_the_total_is_formed: str
    attributes: list[AttributeOut]
    bands: list[dict]
    note: str

    @staticmethod
    def resolve_description(obj):
        return obj.rules().description

    @staticmethod
    def resolve_components(obj):
        return list(obj.rules().components)

    @staticmethod
    def resolve_how_the_total_is_formed(obj):
        return reports.total_description(obj.rules())

    @staticmethod
    def resolve_attributes(obj):
        return list(obj.rules().attributes)

    @staticmethod
    def resolve_bands(obj):
        return [
            {"code": b.code, "from": str(b.lower), "to": str(b.upper), "label": b.label}
            for b in obj.rules().bands
        ]

    @staticmethod
    def resolve_note(obj):
        return NOT_PUBLIC


class PreviewIn(Schema):
    methodology: str = Field(..., description="NAME or NAME@VERSION, e.g. group-matrix@1")
    inputs: dict[str, str] = Field(default_factory=dict, description="Attribute key -> answer key")


class ContributionOut(Schema):
    attribute: str
    label: str
    answer: str
    answer_label: str
    points: Decimal
    weight: Decimal
    component: str
    contribution: Decimal
    of_maximum: Decimal


class PreviewOut(Schema):
    methodology: str
    score: Decimal
    band: str
    components: dict[str, Decimal]
    explanation: list[str]
    contributions: list[ContributionOut]
    provisional: bool
    unanswered: list[str]
    invalid: dict[str, str]


class AssessmentOut(Schema):
    id: int
    threat: int
    threat_reference: str
    kind: str
    methodology: str
    inputs: dict[str, str]
    judged_by: dict[str, str]
    score: Decimal
    band: str
    components: dict[str, str]
    contributions: list[dict]
    recorded: dict[str, str]
    rationale: str
    assessed_by: str | None
    assessed_at: datetime
    next_due: date
    replaces: int | None

    @staticmethod
    def resolve_threat(obj):
        return obj.threat_id

    @staticmethod
    def resolve_threat_reference(obj):
        return obj.threat.reference

    @staticmethod
    def resolve_methodology(obj):
        return obj.methodology.label

    @staticmethod
    def resolve_assessed_by(obj):
        return obj.assessed_by.username if obj.assessed_by else None

    @staticmethod
    def resolve_replaces(obj):
        return obj.replaces_id


class AssessIn(Schema):
    methodology: str = Field(..., description="NAME or NAME@VERSION; without a version, current")
    inputs: dict[str, str]
    judged_by: dict[str, str] = Field(
        default_factory=dict,
        description="Subjective attribute key -> username of who judged it (default: you)",
    )
    rationale: str = ""


class OverdueOut(Schema):
    id: int
    reference: str
    name: str
    kind: str
    owner: str
    current_band: str
    current_score: Decimal | None
    reassessment_due: date | None
    reassessment_requested: bool
    reason: str

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.name

    @staticmethod
    def resolve_reason(obj):
        return overdue_reason(obj)


class ThreatRef(Schema):
    id: int
    reference: str
    name: str
    owner: str
    band: str


class DifferenceOut(Schema):
    attribute: str
    label: str
    first: str
    second: str


class PairOut(Schema):
    first: ThreatRef
    second: ThreatRef
    distance: float
    band_gap: int
    subjective_differences: list[DifferenceOut]


class ConsistencyOut(Schema):
    methodology: str
    max_distance: float
    min_band_gap: int
    threats_compared: int
    objective_attributes: list[str]
    pairs: list[PairOut]


class CaseIn(Schema):
    label: str
    summary: str


class ExerciseIn(Schema):
    title: str
    methodology: str
    cases: list[CaseIn]
    participants: list[str] = Field(default_factory=list, description="Organisation slugs")
    instructions: str = ""


class ExerciseOut(Schema):
    id: int
    title: str
    methodology: str
    owner: str
    instructions: str
    is_open: bool
    created_at: datetime
    closed_at: datetime | None
    cases: int
    responses: int

    @staticmethod
    def resolve_methodology(obj):
        return obj.methodology.label

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.name

    @staticmethod
    def resolve_cases(obj):
        return obj.cases.count()

    @staticmethod
    def resolve_responses(obj):
        return CalibrationResponse.objects.filter(case__exercise=obj).count()


class ResponseOut(Schema):
    id: int
    case: int
    case_label: str
    inputs: dict[str, str]
    score: Decimal
    band: str
    submitted_at: datetime

    @staticmethod
    def resolve_case(obj):
        return obj.case_id

    @staticmethod
    def resolve_case_label(obj):
        return obj.case.label


class CaseOut(Schema):
    id: int
    label: str
    summary: str
    your_response: ResponseOut | None = None


class ExerciseDetailOut(ExerciseOut):
    case_list: list[CaseOut]


class ResponseIn(Schema):
    inputs: dict[str, str]


class AttributeAgreementOut(Schema):
    key: str
    label: str
    objective: bool
    alpha: float | None
    reading: str
    by_organisation: dict[str, float | None]


class OrganisationAgreementOut(Schema):
    organisation: str
    assessors: int
    responses: int
    mean_difference_from_median: float


class CalibrationReportOut(Schema):
    exercise: int
    cases: int
    assessors: int
    responses: int
    band_alpha: float | None
    band_reading: str
    attributes: list[AttributeAgreementOut]
    organisations: list[OrganisationAgreementOut]


class RescoreIn(Schema):
    methodology: str = Field(..., description="NAME@VERSION to re-score active threats with")


class RescoreOut(Schema):
    methodology: str
    rescored: int
    already_current: int = Field(..., description="Already scored with this version: left alone")
    latest_with_another_methodology: int = Field(
        ..., description="Last assessed with another methodology: re-assess them with it first"
    )
    skipped_no_previous: int = Field(..., description="Never assessed")


# --------------------------------------------------------------------------- methodologies


@router.get("/methodologies", response=list[MethodologyOut], summary="Published methodologies")
def list_methodologies(request, current: bool | None = None):
    versions = MethodologyVersion.objects.order_by("name", "-version")
    if current is not None:
        versions = versions.filter(is_current=current)
    return list(versions)


@router.get(
    "/methodologies/{name}/{version}",
    response=MethodologyDetailOut,
    summary="One methodology version: attributes, answers, weights and bands",
)
def get_methodology(request, name: str, version: int):
    found = MethodologyVersion.objects.filter(name=name, version=version).first()
    if found is None:
        raise Http404(f"There is no methodology {name}@{version}.")
    return found


@router.post("/preview", response=PreviewOut, summary="Score answers without saving anything")
def preview(request, payload: PreviewIn):
    version = services.methodology_version(payload.methodology)
    result = preview_scores(version.rules(), {k: v for k, v in payload.inputs.items() if v})
    return PreviewOut(
        methodology=version.label,
        score=result.result.score,
        band=result.result.band,
        components=result.result.components,
        explanation=result.result.explanation(),
        contributions=list(result.result.contributions),
        provisional=result.provisional,
        unanswered=result.unanswered,
        invalid=result.invalid,
    )


# --------------------------------------------------------------------------- assessments


def _threat(request, threat_id: int) -> Threat:
    return get_visible_or_404(request.user, Threat.objects.select_related("owner"), pk=threat_id)


@router.get(
    "/threats/{threat_id}/assessments",
    response=list[AssessmentOut],
    summary="A threat's assessments, newest first",
)
@paginate(PageNumberPagination, page_size=50)
def threat_assessments(request, threat_id: int):
    threat = _threat(request, threat_id)
    return selectors.assessment_timeline(request.user, threat).select_related("threat", "replaces")


@router.post(
    "/threats/{threat_id}/assessments",
    response={201: AssessmentOut},
    summary="Re-assess a threat (appends an assessment)",
)
def assess_threat(request, threat_id: int, payload: AssessIn):
    threat = _threat(request, threat_id)
    version = services.methodology_version(payload.methodology)
    judges = {}
    if payload.judged_by:
        found = {
            u.username.lower(): u
            for u in users_visible_to(request.user, active=True).filter(
                username__in=list(payload.judged_by.values())
            )
        }
        missing = {}
        for key, username in payload.judged_by.items():
            user = found.get((username or "").lower())
            if user is None:
                missing[key] = [f"There is no user '{username}' you can name as the judge."]
            else:
                judges[key] = user
        if missing:
            raise InvalidInput(missing)
    assessment = services.assess_threat(
        actor=request.user,
        threat=threat,
        methodology=version,
        inputs=payload.inputs,
        judged_by=judges,
        rationale=payload.rationale,
    )
    return Status(201, assessment)


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
def get_assessment(request, assessment_id: int):
    return selectors.visible_assessment(request.user, assessment_id)


@router.get(
    "/overdue",
    response=list[OverdueOut],
    summary="Active threats whose re-assessment is overdue, requested or never done",
)
@paginate(PageNumberPagination, page_size=50)
def overdue(request):
    return selectors.overdue_reassessments(request.user)


@router.post(
    "/rescore",
    response=RescoreOut,
    summary="Re-score every active threat you may see with a methodology version",
)
def rescore(request, payload: RescoreIn):
    version = services.methodology_version(payload.methodology)
    outcome = services.rescore_active_threats(actor=request.user, methodology=version)
    return RescoreOut(methodology=version.label, **outcome)


# --------------------------------------------------------------------------- consistency


@router.get(
    "/consistency",
    response=ConsistencyOut,
    summary="Similar threats (objective answers) in different bands",
)
def consistency(request, methodology: str, max_distance: float = 0.1, min_band_gap: int = 1):
    errors = {}
    if not 0 <= max_distance <= 1:
        errors["max_distance"] = ["Give a number from 0 to 1."]
    if min_band_gap < 1:
        errors["min_band_gap"] = ["Give a whole number of 1 or more."]
    if errors:
        raise InvalidInput(errors)
    version = services.methodology_version(methodology)
    report = selectors.consistency_report(
        request.user, version, max_distance=max_distance, min_band_gap=min_band_gap
    )

    def ref(threat, band):
        return ThreatRef(
            id=threat.pk,
            reference=threat.reference,
            name=threat.name,
            owner=threat.owner.name,
            band=band,
        )

    return ConsistencyOut(
        methodology=version.label,
        max_distance=max_distance,
        min_band_gap=min_band_gap,
        threats_compared=report.threats_compared,
        objective_attributes=report.attributes,
        pairs=[
            PairOut(
                first=ref(row["first"], row["first_band"]),
                second=ref(row["second"], row["second_band"]),
                distance=row["distance"],
                band_gap=row["band_gap"],
                subjective_differences=row["subjective_differences"],
            )
            for row in reports.consistency_rows(report)
        ],
    )


# --------------------------------------------------------------------------- calibration


def _exercise(request, exercise_id: int) -> CalibrationExercise:
    return get_visible_or_404(
        request.user,
        CalibrationExercise.objects.select_related("methodology", "owner"),
        pk=exercise_id,
    )


@router.get("/calibration", response=list[ExerciseOut], summary="Calibration exercises")
@paginate(PageNumberPagination, page_size=50)
def list_exercises(request, state: str = ""):
    exercises = visible_to(
        request.user, CalibrationExercise.objects.select_related("methodology", "owner")
    )
    if state == "open":
        exercises = exercises.filter(closed_at__isnull=True)
    elif state == "closed":
        exercises = exercises.filter(closed_at__isnull=False)
    elif state:
        raise InvalidInput({"state": ["Choose open or closed."]})
    return exercises


@router.post("/calibration", response={201: ExerciseOut}, summary="Set up a calibration exercise")
def create_exercise(request, payload: ExerciseIn):
    version = services.methodology_version(payload.methodology)
    participants = list(Organisation.objects.filter(slug__in=payload.participants))
    unknown = sorted(set(payload.participants) - {o.slug for o in participants})
    if unknown:
        raise InvalidInput({"participants": [f"Unknown organisations: {', '.join(unknown)}."]})
    exercise = services.create_exercise(
        actor=request.user,
        title=payload.title,
        methodology=version,
        cases=[(c.label, c.summary) for c in payload.cases],
        participants=participants,
        instructions=payload.instructions,
    )
    return Status(201, exercise)


@router.get("/calibration/{exercise_id}", response=ExerciseDetailOut)
def get_exercise(request, exercise_id: int):
    exercise = _exercise(request, exercise_id)
    mine = {
        r.case_id: r
        for r in CalibrationResponse.objects.filter(
            case__exercise=exercise, assessor=request.user
        ).select_related("case")
    }
    exercise.case_list = [
        CaseOut(id=c.pk, label=c.label, summary=c.summary, your_response=mine.get(c.pk))
        for c in exercise.cases.all()
    ]
    return exercise


@router.post(
    "/calibration/cases/{case_id}/responses",
    response={201: ResponseOut},
    summary="Answer one calibration case (once per assessor)",
)
def respond(request, case_id: int, payload: ResponseIn):
    # a case is visible to whoever may see its exercise (exercises are shared, not cases)
    case = CalibrationCase.objects.filter(pk=case_id).first()
    if case is None:
        raise Http404("No calibration case found.")
    case.exercise = _exercise(request, case.exercise_id)
    response = services.submit_response(actor=request.user, case=case, inputs=payload.inputs)
    return Status(201, response)


@router.post("/calibration/{exercise_id}/close", response=ExerciseOut)
def close(request, exercise_id: int):
    return services.close_exercise(actor=request.user, exercise=_exercise(request, exercise_id))


@router.get(
    "/calibration/{exercise_id}/report",
    response=CalibrationReportOut,
    summary="Agreement per attribute and organisation (Krippendorff's alpha, ordinal)",
)
def report(request, exercise_id: int):
    exercise = _exercise(request, exercise_id)
    found = selectors.calibration_report(request.user, exercise)
    return CalibrationReportOut(
        exercise=exercise.pk,
        cases=found.cases,
        assessors=found.assessors,
        responses=found.responses,
        band_alpha=found.band_alpha,
        band_reading=reports.alpha_reading(found.band_alpha),
        attributes=[
            AttributeAgreementOut(
                key=a.key,
                label=a.label,
                objective=a.objective,
                alpha=a.alpha,
                reading=reports.alpha_reading(a.alpha),
                by_organisation=a.by_organisation,
            )
            for a in found.attributes
        ],
        organisations=found.organisations,
    )
