"""Lead and Senior Responsible Officers may belong to a partner agency: the analyst can name
them, the threat is shared with their agency so they can work on it, and the share is withdrawn
when they no longer lead it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation, OrganisationKind, PartnerSector
from socmap.orgs.scoping import can_see
from socmap.threats.selectors import officer_candidates
from socmap.threats.services import update_threat


@pytest.fixture
def council_lro(make_user, wiltshire_council):
    return make_user(
        wiltshire_council, "partner", "lro", username="council.lro", first_name="Casey"
    )


@pytest.fixture
def kent_council_lro(make_user, org):
    kent = org("Kent")
    council = Organisation.objects.create(
        slug="kent-council",
        name="Kent County Council",
        kind=OrganisationKind.PARTNER,
        sector=PartnerSector.LOCAL_AUTHORITY,
        home_force=kent,
        region=kent.region,
    )
    return make_user(council, "partner", "lro", username="kent.lro")


def test_an_analyst_may_name_a_partner_agency_officer_as_lro(
    wiltshire_analyst, council_lro, map_ocg
):
    # Given a Wiltshire Council officer holding the LRO role, who cannot see Wiltshire's threats
    assert council_lro in officer_candidates(wiltshire_analyst, role="lro")
    # When the Wiltshire analyst maps a group with them as LRO
    threat = map_ocg(wiltshire_analyst, "Council-led group", lro=council_lro)
    # Then they lead it, and the threat is shared with their agency so they can work on it
    assert threat.lro == council_lro
    assert can_see(council_lro, threat)


def test_a_partner_agency_officer_may_be_the_sro(
    wiltshire_analyst, wiltshire_lro, council_lro, map_ocg
):
    threat = map_ocg(wiltshire_analyst, "Overseen by the council", lro=wiltshire_lro)
    threat = update_threat(actor=wiltshire_analyst, threat=threat, sro=council_lro)
    assert threat.sro == council_lro
    assert can_see(council_lro, threat)


def test_replacing_a_partner_lro_withdraws_the_share_made_for_them(
    wiltshire_analyst, wiltshire_lro, council_lro, council_partner, map_ocg
):
    # Given a group led by the council's officer (so shared with the council)
    threat = map_ocg(wiltshire_analyst, "Council-led group", lro=council_lro)
    assert can_see(council_partner, threat)
    # When a Wiltshire LRO takes over
    update_threat(actor=wiltshire_analyst, threat=threat, lro=wiltshire_lro)
    # Then the council no longer sees the threat
    assert not can_see(council_lro, threat)
    assert not can_see(council_partner, threat)


def test_a_share_made_by_hand_stays_when_the_lro_changes(
    wiltshire_analyst, wiltshire_lro, council_lro, council_partner, wiltshire_council, map_ocg
):
    from socmap.orgs.services import share_record

    threat = map_ocg(wiltshire_analyst, "Shared on purpose", lro=wiltshire_lro)
    share_record(actor=wiltshire_analyst, record=threat, organisation=wiltshire_council)
    update_threat(actor=wiltshire_analyst, threat=threat, lro=council_lro)
    update_threat(actor=wiltshire_analyst, threat=threat, lro=wiltshire_lro)
    assert can_see(council_partner, threat)


def test_partner_officers_of_another_region_are_not_offered(
    wiltshire_analyst, kent_council_lro, nca_officer
):
    assert kent_council_lro not in officer_candidates(wiltshire_analyst, role="lro")
    # a national user may name any partner agency's officer
    assert kent_council_lro in officer_candidates(nca_officer, role="lro")


def test_a_national_partner_agencys_officer_is_offered_everywhere(wiltshire_analyst, make_user):
    hmrc = Organisation.objects.create(
        slug="hmrc-test",
        name="HMRC (test)",
        kind=OrganisationKind.PARTNER,
        sector=PartnerSector.HMRC,
    )
    officer = make_user(hmrc, "partner", "lro", username="hmrc.lro")
    assert officer in officer_candidates(wiltshire_analyst, role="lro")


def test_an_lro_must_still_hold_the_lro_role(wiltshire_analyst, council_partner, map_ocg):
    with pytest.raises(InvalidInput) as refused:
        map_ocg(wiltshire_analyst, "No LRO role", lro=council_partner)
    assert "does not hold the Lead Responsible Officer role" in refused.value.summary()


def test_naming_a_partner_lro_on_a_threat_only_shared_with_you_is_refused(
    wiltshire_analyst, dorset_analyst, council_lro, map_ocg, org
):
    # Given Dorset shares a threat with Wiltshire
    from socmap.orgs.services import share_record

    threat = map_ocg(dorset_analyst, "Dorset group")
    share_record(actor=dorset_analyst, record=threat, organisation=org("Wiltshire"))
    # When the Wiltshire analyst names a council officer as its LRO, then it is refused (what
    # was shared with you cannot be passed on) and nothing changes
    with pytest.raises(PermissionDenied):
        update_threat(actor=wiltshire_analyst, threat=threat, lro=council_lro)
    threat.refresh_from_db()
    assert threat.lro is None
    assert not can_see(council_lro, threat)


def test_the_mapping_form_offers_the_councils_lro(client_for, wiltshire_analyst, council_lro):
    page = client_for(wiltshire_analyst).get("/threats/map/")
    assert page.status_code == 200
    assert "council.lro, Wiltshire Council" in page.content.decode()


def test_the_api_maps_a_threat_with_a_partner_lro(
    client_for, wiltshire_analyst, council_lro, kent_council_lro
):
    client = client_for(wiltshire_analyst)
    payload = {"kind": "ocg", "name": "API group", "predominant_crime_type": "drugs"}
    refused = client.post(
        "/api/threats", {**payload, "lro": "kent.lro"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "kent.lro" in refused.json()["errors"]["lro"][0]
    response = client.post(
        "/api/threats", {**payload, "lro": "council.lro"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["lro"] == "council.lro"
    assert client_for(council_lro).get(f"/api/threats/{response.json()['id']}").status_code == 200


def test_the_threat_list_filters_by_a_partner_lro(
    client_for, wiltshire_analyst, wiltshire_lro, council_lro, map_ocg
):
    map_ocg(wiltshire_analyst, "Council-led group", lro=council_lro)
    map_ocg(wiltshire_analyst, "Police-led group", lro=wiltshire_lro)
    page = client_for(wiltshire_analyst).get("/threats/", {"lro": "council.lro"}).content.decode()
    assert '<option value="council.lro" selected' in page
    assert "Council-led group" in page and "Police-led group" not in page
