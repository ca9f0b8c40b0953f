"""Reads of local profiles, strategic assessments and the control strategy, always scoped.

``user=None`` is the system operator at the command line (as for writes), who sees everything.
The figures of a profile are generated from the records the generating user may see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from socmap.fourp import FourP
from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, Region
from socmap.orgs.scoping import ScopeLevel, get_visible_or_404, scope_for, visible_to
from socmap.profiles import rules
from socmap.profiles.models import (
    AreaKind,
    LocalProfile,
    Priority,
    PriorityKind,
    ProfileVersion,
    SixMonthReview,
    StrategicAssessment,
)

PARTNER = "partner"
FULL = "full"
EDITIONS = (FULL, PARTNER)


def _scoped(user, queryset: QuerySet) -> QuerySet:
    return queryset if user is None else visible_to(user, queryset)


def _circulated(user, queryset: QuerySet) -> QuerySet:
    """What a profile may count: what ``user`` sees, less every restricted record even if
    ``user`` is named in its restriction - a profile is read by everyone it is shared with,
    so a sensitive operation never enters its figures, whoever generates it."""
    from socmap.orgs.scoping import restriction_filter

    queryset = _scoped(user, queryset)
    unrestricted = restriction_filter(None, queryset.model)
    return queryset if unrestricted is None else queryset.filter(unrestricted)


def _get_or_404(user, queryset: QuerySet, **lookup):
    """One record for ``user`` (404 outside their scope); ``None`` is the operator."""
    if user is not None:
        return get_visible_or_404(user, queryset, **lookup)
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404(f"No {queryset.model._meta.verbose_name} found.")
    return found


def is_partner(user) -> bool:
    return user is not None and scope_for(user).level == ScopeLevel.PARTNER


# --------------------------------------------------------------------------- profiles

PROFILE_SORTS = {
    "updated": ("-updated_at", "-id"),
    "title": ("title", "id"),
    "area": ("area_kind", "title", "id"),
}


def profiles_for(user) -> QuerySet[LocalProfile]:
    """The profiles ``user`` may see: in scope, or shared with their organisation."""
    return _scoped(
        user,
        LocalProfile.objects.select_related(
            "owner", "force", "local_area__force", "region", "created_by"
        ),
    )


def profile_list(user, *, search: str = "", sort: str = "updated") -> QuerySet[LocalProfile]:
    qs = profiles_for(user)
    search = (search or "").strip()[:100]
    if search:
        qs = qs.filter(title__icontains=search)
    return qs.order_by(*PROFILE_SORTS.get(sort, PROFILE_SORTS["updated"]))


def profile_detail(user, pk: int) -> LocalProfile:
    return _get_or_404(user, profiles_for(user), pk=pk)


def edition_for(user, requested: str = "") -> str:
    """The edition ``user`` reads: partners only ever the partner edition; others the full
    one unless they ask for the partner edition (to check what partners will see)."""
    if is_partner(user):
        return PARTNER
    return PARTNER if requested == PARTNER else FULL


def versions_of(user, profile: LocalProfile) -> QuerySet[ProfileVersion]:
    """The versions of a profile ``user`` may see (the profile is the gate: a partner it is
    shared with sees its versions, as partner editions)."""
    if (
        user is not None
        and not visible_to(user, LocalProfile.objects.filter(pk=profile.pk)).exists()
    ):
        return ProfileVersion.objects.none()
    return ProfileVersion.objects.filter(profile=profile).select_related("created_by")


def version_of(user, profile: LocalProfile, number: int | None = None) -> ProfileVersion:
    number = number or profile.version
    version = versions_of(user, profile).filter(number=number).first()
    if version is None:
        raise Http404("No profile version found.")
    return version


@dataclass(frozen=True)
class Edition:
    """One version of a profile as one reader sees it."""

    profile: LocalProfile
    version: ProfileVersion
    edition: str
    figures: dict
    sections: list[dict]  # {key, title, text}
    withheld: list[str]

    @property
    def is_partner(self) -> bool:
        return self.edition == PARTNER

    @property
    def marking(self) -> str:
        return "OFFICIAL" if self.is_partner else "OFFICIAL-SENSITIVE"


def edition(user, profile: LocalProfile, number: int | None = None, requested: str = ""):
    version = version_of(user, profile, number)
    kind = edition_for(user, requested)
    figures = dict(version.figures)
    texts = dict(version.sections)
    withheld: list[str] = []
    if kind == PARTNER:
        figures = rules.partner_figures(figures)
        texts = rules.partner_sections(texts)
        withheld = rules.withheld_statement()
    sections = [
        {"key": key, "title": title, "text": texts.get(key, "")}
        for key, title, for_partners in rules.SECTIONS
        if kind == FULL or for_partners
    ]
    return Edition(profile, version, kind, figures, sections, withheld)


def version_diff(user, profile: LocalProfile, number: int) -> dict:
    """What version ``number`` changed from the one before it (sections and headline figures)."""
    current = version_of(user, profile, number)
    previous = versions_of(user, profile).filter(number__lt=number).order_by("-number").first()
    old_sections = previous.sections if previous else {}
    changes = rules.section_diff(old_sections, current.sections)
    if is_partner(user):
        shared = set(rules.partner_sections(dict.fromkeys(rules.SECTION_KEYS, "")))
        changes = [c for c in changes if c["key"] in shared]
    figures_changed = bool(previous) and previous.figures.get("headline") != current.figures.get(
        "headline"
    )
    return {
        "version": current,
        "previous": previous,
        "changes": changes,
        "figures_changed": figures_changed,
    }


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Area:
    kind: str
    force: Organisation | None = None
    local_area: LocalArea | None = None
    region: Region | None = None

    @property
    def name(self) -> str:
        if self.kind == AreaKind.LOCAL_AREA:
            return str(self.local_area)
        if self.kind == AreaKind.REGION:
            return f"{self.region.name} region"
        return self.force.name


def _threats_in(user, area: Area):
    from socmap.threats.models import Threat

    qs = _scoped(user, Threat.objects.all())
    if area.kind == AreaKind.FORCE:
        return qs.filter(Q(owner=area.force) | Q(forces=area.force)).distinct()
    if area.kind == AreaKind.LOCAL_AREA:
        return qs.filter(local_areas=area.local_area).distinct()
    return qs.filter(
        owner__region=area.region, owner__kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU]
    )


def _owners_filter(area: Area, field: str = "owner") -> Q:
    if area.kind == AreaKind.REGION:
        return Q(
            **{
                f"{field}__region": area.region,
                f"{field}__kind__in": [OrganisationKind.FORCE, OrganisationKind.ROCU],
            }
        )
    force = area.force if area.kind == AreaKind.FORCE else area.local_area.force
    return Q(**{field: force})


def _pairs(rows, label_key: str, count_key: str = "n") -> list[list]:
    return [[r[label_key] or "—", r[count_key]] for r in rows]


def generate_figures(user, area: Area, *, start: dt.date, end: dt.date) -> dict:
    """The generated part of a profile: threats by kind, band and crime type; vulnerabilities;
    disruptions and their 4P mix; the lifetime-management picture; trends by quarter; and,
    for the full edition only, the named threats and intelligence figures."""
    from socmap.disruptions.models import Disruption
    from socmap.intel.models import IntelligenceReport
    from socmap.lifetime.models import CustodyRecord, Order
    from socmap.lifetime.rules import LIVE
    from socmap.threats.models import Status, Threat, ThreatKind

    threats = _circulated(None, _threats_in(user, area))
    threat_ids = Threat.objects.filter(pk__in=threats.values("pk"))
    active = threat_ids.filter(status=Status.ACTIVE)
    kind_labels = dict(ThreatKind.choices)
    by_kind = [
        [kind_labels.get(r["kind"], r["kind"]), r["n"]]
        for r in active.values("kind").annotate(n=Count("id")).order_by("kind")
    ]
    by_band = [
        [r["current_band"] or "Not assessed", r["n"]]
        for r in active.values("current_band", "current_band_rank")
        .annotate(n=Count("id"))
        .order_by("current_band_rank", "current_band")
    ]
    by_crime = _pairs(
        active.values("predominant_crime_type__name")
        .annotate(n=Count("id"))
        .order_by("-n", "predominant_crime_type__name"),
        "predominant_crime_type__name",
    )
    vulnerabilities = active.filter(kind=ThreatKind.VULNERABILITY)
    top = active.select_related("predominant_crime_type", "lro", "subject").order_by(
        "current_band_rank", "-current_score", "name"
    )[:15]

    if area.kind == AreaKind.LOCAL_AREA:
        disruptions = _circulated(
            user, Disruption.objects.filter(threats__in=threat_ids)
        ).distinct()
    else:
        disruptions = _circulated(user, Disruption.objects.filter(_owners_filter(area)))
    disruptions = Disruption.objects.filter(pk__in=disruptions.values("pk"))
    in_period = disruptions.filter(occurred_on__range=(start, end))
    length = end - start
    previous = disruptions.filter(
        occurred_on__range=(start - length - dt.timedelta(days=1), start - dt.timedelta(days=1))
    )
    total = in_period.count()
    by_category = dict(in_period.values_list("category").annotate(n=Count("id")).order_by())
    by_grade = dict(
        in_period.exclude(grade="").values_list("grade").annotate(n=Count("id")).order_by()
    )
    from socmap.disruptions.rules import ImpactGrade

    if area.kind == AreaKind.LOCAL_AREA:
        orders = _circulated(user, Order.objects.filter(threat__in=threat_ids))
        custody = _circulated(
            user,
            CustodyRecord.objects.filter(
                Q(nominal__memberships__threat__in=threat_ids)
                | Q(nominal__threats_as_subject__in=threat_ids)
            ),
        ).distinct()
    else:
        orders = _circulated(user, Order.objects.filter(_owners_filter(area)))
        custody = _circulated(user, CustodyRecord.objects.filter(_owners_filter(area)))
    live = orders.filter(status__in=LIVE)
    today = min(end, timezone.localdate())
    in_custody = custody.filter(released_on__isnull=True)
    quarters = []
    for label, first, last in rules.quarters_back(end, 8):
        quarters.append(
            {
                "quarter": label,
                "threats_mapped": threat_ids.filter(created_at__date__range=(first, last)).count(),
                "threats_archived": threat_ids.filter(
                    archived_at__date__range=(first, last)
                ).count(),
                "disruptions": disruptions.filter(occurred_on__range=(first, last)).count(),
            }
        )
    figures = {
        "area": area.name,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "headline": {
            "active_threats": active.count(),
            "ocgs": active.filter(kind=ThreatKind.OCG).count(),
            "priority_individuals": active.filter(kind=ThreatKind.PRIORITY_INDIVIDUAL).count(),
            "vulnerabilities": vulnerabilities.count(),
            "disruptions": total,
            "disruptions_previous": previous.count(),
            "disruptions_trend": rules.change_label(total, previous.count()),
            "live_orders": live.count(),
        },
        "threats": {"by_kind": by_kind, "by_band": by_band, "by_crime_type": by_crime},
        "vulnerabilities": {
            "count": vulnerabilities.count(),
            "by_crime_type": _pairs(
                vulnerabilities.values("predominant_crime_type__name")
                .annotate(n=Count("id"))
                .order_by("-n", "predominant_crime_type__name"),
                "predominant_crime_type__name",
            ),
        },
        "vulnerabilities_named": [
            {"reference": t.reference, "name": t.name}
            for t in vulnerabilities.order_by("name")[:20]
        ],
        "disruptions": {
            "total": total,
            "validated": in_period.filter(status="validated").count(),
            "by_category": [
                [p.label, by_category.get(p.value, 0), _share(by_category.get(p.value, 0), total)]
                for p in FourP
            ],
            "by_grade": [[g.label, by_grade.get(g.value, 0)] for g in ImpactGrade],
        },
        "lifetime": {
            "live_orders": live.count(),
            "orders_by_type": _pairs(
                live.values("order_type__name").annotate(n=Count("id")).order_by("-n"),
                "order_type__name",
            ),
            "orders_ending_90_days": live.filter(
                ends_on__range=(today, today + dt.timedelta(days=90))
            ).count(),
            "in_custody": in_custody.count(),
            "releases_90_days": in_custody.filter(
                expected_release_on__range=(today, today + dt.timedelta(days=90))
            ).count(),
        },
        "trends": quarters,
        "top_threats": [
            {
                "reference": t.reference,
                "name": t.name,
                "kind": t.get_kind_display(),
                "band": t.current_band or "Not assessed",
                "score": str(t.current_score) if t.current_score is not None else "",
                "crime_type": t.predominant_crime_type.name,
                "lro": t.lro.display_name if t.lro else "",
                "operations": ", ".join(t.operation_names or []),
            }
            for t in top
        ],
        "intelligence": {
            "reports": _circulated(
                user,
                IntelligenceReport.objects.filter(
                    threats__in=threat_ids, reported_on__range=(start, end)
                ),
            )
            .distinct()
            .count()
            if not is_partner(user)
            else 0,
        },
    }
    return figures


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


# --------------------------------------------------------------------------- control strategy

ASSESSMENT_SORTS = {
    "year": ("-year", "owner__name"),
    "owner": ("owner__name", "-year"),
    "review": ("review_due", "owner__name"),
}


def assessments_for(user) -> QuerySet[StrategicAssessment]:
    return _scoped(
        user,
        StrategicAssessment.objects.select_related("owner", "created_by").prefetch_related(
            Prefetch("reviews", queryset=SixMonthReview.objects.select_related("reviewed_by"))
        ),
    )


def with_review_state(assessments, today: dt.date | None = None) -> list[StrategicAssessment]:
    today = today or timezone.localdate()
    out = []
    for a in assessments:
        reviews = list(a.reviews.all())
        a.last_review = reviews[-1] if reviews else None
        a.review_state = rules.review_state(
            a.review_due, a.last_review.reviewed_on if a.last_review else None, today
        )
        a.review_state_label = rules.ReviewState.LABELS[a.review_state]
        a.review_days_late = (today - a.review_due).days if a.review_state == "overdue" else 0
        out.append(a)
    return out


def assessment_list(
    user, *, year: int | None = None, owner: str = "", sort: str = "year"
) -> QuerySet[StrategicAssessment]:
    qs = assessments_for(user)
    if year:
        qs = qs.filter(year=year)
    if owner:
        qs = qs.filter(owner__slug=owner)
    return qs.order_by(*ASSESSMENT_SORTS.get(sort, ASSESSMENT_SORTS["year"]))


def assessment_detail(user, pk: int) -> StrategicAssessment:
    assessment = _get_or_404(user, assessments_for(user), pk=pk)
    return with_review_state([assessment])[0]


def priorities_of(user, assessment: StrategicAssessment) -> QuerySet[Priority]:
    return _scoped(
        user,
        Priority.objects.filter(assessment=assessment).select_related(
            "crime_type", "local_area", "force_area", "threat", "created_by"
        ),
    )


def named_threat_visible(user, priority: Priority) -> bool:
    """A named priority threat is shown by reference only to users who may see the threat."""
    if priority.threat_id is None or user is None:
        return True
    from socmap.threats.models import Threat

    return visible_to(user, Threat.objects.filter(pk=priority.threat_id)).exists()


def reviews_due(user, *, within_days: int = rules.REVIEW_SOON_DAYS, today=None):
    """Assessments in scope whose six-month review is overdue or due within ``within_days``."""
    today = today or timezone.localdate()
    qs = (
        assessments_for(user)
        .filter(review_due__lte=today + dt.timedelta(days=within_days))
        .exclude(pk__in=SixMonthReview.objects.values("assessment_id"))
        .order_by("review_due", "owner__name")
    )
    return qs


def current_assessments(user, today: dt.date | None = None) -> list[StrategicAssessment]:
    """For each organisation in view, its latest assessment of this year or before."""
    today = today or timezone.localdate()
    latest: dict[int, StrategicAssessment] = {}
    for a in assessments_for(user).filter(year__lte=today.year).order_by("owner_id", "-year"):
        latest.setdefault(a.owner_id, a)
    return list(latest.values())


def _priority_facts(assessments, today) -> dict[int, list[rules.PriorityFacts]]:
    """Current priorities by the organisation whose strategy they belong to."""
    by_owner: dict[int, list[rules.PriorityFacts]] = defaultdict(list)
    ids = [a.pk for a in assessments]
    names = {a.pk: f"{a.owner.display_short_name} {a.year}" for a in assessments}
    owners = {a.pk: a.owner_id for a in assessments}
    rows = Priority.objects.filter(assessment_id__in=ids, added_on__lte=today).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=today)
    )
    for p in rows.select_related("crime_type", "local_area", "force_area", "threat"):
        by_owner[owners[p.assessment_id]].append(
            rules.PriorityFacts(
                kind=p.kind,
                strategy=names[p.assessment_id],
                crime_type=p.crime_type_id or "",
                local_area_id=p.local_area_id,
                force_id=p.force_area_id,
                threat_id=p.threat_id,
                label=p.subject_name,
            )
        )
    return by_owner


def control_strategy_links(user, threats, today: dt.date | None = None) -> dict[int, list]:
    """For each of ``threats`` (a page of them), its relations to the control strategies that
    apply to it: those of its owner, of the forces it touches and of its owner's ROCU, among
    the strategies ``user`` may see. Five queries whatever the number of threats."""
    from socmap.threats.models import Threat

    today = today or timezone.localdate()
    threats = list(threats)
    if not threats:
        return {}
    assessments = current_assessments(user, today)
    if not assessments:
        return {t.pk: [] for t in threats}
    facts_by_owner = _priority_facts(assessments, today)
    ids = [t.pk for t in threats]
    other_types: dict[int, set[str]] = defaultdict(set)
    for tid, code in Threat.other_crime_types.through.objects.filter(threat_id__in=ids).values_list(
        "threat_id", "crimetype_id"
    ):
        other_types[tid].add(code)
    areas: dict[int, set[int]] = defaultdict(set)
    for tid, aid in Threat.local_areas.through.objects.filter(threat_id__in=ids).values_list(
        "threat_id", "localarea_id"
    ):
        areas[tid].add(aid)
    forces: dict[int, set[int]] = defaultdict(set)
    for tid, oid in Threat.forces.through.objects.filter(threat_id__in=ids).values_list(
        "threat_id", "organisation_id"
    ):
        forces[tid].add(oid)
    rocu_of_region = dict(
        Organisation.objects.filter(kind=OrganisationKind.ROCU).values_list("region_id", "pk")
    )
    region_of = dict(
        Organisation.objects.filter(
            pk__in={t.owner_id for t in threats} | set().union(*forces.values())
        ).values_list("pk", "region_id")
    )
    out = {}
    for t in threats:
        touched = {t.owner_id} | forces[t.pk]
        strategies = set(touched)
        for org_id in touched:
            rocu = rocu_of_region.get(region_of.get(org_id))
            if rocu:
                strategies.add(rocu)
        priorities = [p for org_id in strategies for p in facts_by_owner.get(org_id, [])]
        facts = rules.ThreatFacts(
            threat_id=t.pk,
            crime_types=frozenset({t.predominant_crime_type_id} | other_types[t.pk]),
            local_area_ids=frozenset(areas[t.pk]),
            force_ids=frozenset(touched),
        )
        out[t.pk] = rules.relations(facts, priorities)
    return out


PRIORITY_KINDS = dict(PriorityKind.choices)
