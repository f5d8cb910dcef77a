"""Slack through an incoming webhook (WARROOM_SLACK_WEBHOOK_URL), with Slack's own client."""

from __future__ import annotations

from django.conf import settings
from slack_sdk.errors import SlackRequestError
from slack_sdk.webhook import WebhookClient

from warroom.comms.channels.base import ChannelError, Sent, retry_after
from warroom.comms.models import Message


class SlackChannel:
    name = "slack"

    def configured(self) -> tuple[bool, str]:
        if not settings.SLACK_WEBHOOK_URL:
            return (
                False,
                "set WARROOM_SLACK_WEBHOOK_URL to an incoming webhook URL of your workspace",
            )
        return True, "an incoming webhook"

    def reachable(self) -> tuple[bool, str]:
        return True, "checked per delivery (a test post would show in the channel)"

    def send(self, message: Message) -> Sent:
        client = WebhookClient(settings.SLACK_WEBHOOK_URL, timeout=10)
        try:
            response = client.send(text=message.body, unfurl_links=False)
        except (SlackRequestError, OSError) as exc:
            raise ChannelError(f"{type(exc).__name__}: {exc}") from None
        code = response.status_code
        if code == 200:
            return Sent(code="200")
        # Slack answers 429 with Retry-After when rate-limited; 5xx may pass; other 4xx
        # (invalid_token, channel_not_found, no_text) will not change by asking again.
        transient = code == 429 or code >= 500
        raise ChannelError(
            f"Slack answered {code}: {response.body}",
            permanent=not transient,
            code=str(code),
            retry_after=retry_after(response.headers),
        )


channel = SlackChannel()
