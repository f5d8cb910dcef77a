"""REST: responders manage subscribers."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from ninja.responses import Status as Reply

from warroom.subscribers import services
from warroom.subscribers.models import Subscriber

router = Router(tags=["subscribers"])


class SubscriberIn(Schema):
    address: str
    confirmed: bool = False
    components: list[str] = []  # component slugs; none: every incident


class SubscriberOut(Schema):
    id: int
    kind: str
    address: str
    confirmed: bool
    components: list[str]
    created_at: datetime


def _out(s: Subscriber) -> dict:
    return {
        "id": s.pk,
        "kind": s.kind,
        "address": s.address,
        "confirmed": s.confirmed,
        "components": [c.slug for c in s.components.all()],
        "created_at": s.created_at,
    }


@router.get("/subscribers", response=list[SubscriberOut], summary="Every subscriber")
def list_subscribers(request):
    return [_out(s) for s in Subscriber.objects.prefetch_related("components")]


@router.post("/subscribers", response={201: SubscriberOut}, summary="Add a subscriber")
def add(request, payload: SubscriberIn):
    return Reply(
        201,
        _out(
            services.subscribe(
                address=payload.address,
                confirmed=payload.confirmed,
                components=payload.components,
            )
        ),
    )


@router.delete("/subscribers/{subscriber_id}", response={204: None}, summary="Remove a subscriber")
def remove(request, subscriber_id: int):
    services.remove(subscriber_id)
    return Reply(204, None)
