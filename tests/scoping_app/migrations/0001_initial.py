"""The stand-in scoped models get a real migration so that, on PostgreSQL, their foreign keys
to organisations are created after the organisations table (an app without migrations is
created before any migration runs)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("orgs", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Unscoped",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("title", models.CharField(max_length=100)),
            ],
        ),
        migrations.CreateModel(
            name="Dossier",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("title", models.CharField(max_length=100)),
                ("owner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                            related_name="+", to="orgs.organisation")),
            ],
        ),
        migrations.CreateModel(
            name="DossierNote",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("text", models.CharField(max_length=100)),
                ("dossier", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              to="scoping_app.dossier")),
            ],
        ),
    ]
