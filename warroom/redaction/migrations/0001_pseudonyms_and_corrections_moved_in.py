"""Stand-ins and corrections, from the former blameless app, beside the redactor."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('blameless', '0001_pseudonyms_and_corrections'),
        ('incidents', '0003_live_stream_and_postmortem_moved_in'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist already: the models' state moves here, the database is left alone.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Correction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.CharField(max_length=200)),
                        ('kind', models.CharField(choices=[('not_a_name', 'Not a name'), ('name', 'A name')], max_length=12)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='incidents.incident')),
                    ],
                    options={
                        'db_table': 'blameless_correction',
                        'ordering': ['id'],
                        'constraints': [models.UniqueConstraint(fields=('incident', 'text', 'kind'), name='one_correction_per_text')],
                    },
                ),
                migrations.CreateModel(
                    name='Pseudonym',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=300)),
                        ('standin', models.CharField(max_length=100)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pseudonyms', to='incidents.incident')),
                    ],
                    options={
                        'db_table': 'blameless_pseudonym',
                        'ordering': ['id'],
                        'constraints': [models.UniqueConstraint(fields=('incident', 'key'), name='one_standin_per_person')],
                    },
                ),
            ],
        ),
        # Then the tables take this app's names.
        migrations.AlterModelTable(name='correction', table=None),
        migrations.AlterModelTable(name='pseudonym', table=None),
    ]
