"""The support briefing (G15): what support needs to handle customers. Internal, so it names the
affected customers and who leads the response, and is not redacted; but it never gives the
war-room link unless the war room is live in public, and its suggested reply uses only the
public (redacted) wording. An organisation rewrites it by replacing `briefing.md.j2`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from warroom.impact import periods as impact
from warroom.incidents.models import Incident, Role, Severity, Status
from warroom.projection.incident import public_incident
from warroom.timeline.models import Kind
from warroom.writeups.blog import timeline
from warroom.writeups.templates import render


def briefing_markdown(incident: Incident, *, now: datetime | None = None) -> str:
    return render("briefing.md.j2", **briefing_context(incident, now=now or timezone.now()))


def briefing_subject(incident: Incident) -> str:
    return (
        f"[{incident.severity}] Support briefing: {incident.title} "
        f"({Status(incident.status).label})"
    )


def briefing_context(incident: Incident, *, now: datetime) -> dict[str, Any]:
    public = public_incident(incident)
    updates = [e for e in timeline(public) if e["kind"] == Kind.STATUS]
    held = incident.roles.filter(ended_at=None).exclude(role=Role.RESPONDER)
    holders = sorted(held.select_related("person"), key=lambda a: Role.values.index(a.role))
    return {
        "slug": incident.slug,
        "title": incident.title,
        "summary": incident.summary,
        "status": incident.status,
        "status_label": Status(incident.status).label,
        "severity": incident.severity,
        "severity_label": Severity(incident.severity).label,
        "started_at": incident.declared_at,
        "resolved_at": incident.resolved_at,
        "duration": (incident.resolved_at or now) - incident.declared_at,
        "segments": impact.segments(incident, now=now),
        "components": impact.components(incident, now=now),
        "customers": list(incident.affected_customers.values_list("name", flat=True)),
        "roles": [
            {
                "label": Role(a.role).label,
                "name": a.person.display_name,
                "username": a.person.username,
            }
            for a in holders
        ],
        "public_title": public["title"],
        "public_url": public["url"],
        "public_update": updates[-1] if updates else None,
        "live_stream_url": public["live_stream_url"],
    }
