"""The disruptions panel on the threat page (the threats app does not import disruptions),
and the disruption list's rows."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from socmap.disruptions.selectors import threat_disruptions
from socmap.web.templatetags.socmap_tags import day_month_year

register = template.Library()


@register.simple_tag
def disruption_row(disruption) -> str:
    """One ``<tr>`` of the disruption list, written directly (as the threat list's rows are:
    fifty rows through the template engine, with two included templates each, were most of
    the page's time). The grade and status badges are those of ``includes/grade.html`` and
    ``includes/status.html``; the columns are in ``disruption_list.html``."""
    d = disruption
    tactic = (
        format_html('{} <span class="muted">(Op {})</span>', d.tactic.name, d.operation_name)
        if d.operation_name
        else d.tactic.name
    )
    grade = (
        format_html('<span class="grade grade--{}">{}</span>', d.grade, d.get_grade_display())
        if d.grade
        else format_html('<span class="grade grade--ungraded">{}</span>', "Not graded")
    )
    return format_html(
        "<tr>"
        '<td class="nowrap"><a href="{}">{}</a></td>'
        '<td class="nowrap"><time datetime="{}">{}</time></td>'
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        '<td><span class="status status--{}">{}</span></td>'
        "<td>{}</td><td>{}</td>"
        "</tr>",
        reverse("disruptions:detail", args=[d.pk]),
        d.reference,
        d.occurred_on.isoformat(),
        day_month_year(d.occurred_on),
        ", ".join(getattr(d, "threat_references", [])),
        tactic,
        d.get_category_display(),
        grade,
        d.status,
        d.get_status_display(),
        d.owner.display_short_name,
        d.acting_organisation.display_short_name,
    )


@register.inclusion_tag("disruptions/includes/threat_disruptions.html", takes_context=True)
def threat_disruptions_panel(context, threat):
    from socmap.disruptions.views import may_record

    user = context["request"].user
    return {
        "threat": threat,
        "user": user,
        "summary": threat_disruptions(user, threat),
        "may_record": may_record(user),
        "css": static("disruptions/disruptions.css"),
    }
