"""REST: incidents, status, roles. Each operation parses, calls one service, renders."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from ninja import Field, Router, Schema
from ninja.responses import Status as Reply

from warroom.flows import declare as declaring
from warroom.flows import roles as handover
from warroom.flows import status as statuses
from warroom.incidents import services
from warroom.incidents.models import CLOSED_STATUSES, Incident, RoleAssignment
from warroom.playbooks.engine import pending_warnings

router = Router(tags=["incidents"])


SeverityIn = Literal["S1", "S2", "S3", "S4", "s1", "s2", "s3", "s4"]
StatusName = Literal["investigating", "identified", "monitoring", "resolved"]
RoleName = Literal["commander", "communications", "marketing", "support", "scribe", "responder"]


class DeclareIn(Schema):
    title: str = Field(..., max_length=200)
    severity: SeverityIn
    summary: str = ""
    commander: str | None = None
    communications: str | None = None
    detected_at: datetime | None = None


class RoleOut(Schema):
    role: str
    username: str
    display_name: str
    assigned_at: datetime


class IncidentOut(Schema):
    slug: str
    title: str
    severity: str
    status: str
    summary: str
    declared_at: datetime
    detected_at: datetime | None
    resolved_at: datetime | None
    updated_at: datetime
    public_url: str
    war_room_url: str
    roles: list[RoleOut]
    warnings: list[str]


class StatusIn(Schema):
    status: StatusName
    message: str


class RoleIn(Schema):
    username: str


def _role_out(a: RoleAssignment) -> dict:
    return {
        "role": a.role,
        "username": a.person.username,
        "display_name": a.person.display_name,
        "assigned_at": a.assigned_at,
    }


def incident_out(incident: Incident) -> dict:
    return {
        "slug": incident.slug,
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "summary": incident.summary,
        "declared_at": incident.declared_at,
        "detected_at": incident.detected_at,
        "resolved_at": incident.resolved_at,
        "updated_at": incident.updated_at,
        "public_url": settings.PUBLIC_URL + incident.public_path,
        "war_room_url": incident.war_room_url,
        "roles": [_role_out(a) for a in services.current_roles(incident)],
        "warnings": list(
            dict.fromkeys([*getattr(incident, "warnings", []), *pending_warnings(incident)])
        ),
    }


@router.get("", response=list[IncidentOut], summary="List incidents, newest first")
def list_incidents(request, open: bool = False, limit: int = 100):
    incidents = Incident.objects.all()
    if open:
        incidents = incidents.exclude(status__in=CLOSED_STATUSES)
    return [incident_out(i) for i in incidents.prefetch_related("roles__person")[: min(limit, 500)]]


@router.post("", response={201: IncidentOut}, summary="Declare an incident")
def declare(request, payload: DeclareIn):
    incident = declaring.declare(declared_by=request.auth, **payload.dict())
    return Reply(201, incident_out(incident))


@router.get("/{slug}", response=IncidentOut, summary="One incident, as responders see it")
def get_incident(request, slug: str):
    return incident_out(services.get_incident(slug))


@router.post("/{slug}/status", response=IncidentOut, summary="Change status with a public message")
def change_status(request, slug: str, payload: StatusIn):
    incident = statuses.change_status(
        incident=services.get_incident(slug),
        status=payload.status,
        message=payload.message,
        by=request.auth,
    )
    return incident_out(incident)


@router.get("/{slug}/roles", response=list[RoleOut], summary="Current role holders")
def list_roles(request, slug: str):
    return [_role_out(a) for a in services.current_roles(services.get_incident(slug))]


@router.put("/{slug}/roles/{role}", response=RoleOut, summary="Assign or hand over a role")
def assign_role(request, slug: str, role: RoleName, payload: RoleIn):
    assignment = handover.assign_role(
        incident=services.get_incident(slug), role=role, username=payload.username, by=request.auth
    )
    return _role_out(assignment)
