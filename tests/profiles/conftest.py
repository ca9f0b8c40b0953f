from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socmap.profiles import services
from tests.search import conftest as search_fixtures

# the search tests' world of records, shared
reference = search_fixtures.reference
durham_analyst = search_fixtures.durham_analyst
world = search_fixtures.world


@pytest.fixture
def wiltshire_chair(make_user, org):
    return make_user(org("Wiltshire"), "tasking_chair", username="wiltshire.chair")


@pytest.fixture
def profile(world, wiltshire_analyst):
    """Wiltshire's force profile, version 1, with an internal narrative naming an operation."""
    return services.create_profile(
        actor=wiltshire_analyst,
        area_kind="force",
        force=wiltshire_analyst.organisation,
        sections={
            "summary": "County lines remain the main threat.",
            "narrative": "Operation Kestrel targets the Kettering firm.",
        },
    )


@pytest.fixture
def assessment(world, wiltshire_analyst):
    approved = timezone.localdate() - dt.timedelta(days=200)
    return services.record_assessment(
        actor=wiltshire_analyst,
        year=approved.year,
        approved_on=approved,
        intelligence_requirement="Who runs the lines.",
    )
