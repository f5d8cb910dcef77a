"""Background tasks of the outbox (Django Tasks API)."""

from __future__ import annotations

from django_tasks import task

from warroom.comms import services


@task()
def deliver(message_id: int) -> str:
    return services.deliver(message_id)


@task()
def deliver_batch(message_ids: list[int]) -> list[str]:
    return services.deliver_batch(message_ids)
