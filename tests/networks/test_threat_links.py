"""Threats linked through shared people across the user's whole area: the page, the API and
the command, each showing only the threats and people the user may see."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from socmap.networks.selectors import threat_links_in_area
from socmap.orgs.services import share_record
from socmap.people.services import merge_people, record_nominal
from socmap.threats.models import CrimeType, ThreatKind
from socmap.threats.services import add_member, map_threat

STATUS = "under_assessment"  # the status map_threat gives


@pytest.fixture
def area(network, org):
    """On top of the network fixture (Swindon Line, Wiltshire: Wendy and Will):

    * Trowbridge Boys (Wiltshire): Wendy too;
    * Bournemouth Crew (Dorset): Will, recorded by Wiltshire;
    * Dorset's priority individual Dan, and the Poole Ring (Dorset) of which Dan is a member;
    * Medway Firm (Kent, another region): Will and Kim.
    """
    drugs = CrimeType.objects.get(code="drugs")

    def threat(name, owner, **fields):
        fields.setdefault("kind", ThreatKind.OCG)
        return map_threat(
            actor=None, name=name, predominant_crime_type=drugs, owner=org(owner), **fields
        )

    made = dict(network)
    made["trowbridge"] = threat("Trowbridge Boys", "Wiltshire")
    add_member(actor=None, threat=made["trowbridge"], nominal=network["wendy"], role="core")
    made["bournemouth"] = threat("Bournemouth Crew", "Dorset")
    add_member(actor=None, threat=made["bournemouth"], nominal=network["will"], role="enabler")
    made["dan_pi"] = threat(
        "Dan Dean", "Dorset", kind=ThreatKind.PRIORITY_INDIVIDUAL, subject=network["dan"]
    )
    made["poole"] = threat("Poole Ring", "Dorset")
    add_member(actor=None, threat=made["poole"], nominal=network["dan"], role="principal")
    made["medway"] = threat("Medway Firm", "Kent")
    add_member(actor=None, threat=made["medway"], nominal=network["will"], role="peripheral")
    add_member(actor=None, threat=made["medway"], nominal=network["kim"], role="principal")
    return made


def names(result):
    return {frozenset((p.first.name, p.second.name)) for p in result.pairs}


def pair(a, b):
    return frozenset((a, b))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("wiltshire_analyst", {pair("Swindon Line", "Trowbridge Boys")}),
        ("dorset_analyst", {pair("Dan Dean", "Poole Ring")}),
        (
            "swrocu_officer",
            {
                pair("Swindon Line", "Trowbridge Boys"),
                pair("Swindon Line", "Bournemouth Crew"),
                pair("Dan Dean", "Poole Ring"),
            },
        ),
        (
            "nca_officer",
            {
                pair("Swindon Line", "Trowbridge Boys"),
                pair("Swindon Line", "Bournemouth Crew"),
                pair("Swindon Line", "Medway Firm"),
                pair("Bournemouth Crew", "Medway Firm"),
                pair("Dan Dean", "Poole Ring"),
            },
        ),
        ("council_partner", set()),
    ],
)
def test_each_user_sees_the_links_between_the_threats_and_people_they_may_see(
    request, area, persona, expected
):
    # Given threats of Wiltshire, Dorset and Kent sharing people of Wiltshire and Dorset
    user = request.getfixturevalue(persona)
    # when the user asks for the links across their area
    result = threat_links_in_area(user, statuses=[STATUS])
    # then they see the pairs whose two threats and shared person they may all see
    assert names(result) == expected
    assert result.threats_linked == len({t for p in expected for t in p})


def test_a_partner_sees_only_the_links_whose_every_record_is_shared_with_them(
    area, council_partner, wiltshire_council, wiltshire_analyst
):
    # Given Wiltshire shares both its groups and Wendy, who is in both, with the council
    def share(record):
        share_record(actor=wiltshire_analyst, record=record, organisation=wiltshire_council)

    for record in (area["group"], area["trowbridge"], area["wendy"]):
        share(record)
    # then the memberships themselves are not shared, so there is no link (as in the network)
    assert threat_links_in_area(council_partner, statuses=[STATUS]).pairs == []
    # until Wendy's two memberships are shared as well
    for threat in (area["group"], area["trowbridge"]):
        share(threat.memberships.get(nominal=area["wendy"]))
    result = threat_links_in_area(council_partner, statuses=[STATUS])
    assert names(result) == {pair("Swindon Line", "Trowbridge Boys")}
    assert [p.label for p in result.pairs[0].shared] == ["Wendy West"]


def test_two_records_merged_as_one_person_count_once_and_groups_are_numbered(
    area, nca_officer, swrocu_officer, org
):
    # Given Dorset's own record of Will, a member of the Poole Ring, merged into Wiltshire's
    copy = record_nominal(actor=None, owner=org("Dorset"), surname="Ward", forenames="William")
    add_member(actor=None, threat=area["poole"], nominal=copy, role="peripheral")
    merge_people(actor=None, duplicate=copy, survivor=area["will"], reason="Same PNC ID")
    result = threat_links_in_area(nca_officer, statuses=[STATUS])
    poole = {
        (p.second if p.first.name == "Poole Ring" else p.first).name: p
        for p in result.pairs
        if "Poole Ring" in (p.first.name, p.second.name)
    }
    # then the Poole Ring is linked to Will's other threats through one person, two records
    assert set(poole) >= {"Swindon Line", "Bournemouth Crew", "Medway Firm", "Dan Dean"}
    shared = poole["Swindon Line"].shared
    assert len(shared) == 1 and set(shared[0].records) == {area["will"].pk, copy.pk}
    # and every threat is now in one group
    assert result.groups == 1 and {p.group for p in result.pairs} == {1}
    # at least two people in common: none
    assert threat_links_in_area(nca_officer, statuses=[STATUS], min_shared=2).pairs == []
    # past members count only when asked
    from socmap.threats.models import Membership

    Membership.objects.filter(threat=area["trowbridge"]).update(left_on="2024-01-01")
    now = names(threat_links_in_area(swrocu_officer, statuses=[STATUS]))
    assert pair("Swindon Line", "Trowbridge Boys") not in now
    past = threat_links_in_area(swrocu_officer, statuses=[STATUS], include_past=True)
    assert pair("Swindon Line", "Trowbridge Boys") in names(past)


def test_the_page_lists_the_pairs_with_filters_and_exports(client_for, area, swrocu_officer):
    client = client_for(swrocu_officer)
    url = reverse("networks:threat-links")
    # active threats by default: none here
    empty = client.get(url)
    assert empty.status_code == 200 and "No two threats you may see" in empty.content.decode()
    page = client.get(url, {"status": STATUS})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Swindon Line" in text and "Bournemouth Crew" in text and "Will Ward" in text
    assert "Medway Firm" not in text
    assert "5 of the 5 threats looked at are linked to another through 3 shared people" in text
    csv = client.get(url, {"status": STATUS, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("threat,threat_name") and len(lines) == 1 + 3
    xlsx = client.get(url, {"status": STATUS, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = client.get(url, {"status": "odd", "min_shared": "0"})
    assert bad.status_code == 400
    assert "Unknown threat status" in bad.content.decode()
    assert "Choose from 1 to 20 people in common" in bad.content.decode()


def test_the_api_pages_the_pairs_and_refuses_bad_filters(client_for, area, nca_officer, client):
    api = client_for(nca_officer)
    body = api.get("/api/networks/threat-links", {"status": STATUS}).json()
    assert body["count"] == 5 and body["threats_linked"] == 6 and body["groups"] == 2
    assert body["items"][0]["people_shared"] == 1
    assert {"threat", "linked_threat", "shared", "group"} <= set(body["items"][0])
    assert (
        api.get("/api/networks/threat-links", {"status": STATUS, "page": 2}).json()["items"] == []
    )
    assert api.get("/api/networks/threat-links", {"min_shared": 99}).status_code == 400
    assert api.get("/api/networks/threat-links", {"sort": "size"}).status_code == 400
    assert client.get("/api/networks/threat-links").status_code == 401
    page = client.get(reverse("networks:threat-links"))
    assert page.status_code == 302 and "login" in page["Location"]


def test_the_command_prints_the_pairs_a_user_may_see(area, wiltshire_analyst):
    out = io.StringIO()
    call_command("threat-links", "--status", STATUS, "--as", wiltshire_analyst.username, stdout=out)
    text = out.getvalue()
    assert "Swindon Line" in text and "Trowbridge Boys" in text and "Bournemouth" not in text
    out = io.StringIO()
    call_command("threat-links", "--status", STATUS, "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 5 and rows[0]["people_shared"] == 1
    with pytest.raises(CommandError, match="Unknown threat status"):
        call_command("threat-links", "--status", "odd", stdout=io.StringIO())
