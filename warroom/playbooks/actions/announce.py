"""G6: draft the announcement with the public page's link, one message per channel; it goes out
after the approving role approves it, or at once when the playbook says approval: none."""

from __future__ import annotations

import string
from typing import Any

from django.conf import settings

from warroom.comms import services as outbox
from warroom.comms.channels import registry
from warroom.comms.models import Message
from warroom.playbooks import params
from warroom.playbooks.actions.base import ActionType, Context, Outcome
from warroom.playbooks.params import Bad
from warroom.redaction.services import redactor_for

DEFAULT_TEMPLATE = "We are investigating {title}. Follow along: {public_url}"
# What a template may use; the action fills every one of them.
TEMPLATE_FIELDS = ("title", "slug", "severity", "status", "public_url")


def _template(value: Any) -> str:
    text = params.text(value)
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        raise Bad(f"bad template: {error} (write {{{{ and }}}} for literal braces)") from None
    for name in fields:
        if name not in TEMPLATE_FIELDS:
            known = ", ".join("{" + known + "}" for known in TEMPLATE_FIELDS)
            raise Bad(f"unknown template field {{{name}}} (use {known})")
    return text


def _public_channel(value: Any) -> str:
    return params.one_of(tuple(registry.public_channels()), "public channel")(value)


def start(ctx: Context) -> Outcome:
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


action = ActionType(
    "announce",
    params={
        "channels": (params.list_of(_public_channel, allow_empty=False), ["x", "mastodon", "bluesky"]),
        "approval": (params.approval, "communications"),
        "template": (_template, DEFAULT_TEMPLATE),
    },
    start=start,
    wake=wake,
)
