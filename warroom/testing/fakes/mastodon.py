"""Mastodon's REST API as docs.joinmastodon.org describes it, for the two methods warroom calls.

- `POST /api/v1/statuses`, form-encoded (what Mastodon.py sends) or JSON, with `Authorization:
  Bearer`: 200 and a Status; 401 for a bad token, 403 without the write:statuses scope, 422 for
  a blank text or one over 500 characters (counted plainly here; Mastodon counts a URL as 23).
  An `Idempotency-Key` seen before answers the status it made, and posts nothing.
- `GET /api/v1/accounts/verify_credentials`: the Account; 403 without the profile, read or
  read:accounts scope.
- Every answer carries X-RateLimit-Limit/-Remaining/-Reset, the reset an ISO 8601 time;
  `rate_limit()` scripts the 429 Mastodon sends when the limit is hit.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from warroom.testing.fakeapi import FakeAPI, Request, route

OUT_OF_SCOPE = {"error": "This action is outside the authorized scopes"}


class FakeMastodon(FakeAPI):
    def __init__(
        self,
        *,
        token: str = "mastodon-test-token",
        scopes=("write:statuses", "profile"),
        username: str = "status",
    ):
        super().__init__()
        self.token, self.scopes = token, set(scopes)
        self.account = {"id": "109000000000000001", "username": username, "acct": username}
        self.profile_url = f"{self.url}/@{username}"
        # What was posted: {"id", "status", "visibility", "authorization", "idempotency_key"}
        self.statuses: list[dict] = []
        self._by_key: dict[str, dict] = {}

    def rate_limit(self, seconds: int = 60) -> datetime:
        """Answer the next request with Mastodon's 429; returns the reset time it names."""
        reset = datetime.now(UTC) + timedelta(seconds=seconds)
        self.script((429, _limits(0, reset), {"error": "Too many requests"}))
        return reset

    @route("POST", "/api/v1/statuses")
    def post_status(self, request: Request):
        if denied := self._denied(request, {"write", "write:statuses"}):
            return denied
        json_body = request.headers.get("content-type", "").startswith("application/json")
        params = request.json if json_body else request.form
        key = request.headers.get("idempotency-key")
        if key in self._by_key:
            return 200, _limits(), self._by_key[key]
        text = (params.get("status") or "").strip()
        if not text:
            return 422, _limits(), {"error": "Validation failed: Text can't be blank"}
        if len(text) > 500:
            error = "Validation failed: Text character limit of 500 exceeded"
            return 422, _limits(), {"error": error}
        status = self._status(text, params.get("visibility") or "public")
        self.statuses.append(
            {
                "id": status["id"],
                "status": text,
                "visibility": status["visibility"],
                "authorization": request.headers["authorization"],
                "idempotency_key": key,
            }
        )
        if key:
            self._by_key[key] = status
        return 200, _limits(), status

    @route("GET", "/api/v1/accounts/verify_credentials")
    def verify_credentials(self, request: Request):
        if denied := self._denied(request, {"profile", "read", "read:accounts"}):
            return denied
        return 200, _limits(), {**self.account, "url": self.profile_url}

    def _denied(self, request: Request, any_of: set[str]):
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return 401, _limits(), {"error": "The access token is invalid"}
        if not self.scopes & any_of:
            return 403, _limits(), OUT_OF_SCOPE
        return None

    def _status(self, text: str, visibility: str) -> dict:
        status_id = str(110000000000000001 + len(self.statuses))  # Mastodon's ids are strings
        return {
            "id": status_id,
            "created_at": _iso(datetime.now(UTC)),
            "content": "<p>" + html.escape(text).replace("\n", "<br />") + "</p>",
            "visibility": visibility,
            "url": f"{self.profile_url}/{status_id}",
            "uri": f"{self.url}/users/{self.account['username']}/statuses/{status_id}",
            "account": self.account,
        }


def _limits(remaining: int = 299, reset: datetime | None = None) -> dict[str, str]:
    """Mastodon's rate-limit headers: 300 calls per 5 minutes, reset as an ISO 8601 time."""
    reset = reset or datetime.now(UTC) + timedelta(minutes=5)
    return {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": _iso(reset),
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")
