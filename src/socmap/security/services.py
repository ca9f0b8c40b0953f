"""Restricting records to the people who need to know (a sensitive operation), and the reasons
users give for opening a restricted record. Each function is one transaction with its audit
event; views, the API and commands call these.

Who may do what:

* restrict a record: a user who can see it, whose organisation's own scope covers its owner
  (a partner that was shared a record cannot restrict it), holding a role that may change it
  (analyst, tasking chair, LRO) or the administrator role; they are always named themselves,
  so nobody locks themselves out by mistake;
* change who is named, or lift the restriction: someone inside the restriction (named, or a
  member of a named team) holding one of those roles, or an administrator of the
  organisation that owns the restriction (for when its people have left: break-glass, the
  reason is required and audited like every change);
* inspectors and other read-only users change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from socmap.audit.services import record_event
from socmap.errors import InvalidInput
from socmap.orgs.models import Restriction, Role, Team, User
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import (
    can_see,
    in_scope,
    organisations_in_scope,
    permitted_restrictions,
    restriction_of,
)

RESTRICTORS = (Role.ANALYST, Role.TASKING_CHAIR, Role.LRO, Role.ADMINISTRATOR)
MIN_REASON = 10


def restrictable(model: type[models.Model]) -> bool:
    """A record can be restricted if it has its own ``restriction`` field in scoping."""
    from socmap.orgs.scoping import restriction_paths

    return "restriction" in restriction_paths(model)


def _owner(record):
    owner = record
    for part in type(record).scope_owner.split("__"):
        owner = getattr(owner, part)
    return owner


def is_inside(user, restriction: Restriction | None) -> bool:
    if restriction is None or user is None:
        return False
    return permitted_restrictions(user).filter(pk=restriction.pk).exists()


def may_manage(user, restriction: Restriction) -> bool:
    """Inside the restriction with a writing role, or an administrator of its owner."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_read_only:
        return False
    if user.has_role(Role.ADMINISTRATOR) and user.organisation_id == restriction.owner_id:
        return True
    return user.has_role(*RESTRICTORS) and is_inside(user, restriction)


def may_restrict(user, record) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or user.is_read_only:
        return False
    if not user.has_role(*RESTRICTORS) or not can_see(user, record):
        return False
    return organisations_in_scope(user).filter(pk=_owner(record).pk).exists()


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise InvalidInput({"reason": [f"Say why, in at least {MIN_REASON} characters."]})
    return reason[:2000]


def _people(people: Iterable[User], records: list) -> list[User]:
    """The people to name: active, and each able to see every record through their
    organisation's scope (a restriction narrows, it never widens)."""
    chosen = list(dict.fromkeys(people))
    inactive = [u.username for u in chosen if not u.is_active]
    if inactive:
        raise InvalidInput({"people": [f"Not an active user: {', '.join(inactive)}."]})
    outside = [u for u in chosen if any(not in_scope(u, r) for r in records)]
    if outside:
        names = ", ".join(f"{u.username} ({u.organisation})" for u in outside)
        raise InvalidInput(
            {
                "people": [
                    f"Outside the scope of these records: {names}. Share the record with their "
                    "organisation first; a restriction only narrows who sees a record."
                ]
            }
        )
    return chosen


def _teams(teams: Iterable[Team], records: list) -> list[Team]:
    chosen = list(dict.fromkeys(teams))
    outside = [
        t for t in chosen if any(not organisation_covers(t.organisation, r) for r in records)
    ]
    if outside:
        raise InvalidInput(
            {
                "teams": [
                    f"Outside the scope of these records: {', '.join(str(t) for t in outside)}."
                ]
            }
        )
    return chosen


def organisation_covers(organisation, record) -> bool:
    """Whether a user of ``organisation`` would have ``record`` in scope."""
    return in_scope(_Probe(organisation), record)


class _Probe:
    """A stand-in user of an organisation, to ask what its scope covers."""

    is_authenticated = True
    is_active = True
    pk = None
    team_id = None

    def __init__(self, organisation):
        self.organisation = organisation
        self.organisation_id = organisation.pk


def records_under(restriction: Restriction) -> list:
    """Every record placed directly under ``restriction``."""
    found = []
    for relation in Restriction._meta.related_objects:
        if relation.one_to_many:
            found.extend(getattr(restriction, relation.get_accessor_name()).all())
    return found


def _snapshot(restriction: Restriction) -> dict:
    return {
        "people": sorted(restriction.people.values_list("username", flat=True)),
        "teams": sorted(str(t) for t in restriction.teams.all()),
    }


def restrict_record(
    *,
    actor,
    record: models.Model,
    reason: str,
    name: str = "",
    people: Iterable[User] = (),
    teams: Iterable[Team] = (),
    restriction: Restriction | None = None,
) -> Restriction:
    """Put ``record`` (a threat or an intelligence report) under a restriction: a new one
    called ``name`` naming ``people`` and ``teams`` (the actor is always named), or an
    existing ``restriction`` the actor may manage."""
    require_can_write(actor, action="restrict records")
    require_role(actor, *RESTRICTORS, action="restrict records")
    if not restrictable(type(record)):
        raise InvalidInput(f"A {record._meta.verbose_name} cannot be restricted on its own.")
    if actor is not None and not may_restrict(actor, record):
        raise PermissionDenied("You may only restrict records your organisation answers for.")
    reason = _reason(reason)
    if record.restriction_id is not None:
        raise InvalidInput(
            {
                "restriction": [
                    f"Already restricted ({record.restriction.name}): change who is "
                    "named in that restriction instead."
                ]
            }
        )
    with transaction.atomic():
        if restriction is None:
            name = (name or "").strip()[:120]
            if not name:
                raise InvalidInput({"name": ["Name the operation or reason for the restriction."]})
            chosen = _people(people, [record])
            if actor is not None and actor not in chosen:
                chosen.insert(0, actor)
            chosen_teams = _teams(teams, [record])
            restriction = Restriction.objects.create(
                name=name, owner=_owner(record), created_by=actor
            )
            restriction.people.set(chosen)
            restriction.teams.set(chosen_teams)
            record_event(
                actor=actor,
                action="restriction.created",
                target=restriction,
                changes=_snapshot(restriction),
                reason=reason,
            )
        elif actor is not None and not may_manage(actor, restriction):
            raise PermissionDenied("You may only use a restriction you are named in.")
        type(record)._default_manager.filter(pk=record.pk).update(restriction=restriction)
        record.restriction = restriction
        record_event(
            actor=actor,
            action="record.restricted",
            target=record,
            changes={"restriction": restriction.name, "restriction_id": restriction.pk},
            reason=reason,
        )
    return restriction


def change_restriction(
    *, actor, restriction: Restriction, reason: str, people: Iterable[User], teams: Iterable[Team]
) -> Restriction:
    """Name other people or teams. At least one person or team stays named."""
    require_can_write(actor, action="change restrictions")
    if actor is not None and not may_manage(actor, restriction):
        raise PermissionDenied(
            "Only someone named in the restriction, or an administrator of "
            "its organisation, may change who is named."
        )
    reason = _reason(reason)
    records = records_under(restriction)
    chosen, chosen_teams = _people(people, records), _teams(teams, records)
    if not chosen and not chosen_teams:
        raise InvalidInput(
            {
                "people": [
                    "Name at least one person or team; to open the records "
                    "to everyone in scope, lift the restriction."
                ]
            }
        )
    with transaction.atomic():
        before = _snapshot(restriction)
        restriction.people.set(chosen)
        restriction.teams.set(chosen_teams)
        after = _snapshot(restriction)
        record_event(
            actor=actor,
            action="restriction.changed",
            target=restriction,
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
            reason=reason,
        )
    return restriction


def lift_restriction(*, actor, record: models.Model, reason: str) -> None:
    """Open ``record`` again to everyone whose scope covers it."""
    require_can_write(actor, action="lift restrictions")
    restriction = restriction_of(record)
    if restriction is None or getattr(record, "restriction_id", None) is None:
        raise InvalidInput("This record is not restricted.")
    if actor is not None and not may_manage(actor, restriction):
        raise PermissionDenied(
            "Only someone named in the restriction, or an administrator of "
            "its organisation, may lift it."
        )
    reason = _reason(reason)
    with transaction.atomic():
        type(record)._default_manager.filter(pk=record.pk).update(restriction=None)
        record.restriction = None
        record_event(
            actor=actor,
            action="record.unrestricted",
            target=record,
            changes={"restriction": restriction.name, "restriction_id": restriction.pk},
            reason=reason,
        )


# --------------------------------------------------------------------------- access reasons


def record_access_reason(*, actor, record: models.Model, reason: str) -> str:
    """A user inside a restriction says why they open a restricted record; kept in the audit
    trail (``restricted.opened``), and shown with each later read of it in the session."""
    restriction = restriction_of(record)
    if restriction is None:
        raise InvalidInput("This record is not restricted.")
    if not can_see(actor, record):
        raise PermissionDenied("You may not open this record.")
    reason = _reason(reason)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="restricted.opened",
            target=record,
            changes={"restriction": restriction.name},
            reason=reason,
        )
    return reason
