"""The rollup behind the rates and rankings: disruptions counted per owning organisation, day
and status, with the sums of their quantities.

A ranking over a million disruptions reads a few tens of thousands of these rows instead of
the disruptions themselves (BENCHMARKS.md). The table is kept by database triggers on
``disruptions_disruption`` (migration 0002), so every write, whether a page, the API, an
import with ``COPY``, ``bulk_create`` or ``update()``, changes it in the same transaction;
``socmap performance-rollup --check`` compares it with a fresh count and ``--rebuild``
recomputes it.
"""

from __future__ import annotations

from django.db import models

QUANTITY_SUMS = (
    "arrests",
    "people_safeguarded",
    "drugs_kg",
    "firearms",
    "cash",
    "custodial_years",
    "lines_closed",
)


class DisruptionDay(models.Model):
    owner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    day = models.DateField()
    status = models.CharField(max_length=10)
    disruptions = models.IntegerField(default=0)
    arrests = models.BigIntegerField(default=0)
    people_safeguarded = models.BigIntegerField(default=0)
    drugs_kg = models.DecimalField(max_digits=16, decimal_places=3, default=0)
    firearms = models.BigIntegerField(default=0)
    cash = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    custodial_years = models.DecimalField(max_digits=12, decimal_places=1, default=0)
    lines_closed = models.BigIntegerField(default=0)

    # Force-level counts, not records: see docs/methodology.md on who may read them.
    scope_owner = "owner"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "day", "status"], name="one_rollup_row")
        ]
        indexes = [models.Index(fields=["status", "day", "owner"], name="rollup_status_day")]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.day} {self.status}: {self.disruptions}"
