"""Calibration exercises: several assessors score the same anonymised cases and socmap
measures their agreement attribute by attribute and organisation by organisation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from socmap.errors import InvalidInput
from socmap.orgs.scoping import can_see
from socmap.scoring.models import CalibrationResponse
from socmap.scoring.selectors import calibration_report
from socmap.scoring.services import close_exercise, create_exercise, submit_response

from .conftest import LOW_ANSWERS

CASES = [
    ("Case A", "A family group importing cocaine through a port, with firearms."),
    ("Case B", "Two brothers shoplifting to order."),
    ("Case C", "A county line run from a city into three market towns."),
]
# Everyone agrees on criminality (and it differs between cases, so agreement is measurable).
CRIMINALITY = {"Case A": "major", "Case B": "minor", "Case C": "serious"}
# ...and nobody agrees on intent.
INTENT = {
    "wiltshire.analyst": {"Case A": "low", "Case B": "high", "Case C": "medium"},
    "wiltshire.colleague": {"Case A": "high", "Case B": "low", "Case C": "low"},
    "dorset.analyst": {"Case A": "medium", "Case B": "medium", "Case C": "high"},
}


@pytest.fixture
def colleague(make_user, org):
    return make_user(org("Wiltshire"), "analyst", username="wiltshire.colleague")


@pytest.fixture
def exercise(wiltshire_analyst, group_matrix, org):
    return create_exercise(
        actor=wiltshire_analyst,
        title="Spring calibration",
        methodology=group_matrix,
        cases=CASES,
        participants=[org("Dorset")],
    )


def answer_all(exercise, *assessors):
    for assessor in assessors:
        for case in exercise.cases.all():
            submit_response(
                actor=assessor,
                case=case,
                inputs={
                    **LOW_ANSWERS,
                    "criminality": CRIMINALITY[case.label],
                    "intent": INTENT[assessor.username][case.label],
                },
            )


def test_an_exercise_needs_at_least_two_cases(wiltshire_analyst, group_matrix):
    with pytest.raises(InvalidInput, match="at least two cases"):
        create_exercise(
            actor=wiltshire_analyst,
            title="Too small",
            methodology=group_matrix,
            cases=[("Case A", "Facts")],
        )


def test_cases_need_their_own_labels_and_facts(wiltshire_analyst, group_matrix):
    with pytest.raises(InvalidInput, match="own label"):
        create_exercise(
            actor=wiltshire_analyst,
            title="Twins",
            methodology=group_matrix,
            cases=[("Case A", "Facts"), ("Case A", "Other facts")],
        )


def test_a_shared_participant_can_see_and_answer(exercise, dorset_analyst, make_user, org):
    # the Dorset analyst takes part; a Devon analyst does not
    devon = make_user(org("Devon and Cornwall"), "analyst", username="devon.analyst")
    assert can_see(dorset_analyst, exercise)
    assert not can_see(devon, exercise)
    case = exercise.cases.first()
    response = submit_response(actor=dorset_analyst, case=case, inputs=LOW_ANSWERS)
    assert response.organisation.name == "Dorset"
    with pytest.raises(PermissionDenied):
        submit_response(actor=devon, case=case, inputs=LOW_ANSWERS)


def test_each_assessor_answers_each_case_once(exercise, wiltshire_analyst):
    case = exercise.cases.first()
    submit_response(actor=wiltshire_analyst, case=case, inputs=LOW_ANSWERS)
    with pytest.raises(InvalidInput, match="already scored Case A"):
        submit_response(actor=wiltshire_analyst, case=case, inputs=LOW_ANSWERS)
    assert CalibrationResponse.objects.filter(case=case).count() == 1


def test_bad_answers_are_refused(exercise, wiltshire_analyst):
    with pytest.raises(InvalidInput) as refused:
        submit_response(
            actor=wiltshire_analyst,
            case=exercise.cases.first(),
            inputs={**LOW_ANSWERS, "reach": "galactic"},
        )
    assert "reach" in refused.value.field_errors
    assert not CalibrationResponse.objects.exists()


def test_a_closed_exercise_refuses_answers(exercise, wiltshire_analyst):
    close_exercise(actor=wiltshire_analyst, exercise=exercise)
    with pytest.raises(InvalidInput, match="closed"):
        submit_response(actor=wiltshire_analyst, case=exercise.cases.first(), inputs=LOW_ANSWERS)


def test_only_the_running_organisation_closes_it(exercise, dorset_analyst):
    with pytest.raises(PermissionDenied):
        close_exercise(actor=dorset_analyst, exercise=exercise)


def test_the_report_shows_agreement_per_attribute_and_organisation(
    exercise, wiltshire_analyst, colleague, dorset_analyst
):
    # given three assessors from two organisations answering every case
    answer_all(exercise, wiltshire_analyst, colleague, dorset_analyst)
    # when the organisation running it reads the report
    report = calibration_report(wiltshire_analyst, exercise)
    by_key = {a.key: a for a in report.attributes}
    # then criminality, where everyone agreed, has alpha 1.0 ...
    assert by_key["criminality"].alpha == pytest.approx(1.0)
    # ... intent, where nobody agreed, is poor and listed first (worst first)
    assert by_key["intent"].alpha < 0.667
    assert report.attributes[0].key == "intent"
    # attributes everyone answered the same way on every case cannot be measured
    assert by_key["weapons"].alpha is None
    # per organisation: Wiltshire's two assessors agree on criminality; Dorset has one
    assert by_key["criminality"].by_organisation["Wiltshire"] == pytest.approx(1.0)
    assert by_key["criminality"].by_organisation["Dorset"] is None
    assert (report.cases, report.assessors, report.responses) == (3, 3, 9)
    rows = {row["organisation"]: row for row in report.organisations}
    assert rows["Wiltshire"]["assessors"] == 2
    assert rows["Dorset"]["responses"] == 3
    assert isinstance(rows["Dorset"]["mean_difference_from_median"], float)


def test_a_participant_sees_the_whole_agreement_report(
    exercise, wiltshire_analyst, colleague, dorset_analyst
):
    # Given assessors of Wiltshire (running the exercise) and Dorset (taking part) have answered
    answer_all(exercise, wiltshire_analyst, colleague, dorset_analyst)
    # When the Dorset analyst reads the report
    report = calibration_report(dorset_analyst, exercise)
    # Then it is the same report the running organisation reads, over every answer
    assert (report.assessors, report.responses) == (3, 9)
    assert report == calibration_report(wiltshire_analyst, exercise)
    assert {row["organisation"] for row in report.organisations} == {"Wiltshire", "Dorset"}


def test_someone_outside_the_exercise_gets_no_figures_from_it(
    exercise, wiltshire_analyst, colleague, dorset_analyst, make_user, org
):
    answer_all(exercise, wiltshire_analyst, colleague, dorset_analyst)
    kent_analyst = make_user(org("Kent"), "analyst")
    assert not can_see(kent_analyst, exercise)
    assert calibration_report(kent_analyst, exercise).responses == 0


def test_a_participant_reads_the_report_page_with_every_answer(
    exercise, wiltshire_analyst, colleague, dorset_analyst, client_for
):
    answer_all(exercise, wiltshire_analyst, colleague, dorset_analyst)
    page = client_for(dorset_analyst).get(f"/scoring/calibration/{exercise.pk}/report/")
    assert page.status_code == 200
    assert "9 from 3 assessors" in page.content.decode()
