"""Slack as its documentation describes it, for the incoming webhook and the two Web API methods
warroom calls.

- Incoming webhook, `POST /services/T…/B…/secret` with a JSON body: 200 "ok"; 400 "no_text" or
  "invalid_payload"; 404 "no_service" for an unknown hook.
- Web API, `POST /api/chat.postMessage` and `POST /api/auth.test` with `Authorization: Bearer`:
  always HTTP 200 with {"ok": true, …} or {"ok": false, "error": "…"} (invalid_auth,
  channel_not_found, no_text); rate limits are HTTP 429 with Retry-After.
"""

from __future__ import annotations

import time

from warroom.testing.fakeapi import FakeAPI, Request, route

HOOK_PATH = "/services/T0001/B0001/hooksecret"


class FakeSlack(FakeAPI):
    def __init__(self, *, token: str = "xoxb-test-token", channels=("#incidents",)):
        super().__init__()
        self.token = token
        self.channels = set(channels)
        self.hook_posts: list[dict] = []
        self.messages: list[dict] = []

    @property
    def webhook_url(self) -> str:
        return self.url + HOOK_PATH

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    def rate_limit(self, seconds: int = 30) -> None:
        self.script((429, {"Retry-After": str(seconds)}, {"ok": False, "error": "ratelimited"}))

    @route("POST", "/services/{team}/{bot}/{secret}")
    def incoming_webhook(self, request: Request):
        if request.path != HOOK_PATH:
            return 404, {}, "no_service"
        if not request.headers.get("content-type", "").startswith("application/json"):
            return 400, {}, "invalid_payload"
        body = request.json
        if not isinstance(body, dict) or not body.get("text"):
            return 400, {}, "no_text"
        self.hook_posts.append(body)
        return 200, {}, "ok"

    @route("POST", "/api/auth.test")
    def auth_test(self, request: Request):
        if not self._authorised(request):
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        return 200, {}, {"ok": True, "team": "Example", "user": "warroom", "user_id": "U0001"}

    @route("POST", "/api/chat.postMessage")
    def post_message(self, request: Request):
        if not self._authorised(request):
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        body = request.json if "json" in request.headers.get("content-type", "") else request.form
        if body.get("channel") not in self.channels:
            return 200, {}, {"ok": False, "error": "channel_not_found"}
        if not body.get("text"):
            return 200, {}, {"ok": False, "error": "no_text"}
        self.messages.append(body)
        ts = f"{time.time():.6f}"
        return (
            200,
            {},
            {"ok": True, "channel": "C0001", "ts": ts, "message": {"text": body["text"]}},
        )

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"
