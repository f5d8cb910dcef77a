"""G15: brief the support team through the outbox on each status change, so they can handle
customer expectations: the internal briefing (warroom/writeups/briefing.py) goes to
WARROOM_SUPPORT_CHANNEL, else by e-mail to the incident's support role holder, else nowhere with
a warning. One message per status entry (its idempotency key), however often it is asked for.
Support also hears of every later status change (`engine.brief_support`)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.incidents.models import Incident, Role
from warroom.lib.errors import Invalid
from warroom.playbooks.actions.base import ActionType, Context, Outcome
from warroom.timeline.models import Entry, Kind
from warroom.timeline.services import note
from warroom.writeups.briefing import briefing_markdown, briefing_subject

ACTION = "support_briefing"


def start(ctx: Context) -> Outcome:
    latest = ctx.incident.entries.filter(kind=Kind.STATUS).order_by("-id").first()
    assert latest is not None  # declaring writes the first status entry before the playbook
    message, why = brief(ctx.incident, latest, now=ctx.now)
    if message is None:
        return Outcome(note=f"Not sent: {why}", warnings=[why])
    to = f" to {message.recipient}" if message.recipient else ""
    return Outcome(done=True, note=f"Briefing sent via {message.channel}{to}")


def wake(ctx: Context) -> Outcome:
    """A step left open because nobody could be briefed closes once a briefing went out."""
    return Outcome(done=ctx.incident.messages.filter(kind=Message.Kind.BRIEFING).exists())


def brief(incident: Incident, entry: Entry, *, now: datetime) -> tuple[Message | None, str]:
    """Queue the briefing for this status entry, once: the message, or None and why not."""
    key = f"{incident.pk}:briefing:{entry.pk}"
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, ""
    channel, recipient, why = _destination(incident)
    if not why:
        try:
            body = briefing_markdown(incident, now=now)
        except Invalid as exc:  # an organisation's broken template must not stop a status change
            why = f"No support briefing sent: {exc.message}"
    if why:
        _warn_once(incident, why)
        return None, why
    message = outbox.queue(
        idempotency_key=key,
        incident=incident,
        kind=Message.Kind.BRIEFING,
        channel=channel,
        recipient=recipient,
        subject=briefing_subject(incident),
        body=body,
        created_at=now,
    )
    return message, ""


def _destination(incident: Incident) -> tuple[str, str, str]:
    """(channel, recipient, "") or ("", "", why nobody can be briefed)."""
    if settings.SUPPORT_CHANNEL:
        channel, _, address = settings.SUPPORT_CHANNEL.partition(":")
        return channel, address, ""
    holder = incident.roles.filter(role=Role.SUPPORT, ended_at=None).select_related("person")
    assignment = holder.first()
    if assignment is None:
        why = f"nobody holds the support role (`warroom role {incident.slug} support USER`)"
    elif not assignment.person.email:
        person = assignment.person
        why = f"{person.display_name} (@{person.username}) holds the support role but has no e-mail"
    else:
        return "email", assignment.person.email, ""
    return "", "", f"No support briefing sent: {why}, and WARROOM_SUPPORT_CHANNEL is not set"


def _warn_once(incident: Incident, why: str) -> None:
    """On the internal timeline, once per incident and reason: a briefing that goes nowhere is
    visible to the responders."""
    body = why + "."
    if not incident.entries.filter(kind=Kind.COMMS, body=body).exists():
        note(incident, body, kind=Kind.COMMS)


action = ActionType(ACTION, start=start, wake=wake)
