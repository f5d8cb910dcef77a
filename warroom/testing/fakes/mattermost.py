"""Mattermost's incoming webhook as documented: `POST /hooks/{id}` with a JSON body that has
`text`; 200 "ok", or an AppError {"id", "message", "status_code"} with 400 for an unknown hook
or a missing text; rate limits are 429 with X-Ratelimit-Reset in seconds from now."""

from __future__ import annotations

from warroom.testing.fakeapi import FakeAPI, Request, route

HOOK_ID = "xxxgeneratedkeyxxx"


def _app_error(code: int, error_id: str, message: str):
    return code, {}, {"id": error_id, "message": message, "detailed_error": "", "status_code": code}


class FakeMattermost(FakeAPI):
    def __init__(self):
        super().__init__()
        self.posts: list[dict] = []

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/hooks/{HOOK_ID}"

    def rate_limit(self, seconds: int = 20) -> None:
        self.script(
            (
                429,
                {
                    "X-Ratelimit-Limit": "10",
                    "X-Ratelimit-Remaining": "0",
                    "X-Ratelimit-Reset": str(seconds),
                },
                {
                    "id": "api.context.rate_limit",
                    "message": "rate limit exceeded",
                    "status_code": 429,
                },
            )
        )

    @route("POST", "/hooks/{hook}")
    def incoming_webhook(self, request: Request):
        if request.params["hook"] != HOOK_ID:
            return _app_error(400, "web.incoming_webhook.invalid.app_error", "Invalid webhook.")
        body = request.json if request.body else None
        if not isinstance(body, dict) or not body.get("text"):
            return _app_error(400, "web.incoming_webhook.text.app_error", "No text specified.")
        self.posts.append(body)
        return 200, {}, "ok"
