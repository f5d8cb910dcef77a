"""The write-ups' Jinja2 templates: a file in WARROOM_TEMPLATES_DIR replaces the shipped file of
the same name in `warroom/writeups/templates/`, so an organisation words its blog post or support
briefing or post-mortem its own way without touching the code. Filters: `utc`, `clock`,
`utc_date`, `duration`.

Markdown, not HTML: nothing is escaped (the dashboard sanitises what it renders), and an unknown
variable is an error rather than a silent gap in a document people publish."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)

from warroom.lib.errors import Invalid

SHIPPED = Path(__file__).resolve().parent / "templates"


def render(name: str, **context) -> str:
    """The template `name` rendered; Invalid when an organisation's template cannot be used."""
    try:
        return environment(settings.TEMPLATES_DIR).get_template(name).render(**context)
    except TemplateError as exc:
        where = ""
        if isinstance(exc, TemplateSyntaxError) and exc.lineno:
            where = f"{exc.filename}:{exc.lineno}: "
        raise Invalid(f"the template {name} cannot be used: {where}{exc.message}") from None


@functools.cache
def environment(override_dir: str) -> Environment:
    """One environment per override folder; Jinja2 reloads a template whose file changed."""
    folders = [override_dir, str(SHIPPED)] if override_dir else [str(SHIPPED)]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(folder) for folder in folders]),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(utc=utc, clock=clock, utc_date=utc_date, duration=duration)
    return env


def utc(value: datetime) -> str:
    """2026-11-29 10:05 UTC"""
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def clock(value: datetime, day: datetime | None = None) -> str:
    """10:05 UTC, or 2026-11-30 00:10 UTC when not on the same day as `day`."""
    value = value.astimezone(UTC)
    if day is not None and value.date() != day.astimezone(UTC).date():
        return utc(value)
    return f"{value:%H:%M} UTC"


def utc_date(value: datetime) -> str:
    """29 November 2026"""
    value = value.astimezone(UTC)
    return f"{value.day} {value:%B %Y}"


def duration(value: timedelta) -> str:
    """1 h 15 min, 45 min, 2 d 3 h; "less than a minute" below one."""
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min")]
    return " ".join(f"{n} {unit}" for n, unit in parts if n)
