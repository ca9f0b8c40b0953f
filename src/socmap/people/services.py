"""Operations on nominals: recording people, their aliases, identifiers, addresses and
associations; finding people recorded twice, reviewing the pairs, merging and unmerging.
Each function is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from socmap.audit.services import field_changes, record_event
from socmap.errors import ImportRejected, InvalidInput, RowError
from socmap.orgs.models import Organisation, OrganisationKind, Role
from socmap.orgs.permissions import require_can_write, require_role
from socmap.orgs.scoping import can_see, organisations_in_scope, scope_for, visible_to
from socmap.people.linkage import DEFAULT_THRESHOLD, LinkageRecord, find_candidate_pairs
from socmap.people.models import (
    INVERSE_LABELS,
    Address,
    Alias,
    AliasKind,
    Association,
    AssociationKind,
    CandidateStatus,
    DuplicateCandidate,
    Gender,
    Identifier,
    IdentifierKind,
    LinkageRun,
    Nominal,
    NominalMerge,
)
from socmap.people.rules import date_of_birth_difference, merge_would_cycle

PEOPLE_EDITORS = (Role.ANALYST, Role.LRO, Role.OFFENDER_MANAGER)
PNC_PATTERN = re.compile(r"^\d{2}(\d{2})?/\d{1,7}[A-Z]$")
EARLIEST_BIRTH = dt.date(1900, 1, 1)

# Longer text would not fit the database column: refuse it with a message instead.
MAX_LENGTHS = {"surname": 100, "forenames": 150, "nationality": 60, "pnc_id": 20}

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
        if actor is None or actor.organisation is None:
            raise InvalidInput({"owner": ["Say which organisation records this person."]})
        owner = actor.organisation
    if actor is not None and not organisations_in_scope(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied(f"You may not record people for {owner}.")
    if owner.kind == OrganisationKind.PARTNER:
        if actor is not None and owner.pk == actor.organisation_id:
            raise PermissionDenied(
                "Partner agencies may not record people: ask the force or ROCU you work with."
            )
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
    for key, limit in MAX_LENGTHS.items():
        if len(cleaned.get(key) or "") > limit:
            label = Nominal._meta.get_field(key).verbose_name
            errors[key] = [f"The {label} must be {limit} characters or fewer."]
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
    if len(name) > 200:
        raise InvalidInput({"name": ["The alias must be 200 characters or fewer."]})
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
    elif len(value) > 120:
        errors["value"] = ["The identifier must be 120 characters or fewer."]
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
    for key, value, limit in (
        ("line", line, 200),
        ("town", town, 80),
        ("postcode", postcode, 10),
        ("local_area", local_area, 80),
    ):
        if len((value or "").strip()) > limit:
            errors[key] = [f"This must be {limit} characters or fewer."]
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
    symmetric = kind not in INVERSE_LABELS
    if symmetric and Association.objects.filter(source=target, target=source, kind=kind).exists():
        raise InvalidInput(
            {"target": [f"That association is already recorded ({target} — {source})."]}
        )
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


# --------------------------------------------------------------------------- import

IMPORT_COLUMNS = (
    "surname",
    "forenames",
    "date_of_birth",
    "gender",
    "nationality",
    "pnc_id",
    "aliases",
    "flags",
)
IMPORT_FLAGS = ("foreign_national", "iom", "mappa", "vulnerable")


@dataclass
class NominalImportResult:
    created: list[Nominal] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.created)


def _import_date(raw: str) -> dt.date | str | None:
    """ISO (2001-03-04) or British (04/03/2001) dates; anything else is passed on for the
    service to refuse with its own message."""
    raw = raw.strip()
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return raw


def _import_gender(raw: str) -> str | None:
    raw = raw.strip().lower()
    if not raw:
        return Gender.UNKNOWN
    for value, label in Gender.choices:
        if raw in (value, label.lower()) or (len(raw) == 1 and value.startswith(raw)):
            return value
    return None


def _import_flags(raw: str) -> tuple[dict[str, bool], list[str]]:
    chosen, unknown = {}, []
    for part in re.split(r"[;,]", raw):
        name = part.strip().lower().replace("-", "_").replace(" ", "_")
        if not name:
            continue
        if name in IMPORT_FLAGS:
            chosen[name] = True
        else:
            unknown.append(part.strip())
    return chosen, unknown


def import_nominals(
    *,
    actor,
    rows: Iterable[Mapping[str, str]],
    owner: Organisation,
    source_name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> NominalImportResult:
    """Record every person in ``rows`` (dicts keyed by :data:`IMPORT_COLUMNS`) for ``owner``:
    all rows or none.

    Each row goes through :func:`record_nominal`, inside one outer transaction; any problem
    (a bad value, a PNC ID given twice or already recorded for ``owner``) is collected with its
    line number (the header is line 1), and then :class:`ImportRejected` undoes everything.
    ``progress(done, total)`` is called after each row."""
    _require_editor(actor, "import people")
    owner = _owner_for(actor, owner)
    rows = [{(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in rows]
    if not rows:
        raise ImportRejected(
            [
                RowError(
                    2,
                    "",
                    "The file has no people in it: it needs a header row and a row per person.",
                )
            ]
        )
    missing = [c for c in ("surname",) if c not in rows[0]]
    unknown_columns = [c for c in rows[0] if c and c not in IMPORT_COLUMNS]
    if missing or unknown_columns:
        raise ImportRejected(
            [RowError(1, c, f"The header has no '{c}' column.") for c in missing]
            + [
                RowError(1, c, f"Unknown column '{c}': use {', '.join(IMPORT_COLUMNS)}.")
                for c in unknown_columns
            ],
            rows_read=len(rows),
        )
    errors: list[RowError] = []
    result = NominalImportResult()
    first_seen: dict[str, int] = {}
    with transaction.atomic():
        for index, row in enumerate(rows):
            line = index + 2
            row_errors: list[RowError] = []
            gender = _import_gender(row.get("gender", ""))
            if gender is None:
                row_errors.append(
                    RowError(line, "gender", f"Unknown gender: use {', '.join(Gender.values)}.")
                )
            flags, unknown_flags = _import_flags(row.get("flags", ""))
            for name in unknown_flags:
                row_errors.append(
                    RowError(
                        line, "flags", f"Unknown flag '{name}': use {', '.join(IMPORT_FLAGS)}."
                    )
                )
            pnc = row.get("pnc_id", "").upper().replace(" ", "")
            if pnc:
                previous = first_seen.setdefault(pnc, line)
                if previous != line:
                    row_errors.append(
                        RowError(
                            line, "pnc_id", f"PNC ID {pnc} is already given on line {previous}."
                        )
                    )
                elif Nominal.objects.filter(owner=owner, pnc_id=pnc).exists():
                    row_errors.append(
                        RowError(line, "pnc_id", f"PNC ID {pnc} is already recorded for {owner}.")
                    )
            aliases = [a.strip() for a in row.get("aliases", "").split(";") if a.strip()]
            for alias in aliases:
                if len(alias) > 200:
                    row_errors.append(
                        RowError(line, "aliases", "Each alias must be 200 characters or fewer.")
                    )
            if row_errors:
                # the row is refused already: name the problems of its other fields too
                try:
                    _clean_nominal(
                        {
                            "surname": row.get("surname", ""),
                            "forenames": row.get("forenames", ""),
                            "date_of_birth": _import_date(row.get("date_of_birth", "")),
                            "nationality": row.get("nationality", ""),
                            "pnc_id": pnc,
                        }
                    )
                except InvalidInput as invalid:
                    reported = {e.column for e in row_errors}
                    row_errors.extend(
                        RowError(line, column, message)
                        for column, messages in invalid.field_errors.items()
                        if column not in reported
                        for message in messages
                    )
            else:
                try:
                    result.created.append(
                        record_nominal(
                            actor=actor,
                            owner=owner,
                            aliases=aliases,
                            surname=row.get("surname", ""),
                            forenames=row.get("forenames", ""),
                            date_of_birth=_import_date(row.get("date_of_birth", "")),
                            gender=gender,
                            nationality=row.get("nationality", ""),
                            pnc_id=pnc,
                            **flags,
                        )
                    )
                except InvalidInput as invalid:
                    row_errors.extend(
                        RowError(line, "" if column == "__all__" else column, message)
                        for column, messages in invalid.field_errors.items()
                        for message in messages
                    )
            errors.extend(row_errors)
            if progress is not None:
                progress(index + 1, len(rows))
        if errors:
            raise ImportRejected(errors, rows_read=len(rows))
        record_event(
            actor=actor,
            action="nominals.imported",
            target_type="people.nominal",
            target_repr=f"{len(result.created)} people for {owner}",
            changes={
                "file": source_name,
                "owner": owner.slug,
                "rows": len(result.created),
                "ids": [n.pk for n in result.created],
            },
        )
    return result


# --------------------------------------------------------------------------- merges


def _merge_parents() -> dict[int, int | None]:
    return dict(
        Nominal.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id")
    )


def _require_merge_visible(actor, nominal: Nominal, field_name: str) -> None:
    """A person the actor cannot see is refused like one that does not exist."""
    if actor is not None and not can_see(actor, nominal):
        raise InvalidInput({field_name: [f"There is no person with id {nominal.pk} you can see."]})


def merge_people(
    *,
    actor,
    duplicate: Nominal,
    survivor: Nominal,
    reason: str,
    confirm_different_dates_of_birth: bool = False,
    candidate: DuplicateCandidate | None = None,
) -> NominalMerge:
    """Record that ``duplicate`` is the same person as ``survivor``: users who may see both
    see one person from now on. Nothing of either record is changed or removed; the merge
    can be undone with :func:`unmerge_people`."""
    _require_editor(actor, "merge people")
    _require_merge_visible(actor, duplicate, "duplicate")
    _require_merge_visible(actor, survivor, "survivor")
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Say why these records are the same person."]
    if duplicate.pk == survivor.pk:
        errors["survivor"] = ["A record cannot be merged into itself."]
    if errors:
        raise InvalidInput(errors)
    parents = _merge_parents()
    if parents.get(duplicate.pk) is not None:
        raise InvalidInput(
            {
                "duplicate": [
                    f"{duplicate} (id {duplicate.pk}) is already merged into another record: "
                    "undo that merge first."
                ]
            }
        )
    if merge_would_cycle(parents, duplicate.pk, survivor.pk):
        raise InvalidInput(
            {
                "survivor": [
                    f"{survivor} (id {survivor.pk}) is already merged into {duplicate} "
                    f"(id {duplicate.pk}), directly or through other records: merging would "
                    "make a cycle. Merge the other way round, or undo the earlier merge."
                ]
            }
        )
    difference = date_of_birth_difference(duplicate.date_of_birth, survivor.date_of_birth)
    if difference and not confirm_different_dates_of_birth:
        raise InvalidInput(
            {
                "confirm_different_dates_of_birth": [
                    f"{difference} Check both records, then confirm that they are the same "
                    "person despite the different dates of birth."
                ]
            }
        )
    with transaction.atomic():
        merge = NominalMerge.objects.create(
            duplicate=duplicate,
            survivor=survivor,
            reason=reason,
            dates_of_birth_differ=bool(difference),
            candidate=candidate,
            merged_by=actor,
        )
        Nominal.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
        duplicate.merged_into = survivor
        record_event(
            actor=actor,
            action="nominal.merged",
            target=duplicate,
            changes={
                "merge": merge.pk,
                "duplicate": duplicate.pk,
                "survivor": survivor.pk,
                "survivor_name": str(survivor),
                "dates_of_birth_differ": bool(difference),
                "candidate": candidate.pk if candidate else None,
            },
            reason=reason,
        )
    return merge


def unmerge_people(*, actor, merge: NominalMerge, reason: str) -> NominalMerge:
    """Undo a merge: the two records are shown as two people again. The merge stays in the
    history, marked undone, with who undid it and why."""
    _require_editor(actor, "undo merges")
    _require_merge_visible(actor, merge.duplicate, "duplicate")
    _require_merge_visible(actor, merge.survivor, "survivor")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": ["Say why the merge is being undone."]})
    if merge.undone_at is not None:
        raise InvalidInput({"merge": ["That merge has already been undone."]})
    with transaction.atomic():
        merge.undone_at = timezone.now()
        merge.undone_by = actor
        merge.undo_reason = reason
        merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        Nominal.objects.filter(pk=merge.duplicate_id).update(merged_into=None)
        merge.duplicate.merged_into = None
        if merge.candidate_id:
            DuplicateCandidate.objects.filter(pk=merge.candidate_id).update(
                status=CandidateStatus.REJECTED,
                decided_by=actor,
                decided_at=merge.undone_at,
                decision_reason=f"Merge undone: {reason}",
            )
        record_event(
            actor=actor,
            action="nominal.unmerged",
            target=merge.duplicate,
            changes={
                "merge": merge.pk,
                "duplicate": merge.duplicate_id,
                "survivor": merge.survivor_id,
                "survivor_name": str(merge.survivor),
            },
            reason=reason,
        )
    return merge


# --------------------------------------------------------------------------- duplicates


def _linkage_records(actor) -> tuple[list[LinkageRecord], str]:
    people = Nominal.objects.filter(merged_into__isnull=True)
    if actor is not None:
        people = visible_to(actor, people)
    aliases: dict[int, list[str]] = {}
    for nominal_id, name in Alias.objects.filter(nominal__in=people.values("pk")).values_list(
        "nominal_id", "name"
    ):
        aliases.setdefault(nominal_id, []).append(name)
    records = [
        LinkageRecord(
            id=pk,
            surname=surname,
            forenames=forenames,
            date_of_birth=dob,
            gender=gender,
            pnc_id=pnc,
            aliases=tuple(aliases.get(pk, ())),
            owner_id=owner_id,
        )
        for pk, surname, forenames, dob, gender, pnc, owner_id in people.values_list(
            "pk", "surname", "forenames", "date_of_birth", "gender", "pnc_id", "owner_id"
        ).iterator(chunk_size=5000)
    ]
    scope = "every organisation" if actor is None else scope_for(actor).description
    return records, scope


def find_duplicates(
    *,
    actor,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
) -> LinkageRun:
    """Run the record linkage over the people ``actor`` may see (everyone for the system),
    training the model on those records, and put every pair at or above ``threshold`` match
    probability that is not already decided into the review queue. Pairs already waiting are
    given this run's weights; confirmed or rejected pairs are left as decided."""
    _require_editor(actor, "look for duplicate people")
    if not 0 < threshold < 1:
        raise InvalidInput({"threshold": ["The threshold is a probability between 0 and 1."]})
    say = progress or (lambda message: None)
    records, scope = _linkage_records(actor)
    say(f"Comparing {len(records):,} people ({scope})...")
    result = find_candidate_pairs(records, threshold=threshold, seed=seed, progress=say)
    say(
        f"Scored {result.comparisons:,} pairs in {result.seconds:.1f} s; "
        f"{len(result.pairs):,} at or above {threshold:.0%}."
    )
    with transaction.atomic():
        run = LinkageRun.objects.create(
            run_by=actor,
            scope=scope[:200],
            records=result.records,
            comparisons=result.comparisons,
            pairs_found=len(result.pairs),
            threshold=threshold,
            seconds=round(result.seconds, 3),
            trained=result.trained,
            prior=result.prior,
            parameters=result.parameters,
            notes=result.notes,
        )
        existing = {
            (c.left_id, c.right_id): c
            for c in DuplicateCandidate.objects.filter(
                left_id__in=[p.left_id for p in result.pairs]
            )
        }
        new, refreshed = [], []
        for pair in result.pairs:
            candidate = existing.get((pair.left_id, pair.right_id))
            if candidate is None:
                new.append(
                    DuplicateCandidate(
                        left_id=pair.left_id,
                        right_id=pair.right_id,
                        run=run,
                        match_weight=pair.match_weight,
                        match_probability=pair.match_probability,
                        levels=pair.levels,
                    )
                )
            elif candidate.status == CandidateStatus.PENDING:
                candidate.run = run
                candidate.match_weight = pair.match_weight
                candidate.match_probability = pair.match_probability
                candidate.levels = pair.levels
                refreshed.append(candidate)
        DuplicateCandidate.objects.bulk_create(new, batch_size=1000)
        DuplicateCandidate.objects.bulk_update(
            refreshed, ["run", "match_weight", "match_probability", "levels"], batch_size=1000
        )
        run.new_candidates = len(new)
        run.save(update_fields=["new_candidates"])
        record_event(
            actor=actor,
            action="people.duplicates_found",
            target=run,
            changes={
                "records": run.records,
                "comparisons": run.comparisons,
                "pairs": run.pairs_found,
                "new_candidates": len(new),
                "threshold": threshold,
                "trained": run.trained,
            },
        )
    say(f"{len(new):,} new pairs for review, {len(refreshed):,} waiting pairs re-scored.")
    return run


def _require_candidate_visible(actor, candidate: DuplicateCandidate) -> None:
    if actor is not None and not (
        can_see(actor, candidate.left) and can_see(actor, candidate.right)
    ):
        raise PermissionDenied("That pair is not available to you.")


def confirm_candidate(
    *,
    actor,
    candidate: DuplicateCandidate,
    reason: str,
    survivor: Nominal | None = None,
    confirm_different_dates_of_birth: bool = False,
) -> NominalMerge:
    """The analyst agrees the pair is one person: merge them (into ``survivor``, by default
    the record recorded first) and close the pair."""
    _require_editor(actor, "review duplicate people")
    _require_candidate_visible(actor, candidate)
    if candidate.status != CandidateStatus.PENDING:
        raise InvalidInput({"candidate": ["That pair has already been reviewed."]})
    survivor = survivor or candidate.left
    if survivor.pk not in (candidate.left_id, candidate.right_id):
        raise InvalidInput({"survivor": ["Keep one of the two records of the pair."]})
    duplicate = candidate.right if survivor.pk == candidate.left_id else candidate.left
    with transaction.atomic():
        merge = merge_people(
            actor=actor,
            duplicate=duplicate,
            survivor=survivor,
            reason=reason,
            confirm_different_dates_of_birth=confirm_different_dates_of_birth,
            candidate=candidate,
        )
        candidate.status = CandidateStatus.CONFIRMED
        candidate.decided_by = actor
        candidate.decided_at = timezone.now()
        candidate.decision_reason = reason.strip()
        candidate.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return merge


def reject_candidate(*, actor, candidate: DuplicateCandidate, reason: str) -> DuplicateCandidate:
    """The analyst finds the pair are different people: the pair leaves the queue and later
    runs do not propose it again."""
    _require_editor(actor, "review duplicate people")
    _require_candidate_visible(actor, candidate)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": ["Say why these are different people."]})
    if candidate.status != CandidateStatus.PENDING:
        raise InvalidInput({"candidate": ["That pair has already been reviewed."]})
    with transaction.atomic():
        candidate.status = CandidateStatus.REJECTED
        candidate.decided_by = actor
        candidate.decided_at = timezone.now()
        candidate.decision_reason = reason
        candidate.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        record_event(
            actor=actor,
            action="people.duplicate_rejected",
            target=candidate.left,
            changes={
                "candidate": candidate.pk,
                "left": candidate.left_id,
                "right": candidate.right_id,
            },
            reason=reason,
        )
    return candidate
