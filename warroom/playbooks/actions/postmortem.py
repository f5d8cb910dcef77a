"""G17: on resolve, the post-mortem's first draft from the public record, ready to edit in the
dashboard. The step stays open until the post-mortem is published: the default playbook says
`done: status:postmortem`, which publishing sets."""

from __future__ import annotations

from django.urls import reverse

from warroom.lib.errors import DomainError
from warroom.playbooks.actions.base import ActionType, Context, Outcome
from warroom.writeups.postmortem import ensure_draft


def start(ctx: Context) -> Outcome:
    ctx.run.data["url"] = reverse("dashboard:postmortem", args=[ctx.incident.slug])
    try:
        ensure_draft(incident=ctx.incident, by=ctx.by)
    except DomainError as exc:  # an organisation's broken template must not stop the resolve
        return Outcome(note=f"No draft: {exc.message}", warnings=[exc.message])
    return Outcome(note="Post-mortem draft ready to edit")


action = ActionType("postmortem", start=start)
