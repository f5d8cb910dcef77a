"""What people do to the playbook itself: acknowledge a marketing page (G7), record a decision
(G10), read the checklist. Marking a step is `engine.mark`; approving messages is comms', the
live stream the incident record's (warroom.flows)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.incidents.models import Incident
from warroom.lib.errors import Invalid, NotFound
from warroom.playbooks import engine
from warroom.playbooks.models import Page, StepRun
from warroom.timeline.models import Kind
from warroom.timeline.services import note


@transaction.atomic
def ack(*, incident: Incident | None = None, token: str | None = None, by: Actor = None) -> Page:
    """Acknowledge the page: by its link's token, or the latest page of the incident."""
    pages = Page.objects.select_for_update(of=("self",)).select_related("person", "incident")
    page = (
        pages.filter(token=token).first()
        if token
        else pages.filter(incident=incident).order_by("-position").first()
    )
    if page is None:
        raise NotFound("no page to acknowledge" + (f" on {incident.slug}" if incident else ""))
    if page.acked_at is None:
        page.acked_at = timezone.now()
        page.acked_by = by if by is not None and by.pk else None
        page.save(update_fields=["acked_at", "acked_by"])
        who = page.acked_by.username if page.acked_by else page.person.username
        note(
            page.incident,
            f"Marketing page acknowledged by {who} (page {page.position}).",
            by=by,
            kind=Kind.COMMS,
        )
        engine.sync(page.incident, now=page.acked_at)
        engine.wake_steps(page.incident, action="page_marketing", now=page.acked_at)
    return page


@transaction.atomic
def decide(*, incident: Incident, topic: str, choice: str, by: Actor, reason: str = "") -> None:
    """Record a decision (G10 "blog post: yes/no") as a decision entry."""
    topic = (topic or "").strip().lower().replace(" ", "_").replace("-", "_")
    choice = (choice or "").strip()
    if not topic or not choice:
        raise Invalid("a decision needs a topic and a choice, e.g. blog_post yes")
    text = (
        f"Decision on {topic.replace('_', ' ')}: {choice}"
        + (f", because {reason.strip()}" if reason.strip() else "")
        + "."
    )
    note(incident, text, by=by, kind=Kind.DECISION, data={"topic": topic, "choice": choice})
    engine.sync(incident, now=timezone.now())


def checklist(incident: Incident, *, now: datetime | None = None) -> list[dict]:
    """The steps in playbook order with their state: pending, done, skipped, overdue, n/a."""
    now = now or timezone.now()
    with transaction.atomic():
        engine.sync(incident, now=now)
    playbook = engine.playbook_of(incident)
    items = []
    pending: dict[str, str] = {StepRun.State.WAITING: "pending", StepRun.State.OPEN: "pending"}
    for run in incident.steps.select_related("done_by"):
        step = playbook.step(run.step_id)
        state = pending.get(run.state, run.state)
        if engine.overdue(run, now):
            state = "overdue"
        items.append(
            {
                "id": step.id,
                "title": step.title,
                "guideline": step.guideline,
                "owner": step.owner,
                "state": state,
                "triggered": run.state != StepRun.State.WAITING,
                "due_at": run.due_at,
                "done_at": run.done_at,
                "done_by": run.done_by.username if run.done_by else None,
                "reason": run.reason,
                "link": run.data.get("url", ""),
            }
        )
    return items
