"""The outage issue (G9) as a message in the outbox: the document (`document.py`) for one
tracker and project, delivered by the tracker's channel with the outbox's retries."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.exports import document
from warroom.incidents.models import Incident
from warroom.trackers import registry as trackers


def queue(
    incident: Incident,
    *,
    tracker: str,
    project: str | None = None,
    labels: Sequence[str] = (),
    key: str,
    by: Actor = None,
) -> Message:
    """Queue the incident's outage issue for `tracker` (gitlab, github or default) and its
    project; Invalid, naming the settings, when the tracker is not configured. Idempotent on
    `key`."""
    module = trackers.choose(tracker, project=project)
    project = (project or module.default_project()).strip()
    doc = document.issue_document(incident, labels=labels)
    return outbox.queue(
        idempotency_key=key,
        incident=incident,
        kind=Message.Kind.ISSUE,
        channel=module.NAME,
        recipient=project,
        subject=doc.title,
        body=document.markdown(doc, limit=module.BODY_LIMIT),
        data={"labels": doc.labels},
        created_at=timezone.now(),
        created_by=by,
    )
