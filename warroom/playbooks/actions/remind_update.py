"""G8: keep updating the public record. When no public update was posted for the cadence of the
incident's status and severity, remind the communications role; if it stays overdue for another
interval, escalate to the commander. Defaults (minutes, S1 / S2 / S3–S4): investigating
10 / 15 / 15, identified 10 / 30 / 30, monitoring 30 / 60 / 60."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.incidents.services import holder
from warroom.playbooks import params
from warroom.playbooks.actions.base import ActionType, Context, Outcome
from warroom.playbooks.params import OPEN_STATUSES, SEVERITIES, Bad
from warroom.timeline.models import Kind
from warroom.timeline.services import note

# Reminder cadence (G8), minutes for S1 / S2 / S3–S4.
_CADENCE_MINUTES = {
    "investigating": (10, 15, 15),
    "identified": (10, 30, 30),
    "monitoring": (30, 60, 60),
}
DEFAULT_CADENCE = {
    status: dict(zip(SEVERITIES, [timedelta(minutes=m) for m in (s1, s2, s34, s34)], strict=True))
    for status, (s1, s2, s34) in _CADENCE_MINUTES.items()
}
# How often the scheduler looks, at most: a reminder is never later than this.
CHECK_EVERY = timedelta(minutes=1)


def _cadence(value: Any) -> dict[str, dict[str, timedelta]]:
    """Merge the given cadence over the default one and spell out every severity."""
    if not isinstance(value, dict):
        raise Bad(f"expected a mapping of status to severities, not {params.described(value)}")
    merged = copy.deepcopy(DEFAULT_CADENCE)
    for status, groups in value.items():
        if status not in OPEN_STATUSES:
            raise Bad(f"unknown status {status!r} (use {', '.join(OPEN_STATUSES)})", (status,))
        if not isinstance(groups, dict):
            raise Bad("expected a mapping like {S1: 10m, S2: 15m, S3-S4: 15m}", (status,))
        seen: set[str] = set()
        for group, every in groups.items():
            try:
                severities = params.severity_group(str(group))
                interval = params.a_duration(every)
            except Bad as error:
                raise Bad(error.message, (status, group)) from None
            for severity in severities:
                if severity in seen:
                    raise Bad(f"{severity} given twice", (status, group))
                seen.add(severity)
                merged[status][severity] = interval
    return merged


def _duration_or_same(value: Any) -> timedelta | str:
    return "same" if value == "same" else params.a_duration(value)


def cadence(given: dict, status: str, severity: str) -> timedelta | None:
    """How long the public may wait for an update in this status and severity; None when it
    does not wait for any (resolved)."""
    return (given.get("cadence") or DEFAULT_CADENCE).get(status, {}).get(severity)


def last_public_update(ctx: Context) -> datetime:
    latest = (
        ctx.incident.entries.filter(visibility="public")
        .order_by("-recorded_at")
        .values_list("recorded_at", flat=True)
        .first()
    )
    return latest or ctx.incident.declared_at


def _remind(ctx: Context, role: str, minutes: int, key: str) -> None:
    person = holder(ctx.incident, role) or holder(ctx.incident, "commander")
    who = (
        f"{person.display_name} (@{person.username})"
        if person
        else f"the {role} role (nobody named)"
    )
    body = (
        f"No public update for {minutes} min: post one with `warroom status {ctx.incident.slug} …`."
    )
    outbox.queue(
        idempotency_key=f"{ctx.incident.pk}:remind:{key}",
        incident=ctx.incident,
        kind=Message.Kind.REMINDER,
        channel="email",
        recipient=(person.email or person.username) if person else "",
        subject=f"[{ctx.incident.severity}] Public update overdue: {ctx.incident.title}",
        body=body,
        created_at=ctx.now,
    )
    verb = "Escalated" if role == "commander" else "Reminded"
    note(ctx.incident, f"{verb}: {who}. {body}", kind=Kind.COMMS)


def start(ctx: Context) -> Outcome:
    return wake(ctx)


def wake(ctx: Context) -> Outcome:
    incident = ctx.incident
    if not incident.is_open:
        return Outcome(done=True)
    interval = cadence(ctx.params, incident.status, incident.severity)
    if interval is None:
        return Outcome(next_run_at=ctx.now + CHECK_EVERY)
    last = last_public_update(ctx)
    due = last + interval
    data = ctx.run.data
    if data.get("since") != last.isoformat():  # a new public update: start over
        data.clear()
        data["since"] = last.isoformat()
    if ctx.now < due:
        ctx.run.due_at = due
        return Outcome(next_run_at=min(due, ctx.now + CHECK_EVERY))
    escalate_at = due + interval
    minutes = int((ctx.now - last).total_seconds() // 60)
    if not data.get("reminded"):
        data["reminded"] = ctx.now.isoformat()
        _remind(ctx, "communications", minutes, f"{last.isoformat()}:remind")
    if ctx.now >= escalate_at and not data.get("escalated"):
        data["escalated"] = ctx.now.isoformat()
        _remind(ctx, "commander", minutes, f"{last.isoformat()}:escalate")
    ctx.run.due_at = due
    wake_at = ctx.now + CHECK_EVERY
    return Outcome(next_run_at=min(escalate_at, wake_at) if ctx.now < escalate_at else wake_at)


action = ActionType(
    "remind_update",
    params={
        "cadence": (_cadence, DEFAULT_CADENCE),
        "escalate_after": (_duration_or_same, "same"),
    },
    start=start,
    wake=wake,
)
