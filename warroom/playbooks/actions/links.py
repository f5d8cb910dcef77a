"""G1 and G2: the war room and the public page exist from the moment of declaring; the step
records them with their links."""

from __future__ import annotations

from django.conf import settings

from warroom.playbooks.actions.base import Context, Outcome


def start(ctx: Context) -> Outcome:
    if ctx.step.action.name == "open_war_room":
        ctx.run.data["url"] = ctx.incident.war_room_url
        return Outcome(done=True, note="War room opened")
    ctx.run.data["url"] = settings.PUBLIC_URL + ctx.incident.public_path
    return Outcome(done=True, note="Public page opened")


def wake(ctx: Context) -> Outcome:
    return Outcome(done=True)
