"""Intelligence pages: reports (list, record, page, the original read on request, re-grading,
sanitising), sanitised copies and sharing them, clearance, the trigger report queue, SARs and
intelligence packages, ACRO checks, the process measures and imports. Thin: parse the request,
call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from socmap.errors import ImportRejected, InvalidInput
from socmap.intel import exports, rules, selectors, services
from socmap.intel.forms import (
    AcceptExistingForm,
    AcceptNewForm,
    AcroCheckForm,
    ArrestForm,
    ClearanceForm,
    DeclineForm,
    ImportForm,
    PackageForm,
    RegradeForm,
    ReportForm,
    RevokeForm,
    SanitiseForm,
    SarForm,
    ShareCopyForm,
    TriageForm,
    TriggerForm,
)
from socmap.intel.models import (
    AcroResult,
    IntelClearance,
    SarStatus,
    SourceType,
    TriggerStatus,
)
from socmap.intel.rules import Classification, GradingSystem
from socmap.orgs.models import OrganisationKind, Role
from socmap.orgs.scoping import can_see, get_visible_or_404, organisations_in_scope
from socmap.orgs.uploads import csv_dict_rows, read_uploaded_text
from socmap.people.models import Nominal
from socmap.security.reads import guard_read
from socmap.web.tables import paginate

FORMATS = ("csv", "xlsx")


def may_record(user) -> bool:
    return user.has_role(*services.RECORDERS) and not user.is_read_only


def may_assess(user) -> bool:
    return user.has_role(*services.ASSESSORS) and not user.is_read_only


def _owns(user, owner_id: int) -> bool:
    return organisations_in_scope(user).filter(pk=owner_id).exists()


def _apply_errors(form: forms.Form, error: InvalidInput) -> None:
    for field, messages_ in error.field_errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def _form_page(request, template: str, form, context: dict):
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


def _flash(request, invalid: InvalidInput) -> None:
    for message in invalid.summary().split("; "):
        messages.error(request, message)


# --------------------------------------------------------------------------- reports


def _report_filters(request) -> selectors.ReportFilters:
    get = request.GET
    return selectors.check_report_filters(
        grading_system=get.get("system", ""),
        source_evaluation=get.get("source", ""),
        intelligence_assessment=get.get("intelligence", ""),
        handling_code=get.get("handling", ""),
        classification=get.get("classification", ""),
        source_type=get.get("source_type", ""),
        owner=get.get("owner", ""),
        nominal=get.get("nominal", ""),
        threat=get.get("threat", ""),
        date_from=get.get("from", ""),
        date_to=get.get("to", ""),
        search=get.get("q", ""),
        sort=get.get("sort", selectors.REPORT_DEFAULT_SORT),
        strict=False,
    )


@login_required
def report_list(request):
    user = request.user
    if selectors.is_partner(user):
        return render(request, "intel/partner_home.html", {})
    filters = _report_filters(request)
    reports = selectors.report_list(user, filters)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return exports.table_response(
            fmt,
            "intelligence-reports",
            "Reports",
            exports.REPORT_HEADER,
            exports.report_records(reports),
        )
    return render(
        request,
        "intel/report_list.html",
        {
            "page": paginate(request, reports.prefetch_related("sanitised_copies")),
            "filters": filters,
            "sort": filters.sort,
            "systems": GradingSystem.choices,
            "classifications": Classification.choices,
            "source_types": SourceType.choices,
            "owners": organisations_in_scope(user)
            .exclude(kind=OrganisationKind.PARTNER)
            .order_by("name"),
            "clearance": services.current_clearance(user),
            "may_record": may_record(user),
        },
    )


@login_required
def record_report(request):
    if not may_record(request.user):
        raise PermissionDenied("Only analysts, LROs and offender managers may record intelligence.")
    form = ReportForm(
        request.POST or None, user=request.user, initial={"reported_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.record_report(actor=request.user, **data)
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(
                request, f"{report.reference} is recorded, graded {report.grading_code}."
            )
            return redirect("intel:report", pk=report.pk)
    return _form_page(request, "intel/report_form.html", form, {})


def _report_context(request, report) -> dict:
    user = request.user
    return {
        "report": report,
        "problem": services.original_problem(user, report),
        "gradings": selectors.gradings(user, report),
        "copies": selectors.report_copies(user, report),
        "nominals": [(n, True) for n in report.nominals.all() if can_see(user, n)],
        "threats": [(t, True) for t in report.threats.all() if can_see(user, t)],
        "owns": _owns(user, report.owner_id),
        "may_record": may_record(user),
        "grading": report.grading.describe(),
        "original": None,
    }


@login_required
def report_detail(request, pk: int):
    report = selectors.report_detail(request.user, pk)
    gate = guard_read(request, report)
    if gate is not None:
        return gate
    context = _report_context(request, report)
    if request.method == "POST":
        context["original"] = services.open_original(actor=request.user, report=report)
    return render(request, "intel/report_detail.html", context)


@login_required
def regrade(request, pk: int):
    report = selectors.report_detail(request.user, pk)
    if not may_record(request.user) or not _owns(request.user, report.owner_id):
        raise PermissionDenied("Only the holding organisation may re-grade a report.")
    initial = {
        "grading_system": report.grading_system,
        "source_evaluation": report.source_evaluation,
        "intelligence_assessment": report.intelligence_assessment,
        "handling_code": report.handling_code,
        "handling_conditions": report.handling_conditions,
        "classification": report.classification,
    }
    form = RegradeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.regrade_report(actor=request.user, report=report, **form.cleaned_data)
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, f"{report.reference} is now graded {report.grading_code}.")
            return redirect("intel:report", pk=report.pk)
    return _form_page(request, "intel/regrade.html", form, {"report": report})


@login_required
def sanitise(request, pk: int):
    report = selectors.report_detail(request.user, pk)
    if not may_record(request.user) or not _owns(request.user, report.owner_id):
        raise PermissionDenied("Only the holding organisation may sanitise a report.")
    problem = services.original_problem(request.user, report)
    if problem:
        raise PermissionDenied(f"To sanitise a report you must be able to read it. {problem}")
    if request.method == "POST":
        form = SanitiseForm(request.POST)
    else:
        original = services.open_original(actor=request.user, report=report)
        form = SanitiseForm(
            initial={
                "text": rules.draft_sanitised(original, report.source_identifying),
                "classification": report.classification,
                "handling_conditions": report.handling_conditions,
            }
        )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.sanitise_report(actor=request.user, report=report, **form.cleaned_data)
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{copy.reference} made. Share it from its page.")
            return redirect("intel:copy", pk=copy.pk)
    return _form_page(
        request,
        "intel/sanitise.html",
        form,
        {"report": report, "phrases": services.protected_phrases(report)},
    )


# --------------------------------------------------------------------------- sanitised copies


@login_required
def copy_list(request):
    user = request.user
    shared_only = selectors.is_partner(user) or request.GET.get("shared") == "1"
    copies = selectors.copy_list(user, search=request.GET.get("q", ""), shared_only=shared_only)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return exports.table_response(
            fmt,
            "sanitised-intelligence",
            "Sanitised copies",
            exports.COPY_HEADER,
            exports.copy_records(copies),
        )
    return render(
        request,
        "intel/copy_list.html",
        {
            "page": paginate(request, copies),
            "shared_only": shared_only,
            "partner": selectors.is_partner(user),
            "search": request.GET.get("q", ""),
        },
    )


@login_required
def copy_detail(request, pk: int):
    copy = selectors.copy_detail(request.user, pk)
    owns = _owns(request.user, copy.report.owner_id)
    return render(
        request,
        "intel/copy_detail.html",
        {
            "copy": copy,
            "owns": owns,
            "shares": selectors.shares_of(copy) if owns else [],
            "report_visible": owns
            or can_see(request.user, copy.report)
            and not selectors.is_partner(request.user),
            "may_share": owns and not request.user.is_read_only,
            "form": ShareCopyForm() if owns else None,
        },
    )


@login_required
@require_POST
def share_copy(request, pk: int):
    copy = selectors.copy_detail(request.user, pk)
    if not _owns(request.user, copy.report.owner_id) or request.user.is_read_only:
        raise PermissionDenied("Only the holding organisation may share its intelligence.")
    form = ShareCopyForm(request.POST)
    if form.is_valid():
        try:
            services.share_copy(
                actor=request.user,
                copy=copy,
                organisation=form.cleaned_data["organisation"],
                conditions=form.cleaned_data["conditions"],
            )
        except InvalidInput as invalid:
            _flash(request, invalid)
        else:
            messages.success(
                request, f"{copy.reference} is shared with {form.cleaned_data['organisation']}."
            )
    else:
        messages.error(request, "Choose the organisation to share it with.")
    return redirect("intel:copy", pk=copy.pk)


# --------------------------------------------------------------------------- clearance


def _require_admin(user) -> None:
    if not user.has_role(Role.ADMINISTRATOR) or user.is_read_only:
        raise PermissionDenied("Only administrators manage clearance.")


@login_required
def clearances(request):
    _require_admin(request.user)
    form = ClearanceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            granted = services.grant_clearance(actor=request.user, **form.cleaned_data)
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(
                request,
                f"{granted.user.display_name} is cleared: {granted.get_level_display().lower()}.",
            )
            return redirect("intel:clearances")
    show_all = request.GET.get("all") == "1"
    return _form_page(
        request,
        "intel/clearances.html",
        form,
        {
            "page": paginate(
                request, selectors.clearance_list(request.user, current_only=not show_all)
            ),
            "show_all": show_all,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def revoke_clearance(request, pk: int):
    _require_admin(request.user)
    clearance = get_visible_or_404(request.user, IntelClearance, pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason the clearance is withdrawn.")
        return redirect("intel:clearances")
    try:
        services.revoke_clearance(actor=request.user, clearance=clearance, **form.cleaned_data)
    except InvalidInput as invalid:
        _flash(request, invalid)
    else:
        messages.success(request, f"Clearance withdrawn from {clearance.user.display_name}.")
    return redirect("intel:clearances")


# --------------------------------------------------------------------------- trigger reports


@login_required
def trigger_queue(request):
    status = request.GET.get("status", TriggerStatus.RECEIVED)
    if status == "any":
        status = ""
    if status and status not in TriggerStatus.values:
        status = TriggerStatus.RECEIVED
    sort = request.GET.get("sort", selectors.TRIGGER_DEFAULT_SORT)
    if sort.lstrip("-") not in selectors.TRIGGER_SORTS:
        sort = selectors.TRIGGER_DEFAULT_SORT
    triggers = selectors.trigger_queue(
        request.user, status=status, sender=request.GET.get("from", ""), sort=sort
    )
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return exports.table_response(
            fmt,
            "trigger-reports",
            "Trigger reports",
            exports.TRIGGER_HEADER,
            exports.trigger_records(triggers),
        )
    return render(
        request,
        "intel/trigger_queue.html",
        {
            "page": paginate(request, triggers),
            "status": status or "any",
            "statuses": TriggerStatus.choices,
            "sort": sort,
            "sender": request.GET.get("from", ""),
            "may_assess": may_assess(request.user),
        },
    )


@login_required
def submit_trigger(request):
    if request.user.is_read_only:
        raise PermissionDenied("Your roles are read-only.")
    form = TriggerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            trigger = services.submit_trigger_report(actor=request.user, **form.cleaned_data)
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{trigger.reference} is sent to {trigger.owner}.")
            return redirect("intel:trigger", pk=trigger.pk)
    return _form_page(request, "intel/trigger_form.html", form, {})


@login_required
def trigger_detail(request, pk: int):
    trigger = selectors.trigger_detail(request.user, pk)
    assessor = selectors.may_assess(request.user, trigger) and trigger.is_waiting
    return render(
        request,
        "intel/trigger_detail.html",
        {
            "trigger": trigger,
            "may_assess": assessor,
            "threat_visible": trigger.threat_id and can_see(request.user, trigger.threat),
            "nominals": [(n, True) for n in trigger.nominals.all() if can_see(request.user, n)],
            "accept_new": AcceptNewForm(
                initial={
                    "name": trigger.title,
                    "kind": trigger.suggested_kind,
                    "crime_type": trigger.crime_type_id,
                }
            )
            if assessor
            else None,
            "accept_existing": AcceptExistingForm(user=request.user) if assessor else None,
            "decline": DeclineForm() if assessor else None,
        },
    )


def _assessable(request, pk: int):
    trigger = selectors.trigger_detail(request.user, pk)
    if not selectors.may_assess(request.user, trigger):
        raise PermissionDenied("Only the assessing unit's analysts and tasking chairs may decide.")
    return trigger


def _decision_page(request, trigger, forms_: dict, status: int = 400):
    context = {
        "trigger": trigger,
        "may_assess": True,
        "threat_visible": False,
        "nominals": [(n, True) for n in trigger.nominals.all() if can_see(request.user, n)],
        "accept_new": AcceptNewForm(),
        "accept_existing": AcceptExistingForm(user=request.user),
        "decline": DeclineForm(),
        **forms_,
    }
    return render(request, "intel/trigger_detail.html", context, status=status)


@login_required
@require_POST
def accept_new(request, pk: int):
    trigger = _assessable(request, pk)
    form = AcceptNewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        subject = None
        if data["subject"]:
            subject = get_visible_or_404(request.user, Nominal, pk=data["subject"])
        try:
            threat = services.accept_trigger_as_new_threat(
                actor=request.user,
                trigger=trigger,
                name=data["name"],
                kind=data["kind"],
                crime_type=data["crime_type"],
                tier=data["tier"],
                subject=subject,
                note=data["note"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(
                request, f"{trigger.reference} accepted as {threat.reference}, under assessment."
            )
            return redirect("threats:detail", pk=threat.pk)
    return _decision_page(request, trigger, {"accept_new": form})


@login_required
@require_POST
def accept_existing(request, pk: int):
    trigger = _assessable(request, pk)
    form = AcceptExistingForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            threat = services.accept_trigger_into_threat(
                actor=request.user,
                trigger=trigger,
                threat=form.cleaned_data["threat"],
                note=form.cleaned_data["note"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{trigger.reference} accepted into {threat.reference}.")
            return redirect("intel:trigger", pk=trigger.pk)
    return _decision_page(request, trigger, {"accept_existing": form})


@login_required
@require_POST
def decline(request, pk: int):
    trigger = _assessable(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_trigger_report(
                actor=request.user, trigger=trigger, **form.cleaned_data
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{trigger.reference} is declined; the sender sees why.")
            return redirect("intel:triggers")
    return _decision_page(request, trigger, {"decline": form})


# --------------------------------------------------------------------------- SARs and packages


@login_required
def sar_list(request):
    get = request.GET
    try:
        sars = selectors.sar_list(
            request.user,
            status=get.get("status", ""),
            date_from=get.get("from", ""),
            date_to=get.get("to", ""),
            sort=get.get("sort", "-received"),
            search=get.get("q", ""),
        )
    except InvalidInput:
        sars = selectors.sar_list(request.user)
    fmt = get.get("format", "")
    if fmt in FORMATS:
        return exports.table_response(
            fmt,
            "suspicious-activity-reports",
            "SARs",
            exports.SAR_HEADER,
            exports.sar_records(sars),
        )
    return render(
        request,
        "intel/sar_list.html",
        {
            "page": paginate(request, sars),
            "statuses": SarStatus.choices,
            "status": get.get("status", ""),
            "sort": get.get("sort", "-received"),
            "search": get.get("q", ""),
            "may_record": may_record(request.user),
            "packages": selectors.packages_for(request.user)[:10],
            "form": SarForm() if may_record(request.user) else None,
            "triage": TriageForm(),
        },
    )


@login_required
@require_POST
def record_sar(request):
    if not may_record(request.user):
        raise PermissionDenied("Only analysts may record suspicious activity reports.")
    form = SarForm(request.POST)
    if form.is_valid():
        try:
            sar = services.record_sar(actor=request.user, **form.cleaned_data)
        except InvalidInput as invalid:
            _flash(request, invalid)
        else:
            messages.success(request, f"SAR {sar.reference} is recorded, awaiting triage.")
    else:
        messages.error(
            request, "Give the UKFIU reference, date received and the reporter's sector."
        )
    return redirect("intel:sars")


@login_required
@require_POST
def triage(request, pk: int):
    sar = get_visible_or_404(request.user, selectors.sars_for(request.user), pk=pk)
    if not may_record(request.user):
        raise PermissionDenied("Only analysts may triage suspicious activity reports.")
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            services.triage_sar(actor=request.user, sar=sar, **form.cleaned_data)
        except InvalidInput as invalid:
            _flash(request, invalid)
        else:
            messages.success(request, f"SAR {sar.reference}: {sar.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose the outcome of the triage.")
    return redirect("intel:sars")


@login_required
def create_package(request):
    if not may_record(request.user):
        raise PermissionDenied("Only analysts may produce intelligence packages.")
    form = PackageForm(
        request.POST or None, user=request.user, initial={"produced_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        references = form.references()
        found = {
            s.reference: s
            for s in selectors.sars_for(request.user).filter(reference__in=references)
        }
        missing = [r for r in references if r not in found]
        if missing:
            form.add_error("sars", f"No SARs you can see with references {', '.join(missing)}.")
        else:
            data = form.cleaned_data
            try:
                package = services.create_package(
                    actor=request.user,
                    sars=[found[r] for r in references],
                    produced_on=data["produced_on"],
                    summary=data["summary"],
                    forwarded_to=data["forwarded_to"],
                    threat=data["threat"],
                )
            except InvalidInput as invalid:
                _apply_errors(form, invalid)
            else:
                messages.success(
                    request, f"{package.reference} produced from {len(references)} SARs."
                )
                return redirect("intel:sars")
    return _form_page(request, "intel/package_form.html", form, {})


# --------------------------------------------------------------------------- ACRO checks


@login_required
def arrest_list(request):
    get = request.GET
    try:
        arrests = selectors.arrest_list(
            request.user,
            result=get.get("result", ""),
            checked=get.get("checked", ""),
            date_from=get.get("from", ""),
            date_to=get.get("to", ""),
            sort=get.get("sort", "-arrested"),
            search=get.get("q", ""),
        )
    except InvalidInput:
        arrests = selectors.arrest_list(request.user)
    fmt = get.get("format", "")
    if fmt in FORMATS:
        return exports.table_response(
            fmt,
            "foreign-national-arrests",
            "Arrests",
            exports.ARREST_HEADER,
            exports.arrest_records(arrests),
        )
    return render(
        request,
        "intel/arrest_list.html",
        {
            "page": paginate(request, arrests),
            "results": AcroResult.choices,
            "result": get.get("result", ""),
            "checked": get.get("checked", ""),
            "sort": get.get("sort", "-arrested"),
            "search": get.get("q", ""),
            "may_record": may_record(request.user),
            "form": ArrestForm() if may_record(request.user) else None,
            "check_form": AcroCheckForm(),
        },
    )


@login_required
@require_POST
def record_arrest(request):
    if not may_record(request.user):
        raise PermissionDenied("Only analysts may record arrests of foreign nationals.")
    form = ArrestForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        nominal_id = data.pop("nominal")
        data["nominal"] = (
            get_visible_or_404(request.user, Nominal, pk=nominal_id) if nominal_id else None
        )
        try:
            arrest = services.record_arrest(actor=request.user, **data)
        except InvalidInput as invalid:
            _flash(request, invalid)
        else:
            messages.success(request, f"Arrest {arrest.custody_reference} is recorded.")
    else:
        messages.error(request, "Give the custody reference, date of arrest and nationality.")
    return redirect("intel:acro")


@login_required
@require_POST
def acro_check(request, pk: int):
    arrest = get_visible_or_404(request.user, selectors.arrests_for(request.user), pk=pk)
    if not may_record(request.user):
        raise PermissionDenied("Only analysts may record ACRO checks.")
    form = AcroCheckForm(request.POST)
    if form.is_valid():
        try:
            services.record_acro_check(actor=request.user, arrest=arrest, **form.cleaned_data)
        except InvalidInput as invalid:
            _flash(request, invalid)
        else:
            messages.success(request, f"ACRO check recorded for {arrest.custody_reference}.")
    else:
        messages.error(request, "Choose the result of the check.")
    return redirect("intel:acro")


# --------------------------------------------------------------------------- measures


def _period(request) -> tuple[dt.date | None, dt.date]:
    today = timezone.localdate()
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = None
    end = min(end, today)
    if start is not None and start > end:
        start = None
    return start, end


@login_required
def measures(request):
    start, end = _period(request)
    found = selectors.measures(request.user, start=start, end=end)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        rows = [exports.measure_row(r) for r in [*found.rows, found.total]]
        return exports.table_response(
            fmt, "intelligence-measures", "Measures", exports.MEASURE_HEADER, rows
        )
    return render(request, "intel/measures.html", {"measures": found})


# --------------------------------------------------------------------------- imports

IMPORTERS = {
    "reports": (services.import_reports, services.REPORT_COLUMNS),
    "sars": (services.import_sars, services.SAR_COLUMNS),
    "arrests": (services.import_arrests, services.ARREST_COLUMNS),
}


@login_required
def import_page(request):
    if not may_record(request.user):
        raise PermissionDenied("Only analysts, LROs and offender managers may import.")
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    row_errors = []
    if posted and form.is_valid():
        kind = form.cleaned_data["kind"]
        importer, _columns = IMPORTERS[kind]
        upload = form.cleaned_data["file"]
        try:
            text = read_uploaded_text(upload)
            result = importer(
                actor=request.user,
                rows=csv_dict_rows(text),
                source_name=upload.name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportRejected as rejected:
            row_errors = rejected.row_errors
            form.add_error(None, str(rejected))
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            if result.dry_run:
                messages.success(
                    request,
                    f"The file is correct: {result.rows} rows would be imported. "
                    "Nothing has been saved.",
                )
            else:
                messages.success(request, f"Imported {result.rows} rows from {upload.name}.")
            return redirect("intel:import")
    return render(
        request,
        "intel/import.html",
        {
            "form": form,
            "row_errors": row_errors[:500],
            "columns": {kind: columns for kind, (_f, columns) in IMPORTERS.items()},
        },
        status=400 if row_errors or form.errors else 200,
    )
