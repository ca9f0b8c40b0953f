"""Operations on threats: mapping, changing details, the lifecycle, lead officers and
membership. Each function is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from socmap.audit.services import field_changes, record_event
from socmap.concurrency import expect_version
from socmap.errors import ImportRejected, InvalidInput, RowError
from socmap.orgs.models import LocalArea, Organisation, OrganisationKind, Role, Share, User
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import can_see, organisations_in_scope
from socmap.orgs.services import revoke_share, share_record
from socmap.people.models import Nominal
from socmap.reference import reference_loader
from socmap.threats.models import (
    ArchiveReason,
    CrimeType,
    MemberRole,
    Membership,
    Status,
    StatusChange,
    Threat,
    ThreatKind,
    Tier,
)

MAPPERS = (Role.ANALYST, Role.TASKING_CHAIR)
CRIME_TYPES_FILE = Path(__file__).resolve().parent / "fixtures" / "crime_types.yaml"

# Which lifecycle steps are allowed, and who may take them.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.TRIGGER_REPORT: (Status.UNDER_ASSESSMENT, Status.ARCHIVED),
    Status.UNDER_ASSESSMENT: (Status.ACTIVE, Status.ARCHIVED),
    Status.ACTIVE: (Status.UNDER_ASSESSMENT, Status.ARCHIVED),
    Status.ARCHIVED: (Status.UNDER_ASSESSMENT,),
}


# --------------------------------------------------------------------------- crime types


def _crime_types_loaded() -> bool:
    return CrimeType.objects.exists()


@reference_loader(20, "Crime types", is_loaded=_crime_types_loaded)
def load_crime_types(actor=None, path: Path | None = None) -> str:
    """Load the crime type list; codes in use may be renamed or retired, never removed."""
    entries = yaml.safe_load((path or CRIME_TYPES_FILE).read_text(encoding="utf-8")) or []
    problems = []
    codes = set()
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("code") or not entry.get("name"):
            problems.append(f"entry {index} needs a code and a name")
        elif entry["code"] in codes:
            problems.append(f"code '{entry['code']}' is listed twice")
        else:
            codes.add(entry["code"])
    if problems:
        raise InvalidInput({"crime_types": problems})
    created = updated = 0
    with transaction.atomic():
        for position, entry in enumerate(entries):
            _, made = CrimeType.objects.update_or_create(
                code=entry["code"],
                defaults={
                    "name": entry["name"],
                    "description": entry.get("description", ""),
                    "position": position,
                    "is_active": entry.get("is_active", True),
                },
            )
            created += made
            updated += not made
        record_event(
            actor=actor,
            action="reference.crime_types_loaded",
            target_type="threats.crimetype",
            target_repr="crime types",
            changes={"created": created, "updated": updated},
        )
    return f"{created} new, {updated} refreshed"


# --------------------------------------------------------------------------- mapping


def _require_mapper(actor, action: str) -> None:
    require_role(actor, *MAPPERS, action=action)
    require_can_write(actor, action=action)


def _require_visible(actor, record) -> None:
    if actor is not None and not can_see(actor, record):
        raise PermissionDenied("That record is not available to you.")


def _check_officers(lro: User | None, sro: User | None, errors: dict) -> None:
    if lro is not None:
        if not lro.is_active:
            errors["lro"] = [f"{lro.display_name} can no longer log in."]
        elif not lro.has_role(Role.LRO):
            errors["lro"] = [f"{lro.display_name} does not hold the Lead Responsible Officer role."]
    if sro is not None and not sro.is_active:
        errors["sro"] = [f"{sro.display_name} can no longer log in."]
    if lro is not None and sro is not None and lro.pk == sro.pk:
        errors["sro"] = ["The SRO oversees the LRO, so they must be different people."]


def _clean_threat(
    *,
    kind,
    name,
    predominant_crime_type,
    tier,
    other_crime_types,
    forces,
    local_areas,
    subject,
    operation_names,
    lro,
    sro,
) -> dict:
    errors: dict[str, list[str]] = {}
    if kind not in ThreatKind.values:
        errors["kind"] = [f"Choose one of {', '.join(ThreatKind.labels)}."]
    if not (name or "").strip():
        errors["name"] = ["Give the threat a name."]
    elif len(name.strip()) > 200:
        errors["name"] = ["The name must be 200 characters or fewer."]
    if predominant_crime_type is None:
        errors["predominant_crime_type"] = ["Choose the predominant crime type."]
    elif not predominant_crime_type.is_active:
        errors["predominant_crime_type"] = [f"{predominant_crime_type} is no longer in use."]
    if tier not in Tier.values:
        errors["tier"] = [f"Choose one of {', '.join(Tier.values)}."]
    forces = list(forces or [])
    not_forces = [f.name for f in forces if f.kind != OrganisationKind.FORCE]
    if not_forces:
        errors["forces"] = [f"Not forces: {', '.join(not_forces)}."]
    local_areas = list(local_areas or [])
    force_ids = {f.pk for f in forces}
    stray = [a.name for a in local_areas if a.force_id not in force_ids]
    if stray:
        errors["local_areas"] = [
            f"Local areas outside the forces touched: {', '.join(stray)}. Add their force too."
        ]
    if kind == ThreatKind.PRIORITY_INDIVIDUAL and subject is None:
        errors["subject"] = ["A priority individual needs the person (nominal) it is about."]
    if kind != ThreatKind.PRIORITY_INDIVIDUAL and subject is not None:
        errors["subject"] = ["Only a priority individual has a single subject person."]
    operations = [op.strip() for op in (operation_names or []) if op and op.strip()]
    _check_officers(lro, sro, errors)
    if errors:
        raise InvalidInput(errors)
    others = [c for c in (other_crime_types or []) if c.pk != predominant_crime_type.pk]
    return {
        "name": name.strip(),
        "forces": forces,
        "local_areas": local_areas,
        "operation_names": list(dict.fromkeys(operations)),
        "other_crime_types": others,
    }


OFFICER_SHARE_CONDITIONS = (
    "Shared because an officer of your organisation is this threat's Lead or Senior "
    "Responsible Officer."
)


def _share_with_officers(actor, threat: Threat) -> None:
    """An LRO or SRO may belong to an organisation that would not otherwise see the threat
    (a partner agency, or another force of the region): share the threat with it, so the
    officer can work on it; withdraw such a share once no officer of that organisation is
    named any more. Other shares are left alone."""
    threat_type = ContentType.objects.get_for_model(Threat)
    officer_shares = Share.objects.filter(
        content_type=threat_type,
        object_id=threat.pk,
        conditions=OFFICER_SHARE_CONDITIONS,
        revoked_at__isnull=True,
    )
    officer_orgs = {
        o.organisation_id for o in (threat.lro, threat.sro) if o is not None and o.organisation_id
    }
    for share in officer_shares.exclude(organisation_id__in=officer_orgs):
        revoke_share(actor=actor, share=share, reason="No longer an officer of this threat")
    for officer in (threat.lro, threat.sro):
        if officer is None or officer.organisation is None or can_see(officer, threat):
            continue
        if actor is None:
            raise InvalidInput(
                {
                    "lro" if officer == threat.lro else "sro": [
                        f"{officer.display_name} cannot see this threat: act as a user "
                        f"(--as) so that it can be shared with {officer.organisation}."
                    ]
                }
            )
        share_record(
            actor=actor,
            record=threat,
            organisation=officer.organisation,
            conditions=OFFICER_SHARE_CONDITIONS,
        )


def _snapshot(threat: Threat) -> dict:
    return {
        "name": threat.name,
        "kind": threat.kind,
        "owner": threat.owner.name,
        "tier": threat.tier,
        "status": threat.status,
        "description": threat.description,
        "predominant_crime_type": threat.predominant_crime_type_id,
        "other_crime_types": sorted(c.pk for c in threat.other_crime_types.all()),
        "forces": sorted(f.name for f in threat.forces.all()),
        "local_areas": sorted(a.name for a in threat.local_areas.all()),
        "subject": threat.subject_id,
        "operation_names": threat.operation_names,
        "lro": threat.lro.username if threat.lro else None,
        "sro": threat.sro.username if threat.sro else None,
    }


def map_threat(
    *,
    actor,
    kind: str,
    name: str,
    predominant_crime_type: CrimeType | None,
    owner: Organisation | None = None,
    tier: str = Tier.LOCAL,
    description: str = "",
    other_crime_types: Iterable[CrimeType] = (),
    forces: Iterable[Organisation] = (),
    local_areas: Iterable[LocalArea] = (),
    subject: Nominal | None = None,
    operation_names: Iterable[str] = (),
    lro: User | None = None,
    sro: User | None = None,
    status: str = Status.UNDER_ASSESSMENT,
) -> Threat:
    """Record a new threat, as a trigger report or straight into assessment."""
    _require_mapper(actor, "map threats")
    if owner is None:
        owner = actor.organisation if actor is not None else None
    if owner is None or owner.kind == OrganisationKind.PARTNER:
        raise InvalidInput({"owner": ["Threats are owned by a force, a ROCU or the NCA."]})
    if actor is not None and not organisations_in_scope(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied(f"You may not map threats for {owner}.")
    if status not in (Status.TRIGGER_REPORT, Status.UNDER_ASSESSMENT):
        raise InvalidInput(
            {
                "status": [
                    "A new threat starts as a trigger report or under "
                    "assessment; it is adopted once it has been assessed."
                ]
            }
        )
    if subject is not None:
        _require_visible(actor, subject)
    cleaned = _clean_threat(
        kind=kind,
        name=name,
        predominant_crime_type=predominant_crime_type,
        tier=tier,
        other_crime_types=other_crime_types,
        forces=forces,
        local_areas=local_areas,
        subject=subject,
        operation_names=operation_names,
        lro=lro,
        sro=sro,
    )
    forces_touched = cleaned["forces"]
    if owner.kind == OrganisationKind.FORCE and owner not in forces_touched:
        forces_touched = [owner, *forces_touched]
    with transaction.atomic():
        threat = Threat.objects.create(
            kind=kind,
            name=cleaned["name"],
            description=(description or "").strip(),
            owner=owner,
            tier=tier,
            status=status,
            predominant_crime_type=predominant_crime_type,
            subject=subject,
            operation_names=cleaned["operation_names"],
            lro=lro,
            sro=sro,
            created_by=actor,
        )
        threat.other_crime_types.set(cleaned["other_crime_types"])
        threat.forces.set(forces_touched)
        threat.local_areas.set(cleaned["local_areas"])
        StatusChange.objects.create(threat=threat, to_status=status, by=actor, reason="Mapped")
        record_event(actor=actor, action="threat.mapped", target=threat, changes=_snapshot(threat))
        _share_with_officers(actor, threat)
    return threat


UNCHANGED = object()


def update_threat(
    *, actor, threat: Threat, reason: str = "", version: int | None = None, **changes
) -> Threat:
    """Change a threat's details. Status has its own function; ownership moves at tasking.
    ``version`` is the version the user read: if the threat changed since, nothing is saved
    (socmap.concurrency.Conflict)."""
    _require_mapper(actor, "change threats")
    _require_visible(actor, threat)
    expect_version(threat, version)
    allowed = {
        "name",
        "description",
        "tier",
        "predominant_crime_type",
        "other_crime_types",
        "forces",
        "local_areas",
        "subject",
        "operation_names",
        "lro",
        "sro",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput({key: ["This cannot be changed here."] for key in sorted(unknown)})
    current = {
        "kind": threat.kind,
        "name": threat.name,
        "tier": threat.tier,
        "predominant_crime_type": threat.predominant_crime_type,
        "other_crime_types": list(threat.other_crime_types.all()),
        "forces": list(threat.forces.all()),
        "local_areas": list(threat.local_areas.all()),
        "subject": threat.subject,
        "operation_names": threat.operation_names,
        "lro": threat.lro,
        "sro": threat.sro,
    }
    merged = {**current, **{k: v for k, v in changes.items() if k != "description"}}
    if merged["subject"] is not None and changes.get("subject") is not None:
        _require_visible(actor, merged["subject"])
    cleaned = _clean_threat(**merged)
    before = _snapshot(threat)
    with transaction.atomic():
        threat.name = cleaned["name"]
        threat.tier = merged["tier"]
        threat.predominant_crime_type = merged["predominant_crime_type"]
        threat.subject = merged["subject"]
        threat.operation_names = cleaned["operation_names"]
        threat.lro, threat.sro = merged["lro"], merged["sro"]
        if "description" in changes:
            threat.description = (changes["description"] or "").strip()
        threat.save()
        threat.other_crime_types.set(cleaned["other_crime_types"])
        threat.forces.set(cleaned["forces"])
        threat.local_areas.set(cleaned["local_areas"])
        diff = field_changes(before, _snapshot(threat))
        if diff:
            record_event(
                actor=actor, action="threat.changed", target=threat, changes=diff, reason=reason
            )
        if "lro" in diff or "sro" in diff:
            _share_with_officers(actor, threat)
    return threat


def change_status(
    *,
    actor,
    threat: Threat,
    to_status: str,
    reason: str = "",
    archive_reason: str = "",
    merged_into: Threat | None = None,
    version: int | None = None,
) -> Threat:
    """Move a threat along its lifecycle: trigger report -> under assessment -> active ->
    archived (with a reason), or back to assessment."""
    _require_mapper(actor, "change a threat's status")
    _require_visible(actor, threat)
    expect_version(threat, version)
    errors: dict[str, list[str]] = {}
    if to_status not in Status.values:
        raise InvalidInput({"to_status": [f"Choose one of {', '.join(Status.values)}."]})
    if to_status not in TRANSITIONS[threat.status]:
        allowed = ", ".join(Status(s).label.lower() for s in TRANSITIONS[threat.status])
        raise InvalidInput(
            {
                "to_status": [
                    f"A threat that is {threat.get_status_display().lower()} "
                    f"can only become: {allowed}."
                ]
            }
        )
    if to_status == Status.ACTIVE and not threat.assessments.exists():
        errors["to_status"] = ["Assess the threat before adopting it."]
    if to_status == Status.ARCHIVED:
        if archive_reason not in ArchiveReason.values:
            errors["archive_reason"] = [
                f"Choose why it is archived: {', '.join(ArchiveReason.labels)}."
            ]
        if archive_reason == ArchiveReason.MERGED:
            if merged_into is None:
                errors["merged_into"] = ["Say which threat it was merged into."]
            elif merged_into.pk == threat.pk:
                errors["merged_into"] = ["A threat cannot be merged into itself."]
            else:
                _require_visible(actor, merged_into)
        if not (reason or "").strip():
            errors["reason"] = ["Record why the threat is archived."]
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    with transaction.atomic():
        previous = threat.status
        threat.status = to_status
        threat.archive_reason = archive_reason if to_status == Status.ARCHIVED else ""
        threat.merged_into = merged_into if archive_reason == ArchiveReason.MERGED else None
        if to_status == Status.ACTIVE and threat.adopted_at is None:
            threat.adopted_at = now
        threat.archived_at = now if to_status == Status.ARCHIVED else None
        threat.save()
        StatusChange.objects.create(
            threat=threat,
            from_status=previous,
            to_status=to_status,
            archive_reason=threat.archive_reason,
            reason=(reason or "").strip(),
            by=actor,
            at=now,
        )
        record_event(
            actor=actor,
            action="threat.status_changed",
            target=threat,
            reason=reason,
            changes={"status": [previous, to_status], "archive_reason": threat.archive_reason},
        )
    return threat


def transfer_threat(*, actor, threat: Threat, owner: Organisation, reason: str) -> Threat:
    """Move a threat to another owner (a tasking decision: a force hands a group to its ROCU,
    a ROCU to the NCA). The owner's records follow it: from now on the new owner's scope
    decides who sees the threat."""
    _require_mapper(actor, "move a threat to another owner")
    _require_visible(actor, threat)
    errors: dict[str, list[str]] = {}
    if owner is None or owner.kind == OrganisationKind.PARTNER:
        errors["owner"] = ["Threats are owned by a force, a ROCU or the NCA."]
    elif owner.pk == threat.owner_id:
        errors["owner"] = [f"{owner} already owns {threat.reference}."]
    if not (reason or "").strip():
        errors["reason"] = ["Record why the threat moves to another owner."]
    if errors:
        raise InvalidInput(errors)
    before = _snapshot(threat)
    with transaction.atomic():
        threat.owner = owner
        threat.save()
        if owner.kind == OrganisationKind.FORCE:
            threat.forces.add(owner)
        record_event(
            actor=actor,
            action="threat.transferred",
            target=threat,
            changes=field_changes(before, _snapshot(threat)),
            reason=reason.strip(),
        )
    return threat


def add_member(
    *,
    actor,
    threat: Threat,
    nominal: Nominal,
    role: str,
    joined_on: dt.date | None = None,
    notes: str = "",
) -> Membership:
    _require_mapper(actor, "change group membership")
    _require_visible(actor, threat)
    _require_visible(actor, nominal)
    errors = {}
    if threat.kind != ThreatKind.OCG:
        errors["threat"] = ["Only organised crime groups have members."]
    if role not in MemberRole.values:
        errors["role"] = [f"Choose one of {', '.join(MemberRole.labels)}."]
    if joined_on and joined_on > timezone.localdate():
        errors["joined_on"] = ["The joining date cannot be in the future."]
    if threat.status == Status.ARCHIVED:
        errors["threat"] = ["The threat is archived; re-open it to change its members."]
    if errors:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                threat=threat,
                nominal=nominal,
                role=role,
                joined_on=joined_on,
                notes=(notes or "").strip(),
            )
            record_event(
                actor=actor,
                action="threat.member_added",
                target=threat,
                changes={"nominal": str(nominal), "nominal_id": nominal.pk, "role": role},
            )
    except IntegrityError as duplicate:
        raise InvalidInput(
            {"nominal": [f"{nominal} is already a current member of {threat.reference}."]}
        ) from duplicate
    return membership


def end_membership(
    *, actor, membership: Membership, left_on: dt.date, reason: str = ""
) -> Membership:
    _require_mapper(actor, "change group membership")
    _require_visible(actor, membership.threat)
    errors = {}
    if membership.left_on is not None:
        errors["left_on"] = ["That membership has already ended."]
    elif left_on > timezone.localdate():
        errors["left_on"] = ["The leaving date cannot be in the future."]
    elif membership.joined_on and left_on < membership.joined_on:
        errors["left_on"] = ["A member cannot leave before they joined."]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        membership.left_on = left_on
        membership.save(update_fields=["left_on"])
        record_event(
            actor=actor,
            action="threat.member_left",
            target=membership.threat,
            changes={"nominal": str(membership.nominal), "left_on": left_on.isoformat()},
            reason=reason,
        )
    return membership


def request_reassessment(*, actor, threat: Threat, reason: str) -> Threat:
    """Flag a threat to be re-assessed now (e.g. after a validated major disruption)."""
    if not (reason or "").strip():
        raise InvalidInput({"reason": ["Say why the threat needs re-assessing."]})
    with transaction.atomic():
        threat.reassessment_requested = True
        threat.reassessment_reason = reason.strip()[:300]
        threat.save(update_fields=["reassessment_requested", "reassessment_reason", "updated_at"])
        record_event(
            actor=actor, action="threat.reassessment_requested", target=threat, reason=reason
        )
    return threat


def map_and_assess_threat(
    *,
    actor,
    methodology,
    inputs: dict[str, str],
    rationale: str = "",
    judged_by: dict | None = None,
    **threat_fields,
) -> Threat:
    """Map a new threat and record its first assessment in one transaction: either both are
    saved or neither is."""
    from socmap.scoring.services import assess_threat

    with transaction.atomic():
        threat = map_threat(actor=actor, **threat_fields)
        assess_threat(
            actor=actor,
            threat=threat,
            methodology=methodology,
            inputs=inputs,
            rationale=rationale,
            judged_by=judged_by,
        )
        threat.refresh_from_db()
    return threat


# --------------------------------------------------------------------------- import

THREAT_IMPORT_COLUMNS = (
    "kind",
    "name",
    "predominant_crime_type",
    "tier",
    "status",
    "description",
    "other_crime_types",
    "forces",
    "subject",
    "operation_names",
    "lro",
    "sro",
    "methodology",
    "rationale",
)
ANSWER_COLUMN_PREFIX = "answer_"


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _import_row_fields(actor, row: dict, line: int, errors: list) -> dict | None:
    """Turn one CSV row into the arguments of :func:`map_threat`, or note its problems."""
    from socmap.orgs.scoping import visible_to
    from socmap.threats.selectors import officer_candidates

    problems: list[RowError] = []
    fields: dict = {
        "kind": row.get("kind", "").strip().lower(),
        "name": row.get("name", ""),
        "tier": row.get("tier", "").strip().lower() or Tier.LOCAL,
        "status": row.get("status", "").strip().lower() or Status.UNDER_ASSESSMENT,
        "description": row.get("description", ""),
        "operation_names": _split(row.get("operation_names", "")),
    }
    code = row.get("predominant_crime_type", "").strip()
    fields["predominant_crime_type"] = CrimeType.objects.filter(pk=code).first() if code else None
    if code and fields["predominant_crime_type"] is None:
        problems.append(
            RowError(line, "predominant_crime_type", f"'{code}' is not a crime type code.")
        )
    others = _split(row.get("other_crime_types", ""))
    found = {c.pk: c for c in CrimeType.objects.filter(pk__in=others)}
    fields["other_crime_types"] = [found[c] for c in others if c in found]
    for unknown in (c for c in others if c not in found):
        problems.append(
            RowError(line, "other_crime_types", f"'{unknown}' is not a crime type code.")
        )
    slugs = _split(row.get("forces", ""))
    forces = {
        o.slug: o for o in Organisation.objects.filter(slug__in=slugs, kind=OrganisationKind.FORCE)
    }
    fields["forces"] = [forces[s] for s in slugs if s in forces]
    for unknown in (s for s in slugs if s not in forces):
        problems.append(RowError(line, "forces", f"'{unknown}' is not a force's slug."))
    subject = row.get("subject", "").strip()
    fields["subject"] = None
    if subject:
        nominal = None
        if subject.isdigit():
            candidates = Nominal.objects.filter(pk=int(subject))
            nominal = (candidates if actor is None else visible_to(actor, candidates)).first()
        if nominal is None:
            problems.append(
                RowError(line, "subject", f"There is no person with id {subject} you can see.")
            )
        fields["subject"] = nominal
    for role in ("lro", "sro"):
        username = row.get(role, "").strip()
        fields[role] = None
        if username:
            officer = officer_candidates(actor).filter(username__iexact=username).first()
            if officer is None:
                problems.append(
                    RowError(line, role, f"There is no active user '{username}' you may name here.")
                )
            fields[role] = officer
    if problems:
        # report the other fields' problems too, as the mapping form would
        reported = {p.column for p in problems}
        try:
            _clean_threat(
                local_areas=[],
                **{k: v for k, v in fields.items() if k not in ("status", "description")},
            )
        except InvalidInput as invalid:
            problems.extend(
                RowError(line, column, message)
                for column, messages in invalid.field_errors.items()
                if column not in reported
                for message in messages
            )
        problems.sort(
            key=lambda p: (
                list(THREAT_IMPORT_COLUMNS).index(p.column)
                if p.column in THREAT_IMPORT_COLUMNS
                else len(THREAT_IMPORT_COLUMNS)
            )
        )
    errors.extend(problems)
    return None if problems else fields


def import_threats(
    *,
    actor,
    rows: list[dict],
    owner: Organisation | None = None,
    source_name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> list[Threat]:
    """Map every threat in ``rows`` (dicts keyed by :data:`THREAT_IMPORT_COLUMNS`, plus one
    ``answer_<attribute>`` column per attribute of the row's ``methodology`` to assess it in
    the same step) for ``owner``: all rows or none.

    Each row goes through :func:`map_threat` or :func:`map_and_assess_threat`, the functions the
    mapping form and the API use, inside one outer transaction; every problem is collected with
    its line number (the header is line 1) and then :class:`ImportRejected` undoes everything."""
    from socmap.scoring.methodology import AnswerError, check_answers
    from socmap.scoring.services import methodology_version

    _require_mapper(actor, "import threats")
    rows = [{(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in rows]
    if not rows:
        raise ImportRejected(
            [
                RowError(
                    2, "", "The file has no threats in it: it needs a header row and a row each."
                )
            ]
        )
    header = set(rows[0])
    missing = [c for c in ("kind", "name", "predominant_crime_type") if c not in header]
    unknown = sorted(
        c
        for c in header
        if c and c not in THREAT_IMPORT_COLUMNS and not c.startswith(ANSWER_COLUMN_PREFIX)
    )
    if missing or unknown:
        raise ImportRejected(
            [RowError(1, c, f"The header has no '{c}' column.") for c in missing]
            + [
                RowError(
                    1,
                    c,
                    f"Unknown column '{c}': use {', '.join(THREAT_IMPORT_COLUMNS)} and "
                    f"{ANSWER_COLUMN_PREFIX}<attribute> columns.",
                )
                for c in unknown
            ],
            rows_read=len(rows),
        )
    errors: list[RowError] = []
    mapped: list[Threat] = []
    with transaction.atomic():
        for index, row in enumerate(rows):
            line = index + 2
            fields = _import_row_fields(actor, row, line, errors)
            label = row.get("methodology", "").strip()
            answers = {
                key[len(ANSWER_COLUMN_PREFIX) :]: value.strip()
                for key, value in row.items()
                if key.startswith(ANSWER_COLUMN_PREFIX) and value.strip()
            }
            methodology = None
            if label:
                try:
                    methodology = methodology_version(label)
                except InvalidInput as unknown_methodology:
                    errors.append(
                        RowError(
                            line, "methodology", unknown_methodology.summary().split(": ", 1)[-1]
                        )
                    )
                    fields = None
            elif answers:
                errors.append(
                    RowError(line, "methodology", "Answers are given: name the methodology too.")
                )
                fields = None
            if fields is None and methodology is not None:
                # the row is refused already; name its wrong answers too
                try:
                    check_answers(methodology.rules(), answers)
                except AnswerError as wrong:
                    errors.extend(
                        RowError(line, ANSWER_COLUMN_PREFIX + key, message)
                        for key, message in wrong.problems.items()
                    )
            if fields is not None:
                try:
                    if methodology is None:
                        mapped.append(map_threat(actor=actor, owner=owner, **fields))
                    else:
                        mapped.append(
                            map_and_assess_threat(
                                actor=actor,
                                owner=owner,
                                methodology=methodology,
                                inputs=answers,
                                rationale=row.get("rationale", ""),
                                **fields,
                            )
                        )
                except InvalidInput as invalid:
                    for column, messages in invalid.field_errors.items():
                        if methodology is not None and methodology.rules().attribute(column):
                            column = ANSWER_COLUMN_PREFIX + column
                        errors.extend(
                            RowError(line, "" if column == "__all__" else column, message)
                            for message in messages
                        )
            if progress is not None:
                progress(index + 1, len(rows))
        if errors:
            raise ImportRejected(errors, rows_read=len(rows))
        record_event(
            actor=actor,
            action="threats.imported",
            target_type="threats.threat",
            target_repr=f"{len(mapped)} threats",
            changes={"file": source_name, "rows": len(mapped), "ids": [t.pk for t in mapped]},
        )
    return mapped
