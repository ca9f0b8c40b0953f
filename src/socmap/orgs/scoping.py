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
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
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


def _shared_ids(model: type[models.Model], organisation_id: int):
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    return Share.objects.filter(
        content_type=content_type, organisation_id=organisation_id, revoked_at__isnull=True
    ).values("object_id")


def ownership_filter(user, model: type[models.Model]) -> models.Q | None:
    """The condition on ``model`` rows that ``user`` may see; ``None`` means everything."""
    scope = scope_for(user)
    owner = _owner_path(model)
    if scope.level == ScopeLevel.NATIONAL:
        return None
    if scope.level == ScopeLevel.NONE:
        return models.Q(pk__in=[])
    if scope.level == ScopeLevel.REGION:
        owned = models.Q(
            **{
                f"{owner}__region_id": scope.region_id,
                f"{owner}__kind__in": [OrganisationKind.FORCE, OrganisationKind.ROCU],
            }
        )
    else:  # a force or a partner: its own records
        owned = models.Q(**{owner: scope.organisation_id})
    return owned | models.Q(pk__in=_shared_ids(model, scope.organisation_id))


def visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` narrowed to what ``user`` may see."""
    condition = ownership_filter(user, queryset.model)
    if condition is None:
        return queryset
    return queryset.filter(condition)


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
