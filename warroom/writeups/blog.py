"""The blog post draft (G10, G12), from the public record only: the public projection (redacted
title, summary and entries), the impact levels with their times, and how many customers were
affected, never who. An organisation rewrites it by replacing `blog.md.j2`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from warroom.impact import periods as impact
from warroom.incidents.models import Incident
from warroom.projection.incident import public_incident
from warroom.projection.types import PublicIncident
from warroom.timeline.models import Kind
from warroom.writeups.templates import render

# What the post tells of the response: status updates, and what was done and decided.
RESPONSE = (Kind.STATUS, Kind.ACTION, Kind.DECISION)


def blog_markdown(incident: Incident, *, now: datetime | None = None) -> str:
    return render("blog.md.j2", **blog_context(incident, now=now or timezone.now()))


def blog_context(incident: Incident, *, now: datetime) -> dict[str, Any]:
    public = public_incident(incident)
    started = datetime.fromisoformat(public["started_at"])
    resolved = parse_time(public["resolved_at"])
    entries = timeline(public)
    follow_ups = [e for e in entries if _follow_up(e, resolved)]
    updates = [e for e in entries if e["kind"] in RESPONSE and not _follow_up(e, resolved)]
    return {
        "title": public["title"],
        "summary": public["summary"],
        "url": public["url"],
        "status": public["status"],
        "status_label": public["status_label"],
        "severity_label": public["severity_label"],
        "started_at": started,
        "resolved_at": resolved,
        "duration": (resolved or now) - started,
        "updates": updates,
        "follow_ups": follow_ups,
        "segments": impact.segments(incident, now=now),
        "components": [c for c in impact.components(incident, now=now) if c.affected],
        "affected_customers": public["impact"]["affected_customers"],
    }


def _follow_up(entry: dict[str, Any], resolved: datetime | None) -> bool:
    """Actions and decisions written once the incident was over: what is done so it does not
    happen again. Those before were part of the response."""
    return (
        resolved is not None
        and entry["kind"] in (Kind.ACTION, Kind.DECISION)
        and entry["at"] >= resolved
    )


def timeline(public: PublicIncident) -> list[dict[str, Any]]:
    """The public entries, oldest first, each with its time as a datetime."""
    return [
        {
            "at": parse_time(e["occurred_at"]),
            "kind": e["kind"],
            "status": e["status"],
            "status_label": e["status_label"],
            "text": e["text"],
        }
        for e in reversed(public["entries"])
    ]


def parse_time(value: str | None) -> datetime | None:
    """The projection's ISO times ("…Z") back to datetimes."""
    return datetime.fromisoformat(value) if value else None
