"""Recording a disruption, grading it, submitting it, and its independent validation, return
and regrading, through the service functions the pages, the API and the commands share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from socmap.audit.models import AuditEvent
from socmap.disruptions import services
from socmap.disruptions.models import (
    AppendOnlyError,
    Disruption,
    DisruptionStep,
    StepAction,
)
from socmap.disruptions.rules import DisruptionStatus
from socmap.errors import InvalidInput
from socmap.orgs.services import share_record
from socmap.people.services import record_nominal
from socmap.threats.models import ArchiveReason, Status
from socmap.threats.services import change_status

from .conftest import days_ago

pytestmark = pytest.mark.django_db


def actions(disruption) -> list[str]:
    return list(disruption.steps.order_by("at", "id").values_list("action", flat=True))


# --------------------------------------------------------------------------- recording


def test_an_analyst_records_a_draft_against_a_threat_and_its_people(
    record, wiltshire_analyst, wiltshire_threat, member
):
    # When the Wiltshire analyst records an arrest of a member, not yet graded
    disruption = record(
        wiltshire_analyst,
        [wiltshire_threat],
        nominals=[member],
        grade="",
        rationale="",
        operation_name=" Kestrel ",
        narrative="Warrant at a trap house.",
        evidence="CR/2026/01234\nhttps://evidence.example/exhibit/7",
    )

    # Then it is a draft owned by Wiltshire, acted by Wiltshire, with its people and evidence
    assert disruption.status == DisruptionStatus.DRAFT
    assert disruption.owner == wiltshire_analyst.organisation
    assert disruption.acting_organisation == wiltshire_analyst.organisation
    assert list(disruption.threats.all()) == [wiltshire_threat]
    assert list(disruption.nominals.all()) == [member]
    assert disruption.arrests == 2 and disruption.drugs_kg is None
    assert disruption.operation_name == "Kestrel"
    assert disruption.evidence == ["CR/2026/01234", "https://evidence.example/exhibit/7"]
    assert disruption.reference == f"DIS-{disruption.pk:06d}"
    # And its history and the audit trail say so
    assert actions(disruption) == [StepAction.RECORDED]
    event = AuditEvent.objects.get(action="disruption.recorded")
    assert event.actor == wiltshire_analyst
    assert event.changes["threats"] == [wiltshire_threat.reference]


def test_a_partner_agency_can_be_the_acting_organisation(
    record, wiltshire_analyst, wiltshire_threat, wiltshire_council, tactic
):
    disruption = record(
        wiltshire_analyst,
        [wiltshire_threat],
        acting_organisation=wiltshire_council,
        category="prepare",
        tactic=tactic("licensing"),
        quantities={},
    )
    assert disruption.acting_organisation == wiltshire_council
    assert disruption.owner.name == "Wiltshire"


def test_recording_and_submitting_in_one_step(submitted):
    assert submitted.status == DisruptionStatus.SUBMITTED
    assert submitted.submitted_by == submitted.recorded_by
    assert submitted.submitted_at is not None
    assert actions(submitted) == [StepAction.RECORDED, StepAction.SUBMITTED]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"threats": []}, "threats", "Say which threat"),
        ({"occurred_on": days_ago(-2)}, "occurred_on", "cannot be in the future"),
        ({"grade": "major", "rationale": ""}, "rationale", "Give the rationale"),
        ({"category": "protect"}, "tactic", "Arrest is a Pursue tactic"),
        ({"quantities": {"arrests": 1, "cash": "500"}}, "cash", "does not apply to Arrest"),
        ({"quantities": {"arrests": "-2"}}, "arrests", "Cannot be negative."),
    ],
)
def test_bad_claims_are_refused_with_a_message_and_nothing_is_saved(
    record, wiltshire_analyst, wiltshire_threat, changes, field, message
):
    threats = changes.pop("threats", [wiltshire_threat])
    with pytest.raises(InvalidInput) as refused:
        record(wiltshire_analyst, threats, **changes)
    assert message in " ".join(refused.value.field_errors[field])
    assert not Disruption.objects.exists()
    assert not DisruptionStep.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="disruption.").exists()


def test_a_claim_submitted_without_a_grade_is_refused(record, wiltshire_analyst, wiltshire_threat):
    with pytest.raises(InvalidInput) as refused:
        record(wiltshire_analyst, [wiltshire_threat], grade="", rationale="", submit=True)
    assert "before submitting it for validation" in refused.value.field_errors["grade"][0]
    assert not Disruption.objects.exists()


def test_a_threat_the_analyst_cannot_see_is_refused_as_if_it_did_not_exist(
    record, wiltshire_analyst, dorset_threat
):
    with pytest.raises(InvalidInput) as refused:
        record(wiltshire_analyst, [dorset_threat])
    assert refused.value.field_errors["threats"] == [
        f"There is no threat {dorset_threat.reference} that you can see."
    ]


def test_a_person_the_analyst_cannot_see_is_refused(
    record, wiltshire_analyst, wiltshire_threat, dorset_analyst
):
    stranger = record_nominal(actor=dorset_analyst, surname="Moor", forenames="Kit")
    with pytest.raises(InvalidInput) as refused:
        record(wiltshire_analyst, [wiltshire_threat], nominals=[stranger])
    assert "There is no person with id" in refused.value.field_errors["nominals"][0]


def test_a_disruption_after_the_threat_was_archived_is_refused(
    record, wiltshire_analyst, wiltshire_threat
):
    change_status(
        actor=wiltshire_analyst,
        threat=wiltshire_threat,
        to_status=Status.ARCHIVED,
        archive_reason=ArchiveReason.DISMANTLED,
        reason="Principals convicted",
    )
    type(wiltshire_threat).objects.filter(pk=wiltshire_threat.pk).update(
        archived_at=timezone.now() - dt.timedelta(days=10)
    )
    with pytest.raises(InvalidInput) as refused:
        record(wiltshire_analyst, [wiltshire_threat], occurred_on=days_ago(3))
    assert "was archived on" in refused.value.field_errors["threats"][0]
    # ...but a disruption before the archiving may still be recorded
    assert record(wiltshire_analyst, [wiltshire_threat], occurred_on=days_ago(40)).pk


@pytest.mark.parametrize("persona", ["wiltshire_validator", "inspector", "council_partner"])
def test_only_analysts_and_lros_record_disruptions(request, record, wiltshire_threat, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        record(user, [wiltshire_threat])
    assert not Disruption.objects.exists()


def test_an_lro_records_a_disruption(make_user, org, record, wiltshire_threat):
    lro = make_user(org("Wiltshire"), "lro")
    assert record(lro, [wiltshire_threat]).owner == org("Wiltshire")


def test_the_rocu_records_for_a_force_of_its_region_but_a_force_not_for_another(
    record, swrocu_officer, wiltshire_analyst, wiltshire_threat, org
):
    # The South West ROCU records a claim that Wiltshire answers for
    disruption = record(swrocu_officer, [wiltshire_threat], owner=org("Wiltshire"))
    assert disruption.owner == org("Wiltshire")
    # By default the ROCU records for itself
    assert record(swrocu_officer, [wiltshire_threat]).owner == org("SWROCU")
    # A Wiltshire analyst may not record for Dorset
    with pytest.raises(PermissionDenied, match="Dorset"):
        record(wiltshire_analyst, [wiltshire_threat], owner=org("Dorset"))


def test_the_nca_records_its_own_disruption_against_a_force_threat(
    record, nca_officer, wiltshire_threat, org
):
    disruption = record(nca_officer, [wiltshire_threat])
    assert disruption.owner == org("NCA")


def test_a_partner_cannot_own_a_disruption(
    record, wiltshire_analyst, wiltshire_threat, wiltshire_council
):
    with pytest.raises(InvalidInput) as refused:
        record(wiltshire_analyst, [wiltshire_threat], owner=wiltshire_council)
    assert "force, a ROCU or a national agency" in refused.value.field_errors["owner"][0]


# --------------------------------------------------------------------------- changing


def test_a_draft_is_changed_and_graded_with_each_step_kept(
    record, wiltshire_analyst, wiltshire_threat, tactic
):
    draft = record(wiltshire_analyst, [wiltshire_threat], grade="", rationale="")
    services.update_disruption(
        actor=wiltshire_analyst,
        disruption=draft,
        reason="Custody records arrived",
        quantities={"arrests": 3},
        grade="major",
        rationale="Principal remanded.",
    )
    draft.refresh_from_db()
    assert (draft.arrests, draft.grade, draft.grade_rationale) == (
        3,
        "major",
        "Principal remanded.",
    )
    changed, graded = draft.steps.order_by("id")[1:]
    assert changed.action == StepAction.CHANGED and changed.changes["arrests"] == ["2", "3"]
    assert changed.note == "Custody records arrived"
    assert (graded.action, graded.grade, graded.rationale) == (
        StepAction.GRADED,
        "major",
        "Principal remanded.",
    )
    assert AuditEvent.objects.filter(action="disruption.changed").count() == 1


def test_changing_and_submitting_together_is_all_or_nothing(
    record, wiltshire_analyst, wiltshire_threat
):
    draft = record(wiltshire_analyst, [wiltshire_threat], grade="", rationale="")
    # When the claim is changed and submitted without a grade
    with pytest.raises(InvalidInput):
        services.update_disruption(
            actor=wiltshire_analyst, disruption=draft, operation_name="Heron", submit=True
        )
    # Then not even the change is kept
    draft.refresh_from_db()
    assert (draft.operation_name, draft.status) == ("", DisruptionStatus.DRAFT)
    assert actions(draft) == [StepAction.RECORDED]
    # And with a grade both happen
    services.update_disruption(
        actor=wiltshire_analyst,
        disruption=draft,
        operation_name="Heron",
        grade="minor",
        rationale="One runner arrested.",
        submit=True,
    )
    draft.refresh_from_db()
    assert draft.status == DisruptionStatus.SUBMITTED
    assert actions(draft)[-1] == StepAction.SUBMITTED


def test_a_submitted_claim_cannot_be_changed(submitted, wiltshire_analyst):
    with pytest.raises(InvalidInput) as refused:
        services.update_disruption(actor=wiltshire_analyst, disruption=submitted, narrative="x")
    assert "only a disruption that is draft or returned" in refused.value.summary()


def test_unknown_changes_are_refused(record, wiltshire_analyst, wiltshire_threat):
    draft = record(wiltshire_analyst, [wiltshire_threat])
    with pytest.raises(InvalidInput) as refused:
        services.update_disruption(actor=wiltshire_analyst, disruption=draft, status="validated")
    assert set(refused.value.field_errors) == {"status"}


def test_changing_a_claim_to_break_a_rule_is_refused(record, wiltshire_analyst, wiltshire_threat):
    draft = record(wiltshire_analyst, [wiltshire_threat])
    with pytest.raises(InvalidInput):
        services.update_disruption(actor=wiltshire_analyst, disruption=draft, threats=[])
    with pytest.raises(InvalidInput):
        services.update_disruption(
            actor=wiltshire_analyst, disruption=draft, occurred_on=days_ago(-3)
        )
    assert list(draft.threats.all()) == [wiltshire_threat]


def test_another_forces_analyst_cannot_change_a_claim_shared_with_it(
    record, wiltshire_analyst, wiltshire_threat, dorset_analyst, org
):
    draft = record(wiltshire_analyst, [wiltshire_threat])
    share_record(actor=wiltshire_analyst, record=draft, organisation=org("Dorset"))
    with pytest.raises(PermissionDenied, match="Wiltshire recorded"):
        services.update_disruption(actor=dorset_analyst, disruption=draft, narrative="x")
    with pytest.raises(PermissionDenied):
        services.submit_disruption(actor=dorset_analyst, disruption=draft)


# --------------------------------------------------------------------------- validation


def test_a_validator_agrees_the_claimed_grade(submitted, wiltshire_validator):
    disruption = services.validate_disruption(
        actor=wiltshire_validator, disruption=submitted, note="Custody record checked."
    )
    disruption.refresh_from_db()
    assert disruption.status == DisruptionStatus.VALIDATED
    assert disruption.validated_by == wiltshire_validator and disruption.validated_at
    assert disruption.grade == "moderate"
    assert actions(disruption) == [
        StepAction.RECORDED,
        StepAction.SUBMITTED,
        StepAction.VALIDATED,
    ]
    step = disruption.steps.get(action=StepAction.VALIDATED)
    assert (step.by, step.note) == (wiltshire_validator, "Custody record checked.")
    assert AuditEvent.objects.filter(action="disruption.validated", actor=wiltshire_validator)


def test_a_validator_who_changes_the_grade_must_say_why(submitted, wiltshire_validator):
    with pytest.raises(InvalidInput) as refused:
        services.validate_disruption(actor=wiltshire_validator, disruption=submitted, grade="minor")
    assert refused.value.field_errors == {"rationale": ["Give the rationale for the new grade."]}
    submitted.refresh_from_db()
    assert submitted.status == DisruptionStatus.SUBMITTED

    services.validate_disruption(
        actor=wiltshire_validator,
        disruption=submitted,
        grade="minor",
        rationale="Both released under investigation within a day.",
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.grade) == (DisruptionStatus.VALIDATED, "minor")
    regraded = submitted.steps.get(action=StepAction.REGRADED)
    assert regraded.changes == {"grade": ["moderate", "minor"]}
    # the claimant's grade is still in the history
    assert [s.grade for s in services_gradings(submitted)] == ["moderate", "minor"]


def services_gradings(disruption):
    from socmap.disruptions.selectors import gradings

    return gradings(None, disruption)


def test_the_claimant_cannot_validate_their_own_claim(make_user, org, record, wiltshire_threat):
    # Given an analyst who also holds the Validator role records and submits a claim
    both = make_user(org("Wiltshire"), "analyst", "validator")
    claim = record(both, [wiltshire_threat], submit=True)
    # When they try to validate it
    with pytest.raises(PermissionDenied, match="someone else must validate it"):
        services.validate_disruption(actor=both, disruption=claim)
    with pytest.raises(PermissionDenied):
        services.return_disruption(actor=both, disruption=claim, reasons="Mine")
    claim.refresh_from_db()
    assert claim.status == DisruptionStatus.SUBMITTED


def test_whoever_changed_the_claim_cannot_validate_it_either(
    make_user, org, record, wiltshire_threat, wiltshire_analyst
):
    editor = make_user(org("Wiltshire"), "analyst", "validator")
    claim = record(wiltshire_analyst, [wiltshire_threat])
    services.update_disruption(actor=editor, disruption=claim, narrative="Added the custody note.")
    services.submit_disruption(actor=wiltshire_analyst, disruption=claim)
    assert services.validation_problem(editor, claim).startswith("You made or changed")
    with pytest.raises(PermissionDenied):
        services.validate_disruption(actor=editor, disruption=claim)


def test_a_validator_from_the_claimants_team_is_refused_when_the_force_requires_another_team(
    org, record, wiltshire_threat, wiltshire_analyst, wiltshire_validator, team
):
    # Given Wiltshire requires a separate validation team
    wiltshire = org("Wiltshire")
    wiltshire.separate_validation_team = True
    wiltshire.save()
    team(wiltshire_analyst, "SOC Intelligence Unit")
    team(wiltshire_validator, "SOC Intelligence Unit")
    claim = record(wiltshire_analyst, [wiltshire_threat], submit=True)
    # When a validator from the analyst's own team validates
    with pytest.raises(PermissionDenied, match="separate team"):
        services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    # Then a validator of the validation team may
    team(wiltshire_validator, "Disruption Validation Team")
    claim.refresh_from_db()
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    claim.refresh_from_db()
    assert claim.status == DisruptionStatus.VALIDATED


def test_a_colleague_from_the_same_team_may_validate_where_the_force_does_not_require_another(
    org, record, wiltshire_threat, wiltshire_analyst, wiltshire_validator, team
):
    assert org("Wiltshire").separate_validation_team is False
    team(wiltshire_analyst, "SOC Intelligence Unit")
    team(wiltshire_validator, "SOC Intelligence Unit")
    claim = record(wiltshire_analyst, [wiltshire_threat], submit=True)
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    assert Disruption.objects.get(pk=claim.pk).status == DisruptionStatus.VALIDATED


def test_an_analyst_cannot_validate(submitted, make_user, org):
    other = make_user(org("Wiltshire"), "analyst")
    with pytest.raises(PermissionDenied, match="Validator role"):
        services.validate_disruption(actor=other, disruption=submitted)


def test_a_validator_of_another_force_cannot_validate_a_claim_shared_with_it(
    submitted, make_user, org, wiltshire_analyst
):
    dorset_validator = make_user(org("Dorset"), "validator")
    share_record(actor=wiltshire_analyst, record=submitted, organisation=org("Dorset"))
    assert "its own validators" in services.validation_problem(dorset_validator, submitted)
    with pytest.raises(PermissionDenied):
        services.validate_disruption(actor=dorset_validator, disruption=submitted)


def test_a_regional_validator_may_validate_a_force_claim(submitted, make_user, org):
    rocu_validator = make_user(org("SWROCU"), "validator")
    services.validate_disruption(actor=rocu_validator, disruption=submitted)
    assert Disruption.objects.get(pk=submitted.pk).validated_by == rocu_validator


def test_only_a_submitted_claim_can_be_validated(
    record, wiltshire_analyst, wiltshire_threat, wiltshire_validator
):
    draft = record(wiltshire_analyst, [wiltshire_threat])
    with pytest.raises(InvalidInput, match="is draft: only a disruption that is submitted"):
        services.validate_disruption(actor=wiltshire_validator, disruption=draft)


# --------------------------------------------------------------------------- return


def test_a_returned_claim_is_corrected_and_submitted_again_with_every_step_kept(
    submitted, wiltshire_validator, wiltshire_analyst
):
    # When the validator returns the claim with reasons
    services.return_disruption(
        actor=wiltshire_validator,
        disruption=submitted,
        reasons="Attach the custody record; one arrest was not linked to the group.",
    )
    submitted.refresh_from_db()
    assert submitted.status == DisruptionStatus.RETURNED
    returned = submitted.steps.get(action=StepAction.RETURNED)
    assert returned.note.startswith("Attach the custody record")
    assert AuditEvent.objects.get(action="disruption.returned").reason == returned.note

    # And the claimant corrects, regrades and submits it again
    services.update_disruption(
        actor=wiltshire_analyst,
        disruption=submitted,
        quantities={"arrests": 1},
        evidence=["CR/2026/9"],
        grade="minor",
        rationale="One member arrested and bailed.",
        submit=True,
    )
    # Then the same validator validates it
    services.validate_disruption(actor=wiltshire_validator, disruption=submitted)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.grade, submitted.arrests) == ("validated", "minor", 1)
    assert actions(submitted) == [
        StepAction.RECORDED,
        StepAction.SUBMITTED,
        StepAction.RETURNED,
        StepAction.CHANGED,
        StepAction.GRADED,
        StepAction.SUBMITTED,
        StepAction.VALIDATED,
    ]


def test_a_claim_cannot_be_returned_without_reasons(submitted, wiltshire_validator):
    with pytest.raises(InvalidInput) as refused:
        services.return_disruption(actor=wiltshire_validator, disruption=submitted, reasons="  ")
    assert "Say why the claim is returned" in refused.value.field_errors["reasons"][0]
    submitted.refresh_from_db()
    assert submitted.status == DisruptionStatus.SUBMITTED


# --------------------------------------------------------------------------- regrade


def test_regrading_appends_to_the_history_and_keeps_the_old_grade(validated, make_user, org):
    other_validator = make_user(org("Wiltshire"), "validator")
    services.regrade_disruption(
        actor=other_validator,
        disruption=validated,
        grade="major",
        rationale="All three convicted; 14 years in total.",
    )
    validated.refresh_from_db()
    assert (validated.grade, validated.status) == ("major", DisruptionStatus.VALIDATED)
    assert validated.grade_rationale == "All three convicted; 14 years in total."
    assert actions(validated)[-1] == StepAction.REGRADED
    assert [s.grade for s in services_gradings(validated)] == ["moderate", "major"]
    assert AuditEvent.objects.get(action="disruption.regraded").changes["grade"] == [
        "moderate",
        "major",
    ]


@pytest.mark.parametrize(
    ("grade", "rationale", "field"),
    [("moderate", "Same again", "grade"), ("major", "", "rationale"), ("vast", "x", "grade")],
)
def test_a_regrade_needs_a_new_grade_and_its_rationale(
    validated, wiltshire_validator, grade, rationale, field
):
    with pytest.raises(InvalidInput) as refused:
        services.regrade_disruption(
            actor=wiltshire_validator, disruption=validated, grade=grade, rationale=rationale
        )
    assert field in refused.value.field_errors
    validated.refresh_from_db()
    assert validated.grade == "moderate"


def test_only_a_validated_disruption_is_regraded(submitted, wiltshire_validator):
    with pytest.raises(InvalidInput, match="only a disruption that is validated"):
        services.regrade_disruption(
            actor=wiltshire_validator, disruption=submitted, grade="major", rationale="x"
        )


# --------------------------------------------------------------------------- re-assessment


@pytest.mark.parametrize("grade", ["major", "moderate"])
def test_a_validated_major_or_moderate_disruption_flags_its_threat_for_reassessment(
    record, wiltshire_analyst, wiltshire_threat, wiltshire_validator, grade
):
    assert not wiltshire_threat.reassessment_requested
    claim = record(wiltshire_analyst, [wiltshire_threat], grade=grade, submit=True)
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    wiltshire_threat.refresh_from_db()
    assert wiltshire_threat.reassessment_requested
    assert claim.reference in wiltshire_threat.reassessment_reason
    assert f"Validated {grade} disruption" in wiltshire_threat.reassessment_reason
    step = claim.steps.get(action=StepAction.VALIDATED)
    assert step.changes == {"reassessment_requested": [wiltshire_threat.reference]}
    assert AuditEvent.objects.filter(action="threat.reassessment_requested").count() == 1


def test_the_flag_shows_on_the_scoring_reassessment_list(
    record, wiltshire_analyst, wiltshire_threat, wiltshire_validator
):
    from socmap.scoring.selectors import overdue_reassessments

    claim = record(wiltshire_analyst, [wiltshire_threat], grade="major", submit=True)
    assert wiltshire_threat not in overdue_reassessments(wiltshire_analyst)
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    assert wiltshire_threat in list(overdue_reassessments(wiltshire_analyst))


@pytest.mark.parametrize("grade", ["minor", "none", "negative"])
def test_a_lesser_grade_does_not_flag_the_threat(
    record, wiltshire_analyst, wiltshire_threat, wiltshire_validator, grade
):
    claim = record(wiltshire_analyst, [wiltshire_threat], grade=grade, submit=True)
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    wiltshire_threat.refresh_from_db()
    assert not wiltshire_threat.reassessment_requested


def test_a_submitted_major_claim_does_not_flag_until_it_is_validated(
    record, wiltshire_analyst, wiltshire_threat
):
    record(wiltshire_analyst, [wiltshire_threat], grade="major", submit=True)
    wiltshire_threat.refresh_from_db()
    assert not wiltshire_threat.reassessment_requested


def test_a_threat_assessed_after_the_disruption_is_not_flagged_again(
    record, wiltshire_analyst, wiltshire_threat, wiltshire_validator
):
    # The disruption was 40 days ago; the threat was assessed 30 days ago (after it)
    claim = record(
        wiltshire_analyst, [wiltshire_threat], grade="major", occurred_on=days_ago(40), submit=True
    )
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    wiltshire_threat.refresh_from_db()
    assert not wiltshire_threat.reassessment_requested


def test_every_threat_a_disruption_acted_on_is_flagged(
    record, make_threat, wiltshire_analyst, wiltshire_threat, wiltshire_validator
):
    other = make_threat(wiltshire_analyst, "Westlea crew")
    claim = record(wiltshire_analyst, [wiltshire_threat, other], grade="major", submit=True)
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    for threat in (wiltshire_threat, other):
        threat.refresh_from_db()
        assert threat.reassessment_requested


def test_regrading_a_minor_disruption_to_major_flags_its_threat(
    record, wiltshire_analyst, wiltshire_threat, wiltshire_validator, make_user, org
):
    claim = record(wiltshire_analyst, [wiltshire_threat], grade="minor", submit=True)
    services.validate_disruption(actor=wiltshire_validator, disruption=claim)
    services.regrade_disruption(
        actor=make_user(org("Wiltshire"), "validator"),
        disruption=claim,
        grade="major",
        rationale="Convicted: the principal got nine years.",
    )
    wiltshire_threat.refresh_from_db()
    assert wiltshire_threat.reassessment_requested


# --------------------------------------------------------------------------- history


def test_the_history_cannot_be_changed_or_deleted(validated):
    step = validated.steps.first()
    step.note = "Rewritten"
    with pytest.raises(AppendOnlyError):
        step.save()
    with pytest.raises(AppendOnlyError):
        step.delete()
    with pytest.raises(AppendOnlyError):
        DisruptionStep.objects.filter(disruption=validated).update(note="x")
    with pytest.raises(AppendOnlyError):
        DisruptionStep.objects.filter(disruption=validated).delete()


def test_a_partner_the_claim_is_shared_with_sees_its_whole_history(
    validated, wiltshire_analyst, council_partner, wiltshire_council, dorset_analyst
):
    from socmap.disruptions.selectors import history

    assert list(history(council_partner, validated)) == []
    share_record(actor=wiltshire_analyst, record=validated, organisation=wiltshire_council)
    assert [s.action for s in history(council_partner, validated)] == [
        StepAction.RECORDED,
        StepAction.SUBMITTED,
        StepAction.VALIDATED,
    ]
    assert list(history(dorset_analyst, validated)) == []


# --------------------------------------------------------------------------- reference data


def test_tactics_load_from_their_file_and_a_bad_file_changes_nothing(tmp_path, db):
    from socmap.disruptions.models import Tactic

    before = Tactic.objects.count()
    bad = tmp_path / "tactics.yaml"
    bad.write_text(
        "- code: arrest\n  name: Arrest\n  categories: [punish]\n"
        "- code: arrest\n  name: Other\n  categories: [pursue]\n  quantities: [goats]\n"
    )
    with pytest.raises(InvalidInput) as refused:
        services.load_tactics(path=bad)
    problems = " ".join(refused.value.field_errors["tactics"])
    assert "categories must be one or more of" in problems
    assert "listed twice" in problems and "unknown quantities goats" in problems
    assert Tactic.objects.count() == before
    # the shipped list loads again and is unchanged
    assert services.load_tactics() == f"0 new, {before} refreshed"


def test_every_grade_of_the_scale_needs_its_guidance(tmp_path, db):
    partial = tmp_path / "grades.yaml"
    partial.write_text("- grade: major\n  summary: Big\n  guidance: Very big\n")
    with pytest.raises(InvalidInput, match="no guidance for moderate, minor, none, negative"):
        services.load_grade_guidance(path=partial)


def test_quantities_keep_their_decimals(record, wiltshire_analyst, wiltshire_threat, tactic):
    disruption = record(
        wiltshire_analyst,
        [wiltshire_threat],
        tactic=tactic("drugs-seizure"),
        quantities={"drugs_kg": "1.250"},
    )
    disruption.refresh_from_db()
    assert disruption.drugs_kg == Decimal("1.250")


def test_the_validation_period_is_a_setting(submitted, settings):
    from socmap.disruptions.selectors import overdue_for_validation

    Disruption.objects.filter(pk=submitted.pk).update(
        submitted_at=submitted.submitted_at - dt.timedelta(days=8)
    )
    assert not overdue_for_validation(None).exists()  # 28 days by default
    settings.SOCMAP_DISRUPTION_VALIDATION_DAYS = 7
    assert list(overdue_for_validation(None)) == [Disruption.objects.get(pk=submitted.pk)]
