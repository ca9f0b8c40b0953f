"""Scripts and other systems use socmap through its JSON API.

They sign in with the browser session or a bearer token; every list is limited to what the
user may see, a record outside it answers 404, and service errors come back as 400s with the
same messages the pages show.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from socmap.audit.models import AuditEvent
from socmap.orgs.models import ApiToken, Organisation, OrganisationKind, Role, User
from socmap.orgs.services import create_api_token

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


# --------------------------------------------------------------------------- who am I


@pytest.mark.parametrize(
    ("persona", "organisation", "kind", "roles", "read_only", "scope"),
    [
        ("wiltshire_analyst", "Wiltshire", "force", ["analyst"], False, "records of Wiltshire"),
        ("wiltshire_validator", "Wiltshire", "force", ["validator"], False,
         "records of Wiltshire"),
        ("dorset_analyst", "Dorset", "force", ["analyst"], False, "records of Dorset"),
        ("swrocu_officer", "SWROCU (South West ROCU)", "rocu", ["analyst"], False,
         "records of the South West region"),
        ("nca_officer", "National Crime Agency", "national", ["analyst"], False,
         "records of every force and region"),
        ("inspector", "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
         "national", ["inspector"], True, "records of every force and region"),
        ("council_partner", "Wiltshire Council", "partner", ["partner"], False,
         "records shared with Wiltshire Council"),
    ],
)
def test_me_tells_each_persona_who_they_are_and_what_they_may_see(
    request, client_for, persona, organisation, kind, roles, read_only, scope
):
    user = request.getfixturevalue(persona)
    response = client_for(user).get("/api/me")
    assert response.status_code == 200
    assert response.json() == {
        "username": user.username, "name": "Test User", "organisation": organisation,
        "organisation_kind": kind, "roles": roles, "read_only": read_only, "scope": scope,
    }


@pytest.mark.parametrize("path", ["/api/me", "/api/organisations", "/api/users", "/api/audit",
                                  "/api/regions", "/api/populations"])
def test_an_anonymous_caller_gets_401(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in, or send a valid bearer token."}


# --------------------------------------------------------------------------- bearer tokens


def test_a_script_uses_a_bearer_token(wiltshire_analyst):
    # Given a token the analyst issued for a script
    token, raw = create_api_token(actor=wiltshire_analyst, user=wiltshire_analyst,
                                  name="nightly export", days=30)
    # When a script calls the API with it
    response = bearer(raw).get("/api/me")
    # Then it acts as the analyst, and the token's use is noted
    assert response.status_code == 200
    assert response.json()["username"] == "wiltshire.analyst"
    token.refresh_from_db()
    assert token.last_used_at is not None
    # And only a hash of the key is stored
    assert raw not in {token.key_hash, token.prefix}
    assert raw.startswith(token.prefix)
    assert AuditEvent.objects.filter(action="api_token.created",
                                     target_id=str(wiltshire_analyst.pk)).exists()


def test_a_bearer_token_sees_only_its_users_scope(wiltshire_admin, make_user, org):
    make_user(org("Dorset"), Role.ANALYST, username="dorset.someone")
    _, raw = create_api_token(actor=None, user=wiltshire_admin, name="sync")
    client = bearer(raw)
    assert client.get("/api/users/dorset.someone").status_code == 404
    assert client.get("/api/users/wiltshire.admin").status_code == 200


def test_an_expired_token_is_refused(wiltshire_analyst):
    token, raw = create_api_token(actor=None, user=wiltshire_analyst, name="old", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(raw).get("/api/me").status_code == 401


def test_a_revoked_token_is_refused(wiltshire_analyst):
    token, raw = create_api_token(actor=None, user=wiltshire_analyst, name="old")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert bearer(raw).get("/api/me").status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(wiltshire_analyst):
    _, raw = create_api_token(actor=None, user=wiltshire_analyst, name="script")
    User.objects.filter(pk=wiltshire_analyst.pk).update(is_active=False)
    assert bearer(raw).get("/api/me").status_code == 401


@pytest.mark.parametrize("garbage", ["nonsense", "smp_nonsense", "smp_", "Bearer"])
def test_a_garbage_token_is_refused(wiltshire_analyst, garbage):
    create_api_token(actor=None, user=wiltshire_analyst, name="real one")
    assert bearer(garbage).get("/api/me").status_code == 401


def test_a_token_for_someone_else_needs_their_administrator(
    wiltshire_analyst, wiltshire_validator, wiltshire_admin, dorset_analyst
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_api_token(actor=wiltshire_analyst, user=wiltshire_validator, name="x")
    with pytest.raises(PermissionDenied):
        create_api_token(actor=wiltshire_admin, user=dorset_analyst, name="x")
    token, _ = create_api_token(actor=wiltshire_admin, user=wiltshire_validator, name="x")
    assert token.user == wiltshire_validator


@pytest.mark.parametrize(("name", "days", "field"), [("", 30, "name"), ("x", 0, "days"),
                                                     ("x", 367, "days")])
def test_a_token_needs_a_name_and_a_sensible_lifetime(wiltshire_analyst, name, days, field):
    from socmap.errors import InvalidInput

    with pytest.raises(InvalidInput) as invalid:
        create_api_token(actor=wiltshire_analyst, user=wiltshire_analyst, name=name, days=days)
    assert field in invalid.value.field_errors
    assert not ApiToken.objects.exists()


# --------------------------------------------------------------------------- organisations


def test_organisations_are_paginated(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    total = Organisation.objects.count()
    first = client.get("/api/organisations").json()
    second = client.get("/api/organisations", {"page": 2}).json()
    assert first["count"] == total
    assert len(first["items"]) == 50
    assert len(second["items"]) == total - 50
    slugs = [o["slug"] for o in first["items"] + second["items"]]
    assert len(set(slugs)) == total


def test_organisations_filter_by_kind(client_for, wiltshire_analyst):
    body = client_for(wiltshire_analyst).get("/api/organisations", {"kind": "force"}).json()
    assert body["count"] == 43
    assert {o["kind"] for o in body["items"]} == {"force"}


def test_organisations_filter_by_region_and_search(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    south_west = client.get("/api/organisations", {"region": "south-west"}).json()
    assert {o["short_name"] for o in south_west["items"]} == {
        "Avon and Somerset", "Devon and Cornwall", "Dorset", "Gloucestershire", "Wiltshire",
        "SWROCU",
    }
    found = client.get("/api/organisations", {"q": "wilts", "kind": "force"}).json()
    assert [o["name"] for o in found["items"]] == ["Wiltshire"]
    wiltshire = found["items"][0]
    assert wiltshire["region"] == "South West"
    assert wiltshire["latest_population"] == 722_217
    assert wiltshire["latest_population_year"] == 2019


def test_an_invalid_kind_is_a_400(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).get("/api/organisations", {"kind": "army"})
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_one_organisation_and_its_populations(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    assert client.get("/api/organisations/dorset").json()["name"] == "Dorset"
    assert client.get("/api/organisations/nowhere").status_code == 404
    figures = client.get("/api/organisations/wiltshire/populations").json()
    assert figures == [
        {"force": "Wiltshire", "year": 2019, "population": 722_217,
         "basis": "ONS mid-2019 estimate", "loaded_at": figures[0]["loaded_at"]}
    ]
    # A ROCU has no population figures of its own
    assert client.get("/api/organisations/swrocu/populations").status_code == 404


def test_regions_list_their_organisations(client_for, wiltshire_analyst):
    regions = {r["slug"]: r for r in client_for(wiltshire_analyst).get("/api/regions").json()}
    assert len(regions) == 10
    assert "wiltshire" in regions["south-west"]["organisations"]
    assert "swrocu" in regions["south-west"]["organisations"]


# --------------------------------------------------------------------------- users


def test_an_administrator_lists_only_their_organisations_users(
    client_for, wiltshire_admin, wiltshire_analyst, dorset_analyst, nca_officer
):
    body = client_for(wiltshire_admin).get("/api/users").json()
    assert {u["username"] for u in body["items"]} == {"wiltshire.admin", "wiltshire.analyst"}
    assert body["count"] == 2
    assert {u["organisation"] for u in body["items"]} == {"wiltshire"}


def test_a_national_administrator_lists_every_user(
    client_for, nca_admin, wiltshire_analyst, dorset_analyst
):
    body = client_for(nca_admin).get("/api/users", {"page_size": 100}).json()
    assert {"wiltshire.analyst", "dorset.analyst", "nca.admin"} <= {
        u["username"] for u in body["items"]
    }


def test_users_can_be_filtered(client_for, nca_admin, wiltshire_analyst, wiltshire_validator,
                               dorset_analyst):
    client = client_for(nca_admin)
    by_role = client.get("/api/users", {"role": "validator"}).json()
    assert [u["username"] for u in by_role["items"]] == ["wiltshire.validator"]
    by_org = client.get("/api/users", {"organisation": "dorset"}).json()
    assert [u["username"] for u in by_org["items"]] == ["dorset.analyst"]
    assert client.get("/api/users", {"role": "emperor"}).status_code == 400


def test_another_organisations_user_is_a_404(client_for, wiltshire_admin, dorset_analyst):
    client = client_for(wiltshire_admin)
    assert client.get("/api/users/dorset.analyst").status_code == 404
    assert client.get("/api/users/nobody.at.all").status_code == 404
    response = client.patch("/api/users/dorset.analyst", {"roles": ["validator"]},
                            content_type="application/json")
    assert response.status_code == 404
    assert client.post("/api/users/dorset.analyst/reset-password").status_code == 404


def test_a_user_is_found_whatever_the_case_of_the_name(client_for, wiltshire_admin,
                                                       wiltshire_analyst):
    body = client_for(wiltshire_admin).get("/api/users/Wiltshire.Analyst").json()
    assert body["username"] == "wiltshire.analyst"
    assert body["roles"] == ["analyst"]


def new_user_payload(**changes):
    payload = {
        "username": "jo.bloggs", "email": "jo.bloggs@wiltshire.example", "first_name": "Jo",
        "last_name": "Bloggs", "organisation": "wiltshire", "roles": ["analyst"],
    }
    payload.update(changes)
    return payload


def test_an_administrator_creates_a_user_through_the_api(client_for, wiltshire_admin):
    response = client_for(wiltshire_admin).post("/api/users", new_user_payload(),
                                                content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["username"] == "jo.bloggs"
    assert body["user"]["roles"] == ["analyst"]
    user = User.objects.get(username="jo.bloggs")
    assert user.check_password(body["temporary_password"])
    assert user.password_change_required


def test_a_duplicate_user_is_a_400_naming_the_field(client_for, wiltshire_admin,
                                                    wiltshire_analyst):
    users_before = User.objects.count()
    response = client_for(wiltshire_admin).post(
        "/api/users", new_user_payload(username="Wiltshire.Analyst"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["username"] == [
        "A user with the log-in name 'wiltshire.analyst' already exists."
    ]
    assert User.objects.count() == users_before


def test_an_unknown_organisation_or_team_is_a_400(client_for, wiltshire_admin):
    client = client_for(wiltshire_admin)
    response = client.post("/api/users", new_user_payload(organisation="atlantis"),
                           content_type="application/json")
    assert response.status_code == 400
    assert "organisation" in response.json()["errors"]
    response = client.post("/api/users", new_user_payload(team="No Such Team"),
                           content_type="application/json")
    assert response.status_code == 400
    assert "team" in response.json()["errors"]


@pytest.mark.parametrize("persona", ["wiltshire_analyst", "inspector"])
def test_a_non_administrator_cannot_create_users(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        "/api/users", new_user_payload(), content_type="application/json"
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="jo.bloggs").exists()


def test_a_force_administrator_cannot_create_users_elsewhere(client_for, wiltshire_admin):
    response = client_for(wiltshire_admin).post(
        "/api/users", new_user_payload(organisation="dorset"), content_type="application/json"
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="jo.bloggs").exists()


def test_an_administrator_changes_roles_through_the_api(client_for, wiltshire_admin,
                                                        wiltshire_analyst):
    response = client_for(wiltshire_admin).patch(
        "/api/users/wiltshire.analyst",
        {"roles": ["analyst", "validator"], "reason": "Trained"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["analyst", "validator"]
    wiltshire_analyst.forget_cached_roles()
    assert wiltshire_analyst.role_codes == {"analyst", "validator"}
    event = AuditEvent.objects.get(action="user.changed")
    assert event.reason == "Trained"
    assert event.changes == {"roles": [["analyst"], ["analyst", "validator"]]}


def test_a_patch_changes_only_the_fields_sent(client_for, wiltshire_admin, wiltshire_analyst):
    response = client_for(wiltshire_admin).patch(
        "/api/users/wiltshire.analyst", {"job_title": "Senior analyst"},
        content_type="application/json",
    )
    assert response.status_code == 200
    wiltshire_analyst.refresh_from_db()
    assert wiltshire_analyst.job_title == "Senior analyst"
    assert wiltshire_analyst.role_codes == {"analyst"}
    assert wiltshire_analyst.first_name == "Test"


def test_an_invalid_patch_is_a_400(client_for, wiltshire_admin):
    response = client_for(wiltshire_admin).patch(
        "/api/users/wiltshire.admin", {"roles": ["analyst"]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["roles"] == ["You cannot remove your own administrator role."]


def test_a_non_administrator_cannot_change_users(client_for, wiltshire_analyst,
                                                 wiltshire_validator):
    response = client_for(wiltshire_analyst).patch(
        "/api/users/wiltshire.validator", {"roles": ["administrator"]},
        content_type="application/json",
    )
    assert response.status_code == 403
    wiltshire_validator.forget_cached_roles()
    assert wiltshire_validator.role_codes == {"validator"}


def test_an_administrator_resets_a_password_through_the_api(client_for, wiltshire_admin,
                                                            wiltshire_analyst):
    response = client_for(wiltshire_admin).post("/api/users/wiltshire.analyst/reset-password")
    assert response.status_code == 200
    wiltshire_analyst.refresh_from_db()
    assert wiltshire_analyst.check_password(response.json()["temporary_password"])


# --------------------------------------------------------------------------- audit


def test_an_administrator_reads_the_audit_trail_of_their_organisation_through_the_api(
    client_for, wiltshire_admin, nca_admin, org
):
    # Given a user created by the Wiltshire administrator and one by the NCA administrator
    from socmap.orgs.services import create_user

    for actor, username, organisation in ((wiltshire_admin, "made.by.wiltshire", "Wiltshire"),
                                          (nca_admin, "made.by.nca", "Dorset")):
        create_user(actor=actor, username=username, email=f"{username}@test.example",
                    first_name="A", last_name="B", organisation=org(organisation),
                    roles=["analyst"])

    # When each administrator reads user.created events through the API
    def created(admin):
        body = client_for(admin).get("/api/audit", {"action": "user.created"}).json()
        return {e["target"] for e in body["items"]}, body["items"]

    wiltshire_sees, items = created(wiltshire_admin)
    nca_sees, _ = created(nca_admin)

    # Then Wiltshire sees only its own administrator's event; the NCA sees both
    assert wiltshire_sees == {"A B (made.by.wiltshire)"}
    assert items[0]["actor"] == "wiltshire.admin"
    assert items[0]["organisation"] == "Wiltshire"
    assert items[0]["changes"]["roles"] == ["analyst"]
    assert {"A B (made.by.wiltshire)", "A B (made.by.nca)"} <= nca_sees


def test_an_analyst_cannot_read_the_audit_trail_through_the_api(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).get("/api/audit")
    assert response.status_code == 403


# --------------------------------------------------------------------------- documentation


def test_the_openapi_schema_describes_the_api(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "socmap API"
    for path in ("/api/me", "/api/organisations", "/api/users", "/api/users/{username}",
                 "/api/populations/import", "/api/audit"):
        assert path in schema["paths"]


def test_the_api_docs_render_for_a_signed_in_user(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_kinds_offered_by_the_api_are_the_organisation_kinds():
    assert set(OrganisationKind.values) == {"force", "rocu", "national", "partner"}


def test_an_analyst_cannot_list_users_through_the_api(client_for, wiltshire_analyst):
    # The users pages are for administrators; the API answers the same.
    response = client_for(wiltshire_analyst).get("/api/users")
    assert response.status_code == 403
    assert "administrators" in response.json()["detail"]
    assert client_for(wiltshire_analyst).get("/api/users/wiltshire.analyst").status_code == 403


def test_a_password_reset_revokes_the_users_api_tokens(wiltshire_admin, wiltshire_analyst):
    from django.test import Client

    from socmap.orgs.services import create_api_token, reset_password

    _, raw = create_api_token(actor=wiltshire_analyst, user=wiltshire_analyst, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/me").status_code == 200
    # When an administrator resets the password (the account may be compromised)
    reset_password(actor=wiltshire_admin, user=wiltshire_analyst)
    # Then the token no longer works
    assert client.get("/api/me").status_code == 401
    assert not wiltshire_analyst.api_tokens.filter(revoked_at__isnull=True).exists()
