"""Where each incident's outage issue lives, from the former records app."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('records', '0001_tracker_issues'),
        ('incidents', '0003_live_stream_and_postmortem_moved_in'),
    ]

    operations = [
        # The tables exist already: the models' state moves here, the database is left alone.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TrackerIssue',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tracker', models.CharField(choices=[('gitlab', 'GitLab'), ('github', 'GitHub')], max_length=10)),
                        ('project', models.CharField(max_length=300)),
                        ('number', models.PositiveIntegerField()),
                        ('url', models.URLField(max_length=500)),
                        ('labels', models.JSONField(blank=True, default=list)),
                        ('exported_at', models.DateTimeField()),
                        ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tracker_issues', to='incidents.incident')),
                    ],
                    options={
                        'db_table': 'records_trackerissue',
                        'ordering': ['exported_at', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('incident', 'tracker', 'project'), name='one_issue_per_tracker_project')],
                    },
                ),
            ],
        ),
        # Then the tables take this app's names.
        migrations.AlterModelTable(name='trackerissue', table=None),
    ]
