"""At the command line: a performance lead imports a return (with a progress bar and a
row-by-row report), lists and exports disruptions, writes the template, lists the claims
overdue for validation and the figures per force."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from socmap.disruptions import services
from socmap.disruptions.management.commands._progress import ProgressBar
from socmap.disruptions.models import Disruption

from .conftest import days_ago, noon_days_ago
from .test_import import HEADER, csv_bytes, row

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(*args, stdout=out, stderr=err)
    return str(failed.value), err.getvalue()


# --------------------------------------------------------------------------- import


def test_a_return_is_imported_with_progress_and_a_summary(
    tmp_path, wiltshire_analyst, wiltshire_threat
):
    path = tmp_path / "return.csv"
    path.write_bytes(csv_bytes([row(wiltshire_threat)] * 25))
    out, _ = run("import-disruptions", str(path), "--as", "wiltshire.analyst")
    assert "Reading return.csv..." in out and "25 rows to check." in out
    assert "Checking 25/25 rows (100%)" in out and "Saving 25/25 rows (100%)" in out
    assert "Imported 25 disruptions (DIS-" in out and "25 submitted for validation" in out
    assert Disruption.objects.filter(recorded_by=wiltshire_analyst).count() == 25


def test_one_bad_row_rejects_the_file_with_each_problem_on_stderr(
    tmp_path, wiltshire_analyst, wiltshire_threat
):
    path = tmp_path / "return.csv"
    path.write_bytes(
        csv_bytes(
            [
                row(wiltshire_threat),
                row(wiltshire_threat, category="protect"),
                row(wiltshire_threat, date=days_ago(-3).isoformat()),
            ]
        )
    )
    report = tmp_path / "problems.csv"
    message, err = fails(
        "import-disruptions", str(path), "--as", "wiltshire.analyst", "--errors", str(report)
    )
    assert message == "Nothing was imported: 2 problems found in 3 rows."
    assert "line 3, column 'tactic': Arrest is a Pursue tactic" in err
    assert "line 4, column 'date': The date cannot be in the future" in err
    assert [r[:2] for r in csv.reader(report.open())] == [
        ["line", "column"],
        ["3", "tactic"],
        ["4", "date"],
    ]
    assert not Disruption.objects.exists()


def test_an_xlsx_return_a_dry_run_an_owner_and_a_status(tmp_path, swrocu_officer, wiltshire_threat):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADER)
    values = row(wiltshire_threat)
    workbook.active.append([values[c] for c in HEADER])
    path = tmp_path / "return.xlsx"
    workbook.save(path)
    out, _ = run("import-disruptions", str(path), "--as", "swrocu.officer", "--dry-run")
    assert "is correct: 1 disruptions would be imported" in out
    assert not Disruption.objects.exists()
    run(
        "import-disruptions",
        str(path),
        "--as",
        "swrocu.officer",
        "--owner",
        "wiltshire",
        "--status",
        "draft",
    )
    disruption = Disruption.objects.get()
    assert (disruption.owner.slug, disruption.status) == ("wiltshire", "draft")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/file.csv"], "No such file"),
        (["{file}", "--owner", "atlantis"], "There is no organisation with the slug 'atlantis'."),
        (["{file}", "--as", "nobody"], "There is no active user called 'nobody'."),
        (["{file}", "--as", "wiltshire.validator"], "Only a user with the Analyst"),
    ],
)
def test_impossible_imports_are_refused_clearly(
    tmp_path, wiltshire_threat, wiltshire_validator, args, message
):
    path = tmp_path / "return.csv"
    path.write_bytes(csv_bytes([row(wiltshire_threat)]))
    error, _ = fails("import-disruptions", *[a.format(file=path) for a in args])
    assert message in error
    assert not Disruption.objects.exists()


def test_the_progress_bar_redraws_in_place_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    from django.core.management.base import OutputWrapper

    screen = Terminal()
    bar = ProgressBar(OutputWrapper(screen))
    for done in (0, 50, 100):
        bar("checking", done, 100)
    bar("saving", 100, 100)
    text = screen.getvalue()
    assert "\r  Checking [" in text and "]  50%  50/100 rows" in text
    assert "[" + "#" * 30 + "] 100%  100/100 rows" in text
    assert "\r  Saving   [" in text


def test_the_progress_lines_in_a_log_come_every_tenth(capsys):
    from django.core.management.base import OutputWrapper

    out = io.StringIO()
    bar = ProgressBar(OutputWrapper(out))
    for done in range(1, 1001):
        bar("checking", done, 1000)
    lines = out.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[-1] == "  Checking 1,000/1,000 rows (100%)"


# --------------------------------------------------------------------------- listing


@pytest.fixture
def listed(record, wiltshire_analyst, wiltshire_threat, dorset_analyst, dorset_threat, tactic):
    first = record(wiltshire_analyst, [wiltshire_threat], operation_name="Kestrel", submit=True)
    second = record(
        wiltshire_analyst,
        [wiltshire_threat],
        category="protect",
        tactic=tactic("victim-safeguarding"),
        quantities={"people_safeguarded": 4},
        occurred_on=days_ago(20),
    )
    third = record(dorset_analyst, [dorset_threat])
    return first, second, third


def test_the_list_as_a_user_sees_it_with_filters(listed):
    first, second, third = listed
    out, _ = run("disruptions", "--as", "wiltshire.analyst")
    assert first.reference in out and second.reference in out
    assert third.reference not in out
    assert "2 disruptions." in out
    out, _ = run("disruptions", "--category", "protect", "--format", "json")
    assert [r["reference"] for r in json.loads(out)] == [second.reference]
    out, _ = run("disruptions", "--status", "unvalidated", "--force", "dorset", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:2] == ["reference", "date"] and [r[0] for r in rows[1:]] == [third.reference]
    out, _ = run(
        "disruptions", "--from", days_ago(25).isoformat(), "--to", days_ago(10).isoformat()
    )
    assert second.reference in out and first.reference not in out


def test_without_as_the_operator_sees_every_disruption(listed):
    records = json.loads(run("disruptions", "--format", "json", "--sort", "date")[0])
    assert len(records) == 3 and records[0]["reference"] == listed[1].reference


def test_the_list_exports_to_xlsx_and_csv_files(tmp_path, listed):
    path = tmp_path / "all.xlsx"
    out, _ = run("disruptions", "--format", "xlsx", "--output", str(path), "--search", "kestrel")
    assert "Wrote 1 disruptions" in out
    sheet = load_workbook(path)["Disruptions"]
    assert [c.value for c in sheet[1]][:2] == ["reference", "date"]
    assert sheet.cell(2, 1).value == listed[0].reference
    csv_path = tmp_path / "all.csv"
    run("disruptions", "--format", "csv", "--output", str(csv_path))
    assert len(list(csv.reader(csv_path.open()))) == 4
    error, _ = fails("disruptions", "--format", "xlsx")
    assert "needs --output" in error


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--category", "punish"], "category"),
        (["--status", "lost"], "status"),
        (["--grade", "huge"], "grade"),
        (["--force", "atlantis"], "force"),
        (["--from", "yesterday"], "date_from"),
        (["--sort", "colour"], "sort"),
    ],
)
def test_unrecognised_filters_are_refused(args, field, db):
    error, _ = fails("disruptions", *args)
    assert error.startswith(f"{field}: ")


def test_the_template_is_written_as_xlsx_or_csv(tmp_path, db):
    path = tmp_path / "template.xlsx"
    out, _ = run("disruption-template", "--output", str(path))
    assert "Wrote" in out
    workbook = load_workbook(path)
    assert [c.value for c in workbook["Disruptions"][1]] == HEADER
    assert workbook["Tactics"].cell(2, 1).value == "arrest"
    out, _ = run("disruption-template", "--format", "csv", "--output", "-")
    assert out.strip().split(",") == HEADER


# --------------------------------------------------------------------------- validation


def test_claims_overdue_for_validation_are_listed_oldest_first(listed, wiltshire_validator):
    first = listed[0]
    out, _ = run("disruptions-overdue", "--as", "wiltshire.validator")
    assert out.startswith("0 claims overdue for validation (over 28 days)")
    Disruption.objects.filter(pk=first.pk).update(
        submitted_at=noon_days_ago(35)
    )
    out, _ = run("disruptions-overdue", "--as", "wiltshire.validator")
    assert "1 claim overdue" in out and f"{first.reference}" in out and "waiting 35 days" in out
    assert run("disruptions-overdue", "--as", "dorset.analyst")[0].startswith("0 claims")
    assert run("disruptions-overdue", "--days", "40")[0].startswith("0 claims")
    records = json.loads(run("disruptions-overdue", "--format", "json")[0])
    assert [r["reference"] for r in records] == [first.reference]
    every = run("disruptions-overdue", "--all", "--as", "wiltshire.validator")[0]
    assert every.startswith("2 claims not validated yet")


def test_the_figures_per_force_with_the_population_year(
    listed, wiltshire_validator, make_user, org
):
    services.validate_disruption(actor=wiltshire_validator, disruption=listed[0])
    out, _ = run("disruption-figures", "--as", "wiltshire.analyst")
    assert "population year 2019" in out
    assert "Wiltshire" in out and "Dorset" not in out
    rows = json.loads(run("disruption-figures", "--force", "wiltshire", "--format", "json")[0])
    assert rows[0]["force"] == "Wiltshire" and rows[0]["validated disruptions"] == 1
    assert fails("disruption-figures", "--years", "9")[0] == "--years must be 1 to 5."
    assert "in the future" in fails("disruption-figures", "--end", "2999-01-01")[0]
