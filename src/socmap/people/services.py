"""Operations on nominals: recording people, their aliases, identifiers, addresses and
associations. Each function is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from socmap.audit.services import field_changes, record_event
from socmap.errors import InvalidInput
from socmap.orgs.models import Organisation, OrganisationKind, Role
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import can_see, organisations_in_scope
from socmap.people.models import (
    Address,
    Alias,
    AliasKind,
    Association,
    AssociationKind,
    Gender,
    Identifier,
    IdentifierKind,
    Nominal,
)

PEOPLE_EDITORS = (Role.ANALYST, Role.LRO, Role.OFFENDER_MANAGER)
PNC_PATTERN = re.compile(r"^\d{2}(\d{2})?/\d{1,7}[A-Z]$")
EARLIEST_BIRTH = dt.date(1900, 1, 1)

NOMINAL_FIELDS = (
    "surname",
    "forenames",
    "date_of_birth",
    "gender",
    "nationality",
    "pnc_id",
    "foreign_national",
    "iom",
    "mappa",
    "vulnerable",
    "notes",
)


def _require_editor(actor, action: str) -> None:
    require_role(actor, *PEOPLE_EDITORS, action=action)
    require_can_write(actor, action=action)


def _owner_for(actor, owner: Organisation | None) -> Organisation:
    if owner is None:
        if actor is None:
            raise InvalidInput({"owner": ["Say which organisation records this person."]})
        return actor.organisation
    if actor is not None and not organisations_in_scope(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied(f"You may not record people for {owner}.")
    if owner.kind == OrganisationKind.PARTNER:
        raise InvalidInput({"owner": ["Nominals are recorded by a force, a ROCU or the NCA."]})
    return owner


def _clean_nominal(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = {k: v for k, v in data.items() if k in NOMINAL_FIELDS}
    for key in ("surname", "forenames", "nationality", "pnc_id", "notes"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
    if "surname" in cleaned and not cleaned["surname"]:
        errors["surname"] = ["Enter the surname (use 'UNKNOWN' if it is not known)."]
    if len(cleaned.get("surname", "")) > 100:
        errors["surname"] = ["The surname must be 100 characters or fewer."]
    dob = cleaned.get("date_of_birth")
    if isinstance(dob, str):
        try:
            dob = cleaned["date_of_birth"] = dt.date.fromisoformat(dob) if dob else None
        except ValueError:
            errors["date_of_birth"] = [f"'{dob}' is not a date (use YYYY-MM-DD)."]
            dob = None
    if isinstance(dob, dt.date):
        if dob > timezone.localdate():
            errors["date_of_birth"] = ["The date of birth cannot be in the future."]
        elif dob < EARLIEST_BIRTH:
            errors["date_of_birth"] = ["The date of birth cannot be before 1900."]
    pnc = cleaned.get("pnc_id", "")
    if pnc:
        pnc = cleaned["pnc_id"] = pnc.upper().replace(" ", "")
        if not PNC_PATTERN.match(pnc):
            errors["pnc_id"] = [f"'{pnc}' is not a PNC ID (e.g. 19/123456A or 2019/123456A)."]
    if "gender" in cleaned and cleaned["gender"] not in Gender.values:
        errors["gender"] = [f"Choose one of {', '.join(Gender.values)}."]
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _snapshot(nominal: Nominal) -> dict[str, Any]:
    return {
        key: (value.isoformat() if isinstance(value, dt.date) else value)
        for key in NOMINAL_FIELDS
        for value in [getattr(nominal, key)]
    }


def record_nominal(
    *, actor, owner: Organisation | None = None, aliases: list[str] | None = None, **fields
) -> Nominal:
    """Record a person for the actor's organisation (or one in the actor's scope)."""
    _require_editor(actor, "record people")
    owner = _owner_for(actor, owner)
    fields.setdefault("surname", "")
    cleaned = _clean_nominal(fields)
    with transaction.atomic():
        nominal = Nominal.objects.create(owner=owner, created_by=actor, **cleaned)
        for name in aliases or []:
            if name.strip():
                Alias.objects.get_or_create(nominal=nominal, name=name.strip())
        record_event(
            actor=actor, action="nominal.recorded", target=nominal, changes=_snapshot(nominal)
        )
    return nominal


def update_nominal(*, actor, nominal: Nominal, reason: str = "", **fields) -> Nominal:
    _require_editor(actor, "change people")
    _require_visible(actor, nominal)
    cleaned = _clean_nominal(fields)
    before = _snapshot(nominal)
    with transaction.atomic():
        for key, value in cleaned.items():
            setattr(nominal, key, value)
        nominal.save()
        changes = field_changes(before, _snapshot(nominal))
        if changes:
            record_event(
                actor=actor,
                action="nominal.changed",
                target=nominal,
                changes=changes,
                reason=reason,
            )
    return nominal


def _require_visible(actor, record) -> None:
    if actor is not None and not can_see(actor, record):
        raise PermissionDenied("That record is not available to you.")


def add_alias(*, actor, nominal: Nominal, name: str, kind: str = AliasKind.ALIAS) -> Alias:
    _require_editor(actor, "add aliases")
    _require_visible(actor, nominal)
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": ["Enter the alias."]})
    if kind not in AliasKind.values:
        raise InvalidInput({"kind": [f"Choose one of {', '.join(AliasKind.values)}."]})
    if nominal.aliases.filter(name__iexact=name).exists():
        raise InvalidInput({"name": [f"{nominal} already has the alias '{name}'."]})
    with transaction.atomic():
        alias = Alias.objects.create(nominal=nominal, name=name, kind=kind)
        record_event(
            actor=actor,
            action="nominal.alias_added",
            target=nominal,
            changes={"alias": name, "kind": kind},
        )
    return alias


def add_identifier(*, actor, nominal: Nominal, kind: str, value: str) -> Identifier:
    _require_editor(actor, "add identifiers")
    _require_visible(actor, nominal)
    value = (value or "").strip()
    errors = {}
    if kind not in IdentifierKind.values:
        errors["kind"] = [f"Choose one of {', '.join(IdentifierKind.values)}."]
    if not value:
        errors["value"] = ["Enter the identifier."]
    if errors:
        raise InvalidInput(errors)
    if nominal.identifiers.filter(kind=kind, value__iexact=value).exists():
        raise InvalidInput({"value": ["That identifier is already recorded for this person."]})
    with transaction.atomic():
        identifier = Identifier.objects.create(nominal=nominal, kind=kind, value=value)
        record_event(
            actor=actor,
            action="nominal.identifier_added",
            target=nominal,
            changes={"kind": kind, "value": value},
        )
    return identifier


def add_address(
    *,
    actor,
    nominal: Nominal,
    line: str,
    town: str = "",
    postcode: str = "",
    force: Organisation | None = None,
    local_area: str = "",
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
) -> Address:
    _require_editor(actor, "add addresses")
    _require_visible(actor, nominal)
    errors = {}
    if not (line or "").strip():
        errors["line"] = ["Enter the address."]
    if from_date and to_date and to_date < from_date:
        errors["to_date"] = ["The address cannot end before it starts."]
    if force is not None and force.kind != OrganisationKind.FORCE:
        errors["force"] = [f"{force} is not a force."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        address = Address.objects.create(
            nominal=nominal,
            line=line.strip(),
            town=town.strip(),
            postcode=postcode.strip().upper(),
            force=force,
            local_area=local_area.strip(),
            from_date=from_date,
            to_date=to_date,
        )
        record_event(
            actor=actor,
            action="nominal.address_added",
            target=nominal,
            changes={"address": str(address)},
        )
    return address


def link_people(
    *,
    actor,
    source: Nominal,
    target: Nominal,
    kind: str,
    notes: str = "",
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
) -> Association:
    """Record that ``source`` is associated with ``target`` ("A supplies B")."""
    _require_editor(actor, "link people")
    _require_visible(actor, source)
    _require_visible(actor, target)
    errors = {}
    if source.pk == target.pk:
        errors["target"] = ["A person cannot be associated with themselves."]
    if kind not in AssociationKind.values:
        errors["kind"] = [f"Choose one of {', '.join(AssociationKind.values)}."]
    if from_date and to_date and to_date < from_date:
        errors["to_date"] = ["The association cannot end before it starts."]
    if errors:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            association = Association.objects.create(
                source=source,
                target=target,
                kind=kind,
                notes=notes.strip(),
                from_date=from_date,
                to_date=to_date,
                created_by=actor,
            )
            record_event(
                actor=actor,
                action="nominal.associated",
                target=source,
                changes={"kind": kind, "with": str(target), "with_id": target.pk},
            )
    except IntegrityError as duplicate:
        raise InvalidInput(
            {"target": [f"That association is already recorded ({source} — {target})."]}
        ) from duplicate
    return association


def unlink_people(*, actor, association: Association, reason: str = "") -> None:
    _require_editor(actor, "remove associations")
    _require_visible(actor, association)
    if not reason.strip():
        raise InvalidInput({"reason": ["Say why the association is being removed."]})
    with transaction.atomic():
        record_event(
            actor=actor,
            action="nominal.association_removed",
            target=association.source,
            changes={"kind": association.kind, "with": str(association.target)},
            reason=reason,
        )
        association.delete()
