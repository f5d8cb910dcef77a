"""X API v2 as documented, for the two endpoints warroom calls, with OAuth 1.0a user context.

- `POST /2/tweets` with a JSON body {"text": …}: 201 {"data": {"id", "text"}}; 400 "Invalid
  Request" for a missing or empty text; 403 for a text this account already posted.
- `GET /2/users/me`: 200 {"data": {"id", "name", "username"}}.
- Both answer 401 unless `Authorization: OAuth …` carries this app's consumer key and this
  account's access token. The signature must be present but is not verified: checking it would
  test oauthlib, not warroom, and key and token are what a misconfiguration gets wrong.
- Rate limits are 429 with x-rate-limit-reset in epoch seconds (`rate_limit()`).
"""

from __future__ import annotations

import re
import time
from urllib.parse import unquote

from warroom.testing.fakeapi import Answer, FakeAPI, Request, route

UNAUTHORIZED: Answer = (
    401,
    {},
    {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
)
DUPLICATE: Answer = (
    403,
    {},
    {
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
    },
)


def oauth_params(request: Request) -> dict[str, str]:
    """The oauth_* parameters of an `Authorization: OAuth k="v", …` header (RFC 5849 3.5.1)."""
    header = request.headers.get("authorization", "")
    if not header.startswith("OAuth "):
        return {}
    return {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', header)}


def _invalid(message: str, parameters: dict):
    return (
        400,
        {},
        {
            "errors": [{"parameters": parameters, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
    )


class FakeX(FakeAPI):
    def __init__(self, *, consumer_key="fake-consumer-key", access_token="1-fake-access-token"):
        super().__init__()
        self.consumer_key, self.access_token = consumer_key, access_token
        self.user = {"id": "1", "name": "Example Status", "username": "examplestatus"}
        self.tweets: list[dict] = []

    def rate_limit(self, seconds: int = 60) -> int:
        """The next request gets a 429; returns the reset time (epoch seconds)."""
        reset = int(time.time()) + seconds
        headers = {
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        }
        body = {
            "title": "Too Many Requests",
            "detail": "Too Many Requests",
            "type": "about:blank",
            "status": 429,
        }
        self.script((429, headers, body))
        return reset

    def _authorized(self, request: Request) -> bool:
        params = oauth_params(request)
        return (
            params.get("oauth_consumer_key") == self.consumer_key
            and params.get("oauth_token") == self.access_token
            and bool(params.get("oauth_signature"))
        )

    @route("POST", "/2/tweets")
    def create_tweet(self, request: Request):
        if not self._authorized(request):
            return UNAUTHORIZED
        if not request.headers.get("content-type", "").startswith("application/json"):
            return _invalid("Requests with bodies must have content-type of application/json.", {})
        try:
            body = request.json
        except ValueError:
            return _invalid("The request body is not valid JSON.", {})
        text = body.get("text") if isinstance(body, dict) else None
        if not text:
            return _invalid("Tweet text must not be empty.", {"text": [text or ""]})
        if any(tweet["text"] == text for tweet in self.tweets):
            return DUPLICATE
        tweet = {"id": str(1_800_000_000_000_000_000 + len(self.tweets)), "text": text}
        self.tweets.append(tweet)
        return 201, {}, {"data": tweet}

    @route("GET", "/2/users/me")
    def me(self, request: Request):
        if not self._authorized(request):
            return UNAUTHORIZED
        return 200, {}, {"data": self.user}
