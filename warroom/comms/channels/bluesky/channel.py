"""Bluesky: a post (an app.bsky.feed.post record) created in the account's repository on its PDS
with the atproto SDK, signed in with an app password (WARROOM_BLUESKY_HANDLE and
WARROOM_BLUESKY_APP_PASSWORD, on WARROOM_BLUESKY_SERVICE_URL).

Each post has a record key derived from its message, so a send that went out but was not
recorded (a worker killed after the post) is found on the retry and not posted twice."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from atproto import Client, Request, Session, models
from atproto.exceptions import AtProtocolError, NetworkError, RequestErrorBase
from django.conf import settings

from warroom.comms.channels.base import ChannelError, Sent, retry_after
from warroom.comms.composer import compose
from warroom.comms.models import Message

POST = "app.bsky.feed.post"
_S32 = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable: the order of TIDs is their time's
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CREDENTIALS = (
    "check WARROOM_BLUESKY_HANDLE and WARROOM_BLUESKY_APP_PASSWORD (an app password of that "
    "account, from bsky.app: Settings → Privacy and security → App passwords)"
)
_CHANGE_IT = "as it is, it would be refused again: change it and post it again"


def tid(micros: int, clock_id: int) -> str:
    """An AT Protocol TID: 64 bits (top bit 0, 53 bits of microseconds since the epoch, 10 bits
    of clock id) in 13 base32-sortable characters."""
    value = (micros & (2**53 - 1)) << 10 | clock_id & 1023
    return "".join(_S32[value >> shift & 31] for shift in range(60, -1, -5))


def record_key(message: Message) -> str:
    """The same TID for every try of one message: its creation time and its id."""
    return tid((message.created_at - _EPOCH) // timedelta(microseconds=1), message.pk)


@dataclass(frozen=True)
class _Login:
    settings: tuple[str, str, str]  # service URL, handle, app password it was made with
    client: Client
    did: str
    handle: str


class BlueskyChannel:
    name = "bluesky"
    public = True  # people post to it by hand (G6, G13)

    def __init__(self):
        # One session per process, shared by threads: createSession is rate-limited per account
        # (30 per 5 minutes), so signing in for every post would soon be refused.
        self._lock = threading.Lock()
        self._login: _Login | None = None

    def configured(self) -> tuple[bool, str]:
        missing = [
            name
            for name, value in (
                ("WARROOM_BLUESKY_HANDLE", settings.BLUESKY_HANDLE),
                ("WARROOM_BLUESKY_APP_PASSWORD", settings.BLUESKY_APP_PASSWORD),
            )
            if not value
        ]
        if missing:
            return False, (
                f"set {' and '.join(missing)}: the account's handle and an app password "
                "(bsky.app: Settings → Privacy and security → App passwords)"
            )
        return True, f"posts as @{_handle()}"

    def reachable(self) -> tuple[bool, str]:
        try:
            login = self._session(stale=self._login)  # a fresh sign-in proves the password
        except ChannelError as exc:
            return False, exc.message
        return True, f"@{login.handle} ({login.did})"

    def send(self, message: Message) -> Sent:
        composed = compose("bluesky", message.body)
        record = models.AppBskyFeedPost.Record(
            text=composed.text,
            created_at=message.created_at.astimezone(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            facets=composed.facets or None,
        )
        rkey = record_key(message)
        login = self._session()
        try:
            return _post(login, record, rkey)
        except AtProtocolError as exc:
            if not _session_ended(exc):
                raise _refusal(exc, "the post", _CHANGE_IT) from None
        try:  # the session expired or was revoked: sign in again, once
            return _post(self._session(stale=login), record, rkey)
        except AtProtocolError as exc:
            raise _refusal(exc, "the post", _CHANGE_IT) from None

    def _session(self, *, stale: _Login | None = None) -> _Login:
        """The process's session, signed in anew when there is none, the settings changed, or
        it is `stale` (unless another thread has replaced it already)."""
        wanted = (settings.BLUESKY_SERVICE_URL, _handle(), settings.BLUESKY_APP_PASSWORD)
        with self._lock:
            login = self._login
            if login is None or login is stale or login.settings != wanted:
                self._login = login = _sign_in(*wanted)
            return login


def _handle() -> str:
    return settings.BLUESKY_HANDLE.strip().removeprefix("@")


def _sign_in(service_url: str, handle: str, password: str) -> _Login:
    client = Client(service_url, request=Request(timeout=10))
    try:
        # No profile lookup: it goes to the Bluesky app view, which posting does not need.
        client.login(handle, password, fetch_bsky_profile=False)
    except AtProtocolError as exc:
        raise _refusal(exc, f"the sign-in as @{handle}", _CREDENTIALS) from None
    session = Session.decode(client.export_session_string())  # the SDK's public view of it
    return _Login((service_url, handle, password), client, session.did, session.handle)


def _post(login: _Login, record: models.AppBskyFeedPost.Record, rkey: str) -> Sent:
    try:
        created = login.client.com.atproto.repo.create_record(
            models.ComAtprotoRepoCreateRecord.Data(
                repo=login.did, collection=POST, record=record, rkey=rkey
            )
        )
    except RequestErrorBase as exc:
        # A record key in use is refused with a 500 by the reference PDS (a 409 or 400 by
        # others): if our post is there, an earlier try made it and its outcome was lost.
        status = exc.response.status_code if exc.response is not None else 0
        if (status in (400, 409) or status >= 500) and not _session_ended(exc):
            uri = _existing(login, rkey)
            if uri:
                return Sent(code="200", remote_id=uri)
        raise
    return Sent(code="200", remote_id=created.uri)


def _existing(login: _Login, rkey: str) -> str | None:
    try:
        record = login.client.com.atproto.repo.get_record(
            models.ComAtprotoRepoGetRecord.Params(repo=login.did, collection=POST, rkey=rkey)
        )
    except RequestErrorBase as exc:
        # RecordNotFound; PDSs before it was named said InvalidRequest, with this message.
        error, detail = _xrpc(exc.response.content) if exc.response is not None else ("", "")
        if error == "RecordNotFound" or detail.startswith("Could not locate record"):
            return None
        raise
    return record.uri


def _session_ended(exc: AtProtocolError) -> bool:
    response = getattr(exc, "response", None)
    if response is None:
        return False
    error = _xrpc(response.content)[0]
    return response.status_code == 401 or error in ("ExpiredToken", "InvalidToken")


def _refusal(exc: AtProtocolError, what: str, fix: str) -> ChannelError:
    """What went wrong with `what`, as a person reads it, and whether trying again can help;
    `fix` says what to do when Bluesky refused it."""
    response = getattr(exc, "response", None)
    if response is None:
        if isinstance(exc, NetworkError):  # refused, reset, DNS, timeout: nothing answered
            cause = exc.__cause__ or exc
            return ChannelError(
                f"could not reach Bluesky at {settings.BLUESKY_SERVICE_URL} for {what} "
                f"({type(cause).__name__}: {cause}): check WARROOM_BLUESKY_SERVICE_URL and the "
                "network"
            )
        return ChannelError(f"{what} failed: {type(exc).__name__}: {exc}")
    status = response.status_code
    error, detail = _xrpc(response.content)
    answer = f"{status} {error}: {detail}" if error else f"{status}: {detail}"
    if status == 429:
        return ChannelError(
            f"Bluesky rate-limited {what} ({answer})",
            code="429",
            retry_after=retry_after(response.headers),
        )
    if error == "AuthFactorTokenRequired":  # app passwords never ask for the emailed code
        return ChannelError(
            f"Bluesky refused {what} ({answer}): WARROOM_BLUESKY_APP_PASSWORD is the account's "
            f"own password; {_CREDENTIALS}",
            permanent=True,
            code=str(status),
        )
    if status in (401, 403):
        return ChannelError(
            f"Bluesky refused {what} ({answer}): {_CREDENTIALS}", permanent=True, code=str(status)
        )
    if status >= 500 or status == 408:
        return ChannelError(
            f"Bluesky failed {what} with a server error ({answer})",
            code=str(status),
        )
    return ChannelError(
        f"Bluesky refused {what} ({answer}): {fix}", permanent=True, code=str(status)
    )


def _xrpc(content: object) -> tuple[str, str]:
    """An XRPC error's name and message; for a body that is not one, its start."""
    if isinstance(content, models.common.XrpcError):
        return content.error, content.message or ""
    if isinstance(content, bytes):
        return "", content[:200].decode(errors="replace")
    return "", str(content or "")[:200]


channel = BlueskyChannel()
