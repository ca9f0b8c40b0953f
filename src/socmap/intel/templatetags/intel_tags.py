"""Template helpers for the intelligence pages."""

from django import template

register = template.Library()
SHOWN = 5  # reports and trigger reports listed on a threat's page


@register.filter
def has_role(user, code: str) -> bool:
    """``{% if user|has_role:"administrator" %}``"""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(code))


@register.inclusion_tag("intel/includes/threat_intel.html", takes_context=True)
def threat_intel_panel(context, threat):
    """The intelligence panel on the threat page: reports linked to it that the user may know
    of (gradings only) and trigger reports accepted into it."""
    from socmap.intel import selectors

    user = context["request"].user
    reports = selectors.reports_for(user).filter(threats=threat)
    # gradings only: never the original text, nor the people and organisations behind it
    shown = list(
        reports.select_related(None)
        .only(
            "pk",
            "reported_on",
            "classification",
            "grading_system",
            "source_evaluation",
            "intelligence_assessment",
            "handling_code",
            "handling_conditions",
        )  # fmt: skip
        .order_by("-reported_on", "-id")[:SHOWN]
    )
    triggers = selectors.triggers_for(user).filter(threat=threat)
    triggers_shown = list(triggers[:SHOWN])
    return {
        "threat": threat,
        "reports": shown,
        "count": len(shown) if len(shown) < SHOWN else reports.count(),
        "triggers": triggers_shown,
        "trigger_count": (len(triggers_shown) if len(triggers_shown) < SHOWN else triggers.count()),
    }
