"""G6: draft the announcement with the public page's link, one message per channel; it goes out
after the approving role approves it, or at once when the playbook says approval: none."""

from __future__ import annotations

from django.conf import settings

from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.playbooks.actions.base import Context, Outcome

DEFAULT_TEMPLATE = "We are investigating {title}. Follow along: {public_url}"


def start(ctx: Context) -> Outcome:
    from warroom.redaction.services import redactor_for

    incident = ctx.incident
    approval = ctx.params.get("approval", "communications")
    template = ctx.params.get("template") or DEFAULT_TEMPLATE
    redactor = redactor_for(incident)
    text = template.format(
        title=redactor.redact(incident.title).text,
        public_url=settings.PUBLIC_URL + incident.public_path,
        severity=incident.severity,
        status=incident.status,
        slug=incident.slug,
    )
    needs_approval = approval not in ("", "none")
    for channel in ctx.params.get("channels") or ["x", "mastodon", "bluesky"]:
        outbox.queue(
            idempotency_key=f"{incident.pk}:announce:{channel}",
            incident=incident,
            kind=Message.Kind.ANNOUNCEMENT,
            channel=channel,
            public=True,
            body=redactor.redact(text).text,
            state=Message.State.AWAITING_APPROVAL if needs_approval else Message.State.PENDING,
            approval_role=approval if needs_approval else "",
            created_at=ctx.now,
        )
    if needs_approval:
        return Outcome(note=f"Announcement drafted; waiting for the {approval} role to approve it")
    return Outcome(done=True, note="Announcement queued")


def wake(ctx: Context) -> Outcome:
    return Outcome(
        done=not ctx.incident.messages.filter(
            kind=Message.Kind.ANNOUNCEMENT, state=Message.State.AWAITING_APPROVAL
        ).exists()
    )
