"""Making the war room live (G11): the commander approves it, anyone on the incident may veto it
with a reason; the decision is on the timeline and the playbook's step closes with it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.incidents import services as incidents
from warroom.incidents.models import Incident, LiveStream, Role
from warroom.lib.errors import Forbidden, Invalid
from warroom.playbooks import engine as playbook
from warroom.timeline.models import Kind
from warroom.timeline.services import note

VETO_REASONS = {
    "interferes": "it interferes with solving the problem",
    "security": "it would harm security",
    "privacy": "it would harm privacy",
}


@transaction.atomic
def approve(*, incident: Incident, by: Actor, url: str = "") -> LiveStream:
    """The commander makes the war room live; its link then shows on the public page."""
    if not incidents.holds_role(incident, by, [Role.COMMANDER]):
        raise Forbidden("only the incident commander approves the live stream")
    url = (url or "").strip()
    if url and not url.startswith(("https://", "http://")):
        raise Invalid("the stream's address must start with https:// (it becomes a public link)")
    stream = incidents.decide_live_stream(
        incident=incident, state=LiveStream.State.LIVE, by=by, url=url or incident.war_room_url
    )
    _decided(stream, "Live stream: approved; the war room is live on the public page.", "live", by)
    return stream


@transaction.atomic
def veto(*, incident: Incident, by: Actor, reason: str) -> LiveStream:
    """Anyone on the incident may veto the live stream, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("a veto needs a reason: interferes, security, privacy or your own words")
    if not incidents.holds_role(incident, by):
        raise Forbidden("only people with a role on the incident may veto the live stream")
    stream = incidents.decide_live_stream(
        incident=incident,
        state=LiveStream.State.VETOED,
        by=by,
        reason=VETO_REASONS.get(reason, reason),
    )
    _decided(stream, f"Live stream: vetoed because {stream.reason}.", "vetoed", by)
    return stream


def _decided(stream: LiveStream, body: str, choice: str, by: Actor) -> None:
    incident = stream.incident
    note(
        incident, body, by=by, kind=Kind.DECISION, data={"topic": "live_stream", "choice": choice}
    )
    incidents.public_changed(incident)
    playbook.sync(incident, now=stream.decided_at or timezone.now())
