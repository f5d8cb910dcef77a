"""Small formatting filters for the dashboard templates."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from warroom.comms.models import Message
from warroom.incidents.models import Status
from warroom.lib import markdown as md

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    # Safe: markdown.render escapes raw HTML and nh3 keeps an allow-list of tags.
    return mark_safe(md.render(text or ""))  # noqa: S308


@register.filter
def age(since: datetime | None, until: datetime | None = None) -> str:
    """A compact duration for dense lists: "45 min", "2 h 14 min", "3 d 2 h"."""
    if since is None:
        return ""
    minutes = int(((until or timezone.now()) - since).total_seconds() // 60)
    if minutes < 1:
        return "<1 min"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


@register.filter
def status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


@register.filter
def iso_datetime(value: str | None) -> datetime | None:
    """The projection carries times as ISO strings; templates format datetimes."""
    return parse_datetime(value.replace("Z", "+00:00")) if value else None


@register.filter
def person_name(user) -> str:
    if user is None:
        return "warroom"
    return user.get_full_name() or user.get_username()


@register.filter
def written_later(entry) -> bool:
    """True when an entry was back-filled (G3): worth showing when it was written down."""
    return (entry.recorded_at - entry.occurred_at).total_seconds() > 120


@register.filter
def inline_code(text: str) -> SafeString:
    """`command` in a warning as code; the rest escaped."""
    parts = str(text or "").split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show the text as it is
        return escape(text)
    html = "".join(
        f"<code>{escape(p)}</code>" if i % 2 else str(escape(p)) for i, p in enumerate(parts)
    )
    return mark_safe(html)  # noqa: S308 (every part is escaped)


CHANNELS = {"x": "X", "email": "E-mail", "sms": "SMS"}


@register.filter
def channel_label(channel: str) -> str:
    return CHANNELS.get(channel, channel.replace("_", " ").title())


@register.filter
def message_state(state: str) -> str:
    """A message state as a word: "pending delivery", "sent", …"""
    return str(dict(Message.State.choices).get(state, state)).lower()
