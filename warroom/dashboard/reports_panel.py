"""What the cockpit shows of the community reports (G15): the inbox of pending reports, and the
fingerprint its poll compares. Presentation only; the reports services say what is pending."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max

from warroom.incidents.models import Incident
from warroom.reports import services


def fingerprint(incident: Incident) -> str:
    # Reports only arrive (a larger id) or leave (a smaller count): these two see every change.
    totals = services.pending(incident).aggregate(count=Count("id"), newest=Max("id"))
    return f"{totals['count']}.{totals['newest'] or 0}"


def context(incident: Incident) -> dict[str, Any]:
    return {
        "reports": list(services.pending(incident)),
        "reports_fingerprint": fingerprint(incident),
    }
