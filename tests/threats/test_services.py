"""The threat services' rules, as the pages, API and commands rely on them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.people.services import record_nominal
from socmap.threats.models import ArchiveReason, Status, Threat, ThreatKind
from socmap.threats.services import (
    add_member,
    change_status,
    end_membership,
    map_and_assess_threat,
    map_threat,
)

from .conftest import TOP_ANSWERS


def test_a_trigger_report_moves_through_the_lifecycle(wiltshire_analyst, map_ocg, group_matrix):
    from socmap.scoring.services import assess_threat

    # Given a trigger report
    threat = map_ocg(wiltshire_analyst, answers=None, status=Status.TRIGGER_REPORT)
    # When it goes under assessment, is assessed and adopted, then archived
    change_status(actor=wiltshire_analyst, threat=threat, to_status=Status.UNDER_ASSESSMENT)
    assess_threat(
        actor=wiltshire_analyst, threat=threat, methodology=group_matrix, inputs=TOP_ANSWERS
    )
    change_status(actor=wiltshire_analyst, threat=threat, to_status=Status.ACTIVE)
    change_status(
        actor=wiltshire_analyst,
        threat=threat,
        to_status=Status.ARCHIVED,
        archive_reason=ArchiveReason.DISMANTLED,
        reason="All principals convicted",
    )
    # Then every step is kept, in order
    steps = [c.to_status for c in threat.status_changes.all()]
    assert steps == ["trigger_report", "under_assessment", "active", "archived"]
    threat.refresh_from_db()
    assert threat.adopted_at is not None and threat.archived_at is not None


def test_a_trigger_report_cannot_jump_to_active(wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst, answers=None, status=Status.TRIGGER_REPORT)
    with pytest.raises(InvalidInput) as refused:
        change_status(actor=wiltshire_analyst, threat=threat, to_status=Status.ACTIVE)
    assert "can only become: under assessment, archived" in str(refused.value)
    threat.refresh_from_db()
    assert threat.status == Status.TRIGGER_REPORT


def test_a_threat_cannot_be_adopted_before_it_is_assessed(wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst, answers=None)
    with pytest.raises(InvalidInput) as refused:
        change_status(actor=wiltshire_analyst, threat=threat, to_status=Status.ACTIVE)
    assert refused.value.field_errors["to_status"] == ["Assess the threat before adopting it."]


def test_archiving_needs_a_reason(wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst)
    with pytest.raises(InvalidInput) as refused:
        change_status(actor=wiltshire_analyst, threat=threat, to_status=Status.ARCHIVED)
    assert "archive_reason" in refused.value.field_errors
    assert refused.value.field_errors["reason"] == ["Record why the threat is archived."]
    threat.refresh_from_db()
    assert threat.status == Status.ACTIVE


def test_a_merged_threat_names_the_threat_it_joined(wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst, "Smaller group")
    bigger = map_ocg(wiltshire_analyst, "Bigger group")
    with pytest.raises(InvalidInput) as refused:
        change_status(
            actor=wiltshire_analyst,
            threat=threat,
            to_status=Status.ARCHIVED,
            archive_reason=ArchiveReason.MERGED,
            reason="Same people",
        )
    assert refused.value.field_errors["merged_into"] == ["Say which threat it was merged into."]
    change_status(
        actor=wiltshire_analyst,
        threat=threat,
        to_status=Status.ARCHIVED,
        archive_reason=ArchiveReason.MERGED,
        reason="Same people",
        merged_into=bigger,
    )
    threat.refresh_from_db()
    assert threat.merged_into == bigger


def test_a_priority_individual_needs_its_subject(wiltshire_analyst, drugs):
    with pytest.raises(InvalidInput) as refused:
        map_threat(
            actor=wiltshire_analyst,
            kind=ThreatKind.PRIORITY_INDIVIDUAL,
            name="Lone supplier",
            predominant_crime_type=drugs,
        )
    assert "subject" in refused.value.field_errors
    assert not Threat.objects.filter(name="Lone supplier").exists()


def test_the_lro_must_hold_the_lro_role(wiltshire_analyst, wiltshire_sro, drugs):
    with pytest.raises(InvalidInput) as refused:
        map_threat(
            actor=wiltshire_analyst,
            kind=ThreatKind.OCG,
            name="Group",
            predominant_crime_type=drugs,
            lro=wiltshire_sro,
        )
    assert "does not hold the Lead Responsible Officer role" in refused.value.field_errors["lro"][0]


def test_the_sro_cannot_be_the_lro(wiltshire_analyst, wiltshire_lro, drugs):
    with pytest.raises(InvalidInput) as refused:
        map_threat(
            actor=wiltshire_analyst,
            kind=ThreatKind.OCG,
            name="Group",
            predominant_crime_type=drugs,
            lro=wiltshire_lro,
            sro=wiltshire_lro,
        )
    assert refused.value.field_errors["sro"] == [
        "The SRO oversees the LRO, so they must be different people."
    ]


def test_map_and_assess_saves_nothing_when_an_answer_is_wrong(
    wiltshire_analyst, drugs, group_matrix
):
    # Given the threats and audit rows there are now
    threats_before = Threat.objects.count()
    events_before = AuditEvent.objects.count()
    # When a threat is mapped with an answer the methodology does not allow
    with pytest.raises(InvalidInput) as refused:
        map_and_assess_threat(
            actor=wiltshire_analyst,
            kind=ThreatKind.OCG,
            name="Half-mapped group",
            predominant_crime_type=drugs,
            methodology=group_matrix,
            inputs={**TOP_ANSWERS, "weapons": "bazooka"},
        )
    # Then the problem is named and neither the threat nor its assessment is saved
    assert "'bazooka' is not an allowed answer" in refused.value.field_errors["weapons"][0]
    assert Threat.objects.count() == threats_before
    assert AuditEvent.objects.count() == events_before


def test_map_and_assess_gives_the_threat_its_band(wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst, adopt=False)
    assert threat.current_band == "1A"
    assert threat.current_methodology == "group-matrix@1"
    assert threat.assessments.count() == 1


def test_a_dorset_analyst_cannot_change_a_wiltshire_threat(
    wiltshire_analyst, dorset_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst)
    with pytest.raises(PermissionDenied):
        change_status(actor=dorset_analyst, threat=threat, to_status=Status.UNDER_ASSESSMENT)


def test_members_join_and_leave(wiltshire_analyst, map_ocg):
    import datetime as dt

    threat = map_ocg(wiltshire_analyst)
    person = record_nominal(actor=wiltshire_analyst, surname="Stone", forenames="Jay")
    membership = add_member(
        actor=wiltshire_analyst,
        threat=threat,
        nominal=person,
        role="principal",
        joined_on=dt.date(2023, 1, 1),
    )
    with pytest.raises(InvalidInput) as twice:
        add_member(actor=wiltshire_analyst, threat=threat, nominal=person, role="core")
    assert "already a current member" in str(twice.value)
    with pytest.raises(InvalidInput) as early:
        end_membership(actor=wiltshire_analyst, membership=membership, left_on=dt.date(2022, 1, 1))
    assert early.value.field_errors["left_on"] == ["A member cannot leave before they joined."]
    end_membership(actor=wiltshire_analyst, membership=membership, left_on=dt.date(2024, 1, 1))
    membership.refresh_from_db()
    assert membership.left_on == dt.date(2024, 1, 1)
