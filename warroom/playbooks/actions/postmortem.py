"""G17: on resolve, the post-mortem's first draft from the public record, ready to edit in the
dashboard. The step stays open until the post-mortem is published: the default playbook says
`done: status:postmortem`, which publishing sets."""

from __future__ import annotations

from django.urls import reverse

from warroom.lib.errors import DomainError
from warroom.playbooks.actions.base import Context, Outcome


def start(ctx: Context) -> Outcome:
    # Imported here: the post-mortem services import the incident services, which import the
    # playbook engine, which imports this module.
    from warroom.writeups.postmortem import ensure_draft

    ctx.run.data["url"] = reverse("dashboard:postmortem", args=[ctx.incident.slug])
    try:
        ensure_draft(incident=ctx.incident, by=ctx.by)
    except DomainError as exc:  # an organisation's broken template must not stop the resolve
        return Outcome(note=f"No draft: {exc.message}", warnings=[exc.message])
    return Outcome(note="Post-mortem draft ready to edit")


def wake(ctx: Context) -> Outcome:
    return Outcome()
