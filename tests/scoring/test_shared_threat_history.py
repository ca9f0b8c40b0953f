"""A threat shared with another organisation is shared with its score history: the assessments
are part of the threat, so whoever may see the threat sees its timeline and each assessment."""

from __future__ import annotations

import pytest

from socmap.orgs.services import share_record
from socmap.scoring.selectors import assessment_timeline


@pytest.fixture
def shared_threat(wiltshire_analyst, dorset_analyst, map_ocg, org):
    threat = map_ocg(wiltshire_analyst, "Shared group")
    share_record(actor=wiltshire_analyst, record=threat, organisation=org("Dorset"))
    return threat


def test_a_shared_threats_timeline_is_shown_to_the_organisation_it_is_shared_with(
    shared_threat, dorset_analyst
):
    assert [a.band for a in assessment_timeline(dorset_analyst, shared_threat)] == ["1A"]


def test_the_shared_threats_page_api_and_assessment_show_its_history(
    shared_threat, dorset_analyst, client_for
):
    client = client_for(dorset_analyst)
    page = client.get(f"/threats/{shared_threat.pk}/").content.decode()
    assert "Initial assessment" in page
    listed = client.get(f"/api/scoring/threats/{shared_threat.pk}/assessments").json()
    assert [a["band"] for a in listed["items"]] == ["1A"]
    assessment = shared_threat.assessments.get()
    assert client.get(f"/api/scoring/assessments/{assessment.pk}").status_code == 200
    assert client.get(f"/scoring/assessments/{assessment.pk}/").status_code == 200


def test_an_assessment_of_a_threat_not_shared_stays_hidden(
    wiltshire_analyst, dorset_analyst, map_ocg, client_for
):
    threat = map_ocg(wiltshire_analyst, "Private group")
    assessment = threat.assessments.get()
    client = client_for(dorset_analyst)
    assert client.get(f"/api/scoring/assessments/{assessment.pk}").status_code == 404
    assert client.get(f"/scoring/assessments/{assessment.pk}/").status_code == 404
    assert list(assessment_timeline(dorset_analyst, threat)) == []
