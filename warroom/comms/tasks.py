"""Background tasks of the outbox (Django Tasks API): a task per message or per batch of a
fan-out, enqueued in the transaction that wrote the messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from warroom.comms import delivery
from warroom.comms.models import Message


def enqueue(messages: list[Message], *, at: datetime) -> None:
    """One delivery task for these messages, due at `at`."""
    for message in messages:
        message.next_attempt_at = at
    ids = [m.pk for m in messages]
    Message.objects.filter(pk__in=ids).update(next_attempt_at=at)
    run_after = at if at > timezone.now() else None
    if len(ids) == 1:
        deliver.using(run_after=run_after).enqueue(ids[0])
    else:
        deliver_batch.using(run_after=run_after).enqueue(ids)


def deliver_now(message_ids: Sequence[int]) -> list[str]:
    """Try once to send these messages (`delivery.send`); those to try again are enqueued as
    one task, due when the last of them is (jitter spreads retries between batches, and a
    channel that is down fails a batch alike). Then whoever follows deliveries is told."""
    tried = delivery.send(message_ids)
    if tried.retries:
        with transaction.atomic():
            enqueue([m for m, _ in tried.retries], at=max(at for _, at in tried.retries))
    delivery.tell(tried.messages)
    return tried.outcomes


@task()
def deliver(message_id: int) -> str:
    outcomes = deliver_now([message_id])
    return outcomes[0] if outcomes else "nothing to do"


@task()
def deliver_batch(message_ids: list[int]) -> list[str]:
    return deliver_now(message_ids)
