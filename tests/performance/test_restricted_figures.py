"""A restricted operation's disruptions in the performance figures: everyone not named in the
restriction (an analyst of the owning force, a national user, another force) sees the ranking,
trends, breakdowns, threat rates and public summary without them; the people named see them
counted; a disruption also recorded against an open threat counts for everyone.

Operation Kestrel (Wiltshire) is restricted to the Kestrel officer. Wiltshire has 2,400 ordinary
validated disruptions in March 2025, 100 against Kestrel only and 10 against Kestrel and an
ordinary firm, both in June 2025. Dorset has 200. Populations: 800,000 and 400,000 (2024).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from socmap.disruptions.models import Disruption
from socmap.orgs.models import Team
from socmap.orgs.scoping import restriction_filter
from socmap.performance import rules
from socmap.performance import selectors as s
from socmap.security import services as security
from socmap.threats.models import CrimeType, Threat

pytestmark = pytest.mark.django_db

END = dt.date(2025, 12, 31)
TODAY = dt.date(2026, 1, 10)
JUNE = dt.date(2025, 6, 15)
NOT_NAMED = ["wiltshire_analyst", "nca_officer", "dorset_analyst"]
SEE_KESTREL = {"kestrel_officer": True, None: True} | dict.fromkeys(NOT_NAMED, False)


def options(**given):
    return s.check_options(end=given.pop("end", END), today=TODAY, **given)


def persona(request, name):
    return None if name is None else request.getfixturevalue(name)


@pytest.fixture
def kestrel_officer(make_user, org):
    return make_user(org("Wiltshire"), "analyst", "lro", username="kestrel.officer")


@pytest.fixture
def kestrel(make_threat, kestrel_officer):
    """Operation Kestrel's threat (firearms), restricted to the Kestrel officer."""
    threat = make_threat(kestrel_officer, "Kestrel network")
    Threat.objects.filter(pk=threat.pk).update(
        predominant_crime_type=CrimeType.objects.get(code="firearms")
    )
    security.restrict_record(
        actor=kestrel_officer,
        record=threat,
        name="Operation Kestrel",
        reason="Covert operation: need to know only",
    )
    threat.refresh_from_db()
    return threat


@pytest.fixture
def wiltshire_and_dorset(put, population, kestrel, make_threat, wiltshire_analyst):
    population("Wiltshire", 2024, 800_000)
    population("Dorset", 2024, 400_000)
    put("Wiltshire", 2_400, dt.date(2025, 3, 10), arrests=1)
    put("Dorset", 200, dt.date(2025, 6, 30))
    ordinary = make_threat(wiltshire_analyst, "Ordinary firm")  # drugs
    for disruption in put("Wiltshire", 100, JUNE, category="protect", firearms=1):
        disruption.threats.add(kestrel)
    for disruption in put("Wiltshire", 10, JUNE, category="protect", firearms=1):
        disruption.threats.add(kestrel, ordinary)
    return kestrel


def counts(user, **given) -> dict[str, int]:
    return {r.slug: r.count for r in s.ranking(user, options(**given)).ranking.rows}


# --------------------------------------------------------------------------- ranking


@pytest.mark.parametrize("name", [*NOT_NAMED, "kestrel_officer", None])
def test_a_restricted_operations_disruptions_are_left_out_of_the_ranking_for_everyone_not_named(
    request, wiltshire_and_dorset, name
):
    # Given Kestrel's 100 disruptions (and 10 also against an open firm) among Wiltshire's
    user = persona(request, name)
    # When the user ranks the forces over the 24 months to December 2025
    result = s.ranking(user, options())
    rows = {r.slug: r for r in result.ranking.rows}
    # Then someone not named counts 2,410 for Wiltshire: the 10 against the open firm stay in;
    # the named officer (and the system operator) count all 2,510; Dorset is the same for all
    if SEE_KESTREL[name]:
        assert (rows["wiltshire"].count, rows["wiltshire"].rate) == (2_510, Decimal("3.14"))
        assert result.average.count == 2_710
    else:
        assert (rows["wiltshire"].count, rows["wiltshire"].rate) == (2_410, Decimal("3.01"))
        assert result.average.count == 2_610
    assert rows["dorset"].count == 200


def test_a_member_of_a_team_named_sees_the_operation_counted(
    wiltshire_and_dorset, kestrel_officer, make_user, org
):
    team = Team.objects.create(organisation=org("Wiltshire"), name="Kestrel team")
    member = make_user(org("Wiltshire"), "analyst", team=team)
    assert counts(member)["wiltshire"] == 2_410
    security.change_restriction(
        actor=kestrel_officer,
        restriction=wiltshire_and_dorset.restriction,
        people=[kestrel_officer],
        teams=[team],
        reason="The team takes the operation on",
    )
    assert counts(member)["wiltshire"] == 2_510


def test_once_the_restriction_is_lifted_everyone_counts_the_operation(
    wiltshire_and_dorset, kestrel_officer, nca_officer
):
    assert counts(nca_officer)["wiltshire"] == 2_410
    security.lift_restriction(
        actor=kestrel_officer, record=wiltshire_and_dorset, reason="Operation concluded"
    )
    assert counts(nca_officer)["wiltshire"] == 2_510


def test_a_force_whose_only_disruptions_are_restricted_reads_as_recording_none(
    wiltshire_and_dorset, put, population, make_user, org, make_threat, nca_officer
):
    # Given a Gloucestershire operation, restricted, with the force's only 30 disruptions
    population("Gloucestershire", 2024, 650_000)
    officer = make_user(org("Gloucestershire"), "analyst", username="glos.officer")
    threat = make_threat(officer, "Severn crew")
    security.restrict_record(
        actor=officer, record=threat, name="Op Severn", reason="Covert operation"
    )
    for disruption in put("Gloucestershire", 30, JUNE):
        disruption.threats.add(threat)
    # Then to someone not named Gloucestershire recorded nothing (not "compared with 0"),
    # so the ranking does not give away that something is hidden
    glos = next(
        r for r in s.ranking(nca_officer, options()).ranking.rows if r.slug == "gloucestershire"
    )
    assert (glos.count, glos.rate, glos.note) == (0, None, rules.NOT_RECORDING)
    named = next(
        r for r in s.ranking(officer, options()).ranking.rows if r.slug == "gloucestershire"
    )
    assert (named.count, named.in_comparison) == (30, True)


def test_the_rates_page_api_and_command_leave_it_out_alike(
    wiltshire_and_dorset, client_for, nca_officer, kestrel_officer
):
    for user, expected in ((nca_officer, 2_410), (kestrel_officer, 2_510)):
        client = client_for(user)
        query = {"end": END.isoformat()}
        body = client.get("/api/performance/ranking", query).json()
        assert {f["slug"]: f["count"] for f in body["forces"]}["wiltshire"] == expected
        page = client.get(reverse("performance:ranking"), {**query, "format": "csv"})
        assert f",Wiltshire,South West,{expected}," in page.content.decode()
        out = io.StringIO()
        call_command("ranking", "--end", END.isoformat(), "--format", "csv", "--as",
                     user.username, stdout=out)  # fmt: skip
        assert f",Wiltshire,South West,{expected}," in out.getvalue()


# --------------------------------------------------------------------------- trends, breakdowns


@pytest.mark.parametrize("name", ["wiltshire_analyst", "nca_officer", "kestrel_officer"])
def test_the_trend_leaves_the_restricted_operation_out_for_everyone_not_named(
    request, wiltshire_and_dorset, name
):
    june = 110 if SEE_KESTREL[name] else 10
    user = persona(request, name)
    months = {p.label: p.count for p in s.trends(user, options(force="wiltshire")).points}
    assert (months["Mar 2025"], months["Jun 2025"]) == (2_400, june)
    region = {p.label: p.count for p in s.trends(user, options(region="south-west")).points}
    assert region["Jun 2025"] == june + 200


@pytest.mark.parametrize("name", ["wiltshire_analyst", "nca_officer", "kestrel_officer"])
def test_the_breakdown_leaves_the_restricted_operation_out_for_everyone_not_named(
    request, wiltshire_and_dorset, name
):
    user = persona(request, name)
    result = s.breakdown(user, options(force="wiltshire"))
    categories = {p.code: p.count for p in result.categories}
    crime_types = {p.code: p.count for p in result.crime_types}
    if SEE_KESTREL[name]:
        assert (result.total, categories["protect"]) == (2_510, 110)
        assert crime_types == {"firearms": 110, "drugs": 10}
    else:
        # the 10 against the open firm count, under the open firm's crime type only: the
        # restricted threat's crime type is not given away through them
        assert (result.total, categories["protect"]) == (2_410, 10)
        assert crime_types == {"drugs": 10}


def test_the_threat_rates_leave_the_restricted_threat_out(
    wiltshire_and_dorset, wiltshire_analyst, kestrel_officer
):
    # threats active on the period's last day: both were adopted today
    today = s.check_options()

    def threats(user):
        return {r.slug: r.count for r in s.threat_ranking(user, today).rows}["wiltshire"]

    assert (threats(wiltshire_analyst), threats(kestrel_officer), threats(None)) == (1, 2, 2)


# --------------------------------------------------------------------------- public summary


@pytest.mark.parametrize("name", ["council_partner", "nca_officer", "kestrel_officer"])
def test_the_public_summary_leaves_the_restricted_operation_out_for_everyone_not_named(
    request, wiltshire_and_dorset, name
):
    summary = s.public_summary(persona(request, name), options(force="wiltshire"))
    text = " ".join(summary.sentences)
    if name == "kestrel_officer":
        assert (summary.disruptions, summary.sums["firearms"]) == (2_510, 110)
        assert "recovered over 100 firearms" in text
    else:
        assert (summary.disruptions, summary.sums["firearms"]) == (2_410, 10)
        assert "recovered ten firearms" in text
    assert summary.sums["arrests"] == 2_400


# --------------------------------------------------------------------------- the correction


@pytest.mark.parametrize("name", ["wiltshire_analyst", "nca_officer", "kestrel_officer"])
def test_the_correction_is_exactly_what_the_scoping_module_hides(
    request, wiltshire_and_dorset, name
):
    # The rollup's correction and orgs.scoping's restriction_filter hide the same disruptions
    user = persona(request, name)
    period = options().period
    hidden = Disruption.objects.filter(occurred_on__range=(period.start, period.end)).exclude(
        restriction_filter(user, Disruption)
    )
    expected: dict[tuple, list[int]] = {}
    for d in hidden:
        group = expected.setdefault((d.owner_id, d.occurred_on, d.status), [0, 0])
        group[0] += 1
        group[1] += d.firearms
    got = {
        (r["owner_id"], r["day"], r["status"]): [r["disruptions"], r["firearms"]]
        for r in s.hidden_by_restrictions(user, period)
    }
    assert got == expected
    assert sum(n for n, _ in got.values()) == (0 if SEE_KESTREL[name] else 100)


def test_the_correction_costs_one_query_when_nothing_is_hidden_from_the_user(
    wiltshire_and_dorset, kestrel_officer, django_assert_num_queries
):
    period = options().period
    with django_assert_num_queries(1):
        assert s.hidden_by_restrictions(kestrel_officer, period) == []
    with django_assert_num_queries(0):
        assert s.hidden_by_restrictions(None, period) == []
