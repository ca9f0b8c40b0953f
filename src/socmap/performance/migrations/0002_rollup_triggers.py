"""Triggers that keep the disruption rollup in step with every write to the disruptions, and
the rollup filled from the disruptions already there."""

from django.db import migrations

from socmap.performance import rollup


def forwards(apps, schema_editor):
    rollup.install(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        rollup.fill(cursor)


def backwards(apps, schema_editor):
    rollup.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0001_initial"),
        ("disruptions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
