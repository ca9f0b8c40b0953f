"""The pages of profiles and the control strategy, the hooks on the threat list and the
tasking board, the dashboard panel, the API's writes and the commands."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from socmap.profiles import services
from socmap.profiles.models import LocalProfile, Priority, StrategicAssessment
from socmap.threats.models import CrimeType


def test_an_analyst_generates_a_profile_from_the_form(world, client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    form = client.get("/profiles/new/")
    assert form.status_code == 200
    reply = client.post("/profiles/new/", {"area_kind": "force", "force": world["threat"].owner_id})
    profile = LocalProfile.objects.get()
    assert reply.status_code == 302 and reply["Location"] == f"/profiles/{profile.pk}/"
    page = client.get(reply["Location"]).content.decode()
    assert "SOC local profile: Wiltshire" in page and "Headline figures" in page
    assert "Kettering firm" in page  # the full edition names the threats
    partner = client.get(reply["Location"], {"edition": "partner"}).content.decode()
    assert "Kettering firm" not in partner and "what is withheld" in partner


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_an_exported_profile_names_who_exported_it_and_when(
    profile, client_for, wiltshire_analyst, fmt
):
    from socmap.audit.models import AuditEvent

    reply = client_for(wiltshire_analyst).get(f"/profiles/{profile.pk}/export/", {"format": fmt})
    assert reply.status_code == 200
    stamp = timezone.localtime().strftime("%Y%m%d")
    disposition = reply["Content-Disposition"]
    assert f"lp-{profile.pk:06d}-v1-{stamp}-" in disposition
    assert disposition.endswith(f'-{wiltshire_analyst.username.replace(".", "-")}.{fmt}"')
    event = AuditEvent.objects.get(action="export.downloaded", actor=wiltshire_analyst)
    assert event.changes["format"] == fmt
    if fmt == "docx":
        import io
        import zipfile

        core = zipfile.ZipFile(io.BytesIO(reply.content)).read("docProps/core.xml").decode()
        assert wiltshire_analyst.username in core


def test_the_form_explains_a_missing_area(world, client_for, wiltshire_analyst):
    reply = client_for(wiltshire_analyst).post("/profiles/new/", {"area_kind": "local_area"})
    assert reply.status_code == 200
    assert "Choose the local policing area." in reply.content.decode()
    assert not LocalProfile.objects.exists()


def test_a_colliding_edit_on_the_page_shows_the_conflict_and_saves_nothing(
    profile, client_for, wiltshire_analyst, wiltshire_chair
):
    services.edit_profile(
        actor=wiltshire_chair, profile=profile, base_version=1, sections={"summary": "Chair's"}
    )
    reply = client_for(wiltshire_analyst).post(
        f"/profiles/{profile.pk}/edit/",
        {"version": 1, "title": profile.title, "section_summary": "Mine"},
    )
    assert reply.status_code == 409
    html = reply.content.decode()
    assert "Your changes were not saved" in html and "saved version 2" in html
    assert "Mine" in html  # the user's text is kept on the page to copy
    profile.refresh_from_db()
    assert profile.version == 2


def test_an_edit_on_the_page_makes_a_version_and_shows_the_difference(
    profile, client_for, wiltshire_analyst
):
    client = client_for(wiltshire_analyst)
    reply = client.post(
        f"/profiles/{profile.pk}/edit/",
        {"version": 1, "title": profile.title, "section_partner_data": "Housing figures"},
    )
    assert reply.status_code == 302
    html = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert "What version 2 changed" in html and "+Housing figures" in html
    old = client.get(f"/profiles/{profile.pk}/versions/1/").content.decode()
    assert "not the latest" in old


def test_the_api_saves_versions_and_answers_409_on_a_collision(
    profile, client_for, wiltshire_analyst
):
    client = client_for(wiltshire_analyst)
    url = f"/api/profiles/{profile.pk}/edit"
    body = {"version": 1, "sections": {"summary": "New"}, "note": "API"}
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 200 and first.json()["number"] == 2
    second = client.post(url, body, content_type="application/json")
    assert second.status_code == 409
    assert "you started from version 1" in second.json()["detail"]
    bad = client.post(
        url, {"version": 2, "sections": {"gossip": "x"}}, content_type="application/json"
    )
    assert bad.status_code == 400 and "gossip" in bad.json()["errors"]["sections"][0]
    created = client.post(
        "/api/profiles/",
        {"area_kind": "force", "force": "wiltshire"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["version"] == 1


def test_a_tasking_chair_keeps_the_control_strategy_on_its_pages(
    world, client_for, wiltshire_chair
):
    client = client_for(wiltshire_chair)
    year = timezone.localdate().year
    approved = (timezone.localdate() - dt.timedelta(days=190)).isoformat()
    reply = client.post(
        "/control-strategy/new/",
        {
            "owner": wiltshire_chair.organisation_id,
            "year": year,
            "approved_on": approved,
            "intelligence_requirement": "Who runs the lines",
        },
    )
    assessment = StrategicAssessment.objects.get()
    assert reply["Location"] == f"/control-strategy/{assessment.pk}/"
    client.post(
        f"/control-strategy/{assessment.pk}/priorities/",
        {"kind": "crime_type", "crime_type": "drugs"},
    )
    client.post(
        f"/control-strategy/{assessment.pk}/priorities/",
        {"kind": "threat", "threat": world["threat"].reference},
    )
    assert Priority.objects.filter(assessment=assessment).count() == 2
    page = client.get(f"/control-strategy/{assessment.pk}/").content.decode()
    assert "Overdue by" in page and "Kettering firm" in page
    client.post(f"/control-strategy/{assessment.pk}/review/", {"summary": "Confirmed"})
    page = client.get(f"/control-strategy/{assessment.pk}/").content.decode()
    assert "Reviewed" in page and "Overdue by" not in page
    drugs = Priority.objects.get(kind="crime_type")
    client.post(f"/control-strategy/priorities/{drugs.pk}/end/", {"reason": "Fewer groups"})
    drugs.refresh_from_db()
    assert drugs.removed_on == timezone.localdate()


def test_the_threat_list_and_the_tasking_board_show_the_control_strategy(
    assessment, world, client_for, wiltshire_analyst
):
    services.add_priority(
        actor=wiltshire_analyst,
        assessment=assessment,
        kind="crime_type",
        crime_type=CrimeType.objects.get(code="drugs"),
    )
    client = client_for(wiltshire_analyst)
    listing = client.get("/threats/").content.decode()
    assert "Control strategy</th>" in listing
    assert f"Priority crime type: Drugs supply (Wiltshire {assessment.year})" in listing
    board = client.get("/plans/tasking/", {"board": "wiltshire"}).content.decode()
    assert f"Priority crime type: Drugs supply (Wiltshire {assessment.year})" in board


def test_the_dashboard_shows_six_month_reviews_due(assessment, client_for, wiltshire_analyst):
    html = client_for(wiltshire_analyst).get("/").content.decode()
    assert "Control strategy: six-month reviews due" in html
    assert assessment.title in html and "overdue since" in html


def test_the_commands_export_a_profile_and_list_the_control_strategy(
    world, assessment, tmp_path, wiltshire_analyst, swrocu_officer
):
    out = StringIO()
    target = tmp_path / "wiltshire.docx"
    call_command(
        "local-profile",
        "--force",
        "wiltshire",
        "--format",
        "docx",
        "-o",
        str(target),
        "--as",
        "wiltshire.analyst",
        stdout=out,
    )
    assert target.read_bytes()[:2] == b"PK" and "version 1 (full edition)" in out.getvalue()
    call_command(
        "local-profile",
        "--force",
        "wiltshire",
        "--edition",
        "partner",
        "-o",
        str(tmp_path / "p.pdf"),
        stdout=out,
    )
    assert (tmp_path / "p.pdf").read_bytes()[:4] == b"%PDF"
    assert LocalProfile.objects.count() == 1  # the second export used the existing profile
    with pytest.raises(CommandError, match="There is no force 'atlantis'"):
        call_command("local-profile", "--force", "atlantis", "-o", str(target))
    listing = StringIO()
    call_command("control-strategy", "--as", "dorset.analyst", "--format", "json", stdout=listing)
    assert json.loads(listing.getvalue()) == []
    listing = StringIO()
    call_command("control-strategy", "--as", "swrocu.officer", "--format", "json", stdout=listing)
    rows = json.loads(listing.getvalue())
    assert [r["organisation"] for r in rows] == ["wiltshire"] and rows[0]["review"] == "Overdue"


def test_the_navigation_marks_profiles_and_the_control_strategy_apart(
    client_for, wiltshire_analyst
):
    html = client_for(wiltshire_analyst).get("/control-strategy/").content.decode()
    assert '<a href="/control-strategy/" aria-current="page">Control strategy</a>' in html
    assert '<a href="/profiles/" aria-current="page">' not in html
