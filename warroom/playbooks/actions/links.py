"""G1 and G2: the war room and the public page exist from the moment of declaring; the steps
record them with their links."""

from __future__ import annotations

from django.conf import settings

from warroom.playbooks.actions.base import ActionType, Context, Outcome


def _war_room(ctx: Context) -> Outcome:
    ctx.run.data["url"] = ctx.incident.war_room_url
    return Outcome(done=True, note="War room opened")


def _public_page(ctx: Context) -> Outcome:
    ctx.run.data["url"] = settings.PUBLIC_URL + ctx.incident.public_path
    return Outcome(done=True, note="Public page opened")


def _done(ctx: Context) -> Outcome:
    return Outcome(done=True)


open_war_room = ActionType("open_war_room", start=_war_room, wake=_done)
open_public_page = ActionType("open_public_page", start=_public_page, wake=_done)
