"""Outage issues moved to the trackers app (trackers 0001)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0001_tracker_issues'),
        ('trackers', '0001_tracker_issues_moved_in'),
    ]

    operations = [
        # State only: the tables now belong to the app that took the models over.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='TrackerIssue'),
            ],
        ),
    ]
