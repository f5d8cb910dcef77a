"""The cache in front of everything public.

Public renderings are cached under a key that includes a generation number; any public change
bumps the generation (after its transaction commits), so every cached rendering is invalid at
once, in every process that shares the cache. One integer read per request is all a warm hit
costs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "warroom:public:generation"
TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    etag: str


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was evicted or never set: any new value invalidates
        cache.set(GENERATION_KEY, generation() + 1, timeout=None)


def public_changed() -> None:
    """Call inside the transaction that changed something public.

    Bumps now, so reads inside this transaction see the change, and again on commit, because a
    reader in another transaction may have cached the pre-commit state in between."""
    _bump()
    transaction.on_commit(_bump)


def rendered(key: str, build: Callable[[], tuple[bytes, str]]) -> Rendered:
    """The cached rendering for `key`, built by `build() -> (body, content_type)` when missing."""
    full_key = f"warroom:public:{generation()}:{key}"
    hit = cache.get(full_key)
    if hit is not None:
        return hit
    body, content_type = build()
    result = Rendered(
        body, content_type, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    )
    cache.set(full_key, result, timeout=TIMEOUT)
    return result
