"""The shapes of the public projection. They are JSON as they stand (live.json serves
`PublicIncident` whole, the templates read its keys), so they are TypedDicts, not classes: the
type checker knows every key, and nothing converts them on the way out. Times are ISO 8601 in UTC
with a `Z`; every text has passed the redactor."""

from __future__ import annotations

from typing import TypedDict


class PublicEntry(TypedDict):
    id: int
    kind: str
    kind_label: str
    occurred_at: str
    text: str
    html: str
    # Always present, empty when they do not apply: templates and scripts test them.
    hypothesis_state: str
    hypothesis_label: str
    status: str
    status_label: str


class PublicLevel(TypedDict):
    """A component's or segment's level as the incident assessed it last."""

    slug: str
    name: str
    level: str
    level_label: str


class PublicSegment(PublicLevel):
    sentence: str  # "SaaS: unavailable (major outage)."


class PublicChange(TypedDict):
    """One assessment, oldest first: what changed for whom, when."""

    at: str
    kind: str  # "component" or "segment"
    name: str
    level: str
    level_label: str


class PublicImpact(TypedDict):
    components: list[PublicLevel]
    segments: list[PublicSegment]
    affected_customers: int  # how many; never who
    changes: list[PublicChange]


class PublicPostMortem(TypedDict):
    html: str
    published_at: str | None


class PublicIncident(TypedDict):
    slug: str
    title: str
    summary: str
    status: str
    status_label: str
    severity: str
    severity_label: str
    started_at: str
    resolved_at: str | None
    updated_at: str
    url: str
    live_stream_url: str | None
    poll_seconds: int
    entry_count: int
    impact: PublicImpact
    postmortem: PublicPostMortem | None
    entries: list[PublicEntry]  # newest first


class PublicLine(TypedDict, total=False):
    """An incident's line on the status page; `latest` and `segments` for the open ones."""

    slug: str
    title: str
    status: str
    status_label: str
    severity_label: str
    started_at: str
    resolved_at: str | None
    url: str
    latest: PublicEntry | None
    segments: list[PublicSegment]


class ComponentState(TypedDict):
    slug: str
    name: str
    description: str
    position: int
    updated_at: str | None
    level: str
    level_label: str
