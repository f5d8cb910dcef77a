from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

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
