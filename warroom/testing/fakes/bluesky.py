"""A Bluesky PDS for tests: the XRPC endpoints warroom calls, answered as the reference PDS
(bluesky-social/atproto, packages/pds) answers them, errors included.

- com.atproto.server.createSession: a session for the handle (or DID) and app password.
- com.atproto.repo.createRecord: an app.bsky.feed.post in the account's repository, checked as
  the lexicon says. A record key already in use gets the reference PDS's answer: a 500
  (bluesky-social/atproto#4725; indigo#873 for the Go PDS).
- com.atproto.repo.getRecord: a record by repository, collection and key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time

import regex

from warroom.testing.fakeapi import FakeAPI, Request, route

_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
_MAX_GRAPHEMES = 300


class FakeBluesky(FakeAPI):
    def __init__(self, handle: str = "status.example.com", password: str = "abcd-efgh-ijkl-mnop"):
        super().__init__()
        self.handle, self.password = handle, password
        self.did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
        self.tokens: set[str] = set()  # access tokens that are good
        self.expired: set[str] = set()
        self.posts: list[dict] = []  # {"uri", "cid", "rkey", "record", "authorization"}

    def rate_limit(self, seconds: int = 60) -> int:
        """Refuse the next request as over the rate limit, as the PDS does; the reset time
        (epoch seconds) it announces."""
        reset = int(time.time()) + seconds
        headers = {
            "ratelimit-limit": "5000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(reset),
            "ratelimit-policy": "5000;w=3600",
        }
        self.script(
            (429, headers, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"})
        )
        return reset

    def expire_sessions(self) -> None:
        """Every access token issued so far has expired."""
        self.expired |= self.tokens
        self.tokens.clear()

    @route("POST", "/xrpc/com.atproto.server.createSession")
    def create_session(self, request: Request):
        body = request.json or {}
        identifier = str(body.get("identifier", "")).lower()
        if identifier not in (self.handle, self.did) or body.get("password") != self.password:
            return 401, {}, _error("AuthenticationRequired", "Invalid identifier or password")
        now = int(time.time())
        access = _jwt(
            {"scope": "com.atproto.appPass", "sub": self.did, "iat": now, "exp": now + 7200}
        )
        refresh = _jwt({"scope": "com.atproto.refresh", "sub": self.did, "exp": now + 90 * 86400})
        self.tokens.add(access)
        return (
            200,
            {},
            {
                "accessJwt": access,
                "refreshJwt": refresh,
                "handle": self.handle,
                "did": self.did,
                "active": True,
            },
        )

    @route("POST", "/xrpc/com.atproto.repo.createRecord")
    def create_record(self, request: Request):
        authorization = request.headers.get("authorization", "")
        token = authorization.removeprefix("Bearer ")
        if token in self.expired:
            return 400, {}, _error("ExpiredToken", "Token has expired")
        if not authorization.startswith("Bearer ") or token not in self.tokens:
            return 401, {}, _error("AuthenticationRequired", "Authentication Required")
        body = request.json or {}
        problem = self._invalid(body)
        if problem:
            return 400, {}, _error("InvalidRequest", problem)
        rkey = body["rkey"]
        if any(post["rkey"] == rkey for post in self.posts):
            return 500, {}, _error("InternalServerError", "Internal Server Error")
        raw = json.dumps(body["record"], sort_keys=True).encode()
        cid = "bafyrei" + base64.b32encode(hashlib.sha256(raw).digest()).decode().lower()[:52]
        uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
        self.posts.append(
            {
                "uri": uri,
                "cid": cid,
                "rkey": rkey,
                "record": body["record"],
                "authorization": authorization,
            }
        )
        return 200, {}, {"uri": uri, "cid": cid, "validationStatus": "valid"}

    @route("GET", "/xrpc/com.atproto.repo.getRecord")
    def get_record(self, request: Request):
        query = {name: values[-1] for name, values in request.query.items()}
        repo, collection, rkey = (query.get(k, "") for k in ("repo", "collection", "rkey"))
        uri = f"at://{self.did}/{collection}/{rkey}"
        for post in self.posts:
            if repo in (self.did, self.handle) and post["uri"] == uri:
                return 200, {}, {"uri": uri, "cid": post["cid"], "value": post["record"]}
        return 400, {}, _error("RecordNotFound", f"Could not locate record: {uri}")

    def _invalid(self, body: dict) -> str:
        """Why the PDS refuses this createRecord body; empty when it takes it."""
        record = body.get("record") or {}
        if body.get("repo") not in (self.did, self.handle):
            return f"Could not find repo: {body.get('repo')}"
        if body.get("collection") != "app.bsky.feed.post":
            return f"this fake PDS takes app.bsky.feed.post records, not {body.get('collection')}"
        if record.get("$type") != "app.bsky.feed.post":
            return f"Invalid $type: expected app.bsky.feed.post, got {record.get('$type')}"
        if not _TID.match(body.get("rkey") or ""):  # a real PDS makes one up; warroom sends one
            return "Invalid app.bsky.feed.post record key: must be a TID"
        text, post = record.get("text", ""), "Invalid app.bsky.feed.post record"
        if len(regex.findall(r"\X", text)) > _MAX_GRAPHEMES:
            return f"{post}: Record/text must not be longer than {_MAX_GRAPHEMES} graphemes"
        if not record.get("createdAt"):
            return f'{post}: Record must have the property "createdAt"'
        size = len(text.encode())
        for facet in record.get("facets") or []:
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            if not 0 <= start < end <= size:  # a fake's check: a real PDS stores it as given
                return f"{post}: facet bytes {start}-{end} are outside the {size}-byte text"
        return ""


def _error(name: str, message: str) -> dict:
    return {"error": name, "message": message}


def _jwt(claims: dict) -> str:
    """A token shaped like the PDS's (the SDK reads its expiry), signed with nothing."""
    header = {"typ": "at+jwt", "alg": "ES256K"}
    parts = [
        base64.urlsafe_b64encode(json.dumps(p).encode()).rstrip(b"=").decode()
        for p in (header, claims)
    ]
    return ".".join([*parts, secrets.token_urlsafe(32)])
