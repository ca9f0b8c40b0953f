"""A trainer runs ``socmap demo-data``: the database then holds people, threats with members and
assessment histories, and a calibration exercise, as planned; running it again adds nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from socmap.audit.models import AuditEvent
from socmap.demo import make_context
from socmap.orgs.models import LocalArea, Organisation, User
from socmap.people.demo import plan_people
from socmap.people.models import Address, Alias, Association, AssociationKind, Nominal
from socmap.scoring.models import Assessment, CalibrationExercise, CalibrationResponse
from socmap.scoring.selectors import calibration_report, consistency_report
from socmap.scoring.services import assess_threat, methodology_version
from socmap.threats.demo import threats_plan_for
from socmap.threats.models import Membership, Status, Threat, ThreatKind
from socmap.threats.selectors import overdue_filter, threats_per_million
from socmap.threats.services import map_threat

pytestmark = pytest.mark.django_db

ARGS = ("--forces", "2", "--seed", "3", "--scale", "0.1")


def demo_data(*args: str) -> str:
    out = io.StringIO()
    call_command("demo-data", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (
        LocalArea,
        Nominal,
        Alias,
        Address,
        Association,
        Threat,
        Membership,
        Assessment,
        CalibrationExercise,
        CalibrationResponse,
        User,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_demo_data_builds_people_threats_assessments_and_a_calibration_exercise():
    # When the trainer generates a small demo for two forces
    output = demo_data(*ARGS)

    # Then each force has its local areas and people, some exploited by group members
    wiltshire = Organisation.objects.get(name="Wiltshire")
    assert {"Swindon", "Salisbury", "Chippenham", "Trowbridge", "Devizes"} <= set(
        LocalArea.objects.filter(force=wiltshire).values_list("name", flat=True)
    )
    assert Nominal.objects.filter(owner=wiltshire).count() >= 45
    assert Nominal.objects.filter(vulnerable=True).exists()
    assert Association.objects.filter(kind=AssociationKind.EXPLOITS).exists()
    assert AuditEvent.objects.filter(action="demo.people_generated").count() == 1

    # And threats of all three kinds, owned by forces, the ROCU and the NCA
    kinds = set(Threat.objects.values_list("kind", flat=True))
    assert kinds == {ThreatKind.OCG, ThreatKind.PRIORITY_INDIVIDUAL, ThreatKind.VULNERABILITY}
    owners = set(Threat.objects.values_list("owner__short_name", flat=True))
    assert {"Wiltshire", "Dorset", "SWROCU", "NCA"} <= owners
    assert Membership.objects.exists()
    assert "organised crime groups" in output and "South West calibration" in output

    # And every active threat shows its latest assessment, dated in the past
    for threat in Threat.objects.filter(status=Status.ACTIVE):
        latest = threat.assessments.order_by("-assessed_at", "-id").first()
        assert latest is not None
        assert (threat.current_band, threat.last_assessed_at) == (
            latest.band,
            latest.assessed_at,
        )
        assert threat.reassessment_due == latest.next_due
        assert threat.created_at <= threat.adopted_at <= timezone.now()
    assert Assessment.objects.filter(kind="reassessment").exists()
    assert Assessment.objects.filter(assessed_at__lt=timezone.now() - dt.timedelta(days=180))
    assert Threat.objects.filter(overdue_filter()).exists()
    assert Threat.objects.filter(reassessment_requested=True).exists()
    archived = Threat.objects.filter(status=Status.ARCHIVED)
    assert archived.exists() and not archived.filter(archive_reason="").exists()


def test_the_consistency_report_finds_the_alike_groups_banded_differently():
    demo_data(*ARGS)
    report = consistency_report(None, methodology_version("group-matrix@1"))
    assert report.pairs
    owners = {
        frozenset(
            {
                report.threats[p.first.threat_id].owner_id,
                report.threats[p.second.threat_id].owner_id,
            }
        )
        for p in report.pairs
        if p.distance == 0
    }
    assert any(len(pair) == 2 for pair in owners)  # identical facts, two forces, two bands


def test_wiltshire_has_a_rate_of_threats_per_million_with_its_population_year():
    demo_data(*ARGS)
    forces, regions = threats_per_million(None)
    wiltshire = next(row for row in forces if row.name == "Wiltshire")
    assert wiltshire.threats > 0
    assert wiltshire.population_year == "2019"
    assert wiltshire.per_million > 0
    assert any(row.name == "South West" and row.per_million for row in regions)


def test_the_calibration_report_shows_agreement_on_facts_not_judgements():
    demo_data(*ARGS)
    exercise = CalibrationExercise.objects.get(title="South West calibration, spring")
    report = calibration_report(None, exercise)
    assert report.cases == 4 and 6 <= report.assessors <= 10
    alpha = {a.key: a.alpha for a in report.attributes}
    assert alpha["criminality"] > 0.7 and alpha["weapons"] > 0.7
    assert alpha["intent"] < 0.5 and alpha["counter_surveillance"] < 0.5
    assert {"Wiltshire", "Dorset"} <= {row["organisation"] for row in report.organisations}


def test_running_demo_data_again_adds_nothing():
    # Given the demo generated once
    demo_data(*ARGS)
    before = counts()

    # When it runs again with the same options
    output = demo_data(*ARGS)

    # Then nothing new is created
    assert counts() == before
    assert "already there" in output


def test_the_database_holds_the_planned_people_and_threats():
    demo_data(*ARGS)
    context = make_context(forces=2, seed=3, out=io.StringIO(), scale=0.1)
    context.forces = [Organisation.objects.get(name=n) for n in ("Wiltshire", "Dorset")]
    people = plan_people(seed=3, forces=["Wiltshire", "Dorset"], scale=0.1)
    # (the networks step adds people recorded again by another force, marked in their notes)
    planned = Nominal.objects.exclude(notes__contains="demo copy of")
    assert sorted(n.full_name for n in planned) == sorted(p.full_name for p in people.people)
    assert Nominal.objects.filter(notes__contains="demo copy of").count() > 0
    plan = threats_plan_for(context)
    assert sorted(Threat.objects.values_list("owner__name", "name")) == sorted(
        (t.owner, t.name) for t in plan.threats
    )


@pytest.mark.parametrize("scale", ["0", "-1", "6"])
def test_an_impossible_scale_is_refused(scale):
    with pytest.raises(CommandError, match="--scale"):
        demo_data("--forces", "2", "--scale", scale)
    assert not Threat.objects.exists()


def test_an_assessment_can_be_recorded_as_made_earlier(wiltshire_analyst, org):
    # Given a threat mapped today
    from socmap.threats.models import CrimeType

    threat = map_threat(
        actor=wiltshire_analyst,
        kind=ThreatKind.OCG,
        name="Backdated group",
        predominant_crime_type=CrimeType.objects.get(code="drugs"),
    )
    earlier = timezone.now() - dt.timedelta(days=200)

    # When its assessment is recorded as made 200 days ago
    assessment = assess_threat(
        actor=wiltshire_analyst,
        threat=threat,
        methodology=methodology_version("group-matrix"),
        inputs={
            "criminality": "serious",
            "weapons": "bladed",
            "violence": "threats",
            "corruption": "none",
            "counter_surveillance": "basic",
            "legitimate_business": "none",
            "international_links": "none",
            "reach": "force",
            "network_size": "6-10",
            "intent": "medium",
        },
        assessed_at=earlier,
    )

    # Then it is dated then, and the next one was due 90 days later (so it is overdue now)
    threat.refresh_from_db()
    assert assessment.assessed_at == earlier == threat.last_assessed_at
    assert assessment.next_due == timezone.localdate(earlier) + dt.timedelta(days=90)
    assert threat.is_reassessment_overdue()
