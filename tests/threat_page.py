"""A threat's page as the browser shows it: the page, then what it loads after itself (its
plan, disruptions, lifetime and intelligence panels, and its network)."""

from __future__ import annotations

from django.urls import reverse


def as_shown(client, threat) -> str:
    pk = getattr(threat, "pk", threat)
    page = client.get(reverse("threats:detail", args=[pk]))
    assert page.status_code == 200, page.status_code
    panels = client.get(reverse("threats:panels", args=[pk]), HTTP_HX_REQUEST="true")
    network = client.get(reverse("networks:panel", args=["threat", pk]))
    return page.content.decode() + panels.content.decode() + network.content.decode()
