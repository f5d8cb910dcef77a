"""The metrics' names and how durations read: no Django, so the CLI can use them before setup."""

from __future__ import annotations

from datetime import timedelta

METRICS = {
    "time_to_declare": "Time to declare",
    "time_to_first_public_update": "Time to first public update",
    "longest_gap_between_public_updates": "Longest time between public updates",
    "time_to_mitigate": "Time to mitigate",
    "time_to_resolve": "Time to resolve",
}


def human(seconds: float | None) -> str:
    """12 s, 4 min, 2 h 05 min, 3 d 4 h."""
    if seconds is None:
        return "–"
    delta = timedelta(seconds=round(seconds))
    minutes, secs = divmod(int(delta.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"
