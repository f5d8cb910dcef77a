"""Sending messages of the outbox: claimed under a lease, sent through their channel outside
any transaction, every attempt recorded, a failure retried with backoff until it gives up
(WARROOM_DELIVERY_GIVE_UP_SECONDS), and then said on the incident's timeline."""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from warroom.comms.channels import registry
from warroom.comms.channels.base import Channel, ChannelError, Sent
from warroom.comms.models import DeliveryAttempt, Message
from warroom.timeline.models import Kind
from warroom.timeline.services import note

log = logging.getLogger("warroom.delivery")

# Outcomes are written every this many messages of a batch.
RECORD_EVERY = 20

# Told of the messages of each batch once their outcomes are recorded and their retries due:
# the playbook looks again at the steps that sent them (playbooks/apps.py). Nothing here knows
# who listens; a listener that fails is logged and delivery goes on.
_outcome_hooks: list[Callable[[list[Message]], None]] = []


def on_outcome(hook: Callable[[list[Message]], None]) -> None:
    if hook not in _outcome_hooks:
        _outcome_hooks.append(hook)


def tell(messages: list[Message]) -> None:
    for hook in _outcome_hooks:
        try:
            hook(messages)
        except Exception:  # the messages went out; what follows from them must not undo that
            log.exception("a delivery hook failed")


def backoff(attempt: int) -> timedelta:
    """10 s, 20 s, 40 s … capped at 10 minutes, with ±25 % jitter so retries spread out."""
    base = min(settings.DELIVERY_FIRST_RETRY_SECONDS * 2 ** (attempt - 1), 600)
    return timedelta(seconds=base * random.uniform(0.75, 1.25))


@dataclass
class Tried:
    """What one pass over a batch did: the messages claimed, in order, the outcome of each
    ("sent", "retry" or "failed"), and those to try again with when."""

    messages: list[Message] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    retries: list[tuple[Message, datetime]] = field(default_factory=list)


def send(message_ids: Sequence[int]) -> Tried:
    """Try once to send each of these messages that is still pending and not leased (the
    caller enqueues the retries: `tasks.deliver_now`).

    The messages are claimed with a lease in a short transaction and sent outside any
    transaction (a slow server must not hold database locks: on SQLite that would stop every
    writer). Outcomes are recorded every RECORD_EVERY messages, which also renews the lease of
    the rest: a worker killed mid-batch sends again at most that many (at least once; the
    idempotency key lets receivers drop the duplicates), and the recovery sweep enqueues the
    others again when their lease runs out."""
    by_channel: dict[str, list[tuple[Message, DeliveryAttempt]]] = defaultdict(list)
    tried = Tried()
    for message, attempt in _claim(message_ids):
        by_channel[message.channel].append((message, attempt))
    for name, claimed in by_channel.items():
        results = _send(registry.get(name), name, [message for message, _ in claimed])
        done = []
        for index, result in enumerate(results):
            done.append((*claimed[index], *result))
            if len(done) == RECORD_EVERY:
                tried.outcomes += _record(done, tried.retries)
                done = []
                _renew_lease(claimed[index + 1 :])
        tried.outcomes += _record(done, tried.retries)
        tried.messages += [message for message, _ in claimed]
    return tried


def _claim(message_ids: Sequence[int]) -> list[tuple[Message, DeliveryAttempt]]:
    now = timezone.now()
    with transaction.atomic():
        messages = list(
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("incident", "subscriber")
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
    if channel is None or not configured:
        refusal = ChannelError(f"channel {name} is not configured: {why}", permanent=True)
        yield from ((refusal, timezone.now()) for _ in messages)
    elif hasattr(channel, "send_many"):
        yield from channel.send_many(messages)
    else:
        for message in messages:
            result: Sent | ChannelError
            try:
                result = channel.send(message)
            except ChannelError as exc:
                result = exc
            yield result, timezone.now()


def _renew_lease(claimed: list[tuple[Message, DeliveryAttempt]]) -> None:
    """Keep the unsent messages of a long batch leased, once half their lease has gone."""
    now = timezone.now()
    if not claimed:
        return
    leased = claimed[0][0].lease_until
    assert leased is not None  # _claim leased every message it returned
    if leased - now > settings.DELIVERY_LEASE / 2:
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
    if message.incident is None:
        return  # the message and its attempts say it; there is no incident to tell
    to = f" to {message.recipient}" if message.recipient else ""
    note(
        message.incident,
        f"Delivery failed: {message.get_kind_display().lower()} via {message.channel}{to} "
        f"after {attempts} attempt{'s' if attempts > 1 else ''}: {exc.message}",
        kind=Kind.COMMS,
        data={"message": message.pk},
    )
