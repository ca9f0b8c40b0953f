"""HTML and script typed into a text field come back escaped on every page that shows it
(the access matrix checks every text field of every record on every page; this is the story
end to end through the forms)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socmap.threats.models import Threat

pytestmark = pytest.mark.django_db
PAYLOAD = '<script>alert("socmap")</script><img src=x onerror=alert(1)>'


def test_a_script_typed_into_a_threat_round_trips_escaped(
    client_for, make_threat, wiltshire_analyst
):
    threat = make_threat(wiltshire_analyst, "Northgate firm")
    Threat.objects.filter(pk=threat.pk).update(name=PAYLOAD, description=PAYLOAD)
    client = client_for(wiltshire_analyst)
    for url in (
        reverse("threats:list"),
        reverse("threats:detail", args=[threat.pk]),
        reverse("threats:edit", args=[threat.pk]),
        "/audit/",
    ):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
    detail = client.get(reverse("threats:detail", args=[threat.pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;socmap&quot;)&lt;/script&gt;" in detail
    # the API returns the text as data (JSON), for a client to escape where it shows it
    assert client.get(f"/api/threats/{threat.pk}").json()["name"] == PAYLOAD


def test_a_formula_typed_into_a_threat_is_neutralised_in_the_csv(
    client_for, make_threat, wiltshire_analyst
):
    threat = make_threat(wiltshire_analyst, "Northgate firm")
    Threat.objects.filter(pk=threat.pk).update(name='=HYPERLINK("http://evil.example","x")')
    body = client_for(wiltshire_analyst).get("/threats/?format=csv").content.decode()
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body and '"=HYPERLINK' not in body
