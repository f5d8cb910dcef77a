"""Webhooks: a JSON payload signed with the Standard Webhooks scheme (each subscriber has its
own secret), posted through the guarded outbound HTTP module."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.utils import timezone
from standardwebhooks import Webhook

from warroom.comms.channels.base import ChannelError, Sent, retry_after
from warroom.comms.models import Message
from warroom.lib import http


class WebhookChannel:
    name = "webhook"
    public = False  # messages to addresses, never posts

    def configured(self) -> tuple[bool, str]:
        return True, "each subscriber's URL, signed with its own secret (Standard Webhooks)"

    def reachable(self) -> tuple[bool, str]:
        return True, "checked per delivery"

    def send(self, message: Message) -> Sent:
        ((result, _),) = self.send_many([message])
        if isinstance(result, ChannelError):
            raise result
        return result

    def send_many(self, messages: list[Message]) -> Iterator[tuple[Sent | ChannelError, datetime]]:
        """Several at a time (receivers are slow, not busy); the results in order, as they
        come. Each is signed with its subscriber's secret (the outbox reads the subscribers
        with the messages)."""

        def one(message: Message) -> tuple[Sent | ChannelError, datetime]:
            subscriber = message.subscriber
            result: Sent | ChannelError
            try:
                result = _post(message, subscriber.secret if subscriber else None)
            except ChannelError as exc:
                result = exc
            return result, timezone.now()

        yield from _threads().map(one, messages)


@functools.cache
def _threads() -> ThreadPoolExecutor:
    """Requests in flight at once, per process (made on first use, so after any fork)."""
    return ThreadPoolExecutor(max_workers=16, thread_name_prefix="webhooks")


def _post(message: Message, secret: str | None) -> Sent:
    if secret is None:
        raise ChannelError(f"{message.recipient} unsubscribed", permanent=True)
    now = timezone.now()
    signature = Webhook(secret).sign(message.idempotency_key, now, message.body)
    headers = {
        "webhook-id": message.idempotency_key,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "User-Agent": "warroom-webhooks",
    }
    try:
        response = http.post_json(message.recipient, message.body, headers, user_supplied=True)
    except http.UnsafeURL as exc:
        raise ChannelError(str(exc), permanent=True) from None
    except http.Unreachable as exc:
        raise ChannelError(str(exc)) from None
    code = response.status_code
    if 200 <= code < 300:
        return Sent(code=str(code))
    # 408, 429 and 5xx may pass later; any other answer will not change by asking again.
    raise ChannelError(
        f"the receiver answered {code}",
        permanent=not (code in (408, 429) or code >= 500),
        code=str(code),
        retry_after=retry_after(response.headers),
    )


channel = WebhookChannel()
