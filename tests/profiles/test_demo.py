"""A trainer opens the demo: every demo force and its ROCU has this year's strategic
assessment with a control strategy and a six-month review date (some due, some overdue, some
done); Wiltshire has a local profile in two versions, shared with Wiltshire Council as a
partner edition. Running the generator again adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from socmap.orgs.models import User
from socmap.profiles import selectors
from socmap.profiles.models import LocalProfile, Priority, SixMonthReview, StrategicAssessment


@pytest.mark.django_db
def test_demo_data_sets_control_strategies_and_a_wiltshire_profile():
    out = io.StringIO()
    call_command("demo-data", "--forces", "2", "--seed", "3", "--scale", "0.05", stdout=out)
    assert "Control strategies and a Wiltshire local profile" in out.getvalue()
    year = timezone.localdate().year
    assessments = StrategicAssessment.objects.filter(year=year)
    owners = set(assessments.values_list("owner__name", flat=True))
    assert "Wiltshire" in owners and len(owners) >= 3  # two forces and at least one ROCU
    for assessment in assessments:
        kinds = set(Priority.objects.filter(assessment=assessment).values_list("kind", flat=True))
        assert {"crime_type", "area", "threat"} <= kinds, assessment
        assert assessment.intelligence_requirement
    states = {a.review_state for a in selectors.with_review_state(assessments)}
    assert "overdue" in states or "due_soon" in states
    profile = LocalProfile.objects.get(force__name="Wiltshire", area_kind="force")
    assert profile.version == 2
    partner = User.objects.get(username="wiltshire-council.partner")
    edition = selectors.edition(partner, profile)
    assert edition.is_partner and edition.sections[1]["text"].startswith("Council housing")
    counts = (
        StrategicAssessment.objects.count(),
        Priority.objects.count(),
        SixMonthReview.objects.count(),
        LocalProfile.objects.count(),
    )
    call_command(
        "demo-data", "--forces", "2", "--seed", "3", "--scale", "0.05", stdout=io.StringIO()
    )
    assert counts == (
        StrategicAssessment.objects.count(),
        Priority.objects.count(),
        SixMonthReview.objects.count(),
        LocalProfile.objects.count(),
    )
