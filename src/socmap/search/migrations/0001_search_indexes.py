"""Full-text (GIN over tsvector expressions) and trigram (GIN, gin_trgm_ops) indexes on the
searched records' own tables, on PostgreSQL only; SQLite searches without them.

The indexes are built from the very expressions the search query uses (search/documents.py),
so the two cannot drift apart. They live on other apps' tables but belong to search: this
migration creates them and removes them when it is reversed."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from socmap.search import documents


def _indexes(apps):
    for kind, (app_label, model_name, _) in documents.VECTORS.items():
        model = apps.get_model(app_label, model_name)
        yield model, GinIndex(documents.vector_for(kind), name=documents.index_name(kind))
    for app_label, model_name, field in documents.TRIGRAM_FIELDS:
        model = apps.get_model(app_label, model_name)
        yield model, GinIndex(
            fields=[field],
            opclasses=["gin_trgm_ops"],
            name=documents.trigram_index_name(model_name, field),
        )


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("threats", "0001_initial"),
        ("people", "0001_initial"),
        ("plans", "0001_initial"),
        ("disruptions", "0001_initial"),
        ("intel", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
