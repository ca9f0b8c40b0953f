"""The hash chain that makes the audit trail tamper-evident.

Every audit event carries its position in the chain (``sequence``), the hash of the event
before it (``previous_hash``) and its own hash (``entry_hash``): SHA-256 over a canonical
serialisation of the event's fields and the previous hash. Changing, removing or inserting an
event anywhere breaks the chain at that point, and :func:`verify` finds the first broken link.
The triggers of migration 0003 refuse changes; the chain shows them if someone with the power
to bypass triggers (a database administrator, a restore of an altered dump) makes them anyway.

Appends are serialised so that two writers never chain onto the same predecessor:

* on PostgreSQL a transaction-scoped advisory lock (:data:`LOCK_KEY`) is taken before the
  head of the chain is read; it is released when the writing transaction commits or rolls
  back, so the order of ``sequence`` is the order of commits;
* on SQLite socmap opens every transaction with ``BEGIN IMMEDIATE`` (settings.py), which takes
  the database's single write lock, so writers already queue.

In both cases ``sequence`` is unique in the database, so a writer that somehow raced would fail
with an integrity error rather than fork the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

GENESIS_HASH = "0" * 64
HASH_VERSION = "socmap-audit-v1"
# "socmap" as a number: the key of the advisory lock that serialises chain appends.
LOCK_KEY = int.from_bytes(b"socmap", "big")

CHAINED_FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "actor_name",
    "actor_organisation_id",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "changes",
    "reason",
    "ip_address",
)


def _normalise(value: Any) -> Any:
    """JSON values as they come back from either database: numbers as normalised decimals
    (PostgreSQL's jsonb may print 1e20 as 100000000000000000000), keys sorted later."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)).normalize()
        return {"$n": format(number, "f") if number == number.to_integral() else str(number)}
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    return str(value)


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(fields: dict[str, Any], previous_hash: str) -> bytes:
    """The bytes that are hashed: a fixed field order, sorted keys, no whitespace."""
    body = {}
    for name in CHAINED_FIELDS:
        value = fields.get(name)
        if name == "at":
            value = _moment(value)
        elif name == "changes":
            value = _normalise(json.loads(json.dumps(value or {}, default=str)))
        elif name in ("sequence", "actor_id", "actor_organisation_id"):
            value = None if value is None else int(value)
        else:
            value = "" if value is None and name != "ip_address" else value
        body[name] = value
    document = {"v": HASH_VERSION, "previous": previous_hash, "entry": body}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(fields: dict[str, Any], previous_hash: str) -> str:
    return hashlib.sha256(canonical(fields, previous_hash)).hexdigest()


def fields_of(event) -> dict[str, Any]:
    return {name: getattr(event, name) for name in CHAINED_FIELDS}


def lock_chain() -> None:
    """Serialise appends to the chain until the current transaction ends (see above)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def head() -> tuple[int, str]:
    """The last link of the chain: (sequence, hash); (0, genesis) for an empty trail."""
    from socmap.audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    return last if last else (0, GENESIS_HASH)


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class BrokenLink:
    sequence: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"entry {self.sequence}" + (f" (id {self.event_id})" if self.event_id else "")
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class Verification:
    checked: int
    head_sequence: int
    head_hash: str
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(
    *, anchor: tuple[int, str] | None = None, progress=None, using: str = "default"
) -> Verification:
    """Walk the chain from its first entry; stop at the first broken link.

    ``anchor`` is a (sequence, hash) pair noted down earlier (``socmap verify-audit`` prints
    the head): the entry must still be there with that hash, which also shows a trail cut
    short after it."""
    from socmap.audit.models import AuditEvent

    expected, previous, checked = 1, GENESIS_HASH, 0
    anchor_seen = anchor is None

    def broken(sequence: int, event_id: int | None, problem: str) -> Verification:
        return Verification(
            checked, expected - 1, previous, BrokenLink(sequence, event_id, problem)
        )

    events = AuditEvent.objects.using(using).order_by("sequence").only(
        "id", "previous_hash", "entry_hash", *CHAINED_FIELDS
    )
    for event in events.iterator(chunk_size=2000):
        checked += 1
        if progress is not None and checked % 10_000 == 0:
            progress(checked)
        if event.sequence != expected:
            if event.sequence > expected:
                return broken(
                    expected,
                    event.pk,
                    f"entries {expected} to {event.sequence - 1} "
                    "are missing (removed from the trail)",
                )
            return broken(expected, event.pk, "its position in the chain is repeated")
        if event.previous_hash != previous:
            return broken(
                event.sequence,
                event.pk,
                "it does not point at the entry before it "
                "(an entry was removed, inserted or replaced)",
            )
        if entry_hash(fields_of(event), previous) != event.entry_hash:
            return broken(
                event.sequence,
                event.pk,
                "its content no longer matches its hash (the entry was altered)",
            )
        if anchor is not None and event.sequence == anchor[0]:
            if event.entry_hash != anchor[1]:
                return broken(
                    event.sequence,
                    event.pk,
                    "its hash differs from the one noted down (the chain was rebuilt)",
                )
            anchor_seen = True
        previous = event.entry_hash
        expected += 1
    if not anchor_seen:
        return broken(
            anchor[0],
            None,
            f"the trail ends at entry {expected - 1}, before the "
            "entry noted down (entries were removed from its end)",
        )
    return Verification(checked, expected - 1, previous, None)
