from django.db import migrations

SEGMENTS = [
    ("self-managed", "Self-managed / on-premises", "Installations customers run themselves."),
    ("dedicated", "Dedicated hosted", "Single-tenant instances we host for a customer."),
    ("saas", "SaaS", "The shared service we run for everyone."),
]


def add(apps, schema_editor):
    Segment = apps.get_model("impact", "Segment")
    for position, (slug, name, description) in enumerate(SEGMENTS):
        Segment.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("impact", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
