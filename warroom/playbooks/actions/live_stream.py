"""G11: the war room is live by default for the playbook's severities, once the commander
approves; anyone on the incident may veto it with a reason. The step proposes it."""

from __future__ import annotations

from warroom.incidents.models import LiveStream
from warroom.playbooks.actions.base import Context, Outcome


def start(ctx: Context) -> Outcome:
    LiveStream.objects.get_or_create(incident=ctx.incident)
    return Outcome(note="Live stream proposed; the commander approves, anyone may veto")


def wake(ctx: Context) -> Outcome:
    stream = LiveStream.objects.filter(incident=ctx.incident).first()
    return Outcome(done=bool(stream and stream.state != LiveStream.State.PROPOSED))
