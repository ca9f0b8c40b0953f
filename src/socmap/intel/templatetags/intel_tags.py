"""Template helpers for the intelligence pages."""

from django import template

from socmap.web.tables import first_and_count

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
    shown, count = first_and_count(
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
        .order_by("-reported_on", "-id"),
        SHOWN,
    )
    triggers, trigger_count = first_and_count(
        selectors.triggers_for(user).filter(threat=threat), SHOWN
    )
    return {
        "threat": threat,
        "reports": shown,
        "count": count,
        "triggers": triggers,
        "trigger_count": trigger_count,
    }
