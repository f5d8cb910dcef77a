"""Community reports (G15): what visitors see, sent from the public page of an incident.

A report is an internal timeline entry of kind "report", with the visitor's region and contact
in its data: responders read it, the public sees nothing of it. A responder promotes it, which
appends a new public entry through the timeline services (so it passes the redactor like every
public entry, and the contact is never copied), or dismisses it. The verdict is kept in the
report's data under "moderation"; the entry's text is never changed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.incidents.models import Incident
from warroom.lib.errors import Conflict, Invalid, NotFound
from warroom.redaction.services import remember
from warroom.timeline.models import Entry, Kind, Visibility
from warroom.timeline.services import add_entry, note

MAX_TEXT = 2_000
MAX_REGION = 100
MAX_CONTACT = 200

PENDING, PROMOTED, DISMISSED = "pending", "promoted", "dismissed"


def _checked(value: str, *, field: str, limit: int) -> str:
    if len(value) > limit:
        raise Invalid(f"The {field} is {len(value)} characters long; it may have at most {limit}.")
    return value


@transaction.atomic
def submit(*, incident: Incident, text: str, region: str = "", contact: str = "") -> Entry:
    """File a visitor's report on an open incident, as an internal entry."""
    if not incident.is_open:
        raise Conflict("This incident is resolved, so it no longer takes reports.")
    # Browsers send a textarea's line breaks as CRLF but count them as one character.
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise Invalid("Tell us what you are seeing: the description is empty.")
    data = {
        "region": _checked(" ".join(region.split()), field="region", limit=MAX_REGION),
        "contact": _checked(" ".join(contact.split()), field="contact", limit=MAX_CONTACT),
    }
    return add_entry(
        incident=incident,
        body=_checked(text, field="description", limit=MAX_TEXT),
        author=None,
        kind=Kind.REPORT,
        visibility=Visibility.INTERNAL,
        data=data,
    )


def _visitors_reports() -> QuerySet[Entry]:
    # A promoted copy is a report too, but public and pointing back at its origin: not one.
    return Entry.objects.filter(kind=Kind.REPORT, visibility=Visibility.INTERNAL).exclude(
        data__has_key="promoted_from"
    )


def reports_of(incident: Incident) -> QuerySet[Entry]:
    """The visitors' reports on an incident, newest first, whatever their state."""
    return _visitors_reports().filter(incident=incident)


def pending(incident: Incident) -> QuerySet[Entry]:
    """The reports nobody has promoted or dismissed yet: the moderation inbox."""
    return reports_of(incident).exclude(data__has_key="moderation")


def state_of(report: Entry) -> str:
    return report.data.get("moderation", {}).get("state", PENDING)


def get_report(report_id: int, *, incident: Incident | None = None) -> Entry:
    reports = reports_of(incident) if incident is not None else _visitors_reports()
    report = reports.filter(pk=report_id).first()
    if report is None:
        raise NotFound(f"there is no community report {report_id}")
    return report


def _pending_locked(report: Entry) -> Entry:
    """The report under a row lock, so that two responders cannot both promote it."""
    report = (
        Entry.objects.select_for_update(of=("self",)).select_related("incident").get(pk=report.pk)
    )
    if state_of(report) != PENDING:
        raise Conflict(f"community report {report.pk} is already {state_of(report)}")
    return report


def _judge(report: Entry, state: str, *, by: Actor, **facts) -> None:
    report.data = {
        **report.data,
        "moderation": {
            "state": state,
            "by": by.get_username() if by else "",
            "at": timezone.now().isoformat(),
            **facts,
        },
    }
    report.save(update_fields=["data"])


def public_text(report: Entry) -> str:
    """What the public reads once the report is promoted: what was seen and where, no contact."""
    region = report.data.get("region")
    who = f"A user in {region}" if region else "A user"
    return f"{who} reports: {report.body}"


@transaction.atomic
def promote(*, report: Entry, by: Actor) -> Entry:
    """Publish a report on the public timeline; returns the new public entry."""
    report = _pending_locked(report)
    public = add_entry(
        incident=report.incident,
        body=public_text(report),
        author=by,
        kind=Kind.REPORT,
        visibility=Visibility.PUBLIC,
        data={"promoted_from": report.pk},
    )
    remember(report.incident, [public.body])
    _judge(report, PROMOTED, by=by, entry=public.pk)
    note(
        report.incident,
        f"Community report #{report.pk} promoted to the public timeline.",
        by=by,
        data={"report": report.pk, "entry": public.pk},
    )
    return public


@transaction.atomic
def dismiss(*, report: Entry, by: Actor) -> Entry:
    """Take a report out of the inbox; it stays on the internal timeline."""
    report = _pending_locked(report)
    _judge(report, DISMISSED, by=by)
    return report
