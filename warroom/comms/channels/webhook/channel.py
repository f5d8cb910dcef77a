"""Webhooks: a JSON payload signed with the Standard Webhooks scheme (each subscriber has its
own secret), posted through the guarded outbound HTTP module."""

from __future__ import annotations

import httpx
from django.utils import timezone
from standardwebhooks import Webhook

from warroom.comms.channels.base import ChannelError, Sent
from warroom.comms.models import Message
from warroom.lib.http import UnsafeURL, check_public_url, post_json


class WebhookChannel:
    name = "webhook"

    def configured(self) -> tuple[bool, str]:
        return True, "each subscriber's URL, signed with its own secret (Standard Webhooks)"

    def reachable(self) -> tuple[bool, str]:
        return True, "checked per delivery"

    def send(self, message: Message) -> Sent:
        from warroom.subscribers.models import Subscriber

        subscriber = Subscriber.objects.filter(kind="webhook", address=message.recipient).first()
        if subscriber is None:
            raise ChannelError(f"{message.recipient} unsubscribed", permanent=True)
        now = timezone.now()
        signature = Webhook(subscriber.secret).sign(message.idempotency_key, now, message.body)
        headers = {
            "webhook-id": message.idempotency_key,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
            "User-Agent": "warroom-webhooks",
        }
        try:
            check_public_url(message.recipient)
            response = post_json(message.recipient, message.body, headers, user_supplied=True)
        except UnsafeURL as exc:
            raise ChannelError(str(exc), permanent=True) from None
        except httpx.HTTPError as exc:
            raise ChannelError(f"{type(exc).__name__}: {exc}") from None
        code = response.status_code
        if 200 <= code < 300:
            return Sent(code=str(code))
        # 408, 429 and 5xx may pass later; any other answer will not change by asking again.
        transient = code in (408, 429) or code >= 500
        raise ChannelError(f"the receiver answered {code}", permanent=not transient, code=str(code))


channel = WebhookChannel()
