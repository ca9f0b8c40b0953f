"""Optimistic locking: two people editing the same threat, plan, action or disruption never
silently overwrite each other.

A :class:`Versioned` record carries a ``version`` that every save raises by one, in the same
UPDATE that checks it (``... WHERE id = %s AND version = %s``). A save made from a stale copy
(someone else saved in between, in another request or another transaction) changes nothing
and raises :class:`Conflict`. Forms and API payloads carry the version the user read; the
service compares it with :func:`expect_version` before changing anything. Pages show the
conflict as a message at the top of the form; the API answers 409.

On PostgreSQL the first UPDATE holds the row lock until commit, so a concurrent writer waits
and then finds the version moved on (READ COMMITTED re-checks the WHERE clause); on SQLite
writers are serialised by ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

from django.db import models, transaction

from socmap.errors import InvalidInput


class Conflict(InvalidInput):
    """The record changed since the user read it; nothing was saved."""

    def __init__(self, record, *, yours=None, current=None):
        self.record = record
        self.yours, self.current = yours, current
        name = getattr(record, "reference", None) or str(record)
        super().__init__(
            {
                "__all__": [
                    f"{name} was changed by someone else after you opened it "
                    f"(your copy is version {yours}, it is now version {current}). Nothing "
                    "was saved: reload the page to see their changes, then make yours again."
                ]
            }
        )


def expect_version(record, version) -> None:
    """Refuse to go on if the user read another version of ``record`` than the current one."""
    if version in (None, ""):
        return
    try:
        yours = int(version)
    except (TypeError, ValueError) as bad:
        raise InvalidInput({"version": ["The version must be a whole number."]}) from bad
    current = type(record)._base_manager.filter(pk=record.pk).values_list("version", flat=True)
    current = current.first()
    if current != yours:
        raise Conflict(record, yours=yours, current=current)


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by one at every save; a save from an older copy is refused."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        expected = self.version
        with transaction.atomic(using=kwargs.get("using")):
            moved = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=expected)
                .update(version=expected + 1)
            )
            if not moved:
                current = (
                    type(self)._base_manager.filter(pk=self.pk)
                    .values_list("version", flat=True).first()
                )
                raise Conflict(self, yours=expected, current=current)
            self.version = expected + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            return super().save(*args, **kwargs)
