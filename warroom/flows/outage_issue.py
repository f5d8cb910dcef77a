"""Exporting the outage issue by hand (G9: `warroom export --to`, the API, the cockpit): queued
like the playbook's export, then sent at once, so the answer is the tracker's. A failure that
may pass is tried again by the outbox, as any delivery."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from warroom.accounts.models import Actor
from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.exports import outage_issue
from warroom.incidents.models import Incident
from warroom.playbooks import engine as playbook
from warroom.trackers.base import TrackerError
from warroom.trackers.services import known_issue


@dataclass(frozen=True)
class Exported:
    tracker: str
    project: str
    number: int
    url: str
    created: bool


def export(
    incident: Incident, tracker: str, project: str | None = None, by: Actor = None
) -> Exported:
    """Open the incident's outage issue in `tracker`, or update the one exported there before.
    Talks to the tracker outside any transaction (a slow tracker must not hold locks)."""
    message = outage_issue.queue(
        incident,
        tracker=tracker,
        project=project,
        labels=playbook.outage_labels(incident),
        key=f"{incident.pk}:issue:{uuid.uuid4().hex}",
        by=by,
    )
    outbox.deliver(message.pk)
    message.refresh_from_db()
    if message.state != Message.State.SENT:
        retried = message.state == Message.State.PENDING
        then = " It is tried again in the background." if retried else ""
        raise TrackerError(f"{message.last_error}{then}", permanent=not retried)
    issue = known_issue(incident, message.channel, message.recipient)
    assert issue is not None  # the channel recorded it
    attempt = message.attempts.order_by("-number").first()
    assert message.sent_at is not None  # a sent message has its time
    playbook.wake_steps(incident, action="export_issue", now=message.sent_at)  # done by hand
    return Exported(
        message.channel,
        message.recipient,
        issue.number,
        issue.url,
        created=attempt is not None and attempt.code == "created",
    )
