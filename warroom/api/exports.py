"""REST: export an incident to GitLab or GitHub or as a file, import one from its JSON export.
Responders only, like the whole API: the JSON export holds the internal record."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from django.conf import settings
from django.http import HttpResponse
from ninja import Body, Query, Router, Schema
from ninja.responses import Status as Reply

from warroom.exports import services
from warroom.flows import outage_issue
from warroom.incidents.services import get_incident
from warroom.playbooks.engine import outage_labels

router = Router(tags=["records"])

CONTENT_TYPES = {
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "json": ("application/json", "json"),
    "html": ("text/html; charset=utf-8", "html"),
}


class ExportIn(Schema):
    to: Literal["gitlab", "github", "default"] = "default"
    project: str | None = None


class ExportOut(Schema):
    tracker: str
    project: str
    number: int
    url: str
    created: bool


class ImportOut(Schema):
    slug: str
    public_url: str
    notes: list[str]


@router.post("/import", response={201: ImportOut}, summary="Create an incident from a JSON export")
def import_incident(
    request,
    payload: Body[dict[str, Any]],
    new_slug: Annotated[str | None, Query(alias="as", description="Import under this slug")] = None,
):
    imported = services.import_incident(payload, slug=new_slug)
    incident = imported.incident
    return Reply(
        201,
        {
            "slug": incident.slug,
            "public_url": settings.PUBLIC_URL + incident.public_path,
            "notes": imported.notes,
        },
    )


@router.post(
    "/{slug}/export",
    response=ExportOut,
    summary="Open or update the incident's outage issue in GitLab or GitHub",
)
def export_to_tracker(request, slug: str, payload: ExportIn):
    exported = outage_issue.export(
        get_incident(slug), payload.to, project=payload.project or None, by=request.auth
    )
    return asdict(exported)


@router.get(
    "/{slug}/export",
    summary="The incident as a file: markdown or html (the public outage issue), json (the "
    "whole internal record)",
)
def export_file(request, slug: str, format: Literal["markdown", "json", "html"] = "markdown"):
    content_type, extension = CONTENT_TYPES[format]
    incident = get_incident(slug)
    body = services.export_file(incident, format, labels=outage_labels(incident))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{slug}.{extension}"'
    return response
