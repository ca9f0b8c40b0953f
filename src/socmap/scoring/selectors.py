"""Reads for scoring: assessment timelines, overdue re-assessments, the consistency report
and calibration agreement. Always scoped."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from socmap.orgs.scoping import can_see, visible_to
from socmap.scoring.consistency import (
    InconsistentPair,
    Profile,
    inconsistent_pairs,
    krippendorff_alpha,
)
from socmap.scoring.models import (
    Assessment,
    CalibrationExercise,
    CalibrationResponse,
    MethodologyVersion,
)
from socmap.threats.models import Status, Threat
from socmap.threats.selectors import overdue_filter, threats_visible_to


def _threats_for(user) -> QuerySet[Threat]:
    """What ``user`` may see; ``None`` is the system operator at the command line (as for
    writes, where ``actor=None`` is the operator), who sees every threat."""
    if user is None:
        return Threat.objects.select_related("owner", "predominant_crime_type", "lro")
    return threats_visible_to(user)


def _scoped(user, queryset: QuerySet) -> QuerySet:
    return queryset if user is None else visible_to(user, queryset)


def assessments_visible_to(user, queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Assessments are part of their threat: whoever may see the threat (through its owner's
    scope, or because it is shared with them) may see its assessments."""
    return queryset.filter(threat__in=threats_visible_to(user).values("pk"))


def visible_assessment(user, pk: int) -> Assessment:
    """One assessment ``user`` may see, or 404 (like a typo)."""
    found = (
        assessments_visible_to(
            user,
            Assessment.objects.select_related("threat", "methodology", "assessed_by", "replaces"),
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No assessment found.")
    return found


def assessment_timeline(user, threat: Threat) -> QuerySet[Assessment]:
    return (
        assessments_visible_to(user, Assessment.objects.filter(threat=threat))
        .select_related("methodology", "assessed_by")
        .order_by("-assessed_at", "-id")
    )


def overdue_reassessments(user) -> QuerySet[Threat]:
    """Active threats whose re-assessment is due, requested, or never done; oldest due first."""
    return (
        _threats_for(user)
        .filter(overdue_filter())
        .order_by("-reassessment_requested", "reassessment_due", "name")
    )


@dataclass(frozen=True)
class ConsistencyReport:
    methodology: MethodologyVersion
    threats_compared: int
    attributes: list[str]
    pairs: list[InconsistentPair]
    threats: dict[int, Threat]
    inputs: dict[int, dict]


def consistency_report(
    user, methodology: MethodologyVersion, *, max_distance: float = 0.1, min_band_gap: int = 1
) -> ConsistencyReport:
    """Active threats whose latest assessments with ``methodology`` have near-identical
    objective answers but different bands."""
    rules = methodology.rules()
    objective = rules.objective_attributes
    threats = {
        t.pk: t
        for t in _threats_for(user).filter(
            status=Status.ACTIVE, current_methodology=methodology.label
        )
    }
    latest: dict[int, Assessment] = {}
    for assessment in Assessment.objects.filter(
        threat_id__in=threats, methodology=methodology
    ).order_by("threat_id", "-assessed_at", "-id"):
        latest.setdefault(assessment.threat_id, assessment)
    profiles = []
    for threat_id, assessment in latest.items():
        positions = []
        for attribute in objective:
            answer = attribute.answer(assessment.inputs.get(attribute.key, ""))
            top = attribute.top_points or Decimal(1)
            positions.append(float(answer.points / top) if answer else 0.0)
        profiles.append(Profile(threat_id, assessment.band, assessment.band_rank, tuple(positions)))
    return ConsistencyReport(
        methodology=methodology,
        threats_compared=len(profiles),
        attributes=[a.label for a in objective],
        pairs=inconsistent_pairs(profiles, max_distance=max_distance, min_band_gap=min_band_gap),
        threats=threats,
        inputs={k: v.inputs for k, v in latest.items()},
    )


@dataclass(frozen=True)
class AttributeAgreement:
    key: str
    label: str
    objective: bool
    alpha: float | None
    by_organisation: dict[str, float | None]


@dataclass(frozen=True)
class CalibrationReport:
    exercise: CalibrationExercise
    cases: int
    assessors: int
    responses: int
    band_alpha: float | None
    attributes: list[AttributeAgreement]
    organisations: list[dict]  # name, assessors, mean distance from the case median score


def _alpha(responses, key, order) -> float | None:
    by_case: dict[int, list] = defaultdict(list)
    for r in responses:
        by_case[r.case_id].append(r.inputs.get(key))
    return krippendorff_alpha(list(by_case.values()), level="ordinal", order=order)


def calibration_report(user, exercise: CalibrationExercise) -> CalibrationReport:
    """Agreement between assessors, attribute by attribute and organisation by organisation
    (Krippendorff's alpha, ordinal), and how far each organisation's scores sit from the
    median score of each case: where guidance should be targeted.

    Everyone who may see the exercise (the organisation running it and the participants it is
    shared with) gets the report over every answer: it gives agreement figures by attribute and
    organisation, never one assessor's answers, and the participants need it to know where their
    own assessors disagree. Anyone else gets an empty report."""
    rules = exercise.methodology.rules()
    answers = CalibrationResponse.objects.filter(case__exercise=exercise)
    if user is not None and not can_see(user, exercise):
        answers = answers.none()
    responses = list(answers.select_related("organisation", "case"))
    organisations = sorted({r.organisation.name for r in responses})
    attributes = []
    for attribute in rules.attributes:
        order = [a.key for a in sorted(attribute.answers, key=lambda a: (a.points, a.key))]
        attributes.append(
            AttributeAgreement(
                key=attribute.key,
                label=attribute.label,
                objective=attribute.objective,
                alpha=_alpha(responses, attribute.key, order),
                by_organisation={
                    name: _alpha(
                        [r for r in responses if r.organisation.name == name], attribute.key, order
                    )
                    for name in organisations
                },
            )
        )
    attributes.sort(key=lambda a: (a.alpha is None, a.alpha if a.alpha is not None else 0))
    band_order = [b.code for b in reversed(rules.bands)]
    by_case: dict[int, list] = defaultdict(list)
    for r in responses:
        by_case[r.case_id].append(r.band)
    median = {
        case_id: statistics.median(float(r.score) for r in responses if r.case_id == case_id)
        for case_id in by_case
    }
    org_rows = []
    for name in organisations:
        mine = [r for r in responses if r.organisation.name == name]
        org_rows.append(
            {
                "organisation": name,
                "assessors": len({r.assessor_id for r in mine}),
                "responses": len(mine),
                "mean_difference_from_median": round(
                    statistics.fmean(float(r.score) - median[r.case_id] for r in mine), 1
                ),
            }
        )
    return CalibrationReport(
        exercise=exercise,
        cases=exercise.cases.count(),
        assessors=len({r.assessor_id for r in responses}),
        responses=len(responses),
        band_alpha=krippendorff_alpha(list(by_case.values()), level="ordinal", order=band_order),
        attributes=attributes,
        organisations=org_rows,
    )
