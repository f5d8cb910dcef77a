"""REST: the timeline of an incident, its revisions and hypotheses."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Router, Schema
from ninja.responses import Status as Reply

from warroom.flows import entries
from warroom.incidents.services import get_incident
from warroom.lib.errors import NotFound
from warroom.timeline.models import Entry

router = Router(tags=["timeline"])


WritableKind = Literal["event", "finding", "hypothesis", "action"]


class EntryIn(Schema):
    body: str
    kind: WritableKind = "event"
    visibility: Literal["public", "internal"] = "public"
    occurred_at: datetime | None = None


class EntryEdit(Schema):
    body: str | None = None
    visibility: Literal["public", "internal"] | None = None
    occurred_at: datetime | None = None


class HypothesisIn(Schema):
    state: Literal["confirmed", "refuted", "open"]
    note: str = ""


class EntryOut(Schema):
    id: int
    kind: str
    visibility: str
    author: str | None
    occurred_at: datetime
    recorded_at: datetime
    body: str
    hypothesis_state: str
    revision: int


class RevisionOut(Schema):
    number: int
    body: str
    kind: str
    visibility: str
    hypothesis_state: str
    occurred_at: datetime
    edited_by: str | None
    edited_at: datetime


def entry_out(entry: Entry) -> dict:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "visibility": entry.visibility,
        "author": entry.author.username if entry.author else None,
        "occurred_at": entry.occurred_at,
        "recorded_at": entry.recorded_at,
        "body": entry.body,
        "hypothesis_state": entry.hypothesis_state,
        "revision": entry.revision,
    }


def _entry(slug: str, entry_id: int) -> Entry:
    entry = Entry.objects.filter(incident=get_incident(slug), pk=entry_id).first()
    if entry is None:
        raise NotFound(
            f"incident {slug!r} has no entry {entry_id}; `warroom show {slug}` lists them"
        )
    return entry


@router.get(
    "/{slug}/timeline", response=list[EntryOut], summary="The whole timeline, internal included"
)
def timeline(request, slug: str):
    entries = get_incident(slug).entries.select_related("author")
    return [entry_out(e) for e in entries]


@router.post("/{slug}/timeline", response={201: EntryOut}, summary="Add an entry")
def add_entry(request, slug: str, payload: EntryIn):
    entry = entries.add_entry(incident=get_incident(slug), author=request.auth, **payload.dict())
    return Reply(201, entry_out(entry))


@router.patch(
    "/{slug}/timeline/{entry_id}", response=EntryOut, summary="Edit an entry (new revision)"
)
def edit_entry(request, slug: str, entry_id: int, payload: EntryEdit):
    entry = entries.edit_entry(entry=_entry(slug, entry_id), by=request.auth, **payload.dict())
    return entry_out(entry)


@router.get(
    "/{slug}/timeline/{entry_id}/revisions", response=list[RevisionOut], summary="Every version"
)
def revisions(request, slug: str, entry_id: int):
    return [
        {
            "number": r.number,
            "body": r.body,
            "kind": r.kind,
            "visibility": r.visibility,
            "hypothesis_state": r.hypothesis_state,
            "occurred_at": r.occurred_at,
            "edited_by": r.edited_by.username if r.edited_by else None,
            "edited_at": r.edited_at,
        }
        for r in _entry(slug, entry_id).revisions.select_related("edited_by")
    ]


@router.post(
    "/{slug}/timeline/{entry_id}/hypothesis", response=EntryOut, summary="Confirm or refute"
)
def hypothesis(request, slug: str, entry_id: int, payload: HypothesisIn):
    entry = entries.settle_hypothesis(
        entry=_entry(slug, entry_id), state=payload.state, by=request.auth, note=payload.note
    )
    return entry_out(entry)
