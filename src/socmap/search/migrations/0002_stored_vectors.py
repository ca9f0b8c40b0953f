"""PostgreSQL: each searched vector becomes a stored generated column (``fts_<kind>``) of the
record's table with a GIN index on it, replacing the GIN expression index of 0001. Matching
used the expression index just as well; ranking did not: ``ts_rank`` over an expression parses
each matching record's text again, which at two million intelligence reports took seconds for
a common word. SQLite searches without vectors, so nothing changes there. A later migration
that changes a searched column drops and re-adds its vector around it (search/stored.py)."""

from django.db import migrations

from socmap.search import documents, stored


def restore_expression_indexes(apps, schema_editor):
    stored.drop_vectors(apps, schema_editor)
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for kind, (app_label, model_name, _) in documents.VECTORS.items():
        model = apps.get_model(app_label, model_name)
        expression = documents.vector_sql(kind, model, schema_editor)
        schema_editor.execute(
            f"CREATE INDEX {quote(documents.index_name(kind))} "
            f"ON {quote(model._meta.db_table)} USING gin (({expression}))"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_indexes")]

    operations = [migrations.RunPython(stored.add_vectors, restore_expression_indexes)]
