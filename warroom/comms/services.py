"""The outbox. A message is written in the same transaction as the change that caused it, and
its delivery task is enqueued in that same transaction (the database task queue), so a message
exists exactly when the change does and is never left unsent: workers retry with exponential
backoff and jitter, record every attempt, and give up visibly after WARROOM_DELIVERY_GIVE_UP_SECONDS.
A worker killed mid-send leaves the message pending; the recovery sweep enqueues it again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from warroom.comms import tasks
from warroom.comms.models import Message

# Messages per delivery task in a fan-out: one claim, one SMTP connection or HTTP pool, and
# one write of the outcomes for all of them. Small enough that several workers share a
# fan-out and that a killed worker takes few leases with it.
BATCH = 200


def queue(**fields) -> Message:
    """Write a message to the outbox; a pending one is enqueued for delivery with it.
    Idempotent on `idempotency_key`: writing the same message twice keeps the first."""
    key = fields.pop("idempotency_key")
    with transaction.atomic():
        message, created = Message.objects.get_or_create(idempotency_key=key, defaults=fields)
        if created and message.state == Message.State.PENDING:
            tasks.enqueue([message], at=message.created_at)
    return message


def queue_many(messages: Sequence[Message]) -> int:
    """Write many messages at once (a fan-out) in the caller's transaction, with one delivery task
    per BATCH of the pending ones (the others wait for approval). Idempotent like queue():
    messages whose key exists already are skipped. Returns how many were written."""
    existing: set[str] = set()
    for chunk in _chunks([m.idempotency_key for m in messages], 500):
        existing.update(
            Message.objects.filter(idempotency_key__in=chunk).values_list(
                "idempotency_key", flat=True
            )
        )
    fresh = [m for m in messages if m.idempotency_key not in existing]
    now = timezone.now()
    with transaction.atomic():
        created = Message.objects.bulk_create(fresh, batch_size=500)
        pending = [m for m in created if m.state == Message.State.PENDING]
        for chunk in _chunks(pending, BATCH):
            tasks.enqueue(chunk, at=now)
    return len(created)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def release(message: Message, *, now: datetime | None = None) -> int:
    """An approved message goes out, with the rest of its group (a fan-out); how many."""
    now = now or timezone.now()
    if not message.group:
        message.state = Message.State.PENDING
        message.save(update_fields=["state", "approved_by", "approved_at"])
        tasks.enqueue([message], at=now)
        return 1
    waiting = _group_waiting(message)
    waiting.update(state=Message.State.PENDING, approved_by=message.approved_by, approved_at=now)
    group = list(
        Message.objects.filter(incident=message.incident_id, group=message.group)
        .filter(state=Message.State.PENDING, next_attempt_at=None)
        .only("pk")
    )
    for chunk in _chunks(group, BATCH):
        tasks.enqueue(chunk, at=now)
    message.refresh_from_db()
    return len(group)


def reject(message: Message) -> int:
    """A message waiting for approval is not sent, nor the rest of its group; how many."""
    waiting = _group_waiting(message) if message.group else Message.objects.filter(pk=message.pk)
    count = waiting.update(
        state=Message.State.REJECTED,
        approved_by=message.approved_by,
        approved_at=message.approved_at,
    )
    message.refresh_from_db()
    return count


def _group_waiting(message: Message):
    return Message.objects.filter(
        incident=message.incident_id, group=message.group, state=Message.State.AWAITING_APPROVAL
    )


def deliver(message_id: int) -> str:
    """Try once to send one message: "sent", "retry", "failed", or "nothing to do" (sent,
    failed, not approved, or another worker is sending it). Safe to run twice."""
    outcomes = tasks.deliver_now([message_id])
    return outcomes[0] if outcomes else "nothing to do"


def deliver_batch(message_ids: Sequence[int]) -> list[str]:
    """Try once to send each of these messages that is still pending and not leased
    (`delivery.send`); the outcome of each one claimed."""
    return tasks.deliver_now(message_ids)


def requeue_lost(*, now: datetime | None = None) -> int:
    """Enqueue again the pending messages whose worker died: their lease ran out, or their task
    never ran though it was due long ago (the task row went with a lost worker or database)."""
    now = now or timezone.now()
    lost = list(
        Message.objects.filter(state=Message.State.PENDING).filter(
            Q(lease_until__lt=now)
            | Q(lease_until=None, next_attempt_at__lt=now - settings.DELIVERY_LOST_AFTER)
        )[:5000]
    )
    for chunk in _chunks(lost, BATCH):
        with transaction.atomic():
            Message.objects.filter(pk__in=[m.pk for m in chunk]).update(lease_until=None)
            tasks.enqueue(chunk, at=now)
    return len(lost)
