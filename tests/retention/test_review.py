"""Retention review (MoPI): review periods per record type are data; a record comes up for
review when its period has run from its anchor date (or its last retain decision's next
review date has come); the data owner records a decision - retain until a date, or dispose -
which is kept for ever and audited; the queue is a page, an API and a command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.retention import services
from socmap.retention.models import AppendOnlyError, ReviewDecision, ReviewPeriod
from socmap.threats.models import Threat

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def old_threat(make_threat, wiltshire_analyst):
    threat = make_threat(wiltshire_analyst, "Old firm")
    Threat.objects.filter(pk=threat.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=7 * 365)
    )
    return Threat.objects.get(pk=threat.pk)


@pytest.fixture
def new_threat(make_threat, wiltshire_analyst):
    return make_threat(wiltshire_analyst, "New firm")


def _due(user):
    return [d.record.pk for d in services.due_for_review(user, record_type="threats.threat")]


def test_review_periods_are_reference_data(reference):
    period = ReviewPeriod.objects.get(record_type="threats.threat")
    assert (period.months, period.anchor, period.group) == (72, "updated_at", "3")
    assert ReviewPeriod.objects.get(record_type="lifetime.order").months == 120


def test_a_record_past_its_period_is_due_and_a_recent_one_is_not(
    old_threat, new_threat, wiltshire_analyst
):
    assert _due(wiltshire_analyst) == [old_threat.pk]
    due = services.due_for_review(wiltshire_analyst, record_type="threats.threat")[0]
    assert due.due_on == services.months_after(old_threat.updated_at.date(), 72)


def test_the_queue_is_scoped_like_everything_else(
    old_threat, dorset_analyst, swrocu_officer, council_partner
):
    assert _due(dorset_analyst) == []
    assert _due(swrocu_officer) == [old_threat.pk]
    assert _due(council_partner) == []


def test_retaining_sets_the_next_review_and_takes_it_off_the_queue(old_threat, wiltshire_analyst):
    made = services.record_review(
        actor=wiltshire_analyst,
        record=old_threat,
        decision="retain",
        reason="Group still active in the county",
    )
    assert made.next_review_on == services.months_after(TODAY, 72)
    assert _due(wiltshire_analyst) == []
    event = AuditEvent.objects.get(action="retention.reviewed")
    assert event.target_id == str(old_threat.pk) and "still active" in event.reason


def test_a_retained_record_comes_back_when_its_next_review_comes(old_threat, wiltshire_analyst):
    services.record_review(
        actor=wiltshire_analyst,
        record=old_threat,
        decision="retain",
        reason="Keep for the trial",
        next_review_on=TODAY + dt.timedelta(1),
    )
    assert _due(wiltshire_analyst) == []
    later = services.due_for_review(
        wiltshire_analyst, record_type="threats.threat", today=TODAY + dt.timedelta(days=2)
    )
    assert [d.record.pk for d in later] == [old_threat.pk]


def test_disposing_moves_it_to_awaiting_disposal(old_threat, wiltshire_analyst):
    services.record_review(
        actor=wiltshire_analyst,
        record=old_threat,
        decision="dispose",
        reason="No longer necessary for a policing purpose",
    )
    assert _due(wiltshire_analyst) == []
    assert [d.record.pk for d in services.awaiting_disposal(wiltshire_analyst)] == [old_threat.pk]


def test_a_decision_needs_a_reason_and_a_future_date(old_threat, wiltshire_analyst):
    with pytest.raises(InvalidInput, match="reason"):
        services.record_review(
            actor=wiltshire_analyst, record=old_threat, decision="retain", reason=""
        )
    with pytest.raises(InvalidInput, match="after today"):
        services.record_review(
            actor=wiltshire_analyst,
            record=old_threat,
            decision="retain",
            reason="A good reason here",
            next_review_on=TODAY,
        )
    assert not ReviewDecision.objects.exists()


def test_only_the_owning_side_may_review(old_threat, dorset_analyst, inspector, nca_officer):
    from django.core.exceptions import PermissionDenied

    for user in (inspector,):
        with pytest.raises(PermissionDenied):
            services.record_review(
                actor=user, record=old_threat, decision="retain", reason="A good reason here"
            )
    assert services.may_review(nca_officer, old_threat)
    assert not services.may_review(dorset_analyst, old_threat)


def test_decisions_are_kept_for_ever(old_threat, wiltshire_analyst):
    made = services.record_review(
        actor=wiltshire_analyst, record=old_threat, decision="dispose", reason="No longer necessary"
    )
    with pytest.raises(AppendOnlyError):
        made.save()
    with pytest.raises(AppendOnlyError):
        ReviewDecision.objects.all().delete()


def test_the_queue_page_and_the_review_form(client_for, old_threat, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("retention:queue"))
    assert page.status_code == 200 and b"Old firm" in page.content
    url = reverse("retention:review", args=["threats.threat", old_threat.pk])
    assert client.get(url).status_code == 200
    done = client.post(url, {"decision": "retain", "reason": "Active in the county"})
    assert done.status_code == 302
    assert (
        b"No record you can see is due for review" in client.get(reverse("retention:queue")).content
    )


def test_the_queue_and_a_decision_through_the_api(client_for, old_threat, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    queue = client.get("/api/retention/queue").json()["items"]
    assert [(q["record_type"], q["record_id"]) for q in queue] == [
        ("threats.threat", old_threat.pk)
    ]
    made = client.post(
        "/api/retention/decisions",
        {
            "record_type": "threats.threat",
            "record_id": old_threat.pk,
            "decision": "dispose",
            "reason": "No longer necessary",
        },
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["decision"] == "dispose"


def test_the_queue_and_a_decision_from_the_command_line(old_threat, wiltshire_analyst):
    out = StringIO()
    call_command("review-queue", "--type", "threats.threat", stdout=out)
    assert "Old firm" in out.getvalue() and "1 record due" in out.getvalue()
    out = StringIO()
    call_command(
        "record-review",
        "threats.threat",
        str(old_threat.pk),
        "--retain",
        "--reason",
        "Still needed for the trial",
        "--as",
        "wiltshire.analyst",
        stdout=out,
    )
    assert "Retain" in out.getvalue()
    out = StringIO()
    call_command("review-queue", "--format", "json", stdout=out)
    assert "Old firm" not in out.getvalue()
