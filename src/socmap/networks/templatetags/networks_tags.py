"""The network panel on the person and threat pages (people and threats do not import
networks), and a small lookup filter for the network tables."""

from django import template
from django.urls import reverse

from socmap.errors import InvalidInput

register = template.Library()

# A person's panel shows their associates and threats; a threat's shows its members and
# their associates (two steps), as the threat page's "Network of associates".
PANEL_STEPS = {"nominal": 1, "threat": 2}
# Panels the page loads after itself (networks:panel): a threat's two-step network is the
# slowest part of the threat page, so the page is shown first and the network follows; the
# picture then draws from the data that came with the panel instead of asking for it again.
DEFERRED = {"threat"}


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


def panel_context(user, kind: str, pk: int, *, embed: bool = False) -> dict:
    """What the network panel of a person's or threat's page shows; ``embed`` adds the
    picture's data to the panel (a panel loaded after its page)."""
    from socmap.networks.views import network_data

    base = reverse("networks:network", kwargs={"kind": kind, "pk": pk})
    steps = PANEL_STEPS.get(kind, 1)
    try:
        view = network_data(user, kind, pk, {"steps": steps})
    except InvalidInput as invalid:
        return {"error": invalid.summary(), "full_url": base}
    return {
        "view": view,
        "labels": {n.key: n.label for n in view.nodes},
        "data_url": f"{base}?steps={steps}&format=json",
        "data": view.as_json() if embed else None,
        "full_url": f"{base}?steps={max(steps, 2)}",
        "name": f"network-{kind}-{pk}",
        "picture_id": "network-panel",
    }


@register.inclusion_tag("networks/includes/panel_slot.html", takes_context=True)
def network_panel(context, kind: str, pk: int):
    """The panel itself, or for a DEFERRED kind the place the page loads it into."""
    if kind in DEFERRED:
        base = reverse("networks:network", kwargs={"kind": kind, "pk": pk})
        return {
            "deferred": True,
            "panel_url": reverse("networks:panel", kwargs={"kind": kind, "pk": pk}),
            "full_url": f"{base}?steps={max(PANEL_STEPS.get(kind, 1), 2)}",
        }
    return panel_context(context["request"].user, kind, pk)
