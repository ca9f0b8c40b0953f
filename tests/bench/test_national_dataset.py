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
from socmap.networks.neighbourhood import SeeEverything, neighbourhood
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


def _walked(graph, kind, pk, steps):
    found = neighbourhood(graph, graph.node(kind, pk), steps, SeeEverything())
    nodes = {graph.key(n): d for n, d in found.distance.items()}
    links = {(int(graph.edge_kind[e]), int(graph.edge_record[e])) for e, _, _ in found.edges}
    return nodes, links


def test_the_network_read_around_a_person_walks_as_the_whole_graph_does(national):
    """The network page reads only the neighbourhood it walks (store.graph_around); walking
    it must give what walking the whole graph gives, merged records included."""
    people = list(Nominal.objects.order_by("pk").values_list("pk", flat=True))
    for duplicate, survivor in zip(people[:40:4], people[1:40:4], strict=True):
        Nominal.objects.filter(pk=duplicate).update(merged_into_id=survivor)
    whole = store.build_from_database()
    starts = people[:40] + list(
        Membership.objects.order_by("?").values_list("nominal_id", flat=True)[:20]
    )
    for pk in starts:
        for steps in (1, 2, 3):
            local = store.graph_around(NodeKind.NOMINAL, pk, steps)
            assert _walked(local, NodeKind.NOMINAL, pk, steps) == _walked(
                whole, NodeKind.NOMINAL, pk, steps
            )
    for threat in Threat.objects.order_by("?").values_list("pk", flat=True)[:10]:
        local = store.graph_around(NodeKind.THREAT, threat, 2)
        assert _walked(local, NodeKind.THREAT, threat, 2) == _walked(
            whole, NodeKind.THREAT, threat, 2
        )
