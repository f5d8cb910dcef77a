"""Times as responders write them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from warroom.lib.errors import Invalid

# A responder's clock may be a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)


def check_occurred_at(value: datetime | None, *, now: datetime | None = None) -> datetime:
    """The time something happened: given, or now. Never in the future."""
    now = now or timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        raise Invalid("the time has no time zone; write it as 2026-11-29T14:02Z or with an offset")
    if value > now + CLOCK_SKEW:
        raise Invalid(f"the time {value.isoformat()} is in the future; give when it happened")
    return value
