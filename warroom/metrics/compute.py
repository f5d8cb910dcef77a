"""Incident metrics, from the record. What each one measures (docs/metrics.md):

- time to declare: from detection (`detected_at`, when someone gave it) to the declaration;
- time to first public update: from the declaration to the first public entry after the one the
  declaration itself writes (the page opens with it);
- time between public updates: the gaps between public entries until the incident was resolved
  (the longest gap is what a waiting customer felt);
- time to mitigate: from the declaration to the first status change to "monitoring" (a fix is in
  place), or to resolution when it went straight there;
- time to resolve: from the declaration to the resolution.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from warroom.incidents.models import Incident, Status
from warroom.metrics.words import METRICS
from warroom.timeline.models import Entry, Kind, Visibility

PERIODS = [30, 90, 365]  # days the metrics page and `warroom metrics --days` offer
MAX_INCIDENTS = 1000


def recent(days: int):
    """The incidents declared in the last `days`, newest first."""
    since = timezone.now() - timedelta(days=days)
    return Incident.objects.filter(declared_at__gte=since).order_by("-declared_at")[:MAX_INCIDENTS]


@dataclass(frozen=True)
class IncidentMetrics:
    slug: str
    title: str
    severity: str
    declared_at: datetime
    seconds: dict[str, float | None]  # per METRICS key; None where it does not apply yet
    median_gap_seconds: float | None
    public_updates: int

    def as_dict(self) -> dict:
        return {
            "slug": self.slug,
            "title": self.title,
            "severity": self.severity,
            "declared_at": self.declared_at.isoformat(),
            **self.seconds,
            "median_gap_between_public_updates": self.median_gap_seconds,
            "public_updates": self.public_updates,
        }


def for_incidents(incidents) -> list[IncidentMetrics]:
    """The metrics of these incidents, oldest first, with one query for all their entries."""
    incidents = list(incidents)
    public: dict[int, list[tuple[datetime, str, dict]]] = defaultdict(list)
    rows = (
        Entry.objects.filter(incident__in=incidents, visibility=Visibility.PUBLIC)
        .order_by("recorded_at", "id")
        .values_list("incident_id", "recorded_at", "kind", "data")
    )
    for incident_id, recorded_at, kind, data in rows:
        public[incident_id].append((recorded_at, kind, data or {}))
    return sorted(
        (_metrics(i, public[i.pk]) for i in incidents), key=lambda m: (m.declared_at, m.slug)
    )


def _metrics(incident: Incident, public: list[tuple[datetime, str, dict]]) -> IncidentMetrics:
    declared, resolved = incident.declared_at, incident.resolved_at
    times = [at for at, _, _ in public if resolved is None or at <= resolved]
    after_declaration = times[1:]  # the first one is the declaration's own
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    monitoring = next(
        (
            at
            for at, kind, data in public
            if kind == Kind.STATUS and data.get("status") == Status.MONITORING
        ),
        None,
    )
    mitigated = monitoring or resolved
    seconds = {
        "time_to_declare": _between(incident.detected_at, declared),
        "time_to_first_public_update": _between(
            declared, after_declaration[0] if after_declaration else None
        ),
        "longest_gap_between_public_updates": max(gaps) if gaps else None,
        "time_to_mitigate": _between(declared, mitigated),
        "time_to_resolve": _between(declared, resolved),
    }
    return IncidentMetrics(
        slug=incident.slug,
        title=incident.title,
        severity=incident.severity,
        declared_at=declared,
        seconds=seconds,
        median_gap_seconds=statistics.median(gaps) if gaps else None,
        public_updates=len(times),
    )


def _between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds(), 0.0)


def summary(metrics: list[IncidentMetrics]) -> dict[str, dict[str, float | int | None]]:
    """Across incidents: per metric, how many incidents have it, and its median and worst."""
    result = {}
    for key in METRICS:
        values = [v for m in metrics if (v := m.seconds[key]) is not None]
        result[key] = {
            "incidents": len(values),
            "median": statistics.median(values) if values else None,
            "max": max(values) if values else None,
        }
    return result
