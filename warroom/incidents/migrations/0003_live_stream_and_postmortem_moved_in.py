"""The live stream (from playbooks) and the post-mortem (from the former postmortem app) are part
of the incident's record now: the public projection reads them with the rest of it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('playbooks', '0001_steps_pages_live_stream'),
        ('postmortem', '0001_postmortems_and_revisions'),
        ('incidents', '0002_status_postmortem'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist already: the models' state moves here, the database is left alone.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LiveStream',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('proposed', 'Proposed'), ('live', 'Live'), ('vetoed', 'Vetoed')], default='proposed', max_length=10)),
                        ('url', models.URLField(blank=True, max_length=500)),
                        ('reason', models.TextField(blank=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('incident', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='live_stream', to='incidents.incident')),
                    ],
                    options={'db_table': 'playbooks_livestream'},
                ),
                migrations.CreateModel(
                    name='PostMortem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('body', models.TextField()),
                        ('revision', models.PositiveIntegerField(default=1)),
                        ('created_at', models.DateTimeField()),
                        ('updated_at', models.DateTimeField()),
                        ('published_body', models.TextField(blank=True)),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('incident', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='postmortem', to='incidents.incident')),
                        ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={'db_table': 'postmortem_postmortem'},
                ),
                migrations.CreateModel(
                    name='PostMortemRevision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField()),
                        ('body', models.TextField()),
                        ('saved_at', models.DateTimeField()),
                        ('postmortem', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='incidents.postmortem')),
                        ('saved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'postmortem_postmortemrevision',
                        'ordering': ['postmortem', '-number'],
                        'constraints': [models.UniqueConstraint(fields=('postmortem', 'number'), name='one_revision_number_per_postmortem')],
                    },
                ),
            ],
        ),
        # Then the tables take this app's names.
        migrations.AlterModelTable(name='livestream', table=None),
        migrations.AlterModelTable(name='postmortem', table=None),
        migrations.AlterModelTable(name='postmortemrevision', table=None),
    ]
