"""Intelligence services: clearance, reports and their gradings, reading originals, sanitised
copies and sharing them, trigger reports, SARs and packages, ACRO checks, and imports. Every
bad input is refused with a message and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from socmap.audit.models import AuditEvent
from socmap.errors import ImportRejected, InvalidInput
from socmap.intel import selectors, services
from socmap.intel.models import (
    AppendOnlyError,
    ForeignNationalArrest,
    IntelClearance,
    IntelligencePackage,
    IntelligenceReport,
    ReportGrading,
    SanitisedCopy,
    SuspiciousActivityReport,
    TriggerReport,
)
from socmap.orgs.models import Share
from socmap.threats.models import CrimeType, Status, Threat

from .conftest import ORIGINAL, clear

DAY = dt.timedelta(days=1)
CLEAN = "Subject COLE is storing cocaine at a lock-up behind the parade."


def _text(error) -> str:
    return error.summary()


# --------------------------------------------------------------------------- clearance


def test_an_administrator_clears_a_user_of_their_organisation(
    wiltshire_admin, uncleared_analyst, today
):
    clearance = services.grant_clearance(
        actor=wiltshire_admin,
        user=uncleared_analyst,
        level="secret",
        expires_on=today + 200 * DAY,
        reason="Joins the SOC intelligence unit",
        vetting="SC",
    )
    assert services.cleared_to(uncleared_analyst) == "secret"
    assert clearance.granted_by == wiltshire_admin
    assert AuditEvent.objects.filter(action="intel.clearance_granted").exists()


def test_a_new_clearance_replaces_the_old_one(wiltshire_admin, uncleared_analyst, today):
    first = clear(uncleared_analyst, admin=wiltshire_admin)
    clear(uncleared_analyst, "secret", admin=wiltshire_admin)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert (
        IntelClearance.objects.filter(user=uncleared_analyst, revoked_at__isnull=True).count() == 1
    )


def test_no_one_clears_themselves_and_only_administrators_clear(
    wiltshire_admin, wiltshire_analyst, uncleared_analyst, today
):
    with pytest.raises(PermissionDenied):
        clear(wiltshire_admin, admin=wiltshire_admin)
    with pytest.raises(PermissionDenied):
        clear(uncleared_analyst, admin=wiltshire_analyst)
    assert not IntelClearance.objects.exists()


def test_an_administrator_clears_no_one_outside_their_scope(wiltshire_admin, dorset_analyst):
    with pytest.raises(PermissionDenied):
        clear(dorset_analyst, admin=wiltshire_admin)


def test_partner_users_are_never_cleared(nca_admin, council_partner):
    with pytest.raises(InvalidInput) as refused:
        clear(council_partner, admin=nca_admin)
    assert "sanitised copies only" in _text(refused.value)


@pytest.mark.parametrize("days", [0, -1, 3700])
def test_a_clearance_needs_an_end_within_ten_years(wiltshire_admin, uncleared_analyst, today, days):
    with pytest.raises(InvalidInput):
        services.grant_clearance(
            actor=wiltshire_admin,
            user=uncleared_analyst,
            level="secret",
            expires_on=today + days * DAY,
            reason="x",
        )


def test_a_withdrawn_or_ended_clearance_reads_nothing(
    wiltshire_admin, uncleared_analyst, report, today
):
    made = report()
    clearance = clear(uncleared_analyst, admin=wiltshire_admin)
    assert services.may_read_original(uncleared_analyst, made)
    services.revoke_clearance(actor=wiltshire_admin, clearance=clearance, reason="Left the unit")
    assert not services.may_read_original(uncleared_analyst, made)
    with pytest.raises(InvalidInput):
        services.revoke_clearance(actor=wiltshire_admin, clearance=clearance, reason="Again")
    ended = clear(uncleared_analyst, admin=wiltshire_admin)
    IntelClearance.objects.filter(pk=ended.pk).update(expires_on=today - DAY)
    services.forget_clearance(uncleared_analyst)
    assert not services.may_read_original(uncleared_analyst, made)


# --------------------------------------------------------------------------- reports


def test_a_cleared_analyst_records_a_graded_report_linked_to_people_and_threats(
    cleared_analyst, report, nominal, map_threat_for
):
    threat = map_threat_for(cleared_analyst)
    made = report(nominals=[nominal], threats=[threat], source_identifying=["night shift"])
    assert made.grading_code == "2BC" and made.reference.startswith("INT-")
    assert list(made.nominals.all()) == [nominal] and list(made.threats.all()) == [threat]
    assert ReportGrading.objects.filter(report=made).count() == 1
    event = AuditEvent.objects.get(action="intel.report_recorded")
    assert "text" not in event.changes and "Red Lion" not in str(event.changes)


def test_handling_code_c_without_conditions_is_refused(report):
    with pytest.raises(InvalidInput) as refused:
        report(handling_conditions="")
    assert "handling_conditions" in refused.value.field_errors
    assert not IntelligenceReport.objects.exists()


def test_3x5x2_and_5x5x5_mixed_up_are_refused(report):
    with pytest.raises(InvalidInput) as refused:
        report(
            source_evaluation="A",
            intelligence_assessment="2",
            handling_code="P",
            handling_conditions="",
        )
    message = _text(refused.value)
    assert "'A' is a 5x5x5 source evaluation" in message
    assert "'2' is a 5x5x5 intelligence assessment" in message


def test_a_new_report_graded_5x5x5_is_refused_but_a_historic_one_accepted(report, today):
    with pytest.raises(InvalidInput) as refused:
        report(
            grading_system="5x5x5",
            source_evaluation="B",
            intelligence_assessment="2",
            handling_code="3",
            handling_conditions="",
        )
    assert "5x5x5 is for historic records" in _text(refused.value)
    old = report(
        grading_system="5x5x5",
        source_evaluation="B",
        intelligence_assessment="2",
        handling_code="3",
        handling_conditions="",
        reported_on=dt.date(2013, 5, 1),
    )
    assert old.grading_code == "B23"


def test_an_uncleared_analyst_cannot_record_intelligence(uncleared_analyst, report):
    with pytest.raises(PermissionDenied) as refused:
        report(actor=uncleared_analyst)
    assert "you need clearance" in str(refused.value)


def test_a_cleared_officer_records_nothing_above_their_clearance(report):
    with pytest.raises(PermissionDenied):
        report(classification="secret")


def test_a_partner_records_no_intelligence_report(council_partner, report):
    with pytest.raises(PermissionDenied):
        report(actor=council_partner)


def test_links_the_recorder_cannot_see_are_refused(report, dorset_analyst, map_threat_for):
    dorset_threat = map_threat_for(dorset_analyst, name="Dorset group")
    with pytest.raises(InvalidInput) as refused:
        report(threats=[dorset_threat])
    assert "no threat" in _text(refused.value)


def test_reading_the_original_is_for_cleared_users_and_is_recorded(
    report, cleared_analyst, uncleared_analyst, cleared_rocu, dorset_analyst, council_partner
):
    made = report()
    assert services.open_original(actor=cleared_analyst, report=made) == ORIGINAL
    assert services.open_original(actor=cleared_rocu, report=made) == ORIGINAL
    assert AuditEvent.objects.filter(action="intel.original_read").count() == 2
    with pytest.raises(PermissionDenied) as refused:
        services.open_original(actor=uncleared_analyst, report=made)
    assert "not cleared" in str(refused.value)
    for outsider in (dorset_analyst, council_partner):
        with pytest.raises(PermissionDenied):
            services.open_original(actor=outsider, report=made)


def test_clearance_must_cover_the_classification(report, uncleared_analyst, cleared_rocu):
    secret = report(
        classification="secret", actor=cleared_rocu, owner=uncleared_analyst.organisation
    )
    clear(uncleared_analyst, "official_sensitive")
    assert "your clearance is up to official-sensitive" in services.original_problem(
        uncleared_analyst, secret
    )


def test_a_report_is_regraded_and_its_history_kept(report, cleared_analyst):
    made = report()
    services.regrade_report(
        actor=cleared_analyst, report=made, source_evaluation="1", reason="Source now reliable"
    )
    made.refresh_from_db()
    assert made.grading_code == "1BC"
    assert [g.grading_code for g in made.gradings.all()] == ["2BC", "1BC"]
    with pytest.raises(InvalidInput) as unchanged:
        services.regrade_report(actor=cleared_analyst, report=made, reason="No change")
    assert "unchanged" in _text(unchanged.value)
    with pytest.raises(AppendOnlyError):
        made.gradings.first().save()


# --------------------------------------------------------------------------- sanitised copies


def test_a_sanitised_copy_that_still_identifies_the_source_is_refused(report, cleared_analyst):
    made = report(source_identifying=["lock-up behind the parade"])
    with pytest.raises(InvalidInput) as refused:
        services.sanitise_report(
            actor=cleared_analyst, report=made, text="Seen by someone at the Red Lion car wash."
        )
    assert "marked as source-identifying" in _text(refused.value)
    with pytest.raises(InvalidInput) as listed:
        services.sanitise_report(actor=cleared_analyst, report=made, text=CLEAN)
    assert "lock-up behind the parade" in _text(listed.value)
    assert not SanitisedCopy.objects.exists()
    copy = services.sanitise_report(
        actor=cleared_analyst, report=made, text="Subject COLE is storing cocaine in Chippenham."
    )
    assert copy.handling_conditions == made.handling_conditions


def test_a_copy_of_a_handling_code_c_report_carries_its_conditions(report, cleared_analyst):
    made = report()
    with pytest.raises(InvalidInput) as refused:
        services.sanitise_report(
            actor=cleared_analyst, report=made, text=CLEAN, handling_conditions=""
        )
    assert "carries its conditions" in _text(refused.value)


def test_only_someone_who_can_read_the_original_sanitises_it(report, uncleared_analyst):
    made = report()
    with pytest.raises(PermissionDenied):
        services.sanitise_report(actor=uncleared_analyst, report=made, text=CLEAN)


def test_a_partner_sees_only_the_copies_shared_with_it(report, cleared_analyst, council_partner):
    made = report()
    copy = services.sanitise_report(actor=cleared_analyst, report=made, text=CLEAN)
    other = services.sanitise_report(actor=cleared_analyst, report=made, text=CLEAN + " Again.")
    assert list(selectors.copies_for(council_partner)) == []
    share = services.share_copy(
        actor=cleared_analyst, copy=copy, organisation=council_partner.organisation
    )
    assert share.conditions == made.handling_conditions
    assert list(selectors.copies_for(council_partner)) == [copy]
    assert other not in selectors.copies_for(council_partner)
    assert list(selectors.reports_for(council_partner)) == []


def test_even_a_shared_original_stays_hidden_from_a_partner(
    report, cleared_analyst, council_partner
):
    made = report()
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(IntelligenceReport),
        object_id=made.pk,
        organisation=council_partner.organisation,
        shared_by=cleared_analyst,
    )
    assert list(selectors.reports_for(council_partner)) == []
    with pytest.raises(PermissionDenied):
        services.open_original(actor=council_partner, report=made)


def test_a_legacy_report_handled_within_the_agency_only_is_not_shared_with_partners(
    report, cleared_analyst, council_partner, org
):
    old = report(
        grading_system="5x5x5",
        source_evaluation="B",
        intelligence_assessment="2",
        handling_code="4",
        handling_conditions="",
        reported_on=dt.date(2012, 3, 1),
    )
    copy = services.sanitise_report(actor=cleared_analyst, report=old, text=CLEAN)
    with pytest.raises(InvalidInput) as refused:
        services.share_copy(
            actor=cleared_analyst, copy=copy, organisation=council_partner.organisation
        )
    assert "may not go to a partner agency" in _text(refused.value)
    services.share_copy(actor=cleared_analyst, copy=copy, organisation=org("SWROCU"))


def test_a_secret_copy_does_not_go_to_a_partner(report, cleared_rocu, council_partner):
    made = report(classification="secret", actor=cleared_rocu)
    copy = services.sanitise_report(actor=cleared_rocu, report=made, text=CLEAN)
    with pytest.raises(InvalidInput) as refused:
        services.share_copy(
            actor=cleared_rocu, copy=copy, organisation=council_partner.organisation
        )
    assert "up to OFFICIAL-SENSITIVE" in _text(refused.value)


def test_only_the_holder_shares_a_copy(report, cleared_analyst, dorset_analyst, council_partner):
    copy = services.sanitise_report(actor=cleared_analyst, report=report(), text=CLEAN)
    services.share_copy(actor=cleared_analyst, copy=copy, organisation=dorset_analyst.organisation)
    with pytest.raises(PermissionDenied):
        services.share_copy(
            actor=dorset_analyst, copy=copy, organisation=council_partner.organisation
        )


# --------------------------------------------------------------------------- trigger reports


def test_a_force_sends_a_trigger_report_to_its_rocu_and_sees_it(wiltshire_analyst, org):
    trigger = services.submit_trigger_report(
        actor=wiltshire_analyst,
        title="New supply line into Trowbridge",
        summary="Three teenagers seen dealing; phone number linked to a London line.",
        suggested_kind="ocg",
        crime_type=CrimeType.objects.get(code="drugs"),
    )
    assert trigger.owner == org("SWROCU")
    assert trigger in selectors.triggers_for(wiltshire_analyst)
    assert not selectors.may_assess(wiltshire_analyst, trigger)


def test_a_partner_sends_a_trigger_report_and_sees_the_decision(council_partner, swrocu_officer):
    trigger = services.submit_trigger_report(
        actor=council_partner,
        title="Cuckooed flats on the Broadway estate",
        summary="Tenants report strangers dealing from two flats.",
        people_named="A man called 'Dee'",
    )
    assert trigger.owner.short_name == "SWROCU"
    services.decline_trigger_report(
        actor=swrocu_officer,
        trigger=trigger,
        reason="refer_force",
        note="Passed to Wiltshire's neighbourhood team.",
    )
    seen = selectors.trigger_detail(council_partner, trigger.pk)
    assert seen.status == "declined" and "neighbourhood team" in seen.decision_note


def test_a_trigger_report_is_declined_only_with_a_reason(council_partner, swrocu_officer):
    trigger = services.submit_trigger_report(actor=council_partner, title="x", summary="y")
    with pytest.raises(InvalidInput) as refused:
        services.decline_trigger_report(
            actor=swrocu_officer, trigger=trigger, reason="insufficient", note="  "
        )
    assert "Write the reason" in _text(refused.value)
    with pytest.raises(InvalidInput):
        services.decline_trigger_report(
            actor=swrocu_officer, trigger=trigger, reason="bored", note="Because"
        )
    trigger.refresh_from_db()
    assert trigger.status == "received"


def test_a_trigger_report_becomes_a_new_threat_under_assessment(wiltshire_analyst, swrocu_officer):
    trigger = services.submit_trigger_report(
        actor=wiltshire_analyst,
        title="Trowbridge line",
        summary="Dealing near the station.",
        suggested_kind="ocg",
        crime_type=CrimeType.objects.get(code="drugs"),
    )
    threat = services.accept_trigger_as_new_threat(actor=swrocu_officer, trigger=trigger)
    assert threat.status == Status.UNDER_ASSESSMENT and threat.owner == trigger.owner
    assert [c.to_status for c in threat.status_changes.all()] == [
        "trigger_report",
        "under_assessment",
    ]
    trigger.refresh_from_db()
    assert trigger.status == "accepted_new" and trigger.threat == threat
    with pytest.raises(InvalidInput):
        services.decline_trigger_report(
            actor=swrocu_officer, trigger=trigger, reason="other", note="Too late"
        )


def test_accepting_into_an_active_threat_asks_for_reassessment(
    wiltshire_analyst, swrocu_officer, map_threat_for
):
    threat = map_threat_for(swrocu_officer, adopt=True)
    trigger = services.submit_trigger_report(actor=wiltshire_analyst, title="More", summary="Info")
    services.accept_trigger_into_threat(actor=swrocu_officer, trigger=trigger, threat=threat)
    threat.refresh_from_db()
    assert threat.reassessment_requested and trigger.reference in threat.reassessment_reason


def test_the_sender_cannot_decide_its_own_trigger_report(wiltshire_analyst):
    trigger = services.submit_trigger_report(actor=wiltshire_analyst, title="x", summary="y")
    with pytest.raises(PermissionDenied):
        services.decline_trigger_report(
            actor=wiltshire_analyst, trigger=trigger, reason="other", note="z"
        )


def test_a_trigger_report_needs_a_title_and_summary(wiltshire_analyst):
    with pytest.raises(InvalidInput) as refused:
        services.submit_trigger_report(actor=wiltshire_analyst, title="", summary="")
    assert set(refused.value.field_errors) == {"title", "summary"}
    assert not TriggerReport.objects.exists()


def test_an_inspector_sends_no_trigger_report(inspector):
    with pytest.raises(PermissionDenied):
        services.submit_trigger_report(actor=inspector, title="x", summary="y")


# --------------------------------------------------------------------------- SARs and ACRO


def test_sars_are_triaged_and_packaged(wiltshire_analyst, today):
    sars = [
        services.record_sar(
            actor=wiltshire_analyst,
            reference=f"SAR-{n}",
            received_on=today - 10 * DAY,
            reporter_sector="bank",
            amount="9,500",
        )
        for n in range(3)
    ]
    with pytest.raises(InvalidInput) as duplicate:
        services.record_sar(
            actor=wiltshire_analyst, reference="SAR-0", received_on=today, reporter_sector="bank"
        )
    assert "already recorded" in _text(duplicate.value)
    services.triage_sar(actor=wiltshire_analyst, sar=sars[0], outcome="no_further_action")
    package = services.create_package(
        actor=wiltshire_analyst,
        sars=sars[1:],
        produced_on=today,
        summary="Structured deposits",
        forwarded_to="FI",
    )
    assert package.sars.count() == 2
    with pytest.raises(InvalidInput) as again:
        services.create_package(
            actor=wiltshire_analyst, sars=sars[1:2], produced_on=today, summary="Again"
        )
    assert "already in" in _text(again.value)
    with pytest.raises(InvalidInput) as early:
        services.create_package(
            actor=wiltshire_analyst, sars=sars[:1], produced_on=today - 20 * DAY, summary="Early"
        )
    assert "cannot be before the latest of its SARs" in _text(early.value)
    found = selectors.measures(wiltshire_analyst)
    row = next(r for r in found.rows if r.name == "Wiltshire")
    assert (row.sars_received, row.sars_triaged, row.packages) == (3, 3, 1)
    assert str(row.packages_per_100_sars) == "33.3"


def test_a_sar_triage_must_be_an_outcome_and_after_receipt(wiltshire_analyst, today):
    sar = services.record_sar(
        actor=wiltshire_analyst, reference="S1", received_on=today, reporter_sector="bank"
    )
    with pytest.raises(InvalidInput):
        services.triage_sar(actor=wiltshire_analyst, sar=sar, outcome="package")
    with pytest.raises(InvalidInput):
        services.triage_sar(
            actor=wiltshire_analyst, sar=sar, outcome="intelligence", triaged_on=today - DAY
        )


def test_an_acro_check_is_for_a_foreign_national(wiltshire_analyst, nominal, today, person_factory):
    british = person_factory(foreign_national=False)
    with pytest.raises(InvalidInput) as refused:
        services.record_arrest(
            actor=wiltshire_analyst,
            arrested_on=today,
            custody_reference="C1",
            nationality="Polish",
            nominal=british,
        )
    assert "not flagged as a foreign national" in _text(refused.value)
    with pytest.raises(InvalidInput) as uk:
        services.record_arrest(
            actor=wiltshire_analyst,
            arrested_on=today,
            custody_reference="C2",
            nationality="British",
        )
    assert "not a foreign national" in _text(uk.value)
    arrest = services.record_arrest(
        actor=wiltshire_analyst,
        arrested_on=today - 2 * DAY,
        custody_reference="C3",
        nationality="Albanian",
        nominal=nominal,
    )
    with pytest.raises(InvalidInput):
        services.record_acro_check(
            actor=wiltshire_analyst,
            arrest=arrest,
            result="no_trace",
            requested_on=today - 3 * DAY,
            answered_on=today,
        )
    services.record_acro_check(
        actor=wiltshire_analyst,
        arrest=arrest,
        result="convictions",
        requested_on=today - DAY,
        answered_on=today,
    )
    arrest.refresh_from_db()
    assert arrest.checked and arrest.acro_result == "convictions"


# --------------------------------------------------------------------------- imports


def _report_row(**overrides) -> dict:
    row = {
        "reported_on": "2025-11-02",
        "source_type": "public",
        "grading_system": "3x5x2",
        "source_evaluation": "2",
        "intelligence_assessment": "C",
        "handling_code": "P",
        "classification": "OFFICIAL-SENSITIVE",
        "text": "Cannabis grow at a farm unit.",
    }
    row.update(overrides)
    return row


def test_an_intelligence_import_is_all_rows_or_none(cleared_analyst):
    rows = [
        _report_row(),
        _report_row(handling_code="C", reported_on="2025-11-03"),
        _report_row(source_evaluation="A", reported_on="tomorrow"),
    ]
    with pytest.raises(ImportRejected) as rejected:
        services.import_reports(actor=cleared_analyst, rows=rows)
    lines = {(e.line, e.column) for e in rejected.value.row_errors}
    assert (3, "handling_conditions") in lines
    assert (4, "source_evaluation") in lines and (4, "reported_on") in lines
    assert not IntelligenceReport.objects.exists()
    result = services.import_reports(actor=cleared_analyst, rows=rows[:1])
    assert (
        result.rows == 1 and IntelligenceReport.objects.get().classification == "official_sensitive"
    )


def test_an_import_with_an_unknown_column_is_refused(cleared_analyst):
    with pytest.raises(ImportRejected) as rejected:
        services.import_reports(actor=cleared_analyst, rows=[{**_report_row(), "colour": "red"}])
    assert "Unknown column 'colour'" in str(rejected.value.row_errors[0])


def test_a_checked_import_saves_nothing(wiltshire_analyst):
    result = services.import_sars(
        actor=wiltshire_analyst,
        rows=[{"reference": "X1", "received_on": "2025-10-01", "reporter_sector": "bank"}],
        dry_run=True,
    )
    assert result.rows == 1 and result.dry_run
    assert not SuspiciousActivityReport.objects.exists()


def test_sar_and_arrest_imports_refuse_repeated_references(wiltshire_analyst):
    with pytest.raises(ImportRejected) as rejected:
        services.import_sars(
            actor=wiltshire_analyst,
            rows=[
                {"reference": "X1", "received_on": "2025-10-01", "reporter_sector": "bank"},
                {"reference": "X1", "received_on": "2025-10-02", "reporter_sector": "bank"},
            ],
        )
    assert "already given on line 2" in str(rejected.value.row_errors[0])
    with pytest.raises(ImportRejected):
        services.import_arrests(
            actor=wiltshire_analyst,
            rows=[
                {
                    "custody_reference": "A1",
                    "arrested_on": "2025-10-01",
                    "nationality": "Polish",
                    "acro_result": "requested",
                },
            ],
        )
    assert not ForeignNationalArrest.objects.exists()
    assert not IntelligencePackage.objects.exists() and not Threat.objects.exists()
