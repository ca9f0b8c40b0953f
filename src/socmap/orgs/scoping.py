"""The one place that decides which records a user may see.

Every list, page, export, count and API call that reads scoped records goes through
:func:`visible_to` (querysets) or :func:`get_visible_or_404` (single records). The rules:

* a force user sees records owned by their force;
* a ROCU user sees records owned by the forces and the ROCU of their region;
* a national user (NCA, the inspectorate) sees every record;
* a partner sees only records explicitly shared with their organisation (and its own);
* anyone also sees records explicitly shared with their organisation;
* a user with no organisation, or an inactive user, sees nothing.

A model takes part by naming the lookup path to its owning organisation in ``scope_owner``
(for example ``scope_owner = "owner"``). A model without one cannot be read through this
module at all: default deny, so a new list cannot forget the rule.

On top of the organisation's scope, a record may be *restricted* to the people and teams of
an :class:`~socmap.orgs.models.Restriction` (a sensitive operation). A model takes part by
naming the path to the restriction in ``scope_restriction``: ``"restriction"`` on the
restricted record itself, ``"threat__restriction"`` on a record that hangs off a threat, or
a tuple of paths (every one must allow the user). Through a many-valued path (a disruption's
``"threats__restriction"``) the record is hidden only when *every* linked record is hidden from
the user; a record linked to nothing stays visible. A restricted record is invisible, not just
unlinked: lists, counts, search, exports and the API all read through :func:`visible_to`.
Nobody sees a restricted record by rank or scope alone, not even national users (need to
know): only the people named and the members of the teams named. See docs/security.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Subquery
from django.http import Http404

from socmap.orgs.models import Organisation, OrganisationKind, Share


class ScopeLevel(StrEnum):
    NONE = "none"
    FORCE = "force"
    REGION = "region"
    NATIONAL = "national"
    PARTNER = "partner"


@dataclass(frozen=True)
class Scope:
    """What a user's organisation entitles them to see, in words they can be shown."""

    level: ScopeLevel
    organisation_id: int | None = None
    region_id: int | None = None
    description: str = ""


# ----------------------------------------------------------------- remembered within a request

# While a page or API call that only reads is answered (RememberScopeMiddleware), the few
# small sets every scoped query depends on (the ids shared with the user's organisation, the
# restrictions the user is inside, the organisations of their region, the rows restrictions
# hide) are read once and written into each query as plain lists of ids, instead of the same
# sub-queries repeated in every one of a page's queries: dozens of them on a threat's page,
# each costing Python to build and PostgreSQL to plan and run. Outside such a request (a
# service that writes, the command line, a test calling a selector) nothing is remembered and
# the sub-queries are used, so a share or restriction just made is always seen.
_remembered: ContextVar[dict | None] = ContextVar("socmap_scope_remembered", default=None)
REMEMBER_AT_MOST = 2000  # more ids than this stay a sub-query


@contextmanager
def remembering() -> Iterator[None]:
    """Remember the small sets scoped queries depend on until the block ends."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def _ids(key: tuple, rows, column: str = "pk"):
    """``rows`` (a one-column queryset of ids, or a function making it) as a list of ids while
    remembering, unless there are too many; otherwise the queryset itself, to be used as a
    sub-query. A function is called only when the ids are not already remembered: building a
    restriction's sub-queries took longer than reading the remembered list."""
    memo = _remembered.get()
    if memo is not None and memo.get(key) is not None:
        return memo[key]
    rows = rows() if callable(rows) else rows
    if memo is None:
        return rows
    if key not in memo:
        found = list(rows.values_list(column, flat=True)[: REMEMBER_AT_MOST + 1])
        memo[key] = found if len(found) <= REMEMBER_AT_MOST else None
    return rows if memo[key] is None else memo[key]


def _remember(key: tuple, compute: Callable[[], object]):
    memo = _remembered.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _member_of(column: str, ids) -> models.Q:
    """``column`` is one of ``ids``: a list of ids, or a one-column queryset."""
    if isinstance(ids, list):
        return models.Q(**{f"{column}__in": ids})
    return models.Q(_AnyOf(column, ids))


def scope_for(user) -> Scope:
    """The reach of a user's organisation; roles never widen it."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(ScopeLevel.NONE, description="nothing (not signed in)")
    org: Organisation | None = user.organisation
    if org is None or not org.is_active:
        return Scope(ScopeLevel.NONE, description="nothing (no active organisation)")
    if org.kind == OrganisationKind.NATIONAL:
        return Scope(ScopeLevel.NATIONAL, org.pk, None, "records of every force and region")
    if org.kind == OrganisationKind.ROCU:
        return Scope(
            ScopeLevel.REGION, org.pk, org.region_id, f"records of the {org.region} region"
        )
    if org.kind == OrganisationKind.FORCE:
        return Scope(ScopeLevel.FORCE, org.pk, org.region_id, f"records of {org.name}")
    return Scope(ScopeLevel.PARTNER, org.pk, org.region_id, f"records shared with {org.name}")


def _owner_path(model: type[models.Model]) -> str:
    path = getattr(model, "scope_owner", None)
    if not path:
        raise ImproperlyConfigured(
            f"{model.__name__} has no scope_owner, so socmap cannot decide who may see it."
        )
    return path


class _AnyOf(Func):
    """``column IN (subquery)``, written ``column = ANY(ARRAY(subquery))`` on PostgreSQL.

    The array is computed once (an init plan) and the test is an indexable condition, so
    PostgreSQL can combine it with the record's other indexes (``owner_id = 24 OR id =
    ANY(...)`` becomes a bitmap OR, then AND with a full-text match). ``IN (subquery)`` inside
    an ``OR`` is a hashed sub-plan checked row by row: a search of two million intelligence
    reports read every matching report to test it (1 s, against 0.1 s)."""

    output_field = BooleanField()

    def __init__(self, column: str, subquery: models.QuerySet):
        super().__init__(F(column), Subquery(subquery))

    def _parts(self, compiler):
        column, subquery = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        subquery_sql, subquery_params = compiler.compile(subquery)
        return column_sql, subquery_sql, (*column_params, *subquery_params)

    def as_sql(self, compiler, connection, **extra_context):
        column_sql, subquery_sql, params = self._parts(compiler)
        return f"{column_sql} IN {subquery_sql}", params

    def as_postgresql(self, compiler, connection, **extra_context):
        column_sql, subquery_sql, params = self._parts(compiler)
        return f"{column_sql} = ANY(ARRAY{subquery_sql})", params


def _shared_ids(model: type[models.Model], organisation_id: int):
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    shares = Share.objects.filter(
        content_type=content_type, organisation_id=organisation_id, revoked_at__isnull=True
    ).values("object_id")
    if _remembered.get() is None:
        return shares
    by_kind = _remember(("shared", organisation_id), lambda: _shared_by_kind(organisation_id))
    return shares if by_kind is None else by_kind.get(content_type.pk, [])


def _shared_by_kind(organisation_id: int) -> dict[int, list[int]] | None:
    """Every kind of record shared with the organisation, in one read: content type -> ids
    (``None`` past REMEMBER_AT_MOST shares, which stay sub-queries)."""
    live = Share.objects.filter(organisation_id=organisation_id, revoked_at__isnull=True)
    rows = list(live.values_list("content_type_id", "object_id")[: REMEMBER_AT_MOST + 1])
    if len(rows) > REMEMBER_AT_MOST:
        return None
    by_kind: dict[int, list[int]] = {}
    for kind, object_id in rows:
        by_kind.setdefault(kind, []).append(object_id)
    return by_kind


def ownership_filter(user, model: type[models.Model]) -> models.Q | None:
    """The condition on ``model`` rows that ``user`` may see; ``None`` means everything."""
    scope = scope_for(user)
    owner = _owner_path(model)
    if scope.level == ScopeLevel.NATIONAL:
        return None
    if scope.level == ScopeLevel.NONE:
        return models.Q(pk__in=[])
    if scope.level == ScopeLevel.REGION:
        region = Organisation.objects.filter(
            region_id=scope.region_id, kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU]
        ).values("pk")
        owned = _member_of(owner, _ids(("region", scope.region_id), region))
    else:  # a force or a partner: its own records
        owned = models.Q(**{owner: scope.organisation_id})
    return owned | _member_of("pk", _shared_ids(model, scope.organisation_id))


def permitted_restrictions(user) -> models.QuerySet:
    """The restrictions ``user`` is inside: named in person or through a team."""
    from socmap.orgs.models import Restriction

    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return Restriction.objects.none()
    condition = models.Q(people=user.pk)
    team = getattr(user, "team_id", None)
    if team:
        condition |= models.Q(teams=team)
    return Restriction.objects.filter(condition).values("pk")


def _permitted(user):
    """:func:`permitted_restrictions`, as a list of ids while remembering."""
    rows = permitted_restrictions(user)
    return _ids(("permitted", getattr(user, "pk", None), getattr(user, "team_id", None)), rows)


@functools.cache
def restriction_paths(model: type[models.Model]) -> tuple[str, ...]:
    """The paths to the restrictions that apply to ``model``: its own ``scope_restriction``
    or, when it declares none, those of the first record along its ``scope_owner`` path that
    has any (a plan, scoped by ``threat__owner``, is restricted by ``threat__restriction``).
    ``scope_restriction = ()`` says explicitly that nothing restricts the model."""
    declared = getattr(model, "scope_restriction", None)
    if declared is not None:
        return (declared,) if isinstance(declared, str) else tuple(declared)
    owner = getattr(model, "scope_owner", None)
    if not owner:
        return ()
    current, prefix = model, []
    for part in owner.split("__")[:-1]:
        field = current._meta.get_field(part)
        if not field.is_relation or field.many_to_many or field.one_to_many:
            return ()
        current = field.related_model
        prefix.append(part)
        inherited = restriction_paths(current)
        if inherited:
            return tuple("__".join([*prefix, path]) for path in inherited)
    return ()


def _is_many_valued(model: type[models.Model], path: str) -> bool:
    current = model
    for part in path.split("__")[:-1]:
        field = current._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        current = field.related_model
    return False


def _hidden_through(model: type[models.Model], path: str, permitted) -> models.QuerySet:
    """The ``model`` rows linked through many-valued ``path`` to a restricted record
    outside ``permitted`` and to no record the user may see. Through a many-to-many field,
    from the restricted records along the link table (indexed both ways), never over
    ``model``'s own table; through any other path, by a join from ``model``."""
    manager = model._default_manager
    first, _, rest = path.partition("__")
    field = model._meta.get_field(first)
    if field.many_to_many and not field.auto_created and rest:
        links = field.remote_field.through._default_manager
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        forbidden = (
            field.related_model._default_manager.filter(**{f"{rest}__isnull": False})
            .exclude(**{f"{rest}__in": permitted})
            .values("pk")
        )
        open_link = links.filter(**{source: OuterRef("pk")}).exclude(**{f"{target}__in": forbidden})
        return (
            manager.filter(pk__in=links.filter(**{f"{target}__in": forbidden}).values(source))
            .filter(~Exists(open_link))
            .values("pk")
        )
    allowed = models.Q(**{f"{path}__isnull": True}) | models.Q(**{f"{path}__in": permitted})
    forbidden_q = models.Q(**{f"{path}__isnull": False}) & ~models.Q(**{f"{path}__in": permitted})
    return manager.filter(forbidden_q).filter(~Exists(manager.filter(allowed, pk=OuterRef("pk"))))


def restriction_filter(user, model: type[models.Model]) -> models.Q | None:
    """The condition on ``model`` rows that no restriction hides from ``user``; ``None``
    when the model names no restriction path."""
    paths = restriction_paths(model)
    if not paths:
        return None
    permitted = _permitted(user)
    condition = models.Q()
    for path in paths:
        allowed = models.Q(**{f"{path}__isnull": True}) | models.Q(**{f"{path}__in": permitted})
        if _is_many_valued(model, path):
            # visible if linked to nothing or to at least one record the user may see; put
            # the other way round, hidden when linked to a restricted record the user is
            # outside and to none they may see. Restricted records are few, so the hidden
            # rows are found from them (an index), not by checking every row's links.
            hidden = _ids(
                ("hidden", model._meta.label, path, getattr(user, "pk", None)),
                lambda path=path: _hidden_through(model, path, permitted).values("pk"),
            )
            if isinstance(hidden, list) and not hidden:
                continue  # nothing is hidden this way: no condition to add
            allowed = ~models.Q(pk__in=hidden)
        condition &= allowed
    return condition


def hidden_from(user, model: type[models.Model]) -> models.QuerySet:
    """The ``model`` rows restrictions hide from ``user`` (the complement of
    :func:`restriction_filter`, asked directly so that a database need not scan the table to
    find the few hidden rows)."""
    permitted = permitted_restrictions(user)
    found = []
    for path in restriction_paths(model):
        if _is_many_valued(model, path):
            found.append(_hidden_through(model, path, permitted))
        else:
            found.append(
                model._default_manager.filter(**{f"{path}__isnull": False}).exclude(
                    **{f"{path}__in": permitted}
                )
            )
    if not found:
        return model._default_manager.none()
    if len(found) == 1:
        return found[0]
    return model._default_manager.filter(
        models.Q(*[models.Q(pk__in=rows.values("pk")) for rows in found], _connector=models.Q.OR)
    )


def visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` narrowed to what ``user`` may see: their organisation's scope, then any
    restriction on the records."""
    condition = ownership_filter(user, queryset.model)
    if condition is not None:
        queryset = queryset.filter(condition)
    restricted = restriction_filter(user, queryset.model)
    if restricted is not None:
        queryset = queryset.filter(restricted)
    return queryset


def restriction_of(record: models.Model):
    """The restriction that covers ``record`` itself or the record it hangs off (the first
    found along its paths; through a many-valued path, only when every linked record is
    restricted), or ``None``."""
    for path in restriction_paths(type(record)):
        if _is_many_valued(type(record), path):
            # hidden only when every linked record is restricted: then it is restricted too
            from socmap.orgs.models import Restriction

            linked = type(record)._default_manager.filter(pk=record.pk).values_list(path, flat=True)
            ids = list(linked)
            if ids and None not in ids:
                return Restriction.objects.filter(pk__in=ids).order_by("pk").first()
            continue
        value = record
        for part in path.split("__"):
            value = getattr(value, part, None)
            if value is None:
                break
        if value is not None:
            return value
    return None


def sees_everything(user, model: type[models.Model]) -> bool:
    """Whether ``user`` may see every ``model`` row (a national user, when no restriction they
    are outside of exists): lets batch readers skip the filter. Scope alone is not enough -
    a restriction hides records from national users too."""
    if ownership_filter(user, model) is not None:
        return False
    if not restriction_paths(model):
        return True
    from socmap.orgs.models import Restriction

    return not _remember(
        ("outside a restriction", getattr(user, "pk", None)),
        lambda: Restriction.objects.exclude(pk__in=_permitted(user)).exists(),
    )


def get_visible_or_404(user, queryset_or_model, **lookup):
    """Fetch one record for ``user``; anyone who may not see it gets the same 404 as a typo."""
    queryset = (
        queryset_or_model._default_manager.all()
        if isinstance(queryset_or_model, type)
        else queryset_or_model
    )
    try:
        return visible_to(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist as missing:
        raise Http404(f"No {queryset.model._meta.verbose_name} found.") from missing


def in_scope(user, record: models.Model) -> bool:
    """Whether ``user``'s organisation's scope (with shares) covers ``record``, leaving any
    restriction aside: who may be named in a restriction on it."""
    condition = ownership_filter(user, type(record))
    records = type(record)._default_manager.filter(pk=record.pk)
    return (records if condition is None else records.filter(condition)).exists()


def can_see(user, record: models.Model) -> bool:
    return visible_to(user, type(record)._default_manager.filter(pk=record.pk)).exists()


def organisations_in_scope(user) -> models.QuerySet:
    """Organisations whose own records the user sees (for filters and pickers)."""
    scope = scope_for(user)
    qs = Organisation.objects.all()
    if scope.level == ScopeLevel.NATIONAL:
        return qs
    if scope.level == ScopeLevel.REGION:
        return qs.filter(
            region_id=scope.region_id, kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU]
        )
    if scope.level in (ScopeLevel.FORCE, ScopeLevel.PARTNER):
        return qs.filter(pk=scope.organisation_id)
    return qs.none()
