"""Fan-out in batches: one delivery task per BATCH messages, one SMTP connection per batch, one
HTTP pool per batch, and failures that stay with the message they belong to."""

import pytest
from django_tasks_db.models import DBTaskResult

from warroom.comms import services as outbox
from warroom.comms.models import DeliveryAttempt, Message
from warroom.comms.worker import run_pending
from warroom.flows.status import change_status
from warroom.subscribers.models import Subscriber
from warroom.testing.fakeapi import FakeAPI, route

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_the_test_connection")]


class Receivers(FakeAPI):
    """Many webhook receivers on one server: /hooks/N; those in `failing` answer 503."""

    failing: set[str] = set()

    @route("POST", "/hooks/{n}")
    def hook(self, request):
        if request.params["n"] in self.failing:
            return 503, {}, "down"
        return 204, {}, b""


def subscribers(count: int, address) -> list[Subscriber]:
    return Subscriber.objects.bulk_create(
        Subscriber(
            kind=Subscriber.Kind.WEBHOOK if "://" in address(0) else Subscriber.Kind.EMAIL,
            address=address(n),
            confirmed=True,
            secret="whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            unsubscribe_token=f"u{n}",
            confirm_token=f"c{n}",
        )
        for n in range(count)
    )


def update_tasks() -> int:
    return DBTaskResult.objects.filter(task_path="warroom.comms.tasks.deliver_batch").count()


def test_a_fan_out_goes_in_batches_over_one_smtp_connection_each(incident, responder, smtp):
    subscribers(outbox.BATCH * 2 + 50, lambda n: f"reader{n}@example.com")
    change_status(incident=incident, status="identified", message="A full disk.", by=responder)
    assert Message.objects.filter(kind=Message.Kind.UPDATE).count() == outbox.BATCH * 2 + 50
    assert update_tasks() == 3
    run_pending()
    assert smtp.received == outbox.BATCH * 2 + 50 and smtp.sessions == 3
    assert not Message.objects.filter(kind=Message.Kind.UPDATE).exclude(state="sent").exists()
    assert DeliveryAttempt.objects.filter(ok=True).count() == outbox.BATCH * 2 + 50


def test_fanning_out_the_same_update_twice_sends_once(incident, responder, smtp):
    subscribers(10, lambda n: f"reader{n}@example.com")
    change_status(incident=incident, status="identified", message="A full disk.", by=responder)
    entry = incident.entries.latest("id")
    from warroom.subscribers.services import fan_out

    assert fan_out(incident, entry) == 0  # every message exists already
    run_pending()
    assert smtp.received == 10


def test_a_refused_address_fails_alone_and_the_session_goes_on(incident, responder, smtp):
    subscribers(5, lambda n: "refused@example.com" if n == 2 else f"reader{n}@example.com")
    change_status(incident=incident, status="identified", message="A full disk.", by=responder)
    run_pending()
    states = dict(Message.objects.filter(kind="update").values_list("recipient", "state"))
    assert states.pop("refused@example.com") == "failed"
    assert set(states.values()) == {"sent"} and smtp.sessions == 1
    assert incident.entries.filter(body__contains="refused@example.com (550)").exists()


def test_a_server_gone_mid_batch_leaves_the_whole_batch_for_one_retry(
    incident, responder, settings
):
    from warroom.testing.server import free_port

    settings.EMAIL_CONFIGURED = True
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    subscribers(30, lambda n: f"reader{n}@example.com")
    change_status(incident=incident, status="identified", message="A full disk.", by=responder)
    run_pending()
    updates = Message.objects.filter(kind="update")
    assert set(updates.values_list("state", flat=True)) == {"pending"}
    assert "ConnectionRefusedError" in updates.first().last_error
    assert len(set(updates.values_list("next_attempt_at", flat=True))) == 1  # one retry time
    retries = DBTaskResult.objects.filter(
        task_path="warroom.comms.tasks.deliver_batch", status="READY"
    )
    assert retries.count() == 1 and len(retries.get().args_kwargs["args"][0]) == 30


def test_webhooks_go_through_a_pool_and_a_failing_receiver_retries_alone(
    incident, responder, settings
):
    settings.ALLOW_PRIVATE_WEBHOOKS = True
    with Receivers() as receivers:
        receivers.failing = {"7"}
        subscribers(40, lambda n: f"{receivers.url}/hooks/{n}")
        change_status(incident=incident, status="identified", message="A disk.", by=responder)
        run_pending()
    states = dict(Message.objects.filter(kind="update").values_list("recipient", "state"))
    assert states.pop(f"{receivers.url}/hooks/7") == "pending"
    assert set(states.values()) == {"sent"} and len(receivers.requests) == 40
    assert {r.headers["webhook-id"] for r in receivers.requests} == set(
        Message.objects.filter(kind="update").values_list("idempotency_key", flat=True)
    )


@pytest.fixture
def approved_updates(settings, tmp_path):
    """A playbook in which status updates to subscribers wait for the communications role."""
    book = tmp_path / "book.yaml"
    book.write_text(
        "name: careful\nversion: 1\napprovals:\n  updates: communications\nsteps:\n"
        "  - id: only\n    title: Do the thing\n    owner: commander\n"
        "    trigger: declare\n    done: manual\n"
    )
    settings.PLAYBOOK_PATH = str(book)


def test_a_playbook_can_hold_updates_for_approval_and_one_approval_sends_them_all(
    approved_updates, responder, smtp
):
    from warroom.comms.approvals import edit as edit_message
    from warroom.flows.declare import declare
    from warroom.flows.messages import approve as approve_message
    from warroom.lib.errors import Invalid

    incident = declare(title="Checkout", severity="S2", declared_by=responder, commander="alice")
    subscribers(outbox.BATCH + 5, lambda n: f"reader{n}@example.com")
    change_status(incident=incident, status="identified", message="A full disk.", by=responder)
    updates = Message.objects.filter(kind="update")
    assert set(updates.values_list("state", "approval_role")) == {
        ("awaiting_approval", "communications")
    }
    assert update_tasks() == 0
    with pytest.raises(Invalid, match="post a corrected status update"):
        edit_message(message_id=updates.first().pk, text="Other.", by=responder)
    approve_message(message_id=updates.last().pk, by=responder)  # alice commands
    assert set(updates.values_list("state", flat=True)) == {"pending"} and update_tasks() == 2
    run_pending()
    assert smtp.received == outbox.BATCH + 5
    assert incident.entries.filter(
        body=f"Status update to subscribers ({outbox.BATCH + 5} messages) approved."
    ).exists()


def test_rejecting_a_held_update_rejects_it_for_everyone(approved_updates, responder, smtp):
    from warroom.flows.declare import declare
    from warroom.flows.messages import reject as reject_message

    incident = declare(title="Checkout", severity="S2", declared_by=responder, commander="alice")
    subscribers(7, lambda n: f"reader{n}@example.com")
    change_status(incident=incident, status="identified", message="A full disk.", by=responder)
    reject_message(message_id=Message.objects.filter(kind="update").first().pk, by=responder)
    assert set(Message.objects.filter(kind="update").values_list("state", flat=True)) == {
        "rejected"
    }
    run_pending()
    assert smtp.received == 0


def test_the_cockpit_shows_a_fan_out_as_one_line_with_its_counts(incident, responder, smtp):
    from django.test import Client

    subscribers(30, lambda n: "refused@example.com" if n == 3 else f"reader{n}@example.com")
    change_status(incident=incident, status="identified", message="A full disk.", by=responder)
    run_pending()
    client = Client()
    client.force_login(responder)
    page = client.get(f"/dashboard/incidents/{incident.slug}/").content.decode()
    panel = page.split('id="messages"', 1)[1].split("</section>", 1)[0]
    assert "Status update to subscribers</strong>: 30 messages" in panel
    assert "29 sent" in panel and "1 failed" in panel
    assert "reader7@example.com" not in panel  # not one line per subscriber
