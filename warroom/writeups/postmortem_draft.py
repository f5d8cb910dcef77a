"""The post-mortem's first draft, from the incident's PUBLIC record: the public projection, so
every text in it has passed the redactor and no internal entry is in it.

The Jinja2 template `postmortem.md.j2` ships with the other write-ups' (`warroom/writeups/
templates/`); a file of the same name in WARROOM_TEMPLATES_DIR replaces it (docs/postmortems.md
lists what a template may use).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from warroom.impact.models import Level
from warroom.incidents.models import Incident
from warroom.projection.incident import public_incident
from warroom.projection.types import PublicEntry, PublicImpact, PublicLevel
from warroom.writeups.templates import render

TEMPLATE = "postmortem.md.j2"
# Least to most severe, to say how bad it got at worst.
LEVELS: list[str] = [Level.NONE, Level.MAINTENANCE, Level.DEGRADED, Level.PARTIAL, Level.MAJOR]


def draft(incident: Incident) -> str:
    """The draft as Markdown; Invalid when an organisation's template cannot be used."""
    return render(TEMPLATE, **context(incident))


def context(incident: Incident) -> dict[str, Any]:
    """What the template may use. Times are datetimes in UTC, durations timedeltas."""
    state = public_incident(incident)
    started, resolved = incident.declared_at, incident.resolved_at
    return {
        "incident": {
            "title": state["title"],
            "slug": incident.slug,
            "severity": incident.severity,
            "severity_label": state["severity_label"],
            "summary": state["summary"],
            "url": state["url"],
        },
        "started_at": started,
        "detected_at": incident.detected_at,
        "resolved_at": resolved,
        "duration": resolved - started if resolved else None,
        "impact": _impact(state["impact"], end=resolved),
        "timeline": [_entry(e) for e in reversed(state["entries"])],
        "outage_issue_url": _outage_issue_url(incident),
    }


def _entry(entry: PublicEntry) -> dict[str, Any]:
    label = entry["kind_label"]
    state = entry["status_label"] or entry["hypothesis_label"]
    if state:
        label = f"{label} ({state.lower()})"
    return {"at": _parse(entry["occurred_at"]), "label": label, "text": entry["text"]}


def _impact(impact: PublicImpact, *, end: datetime | None) -> dict[str, Any]:
    """Per segment and component: its level now, its worst level, and how long it was affected
    (at any level but operational), from the history of assessments."""
    history: dict[tuple[str, str], list[tuple[datetime, str]]] = {}
    for change in impact["changes"]:
        history.setdefault((change["kind"], change["name"]), []).append(
            (_parse(change["at"]), change["level"])
        )

    def rows(kind: str, items: Sequence[PublicLevel]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            changes = history.get((kind, item["name"]), [])
            worst = max((level for _, level in changes), key=LEVELS.index, default=Level.NONE)
            out.append(
                {
                    "name": item["name"],
                    "level_label": item["level_label"],
                    "affected": worst != Level.NONE,
                    "worst_label": Level(worst).label,
                    "affected_for": _affected_for(changes, end),
                }
            )
        return out

    return {
        "segments": rows("segment", impact["segments"]),
        "components": rows("component", impact["components"]),
        "affected_customers": impact["affected_customers"],
    }


def _affected_for(changes: list[tuple[datetime, str]], end: datetime | None) -> timedelta | None:
    """The time spent at a level other than operational; None while it goes on."""
    total = timedelta()
    for (at, level), following in zip(changes, [*changes[1:], None], strict=True):
        if level == Level.NONE:
            continue
        until = following[0] if following else end
        if until is None:
            return None
        total += until - at
    return total


def _outage_issue_url(incident: Incident) -> str:
    """The exported outage issue (G9): `tracker_issues` exists when warroom.records does."""
    issues = getattr(incident, "tracker_issues", None)
    latest = issues.order_by("-exported_at").first() if issues is not None else None
    return latest.url if latest else ""


def _parse(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))
