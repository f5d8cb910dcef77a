"""The live stream is part of the incident's record now (incidents 0003)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('playbooks', '0001_steps_pages_live_stream'),
        ('incidents', '0003_live_stream_and_postmortem_moved_in'),
    ]

    operations = [
        # State only: the tables now belong to the app that took the models over.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='LiveStream'),
            ],
        ),
    ]
