"""Scoring pages. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation, Role
from socmap.orgs.scoping import get_visible_or_404, visible_to
from socmap.orgs.selectors import users_visible_to
from socmap.scoring import reports, selectors, services
from socmap.scoring.forms import ANSWER_PREFIX, JUDGE_PREFIX, AnswersForm, raw_inputs
from socmap.scoring.models import (
    CalibrationCase,
    CalibrationExercise,
    CalibrationResponse,
    MethodologyVersion,
)
from socmap.scoring.preview import preview as preview_scores
from socmap.scoring.services import methodology_version
from socmap.threats.models import Threat, ThreatKind
from socmap.web.tables import csv_response, paginate, sorted_by

NOT_PUBLIC_NOTE = (
    "The national OCG mapping weights and MoRiLE scales are not public. The numbers here are "
    "socmap's illustrative defaults; change them by publishing a new version of the "
    "methodology (past assessments keep the version they were scored with)."
)


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _apply_errors(form: forms.Form, error: InvalidInput) -> None:
    """Put a service's field errors on the form; attribute keys map to their answer field."""
    for field, messages_ in error.field_errors.items():
        for message in messages_:
            if field in form.fields:
                target = field
            elif ANSWER_PREFIX + field in form.fields:
                target = ANSWER_PREFIX + field
            else:
                target = None
            form.add_error(target, message)


def _may_assess(user) -> bool:
    return user.has_role(*services.ASSESSORS) and not user.is_read_only


def _kind_labels(kinds) -> list[str]:
    labels = dict(ThreatKind.choices)
    return [labels.get(k, k) for k in kinds]


# --------------------------------------------------------------------------- preview


@login_required
@require_POST
def preview(request):
    """htmx: the score the answers so far would give (``methodology`` = NAME@VERSION)."""
    try:
        version = methodology_version(request.POST.get("methodology", ""))
    except InvalidInput as unknown:
        return render(
            request,
            "scoring/includes/preview_error.html",
            {"message": unknown.summary()},
            status=400,
        )
    rules = version.rules()
    return render(
        request,
        "scoring/includes/preview.html",
        {
            "preview": preview_scores(rules, raw_inputs(request.POST, rules)),
            "methodology": version.label,
        },
    )


# --------------------------------------------------------------------------- methodologies


@login_required
def index(request):
    versions = list(
        MethodologyVersion.objects.select_related("loaded_by").order_by("name", "-version")
    )
    methodologies: dict[str, dict] = {}
    for version in versions:
        rules = version.rules()
        entry = methodologies.setdefault(
            version.name, {"name": version.name, "current": None, "past": []}
        )
        row = {
            "version": version,
            "rules": rules,
            "applies_to": _kind_labels(rules.applies_to),
        }
        if version.is_current:
            entry["current"] = row
        else:
            entry["past"].append(row)
    return render(
        request,
        "scoring/index.html",
        {
            "methodologies": list(methodologies.values()),
            "overdue_url": _url_or_none("threats:overdue"),
            "note": NOT_PUBLIC_NOTE,
        },
    )


@login_required
def methodology(request, name: str, version: int):
    stored = MethodologyVersion.objects.filter(name=name, version=version).first()
    if stored is None:
        raise Http404("No such methodology version.")
    rules = stored.rules()
    return render(
        request,
        "scoring/methodology.html",
        {
            "stored": stored,
            "rules": rules,
            "attributes": reports.attribute_rows(rules),
            "total_description": reports.total_description(rules),
            "applies_to": _kind_labels(rules.applies_to),
            "other_versions": MethodologyVersion.objects.filter(name=name).exclude(pk=stored.pk),
            "note": NOT_PUBLIC_NOTE,
        },
    )


# --------------------------------------------------------------------------- assessments


class RationaleForm(forms.Form):
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        label="Rationale",
        help_text="Why the answers changed: new intelligence, police or partner activity...",
    )


def _applicable_versions(threat: Threat) -> list[MethodologyVersion]:
    return [
        v
        for v in MethodologyVersion.objects.filter(is_current=True).order_by("name")
        if threat.kind in v.rules().applies_to
    ]


@login_required
def assess(request, threat_pk: int):
    threat = get_visible_or_404(request.user, Threat.objects.select_related("owner"), pk=threat_pk)
    if not _may_assess(request.user):
        raise PermissionDenied("Only analysts and tasking chairs may re-assess threats.")
    versions = _applicable_versions(threat)
    if not versions:
        raise Http404("No current methodology scores this kind of threat.")
    history = selectors.assessment_timeline(request.user, threat)
    latest = history.first()
    wanted = request.POST.get("methodology") or request.GET.get("methodology") or ""
    by_label = {v.label: v for v in versions}
    by_name = {v.name: v for v in versions}
    if wanted in by_label:
        version = by_label[wanted]
    elif latest is not None and latest.methodology.name in by_name:
        version = by_name[latest.methodology.name]
    else:
        version = versions[0]
    rules = version.rules()
    judges = users_visible_to(request.user, active=True).order_by("last_name", "first_name")

    previous = history.filter(methodology__name=version.name).first()
    initial = {}
    if previous is not None:
        initial.update({ANSWER_PREFIX + k: v for k, v in previous.inputs.items()})
        known = {u.username: u.pk for u in judges.filter(username__in=previous.judged_by.values())}
        for key, username in previous.judged_by.items():
            if username in known:
                initial[JUDGE_PREFIX + key] = known[username]

    posted = request.method == "POST"
    answers = AnswersForm(
        request.POST if posted else None, rules=rules, judges=judges, initial=initial
    )
    rationale = RationaleForm(request.POST if posted else None)
    if posted and answers.is_valid() and rationale.is_valid():
        try:
            assessment = services.assess_threat(
                actor=request.user,
                threat=threat,
                methodology=version,
                inputs=answers.inputs(),
                judged_by=answers.judged_by(),
                rationale=rationale.cleaned_data["rationale"],
            )
        except InvalidInput as invalid:
            _apply_errors(answers, invalid)
        else:
            messages.success(
                request,
                f"{threat.reference} re-assessed with {version.label}: score "
                f"{assessment.score}, band {assessment.band}.",
            )
            return redirect(
                _url_or_none("threats:detail", threat.pk)
                or reverse("scoring:assessment", args=[assessment.pk])
            )
    shown_inputs = (
        raw_inputs(request.POST, rules) if posted else dict(previous.inputs) if previous else {}
    )
    return render(
        request,
        "scoring/assess.html",
        {
            "threat": threat,
            "threat_url": _url_or_none("threats:detail", threat.pk),
            "versions": versions,
            "version": version,
            "answers": answers,
            "form": answers,
            "rationale": rationale,
            "previous": previous,
            "preview": preview_scores(rules, {k: v for k, v in shown_inputs.items() if v}),
        },
        status=400 if answers.errors or rationale.errors else 200,
    )


def _judge_names(judged_by: dict[str, str], viewer) -> dict[str, str]:
    """Usernames of judges, shown with their names where the viewer may see them."""
    users = {
        u.username: u.display_name
        for u in users_visible_to(viewer).filter(username__in=list(judged_by.values()))
    }
    return {key: users.get(username, username) for key, username in judged_by.items()}


@login_required
def assessment(request, pk: int):
    record = selectors.visible_assessment(request.user, pk)
    rules = record.methodology.rules()
    judges = _judge_names(record.judged_by, request.user)
    inputs = []
    for attribute in rules.attributes:
        given = record.inputs.get(attribute.key, "")
        answer = attribute.answer(given)
        inputs.append(
            {
                "label": attribute.label,
                "answer": answer.label if answer else given or "—",
                "points": answer.points if answer else None,
                "objective": attribute.objective,
                "scored": attribute.scored,
                "judged_by": judges.get(attribute.key, ""),
            }
        )
    contributions = sorted(
        record.contributions, key=lambda c: (-float(c.get("contribution", 0)), c["attribute"])
    )
    earlier = (
        selectors.assessment_timeline(request.user, record.threat)
        .filter(
            Q(assessed_at__lt=record.assessed_at)
            | Q(assessed_at=record.assessed_at, id__lt=record.pk)
        )
        .first()
    )
    return render(
        request,
        "scoring/assessment.html",
        {
            "assessment": record,
            "rules": rules,
            "inputs": inputs,
            "contributions": contributions,
            "earlier": earlier,
            "threat_url": _url_or_none("threats:detail", record.threat_id),
            "product": rules.total == "product",
        },
    )


# --------------------------------------------------------------------------- consistency


class ConsistencyForm(forms.Form):
    methodology = forms.ChoiceField(label="Methodology version")
    max_distance = forms.DecimalField(
        label="Largest difference in objective answers",
        min_value=0,
        max_value=1,
        decimal_places=3,
        initial="0.1",
        required=False,
        help_text="0 means identical objective answers; 0.1 means they differ by a tenth of "
        "each scale on average.",
    )
    min_band_gap = forms.IntegerField(
        label="Smallest band gap",
        min_value=1,
        max_value=20,
        initial=1,
        required=False,
        help_text="How many bands apart the two threats must be.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["methodology"].choices = [
            (v.label, f"{v.label} — {v.title}{'' if v.is_current else ' (past version)'}")
            for v in MethodologyVersion.objects.order_by("name", "-version")
        ]


@login_required
def consistency(request):
    data = request.GET.copy()
    if not data.get("methodology"):
        current = MethodologyVersion.objects.filter(is_current=True).order_by("name").first()
        if current is not None:
            data["methodology"] = current.label
    form = ConsistencyForm(data)
    report, rows, page = None, [], None
    if form.is_valid():
        version = methodology_version(form.cleaned_data["methodology"])
        max_distance = form.cleaned_data["max_distance"]
        min_band_gap = form.cleaned_data["min_band_gap"]
        report = selectors.consistency_report(
            request.user,
            version,
            max_distance=float(max_distance if max_distance is not None else 0.1),
            min_band_gap=min_band_gap or 1,
        )
        if request.GET.get("format") == "csv":
            return csv_response(
                f"consistency-{version.label}",
                reports.CONSISTENCY_HEADER,
                reports.consistency_table(report),
            )
        rows = reports.consistency_rows(report)
        page = paginate(request, rows)
        for row in page.object_list:
            row["first_url"] = _url_or_none("threats:detail", row["first"].pk)
            row["second_url"] = _url_or_none("threats:detail", row["second"].pk)
    return render(
        request,
        "scoring/consistency.html",
        {"form": form, "report": report, "page": page},
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- calibration

EXERCISE_SORTS = {"created": "created_at", "title": "title", "responses": "response_count"}


def _exercises(user):
    return visible_to(
        user, CalibrationExercise.objects.select_related("methodology", "owner")
    ).annotate(
        case_count=Count("cases", distinct=True),
        response_count=Count("cases__responses", distinct=True),
        assessor_count=Count("cases__responses__assessor", distinct=True),
    )


@login_required
def calibration_list(request):
    state = request.GET.get("state", "")
    exercises = _exercises(request.user)
    if state == "open":
        exercises = exercises.filter(closed_at__isnull=True)
    elif state == "closed":
        exercises = exercises.filter(closed_at__isnull=False)
    else:
        state = ""
    exercises, sort = sorted_by(request, exercises, EXERCISE_SORTS, "-created")
    if request.GET.get("format") == "csv":
        return csv_response(
            "calibration-exercises",
            ["id", "title", "methodology", "run_by", "state", "cases", "responses", "assessors"],
            (
                [
                    e.pk,
                    e.title,
                    e.methodology.label,
                    e.owner.name,
                    "open" if e.is_open else "closed",
                    e.case_count,
                    e.response_count,
                    e.assessor_count,
                ]
                for e in exercises
            ),
        )
    return render(
        request,
        "scoring/calibration_list.html",
        {
            "page": paginate(request, exercises),
            "state": state,
            "sort": sort,
            "may_create": request.user.has_role(
                Role.ANALYST, Role.TASKING_CHAIR, Role.ADMINISTRATOR
            )
            and not request.user.is_read_only,
        },
    )


class ExerciseForm(forms.Form):
    title = forms.CharField(max_length=200)
    methodology = forms.ModelChoiceField(
        queryset=MethodologyVersion.objects.filter(is_current=True).order_by("name"),
        label="Methodology version",
    )
    instructions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    participants = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        label="Organisations taking part",
        help_text="The exercise is shared with each of them; your own organisation always "
        "takes part.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class CaseForm(forms.Form):
    label = forms.CharField(max_length=40, required=False, label="Case label")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Anonymised facts",
        help_text="No names, dates of birth or other identifying detail.",
    )


CaseFormSet = forms.formset_factory(CaseForm, extra=4, max_num=20)


@login_required
def calibration_create(request):
    posted = request.method == "POST"
    form = ExerciseForm(request.POST if posted else None)
    cases = CaseFormSet(request.POST if posted else None, prefix="case")
    if posted and form.is_valid() and cases.is_valid():
        given = [
            (c.get("label", ""), c.get("summary", ""))
            for c in cases.cleaned_data
            if c.get("label", "").strip() or c.get("summary", "").strip()
        ]
        try:
            exercise = services.create_exercise(
                actor=request.user,
                title=form.cleaned_data["title"],
                methodology=form.cleaned_data["methodology"],
                cases=given,
                participants=form.cleaned_data["participants"],
                instructions=form.cleaned_data["instructions"],
            )
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"Calibration exercise '{exercise.title}' set up.")
            return redirect("scoring:calibration-detail", pk=exercise.pk)
    return render(
        request,
        "scoring/calibration_form.html",
        {"form": form, "cases": cases},
        status=400 if form.errors or (posted and not cases.is_valid()) else 200,
    )


def _case_prefix(case: CalibrationCase) -> str:
    return f"case-{case.pk}"


def _detail(request, exercise: CalibrationExercise, bound: dict | None = None, status=200):
    rules = exercise.methodology.rules()
    mine = {
        r.case_id: r
        for r in CalibrationResponse.objects.filter(case__exercise=exercise, assessor=request.user)
    }
    may_respond = exercise.is_open and _may_assess(request.user)
    cases = []
    for case in exercise.cases.annotate(response_count=Count("responses")):
        response = mine.get(case.pk)
        answers = []
        if response is not None:
            for attribute in rules.attributes:
                answer = attribute.answer(response.inputs.get(attribute.key, ""))
                answers.append((attribute.label, answer.label if answer else "—"))
        form = None
        if response is None and may_respond:
            form = (bound or {}).get(case.pk) or AnswersForm(
                rules=rules, ask_judges=False, prefix=_case_prefix(case)
            )
        cases.append({"case": case, "response": response, "answers": answers, "form": form})
    return render(
        request,
        "scoring/calibration_detail.html",
        {
            "exercise": exercise,
            "cases": cases,
            "may_close": exercise.is_open
            and request.user.organisation_id == exercise.owner_id
            and not request.user.is_read_only,
            "may_respond": may_respond,
        },
        status=status,
    )


@login_required
def calibration_detail(request, pk: int):
    exercise = get_visible_or_404(request.user, _exercises(request.user), pk=pk)
    return _detail(request, exercise)


@login_required
@require_POST
def calibration_respond(request, case_pk: int):
    # a case is visible to whoever may see its exercise (exercises are shared, not cases)
    case = CalibrationCase.objects.filter(pk=case_pk).first()
    if case is None:
        raise Http404("No calibration case found.")
    exercise = get_visible_or_404(request.user, _exercises(request.user), pk=case.exercise_id)
    form = AnswersForm(
        request.POST,
        rules=exercise.methodology.rules(),
        ask_judges=False,
        prefix=_case_prefix(case),
    )
    if form.is_valid():
        try:
            services.submit_response(actor=request.user, case=case, inputs=form.inputs())
        except InvalidInput as invalid:
            _apply_errors(form, invalid)
        else:
            messages.success(request, f"Your answers for {case.label} are recorded.")
            return redirect("scoring:calibration-detail", pk=exercise.pk)
    if form.errors.get("__all__") and not any(k != "__all__" for k in form.errors):
        # nothing to correct on the form (e.g. closed, or answered already): say so
        for message in form.errors["__all__"]:
            messages.error(request, message)
        return redirect("scoring:calibration-detail", pk=exercise.pk)
    return _detail(request, exercise, bound={case.pk: form}, status=400)


@login_required
@require_POST
def calibration_close(request, pk: int):
    exercise = get_visible_or_404(request.user, CalibrationExercise, pk=pk)
    try:
        services.close_exercise(actor=request.user, exercise=exercise)
    except InvalidInput as invalid:
        messages.error(request, invalid.summary())
    else:
        messages.success(request, f"'{exercise.title}' is closed: no more answers are accepted.")
    return redirect("scoring:calibration-detail", pk=exercise.pk)


@login_required
def calibration_report(request, pk: int):
    exercise = get_visible_or_404(request.user, _exercises(request.user), pk=pk)
    report = selectors.calibration_report(request.user, exercise)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"calibration-{exercise.pk}",
            reports.CALIBRATION_HEADER,
            reports.calibration_table(report),
        )
    organisations = [row["organisation"] for row in report.organisations]
    attributes = [
        {
            "attribute": a,
            "alpha": reports.format_alpha(a.alpha),
            "reading": reports.alpha_reading(a.alpha),
            "level": reports.alpha_level(a.alpha),
            "by_organisation": [
                {
                    "organisation": name,
                    "alpha": reports.format_alpha(a.by_organisation.get(name)),
                    "level": reports.alpha_level(a.by_organisation.get(name)),
                }
                for name in organisations
            ],
        }
        for a in report.attributes
    ]
    return render(
        request,
        "scoring/calibration_report.html",
        {
            "exercise": exercise,
            "report": report,
            "attributes": attributes,
            "organisations": organisations,
            "band_alpha": reports.format_alpha(report.band_alpha),
            "band_reading": reports.alpha_reading(report.band_alpha),
            "thresholds": {"good": reports.ALPHA_GOOD, "tentative": reports.ALPHA_TENTATIVE},
        },
    )
