"""The public projection: the one function that decides what the public may see of an incident.

Every public rendering (the live page, live.json, `warroom show --public`, and later feeds,
status JSON, posts and exports) is built from here, never from the models directly. It keeps
public entries only and passes every piece of text through the incident's redactor (G5): no
person's name, handle, e-mail or phone number leaves.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from warroom.blameless.services import redactor_for
from warroom.incidents.models import Incident, Severity, Status
from warroom.lib import markdown
from warroom.redaction import Redactor
from warroom.timeline.models import Entry, HypothesisState, Kind, Visibility

SEVERITY_WORDS = {"S1": "critical", "S2": "major", "S3": "minor", "S4": "low"}


def public_text(text: str, redactor: Redactor) -> str:
    """Text as the public may read it: people replaced by their stand-ins."""
    return _memo(("redacted", redactor.fingerprint, text), lambda: redactor.redact(text).text)


def _html(text: str) -> str:
    return _memo(("html", text), lambda: markdown.render(text))


# Redacting and rendering are pure functions of their inputs (the redaction context is part of
# the key), and a page re-rendered after a new entry shares all but one of them: keep the results.
_memos: dict[tuple, str] = {}
MEMO_MAX = 50_000


def _memo(key: tuple, compute) -> str:
    value = _memos.get(key)
    if value is None:
        if len(_memos) >= MEMO_MAX:
            _memos.clear()
        value = _memos[key] = compute()
    return value


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _public_entry(entry: Entry, redactor: Redactor) -> dict[str, Any]:
    text = public_text(entry.body, redactor)
    item: dict[str, Any] = {
        "id": entry.pk,
        "kind": entry.kind,
        "kind_label": Kind(entry.kind).label,
        "occurred_at": _iso(entry.occurred_at),
        "text": text,
        "html": _html(text),
        # Always present, empty when they do not apply: templates and scripts test them.
        "hypothesis_state": "",
        "hypothesis_label": "",
        "status": "",
        "status_label": "",
    }
    if entry.kind == Kind.HYPOTHESIS:
        item["hypothesis_state"] = entry.hypothesis_state
        item["hypothesis_label"] = HypothesisState(entry.hypothesis_state).label
    if entry.kind == Kind.STATUS and entry.data.get("status") in Status.values:
        item["status"] = entry.data["status"]
        item["status_label"] = Status(entry.data["status"]).label
    return item


def _live_stream_url(incident: Incident) -> str | None:
    """The war room's stream, once the commander approved it (G11); before that it is internal."""
    from warroom.playbooks.models import LiveStream

    stream = LiveStream.objects.filter(incident=incident, state=LiveStream.State.LIVE).first()
    return stream.url if stream else None


def public_entries(incident: Incident):
    return incident.entries.filter(visibility=Visibility.PUBLIC).order_by("-occurred_at", "-id")


def public_incident(incident: Incident, window: slice | None = None) -> dict[str, Any]:
    """The public state of one incident, newest entry first: every entry, or those in `window`
    (a page of the HTML view). `entry_count` is the number of public entries in any case."""
    redactor = redactor_for(incident)
    rows = list(public_entries(incident))
    shown = rows[window] if window else rows
    entries = [_public_entry(e, redactor) for e in shown]
    last_change = max((e.recorded_at for e in rows), default=incident.declared_at)
    return {
        "slug": incident.slug,
        "title": public_text(incident.title, redactor),
        "summary": public_text(incident.summary, redactor),
        "status": incident.status,
        "status_label": Status(incident.status).label,
        "severity": incident.severity,
        "severity_label": SEVERITY_WORDS[Severity(incident.severity).value],
        "started_at": _iso(incident.declared_at),
        "resolved_at": _iso(incident.resolved_at),
        "updated_at": _iso(last_change),
        "url": f"{settings.PUBLIC_URL}{incident.public_path}",
        "live_stream_url": _live_stream_url(incident),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
        "entry_count": len(rows),
        "entries": entries,
    }


def public_summary(incident: Incident) -> dict[str, Any]:
    """One line of the status page: the incident and its latest public update."""
    redactor = redactor_for(incident)
    latest = public_entries(incident).first()
    return {
        "slug": incident.slug,
        "title": public_text(incident.title, redactor),
        "status": incident.status,
        "status_label": Status(incident.status).label,
        "severity_label": SEVERITY_WORDS[incident.severity],
        "started_at": _iso(incident.declared_at),
        "resolved_at": _iso(incident.resolved_at),
        "url": incident.public_path,
        "latest": _public_entry(latest, redactor) if latest else None,
    }
