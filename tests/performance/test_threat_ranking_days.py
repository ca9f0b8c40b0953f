"""The threat ranking counts a threat active on the period's last day as socmap's users count
days: in UK time. In summer London is an hour ahead of UTC, so a threat adopted just after
midnight in London was adopted the evening before in UTC: it counts from the London day, not
the UTC one; one archived late on the last day in London is no longer active at its end."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from socmap.performance import selectors as s
from socmap.threats.models import Status, Threat

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
END = dt.date(2025, 6, 30)  # British Summer Time: London is an hour ahead of UTC


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def wiltshire_threats(make_threat, wiltshire_analyst, population):
    population("Wiltshire", 2024, 800_000)

    def threat(name, adopted, archived=None):
        made = make_threat(wiltshire_analyst, name)
        Threat.objects.filter(pk=made.pk).update(
            adopted_at=adopted,
            archived_at=archived,
            status=Status.ARCHIVED if archived else Status.ACTIVE,
            archive_reason="dismantled" if archived else "",
        )
        return made

    return threat


def wiltshire_count(end: dt.date) -> int:
    options = s.check_options(end=end, today=end + dt.timedelta(days=10))
    return {r.slug: r.count for r in s.threat_ranking(None, options).rows}["wiltshire"]


def test_a_threat_adopted_just_after_midnight_in_london_counts_for_that_day_only(
    wiltshire_threats,
):
    wiltshire_threats("Just after midnight on the last day", at(END, 0, 30))  # 23:30 UTC before
    assert wiltshire_count(END - dt.timedelta(days=1)) == 0  # a UTC day would count it here
    assert wiltshire_count(END) == 1


def test_a_threat_adopted_after_midnight_after_the_last_day_is_not_counted(
    wiltshire_threats,
):
    wiltshire_threats("Just after midnight", at(END + dt.timedelta(days=1), 0, 30))  # 23:30 UTC
    assert wiltshire_count(END) == 0
    assert wiltshire_count(END + dt.timedelta(days=1)) == 1


def test_a_threat_archived_on_the_last_day_is_not_active_at_its_end(wiltshire_threats):
    wiltshire_threats("Archived that evening", at(END, 9), archived=at(END, 23, 30))
    wiltshire_threats(
        "Archived the next morning", at(END, 9), archived=at(END + dt.timedelta(days=1), 0, 30)
    )
    assert wiltshire_count(END) == 1
