"""All outbound HTTP goes through here: timeouts always, and no requests to private, loopback or
link-local addresses for URLs that users typed (a webhook must not reach inside our network).
WARROOM_ALLOW_PRIVATE_WEBHOOKS=1 lifts the guard, for tests and closed networks."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import httpx
from django.conf import settings

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


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
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise UnsafeURL(
                f"{parts.hostname} resolves to {address}, a private or reserved address"
            )
    return url


def client(**options) -> httpx.Client:
    """A client with warroom's timeouts that does not follow redirects (a redirect could lead a
    checked URL to a private address); reuse one for many requests to keep connections."""
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False, **options)


def post_json(
    url: str,
    body: str,
    headers: dict[str, str],
    *,
    user_supplied: bool,
    via: httpx.Client | None = None,
) -> httpx.Response:
    """POST a JSON body, through `via` or a client of its own. User-supplied URLs are checked
    again at send time (DNS may have changed)."""
    if user_supplied:
        check_public_url(url)
    headers = {"Content-Type": "application/json", **headers}
    if via is not None:
        return via.post(url, content=body.encode(), headers=headers)
    with client() as own:
        return own.post(url, content=body.encode(), headers=headers)
