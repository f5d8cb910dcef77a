"""The post-mortem moved to the incident's record (incidents 0003)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('postmortem', '0001_postmortems_and_revisions'),
        ('incidents', '0003_live_stream_and_postmortem_moved_in'),
    ]

    operations = [
        # State only: the tables now belong to the app that took the models over.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='PostMortemRevision'),
                migrations.DeleteModel(name='PostMortem'),
            ],
        ),
    ]
