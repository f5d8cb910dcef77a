"""Subscribers: double opt-in, the webhook guard, fan-out of each status update through the
outbox, and webhook delivery to a local receiver that verifies the Standard Webhooks signature."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook

from warroom.comms.models import Message
from warroom.comms.worker import run_pending
from warroom.flows.status import change_status
from warroom.lib.errors import Invalid
from warroom.subscribers import services
from warroom.subscribers.models import Subscriber
from warroom.testing.factories import make_entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_the_test_connection")]


class Receiver:
    """A webhook receiver on loopback: answers with the codes in `answers`, then 204."""

    def __init__(self):
        self.requests: list[tuple[dict, str]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/status"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(settings):
    settings.ALLOW_PRIVATE_WEBHOOKS = True  # the receiver is on loopback
    r = Receiver()
    yield r
    r.server.shutdown()


def test_email_subscribers_confirm_first(db):
    subscriber = services.subscribe(address="Reader@Example.com")
    assert (subscriber.address, subscriber.confirmed) == ("reader@example.com", False)
    mail = Message.objects.get(kind=Message.Kind.SUBSCRIPTION)
    assert mail.recipient == "reader@example.com" and subscriber.confirm_token in mail.body
    assert services.confirm(subscriber.confirm_token).confirmed
    services.subscribe(address="reader@example.com")  # again: no second confirmation mail
    assert Message.objects.filter(kind=Message.Kind.SUBSCRIPTION).count() == 1


@pytest.mark.parametrize(
    "address, fragment",
    [
        ("not an address", "neither an e-mail"),
        ("http://127.0.0.1/x", "private"),
        ("http://10.0.0.5/x", "private"),
        ("http://169.254.169.254/latest", "private"),
        ("ftp://example.com/x", "neither"),
        ("https://u:p@example.com/x", "user name"),
    ],
)
def test_bad_or_private_addresses_are_refused(address, fragment):
    with pytest.raises(Invalid, match=fragment):
        services.subscribe(address=address)
    assert not Subscriber.objects.exists()


def test_every_status_update_fans_out_with_the_public_text_only(incident, responder, receiver):
    from warroom.accounts.services import import_roster

    import_roster([{"name": "Marta Jansen", "username": "marta"}])
    services.subscribe(address="reader@example.com", confirmed=True)
    hook = services.subscribe(address=receiver.url)
    services.subscribe(address="pending@example.com")  # unconfirmed: gets nothing
    make_entry(incident, "Customer ACME is the one affected", visibility="internal")
    change_status(
        incident=incident,
        status="identified",
        message="Marta found the cause: a full disk.",
        by=responder,
    )
    updates = Message.objects.filter(kind=Message.Kind.UPDATE)
    assert sorted(m.recipient for m in updates) == sorted(["reader@example.com", hook.address])
    for m in updates:
        assert (
            "Marta" not in m.body and "ACME" not in m.body and incident.war_room_url not in m.body
        )
        assert "full disk" in m.body and m.unsubscribe_url.endswith(
            "/unsubscribe/" + Subscriber.objects.get(address=m.recipient).unsubscribe_token
        )
    run_pending()
    headers, body = receiver.requests[0]
    payload = Webhook(hook.secret).verify(body, headers)  # raises if the signature is wrong
    assert payload["incident"]["status"] == "identified"
    # The page as a whole, as Statuspage states it: this incident's severity sets the indicator.
    assert (payload["page"]["status_indicator"], payload["page"]["status_description"]) == (
        "critical",
        "Major Service Outage",
    )
    assert payload["incident"]["incident_updates"][0]["body"].endswith(
        "found the cause: a full disk."
    )
    assert headers["webhook-id"] == updates.get(channel="webhook").idempotency_key


def test_a_receiver_that_fails_is_retried_and_one_that_is_gone_is_given_up(
    incident, responder, receiver
):
    services.subscribe(address=receiver.url)
    receiver.answers = [500, 410]
    change_status(
        incident=incident, status="monitoring", message="A fix is deployed.", by=responder
    )
    run_pending()
    message = Message.objects.get(kind=Message.Kind.UPDATE)
    assert message.state == Message.State.PENDING and "500" in message.last_error
    message.next_attempt_at = None
    from warroom.comms.services import deliver

    assert deliver(message.pk) == "failed"  # 410 Gone: asking again will not help
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert [a.code for a in message.attempts.all()] == ["500", "410"]


def test_a_webhook_guard_holds_at_send_time(incident, responder, receiver, settings):
    services.subscribe(address=receiver.url)
    settings.ALLOW_PRIVATE_WEBHOOKS = False  # e.g. DNS now points inside
    change_status(
        incident=incident, status="monitoring", message="A fix is deployed.", by=responder
    )
    run_pending()
    message = Message.objects.get(kind=Message.Kind.UPDATE)
    assert message.state == Message.State.FAILED and "private" in message.last_error
    assert receiver.requests == []


def test_unsubscribe_and_remove(db):
    subscriber = services.subscribe(address="reader@example.com", confirmed=True)
    assert services.unsubscribe(subscriber.unsubscribe_token) == "reader@example.com"
    assert not Subscriber.objects.exists()
    other = services.subscribe(address="other@example.com", confirmed=True)
    assert services.remove(other.pk) == "other@example.com"


def test_a_receiver_down_for_five_minutes_gets_everything_with_growing_waits(
    incident, responder, receiver
):
    """The receiver answers 500 for five minutes, then recovers: nothing is lost, and the waits
    between attempts grow (exponential backoff with jitter)."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    services.subscribe(address=receiver.url)
    receiver.answers = [500] * 100
    change_status(
        incident=incident, status="monitoring", message="A fix is deployed.", by=responder
    )
    message = Message.objects.get(kind=Message.Kind.UPDATE)
    start = timezone.now()
    for second in range(0, 20 * 60, 5):  # the worker looks every 5 s (backoff may wait minutes)
        if second >= 5 * 60:
            receiver.answers = []  # back up
        with time_machine.travel(start + timedelta(seconds=second)):
            run_pending()
        message.refresh_from_db()
        if message.state == Message.State.SENT:
            break
    assert message.state == Message.State.SENT
    starts = [a.started_at for a in message.attempts.all()]
    waits = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
    assert len(waits) >= 4 and waits[3] > waits[0] * 3  # 10, 20, 40, 80 s … ± jitter
    assert sum(1 for _, body in receiver.requests) == len(starts)  # one request per attempt


def test_outsiders_and_strangers_list_add_and_remove_no_subscriber(
    db, outsider_api, anonymous_api
):
    kept = services.subscribe(address="reader@example.com", confirmed=True)
    for client, status in ((outsider_api, 403), (anonymous_api, 401)):
        assert client.call("get", "/subscribers").status_code == status
        added = client.call("post", "/subscribers", {"address": "mallory@example.com"})
        assert added.status_code == status
        assert client.call("delete", f"/subscribers/{kept.pk}").status_code == status
    assert list(Subscriber.objects.values_list("address", flat=True)) == ["reader@example.com"]
    assert not Message.objects.filter(recipient="mallory@example.com").exists()
