"""The pure rules of profiles and the control strategy."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from socmap.profiles import rules


def test_six_months_after_the_31st_of_august_is_the_last_day_of_february():
    assert rules.six_month_review_due(dt.date(2025, 8, 31)) == dt.date(2026, 2, 28)
    assert rules.six_month_review_due(dt.date(2026, 1, 15)) == dt.date(2026, 7, 15)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_the_review_falls_between_181_and_184_days_after_approval(day):
    gap = (rules.six_month_review_due(day) - day).days
    assert 178 <= gap <= 184


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(-30, 30)
)
def test_adding_months_keeps_the_day_unless_the_month_is_shorter(day, months):
    moved = rules.add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved.day < day.day


def test_a_review_is_overdue_the_day_after_it_was_due_until_it_is_recorded():
    due = dt.date(2026, 7, 1)
    assert rules.review_state(due, None, dt.date(2026, 7, 1)) == "due_soon"
    assert rules.review_state(due, None, dt.date(2026, 7, 2)) == "overdue"
    assert rules.review_state(due, dt.date(2026, 7, 20), dt.date(2026, 8, 2)) == "reviewed"
    assert rules.review_state(due, None, dt.date(2026, 5, 1)) == "not_due"


def test_a_threat_relates_by_name_crime_type_and_area_once_each():
    threat = rules.ThreatFacts(7, frozenset({"drugs", "firearms"}), frozenset({3}), frozenset({1}))
    priorities = [
        rules.PriorityFacts("crime_type", "Wiltshire 2026", crime_type="drugs", label="Drugs"),
        rules.PriorityFacts("crime_type", "Wiltshire 2026", crime_type="drugs", label="Drugs"),
        rules.PriorityFacts("crime_type", "Wiltshire 2026", crime_type="fraud", label="Fraud"),
        rules.PriorityFacts("area", "Wiltshire 2026", local_area_id=3, label="Swindon"),
        rules.PriorityFacts("area", "SWROCU 2026", force_id=1, label="Wiltshire"),
        rules.PriorityFacts("threat", "SWROCU 2026", threat_id=7, label="OCG-000007"),
        rules.PriorityFacts("threat", "SWROCU 2026", threat_id=8, label="OCG-000008"),
    ]
    texts = [r.text for r in rules.relations(threat, priorities)]
    assert texts == [
        "Named priority: OCG-000007 (SWROCU 2026)",
        "Priority crime type: Drugs (Wiltshire 2026)",
        "Priority area: Wiltshire (SWROCU 2026)",
        "Priority area: Swindon (Wiltshire 2026)",
    ]


def test_the_partner_edition_drops_named_threats_intelligence_and_the_internal_narrative():
    figures = {"headline": {}, "top_threats": [1], "intelligence": {}, "vulnerabilities_named": []}
    assert set(rules.partner_figures(figures)) == {"headline"}
    sections = {"summary": "a", "narrative": "secret", "partner_data": "b"}
    assert rules.partner_sections(sections) == {"summary": "a", "partner_data": "b"}
    statement = " ".join(rules.withheld_statement())
    assert "operation names" in statement and "Assessment narrative" in statement


def test_the_difference_between_versions_names_the_changed_sections_only():
    changes = rules.section_diff(
        {"summary": "one\ntwo", "narrative": "same"}, {"summary": "one\nthree", "narrative": "same"}
    )
    assert [c["key"] for c in changes] == ["summary"]
    assert "-two" in changes[0]["lines"] and "+three" in changes[0]["lines"]


def test_trends_count_back_whole_quarters():
    quarters = rules.quarters_back(dt.date(2026, 5, 10), 3)
    assert [q[0] for q in quarters] == ["2025 Q4", "2026 Q1", "2026 Q2"]
    assert quarters[0][1:] == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert rules.change_label(5, 3) == "up 2 from 3"
    assert rules.change_label(2, 0) == "up 2 from none"
    assert rules.change_label(0, 0) == "no change"
