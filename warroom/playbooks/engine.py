"""The playbook engine: starts an incident's steps, fires them on events and on time, closes them
when their done condition holds. Every function takes `now`, so tests run on a simulated clock.

Steps fire once: timed steps are claimed with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, so
several workers never run the same step twice (SQLite runs one writer at a time anyway).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.comms.models import Message
from warroom.incidents.models import CLOSED_STATUSES, Incident
from warroom.lib.errors import Invalid, NotFound
from warroom.playbooks import loader
from warroom.playbooks.actions import ACTIONS, require_role, support_briefing
from warroom.playbooks.actions.base import Context, Outcome
from warroom.playbooks.format import APPROVALS, Playbook, Step
from warroom.playbooks.models import IncidentPlaybook, StepRun
from warroom.timeline.models import Entry
from warroom.timeline.services import note

ACTIVE = [StepRun.State.WAITING, StepRun.State.OPEN]

# What an incident without a playbook follows: no steps, no approvals (one imported from an
# archive, or declared before its playbook was frozen in the same transaction).
NO_PLAYBOOK = Playbook(name="no playbook", version=1, steps=(), approvals=dict(APPROVALS))

# A frozen playbook never changes: each process parses it once, keyed by its row's id.
_parsed: dict[int, Playbook] = {}


def playbook_of(incident: Incident) -> Playbook:
    """The playbook the incident was declared with, or NO_PLAYBOOK: the one place that knows an
    incident may have none."""
    try:
        frozen = incident.playbook  # cached on the instance (and by select_related)
    except IncidentPlaybook.DoesNotExist:
        return NO_PLAYBOOK
    book = _parsed.get(frozen.pk)
    if book is None:
        if len(_parsed) >= 4096:
            _parsed.clear()
        book = _parsed[frozen.pk] = Playbook.from_dict(frozen.definition)
    return book


def approval_role(incident: Incident, what: str) -> str:
    """The role whose approval `what` ("updates": a status update's messages to every
    subscriber) waits for, or "" for none."""
    role = playbook_of(incident).approvals.get(what, "none")
    return "" if role == "none" else role


def outage_labels(incident: Incident) -> list[str]:
    """The labels the incident's playbook asks for on its outage issue (G9)."""
    for step in playbook_of(incident).steps:
        if step.action and step.action.name == "export_issue":
            return list(step.action.params.get("labels") or [])
    return []


def start(incident: Incident, *, now: datetime, by: Actor = None) -> list[str]:
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
            assert step.trigger.interval is not None  # the format requires one for "after"
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


def fire(incident: Incident, event: str, *, now: datetime, by: Actor = None) -> list[str]:
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
    incident: Incident, step: Step, run: StepRun, *, now: datetime, by: Actor, first: bool
) -> list[str]:
    outcome = Outcome()
    if step.action is not None:
        kind = ACTIONS[step.action.name]
        ctx = Context(incident=incident, step=step, run=run, now=now, by=by)
        outcome = kind.start(ctx) if first else kind.wake(ctx)
    return _apply(step, run, outcome, now=now, by=by)


def _apply(step: Step, run: StepRun, outcome: Outcome, *, now: datetime, by: Actor) -> list[str]:
    """Keep what an action's outcome says on its step's run."""
    if step.trigger.kind == "every" and not outcome.done and outcome.next_run_at is None:
        assert step.trigger.interval is not None  # the format requires one for "every"
        outcome.next_run_at = now + step.trigger.interval
    run.runs += 1
    run.next_run_at = outcome.next_run_at
    if outcome.done and step.done == "action":
        _close(run, StepRun.State.DONE, now=now, by=by, reason=outcome.note)
    elif outcome.note:
        run.reason = outcome.note
    run.save()
    return outcome.warnings


def _close(run: StepRun, state: str, *, now: datetime, by: Actor, reason: str = "") -> None:
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
    *,
    incident: Incident,
    step_id: str,
    done: bool,
    reason: str,
    by: Actor,
    now: datetime | None = None,
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
    verb = "done" if done else f"skipped ({reason.strip()})"
    note(incident, f"Playbook step {step_id}: {verb}.", by=by)
    return run


def overdue(run: StepRun, now: datetime) -> bool:
    return run.state == StepRun.State.OPEN and run.due_at is not None and run.due_at <= now


def pending_warnings(incident: Incident) -> list[str]:
    """What the cockpit and `warroom show` put on top: open require_role steps."""
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
    for step, run in _open_steps(incident, {action}):
        _run(incident, step, run, now=now, by=None, first=False)


def _open_steps(incident: Incident, actions: set[str]) -> list[tuple[Step, StepRun]]:
    playbook = playbook_of(incident)
    found = []
    for run in incident.steps.select_for_update().filter(state=StepRun.State.OPEN):
        step = playbook.step(run.step_id)
        if step.action and step.action.name in actions:
            found.append((step, run))
    return found


def messages_tried(messages: list[Message]) -> None:
    """After the outbox tried messages (`comms.delivery.on_outcome`): the open steps whose
    action sends their kind look again, so an export step is done once its issue is there."""
    kinds: dict[int, set[str]] = defaultdict(set)
    for message in messages:
        if message.incident_id is not None:
            kinds[message.incident_id].add(message.kind)
    for incident_id, sent in kinds.items():
        actions = {a.name for a in ACTIONS.values() if sent & set(a.sends)}
        if not actions:
            continue  # a fan-out to subscribers: no step follows those
        now = timezone.now()
        with transaction.atomic():
            incident = Incident.objects.filter(pk=incident_id).first()
            if incident is None:
                continue  # deleted since
            for step, run in _open_steps(incident, actions):
                assert step.action is not None  # _open_steps finds the steps with an action
                outcome = ACTIONS[step.action.name].delivered(
                    Context(incident=incident, step=step, run=run, now=now)
                )
                _apply(step, run, outcome, now=now, by=None)


def brief_support(incident: Incident, entry: Entry, *, now: datetime) -> None:
    """Support hears of every status change (G15). Steps fire once, and the default playbook has
    no step for a return to investigating or a status reached twice; so once a briefing step
    has started (and none was skipped), each status change briefs support too."""
    ids = [
        s.id
        for s in playbook_of(incident).steps
        if s.action and s.action.name == "support_briefing"
    ]
    runs = incident.steps.filter(step_id__in=ids)
    armed = (
        runs.filter(triggered_at__isnull=False).exists()
        and not runs.filter(state=StepRun.State.SKIPPED).exists()
    )
    if armed and support_briefing.brief(incident, entry, now=now)[0] is not None:
        wake_steps(incident, action="support_briefing", now=now)
