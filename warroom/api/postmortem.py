"""REST: an incident's post-mortem (responders). GET gives the saved one, or the draft from the
record while none is saved; PUT saves a version; publishing is refused while it names anyone."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from warroom.flows import postmortem as publishing
from warroom.incidents.services import get_incident
from warroom.writeups import postmortem as services
from warroom.writeups.postmortem_draft import draft

router = Router(tags=["post-mortem"])


class PostMortemIn(Schema):
    body: str


class FindingOut(Schema):
    line: int
    column: int
    text: str
    kind: str
    message: str
    suggestion: str


class PostMortemOut(Schema):
    slug: str
    body: str
    saved: bool
    revision: int | None
    updated_at: datetime | None
    updated_by: str | None
    published_at: datetime | None
    published_by: str | None
    findings: list[FindingOut]


def _out(incident) -> dict:
    saved = services.current(incident)
    body = saved.body if saved else draft(incident)
    return {
        "slug": incident.slug,
        "body": body,
        "saved": saved is not None,
        "revision": saved.revision if saved else None,
        "updated_at": saved.updated_at if saved else None,
        "updated_by": _username(saved.updated_by) if saved else None,
        "published_at": saved.published_at if saved else None,
        "published_by": _username(saved.published_by) if saved else None,
        "findings": [f.as_dict() for f in services.findings(incident, body)],
    }


def _username(user) -> str | None:
    return user.get_username() if user else None


@router.get("/{slug}/postmortem", response=PostMortemOut, summary="The post-mortem, or its draft")
def get_postmortem(request, slug: str):
    return _out(get_incident(slug))


@router.put("/{slug}/postmortem", response=PostMortemOut, summary="Save a version")
def save_postmortem(request, slug: str, payload: PostMortemIn):
    incident = get_incident(slug)
    services.save(incident=incident, body=payload.body, by=request.auth)
    return _out(incident)


@router.post(
    "/{slug}/postmortem/publish", response=PostMortemOut, summary="Publish on the public page"
)
def publish_postmortem(request, slug: str):
    incident = get_incident(slug)
    publishing.publish(incident=incident, by=request.auth)
    return _out(incident)
