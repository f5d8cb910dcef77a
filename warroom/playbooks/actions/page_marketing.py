"""G7: page the marketing contacts in escalation order until one acknowledges. Each page carries
an acknowledgment link and the `warroom ack` command; no ack within the timeout pages the next
contact; every page and ack is on the internal timeline."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from warroom.accounts.models import Person
from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.playbooks import params
from warroom.playbooks.actions.base import ActionType, Context, Outcome
from warroom.playbooks.models import Page
from warroom.playbooks.params import ABSENT, duration
from warroom.timeline.models import Kind
from warroom.timeline.services import note

DEFAULT_ACK_TIMEOUT = timedelta(minutes=15)


def contacts(given: dict) -> list[Person]:
    """The escalation order: the playbook's list, else the roster's marketing team in order."""
    usernames = given.get("escalation") or []
    if usernames:
        people = {p.username: p for p in Person.objects.filter(username__in=usernames)}
        return [people[u] for u in usernames if u in people]
    return list(Person.objects.filter(team__iexact="marketing").order_by("id"))


def _timeout(ctx: Context) -> timedelta:
    value = ctx.params.get("ack_timeout")
    if isinstance(value, timedelta):
        return value
    return duration(value) if value else DEFAULT_ACK_TIMEOUT


def _note(ctx: Context, body: str) -> None:
    note(ctx.incident, body, kind=Kind.COMMS)


def _page(ctx: Context, person: Person, position: int, total: int) -> None:
    incident = ctx.incident
    page = Page.objects.create(incident=incident, person=person, position=position, sent_at=ctx.now)
    ack_url = f"{settings.PUBLIC_URL}/ack/{page.token}"
    body = (
        f"{incident.severity} incident: {incident.title}\n"
        f"Public page: {settings.PUBLIC_URL}{incident.public_path}\n"
        f"War room: {incident.war_room_url}\n"
        f"You are marketing contact {position} of {total}. Acknowledge within "
        f"{int(_timeout(ctx).total_seconds() // 60)} min: {ack_url} or `warroom ack {incident.slug}`"
    )
    page.message = outbox.queue(
        incident=incident,
        kind=Message.Kind.PAGE,
        channel="email",
        recipient=person.email or person.username,
        subject=f"[{incident.severity}] Marketing needed: {incident.title}",
        body=body,
        idempotency_key=f"{incident.pk}:page:{position}",
        created_at=ctx.now,
    )
    page.save(update_fields=["message"])
    _note(
        ctx,
        f"Paged marketing contact {position} of {total}: {person.display_name} (@{person.username}).",
    )


def start(ctx: Context) -> Outcome:
    people = contacts(ctx.params)
    if not people:
        warning = (
            "No marketing contacts to page: add roster people with team 'marketing' "
            "(`warroom roster import`) or an escalation list to the playbook"
        )
        _note(ctx, warning + ".")
        return Outcome(warnings=[warning])
    ctx.run.data["escalation"] = [p.username for p in people]
    _page(ctx, people[0], 1, len(people))
    return Outcome(next_run_at=ctx.now + _timeout(ctx))


def wake(ctx: Context) -> Outcome:
    incident = ctx.incident
    if incident.pages.filter(acked_at__isnull=False).exists():
        return Outcome(done=True)
    usernames = ctx.run.data.get("escalation", [])
    sent = incident.pages.count()
    if sent >= len(usernames):
        if not ctx.run.data.get("exhausted"):
            ctx.run.data["exhausted"] = True
            _note(ctx, "No marketing contact acknowledged; the incident commander takes over (G7).")
        return Outcome()
    person = Person.objects.filter(username=usernames[sent]).first()
    if person is None:
        ctx.run.data["escalation"] = usernames[:sent] + usernames[sent + 1 :]
        return wake(ctx)
    _page(ctx, person, sent + 1, len(usernames))
    return Outcome(next_run_at=ctx.now + _timeout(ctx))


action = ActionType(
    "page_marketing",
    params={
        "escalation": (params.list_of(params.text, allow_empty=False), ABSENT),
        "ack_timeout": (params.a_duration, DEFAULT_ACK_TIMEOUT),
    },
    start=start,
    wake=wake,
)
