"""Reads of organisations, populations and users.

Organisations, regions and populations are reference data every signed-in user may read;
users are scoped like any other record.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from socmap.orgs.models import Organisation, PopulationFigure, Region, User
from socmap.orgs.populations import Rate, choose_population_year
from socmap.orgs.scoping import visible_to


def organisations(*, kind: str = "", region: str = "", search: str = "") -> QuerySet[Organisation]:
    latest = PopulationFigure.objects.filter(force=OuterRef("pk")).order_by("-year")
    qs = Organisation.objects.select_related("region", "home_force").annotate(
        latest_population=Subquery(latest.values("population")[:1]),
        latest_population_year=Subquery(latest.values("year")[:1]),
    )
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__slug=region)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(short_name__icontains=search))
    return qs.order_by("region__name", "kind", "name")


def regions() -> QuerySet[Region]:
    return Region.objects.annotate(
        force_count=Count("organisations", filter=Q(organisations__kind="force"))
    ).prefetch_related(
        Prefetch("organisations", queryset=Organisation.objects.order_by("kind", "name"))
    )


def population_figures(*, force: Organisation | None = None, year: int | None = None):
    qs = PopulationFigure.objects.select_related("force", "force__region", "loaded_by")
    if force is not None:
        qs = qs.filter(force=force)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("force__name", "-year")


def population_years() -> list[int]:
    return list(
        PopulationFigure.objects.order_by("-year").values_list("year", flat=True).distinct()
    )


def population_in_use(force: Organisation, for_year: int) -> PopulationFigure | None:
    """The figure a rate for a period ending in ``for_year`` uses (see populations.py)."""
    figures = {f.year: f for f in force.population_figures.all()}
    year = choose_population_year(figures, for_year)
    return figures.get(year) if year is not None else None


def rate_for(force: Organisation, count: int, for_year: int, per: int = 1000) -> Rate | None:
    figure = population_in_use(force, for_year)
    if figure is None:
        return None
    return Rate(count=count, population=figure.population, population_year=figure.year, per=per)


def users_visible_to(
    viewer, *, role: str = "", organisation: str = "", search: str = "", active: bool | None = None
) -> QuerySet[User]:
    qs = visible_to(
        viewer,
        User.objects.select_related("organisation", "team").prefetch_related("roles"),
    )
    if role:
        qs = qs.filter(roles__code=role)
    if organisation:
        qs = qs.filter(organisation__slug=organisation)
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.distinct()
