"""REST: incident metrics, per incident and across incidents (seconds; null where it does not
apply yet)."""

from __future__ import annotations

from ninja import Router

from warroom.incidents.services import get_incident
from warroom.lib.errors import Invalid
from warroom.metrics.compute import PERIODS, for_incidents, recent, summary

router = Router(tags=["metrics"])


@router.get("/metrics", summary="Metrics across the incidents of the last `days` days")
def across(request, days: int = 90):
    if days not in PERIODS:
        raise Invalid(f"days must be one of {', '.join(map(str, PERIODS))}")
    rows = for_incidents(recent(days))
    return {"days": days, "summary": summary(rows), "incidents": [m.as_dict() for m in rows]}


@router.get("/incidents/{slug}/metrics", summary="One incident's metrics")
def one(request, slug: str):
    (metrics,) = for_incidents([get_incident(slug)])
    return metrics.as_dict()
