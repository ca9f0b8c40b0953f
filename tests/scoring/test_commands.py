"""The scoring commands: publishing methodology versions, re-scoring, and the reports."""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from socmap.scoring.methodology import METHODOLOGY_DIR
from socmap.scoring.models import Assessment, AssessmentKind, MethodologyVersion
from socmap.scoring.services import create_exercise, methodology_version, submit_response

from .conftest import LOW_ANSWERS, LOW_FACTS_HIGH_JUDGEMENT

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def matrix_v2(tmp_path: Path, **changes) -> Path:
    document = copy.deepcopy(yaml.safe_load((METHODOLOGY_DIR / "group-matrix.yaml").read_text()))
    document["version"] = 2
    document["attributes"][0]["weight"] = 8
    document.update(changes)
    path = tmp_path / f"{document['name']}-{document['version']}.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def test_load_methodology_publishes_a_new_version(tmp_path, wiltshire_admin):
    out, _ = run("load-methodology", str(matrix_v2(tmp_path)), "--as", "wiltshire.admin")
    assert "group-matrix@2: published" in out
    assert "Published 1 new version" in out
    assert methodology_version("group-matrix").version == 2
    assert methodology_version("group-matrix@2").loaded_by == wiltshire_admin


def test_load_methodology_with_a_bad_file_names_the_problem_and_saves_nothing(tmp_path):
    good = matrix_v2(tmp_path)
    broken = yaml.safe_load(good.read_text())
    broken["name"] = "broken"
    broken["bands"][0]["from"] = 75  # overlaps 1B (70-80)
    bad = tmp_path / "broken.yaml"
    bad.write_text(yaml.safe_dump(broken))
    before = MethodologyVersion.objects.count()
    with pytest.raises(CommandError) as refused:
        run("load-methodology", str(good), str(bad))
    assert "Nothing was published" in str(refused.value)
    assert "broken.yaml" in str(refused.value)
    assert "bands 1B (70-80) and 1A (75-100) overlap" in str(refused.value)
    assert MethodologyVersion.objects.count() == before


def test_load_methodology_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("load-methodology", str(tmp_path / "nowhere.yaml"))


def test_only_an_administrator_may_load_methodologies(tmp_path, wiltshire_analyst):
    with pytest.raises(CommandError, match="Administrator"):
        run("load-methodology", str(matrix_v2(tmp_path)), "--as", "wiltshire.analyst")


def test_rescore_reports_progress_and_a_summary(tmp_path, wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst, answers=LOW_ANSWERS)
    map_ocg(wiltshire_analyst, "Not adopted", adopt=False)
    run("load-methodology", str(matrix_v2(tmp_path)))
    out, _ = run("rescore", "--methodology", "group-matrix@2", "--as", "wiltshire.analyst")
    assert "Re-scoring active threats with group-matrix@2..." in out
    assert "1 of 1 threats scored" in out
    assert "Re-scored 1 active threat with group-matrix@2" in out
    latest = threat.assessments.first()
    assert latest.kind == AssessmentKind.RESCORE
    assert latest.methodology.label == "group-matrix@2"


def test_rescore_with_an_unknown_methodology_is_a_clear_error():
    with pytest.raises(CommandError, match="There is no methodology group-matrix@9"):
        run("rescore", "--methodology", "group-matrix@9")


def test_rescore_saves_nothing_when_inputs_do_not_fit(tmp_path, wiltshire_analyst, map_ocg):
    map_ocg(wiltshire_analyst)
    path = matrix_v2(tmp_path)
    document = yaml.safe_load(path.read_text())
    document["attributes"].append(
        {
            "key": "cash_seized",
            "label": "Cash seized",
            "weight": 1,
            "answers": [{"key": "none", "points": 0}, {"key": "some", "points": 1}],
        }
    )
    path.write_text(yaml.safe_dump(document))
    run("load-methodology", str(path))
    before = Assessment.objects.count()
    with pytest.raises(CommandError, match="Nothing was re-scored: .*Cash seized needs an answer"):
        run("rescore", "--methodology", "group-matrix@2")
    assert Assessment.objects.count() == before


def test_consistency_report_as_table_and_csv(wiltshire_analyst, map_ocg):
    map_ocg(wiltshire_analyst, "Judged low", answers=LOW_ANSWERS)
    map_ocg(wiltshire_analyst, "Judged high", answers=LOW_FACTS_HIGH_JUDGEMENT)
    out, _ = run(
        "consistency-report", "--methodology", "group-matrix@1", "--as", "wiltshire.analyst"
    )
    assert "2 active threats compared on 8 objective attributes; 1 pair" in out
    assert "Intent to expand or cause harm: Low / High" in out
    out, _ = run(
        "consistency-report",
        "--methodology",
        "group-matrix@1",
        "--format",
        "csv",
        "--max-distance",
        "0",
        "--min-band-gap",
        "1",
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1
    assert {rows[0]["first_band"], rows[0]["second_band"]} == {"3C", "3B"}


def test_consistency_report_refuses_a_bad_distance():
    with pytest.raises(CommandError, match="--max-distance"):
        run("consistency-report", "--methodology", "group-matrix@1", "--max-distance", "2")


def test_calibration_report_command(wiltshire_analyst, dorset_analyst, group_matrix, org):
    exercise = create_exercise(
        actor=wiltshire_analyst,
        title="Command calibration",
        methodology=group_matrix,
        cases=[("Case A", "Importation."), ("Case B", "Shoplifting.")],
        participants=[org("Dorset")],
    )
    for assessor in (wiltshire_analyst, dorset_analyst):
        for case, criminality in zip(exercise.cases.all(), ("major", "minor"), strict=True):
            submit_response(
                actor=assessor, case=case, inputs={**LOW_ANSWERS, "criminality": criminality}
            )
    out, _ = run("calibration-report", str(exercise.pk), "--as", "wiltshire.analyst")
    assert "Command calibration (group-matrix@1, open): 2 cases, 4 answers from 2 assessors." in out
    assert "good agreement" in out
    out, _ = run("calibration-report", str(exercise.pk), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    criminality = next(
        r for r in rows if r["measure"] == "attribute alpha" and r["attribute"].startswith("Crim")
    )
    assert criminality["value"] == "1.000"


def test_calibration_report_of_an_exercise_the_user_cannot_see(
    wiltshire_analyst, make_user, org, group_matrix
):
    make_user(org("Devon and Cornwall"), "analyst", username="devon.analyst")
    exercise = create_exercise(
        actor=wiltshire_analyst,
        title="Private",
        methodology=group_matrix,
        cases=[("Case A", "a"), ("Case B", "b")],
    )
    with pytest.raises(CommandError, match=f"no calibration exercise {exercise.pk} you can see"):
        run("calibration-report", str(exercise.pk), "--as", "devon.analyst")


def test_reassessments_due_lists_overdue_threats(wiltshire_analyst, dorset_analyst, map_ocg):
    overdue = map_ocg(wiltshire_analyst, "Overdue group")
    type(overdue).objects.filter(pk=overdue.pk).update(reassessment_due="2020-01-01")
    dorset = map_ocg(dorset_analyst, "Dorset overdue group")
    type(dorset).objects.filter(pk=dorset.pk).update(reassessment_due="2020-01-01")
    out, _ = run("reassessments-due", "--as", "wiltshire.analyst")
    assert "1 active threat due for re-assessment." in out
    assert "Overdue group" in out and "Dorset overdue group" not in out
    out, _ = run("reassessments-due", "--format", "csv")
    names = {row["name"] for row in csv.DictReader(io.StringIO(out))}
    assert {"Overdue group", "Dorset overdue group"} <= names
