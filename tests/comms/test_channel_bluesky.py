"""The Bluesky adapter (the atproto SDK) against a local PDS that answers as Bluesky's does:
sessions, post records with link facets, a record key per message so a lost send is not posted
twice, the 429 with ratelimit-reset, refused passwords and posts."""

import socket
from datetime import UTC, datetime, timedelta

import pytest
from atproto_client.models.string_formats import TID_RE

from warroom.accounts.services import import_roster
from warroom.comms.channels import registry
from warroom.comms.channels.bluesky.channel import BlueskyChannel, tid
from warroom.comms.models import Message
from warroom.comms.posts import post as post_message
from warroom.comms.services import deliver
from warroom.testing.fakes.bluesky import FakeBluesky

pytestmark = pytest.mark.django_db

URL = "https://status.example.com/incidents/x"
SESSION = "/xrpc/com.atproto.server.createSession"
CREATE = "/xrpc/com.atproto.repo.createRecord"
MILLISECOND = timedelta(milliseconds=1)


@pytest.fixture
def channel(monkeypatch):
    """A channel without a session from another test: each test signs in to its own fake."""
    fresh = BlueskyChannel()
    monkeypatch.setitem(registry.CHANNELS, "bluesky", fresh)
    return fresh


@pytest.fixture
def bluesky(settings, channel):
    with FakeBluesky() as fake:
        settings.BLUESKY_SERVICE_URL = fake.url
        settings.BLUESKY_HANDLE = fake.handle
        settings.BLUESKY_APP_PASSWORD = fake.password
        yield fake


@pytest.fixture
def commanded(incident):
    import_roster([{"name": "Marta Jansen", "username": "marta"}])
    return incident  # alice (the responder) commands it


def post(incident, responder, text="Update: fixed.") -> Message:
    return post_message(incident=incident, channel="bluesky", text=text, by=responder)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def micros(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def again(message: Message) -> None:
    """Let the retry run now rather than at its time."""
    Message.objects.filter(pk=message.pk).update(lease_until=None)


def test_a_post_goes_out_redacted_with_a_link_facet_and_its_record_key(
    commanded, responder, bluesky
):
    message = post(commanded, responder, f"Marta restarted db1 — details: {URL} (soon)")
    assert deliver(message.pk) == "sent"
    [sent] = bluesky.posts
    record = sent["record"]
    assert record["text"] == f"Engineer 1 restarted db1 — details: {URL} (soon)"
    [facet] = record["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert record["text"].encode()[start:end].decode() == URL  # "—" is 3 bytes: not str offsets
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": URL}]
    created = datetime.fromisoformat(record["createdAt"])
    assert record["createdAt"].endswith("Z") and abs(created - message.created_at) < MILLISECOND
    [token] = bluesky.tokens  # the one session's
    assert sent["authorization"] == f"Bearer {token}"
    # The record key: a TID of the message's creation time and id, the same on every try.
    rkey = tid(micros(message.created_at), message.pk)
    assert sent["rkey"] == rkey and sent["uri"] == f"at://{bluesky.did}/app.bsky.feed.post/{rkey}"
    assert message.attempts.get().code == "200"


def test_a_lost_send_is_found_on_the_retry_and_not_posted_twice(
    commanded, responder, bluesky, channel
):
    message = post(commanded, responder)
    # The post went out, then the worker died before recording it: the message is pending.
    first = channel.send(message)
    assert deliver(message.pk) == "sent"
    assert len(bluesky.posts) == 1
    # The PDS refused the second record with the same key (a 500); the adapter found its post.
    assert [r.path for r in bluesky.requests][-2:] == [CREATE, "/xrpc/com.atproto.repo.getRecord"]
    assert first.remote_id == bluesky.posts[0]["uri"]
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts.get().ok


def test_one_session_serves_many_posts_and_an_expired_one_is_renewed(commanded, responder, bluesky):
    for text in ("First update.", "Second update."):
        assert deliver(post(commanded, responder, text).pk) == "sent"
    assert len(bluesky.calls("POST", SESSION)) == 1
    bluesky.expire_sessions()
    assert deliver(post(commanded, responder, "Third update.").pk) == "sent"
    assert len(bluesky.calls("POST", SESSION)) == 2
    assert [p["record"]["text"] for p in bluesky.posts][-1] == "Third update."


def test_tid_encoding():
    assert tid(0, 0) == "2222222222222"
    assert tid(1, 0) == "2222222222322"  # 1 µs is 1 << 10: the third character from the right
    assert tid(0, 1023) == "22222222222zz"
    assert tid(2**53 - 1, 1023) == "bzzzzzzzzzzzz"  # the top bit stays 0
    # As @atproto/common-web's TID.fromTime computes it (time and clock id encoded apart).
    at = micros(datetime(2025, 3, 14, 9, 30, 0, 123456, tzinfo=UTC))
    assert tid(at, 7) == "3lkdcelrq422b"
    later = [tid(at + delta, 1023 - delta % 1024) for delta in (0, 1, 1000, 10**6, 10**12)]
    assert later == sorted(later) and all(len(t) == 13 and TID_RE.match(t) for t in later)


def test_a_rate_limit_waits_for_the_reset_then_sends(commanded, responder, bluesky):
    assert deliver(post(commanded, responder, "First update.").pk) == "sent"
    message = post(commanded, responder, "Second update.")
    reset = datetime.fromtimestamp(bluesky.rate_limit(60), UTC)
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    # The retry is due at the reset, less the time the refused try took.
    assert message.next_attempt_at >= reset - timedelta(seconds=1)
    assert "rate-limited the post (429 RateLimitExceeded" in message.last_error
    assert message.attempts.get().code == "429"
    again(message)
    assert deliver(message.pk) == "sent"
    assert len(bluesky.posts) == 2


def test_a_wrong_app_password_fails_for_good_and_says_what_to_set(
    commanded, responder, bluesky, settings
):
    settings.BLUESKY_APP_PASSWORD = "not-the-app-password"
    message = post(commanded, responder)
    assert deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.attempts.get().permanent
    assert "401 AuthenticationRequired: Invalid identifier or password" in message.last_error
    assert "WARROOM_BLUESKY_HANDLE" in message.last_error
    assert "WARROOM_BLUESKY_APP_PASSWORD" in message.last_error
    assert bluesky.posts == []


def test_a_server_error_is_retried_and_does_not_pass_for_sent(commanded, responder, bluesky):
    assert deliver(post(commanded, responder, "First update.").pk) == "sent"
    message = post(commanded, responder, "Second update.")
    bluesky.script((500, {}, {"error": "InternalServerError", "message": "Internal Server Error"}))
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert "server error (500 InternalServerError" in message.last_error
    again(message)
    assert deliver(message.pk) == "sent"
    assert [p["record"]["text"] for p in bluesky.posts] == ["First update.", "Second update."]


def test_a_post_the_pds_refuses_fails_with_its_reason(commanded, responder, bluesky):
    message = post(commanded, responder)
    # Past the composer (it refuses this at post time), as a playbook's text might be.
    Message.objects.filter(pk=message.pk).update(body="é" * 301)
    assert deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.attempts.get().permanent and message.attempts.get().code == "400"
    assert "must not be longer than 300 graphemes" in message.last_error
    assert "change it and post it again" in message.last_error


def test_an_unreachable_server_is_retried_with_a_clear_error(
    commanded, responder, bluesky, settings
):
    settings.BLUESKY_SERVICE_URL = f"http://127.0.0.1:{closed_port()}"
    message = post(commanded, responder)
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.last_error.startswith(
        f"could not reach Bluesky at {settings.BLUESKY_SERVICE_URL} for the sign-in"
    )
    assert (
        "ConnectError" in message.last_error and "WARROOM_BLUESKY_SERVICE_URL" in message.last_error
    )
    assert not message.attempts.get().permanent


def test_configured_names_what_is_missing(channel, settings):
    settings.BLUESKY_HANDLE, settings.BLUESKY_APP_PASSWORD = "", ""
    ok, detail = channel.configured()
    assert not ok and "WARROOM_BLUESKY_HANDLE and WARROOM_BLUESKY_APP_PASSWORD" in detail
    settings.BLUESKY_HANDLE = "@status.example.com"
    ok, detail = channel.configured()
    assert not ok and "WARROOM_BLUESKY_HANDLE" not in detail and "APP_PASSWORD" in detail
    settings.BLUESKY_APP_PASSWORD = "abcd-efgh-ijkl-mnop"
    assert channel.configured() == (True, "posts as @status.example.com")


def test_reachable_signs_in_and_names_the_account(channel, bluesky, settings):
    assert channel.reachable() == (True, f"@{bluesky.handle} ({bluesky.did})")
    settings.BLUESKY_APP_PASSWORD = "wrong"
    ok, detail = channel.reachable()
    assert not ok and "Invalid identifier or password" in detail
