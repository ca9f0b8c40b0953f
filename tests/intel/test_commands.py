"""`socmap import-intel`, `socmap trigger-queue`, `socmap intel-measures` and
`socmap grant-clearance` at the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from socmap.intel import services
from socmap.intel.models import (
    ForeignNationalArrest,
    IntelClearance,
    IntelligenceReport,
    SuspiciousActivityReport,
)


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


REPORTS = (
    "reported_on,source_type,grading_system,source_evaluation,intelligence_assessment,"
    "handling_code,handling_conditions,classification,text,source_identifying\n"
    "2025-10-01,public,3x5x2,2,C,P,,official,Grow at the farm,\n"
    "2025-10-02,chis,3x5x2,1,B,C,Police only,official_sensitive,Seen at [[the mill]],the miller\n"
)


def test_import_intel_records_reports_for_an_owner(tmp_path, cleared_analyst):
    path = tmp_path / "intel.csv"
    path.write_text(REPORTS)
    output = _run("import-intel", str(path), "--owner", "wiltshire", "--as", "wiltshire.analyst")
    assert "Imported 2 intelligence reports for Wiltshire." in output
    assert IntelligenceReport.objects.get(handling_code="C").source_identifying == ["the miller"]


def test_import_intel_rejects_the_whole_file_with_row_errors(tmp_path, cleared_analyst):
    path = tmp_path / "intel.csv"
    path.write_text(REPORTS.replace(",C,Police only,", ",C,,"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import-intel",
            str(path),
            "--owner",
            "wiltshire",
            "--as",
            "wiltshire.analyst",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "line 3, column 'handling_conditions'" in err.getvalue()
    assert not IntelligenceReport.objects.exists()


def test_import_intel_refuses_an_uncleared_importer(tmp_path, uncleared_analyst):
    path = tmp_path / "intel.csv"
    path.write_text(REPORTS)
    with pytest.raises(CommandError, match="you need clearance"):
        _run("import-intel", str(path), "--owner", "wiltshire", "--as", "wiltshire.uncleared")
    assert not IntelligenceReport.objects.exists()


def test_import_intel_takes_sars_and_arrests_and_checks_them_first(tmp_path, wiltshire_analyst):
    sars = tmp_path / "sars.csv"
    sars.write_text(
        "reference,received_on,reporter_sector,status\nU1,2025-09-01,bank,awaiting\n"
        "U2,2025-09-02,gambling,no_further_action\n"
    )
    checked = _run("import-intel", str(sars), "--owner", "wiltshire", "--kind", "sars", "--dry-run")
    assert "would be imported" in checked and not SuspiciousActivityReport.objects.exists()
    _run("import-intel", str(sars), "--owner", "wiltshire", "--kind", "sars")
    assert SuspiciousActivityReport.objects.count() == 2
    arrests = tmp_path / "arrests.csv"
    arrests.write_text(
        "custody_reference,arrested_on,nationality,acro_result,requested_on\n"
        "C1,2025-09-01,Polish,requested,2025-09-02\n"
    )
    _run("import-intel", str(arrests), "--owner", "wiltshire", "--kind", "arrests")
    assert ForeignNationalArrest.objects.get().acro_result == "requested"


def test_import_intel_needs_a_real_file_and_owner(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        _run("import-intel", str(tmp_path / "none.csv"), "--owner", "wiltshire")
    path = tmp_path / "x.csv"
    path.write_text(REPORTS)
    with pytest.raises(CommandError, match="no organisation"):
        _run("import-intel", str(path), "--owner", "atlantis")


def test_the_trigger_queue_as_the_rocu_sees_it(council_partner, swrocu_officer, dorset_analyst):
    trigger = services.submit_trigger_report(
        actor=council_partner, title="Broadway flats", summary="Dealing"
    )
    output = _run("trigger-queue", "--as", "swrocu.officer")
    assert trigger.reference in output and "1 trigger report." in output
    assert "No trigger reports match." in _run("trigger-queue", "--as", "dorset.analyst")
    rows = list(csv.reader(io.StringIO(_run("trigger-queue", "--format", "csv"))))
    assert rows[1][0] == trigger.reference
    with pytest.raises(CommandError, match="status"):
        _run("trigger-queue", "--status", "lost")


def test_intel_measures_show_the_rates(wiltshire_analyst):
    today = dt.date.today()
    for n in range(3):
        services.record_sar(
            actor=wiltshire_analyst, reference=f"S{n}", received_on=today, reporter_sector="bank"
        )
    data = json.loads(_run("intel-measures", "--format", "json", "--as", "wiltshire.analyst"))
    wiltshire = next(r for r in data["rows"] if r["organisation"] == "Wiltshire")
    assert wiltshire["sars_received"] == 3 and wiltshire["packages_per_100_sars"] == "0.0"
    assert "Process measures" in _run("intel-measures")
    with pytest.raises(CommandError, match="not a date"):
        _run("intel-measures", "--start", "last year")


def test_grant_clearance_from_the_command_line(wiltshire_admin, uncleared_analyst):
    until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    output = _run(
        "grant-clearance",
        "wiltshire.uncleared",
        "--level",
        "secret",
        "--until",
        until,
        "--reason",
        "SOC unit",
        "--as",
        "wiltshire.admin",
    )
    assert "is cleared up to secret" in output
    assert IntelClearance.objects.get().granted_by == wiltshire_admin
    with pytest.raises(CommandError, match="Another administrator"):
        _run(
            "grant-clearance",
            "wiltshire.admin",
            "--level",
            "secret",
            "--until",
            until,
            "--reason",
            "x",
            "--as",
            "wiltshire.admin",
        )
