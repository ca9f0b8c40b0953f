"""Disruption pages: the list (with CSV and XLSX exports of the same filters), recording with
the grade guidance beside the grades, the disruption page with its history and the workflow
actions, the unvalidated and overdue lists, the figures, the import and its template. Thin:
parse the request, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from socmap.disruptions import exports, files, selectors, services
from socmap.disruptions.forms import (
    DisruptionForm,
    ImportForm,
    RegradeForm,
    ReturnForm,
    ShareForm,
    ValidateForm,
)
from socmap.disruptions.models import GradeGuidance, Tactic
from socmap.disruptions.rules import (
    EDITABLE,
    QUANTITIES,
    DisruptionStatus,
    ImpactGrade,
    is_web_link,
)
from socmap.errors import ImportRejected, InvalidInput, RowError
from socmap.fourp import MEANING, FourP
from socmap.orgs.models import OrganisationKind
from socmap.orgs.scoping import can_see, organisations_in_scope
from socmap.orgs.services import share_record
from socmap.people.models import Nominal
from socmap.threats.models import Threat
from socmap.threats.selectors import threats_visible_to
from socmap.web.tables import csv_response, paginate

LIST_SORTS = tuple(selectors.DISRUPTION_SORTS)
MAX_YEARS = 5


def _apply_errors(form: forms.Form, error: InvalidInput) -> None:
    aliases = {"quantities": None, "reasons": "reasons"}
    for field, messages_ in error.field_errors.items():
        field = aliases.get(field, field)
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def may_record(user) -> bool:
    return user.has_role(*services.RECORDERS) and not user.is_read_only


def may_import(user) -> bool:
    return user.has_role(*services.IMPORTERS) and not user.is_read_only


def may_validate(user) -> bool:
    return user.has_role(*services.VALIDATORS) and not user.is_read_only


def _owns(user, disruption) -> bool:
    """Whether the disruption is one of the user's organisation's (not merely shared)."""
    return services.acts_for_owner(user, disruption)


def _guidance() -> list[GradeGuidance]:
    return list(GradeGuidance.objects.all())


def _form_page(request, template: str, form, context: dict):
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


# --------------------------------------------------------------------------- list


def _filters(request) -> selectors.Filters:
    get = request.GET
    return selectors.check_filters(
        threat=get.get("threat", ""),
        force=get.get("force", ""),
        category=get.get("category", ""),
        tactic=get.get("tactic", ""),
        grade=get.get("grade", ""),
        status=get.get("status", ""),
        date_from=get.get("from", ""),
        date_to=get.get("to", ""),
        search=get.get("q", ""),
        sort=get.get("sort", selectors.DEFAULT_SORT),
        strict=False,
    )


def export_response(queryset, fmt: str, stem: str = "disruptions", user=None):
    """The disruptions of ``queryset`` as a CSV or XLSX download, as ``user`` may see them."""
    rows = exports.rows(queryset, user)
    if fmt == "xlsx":
        return exports.xlsx_response(stem, [("Disruptions", exports.HEADER, rows)])
    return csv_response(stem, exports.HEADER, rows)


@login_required
def disruption_list(request):
    filters = _filters(request)
    disruptions = selectors.disruption_list(request.user, filters)
    fmt = request.GET.get("format", "")
    if fmt in files.FORMATS:
        return export_response(disruptions, fmt, user=request.user)
    # the page shows who owns and who acted, not the people who recorded and validated it
    shown = disruptions.select_related(None).select_related(
        "owner", "acting_organisation", "tactic"
    )
    page = paginate(request, shown, ids_first=True)
    references = selectors.threat_references(request.user, [d.pk for d in page.object_list])
    for disruption in page.object_list:
        disruption.threat_references = references.get(disruption.pk, [])
    threat = None
    if filters.threat_id:
        threat = threats_visible_to(request.user).filter(pk=filters.threat_id).first()
    return render(
        request,
        "disruptions/disruption_list.html",
        {
            "page": page,
            "filters": filters,
            "sort": filters.sort,
            "threat": threat,
            "owners": organisations_in_scope(request.user)
            .exclude(kind=OrganisationKind.PARTNER)
            .order_by("name"),
            "categories": FourP.choices,
            "tactics": Tactic.objects.all(),
            "grades": ImpactGrade.choices,
            "statuses": [*DisruptionStatus.choices, ("unvalidated", "Not validated yet")],
            "may_record": may_record(request.user),
            "may_import": may_import(request.user),
        },
    )


# --------------------------------------------------------------------------- recording


def _threat_from_query(request) -> Threat | None:
    raw = request.GET.get("threat", "")
    if not raw.isdigit():
        return None
    return threats_visible_to(request.user).filter(pk=int(raw)).first()


def _members(user, threat: Threat | None) -> list[Nominal]:
    if threat is None:
        return []
    people = [m.nominal for m in threat.memberships.filter(left_on__isnull=True)]
    if threat.subject_id:
        people.insert(0, threat.subject)
    return [p for p in people if can_see(user, p)]


@login_required
def record(request):
    if not may_record(request.user):
        raise PermissionDenied(
            "Only analysts and Lead Responsible Officers may record disruptions."
        )
    threat = _threat_from_query(request)
    initial = {
        "threats": threat.reference if threat else "",
        "occurred_on": timezone.localdate(),
        "acting_organisation": str(request.user.organisation_id or ""),
    }
    form = DisruptionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            disruption = services.record_disruption(
                actor=request.user,
                owner=form.cleaned_data.get("owner"),
                submit=submit,
                **form.disruption_fields(),
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            done = "and submitted it for validation" if submit else "as a draft"
            messages.success(request, f"Recorded {disruption.reference} {done}.")
            return redirect("disruptions:detail", pk=disruption.pk)
    return _form_page(
        request,
        "disruptions/disruption_form.html",
        form,
        {
            "disruption": None,
            "threat": threat,
            "members": _members(request.user, threat),
            "guidance": _guidance(),
            "meanings": [(FourP(p).label, MEANING[p]) for p in FourP.values],
        },
    )


@login_required
@require_GET
def tactic_fields(request):
    """htmx: the tactic choices for the chosen 4P category and the quantity fields of the
    chosen tactic, keeping what was already typed."""
    data = request.GET.copy()
    tactic = Tactic.objects.filter(pk=data.get("tactic", "")).first()
    if tactic is not None and data.get("category") and data["category"] not in tactic.categories:
        data["tactic"] = ""  # the new category does not have it: choose again
    form = DisruptionForm(
        None,
        user=request.user,
        initial={k: v for k, v in data.items() if k != "csrfmiddlewaretoken"},
    )
    return render(request, "disruptions/includes/tactic_fields.html", {"form": form})


def _editable(request, pk: int):
    disruption = selectors.disruption_detail(request.user, pk)
    if not may_record(request.user) or not _owns(request.user, disruption):
        raise PermissionDenied(
            "Only analysts and Lead Responsible Officers of the recording organisation may "
            "change or submit a disruption."
        )
    return disruption


@login_required
def edit(request, pk: int):
    disruption = _editable(request, pk)
    if disruption.status not in EDITABLE:
        messages.warning(
            request,
            f"{disruption.reference} is {disruption.get_status_display().lower()}: only a draft "
            "or a returned claim can be changed.",
        )
        return redirect("disruptions:detail", pk=disruption.pk)
    form = DisruptionForm(
        request.POST or None,
        user=request.user,
        editing=True,
        initial=DisruptionForm.initial_for(disruption),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_disruption(
                actor=request.user,
                disruption=disruption,
                reason=form.cleaned_data["reason"],
                submit=request.POST.get("action") == "submit",
                version=form.cleaned_data.get("version"),
                **form.disruption_fields(),
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            done = (
                "changed and submitted for validation"
                if disruption.status == DisruptionStatus.SUBMITTED
                else "changed"
            )
            messages.success(request, f"{disruption.reference} has been {done}.")
            return redirect("disruptions:detail", pk=disruption.pk)
    return _form_page(
        request,
        "disruptions/disruption_form.html",
        form,
        {
            "disruption": disruption,
            "threat": None,
            "members": [],
            "guidance": _guidance(),
            "meanings": [(FourP(p).label, MEANING[p]) for p in FourP.values],
        },
    )


@login_required
@require_POST
def submit(request, pk: int):
    disruption = _editable(request, pk)
    try:
        services.submit_disruption(
            actor=request.user, disruption=disruption, note=request.POST.get("note", "")
        )
    except InvalidInput as invalid:
        for message in invalid.summary().split("; "):
            messages.error(request, message)
    else:
        messages.success(request, f"{disruption.reference} has been submitted for validation.")
    return redirect("disruptions:detail", pk=disruption.pk)


# --------------------------------------------------------------------------- one disruption


def _linked(user, records, url_name: str) -> list[dict]:
    """The linked records ``user`` may see; the others are left out, not counted or hinted at."""
    from django.urls import NoReverseMatch, reverse

    rows = []
    for record in records:
        if not can_see(user, record):
            continue
        try:
            url = reverse(url_name, args=[record.pk])
        except NoReverseMatch:
            url = None
        rows.append({"record": record, "visible": True, "url": url})
    return rows


@login_required
def detail(request, pk: int):
    disruption = selectors.disruption_detail(request.user, pk)
    user = request.user
    owns = _owns(user, disruption)
    problem = services.validation_problem(user, disruption) if may_validate(user) else ""
    waiting = selectors.days_waiting(disruption)
    return render(
        request,
        "disruptions/disruption_detail.html",
        {
            "disruption": disruption,
            "threats": _linked(user, disruption.threats.all(), "threats:detail"),
            "nominals": _linked(user, disruption.nominals.all(), "people:detail"),
            "quantities": [
                (q, getattr(disruption, q.code))
                for q in QUANTITIES
                if getattr(disruption, q.code) is not None
            ],
            "evidence": [(e, is_web_link(e)) for e in disruption.evidence],
            "history": selectors.history(user, disruption),
            "guidance": GradeGuidance.objects.filter(grade=disruption.grade).first(),
            "may_edit": may_record(user) and owns and disruption.status in EDITABLE,
            "may_validate": may_validate(user) and not problem,
            "validation_problem": problem,
            "days_waiting": waiting,
            "overdue": waiting is not None and waiting > services.validation_days(),
            "validation_days": services.validation_days(),
            "may_share": owns and not user.is_read_only,
        },
    )


def _validatable(request, pk: int):
    disruption = selectors.disruption_detail(request.user, pk)
    if not may_validate(request.user):
        raise PermissionDenied("Only a user with the Validator role may validate disruptions.")
    problem = services.validation_problem(request.user, disruption)
    if problem:
        raise PermissionDenied(problem)
    return disruption


def _workflow_page(request, pk, form_class, template, act, *, done, initial=None, status=None):
    disruption = _validatable(request, pk)
    if status is not None and disruption.status != status:
        messages.warning(
            request,
            f"{disruption.reference} is {disruption.get_status_display().lower()}.",
        )
        return redirect("disruptions:detail", pk=disruption.pk)
    form = form_class(request.POST or None, initial=initial(disruption) if initial else None)
    if request.method == "POST" and form.is_valid():
        try:
            act(disruption, form.cleaned_data)
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, done(disruption))
            return redirect("disruptions:detail", pk=disruption.pk)
    # the claim's threats as the user may see them (a restricted one is left out, unhinted)
    threats = [
        r["record"] for r in _linked(request.user, disruption.threats.all(), "threats:detail")
    ]
    context = {"disruption": disruption, "threats": threats, "guidance": _guidance()}
    return _form_page(request, template, form, context)


def _validated_message(disruption) -> str:
    message = (
        f"{disruption.reference} is validated, graded {disruption.get_grade_display().lower()}."
    )
    flagged = disruption.steps.order_by("-id").first().changes.get("reassessment_requested")
    if flagged:
        message += f" Re-assessment requested for {', '.join(flagged)}."
    return message


@login_required
def validate(request, pk: int):
    return _workflow_page(
        request,
        pk,
        ValidateForm,
        "disruptions/validate.html",
        lambda d, data: services.validate_disruption(
            actor=request.user,
            disruption=d,
            grade=data["grade"],
            rationale=data["rationale"],
            note=data["note"],
            version=data.get("version"),
        ),
        done=_validated_message,
        initial=lambda d: {"grade": d.grade, "version": d.version},
        status=DisruptionStatus.SUBMITTED,
    )


@login_required
def return_claim(request, pk: int):
    return _workflow_page(
        request,
        pk,
        ReturnForm,
        "disruptions/return.html",
        lambda d, data: services.return_disruption(
            actor=request.user, disruption=d, reasons=data["reasons"]
        ),
        done=lambda d: f"{d.reference} has been returned to the claimant.",
        status=DisruptionStatus.SUBMITTED,
    )


@login_required
def regrade(request, pk: int):
    return _workflow_page(
        request,
        pk,
        RegradeForm,
        "disruptions/regrade.html",
        lambda d, data: services.regrade_disruption(
            actor=request.user, disruption=d, grade=data["grade"], rationale=data["rationale"]
        ),
        done=lambda d: f"{d.reference} is now graded {d.get_grade_display().lower()}.",
        initial=lambda d: {"grade": d.grade},
        status=DisruptionStatus.VALIDATED,
    )


@login_required
def share(request, pk: int):
    disruption = selectors.disruption_detail(request.user, pk)
    if not _owns(request.user, disruption) or request.user.is_read_only:
        raise PermissionDenied("Only the recording organisation may share a disruption.")
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            share_record(
                actor=request.user,
                record=disruption,
                organisation=form.cleaned_data["organisation"],
                conditions=form.cleaned_data["conditions"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(
                request,
                f"{disruption.reference} is shared with {form.cleaned_data['organisation']}.",
            )
            return redirect("disruptions:detail", pk=disruption.pk)
    return _form_page(request, "disruptions/share.html", form, {"disruption": disruption})


# --------------------------------------------------------------------------- validation lists


def _waiting_rows(page):
    today = timezone.localdate()
    days = services.validation_days()
    for disruption in page.object_list:
        disruption.days_waiting = selectors.days_waiting(disruption, today)
        disruption.is_overdue = (
            disruption.days_waiting is not None and disruption.days_waiting > days
        )
    return page


@login_required
def unvalidated(request):
    status = request.GET.get("status", "")
    disruptions = selectors.unvalidated(request.user, status=status)
    fmt = request.GET.get("format", "")
    if fmt in files.FORMATS:
        return export_response(disruptions, fmt, "unvalidated-disruptions", request.user)
    counts = {
        s: selectors.unvalidated(request.user, status=s).count()
        for s in (DisruptionStatus.SUBMITTED, DisruptionStatus.RETURNED, DisruptionStatus.DRAFT)
    }
    return render(
        request,
        "disruptions/unvalidated.html",
        {
            "page": _waiting_rows(paginate(request, disruptions)),
            "status": status if status in counts else "",
            "counts": [(DisruptionStatus(s), n) for s, n in counts.items()],
            "validation_days": services.validation_days(),
        },
    )


@login_required
def overdue(request):
    disruptions = selectors.overdue_for_validation(request.user)
    fmt = request.GET.get("format", "")
    if fmt in files.FORMATS:
        return export_response(disruptions, fmt, "disruptions-overdue-for-validation", request.user)
    return render(
        request,
        "disruptions/overdue.html",
        {
            "page": _waiting_rows(paginate(request, disruptions)),
            "validation_days": services.validation_days(),
        },
    )


# --------------------------------------------------------------------------- figures


def figures_params(request) -> tuple[dt.date, int]:
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = timezone.localdate()
    end = min(end, timezone.localdate())
    try:
        years = int(request.GET.get("years", "2"))
    except ValueError:
        years = 2
    return end, max(1, min(MAX_YEARS, years))


@login_required
def figures(request):
    end, years = figures_params(request)
    counts = selectors.counts_by_force(request.user, end=end, years=years)
    rows = [exports.figure_row(r) for r in counts.rows] + [exports.figure_row(counts.total)]
    fmt = request.GET.get("format", "")
    title = f"Validated disruptions, {counts.period}"
    if fmt == "csv":
        return csv_response("disruption-figures", exports.FIGURES_HEADER, rows)
    if fmt == "xlsx":
        return exports.xlsx_response(
            "disruption-figures", [("Figures", exports.FIGURES_HEADER, rows)]
        )
    top = max((r.per_thousand or 0 for r in counts.rows if not r.caveat), default=0)
    bars = {
        r.slug: round(float(r.per_thousand) / float(top) * 100, 1)
        for r in counts.rows
        if top and r.per_thousand and not r.caveat
    }
    return render(
        request,
        "disruptions/figures.html",
        {
            "counts": counts,
            "title": title,
            "rows": [(r, bars.get(r.slug, 0)) for r in counts.rows],
            "breakdown": selectors.breakdown(request.user, end=end, years=years),
            "grades": ImpactGrade.choices,
            "end": end,
            "years": years,
            "year_choices": range(1, MAX_YEARS + 1),
        },
    )


# --------------------------------------------------------------------------- import


def read_upload(upload) -> bytes:
    limit = settings.SOCMAP_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ImportRejected(
            [RowError(1, "", f"The file is {upload.size:,} bytes; the limit is {limit:,}.")]
        )
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ImportRejected([RowError(1, "", f"The file is larger than {limit:,} bytes.")])
    return raw


@login_required
def import_page(request):
    if not may_import(request.user):
        raise PermissionDenied("Only analysts and performance leads may import disruptions.")
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None, request.FILES if posted else None, user=request.user
    )
    row_errors = []
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows, lines = files.read_table(upload.name, read_upload(upload))
            result = services.import_disruptions(
                actor=request.user,
                rows=rows,
                lines=lines,
                owner=form.cleaned_data.get("owner"),
                status=form.cleaned_data["status"],
                source_name=upload.name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportRejected as rejected:
            row_errors = rejected.row_errors
            form.add_error(None, str(rejected))
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            if result.dry_run:
                messages.success(
                    request,
                    f"The file is correct: {result.rows:,} disruptions would be imported "
                    f"({services.status_summary(result)}). Nothing has been saved.",
                )
                return redirect("disruptions:import")
            flagged = len(result.reassessments_requested)
            messages.success(
                request,
                f"Imported {result.created:,} disruptions ({result.references}): "
                f"{services.status_summary(result)}."
                + (f" Re-assessment requested for {flagged} threats." if flagged else ""),
            )
            return redirect("disruptions:list")
    return render(
        request,
        "disruptions/import.html",
        {
            "form": form,
            "row_errors": row_errors[:500],
            "more_errors": max(0, len(row_errors) - 500),
            "columns": services.IMPORT_COLUMNS,
        },
        status=400 if row_errors or form.errors else 200,
    )


def template_response(fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(
            files.template_xlsx(
                services.IMPORT_COLUMNS, list(Tactic.objects.filter(is_active=True)), _guidance()
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "csv":
        response = HttpResponse(
            files.template_csv(services.IMPORT_COLUMNS), content_type="text/csv; charset=utf-8"
        )
    else:
        raise Http404("The template comes as csv or xlsx.")
    response["Content-Disposition"] = f'attachment; filename="disruptions-template.{fmt}"'
    return response


@login_required
def template(request):
    return template_response(request.GET.get("format", "csv"))


@login_required
def guidance(request):
    return render(
        request,
        "disruptions/guidance.html",
        {
            "guidance": _guidance(),
            "tactics": Tactic.objects.all(),
            "quantities": {q.code: q for q in QUANTITIES},
            "meanings": [(FourP(p).label, MEANING[p]) for p in FourP.values],
            "validation_days": services.validation_days(),
        },
    )
