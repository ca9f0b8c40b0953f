"""The stored search vectors (``fts_<kind>`` generated columns, PostgreSQL only) as migration
steps, so that a later migration can take them off and put them back.

PostgreSQL refuses to change the type of a column a generated column reads (``ALTER COLUMN
name TYPE varchar(300)`` on a threat's name, say). A migration that changes a searched field
therefore runs ``RunPython(*drop("threat"))`` before its ``AlterField`` and
``RunPython(*add("threat"))`` after it: the vector is dropped, the column changed, and the
vector computed again from the new column, with its GIN index.
"""

from __future__ import annotations

from socmap.search import documents


def _model(apps, kind: str):
    app_label, model_name, _ = documents.VECTORS[kind]
    return apps.get_model(app_label, model_name)


def add_vectors(apps, schema_editor, kinds=None) -> None:
    """Add each kind's stored vector and its GIN index (replacing any expression index)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for kind in kinds or documents.VECTORS:
        model = _model(apps, kind)
        table, column = quote(model._meta.db_table), quote(documents.column_name(kind))
        expression = documents.vector_sql(kind, model, schema_editor)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        index = quote(documents.index_name(kind))
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin ({column})")


def drop_vectors(apps, schema_editor, kinds=None) -> None:
    """Drop each kind's stored vector (its index goes with it)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for kind in kinds or documents.VECTORS:
        table = quote(_model(apps, kind)._meta.db_table)
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(documents.index_name(kind))}")
        schema_editor.execute(
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS {quote(documents.column_name(kind))}"
        )


def add(*kinds: str):
    """``RunPython`` arguments that add these kinds' vectors (and drop them when reversed)."""
    return (
        lambda apps, editor: add_vectors(apps, editor, kinds),
        lambda apps, editor: drop_vectors(apps, editor, kinds),
    )


def drop(*kinds: str):
    """``RunPython`` arguments that drop these kinds' vectors (and add them when reversed)."""
    return (
        lambda apps, editor: drop_vectors(apps, editor, kinds),
        lambda apps, editor: add_vectors(apps, editor, kinds),
    )
