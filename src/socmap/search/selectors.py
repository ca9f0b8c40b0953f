"""Search across threats, nominals (with aliases), plans, disruptions, intelligence and local
profiles, for one user: only what they may see is searched, counted or shown.

On PostgreSQL the text is matched with its own full-text search (``websearch_to_tsquery``
against the stored, GIN-indexed vectors of search/documents.py) and ranked with ``ts_rank``; names
are also matched word by word with pg_trgm's trigram similarity (indexed), so a misspelt name or
alias is found. On SQLite every query word must occur in one of the searched fields (``LIKE``),
ranked by where it occurs, and names use the same trigram similarity, computed by a Python
function registered on each SQLite connection. See docs/methodology.md ("Search").
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Greatest

from socmap.errors import InvalidInput
from socmap.lifetime.checks import filter_date
from socmap.orgs.models import Organisation
from socmap.orgs.scoping import visible_to
from socmap.search import documents, rules

KINDS = {
    "threat": "Threats",
    "nominal": "Nominals",
    "plan": "4P plans",
    "disruption": "Disruptions",
    "intel": "Intelligence",
    "profile": "Local profiles",
}
FILTERS = ("q", "kind", "force", "date_from", "date_to", "status", "page", "page_size")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_PAGE = 50


def statuses() -> dict[str, dict[str, str]]:
    """The kinds that have a status, and their statuses (value -> label)."""
    from socmap.disruptions.rules import DisruptionStatus
    from socmap.threats.models import Status

    return {"threat": dict(Status.choices), "disruption": dict(DisruptionStatus.choices)}


@dataclass(frozen=True)
class SearchRequest:
    text: str
    words: tuple[str, ...]
    kind: str = ""
    force: Organisation | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def every_kind(self) -> SearchRequest:
        """The same request over every kind (what the counts per kind are taken over)."""
        return replace(self, kind="")

    @property
    def kinds(self) -> list[str]:
        """The kinds this request searches (a status filter leaves out kinds without one)."""
        chosen = [self.kind] if self.kind else list(KINDS)
        if self.status:
            with_status = statuses()
            chosen = [k for k in chosen if self.status in with_status.get(k, {})]
        return chosen


def _whole(raw, name: str, errors: dict, default: int, low: int, high: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors[name] = [f"'{raw}' is not a whole number."]
        return default
    if not low <= value <= high:
        errors[name] = [f"Choose a {name.replace('_', ' ')} from {low} to {high}."]
        return default
    return value


def parse_request(
    q=None,
    *,
    kind=None,
    force=None,
    date_from=None,
    date_to=None,
    status=None,
    page=None,
    page_size=None,
    unknown: list[str] | tuple[str, ...] = (),
) -> SearchRequest:
    """A checked search request, or InvalidInput naming every problem (``unknown``: the names
    of parameters that are not filters, as the page or the API received them)."""
    errors: dict[str, list[str]] = {}
    for name in unknown:
        errors[name] = [f"Unknown filter '{name}': use {', '.join(FILTERS)}."]
    text = " ".join(str(q or "").split())
    problem = rules.query_problem(text)
    if problem:
        errors["q"] = [problem]
    kind = (kind or "").strip().lower()
    if kind and kind not in KINDS:
        errors["kind"] = [f"Unknown kind '{kind}': choose from {', '.join(KINDS)}."]
    organisation = None
    force = (force or "").strip().lower()
    if force:
        organisation = Organisation.objects.filter(slug=force).first()
        if organisation is None:
            errors["force"] = [f"There is no force or organisation '{force}'."]
    status = (status or "").strip().lower()
    if status:
        with_status = statuses()
        known = {s for values in with_status.values() for s in values}
        if status not in known:
            errors["status"] = [
                f"Unknown status '{status}': choose from {', '.join(sorted(known))}."
            ]
        elif kind in KINDS and status not in with_status.get(kind, {}):
            errors["status"] = [
                f"{KINDS[kind]} have no status '{status}'."
                if kind in with_status
                else f"{KINDS[kind]} have no status to filter by."
            ]
    start = filter_date(date_from, "date_from", errors)
    end = filter_date(date_to, "date_to", errors)
    if start and end and start > end:
        errors["date_to"] = ["The end date is before the start date."]
    number = _whole(page, "page", errors, 1, 1, MAX_PAGE)
    size = _whole(page_size, "page_size", errors, PAGE_SIZE, 1, MAX_PAGE_SIZE)
    if errors:
        raise InvalidInput(errors)
    return SearchRequest(
        text=text,
        words=tuple(rules.words(text)),
        kind=kind,
        force=organisation,
        date_from=start,
        date_to=end,
        status=status,
        page=number,
        page_size=size,
    )


def request_from(params) -> SearchRequest:
    """A checked request from a page's or the API's query parameters (any other parameter is
    refused as an unknown filter)."""
    return parse_request(
        params.get("q"),
        kind=params.get("kind"),
        force=params.get("force"),
        date_from=params.get("date_from"),
        date_to=params.get("date_to"),
        status=params.get("status"),
        page=params.get("page"),
        page_size=params.get("page_size"),
        unknown=[k for k in params if k not in FILTERS],
    )


# --------------------------------------------------------------------------- matching


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class TrigramMatches(Func):
    """``a % b``: pg_trgm's indexed similarity test (similarity above the threshold)."""

    arg_joiner = " %% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class Similarity(Func):
    """``similarity(a, b)``: pg_trgm on PostgreSQL, rules.similarity on SQLite."""

    function = "similarity"
    output_field = FloatField()


def _text_match(kind_vector: str, request: SearchRequest, name: str = "_fts"):
    """(condition, annotation, rank) of the full-text match on one document vector; the
    condition reads the annotation ``name`` (PostgreSQL; None elsewhere)."""
    if is_postgresql():
        query = SearchQuery(request.text, config=documents.CONFIG, search_type="websearch")
        vector = documents.StoredVector(kind_vector)
        return Q(**{name: query}), (name, vector), SearchRank(vector, query)
    fields = documents.VECTORS[kind_vector][2]
    weights = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
    condition = Q()
    for word in request.words:
        any_field = Q()
        for name, _ in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    rank = Value(0.0, output_field=FloatField())
    for word in request.words:
        for name, weight in fields:
            rank = rank + Case(
                When(**{f"{name}__icontains": word}, then=Value(weights[weight])),
                default=Value(0.0),
                output_field=FloatField(),
            )
    return condition, None, rank


def _matching(queryset: QuerySet, kind_vector: str, request: SearchRequest):
    """``queryset`` narrowed to the full-text matches, with their rank as ``rank``."""
    condition, annotation, rank = _text_match(kind_vector, request)
    if annotation is not None:
        queryset = queryset.annotate(**{annotation[0]: annotation[1]})
    return queryset.filter(condition), rank


def _matching_ids(queryset: QuerySet, kind_vector: str, request: SearchRequest, column="pk"):
    matches, _ = _matching(queryset, kind_vector, request)
    return matches.values(column)


def _any_of(*ids: QuerySet) -> QuerySet:
    """The ids any of ``ids`` (single-column querysets) gives, as one ``UNION ALL`` subquery:
    each part answers from its own index, and the record's table is then read only for those
    ids (an ``OR`` of the same subqueries makes PostgreSQL read the whole table)."""
    parts = [q.order_by() for q in ids]
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _name_match(field_name: str, word: str) -> Q:
    if is_postgresql():
        return Q(TrigramMatches(F(field_name), Value(word)))
    return Q(
        Func(
            F(field_name),
            Value(word),
            Value(rules.NAME_SIMILARITY),
            function="socmap_similar",
            output_field=BooleanField(),
        )
    )


def _name_similarity(field_name: str, word: str):
    return Coalesce(Similarity(F(field_name), Value(word)), Value(0.0), output_field=FloatField())


# --------------------------------------------------------------------------- one kind at a time


@dataclass
class Source:
    """The matches of one kind for a request: a queryset with ``rank`` and ``day``."""

    kind: str
    queryset: QuerySet
    label: str = ""
    extra: dict = field(default_factory=dict)


def _date_range(qs: QuerySet, column: str, request: SearchRequest) -> QuerySet:
    if request.date_from:
        qs = qs.filter(**{f"{column}__gte": request.date_from})
    if request.date_to:
        qs = qs.filter(**{f"{column}__lte": request.date_to})
    return qs


def _as_day(column: str):
    return Cast(column, DateField())


def _threats(user, request: SearchRequest) -> list[Source]:
    from socmap.threats.models import Threat

    qs = visible_to(user, Threat.objects.all())
    qs, rank = _matching(qs, "threat", request)
    if request.force:
        touching = Threat.forces.through.objects.filter(organisation=request.force)
        qs = qs.filter(Q(owner=request.force) | Q(pk__in=touching.values("threat_id")))
    if request.status:
        qs = qs.filter(status=request.status)
    qs = qs.annotate(rank=rank, day=_as_day("created_at"))
    return [Source("threat", _date_range(qs, "day", request))]


def _nominals(user, request: SearchRequest) -> list[Source]:
    from socmap.people.models import Alias, Nominal

    visible = visible_to(user, Nominal.objects.all())
    everyone = Nominal.objects.all()
    text = _matching_ids(everyone, "nominal", request)
    aliases = Alias.objects.all()
    alias_text = _matching_ids(aliases, "alias", request, "nominal_id")
    candidates = [text, alias_text]
    for word in request.words:
        candidates.append(everyone.filter(_name_match("surname", word)).values("pk"))
        candidates.append(everyone.filter(_name_match("forenames", word)).values("pk"))
        candidates.append(aliases.filter(_name_match("name", word)).values("nominal_id"))
    matching = visible.filter(pk__in=_any_of(*candidates))
    # Each person once: a record merged into another the user also sees is found as that one
    # (by either record's names, two merges deep), as on the people list.
    # (one UNION of ids and a look-up per found record: an OR of the three, or a NOT IN over
    # everyone visible, made the database read every nominal for a national user)
    found = _any_of(
        matching.values("pk"),
        matching.filter(merged_into__isnull=False).values("merged_into"),
        matching.filter(merged_into__merged_into__isnull=False).values(
            "merged_into__merged_into"
        ),
    )
    qs = visible.filter(pk__in=found).exclude(Exists(visible.filter(pk=OuterRef("merged_into"))))
    # rank: the full-text rank, or the trigram similarity of the best-matching name or alias
    name_score = Value(0.0, output_field=FloatField())
    for word in request.words:
        best_alias = Subquery(
            Alias.objects.filter(nominal_id=OuterRef("pk"))
            .annotate(s=_name_similarity("name", word))
            .order_by("-s")
            .values("s")[:1],
            output_field=FloatField(),
        )
        name_score = name_score + Greatest(
            _name_similarity("surname", word),
            _name_similarity("forenames", word),
            Coalesce(best_alias, Value(0.0), output_field=FloatField()),
        )
    words = max(1, len(request.words))
    exact = Case(
        When(Q(pk__in=text) | Q(pk__in=alias_text), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    qs = qs.annotate(rank=exact + name_score / words, day=_as_day("created_at"))
    if request.force:
        qs = qs.filter(owner=request.force)
    return [Source("nominal", _date_range(qs, "day", request))]


def _plans(user, request: SearchRequest) -> list[Source]:
    from socmap.plans.models import Action, Objective, Plan
    from socmap.threats.models import Threat

    visible = visible_to(user, Plan.objects.all())
    look_for = _matching_ids(Plan.objects.all(), "plan", request)
    rank = _text_match("plan", request)[2]
    objectives = _matching_ids(Objective.objects.all(), "objective", request, "plan_id")
    actions = _matching_ids(Action.objects.all(), "action", request, "plan_id")
    # the threat's name counts only if the user may see the threat itself
    threats = _matching_ids(visible_to(user, Threat.objects.all()), "threat", request)
    by_threat = Plan.objects.filter(threat_id__in=threats).values("pk")
    qs = visible.filter(pk__in=_any_of(look_for, objectives, actions, by_threat))
    in_look_for = Case(
        When(pk__in=look_for, then=rank), default=Value(0.0), output_field=FloatField()
    )
    in_work = Case(
        When(Q(pk__in=objectives) | Q(pk__in=actions), then=Value(0.1)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    qs = qs.annotate(rank=in_look_for + in_work + Value(0.05), day=_as_day("created_at"))
    if request.force:
        touching = Threat.forces.through.objects.filter(organisation=request.force)
        qs = qs.filter(
            Q(threat__owner=request.force) | Q(threat_id__in=touching.values("threat_id"))
        )
    return [Source("plan", _date_range(qs, "day", request))]


def _disruptions(user, request: SearchRequest) -> list[Source]:
    from socmap.disruptions.models import Disruption, Tactic

    visible = visible_to(user, Disruption.objects.all())
    text = _matching_ids(Disruption.objects.all(), "disruption", request)
    rank = _text_match("disruption", request)[2]
    tactic = Q()
    for word in request.words:
        tactic &= Q(name__icontains=word)
    tactics = Tactic.objects.filter(tactic).values("code")
    by_tactic = Disruption.objects.filter(tactic_id__in=tactics).values("pk")
    qs = visible.filter(pk__in=_any_of(text, by_tactic))
    score = Case(When(pk__in=text, then=rank), default=Value(0.0), output_field=FloatField())
    qs = qs.annotate(rank=score + Value(0.05), day=F("occurred_on"))
    if request.force:
        qs = qs.filter(owner=request.force)
    if request.status:
        qs = qs.filter(status=request.status)
    return [Source("disruption", _date_range(qs, "day", request))]


def _intel(user, request: SearchRequest) -> list[Source]:
    """Reports: by external reference for everyone who may know of them; by their original
    text only for a user cleared to read that report's classification. Sanitised copies: by
    their text, for everyone who may see them (partners: those shared with them)."""
    from socmap.intel import selectors as intel

    reports = intel.reports_for(user).select_related(None)
    # Matched on the visible reports themselves (not as ids of every matching report): the
    # database then intersects the full-text index with the owner's, reading only the
    # reports the user may see (a common word matches tens of thousands nationally).
    qs = reports
    by_reference, annotation, _ = _text_match("intel_reference", request, "_fts_reference")
    if annotation is not None:
        qs = qs.annotate(**{annotation[0]: annotation[1]})
    condition = by_reference
    original_rank = Value(0.0, output_field=FloatField())
    readable = intel.readable_classifications(user)
    if readable:
        # only the originals of the classifications this user is cleared to read
        text, annotation, rank = _text_match("intel_original", request, "_fts_original")
        if annotation is not None:
            qs = qs.annotate(**{annotation[0]: annotation[1]})
        cleared = Q(classification__in=readable) & text
        condition |= cleared
        original_rank = Case(
            When(cleared, then=rank), default=Value(0.0), output_field=FloatField()
        )
    qs = qs.filter(condition)
    reference_rank = Case(
        When(by_reference, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
    )
    qs = qs.annotate(rank=reference_rank + original_rank, day=F("reported_on"))
    copies = intel.copies_for(user).select_related(None)
    matched_copies, copy_rank = _matching(copies, "sanitised_copy", request)
    copy_qs = matched_copies.annotate(rank=copy_rank, day=F("report__reported_on"))
    if request.force:
        qs = qs.filter(owner=request.force)
        copy_qs = copy_qs.filter(report__owner=request.force)
    return [
        Source("intel", _date_range(qs, "day", request), "report"),
        Source("intel", _date_range(copy_qs, "day", request), "copy"),
    ]


def _profiles(user, request: SearchRequest) -> list[Source]:
    from socmap.profiles import rules as profile_rules
    from socmap.profiles import selectors as profiles
    from socmap.profiles.models import LocalProfile, ProfileVersion

    visible = profiles.profiles_for(user).select_related(None)
    keys = (
        [k for k, _, partner in profile_rules.SECTIONS if partner]
        if profiles.is_partner(user)
        else list(profile_rules.SECTION_KEYS)
    )
    current = ProfileVersion.objects.filter(profile_id=OuterRef("pk"), number=OuterRef("version"))
    annotations = {
        f"_s_{k}": Subquery(
            current.annotate(t=KT(f"sections__{k}")).values("t")[:1], output_field=TextField()
        )
        for k in keys
    }
    qs = LocalProfile.objects.filter(pk__in=visible.values("pk")).annotate(**annotations)
    condition = Q()
    rank = Value(0.0, output_field=FloatField())
    for word in request.words:
        any_field = Q(title__icontains=word)
        rank = rank + Case(
            When(title__icontains=word, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        for k in keys:
            any_field |= Q(**{f"_s_{k}__icontains": word})
            rank = rank + Case(
                When(**{f"_s_{k}__icontains": word}, then=Value(0.3)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        condition &= any_field
    qs = qs.filter(condition).annotate(rank=rank * Value(0.5), day=_as_day("updated_at"))
    if request.force:
        qs = qs.filter(
            Q(owner=request.force) | Q(force=request.force) | Q(local_area__force=request.force)
        )
    return [Source("profile", _date_range(qs, "day", request))]


SOURCES = {
    "threat": _threats,
    "nominal": _nominals,
    "plan": _plans,
    "disruption": _disruptions,
    "intel": _intel,
    "profile": _profiles,
}


# --------------------------------------------------------------------------- results


@dataclass
class Hit:
    kind: str
    label: str  # the source within a kind ("report" or "copy" for intelligence)
    pk: int
    rank: float
    day: dt.date | None
    record: object = None
    title: str = ""
    url: str = ""
    detail: str = ""
    excerpt: tuple[str, str, str] = ("", "", "")
    matched: str = ""


@dataclass
class Results:
    request: SearchRequest
    counts: dict[str, int]  # kind -> matches the user may see, for every kind searched
    total: int
    hits: list[Hit]
    page: int
    num_pages: int

    @property
    def all_kinds_total(self) -> int:
        return sum(self.counts.values())

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.request.page_size + 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _sources(user, request: SearchRequest) -> dict[str, list[Source]]:
    return {kind: SOURCES[kind](user, request) for kind in request.kinds}


def counts(user, request: SearchRequest) -> dict[str, int]:
    """Matches per kind, counted only over what ``user`` may see."""
    return search(user, request).counts


@contextmanager
def _planner_settings():
    """PostgreSQL: no JIT compilation for the search's queries. Their cost estimates (ranking
    expressions, several subqueries) pass ``jit_above_cost``, and compiling them took about a
    second of every search on the benchmark data while running them took a tenth of that."""
    if not is_postgresql():
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def search(user, request: SearchRequest) -> Results:
    """One page of results, best first (rank, then the newest), and the counts per kind."""
    if user is None or not getattr(user, "is_authenticated", False):
        counted = dict.fromkeys(KINDS, 0)
        return Results(request, counted, 0, [], 1, 1)
    with _planner_settings():
        return _search(user, request)


def _hits_sql(user, request: SearchRequest) -> tuple[str, list]:
    """One ``UNION ALL`` of every source's matches (kind, label, pk, rank, day), for the kinds
    counted; only the kinds shown are ranked (the others' rank is left at 0, not computed)."""
    chosen = set(request.kinds)
    parts, params = [], []
    for kind, sources in _sources(user, request.every_kind).items():
        for source in sources:
            rank = Cast("rank", FloatField()) if kind in chosen else Value(0.0, FloatField())
            rows = (
                source.queryset.order_by()
                .annotate(k=Value(kind), lbl=Value(source.label), r=rank, d=F("day"))
                .values_list("k", "lbl", "pk", "r", "d")
            )
            try:
                sql, part_params = rows.query.get_compiler(connection=connection).as_sql()
            except EmptyResultSet:  # nothing of this source is visible to the user at all
                continue
            # the ORM's own SQL, its values kept apart as parameters
            parts.append(f"SELECT * FROM ({sql}) part")  # noqa: S608
            params.extend(part_params)
    return " UNION ALL ".join(parts), params


def _matches(user, request: SearchRequest, start: int):
    """The counts per kind and one page of the chosen kinds' matches, in one statement.

    Matching and the visibility rules are the expensive part of a search (a common word
    matches tens of thousands of reports nationally): they are run once, into a common table
    the counts and the page both read, rather than once to count and again to rank."""
    hits, params = _hits_sql(user, request)
    counted = dict.fromkeys(request.every_kind.kinds, 0)
    if not hits:
        return counted, []
    chosen = list(request.kinds)
    marks = ", ".join(["%s"] * len(chosen)) or "NULL"
    # only the ORM's SQL and placeholders are put together here; every value is a parameter
    sql = (
        f"WITH hits(k, lbl, pk, r, d) AS ({hits}) "  # noqa: S608
        "SELECT 'count', k, lbl, COUNT(*), NULL, NULL FROM hits GROUP BY k, lbl "
        "UNION ALL SELECT * FROM ("
        f"SELECT 'hit', k, lbl, pk, r, d FROM hits WHERE k IN ({marks}) "
        "ORDER BY r DESC, d IS NULL, d DESC, k, lbl, pk LIMIT %s OFFSET %s) page"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *chosen, request.page_size, start])
        rows = cursor.fetchall()
    page = []
    for part, kind, label, pk_or_count, rank, day in rows:
        if part == "count":
            counted[kind] += int(pk_or_count)
        else:
            page.append(Hit(kind, label, int(pk_or_count), float(rank or 0), _day(day)))
    return counted, page


def _day(value) -> dt.date | None:
    """A day as the database returned it (SQLite: an ISO string)."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    return dt.date.fromisoformat(str(value)[:10])


def _search(user, request: SearchRequest) -> Results:
    start = (request.page - 1) * request.page_size
    counted, hits = _matches(user, request, start)
    total = sum(counted.get(k, 0) for k in request.kinds)
    num_pages = max(1, min(MAX_PAGE, -(-total // request.page_size)))
    page = min(request.page, num_pages)
    if page != request.page:  # past the last page: show the last one
        counted, hits = _matches(user, request, (page - 1) * request.page_size)
    _describe(user, request, hits)
    return Results(request, counted, total, hits, page, num_pages)


def _describe(user, request: SearchRequest, hits: list[Hit]) -> None:
    """Load the page's records (a query per kind) and say what each hit is."""
    from socmap.search import describe

    describe.describe(user, request, hits)


__all__ = [
    "KINDS",
    "FILTERS",
    "SearchRequest",
    "parse_request",
    "search",
    "counts",
    "statuses",
    "Results",
    "Hit",
]
