"""Regression tests for what fuzzing found: each input once crashed socmap (a server error)
and now gets a clear 400 and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socmap.intel.models import IntelligenceReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleared(wiltshire_analyst):
    from socmap.intel.services import grant_clearance
    from socmap.reference import ensure_all

    ensure_all()
    grant_clearance(
        actor=None,
        user=wiltshire_analyst,
        level="secret",
        reason="Officer",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return wiltshire_analyst


REPORT = {
    "reported_on": "2026-01-05",
    "text": "Subject seen at the lock-up.",
    "source_type": "officer",
    "grading_system": "3x5x2",
    "source_evaluation": "1",
    "intelligence_assessment": "A",
    "handling_code": "P",
    "classification": "official_sensitive",
}


@pytest.mark.parametrize("threat", ["", "OCG-99999999999999999999999", "OCG-²", "  "])
def test_a_report_linked_to_a_blank_or_impossible_threat_is_a_field_error(
    client_for, cleared, threat
):
    # Found by schemathesis: a blank threat reference reached the scoping module as None
    # (500); a reference with a huge or non-ASCII number overflowed or failed int() (500).
    response = client_for(cleared).post(
        "/api/intel/reports", {**REPORT, "threats": [threat]}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "threats" in response.json()["errors"]
    assert not IntelligenceReport.objects.exists()
