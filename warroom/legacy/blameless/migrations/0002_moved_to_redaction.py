"""Stand-ins and corrections moved to the redaction app (redaction 0001)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('blameless', '0001_pseudonyms_and_corrections'),
        ('redaction', '0001_pseudonyms_and_corrections_moved_in'),
    ]

    operations = [
        # State only: the tables now belong to the app that took the models over.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Pseudonym'),
                migrations.DeleteModel(name='Correction'),
            ],
        ),
    ]
