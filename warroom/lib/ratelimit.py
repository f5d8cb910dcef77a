"""Fixed-window rate limits kept in Django's cache: a counter per key and window, which expires
with the window. Counts are shared between processes only when the cache is (WARROOM_CACHE_URL);
with the default in-memory cache each process counts on its own."""

from __future__ import annotations

import ipaddress
import time

from django.core.cache import cache


def _window(per_seconds: int) -> tuple[int, int]:
    """The current window's number and the seconds left until the next one starts."""
    now = int(time.time())
    return now // per_seconds, per_seconds - now % per_seconds


def hit(key: str, *, limit: int, per_seconds: int) -> bool:
    """Count one attempt for `key`; True while the window holds at most `limit` attempts."""
    number, left = _window(per_seconds)
    counter = f"ratelimit:{key}:{per_seconds}:{number}"
    # add() only creates a missing counter and incr() is atomic in every cache backend, so
    # concurrent requests cannot both read the same count.
    cache.add(counter, 0, timeout=left + 1)
    try:
        count = cache.incr(counter)
    except ValueError:  # the counter expired between add() and incr()
        cache.add(counter, 1, timeout=left + 1)
        count = 1
    return count <= limit


def retry_after(per_seconds: int) -> int:
    """Seconds until the current window of `per_seconds` ends: the Retry-After of a refusal."""
    return _window(per_seconds)[1]


def client_key(request) -> str:
    """The client's address, as the connection gives it. X-Forwarded-For is not read: any client
    can send one. An IPv6 client counts by its /64, which one subscriber usually holds whole."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
