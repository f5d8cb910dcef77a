"""Which playbook new incidents get: WARROOM_PLAYBOOK, else the one shipped with warroom."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from warroom.lib.errors import DomainError
from warroom.playbooks.format import Playbook, PlaybookError, default_playbook, load_file

_lock = threading.Lock()
_cached: tuple[tuple, Playbook] | None = None


def current() -> Playbook:
    """The configured playbook, re-read when its file changes."""
    global _cached
    path = settings.PLAYBOOK_PATH
    try:
        key = (path, Path(path).stat().st_mtime_ns) if path else ("default",)
    except OSError as exc:
        raise DomainError(f"WARROOM_PLAYBOOK={path} cannot be read: {exc.strerror}") from None
    with _lock:
        if _cached is None or _cached[0] != key:
            try:
                _cached = (key, load_file(path) if path else default_playbook())
            except PlaybookError as exc:
                raise DomainError(
                    f"the playbook in WARROOM_PLAYBOOK cannot be used: {exc}"
                ) from None
        return _cached[1]
