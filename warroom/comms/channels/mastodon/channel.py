"""Mastodon: public posts as statuses of one account (WARROOM_MASTODON_URL and
WARROOM_MASTODON_ACCESS_TOKEN), with Mastodon.py."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from mastodon import Mastodon
from mastodon.errors import MastodonError, MastodonNetworkError, MastodonRatelimitError

from warroom.comms.channels.base import ChannelError, Sent, retry_after
from warroom.comms.models import Message

VISIBILITIES = ("public", "unlisted", "private", "direct")
TOKEN_HINT = "check WARROOM_MASTODON_ACCESS_TOKEN and its write:statuses scope"
HINTS = {401: TOKEN_HINT, 403: TOKEN_HINT, 404: "check WARROOM_MASTODON_URL"}


class _Session(requests.Session):
    """Keeps the last response: Mastodon.py's MastodonRatelimitError carries no headers."""

    last: requests.Response | None = None

    def request(self, *args, **kwargs):
        self.last = super().request(*args, **kwargs)
        return self.last


class MastodonChannel:
    name = "mastodon"
    public = True  # people post to it by hand (G6, G13)

    def configured(self) -> tuple[bool, str]:
        missing = []
        if not settings.MASTODON_URL:
            missing.append("WARROOM_MASTODON_URL")
        if not settings.MASTODON_ACCESS_TOKEN:
            missing.append("WARROOM_MASTODON_ACCESS_TOKEN (a token with the write:statuses scope)")
        if missing:
            return False, f"set {' and '.join(missing)}"
        if settings.MASTODON_VISIBILITY not in VISIBILITIES:
            return False, (
                f"WARROOM_MASTODON_VISIBILITY={settings.MASTODON_VISIBILITY!r} must be one of "
                f"{', '.join(VISIBILITIES)}"
            )
        return True, f"posts to {settings.MASTODON_URL}"

    def reachable(self) -> tuple[bool, str]:
        api, session = _client()
        try:
            account = api.account_verify_credentials()
        except MastodonError as exc:
            error = _error(exc, session.last)
            if error.code == "403" and "outside the authorized scopes" in error.message:
                # Reading the account needs the profile (or read:accounts) scope, which posting
                # does not: this 403 still says the server is up and the token valid.
                return True, "the token is valid, without the profile scope to name its account"
            return False, error.message
        return True, f"@{account['acct']} on {settings.MASTODON_URL}"

    def send(self, message: Message) -> Sent:
        api, session = _client()
        try:
            # Mastodon keeps an Idempotency-Key for an hour and answers it again with the status
            # it made: a worker killed after the post went out retries with the message's key
            # and gets that status back instead of posting a duplicate.
            status = api.status_post(
                message.body,
                visibility=settings.MASTODON_VISIBILITY,
                idempotency_key=message.idempotency_key,
            )
        except MastodonError as exc:
            raise _error(exc, session.last) from None
        answer = session.last
        assert answer is not None  # status_post made its request through the session
        return Sent(code=str(answer.status_code), remote_id=str(status["id"]))


def _client() -> tuple[Mastodon, _Session]:
    session = _Session()
    api = Mastodon(
        access_token=settings.MASTODON_ACCESS_TOKEN,
        api_base_url=settings.MASTODON_URL,
        session=session,
        request_timeout=10,
        ratelimit_method="throw",  # the outbox waits and retries, never a worker asleep
        version_check_mode="none",  # no /api/v1/instance request before every post
    )
    return api, session


def _error(exc: MastodonError, response: requests.Response | None) -> ChannelError:
    if isinstance(exc, MastodonNetworkError) or response is None:
        return ChannelError(f"cannot reach Mastodon at {settings.MASTODON_URL}: {exc}")
    code = response.status_code
    text = f"Mastodon answered {code}: {_error_text(response)}"
    if code in HINTS:
        text += f"; {HINTS[code]}"
    # A rate limit or a server error passes; a refused token or post (401, 403, 422) does not.
    limited = isinstance(exc, MastodonRatelimitError) or code == 429
    return ChannelError(
        text,
        permanent=not (limited or code >= 500),
        code=str(code),
        # Mastodon sends X-RateLimit-Reset on every answer: a wait only when rate-limited.
        retry_after=_wait(response.headers) if limited else None,
    )


def _error_text(response: requests.Response) -> str:
    try:
        return str(response.json()["error"])
    except (ValueError, KeyError, TypeError):
        return response.reason or response.text[:200]


def _wait(headers: Mapping[str, str]) -> float | None:
    """Seconds until Mastodon takes posts again: Retry-After (a proxy's) or an epoch reset, as
    base.retry_after reads them, else X-RateLimit-Reset, an ISO 8601 time on Mastodon, counted
    from the server's Date so that a skewed clock here does not matter."""
    seconds = retry_after(headers)
    if seconds is not None or "X-RateLimit-Reset" not in headers:
        return seconds
    try:
        reset = datetime.fromisoformat(headers["X-RateLimit-Reset"])
        now = parsedate_to_datetime(headers["Date"]) if "Date" in headers else datetime.now(UTC)
        # Whole seconds, rounded up: Date is truncated to the second.
        return float(max(math.ceil((reset - now).total_seconds()), 0))
    except (TypeError, ValueError):
        return None


channel = MastodonChannel()
