"""Assessing and re-scoring threats: assessments are appended, never changed; the threat's
band follows the latest; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from socmap.audit.models import AuditEvent
from socmap.errors import InvalidInput
from socmap.scoring.models import Assessment, AssessmentKind
from socmap.scoring.selectors import consistency_report
from socmap.scoring.services import (
    assess_threat,
    rescore_active_threats,
)
from socmap.threats.models import ArchiveReason, Status
from socmap.threats.services import change_status

from .conftest import (
    LOW_ANSWERS,
    LOW_FACTS_HIGH_JUDGEMENT,
    MORILE_ANSWERS,
    TOP_ANSWERS,
    publish_version_2,
)


def test_a_reassessment_is_appended_and_the_threat_follows_it(
    wiltshire_analyst, map_ocg, group_matrix
):
    # given an adopted group first assessed at the top of the matrix (1A)
    threat = map_ocg(wiltshire_analyst, answers=TOP_ANSWERS)
    first = threat.assessments.get()
    assert (first.kind, first.band) == (AssessmentKind.INITIAL, "1A")
    # when it is re-assessed at the bottom
    second = assess_threat(
        actor=wiltshire_analyst,
        threat=threat,
        methodology=group_matrix,
        inputs=LOW_ANSWERS,
        rationale="Principal arrested",
        today=dt.date(2024, 1, 10),
    )
    # then a second assessment is added and the first is unchanged
    threat.refresh_from_db()
    assert threat.assessments.count() == 2
    assert second.kind == AssessmentKind.REASSESSMENT
    assert Assessment.objects.get(pk=first.pk).band == "1A"
    assert (threat.current_band, threat.current_score) == ("3C", second.score)
    assert threat.current_band_rank == 8
    assert threat.reassessment_due == dt.date(2024, 4, 9)  # 90 days
    assert second.rationale == "Principal arrested"


def test_an_assessment_cannot_be_changed_once_saved(wiltshire_analyst, map_ocg):
    assessment = map_ocg(wiltshire_analyst).assessments.get()
    assessment.band = "3C"
    with pytest.raises(RuntimeError, match="append a new one"):
        assessment.save()
    assert Assessment.objects.get(pk=assessment.pk).band == "1A"


def test_subjective_inputs_record_who_judged_them(
    wiltshire_analyst, make_user, org, map_ocg, group_matrix
):
    colleague = make_user(org("Wiltshire"), "analyst", username="wiltshire.colleague")
    threat = map_ocg(wiltshire_analyst)
    # by default the assessor judged every subjective input
    assert threat.assessments.get().judged_by == {
        "counter_surveillance": "wiltshire.analyst",
        "intent": "wiltshire.analyst",
    }
    # a named judge is recorded against their attribute
    second = assess_threat(
        actor=wiltshire_analyst,
        threat=threat,
        methodology=group_matrix,
        inputs=TOP_ANSWERS,
        judged_by={"intent": colleague},
    )
    assert second.judged_by == {
        "counter_surveillance": "wiltshire.analyst",
        "intent": "wiltshire.colleague",
    }
    # objective inputs need no judge
    assert "criminality" not in second.judged_by


def test_every_input_and_each_contribution_is_stored(wiltshire_analyst, map_ocg):
    assessment = map_ocg(wiltshire_analyst, answers=LOW_ANSWERS).assessments.get()
    assert assessment.inputs == LOW_ANSWERS
    assert {c["attribute"] for c in assessment.contributions} == set(LOW_ANSWERS)
    assert assessment.methodology.label == "group-matrix@1"


def test_a_methodology_for_another_kind_of_threat_is_refused(
    wiltshire_analyst, map_vulnerability, group_matrix
):
    vulnerability = map_vulnerability(wiltshire_analyst)
    with pytest.raises(InvalidInput, match="does not score a vulnerability"):
        assess_threat(
            actor=wiltshire_analyst,
            threat=vulnerability,
            methodology=group_matrix,
            inputs=TOP_ANSWERS,
        )
    assert not vulnerability.assessments.exists()


def test_a_vulnerability_is_scored_with_morile(wiltshire_analyst, map_vulnerability, morile):
    vulnerability = map_vulnerability(wiltshire_analyst)
    assessment = assess_threat(
        actor=wiltshire_analyst, threat=vulnerability, methodology=morile, inputs=MORILE_ANSWERS
    )
    assert assessment.recorded == {"confidence": "medium", "organisational_position": "partial"}
    assert set(assessment.components) == {"harm", "likelihood"}


def test_an_archived_threat_is_not_reassessed(wiltshire_analyst, map_ocg, group_matrix):
    threat = map_ocg(wiltshire_analyst)
    change_status(
        actor=wiltshire_analyst,
        threat=threat,
        to_status=Status.ARCHIVED,
        archive_reason=ArchiveReason.DISMANTLED,
        reason="All charged",
    )
    with pytest.raises(InvalidInput, match="archived"):
        assess_threat(
            actor=wiltshire_analyst, threat=threat, methodology=group_matrix, inputs=LOW_ANSWERS
        )
    assert threat.assessments.count() == 1


def test_bad_answers_save_nothing(wiltshire_analyst, map_ocg, group_matrix):
    threat = map_ocg(wiltshire_analyst)
    with pytest.raises(InvalidInput) as refused:
        assess_threat(
            actor=wiltshire_analyst,
            threat=threat,
            methodology=group_matrix,
            inputs={**TOP_ANSWERS, "weapons": "tanks"},
        )
    assert "weapons" in refused.value.field_errors
    threat.refresh_from_db()
    assert threat.assessments.count() == 1
    assert threat.current_band == "1A"


def test_a_dorset_analyst_cannot_assess_a_wiltshire_threat(
    wiltshire_analyst, dorset_analyst, map_ocg, group_matrix
):
    threat = map_ocg(wiltshire_analyst)
    with pytest.raises(PermissionDenied):
        assess_threat(
            actor=dorset_analyst, threat=threat, methodology=group_matrix, inputs=LOW_ANSWERS
        )


def test_an_inspector_cannot_assess(inspector, wiltshire_analyst, map_ocg, group_matrix):
    threat = map_ocg(wiltshire_analyst)
    with pytest.raises(PermissionDenied):
        assess_threat(actor=inspector, threat=threat, methodology=group_matrix, inputs=LOW_ANSWERS)


# --------------------------------------------------------------------------- re-scoring


def test_rescoring_appends_for_active_threats_only(wiltshire_admin, wiltshire_analyst, map_ocg):
    active = map_ocg(wiltshire_analyst, "Active group", answers=LOW_ANSWERS)
    not_adopted = map_ocg(wiltshire_analyst, "Still under assessment", adopt=False)
    original = active.assessments.get()
    version_2 = publish_version_2(wiltshire_admin)
    calls = []
    outcome = rescore_active_threats(
        actor=None, methodology=version_2, progress=lambda done, total: calls.append((done, total))
    )
    assert outcome["rescored"] >= 1
    rescored = active.assessments.order_by("-id").first()
    assert rescored.kind == AssessmentKind.RESCORE
    assert rescored.methodology.label == "group-matrix@2"
    assert rescored.inputs == original.inputs
    assert rescored.replaces_id == original.pk
    assert rescored.score > original.score  # criminality now weighs more
    # the past is untouched; the threat under assessment was not re-scored
    assert Assessment.objects.get(pk=original.pk).methodology.label == "group-matrix@1"
    assert not_adopted.assessments.count() == 1
    active.refresh_from_db()
    assert active.current_methodology == "group-matrix@2"
    assert calls and calls[-1][0] == calls[-1][1]


def test_rescoring_is_all_or_nothing_when_inputs_do_not_fit(
    wiltshire_admin, wiltshire_analyst, map_ocg
):
    # given active threats and a version 2 with an attribute nobody has answered
    first = map_ocg(wiltshire_analyst, "First group")
    map_ocg(wiltshire_analyst, "Second group", answers=LOW_ANSWERS)
    version_2 = publish_version_2(wiltshire_admin, extra_attribute=True)
    before = Assessment.objects.count()
    # when every active threat is re-scored, then it is refused naming the problem
    with pytest.raises(InvalidInput) as refused:
        rescore_active_threats(actor=wiltshire_admin, methodology=version_2)
    assert "Cash seized needs an answer" in refused.value.summary()
    # and nothing was saved
    assert Assessment.objects.count() == before
    first.refresh_from_db()
    assert first.current_methodology == "group-matrix@1"


def test_a_dorset_analyst_rescores_only_dorset_threats(
    wiltshire_admin, wiltshire_analyst, dorset_analyst, map_ocg
):
    wiltshire_threat = map_ocg(wiltshire_analyst, "Wiltshire group")
    dorset_threat = map_ocg(dorset_analyst, "Dorset group")
    version_2 = publish_version_2(wiltshire_admin)
    rescore_active_threats(actor=dorset_analyst, methodology=version_2)
    assert dorset_threat.assessments.count() == 2
    assert wiltshire_threat.assessments.count() == 1


def test_rescoring_twice_with_the_same_version_adds_nothing(
    wiltshire_admin, wiltshire_analyst, map_ocg
):
    # Given an active group re-scored with version 2
    threat = map_ocg(wiltshire_analyst, "Active group")
    version_2 = publish_version_2(wiltshire_admin)
    assert rescore_active_threats(actor=None, methodology=version_2)["rescored"] == 1
    events = AuditEvent.objects.filter(action="threats.rescored").count()
    # When the re-score is run again
    outcome = rescore_active_threats(actor=None, methodology=version_2)
    # Then the threat is left alone: it is already scored with version 2
    assert (outcome["rescored"], outcome["already_current"]) == (0, 1)
    assert threat.assessments.count() == 2
    assert AuditEvent.objects.filter(action="threats.rescored").count() == events


def test_rescoring_does_not_bring_back_older_inputs_over_a_newer_assessment(
    wiltshire_admin, wiltshire_analyst, map_ocg, morile
):
    # Given a group first assessed with the group matrix, then re-assessed with MoRiLE
    threat = map_ocg(wiltshire_analyst, "Switched group", answers=LOW_ANSWERS)
    assess_threat(
        actor=wiltshire_analyst, threat=threat, methodology=morile, inputs=MORILE_ANSWERS
    )
    threat.refresh_from_db()
    assert threat.current_methodology == "morile@1"
    version_2 = publish_version_2(wiltshire_admin)
    # When every active threat is re-scored with group-matrix@2
    outcome = rescore_active_threats(actor=None, methodology=version_2)
    # Then the group keeps its MoRiLE assessment as the latest: the old matrix answers are not
    # re-used over it
    assert (outcome["rescored"], outcome["latest_with_another_methodology"]) == (0, 1)
    threat.refresh_from_db()
    assert threat.current_methodology == "morile@1"
    assert threat.assessments.count() == 2


def test_the_rescore_command_reports_what_it_left_alone(
    wiltshire_admin, wiltshire_analyst, map_ocg
):
    map_ocg(wiltshire_analyst, "Active group")
    version_2 = publish_version_2(wiltshire_admin)
    out = io.StringIO()
    call_command("rescore", "--methodology", version_2.label, stdout=out)
    assert "Re-scored 1 active threat with group-matrix@2." in out.getvalue()
    out = io.StringIO()
    call_command("rescore", "--methodology", version_2.label, stdout=out)
    assert "Re-scored 0 active threats with group-matrix@2." in out.getvalue()
    assert "left as they were: 1 already scored with group-matrix@2" in out.getvalue()


def test_a_validator_may_not_rescore(wiltshire_validator, group_matrix):
    with pytest.raises(PermissionDenied):
        rescore_active_threats(actor=wiltshire_validator, methodology=group_matrix)


# --------------------------------------------------------------------------- consistency report


def test_the_consistency_report_finds_judgement_moving_the_band(
    wiltshire_analyst, map_ocg, group_matrix
):
    # given two groups with identical objective answers; one judged far more dangerous
    cautious = map_ocg(wiltshire_analyst, "Judged low", answers=LOW_ANSWERS)
    alarmed = map_ocg(wiltshire_analyst, "Judged high", answers=LOW_FACTS_HIGH_JUDGEMENT)
    # and two more with identical answers and the same band
    map_ocg(wiltshire_analyst, "Twin one", answers=TOP_ANSWERS)
    map_ocg(wiltshire_analyst, "Twin two", answers=TOP_ANSWERS)
    assert (cautious.current_band, alarmed.current_band) == ("3C", "3B")
    # when the report runs
    report = consistency_report(wiltshire_analyst, group_matrix)
    # then only the pair in different bands is reported, at distance 0
    pairs = [{p.first.threat_id, p.second.threat_id} for p in report.pairs]
    assert pairs == [{cautious.pk, alarmed.pk}]
    assert report.pairs[0].distance == 0
    assert report.threats_compared == 4


def test_the_consistency_report_respects_the_distance(wiltshire_analyst, map_ocg, group_matrix):
    map_ocg(wiltshire_analyst, "Low", answers=LOW_ANSWERS)
    # one step more on criminality (of 1..4): 1/3 of one of 8 objective attributes ≈ 0.04
    map_ocg(
        wiltshire_analyst,
        "Slightly worse, judged high",
        answers={**LOW_FACTS_HIGH_JUDGEMENT, "criminality": "volume"},
    )
    assert len(consistency_report(wiltshire_analyst, group_matrix, max_distance=0.1).pairs) == 1
    assert consistency_report(wiltshire_analyst, group_matrix, max_distance=0.01).pairs == []


def test_the_consistency_report_only_compares_threats_the_user_may_see(
    wiltshire_analyst, dorset_analyst, map_ocg, group_matrix
):
    map_ocg(wiltshire_analyst, "Wiltshire low", answers=LOW_ANSWERS)
    map_ocg(dorset_analyst, "Dorset high judgement", answers=LOW_FACTS_HIGH_JUDGEMENT)
    assert consistency_report(wiltshire_analyst, group_matrix).pairs == []
    assert consistency_report(wiltshire_analyst, group_matrix).threats_compared == 1
