"""What each hit on a page of results is: its record, title, link, a line of detail and an
excerpt around the words searched for. One query per kind on the page.

An intelligence report's original text is never excerpted here, whoever searches: reading an
original is done on its page, where each reading is recorded."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from socmap.search import rules


def _by_pk(queryset, pks):
    return {obj.pk: obj for obj in queryset.filter(pk__in=pks)}


def describe(user, request, hits) -> None:
    from socmap.disruptions.models import Disruption
    from socmap.intel.models import IntelligenceReport, SanitisedCopy
    from socmap.people.models import Nominal
    from socmap.plans.models import Plan
    from socmap.profiles import rules as profile_rules
    from socmap.profiles import selectors as profiles
    from socmap.profiles.models import LocalProfile
    from socmap.threats.models import Threat

    wanted: dict[tuple[str, str], list[int]] = defaultdict(list)
    for hit in hits:
        wanted[(hit.kind, hit.label)].append(hit.pk)
    words = list(request.words)
    loaded = {
        ("threat", ""): lambda pks: _by_pk(
            Threat.objects.select_related("owner", "predominant_crime_type"), pks
        ),
        ("nominal", ""): lambda pks: _by_pk(
            Nominal.objects.select_related("owner").prefetch_related("aliases"), pks
        ),
        ("plan", ""): lambda pks: _by_pk(Plan.objects.select_related("threat__owner"), pks),
        ("disruption", ""): lambda pks: _by_pk(
            Disruption.objects.select_related("owner", "tactic"), pks
        ),
        ("intel", "report"): lambda pks: _by_pk(
            IntelligenceReport.objects.select_related("owner"), pks
        ),
        ("intel", "copy"): lambda pks: _by_pk(
            SanitisedCopy.objects.select_related("report__owner"), pks
        ),
        ("profile", ""): lambda pks: _by_pk(
            LocalProfile.objects.select_related("owner", "force", "local_area", "region"), pks
        ),
    }
    records = {key: loaded[key](pks) for key, pks in wanted.items()}
    readable = None
    for hit in hits:
        record = records[(hit.kind, hit.label)].get(hit.pk)
        hit.record = record
        if record is None:  # removed between the two queries
            hit.title = "(no longer available)"
            continue
        if hit.kind == "threat":
            hit.title = f"{record.reference} {record.name}"
            hit.url = reverse("threats:detail", args=[record.pk])
            band = f" · band {record.current_band}" if record.current_band else ""
            hit.detail = (
                f"{record.get_kind_display()} · {record.owner.name} · "
                f"{record.get_status_display()} · {record.predominant_crime_type.name}{band}"
            )
            hit.excerpt = rules.excerpt(record.description, words)
        elif hit.kind == "nominal":
            hit.title = str(record)
            hit.url = reverse("people:detail", args=[record.pk])
            hit.detail = record.owner.name
            hit.matched = _nominal_matched(record, words)
        elif hit.kind == "plan":
            hit.title = (
                f"{record.reference} 4P plan for {record.threat.reference} {record.threat.name}"
            )
            hit.url = reverse("plans:detail", args=[record.pk])
            hit.detail = (
                f"{record.threat.owner.name} · next review {record.next_review_due:%d %b %Y}"
            )
            hit.excerpt = rules.excerpt(record.look_for, words)
        elif hit.kind == "disruption":
            hit.title = f"{record.reference} {record.tactic.name}"
            hit.url = reverse("disruptions:detail", args=[record.pk])
            hit.detail = (
                f"{record.get_category_display()} · {record.owner.name} · "
                f"{record.occurred_on:%d %b %Y} · {record.get_status_display()}"
            )
            hit.excerpt = rules.excerpt(record.narrative, words)
        elif hit.kind == "intel" and hit.label == "report":
            if readable is None:
                from socmap.intel.selectors import readable_classifications

                readable = set(readable_classifications(user))
            hit.title = f"{record.reference} intelligence report {record.grading_code}"
            hit.url = reverse("intel:report", args=[record.pk])
            hit.detail = (
                f"{record.owner.name} · {record.reported_on:%d %b %Y} · "
                f"{record.get_classification_display()}"
            )
            in_reference = any(w in (record.external_reference or "").lower() for w in words)
            hit.matched = (
                f"reference {record.external_reference}"
                if in_reference
                else "the original text (open the report to read it; each reading is recorded)"
            )
        elif hit.kind == "intel":
            hit.title = f"{record.reference} sanitised copy of {record.report.reference}"
            hit.url = reverse("intel:copy", args=[record.pk])
            hit.detail = f"{record.report.owner.name} · {record.report.reported_on:%d %b %Y}"
            hit.excerpt = rules.excerpt(record.text, words)
        elif hit.kind == "profile":
            hit.title = f"{record.reference} {record.title}"
            hit.url = reverse("profiles:detail", args=[record.pk])
            hit.detail = (
                f"{record.get_area_kind_display()}: {record.area_name} · version {record.version}"
            )
            version = record.versions.filter(number=record.version).first()
            sections = dict(version.sections) if version else {}
            if profiles.is_partner(user):
                sections = profile_rules.partner_sections(sections)
            text = next(
                (t for t in sections.values() if any(w in (t or "").lower() for w in words)), ""
            )
            hit.excerpt = rules.excerpt(text, words)


def _nominal_matched(nominal, words: list[str]) -> str:
    """Which name or alias the search found (the closest one)."""
    names = [("name", nominal.full_name), ("surname", nominal.surname)] + [
        (f"{alias.get_kind_display().lower()}", alias.name) for alias in nominal.aliases.all()
    ]
    best = max(names, key=lambda pair: rules.best_word_similarity(pair[1], words))
    score = rules.best_word_similarity(best[1], words)
    if best[0] in ("name", "surname"):
        return "" if score >= 1 else f"similar name ({score:.0%} alike)"
    return f"{best[0]} '{best[1]}'" + ("" if score >= 1 else f" ({score:.0%} alike)")
