"""Subscribing, confirming, unsubscribing, and telling every subscriber of each status update
(through the outbox, with the public, redacted text only)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.impact.models import Component
from warroom.impact.services import affected_components
from warroom.incidents.models import Incident
from warroom.lib.errors import Invalid, NotFound
from warroom.lib.http import UnsafeURL, check_public_url
from warroom.projection import statuspage
from warroom.projection.incident import public_incident
from warroom.projection.statuspage import IMPACT_OF_SEVERITY
from warroom.projection.types import PublicEntry, PublicIncident
from warroom.subscribers.models import Subscriber
from warroom.timeline.models import Entry


def kind_of(address: str) -> str:
    return (
        Subscriber.Kind.WEBHOOK
        if address.startswith(("http://", "https://"))
        else Subscriber.Kind.EMAIL
    )


@transaction.atomic
def subscribe(
    *, address: str, confirmed: bool = False, components: list[str] | None = None
) -> Subscriber:
    """An e-mail address gets a confirmation link first (double opt-in), unless a responder
    adds it as confirmed; a webhook URL must point at a public address. With `components` (their
    slugs), only incidents that affect one of them are sent. The components are chosen when
    the subscription is made; subscribing again changes nothing (nobody can change someone
    else's choice by typing their address)."""
    chosen = _components(components or [])
    address = (address or "").strip()
    kind = kind_of(address)
    if kind == Subscriber.Kind.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise Invalid(f"{address!r} is neither an e-mail address nor an http(s) URL") from None
        address = address.lower()
    else:
        try:
            check_public_url(address)
        except UnsafeURL as exc:
            raise Invalid(f"this webhook URL cannot be used: {exc}") from None
        confirmed = True  # nothing to click; the receiver verifies our signature
    subscriber, created = Subscriber.objects.get_or_create(kind=kind, address=address)
    if created and chosen:
        subscriber.components.set(chosen)
    if confirmed and not subscriber.confirmed:
        subscriber.confirmed, subscriber.confirmed_at = True, timezone.now()
        subscriber.save(update_fields=["confirmed", "confirmed_at"])
    elif not subscriber.confirmed:
        _ask_to_confirm(subscriber)
    return subscriber


def _components(slugs: list[str]) -> list[Component]:
    found = {c.slug: c for c in Component.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        names = ", ".join(Component.objects.values_list("slug", flat=True)) or "none yet"
        raise Invalid(f"no component {unknown[0]!r}; the components are: {names}")
    return list(found.values())


def _ask_to_confirm(subscriber: Subscriber) -> None:
    link = f"{settings.PUBLIC_URL}/subscribe/confirm/{subscriber.confirm_token}"
    outbox.queue(
        idempotency_key=f"subscribe:{subscriber.pk}:{subscriber.confirm_token}",
        incident=None,
        kind=Message.Kind.SUBSCRIPTION,
        channel="email",
        recipient=subscriber.address,
        subscriber=subscriber,
        subject="Confirm your subscription to incident updates",
        body=f"Someone, hopefully you, asked to receive incident updates at this address.\n\n"
        f"Confirm: {link}\n\nIf it was not you, ignore this message; nothing more will come.",
        created_at=timezone.now(),
    )


def confirm(token: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(confirm_token=token).first()
    if subscriber is None:
        raise NotFound("this confirmation link is not valid")
    if not subscriber.confirmed:
        subscriber.confirmed, subscriber.confirmed_at = True, timezone.now()
        subscriber.save(update_fields=["confirmed", "confirmed_at"])
    return subscriber


def unsubscribe(token: str) -> str:
    subscriber = Subscriber.objects.filter(unsubscribe_token=token).first()
    if subscriber is None:
        raise NotFound("this unsubscribe link is not valid (or you are unsubscribed already)")
    address = subscriber.address
    subscriber.delete()
    return address


def remove(subscriber_id: int) -> str:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        raise NotFound(f"no subscriber {subscriber_id}; `warroom subscribers list` shows them")
    address = subscriber.address
    subscriber.delete()
    return address


def fan_out(incident: Incident, entry: Entry, *, approval_role: str = "") -> int:
    """Queue the status update for every confirmed subscriber, in the caller's transaction;
    waiting for `approval_role`'s approval when one is given."""
    state = public_incident(incident, slice(0, 1))
    update = next((e for e in state["entries"] if e["id"] == entry.pk), None)
    if update is None:
        return 0
    subject = f"[{state['status_label']}] {state['title']}"
    text = f"{state['status_label']}: {update['text']}\n\nFollow the incident: {state['url']}"
    payload = json.dumps(_statuspage_payload(state, update), ensure_ascii=False)
    now = timezone.now()
    messages = [
        Message(
            idempotency_key=f"{incident.pk}:update:{entry.pk}:{subscriber.pk}",
            group=f"update:{entry.pk}",
            state=Message.State.AWAITING_APPROVAL if approval_role else Message.State.PENDING,
            approval_role=approval_role,
            incident=incident,
            kind=Message.Kind.UPDATE,
            channel="webhook" if webhook else "email",
            recipient=subscriber.address,
            subscriber=subscriber,
            public=True,
            subject=subject,
            body=payload if webhook else text,
            unsubscribe_url=f"{settings.PUBLIC_URL}/unsubscribe/{subscriber.unsubscribe_token}",
            created_at=now,
        )
        for subscriber in _recipients(incident).iterator(chunk_size=2000)
        for webhook in [subscriber.kind == Subscriber.Kind.WEBHOOK]
    ]
    return outbox.queue_many(messages)


def _recipients(incident: Incident):
    """Confirmed subscribers to every incident, and those to a component this one affects. Until
    its components are assessed, everyone hears of it."""
    recipients = Subscriber.objects.filter(confirmed=True)
    affected = affected_components(incident)
    if affected is None:
        return recipients
    return recipients.filter(Q(components=None) | Q(components__in=affected)).distinct()


def _statuspage_payload(state: PublicIncident, update: PublicEntry) -> dict:
    """Shaped like Statuspage's incident webhook, so its consumers read it unchanged."""
    page = statuspage.page_status()
    return {
        "meta": {"generated_at": timezone.now().isoformat()},
        "page": {
            "id": statuspage.page_id(),
            "status_indicator": page["indicator"],
            "status_description": page["description"],
        },
        "incident": {
            "id": state["slug"],
            "name": state["title"],
            "status": state["status"],
            "impact": IMPACT_OF_SEVERITY[state["severity"]],
            "shortlink": state["url"],
            "created_at": state["started_at"],
            "resolved_at": state["resolved_at"],
            "incident_updates": [
                {
                    "id": update["id"],
                    "status": state["status"],
                    "body": update["text"],
                    "created_at": update["occurred_at"],
                }
            ],
        },
    }
