"""Messages that wait for a role's approval before they go out (G6, G13): approving, rejecting
and editing them. Each is on the incident's internal timeline."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.comms.posts import public_text
from warroom.incidents.models import Role
from warroom.incidents.services import holds_role
from warroom.lib.errors import Forbidden, Invalid, NotFound
from warroom.redaction.services import redactor_for
from warroom.timeline.models import Kind
from warroom.timeline.services import note


def awaiting_approval(message_id: int, by: Actor) -> Message:
    """The message, locked, if it waits for approval and `by` may approve it: the role it waits
    for, or the commander."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("incident")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise NotFound(f"no message {message_id}; `warroom messages SLUG` lists them")
    if message.state != Message.State.AWAITING_APPROVAL:
        raise Invalid(
            f"message {message_id} is {message.get_state_display().lower()}, not awaiting approval"
        )
    if message.incident is None or not holds_role(
        message.incident, by, [message.approval_role, Role.COMMANDER]
    ):
        raise Forbidden(
            f"message {message_id} needs approval by the {message.approval_role} role or the commander"
        )
    return message


@transaction.atomic
def decide(*, message_id: int, by: Actor, approve: bool) -> Message:
    """Approve (it goes out, with the rest of its group) or reject (nothing of it goes)."""
    message = awaiting_approval(message_id, by)
    message.approved_by, message.approved_at = by, timezone.now()
    count = outbox.release(message, now=message.approved_at) if approve else outbox.reject(message)
    verb = "approved" if approve else "rejected"
    what = (
        f"{message.get_kind_display()} ({count} messages)"
        if message.group
        else f"{message.get_kind_display()} for {message.channel}"
    )
    assert message.incident is not None  # awaiting_approval checked it
    note(message.incident, f"{what} {verb}.", by=by, kind=Kind.COMMS)
    return message


@transaction.atomic
def edit(*, message_id: int, text: str, by: Actor) -> Message:
    """Change the text of a message waiting for approval; a public one is redacted and measured
    by its channel's rules again. It still waits for the approval."""
    message = awaiting_approval(message_id, by)
    assert message.incident is not None
    if message.group:
        raise Invalid(
            f"message {message_id} is a status update to every subscriber, made from the "
            "update's text: reject it and post a corrected status update instead"
        )
    body = (text or "").strip()
    if message.public:
        body = public_text(message.channel, redactor_for(message.incident).redact(body).text)
    if not body:
        raise Invalid("the message is empty")
    message.body = body
    message.save(update_fields=["body"])
    note(
        message.incident,
        f"{message.get_kind_display()} for {message.channel} edited before approval.",
        by=by,
        kind=Kind.COMMS,
    )
    return message
