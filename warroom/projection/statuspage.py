"""Statuspage's public v2 JSON, built from the public projection, so that status consumers
(dashboards, exporters, chat bots) pointed at warroom's `/api/v2/` read it unchanged.

The format, as Statuspage documents it on every page's `/api` (e.g. status.atlassian.com/api)
and as its consumers read it:

- page: {id, name, url, time_zone, updated_at}.
- status: {indicator, description}. The indicator is "one of none, minor, major, or critical",
  the description "a human description of the blended component status", e.g. "All Systems
  Operational", "Partial System Outage", "Major Service Outage"; Statuspage's list of top-level
  statuses adds "Minor Service Outage". Those four are ours, one per indicator.
- component: {id, name, status, created_at, updated_at, position, description, showcase,
  start_date, group_id, page_id, group, only_show_if_degraded}; status is operational,
  degraded_performance, partial_outage, major_outage or under_maintenance.
- incident: {id, name, status, created_at, updated_at, monitoring_at, resolved_at, impact,
  shortlink, started_at, page_id, incident_updates, components}; status is investigating,
  identified, monitoring, resolved or postmortem, impact none, minor, major or critical.
- incident update: {id, status, body, incident_id, created_at, updated_at, display_at,
  affected_components, deliver_notifications, custom_tweet, tweet_id}, newest first.
- summary.json holds the unresolved incidents; incidents.json the 50 most recent;
  incidents/unresolved.json those investigating, identified or monitoring.

How warroom fills each field (the full table is docs/statuspage.md):
- ids are strings: the incident's and component's slugs, the entry's number, and for the page a
  hash of WARROOM_PUBLIC_URL.
- An incident's impact comes from its severity (IMPACT_OF_SEVERITY).
- Its updates are all its public entries (status changes and the other public updates), each
  with the status the incident had when it was posted; hypotheses say they are one.
- The page's indicator is the worst of the unresolved incidents' impacts and of what each
  component's state implies: major outage → critical, partial outage → major, degraded → minor,
  maintenance → none. Statuspage's pages pair them so: "critical" comes with "Major System
  Outage" (a component in major outage), "major" with "Partial System Outage".
- warroom has no groups, no maintenances and no tweets: those fields are constant.

The shapes are pure functions of projection data; the documents at the end (`summary()`, …)
read the projection for them, as the views and the subscribers' webhooks serve them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings

from warroom.impact.models import Level
from warroom.projection.components import component_history, component_states
from warroom.projection.incident import last_public_change, public_incidents
from warroom.projection.types import ComponentState, PublicChange, PublicEntry, PublicIncident

# Also the `impact` of the subscribers' webhook payload: one mapping for both.
IMPACT_OF_SEVERITY = {"S1": "critical", "S2": "major", "S3": "minor", "S4": "minor"}

IMPACTS = ["none", "minor", "major", "critical"]  # least to most severe
DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major Service Outage",
}
IMPACT_OF_COMPONENT = {
    "operational": "none",
    "under_maintenance": "none",  # planned, and the indicator has no value for it
    "degraded_performance": "minor",
    "partial_outage": "major",
    "major_outage": "critical",
}
# warroom does not record when a component was added, and consumers need a timestamp.
UNKNOWN_TIME = "1970-01-01T00:00:00Z"


def page_id() -> str:
    """Stable as long as the public URL is; shaped like Statuspage's (12 letters and digits)."""
    return hashlib.blake2b(settings.PUBLIC_URL.encode(), digest_size=6).hexdigest()


def page(updated_at: str | None) -> dict[str, Any]:
    return {
        "id": page_id(),
        "name": settings.PAGE_NAME,
        "url": settings.PUBLIC_URL,
        "time_zone": settings.TIME_ZONE,
        "updated_at": updated_at or UNKNOWN_TIME,
    }


def components(
    states: list[ComponentState], history: dict[str, dict[str, str | None]]
) -> list[dict[str, Any]]:
    """Every component in page order, from `component_states()` and `component_history()`.
    Positions count from 1, as Statuspage's do."""
    return [
        _component(state, history.get(state["slug"], {}), position)
        for position, state in enumerate(states, 1)
    ]


def _component(
    state: ComponentState, times: dict[str, str | None], position: int
) -> dict[str, Any]:
    created = times.get("first") or UNKNOWN_TIME
    return {
        "id": state["slug"],
        "name": state["name"],
        "status": "operational" if state["level"] == Level.NONE else state["level"],
        "created_at": created,
        "updated_at": times.get("changed") or created,
        "position": position,
        "description": state["description"] or None,
        "showcase": True,
        "start_date": None,
        "group_id": None,
        "page_id": page_id(),
        "group": False,
        "only_show_if_degraded": False,
    }


def incident(state: PublicIncident, page_components: list[dict]) -> dict[str, Any]:
    """One incident from its `public_incident()` state; `page_components` from `components()`."""
    changes = state["impact"]["changes"]
    return {
        "id": state["slug"],
        "name": state["title"],
        "status": state["status"],
        "created_at": state["started_at"],
        "updated_at": _latest(state["updated_at"], *(change["at"] for change in changes)),
        "monitoring_at": next(
            (e["occurred_at"] for e in state["entries"] if e["status"] == "monitoring"), None
        ),
        "resolved_at": state["resolved_at"],
        "impact": IMPACT_OF_SEVERITY[state["severity"]],
        "shortlink": state["url"],
        "started_at": state["started_at"],
        "page_id": page_id(),
        "incident_updates": _updates(state),
        "components": _affected(changes, page_components),
    }


def _affected(changes: list[PublicChange], page_components: list[dict]) -> list[dict]:
    """The components the incident ever gave a level other than operational: Statuspage keeps
    them on the incident after it ends."""
    names = {c["name"] for c in changes if c["kind"] == "component" and c["level"] != Level.NONE}
    return [c for c in page_components if c["name"] in names]


def _updates(state: PublicIncident) -> list[dict[str, Any]]:
    updates = []
    status, declared = "investigating", False
    for entry in reversed(state["entries"]):  # oldest first, to know the status of the moment
        status = entry["status"] or status
        # Status changes went to the subscribers; the first one, the declaration, did not.
        notified = declared and entry["kind"] == "status"
        declared = declared or entry["kind"] == "status"
        updates.append(
            {
                "id": str(entry["id"]),
                "status": status,
                "body": _body(entry),
                "incident_id": state["slug"],
                "created_at": entry["occurred_at"],
                "updated_at": entry["occurred_at"],
                "display_at": entry["occurred_at"],
                "affected_components": None,
                "deliver_notifications": notified,
                "custom_tweet": None,
                "tweet_id": None,
            }
        )
    return updates[::-1]


def _body(entry: PublicEntry) -> str:
    # A guess must not read as a fact: as on the public page, a hypothesis says what it is.
    if entry["hypothesis_label"]:
        return f"{entry['kind_label']} ({entry['hypothesis_label'].lower()}): {entry['text']}"
    return entry["text"]


def status(unresolved: list[dict], page_components: list[dict]) -> dict[str, str]:
    """The page's indicator: the worst of the unresolved incidents' impacts and of what the
    components' states imply."""
    impacts = [i["impact"] for i in unresolved]
    impacts += [IMPACT_OF_COMPONENT[c["status"]] for c in page_components]
    indicator = max(impacts, key=IMPACTS.index, default="none")
    return {"indicator": indicator, "description": DESCRIPTIONS[indicator]}


def _latest(*times: str | None) -> str | None:
    return max((t for t in times if t), key=datetime.fromisoformat, default=None)


# ---- the documents ----------------------------------------------------------------------------

RECENT_INCIDENTS = 50  # what Statuspage's incidents.json lists


def page_document() -> dict[str, Any]:
    return page(last_public_change())


def component_documents() -> list[dict[str, Any]]:
    return components(component_states(), component_history())


def incident_documents(page_components: list[dict], **which: Any) -> list[dict[str, Any]]:
    return [incident(state, page_components) for state in public_incidents(**which)]


def summary() -> dict[str, Any]:
    page_components = component_documents()
    unresolved = incident_documents(page_components, unresolved=True)
    return {
        "page": page_document(),
        "components": page_components,
        "incidents": unresolved,
        "scheduled_maintenances": [],
        "status": status(unresolved, page_components),
    }


def page_status() -> dict[str, str]:
    """The page's indicator and its description now (also in each subscriber webhook)."""
    return summary()["status"]
