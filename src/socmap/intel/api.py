"""API for intelligence: reports (gradings and links; the original only through its own,
audited endpoint for cleared users), sanitised copies and their sharing, clearance, the trigger
report queue, SARs and packages, ACRO checks, the process measures and imports. Thin: parse,
call a selector or a service. Records outside scope answer 404."""

from datetime import date, datetime
from decimal import Decimal

from ninja import File, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from socmap.errors import InvalidInput
from socmap.intel import selectors, services
from socmap.intel.models import IntelClearance, TriggerStatus
from socmap.orgs.models import Organisation, User
from socmap.orgs.scoping import get_visible_or_404, organisations_in_scope, visible_to
from socmap.orgs.uploads import csv_dict_rows, read_uploaded_text
from socmap.people.models import Nominal
from socmap.threats.models import CrimeType
from socmap.threats.selectors import threats_visible_to

router = Router(tags=["Intelligence"])


# --------------------------------------------------------------------------- schemas


class ReportOut(Schema):
    id: int
    reference: str
    reported_on: date
    owner: str
    source_type: str
    source_organisation: str | None
    grading_system: str
    grading: str
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling_conditions: str
    classification: str
    nominals: list[int]
    threats: list[str]
    sanitised_copies: list[int]
    external_reference: str

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_source_organisation(obj):
        return obj.source_organisation.slug if obj.source_organisation_id else None

    @staticmethod
    def resolve_grading(obj):
        return obj.grading_code

    @staticmethod
    def resolve_nominals(obj):
        return [n.pk for n in obj.nominals.all()]

    @staticmethod
    def resolve_threats(obj):
        return [t.reference for t in obj.threats.all()]

    @staticmethod
    def resolve_sanitised_copies(obj):
        return [c.pk for c in obj.sanitised_copies.all()]


class ReportDetailOut(ReportOut):
    original_readable: bool
    why_not: str
    gradings: list[dict]

    @staticmethod
    def resolve_gradings(obj):
        return [
            {
                "grading_system": g.grading_system,
                "grading": g.grading_code,
                "classification": g.classification,
                "reason": g.reason,
                "at": g.at.isoformat(),
            }
            for g in obj.gradings.all()
        ]


class ReportIn(Schema):
    reported_on: date
    text: str
    source_type: str
    grading_system: str
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    classification: str
    handling_conditions: str = ""
    source_organisation: str | None = None
    source_identifying: list[str] = []
    nominals: list[int] = []
    threats: list[str] = []
    external_reference: str = ""
    owner: str | None = None


class RegradeIn(Schema):
    reason: str
    grading_system: str | None = None
    source_evaluation: str | None = None
    intelligence_assessment: str | None = None
    handling_code: str | None = None
    handling_conditions: str | None = None
    classification: str | None = None


class OriginalOut(Schema):
    reference: str
    classification: str
    text: str


class CopyOut(Schema):
    id: int
    reference: str
    classification: str
    handling_conditions: str
    text: str
    made_at: datetime

    @staticmethod
    def resolve_made_at(obj):
        return obj.created_at


class SanitiseIn(Schema):
    text: str
    classification: str | None = None
    handling_conditions: str | None = None


class ShareIn(Schema):
    organisation: str
    conditions: str = ""


class ShareOut(Schema):
    organisation: str
    conditions: str
    shared_at: datetime


class ClearanceOut(Schema):
    id: int
    user: str
    organisation: str | None
    level: str
    vetting: str
    expires_on: date
    granted_by: str | None
    revoked: bool

    @staticmethod
    def resolve_user(obj):
        return obj.user.username

    @staticmethod
    def resolve_organisation(obj):
        return obj.user.organisation.slug if obj.user.organisation_id else None

    @staticmethod
    def resolve_granted_by(obj):
        return obj.granted_by.username if obj.granted_by else None

    @staticmethod
    def resolve_revoked(obj):
        return obj.revoked_at is not None


class ClearanceIn(Schema):
    user: str
    level: str
    expires_on: date
    reason: str
    vetting: str = ""


class RevokeIn(Schema):
    reason: str


class TriggerOut(Schema):
    id: int
    reference: str
    title: str
    summary: str
    submitted_at: datetime
    submitted_by_organisation: str
    owner: str
    suggested_kind: str
    crime_type: str | None
    people_named: str
    area: str
    status: str
    threat: str | None
    decline_reason: str
    decision_note: str

    @staticmethod
    def resolve_submitted_by_organisation(obj):
        return obj.submitted_by_organisation.slug

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_crime_type(obj):
        return obj.crime_type_id

    @staticmethod
    def resolve_threat(obj):
        return obj.threat.reference if obj.threat_id else None


class TriggerIn(Schema):
    title: str
    summary: str
    suggested_kind: str = ""
    crime_type: str | None = None
    people_named: str = ""
    nominals: list[int] = []
    area: str = ""
    to: str | None = None


class AcceptNewIn(Schema):
    name: str = ""
    kind: str = ""
    crime_type: str | None = None
    tier: str = ""
    subject: int | None = None
    note: str = ""


class AcceptExistingIn(Schema):
    threat: str
    note: str = ""


class DeclineIn(Schema):
    reason: str
    note: str


class SarOut(Schema):
    id: int
    reference: str
    received_on: date
    owner: str
    reporter_sector: str
    amount: Decimal | None
    subject: str
    status: str
    triaged_on: date | None
    package: str | None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_package(obj):
        return obj.package.reference if obj.package_id else None


class SarIn(Schema):
    reference: str
    received_on: date
    reporter_sector: str
    amount: str | None = None
    subject: str = ""
    owner: str | None = None


class TriageIn(Schema):
    outcome: str
    triaged_on: date | None = None
    note: str = ""


class PackageIn(Schema):
    sars: list[int]
    produced_on: date
    summary: str
    forwarded_to: str = ""
    threat: str | None = None


class PackageOut(Schema):
    id: int
    reference: str
    produced_on: date
    owner: str
    summary: str
    forwarded_to: str
    sars: list[str]

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_sars(obj):
        return [s.reference for s in obj.sars.all()]


class ArrestOut(Schema):
    id: int
    custody_reference: str
    arrested_on: date
    owner: str
    nationality: str
    nominal: int | None
    acro_result: str
    requested_on: date | None
    answered_on: date | None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_nominal(obj):
        return obj.nominal_id


class ArrestIn(Schema):
    custody_reference: str
    arrested_on: date
    nationality: str
    nominal: int | None = None
    acro_result: str = "not_requested"
    requested_on: date | None = None
    answered_on: date | None = None
    owner: str | None = None


class CheckIn(Schema):
    result: str
    requested_on: date | None = None
    answered_on: date | None = None


class MeasureOut(Schema):
    name: str
    slug: str
    sars_received: int
    sars_triaged: int
    sars_awaiting: int
    sars_in_packages: int
    packages: int
    packages_per_100_sars: Decimal | None
    arrests: int
    acro_checked: int
    acro_share: Decimal | None
    convictions_found: int


class MeasuresOut(Schema):
    start: date
    end: date
    rows: list[MeasureOut]
    total: MeasureOut


class ImportOut(Schema):
    rows: int
    dry_run: bool


# --------------------------------------------------------------------------- look-ups


def _organisation(slug: str | None, field: str) -> Organisation | None:
    if not slug:
        return None
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise InvalidInput({field: [f"'{slug}' is not an organisation."]})
    return found


def _nominals(request, ids: list[int], field: str = "nominals") -> list[Nominal]:
    found = {n.pk: n for n in visible_to(request.user, Nominal.objects.filter(pk__in=ids))}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise InvalidInput({field: [f"No people you can see with ids {', '.join(missing)}."]})
    return [found[i] for i in ids]


def _threat(request, reference: str | None, field: str = "threat"):
    if not reference:
        return None
    digits = reference.strip().rsplit("-", 1)[-1].lstrip("0")
    threat = (
        threats_visible_to(request.user).filter(pk=int(digits)).first()
        if digits.isascii() and digits.isdigit() and len(digits) <= 12
        else None
    )
    if threat is None:
        raise InvalidInput({field: [f"There is no threat {reference} that you can see."]})
    return threat


def _crime_type(code: str | None):
    if not code:
        return None
    found = CrimeType.objects.filter(pk=code).first()
    if found is None:
        raise InvalidInput({"crime_type": [f"'{code}' is not a crime type code."]})
    return found


def _detail(request, report):
    """The report with what the caller may do with its original (never the text itself)."""
    report.why_not = services.original_problem(request.user, report)
    report.original_readable = not report.why_not
    return report


# --------------------------------------------------------------------------- reports


@router.get("/reports", response=list[ReportOut], summary="Intelligence reports (never their text)")
@paginate(PageNumberPagination, page_size=50)
def list_reports(
    request,
    grading_system: str = "",
    source_evaluation: str = "",
    intelligence_assessment: str = "",
    handling_code: str = "",
    classification: str = "",
    source_type: str = "",
    owner: str = "",
    nominal: int | None = None,
    threat: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    sort: str = selectors.REPORT_DEFAULT_SORT,
):
    filters = selectors.check_report_filters(
        grading_system=grading_system,
        source_evaluation=source_evaluation,
        intelligence_assessment=intelligence_assessment,
        handling_code=handling_code,
        classification=classification,
        source_type=source_type,
        owner=owner,
        nominal=nominal,
        threat=threat,
        date_from=date_from,
        date_to=date_to,
        search=q,
        sort=sort,
    )
    return selectors.report_list(request.user, filters).prefetch_related(
        "nominals", "threats", "sanitised_copies"
    )


@router.post("/reports", response={201: ReportDetailOut}, summary="Record an intelligence report")
def record_report(request, payload: ReportIn):
    report = services.record_report(
        actor=request.user,
        reported_on=payload.reported_on,
        text=payload.text,
        source_type=payload.source_type,
        grading_system=payload.grading_system,
        source_evaluation=payload.source_evaluation,
        intelligence_assessment=payload.intelligence_assessment,
        handling_code=payload.handling_code,
        handling_conditions=payload.handling_conditions,
        classification=payload.classification,
        source_organisation=_organisation(payload.source_organisation, "source_organisation"),
        source_identifying=payload.source_identifying,
        nominals=_nominals(request, payload.nominals),
        threats=[_threat(request, t or "-", "threats") for t in payload.threats],
        external_reference=payload.external_reference,
        owner=_organisation(payload.owner, "owner"),
    )
    return Reply(201, _detail(request, selectors.report_detail(request.user, report.pk)))


@router.get("/reports/{int:report_id}", response=ReportDetailOut, summary="One report (no text)")
def get_report(request, report_id: int):
    from socmap.security.reads import guard_api_read

    report = selectors.report_detail(request.user, report_id)
    guard_api_read(request, report)
    return _detail(request, report)


@router.get(
    "/reports/{int:report_id}/original",
    response=OriginalOut,
    summary="The original text, for a cleared user (each reading is recorded)",
)
def read_original(request, report_id: int):
    from socmap.security.reads import guard_api_read

    report = selectors.report_detail(request.user, report_id)
    guard_api_read(request, report)
    text = services.open_original(actor=request.user, report=report)
    return OriginalOut(reference=report.reference, classification=report.classification, text=text)


@router.post("/reports/{int:report_id}/regrade", response=ReportDetailOut, summary="Re-grade")
def regrade(request, report_id: int, payload: RegradeIn):
    report = selectors.report_detail(request.user, report_id)
    services.regrade_report(actor=request.user, report=report, **payload.dict())
    return _detail(request, selectors.report_detail(request.user, report_id))


@router.post(
    "/reports/{int:report_id}/sanitised",
    response={201: CopyOut},
    summary="Make a sanitised copy (refused while marked text remains)",
)
def sanitise(request, report_id: int, payload: SanitiseIn):
    report = selectors.report_detail(request.user, report_id)
    copy = services.sanitise_report(actor=request.user, report=report, **payload.dict())
    return Reply(201, copy)


# --------------------------------------------------------------------------- sanitised copies


@router.get("/sanitised", response=list[CopyOut], summary="Sanitised copies you may see")
@paginate(PageNumberPagination, page_size=50)
def list_copies(request, q: str = "", shared: bool = False):
    return selectors.copy_list(
        request.user, search=q, shared_only=shared or selectors.is_partner(request.user)
    )


@router.get("/sanitised/{int:copy_id}", response=CopyOut, summary="One sanitised copy")
def get_copy(request, copy_id: int):
    return selectors.copy_detail(request.user, copy_id)


@router.post(
    "/sanitised/{int:copy_id}/shares", response={201: ShareOut}, summary="Share a sanitised copy"
)
def share(request, copy_id: int, payload: ShareIn):
    copy = selectors.copy_detail(request.user, copy_id)
    organisation = _organisation(payload.organisation, "organisation")
    if organisation is None:
        raise InvalidInput({"organisation": ["Say which organisation to share it with."]})
    made = services.share_copy(
        actor=request.user, copy=copy, organisation=organisation, conditions=payload.conditions
    )
    return Reply(
        201,
        ShareOut(
            organisation=made.organisation.slug,
            conditions=made.conditions,
            shared_at=made.shared_at,
        ),
    )


# --------------------------------------------------------------------------- clearance


@router.get("/clearances", response=list[ClearanceOut], summary="Clearances (administrators)")
@paginate(PageNumberPagination, page_size=50)
def list_clearances(request, all: bool = False):  # noqa: A002  (the query parameter's name)
    if not request.user.has_role("administrator"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only administrators manage clearance.")
    return selectors.clearance_list(request.user, current_only=not all)


@router.post("/clearances", response={201: ClearanceOut}, summary="Grant clearance to a user")
def grant(request, payload: ClearanceIn):
    user = User.objects.filter(
        username__iexact=payload.user, organisation__in=organisations_in_scope(request.user)
    ).first()
    if user is None:
        raise InvalidInput({"user": [f"There is no user '{payload.user}' that you can see."]})
    clearance = services.grant_clearance(
        actor=request.user,
        user=user,
        level=payload.level,
        expires_on=payload.expires_on,
        reason=payload.reason,
        vetting=payload.vetting,
    )
    return Reply(201, clearance)


@router.post("/clearances/{int:clearance_id}/revoke", response=ClearanceOut, summary="Withdraw")
def revoke(request, clearance_id: int, payload: RevokeIn):
    clearance = get_visible_or_404(request.user, IntelClearance, pk=clearance_id)
    return services.revoke_clearance(actor=request.user, clearance=clearance, reason=payload.reason)


# --------------------------------------------------------------------------- trigger reports


@router.get("/triggers", response=list[TriggerOut], summary="The threat-assessment queue")
@paginate(PageNumberPagination, page_size=50)
def list_triggers(
    request,
    status: str = TriggerStatus.RECEIVED,
    sender: str = "",
    sort: str = selectors.TRIGGER_DEFAULT_SORT,
):
    return selectors.trigger_queue(
        request.user, status="" if status == "any" else status, sender=sender, sort=sort
    )


@router.post("/triggers", response={201: TriggerOut}, summary="Send a trigger report")
def submit_trigger(request, payload: TriggerIn):
    trigger = services.submit_trigger_report(
        actor=request.user,
        title=payload.title,
        summary=payload.summary,
        suggested_kind=payload.suggested_kind,
        crime_type=_crime_type(payload.crime_type),
        people_named=payload.people_named,
        nominals=_nominals(request, payload.nominals),
        area=payload.area,
        to=_organisation(payload.to, "to"),
    )
    return Reply(201, trigger)


@router.get("/triggers/{int:trigger_id}", response=TriggerOut, summary="One trigger report")
def get_trigger(request, trigger_id: int):
    return selectors.trigger_detail(request.user, trigger_id)


@router.post(
    "/triggers/{int:trigger_id}/accept-new",
    response=TriggerOut,
    summary="Accept as a new threat (taken into assessment)",
)
def accept_new(request, trigger_id: int, payload: AcceptNewIn):
    trigger = selectors.trigger_detail(request.user, trigger_id)
    subject = _nominals(request, [payload.subject], "subject")[0] if payload.subject else None
    services.accept_trigger_as_new_threat(
        actor=request.user,
        trigger=trigger,
        name=payload.name,
        kind=payload.kind,
        crime_type=_crime_type(payload.crime_type),
        tier=payload.tier,
        subject=subject,
        note=payload.note,
    )
    return selectors.trigger_detail(request.user, trigger_id)


@router.post(
    "/triggers/{int:trigger_id}/accept-existing",
    response=TriggerOut,
    summary="Accept into an existing threat",
)
def accept_existing(request, trigger_id: int, payload: AcceptExistingIn):
    trigger = selectors.trigger_detail(request.user, trigger_id)
    services.accept_trigger_into_threat(
        actor=request.user,
        trigger=trigger,
        threat=_threat(request, payload.threat),
        note=payload.note,
    )
    return selectors.trigger_detail(request.user, trigger_id)


@router.post("/triggers/{int:trigger_id}/decline", response=TriggerOut, summary="Decline")
def decline(request, trigger_id: int, payload: DeclineIn):
    trigger = selectors.trigger_detail(request.user, trigger_id)
    services.decline_trigger_report(
        actor=request.user, trigger=trigger, reason=payload.reason, note=payload.note
    )
    return selectors.trigger_detail(request.user, trigger_id)


# --------------------------------------------------------------------------- SARs and ACRO


@router.get("/sars", response=list[SarOut], summary="Suspicious activity reports")
@paginate(PageNumberPagination, page_size=50)
def list_sars(
    request,
    status: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    sort: str = "-received",
    q: str = "",
):
    return selectors.sar_list(
        request.user, status=status, date_from=date_from, date_to=date_to, sort=sort, search=q
    )


@router.post("/sars", response={201: SarOut}, summary="Record a SAR")
def record_sar(request, payload: SarIn):
    sar = services.record_sar(
        actor=request.user,
        reference=payload.reference,
        received_on=payload.received_on,
        reporter_sector=payload.reporter_sector,
        amount=payload.amount,
        subject=payload.subject,
        owner=_organisation(payload.owner, "owner"),
    )
    return Reply(201, sar)


@router.post("/sars/{int:sar_id}/triage", response=SarOut, summary="Record the triage of a SAR")
def triage(request, sar_id: int, payload: TriageIn):
    sar = get_visible_or_404(request.user, selectors.sars_for(request.user), pk=sar_id)
    return services.triage_sar(actor=request.user, sar=sar, **payload.dict())


@router.post("/packages", response={201: PackageOut}, summary="Produce an intelligence package")
def create_package(request, payload: PackageIn):
    sars = list(selectors.sars_for(request.user).filter(pk__in=payload.sars))
    if len(sars) != len(set(payload.sars)):
        raise InvalidInput({"sars": ["Give the ids of SARs you can see."]})
    package = services.create_package(
        actor=request.user,
        sars=sars,
        produced_on=payload.produced_on,
        summary=payload.summary,
        forwarded_to=payload.forwarded_to,
        threat=_threat(request, payload.threat),
    )
    return Reply(201, package)


@router.get("/arrests", response=list[ArrestOut], summary="Arrests of foreign nationals")
@paginate(PageNumberPagination, page_size=50)
def list_arrests(
    request,
    result: str = "",
    checked: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    sort: str = "-arrested",
    q: str = "",
):
    return selectors.arrest_list(
        request.user,
        result=result,
        checked=checked,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        search=q,
    )


@router.post(
    "/arrests", response={201: ArrestOut}, summary="Record an arrest of a foreign national"
)
def record_arrest(request, payload: ArrestIn):
    data = payload.dict()
    nominal_id = data.pop("nominal")
    data["nominal"] = _nominals(request, [nominal_id], "nominal")[0] if nominal_id else None
    data["owner"] = _organisation(data.pop("owner"), "owner")
    return Reply(201, services.record_arrest(actor=request.user, **data))


@router.post("/arrests/{int:arrest_id}/check", response=ArrestOut, summary="Record an ACRO check")
def acro_check(request, arrest_id: int, payload: CheckIn):
    arrest = get_visible_or_404(request.user, selectors.arrests_for(request.user), pk=arrest_id)
    return services.record_acro_check(actor=request.user, arrest=arrest, **payload.dict())


@router.get("/measures", response=MeasuresOut, summary="SAR packaging rate and ACRO check share")
def measures(request, start: date | None = None, end: date | None = None):
    found = selectors.measures(request.user, start=start, end=end)
    return MeasuresOut(
        start=found.start,
        end=found.end,
        rows=[r.__dict__ for r in found.rows],
        total=found.total.__dict__,
    )


# --------------------------------------------------------------------------- imports

IMPORTERS = {
    "reports": services.import_reports,
    "sars": services.import_sars,
    "arrests": services.import_arrests,
}


@router.post(
    "/imports/{kind}",
    response=ImportOut,
    summary="Import a CSV of reports, SARs or arrests: all rows or none",
)
def import_file(
    request,
    kind: str,
    file: UploadedFile = File(...),
    dry_run: bool = False,
    owner: str | None = None,
):
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise InvalidInput({"kind": [f"Import one of {', '.join(IMPORTERS)}."]})
    rows = csv_dict_rows(read_uploaded_text(file))
    result = importer(
        actor=request.user,
        rows=rows,
        owner=_organisation(owner, "owner"),
        source_name=file.name,
        dry_run=dry_run,
    )
    return ImportOut(rows=result.rows, dry_run=result.dry_run)
