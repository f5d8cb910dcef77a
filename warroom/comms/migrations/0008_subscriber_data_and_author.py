"""Messages know their subscriber (the webhook channel signs with its secret), carry what a
channel needs besides the text, and who queued them. Messages to subscribers written before
this point are linked to them by their address."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def link_subscribers(apps, schema_editor):
    Message = apps.get_model("comms", "Message")
    Subscriber = apps.get_model("subscribers", "Subscriber")
    for subscriber in Subscriber.objects.iterator():
        Message.objects.filter(
            channel=subscriber.kind, recipient=subscriber.address, kind__in=["update", "subscription"]
        ).update(subscriber=subscriber)


class Migration(migrations.Migration):

    dependencies = [
        ('comms', '0007_message_group'),
        ('subscribers', '0002_subscriber_components'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='message',
            name='data',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name='message',
            name='subscriber',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='messages', to='subscribers.subscriber'),
        ),
        migrations.AlterField(
            model_name='message',
            name='kind',
            field=models.CharField(choices=[('announcement', 'Announcement'), ('page', 'Page'), ('reminder', 'Reminder'), ('briefing', 'Support briefing'), ('update', 'Status update to subscribers'), ('subscription', 'Subscription confirmation'), ('post', 'Post'), ('issue', 'Outage issue')], max_length=20),
        ),
        migrations.RunPython(link_subscribers, migrations.RunPython.noop),
    ]
