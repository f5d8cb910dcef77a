"""G11: the war room is live by default for the playbook's severities, once the commander
approves; anyone on the incident may veto it with a reason (warroom.flows.live_stream). The
step proposes it."""

from __future__ import annotations

from warroom.incidents.models import LiveStream
from warroom.incidents.services import propose_live_stream
from warroom.playbooks import params
from warroom.playbooks.actions.base import ActionType, Context, Outcome


def start(ctx: Context) -> Outcome:
    propose_live_stream(ctx.incident)
    return Outcome(note="Live stream proposed; the commander approves, anyone may veto")


def wake(ctx: Context) -> Outcome:
    stream = LiveStream.objects.filter(incident=ctx.incident).first()
    return Outcome(done=bool(stream and stream.state != LiveStream.State.PROPOSED))


action = ActionType(
    "live_stream", params={"severities": (params.severities, ["S1", "S2"])}, start=start, wake=wake
)
