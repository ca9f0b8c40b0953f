"""Reading threats: the prioritised order, filters, the overdue rule, the figures, and who
may see what."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from socmap.orgs.models import PopulationFigure
from socmap.orgs.services import share_record
from socmap.people.services import record_nominal
from socmap.threats.models import Status, Threat
from socmap.threats.selectors import (
    band_distribution,
    crime_type_breakdown,
    list_counts,
    overdue_reason,
    prioritised_threats,
    threats_per_million,
    visible_memberships,
)
from socmap.threats.services import add_member, request_reassessment

from .conftest import LOW_ANSWERS


def _names(qs) -> list[str]:
    return [t.name for t in qs]


def test_the_list_puts_the_highest_band_first(wiltshire_analyst, map_ocg):
    map_ocg(wiltshire_analyst, "Low group", answers=LOW_ANSWERS)
    map_ocg(wiltshire_analyst, "Top group")
    map_ocg(wiltshire_analyst, "Unassessed group", answers=None)
    # Active threats only by default in the pages; here every status, highest band first
    everything = prioritised_threats(wiltshire_analyst)
    assert _names(everything) == ["Top group", "Low group", "Unassessed group"]
    assert _names(prioritised_threats(wiltshire_analyst, sort="-band"))[:2] == [
        "Low group",
        "Top group",
    ]
    assert _names(prioritised_threats(wiltshire_analyst, sort="name")) == [
        "Low group",
        "Top group",
        "Unassessed group",
    ]


def test_the_list_filters_by_status_crime_type_force_lro_band_and_search(
    wiltshire_analyst, wiltshire_lro, map_ocg, fraud, org
):
    map_ocg(wiltshire_analyst, "Drugs group", lro=wiltshire_lro, operation_names=["Op Bluebell"])
    map_ocg(
        wiltshire_analyst,
        "Fraud group",
        predominant_crime_type=fraud,
        answers=LOW_ANSWERS,
        forces=[org("Dorset")],
    )
    map_ocg(wiltshire_analyst, "Trigger group", answers=None, status=Status.TRIGGER_REPORT)
    user = wiltshire_analyst
    assert _names(prioritised_threats(user, status="active")) == ["Drugs group", "Fraud group"]
    assert _names(prioritised_threats(user, crime_type="fraud")) == ["Fraud group"]
    assert _names(prioritised_threats(user, force="dorset")) == ["Fraud group"]
    assert _names(prioritised_threats(user, lro="WILTSHIRE.LRO")) == ["Drugs group"]
    assert _names(prioritised_threats(user, band="3C")) == ["Fraud group"]
    assert _names(prioritised_threats(user, search="bluebell")) == ["Drugs group"]
    assert _names(prioritised_threats(user, status="trigger_report")) == ["Trigger group"]


def test_overdue_means_due_date_passed_requested_or_never_assessed(wiltshire_analyst, map_ocg):
    today = timezone.localdate()
    current = map_ocg(wiltshire_analyst, "Current group")
    late = map_ocg(wiltshire_analyst, "Late group")
    Threat.objects.filter(pk=late.pk).update(reassessment_due=today - dt.timedelta(days=1))
    requested = map_ocg(wiltshire_analyst, "Requested group")
    request_reassessment(actor=wiltshire_analyst, threat=requested, reason="Major disruption")
    overdue = prioritised_threats(wiltshire_analyst, overdue=True)
    assert set(_names(overdue)) == {"Late group", "Requested group"}
    late.refresh_from_db()
    requested.refresh_from_db()
    assert overdue_reason(current) == ""
    assert overdue_reason(late).startswith("Due date passed")
    assert overdue_reason(requested) == "Re-assessment requested: Major disruption"


def test_a_list_is_counted_with_its_overdue_threats_in_one_reading(wiltshire_analyst, map_ocg):
    map_ocg(wiltshire_analyst, "Current group")
    late = map_ocg(wiltshire_analyst, "Late group")
    Threat.objects.filter(pk=late.pk).update(
        reassessment_due=timezone.localdate() - dt.timedelta(days=1)
    )
    map_ocg(wiltshire_analyst, "Trigger group", answers=None, status=Status.TRIGGER_REPORT)
    active = prioritised_threats(wiltshire_analyst, status="active")
    everything = prioritised_threats(wiltshire_analyst)
    assert list_counts(active) == (2, 1)
    # the overdue rule is about active threats: a trigger report is counted, never overdue
    assert list_counts(everything) == (3, 1)
    assert list_counts(prioritised_threats(wiltshire_analyst, overdue=True)) == (1, 1)


def test_per_million_figures_name_the_population_year(wiltshire_analyst, map_ocg, org):
    map_ocg(wiltshire_analyst, "Group one")
    map_ocg(wiltshire_analyst, "Group two")
    wiltshire = org("Wiltshire")
    figure = PopulationFigure.objects.filter(force=wiltshire).order_by("-year").first()
    forces, regions = threats_per_million(wiltshire_analyst, year=figure.year)
    row = next(r for r in forces if r.slug == wiltshire.slug)
    assert row.threats == 2
    assert row.population == figure.population
    assert row.population_year == str(figure.year)
    expected = round(2 * 1_000_000 / figure.population, 1)
    assert float(row.per_million) == expected


def test_a_rocu_officer_sees_their_regions_rate_from_every_force_and_the_rocu(
    wiltshire_analyst, dorset_analyst, swrocu_officer, map_ocg, org
):
    # Given threats owned by Wiltshire, Dorset and the South West ROCU
    map_ocg(wiltshire_analyst, "Wiltshire group")
    map_ocg(dorset_analyst, "Dorset group")
    map_ocg(swrocu_officer, "Regional group")
    region = org("Wiltshire").region
    # When the ROCU officer reads the figures
    forces, regions = threats_per_million(swrocu_officer)
    # Then the region counts all three against the population of all its forces
    row = next(r for r in regions if r.slug == region.slug)
    region_forces = region.organisations.filter(kind="force")
    assert row.threats == 3
    assert row.population == sum(
        PopulationFigure.objects.filter(force=f).order_by("-year").first().population
        for f in region_forces
    )
    assert row.population_year  # a region states the year(s) its populations come from
    assert {r.slug for r in forces} == {f.slug for f in region_forces}


def test_a_force_analyst_gets_no_rate_for_a_region_they_see_only_part_of(
    wiltshire_analyst, dorset_analyst, map_ocg
):
    # Given a Dorset threat the Wiltshire analyst cannot see, and one of Wiltshire's own
    map_ocg(wiltshire_analyst, "Wiltshire group")
    map_ocg(dorset_analyst, "Dorset group")
    # When the Wiltshire analyst reads the figures
    forces, regions = threats_per_million(wiltshire_analyst)
    # Then they get Wiltshire's rate, and no South West rate that would count only Wiltshire's
    # threats against the whole region's population
    assert [r.name for r in forces] == ["Wiltshire"]
    assert regions == []


def test_a_shared_threat_does_not_make_a_rate_for_its_force(
    wiltshire_analyst, dorset_analyst, map_ocg, org
):
    # Given Dorset shares one of its threats with Wiltshire
    shared = map_ocg(dorset_analyst, "Dorset group")
    share_record(actor=dorset_analyst, record=shared, organisation=org("Wiltshire"))
    # When the Wiltshire analyst reads the figures
    forces, _ = threats_per_million(wiltshire_analyst)
    # Then Dorset has no rate (one shared threat is not Dorset's threats per million)
    assert "Dorset" not in [r.name for r in forces]
    # But the shared threat still counts in the crime type breakdown they see
    assert sum(r["threats"] for r in crime_type_breakdown(wiltshire_analyst)) == 1


def test_the_figures_page_says_why_a_force_user_has_no_region_rate(
    client_for, wiltshire_analyst, map_ocg
):
    map_ocg(wiltshire_analyst, "Wiltshire group")
    page = client_for(wiltshire_analyst).get("/threats/figures/")
    assert page.status_code == 200
    assert "No regions to show: a region's rate needs every threat" in page.content.decode()


def test_crime_type_and_band_breakdowns(wiltshire_analyst, map_ocg, fraud):
    map_ocg(wiltshire_analyst, "A")
    map_ocg(wiltshire_analyst, "B")
    map_ocg(wiltshire_analyst, "C", predominant_crime_type=fraud, answers=LOW_ANSWERS)
    shares = {
        r["code"]: (r["threats"], r["share"]) for r in crime_type_breakdown(wiltshire_analyst)
    }
    assert shares == {"drugs": (2, 66.7), "fraud": (1, 33.3)}
    bands = band_distribution(wiltshire_analyst)
    assert [(b["methodology"], b["band"], b["threats"]) for b in bands] == [
        ("group-matrix@1", "1A", 2),
        ("group-matrix@1", "3C", 1),
    ]


def test_a_dorset_analyst_does_not_see_wiltshire_threats(
    wiltshire_analyst, dorset_analyst, map_ocg
):
    map_ocg(wiltshire_analyst, "Wiltshire group")
    map_ocg(dorset_analyst, "Dorset group")
    assert _names(prioritised_threats(dorset_analyst)) == ["Dorset group"]
    assert crime_type_breakdown(dorset_analyst)[0]["threats"] == 1


def test_a_south_west_rocu_officer_sees_both_forces_threats(
    wiltshire_analyst, dorset_analyst, swrocu_officer, map_ocg
):
    map_ocg(wiltshire_analyst, "Wiltshire group")
    map_ocg(dorset_analyst, "Dorset group", answers=LOW_ANSWERS)
    assert _names(prioritised_threats(swrocu_officer)) == ["Wiltshire group", "Dorset group"]


def test_a_partner_sees_only_what_is_shared_with_them(
    wiltshire_analyst, council_partner, map_ocg, wiltshire_council
):
    shared = map_ocg(wiltshire_analyst, "Shared group")
    map_ocg(wiltshire_analyst, "Unshared group")
    share_record(actor=wiltshire_analyst, record=shared, organisation=wiltshire_council)
    assert _names(prioritised_threats(council_partner)) == ["Shared group"]


def test_members_the_user_may_not_see_are_left_out_entirely(
    wiltshire_analyst, dorset_analyst, swrocu_officer, map_ocg
):
    # Given a Wiltshire group with a Wiltshire member and, added by the regional unit, a
    # member recorded by Dorset that Dorset has not shared with Wiltshire
    threat = map_ocg(wiltshire_analyst)
    boss = record_nominal(actor=wiltshire_analyst, surname="Boss", forenames="Al")
    hidden = record_nominal(actor=dorset_analyst, surname="Hidden", forenames="Cy")
    add_member(actor=wiltshire_analyst, threat=threat, nominal=boss, role="principal")
    add_member(actor=swrocu_officer, threat=threat, nominal=hidden, role="core")
    threat.refresh_from_db()
    # then Wiltshire's analyst sees one member, and the regional unit both
    assert [m.nominal for m in visible_memberships(wiltshire_analyst, threat)] == [boss]
    assert {m.nominal for m in visible_memberships(swrocu_officer, threat)} == {boss, hidden}


def test_threats_scored_with_different_methodologies_take_their_places_in_one_list(
    wiltshire_analyst, map_ocg
):
    # Given group-matrix threats in bands 2B and 3B, and MoRiLE threats rated high and low
    from socmap.scoring.services import methodology_version
    from socmap.threats.models import Threat
    from socmap.threats.selectors import prioritised_threats

    methodology_version("morile@1")  # published, so its four bands are known

    def scored(name, methodology, band, rank, score):
        threat = map_ocg(wiltshire_analyst, name)
        Threat.objects.filter(pk=threat.pk).update(
            current_methodology=methodology,
            current_band=band,
            current_band_rank=rank,
            current_score=score,
        )
        return name

    scored("Matrix 2B", "group-matrix@1", "2B", 4, 45)  # 4 of 0..8: half-way
    scored("Matrix 3B", "group-matrix@1", "3B", 7, 20)  # 7 of 0..8
    scored("MoRiLE high", "morile@1", "H", 1, 40)  # 1 of 0..3: a third of the way
    scored("MoRiLE low", "morile@1", "L", 3, 10)  # the lowest band
    # When the prioritised list is read, highest band first
    names = [t.name for t in prioritised_threats(wiltshire_analyst, sort="band")]
    # Then each band sits where it falls on its own methodology's scale, not by its raw rank
    assert names == ["MoRiLE high", "Matrix 2B", "Matrix 3B", "MoRiLE low"]
    reverse = [t.name for t in prioritised_threats(wiltshire_analyst, sort="-band")]
    assert reverse == list(reversed(names))
