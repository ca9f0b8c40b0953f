"""Reads of threats, always scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, FloatField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from socmap.orgs.models import Organisation, OrganisationKind, PopulationFigure, Region, User
from socmap.orgs.populations import choose_population_year, per_population
from socmap.orgs.scoping import (
    ScopeLevel,
    get_visible_or_404,
    organisations_in_scope,
    scope_for,
    visible_to,
)
from socmap.threats.models import Membership, Status, Threat

THREAT_SORTS = {
    "band": ("band_position", "-current_score", "name"),
    "score": ("-current_score", "name"),
    "name": ("name",),
    "due": ("reassessment_due", "name"),
    "updated": ("-updated_at",),
    "owner": ("owner__name", "name"),
}


_BANDS: dict[str, list[str]] = {}  # methodology label -> its band codes, highest first


def _bands_of(versions) -> dict[str, list[str]]:
    """The bands of ``versions`` (rows of pk, name, version), by label, in the rows' order. A
    published version never changes, so each is read and parsed once per process (their
    documents are large, and parsing them on every list was a cost of its own)."""
    from socmap.scoring.models import MethodologyVersion

    rows = list(versions)
    missing = [pk for pk, name, version in rows if f"{name}@{version}" not in _BANDS]
    if missing:
        for version in MethodologyVersion.objects.filter(pk__in=missing):
            _BANDS[version.label] = [b.code for b in version.rules().bands]
    return {f"{name}@{version}": _BANDS[f"{name}@{version}"] for _pk, name, version in rows}


def _band_counts() -> dict[str, int]:
    """How many bands each published methodology version has."""
    from socmap.scoring.models import MethodologyVersion

    versions = MethodologyVersion.objects.values_list("pk", "name", "version")
    return {label: len(codes) for label, codes in _bands_of(versions).items()}


def band_choices() -> list[str]:
    """The bands of the current methodology versions, in their order (for a filter)."""
    from socmap.scoring.models import MethodologyVersion

    current = (
        MethodologyVersion.objects.filter(is_current=True)
        .order_by("name")
        .values_list("pk", "name", "version")
    )
    bands: list[str] = []
    for codes in _bands_of(current).values():
        bands.extend(b for b in codes if b not in bands)
    return bands


def band_position(prefix: str = "") -> Case:
    """Where a threat's current band sits on one scale, from 0 (its methodology's highest
    band) to 1 (its lowest), so that threats scored with methodologies of different band
    counts (the group matrix's nine, MoRiLE's four) take their right places in one prioritised
    list. ``prefix`` reaches the threat from another model (``"threat__"``)."""
    rank = F(f"{prefix}current_band_rank")
    whens = [
        When(**{f"{prefix}current_methodology": label}, then=rank * Value(1.0 / (count - 1)))
        for label, count in sorted(_band_counts().items())
        if count > 1
    ]
    return Case(*whens, default=rank * Value(1.0), output_field=FloatField())


def band_position_of(threat: Threat) -> float | None:
    """:func:`band_position` for one threat already in memory (``None`` if unassessed)."""
    rank = threat.current_band_rank
    if rank is None:
        return None
    count = _band_counts().get(threat.current_methodology, 0)
    return rank / (count - 1) if count > 1 else float(rank)


def by_priority(queryset: QuerySet, prefix: str = "", *then: str) -> QuerySet:
    """``queryset`` highest priority first: band position, then score (unassessed last)."""
    return queryset.annotate(band_position=band_position(prefix)).order_by(
        F("band_position").asc(nulls_last=True),
        F(f"{prefix}current_score").desc(nulls_last=True),
        *then,
    )


def _threats_joined() -> QuerySet[Threat]:
    """Every threat with the records a threat's row and page name (no scope applied)."""
    return Threat.objects.select_related("owner", "predominant_crime_type", "lro", "sro", "subject")


def threats_visible_to(user) -> QuerySet[Threat]:
    return visible_to(user, _threats_joined())


def _threats_for(user) -> QuerySet[Threat]:
    """What ``user`` may see; ``None`` is the system operator at the command line (as for
    writes, where ``actor=None`` is the operator), who sees every threat."""
    return _threats_joined() if user is None else threats_visible_to(user)


def officer_candidates(user, *, role: str = "") -> QuerySet[User]:
    """Who may be named a threat's LRO or SRO: the active users ``user`` may see, and the
    active users of the partner agencies of ``user``'s region and of the national partner
    agencies (an LRO may belong to a partner agency; a national user may name any partner
    agency's officer). ``None`` (the system
    operator) may name any active user."""
    people = User.objects.filter(is_active=True)
    if role:
        people = people.filter(roles__code=role)
    if user is not None:
        scope = scope_for(user)
        partners = Organisation.objects.filter(kind=OrganisationKind.PARTNER, is_active=True)
        if scope.level == ScopeLevel.NATIONAL:
            pass
        elif scope.level in (ScopeLevel.REGION, ScopeLevel.FORCE) and scope.region_id:
            # the region's partner agencies, and the national ones (HMRC, Immigration
            # Enforcement...), which belong to no region
            partners = partners.filter(Q(region_id=scope.region_id) | Q(region__isnull=True))
        else:
            partners = partners.none()
        people = people.filter(
            Q(pk__in=visible_to(user, User.objects.all()).values("pk"))
            | Q(organisation__in=partners)
        )
    return people.select_related("organisation").distinct()


def _organisations_for(user) -> QuerySet[Organisation]:
    return Organisation.objects.all() if user is None else organisations_in_scope(user)


def overdue_filter(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(status=Status.ACTIVE) & (
        Q(reassessment_due__lt=today)
        | Q(reassessment_requested=True)
        | Q(reassessment_due__isnull=True)
    )


def list_counts(threats: QuerySet[Threat], today=None) -> tuple[int, int]:
    """How many threats a list holds and how many of them are overdue, in one reading of
    the list (two counts read six thousand active threats twice for a national user)."""
    counted = threats.order_by().aggregate(
        n=Count("pk"), overdue=Count("pk", filter=overdue_filter(today))
    )
    return counted["n"], counted["overdue"]


def overdue_reason(threat: Threat, today=None) -> str:
    """Why an active threat is on the overdue list (the same rule as :func:`overdue_filter`),
    or ``""`` if it is not overdue."""
    today = today or timezone.localdate()
    if threat.status != Status.ACTIVE:
        return ""
    if threat.reassessment_requested:
        return "Re-assessment requested" + (
            f": {threat.reassessment_reason}" if threat.reassessment_reason else ""
        )
    if threat.reassessment_due is None:
        return "Never assessed" if threat.last_assessed_at is None else "No re-assessment date"
    if threat.reassessment_due < today:
        return f"Due date passed ({threat.reassessment_due:%d %b %Y})"
    return ""


def prioritised_threats(
    user,
    *,
    kind: str = "",
    status: str = "",
    crime_type: str = "",
    force: str = "",
    lro: str = "",
    band: str = "",
    overdue: bool = False,
    search: str = "",
    sort: str = "band",
) -> QuerySet[Threat]:
    """The prioritised threat list: highest band and score first unless sorted otherwise."""
    # The subject (a nominal) is fetched for the page's rows only: joined into the sorted
    # query it keeps PostgreSQL from sorting just the page (a top-N sort) at national scale.
    qs = (
        _threats_for(user)
        .select_related(None)
        .select_related("owner", "predominant_crime_type", "lro", "sro")
        .prefetch_related("subject")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if crime_type:
        qs = qs.filter(
            Q(predominant_crime_type_id=crime_type) | Q(other_crime_types__code=crime_type)
        )
    if force:
        qs = qs.filter(Q(owner__slug=force) | Q(forces__slug=force))
    if lro:
        qs = qs.filter(lro__username__iexact=lro)
    if band:
        qs = qs.filter(current_band=band)
    if overdue:
        qs = qs.filter(overdue_filter())
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(operation_names__icontains=search)
            | Q(description__icontains=search)
        )
    if crime_type or force:
        qs = qs.distinct()
    order = THREAT_SORTS.get(sort.lstrip("-"), THREAT_SORTS["band"])
    if sort.startswith("-"):
        order = tuple(o[1:] if o.startswith("-") else f"-{o}" for o in order)
    nulls_last = [
        F(o.lstrip("-")).desc(nulls_last=True) if o.startswith("-") else F(o).asc(nulls_last=True)
        for o in order
    ]
    if any(o.lstrip("-") == "band_position" for o in order):
        qs = qs.annotate(band_position=band_position())
    return qs.order_by(*nulls_last, "pk")


def threat_detail(user, pk: int) -> Threat:
    # get_visible_or_404 applies the scope (once: the scoped queryset scoped again doubled
    # the query's conditions)
    return get_visible_or_404(
        user,
        _threats_joined().prefetch_related(
            "other_crime_types",
            "forces",
            "local_areas",
            Prefetch("memberships", queryset=Membership.objects.select_related("nominal")),
            "status_changes__by",
        ),
        pk=pk,
    )


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class AreaRate:
    name: str
    slug: str
    threats: int
    population: int | None
    population_year: str  # e.g. "2019"; a region whose forces' figures differ: "2019-2021"
    per_million: Decimal | None


def _population_by_force(for_year: int) -> dict[int, PopulationFigure]:
    figures: dict[int, dict[int, PopulationFigure]] = {}
    for figure in PopulationFigure.objects.all():
        figures.setdefault(figure.force_id, {})[figure.year] = figure
    chosen = {}
    for force_id, by_year in figures.items():
        year = choose_population_year(by_year, for_year)
        chosen[force_id] = by_year[year]
    return chosen


def threats_per_million(user, *, year: int | None = None, status: str = Status.ACTIVE):
    """Active threats per million population by owning force and by region (a region counts
    its forces' and its ROCU's threats), with the population year each rate used.

    A rate is given only for an area whose threats the user sees in full: their own force,
    their ROCU's region, everything for a national user. A threat merely shared with the user
    does not make a rate for its force, and a force user gets no rate for their region: the
    other forces' threats would be missing while their populations counted."""
    year = year or timezone.localdate().year
    threats = _threats_for(user).filter(status=status)
    by_owner = dict(threats.values_list("owner_id").annotate(n=Count("id")))
    populations = _population_by_force(year)
    forces = Organisation.objects.filter(kind=OrganisationKind.FORCE).select_related("region")
    in_scope = set(_organisations_for(user).values_list("pk", flat=True))
    force_rows = []
    for force in forces:
        if force.pk not in in_scope:
            continue
        count = by_owner.get(force.pk, 0)
        figure = populations.get(force.pk)
        force_rows.append(
            AreaRate(
                force.name,
                force.slug,
                count,
                figure.population if figure else None,
                str(figure.year) if figure else "",
                per_population(count, figure.population, 1_000_000, 1) if figure else None,
            )
        )
    region_rows = []
    for region in Region.objects.prefetch_related("organisations"):
        members = [
            o
            for o in region.organisations.all()
            if o.kind in (OrganisationKind.FORCE, OrganisationKind.ROCU)
        ]
        region_forces = [o for o in members if o.kind == OrganisationKind.FORCE]
        if not region_forces or any(o.pk not in in_scope for o in members):
            continue
        count = sum(by_owner.get(o.pk, 0) for o in members)
        figures = [populations.get(o.pk) for o in region_forces]
        population = sum(f.population for f in figures if f) if all(figures) else None
        years = sorted({f.year for f in figures if f})
        region_rows.append(
            AreaRate(
                region.name,
                region.slug,
                count,
                population,
                _year_span(years),
                per_population(count, population, 1_000_000, 1) if population else None,
            )
        )
    return force_rows, region_rows


def _year_span(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"


def crime_type_breakdown(user, *, status: str = Status.ACTIVE) -> list[dict]:
    threats = _threats_for(user).filter(status=status)
    total = threats.count()
    rows = (
        threats.values("predominant_crime_type__code", "predominant_crime_type__name")
        .annotate(n=Count("id"))
        .order_by("-n", "predominant_crime_type__name")
    )
    return [
        {
            "code": r["predominant_crime_type__code"],
            "name": r["predominant_crime_type__name"],
            "threats": r["n"],
            "share": round(100 * r["n"] / total, 1) if total else 0.0,
        }
        for r in rows
    ]


def band_distribution(user, *, status: str = Status.ACTIVE) -> list[dict]:
    rows = (
        _threats_for(user)
        .filter(status=status)
        .values("current_methodology", "current_band", "current_band_rank")
        .annotate(n=Count("id"))
        .order_by("current_methodology", "current_band_rank")
    )
    return [
        {
            "methodology": r["current_methodology"] or "not assessed",
            "band": r["current_band"] or "—",
            "threats": r["n"],
        }
        for r in rows
    ]


# --------------------------------------------------------------------------- members


def visible_memberships(user, threat: Threat) -> list[Membership]:
    """The memberships of ``threat`` whose person ``user`` may see (in the memberships' order): a
    member recorded by an organisation that has not shared them is left out entirely (not
    shown, counted or hinted at). The associates of the members are in the network panel
    (networks app)."""
    from socmap.people.models import Nominal

    visible = set(
        visible_to(
            user, Nominal.objects.filter(pk__in=[m.nominal_id for m in threat.memberships.all()])
        ).values_list("pk", flat=True)
    )
    return [m for m in threat.memberships.all() if m.nominal_id in visible]


def membership_detail(user, pk: int) -> Membership:
    """One membership the user may see, with its person: 404 if they may not see the threat
    or the person, as if it did not exist."""
    from django.http import Http404

    from socmap.orgs.scoping import can_see

    membership = get_visible_or_404(
        user, Membership.objects.select_related("threat", "nominal"), pk=pk
    )
    if not can_see(user, membership.nominal):
        raise Http404("No membership found.")
    return membership
