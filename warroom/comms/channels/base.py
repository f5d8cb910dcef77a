"""The one interface every channel adapter implements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

from warroom.comms.models import Message


class ChannelError(Exception):
    """A delivery that did not happen. `permanent`: retrying cannot help (a refused address, a
    revoked token); otherwise the dispatcher retries with backoff, and not before `retry_after`
    seconds when the other side said how long to wait (a rate limit)."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        code: str = "",
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code  # a response code, when the other side gave one
        self.retry_after = retry_after


@dataclass(frozen=True)
class Sent:
    """What the other side answered: a response code and an id, when it gave them."""

    code: str = ""
    remote_id: str = ""


class Channel(Protocol):
    """A channel may also have `send_many(messages)`, yielding `(Sent | ChannelError, when)` for
    each message in order as it goes, when one connection can carry many (SMTP, an HTTP pool);
    the outbox uses it for batches."""

    name: str
    public: bool  # a public channel (X, Mastodon …) takes posts; the others, messages to someone

    def configured(self) -> tuple[bool, str]:
        """(True, where it sends) or (False, what to set to configure it)."""

    def reachable(self) -> tuple[bool, str]:
        """Whether the other side answers now, and what it said."""

    def send(self, message: Message) -> Sent:
        """Deliver one message or raise ChannelError."""


def retry_after(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date, RFC 9110), or from
    a rate-limit reset time in epoch seconds (X-RateLimit-Reset / ratelimit-reset)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    now = now or datetime.now(UTC)
    value = (lowered.get("retry-after") or "").strip()
    if value:
        if value.isdigit():
            return float(value)
        try:
            return max((parsedate_to_datetime(value) - now).total_seconds(), 0.0)
        except (TypeError, ValueError):
            return None
    for name in ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"):
        reset = (lowered.get(name) or "").strip()
        if reset.isdigit():
            # Most APIs send the reset as epoch seconds; some (Mattermost) as seconds from now.
            seconds = float(reset)
            return max(seconds - now.timestamp(), 0.0) if seconds > 1e9 else seconds
    return None
