"""The scoring pages, as their users meet them."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.urls import reverse

from socmap.scoring.models import Assessment, CalibrationExercise, CalibrationResponse
from socmap.scoring.services import assess_threat, create_exercise

from .conftest import LOW_ANSWERS, LOW_FACTS_HIGH_JUDGEMENT, TOP_ANSWERS


def answers_post(answers, **extra):
    return {**{f"answer_{k}": v for k, v in answers.items()}, **extra}


def test_the_index_lists_methodologies_and_says_the_weights_are_not_public(
    client_for, wiltshire_analyst
):
    page = client_for(wiltshire_analyst).get(reverse("scoring:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "group-matrix@1" in text and "morile@1" in text
    assert "not public" in text
    assert "90 days" in text
    assert reverse("scoring:consistency") in text
    assert reverse("scoring:calibration-list") in text
    assert reverse("threats:overdue") in text


def test_the_methodology_page_shows_every_attribute_weight_and_band(client_for, inspector):
    page = client_for(inspector).get(reverse("scoring:methodology", args=["group-matrix", 1]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Counter-surveillance and security awareness" in text
    assert "Subjective (a judgement" in text
    assert "Scored, weight 4" in text
    assert "not public" in text
    assert "Firearms used or discharged" in text
    assert "1A" in text and "3C" in text
    morile = client_for(inspector).get(reverse("scoring:methodology", args=["morile", 1]))
    assert "Recorded only: does not change the score." in morile.content.decode()
    assert "product" in morile.content.decode()


def test_an_unknown_methodology_version_is_not_found(client_for, inspector):
    page = client_for(inspector).get(reverse("scoring:methodology", args=["group-matrix", 9]))
    assert page.status_code == 404


def test_the_reassessment_form_is_filled_in_from_the_latest_assessment(
    client_for, wiltshire_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst, answers=LOW_ANSWERS)
    page = client_for(wiltshire_analyst).get(reverse("scoring:assess", args=[threat.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert '<option value="minor" selected>' in text
    assert 'hx-post="/scoring/preview/"' in text
    assert 'id="score-preview"' in text
    assert "Band 3C" in text  # the initial preview
    assert "Judged by (Intent to expand or cause harm)" in text


def test_an_analyst_reassesses_a_threat_and_lands_on_its_page(
    client_for, wiltshire_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst, answers=TOP_ANSWERS)
    response = client_for(wiltshire_analyst).post(
        reverse("scoring:assess", args=[threat.pk]),
        answers_post(
            LOW_ANSWERS,
            methodology="group-matrix@1",
            rationale="Principal in custody",
            **{"judged_by_intent": wiltshire_analyst.pk},
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("threats:detail", args=[threat.pk])
    threat.refresh_from_db()
    assert threat.current_band == "3C"
    assert threat.assessments.count() == 2
    assert threat.assessments.first().rationale == "Principal in custody"


def test_a_missing_answer_is_shown_on_the_form_and_nothing_is_saved(
    client_for, wiltshire_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst)
    incomplete = {k: v for k, v in LOW_ANSWERS.items() if k != "weapons"}
    response = client_for(wiltshire_analyst).post(
        reverse("scoring:assess", args=[threat.pk]),
        answers_post(incomplete, methodology="group-matrix@1"),
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert threat.assessments.count() == 1


def test_a_dorset_analyst_cannot_open_a_wiltshire_threats_reassessment(
    client_for, wiltshire_analyst, dorset_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst)
    assert (
        client_for(dorset_analyst).get(reverse("scoring:assess", args=[threat.pk])).status_code
        == 404
    )


def test_an_inspector_may_not_reassess(client_for, wiltshire_analyst, inspector, map_ocg):
    threat = map_ocg(wiltshire_analyst)
    assert client_for(inspector).get(reverse("scoring:assess", args=[threat.pk])).status_code == 403


def test_the_assessment_page_explains_the_score(
    client_for, wiltshire_analyst, make_user, org, map_ocg, group_matrix
):
    colleague = make_user(org("Wiltshire"), "analyst", username="w.colleague", first_name="Cat")
    threat = map_ocg(wiltshire_analyst)
    assessment = assess_threat(
        actor=wiltshire_analyst,
        threat=threat,
        methodology=group_matrix,
        inputs=LOW_ANSWERS,
        judged_by={"intent": colleague},
        rationale="Arrests made",
    )
    page = client_for(wiltshire_analyst).get(reverse("scoring:assessment", args=[assessment.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Minor or low-level offending" in text
    assert "Cat User" in text  # who judged intent
    assert "Arrests made" in text
    assert "Why this score" in text
    assert reverse("scoring:methodology", args=["group-matrix", 1]) in text
    assert "Previous assessment" in text


def test_a_dorset_analyst_cannot_read_a_wiltshire_assessment(
    client_for, wiltshire_analyst, dorset_analyst, map_ocg
):
    assessment = map_ocg(wiltshire_analyst).assessments.get()
    page = client_for(dorset_analyst).get(reverse("scoring:assessment", args=[assessment.pk]))
    assert page.status_code == 404


def test_the_timeline_says_which_way_the_band_moved(wiltshire_analyst, map_ocg, group_matrix):
    threat = map_ocg(wiltshire_analyst, answers=LOW_ANSWERS)
    assess_threat(
        actor=wiltshire_analyst, threat=threat, methodology=group_matrix, inputs=TOP_ANSWERS
    )
    assess_threat(
        actor=wiltshire_analyst, threat=threat, methodology=group_matrix, inputs=TOP_ANSWERS
    )
    assess_threat(
        actor=wiltshire_analyst, threat=threat, methodology=group_matrix, inputs=LOW_ANSWERS
    )
    html = render_to_string(
        "scoring/includes/assessment_timeline.html",
        {"assessments": Assessment.objects.filter(threat=threat).order_by("-assessed_at", "-id")},
    )
    assert html.index("down from 1A") < html.index("same band as before (1A)")
    assert html.index("same band as before (1A)") < html.index("up from 3C")
    assert "first assessment" in html
    assert html.count("<li>") == 4
    assert (
        render_to_string("scoring/includes/assessment_timeline.html", {"assessments": []})
        .strip()
        .endswith("No assessments yet.</p>")
    )


def test_the_consistency_page_lists_pairs_and_the_judgements_that_differ(
    client_for, wiltshire_analyst, map_ocg
):
    low = map_ocg(wiltshire_analyst, "Judged low", answers=LOW_ANSWERS)
    map_ocg(wiltshire_analyst, "Judged high", answers=LOW_FACTS_HIGH_JUDGEMENT)
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("scoring:consistency"), {"methodology": "group-matrix@1"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 active threats you can see" in text
    assert "Intent to expand or cause harm: Low / High" in text
    assert reverse("threats:detail", args=[low.pk]) in text
    assert "How the report works" in text
    export = client.get(
        reverse("scoring:consistency"), {"methodology": "group-matrix@1", "format": "csv"}
    )
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("first_threat,first_name,first_band")
    assert len(lines) == 2


def test_the_consistency_page_has_an_empty_state(client_for, wiltshire_analyst):
    page = client_for(wiltshire_analyst).get(reverse("scoring:consistency"))
    assert page.status_code == 200
    assert "No inconsistent pairs" in page.content.decode()


def test_a_bad_distance_is_refused_on_the_consistency_page(client_for, wiltshire_analyst):
    page = client_for(wiltshire_analyst).get(
        reverse("scoring:consistency"), {"methodology": "group-matrix@1", "max_distance": "7"}
    )
    assert page.status_code == 400
    assert "There is a problem" in page.content.decode()


# --------------------------------------------------------------------------- calibration


def test_an_analyst_sets_up_a_calibration_exercise(
    client_for, wiltshire_analyst, group_matrix, org
):
    client = client_for(wiltshire_analyst)
    form = client.get(reverse("scoring:calibration-create"))
    assert form.status_code == 200
    assert form.content.decode().count("Anonymised facts") == 4
    response = client.post(
        reverse("scoring:calibration-create"),
        {
            "title": "Summer calibration",
            "methodology": group_matrix.pk,
            "participants": [org("Dorset").pk],
            "case-TOTAL_FORMS": "4",
            "case-INITIAL_FORMS": "0",
            "case-0-label": "Case A",
            "case-0-summary": "Cocaine importation through a port.",
            "case-1-label": "Case B",
            "case-1-summary": "Shoplifting to order.",
        },
    )
    exercise = CalibrationExercise.objects.get(title="Summer calibration")
    assert response.status_code == 302
    assert exercise.cases.count() == 2


def test_an_exercise_with_one_case_is_refused_on_the_form(
    client_for, wiltshire_analyst, group_matrix
):
    response = client_for(wiltshire_analyst).post(
        reverse("scoring:calibration-create"),
        {
            "title": "Too small",
            "methodology": group_matrix.pk,
            "case-TOTAL_FORMS": "4",
            "case-INITIAL_FORMS": "0",
            "case-0-label": "Case A",
            "case-0-summary": "Facts.",
        },
    )
    assert response.status_code == 400
    assert "at least two cases" in response.content.decode()
    assert not CalibrationExercise.objects.filter(title="Too small").exists()


def make_exercise(actor, group_matrix, org):
    return create_exercise(
        actor=actor,
        title="Spring calibration",
        methodology=group_matrix,
        cases=[("Case A", "Importation."), ("Case B", "Shoplifting.")],
        participants=[org("Dorset")],
    )


def test_a_participant_answers_a_case_and_sees_their_answers(
    client_for, wiltshire_analyst, dorset_analyst, group_matrix, org
):
    exercise = make_exercise(wiltshire_analyst, group_matrix, org)
    case = exercise.cases.first()
    client = client_for(dorset_analyst)
    listing = client.get(reverse("scoring:calibration-list"))
    assert "Spring calibration" in listing.content.decode()
    detail = client.get(reverse("scoring:calibration-detail", args=[exercise.pk]))
    assert detail.content.decode().count("Submit your answers") == 2
    response = client.post(
        reverse("scoring:calibration-respond", args=[case.pk]),
        {f"case-{case.pk}-answer_{k}": v for k, v in LOW_ANSWERS.items()},
    )
    assert response.status_code == 302
    assert CalibrationResponse.objects.filter(case=case, assessor=dorset_analyst).exists()
    detail = client.get(reverse("scoring:calibration-detail", args=[exercise.pk]))
    text = detail.content.decode()
    assert text.count("Submit your answers") == 1
    assert "Your answers" in text


def test_an_incomplete_calibration_answer_is_shown_again(
    client_for, wiltshire_analyst, group_matrix, org
):
    exercise = make_exercise(wiltshire_analyst, group_matrix, org)
    case = exercise.cases.first()
    response = client_for(wiltshire_analyst).post(
        reverse("scoring:calibration-respond", args=[case.pk]),
        {f"case-{case.pk}-answer_criminality": "major"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not CalibrationResponse.objects.exists()


def test_an_outsider_cannot_see_an_exercise(
    client_for, wiltshire_analyst, make_user, group_matrix, org
):
    exercise = make_exercise(wiltshire_analyst, group_matrix, org)
    devon = make_user(org("Devon and Cornwall"), "analyst", username="devon.analyst")
    client = client_for(devon)
    assert client.get(reverse("scoring:calibration-detail", args=[exercise.pk])).status_code == 404
    case = exercise.cases.first()
    response = client.post(
        reverse("scoring:calibration-respond", args=[case.pk]),
        {f"case-{case.pk}-answer_{k}": v for k, v in LOW_ANSWERS.items()},
    )
    assert response.status_code == 404


def test_closing_an_exercise_and_reading_its_report(
    client_for, wiltshire_analyst, dorset_analyst, group_matrix, org
):
    from socmap.scoring.services import submit_response

    exercise = make_exercise(wiltshire_analyst, group_matrix, org)
    for assessor, intent in ((wiltshire_analyst, "low"), (dorset_analyst, "high")):
        for case, criminality in zip(exercise.cases.all(), ("major", "minor"), strict=True):
            submit_response(
                actor=assessor,
                case=case,
                inputs={**LOW_ANSWERS, "criminality": criminality, "intent": intent},
            )
    client = client_for(wiltshire_analyst)
    closed = client.post(reverse("scoring:calibration-close", args=[exercise.pk]))
    assert closed.status_code == 302
    exercise.refresh_from_db()
    assert not exercise.is_open
    report = client.get(reverse("scoring:calibration-report", args=[exercise.pk]))
    text = report.content.decode()
    assert report.status_code == 200
    assert "Criminality (most serious activity)" in text
    assert "good agreement" in text
    assert "Mean difference of each organisation" in text
    assert "Krippendorff" in text
    export = client.get(
        reverse("scoring:calibration-report", args=[exercise.pk]), {"format": "csv"}
    )
    lines = export.content.decode().splitlines()
    assert lines[0] == "measure,attribute,organisation,value,reading"
    assert any(line.startswith("attribute alpha,Criminality") and "1.000" in line for line in lines)


def test_the_calibration_report_has_an_empty_state(
    client_for, wiltshire_analyst, group_matrix, org
):
    exercise = make_exercise(wiltshire_analyst, group_matrix, org)
    page = client_for(wiltshire_analyst).get(
        reverse("scoring:calibration-report", args=[exercise.pk])
    )
    assert "No answers you can see yet" in page.content.decode()


# --------------------------------------------------------------------------- dashboard


def test_an_analyst_sees_reassessments_due_on_the_dashboard(client_for, wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst, "Long overdue group")
    type(threat).objects.filter(pk=threat.pk).update(reassessment_due=dt.date(2020, 1, 1))
    page = client_for(wiltshire_analyst).get(reverse("dashboard"))
    text = page.content.decode()
    assert "Re-assessments due" in text
    assert "Long overdue group" in text
    assert "Re-assessments overdue" in text


def test_a_validator_does_not_get_the_reassessment_panel(client_for, wiltshire_validator):
    page = client_for(wiltshire_validator).get(reverse("dashboard"))
    assert "Re-assessments due" not in page.content.decode()
