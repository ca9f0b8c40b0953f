"""The national benchmark's generator, run small: it writes the counts it promises, in bulk,
and what it writes is data the app's own selectors and pages work with."""

from __future__ import annotations

import pytest
from bench.national.generate import SIZES, generate, scaled
from django.db.models import Count

from socmap.disruptions.models import Disruption
from socmap.intel.models import IntelligenceReport
from socmap.networks import store
from socmap.networks.graph import NodeKind
from socmap.networks.selectors import network_for
from socmap.orgs.models import Organisation, OrganisationKind, User
from socmap.people.models import Association, Nominal
from socmap.performance import selectors as performance
from socmap.scoring.methodology import score
from socmap.scoring.models import Assessment
from socmap.search.selectors import parse_request, search
from socmap.threats.models import Membership, Status, Threat
from socmap.threats.selectors import prioritised_threats, threat_detail

SCALE = 0.002


@pytest.fixture
def national(db):
    store.forget()
    report = generate(SCALE, say=lambda _line: None)
    yield report
    store.forget()


def test_it_writes_the_promised_counts_at_scale(national):
    assert Threat.objects.filter(status=Status.ACTIVE).count() == scaled(6_000, SCALE)
    assert Threat.objects.filter(status=Status.ARCHIVED).count() == scaled(40_000, SCALE)
    assert Nominal.objects.count() == scaled(SIZES["nominals"], SCALE)
    assert Disruption.objects.count() == scaled(SIZES["disruptions"], SCALE)
    assert IntelligenceReport.objects.count() == scaled(SIZES["intelligence_reports"], SCALE)
    assert national.rows["disruptions"] == Disruption.objects.count()
    assert national.total_seconds > 0
    # every disruption claims at least one threat; groups have members; people are linked
    assert not Disruption.objects.annotate(n=Count("threats")).filter(n=0).exists()
    assert Membership.objects.exists() and Association.objects.exists()
    assert Disruption.nominals.through.objects.exists()
    assert IntelligenceReport.threats.through.objects.exists()


def test_owners_are_the_forces_of_the_fixtures_weighted_by_population(national):
    forces = Organisation.objects.filter(kind=OrganisationKind.FORCE)
    assert forces.count() == 43
    owners = dict(
        Nominal.objects.values("owner__name")
        .annotate(n=Count("pk"))
        .values_list("owner__name", "n")
    )
    assert owners.get("Metropolitan Police", 0) > owners.get("Wiltshire", 0)
    assert len(owners) > 20


def test_each_threat_carries_the_real_score_of_its_latest_assessment(national):
    for threat in Threat.objects.order_by("?")[:25]:
        latest = threat.assessments.order_by("-assessed_at", "-id").first()
        result = score(latest.methodology.rules(), latest.inputs)
        assert (latest.score, latest.band) == (result.score, result.band)
        assert (threat.current_score, threat.current_band) == (latest.score, latest.band)
        assert threat.current_methodology == latest.methodology.label
    assert Assessment.objects.filter(threat__status=Status.ACTIVE).values(
        "threat"
    ).distinct().count() == scaled(6_000, SCALE)


def test_the_apps_selectors_work_on_the_generated_data(national):
    officer = User.objects.get(username="bench.nca")
    analyst = User.objects.get(username="bench.wiltshire")
    listed = list(prioritised_threats(officer, status=Status.ACTIVE)[:20])
    assert listed and [t.current_band_rank for t in listed] == sorted(
        t.current_band_rank for t in listed
    )
    assert threat_detail(officer, listed[0].pk).memberships is not None
    wiltshire = prioritised_threats(analyst)
    assert 0 < wiltshire.count() < prioritised_threats(officer).count()
    assert set(Threat.objects.filter(owner__name="Wiltshire")) <= set(wiltshire)
    ranking = performance.ranking(officer, performance.default_options())
    assert ranking.average.count > 0
    results = search(officer, parse_request("cocaine"))
    assert results.total > 0
    member = Membership.objects.filter(threat__status=Status.ACTIVE).first()
    view = network_for(officer, NodeKind.NOMINAL, member.nominal_id, steps=2)
    assert view.people >= 2 and view.threats >= 1
