"""The network page, its filters, exports and refusals; the cache sees new links."""

import csv
import io
import json

from django.core.management import call_command
from django.urls import reverse

from socmap.networks import selectors
from socmap.people.services import link_people, record_nominal


def url(network, **params):
    base = reverse("networks:network", args=["nominal", network["wendy"].pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_network_page_shows_picture_tables_key_players_and_exports(
    client_for, nca_officer, network
):
    page = client_for(nca_officer).get(url(network, steps=3))
    assert page.status_code == 200
    text = page.content.decode()
    for words in (
        "Key players",
        "Threats linked through shared people",
        "Links in the network",
        "Download picture (PNG)",
        "format=nodes-csv",
        "format=links-csv",
    ):
        assert words in text
    assert "Kim King" in text


def test_nodes_and_links_download_as_csv_and_json(client_for, nca_officer, network):
    client = client_for(nca_officer)
    nodes = list(
        csv.reader(
            io.StringIO(client.get(url(network, steps=2, format="nodes-csv")).content.decode())
        )
    )
    assert nodes[0][:3] == ["key", "kind", "id"]
    assert {row[0] for row in nodes[1:]} >= {
        f"nominal-{network['wendy'].pk}",
        f"nominal-{network['dan'].pk}",
    }
    links = list(
        csv.reader(
            io.StringIO(client.get(url(network, steps=2, format="links-csv")).content.decode())
        )
    )
    kinds = {row[3] for row in links[1:]}
    assert {"association", "membership", "co_offending"} <= kinds
    data = json.loads(client.get(url(network, format="json")).content)
    assert data["start"] == f"nominal-{network['wendy'].pk}"


def test_filters_narrow_the_links(client_for, nca_officer, network):
    data = json.loads(
        client_for(nca_officer).get(url(network, steps=3, kind="membership", format="json")).content
    )
    assert {link["kind"] for link in data["links"]} == {"membership"}
    assert f"nominal-{network['dan'].pk}" not in {n["key"] for n in data["nodes"]}


def test_bad_filters_get_clear_messages_and_400(client_for, nca_officer, network):
    client = client_for(nca_officer)
    page = client.get(url(network, steps=9, since="yesterday", kind="gossip"))
    assert page.status_code == 400
    text = page.content.decode()
    assert "Choose from 1 to 4 steps." in text
    assert "&#x27;yesterday&#x27; is not a date" in text
    assert "Unknown kind of link" in text
    api = client.get(f"/api/networks/nominals/{network['wendy'].pk}", {"steps": 0})
    assert api.status_code == 400 and "steps" in api.json()["errors"]


def test_a_network_past_the_size_limit_is_refused_with_a_message(
    client_for, nca_officer, network, monkeypatch
):
    monkeypatch.setattr(selectors, "NODE_LIMIT", 3)
    client = client_for(nca_officer)
    page = client.get(url(network, steps=3))
    assert page.status_code == 400
    assert "more than 3 people and threats" in page.content.decode()
    api = client.get(f"/api/networks/nominals/{network['wendy'].pk}", {"steps": 3})
    assert api.status_code == 400
    assert "more than 3 people and threats" in api.json()["errors"]["steps"][0]
    person_page = client.get(reverse("people:detail", args=[network["wendy"].pk]))
    assert person_page.status_code == 200  # the panel says so; the page still shows


def test_a_new_link_appears_without_a_restart(client_for, nca_officer, network):
    client = client_for(nca_officer)
    first = json.loads(client.get(url(network, steps=1, format="json")).content)
    newcomer = record_nominal(
        actor=None, owner=network["wendy"].owner, surname="New", forenames="Nia"
    )
    link_people(actor=None, source=network["wendy"], target=newcomer, kind="family")
    second = json.loads(client.get(url(network, steps=1, format="json")).content)
    assert f"nominal-{newcomer.pk}" not in {n["key"] for n in first["nodes"]}
    assert f"nominal-{newcomer.pk}" in {n["key"] for n in second["nodes"]}


def test_the_network_command_prints_json_and_respects_the_user(network, wiltshire_analyst):
    out = io.StringIO()
    call_command(
        "network", str(network["wendy"].pk), "--steps", "3", "--format", "json", stdout=out
    )
    assert f"nominal-{network['kim'].pk}" in out.getvalue()
    out = io.StringIO()
    call_command(
        "network",
        str(network["wendy"].pk),
        "--steps",
        "3",
        "--format",
        "json",
        "--as",
        wiltshire_analyst.username,
        stdout=out,
    )
    assert f"nominal-{network['kim'].pk}" not in json.loads(out.getvalue())["nodes"].__str__()
    out = io.StringIO()
    call_command("network", str(network["group"].pk), "--threat", stdout=out)
    text = out.getvalue()
    assert text.startswith("3 people and 1 threat within 2 steps;")
    assert "Dan Dean" in text and "Kim King" not in text


def test_the_network_command_refuses_bad_input(network):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Choose from 1 to 4 steps"):
        call_command("network", str(network["wendy"].pk), "--steps", "7")
    with pytest.raises(CommandError, match="There is no person with id 999999"):
        call_command("network", "999999")


def test_the_networks_index_opens_a_network_by_id(client_for, nca_officer, network):
    response = client_for(nca_officer).get(
        reverse("networks:index"), {"threat": network["group"].pk}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("networks:network", args=["threat", network["group"].pk])
    assert client_for(nca_officer).get(reverse("networks:methodology")).status_code == 200
