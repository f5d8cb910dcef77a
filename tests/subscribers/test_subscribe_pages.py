"""The public subscription pages: subscribe (e-mail or webhook, rate-limited), confirm,
unsubscribe (also one-click from mail clients), and the subscribe form on the public pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from warroom.comms.models import Message
from warroom.lib import ratelimit
from warroom.subscribers import services
from warroom.subscribers.models import Subscriber
from warroom.testing.factories import make_entry, make_incident

pytestmark = pytest.mark.django_db

NOON = datetime(2025, 3, 4, 12, 0, 10, tzinfo=UTC)


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def _subscribe(client: Client, address: str, **extra):
    return client.post("/subscribe", {"address": address}, **extra)


# ---- subscribing


def test_the_subscribe_page_explains_email_and_webhook_subscriptions(client):
    response = client.get("/subscribe")
    assertContains(response, 'name="address"')
    assertContains(response, "csrfmiddlewaretoken")
    for words in ("confirm the address", "Standard Webhooks", "webhook-signature", "shown once"):
        assertContains(response, words)


def test_the_public_form_fills_in_the_address_without_subscribing(client):
    response = client.get("/subscribe", {"address": "  ann@example.com "})
    assertContains(response, 'value="ann@example.com"')
    assert not Subscriber.objects.exists()


def test_subscribing_an_email_address_queues_a_confirmation_link(client):
    response = _subscribe(client, "Ann@Example.com")
    assertContains(response, "Check your inbox")
    subscriber = Subscriber.objects.get()
    assert (subscriber.kind, subscriber.address, subscriber.confirmed) == (
        "email",
        "ann@example.com",
        False,
    )
    message = Message.objects.get(kind=Message.Kind.SUBSCRIPTION)
    assert message.recipient == "ann@example.com"
    assert f"/subscribe/confirm/{subscriber.confirm_token}" in message.body


def test_the_answer_does_not_tell_whether_an_address_was_subscribed_before(client):
    first = _subscribe(client, "ann@example.com")
    services.confirm(Subscriber.objects.get().confirm_token)
    again = _subscribe(client, "ann@example.com")
    other = _subscribe(client, "bob@example.com")
    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    assert other.content == first.content.replace(b"ann@example.com", b"bob@example.com")


def test_a_bad_address_is_refused_with_the_reason_and_kept_in_the_form(client):
    response = _subscribe(client, "not an address")
    assertContains(response, "neither an e-mail address nor an http(s) URL", status_code=422)
    assertContains(response, 'value="not an address"', status_code=422)
    assertContains(response, 'aria-invalid="true"', status_code=422)
    assert not Subscriber.objects.exists()


def test_an_address_over_500_characters_is_refused(client):
    response = _subscribe(client, "a" * 490 + "@example.com")
    assertContains(response, "at most 500", status_code=422)
    assert not Subscriber.objects.exists()


def test_a_private_webhook_url_is_refused_without_telling_what_it_resolves_to(client):
    response = _subscribe(client, "http://127.0.0.1/x")
    assertContains(response, "public internet", status_code=422)
    assertContains(response, 'value="http://127.0.0.1/x"', status_code=422)
    assertNotContains(response, "resolves", status_code=422)
    assert not Subscriber.objects.exists()


def test_a_webhook_gets_its_signing_secret_and_unsubscribe_link_once(client, settings):
    settings.ALLOW_PRIVATE_WEBHOOKS = True
    response = _subscribe(client, "http://127.0.0.1/x")
    subscriber = Subscriber.objects.get()
    assert (subscriber.kind, subscriber.confirmed) == ("webhook", True)
    assertContains(response, subscriber.secret)
    assertContains(response, f"/unsubscribe/{subscriber.unsubscribe_token}")
    for header in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        assertContains(response, header)
    assert "no-store" in response["Cache-Control"]
    assert not Message.objects.exists()  # nothing to confirm

    # Anyone may type a known URL: they must not get its secret or its unsubscribe link.
    again = _subscribe(client, "http://127.0.0.1/x")
    assertContains(again, "not shown again")
    assertNotContains(again, subscriber.secret)
    assertNotContains(again, subscriber.unsubscribe_token)


# ---- confirming


def test_the_confirmation_link_subscribes_and_can_be_opened_again(client):
    _subscribe(client, "ann@example.com")
    subscriber = Subscriber.objects.get()
    for _ in range(2):
        response = client.get(f"/subscribe/confirm/{subscriber.confirm_token}")
        assertContains(response, "You are subscribed")
        assertContains(response, "ann@example.com")
        assertContains(response, f"/unsubscribe/{subscriber.unsubscribe_token}")
    subscriber.refresh_from_db()
    assert subscriber.confirmed


def test_a_bad_confirmation_link_is_404(client):
    response = client.get("/subscribe/confirm/not-a-token")
    assertContains(response, "This link is not valid", status_code=404)


# ---- unsubscribing


@pytest.fixture
def subscriber(db) -> Subscriber:
    return services.subscribe(address="ann@example.com", confirmed=True)


def test_the_unsubscribe_link_asks_first_and_changes_nothing(client, subscriber):
    response = client.get(f"/unsubscribe/{subscriber.unsubscribe_token}")
    assertContains(response, "Unsubscribe?")
    assertContains(response, "ann@example.com")
    assertContains(response, '<button type="submit"')
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_unsubscribing_removes_and_a_second_post_still_succeeds(client, subscriber):
    url = f"/unsubscribe/{subscriber.unsubscribe_token}"
    assertContains(client.post(url), "You are unsubscribed")
    assert not Subscriber.objects.exists()
    assertContains(client.post(url), "Already unsubscribed")
    assertContains(client.get(url), "Already unsubscribed", status_code=404)


def test_the_one_click_unsubscribe_of_mail_clients_needs_no_csrf_token(subscriber):
    mail_client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    response = mail_client.post(
        f"/unsubscribe/{subscriber.unsubscribe_token}", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()


def test_subscribing_still_needs_a_csrf_token():
    response = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True).post(
        "/subscribe", {"address": "ann@example.com"}
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


# ---- rate limits


def test_a_client_is_refused_after_5_attempts_a_minute(client):
    with time_machine.travel(NOON, tick=False):
        for n in range(5):
            assert _subscribe(client, f"u{n}@example.com").status_code == 200
        refused = _subscribe(client, "u5@example.com")
        assertContains(refused, "Too many attempts", status_code=429)
        assert refused["Retry-After"] == "50"
        assert not Subscriber.objects.filter(address="u5@example.com").exists()
        other = _subscribe(client, "u5@example.com", REMOTE_ADDR="192.0.2.7")
        assert other.status_code == 200
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        assert _subscribe(client, "u6@example.com").status_code == 200


def test_a_client_is_refused_after_30_attempts_an_hour(client):
    for minute in range(6):
        with time_machine.travel(NOON + timedelta(minutes=minute), tick=False):
            for _ in range(5):
                assert _subscribe(client, "nope").status_code == 422  # refusals count too
    with time_machine.travel(NOON + timedelta(minutes=6), tick=False):
        refused = _subscribe(client, "ann@example.com")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(3600 - 6 * 60 - 10)


def test_ipv6_clients_count_by_their_64(client):
    with time_machine.travel(NOON, tick=False):
        for n in range(5):
            _subscribe(client, "nope", REMOTE_ADDR=f"2001:db8:1:2::{n + 1}")
        assert _subscribe(client, "nope", REMOTE_ADDR="2001:db8:1:2::99").status_code == 429
        assert _subscribe(client, "nope", REMOTE_ADDR="2001:db8:1:3::1").status_code == 422


def test_hit_counts_each_key_and_window_apart():
    with time_machine.travel(NOON, tick=False):
        assert [ratelimit.hit("k", limit=2, per_seconds=60) for _ in range(3)] == [
            True,
            True,
            False,
        ]
        assert ratelimit.hit("other", limit=2, per_seconds=60)
        assert ratelimit.retry_after(60) == 50
    with time_machine.travel(NOON + timedelta(seconds=50), tick=False):
        assert ratelimit.hit("k", limit=2, per_seconds=60)


# ---- the public pages and what these pages never show


def _outside_live_parts(html: str) -> str:
    for start, end in (('data-live="head"', "</header>"), ('data-live="timeline"', "</ol>")):
        if start in html:
            head, rest = html.split(start, 1)
            html = head + rest.split(end, 1)[1]
    return html


def test_the_public_pages_offer_a_subscribe_form_outside_the_live_parts(client, responder):
    incident = make_incident(by=responder)
    for url in ("/", incident.public_path):
        html = client.get(url).content.decode()
        form = f'<form method="get" action="{settings.PUBLIC_URL}/subscribe">'
        assert form in html
        assert form in _outside_live_parts(html)


def test_these_pages_show_no_internal_data(client, responder):
    incident = make_incident(by=responder)
    make_entry(incident, "Alice thinks the SAN firmware is to blame", visibility="internal")
    known = services.subscribe(address="zed@example.com", confirmed=True)
    inbox = _subscribe(client, "ann@example.com")
    ann = Subscriber.objects.get(address="ann@example.com")
    assert ann.unsubscribe_token not in inbox.content.decode()
    pages = [
        inbox,
        client.get("/subscribe"),
        _subscribe(client, "bad address"),
        client.get(f"/subscribe/confirm/{ann.confirm_token}"),
        client.get(f"/unsubscribe/{ann.unsubscribe_token}"),
        client.post(f"/unsubscribe/{ann.unsubscribe_token}"),
    ]
    for response in pages:
        body = response.content.decode()
        for secret in (ann.secret, known.address, known.confirm_token, known.unsubscribe_token):
            assert secret not in body
        assert ann.confirm_token not in body  # the confirmation link only ever goes by mail
        assert "SAN firmware" not in body
        assert "alice" not in body.lower()
