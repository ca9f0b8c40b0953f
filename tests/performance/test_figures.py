"""The figures against hand-computed ones, from disruptions put straight into the table (the
rollup follows them): rates, the population year named, regions, forces chosen for the
comparison, validated or all, trends, breakdowns, compliance, what works, survival, and the
public summary. The disruption figures page's quick view agrees with the ranking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from socmap.disruptions.selectors import counts_by_force
from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation
from socmap.performance import rules
from socmap.performance import selectors as s
from socmap.scoring.models import Assessment
from socmap.scoring.services import assess_threat, methodology_version
from socmap.threats.models import CrimeType, Status, Threat, ThreatKind
from socmap.threats.services import change_status, map_threat
from tests.disruptions.conftest import ANSWERS

pytestmark = pytest.mark.django_db

END = dt.date(2025, 12, 31)
TODAY = dt.date(2026, 1, 10)


def options(**given):
    return s.check_options(end=given.pop("end", END), today=TODAY, **given)


@pytest.fixture
def two_forces(put, population):
    """Wiltshire: 2,400 validated disruptions in 800,000 people (2024 figure); Dorset 200 in
    400,000; and some claims not validated yet, and one outside the period."""
    population("Wiltshire", 2024, 800_000)
    population("Dorset", 2024, 400_000)
    put("Wiltshire", 2_000, dt.date(2024, 3, 10), arrests=1)
    put("Wiltshire", 400, dt.date(2025, 11, 2), category="protect", code="victim-safeguarding",
        grade="major", people_safeguarded=2)  # fmt: skip
    put("Dorset", 200, dt.date(2025, 6, 30), firearms=1, lines_closed=1)
    put("Dorset", 50, dt.date(2025, 6, 30), status="submitted")
    put("Wiltshire", 7, dt.date(2023, 12, 31))  # the day before the period


def test_the_ranking_computed_by_hand(two_forces):
    # When the 24 months to 31 December 2025 are ranked
    result = s.ranking(None, options())
    rows = {r.slug: r for r in result.ranking.rows}
    # Then the rates use the 2024 populations and say so
    assert (rows["wiltshire"].count, rows["wiltshire"].rate) == (2_400, Decimal("3.00"))
    assert (rows["dorset"].count, rows["dorset"].rate) == (200, Decimal("0.50"))
    assert rows["wiltshire"].population_year == 2024
    assert result.average == rules.Average(2_600, 1_200_000, Decimal("2.17"), 2)
    assert (rows["wiltshire"].ratio, rows["dorset"].ratio) == (Decimal("1.38"), Decimal("0.23"))
    assert result.ranking.population_years == "2024"
    # and the forces that recorded nothing are shown with no rate, not compared
    assert rows["kent"].rate is None and rows["kent"].note == rules.NOT_RECORDING
    south_west = next(a for a in result.regions if a.name == "South West")
    assert south_west.rate == Decimal("2.17") and south_west.left_out == 3


def test_a_chosen_population_year_and_all_claims(two_forces):
    result = s.ranking(None, options(population_year=2019, counting="all"))
    rows = {r.slug: r for r in result.ranking.rows}
    # 2,400 / 722,217 and (200 + 50) / 773,839, per 1,000
    assert rows["wiltshire"].rate == Decimal("3.32") and rows["wiltshire"].population_year == 2019
    assert rows["dorset"].count == 250 and rows["dorset"].rate == Decimal("0.32")


def test_a_population_year_without_a_figure_is_said_and_the_force_left_out(two_forces):
    result = s.ranking(None, options(population_year=2024))
    rows = {r.slug: r for r in result.ranking.rows}
    assert rows["wiltshire"].in_comparison
    assert "No population figure for 2024 (years loaded: 2019)" in rows["kent"].note


def test_a_period_before_any_population_figure_is_an_empty_comparison_with_a_message(put):
    put("Wiltshire", 3, dt.date(2010, 5, 1))
    with pytest.raises(InvalidInput) as wrong:
        s.ranking(None, options(end=dt.date(2010, 12, 31), months=12))
    assert "No force is left in the comparison" in wrong.value.summary()


def test_forces_chosen_left_out_and_a_region_shown(two_forces):
    only = s.ranking(None, options(forces="wiltshire"))
    assert only.average.count == 2_400 and only.average.forces == 1
    without = s.ranking(None, options(exclude=["wiltshire"]))
    assert without.average.rate == Decimal("0.50")
    region = s.ranking(None, options(region="south-west", sort="-count"))
    assert [r.slug for r in region.shown][:2] == ["wiltshire", "dorset"]
    assert {r.region for r in region.shown} == {"South West"}
    assert region.average.forces == 2  # the average is still the whole comparison's


def test_bad_filters_name_every_problem():
    with pytest.raises(InvalidInput) as wrong:
        s.check_options(
            start="2026-01-01",
            end="2025-01-01",
            forces="atlantis",
            region="nowhere",
            by="week",
            today=TODAY,
        )
    errors = wrong.value.field_errors
    assert set(errors) == {"forces", "region", "by"}
    with pytest.raises(InvalidInput, match="before it starts"):
        s.check_options(start="2026-01-01", end="2025-01-01", today=TODAY)
    with pytest.raises(InvalidInput, match="is not a date"):
        s.check_options(end="31st of never", today=TODAY)


def test_the_disruption_figures_quick_view_gives_the_rankings_figures(two_forces):
    # Given the quick view and the ranking over the same period, for the national view
    quick = counts_by_force(None, end=END, years=2)
    ranked = s.ranking(None, options())
    assert (quick.start, quick.end) == (ranked.options.period.start, ranked.options.period.end)
    # Then every rate, population year and the average are the same
    by_slug = {r.slug: r for r in ranked.ranking.rows}
    for row in quick.rows:
        assert row.per_thousand == by_slug[row.slug].rate
        assert row.population_year == by_slug[row.slug].population_year
    assert quick.total.per_thousand == ranked.average.rate == Decimal("2.17")


def test_a_trend_by_month_and_by_quarter(two_forces):
    months = s.trends(None, options(force="wiltshire"))
    assert len(months.points) == 24 and months.population == 800_000
    counts = {p.label: p.count for p in months.points}
    assert counts["Mar 2024"] == 2_000 and counts["Nov 2025"] == 400 and counts["Jan 2024"] == 0
    march = next(p for p in months.points if p.label == "Mar 2024")
    assert march.rate == Decimal("2.50")  # 2,000 per 800,000, per 1,000
    quarters = s.trends(None, options(region="south-west", by="quarter"))
    assert [p.count for p in quarters.points if p.count] == [2_000, 200, 400]
    assert quarters.population == 1_200_000


def test_the_breakdowns_by_hand(two_forces, wiltshire_analyst):
    result = s.breakdown(None, options())
    categories = {p.code: (p.count, p.percent) for p in result.categories}
    assert categories["pursue"] == (2_200, Decimal("84.6"))
    assert categories["protect"] == (400, Decimal("15.4"))
    assert {p.code: p.count for p in result.grades}["major"] == 400
    assert {p.code: p.count for p in result.tactics} == {
        "arrest": 2_200,
        "victim-safeguarding": 400,
    }
    assert result.total == 2_600
    only_dorset = s.breakdown(None, options(force="dorset", counting="all"))
    assert only_dorset.total == 250


def test_crime_types_count_the_threats_each_disruption_was_against(validated):
    result = s.breakdown(None, s.check_options())
    assert [(p.code, p.count) for p in result.crime_types] == [("drugs", 1)]


def test_the_public_summary_is_rounded_and_names_nothing(two_forces):
    summary = s.public_summary(None, options(force="dorset"))
    text = " ".join(summary.sentences)
    assert "recovered 200 firearms" in text and "closed 200 county lines" in text
    assert "made no arrests" in text and "0.50 disruptions per 1,000" in text
    assert "ranked 2 of 2 forces compared" in text
    # the unvalidated claims are not in a public figure
    assert summary.disruptions == 200


def test_the_public_summary_of_a_region_and_its_rate(two_forces):
    summary = s.public_summary(None, options(region="south-west"))
    assert summary.rate == Decimal("2.17") and summary.disruptions == 2_600
    assert "made 2,000 arrests" in " ".join(summary.sentences)
    assert "safeguarded 800 people" in " ".join(summary.sentences)


# --------------------------------------------------------------------------- compliance


@pytest.fixture
def mapped(db):
    drugs = CrimeType.objects.get(code="drugs")

    def make(name, *, owner="Wiltshire", status=Status.ACTIVE, created=None, assessed=None,
             **fields):  # fmt: skip
        threat = map_threat(
            actor=None,
            kind=ThreatKind.OCG,
            name=name,
            predominant_crime_type=drugs,
            owner=Organisation.objects.get(name=owner),
            **fields,
        )
        _assess(threat, assessed or timezone.now() - dt.timedelta(days=1))
        if status == Status.ACTIVE:
            threat = change_status(actor=None, threat=threat, to_status=Status.ACTIVE)
        if created:
            Threat.objects.filter(pk=threat.pk).update(
                created_at=created, adopted_at=created + dt.timedelta(days=1)
            )
            threat.refresh_from_db()
        return threat

    return make


def test_compliance_measures_by_hand(
    mapped, wiltshire_analyst, record, wiltshire_validator, make_user, org
):
    from socmap.disruptions import services as disruptions
    from socmap.plans import services as plans

    today = timezone.localdate()
    lro = make_user(org("Wiltshire"), "lro", username="wiltshire.lro")
    # Given three active Wiltshire threats: one with an LRO and a plan under all four Ps,
    # one with a plan under Pursue only, one with neither
    full = mapped("Full", lro=lro, created=timezone.now() - dt.timedelta(days=10))
    partial = mapped("Partial")
    mapped("Bare")
    plan = plans.create_plan(actor=None, threat=full)
    for p in ("pursue", "prevent", "protect", "prepare"):
        plans.add_action(
            actor=None, plan=plan, category=p, description=f"Do {p}", due_on=today,
            owner_user=wiltshire_analyst,
        )  # fmt: skip
    partial_plan = plans.create_plan(actor=None, threat=partial)
    plans.add_action(
        actor=None, plan=partial_plan, category="pursue", description="Arrest", due_on=today,
        owner_user=wiltshire_analyst,
    )  # fmt: skip
    # and only the first with its re-assessment due in the future
    Threat.objects.filter(pk=full.pk).update(reassessment_due=today + dt.timedelta(days=30))
    Threat.objects.exclude(pk=full.pk).update(reassessment_due=today - dt.timedelta(days=1))
    # and two claims: one validated, one a draft (ungraded drafts are possible)
    claim = record(wiltshire_analyst, [full], submit=True)
    disruptions.validate_disruption(actor=wiltshire_validator, disruption=claim)
    record(wiltshire_analyst, [partial], grade="", rationale="")
    # When the measures are worked out
    result = s.compliance(None, s.check_options())
    row = next(r for r in result.rows if r.slug == "wiltshire")
    # Then
    assert row.active_threats == 3
    assert (row.with_lro.count, row.with_lro.of) == (1, 3)
    assert (row.plan_all_four.count, row.review_on_time.count) == (1, 2)
    assert row.reassessment_on_time.count == 1
    assert (row.graded.count, row.validated.count, row.disruptions) == (1, 1, 2)
    assert row.with_lro.percent == Decimal("33.3")
    # and the days from mapping to the first (validated) disruption: mapped 10 days ago,
    # disrupted 3 days ago, so 7 days; the other two are not disrupted yet
    days = row.to_first_disruption
    assert days.n == 1 and days.median == 7.0 and days.never == 2
    assert result.total.active_threats == 3


def test_compliance_with_no_active_threat_says_none_rather_than_zero_per_cent():
    result = s.compliance(None, s.check_options(force="wiltshire"))
    assert result.rows == [] and result.total.with_lro.percent is None


# --------------------------------------------------------------------------- what works


def _assess(threat, when, **answers):
    return assess_threat(
        actor=None,
        threat=threat,
        methodology=methodology_version("group-matrix@1"),
        inputs={**ANSWERS, **answers},
        assessed_at=when,
    )


def test_what_works_compares_the_next_reassessment_with_matched_threats(
    mapped, put, wiltshire_analyst
):
    from socmap.disruptions.models import Disruption

    now = timezone.now()
    start = now - dt.timedelta(days=200)
    later = now - dt.timedelta(days=20)
    # Given two pairs of threats assessed alike 200 days ago, re-assessed 20 days ago
    treated, control = [], []
    for n in range(2):
        a = mapped(f"Treated {n}", assessed=start)
        b = mapped(f"Control {n}", assessed=start)
        # the treated group's intent fell after an arrest; the control's did not change
        _assess(a, later, intent="low")
        _assess(b, later)
        treated.append(a)
        control.append(b)
        made = put("Wiltshire", 1, timezone.localdate(start) + dt.timedelta(days=30))
        Disruption.objects.get(pk=made[0].pk).threats.add(a)
    first = Assessment.objects.filter(threat=treated[0]).order_by("assessed_at")
    drop = float(first[1].score - first[0].score)
    assert drop < 0
    # When what works is worked out
    result = s.what_works(None, s.check_options())
    pursue = next(r for r in result.categories if r.code == "pursue")
    arrest = next(r for r in result.tactics if r.code == "arrest")
    # Then the arrests are followed by the drop, against no change in the matched threats
    assert (pursue.score.treated, pursue.score.control, pursue.score.strata) == (2, 2, 1)
    assert pursue.score.difference.estimate == pytest.approx(drop)
    assert arrest.score == pursue.score
    assert pursue.score.small and pursue.score.difference.low is None
    assert result.intervals == 4 and result.threats == 4
    prevent = next(r for r in result.categories if r.code == "prevent")
    assert prevent.score.treated == 0 and "No re-assessment" in prevent.score.note


def test_survival_censors_active_threats_and_ends_dismantled_ones(mapped):
    # noon today in London: "now - 61 days" late in the evening can cross a clock change
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12)))
    ended = mapped("Dismantled", created=now - dt.timedelta(days=101))
    change_status(
        actor=None,
        threat=ended,
        to_status=Status.ARCHIVED,
        archive_reason="dismantled",
        reason="Broken up",
    )
    Threat.objects.filter(pk=ended.pk).update(archived_at=now - dt.timedelta(days=40))
    mapped("Still going", created=now - dt.timedelta(days=61))
    rows = {r.code: r for r in s.survival(None, s.check_options())}
    curve = rows["all"].curve
    assert (curve.n, curve.ended) == (2, 1)
    # adopted 100 days ago, dismantled 40 days ago: ended on day 60; the other censored at 60
    assert [(st.day, st.ended, st.censored) for st in curve.steps] == [(60, 1, 1)]
    assert curve.median_days == 60 and rows[s.NO_DISRUPTION].curve.n == 2
