"""Public posts by hand (G6, G13): redacted, measured by the channel's own rules, into the
outbox. They go at once from the communications, marketing or commander role; anyone else's
wait for the communications role's approval."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.comms import services as outbox
from warroom.comms.channels import registry
from warroom.comms.composer import LIMITS, compose, too_long_message
from warroom.comms.models import Message
from warroom.incidents.models import Incident, Role
from warroom.incidents.services import holds_role
from warroom.lib.errors import Invalid
from warroom.redaction.services import redactor_for
from warroom.timeline.models import Kind
from warroom.timeline.services import note

# Who may post at once (G13: marketing takes over posting when production is busy).
POSTING_ROLES = [Role.COMMUNICATIONS, Role.MARKETING, Role.COMMANDER]


@transaction.atomic
def post(*, incident: Incident, channel: str, text: str, by: Actor) -> Message:
    """A public post into the outbox."""
    public = registry.public_channels()
    if channel not in public:
        raise Invalid(f"unknown channel {channel!r}; post to one of {', '.join(public)}")
    body = public_text(channel, redactor_for(incident).redact((text or "").strip()).text)
    if not body:
        raise Invalid("the post is empty")
    at_once = holds_role(incident, by, POSTING_ROLES)
    message = outbox.queue(
        idempotency_key=f"{incident.pk}:post:{uuid.uuid4().hex}",
        incident=incident,
        kind=Message.Kind.POST,
        channel=channel,
        public=True,
        body=body,
        state=Message.State.PENDING if at_once else Message.State.AWAITING_APPROVAL,
        approval_role="" if at_once else Role.COMMUNICATIONS,
        created_at=timezone.now(),
    )
    verb = "queued" if at_once else "waiting for the communications role's approval"
    note(incident, f"Post to {channel} {verb} (message {message.pk}).", by=by, kind=Kind.COMMS)
    return message


def public_text(channel: str, text: str) -> str:
    """Redacted text as the channel will take it; refused when it is too long there."""
    if channel not in LIMITS or not text:
        return text
    composed = compose(channel, text)
    if not composed.ok:
        raise Invalid(too_long_message(composed))
    return composed.text
