"""Scripts and other systems score threats through the JSON API: the same services, the
same scoping, the same messages."""

from __future__ import annotations

import pytest

from socmap.scoring.models import CalibrationExercise

from .conftest import LOW_ANSWERS, LOW_FACTS_HIGH_JUDGEMENT, TOP_ANSWERS, publish_version_2

pytestmark = pytest.mark.django_db


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_methodologies_are_listed_with_their_versions(client_for, inspector):
    response = client_for(inspector).get("/api/scoring/methodologies")
    assert response.status_code == 200
    labels = {m["label"]: m for m in response.json()}
    assert {"group-matrix@1", "morile@1"} <= set(labels)
    assert labels["morile@1"]["total"] == "product"
    assert labels["group-matrix@1"]["reassessment_interval_days"] == 90


def test_a_methodology_version_shows_attributes_weights_and_bands(client_for, inspector):
    body = client_for(inspector).get("/api/scoring/methodologies/group-matrix/1").json()
    attributes = {a["key"]: a for a in body["attributes"]}
    assert attributes["criminality"]["weight"] == "4"
    assert attributes["intent"]["objective"] is False
    assert body["bands"][0] == {
        "code": "1A",
        "from": "80",
        "to": "100",
        "label": "Highest harm and capability",
    }
    assert "not public" in body["note"]
    missing = client_for(inspector).get("/api/scoring/methodologies/group-matrix/7")
    assert missing.status_code == 404


def test_a_preview_scores_without_saving(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    body = post(
        client, "/api/scoring/preview", {"methodology": "group-matrix@1", "inputs": TOP_ANSWERS}
    ).json()
    assert (body["score"], body["band"], body["provisional"]) == ("100.0", "1A", False)
    assert len(body["explanation"]) == 10
    partial = post(
        client,
        "/api/scoring/preview",
        {"methodology": "group-matrix", "inputs": {"criminality": "major", "weapons": "tanks"}},
    ).json()
    assert partial["provisional"] is True
    assert "Use of violence" in partial["unanswered"]
    assert "weapons" in partial["invalid"]


def test_an_unknown_methodology_is_a_clear_400(client_for, wiltshire_analyst):
    response = post(
        client_for(wiltshire_analyst),
        "/api/scoring/preview",
        {"methodology": "astrology@1", "inputs": {}},
    )
    assert response.status_code == 400
    assert "There is no methodology astrology@1" in response.json()["detail"]


def test_an_analyst_reassesses_through_the_api(
    client_for, wiltshire_analyst, make_user, org, map_ocg
):
    colleague = make_user(org("Wiltshire"), "analyst", username="w.colleague")
    threat = map_ocg(wiltshire_analyst)
    client = client_for(wiltshire_analyst)
    response = post(
        client,
        f"/api/scoring/threats/{threat.pk}/assessments",
        {
            "methodology": "group-matrix@1",
            "inputs": LOW_ANSWERS,
            "judged_by": {"intent": "w.colleague"},
            "rationale": "Arrests",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["band"], body["kind"]) == ("3C", "reassessment")
    assert body["judged_by"]["intent"] == colleague.username
    history = client.get(f"/api/scoring/threats/{threat.pk}/assessments").json()
    assert [a["band"] for a in history["items"]] == ["3C", "1A"]
    one = client.get(f"/api/scoring/assessments/{body['id']}").json()
    assert one["rationale"] == "Arrests"


def test_bad_answers_are_a_400_naming_the_attribute(client_for, wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst)
    response = post(
        client_for(wiltshire_analyst),
        f"/api/scoring/threats/{threat.pk}/assessments",
        {"methodology": "group-matrix@1", "inputs": {**LOW_ANSWERS, "reach": "galactic"}},
    )
    assert response.status_code == 400
    assert "reach" in response.json()["errors"]
    assert threat.assessments.count() == 1


def test_an_unknown_judge_is_refused(client_for, wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst)
    response = post(
        client_for(wiltshire_analyst),
        f"/api/scoring/threats/{threat.pk}/assessments",
        {"methodology": "group-matrix@1", "inputs": LOW_ANSWERS, "judged_by": {"intent": "nobody"}},
    )
    assert response.status_code == 400
    assert "nobody" in response.json()["detail"]


def test_a_dorset_analyst_gets_404_for_wiltshire_assessments(
    client_for, wiltshire_analyst, dorset_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst)
    client = client_for(dorset_analyst)
    assert client.get(f"/api/scoring/threats/{threat.pk}/assessments").status_code == 404
    assessment = threat.assessments.get()
    assert client.get(f"/api/scoring/assessments/{assessment.pk}").status_code == 404
    response = post(
        client,
        f"/api/scoring/threats/{threat.pk}/assessments",
        {"methodology": "group-matrix@1", "inputs": LOW_ANSWERS},
    )
    assert response.status_code == 404


def test_an_inspector_gets_403_when_assessing(client_for, wiltshire_analyst, inspector, map_ocg):
    threat = map_ocg(wiltshire_analyst)
    response = post(
        client_for(inspector),
        f"/api/scoring/threats/{threat.pk}/assessments",
        {"methodology": "group-matrix@1", "inputs": LOW_ANSWERS},
    )
    assert response.status_code == 403


def test_overdue_reassessments_are_listed(client_for, wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst, "Overdue group")
    type(threat).objects.filter(pk=threat.pk).update(reassessment_due="2020-01-01")
    map_ocg(wiltshire_analyst, "Up to date group")
    body = client_for(wiltshire_analyst).get("/api/scoring/overdue").json()
    assert [t["name"] for t in body["items"]] == ["Overdue group"]
    assert body["items"][0]["reason"].startswith("Due date passed")


def test_the_consistency_report_through_the_api(client_for, wiltshire_analyst, map_ocg):
    map_ocg(wiltshire_analyst, "Judged low", answers=LOW_ANSWERS)
    map_ocg(wiltshire_analyst, "Judged high", answers=LOW_FACTS_HIGH_JUDGEMENT)
    client = client_for(wiltshire_analyst)
    body = client.get("/api/scoring/consistency?methodology=group-matrix@1").json()
    assert body["threats_compared"] == 2
    pair = body["pairs"][0]
    assert {pair["first"]["band"], pair["second"]["band"]} == {"3C", "3B"}
    assert {d["attribute"] for d in pair["subjective_differences"]} == {
        "counter_surveillance",
        "intent",
    }
    bad = client.get("/api/scoring/consistency?methodology=group-matrix@1&max_distance=3")
    assert bad.status_code == 400


def test_a_calibration_exercise_through_the_api(client_for, wiltshire_analyst, dorset_analyst):
    wiltshire = client_for(wiltshire_analyst)
    created = post(
        wiltshire,
        "/api/scoring/calibration",
        {
            "title": "API calibration",
            "methodology": "group-matrix@1",
            "cases": [
                {"label": "Case A", "summary": "Importation."},
                {"label": "Case B", "summary": "Shoplifting."},
            ],
            "participants": ["dorset"],
        },
    )
    assert created.status_code == 201, created.content
    exercise_id = created.json()["id"]
    dorset = client_for(dorset_analyst)
    detail = dorset.get(f"/api/scoring/calibration/{exercise_id}").json()
    assert [c["label"] for c in detail["case_list"]] == ["Case A", "Case B"]
    for assessor, intent in ((wiltshire, "low"), (dorset, "high")):
        for case, criminality in zip(detail["case_list"], ("major", "minor"), strict=True):
            response = post(
                assessor,
                f"/api/scoring/calibration/cases/{case['id']}/responses",
                {"inputs": {**LOW_ANSWERS, "criminality": criminality, "intent": intent}},
            )
            assert response.status_code == 201, response.content
    again = post(
        dorset,
        f"/api/scoring/calibration/cases/{detail['case_list'][0]['id']}/responses",
        {"inputs": LOW_ANSWERS},
    )
    assert again.status_code == 400
    report = wiltshire.get(f"/api/scoring/calibration/{exercise_id}/report").json()
    by_key = {a["key"]: a for a in report["attributes"]}
    assert by_key["criminality"]["alpha"] == pytest.approx(1.0)
    assert by_key["criminality"]["reading"] == "good agreement"
    assert report["responses"] == 4
    assert dorset.post(f"/api/scoring/calibration/{exercise_id}/close").status_code == 403
    closed = wiltshire.post(f"/api/scoring/calibration/{exercise_id}/close").json()
    assert closed["is_open"] is False
    listed = wiltshire.get("/api/scoring/calibration?state=closed").json()
    assert [e["title"] for e in listed["items"]] == ["API calibration"]
    assert CalibrationExercise.objects.get(pk=exercise_id).closed_at is not None


def test_unknown_participants_are_refused(client_for, wiltshire_analyst):
    response = post(
        client_for(wiltshire_analyst),
        "/api/scoring/calibration",
        {
            "title": "Bad",
            "methodology": "group-matrix@1",
            "cases": [{"label": "A", "summary": "x"}, {"label": "B", "summary": "y"}],
            "participants": ["atlantis"],
        },
    )
    assert response.status_code == 400
    assert "atlantis" in response.json()["detail"]
    assert not CalibrationExercise.objects.filter(title="Bad").exists()


def test_rescoring_through_the_api(client_for, wiltshire_analyst, wiltshire_admin, map_ocg):
    threat = map_ocg(wiltshire_analyst)
    publish_version_2(wiltshire_admin)
    client = client_for(wiltshire_analyst)
    response = post(client, "/api/scoring/rescore", {"methodology": "group-matrix@2"})
    assert response.status_code == 200
    assert response.json() == {
        "methodology": "group-matrix@2",
        "rescored": 1,
        "already_current": 0,
        "latest_with_another_methodology": 0,
        "skipped_no_previous": 0,
    }
    assert threat.assessments.first().kind == "rescore"
    # and asking again adds nothing
    again = post(client, "/api/scoring/rescore", {"methodology": "group-matrix@2"})
    assert again.json()["rescored"] == 0
    assert again.json()["already_current"] == 1
    assert threat.assessments.count() == 2


def test_a_validator_may_not_rescore_through_the_api(client_for, wiltshire_validator):
    response = post(
        client_for(wiltshire_validator), "/api/scoring/rescore", {"methodology": "group-matrix@1"}
    )
    assert response.status_code == 403
