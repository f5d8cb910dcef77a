"""The Mastodon adapter (Mastodon.py) against a local server that answers as Mastodon does:
statuses with Idempotency-Key, the 429 with an ISO 8601 reset, refused tokens and posts."""

import socket
from datetime import timedelta

import pytest

from warroom.accounts.services import import_roster
from warroom.comms.channels import registry
from warroom.comms.models import Message
from warroom.comms.posts import post as post_message
from warroom.comms.services import deliver
from warroom.testing.fakes.mastodon import FakeMastodon

pytestmark = pytest.mark.django_db

channel = registry.get("mastodon")


@pytest.fixture
def mastodon(settings):
    with FakeMastodon() as fake:
        settings.MASTODON_URL = fake.url
        settings.MASTODON_ACCESS_TOKEN = fake.token
        settings.MASTODON_VISIBILITY = "unlisted"
        yield fake


@pytest.fixture
def commanded(incident):
    import_roster([{"name": "Marta Jansen", "username": "marta"}])
    return incident  # alice (the responder) commands it


def post(incident, responder, text="Update: fixed.") -> Message:
    return post_message(incident=incident, channel="mastodon", text=text, by=responder)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_post_goes_out_redacted_with_its_idempotency_key(commanded, responder, mastodon):
    message = post(commanded, responder, "Marta restarted db1; back soon.")
    assert deliver(message.pk) == "sent"
    assert mastodon.statuses == [
        {
            "id": "110000000000000001",
            "status": "Engineer 1 restarted db1; back soon.",
            "visibility": "unlisted",
            "authorization": f"Bearer {mastodon.token}",
            "idempotency_key": message.idempotency_key,
        }
    ]
    # One form-encoded request: no instance or version lookup before it.
    [request] = mastodon.requests
    assert (request.method, request.path) == ("POST", "/api/v1/statuses")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert message.attempts.get().code == "200"


def test_a_retry_after_a_lost_send_does_not_post_twice(commanded, responder, mastodon):
    message = post(commanded, responder)
    assert deliver(message.pk) == "sent"
    # The worker died before recording the outcome: the message is pending again.
    Message.objects.filter(pk=message.pk).update(state=Message.State.PENDING, sent_at=None)
    assert deliver(message.pk) == "sent"
    keys = [r.headers["idempotency-key"] for r in mastodon.calls("POST", "/api/v1/statuses")]
    assert keys == [message.idempotency_key] * 2
    assert len(mastodon.statuses) == 1
    message.refresh_from_db()
    assert channel.send(message).remote_id == mastodon.statuses[0]["id"]  # the same status


def test_a_rate_limit_waits_for_the_reset_then_sends(commanded, responder, mastodon):
    reset = mastodon.rate_limit(60)
    message = post(commanded, responder)
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert reset <= message.next_attempt_at <= reset + timedelta(seconds=3)
    assert "Mastodon answered 429: Too many requests" in message.last_error
    attempt = message.attempts.get()
    assert (attempt.code, attempt.permanent) == ("429", False)
    Message.objects.filter(pk=message.pk).update(lease_until=None)
    assert deliver(message.pk) == "sent"
    assert [s["status"] for s in mastodon.statuses] == ["Update: fixed."]


def test_a_refused_token_fails_at_once_and_says_what_to_check(
    commanded, responder, mastodon, settings
):
    settings.MASTODON_ACCESS_TOKEN = "revoked"
    message = post(commanded, responder)
    assert deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert "401: The access token is invalid" in message.last_error
    assert "WARROOM_MASTODON_ACCESS_TOKEN" in message.last_error
    assert message.attempts.get().permanent
    assert mastodon.statuses == []


def test_a_post_mastodon_refuses_fails_with_its_reason(commanded, responder, mastodon):
    message = post(commanded, responder)
    Message.objects.filter(pk=message.pk).update(body="x" * 501)  # past the composer's check
    assert deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert "422: Validation failed: Text character limit of 500 exceeded" in message.last_error
    assert message.attempts.get().code == "422"


def test_a_server_error_is_retried(commanded, responder, mastodon):
    mastodon.script((500, {}, {"error": "We're sorry, but something went wrong"}))
    message = post(commanded, responder)
    assert deliver(message.pk) == "retry"
    attempt = message.attempts.get()
    assert (attempt.code, attempt.permanent) == ("500", False)
    assert "something went wrong" in attempt.error


def test_a_server_that_does_not_answer_is_retried(commanded, responder, settings):
    settings.MASTODON_URL = f"http://127.0.0.1:{closed_port()}"
    settings.MASTODON_ACCESS_TOKEN = "token"
    message = post(commanded, responder)
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert f"cannot reach Mastodon at {settings.MASTODON_URL}" in message.last_error
    assert "Connection refused" in message.last_error
    assert not message.attempts.get().permanent


def test_configured_names_what_is_missing_and_checks_the_visibility(settings):
    settings.MASTODON_URL, settings.MASTODON_ACCESS_TOKEN = "", ""
    ok, detail = channel.configured()
    assert not ok
    assert "WARROOM_MASTODON_URL and WARROOM_MASTODON_ACCESS_TOKEN" in detail
    assert "write:statuses" in detail
    settings.MASTODON_ACCESS_TOKEN = "token"
    assert channel.configured() == (False, "set WARROOM_MASTODON_URL")
    settings.MASTODON_URL, settings.MASTODON_VISIBILITY = "https://mastodon.example", "followers"
    ok, detail = channel.configured()
    assert not ok and "WARROOM_MASTODON_VISIBILITY='followers'" in detail and "unlisted" in detail
    settings.MASTODON_VISIBILITY = "private"
    assert channel.configured() == (True, "posts to https://mastodon.example")
    assert "mastodon" not in registry.PLANNED


def test_reachable_names_the_account(mastodon, settings):
    assert channel.reachable() == (True, f"@status on {mastodon.url}")
    settings.MASTODON_ACCESS_TOKEN = "revoked"
    ok, detail = channel.reachable()
    assert not ok and "401" in detail and "WARROOM_MASTODON_ACCESS_TOKEN" in detail


def test_a_posting_only_token_is_reachable_without_naming_its_account(settings):
    with FakeMastodon(scopes=("write:statuses",)) as fake:
        settings.MASTODON_URL, settings.MASTODON_ACCESS_TOKEN = fake.url, fake.token
        ok, detail = channel.reachable()
    assert ok and "profile scope" in detail
