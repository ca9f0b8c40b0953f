"""The threat pages, as an analyst uses them."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone

from socmap.orgs.models import LocalArea
from socmap.people.services import record_nominal
from socmap.threats.models import Membership, Status, Threat
from tests.threat_page import as_shown

from .conftest import LOW_ANSWERS, TOP_ANSWERS


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _mapping_post(**overrides) -> dict:
    data = {
        "kind": "ocg",
        "name": "Riverside crew",
        "description": "Class A supply around the town centre.",
        "tier": "local",
        "predominant_crime_type": "drugs",
        "status": "under_assessment",
        "operation_names": "Op Heron, Op Kite",
        "methodology": "group-matrix@1",
        "rationale": "Intelligence reports 1-4.",
        **{f"answer_{k}": v for k, v in TOP_ANSWERS.items()},
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --------------------------------------------------------------------------- list


def test_the_list_shows_active_threats_highest_band_first(client_for, wiltshire_analyst, map_ocg):
    map_ocg(wiltshire_analyst, "Low group", answers=LOW_ANSWERS)
    map_ocg(wiltshire_analyst, "Top group")
    map_ocg(wiltshire_analyst, "Trigger group", answers=None, status=Status.TRIGGER_REPORT)
    response = client_for(wiltshire_analyst).get(reverse("threats:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'Threats <span class="muted">(2)</span>' in page
    assert page.index("Top group") < page.index("Low group")
    assert "Trigger group" not in page  # only active threats unless asked
    everything = client_for(wiltshire_analyst).get(reverse("threats:list"), {"status": "any"})
    assert "Trigger group" in everything.content.decode()


def test_each_row_shows_the_threat_s_reference_owner_band_score_lro_and_due_date(
    client_for, wiltshire_analyst, wiltshire_lro, map_ocg
):
    led = map_ocg(wiltshire_analyst, "Led <b>group</b>", lro=wiltshire_lro)
    unassessed = map_ocg(wiltshire_analyst, "Unassessed group", answers=None)
    page = client_for(wiltshire_analyst).get(reverse("threats:list"), {"status": "any"})
    html = page.content.decode()
    row = html[html.index(led.reference) : html.index("</tr>", html.index(led.reference))]
    due = led.reassessment_due
    assert (
        f'<a href="{reverse("threats:detail", args=[led.pk])}">Led &lt;b&gt;group&lt;/b&gt;</a>'
        in row
    )
    assert f"<td>{led.owner.name} <span" in row
    assert f'<span class="band">{led.current_band}</span>' in row
    assert f'<td class="num">{led.current_score}</td>' in row
    assert f"<td>{wiltshire_lro.display_name}</td>" in row
    assert f'<time datetime="{due.isoformat()}">{due.day} {due:%b %Y}</time>' in row
    other = html[html.index(unassessed.reference) :]
    other = other[: other.index("</tr>")]
    assert "Not assessed" in other and '<span class="muted">None</span>' in other
    assert '<td class="num">—</td>' in other


def test_overdue_threats_are_marked_in_words(client_for, wiltshire_analyst, map_ocg):
    late = map_ocg(wiltshire_analyst, "Late group")
    Threat.objects.filter(pk=late.pk).update(
        reassessment_due=timezone.localdate() - dt.timedelta(days=3)
    )
    page = client_for(wiltshire_analyst).get(reverse("threats:list")).content.decode()
    assert "Overdue: Due date passed" in page
    assert "1 threat matches (status: active); 1 of them is overdue" in page


def test_the_list_exports_the_filtered_rows_as_csv(client_for, wiltshire_analyst, map_ocg, fraud):
    map_ocg(wiltshire_analyst, "Drugs group")
    map_ocg(wiltshire_analyst, "Fraud group", predominant_crime_type=fraud, answers=LOW_ANSWERS)
    response = client_for(wiltshire_analyst).get(
        reverse("threats:list"), {"crime_type": "fraud", "format": "csv"}
    )
    rows = _csv(response)
    assert rows[0] == [
        "reference",
        "name",
        "kind",
        "owner",
        "tier",
        "status",
        "predominant crime type",
        "band",
        "score",
        "methodology",
        "LRO",
        "SRO",
        "re-assessment due",
        "overdue",
    ]
    assert len(rows) == 2
    assert rows[1][1] == "Fraud group" and rows[1][7] == "3C" and rows[1][13] == "no"


def test_an_empty_list_says_so(client_for, dorset_analyst):
    page = client_for(dorset_analyst).get(reverse("threats:list")).content.decode()
    assert "There are no active threats you can see yet." in page
    filtered = client_for(dorset_analyst).get(reverse("threats:list"), {"q": "nothing"})
    assert "No threats match these filters." in filtered.content.decode()


def test_a_dorset_analyst_does_not_see_wiltshire_threats_in_the_list(
    client_for, wiltshire_analyst, dorset_analyst, map_ocg
):
    map_ocg(wiltshire_analyst, "Wiltshire group")
    page = client_for(dorset_analyst).get(reverse("threats:list")).content.decode()
    assert "Wiltshire group" not in page


# --------------------------------------------------------------------------- threat page


def test_the_threat_page_shows_band_why_members_and_placeholders(
    client_for, wiltshire_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst, "Top group", operation_names=["Op Heron"])
    person = record_nominal(actor=wiltshire_analyst, surname="Stone", forenames="Jay")
    Membership.objects.create(threat=threat, nominal=person, role="principal")
    page = as_shown(client_for(wiltshire_analyst), threat)  # the page and what it loads after
    assert threat.reference in page
    assert "Band 1A" in page
    assert "Why this score" in page and "Criminality (most serious activity)" in page
    assert "STONE, Jay" in page and "Principal" in page
    assert "Op Heron" in page
    assert "No 4P plan yet" in page  # the plans panel: an active threat without a plan
    assert "No disruptions recorded against this threat yet" in page
    assert "Trigger report" not in page or "Mapped" in page  # lifecycle history is shown
    assert "Under assessment" in page and "Active" in page


def test_a_threats_page_shows_first_and_loads_its_panels_after_itself(
    client_for, wiltshire_analyst, map_ocg
):
    # Given a mapped group
    threat = map_ocg(wiltshire_analyst, "Top group")
    client = client_for(wiltshire_analyst)
    panels = reverse("threats:panels", args=[threat.pk])
    # When its page is opened
    page = client.get(reverse("threats:detail", args=[threat.pk])).content.decode()
    # Then the page holds a place for its panels, loaded from their own address, with a link
    # that opens them without JavaScript, and not the panels themselves
    assert f'hx-get="{panels}"' in page and f'href="{panels}"' in page
    assert "No 4P plan yet" not in page and "Lifetime management" not in page
    # the place is filled with the four panels (htmx asks with HX-Request)
    fragment = client.get(panels, HTTP_HX_REQUEST="true").content.decode()
    for title in ("4P plan", "Disruptions", "Lifetime management", "Intelligence"):
        assert f">{title}</h2>" in fragment
    assert "<html" not in fragment
    # and without JavaScript they are a page of their own, leading back to the threat
    own = client.get(panels).content.decode()
    assert "<html" in own and reverse("threats:detail", args=[threat.pk]) in own
    assert "No 4P plan yet" in own


def _with_network_panel(client, threat) -> str:
    """The threat page and the network panel it loads after itself, as a browser shows them."""
    page = client.get(reverse("threats:detail", args=[threat.pk])).content.decode()
    panel = client.get(reverse("networks:panel", args=["threat", threat.pk])).content.decode()
    return page + panel


def test_members_and_associates_the_user_may_not_see_are_neither_shown_nor_hinted_at(
    client_for, wiltshire_analyst, dorset_analyst, swrocu_officer, map_ocg
):
    # Given a Wiltshire group: a Wiltshire principal who exploits a Wiltshire runner, and,
    # recorded by the regional unit, a Dorset member and a Dorset supplier of the principal
    from socmap.networks import store
    from socmap.people.services import link_people
    from socmap.threats.services import add_member

    store.forget()
    threat = map_ocg(wiltshire_analyst, "Top group")
    boss = record_nominal(actor=wiltshire_analyst, surname="Boss", forenames="Al")
    runner = record_nominal(actor=wiltshire_analyst, surname="Runner", forenames="Bo")
    hidden = record_nominal(actor=dorset_analyst, surname="Quinlan", forenames="Cy")
    supplier = record_nominal(actor=dorset_analyst, surname="Supplier", forenames="Di")
    add_member(actor=wiltshire_analyst, threat=threat, nominal=boss, role="principal")
    hidden_member = add_member(actor=swrocu_officer, threat=threat, nominal=hidden, role="core")
    link_people(actor=wiltshire_analyst, source=boss, target=runner, kind="exploits")
    link_people(actor=swrocu_officer, source=supplier, target=boss, kind="supplier")
    # when Wiltshire's analyst opens the threat page
    client = client_for(wiltshire_analyst)
    page = _with_network_panel(client, threat)
    # then the members table and the network of associates show Boss and Runner only, with
    # no trace of the Dorset people (no row, no "not shared", no count)
    assert "BOSS, Al" in page and "Network of associates" in page and "Bo Runner" in page
    assert "QUINLAN" not in page.upper() and "SUPPLIER" not in page.upper()
    assert "not shared" not in page and "another organisation" not in page
    assert "2 people and 1 threat within 2 steps" in page
    # nor through the API, nor by guessing the membership's number
    members = client.get(f"/api/threats/{threat.pk}/members").json()
    assert [m["name"] for m in members] == ["BOSS, Al"]
    assert client.get(reverse("threats:end-member", args=[hidden_member.pk])).status_code == 404
    ended = client.post(
        f"/api/threats/members/{hidden_member.pk}/end",
        {"left_on": "2024-01-01"},
        content_type="application/json",
    )
    assert ended.status_code == 404
    # while the regional unit sees them all
    regional = client_for(swrocu_officer)
    page = _with_network_panel(regional, threat)
    assert "QUINLAN, Cy" in page and "Di Supplier" in page
    assert len(regional.get(f"/api/threats/{threat.pk}/members").json()) == 2


def test_a_threat_outside_the_users_scope_is_not_found(
    client_for, wiltshire_analyst, dorset_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst)
    client = client_for(dorset_analyst)
    assert client.get(reverse("threats:detail", args=[threat.pk])).status_code == 404
    assert client.get(reverse("threats:edit", args=[threat.pk])).status_code == 404
    assert client.post(reverse("threats:status", args=[threat.pk])).status_code == 404


# --------------------------------------------------------------------------- mapping


def test_the_mapping_form_offers_the_answers_and_a_live_preview(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).get(reverse("threats:map"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="score-preview"' in page
    assert f'hx-post="{reverse("scoring:preview")}"' in page
    assert 'name="answer_criminality"' in page
    assert reverse("threats:answers-fields") in page


def test_mapping_with_answers_creates_an_assessed_threat(client_for, wiltshire_analyst, org):
    response = client_for(wiltshire_analyst).post(
        reverse("threats:map"), _mapping_post(forces=[org("Dorset").pk])
    )
    threat = Threat.objects.get(name="Riverside crew")
    assert response.status_code == 302
    assert response["Location"] == reverse("threats:detail", args=[threat.pk])
    assert threat.current_band == "1A"
    assert threat.owner == wiltshire_analyst.organisation
    assert threat.operation_names == ["Op Heron", "Op Kite"]
    assert {f.name for f in threat.forces.all()} == {"Wiltshire", "Dorset"}
    assert threat.assessments.get().rationale == "Intelligence reports 1-4."
    page = client_for(wiltshire_analyst).get(response["Location"]).content.decode()
    assert "Band 1A" in page


def test_a_trigger_report_can_be_mapped_without_answers(client_for, wiltshire_analyst):
    post = _mapping_post(methodology="", status="trigger_report")
    response = client_for(wiltshire_analyst).post(reverse("threats:map"), post)
    assert response.status_code == 302
    threat = Threat.objects.get(name="Riverside crew")
    assert threat.status == Status.TRIGGER_REPORT and threat.current_band == ""


def test_a_missing_answer_is_refused_and_nothing_is_saved(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).post(
        reverse("threats:map"), _mapping_post(answer_weapons="")
    )
    assert response.status_code == 400
    assert "Some answers need attention" in response.content.decode()
    assert not Threat.objects.filter(name="Riverside crew").exists()


def test_service_errors_appear_on_the_form(client_for, wiltshire_analyst):
    # A priority individual without its person is refused by the service, with its message
    response = client_for(wiltshire_analyst).post(
        reverse("threats:map"), _mapping_post(kind="priority_individual")
    )
    assert response.status_code == 400
    assert "A priority individual needs the person" in response.content.decode()
    assert not Threat.objects.exists()


def test_a_person_the_user_cannot_see_is_refused_as_subject(
    client_for, wiltshire_analyst, dorset_analyst
):
    hidden = record_nominal(actor=dorset_analyst, surname="Hidden")
    response = client_for(wiltshire_analyst).post(
        reverse("threats:map"), _mapping_post(kind="priority_individual", subject=hidden.pk)
    )
    assert response.status_code == 400
    assert f"There is no person with id {hidden.pk} that you can see." in response.content.decode()


def test_local_areas_offered_are_those_of_forces_in_scope(client_for, wiltshire_analyst, org):
    LocalArea.objects.create(force=org("Wiltshire"), name="Swindon")
    LocalArea.objects.create(force=org("Dorset"), name="Poole")
    page = client_for(wiltshire_analyst).get(reverse("threats:map")).content.decode()
    assert "Swindon" in page and "Poole" not in page


def test_choosing_another_methodology_swaps_in_its_questions(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).get(
        reverse("threats:answers-fields"), {"methodology": "morile@1", "kind": "vulnerability"}
    )
    page = response.content.decode()
    assert 'name="answer_likelihood"' in page and 'name="answer_criminality"' not in page
    wrong_kind = client_for(wiltshire_analyst).get(
        reverse("threats:answers-fields"),
        {"methodology": "group-matrix@1", "kind": "vulnerability"},
    )
    assert "does not score a vulnerability" in wrong_kind.content.decode()
    # Changing the kind re-checks the methodology and keeps the answers already given
    kept = client_for(wiltshire_analyst).get(
        reverse("threats:answers-fields"),
        {"methodology": "group-matrix@1", "kind": "ocg", "answer_criminality": "major"},
    )
    assert '<option value="major" selected>' in kept.content.decode()
    none = client_for(wiltshire_analyst).get(reverse("threats:answers-fields"))
    assert "Not assessed yet" in none.content.decode()


def test_an_inspector_cannot_map_threats(client_for, inspector):
    assert client_for(inspector).get(reverse("threats:map")).status_code == 403


# --------------------------------------------------------------------------- changes


def test_the_status_page_offers_only_allowed_steps_and_explains_refusals(
    client_for, wiltshire_analyst, map_ocg
):
    threat = map_ocg(wiltshire_analyst)
    client = client_for(wiltshire_analyst)
    url = reverse("threats:status", args=[threat.pk])
    page = client.get(url).content.decode()
    assert 'value="archived"' in page and 'value="trigger_report"' not in page
    refused = client.post(url, {"to_status": "archived"})
    assert refused.status_code == 400
    assert "Record why the threat is archived." in refused.content.decode()
    done = client.post(
        url, {"to_status": "archived", "archive_reason": "dismantled", "reason": "Convicted"}
    )
    assert done.status_code == 302
    threat.refresh_from_db()
    assert threat.status == Status.ARCHIVED


def test_editing_a_threat_changes_its_details(client_for, wiltshire_analyst, map_ocg, fraud):
    threat = map_ocg(wiltshire_analyst)
    response = client_for(wiltshire_analyst).post(
        reverse("threats:edit", args=[threat.pk]),
        {
            "name": "Renamed group",
            "tier": "regional",
            "predominant_crime_type": fraud.pk,
            "operation_names": "Op Wren",
            "reason": "Tasking decision",
        },
    )
    assert response.status_code == 302
    threat.refresh_from_db()
    assert (threat.name, threat.tier, threat.predominant_crime_type) == (
        "Renamed group",
        "regional",
        fraud,
    )


def test_members_are_added_and_ended_from_the_pages(client_for, wiltshire_analyst, map_ocg):
    threat = map_ocg(wiltshire_analyst)
    person = record_nominal(actor=wiltshire_analyst, surname="Stone", forenames="Jay")
    client = client_for(wiltshire_analyst)
    added = client.post(
        reverse("threats:add-member", args=[threat.pk]),
        {"nominal": person.pk, "role": "core", "joined_on": "2024-02-01"},
    )
    assert added.status_code == 302
    membership = threat.memberships.get()
    too_early = client.post(
        reverse("threats:end-member", args=[membership.pk]), {"left_on": "2024-01-01"}
    )
    assert too_early.status_code == 400
    assert "A member cannot leave before they joined." in too_early.content.decode()
    ended = client.post(
        reverse("threats:end-member", args=[membership.pk]), {"left_on": "2024-06-01"}
    )
    assert ended.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == dt.date(2024, 6, 1)


# --------------------------------------------------------------------------- overdue, figures


def test_the_overdue_page_says_why_and_exports_csv(client_for, wiltshire_analyst, map_ocg):
    late = map_ocg(wiltshire_analyst, "Late group")
    Threat.objects.filter(pk=late.pk).update(
        reassessment_due=timezone.localdate() - dt.timedelta(days=3)
    )
    map_ocg(wiltshire_analyst, "Current group")
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("threats:overdue")).content.decode()
    assert "Late group" in page and "Current group" not in page
    assert "Due date passed" in page
    rows = _csv(client.get(reverse("threats:overdue"), {"format": "csv"}))
    assert rows[0][-1] == "why" and rows[1][1] == "Late group"


def test_the_figures_page_states_status_and_population_years(
    client_for, wiltshire_analyst, map_ocg
):
    map_ocg(wiltshire_analyst)
    client = client_for(wiltshire_analyst)
    page = client.get(reverse("threats:figures")).content.decode()
    assert "Counting <strong>active</strong> threats" in page
    assert "Population year" in page
    forces = _csv(client.get(reverse("threats:figures"), {"table": "forces", "format": "csv"}))
    assert forces[0] == [
        "force",
        "active threats",
        "population",
        "population year",
        "threats per million",
    ]
    wiltshire = next(r for r in forces if r[0] == "Wiltshire")
    assert wiltshire[1] == "1" and wiltshire[3].isdigit()
    crime = _csv(client.get(reverse("threats:figures"), {"table": "crime_types", "format": "csv"}))
    assert crime[1] == ["Drugs supply", "1", "100.0"]
    bands = _csv(client.get(reverse("threats:figures"), {"table": "bands", "format": "csv"}))
    assert bands[1] == ["group-matrix@1", "1A", "1"]
    assert client.get(reverse("threats:figures"), {"format": "csv"}).status_code == 404


# --------------------------------------------------------------------------- dashboard


def test_the_dashboard_shows_threats_in_the_area_and_those_an_lro_leads(
    client_for, wiltshire_analyst, wiltshire_lro, map_ocg
):
    map_ocg(wiltshire_analyst, "Led group", lro=wiltshire_lro)
    analyst_page = client_for(wiltshire_analyst).get(reverse("dashboard")).content.decode()
    assert "Threats in your area" in analyst_page
    assert "1 active threat you can see" in analyst_page
    lro_page = client_for(wiltshire_lro).get(reverse("dashboard")).content.decode()
    assert "Threats you lead" in lro_page and "Led group" in lro_page
