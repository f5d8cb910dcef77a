"""G15: brief the support team through the outbox on each status change, so they can handle
customer expectations: the internal briefing (warroom/writeups/briefing.py) goes to
WARROOM_SUPPORT_CHANNEL, else by e-mail to the incident's support role holder, else nowhere with
a warning. One message per status entry (its idempotency key), however often it is asked for.

Steps fire once, and the default playbook has no step for a return to investigating or for a
status reached a second time. So once a step with this action has started (and none was
skipped), `status_changed` briefs support on every later status change as well."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.incidents.models import Incident, Role
from warroom.lib.errors import Invalid
from warroom.playbooks.actions.base import Context, Outcome
from warroom.playbooks.models import StepRun
from warroom.timeline.models import Entry, Kind
from warroom.writeups.briefing import briefing_markdown, briefing_subject

ACTION = "support_briefing"


def start(ctx: Context) -> Outcome:
    latest = ctx.incident.entries.filter(kind=Kind.STATUS).order_by("-id").first()
    message, why = brief(ctx.incident, latest, now=ctx.now)
    if message is None:
        return Outcome(note=f"Not sent: {why}", warnings=[why])
    to = f" to {message.recipient}" if message.recipient else ""
    return Outcome(done=True, note=f"Briefing sent via {message.channel}{to}")


def wake(ctx: Context) -> Outcome:
    """A step left open because nobody could be briefed closes once a briefing went out."""
    return Outcome(done=ctx.incident.messages.filter(kind=Message.Kind.BRIEFING).exists())


def status_changed(incident: Incident, entry: Entry, *, now: datetime) -> None:
    """Called by every status change, after the playbook's steps for it fired."""
    if _armed(incident) and brief(incident, entry, now=now)[0] is not None:
        from warroom.playbooks import engine

        engine.wake_steps(incident, action=ACTION, now=now)


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
    from warroom.timeline.services import add_entry

    body = why + "."
    if not incident.entries.filter(kind=Kind.COMMS, body=body).exists():
        add_entry(
            incident=incident,
            body=body,
            author=None,
            kind=Kind.COMMS,
            visibility="internal",
        )


def _armed(incident: Incident) -> bool:
    from warroom.playbooks import engine

    if not hasattr(incident, "playbook"):
        return False
    steps = [
        s.id for s in engine.playbook_of(incident).steps if s.action and s.action.name == ACTION
    ]
    runs = incident.steps.filter(step_id__in=steps)
    return (
        runs.filter(triggered_at__isnull=False).exists()
        and not runs.filter(state=StepRun.State.SKIPPED).exists()
    )
