"""PostgreSQL: each searched vector becomes a stored generated column (``fts_<kind>``) of the
record's table with a GIN index on it, replacing the GIN expression index of 0001. Matching
used the expression index just as well; ranking did not: ``ts_rank`` over an expression parses
each matching record's text again, which at two million intelligence reports took seconds for
a common word. SQLite searches without vectors, so nothing changes there."""

from django.db import migrations

from socmap.search import documents


def _vectors(apps):
    for kind, (app_label, model_name, _) in documents.VECTORS.items():
        yield kind, apps.get_model(app_label, model_name)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for kind, model in _vectors(apps):
        table, column = quote(model._meta.db_table), quote(documents.column_name(kind))
        expression = documents.vector_sql(kind, model, schema_editor)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(documents.index_name(kind))}")
        schema_editor.execute(
            f"CREATE INDEX {quote(documents.index_name(kind))} ON {table} USING gin ({column})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for kind, model in _vectors(apps):
        table = quote(model._meta.db_table)
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(documents.index_name(kind))}")
        schema_editor.execute(
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS {quote(documents.column_name(kind))}"
        )
        expression = documents.vector_sql(kind, model, schema_editor)
        schema_editor.execute(
            f"CREATE INDEX {quote(documents.index_name(kind))} ON {table} "
            f"USING gin (({expression}))"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
