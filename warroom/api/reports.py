"""REST: the community reports of an incident, and their moderation. Responders only, like the
whole API: a report's contact is internal."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from warroom.incidents.services import get_incident
from warroom.reports import services
from warroom.timeline.models import Entry

router = Router(tags=["reports"])


class ReportOut(Schema):
    id: int
    text: str
    region: str
    contact: str
    state: str
    received_at: datetime
    public_entry: int | None


def report_out(report: Entry) -> dict:
    return {
        "id": report.pk,
        "text": report.body,
        "region": report.data.get("region", ""),
        "contact": report.data.get("contact", ""),
        "state": services.state_of(report),
        "received_at": report.occurred_at,
        "public_entry": report.data.get("moderation", {}).get("entry"),
    }


@router.get(
    "/incidents/{slug}/reports",
    response=list[ReportOut],
    summary="Community reports, newest first, with their state",
)
def reports(request, slug: str):
    return [report_out(r) for r in services.reports_of(get_incident(slug))]


@router.post(
    "/reports/{report_id}/promote",
    response=ReportOut,
    summary="Promote a report to the public timeline (redacted, without the contact)",
)
def promote(request, report_id: int):
    report = services.get_report(report_id)
    services.promote(report=report, by=request.auth)
    report.refresh_from_db()
    return report_out(report)


@router.post("/reports/{report_id}/dismiss", response=ReportOut, summary="Dismiss a report")
def dismiss(request, report_id: int):
    return report_out(services.dismiss(report=services.get_report(report_id), by=request.auth))
