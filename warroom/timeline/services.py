"""Writing the timeline. Entries are appended; an edit adds a revision and keeps the old text.

Public entries also give the people they name a stand-in (`warroom.redaction`): write them
through `warroom.flows.entries`, which does both; internal notes of any app go through `note()`."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.incidents.models import Incident
from warroom.incidents.services import public_changed
from warroom.lib.errors import Invalid
from warroom.lib.times import check_occurred_at
from warroom.timeline.models import Entry, EntryRevision, HypothesisState, Kind, Visibility

MAX_BODY = 20_000


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid("the entry text is empty; write what happened")
    if len(body) > MAX_BODY:
        raise Invalid(f"the entry is {len(body)} characters long; the limit is {MAX_BODY}")
    return body


def _snapshot(entry: Entry, *, by: Actor, at: datetime) -> None:
    EntryRevision.objects.create(
        entry=entry,
        number=entry.revision,
        body=entry.body,
        kind=entry.kind,
        visibility=entry.visibility,
        hypothesis_state=entry.hypothesis_state,
        occurred_at=entry.occurred_at,
        edited_by=by,
        edited_at=at,
    )


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
    """Append an entry to the incident's timeline."""
    if kind not in Kind.values:
        raise Invalid(f"unknown kind {kind!r}; use one of {', '.join(Kind.values)}")
    if visibility not in Visibility.values:
        raise Invalid(f"unknown visibility {visibility!r}; use public or internal")
    now = timezone.now()
    entry = Entry.objects.create(
        incident=incident,
        kind=kind,
        visibility=visibility,
        author=author,
        occurred_at=check_occurred_at(occurred_at, now=now),
        recorded_at=now,
        body=_clean_body(body),
        hypothesis_state=HypothesisState.OPEN if kind == Kind.HYPOTHESIS else "",
        data=data or {},
    )
    _snapshot(entry, by=author, at=now)
    if entry.is_public:
        public_changed(incident)
    return entry


def note(
    incident: Incident,
    body: str,
    *,
    by: Actor = None,
    kind: str = Kind.EVENT,
    data: dict | None = None,
) -> Entry:
    """An internal entry: what the product did or was told, for the responders only."""
    return add_entry(
        incident=incident, body=body, author=by, kind=kind, visibility=Visibility.INTERNAL, data=data
    )


def _locked(entry: Entry) -> Entry:
    return Entry.objects.select_for_update(of=("self",)).select_related("incident").get(pk=entry.pk)


@transaction.atomic
def edit_entry(
    *,
    entry: Entry,
    by: Actor,
    body: str | None = None,
    visibility: str | None = None,
    occurred_at: datetime | None = None,
) -> Entry:
    """Change an entry's text, visibility or time as a new revision."""
    entry = _locked(entry)
    was_public = entry.is_public
    if body is not None:
        entry.body = _clean_body(body)
    if visibility is not None:
        if visibility not in Visibility.values:
            raise Invalid(f"unknown visibility {visibility!r}; use public or internal")
        entry.visibility = visibility
    if occurred_at is not None:
        entry.occurred_at = check_occurred_at(occurred_at)
    return _save_revision(entry, by=by, public_before=was_public)


def _save_revision(entry: Entry, *, by: Actor, public_before: bool) -> Entry:
    now = timezone.now()
    entry.revision += 1
    entry.save()
    _snapshot(entry, by=by, at=now)
    if public_before or entry.is_public:
        public_changed(entry.incident)
    return entry


@transaction.atomic
def set_hypothesis_state(*, entry: Entry, state: str, by: Actor, note: str = "") -> Entry:
    """Confirm or refute a hypothesis (G4). The note, if any, becomes a finding that refers to
    it, with the hypothesis's visibility."""
    entry = _locked(entry)
    if entry.kind != Kind.HYPOTHESIS:
        raise Invalid(f"entry {entry.pk} is a {entry.kind}, not a hypothesis")
    if state not in (HypothesisState.CONFIRMED, HypothesisState.REFUTED, HypothesisState.OPEN):
        raise Invalid(f"unknown hypothesis state {state!r}; use confirmed, refuted or open")
    entry.hypothesis_state = state
    _save_revision(entry, by=by, public_before=entry.is_public)
    if note.strip():
        add_entry(
            incident=entry.incident,
            body=note,
            author=by,
            kind=Kind.FINDING,
            visibility=entry.visibility,
            data={"about_entry": entry.pk, "hypothesis_state": state},
        )
    return entry
