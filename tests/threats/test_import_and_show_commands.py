"""`socmap import-threats` maps threats in batch (each assessed in the same step when its row
gives the answers), all rows or none; `socmap threat REF` shows one threat as its page does."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from socmap.audit.models import AuditEvent
from socmap.people.services import record_nominal
from socmap.scoring.methodology import score
from socmap.threats.models import Threat
from socmap.threats.services import add_member

from .conftest import LOW_ANSWERS, TOP_ANSWERS

COLUMNS = [
    "kind",
    "name",
    "predominant_crime_type",
    "forces",
    "operation_names",
    "lro",
    "methodology",
    *[f"answer_{key}" for key in TOP_ANSWERS],
]


def _file(tmp_path, rows: list[dict], columns=COLUMNS):
    path = tmp_path / "threats.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _answers(answers: dict) -> dict:
    return {f"answer_{key}": value for key, value in answers.items()}


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_an_analyst_imports_threats_assessed_in_the_same_step(
    tmp_path, wiltshire_analyst, wiltshire_lro, group_matrix
):
    # Given a file with an assessed group and an unassessed vulnerability
    path = _file(
        tmp_path,
        [
            {
                "kind": "ocg",
                "name": "Imported firm",
                "predominant_crime_type": "drugs",
                "forces": "dorset",
                "operation_names": "Op Heron;Op Kite",
                "lro": "wiltshire.lro",
                "methodology": "group-matrix@1",
                **_answers(LOW_ANSWERS),
            },
            {
                "kind": "vulnerability",
                "name": "Drones over the prison",
                "predominant_crime_type": "other",
            },
        ],
    )
    # When the Wiltshire analyst imports it
    out, _ = _run("import-threats", str(path), "--as", "wiltshire.analyst")
    # Then both are mapped for Wiltshire, the group with the band the rules give its answers
    assert "Mapped 2 threats (1 assessed)." in out
    firm = Threat.objects.get(name="Imported firm")
    assert firm.owner.name == "Wiltshire" and firm.lro == wiltshire_lro
    assert firm.current_band == score(group_matrix.rules(), LOW_ANSWERS).band
    assert firm.operation_names == ["Op Heron", "Op Kite"]
    assert sorted(f.slug for f in firm.forces.all()) == ["dorset", "wiltshire"]
    assert firm.assessments.get().assessed_by == wiltshire_analyst
    drones = Threat.objects.get(name="Drones over the prison")
    assert drones.current_band == "" and not drones.assessments.exists()
    assert AuditEvent.objects.filter(action="threats.imported").count() == 1


def test_a_file_with_any_bad_row_imports_nothing_and_lists_every_problem(
    tmp_path, wiltshire_analyst
):
    # Given a good row and a row with an unknown crime type, force, officer and answers
    path = _file(
        tmp_path,
        [
            {"kind": "ocg", "name": "Good group", "predominant_crime_type": "drugs"},
            {
                "kind": "gang",
                "name": "",
                "predominant_crime_type": "heroin",
                "forces": "narnia",
                "lro": "nobody",
                "methodology": "group-matrix@1",
                **_answers({**TOP_ANSWERS, "weapons": "lasers"}),
            },
            {
                "kind": "ocg",
                "name": "Half answered",
                "predominant_crime_type": "drugs",
                "methodology": "group-matrix@1",
                "answer_criminality": "major",
            },
        ],
    )
    before = Threat.objects.count()
    # When it is imported, then it is refused naming each problem with its line and column
    with pytest.raises(CommandError, match="Nothing was imported"):
        _run("import-threats", str(path), "--as", "wiltshire.analyst")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import-threats", str(path), "--as", "wiltshire.analyst", stderr=err)
    report = err.getvalue()
    for expected in (
        "line 3, column 'kind'",
        "line 3, column 'name'",
        "line 3, column 'predominant_crime_type': 'heroin' is not a crime type code.",
        "line 3, column 'forces': 'narnia' is not a force's slug.",
        "line 3, column 'lro'",
        "line 3, column 'answer_weapons': 'lasers' is not an allowed answer",
        "line 4, column 'answer_weapons': Access to and use of weapons needs an answer",
    ):
        assert expected in report
    # And nothing was saved, not even the good row
    assert Threat.objects.count() == before


def test_an_unknown_column_or_methodology_is_refused(tmp_path, wiltshire_analyst):
    path = _file(
        tmp_path,
        [{"kind": "ocg", "name": "G", "predominant_crime_type": "drugs", "colour": "red"}],
        columns=["kind", "name", "predominant_crime_type", "colour"],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import-threats", str(path), "--as", "wiltshire.analyst", stderr=err)
    assert "Unknown column 'colour'" in err.getvalue()
    path = _file(
        tmp_path,
        [{"kind": "ocg", "name": "G", "predominant_crime_type": "drugs", "methodology": "nope@2"}],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import-threats", str(path), "--as", "wiltshire.analyst", stderr=err)
    assert "There is no methodology nope@2" in err.getvalue()
    assert not Threat.objects.filter(name="G").exists()


def test_an_inspector_cannot_import_threats(tmp_path, inspector):
    path = _file(tmp_path, [{"kind": "ocg", "name": "G", "predominant_crime_type": "drugs"}])
    with pytest.raises(CommandError, match="may import threats"):
        _run("import-threats", str(path), "--as", "hmicfrs.inspector")


def test_an_analyst_cannot_import_threats_for_another_force(tmp_path, wiltshire_analyst):
    path = _file(tmp_path, [{"kind": "ocg", "name": "G", "predominant_crime_type": "drugs"}])
    with pytest.raises(CommandError):
        _run("import-threats", str(path), "--owner", "dorset", "--as", "wiltshire.analyst")
    assert not Threat.objects.filter(name="G").exists()


def test_the_threat_command_shows_band_why_timeline_and_members(wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst, "Shown group")
    boss = record_nominal(actor=wiltshire_analyst, surname="Boss", forenames="Al")
    add_member(actor=wiltshire_analyst, threat=threat, nominal=boss, role="principal")
    out, _ = _run("threat", threat.reference, "--as", "wiltshire.analyst")
    assert out.startswith(f"{threat.reference} Shown group")
    assert "band 1A, score 100.0 (group-matrix@1)" in out
    assert "Why this score" in out and "Criminality (most serious activity)" in out
    assert "Initial assessment" in out
    assert "BOSS, Al" in out and "Principal" in out
    record = json.loads(_run("threat", str(threat.pk), "--format", "json")[0])
    assert record["band"] == "1A" and record["timeline"][0]["methodology"] == "group-matrix@1"


def test_the_threat_command_hides_a_threat_outside_the_users_scope(
    wiltshire_analyst, dorset_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst, "Wiltshire group")
    with pytest.raises(CommandError, match="There is no threat"):
        _run("threat", threat.reference, "--as", "dorset.analyst")


def test_the_threat_command_hides_the_names_of_members_not_shared_with_the_user(
    wiltshire_analyst, swrocu_officer, dorset_analyst, map_ocg
):
    # Given the regional unit adds a Dorset person to a Wiltshire group
    threat = map_ocg(wiltshire_analyst, "Cross-border group")
    dorset_person = record_nominal(actor=dorset_analyst, surname="Hidden", forenames="Cy")
    add_member(actor=swrocu_officer, threat=threat, nominal=dorset_person, role="core")
    # Then the Wiltshire analyst sees the membership, not the person's name
    record = json.loads(
        _run("threat", threat.reference, "--as", "wiltshire.analyst", "--format", "json")[0]
    )
    assert record["members"][0]["name"] is None
    assert "HIDDEN" not in _run("threat", threat.reference, "--as", "wiltshire.analyst")[0]
