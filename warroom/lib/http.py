"""All outbound HTTP of deliveries goes through here: timeouts always, redirects never, and no
requests to private, loopback or link-local addresses for URLs that users typed (a webhook must
not reach inside our network). WARROOM_ALLOW_PRIVATE_WEBHOOKS=1 lifts the guard, for tests and
closed networks.

urllib3 rather than httpx: its thread-safe pool costs half the CPU per request, which is what
limits a worker fanning out to thousands of webhooks."""

from __future__ import annotations

import functools
import ipaddress
import json
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

TIMEOUT = urllib3.Timeout(connect=5.0, read=10.0)


class Unreachable(Exception):
    """No answer: the connection failed, timed out or broke."""


@dataclass(frozen=True)
class Response:
    status_code: int
    headers: Mapping[str, str]
    text: str

    def json(self):
        return json.loads(self.text)


class UnsafeURL(ValueError):
    """A user-supplied URL that warroom will not request; the message says why."""


def check_public_url(url: str) -> str:
    """The URL, if it is http(s) and every address its host resolves to is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeURL(f"{url!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise UnsafeURL("a webhook URL may not carry a user name or password")
    if settings.ALLOW_PRIVATE_WEBHOOKS:
        return url
    try:
        infos = socket.getaddrinfo(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
        )
    except socket.gaierror:
        raise UnsafeURL(f"the host {parts.hostname!r} does not resolve") from None
    for info in infos:
        host = str(info[4][0])  # an AF_INET/AF_INET6 address, always a str (typeshed: str | int)
        address = ipaddress.ip_address(host.split("%")[0])
        if not address.is_global:
            raise UnsafeURL(
                f"{parts.hostname} resolves to {address}, a private or reserved address"
            )
    return url


@functools.cache
def _pool() -> urllib3.PoolManager:
    """One pool per process, made on first use (so after any fork): connections to the same
    receivers are kept from one message to the next."""
    return urllib3.PoolManager(num_pools=100, maxsize=32, timeout=TIMEOUT, retries=False)


def post_json(url: str, body: str, headers: dict[str, str], *, user_supplied: bool) -> Response:
    """POST a JSON body; redirects are answers, not followed. User-supplied URLs are checked
    again at send time (DNS may have changed)."""
    if user_supplied:
        check_public_url(url)
    try:
        answer = _pool().request(
            "POST",
            url,
            body=body.encode(),
            headers={"Content-Type": "application/json", **headers},
            redirect=False,
        )
    except urllib3.exceptions.HTTPError as exc:
        raise Unreachable(f"{type(exc).__name__}: {exc}") from None
    return Response(answer.status, answer.headers, answer.data.decode(errors="replace"))
