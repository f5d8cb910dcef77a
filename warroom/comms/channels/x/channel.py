"""X (Twitter): posts through API v2 (POST /2/tweets) with tweepy, as the account of an
OAuth 1.0a access token of an X app that has read and write permission."""

from __future__ import annotations

from typing import Any

import requests
import tweepy
from django.conf import settings

from warroom.comms.channels.base import ChannelError, Sent, retry_after
from warroom.comms.models import Message

TWEEPY_HOST = "https://api.twitter.com"
KEYS = {
    "WARROOM_X_CONSUMER_KEY": "X_CONSUMER_KEY",
    "WARROOM_X_CONSUMER_SECRET": "X_CONSUMER_SECRET",
    "WARROOM_X_ACCESS_TOKEN": "X_ACCESS_TOKEN",
    "WARROOM_X_ACCESS_TOKEN_SECRET": "X_ACCESS_TOKEN_SECRET",
}
# Answers that asking again cannot change: what X said, and what to do about it.
REFUSALS = {
    400: ("X rejected the post", "change the post and send it again"),
    401: (
        "X refused the credentials",
        f"check {', '.join(KEYS)} (regenerate them in the X developer portal if revoked)",
    ),
    403: (
        "X forbade the request",
        "a duplicate of an earlier post must be reworded; otherwise give the X app read and "
        "write permission, then regenerate the access token and its secret",
    ),
}


class _Session(requests.Session):
    """tweepy's Client.request hard-codes https://api.twitter.com, so its session sends to
    WARROOM_X_API_URL instead (a proxy, or a local fake in tests); and requests waits forever
    unless given a timeout."""

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if isinstance(url, str) and url.startswith(TWEEPY_HOST):
            url = settings.X_API_URL + url[len(TWEEPY_HOST) :]
        kwargs.setdefault("timeout", 10)
        return super().request(method, url, *args, **kwargs)


def _client() -> tweepy.Client:
    client = tweepy.Client(
        consumer_key=settings.X_CONSUMER_KEY,
        consumer_secret=settings.X_CONSUMER_SECRET,
        access_token=settings.X_ACCESS_TOKEN,
        access_token_secret=settings.X_ACCESS_TOKEN_SECRET,
        wait_on_rate_limit=False,  # the outbox waits, without holding a worker
    )
    client.session = _Session()
    return client


def _error(exc: tweepy.HTTPException | requests.RequestException) -> ChannelError:
    """What went wrong, what to do, and whether asking again can help."""
    if isinstance(exc, requests.RequestException):
        return ChannelError(f"could not reach X at {settings.X_API_URL}: {exc}")
    response = exc.response
    code = response.status_code
    detail = "; ".join(map(str, exc.api_messages)) or response.reason
    if code == 429:
        return ChannelError(
            f"X rate limit reached (429): {detail}",
            code="429",
            retry_after=retry_after(response.headers),
        )
    if code >= 500:
        return ChannelError(f"X had a server error ({code}): {detail}", code=str(code))
    what, hint = REFUSALS.get(
        code, ("X answered", f"check WARROOM_X_API_URL ({settings.X_API_URL})")
    )
    return ChannelError(f"{what} ({code}): {detail} — {hint}", permanent=True, code=str(code))


class XChannel:
    name = "x"
    public = True  # people post to it by hand (G6, G13)

    def configured(self) -> tuple[bool, str]:
        missing = [name for name, setting in KEYS.items() if not getattr(settings, setting)]
        if missing:
            return (
                False,
                f"set {', '.join(missing)} (the keys of an X app with read and write "
                "permission, and the access token of the account to post as)",
            )
        return True, "posts as the account of WARROOM_X_ACCESS_TOKEN"

    def reachable(self) -> tuple[bool, str]:
        try:
            user = _client().get_me(user_auth=True).data
        except (tweepy.HTTPException, requests.RequestException) as exc:
            return False, _error(exc).message
        return True, f"@{user.username}"

    def send(self, message: Message) -> Sent:
        try:
            response = _client().create_tweet(text=message.body, user_auth=True)
        except (tweepy.HTTPException, requests.RequestException) as exc:
            raise _error(exc) from None
        return Sent(code="201", remote_id=str(response.data["id"]))


channel = XChannel()
