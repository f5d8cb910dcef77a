"""The outbox. A message is written in the same transaction as the change that caused it, and
its delivery task is enqueued in that same transaction (the database task queue), so a message
exists exactly when the change does and is never left unsent: workers retry with exponential
backoff and jitter, record every attempt, and give up visibly after WARROOM_DELIVERY_GIVE_UP_SECONDS.
A worker killed mid-send leaves the message pending; the recovery sweep enqueues it again.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from warroom.comms.channels import registry
from warroom.comms.channels.base import Channel, ChannelError, Sent
from warroom.comms.models import DeliveryAttempt, Message

# Messages per delivery task in a fan-out: one claim, one SMTP connection or HTTP pool, and
# one write of the outcomes for all of them. Small enough that several workers share a
# fan-out and that a killed worker takes few leases with it.
BATCH = 200
# Outcomes are written every this many messages of a batch.
RECORD_EVERY = 20


def queue(**fields) -> Message:
    """Write a message to the outbox; a pending one is enqueued for delivery with it.
    Idempotent on `idempotency_key`: writing the same message twice keeps the first."""
    key = fields.pop("idempotency_key")
    with transaction.atomic():
        message, created = Message.objects.get_or_create(idempotency_key=key, defaults=fields)
        if created and message.state == Message.State.PENDING:
            _enqueue([message], at=message.created_at)
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
            _enqueue(chunk, at=now)
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
        _enqueue([message], at=now)
        return 1
    waiting = _group_waiting(message)
    waiting.update(state=Message.State.PENDING, approved_by=message.approved_by, approved_at=now)
    group = list(
        Message.objects.filter(incident=message.incident_id, group=message.group)
        .filter(state=Message.State.PENDING, next_attempt_at=None)
        .only("pk")
    )
    for chunk in _chunks(group, BATCH):
        _enqueue(chunk, at=now)
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


def _enqueue(messages: list[Message], *, at: datetime) -> None:
    """One delivery task for these messages, due at `at`."""
    from warroom.comms.tasks import deliver, deliver_batch

    for message in messages:
        message.next_attempt_at = at
    ids = [m.pk for m in messages]
    Message.objects.filter(pk__in=ids).update(next_attempt_at=at)
    task = deliver.using() if len(ids) == 1 else deliver_batch.using()
    if at > timezone.now():
        task = task.using(run_after=at)
    task.enqueue(ids[0] if len(ids) == 1 else ids)


def backoff(attempt: int) -> timedelta:
    """10 s, 20 s, 40 s … capped at 10 minutes, with ±25 % jitter so retries spread out."""
    base = min(settings.DELIVERY_FIRST_RETRY_SECONDS * 2 ** (attempt - 1), 600)
    return timedelta(seconds=base * random.uniform(0.75, 1.25))


def deliver(message_id: int) -> str:
    """Try once to send one message: "sent", "retry", "failed", or "nothing to do" (sent,
    failed, not approved, or another worker is sending it). Safe to run twice."""
    outcomes = deliver_batch([message_id])
    return outcomes[0] if outcomes else "nothing to do"


def deliver_batch(message_ids: Sequence[int]) -> list[str]:
    """Try once to send each of these messages that is still pending and not leased; the
    outcome of each one claimed ("sent", "retry" or "failed").

    The messages are claimed with a lease in a short transaction and sent outside any
    transaction (a slow server must not hold database locks: on SQLite that would stop every
    writer). Outcomes are recorded every RECORD_EVERY messages, which also renews the lease of
    the rest: a worker killed mid-batch sends again at most that many (at least once; the
    idempotency key lets receivers drop the duplicates), and the recovery sweep enqueues the
    others again when their lease runs out. Retries go out as one task at the end."""
    by_channel: dict[str, list[tuple[Message, DeliveryAttempt]]] = defaultdict(list)
    for message, attempt in _claim(message_ids):
        by_channel[message.channel].append((message, attempt))
    outcomes: list[str] = []
    retries: list[tuple[Message, datetime]] = []
    for name, claimed in by_channel.items():
        results = _send(registry.get(name), name, [message for message, _ in claimed])
        done = []
        for index, result in enumerate(results):
            done.append((*claimed[index], *result))
            if len(done) == RECORD_EVERY:
                outcomes += _record(done, retries)
                done = []
                _renew_lease(claimed[index + 1 :])
        outcomes += _record(done, retries)
    if retries:
        # When the last of them is due: jitter spreads retries between batches, and a channel
        # that is down fails a batch alike.
        with transaction.atomic():
            _enqueue([m for m, _ in retries], at=max(at for _, at in retries))
    return outcomes


def _claim(message_ids: Sequence[int]) -> list[tuple[Message, DeliveryAttempt]]:
    now = timezone.now()
    with transaction.atomic():
        messages = list(
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("incident")
            .filter(pk__in=message_ids, state=Message.State.PENDING)
            .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        )
        if not messages:
            return []
        lease_until = now + settings.DELIVERY_LEASE
        Message.objects.filter(pk__in=[m.pk for m in messages]).update(lease_until=lease_until)
        tried = dict(
            DeliveryAttempt.objects.filter(message__in=messages)
            .values_list("message")
            .annotate(Count("id"))
        )
        attempts = DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(message=m, number=tried.get(m.pk, 0) + 1, started_at=now)
            for m in messages
        )
    for message in messages:
        message.lease_until = lease_until
    return list(zip(messages, attempts, strict=True))


def _send(
    channel: Channel | None, name: str, messages: list[Message]
) -> Iterator[tuple[Sent | ChannelError, datetime]]:
    """Each message's result and when it came, in order, as they come. Channels that can reuse
    a connection for many messages (SMTP, an HTTP pool) implement send_many; the others get
    one send at a time."""
    configured, why = channel.configured() if channel else (False, "no such channel")
    if not configured:
        refusal = ChannelError(f"channel {name} is not configured: {why}", permanent=True)
        yield from ((refusal, timezone.now()) for _ in messages)
    elif hasattr(channel, "send_many"):
        yield from channel.send_many(messages)
    else:
        for message in messages:
            try:
                result = channel.send(message)
            except ChannelError as exc:
                result = exc
            yield result, timezone.now()


def _renew_lease(claimed: list[tuple[Message, DeliveryAttempt]]) -> None:
    """Keep the unsent messages of a long batch leased, once half their lease has gone."""
    now = timezone.now()
    if not claimed or claimed[0][0].lease_until - now > settings.DELIVERY_LEASE / 2:
        return
    lease_until = now + settings.DELIVERY_LEASE
    Message.objects.filter(pk__in=[m.pk for m, _ in claimed]).update(lease_until=lease_until)
    for message, _ in claimed:
        message.lease_until = lease_until


def _record(
    done: list[tuple[Message, DeliveryAttempt, Sent | ChannelError, datetime]],
    retries: list[tuple[Message, datetime]],
) -> list[str]:
    """Write the outcomes; messages to try again are added to `retries`."""
    sent, outcomes = [], []
    for message, attempt, result, at in done:
        if isinstance(result, ChannelError):
            with transaction.atomic():
                retry_at = _failed(message, attempt, result, at=at)
            if retry_at is not None:
                retries.append((message, retry_at))
            outcomes.append("failed" if retry_at is None else "retry")
            continue
        message.state, message.sent_at = Message.State.SENT, at
        message.next_attempt_at, message.lease_until, message.last_error = None, None, ""
        sent.append((message, attempt, result.code, at))
        outcomes.append("sent")
    if sent:
        _record_sent(sent)
    return outcomes


def _record_sent(sent: list[tuple[Message, DeliveryAttempt, str, datetime]]) -> None:
    """One statement per table for many rows, each with its own time and code (Django's
    bulk_update builds CASE expressions that cost more than the sends)."""
    at = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Message._meta.db_table} SET state = %s, sent_at = %s, "
            "next_attempt_at = NULL, lease_until = NULL, last_error = '' WHERE id = %s",
            [(Message.State.SENT, at(when), m.pk) for m, _, _, when in sent],
        )
        cursor.executemany(
            f"UPDATE {DeliveryAttempt._meta.db_table} SET ok = %s, code = %s, finished_at = %s "
            "WHERE id = %s",
            [(True, code, at(when), a.pk) for _, a, code, when in sent],
        )


def _failed(
    message: Message, attempt: DeliveryAttempt, exc: ChannelError, *, at: datetime
) -> datetime | None:
    """Record a failed try; when to try again, or None when the message failed for good."""
    attempt.error, attempt.code, attempt.permanent = exc.message, exc.code, exc.permanent
    attempt.finished_at = at
    attempt.save(update_fields=["error", "code", "permanent", "finished_at"])
    message.last_error = exc.message
    retry_at = attempt.started_at + backoff(attempt.number)
    if exc.retry_after is not None:  # the other side said when (from its answer): not earlier
        message.last_error += f" (retry after {exc.retry_after:.0f} s)"
        retry_at = max(retry_at, at + timedelta(seconds=exc.retry_after))
    message.lease_until = None
    give_up_at = message.created_at + timedelta(seconds=settings.DELIVERY_GIVE_UP_SECONDS)
    if exc.permanent or retry_at > give_up_at:
        message.state, message.next_attempt_at = Message.State.FAILED, None
        message.save(update_fields=["state", "next_attempt_at", "lease_until", "last_error"])
        _record_failure(message, exc, attempts=attempt.number)
        return None
    message.save(update_fields=["lease_until", "last_error"])
    return retry_at


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
    lost = list(
        Message.objects.filter(state=Message.State.PENDING).filter(
            Q(lease_until__lt=now)
            | Q(lease_until=None, next_attempt_at__lt=now - settings.DELIVERY_LOST_AFTER)
        )[:5000]
    )
    for chunk in _chunks(lost, BATCH):
        with transaction.atomic():
            Message.objects.filter(pk__in=[m.pk for m in chunk]).update(lease_until=None)
            _enqueue(chunk, at=now)
    return len(lost)
