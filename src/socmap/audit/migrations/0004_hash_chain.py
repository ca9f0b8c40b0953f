"""Chain every audit event to the one before it by a SHA-256 hash (see socmap/audit/chain.py).

Existing events are chained in the order they were written (by id). The append-only triggers
are lifted for the length of this migration only, to fill the new columns, and put back by
0005 once the columns are unique.
"""

from django.db import migrations, models

from socmap.audit.migrations import _triggers


def chain_existing(apps, schema_editor):
    from socmap.audit import chain

    AuditEvent = apps.get_model("audit", "AuditEvent")
    previous = chain.GENESIS_HASH
    for sequence, event in enumerate(AuditEvent.objects.order_by("id").iterator(), start=1):
        event.sequence = sequence
        digest = chain.entry_hash(chain.fields_of(event), previous)
        AuditEvent.objects.filter(pk=event.pk).update(
            sequence=sequence, previous_hash=previous, entry_hash=digest
        )
        previous = digest


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [
        migrations.RunPython(_triggers.drop, _triggers.create),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
