from django.db import migrations

ROLES = {
    "analyst": "Maps threats and keeps their scores current; records disruptions.",
    "lro": "Lead Responsible Officer: owns a threat's 4P plan and its reviews.",
    "validator": "Independently checks and validates disruption claims and their impact grades.",
    "tasking_chair": "Chairs force or regional tasking: priorities, owners, adoption, archiving.",
    "performance_lead": "Produces disruption rates, rankings and compliance measures.",
    "offender_manager": "Manages convicted SOC offenders for life: orders, custody, release.",
    "partner": "A partner agency's officer: sees only what is shared with their organisation.",
    "inspector": "Reads everything in scope and changes nothing.",
    "administrator": "Manages users, teams and reference data for their organisation.",
}


def add_roles(apps, schema_editor):
    Role = apps.get_model("orgs", "Role")
    for code, description in ROLES.items():
        Role.objects.update_or_create(code=code, defaults={"description": description})


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
