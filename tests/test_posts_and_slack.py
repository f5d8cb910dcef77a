"""`warroom post`: public posts redacted and measured by the channel's rules; Slack's incoming
webhook adapter against a local server that answers like Slack (200 "ok", 429, 404)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from warroom.accounts.services import import_roster
from warroom.comms.models import Message
from warroom.comms.services import deliver
from warroom.incidents.services import assign_role
from warroom.lib.errors import Invalid
from warroom.playbooks.services import post_message

pytestmark = pytest.mark.django_db


class FakeSlack:
    """Speaks Slack's incoming-webhook answers: 200 "ok", 429 with Retry-After, 404 no_service."""

    def __init__(self):
        self.posts: list[dict] = []
        self.answers: list[tuple[int, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                assert self.headers["Content-Type"].startswith("application/json")
                fake.posts.append(body)
                code, text = fake.answers.pop(0) if fake.answers else (200, "ok")
                self.send_response(code)
                if code == 429:
                    self.send_header("Retry-After", "30")
                self.end_headers()
                self.wfile.write(text.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T000/B000/abc123"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def slack(settings):
    fake = FakeSlack()
    settings.SLACK_WEBHOOK_URL = fake.url
    yield fake
    fake.server.shutdown()


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
    assert slack.posts == [{"text": "Engineer 1 restarted db1; back soon.", "unfurl_links": False}]


def test_slack_rate_limit_is_retried_and_a_dead_hook_fails(commanded, responder, slack):
    slack.answers = [(429, "rate_limited"), (404, "no_service")]
    message = post_message(incident=commanded, channel="slack", text="Update.", by=responder)
    assert deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert "retry after 30" in message.last_error
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
