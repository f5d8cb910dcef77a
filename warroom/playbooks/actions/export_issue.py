"""G9: when the incident is resolved, export its outage issue to the step's tracker, in the
background once the resolution is committed. The step is done when the issue exists; with no
tracker configured it stays open and says what to configure."""

from __future__ import annotations

from warroom.lib.errors import Invalid
from warroom.playbooks.actions.base import Context, Outcome


def start(ctx: Context) -> Outcome:
    from warroom.exports import services
    from warroom.trackers import registry as trackers

    try:
        tracker = trackers.choose(ctx.params.get("tracker", "default"))
    except Invalid as exc:
        return Outcome(note=exc.message, warnings=[exc.message])
    services.enqueue_export(ctx.incident, ctx.step.id)
    return Outcome(note=f"Exporting the outage issue to {tracker.LABEL} in the background")


def wake(ctx: Context) -> Outcome:
    issue = ctx.incident.tracker_issues.order_by("-exported_at").first()
    if issue is None:
        return Outcome()
    return Outcome(done=True, note=f"Outage issue: {issue.url}")
