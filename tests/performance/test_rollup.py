"""The rollup behind the rankings stays equal to a fresh count of the disruptions, whatever
writes them: the services, bulk inserts, queryset updates, deletes, a rolled-back import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from socmap.disruptions import services
from socmap.disruptions.models import Disruption
from socmap.performance import rollup
from socmap.performance.models import DisruptionDay

DAY = dt.date(2025, 6, 2)


def rolled(owner_name: str, status: str = "validated") -> int:
    return sum(
        DisruptionDay.objects.filter(owner__name=owner_name, status=status).values_list(
            "disruptions", flat=True
        )
    )


def test_bulk_inserts_updates_and_deletes_keep_the_rollup_equal_to_a_count(put):
    # Given disruptions written straight to the table
    put("Wiltshire", 3, DAY, arrests=2, firearms=1, cash=Decimal("100.50"))
    put("Dorset", 2, DAY, status="submitted")
    assert rolled("Wiltshire") == 3 and rolled("Dorset", "submitted") == 2
    day = DisruptionDay.objects.get(owner__name="Wiltshire", day=DAY, status="validated")
    assert (day.arrests, day.firearms, day.cash) == (6, 3, Decimal("301.50"))
    # When some are validated, moved to another day and deleted by queryset calls
    Disruption.objects.filter(owner__name="Dorset").update(
        status="validated", validated_at=dt.datetime(2025, 6, 3, tzinfo=dt.UTC)
    )
    Disruption.objects.filter(owner__name="Wiltshire").order_by("id")[:1].get().delete()
    Disruption.objects.filter(owner__name="Wiltshire").update(occurred_on=DAY + dt.timedelta(1))
    # Then the rollup follows every change
    assert rolled("Dorset", "submitted") == 0 and rolled("Dorset") == 2
    assert rolled("Wiltshire") == 2
    assert (
        DisruptionDay.objects.get(
            owner__name="Wiltshire", day=DAY + dt.timedelta(1), status="validated"
        ).arrests
        == 4
    )
    assert rollup.differences() == []


def test_the_services_keep_the_rollup_in_step(validated, wiltshire_validator):
    # Given a claim recorded, submitted and validated through the services
    assert rolled("Wiltshire") == 1 and rollup.differences() == []
    # When a validator regrades it
    services.regrade_disruption(
        actor=wiltshire_validator, disruption=validated, grade="major", rationale="Group broken."
    )
    # Then it is still counted once
    assert rolled("Wiltshire") == 1 and rollup.differences() == []


def test_a_rolled_back_write_leaves_the_rollup_as_it_was(put):
    put("Wiltshire", 2, DAY)
    with pytest.raises(RuntimeError), transaction.atomic():
        put("Wiltshire", 5, DAY)
        raise RuntimeError("the import failed")
    assert rolled("Wiltshire") == 2 and rollup.differences() == []


def test_the_check_command_finds_a_drifted_rollup_and_rebuild_mends_it(put, capsys):
    put("Wiltshire", 4, DAY)
    DisruptionDay.objects.filter(owner__name="Wiltshire").update(disruptions=1)
    assert len(rollup.differences()) == 1
    with pytest.raises(SystemExit):
        call_command("performance-rollup", "--check")
    call_command("performance-rollup", "--rebuild")
    assert rollup.differences() == [] and rolled("Wiltshire") == 4
    call_command("performance-rollup", "--check")
    assert "agrees" in capsys.readouterr().out
