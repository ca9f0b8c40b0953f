"""Threat pages: the prioritised list, mapping with a live score preview, the threat page,
its lifecycle and members, the overdue list and the figures. Thin: parse the request, call
a selector or a service, render."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation, OrganisationKind, Role
from socmap.orgs.scoping import can_see, get_visible_or_404
from socmap.orgs.selectors import users_visible_to
from socmap.scoring.forms import ANSWER_PREFIX, JUDGE_PREFIX, AnswersForm
from socmap.scoring.selectors import assessment_timeline, overdue_reassessments
from socmap.scoring.services import methodology_version
from socmap.security.reads import guard_read
from socmap.threats import selectors, services
from socmap.threats.forms import (
    EditThreatForm,
    EndMemberForm,
    MapThreatForm,
    MemberForm,
    StatusForm,
    default_methodology,
)
from socmap.threats.models import CrimeType, Status, Threat, ThreatKind
from socmap.web.tables import csv_response, paginate

LIST_SORTS = ("band", "score", "name", "due", "owner")
ANY = "any"


def _apply_errors(form: forms.Form, error: InvalidInput, answers: forms.Form | None = None):
    """Put a service's field errors on the form fields they belong to (answers by attribute
    key on the answers form); anything else at the top of the form."""
    for field, messages_ in error.field_errors.items():
        for message in messages_:
            if answers is not None and ANSWER_PREFIX + field in answers.fields:
                answers.add_error(ANSWER_PREFIX + field, message)
            elif field in form.fields:
                form.add_error(field, message)
            else:
                form.add_error(None, message)


def _url_or_none(name: str, *args) -> str | None:
    """The URL of a page another part of socmap provides, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _may_map(user) -> bool:
    return user.has_role(*services.MAPPERS) and not user.is_read_only


def _band_choices() -> list[str]:
    return selectors.band_choices()


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


# --------------------------------------------------------------------------- list


def _list_filters(request) -> dict:
    get = request.GET
    kind = get.get("kind", "")
    status = get.get("status", Status.ACTIVE)
    if status == ANY:
        status = ""
    sort = get.get("sort", "band")
    return {
        "kind": kind if kind in ThreatKind.values else "",
        "status": status if status in Status.values else ("" if status == "" else Status.ACTIVE),
        "crime_type": get.get("crime_type", "")[:40],
        "force": get.get("force", "")[:100],
        "lro": get.get("lro", "")[:150],
        "band": get.get("band", "")[:8],
        "overdue": get.get("overdue") in ("1", "on", "true", "yes"),
        "search": get.get("q", "").strip()[:100],
        "sort": sort if sort.lstrip("-") in LIST_SORTS else "band",
    }


THREAT_CSV_HEADER = [
    "reference",
    "name",
    "kind",
    "owner",
    "tier",
    "status",
    "predominant crime type",
    "band",
    "score",
    "methodology",
    "LRO",
    "SRO",
    "re-assessment due",
    "overdue",
]


def threat_csv_row(threat: Threat, today) -> list:
    return [
        threat.reference,
        threat.name,
        threat.get_kind_display(),
        threat.owner.name,
        threat.get_tier_display(),
        threat.get_status_display(),
        threat.predominant_crime_type.name,
        threat.current_band,
        threat.current_score if threat.current_score is not None else "",
        threat.current_methodology,
        threat.lro.username if threat.lro else "",
        threat.sro.username if threat.sro else "",
        threat.reassessment_due.isoformat() if threat.reassessment_due else "",
        _yes_no(bool(selectors.overdue_reason(threat, today))),
    ]


@login_required
def threat_list(request):
    filters = _list_filters(request)
    threats = selectors.prioritised_threats(request.user, **filters)
    today = timezone.localdate()
    if request.GET.get("format") == "csv":
        return csv_response(
            "threats", THREAT_CSV_HEADER, (threat_csv_row(t, today) for t in threats)
        )
    count, overdue_count = selectors.list_counts(threats, today)
    # the page shows neither the subject nor the SRO (the CSV above does)
    shown = threats.prefetch_related(None).select_related(None)
    shown = shown.select_related("owner", "predominant_crime_type", "lro")
    page = paginate(request, shown, ids_first=True, count=count)
    for threat in page.object_list:
        threat.overdue_reason = selectors.overdue_reason(threat, today)
    filtered = (
        any(filters[k] for k in ("kind", "crime_type", "force", "lro", "band", "overdue", "search"))
        or filters["status"] != Status.ACTIVE
    )
    return render(
        request,
        "threats/threat_list.html",
        {
            "page": page,
            "filters": filters,
            "status_value": filters["status"] or ANY,
            "status_label": Status(filters["status"]).label.lower() if filters["status"] else "any",
            "sort": filters["sort"],
            "filtered": filtered,
            "overdue_count": overdue_count,
            "kinds": ThreatKind.choices,
            "statuses": Status.choices,
            # the filters' choices as plain values: 43 forces made into objects for a list
            "crime_types": CrimeType.objects.values("code", "name"),
            "forces": Organisation.objects.filter(kind=OrganisationKind.FORCE)
            .order_by("name")
            .values("slug", "name"),
            "lros": selectors.officer_candidates(request.user, role=Role.LRO).order_by(
                "last_name", "first_name"
            ),
            "bands": _band_choices(),
            "may_map": _may_map(request.user),
        },
    )


# --------------------------------------------------------------------------- mapping


def _answers_form(data, label: str, user, *, initial: dict | None = None):
    """The answers form for methodology ``label`` (None if no methodology is chosen)."""
    if not label:
        return None, None
    version = methodology_version(label)
    form = AnswersForm(
        data,
        rules=version.rules(),
        judges=users_visible_to(user, active=True).order_by("last_name", "first_name"),
        initial=initial,
    )
    return version, form


@login_required
def answers_fields(request):
    """htmx: the answer fields for ``?methodology=NAME@VERSION`` (empty: none), keeping any
    answers already given (``answer_<key>``) when the kind changes."""
    label = request.GET.get("methodology", "")
    kept = {
        key: value
        for key, value in request.GET.items()
        if key.startswith((ANSWER_PREFIX, JUDGE_PREFIX)) and value
    }
    try:
        version, answers = _answers_form(None, label, request.user, initial=kept)
    except InvalidInput as unknown:
        return render(
            request,
            "scoring/includes/preview_error.html",
            {"message": unknown.summary()},
            status=400,
        )
    kind = request.GET.get("kind", "")
    return render(
        request,
        "threats/includes/answers_fields.html",
        {
            "answers": answers,
            "methodology": version,
            "kind_label": ThreatKind(kind).label.lower() if kind in ThreatKind.values else "",
            "applies": version is None
            or kind not in ThreatKind.values
            or kind in version.rules().applies_to,
        },
    )


@login_required
def threat_map(request):
    if not _may_map(request.user):
        raise PermissionDenied("Only analysts and tasking chairs may map threats.")
    kind = request.GET.get("kind", ThreatKind.OCG)
    if kind not in ThreatKind.values:
        kind = ThreatKind.OCG
    data = request.POST if request.method == "POST" else None
    form = MapThreatForm(
        data,
        user=request.user,
        initial={"kind": kind, "methodology": default_methodology(kind)},
    )
    label = (
        request.POST.get("methodology", "")
        if request.method == "POST"
        else form.initial.get("methodology", "")
    )
    version = answers = None
    try:
        version, answers = _answers_form(data, label, request.user)
    except InvalidInput:
        label = ""
    if request.method == "POST":
        details_ok = form.is_valid()
        answers_ok = answers.is_valid() if answers is not None else True
        if details_ok and answers_ok:
            data_ = form.cleaned_data
            fields = {
                **form.threat_fields(),
                "kind": data_["kind"],
                "owner": data_["owner"],
                "status": data_["status"],
            }
            try:
                if version is not None:
                    threat = services.map_and_assess_threat(
                        actor=request.user,
                        methodology=version,
                        inputs=answers.inputs(),
                        judged_by=answers.judged_by(),
                        rationale=data_["rationale"],
                        **fields,
                    )
                else:
                    threat = services.map_threat(actor=request.user, **fields)
            except InvalidInput as invalid:
                _apply_errors(form, invalid, answers)
            else:
                banding = (
                    f", band {threat.current_band} (score {threat.current_score}, "
                    f"{threat.current_methodology})"
                    if threat.current_band
                    else ", not yet assessed"
                )
                messages.success(request, f"Mapped {threat.reference} {threat.name}{banding}.")
                return redirect("threats:detail", pk=threat.pk)
    has_errors = bool(form.errors or (answers is not None and answers.errors))
    return render(
        request,
        "threats/threat_map.html",
        {"form": form, "answers": answers, "methodology": version, "has_errors": has_errors},
        status=400 if has_errors else 200,
    )


# --------------------------------------------------------------------------- threat page


def _member_rows(user, threat: Threat) -> list[dict]:
    """The members the user may see; the others are not shown, counted or hinted at."""
    return [
        {"membership": m, "url": _url_or_none("people:detail", m.nominal_id)}
        for m in selectors.visible_memberships(user, threat)
    ]


@login_required
def threat_detail(request, pk: int):
    threat = selectors.threat_detail(request.user, pk)
    gate = guard_read(request, threat)
    if gate is not None:
        return gate
    assessments = list(assessment_timeline(request.user, threat))
    latest = assessments[0] if assessments else None
    contributions = sorted(
        (latest.contributions if latest else []),
        key=lambda c: -Decimal(str(c.get("contribution", "0"))),
    )
    may_change = _may_map(request.user)
    return render(
        request,
        "threats/threat_detail.html",
        {
            "threat": threat,
            "assessments": assessments,
            "latest": latest,
            "contributions": contributions,
            "members": _member_rows(request.user, threat),
            "overdue_reason": selectors.overdue_reason(threat),
            "status_changes": threat.status_changes.all(),
            "may_change": may_change,
            "assess_url": _url_or_none("scoring:assess", threat.pk) if may_change else None,
            "subject_url": (
                _url_or_none("people:detail", threat.subject_id)
                if threat.subject_id and can_see(request.user, threat.subject)
                else None
            ),
        },
    )


@login_required
def threat_panels(request, pk: int):
    """A threat's 4P plan, disruptions, lifetime management and intelligence panels, which
    its page loads after itself (htmx) so that the page is shown first; without JavaScript
    they open as a page of their own. The same reads as the page: 404 outside its scope, a
    restricted threat needs a reason, and the read is audited."""
    threat = get_visible_or_404(request.user, Threat.objects.select_related("owner"), pk=pk)
    gate = guard_read(request, threat, how="page panels")
    if gate is not None:
        return gate
    template = (
        "threats/includes/panels.html"
        if request.headers.get("HX-Request")
        else "threats/threat_panels.html"
    )
    return render(request, template, {"threat": threat})


def _changeable(request, pk: int) -> Threat:
    threat = selectors.threat_detail(request.user, pk)
    if not _may_map(request.user):
        raise PermissionDenied("Only analysts and tasking chairs may change threats.")
    return threat


@login_required
def threat_edit(request, pk: int):
    threat = _changeable(request, pk)
    form = EditThreatForm(
        request.POST or None, user=request.user, initial=EditThreatForm.initial_for(threat)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_threat(
                actor=request.user,
                threat=threat,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                **form.threat_fields(),
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{threat.reference} has been updated.")
            return redirect("threats:detail", pk=threat.pk)
    return render(
        request,
        "threats/threat_edit.html",
        {"threat": threat, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def threat_status(request, pk: int):
    threat = _changeable(request, pk)
    form = StatusForm(
        request.POST or None, threat=threat, user=request.user, initial={"version": threat.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_status(
                actor=request.user,
                threat=threat,
                to_status=data["to_status"],
                reason=data["reason"],
                archive_reason=data["archive_reason"],
                merged_into=data["merged_into"],
                version=data["version"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(
                request, f"{threat.reference} is now {threat.get_status_display().lower()}."
            )
            return redirect("threats:detail", pk=threat.pk)
    return render(
        request,
        "threats/threat_status.html",
        {"threat": threat, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def member_add(request, pk: int):
    threat = _changeable(request, pk)
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.add_member(
                actor=request.user,
                threat=threat,
                nominal=data["nominal"],
                role=data["role"],
                joined_on=data["joined_on"],
                notes=data["notes"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(
                request,
                f"{membership.nominal.full_name} added as {membership.get_role_display().lower()}.",
            )
            return redirect("threats:detail", pk=threat.pk)
    return render(
        request,
        "threats/member_form.html",
        {"threat": threat, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def member_end(request, pk: int):
    membership = selectors.membership_detail(request.user, pk)
    threat = _changeable(request, membership.threat_id)
    form = EndMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_membership(
                actor=request.user,
                membership=membership,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"{membership.nominal.full_name}'s membership has ended.")
            return redirect("threats:detail", pk=threat.pk)
    return render(
        request,
        "threats/member_end.html",
        {"threat": threat, "membership": membership, "form": form},
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- overdue


@login_required
def overdue(request):
    threats = overdue_reassessments(request.user)
    today = timezone.localdate()
    if request.GET.get("format") == "csv":
        return csv_response(
            "overdue-reassessments",
            ["reference", "name", "owner", "band", "last assessed", "re-assessment due", "why"],
            (
                [
                    t.reference,
                    t.name,
                    t.owner.name,
                    t.current_band,
                    t.last_assessed_at.date().isoformat() if t.last_assessed_at else "",
                    t.reassessment_due.isoformat() if t.reassessment_due else "",
                    selectors.overdue_reason(t, today),
                ]
                for t in threats
            ),
        )
    count, overdue_count = selectors.list_counts(threats, today)
    # the page shows neither the subject nor the SRO (the CSV above does)
    shown = threats.prefetch_related(None).select_related(None)
    shown = shown.select_related("owner", "predominant_crime_type", "lro")
    page = paginate(request, shown, ids_first=True, count=count)
    for threat in page.object_list:
        threat.overdue_reason = selectors.overdue_reason(threat, today)
    return render(request, "threats/overdue.html", {"page": page, "today": today})


# --------------------------------------------------------------------------- figures

FIGURE_TABLES = ("forces", "regions", "crime_types", "bands")


def _with_bars(rows: list[dict], key: str) -> list[dict]:
    top = max((r[key] or 0 for r in rows), default=0)
    for row in rows:
        value = row[key] or 0
        row["bar"] = round(100 * float(value) / float(top), 1) if top else 0
    return rows


def _rate_rows(rates) -> list[dict]:
    return [
        {
            "name": r.name,
            "slug": r.slug,
            "threats": r.threats,
            "population": r.population,
            "population_year": r.population_year,
            "per_million": r.per_million,
        }
        for r in rates
    ]


@login_required
def figures(request):
    status = request.GET.get("status", Status.ACTIVE)
    if status not in Status.values:
        status = Status.ACTIVE
    force_rates, region_rates = selectors.threats_per_million(request.user, status=status)
    tables = {
        "forces": _with_bars(_rate_rows(force_rates), "per_million"),
        "regions": _with_bars(_rate_rows(region_rates), "per_million"),
        "crime_types": _with_bars(
            selectors.crime_type_breakdown(request.user, status=status), "threats"
        ),
        "bands": _with_bars(selectors.band_distribution(request.user, status=status), "threats"),
    }
    status_label = Status(status).label.lower()
    if request.GET.get("format") == "csv":
        table = request.GET.get("table", "")
        if table not in FIGURE_TABLES:
            raise Http404(f"Choose a table: {', '.join(FIGURE_TABLES)}.")
        return figures_csv(table, tables[table], status_label)
    return render(
        request,
        "threats/figures.html",
        {
            "tables": tables,
            "status": status,
            "status_label": status_label,
            "statuses": Status.choices,
        },
    )


def figures_csv(table: str, rows: list[dict], status_label: str):
    if table in ("forces", "regions"):
        header = [
            "force" if table == "forces" else "region",
            f"{status_label} threats",
            "population",
            "population year",
            "threats per million",
        ]
        body = (
            [
                r["name"],
                r["threats"],
                r["population"] or "",
                r["population_year"],
                r["per_million"] if r["per_million"] is not None else "",
            ]
            for r in rows
        )
    elif table == "crime_types":
        header = ["predominant crime type", f"{status_label} threats", "percentage"]
        body = ([r["name"], r["threats"], r["share"]] for r in rows)
    else:
        header = ["methodology", "band", f"{status_label} threats"]
        body = ([r["methodology"], r["band"], r["threats"]] for r in rows)
    return csv_response(f"threat-figures-{table.replace('_', '-')}", header, body)
