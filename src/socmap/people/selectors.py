"""Reads of nominals, always scoped to what the user may see.

``user=None`` is the system operator at the command line (as for writes, where
``actor=None`` is the operator), who sees every nominal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import CharField, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404

from socmap.errors import InvalidInput
from socmap.orgs.scoping import get_visible_or_404, visible_to
from socmap.people.models import (
    Address,
    Alias,
    Association,
    CandidateStatus,
    DuplicateCandidate,
    Identifier,
    LinkageRun,
    Nominal,
    NominalMerge,
)
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
    the owning organisation's slug. Each person appears once: a record merged into another
    that the user also sees is shown as that one (a search finds the person by either
    record's names)."""
    visible = _nominals_for(user)
    qs = visible.exclude(merged_into__in=visible.values("pk"))
    search = (search or "").strip()[:SEARCH_MAX_LENGTH]
    if search:
        matching = visible.annotate(
            search_name=Concat("forenames", Value(" "), "surname", output_field=CharField())
        ).filter(search_filter(search))
        # A matching record shows as the record it is merged into (two merges deep).
        qs = qs.filter(
            Q(pk__in=matching.values("pk"))
            | Q(pk__in=matching.values("merged_into"))
            | Q(pk__in=matching.values("merged_into__merged_into"))
        )
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
    ``visible_threats_as_subject``, and the merges (``shown_as``: the record this one is merged
    into, if visible; ``merged_here``: visible records merged into this one; ``merge_history``:
    every merge, current or undone, between this record and another the user may see)."""
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
    merges = merges_visible_to(user).filter(Q(duplicate=nominal) | Q(survivor=nominal))
    nominal.merge_history = list(merges)
    current = [m for m in nominal.merge_history if m.is_current]
    nominal.shown_as = next((m for m in current if m.duplicate_id == nominal.pk), None)
    nominal.merged_here = [m for m in current if m.survivor_id == nominal.pk]
    return nominal


# --------------------------------------------------------------------------- merges, duplicates


def merges_visible_to(user) -> QuerySet[NominalMerge]:
    """Merges between two records the user may both see (a merge with a record the user may
    not see is not shown, so it cannot hint at that record)."""
    visible = _nominals_for(user).values("pk")
    return NominalMerge.objects.filter(duplicate__in=visible, survivor__in=visible).select_related(
        "duplicate", "duplicate__owner", "survivor", "survivor__owner", "merged_by", "undone_by"
    )


def visible_merge(user, pk: int) -> NominalMerge:
    try:
        return merges_visible_to(user).get(pk=pk)
    except NominalMerge.DoesNotExist as missing:
        raise Http404("No merge found.") from missing


CANDIDATE_SORTS = {"weight": "match_weight", "found": "created_at"}


def candidates_visible_to(
    user, *, status: str = CandidateStatus.PENDING, cross_force_only: bool = False
) -> QuerySet[DuplicateCandidate]:
    """The pairs of possible duplicates whose two people the user may both see, strongest
    first; ``status`` "" for every status. A pair with a person out of sight is not shown,
    nor counted."""
    visible = _nominals_for(user).values("pk")
    qs = DuplicateCandidate.objects.filter(left__in=visible, right__in=visible).select_related(
        "left", "left__owner", "right", "right__owner", "run", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    if cross_force_only:
        qs = qs.exclude(left__owner=F("right__owner"))
    return qs.order_by("-match_weight", "id")


def visible_candidate(user, pk: int) -> DuplicateCandidate:
    try:
        return candidates_visible_to(user, status="").get(pk=pk)
    except DuplicateCandidate.DoesNotExist as missing:
        raise Http404("No pair found.") from missing


def latest_linkage_run(user) -> LinkageRun | None:
    """The latest run this user (or, for the system, anyone) started: runs over other scopes
    are not shown, since their counts would describe people out of sight."""
    runs = LinkageRun.objects.all()
    if user is not None:
        runs = runs.filter(run_by__organisation_id=user.organisation_id)
    return runs.order_by("-started_at", "-id").first()


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
