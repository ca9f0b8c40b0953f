"""Every page opens for the people it is for, refuses those it is not for, and sends anyone
not signed in to the sign-in page. Lists filter and export as CSV; administrators create users
and see a temporary password once; anyone can issue themselves an API token.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from socmap.audit.models import AuditEvent
from socmap.orgs.models import ApiToken, Role, User

pytestmark = pytest.mark.django_db

PAGES = [
    # (url name, kwargs, persona allowed, persona refused or None)
    ("dashboard", {}, "wiltshire_analyst", None),
    ("orgs:organisation-list", {}, "wiltshire_analyst", None),
    ("orgs:organisation-detail", {"slug": "wiltshire"}, "wiltshire_analyst", None),
    ("orgs:population-list", {}, "wiltshire_analyst", None),
    ("orgs:population-import", {}, "wiltshire_admin", "wiltshire_analyst"),
    ("orgs:user-list", {}, "wiltshire_admin", "wiltshire_analyst"),
    ("orgs:user-create", {}, "wiltshire_admin", "wiltshire_analyst"),
    ("orgs:user-detail", {"username": "wiltshire.admin"}, "wiltshire_admin",
     "wiltshire_analyst"),
    ("orgs:account", {}, "wiltshire_analyst", None),
    ("audit:event-list", {}, "wiltshire_admin", "wiltshire_analyst"),
]


def _url(name, kwargs):
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("name", "kwargs", "allowed", "refused"), PAGES,
                         ids=[p[0] for p in PAGES])
def test_the_page_opens_for_the_people_it_is_for(request, client_for, wiltshire_admin, name,
                                                 kwargs, allowed, refused):
    response = client_for(request.getfixturevalue(allowed)).get(_url(name, kwargs))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("name", "kwargs", "allowed", "refused"),
                         [p for p in PAGES if p[3]], ids=[p[0] for p in PAGES if p[3]])
def test_the_page_is_refused_to_people_without_the_role(request, client_for, wiltshire_admin,
                                                        name, kwargs, allowed, refused):
    response = client_for(request.getfixturevalue(refused)).get(_url(name, kwargs))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "kwargs", "allowed", "refused"), PAGES,
                         ids=[p[0] for p in PAGES])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, wiltshire_admin, name, kwargs, allowed,
                                                 refused):
    url = _url(name, kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("persona", ["wiltshire_analyst", "wiltshire_validator", "swrocu_officer",
                                     "nca_admin", "inspector", "council_partner"])
def test_every_persona_reaches_their_dashboard(request, client_for, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get("/")
    assert response.status_code == 200
    titles = [panel["title"] for panel in response.context["panels"]]
    assert "Your organisation" in titles
    assert ("Users" in titles) == user.has_role(Role.ADMINISTRATOR)
    assert escape(user.organisation.name) in response.content.decode()


def test_navigation_offers_only_what_the_user_may_use(client_for, wiltshire_analyst,
                                                      wiltshire_admin):
    def labels(user):
        response = client_for(user).get(reverse("orgs:organisation-list"))
        return [item["label"] for item in response.context["nav_items"]]

    assert "Users" not in labels(wiltshire_analyst)
    assert "Audit trail" not in labels(wiltshire_analyst)
    assert {"Users", "Audit trail"} <= set(labels(wiltshire_admin))


# --------------------------------------------------------------------------- organisations


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_organisation_list_filters_by_kind_region_and_name(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    url = reverse("orgs:organisation-list")

    def names(**params):
        return [o.name for o in client.get(url, params).context["page"].object_list]

    assert len(names(kind="force")) == 43
    assert set(names(region="south-west")) == {
        "Avon and Somerset", "Devon and Cornwall", "Dorset", "Gloucestershire", "Wiltshire",
        "SWROCU (South West ROCU)",
    }
    assert names(q="wilts") == ["Wiltshire"]
    assert names(kind="nonsense", q="wilts") == ["Wiltshire"]  # an unknown kind is ignored


def test_the_organisation_list_exports_as_csv(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    url = reverse("orgs:organisation-list")
    rows = csv_rows(client.get(url, {"format": "csv", "kind": "force"}))
    assert rows[0] == ["Name", "Short name", "Kind", "Region", "Sector", "Latest population",
                       "Year"]
    assert len(rows) == 1 + 43
    assert ["Wiltshire", "Wiltshire", "Police force", "South West", "", "722217", "2019"] in rows
    south_west = csv_rows(client.get(url, {"format": "csv", "region": "south-west",
                                           "sort": "name"}))
    assert [r[0] for r in south_west[1:]] == [
        "Avon and Somerset", "Devon and Cornwall", "Dorset", "Gloucestershire",
        "SWROCU (South West ROCU)", "Wiltshire",
    ]


def test_an_unknown_organisation_is_a_404(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).get(
        reverse("orgs:organisation-detail", kwargs={"slug": "atlantis"})
    )
    assert response.status_code == 404


def test_a_force_page_shows_its_population_figures(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).get(
        reverse("orgs:organisation-detail", kwargs={"slug": "wiltshire"})
    )
    assert [(f.year, f.population) for f in response.context["figures"]] == [(2019, 722_217)]
    assert response.context["teams"] == []  # only administrators see teams


def test_the_population_list_exports_as_csv(client_for, wiltshire_analyst):
    rows = csv_rows(client_for(wiltshire_analyst).get(reverse("orgs:population-list"),
                                                      {"format": "csv", "year": "2019"}))
    assert rows[0] == ["force", "year", "population", "basis"]
    assert len(rows) == 1 + 43
    assert ["Wiltshire", "2019", "722217", "ONS mid-2019 estimate"] in rows


def test_the_population_list_offers_the_upload_form_only_to_those_who_may_load(
    client_for, wiltshire_analyst, wiltshire_admin
):
    url = reverse("orgs:population-list")
    assert client_for(wiltshire_analyst).get(url).context["form"] is None
    assert client_for(wiltshire_admin).get(url).context["form"] is not None


# --------------------------------------------------------------------------- users


def test_the_user_list_shows_only_the_administrators_organisation(
    client_for, wiltshire_admin, wiltshire_analyst, dorset_analyst
):
    response = client_for(wiltshire_admin).get(reverse("orgs:user-list"))
    usernames = {u.username for u in response.context["page"].object_list}
    assert usernames == {"wiltshire.admin", "wiltshire.analyst"}
    assert "dorset.analyst" not in response.content.decode()


def test_the_user_list_exports_as_csv(client_for, wiltshire_admin, wiltshire_analyst,
                                      dorset_analyst):
    rows = csv_rows(client_for(wiltshire_admin).get(reverse("orgs:user-list"),
                                                    {"format": "csv"}))
    assert rows[0][0] == "username"
    assert {r[0] for r in rows[1:]} == {"wiltshire.admin", "wiltshire.analyst"}


def test_another_organisations_user_page_is_a_404(client_for, wiltshire_admin, dorset_analyst):
    response = client_for(wiltshire_admin).get(
        reverse("orgs:user-detail", kwargs={"username": "dorset.analyst"})
    )
    assert response.status_code == 404


def user_form(org, **changes):
    data = {"username": "jo.bloggs", "first_name": "Jo", "last_name": "Bloggs",
            "email": "jo.bloggs@wiltshire.example", "job_title": "Analyst",
            "organisation": org("Wiltshire").pk, "roles": [Role.ANALYST]}
    data.update(changes)
    return data


def test_an_administrator_creates_a_user_and_sees_the_temporary_password_once(
    client_for, wiltshire_admin, org
):
    client = client_for(wiltshire_admin)
    # When the administrator fills in the new-user form
    response = client.post(reverse("orgs:user-create"), user_form(org))
    # Then the user exists and the temporary password is shown
    assert response.status_code == 200
    temporary = response.context["temporary_password"]
    assert temporary
    assert temporary in response.content.decode()
    user = User.objects.get(username="jo.bloggs")
    assert user.check_password(temporary)
    assert user.password_change_required
    # And it is never shown again
    again = client.get(reverse("orgs:user-detail", kwargs={"username": "jo.bloggs"}))
    assert again.status_code == 200
    assert temporary not in again.content.decode()


def test_a_duplicate_log_in_name_on_the_web_form_shows_the_message(
    client_for, wiltshire_admin, wiltshire_analyst, org
):
    users_before = User.objects.count()
    response = client_for(wiltshire_admin).post(
        reverse("orgs:user-create"), user_form(org, username="Wiltshire.Analyst")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["username"] == [
        "A user with the log-in name 'wiltshire.analyst' already exists."
    ]
    assert "already exists" in response.content.decode()
    assert User.objects.count() == users_before


def test_a_force_administrator_cannot_pick_another_organisation(client_for, wiltshire_admin,
                                                                org):
    response = client_for(wiltshire_admin).post(
        reverse("orgs:user-create"), user_form(org, organisation=org("Dorset").pk)
    )
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(username="jo.bloggs").exists()


def test_an_administrator_changes_a_user_on_the_web(client_for, wiltshire_admin,
                                                    wiltshire_analyst):
    url = reverse("orgs:user-detail", kwargs={"username": "wiltshire.analyst"})
    response = client_for(wiltshire_admin).post(url, {
        "first_name": "Amira", "last_name": "Khan", "email": "amira@wiltshire.example",
        "job_title": "Senior analyst", "roles": [Role.ANALYST, Role.VALIDATOR],
        "is_active": "on", "reason": "Promoted",
    })
    assert response.status_code == 302
    assert response.url == url
    wiltshire_analyst.refresh_from_db()
    wiltshire_analyst.forget_cached_roles()
    assert wiltshire_analyst.role_codes == {Role.ANALYST, Role.VALIDATOR}
    assert wiltshire_analyst.first_name == "Amira"
    assert AuditEvent.objects.get(action="user.changed").reason == "Promoted"


def test_an_administrator_resets_a_password_on_the_web(client_for, wiltshire_admin,
                                                       wiltshire_analyst):
    url = reverse("orgs:user-reset-password", kwargs={"username": "wiltshire.analyst"})
    client = client_for(wiltshire_admin)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    wiltshire_analyst.refresh_from_db()
    assert wiltshire_analyst.check_password(response.context["temporary_password"])
    assert response.context["temporary_password"] in response.content.decode()


# --------------------------------------------------------------------------- own account


def test_the_account_page_issues_an_api_token(client_for, wiltshire_analyst):
    client = client_for(wiltshire_analyst)
    # When the analyst asks for a token for a script
    response = client.post(reverse("orgs:account"), {"name": "nightly export", "days": "30"})
    # Then the token is shown once and works against the API
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("smp_")
    assert raw in response.content.decode()
    token = ApiToken.objects.get(user=wiltshire_analyst)
    assert token.name == "nightly export"
    from django.test import Client

    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/me").status_code == 200
    # And the account page shown later lists the token by name, not its key
    later = client.get(reverse("orgs:account"))
    assert "nightly export" in later.content.decode()
    assert raw not in later.content.decode()


def test_the_account_page_refuses_a_token_without_a_name(client_for, wiltshire_analyst):
    response = client_for(wiltshire_analyst).post(reverse("orgs:account"),
                                                  {"name": "", "days": "30"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_account_page_shows_the_users_scope(client_for, swrocu_officer):
    response = client_for(swrocu_officer).get(reverse("orgs:account"))
    assert response.context["scope"].description == "records of the South West region"
    assert "Records of the South West region" in response.content.decode()
