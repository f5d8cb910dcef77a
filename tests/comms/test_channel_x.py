"""The X adapter (tweepy) against a local fake of X API v2: a post goes out redacted with
OAuth 1.0a user auth; rate limits wait for X's reset; refusals fail with what to fix; server
errors and a server that is down are retried."""

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from warroom.accounts.services import import_roster
from warroom.cli.main import cli
from warroom.comms.channels.x.channel import channel
from warroom.comms.posts import post as post_message
from warroom.comms.services import deliver
from warroom.testing.fakes.x import FakeX, oauth_params
from warroom.testing.server import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def x(settings):
    with FakeX() as fake:
        settings.X_CONSUMER_KEY = fake.consumer_key
        settings.X_CONSUMER_SECRET = "fake-consumer-secret"
        settings.X_ACCESS_TOKEN = fake.access_token
        settings.X_ACCESS_TOKEN_SECRET = "fake-access-token-secret"
        settings.X_API_URL = fake.url
        yield fake


@pytest.fixture
def commanded(incident):
    import_roster([{"name": "Marta Jansen", "username": "marta"}])
    return incident  # alice (the responder) commands it


def post(incident, by, text="Update: we are investigating."):
    return post_message(incident=incident, channel="x", text=text, by=by)


def retry_now(message):
    """Let the next deliver() claim it at once, as a worker would once it is due."""
    message.lease_until = None
    message.save()


def test_a_post_goes_to_x_redacted_with_user_auth(commanded, responder, x):
    message = post(commanded, responder, "Marta restarted db1; back soon.")
    assert deliver(message.pk) == "sent"
    assert [t["text"] for t in x.tweets] == ["Engineer 1 restarted db1; back soon."]
    (request,) = x.calls("POST", "/2/tweets")
    auth = oauth_params(request)
    assert (auth["oauth_consumer_key"], auth["oauth_token"]) == (
        "fake-consumer-key",
        "1-fake-access-token",
    )
    assert auth["oauth_signature_method"] == "HMAC-SHA1" and auth["oauth_signature"]
    assert [(a.ok, a.code) for a in message.attempts.all()] == [(True, "201")]


def test_a_rate_limit_waits_for_x_reset_then_sends(commanded, responder, x):
    reset = x.rate_limit(seconds=60)
    message = post(commanded, responder)
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.next_attempt_at >= datetime.fromtimestamp(reset, UTC)
    assert "X rate limit reached (429)" in message.last_error and x.tweets == []
    retry_now(message)
    assert deliver(message.pk) == "sent"
    assert [a.code for a in message.attempts.all()] == ["429", "201"]
    assert [t["text"] for t in x.tweets] == ["Update: we are investigating."]


def test_refused_credentials_fail_and_name_the_variables(commanded, responder, x, settings):
    settings.X_ACCESS_TOKEN = "1-revoked-token"
    message = post(commanded, responder)
    assert deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.last_error.startswith("X refused the credentials (401): Unauthorized — check")
    for name in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_TOKEN_SECRET"):
        assert f"WARROOM_X_{name}" in message.last_error
    attempt = message.attempts.get()
    assert (attempt.code, attempt.permanent) == ("401", True) and x.tweets == []


def test_a_duplicate_post_fails_with_x_reason(commanded, responder, x):
    assert deliver(post(commanded, responder).pk) == "sent"
    again = post(commanded, responder)
    assert deliver(again.pk) == "failed"
    again.refresh_from_db()
    assert "X forbade the request (403): You are not allowed to create a Tweet with duplicate" in (
        again.last_error
    )
    assert again.attempts.get().permanent and len(x.tweets) == 1


def test_a_server_error_is_retried(commanded, responder, x):
    x.script((503, {}, {"title": "Service Unavailable", "detail": "Service Unavailable"}))
    message = post(commanded, responder)
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.last_error.startswith("X had a server error (503): Service Unavailable")
    attempt = message.attempts.get()
    assert (attempt.code, attempt.permanent) == ("503", False)


def test_a_server_that_is_down_is_retried(commanded, responder, x, settings):
    settings.X_API_URL = f"http://127.0.0.1:{free_port()}"
    message = post(commanded, responder)
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.last_error.startswith(f"could not reach X at {settings.X_API_URL}: ")
    assert "refused" in message.last_error.lower() and not message.attempts.get().permanent


def test_configured_lists_what_is_missing(settings):
    settings.X_CONSUMER_KEY, settings.X_ACCESS_TOKEN = "key", "token"
    settings.X_CONSUMER_SECRET = settings.X_ACCESS_TOKEN_SECRET = ""
    configured, detail = channel.configured()
    assert not configured
    assert detail.startswith("set WARROOM_X_CONSUMER_SECRET, WARROOM_X_ACCESS_TOKEN_SECRET (")


def test_reachable_names_the_account_or_says_why_not(x, settings):
    assert channel.reachable() == (True, "@examplestatus")
    settings.X_CONSUMER_KEY = "another-app"
    reachable, why = channel.reachable()
    assert not reachable and why.startswith("X refused the credentials (401)")


def test_the_channels_command_shows_x_ready(x):
    result = CliRunner().invoke(cli, ["channels", "--json"])
    assert result.exit_code == 0, result.output
    row = next(r for r in json.loads(result.output) if r["channel"] == "x")
    assert row == {
        "channel": "x",
        "configured": True,
        "detail": "posts as the account of WARROOM_X_ACCESS_TOKEN",
        "reachable": True,
        "reachability": "@examplestatus",
    }
