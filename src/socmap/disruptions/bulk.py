"""Writing many rows fast, for the import of a national return (100,000 disruptions with their
links and history steps).

On PostgreSQL the rows go in with ``COPY`` (ids for rows that others point at are taken from
the table's own sequence first); elsewhere with ``bulk_create``. Measured on 100,000 rows
(bench/import_disruptions.py): ``bulk_create`` spent about a minute building and sending
parameters, ``COPY`` a few seconds. Both run inside the caller's transaction, so an import is
still all rows or none; the database still checks every constraint (foreign keys, the
disruption's check constraints). This module only writes: the rules were applied before.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

from django.db import connection, models
from django.utils import timezone

BATCH = 2000


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _defaults(fields: list[models.Field]) -> dict[str, object]:
    now = timezone.now()
    found = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            found[f.attname] = now
        elif f.has_default():
            found[f.attname] = f.get_default()
        else:
            found[f.attname] = None
    return found


def insert(
    model: type[models.Model],
    records: Sequence[Mapping[str, object]],
    *,
    ids: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Insert ``records`` (each a mapping of the model's field attnames to values; missing
    fields take their defaults) into ``model``'s table. Returns the new ids if ``ids``."""
    if not records:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, records, ids=ids, progress=progress)
    made = []
    for start in range(0, len(records), BATCH):
        made += model._default_manager.bulk_create(
            [model(**record) for record in records[start : start + BATCH]]
        )
        if progress is not None:
            progress(min(len(records), start + BATCH), len(records))
    return [obj.pk for obj in made] if ids else []


def _copy(model, records, *, ids: bool, progress) -> list[int]:
    fields = _columns(model)
    defaults = _defaults(fields)
    table = connection.ops.quote_name(model._meta.db_table)
    json_fields = {f.attname: f for f in fields if isinstance(f, models.JSONField)}
    new_ids: list[int] = []
    with connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, len(records)],
            )
            new_ids = [row[0] for row in cursor.fetchall()]
        names = ([model._meta.pk.column] if ids else []) + [f.column for f in fields]
        sql = f"COPY {table} ({', '.join(connection.ops.quote_name(n) for n in names)}) FROM STDIN"
        plan = [(f.attname, defaults[f.attname], json_fields.get(f.attname)) for f in fields]
        with cursor.cursor.copy(sql) as copy:
            for number, record in enumerate(records):
                values = [new_ids[number]] if ids else []
                for attname, default, json_field in plan:
                    value = record.get(attname, default)
                    if json_field is not None and value is not None:
                        value = json.dumps(value, cls=json_field.encoder)
                    values.append(value)
                copy.write_row(values)
                if progress is not None and (number + 1) % BATCH == 0:
                    progress(number + 1, len(records))
    if progress is not None:
        progress(len(records), len(records))
    return new_ids
