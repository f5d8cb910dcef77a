"""The cache in front of everything public.

Public renderings are cached under a key that includes a generation number; any public change
bumps the generation (after its transaction commits), so every cached rendering is invalid at
once, in every process that shares the cache. One integer read per request is all a warm hit
costs.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import transaction

GENERATION_KEY = "warroom:public:generation"
TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    etag: str

    @property
    def compressible(self) -> bool:
        return len(self.body) >= GZIP_MIN

    @property
    def gzip_etag(self) -> str:
        """The compressed copy's own ETag: a different representation, so a different tag."""
        return self.etag[:-1] + '-gzip"'


# Below this, compressing gains less than the header costs.
GZIP_MIN = 1024


_thread = threading.local()


def _cache():
    """This thread's own client of the default cache. `django.core.cache.cache` finds the
    thread's client through asgiref's Local on every use, which cost a cached public hit more
    than the rest of its view (py-spy under wrk); a plain thread-local does not."""
    if getattr(_thread, "config", None) is not settings.CACHES:  # new, or settings overridden
        _thread.client = caches.create_connection(DEFAULT_CACHE_ALIAS)
        _thread.config = settings.CACHES
    return _thread.client


def generation() -> int:
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Start from the clock, not from 1: after the shared cache is flushed, numbers must not
        # repeat, or a process would serve a rendering it remembers from before the flush.
        fresh = time.time_ns() // 1000
        cache.add(GENERATION_KEY, fresh, timeout=None)
        value = cache.get(GENERATION_KEY, fresh)
    return int(value)


def _bump() -> None:
    try:
        _cache().incr(GENERATION_KEY)
    except ValueError:  # the key was evicted or never set: any new value invalidates
        _cache().set(GENERATION_KEY, generation() + 1, timeout=None)


# Called after each committed public change with the new generation: the apps that follow the
# public side register here (the static copy: publicpage/apps.py). Nothing here knows them.
_hooks: list[Callable[[int], None]] = []


def on_public_change(hook: Callable[[int], None]) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def public_changed() -> None:
    """Call inside the transaction that changed something public (incidents.services does).

    Bumps now, so reads inside this transaction see the change, and again on commit, because a
    reader in another transaction may have cached the pre-commit state in between."""
    _bump()
    transaction.on_commit(_committed)


def _committed() -> None:
    _bump()
    for hook in _hooks:
        hook(generation())


# A rendering never changes within a generation, so each process also keeps the ones it served
# in memory, for the current generation only: a warm hit costs one read of the generation and a
# dict lookup, no unpickling.
_local: dict[str, Rendered] = {}
_local_generation = 0
# Each rendering's compressed copy, made on the first request that accepts it (browsers do) and
# kept as long as the rendering.
_compressed: dict[str, bytes] = {}
# One thread builds a missing rendering; the others wait for it instead of building it too
# (after a change, every viewer's next request misses at once).
_building: dict[str, threading.Lock] = {}
_building_guard = threading.Lock()


def rendered(key: str, build: Callable[[], tuple[bytes, str]]) -> Rendered:
    """The cached rendering for `key`, built by `build() -> (body, content_type)` when missing."""
    global _local_generation
    current = generation()
    if current != _local_generation:
        _local.clear()
        _compressed.clear()
        _local_generation = current
    full_key = f"warroom:public:{current}:{key}"
    hit = _local.get(full_key)
    if hit is not None:
        return hit
    with _building_guard:
        lock = _building.setdefault(full_key, threading.Lock())
    try:
        with lock:
            hit = _local.get(full_key) or _cache().get(full_key)
            if hit is None:
                body, content_type = build()  # may raise (Http404): nothing is cached then
                etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
                hit = Rendered(body, content_type, etag)
                _cache().set(full_key, hit, timeout=TIMEOUT)
            _local[full_key] = hit
    finally:  # the lock goes with the attempt, whatever it gave: no lock left per unknown key
        with _building_guard:
            _building.pop(full_key, None)
    return hit


def compressed(page: Rendered) -> bytes:
    """`page.body` gzipped, once per process and rendering: a public page after a change is
    compressed once, not once per viewer. (mtime=0: the same body compresses to the same bytes.)"""
    packed = _compressed.get(page.etag)
    if packed is None:
        packed = _compressed[page.etag] = gzip.compress(page.body, compresslevel=6, mtime=0)
    return packed
