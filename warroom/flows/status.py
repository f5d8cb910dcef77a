"""A status change (G8), and everything it sets off, in this order:

1. the incident's status (resolving records when);
2. the public status entry with the message, its names given stand-ins;
3. the update to every subscriber, waiting for the playbook's approval role if it names one;
4. the playbook's steps for the new status, and for resolving;
5. support's briefing (G15), on every change once the playbook briefs support at all.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.flows.entries import add_entry
from warroom.incidents import services as incidents
from warroom.incidents.models import Incident, Status
from warroom.lib.errors import Conflict, Invalid
from warroom.playbooks import engine as playbook
from warroom.subscribers import services as subscribers
from warroom.timeline.models import Kind


@transaction.atomic
def change_status(*, incident: Incident, status: str, message: str, by: Actor) -> Incident:
    """Move the incident to a new status with a public message."""
    status = incidents.check_status(status)
    if status == Status.POSTMORTEM:
        raise Invalid(
            "the postmortem status comes with publishing the post-mortem: use the incident's "
            "Post-mortem page in the dashboard, or POST …/postmortem/publish"
        )
    incident = incidents.lock(incident)
    if incident.status == Status.POSTMORTEM:
        raise Conflict(
            f"incident {incident.slug} is over: its post-mortem is published; "
            "if the problem is back, declare a new incident"
        )
    return _move(incident, status=status, message=message, by=by)


def resolve(*, incident: Incident, message: str, by: Actor) -> Incident:
    return change_status(incident=incident, status=Status.RESOLVED, message=message, by=by)


@transaction.atomic
def enter_postmortem(*, incident: Incident, message: str, by: Actor) -> Incident:
    """Resolved → postmortem, when the post-mortem is published (flows.postmortem.publish, which
    checked it first)."""
    incident = incidents.lock(incident)
    if incident.status != Status.RESOLVED:
        raise Conflict(f"incident {incident.slug} is {incident.status}, not resolved")
    return _move(incident, status=Status.POSTMORTEM, message=message, by=by)


def _move(incident: Incident, *, status: str, message: str, by: Actor) -> Incident:
    if not (message or "").strip():
        raise Invalid("a status change needs a public message saying what changed")
    now = timezone.now()
    incidents.move(incident, status=status, now=now)
    entry = add_entry(
        incident=incident, kind=Kind.STATUS, body=message, author=by, data={"status": status}
    )
    subscribers.fan_out(incident, entry, approval_role=playbook.approval_role(incident, "updates"))
    playbook.fire(incident, f"status:{status}", now=now, by=by)
    if status == Status.RESOLVED:
        playbook.fire(incident, "resolve", now=now, by=by)
    playbook.brief_support(incident, entry, now=now)
    return incident
