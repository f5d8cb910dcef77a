"""Where each incident's outage issue lives (G9), so that exporting again updates that issue
instead of opening a second one."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.incidents.models import Incident
from warroom.timeline.models import Kind
from warroom.timeline.services import note
from warroom.trackers.base import Issue
from warroom.trackers.models import TrackerIssue


def known_issue(incident: Incident, tracker: str, project: str) -> TrackerIssue | None:
    return TrackerIssue.objects.filter(incident=incident, tracker=tracker, project=project).first()


def latest_issue(incident: Incident) -> TrackerIssue | None:
    return incident.tracker_issues.order_by("-exported_at").first()


@transaction.atomic
def record_issue(
    *,
    incident: Incident,
    tracker: str,
    label: str,
    project: str,
    issue: Issue,
    labels: list[str],
    created: bool,
    by: Actor,
) -> TrackerIssue:
    """Remember the issue an export opened or updated, and say so on the internal timeline."""
    stored, _ = TrackerIssue.objects.update_or_create(
        incident=incident,
        tracker=tracker,
        project=project,
        defaults={
            "number": issue.number,
            "url": issue.url,
            "labels": labels,
            "exported_at": timezone.now(),
        },
    )
    note(
        incident,
        f"Outage issue {'opened' if created else 'updated'} in {label}: {issue.url}",
        by=by,
        kind=Kind.EVENT,
        data={"tracker": tracker, "issue": issue.url},
    )
    return stored
