"""The outbox. A message is written in the same transaction as the change that caused it, and
its delivery task is enqueued in that same transaction (the database task queue), so a message
exists exactly when the change does and is never left unsent: workers retry with exponential
backoff and jitter, record every attempt, and give up visibly after WARROOM_DELIVERY_GIVE_UP_SECONDS.
A worker killed mid-send leaves the message pending; the recovery sweep enqueues it again.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from warroom.comms.channels import registry
from warroom.comms.channels.base import ChannelError
from warroom.comms.models import DeliveryAttempt, Message


def queue(**fields) -> Message:
    """Write a message to the outbox; a pending one is enqueued for delivery with it.
    Idempotent on `idempotency_key`: writing the same message twice keeps the first."""
    key = fields.pop("idempotency_key")
    with transaction.atomic():
        message, created = Message.objects.get_or_create(idempotency_key=key, defaults=fields)
        if created and message.state == Message.State.PENDING:
            _enqueue(message, at=message.created_at)
    return message


def release(message: Message, *, now: datetime | None = None) -> None:
    """An approved message goes out."""
    message.state = Message.State.PENDING
    message.save(update_fields=["state"])
    _enqueue(message, at=now or timezone.now())


def _enqueue(message: Message, *, at: datetime) -> None:
    from warroom.comms.tasks import deliver

    message.next_attempt_at = at
    message.save(update_fields=["next_attempt_at"])
    task = deliver if at <= timezone.now() else deliver.using(run_after=at)
    task.enqueue(message.pk)


def backoff(attempt: int) -> timedelta:
    """10 s, 20 s, 40 s … capped at 10 minutes, with ±25 % jitter so retries spread out."""
    base = min(settings.DELIVERY_FIRST_RETRY_SECONDS * 2 ** (attempt - 1), 600)
    return timedelta(seconds=base * random.uniform(0.75, 1.25))


def deliver(message_id: int) -> str:
    """Try once to send a message. Safe to run twice: a sent message is not sent again.

    The message is claimed with a lease in a short transaction, sent outside any transaction
    (a slow server must not hold database locks: on SQLite that would stop every writer), and
    the outcome recorded in a second short transaction. A worker that dies while sending leaves
    the lease to expire; the recovery sweep then enqueues the message again."""
    claimed = _claim(message_id)
    if claimed is None:
        return "nothing to do"  # sent, failed, not approved, or another worker is sending it
    message, attempt = claimed
    channel = registry.get(message.channel)
    try:
        if channel is None or not channel.configured()[0]:
            why = channel.configured()[1] if channel else "no such channel"
            raise ChannelError(
                f"channel {message.channel} is not configured: {why}", permanent=True
            )
        sent = channel.send(message)
    except ChannelError as exc:
        with transaction.atomic():
            return _failed(message, attempt, exc, now=attempt.started_at)
    with transaction.atomic():
        attempt.ok, attempt.code, attempt.finished_at = True, sent.code, timezone.now()
        attempt.save()
        message.state, message.sent_at = Message.State.SENT, attempt.finished_at
        message.next_attempt_at, message.lease_until, message.last_error = None, None, ""
        message.save(
            update_fields=["state", "sent_at", "next_attempt_at", "lease_until", "last_error"]
        )
    return "sent"


def _claim(message_id: int) -> tuple[Message, DeliveryAttempt] | None:
    now = timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("incident")
            .filter(pk=message_id, state=Message.State.PENDING)
            .filter(Q(lease_until=None) | Q(lease_until__lt=now))
            .first()
        )
        if message is None:
            return None
        message.lease_until = now + settings.DELIVERY_LEASE
        message.save(update_fields=["lease_until"])
        number = message.attempts.count() + 1
        return message, DeliveryAttempt.objects.create(
            message=message, number=number, started_at=now
        )


def _failed(message: Message, attempt: DeliveryAttempt, exc: ChannelError, *, now: datetime) -> str:
    attempt.error, attempt.code, attempt.permanent = exc.message, exc.code, exc.permanent
    attempt.finished_at = timezone.now()
    attempt.save()
    message.last_error = exc.message
    if exc.retry_after is not None:
        message.last_error += f" (retry after {exc.retry_after:.0f} s)"
    give_up_at = message.created_at + timedelta(seconds=settings.DELIVERY_GIVE_UP_SECONDS)
    retry_at = now + backoff(attempt.number)
    if exc.retry_after is not None:  # the other side said when: never earlier than that
        retry_at = max(retry_at, now + timedelta(seconds=exc.retry_after))
    message.lease_until = None
    if exc.permanent or retry_at > give_up_at:
        message.state, message.next_attempt_at = Message.State.FAILED, None
        message.save(update_fields=["state", "next_attempt_at", "lease_until", "last_error"])
        _record_failure(message, exc, attempts=attempt.number)
        return "failed"
    message.save(update_fields=["lease_until", "last_error"])
    _enqueue(message, at=retry_at)
    return "retry"


def _record_failure(message: Message, exc: ChannelError, *, attempts: int) -> None:
    """A failure is visible on the incident: an internal entry says what and why."""
    from warroom.timeline.services import add_entry

    if message.incident is None:
        return  # the message and its attempts say it; there is no incident to tell

    to = f" to {message.recipient}" if message.recipient else ""
    add_entry(
        incident=message.incident,
        body=f"Delivery failed: {message.get_kind_display().lower()} via {message.channel}{to} "
        f"after {attempts} attempt{'s' if attempts > 1 else ''}: {exc.message}",
        author=None,
        kind="comms",
        visibility="internal",
        data={"message": message.pk},
    )


def requeue_lost(*, now: datetime | None = None) -> int:
    """Enqueue again the pending messages whose worker died: their lease ran out, or their task
    never ran though it was due long ago (the task row went with a lost worker or database)."""
    now = now or timezone.now()
    lost = Message.objects.filter(state=Message.State.PENDING).filter(
        Q(lease_until__lt=now)
        | Q(lease_until=None, next_attempt_at__lt=now - settings.DELIVERY_LOST_AFTER)
    )
    count = 0
    for message in lost[:500]:
        with transaction.atomic():
            message.lease_until = None
            message.save(update_fields=["lease_until"])
            _enqueue(message, at=now)
        count += 1
    return count
