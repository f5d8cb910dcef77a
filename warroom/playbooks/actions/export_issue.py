"""G9: when the incident is resolved, the outage issue goes to the step's tracker through the
outbox (its retries and attempt rows, like any delivery). The step is done when the issue is
there; with no tracker configured it stays open and says what to configure; while the tracker
fails, it says why and when it is tried again."""

from __future__ import annotations

from datetime import UTC, timedelta

from warroom.comms.models import Message
from warroom.exports import outage_issue
from warroom.lib.errors import Invalid
from warroom.playbooks import params
from warroom.playbooks.actions.base import ActionType, Context, Outcome
from warroom.trackers.services import latest_issue

TRACKERS = ("gitlab", "github", "default")
# How often the step looks at its message while the outbox delivers it.
CHECK_EVERY = timedelta(seconds=30)


def start(ctx: Context) -> Outcome:
    try:
        message = outage_issue.queue(
            ctx.incident,
            tracker=ctx.params.get("tracker", "default"),
            labels=ctx.params.get("labels") or [],
            key=f"{ctx.incident.pk}:issue:{ctx.step.id}",
            by=ctx.by,
        )
    except Invalid as exc:
        return Outcome(note=exc.message, warnings=[exc.message])
    ctx.run.data["message"] = message.pk
    label = {"gitlab": "GitLab", "github": "GitHub"}.get(message.channel, message.channel)
    return Outcome(
        note=f"Exporting the outage issue to {label} in the background",
        next_run_at=ctx.now + CHECK_EVERY,
    )


def wake(ctx: Context) -> Outcome:
    """Done once the issue exists (sent by this step or by hand); otherwise what its message
    says."""
    issue = latest_issue(ctx.incident)
    if issue is not None:
        return Outcome(done=True, note=f"Outage issue: {issue.url}")
    message = Message.objects.filter(pk=ctx.run.data.get("message")).first()
    if message is None:
        return Outcome()
    if message.state == Message.State.FAILED:
        return Outcome(note=f"Export failed: {message.last_error}")
    if message.last_error and message.next_attempt_at:
        when = message.next_attempt_at.astimezone(UTC).strftime("%H:%M")
        return Outcome(
            note=f"{message.last_error}; trying again at {when} UTC",
            next_run_at=ctx.now + CHECK_EVERY,
        )
    return Outcome(next_run_at=ctx.now + CHECK_EVERY)


action = ActionType(
    "export_issue",
    params={
        "tracker": (params.one_of(TRACKERS, "tracker"), "default"),
        "labels": (params.list_of(params.text), ["outage"]),
    },
    start=start,
    wake=wake,
    sends=(Message.Kind.ISSUE,),
    delivered=wake,
)
