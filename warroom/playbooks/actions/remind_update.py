"""G8: keep updating the public record. When no public update was posted for the cadence of the
incident's status and severity, remind the communications role; if it stays overdue for another
interval, escalate to the commander. Defaults (minutes, S1 / S2 / S3–S4): investigating
10 / 15 / 15, identified 10 / 30 / 30, monitoring 30 / 60 / 60."""

from __future__ import annotations

from datetime import datetime, timedelta

from warroom.comms import services as outbox
from warroom.comms.models import Message
from warroom.playbooks.actions.base import Context, Outcome
from warroom.playbooks.format import duration

DEFAULT_CADENCE = {
    "investigating": {"S1": 10, "S2": 15, "S3-S4": 15},
    "identified": {"S1": 10, "S2": 30, "S3-S4": 30},
    "monitoring": {"S1": 30, "S2": 60, "S3-S4": 60},
}
# How often the scheduler looks, at most: a reminder is never later than this.
CHECK_EVERY = timedelta(minutes=1)


def _minutes(value) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float):
        return timedelta(minutes=value)
    return duration(str(value))


def cadence(params: dict, status: str, severity: str) -> timedelta | None:
    table = params.get("cadence") or DEFAULT_CADENCE
    row = table.get(status)
    if not row:
        return None
    for key in (severity, "S3-S4" if severity in ("S3", "S4") else severity):
        if key in row:
            return _minutes(row[key])
    return None


def last_public_update(ctx: Context) -> datetime:
    latest = (
        ctx.incident.entries.filter(visibility="public")
        .order_by("-recorded_at")
        .values_list("recorded_at", flat=True)
        .first()
    )
    return latest or ctx.incident.declared_at


def _holder(ctx: Context, role: str):
    assignment = (
        ctx.incident.roles.filter(role=role, ended_at=None).select_related("person").first()
    )
    return assignment.person if assignment else None


def _remind(ctx: Context, role: str, minutes: int, key: str) -> None:
    from warroom.timeline.services import add_entry

    person = _holder(ctx, role) or _holder(ctx, "commander")
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
    add_entry(
        incident=ctx.incident,
        body=f"{verb}: {who}. {body}",
        author=None,
        kind="comms",
        visibility="internal",
    )


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
