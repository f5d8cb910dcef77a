"""The outage issue (G9) as a document, and its Markdown.

Built only from the public projection (`public_incident`), so it holds what the public page
shows and nothing else: redacted text, public entries, counts of customers but never who.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from warroom.impact.models import LEVEL_WORDS, Level
from warroom.impact.services import WORST_FIRST
from warroom.incidents.models import Incident
from warroom.projection.incident import public_incident
from warroom.projection.types import PublicChange, PublicEntry

SEVERITY_LABEL = "severity::{}"  # GitLab's scoped-label form; a plain label on GitHub


Span = tuple[str, datetime | None, datetime | None]  # worst level, first affected, last back


@dataclass(frozen=True)
class Row:
    at: str  # "2026-11-29 14:02 UTC"
    label: str  # "Finding", "Hypothesis (confirmed)", "Status update (Resolved)"
    text: str


@dataclass(frozen=True)
class IssueDocument:
    title: str
    summary: str
    facts: list[tuple[str, str]]
    segments: list[str]  # one plain sentence per customer segment
    components: list[str]
    affected_customers: int
    timeline: list[Row]  # oldest first
    links: list[tuple[str, str]]
    labels: list[str]


def issue_document(incident: Incident, *, labels: Sequence[str] = ()) -> IssueDocument:
    """The outage issue of `incident`; `labels` come after `outage` (the playbook step's)."""
    state = public_incident(incident)
    impact = state["impact"]
    started, resolved = _parse(state["started_at"]), _time(state["resolved_at"])
    spans = _spans(impact["changes"], resolved)
    facts = [
        ("Severity", f"{state['severity']} ({state['severity_label']})"),
        ("Status", state["status_label"]),
        ("Started", _utc(started)),
    ]
    if resolved:
        facts.append(("Resolved", f"{_utc(resolved)}, after {_duration(resolved - started)}"))
    affected = [c for c in impact["components"] if spans[("component", c["name"])][0] != Level.NONE]
    severity_label = SEVERITY_LABEL.format(state["severity"])
    return IssueDocument(
        title=f"Outage {started:%Y-%m-%d}: {state['title']}",
        summary=state["summary"],
        facts=facts,
        segments=[
            _impact_line(s["name"], spans[("segment", s["name"])]) for s in impact["segments"]
        ],
        components=[_impact_line(c["name"], spans[("component", c["name"])]) for c in affected],
        affected_customers=impact["affected_customers"],
        timeline=[_row(e) for e in reversed(state["entries"])],
        links=[("Public incident page", state["url"]), ("Status page", f"{settings.PUBLIC_URL}/")],
        labels=list(
            dict.fromkeys(["outage", *labels, severity_label, *(c["slug"] for c in affected)])
        ),
    )


def _spans(changes: list[PublicChange], resolved: datetime | None) -> dict[tuple[str, str], Span]:
    """Per (kind, name): the worst level it reached and from when until when it was affected;
    an incident that ended with something still affected ends its span."""
    worst: dict[tuple[str, str], str] = {}
    first: dict[tuple[str, str], datetime] = {}
    since: dict[tuple[str, str], datetime | None] = {}
    last: dict[tuple[str, str], datetime | None] = {}
    for change in changes:  # oldest first
        key, at, level = (change["kind"], change["name"]), _parse(change["at"]), change["level"]
        worst.setdefault(key, Level.NONE)
        if level == Level.NONE:
            if since.get(key):
                last[key], since[key] = at, None
            continue
        if WORST_FIRST.index(Level(level)) < WORST_FIRST.index(Level(worst[key])):
            worst[key] = level
        first.setdefault(key, at)
        since[key] = since.get(key) or at
    for key, start in since.items():
        if start:
            last[key] = resolved
    return {key: (worst[key], first.get(key), last.get(key)) for key in worst}


def _impact_line(name: str, span: Span) -> str:
    """In the public page's plain words: the worst it got, and from when to when."""
    return f"{name}: {LEVEL_WORDS[Level(span[0])]}." + _when(span)


def _when(span: Span) -> str:
    _, start, end = span
    if start is None:
        return ""
    if end is None:
        return f" Since {_utc(start)}."
    return f" From {_utc(start)} to {_utc(end)} ({_duration(end - start)})."


def _row(entry: PublicEntry) -> Row:
    if entry["hypothesis_label"]:
        label = f"{entry['kind_label']} ({entry['hypothesis_label'].lower()})"
    elif entry["status_label"]:
        label = f"{entry['kind_label']} ({entry['status_label']})"
    else:
        label = entry["kind_label"]
    return Row(at=_utc(_parse(entry["occurred_at"])), label=label, text=entry["text"])


def _parse(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _time(iso: str | None) -> datetime | None:
    return _parse(iso) if iso else None


def _utc(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _duration(delta: timedelta) -> str:
    days, rest = divmod(int(delta.total_seconds() // 60), 1440)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min")]
    return " ".join(f"{n} {unit}" for n, unit in parts if n) or "under a minute"


# A line that starts with "/" is a quick action in a GitLab description (/close, /assign …):
# text from the timeline must never act on the issue.
_COMMAND = re.compile(r"^(\s*)/", re.MULTILINE)


def _inert(text: str) -> str:
    return _COMMAND.sub(r"\1\\/", text)


def markdown(doc: IssueDocument, *, heading: bool = False, limit: int | None = None) -> str:
    """The issue's body (with the title as a heading for a file). Past `limit` characters the
    timeline stops where it fits and points to the public page for the rest."""
    head = [f"# {_inert(doc.title)}", ""] if heading else []
    if doc.summary:
        head += ["## Summary", "", _inert(doc.summary), ""]
    head += [f"- **{name}:** {value}" for name, value in doc.facts] + [""]
    head += _impact(doc)
    tail = ["", "## Links", "", *(f"- {name}: {url}" for name, url in doc.links), ""]
    tail += [
        "_Written by warroom from the public record of the incident. The next export replaces "
        "this description._",
        "",
    ]
    head += ["## Timeline (UTC)", ""]
    rows = [_timeline_row(row) for row in doc.timeline]
    if limit is not None:
        rows = _fitting(rows, limit - len("\n".join(head + tail)) - 2, doc.links[0][1])
    return "\n".join([*head, *rows, *tail])


def _impact(doc: IssueDocument) -> list[str]:
    lines = ["## Impact", ""]
    lines += [f"- {sentence}" for sentence in doc.segments] or ["- Not assessed."]
    if doc.components:
        lines += ["", "Components:", "", *(f"- {line}" for line in doc.components)]
    if doc.affected_customers:
        lines += ["", f"Affected customers: {doc.affected_customers}."]
    return [*lines, ""]


def _timeline_row(row: Row) -> str:
    text = _inert(row.text).replace("\n", "\n  ")  # continuation lines stay in the list item
    return f"- **{row.at.removesuffix(' UTC')}** · {row.label}: {text}"


def _fitting(rows: list[str], room: int, public_url: str) -> list[str]:
    """The first rows that fit in `room` characters, and a last one that says where the rest is."""
    if sum(len(r) + 1 for r in rows) <= room:
        return rows
    kept: list[str] = []
    used = len(f"- … {len(rows)} more entries are on the public page: {public_url}") + 1
    for row in rows:
        if used + len(row) + 1 > room:
            break
        kept.append(row)
        used += len(row) + 1
    return [*kept, f"- … {len(rows) - len(kept)} more entries are on the public page: {public_url}"]
