"""The outbox against a real SMTP server on loopback (aiosmtpd): delivery, retries with backoff,
permanent failures that show on the incident, giving up, and recovery of lost deliveries."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from warroom.accounts.services import import_roster
from warroom.comms import services as outbox
from warroom.comms.models import DeliveryAttempt, Message
from warroom.comms.worker import run_pending
from warroom.flows.declare import declare
from warroom.testing.server import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_the_test_connection")]


@pytest.fixture
def paged(responder):
    import_roster(
        [
            {
                "name": "Marta Jansen",
                "username": "marta",
                "email": "marta@example.com",
                "team": "marketing",
            }
        ]
    )
    incident = declare(
        title="Checkout errors", severity="S1", declared_by=responder, commander="alice"
    )
    return incident.messages.get(kind=Message.Kind.PAGE)


def test_a_page_is_delivered_by_smtp_and_every_attempt_is_kept(smtp, paged):
    run_pending()
    paged.refresh_from_db()
    assert paged.state == Message.State.SENT and paged.sent_at is not None
    assert len(smtp.mails) == 1
    recipients, content = smtp.mails[0]
    assert recipients == ["marta@example.com"]
    assert "/ack/" in content and f"X-Warroom-Message: {paged.idempotency_key}" in content
    attempt = DeliveryAttempt.objects.get(message=paged)
    assert (attempt.number, attempt.ok, attempt.code) == (1, True, "250")


def test_delivering_twice_sends_once(smtp, paged):
    assert outbox.deliver(paged.pk) == "sent"
    assert outbox.deliver(paged.pk) == "nothing to do"
    assert len(smtp.mails) == 1


def test_a_server_that_is_down_is_retried_with_backoff_until_it_answers(smtp, paged, settings):
    smtp.busy = True
    run_pending()
    paged.refresh_from_db()
    assert paged.state == Message.State.PENDING
    assert "451" in paged.last_error
    first_retry = paged.next_attempt_at - timezone.now()
    assert timedelta(seconds=5) < first_retry < timedelta(seconds=15)  # 10 s ± jitter
    run_pending()  # not due yet: nothing happens
    assert paged.attempts.count() == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=16)):
        run_pending()
    paged.refresh_from_db()
    second_retry = paged.next_attempt_at - paged.attempts.last().started_at
    assert second_retry > timedelta(seconds=14)  # 20 s ± jitter: the wait doubles
    smtp.busy = False
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        run_pending()
    paged.refresh_from_db()
    assert paged.state == Message.State.SENT
    assert [a.ok for a in paged.attempts.all()] == [False, False, True]
    assert len(smtp.mails) == 1


def test_a_refused_address_fails_that_message_visibly(smtp, paged):
    smtp.refuse = True
    run_pending()
    paged.refresh_from_db()
    assert paged.state == Message.State.FAILED
    attempt = paged.attempts.get()
    assert attempt.permanent and attempt.code == "550"
    entry = paged.incident.entries.get(data__message=paged.pk)
    assert entry.visibility == "internal"
    assert "Delivery failed: page via email to marta@example.com" in entry.body


def test_giving_up_after_the_configured_time(smtp, paged, settings):
    smtp.busy = True
    settings.DELIVERY_GIVE_UP_SECONDS = 30
    run_pending()
    with time_machine.travel(timezone.now() + timedelta(seconds=25)):
        run_pending()
    paged.refresh_from_db()
    assert paged.state == Message.State.FAILED
    assert "after 2 attempts" in paged.incident.entries.get(data__message=paged.pk).body


def test_an_unconfigured_channel_fails_visibly_not_silently(responder, settings):
    settings.EMAIL_CONFIGURED = False
    import_roster(
        [
            {
                "name": "Marta Jansen",
                "username": "marta",
                "email": "marta@example.com",
                "team": "marketing",
            }
        ]
    )
    incident = declare(title="Checkout errors", severity="S1", declared_by=responder)
    run_pending()
    page = incident.messages.get(kind=Message.Kind.PAGE)
    assert page.state == Message.State.FAILED
    assert "not configured" in page.last_error and "EMAIL_URL" in page.last_error


def test_a_delivery_lost_with_its_worker_is_enqueued_again(smtp, paged):
    DBTaskResult.objects.all().delete()  # the worker died holding the task
    assert outbox.requeue_lost() == 0  # not overdue yet
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert outbox.requeue_lost() == 1
        run_pending()
    paged.refresh_from_db()
    assert paged.state == Message.State.SENT
    assert len(smtp.mails) == 1


def test_an_approved_announcement_goes_to_the_outbox(responder):
    from warroom.flows.messages import approve as approve_message

    incident = declare(
        title="Checkout errors", severity="S1", declared_by=responder, commander="alice"
    )
    announcement = incident.messages.filter(kind=Message.Kind.ANNOUNCEMENT).first()
    assert not DBTaskResult.objects.filter(args_kwargs__args=[announcement.pk]).exists()
    approve_message(message_id=announcement.pk, by=responder)
    announcement.refresh_from_db()
    assert announcement.state == Message.State.PENDING and announcement.next_attempt_at is not None


def test_channels_are_listed_with_their_state(smtp):
    from warroom.comms.channels.registry import status

    rows = {r["channel"]: r for r in status()}
    assert rows["email"]["configured"] and rows["email"]["reachable"]
    assert rows["mattermost"] == {
        "channel": "mattermost",
        "configured": False,
        "detail": "set WARROOM_MATTERMOST_WEBHOOK_URL to an incoming webhook URL",
        "reachable": None,
    }
    # The issue trackers are channels too: the outage issue is delivered like any message.
    assert set(rows) == {
        "email",
        "webhook",
        "slack",
        "mattermost",
        "x",
        "mastodon",
        "bluesky",
        "gitlab",
        "github",
    }


def test_an_unreachable_smtp_server_is_reported(settings):
    from warroom.comms.channels.registry import status

    settings.EMAIL_CONFIGURED = True
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_BACKEND = (
        "django.core.mail.backends.smtp.EmailBackend"  # tests default to locmem
    )
    email = next(r for r in status() if r["channel"] == "email")
    assert email["reachable"] is False and "refused" in email["reachability"].lower()


def test_a_worker_dying_mid_send_leaves_a_lease_that_expires(smtp, paged):
    from warroom.comms.delivery import _claim

    assert _claim([paged.pk])  # a worker claimed it, then was killed before sending
    assert outbox.deliver(paged.pk) == "nothing to do"  # its lease still holds
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert outbox.requeue_lost() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert outbox.requeue_lost() == 1
        run_pending()
    paged.refresh_from_db()
    assert paged.state == Message.State.SENT and paged.lease_until is None
    assert [a.ok for a in paged.attempts.all()] == [False, True]  # the lost try stays on record
    assert len(smtp.mails) == 1
