"""Approving or rejecting a drafted message (the announcement, a post, a status update to every
subscriber): the outbox sends it or drops it, and the playbook's step that drafted it follows."""

from __future__ import annotations

from django.db import transaction

from warroom.accounts.models import Actor
from warroom.comms import approvals
from warroom.comms.models import Message
from warroom.playbooks import engine as playbook


@transaction.atomic
def approve(*, message_id: int, by: Actor) -> Message:
    return _decide(message_id, by, approve=True)


@transaction.atomic
def reject(*, message_id: int, by: Actor) -> Message:
    return _decide(message_id, by, approve=False)


def _decide(message_id: int, by: Actor, *, approve: bool) -> Message:
    message = approvals.decide(message_id=message_id, by=by, approve=approve)
    assert message.incident is not None  # only an incident's messages wait for approval
    assert message.approved_at is not None  # decide() stamps approval and rejection alike
    playbook.wake_steps(message.incident, action="announce", now=message.approved_at)
    return message
