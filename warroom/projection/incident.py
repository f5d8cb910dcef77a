"""The public projection: the one function that decides what the public may see of an incident.

Every public rendering (the live page, live.json, `warroom show --public`, and later feeds,
status JSON, posts and exports) is built from here, never from the models directly. It keeps
public entries only and passes every piece of text through the incident's redactor (G5): no
person's name, handle, e-mail or phone number leaves.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, overload

from django.conf import settings
from django.db.models import Max

from warroom.impact.models import LEVEL_WORDS, Component, Level, Segment
from warroom.incidents.models import (
    CLOSED_STATUSES,
    Incident,
    LiveStream,
    PostMortem,
    Severity,
    Status,
)
from warroom.lib import markdown
from warroom.projection import memos
from warroom.projection.types import (
    PublicChange,
    PublicEntry,
    PublicImpact,
    PublicIncident,
    PublicLevel,
    PublicLine,
    PublicPostMortem,
    PublicSegment,
)
from warroom.redaction.engine import Redactor
from warroom.redaction.services import contexts_for, redactor_for, roster_version
from warroom.timeline.models import HypothesisState, Kind, Visibility

SEVERITY_WORDS = {"S1": "critical", "S2": "major", "S3": "minor", "S4": "low"}
# Looked up per entry: an enum's label and values are slow to reach (a page has hundreds).
KIND_LABELS = dict(Kind.choices)
HYPOTHESIS_LABELS = dict(HypothesisState.choices)
STATUS_LABELS = dict(Status.choices)
LEVEL_LABELS = dict(Level.choices)


def public_text(text: str, redactor: Redactor) -> str:
    """Text as the public may read it: people replaced by their stand-ins."""
    key = ("redacted", redactor.fingerprint, text)
    return memos.texts.get(key, lambda: redactor.redact(text).text)


def _html(text: str) -> str:
    return memos.texts.get(("html", text), lambda: markdown.render(text))


@overload
def iso(value: datetime) -> str: ...
@overload
def iso(value: datetime | None) -> str | None: ...
def iso(value: datetime | None) -> str | None:
    """A time as the public JSON writes it: ISO 8601 in UTC with a Z."""
    return value.isoformat().replace("+00:00", "Z") if value else None


def _public_entry(entry: dict[str, Any], redactor: Redactor) -> PublicEntry:
    """One row of `public_entries()` as the public sees it."""
    text = public_text(entry["body"], redactor)
    kind = entry["kind"]
    item: PublicEntry = {
        "id": entry["id"],
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "occurred_at": iso(entry["occurred_at"]),
        "text": text,
        "html": _html(text),
        "hypothesis_state": "",
        "hypothesis_label": "",
        "status": "",
        "status_label": "",
    }
    if kind == Kind.HYPOTHESIS:
        item["hypothesis_state"] = entry["hypothesis_state"]
        item["hypothesis_label"] = HYPOTHESIS_LABELS[entry["hypothesis_state"]]
    status = entry["data"].get("status") if kind == Kind.STATUS else None
    if status in STATUS_LABELS:
        item["status"] = status
        item["status_label"] = STATUS_LABELS[status]
    return item


def _live_stream_url(incident: Incident) -> str | None:
    """The war room's stream, once the commander approved it (G11); before that it is internal."""
    stream = LiveStream.objects.filter(incident=incident, state=LiveStream.State.LIVE).first()
    return stream.url if stream else None


ENTRY_FIELDS = ("id", "kind", "occurred_at", "body", "hypothesis_state", "data")


def public_entries(incident: Incident):
    """The incident's public entries as rows (dicts of ENTRY_FIELDS), newest first."""
    public = incident.entries.filter(visibility=Visibility.PUBLIC)
    return public.order_by("-occurred_at", "-id").values(*ENTRY_FIELDS)


def public_incident(incident: Incident, window: slice | None = None) -> PublicIncident:
    """The public state of one incident, newest entry first: every entry, or those in `window`
    (a page of the HTML view). `entry_count` is the number of public entries in any case.

    The result may be shared with other callers (memos.records): read it, do not change it."""
    updated_at = Incident.objects.filter(pk=incident.pk).values_list("updated_at", flat=True)[0]
    if updated_at != incident.updated_at:  # an instance loaded before the last change
        incident = Incident.objects.get(pk=incident.pk)
    return _public_incident(incident, window, roster_version())


def _public_incident(incident: Incident, window: slice | None, roster: tuple) -> PublicIncident:
    """`public_incident` of an incident loaded before anything else was read for it."""
    shown = (window.start, window.stop) if window else None
    key = (incident.pk, incident.updated_at, roster, "record", shown)
    return memos.records.get(key, lambda: _record(incident, window))


def _record(incident: Incident, window: slice | None) -> PublicIncident:
    """Everything public of an incident: all of it moves the incident's `updated_at` when it
    changes (a renamed component too: impact.services.catalogue_changed)."""
    redactor = redactor_for(incident)
    public = incident.entries.filter(visibility=Visibility.PUBLIC)
    entries, count = _projected_entries(public, redactor, window)
    last_change = public.aggregate(Max("recorded_at"))["recorded_at__max"] or incident.declared_at
    return {
        "slug": incident.slug,
        "title": public_text(incident.title, redactor),
        "summary": public_text(incident.summary, redactor),
        "status": incident.status,
        "status_label": Status(incident.status).label,
        "severity": incident.severity,
        "severity_label": SEVERITY_WORDS[Severity(incident.severity).value],
        "started_at": iso(incident.declared_at),
        "resolved_at": iso(incident.resolved_at),
        "updated_at": iso(last_change),
        "url": f"{settings.PUBLIC_URL}{incident.public_path}",
        "live_stream_url": _live_stream_url(incident),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
        "entry_count": count,
        "impact": public_impact(incident),
        "postmortem": public_postmortem(incident, redactor),
        "entries": entries,
    }


FETCH_CHUNK = 1_000  # ids per query: within every database's limit on parameters


def _projected_entries(
    public, redactor: Redactor, window: slice | None
) -> tuple[list[PublicEntry], int]:
    """The entries of `public` in `window` (all without one), projected, newest first, and how
    many there are. Only those not in memos.entries under their revision and this redaction
    context are read in full: after a new entry, one."""
    versions = list(public.order_by("-occurred_at", "-id").values_list("id", "revision"))
    keys = [
        (pk, revision, redactor.fingerprint) for pk, revision in versions[window or slice(None)]
    ]
    found = [memos.entries.peek(key) for key in keys]
    missing = [key[0] for key, entry in zip(keys, found, strict=True) if entry is None]
    fetched: dict[int, PublicEntry] = {}
    for start in range(0, len(missing), FETCH_CHUNK):
        chunk = missing[start : start + FETCH_CHUNK]
        for row in public.filter(pk__in=chunk).values(*ENTRY_FIELDS, "revision"):
            fetched[row["id"]] = _public_entry(row, redactor)
            memos.entries.put(
                (row["id"], row["revision"], redactor.fingerprint), fetched[row["id"]]
            )
    # An entry changed between the two queries is shown as the second one read it (the change
    # moved the incident's updated_at: the next reader builds the record again); one deleted
    # or made internal in between is left out.
    entries = [entry or fetched.get(key[0]) for key, entry in zip(keys, found, strict=True)]
    return [entry for entry in entries if entry is not None], len(versions)


_HEADING = re.compile(r"<(/?)h([1-6])>")


def public_postmortem(incident: Incident, redactor: Redactor) -> PublicPostMortem | None:
    """The published post-mortem (G17), or None. Publishing refused it while it named anyone;
    it is redacted here all the same, as every public text is."""
    if incident.status != Status.POSTMORTEM:  # no query for the incidents without one
        return None
    published = (
        PostMortem.objects.filter(incident=incident, published_at__isnull=False)
        .values("published_body", "published_at")
        .first()
    )
    if published is None:
        return None
    html = _html(public_text(published["published_body"], redactor))
    # Its headings sit under the page's own h1 and the section's h2.
    demoted = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}>", html)
    return {"html": demoted, "published_at": iso(published["published_at"])}


def public_summaries(incidents, *, detail: bool = True) -> list[PublicLine]:
    """Lines of the status page, one per incident (a queryset: each is read before its line):
    its redacted title and times, and with `detail` its latest public update and who is affected
    (the open incidents). Lines are kept in memos.records; the redaction contexts of those that
    are not come in one go, as the page lists dozens."""
    incidents = list(incidents)
    roster = roster_version()
    keys = [(i.pk, i.updated_at, roster, "line", detail) for i in incidents]
    found = [memos.records.peek(key) for key in keys]
    missing = [i for i, line in zip(incidents, found, strict=True) if line is None]
    contexts = contexts_for(missing) if missing else {}
    lines = []
    for incident, key, line in zip(incidents, keys, found, strict=True):
        if line is None:
            line = _line(incident, Redactor(contexts[incident.pk]), detail)
            memos.records.put(key, line)
        lines.append(line)
    return lines


def _line(incident: Incident, redactor: Redactor, detail: bool) -> PublicLine:
    line: PublicLine = {
        "slug": incident.slug,
        "title": public_text(incident.title, redactor),
        "status": incident.status,
        "status_label": Status(incident.status).label,
        "severity_label": SEVERITY_WORDS[incident.severity],
        "started_at": iso(incident.declared_at),
        "resolved_at": iso(incident.resolved_at),
        "url": incident.public_path,
    }
    if detail:
        latest = public_entries(incident).first()
        line["latest"] = _public_entry(latest, redactor) if latest else None
        line["segments"] = public_impact(incident)["segments"]
    return line


def public_impact(incident: Incident) -> PublicImpact:
    """What the incident affects as the public sees it: each assessed component's and segment's
    current level, a plain sentence per segment, how many customers are affected (never who),
    and every change with its time. Component and segment names are the operator's product
    vocabulary, not incident text: they are shown as configured."""
    current: dict[tuple[str, int], tuple[Component | Segment, str]] = {}
    changes: list[PublicChange] = []
    for a in incident.assessments.select_related("component", "segment"):  # oldest first
        target: Component | Segment = a.component or a.segment  # type: ignore[assignment]
        kind = "component" if a.component_id else "segment"
        current[(kind, target.pk)] = (target, a.level)
        changes.append(
            {
                "at": iso(a.at),
                "kind": kind,
                "name": target.name,
                "level": a.level,
                "level_label": LEVEL_LABELS[a.level],
            }
        )

    def of(kind: str) -> list[PublicLevel]:
        assessed = [(t, level) for (k, _), (t, level) in current.items() if k == kind]
        return [
            {"slug": t.slug, "name": t.name, "level": level, "level_label": LEVEL_LABELS[level]}
            for t, level in sorted(assessed, key=lambda pair: (pair[0].position, pair[0].name))
        ]

    segments: list[PublicSegment] = [
        {**level, "sentence": f"{level['name']}: {LEVEL_WORDS[Level(level['level'])]}."}
        for level in of("segment")
    ]
    return {
        "components": of("component"),
        "segments": segments,
        "affected_customers": incident.affected_customers.count(),
        "changes": changes,
    }


def public_incidents(*, unresolved: bool = False, limit: int | None = None) -> list[PublicIncident]:
    """The public state of incidents, newest first: the unresolved ones, or the `limit` newest."""
    incidents = Incident.objects.all()
    if unresolved:
        incidents = incidents.exclude(status__in=CLOSED_STATUSES)
    roster = roster_version()
    return [_public_incident(i, None, roster) for i in incidents[:limit]]


def last_public_change() -> str | None:
    """When something public last changed: an incident declared, changed or resolved (a public
    entry, an edit or an impact assessment moves its `updated_at`). None before the first
    incident. One small aggregate, not a scan of every entry."""
    times = [
        *Incident.objects.aggregate(
            Max("declared_at"), Max("updated_at"), Max("resolved_at")
        ).values(),
    ]
    return iso(max((t for t in times if t), default=None))
