"""Every network page, panel and endpoint shows only what the user may see: a person or link
out of sight is not shown, not counted, and not used to reach anyone further."""

import pytest
from django.urls import reverse

from socmap.orgs.services import share_record


def keys(view_json):
    return {n["key"] for n in view_json["nodes"]}


def api_network(client, kind, pk, **params):
    return client.get(
        f"/api/networks/{'nominals' if kind == 'nominal' else 'threats'}/{pk}", params
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("wiltshire_analyst", {"wendy", "will", "group"}),
        ("swrocu_officer", {"wendy", "will", "group", "dan"}),
        ("nca_officer", {"wendy", "will", "group", "dan", "kim"}),
    ],
)
def test_each_user_sees_the_network_of_what_they_may_see(
    request, client_for, network, persona, expected
):
    user = request.getfixturevalue(persona)
    response = api_network(client_for(user), "nominal", network["wendy"].pk, steps=3)
    assert response.status_code == 200
    body = response.json()
    wanted = {
        (f"threat-{network[k].pk}" if k == "group" else f"nominal-{network[k].pk}")
        for k in expected
    }
    assert keys(body) == wanted
    assert body["people"] + body["threats"] == len(wanted)
    for link in body["links"]:
        assert link["source"] in wanted and link["target"] in wanted


def test_the_kent_person_is_not_reached_through_the_dorset_person_a_force_cannot_see(
    client_for, wiltshire_analyst, network
):
    body = api_network(
        client_for(wiltshire_analyst), "nominal", network["wendy"].pk, steps=4
    ).json()
    assert f"nominal-{network['kim'].pk}" not in keys(body)
    assert "King" not in str(body) and "Dean" not in str(body)


@pytest.mark.parametrize("persona", ["dorset_analyst", "council_partner"])
def test_a_person_out_of_scope_has_no_network_page_or_endpoint(
    request, client_for, network, persona
):
    client = client_for(request.getfixturevalue(persona))
    pk = network["wendy"].pk
    assert api_network(client, "nominal", pk).status_code == 404
    assert client.get(reverse("networks:network", args=["nominal", pk])).status_code == 404
    assert api_network(client, "threat", network["group"].pk).status_code == 404


def test_a_partner_sees_a_shared_person_alone(
    client_for, council_partner, network, wiltshire_analyst
):
    share_record(
        actor=wiltshire_analyst, record=network["wendy"], organisation=council_partner.organisation
    )
    body = api_network(client_for(council_partner), "nominal", network["wendy"].pk).json()
    assert keys(body) == {f"nominal-{network['wendy'].pk}"}
    assert body["links"] == []


def test_anonymous_users_get_nothing(client, network):
    pk = network["wendy"].pk
    assert api_network(client, "nominal", pk).status_code == 401
    page = client.get(reverse("networks:network", args=["nominal", pk]))
    assert page.status_code == 302 and "login" in page["Location"]


def test_the_person_and_threat_pages_show_the_scoped_picture(
    client_for, wiltshire_analyst, swrocu_officer, network
):
    wilts = client_for(wiltshire_analyst)
    page = wilts.get(reverse("people:detail", args=[network["wendy"].pk])).content.decode()
    assert "network-panel" in page and "networks/cytoscape.min.js" in page
    assert "DEAN" not in page.upper().split("NETWORK", 1)[1]
    threat_page = wilts.get(reverse("threats:detail", args=[network["group"].pk])).content.decode()
    panel_url = reverse("networks:panel", args=["threat", network["group"].pk])
    assert f'data-network-panel="{panel_url}"' in threat_page
    panel = wilts.get(panel_url).content.decode()
    assert "Network picture" in panel and 'data-network-json="network-panel-data"' in panel
    assert "DEAN" not in panel.upper()
    rocu = client_for(swrocu_officer)
    page = rocu.get(reverse("people:detail", args=[network["wendy"].pk])).content.decode()
    assert "Dan Dean" in page


def test_a_threat_page_loads_its_network_after_itself_with_the_pictures_data(
    client_for, swrocu_officer, network
):
    rocu = client_for(swrocu_officer)
    threat_page = rocu.get(reverse("threats:detail", args=[network["group"].pk])).content.decode()
    assert "Loading the network of associates" in threat_page
    assert "Dan Dean" not in threat_page  # nothing of the network is read for the page itself
    panel = rocu.get(reverse("networks:panel", args=["threat", network["group"].pk]))
    body = panel.content.decode()
    assert panel.status_code == 200 and "Dan Dean" in body
    assert '<script id="network-panel-data" type="application/json">' in body


def test_threats_linked_through_a_shared_person_are_listed(client_for, nca_officer, network):
    from socmap.threats.models import CrimeType
    from socmap.threats.services import add_member, map_threat

    other = map_threat(
        actor=None,
        kind="ocg",
        name="Bournemouth Crew",
        predominant_crime_type=CrimeType.objects.get(code="drugs"),
        owner=network["dan"].owner,
    )
    add_member(actor=None, threat=other, nominal=network["will"], role="enabler")
    body = api_network(client_for(nca_officer), "threat", network["group"].pk, steps=2).json()
    pairs = [(set(t["threats"]), t["shared"]) for t in body["threat_links"]]
    assert (
        {f"threat-{network['group'].pk}", f"threat-{other.pk}"},
        [f"nominal-{network['will'].pk}"],
    ) in pairs
