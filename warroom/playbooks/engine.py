"""The playbook engine: starts an incident's steps, fires them on events and on time, closes them
when their done condition holds. Every function takes `now`, so tests run on a simulated clock.

Steps fire once: timed steps are claimed with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, so
several workers never run the same step twice (SQLite runs one writer at a time anyway).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from warroom.incidents.models import CLOSED_STATUSES, Incident
from warroom.lib.errors import Invalid, NotFound
from warroom.playbooks import loader
from warroom.playbooks.actions import ACTIONS, require_role
from warroom.playbooks.actions.base import Context, Outcome
from warroom.playbooks.format import Playbook, Step
from warroom.playbooks.models import IncidentPlaybook, StepRun

ACTIVE = [StepRun.State.WAITING, StepRun.State.OPEN]


# A frozen playbook never changes: each process parses it once, keyed by its row's id.
_parsed: dict[int, Playbook] = {}


def playbook_of(incident: Incident) -> Playbook:
    frozen = incident.playbook
    book = _parsed.get(frozen.pk)
    if book is None:
        if len(_parsed) >= 4096:
            _parsed.clear()
        book = _parsed[frozen.pk] = Playbook.from_dict(frozen.definition)
    return book


def start(incident: Incident, *, now: datetime, by=None) -> list[str]:
    """Freeze the playbook on the incident, create its steps and fire the `declare` ones.
    Returns warnings for the person who declared (no marketing contacts, …)."""
    playbook = loader.current()
    IncidentPlaybook.objects.create(
        incident=incident, name=playbook.name, definition=playbook.to_dict()
    )
    runs = []
    for position, step in enumerate(playbook.steps):
        applicable = incident.severity in step.severities
        state = StepRun.State.WAITING if applicable else StepRun.State.NOT_APPLICABLE
        run = StepRun(incident=incident, step_id=step.id, position=position, state=state)
        if applicable and step.trigger.kind == "after":
            run.next_run_at = now + step.trigger.interval
            run.due_at = run.next_run_at
        runs.append(run)
    StepRun.objects.bulk_create(runs)
    return fire(incident, "declare", now=now, by=by)


def _matches(step: Step, event: str) -> bool:
    trigger = step.trigger
    if trigger.kind in ("declare", "resolve"):
        return event == trigger.kind
    if trigger.kind == "status":
        return event == f"status:{trigger.status}"
    if trigger.kind == "every":
        return event == "declare"
    return False


def fire(incident: Incident, event: str, *, now: datetime, by=None) -> list[str]:
    """Run the steps whose trigger is `event`: declare, resolve or status:<status>."""
    playbook = playbook_of(incident)
    warnings: list[str] = []
    runs = {r.step_id: r for r in incident.steps.select_for_update().filter(state__in=ACTIVE)}
    for step in playbook.steps:
        run = runs.get(step.id)
        if run is None or not _matches(step, event):
            continue
        run.state = StepRun.State.OPEN
        run.triggered_at = run.triggered_at or now
        warnings += _run(incident, step, run, now=now, by=by, first=True)
    sync(incident, now=now)
    return warnings


def _run(
    incident: Incident, step: Step, run: StepRun, *, now: datetime, by, first: bool
) -> list[str]:
    outcome = Outcome()
    if step.action is not None:
        module = ACTIONS[step.action.name]
        ctx = Context(incident=incident, step=step, run=run, now=now, by=by)
        outcome = module.start(ctx) if first else module.wake(ctx)
    if step.trigger.kind == "every" and not outcome.done and outcome.next_run_at is None:
        outcome.next_run_at = now + step.trigger.interval
    run.runs += 1
    run.next_run_at = outcome.next_run_at
    if outcome.done and step.done == "action":
        _close(run, StepRun.State.DONE, now=now, by=by, reason=outcome.note)
    elif outcome.note:
        run.reason = outcome.note
    run.save()
    return outcome.warnings


def _close(run: StepRun, state: str, *, now: datetime, by, reason: str = "") -> None:
    run.state = state
    run.done_at = now
    run.done_by = by if getattr(by, "pk", None) else None
    run.reason = reason
    run.next_run_at = None


def tick(*, now: datetime | None = None, batch: int = 50) -> int:
    """One scheduler pass: wake every step whose time has come. Returns how many ran.

    Steps are claimed in small batches, each in its own transaction, so no pass holds locks
    (on SQLite: the one write lock) for long; a pass with nothing due takes no lock at all."""
    now = now or timezone.now()
    due_now = StepRun.objects.filter(state__in=ACTIVE, next_run_at__lte=now).exclude(
        incident__status__in=CLOSED_STATUSES, state=StepRun.State.WAITING
    )
    ran = 0
    while due_now.exists():
        with transaction.atomic():
            due = list(
                due_now.select_for_update(skip_locked=True, of=("self",))
                .select_related("incident", "incident__playbook")
                .order_by("next_run_at")[:batch]
            )
            for run in due:
                _wake(run, now=now)
            ran += len(due)
        if not due:  # the rest is claimed by other workers
            break
    return ran


def _wake(run: StepRun, *, now: datetime) -> None:
    incident = run.incident
    step = playbook_of(incident).step(run.step_id)
    if step.trigger.kind == "after":
        sync(incident, now=now)  # "unless X done" must see X's latest state
        if incident.steps.filter(step_id=step.trigger.unless, state=StepRun.State.DONE).exists():
            _close(
                run,
                StepRun.State.SKIPPED,
                now=now,
                by=None,
                reason=f"{step.trigger.unless} was done in time",
            )
            run.save()
            return
        run.state = StepRun.State.OPEN
        run.triggered_at = run.triggered_at or now
        _run(incident, step, run, now=now, by=None, first=True)
    else:
        _run(incident, step, run, now=now, by=None, first=False)


def sync(incident: Incident, *, now: datetime) -> None:
    """Close open steps whose done condition now holds. Runs when people act (roles, decisions,
    acks, approvals), when the checklist is read, and before an `after … unless` step fires."""
    playbook = playbook_of(incident)
    for run in incident.steps.filter(state=StepRun.State.OPEN):
        step = playbook.step(run.step_id)
        if _condition_holds(incident, step.done):
            _close(run, StepRun.State.DONE, now=now, by=None, reason=run.reason)
            run.save()


def _condition_holds(incident: Incident, done: str) -> bool:
    kind, _, value = done.partition(":")
    if kind == "status":
        return incident.status == value
    if kind == "role":
        return incident.roles.filter(role=value, ended_at=None).exists()
    if kind == "entry":
        return incident.entries.filter(kind=value).exists()
    if kind == "decision":
        return incident.entries.filter(kind="decision", data__topic=value).exists()
    if kind == "ack":
        return incident.pages.filter(acked_at__isnull=False).exists()
    return False  # action, manual: closed by the action or by a person


@transaction.atomic
def mark(
    *, incident: Incident, step_id: str, done: bool, reason: str, by, now: datetime | None = None
) -> StepRun:
    """A person marks a step done, or skips it with a reason."""
    now = now or timezone.now()
    run = incident.steps.select_for_update().filter(step_id=step_id).first()
    if run is None:
        ids = ", ".join(incident.steps.values_list("step_id", flat=True))
        raise NotFound(f"incident {incident.slug} has no step {step_id!r}; its steps: {ids}")
    if not done and not (reason or "").strip():
        raise Invalid("skipping a step needs a reason (--reason)")
    if run.state == StepRun.State.NOT_APPLICABLE:
        raise Invalid(f"step {step_id} does not apply to an {incident.severity} incident")
    _close(
        run,
        StepRun.State.DONE if done else StepRun.State.SKIPPED,
        now=now,
        by=by,
        reason=reason.strip(),
    )
    run.save()
    from warroom.timeline.services import add_entry

    verb = "done" if done else f"skipped ({reason.strip()})"
    add_entry(
        incident=incident,
        body=f"Playbook step {step_id}: {verb}.",
        author=by,
        kind="event",
        visibility="internal",
    )
    return run


def overdue(run: StepRun, now: datetime) -> bool:
    return run.state == StepRun.State.OPEN and run.due_at is not None and run.due_at <= now


def pending_warnings(incident: Incident) -> list[str]:
    """What the cockpit and `warroom show` put on top: open require_role steps."""
    if not hasattr(incident, "playbook"):
        return []
    playbook = playbook_of(incident)
    warnings = []
    for run in incident.steps.filter(state=StepRun.State.OPEN):
        step = playbook.step(run.step_id)
        if step.action and step.action.name == "require_role":
            role = step.action.params.get("role", "communications")
            warnings.append(require_role.missing(incident.slug, role))
    return warnings


def wake_steps(incident: Incident, *, action: str, now: datetime) -> None:
    """Wake the open steps with this action now (after an ack or an approval)."""
    playbook = playbook_of(incident)
    for run in incident.steps.select_for_update().filter(state=StepRun.State.OPEN):
        step = playbook.step(run.step_id)
        if step.action and step.action.name == action:
            _run(incident, step, run, now=now, by=None, first=False)
