"""The network panel on the person and threat pages (people and threats do not import
networks), and a small lookup filter for the network tables."""

from django import template
from django.urls import reverse

from socmap.errors import InvalidInput

register = template.Library()

# A person's panel shows their associates and threats; a threat's shows its members and
# their associates (two steps), as the threat page's "Network of associates".
PANEL_STEPS = {"nominal": 1, "threat": 2}


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.inclusion_tag("networks/includes/panel.html", takes_context=True)
def network_panel(context, kind: str, pk: int):
    from socmap.networks.views import network_data

    user = context["request"].user
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
        "full_url": f"{base}?steps={max(steps, 2)}",
        "name": f"network-{kind}-{pk}",
        "picture_id": "network-panel",
    }
