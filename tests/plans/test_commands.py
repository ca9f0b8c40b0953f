"""Batch work at the command line: gaps, reviews due, overdue actions, LRO workload and the
tasking pack, as tables, CSV or JSON, for the whole system or as one user sees it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from socmap.plans.models import Action, Plan

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def late(plan, add_action, today):
    action = add_action(plan, "protect", description="Safeguarding visit")
    Action.objects.filter(pk=action.pk).update(due_on=today - dt.timedelta(days=6))
    Plan.objects.filter(pk=plan.pk).update(next_review_due=today - dt.timedelta(days=3))
    return action


def test_plan_gaps_lists_each_gap_in_three_formats(late, map_group):
    map_group("Leaderless group")
    table = run("plan-gaps")
    assert "No LRO" in table and "Review overdue" in table and "gaps." in table
    rows = list(csv.reader(io.StringIO(run("plan-gaps", "--format", "csv", "--gap", "no_lro"))))
    assert rows[0][0] == "gap" and [r[3] for r in rows[1:]] == ["Leaderless group"]
    records = json.loads(run("plan-gaps", "--format", "json", "--gap", "actions_overdue"))
    assert records[0]["detail"] == "1 action past their due date."


def test_reviews_due_and_overdue_actions(late, plan):
    records = json.loads(run("reviews-due", "--format", "json"))
    assert records[0]["plan"] == plan.reference and records[0]["days_overdue"] == 3
    overdue = json.loads(run("overdue-actions", "--format", "json"))
    assert [(a["action"], a["days_overdue"]) for a in overdue] == [(late.reference, 6)]
    assert "No overdue actions." in run("overdue-actions", "--category", "pursue")


def test_commands_show_what_a_user_sees_with_as(late, dorset_analyst):
    assert "No gaps." in run("plan-gaps", "--as", "dorset.analyst")
    assert "No reviews due." in run("reviews-due", "--as", "dorset.analyst")
    assert "wiltshire.lro" in run("lro-workload", "--as", "wiltshire.lro")


def test_unknown_options_are_refused(plan):
    with pytest.raises(CommandError, match="no organisation with the slug 'atlantis'"):
        run("plan-gaps", "--owner", "atlantis")
    with pytest.raises(CommandError, match="no active user called 'ghost'"):
        run("reviews-due", "--as", "ghost")
    with pytest.raises(CommandError, match="--within"):
        run("reviews-due", "--within", "900")


def test_tasking_pack_writes_html_and_pdf(plan, tmp_path):
    html = tmp_path / "pack.html"
    said = run("tasking-pack", "--force", "wiltshire", "--output", str(html))
    assert "Wrote" in said and "1 active threats" in said
    text = html.read_text()
    assert "Tasking pack: Wiltshire" in text and "OFFICIAL-SENSITIVE" in text
    assert "@page" in text and plan.threat.name in text
    pdf = tmp_path / "pack.pdf"
    run("tasking-pack", "--force", "wiltshire", "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="is not a force"):
        run("tasking-pack", "--force", "swrocu")
    with pytest.raises(CommandError, match="no tasking board you can see"):
        run("tasking-pack", "--force", "dorset", "--as", "wiltshire.lro")
