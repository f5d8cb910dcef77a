"""`warroom post`: public posts redacted and measured by the channel's rules; the Slack (incoming
webhook and chat.postMessage) and Mattermost adapters against local servers that answer like
Slack and Mattermost, rate limits and dead hooks included."""

from datetime import timedelta

import pytest

from warroom.accounts.services import import_roster
from warroom.comms.models import Message
from warroom.comms.posts import post as post_message
from warroom.comms.services import deliver
from warroom.flows.roles import assign_role
from warroom.lib.errors import Invalid
from warroom.testing.fakes.mattermost import FakeMattermost
from warroom.testing.fakes.slack import FakeSlack

pytestmark = pytest.mark.django_db


@pytest.fixture
def slack(settings):
    with FakeSlack() as fake:
        settings.SLACK_WEBHOOK_URL = fake.webhook_url
        yield fake


@pytest.fixture
def slack_bot(settings, slack):
    settings.SLACK_BOT_TOKEN, settings.SLACK_CHANNEL = slack.token, "#incidents"
    settings.SLACK_API_URL = slack.api_url
    return slack


@pytest.fixture
def mattermost(settings):
    with FakeMattermost() as fake:
        settings.MATTERMOST_WEBHOOK_URL = fake.webhook_url
        yield fake


@pytest.fixture
def commanded(incident):
    import_roster([{"name": "Marta Jansen", "username": "marta"}])
    return incident  # alice (the responder) commands it


def test_a_post_is_redacted_and_goes_to_slack(commanded, responder, slack):
    message = post_message(
        incident=commanded, channel="slack", text="Marta restarted db1; back soon.", by=responder
    )
    assert message.state == Message.State.PENDING and message.public
    assert message.body == "Engineer 1 restarted db1; back soon."
    assert deliver(message.pk) == "sent"
    assert slack.hook_posts == [
        {"text": "Engineer 1 restarted db1; back soon.", "unfurl_links": False}
    ]


def test_slack_rate_limit_is_retried_no_sooner_than_asked_and_a_dead_hook_fails(
    commanded, responder, slack
):
    slack.rate_limit(seconds=300)
    slack.script((404, {}, "no_service"))
    message = post_message(incident=commanded, channel="slack", text="Update.", by=responder)
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert "retry after 300 s" in message.last_error
    waited = message.next_attempt_at - message.attempts.get().started_at
    assert waited >= timedelta(seconds=300)  # not the 10 s of the first backoff step
    message.lease_until = None
    message.save()
    assert deliver(message.pk) == "failed"
    assert [a.code for a in message.attempts.all()] == ["429", "404"]


def test_posts_are_measured_by_the_channel_rules(commanded, responder):
    with pytest.raises(Invalid, match="of 280 weighted characters on X"):
        post_message(incident=commanded, channel="x", text="x" * 281, by=responder)
    ok = post_message(
        incident=commanded,
        channel="x",
        text="Follow along: https://status.example.com/" + "a" * 300,
        by=responder,
    )
    assert ok.state == Message.State.PENDING  # the URL counts 23
    with pytest.raises(Invalid, match="unknown channel"):
        post_message(incident=commanded, channel="myspace", text="hi", by=responder)


def test_a_post_by_someone_without_a_posting_role_waits_for_approval(commanded, owner):
    owner.is_superuser = False
    message = post_message(incident=commanded, channel="mastodon", text="Update.", by=owner)
    assert (message.state, message.approval_role) == (
        Message.State.AWAITING_APPROVAL,
        "communications",
    )
    assign_role(incident=commanded, role="marketing", username="owner", by=owner)  # G13
    assert (
        post_message(incident=commanded, channel="mastodon", text="Update.", by=owner).state
        == Message.State.PENDING
    )


def test_unconfigured_slack_fails_visibly(commanded, responder, settings):
    settings.SLACK_WEBHOOK_URL = ""
    message = post_message(incident=commanded, channel="slack", text="Update.", by=responder)
    assert deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert "WARROOM_SLACK_WEBHOOK_URL" in message.last_error


def test_post_through_the_api(commanded, api):
    response = api.call(
        "post",
        f"/incidents/{commanded.slug}/posts",
        {"channel": "bluesky", "text": "Update: fixed."},
    )
    assert response.status_code == 201 and response.json()["body"] == "Update: fixed."
    too_long = api.call(
        "post", f"/incidents/{commanded.slug}/posts", {"channel": "bluesky", "text": "é" * 301}
    )
    assert too_long.status_code == 422 and "301 of 300" in too_long.json()["detail"]


def test_chat_post_message_with_a_bot_token(commanded, responder, slack_bot):
    message = post_message(incident=commanded, channel="slack", text="Fixed.", by=responder)
    assert deliver(message.pk) == "sent"
    (call,) = slack_bot.calls("POST", "/api/chat.postMessage")
    assert call.headers["authorization"] == "Bearer xoxb-test-token"
    assert slack_bot.messages == [
        {"channel": "#incidents", "text": "Fixed.", "unfurl_links": False}
    ]
    assert slack_bot.hook_posts == []  # the bot token wins over the webhook


@pytest.mark.parametrize(
    "setting, value, hint",
    [
        ("SLACK_BOT_TOKEN", "xoxb-revoked", "check WARROOM_SLACK_BOT_TOKEN"),
        ("SLACK_CHANNEL", "#nowhere", "check WARROOM_SLACK_CHANNEL"),
    ],
)
def test_chat_post_message_refusals_fail_at_once_with_a_hint(
    commanded, responder, slack_bot, settings, setting, value, hint
):
    setattr(settings, setting, value)
    message = post_message(incident=commanded, channel="slack", text="Fixed.", by=responder)
    assert deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert hint in message.last_error and message.attempts.get().permanent


def test_chat_post_message_rate_limit_waits(commanded, responder, slack_bot):
    slack_bot.rate_limit(seconds=45)
    message = post_message(incident=commanded, channel="slack", text="Fixed.", by=responder)
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.attempts.get().code == "429" and "ratelimited" in message.last_error
    assert message.next_attempt_at - message.attempts.get().started_at >= timedelta(seconds=45)
    message.lease_until = None
    message.save()
    assert deliver(message.pk) == "sent"


def test_slack_reachability_signs_in_with_the_bot(slack_bot, settings):
    from warroom.comms.channels.slack.channel import channel

    assert channel.reachable() == (True, "signed in as warroom in Example")
    settings.SLACK_BOT_TOKEN = "xoxb-wrong"
    ok, why = channel.reachable()
    assert not ok and "invalid_auth" in why


def test_mattermost_post_rate_limit_and_dead_hook(commanded, responder, mattermost, settings):
    message = post_message(incident=commanded, channel="mattermost", text="Fixed.", by=responder)
    assert deliver(message.pk) == "sent"
    assert mattermost.posts == [{"text": "Fixed.", "username": "warroom"}]

    mattermost.rate_limit(seconds=20)
    again = post_message(incident=commanded, channel="mattermost", text="Still.", by=responder)
    assert deliver(again.pk) == "retry"
    again.refresh_from_db()
    assert again.next_attempt_at - again.attempts.get().started_at >= timedelta(seconds=20)

    settings.MATTERMOST_WEBHOOK_URL = mattermost.url + "/hooks/deleted"
    dead = post_message(incident=commanded, channel="mattermost", text="Gone.", by=responder)
    assert deliver(dead.pk) == "failed"
    dead.refresh_from_db()
    assert dead.last_error == "Mattermost answered 400: Invalid webhook."


def test_edit_then_approve_from_the_cli_and_the_api(commanded, owner, responder, api):
    owner.is_superuser = False
    message = post_message(incident=commanded, channel="x", text="Update.", by=owner)
    edited = api.call("patch", f"/messages/{message.pk}", {"text": "Update: fixed at 10:40."})
    assert edited.status_code == 200 and edited.json()["body"] == "Update: fixed at 10:40."
    approved = api.call("post", f"/messages/{message.pk}/approve", {})
    assert approved.json()["state"] == "pending"
    again = api.call("patch", f"/messages/{message.pk}", {"text": "Too late."})
    assert again.status_code == 422 and "not awaiting approval" in again.json()["detail"]
