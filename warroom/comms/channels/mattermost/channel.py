"""Mattermost through an incoming webhook (WARROOM_MATTERMOST_WEBHOOK_URL). Mattermost has no
well-kept Python client for webhooks; the webhook is one documented JSON POST."""

from __future__ import annotations

import json

from django.conf import settings

from warroom.comms.channels.base import ChannelError, Sent, retry_after
from warroom.comms.models import Message
from warroom.lib.http import Response, Unreachable, post_json


class MattermostChannel:
    name = "mattermost"
    public = True  # people post to it by hand (G6, G13)

    def configured(self) -> tuple[bool, str]:
        if not settings.MATTERMOST_WEBHOOK_URL:
            return False, "set WARROOM_MATTERMOST_WEBHOOK_URL to an incoming webhook URL"
        return True, "an incoming webhook"

    def reachable(self) -> tuple[bool, str]:
        return True, "checked per delivery (a test post would show in the channel)"

    def send(self, message: Message) -> Sent:
        body = json.dumps({"text": message.body, "username": "warroom"})
        try:
            response = post_json(settings.MATTERMOST_WEBHOOK_URL, body, {}, user_supplied=False)
        except Unreachable as exc:
            raise ChannelError(str(exc)) from None
        code = response.status_code
        if code == 200:
            return Sent(code="200")
        raise ChannelError(
            f"Mattermost answered {code}: {_reason(response)}",
            permanent=code not in (408, 429) and code < 500,
            code=str(code),
            retry_after=retry_after(response.headers),
        )


def _reason(response: Response) -> str:
    """Mattermost explains errors as {"id", "message", "status_code", …}."""
    try:
        return response.json()["message"]
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


channel = MattermostChannel()
