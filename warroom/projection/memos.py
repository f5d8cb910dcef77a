"""In-process memos of the public projection, so that a rendering after a public change redoes
only what the change touched.

- `texts`: redacted and rendered text. Both are pure functions of their key (the redaction
  context's fingerprint is part of it); a page rebuilt after a new entry shares all but one.
- `entries`: a public entry as the projection shows it, under its revision and the redaction
  context: after a change, only new and edited entries are read in full.
- `records`: an incident's redacted record (title, entries, post-mortem, …) under the incident's
  `updated_at` and the roster's version. Every public change of an incident moves its
  `updated_at` (`incidents.services.public_changed`), and the record is read after the key, so a record is
  never older than its key: the status JSON re-projects only the incident that changed, not
  every open one.

Keys made of ids and versions can come back after a rollback (an entry's id and revision are
handed out again; SQLite reuses the incident's id too), so those two keep only what was read
outside any transaction, which was committed. Public views run in autocommit; a service that
projects inside its transaction (a fan-out) computes without them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.db import connection

from warroom.projection.types import PublicEntry

T = TypeVar("T")


class Memo(Generic[T]):
    """A map of at most `size` (each value weighs `weigh(value)`, 1 by default) that forgets the
    least recently used first; safe across threads (two threads missing the same key both
    compute it, and one result is kept)."""

    def __init__(
        self, size: int, *, weigh: Callable[[T], int] = lambda _: 1, committed_only: bool = False
    ) -> None:
        self.size = size
        self.weigh = weigh
        self.committed_only = committed_only
        self._items: OrderedDict[Hashable, tuple[T, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        value = self.peek(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    def peek(self, key: Hashable) -> T | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: Hashable, value: T) -> None:
        if self.committed_only and connection.in_atomic_block:
            return
        weight = self.weigh(value)
        with self._lock:
            old = self._items.pop(key, None)
            self._weight += weight - (old[1] if old else 0)
            self._items[key] = (value, weight)
            while self._weight > self.size and len(self._items) > 1:
                self._weight -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0


texts: Memo[str] = Memo(50_000)
entries: Memo[PublicEntry] = Memo(20_000, committed_only=True)  # texts shared with `texts`
# Weighed in entries (about 2 KB each with their texts), so that a crawler reading every incident
# of a long history holds tens of megabytes, not the whole history: the status page and its
# JSON need the open incidents, the incident pages one record each.
# Records, lines of the status page and the components' history: all keyed by what they read.
records: Memo[Any] = Memo(
    20_000, weigh=lambda record: 1 + len(record.get("entries", ())), committed_only=True
)
