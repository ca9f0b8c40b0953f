"""Reads of intelligence, always scoped (``None`` is the system operator at the command line).

Partner agencies see no intelligence report at all, whatever is shared: they see the sanitised
copies shared with them. Users in scope see a report's grading, classification and links;
only cleared users read its text (through ``services.open_original``), and only they search it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from socmap.errors import InvalidInput
from socmap.intel import rules
from socmap.intel.models import (
    CHECKED,
    AcroResult,
    ForeignNationalArrest,
    IntelClearance,
    IntelligencePackage,
    IntelligenceReport,
    ReportGrading,
    SanitisedCopy,
    SarStatus,
    SourceType,
    SuspiciousActivityReport,
    TriggerReport,
    TriggerStatus,
)
from socmap.intel.rules import Classification, GradingSystem
from socmap.lifetime.checks import filter_date, order_by_key
from socmap.orgs.models import Organisation, OrganisationKind
from socmap.orgs.scoping import ScopeLevel, get_visible_or_404, organisations_in_scope, scope_for
from socmap.orgs.scoping import visible_to as _visible_to

SEARCH_MAX_LENGTH = 100
THREAT_REFERENCE = re.compile(r"^\s*(?:(OCG|PI|VUL|T)-)?0*(\d{1,12})\s*$", re.IGNORECASE)


def _scoped(user, queryset: QuerySet) -> QuerySet:
    return queryset if user is None else _visible_to(user, queryset)


def is_partner(user) -> bool:
    return user is not None and scope_for(user).level == ScopeLevel.PARTNER


def reports_for(user) -> QuerySet[IntelligenceReport]:
    """Reports ``user`` may know of. Partners: none (they see sanitised copies only)."""
    qs = IntelligenceReport.objects.select_related("owner", "source_organisation", "recorded_by")
    if is_partner(user):
        return qs.none()
    return _scoped(user, qs)


def readable_classifications(user) -> list[str]:
    """The classifications whose originals ``user`` may read (none if not cleared)."""
    from socmap.intel.services import cleared_to

    level = cleared_to(user)
    if level is None:
        return []
    return [c for c in Classification.values if rules.covers(level, c)]


# --------------------------------------------------------------------------- reports

REPORT_SORTS = {
    "reference": ("id",),
    "date": ("reported_on", "id"),
    "grading": ("grading_system", "source_evaluation", "intelligence_assessment", "id"),
    "classification": ("classification", "id"),
    "owner": ("owner__name", "id"),
}
REPORT_DEFAULT_SORT = "-date"


@dataclass(frozen=True)
class ReportFilters:
    grading_system: str = ""
    source_evaluation: str = ""
    intelligence_assessment: str = ""
    handling_code: str = ""
    classification: str = ""
    source_type: str = ""
    owner: str = ""
    nominal: int | None = None
    threat: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""
    sort: str = REPORT_DEFAULT_SORT

    @property
    def threat_id(self) -> int | None:
        match = THREAT_REFERENCE.match(self.threat or "")
        return int(match.group(2)) if match else None

    @property
    def is_filtered(self) -> bool:
        return any(
            (
                self.grading_system,
                self.source_evaluation,
                self.intelligence_assessment,
                self.handling_code,
                self.classification,
                self.source_type,
                self.owner,
                self.nominal,
                self.threat,
                self.date_from,
                self.date_to,
                self.search,
            )
        )


def check_report_filters(
    *,
    grading_system: str = "",
    source_evaluation: str = "",
    intelligence_assessment: str = "",
    handling_code: str = "",
    classification: str = "",
    source_type: str = "",
    owner: str = "",
    nominal=None,
    threat: str = "",
    date_from=None,
    date_to=None,
    search: str = "",
    sort: str = REPORT_DEFAULT_SORT,
    strict: bool = True,
) -> ReportFilters:
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str):
        if strict:
            errors[name] = [message]
        return ""

    grading_system = (grading_system or "").strip()
    if grading_system and grading_system not in GradingSystem.values:
        grading_system = refuse("grading_system", "Choose 3x5x2 or 5x5x5.")
    codes = {}
    for name, value in (
        ("source_evaluation", source_evaluation),
        ("intelligence_assessment", intelligence_assessment),
        ("handling_code", handling_code),
    ):
        value = (value or "").strip().upper()
        if value and (len(value) != 1 or not value.isalnum()):
            value = refuse(name, "Give one letter or digit.")
        codes[name] = value
    classification = (classification or "").strip().lower()
    if classification and classification not in Classification.values:
        classification = refuse(
            "classification", f"Choose one of {', '.join(Classification.values)}."
        )
    source_type = (source_type or "").strip().lower()
    if source_type and source_type not in SourceType.values:
        source_type = refuse("source_type", f"Choose one of {', '.join(SourceType.values)}.")
    nominal_id = None
    if nominal not in (None, ""):
        if str(nominal).strip().isdigit():
            nominal_id = int(str(nominal).strip())
        else:
            refuse("nominal", "Give a person's id (a whole number).")
    threat = (threat or "").strip()[:40]
    if threat and THREAT_REFERENCE.match(threat) is None:
        threat = refuse("threat", f"'{threat}' is not a threat reference (e.g. OCG-000012).")
    sort = (sort or REPORT_DEFAULT_SORT).strip()
    if sort.lstrip("-") not in REPORT_SORTS:
        sort = REPORT_DEFAULT_SORT
        refuse("sort", f"Sort by one of {', '.join(REPORT_SORTS)} (- for reverse).")
    date_errors: dict[str, list[str]] = {}
    start = filter_date(date_from, "date_from", date_errors)
    end = filter_date(date_to, "date_to", date_errors)
    if strict:
        errors.update(date_errors)
    if errors:
        raise InvalidInput(errors)
    return ReportFilters(
        grading_system=grading_system,
        classification=classification,
        source_type=source_type,
        owner=(owner or "").strip()[:120],
        nominal=nominal_id,
        threat=threat,
        date_from=start,
        date_to=end,
        search=(search or "").strip()[:SEARCH_MAX_LENGTH],
        sort=sort,
        **codes,
    )


def report_list(user, filters: ReportFilters | None = None) -> QuerySet[IntelligenceReport]:
    """The reports ``user`` may know of, filtered. Searching reads the original text only of
    reports the user is cleared to read; otherwise the references and sanitised copies."""
    filters = filters or ReportFilters()
    qs = reports_for(user)
    for name in (
        "grading_system",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
        "classification",
        "source_type",
    ):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{name: value})
    if filters.owner:
        qs = qs.filter(owner__slug=filters.owner)
    if filters.nominal:
        qs = qs.filter(nominals__id=filters.nominal)
    if filters.threat_id:
        qs = qs.filter(threats__id=filters.threat_id)
    if filters.date_from:
        qs = qs.filter(reported_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(reported_on__lte=filters.date_to)
    if filters.search:
        term = filters.search
        condition = Q(external_reference__icontains=term)
        readable = readable_classifications(user)
        if readable:
            condition |= Q(text__icontains=term, classification__in=readable)
        copies = _scoped(user, SanitisedCopy.objects.filter(text__icontains=term))
        condition |= Q(pk__in=copies.values("report_id"))
        qs = qs.filter(condition)
    if filters.nominal or filters.threat_id:
        qs = qs.distinct()
    return order_by_key(qs, filters.sort, REPORT_SORTS, REPORT_DEFAULT_SORT)


def report_detail(user, pk: int) -> IntelligenceReport:
    return get_visible_or_404(
        user, reports_for(user).prefetch_related("nominals", "threats"), pk=pk
    )


def gradings(user, report: IntelligenceReport) -> QuerySet[ReportGrading]:
    return _scoped(user, ReportGrading.objects.filter(report=report).select_related("by"))


# --------------------------------------------------------------------------- sanitised copies


def copies_for(user) -> QuerySet[SanitisedCopy]:
    """Sanitised copies: of the reports in the user's scope, and those shared with them."""
    return _scoped(user, SanitisedCopy.objects.select_related("report__owner", "created_by"))


def copy_list(user, *, search: str = "", shared_only: bool = False) -> QuerySet[SanitisedCopy]:
    qs = copies_for(user)
    if shared_only and user is not None:
        from django.contrib.contenttypes.models import ContentType

        from socmap.orgs.models import Share

        shared = Share.objects.filter(
            content_type=ContentType.objects.get_for_model(SanitisedCopy),
            organisation_id=user.organisation_id,
            revoked_at__isnull=True,
        ).values("object_id")
        qs = qs.filter(pk__in=shared)
    search = (search or "").strip()[:SEARCH_MAX_LENGTH]
    if search:
        qs = qs.filter(text__icontains=search)
    return qs.order_by("-created_at", "-id")


def copy_detail(user, pk: int) -> SanitisedCopy:
    return get_visible_or_404(user, copies_for(user), pk=pk)


def report_copies(user, report: IntelligenceReport) -> QuerySet[SanitisedCopy]:
    return copies_for(user).filter(report=report)


def shares_of(copy: SanitisedCopy):
    from django.contrib.contenttypes.models import ContentType

    from socmap.orgs.models import Share

    return Share.objects.filter(
        content_type=ContentType.objects.get_for_model(SanitisedCopy),
        object_id=copy.pk,
        revoked_at__isnull=True,
    ).select_related("organisation", "shared_by")


# --------------------------------------------------------------------------- clearance


def clearances_for(user) -> QuerySet[IntelClearance]:
    return _scoped(
        user,
        IntelClearance.objects.select_related("user__organisation", "granted_by", "revoked_by"),
    )


def clearance_list(user, *, current_only: bool = True, today=None) -> QuerySet[IntelClearance]:
    today = today or timezone.localdate()
    qs = clearances_for(user)
    if current_only:
        qs = qs.filter(revoked_at__isnull=True, expires_on__gte=today)
    return qs.order_by("user__last_name", "user__first_name", "-granted_at")


# --------------------------------------------------------------------------- trigger reports

TRIGGER_SORTS = {
    "reference": ("id",),
    "submitted": ("submitted_at", "id"),
    "from": ("submitted_by_organisation__name", "submitted_at"),
    "to": ("owner__name", "submitted_at"),
    "status": ("status", "submitted_at"),
}
TRIGGER_DEFAULT_SORT = "submitted"


def triggers_for(user) -> QuerySet[TriggerReport]:
    return _scoped(
        user,
        TriggerReport.objects.select_related(
            "owner",
            "submitted_by_organisation",
            "submitted_by",
            "crime_type",
            "threat",
            "decided_by",
        ),
    )


def trigger_queue(
    user, *, status: str = TriggerStatus.RECEIVED, sender: str = "", sort: str = ""
) -> QuerySet[TriggerReport]:
    """The threat-assessment queue: trigger reports waiting (by default), oldest first."""
    errors = {}
    if status and status not in TriggerStatus.values:
        errors["status"] = [f"Choose one of {', '.join(TriggerStatus.values)} or any."]
    sort = sort or TRIGGER_DEFAULT_SORT
    if sort.lstrip("-") not in TRIGGER_SORTS:
        errors["sort"] = [f"Sort by one of {', '.join(TRIGGER_SORTS)} (- for reverse)."]
    if errors:
        raise InvalidInput(errors)
    qs = triggers_for(user)
    if status:
        qs = qs.filter(status=status)
    if sender:
        qs = qs.filter(submitted_by_organisation__slug=sender)
    return order_by_key(qs, sort, TRIGGER_SORTS, TRIGGER_DEFAULT_SORT)


def trigger_detail(user, pk: int) -> TriggerReport:
    return get_visible_or_404(user, triggers_for(user).prefetch_related("nominals"), pk=pk)


def may_assess(user, trigger: TriggerReport) -> bool:
    from socmap.intel.services import ASSESSORS

    if user is None:
        return True
    return (
        user.has_role(*ASSESSORS)
        and not user.is_read_only
        and organisations_in_scope(user).filter(pk=trigger.owner_id).exists()
    )


# --------------------------------------------------------------------------- SARs and ACRO

SAR_SORTS = {
    "received": ("received_on", "id"),
    "reference": ("reference", "id"),
    "status": ("status", "received_on"),
    "amount": ("amount", "id"),
    "owner": ("owner__name", "received_on"),
}
ARREST_SORTS = {
    "arrested": ("arrested_on", "id"),
    "reference": ("custody_reference", "id"),
    "nationality": ("nationality", "arrested_on"),
    "result": ("acro_result", "arrested_on"),
    "owner": ("owner__name", "arrested_on"),
}


def sars_for(user) -> QuerySet[SuspiciousActivityReport]:
    return _scoped(
        user, SuspiciousActivityReport.objects.select_related("owner", "package", "triaged_by")
    )


def sar_list(
    user,
    *,
    status: str = "",
    date_from=None,
    date_to=None,
    sort: str = "-received",
    search: str = "",
) -> QuerySet[SuspiciousActivityReport]:
    errors: dict[str, list[str]] = {}
    if status and status not in SarStatus.values:
        errors["status"] = [f"Choose one of {', '.join(SarStatus.values)}."]
    if (sort or "").lstrip("-") not in SAR_SORTS:
        errors["sort"] = [f"Sort by one of {', '.join(SAR_SORTS)} (- for reverse)."]
    start = filter_date(date_from, "date_from", errors)
    end = filter_date(date_to, "date_to", errors)
    if errors:
        raise InvalidInput(errors)
    qs = sars_for(user)
    if status:
        qs = qs.filter(status=status)
    if start:
        qs = qs.filter(received_on__gte=start)
    if end:
        qs = qs.filter(received_on__lte=end)
    search = (search or "").strip()[:SEARCH_MAX_LENGTH]
    if search:
        qs = qs.filter(Q(reference__icontains=search) | Q(subject__icontains=search))
    return order_by_key(qs, sort, SAR_SORTS, "-received")


def packages_for(user) -> QuerySet[IntelligencePackage]:
    return _scoped(
        user,
        IntelligencePackage.objects.select_related("owner", "threat").annotate(
            sar_count=Count("sars")
        ),
    )


def arrests_for(user) -> QuerySet[ForeignNationalArrest]:
    return _scoped(user, ForeignNationalArrest.objects.select_related("owner", "nominal"))


def arrest_list(
    user,
    *,
    result: str = "",
    checked: str = "",
    date_from=None,
    date_to=None,
    sort: str = "-arrested",
    search: str = "",
) -> QuerySet[ForeignNationalArrest]:
    errors: dict[str, list[str]] = {}
    if result and result not in AcroResult.values:
        errors["result"] = [f"Choose one of {', '.join(AcroResult.values)}."]
    if checked and checked not in ("yes", "no"):
        errors["checked"] = ["Choose yes or no."]
    if (sort or "").lstrip("-") not in ARREST_SORTS:
        errors["sort"] = [f"Sort by one of {', '.join(ARREST_SORTS)} (- for reverse)."]
    start = filter_date(date_from, "date_from", errors)
    end = filter_date(date_to, "date_to", errors)
    if errors:
        raise InvalidInput(errors)
    qs = arrests_for(user)
    if result:
        qs = qs.filter(acro_result=result)
    if checked == "yes":
        qs = qs.filter(acro_result__in=CHECKED)
    elif checked == "no":
        qs = qs.exclude(acro_result__in=CHECKED)
    if start:
        qs = qs.filter(arrested_on__gte=start)
    if end:
        qs = qs.filter(arrested_on__lte=end)
    search = (search or "").strip()[:SEARCH_MAX_LENGTH]
    if search:
        qs = qs.filter(Q(custody_reference__icontains=search) | Q(nationality__icontains=search))
    return order_by_key(qs, sort, ARREST_SORTS, "-arrested")


# --------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class MeasureRow:
    name: str
    slug: str
    sars_received: int
    sars_triaged: int
    sars_awaiting: int
    sars_in_packages: int
    packages: int
    packages_per_100_sars: Decimal | None
    arrests: int
    acro_checked: int
    acro_share: Decimal | None
    convictions_found: int


@dataclass(frozen=True)
class Measures:
    start: dt.date
    end: dt.date
    rows: list[MeasureRow]
    total: MeasureRow

    @property
    def period(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def _organisations(user, owner_ids: set[int]) -> QuerySet[Organisation]:
    """The organisations with figures in the period, and the user's own force."""
    own = {user.organisation_id} if user is not None and user.organisation_id else set()
    return Organisation.objects.filter(
        Q(pk__in=owner_ids) | Q(pk__in=own, kind=OrganisationKind.FORCE)
    )


def measures(user, *, end: dt.date | None = None, start: dt.date | None = None) -> Measures:
    """Per organisation, over a period (default: the twelve months to today): SARs received,
    triaged and packaged, packages produced and their rate per 100 SARs received; foreign
    nationals arrested and the share checked with ACRO."""
    end = end or timezone.localdate()
    if start is None:
        start, end = rules.year_ending(end)
    if start > end:
        raise InvalidInput({"start": ["The period starts after it ends."]})
    sars = sars_for(user).filter(received_on__range=(start, end))
    sar_counts = {
        row["owner_id"]: row
        for row in sars.values("owner_id")
        .annotate(
            received=Count("id"),
            awaiting=Count("id", filter=Q(status=SarStatus.AWAITING)),
            packaged=Count("id", filter=Q(status=SarStatus.PACKAGE)),
        )
        .order_by()
    }
    package_counts = dict(
        packages_for(user)
        .filter(produced_on__range=(start, end))
        .values_list("owner_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    arrest_counts = {
        row["owner_id"]: row
        for row in arrests_for(user)
        .filter(arrested_on__range=(start, end))
        .values("owner_id")
        .annotate(
            n=Count("id"),
            checked=Count("id", filter=Q(acro_result__in=CHECKED)),
            convictions=Count("id", filter=Q(acro_result=AcroResult.CONVICTIONS)),
        )
        .order_by()
    }
    owner_ids = set(sar_counts) | set(package_counts) | set(arrest_counts)
    rows = []
    for organisation in _organisations(user, owner_ids).order_by("name"):
        s = sar_counts.get(organisation.pk, {"received": 0, "awaiting": 0, "packaged": 0})
        a = arrest_counts.get(organisation.pk, {"n": 0, "checked": 0, "convictions": 0})
        packages = package_counts.get(organisation.pk, 0)
        rows.append(_row(organisation.name, organisation.slug, s, packages, a))
    total_s = {
        "received": sum(r.sars_received for r in rows),
        "awaiting": sum(r.sars_awaiting for r in rows),
        "packaged": sum(r.sars_in_packages for r in rows),
    }
    total_a = {
        "n": sum(r.arrests for r in rows),
        "checked": sum(r.acro_checked for r in rows),
        "convictions": sum(r.convictions_found for r in rows),
    }
    total = _row(f"All {len(rows)} shown", "", total_s, sum(r.packages for r in rows), total_a)
    return Measures(start, end, rows, total)


def _row(name, slug, s, packages, a) -> MeasureRow:
    return MeasureRow(
        name=name,
        slug=slug,
        sars_received=s["received"],
        sars_triaged=s["received"] - s["awaiting"],
        sars_awaiting=s["awaiting"],
        sars_in_packages=s["packaged"],
        packages=packages,
        packages_per_100_sars=rules.rate(packages, s["received"]),
        arrests=a["n"],
        acro_checked=a["checked"],
        acro_share=rules.share(a["checked"], a["n"]),
        convictions_found=a["convictions"],
    )
