"""Writing the timeline from the edges: an entry, an edit, a hypothesis settled. What the public
will read gives the people it names their stand-ins in the same transaction, so every page, feed
and post of the incident calls them the same (G5)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from warroom.accounts.models import Actor
from warroom.incidents.models import Incident
from warroom.redaction.services import remember
from warroom.timeline import services as timeline
from warroom.timeline.models import Entry, Kind, Visibility


@transaction.atomic
def add_entry(
    *,
    incident: Incident,
    body: str,
    author: Actor,
    kind: str = Kind.EVENT,
    visibility: str = Visibility.PUBLIC,
    occurred_at: datetime | None = None,
    data: dict | None = None,
) -> Entry:
    """Append an entry (G3, G4); a public one passes the redactor's memory of the incident."""
    entry = timeline.add_entry(
        incident=incident,
        body=body,
        author=author,
        kind=kind,
        visibility=visibility,
        occurred_at=occurred_at,
        data=data,
    )
    if entry.is_public:
        remember(incident, [entry.body])
    return entry


@transaction.atomic
def edit_entry(
    *,
    entry: Entry,
    by: Actor,
    body: str | None = None,
    visibility: str | None = None,
    occurred_at: datetime | None = None,
) -> Entry:
    """A new revision of an entry: its text, visibility or time."""
    entry = timeline.edit_entry(
        entry=entry, by=by, body=body, visibility=visibility, occurred_at=occurred_at
    )
    if entry.is_public:
        remember(entry.incident, [entry.body])
    return entry


@transaction.atomic
def settle_hypothesis(*, entry: Entry, state: str, by: Actor, note: str = "") -> Entry:
    """Confirm or refute a hypothesis (G4); the note becomes a finding of the same visibility."""
    entry = timeline.set_hypothesis_state(entry=entry, state=state, by=by, note=note)
    if entry.is_public and note.strip():
        remember(entry.incident, [note])
    return entry
