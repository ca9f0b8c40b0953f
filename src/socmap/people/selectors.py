"""Reads of nominals, always scoped to what the user may see.

``user=None`` is the system operator at the command line (as for writes, where
``actor=None`` is the operator), who sees every nominal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import CharField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404

from socmap.errors import InvalidInput
from socmap.orgs.scoping import get_visible_or_404, visible_to
from socmap.people.models import Address, Alias, Association, Identifier, Nominal
from socmap.threats.models import Membership, Threat

# Flags a list can be filtered by: field name -> label.
FLAGS = {
    "foreign_national": "Foreign national",
    "iom": "IOM (Integrated Offender Management)",
    "mappa": "MAPPA",
    "vulnerable": "Vulnerable or exploited person",
}

NOMINAL_SORTS = {
    "name": "surname",
    "dob": "date_of_birth",
    "updated": "updated_at",
    "recorded": "created_at",
}

SEARCH_MAX_LENGTH = 100


def _nominals_for(user) -> QuerySet[Nominal]:
    qs = Nominal.objects.select_related("owner")
    return qs if user is None else visible_to(user, qs)


def check_flags(flags: Iterable[str] | None) -> list[str]:
    """The flags asked for, or an :class:`InvalidInput` naming the ones socmap does not know."""
    chosen = [f.strip().lower() for f in flags or [] if f and f.strip()]
    unknown = [f for f in chosen if f not in FLAGS]
    if unknown:
        raise InvalidInput(
            {"flags": [f"Unknown flag '{f}': choose from {', '.join(FLAGS)}." for f in unknown]}
        )
    return list(dict.fromkeys(chosen))


def search_filter(search: str) -> Q:
    """Surname, forenames, "forenames surname", any alias, PNC ID or identifier value
    containing ``search`` (ignoring case). Aliases and identifiers are matched through
    subqueries, so a person with two matching aliases is listed once."""
    text = " ".join(search.split())
    return (
        Q(surname__icontains=text)
        | Q(forenames__icontains=text)
        | Q(search_name__icontains=text)
        | Q(pnc_id__icontains=text.replace(" ", ""))
        | Q(pk__in=Alias.objects.filter(name__icontains=text).values("nominal_id"))
        | Q(pk__in=Identifier.objects.filter(value__icontains=text).values("nominal_id"))
    )


def nominals_visible_to(
    user, *, search: str = "", flags: Iterable[str] | None = None, owner: str = ""
) -> QuerySet[Nominal]:
    """The nominals ``user`` may see, narrowed by a search text, flags (all must be set) and
    the owning organisation's slug. Each person appears once."""
    qs = _nominals_for(user)
    search = (search or "").strip()[:SEARCH_MAX_LENGTH]
    if search:
        qs = qs.annotate(
            search_name=Concat("forenames", Value(" "), "surname", output_field=CharField())
        ).filter(search_filter(search))
    for flag in check_flags(flags):
        qs = qs.filter(**{flag: True})
    if owner:
        qs = qs.filter(owner__slug=owner)
    return qs.order_by("surname", "forenames", "id")


def order_nominals(queryset: QuerySet[Nominal], sort: str) -> QuerySet[Nominal]:
    """``queryset`` in the order ``sort`` names (a key of :data:`NOMINAL_SORTS`, ``-`` for
    descending), then by name and id so that pages never overlap."""
    field = NOMINAL_SORTS[sort.lstrip("-")]
    direction = "-" if sort.startswith("-") else ""
    if field == "surname":
        return queryset.order_by(f"{direction}surname", f"{direction}forenames", "id")
    return queryset.order_by(f"{direction}{field}", "surname", "forenames", "id")


def recently_recorded(user, limit: int = 5) -> list[Nominal]:
    return list(_nominals_for(user).order_by("-created_at", "-id")[:limit])


@dataclass(frozen=True)
class LinkedPerson:
    """One association as read from the person whose page it is on."""

    association: Association
    other: Nominal
    label: str  # "Supplies", "Exploited by"...
    outgoing: bool  # True if this person is the association's source


def nominal_detail(user, pk: int) -> Nominal:
    """One nominal with everything its page shows, or 404 if ``user`` may not see it.

    Adds ``linked_people`` (associations in both directions whose other person the user may
    also see), ``visible_memberships`` (groups the user may see) and
    ``visible_threats_as_subject``."""
    people = _nominals_for(user)
    visible_people = people.values("pk")
    memberships = Membership.objects.select_related("threat", "threat__owner").order_by(
        "left_on", "-joined_on", "id"
    )
    threats = Threat.objects.select_related("owner", "predominant_crime_type").order_by("name")
    if user is not None:
        memberships = visible_to(user, memberships)
        threats = visible_to(user, threats)
    queryset = people.select_related("created_by").prefetch_related(
        "aliases",
        "identifiers",
        Prefetch("addresses", queryset=Address.objects.select_related("force")),
        Prefetch(
            "associations_out",
            queryset=Association.objects.filter(target__in=visible_people).select_related(
                "target", "target__owner"
            ),
            to_attr="visible_associations_out",
        ),
        Prefetch(
            "associations_in",
            queryset=Association.objects.filter(source__in=visible_people).select_related(
                "source", "source__owner"
            ),
            to_attr="visible_associations_in",
        ),
        Prefetch("memberships", queryset=memberships, to_attr="visible_memberships"),
        Prefetch("threats_as_subject", queryset=threats, to_attr="visible_threats_as_subject"),
    )
    nominal = (
        get_visible_or_404(user, queryset, pk=pk) if user is not None else _get_or_404(queryset, pk)
    )
    links = [
        LinkedPerson(a, a.target, a.label_from(nominal), True)
        for a in nominal.visible_associations_out
    ] + [
        LinkedPerson(a, a.source, a.label_from(nominal), False)
        for a in nominal.visible_associations_in
    ]
    nominal.linked_people = sorted(
        links, key=lambda link: (link.label, link.other.surname, link.other.forenames)
    )
    return nominal


def _get_or_404(queryset: QuerySet[Nominal], pk: int) -> Nominal:
    try:
        return queryset.get(pk=pk)
    except Nominal.DoesNotExist as missing:
        raise Http404("No nominal found.") from missing


def visible_nominal(user, pk) -> Nominal | None:
    """The nominal with id ``pk`` if ``user`` may see it (for pickers), else ``None``."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return None
    return _nominals_for(user).filter(pk=number).first()


def visible_association(user, pk: int) -> Association:
    """An association the user may see, or 404."""
    return get_visible_or_404(user, Association.objects.select_related("source", "target"), pk=pk)
