"""The values a playbook file holds and how each is checked: durations, lists, names, roles.
Every action declares its parameters with these checks (`warroom/playbooks/actions/`), and the
format (`format.py`) runs them. Pure Python, no Django.

A check takes the value as YAML gave it and returns it as the engine wants it, or raises `Bad`
(with where inside the value, for a list item or a mapping key) or `PlaybookError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

# Mirror incidents.models and timeline.models (a test keeps them in step).
STATUSES = ("investigating", "identified", "monitoring", "resolved", "postmortem")
OPEN_STATUSES = ("investigating", "identified", "monitoring")
SEVERITIES = ("S1", "S2", "S3", "S4")
ROLES = ("commander", "communications", "marketing", "support", "scribe", "responder")

DURATION_USAGE = "use e.g. 90s, 15m, 15 min, 1h, 1h30m"
STEP_ID = re.compile(r"[a-z][a-z0-9_-]*")
STEP_ID_MAX = 60  # StepRun.step_id

NodePath = tuple[str | int, ...]
Check = Callable[[Any], Any]
# A parameter of an action: its check, and its default (or one of the two markers below).
Param = tuple[Check, Any]
REQUIRED = object()
ABSENT = object()  # optional, and left out of the params when not given


class PlaybookError(Exception):
    """A playbook that cannot be used; `str()` reads `source:line: path: message`."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        path: str | None = None,
        source: str | None = None,
    ) -> None:
        self.message, self.line, self.path, self.source = message, line, path, source
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = self.source or ""
        if self.line is not None:
            prefix = f"{prefix}:{self.line}" if prefix else f"line {self.line}"
        what = f"{self.path}: {self.message}" if self.path else self.message
        return f"{prefix}: {what}" if prefix else what


class Bad(Exception):
    """A value check failed; the caller knows where, `within` says where inside the value."""

    def __init__(self, message: str, within: NodePath = ()) -> None:
        super().__init__(message)
        self.message, self.within = message, within


# ---- durations ------------------------------------------------------------------------------

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_UNIT_WORDS = r"days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s"
_DURATION_PART = re.compile(rf"\s*(\d+)\s*({_UNIT_WORDS})(?![a-z])\s*", re.IGNORECASE)


def duration(text: str) -> timedelta:
    """Parse "30m", "15 min", "1h", "90s", "1h30m", "2 hours"; PlaybookError otherwise."""
    if not isinstance(text, str):
        raise PlaybookError(f"bad duration {text!r}: give a unit ({DURATION_USAGE})")
    seconds, seen, pos = 0, set(), 0
    while pos < len(text):
        part = _DURATION_PART.match(text, pos)
        if part is None:
            break
        unit = part.group(2)[0].lower()
        if unit in seen:
            raise PlaybookError(f"bad duration {text!r}: '{unit}' given twice")
        seen.add(unit)
        seconds += int(part.group(1)) * _UNITS[unit]
        pos = part.end()
    if not seen or pos < len(text):
        raise PlaybookError(f"bad duration {text!r} ({DURATION_USAGE})")
    if seconds == 0:
        raise PlaybookError(f"bad duration {text!r}: must be longer than zero")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The canonical text of a duration, which `duration()` reads back: 5400s → "1h30m"."""
    left, parts = int(value.total_seconds()), []
    for unit, size in _UNITS.items():
        if left >= size:
            parts.append(f"{left // size}{unit}")
            left %= size
    return "".join(parts) or "0s"


# ---- checks ---------------------------------------------------------------------------------


def described(value: Any) -> str:
    """A value in words, for a message saying what was expected instead."""
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "nothing",
    }
    return names.get(type(value), f"the {type(value).__name__} {value!r}")


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Bad(f"expected text, not {described(value)}")
    return value.strip()


def slug(value: Any) -> str:
    if not isinstance(value, str) or not STEP_ID.fullmatch(value) or len(value) > STEP_ID_MAX:
        raise Bad(f"{value!r} is not a short lower-case name like 'blog_post'")
    return value


def one_of(choices: tuple[str, ...], what: str) -> Check:
    def check(value: Any) -> str:
        if value not in choices:
            raise Bad(f"unknown {what} {value!r} (use {', '.join(choices)})")
        return value

    return check


role = one_of(ROLES, "role")
status = one_of(STATUSES, "status")
approval = one_of((*ROLES, "none"), "approval role")


def list_of(item: Check, *, allow_empty: bool = True) -> Check:
    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise Bad(f"expected a list, not {described(value)}")
        if not value and not allow_empty:
            raise Bad("the list is empty")
        items = []
        for i, one in enumerate(value):
            try:
                items.append(item(one))
            except Bad as error:
                raise Bad(error.message, (i, *error.within)) from None
            if items.count(items[-1]) > 1:
                raise Bad(f"{one!r} given twice", (i,))
        return items

    return check


def severities(value: Any) -> list[str]:
    given = list_of(one_of(SEVERITIES, "severity"), allow_empty=False)(value)
    return [severity for severity in SEVERITIES if severity in given]


def a_duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise Bad(f"bad duration {value!r}: give a unit ({DURATION_USAGE})")
    try:
        return duration(value)
    except PlaybookError as error:
        raise Bad(error.message) from None


_SEVERITY_GROUP = re.compile(r"(S[1-4])(?:\s*-\s*(S[1-4]))?")


def severity_group(value: str) -> list[str]:
    """"S1" or a range "S3-S4", spelled out."""
    match = _SEVERITY_GROUP.fullmatch(value.strip())
    first, last = (match.group(1), match.group(2) or match.group(1)) if match else ("", "")
    if not match or first > last:
        raise Bad(f"unknown severity group {value!r} (use e.g. S1, S2, S3-S4)")
    return [s for s in SEVERITIES if first <= s <= last]
