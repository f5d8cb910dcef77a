"""What people do to the playbook: acknowledge a page, approve or veto the live stream, record a
decision, approve an announcement, mark a step. Each writes its timeline entry."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Person
from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.incidents.models import Incident, LiveStream, Role
from warroom.lib.errors import Forbidden, Invalid, NotFound
from warroom.playbooks import engine
from warroom.playbooks.models import Page, StepRun
from warroom.timeline.services import add_entry

VETO_REASONS = {
    "interferes": "it interferes with solving the problem",
    "security": "it would harm security",
    "privacy": "it would harm privacy",
}


def _person(user) -> Person | None:
    return (
        Person.objects.filter(user=user).first()
        or Person.objects.filter(username=user.username).first()
    )


def _holds(incident: Incident, user, roles: list[str] | None = None) -> bool:
    person = _person(user)
    if person is None:
        return False
    current = incident.roles.filter(person=person, ended_at=None)
    return current.filter(role__in=roles).exists() if roles else current.exists()


def _note(
    incident: Incident, body: str, by, *, kind: str = "event", data: dict | None = None
) -> None:
    add_entry(incident=incident, body=body, author=by, kind=kind, visibility="internal", data=data)


@transaction.atomic
def ack(*, incident: Incident | None = None, token: str | None = None, by=None) -> Page:
    """Acknowledge the page: by its link's token, or the latest page of the incident."""
    pages = Page.objects.select_for_update(of=("self",)).select_related("person", "incident")
    page = (
        pages.filter(token=token).first()
        if token
        else pages.filter(incident=incident).order_by("-position").first()
    )
    if page is None:
        raise NotFound("no page to acknowledge" + (f" on {incident.slug}" if incident else ""))
    if page.acked_at is None:
        page.acked_at = timezone.now()
        page.acked_by = by if getattr(by, "pk", None) else None
        page.save(update_fields=["acked_at", "acked_by"])
        who = by.username if getattr(by, "pk", None) else page.person.username
        _note(
            page.incident,
            f"Marketing page acknowledged by {who} (page {page.position}).",
            by,
            kind="comms",
        )
        engine.sync(page.incident, now=page.acked_at)
        engine.wake_steps(page.incident, action="page_marketing", now=page.acked_at)
    return page


@transaction.atomic
def approve_live_stream(*, incident: Incident, by, url: str = "") -> LiveStream:
    """G11: the commander makes the war room live; its link then shows on the public page."""
    if not (by.is_superuser or _holds(incident, by, [Role.COMMANDER])):
        raise Forbidden("only the incident commander approves the live stream")
    url = (url or "").strip()
    if url and not url.startswith(("https://", "http://")):
        raise Invalid("the stream's address must start with https:// (it becomes a public link)")
    stream, _ = LiveStream.objects.select_for_update().get_or_create(incident=incident)
    if stream.state == LiveStream.State.VETOED:
        raise Invalid(f"the live stream was vetoed: {stream.reason}")
    stream.state, stream.url = LiveStream.State.LIVE, (url or incident.war_room_url)
    stream.decided_by, stream.decided_at = by, timezone.now()
    stream.save()
    _note(
        incident,
        "Live stream: approved; the war room is live on the public page.",
        by,
        kind="decision",
        data={"topic": "live_stream", "choice": "live"},
    )
    incident.public_changed()
    engine.sync(incident, now=stream.decided_at)
    return stream


@transaction.atomic
def veto_live_stream(*, incident: Incident, by, reason: str) -> LiveStream:
    """Anyone on the incident may veto the live stream, with a reason (G11)."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("a veto needs a reason: interferes, security, privacy or your own words")
    if not (by.is_superuser or _holds(incident, by)):
        raise Forbidden("only people with a role on the incident may veto the live stream")
    stream, _ = LiveStream.objects.select_for_update().get_or_create(incident=incident)
    stream.state, stream.reason = LiveStream.State.VETOED, VETO_REASONS.get(reason, reason)
    stream.decided_by, stream.decided_at = by, timezone.now()
    stream.save()
    _note(
        incident,
        f"Live stream: vetoed because {stream.reason}.",
        by,
        kind="decision",
        data={"topic": "live_stream", "choice": "vetoed"},
    )
    incident.public_changed()
    engine.sync(incident, now=stream.decided_at)
    return stream


@transaction.atomic
def decide(*, incident: Incident, topic: str, choice: str, by, reason: str = ""):
    """Record a decision (G10 "blog post: yes/no") as a decision entry."""
    topic = (topic or "").strip().lower().replace(" ", "_").replace("-", "_")
    choice = (choice or "").strip()
    if not topic or not choice:
        raise Invalid("a decision needs a topic and a choice, e.g. blog_post yes")
    text = (
        f"Decision on {topic.replace('_', ' ')}: {choice}"
        + (f", because {reason.strip()}" if reason.strip() else "")
        + "."
    )
    _note(incident, text, by, kind="decision", data={"topic": topic, "choice": choice})
    engine.sync(incident, now=timezone.now())


@transaction.atomic
def approve_message(*, message_id: int, by, approve: bool = True) -> Message:
    """Approve (or reject) a message waiting for a role's approval."""
    message = _awaiting_approval(message_id, by)
    message.approved_by, message.approved_at = by, timezone.now()
    count = outbox.release(message, now=message.approved_at) if approve else outbox.reject(message)
    verb = "approved" if approve else "rejected"
    what = (
        f"{message.get_kind_display()} ({count} messages)"
        if message.group
        else f"{message.get_kind_display()} for {message.channel}"
    )
    _note(message.incident, f"{what} {verb}.", by, kind="comms")
    engine.wake_steps(message.incident, action="announce", now=message.approved_at)
    return message


@transaction.atomic
def edit_message(*, message_id: int, text: str, by) -> Message:
    """Change the text of a message waiting for approval; a public one is redacted and measured
    by its channel's rules again. It still waits for the approval."""
    from warroom.redaction.services import redactor_for

    message = _awaiting_approval(message_id, by)
    if message.group:
        raise Invalid(
            f"message {message_id} is a status update to every subscriber, made from the "
            "update's text: reject it and post a corrected status update instead"
        )
    body = (text or "").strip()
    if message.public:
        body = _public_text(message.channel, redactor_for(message.incident).redact(body).text)
    if not body:
        raise Invalid("the message is empty")
    message.body = body
    message.save(update_fields=["body"])
    _note(
        message.incident,
        f"{message.get_kind_display()} for {message.channel} edited before approval.",
        by,
        kind="comms",
    )
    return message


def _awaiting_approval(message_id: int, by) -> Message:
    """The message, locked, if it waits for approval and `by` may approve it."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("incident")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise NotFound(f"no message {message_id}; `warroom messages SLUG` lists them")
    if message.state != Message.State.AWAITING_APPROVAL:
        raise Invalid(
            f"message {message_id} is {message.get_state_display().lower()}, not awaiting approval"
        )
    roles = [message.approval_role, Role.COMMANDER]
    if not (by.is_superuser or _holds(message.incident, by, roles)):
        raise Forbidden(
            f"message {message_id} needs approval by the {message.approval_role} role or the commander"
        )
    return message


def checklist(incident: Incident, *, now=None) -> list[dict]:
    """The steps in playbook order with their state: pending, done, skipped, overdue, n/a."""
    now = now or timezone.now()
    if not hasattr(incident, "playbook"):
        return []
    with transaction.atomic():
        engine.sync(incident, now=now)
    playbook = engine.playbook_of(incident)
    items = []
    for run in incident.steps.select_related("done_by"):
        step = playbook.step(run.step_id)
        state = {StepRun.State.WAITING: "pending", StepRun.State.OPEN: "pending"}.get(
            run.state, run.state
        )
        if engine.overdue(run, now):
            state = "overdue"
        items.append(
            {
                "id": step.id,
                "title": step.title,
                "guideline": step.guideline,
                "owner": step.owner,
                "state": state,
                "triggered": run.state != StepRun.State.WAITING,
                "due_at": run.due_at,
                "done_at": run.done_at,
                "done_by": run.done_by.username if run.done_by else None,
                "reason": run.reason,
                "link": run.data.get("url", ""),
            }
        )
    return items


PUBLIC_CHANNELS = ["x", "mastodon", "bluesky", "slack", "mattermost"]
# Who may post at once (G13: marketing takes over posting when production is busy); anyone else's
# post waits for the communications role's approval.
POSTING_ROLES = [Role.COMMUNICATIONS, Role.MARKETING, Role.COMMANDER]


@transaction.atomic
def post_message(*, incident: Incident, channel: str, text: str, by) -> Message:
    """A public post, redacted and measured by the channel's rules, into the outbox."""
    import uuid

    from warroom.redaction.services import redactor_for

    if channel not in PUBLIC_CHANNELS:
        raise Invalid(f"unknown channel {channel!r}; post to one of {', '.join(PUBLIC_CHANNELS)}")
    body = _public_text(channel, redactor_for(incident).redact((text or "").strip()).text)
    if not body:
        raise Invalid("the post is empty")
    at_once = by.is_superuser or _holds(incident, by, POSTING_ROLES)
    message = outbox.queue(
        idempotency_key=f"{incident.pk}:post:{uuid.uuid4().hex}",
        incident=incident,
        kind=Message.Kind.POST,
        channel=channel,
        public=True,
        body=body,
        state=Message.State.PENDING if at_once else Message.State.AWAITING_APPROVAL,
        approval_role="" if at_once else Role.COMMUNICATIONS,
        created_at=timezone.now(),
    )
    verb = "queued" if at_once else "waiting for the communications role's approval"
    _note(incident, f"Post to {channel} {verb} (message {message.pk}).", by, kind="comms")
    return message


def _public_text(channel: str, text: str) -> str:
    """Redacted text as the channel will take it; refused when it is too long there."""
    from warroom.comms.composer import LIMITS, compose, too_long_message

    if channel not in LIMITS or not text:
        return text
    composed = compose(channel, text)
    if not composed.ok:
        raise Invalid(too_long_message(composed))
    return composed.text
