"""The chain columns become unique, and the append-only triggers of 0003 are put back."""

from django.db import migrations, models

from socmap.audit.migrations import _triggers


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_hash_chain")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(
                unique=True,
                help_text="Position in the hash chain, from 1, in the order of commits.",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
        migrations.RunPython(_triggers.create, _triggers.drop),
    ]
