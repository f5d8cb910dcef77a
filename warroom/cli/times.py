"""`--at` as responders type it: a full ISO time, or just HH:MM on the local clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_at(value: str, *, now: datetime | None = None) -> datetime:
    """'2026-11-29T14:02Z' or '14:02' (the most recent 14:02 on this machine's clock) → UTC."""
    now = (now or datetime.now(UTC)).astimezone()
    text = value.strip()
    match = _CLOCK.match(text)
    if match:
        hour, minute, second = (int(g or 0) for g in match.groups())
        if hour > 23 or minute > 59 or second > 59:
            raise click.BadParameter(f"{value!r} is not a time of day")
        at = now.replace(hour=hour, minute=minute, second=second, microsecond=0)
        if at > now + timedelta(minutes=5):  # "23:50" typed at 00:10 means yesterday
            at -= timedelta(days=1)
        return at.astimezone(UTC)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a time; write 2026-11-29T14:02Z, 2026-11-29T14:02+01:00 or 14:02"
        ) from None
    if at.tzinfo is None:
        raise click.BadParameter(
            f"{value!r} has no time zone; add Z for UTC or an offset like +01:00, or give just HH:MM"
        )
    return at.astimezone(UTC)


class AtTime(click.ParamType):
    name = "TIME"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            return parse_at(value)
        except click.BadParameter as exc:
            self.fail(exc.message, param, ctx)
