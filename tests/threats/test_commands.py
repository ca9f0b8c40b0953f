"""`socmap threats` and `socmap threat-figures` at the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from socmap.threats.models import Status

from .conftest import LOW_ANSWERS


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_list_as_a_user_sees_it(wiltshire_analyst, dorset_analyst, map_ocg):
    map_ocg(wiltshire_analyst, "Wiltshire top group")
    map_ocg(wiltshire_analyst, "Wiltshire low group", answers=LOW_ANSWERS)
    map_ocg(dorset_analyst, "Dorset group")
    output = _run("threats", "--as", "wiltshire.analyst")
    assert output.index("Wiltshire top group") < output.index("Wiltshire low group")
    assert "Dorset group" not in output
    assert "2 threats." in output


def test_without_as_the_operator_sees_every_threat(wiltshire_analyst, dorset_analyst, map_ocg):
    map_ocg(wiltshire_analyst, "Wiltshire group")
    map_ocg(dorset_analyst, "Dorset group")
    records = json.loads(_run("threats", "--format", "json"))
    assert {r["name"] for r in records} == {"Wiltshire group", "Dorset group"}


def test_filters_and_csv(wiltshire_analyst, map_ocg, org):
    map_ocg(wiltshire_analyst, "Touching Dorset", forces=[org("Dorset")])
    map_ocg(wiltshire_analyst, "Home only")
    map_ocg(wiltshire_analyst, "Trigger", answers=None, status=Status.TRIGGER_REPORT)
    rows = list(csv.reader(io.StringIO(_run("threats", "--force", "dorset", "--format", "csv"))))
    assert rows[0][:2] == ["reference", "name"]
    assert [r[1] for r in rows[1:]] == ["Touching Dorset"]
    triggers = json.loads(_run("threats", "--status", "trigger_report", "--format", "json"))
    assert [r["name"] for r in triggers] == ["Trigger"]
    assert json.loads(_run("threats", "--overdue", "--format", "json")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "sleeping"], "Unknown status 'sleeping'"),
        (["--kind", "gang"], "Unknown kind 'gang'"),
        (["--force", "atlantis"], "There is no force with the slug 'atlantis'."),
        (["--as", "nobody"], "There is no active user called 'nobody'."),
    ],
)
def test_bad_arguments_are_refused_clearly(db, args, message):
    with pytest.raises(CommandError, match=message):
        _run("threats", *args)


def test_threat_figures_state_the_population_year(wiltshire_analyst, map_ocg):
    map_ocg(wiltshire_analyst)
    output = _run("threat-figures", "--as", "wiltshire.analyst")
    assert "Threats per million population by force (active threats)" in output
    assert "population year" in output
    wiltshire = next(line for line in output.splitlines() if line.startswith("Wiltshire"))
    assert wiltshire.split()[1] == "1"
    assert "Drugs supply" in output and "group-matrix@1" in output
    as_csv = _run("threat-figures", "--as", "wiltshire.analyst", "--format", "csv")
    assert "force,threats,population,population year,per million" in as_csv


def test_the_figures_command_says_why_a_force_user_has_no_region_rate(wiltshire_analyst, map_ocg):
    map_ocg(wiltshire_analyst, "Wiltshire group")
    output = _run("threat-figures", "--as", "wiltshire.analyst")
    assert "(none: a region's rate needs every threat of its forces and its ROCU" in output
