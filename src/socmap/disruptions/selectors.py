"""Reads of disruptions, always scoped to what the user may see (``None`` is the system operator
at the command line, who sees everything, as for writes).

The list, its exports (CSV, XLSX, the API and the command line), the unvalidated and
overdue lists and the counts all start from :func:`disruptions_for`, so they cannot disagree
about who sees what. :func:`counts_by_force` is the count the performance part builds on:
validated disruptions by owning force over a period, with the population year each rate used.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from socmap.disruptions import rules
from socmap.disruptions.models import Disruption, DisruptionStep, StepAction, Tactic
from socmap.disruptions.rules import (
    GRADE_RANK,
    REASSESSMENT_GRADES,
    UNVALIDATED,
    DisruptionStatus,
    ImpactGrade,
)
from socmap.errors import InvalidInput
from socmap.fourp import FourP
from socmap.orgs.models import Organisation, OrganisationKind
from socmap.orgs.scoping import (
    get_visible_or_404,
    organisations_in_scope,
    sees_everything,
    visible_to,
)
from socmap.performance import rules as performance_rules
from socmap.performance.selectors import force_inputs

DISRUPTION_SORTS = {
    "date": ("occurred_on", "id"),
    "reference": ("id",),
    "grade": ("grade_rank", "-occurred_on", "-id"),
    "status": ("status", "-occurred_on", "-id"),
    "owner": ("owner__name", "-occurred_on", "-id"),
    "tactic": ("tactic__name", "-occurred_on", "-id"),
    "submitted": ("submitted_at", "id"),
}
DEFAULT_SORT = "-date"
THREAT_REFERENCE = re.compile(r"^\s*(?:(OCG|PI|VUL|T)-)?0*(\d{1,12})\s*$", re.IGNORECASE)
SMALL_POPULATION = performance_rules.SMALL_POPULATION
SEARCH_MAX_LENGTH = 100


def disruptions_for(user) -> QuerySet[Disruption]:
    qs = Disruption.objects.select_related(
        "owner",
        "acting_organisation",
        "tactic",
        "recorded_by",
        "submitted_by",
        "validated_by",
    )
    return qs if user is None else visible_to(user, qs)


def _with_grade_rank(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        grade_rank=Case(
            *[When(grade=grade, then=Value(rank)) for grade, rank in GRADE_RANK.items()],
            default=Value(len(GRADE_RANK)),
            output_field=IntegerField(),
        )
    )


@dataclass(frozen=True)
class Filters:
    """The filters of the disruption list, its exports, the API and the command."""

    threat: str = ""  # a threat reference (OCG-000012) or id
    force: str = ""  # the owning organisation's slug
    category: str = ""
    tactic: str = ""
    grade: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""
    sort: str = DEFAULT_SORT

    @property
    def threat_id(self) -> int | None:
        match = THREAT_REFERENCE.match(self.threat or "")
        return int(match.group(2)) if match else None

    @property
    def is_filtered(self) -> bool:
        return any(
            (
                self.threat,
                self.force,
                self.category,
                self.tactic,
                self.grade,
                self.status,
                self.date_from,
                self.date_to,
                self.search,
            )
        )

    def as_query(self) -> dict[str, str]:
        """The filters as query parameters (for links and exports)."""
        values = {
            "threat": self.threat,
            "force": self.force,
            "category": self.category,
            "tactic": self.tactic,
            "grade": self.grade,
            "status": self.status,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "q": self.search,
            "sort": "" if self.sort == DEFAULT_SORT else self.sort,
        }
        return {k: v for k, v in values.items() if v}


def _date_or_error(raw, name: str, errors: dict) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        return raw
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(str(raw).strip(), pattern).date()
        except ValueError:
            continue
    errors[name] = [f"'{raw}' is not a date: use 2026-03-14 or 14/03/2026."]
    return None


def check_filters(
    *,
    threat: str = "",
    force: str = "",
    category: str = "",
    tactic: str = "",
    grade: str = "",
    status: str = "",
    date_from=None,
    date_to=None,
    search: str = "",
    sort: str = DEFAULT_SORT,
    strict: bool = True,
) -> Filters:
    """Filters from what a caller gave. ``strict`` (the API and the command) refuses a value
    that is not recognised; otherwise (a page's query string) it is ignored."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> str:
        if strict:
            errors[name] = [message]
        return ""

    threat = (threat or "").strip()[:40]
    if threat and THREAT_REFERENCE.match(threat) is None:
        threat = refuse("threat", f"'{threat}' is not a threat reference (e.g. OCG-000012).")
    category = (category or "").strip().lower()
    if category and category not in FourP.values:
        category = refuse("category", f"Choose one of {', '.join(FourP.values)}.")
    tactic = (tactic or "").strip()
    if tactic and not Tactic.objects.filter(pk=tactic).exists():
        tactic = refuse("tactic", f"'{tactic}' is not a tactic code.")
    grade = (grade or "").strip().lower()
    if grade and grade not in ImpactGrade.values:
        grade = refuse("grade", f"Choose one of {', '.join(ImpactGrade.values)}.")
    status = (status or "").strip().lower()
    if status and status not in DisruptionStatus.values and status != "unvalidated":
        status = refuse(
            "status", f"Choose one of {', '.join(DisruptionStatus.values)} or unvalidated."
        )
    force = (force or "").strip()[:120]
    if force and not Organisation.objects.filter(slug=force).exists():
        force = refuse("force", f"There is no organisation with the slug '{force}'.")
    sort = (sort or DEFAULT_SORT).strip()
    if sort.lstrip("-") not in DISRUPTION_SORTS:
        sort = DEFAULT_SORT
        refuse("sort", f"Sort by one of {', '.join(DISRUPTION_SORTS)} (- for reverse).")
    date_errors: dict[str, list[str]] = {}
    start = _date_or_error(date_from, "date_from", date_errors)
    end = _date_or_error(date_to, "date_to", date_errors)
    if strict:
        errors.update(date_errors)
    if errors:
        raise InvalidInput(errors)
    return Filters(
        threat=threat,
        force=force,
        category=category,
        tactic=tactic,
        grade=grade,
        status=status,
        date_from=start,
        date_to=end,
        search=(search or "").strip()[:SEARCH_MAX_LENGTH],
        sort=sort,
    )


def threat_references(user, disruption_ids: list[int]) -> dict[int, list[str]]:
    """The references of the threats each disruption is against that ``user`` may see (the
    list's column), in the threats' own order: a disruption against a restricted threat and
    an open one is listed, but names only the open one. Read as ids, which a prefetch of the
    threats made slower than the page's own query."""
    from socmap.threats.models import Threat

    links = list(
        Disruption.threats.through.objects.filter(disruption_id__in=disruption_ids).values_list(
            "disruption_id", "threat_id"
        )
    )
    linked = Threat.objects.filter(pk__in={t for _, t in links})
    if user is not None:
        linked = visible_to(user, linked)
    position = {t.pk: (n, t.reference) for n, t in enumerate(linked.only("id", "kind"))}
    found: dict[int, list[tuple[int, str]]] = {}
    for disruption, threat in links:
        if threat in position:
            found.setdefault(disruption, []).append(position[threat])
    return {d: [reference for _, reference in sorted(refs)] for d, refs in found.items()}


def disruption_list(user, filters: Filters | None = None) -> QuerySet[Disruption]:
    """The disruptions ``user`` may see, filtered and sorted (latest first by default)."""
    filters = filters or Filters()
    qs = disruptions_for(user)
    if filters.threat:
        qs = qs.filter(threats__id=filters.threat_id)
    if filters.force:
        qs = qs.filter(owner__slug=filters.force)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.tactic:
        qs = qs.filter(tactic_id=filters.tactic)
    if filters.grade:
        qs = qs.filter(grade=filters.grade)
    if filters.status == "unvalidated":
        qs = qs.filter(status__in=UNVALIDATED)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.date_from:
        qs = qs.filter(occurred_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(occurred_on__lte=filters.date_to)
    if filters.search:
        qs = qs.filter(
            Q(operation_name__icontains=filters.search) | Q(narrative__icontains=filters.search)
        )
    key = filters.sort.lstrip("-")
    order = DISRUPTION_SORTS.get(key, DISRUPTION_SORTS["date"])
    if filters.sort.startswith("-"):
        order = tuple(o[1:] if o.startswith("-") else f"-{o}" for o in order)
    if key == "grade":
        qs = _with_grade_rank(qs)
    return qs.order_by(*order)


class LinkedVisibility:
    """Which of the threats and people that disruptions point at ``user`` may see, asked once
    per kind of record and remembered (a claim shared with a partner may name a threat that
    is not shared with them)."""

    def __init__(self, user):
        self.user = user
        self._visible: dict[type, set[int] | None] = {}

    def _ids(self, model) -> set[int] | None:
        if model not in self._visible:
            if self.user is None or sees_everything(self.user, model):
                self._visible[model] = None  # everything
            else:
                self._visible[model] = set(
                    visible_to(self.user, model._default_manager.all()).values_list("pk", flat=True)
                )
        return self._visible[model]

    def visible(self, record) -> bool:
        ids = self._ids(type(record))
        return ids is None or record.pk in ids


def disruption_detail(user, pk: int) -> Disruption:
    return get_visible_or_404(
        user,
        disruptions_for(user).prefetch_related("threats__owner", "nominals"),
        pk=pk,
    )


def history(user, disruption: Disruption) -> QuerySet[DisruptionStep]:
    """Every step of the claim, oldest first: whoever may see the claim (its owner's scope, or
    an organisation it is shared with) sees its whole history, and nobody else any of it."""
    steps = DisruptionStep.objects.select_related("by")
    if user is None:
        return steps.filter(disruption=disruption)
    return steps.filter(
        disruption__in=visible_to(user, Disruption.objects.filter(pk=disruption.pk))
    )


def gradings(user, disruption: Disruption) -> list[DisruptionStep]:
    """The grades the claim has had, oldest first, each with its rationale."""
    graded = (StepAction.RECORDED, StepAction.IMPORTED, StepAction.GRADED, StepAction.REGRADED)
    return list(history(user, disruption).filter(action__in=graded).exclude(grade=""))


# --------------------------------------------------------------------------- validation lists


def unvalidated(user, *, status: str = "") -> QuerySet[Disruption]:
    """Claims not validated yet: drafts, submitted claims and returned ones, oldest first."""
    qs = disruptions_for(user).filter(status__in=UNVALIDATED)
    if status in UNVALIDATED:
        qs = qs.filter(status=status)
    return qs.order_by("status", "submitted_at", "recorded_at", "id")


def overdue_cutoff(today: dt.date, days: int) -> dt.datetime:
    """Claims submitted before this moment are overdue (see rules.validation_overdue)."""
    return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min))


def overdue_for_validation(
    user, *, today: dt.date | None = None, days: int | None = None
) -> QuerySet[Disruption]:
    """Submitted claims waiting longer than the validation period; oldest first."""
    from socmap.disruptions.services import validation_days

    today = today or timezone.localdate()
    days = validation_days() if days is None else days
    return (
        disruptions_for(user)
        .filter(status=DisruptionStatus.SUBMITTED, submitted_at__lt=overdue_cutoff(today, days))
        .order_by("submitted_at", "id")
    )


def days_waiting(disruption: Disruption, today: dt.date | None = None) -> int | None:
    if disruption.submitted_at is None or disruption.status != DisruptionStatus.SUBMITTED:
        return None
    today = today or timezone.localdate()
    return (today - timezone.localdate(disruption.submitted_at)).days


# --------------------------------------------------------------------------- a threat's disruptions


@dataclass
class ThreatSummary:
    disruptions: list
    total: int = 0
    validated: int = 0
    awaiting_validation: int = 0
    drafts: int = 0
    returned: int = 0
    major_or_moderate: int = 0
    by_category: dict = field(default_factory=dict)


def threat_disruptions(user, threat, *, limit: int = 10) -> ThreatSummary:
    """The disruptions of a threat that ``user`` may see, with counts by status and the
    validated ones by P (in the order of the 4Ps), in one query."""
    qs = disruptions_for(user).filter(threats=threat)
    validated_in = {
        f"in_{p.value}": Count("id", filter=Q(status=DisruptionStatus.VALIDATED, category=p))
        for p in FourP
    }
    counts = qs.aggregate(
        **validated_in,
        total=Count("id"),
        validated=Count("id", filter=Q(status=DisruptionStatus.VALIDATED)),
        submitted=Count("id", filter=Q(status=DisruptionStatus.SUBMITTED)),
        drafts=Count("id", filter=Q(status=DisruptionStatus.DRAFT)),
        returned=Count("id", filter=Q(status=DisruptionStatus.RETURNED)),
        major=Count(
            "id",
            filter=Q(status=DisruptionStatus.VALIDATED, grade__in=list(REASSESSMENT_GRADES)),
        ),
    )
    return ThreatSummary(
        # the panel shows the tactic only: fewer joins, which PostgreSQL took longer to plan
        # than to run
        disruptions=list(
            qs.select_related(None).select_related("tactic").order_by("-occurred_on", "-id")[:limit]
        ),
        total=counts["total"],
        validated=counts["validated"],
        awaiting_validation=counts["submitted"],
        drafts=counts["drafts"],
        returned=counts["returned"],
        major_or_moderate=counts["major"],
        by_category={p.label: counts[f"in_{p.value}"] for p in FourP if counts[f"in_{p.value}"]},
    )


# --------------------------------------------------------------------------- counts by force


@dataclass(frozen=True)
class ForceCount:
    name: str
    slug: str
    validated: int
    major_or_moderate: int
    population: int | None
    population_year: int | None
    per_thousand: Decimal | None
    caveat: str = ""


@dataclass(frozen=True)
class ForceCounts:
    """Validated disruptions by owning force over a period, with rates per 1,000 population.

    Only forces are counted (a ROCU's or the NCA's own disruptions are not a force's); a rate
    says which population year it used, and the total names the forces in the comparison."""

    start: dt.date
    end: dt.date
    years: int
    rows: list[ForceCount]
    total: ForceCount

    @property
    def population_years(self) -> str:
        years = sorted({r.population_year for r in self.rows if r.population_year})
        if not years:
            return ""
        return str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"

    @property
    def period(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


NOT_RECORDING = performance_rules.NOT_RECORDING


def counts_by_force(
    user, *, end: dt.date | None = None, years: int = 2, force: str = ""
) -> ForceCounts:
    """Validated disruptions per owning force in the ``years`` years ending on ``end``
    (default: today), each with its rate per 1,000 population and the population year used.

    A quick view of the claims the user may see; the rates, the comparison and its average
    come from the performance part's one ranking rule (``performance.rules.rank_forces``), so
    for a national user these are the performance ranking's figures."""
    end = end or timezone.localdate()
    start, end = rules.counting_period(end, years)
    period = performance_rules.Period(start, end)
    validated = disruptions_for(user).filter(
        status=DisruptionStatus.VALIDATED,
        occurred_on__range=(start, end),
        owner__kind=OrganisationKind.FORCE,
    )
    counted = {
        row["owner_id"]: row
        for row in validated.values("owner_id")
        .annotate(
            n=Count("id"),
            major=Count("id", filter=Q(grade__in=list(REASSESSMENT_GRADES))),
        )
        .order_by()
    }
    # Forces that record no disruption at all in the period (like the forces that did not
    # submit data to the national return) are shown but left out of the comparison.
    recording = set(
        disruptions_for(user)
        .filter(occurred_on__range=(start, end), owner__kind=OrganisationKind.FORCE)
        .values_list("owner_id", flat=True)
        .distinct()
    )
    forces = Organisation.objects.filter(kind=OrganisationKind.FORCE)
    if user is not None:
        in_scope = set(organisations_in_scope(user).values_list("pk", flat=True))
        forces = forces.filter(pk__in=in_scope | set(counted))
    if force:
        forces = forces.filter(slug=force)
    forces = list(forces.select_related("region").order_by("name"))
    ranking = performance_rules.rank_forces(
        force_inputs({pk: row["n"] for pk, row in counted.items()}, recording, period, None, forces)
    )
    major = {o.slug: counted.get(o.pk, {"major": 0})["major"] for o in forces}
    rows = [
        ForceCount(
            r.name,
            r.slug,
            r.count,
            major[r.slug],
            r.population,
            r.population_year,
            r.rate,
            r.note,
        )
        for r in sorted(ranking.rows, key=lambda r: r.name)
    ]
    compared = ranking.compared
    average = ranking.average
    total = ForceCount(
        f"All {len(rows)} force{'s' if len(rows) != 1 else ''} shown",
        "",
        sum(r.validated for r in rows),
        sum(r.major_or_moderate for r in rows),
        average.population if average else None,
        None,
        average.rate if average else None,
        (
            f"The rate counts the {len(compared)} force{'s' if len(compared) != 1 else ''}"
            " that recorded disruptions in the period and have a meaningful population."
            if len(compared) != len(rows)
            else ""
        ),
    )
    return ForceCounts(start, end, years, rows, total)


def breakdown(user, *, end: dt.date | None = None, years: int = 2) -> list[dict]:
    """Validated disruptions in the period by 4P category and grade."""
    end = end or timezone.localdate()
    start, end = rules.counting_period(end, years)
    rows = (
        disruptions_for(user)
        .filter(status=DisruptionStatus.VALIDATED, occurred_on__range=(start, end))
        .values_list("category", "grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    table = {p: dict.fromkeys(ImpactGrade.values, 0) for p in FourP.values}
    for category, grade, n in rows:
        if category in table and grade in table[category]:
            table[category][grade] = n
    return [
        {
            "category": FourP(p).label,
            "code": p,
            "grades": [table[p][g] for g in ImpactGrade.values],
            "total": sum(table[p].values()),
        }
        for p in FourP.values
    ]


def waiting_for(user) -> QuerySet[Disruption]:
    """Claims submitted for validation that ``user`` may see, oldest first."""
    return (
        disruptions_for(user)
        .filter(status=DisruptionStatus.SUBMITTED)
        .order_by("submitted_at", "id")
    )


def needing_claimant(user) -> QuerySet[Disruption]:
    """Drafts and returned claims of the user's organisation that wait on a claimant."""
    return (
        disruptions_for(user)
        .filter(status__in=rules.EDITABLE)
        .order_by("-status", "recorded_at", "id")
    )
