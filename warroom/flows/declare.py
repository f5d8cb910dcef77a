"""Declaring an incident: the war room and the public page exist from this moment on (G1, G2),
the roles given are handed out, and the playbook starts (G6, G7, G11, G16 …)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.flows.entries import add_entry
from warroom.flows.roles import assign_role
from warroom.incidents import services as incidents
from warroom.incidents.models import Incident, Role, Status
from warroom.playbooks import engine as playbook
from warroom.redaction.services import remember
from warroom.timeline.models import Kind
from warroom.timeline.services import note


@transaction.atomic
def declare(
    *,
    title: str,
    severity: str,
    declared_by: Actor,
    summary: str = "",
    commander: str | None = None,
    communications: str | None = None,
    detected_at: datetime | None = None,
) -> Incident:
    """Open an incident. `incident.warnings` says what the playbook still needs (no marketing
    contacts, no communications lead, …), for whoever declared it."""
    now = timezone.now()
    incident = incidents.open_incident(
        title=title,
        severity=severity,
        summary=summary,
        detected_at=detected_at,
        declared_by=declared_by,
        now=now,
    )
    remember(incident, [incident.title, incident.summary])
    add_entry(
        incident=incident,
        kind=Kind.STATUS,
        body=incident.summary or f"We are investigating: {incident.title}.",
        author=declared_by,
        data={"status": Status.INVESTIGATING},
    )
    note(
        incident,
        f"Incident declared ({incident.severity}). War room: {incident.war_room_url}",
        by=declared_by,
    )
    for role, username in ((Role.COMMANDER, commander), (Role.COMMUNICATIONS, communications)):
        if username:
            assign_role(incident=incident, role=role, username=username, by=declared_by)
    incident.warnings = playbook.start(incident, now=now, by=declared_by)
    incidents.public_changed(incident)
    return incident
