"""Declaring an incident, changing its status, handing out roles."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from warroom.accounts.services import get_person
from warroom.incidents import conference
from warroom.incidents.models import Incident, Role, RoleAssignment, Severity, Status
from warroom.lib.errors import Conflict, Invalid, NotFound
from warroom.lib.publiccache import public_changed
from warroom.lib.times import check_occurred_at
from warroom.playbooks import engine as playbook
from warroom.playbooks.actions import support_briefing
from warroom.redaction.services import remember
from warroom.subscribers import services as subscribers
from warroom.timeline.models import Kind, Visibility
from warroom.timeline.services import add_entry

MAX_TITLE = 200


def get_incident(slug: str) -> Incident:
    try:
        return Incident.objects.get(slug=slug)
    except Incident.DoesNotExist:
        raise NotFound(f"no incident {slug!r}; `warroom list` shows the incidents") from None


def _check_severity(severity: str) -> str:
    severity = (severity or "").upper()
    if severity not in Severity.values:
        raise Invalid(f"unknown severity {severity!r}; use one of {', '.join(Severity.values)}")
    return severity


def _check_status(status: str) -> str:
    if status not in Status.values:
        raise Invalid(f"unknown status {status!r}; use one of {', '.join(Status.values)}")
    return status


def _unique_slug(title: str, at: datetime) -> str:
    base = f"{at:%Y-%m-%d}-{slugify(title)[:50].strip('-') or 'incident'}"
    taken = set(Incident.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _create_with_unique_slug(**fields) -> Incident:
    # Two declarations of the same title in the same instant race for one slug; the loser
    # takes the next free one.
    for _ in range(5):
        slug = _unique_slug(fields["title"], fields["declared_at"])
        try:
            with transaction.atomic():
                return Incident.objects.create(slug=slug, **fields)
        except IntegrityError:
            continue
    raise Invalid("could not find a free slug for this title; try again")


@transaction.atomic
def declare(
    *,
    title: str,
    severity: str,
    declared_by,
    summary: str = "",
    commander: str | None = None,
    communications: str | None = None,
    detected_at: datetime | None = None,
) -> Incident:
    """Open an incident: its public page and war room exist from this moment on (G1, G2)."""
    title = " ".join((title or "").split())
    if not title:
        raise Invalid("the title is empty; say in a few words what is broken")
    if len(title) > MAX_TITLE:
        raise Invalid(f"the title is {len(title)} characters long; the limit is {MAX_TITLE}")
    now = timezone.now()
    incident = _create_with_unique_slug(
        title=title,
        severity=_check_severity(severity),
        summary=(summary or "").strip(),
        declared_at=now,
        detected_at=check_occurred_at(detected_at, now=now) if detected_at else None,
        declared_by=declared_by,
    )
    incident.war_room_url = conference.war_room_url(title, incident.slug)
    incident.save(update_fields=["war_room_url"])
    remember(incident, [incident.title, incident.summary])
    add_entry(
        incident=incident,
        kind=Kind.STATUS,
        body=incident.summary or f"We are investigating: {title}.",
        author=declared_by,
        data={"status": Status.INVESTIGATING},
    )
    add_entry(
        incident=incident,
        kind=Kind.EVENT,
        visibility=Visibility.INTERNAL,
        body=f"Incident declared ({incident.severity}). War room: {incident.war_room_url}",
        author=declared_by,
    )
    for role, username in ((Role.COMMANDER, commander), (Role.COMMUNICATIONS, communications)):
        if username:
            assign_role(incident=incident, role=role, username=username, by=declared_by)
    # The playbook starts at once: war room, public page, announcement, pages (G1, G2, G6, G7).
    incident.warnings = playbook.start(incident, now=now, by=declared_by)
    public_changed()
    return incident


@transaction.atomic
def change_status(*, incident: Incident, status: str, message: str, by) -> Incident:
    """Move the incident to a new status with a public message (G8)."""
    status = _check_status(status)
    if status == Status.POSTMORTEM:
        raise Invalid(
            "the postmortem status comes with publishing the post-mortem: use the incident's "
            "Post-mortem page in the dashboard, or POST …/postmortem/publish"
        )
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == Status.POSTMORTEM:
        raise Conflict(
            f"incident {incident.slug} is over: its post-mortem is published; "
            "if the problem is back, declare a new incident"
        )
    return _move(incident, status=status, message=message, by=by)


@transaction.atomic
def enter_postmortem(*, incident: Incident, message: str, by) -> Incident:
    """Resolved → postmortem, when the post-mortem is published (postmortem.services.publish,
    which checked it first)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != Status.RESOLVED:
        raise Conflict(f"incident {incident.slug} is {incident.status}, not resolved")
    return _move(incident, status=Status.POSTMORTEM, message=message, by=by)


def _move(incident: Incident, *, status: str, message: str, by) -> Incident:
    if not (message or "").strip():
        raise Invalid("a status change needs a public message saying what changed")
    now = timezone.now()
    if status != Status.POSTMORTEM:  # a post-mortem keeps the time the incident was resolved
        incident.resolved_at = now if status == Status.RESOLVED else None
    incident.status = status
    incident.save()
    entry = add_entry(
        incident=incident,
        kind=Kind.STATUS,
        body=message,
        author=by,
        data={"status": status},
    )
    subscribers.fan_out(incident, entry)  # G8, G15: everyone who asked hears of it
    if hasattr(incident, "playbook"):
        playbook.fire(incident, f"status:{status}", now=now, by=by)
        if status == Status.RESOLVED:
            playbook.fire(incident, "resolve", now=now, by=by)
        # Steps fire once; support hears of every status change (G15).
        support_briefing.status_changed(incident, entry, now=now)
    return incident


@transaction.atomic
def assign_role(*, incident: Incident, role: str, username: str, by) -> RoleAssignment:
    """Give a role to a person; for single-holder roles this is a handover (G13, G16)."""
    if role not in Role.values:
        raise Invalid(f"unknown role {role!r}; use one of {', '.join(Role.values)}")
    person = get_person(username)
    now = timezone.now()
    current = RoleAssignment.objects.select_for_update().filter(
        incident=incident, role=role, ended_at=None
    )
    if role == Role.RESPONDER:
        current = current.filter(person=person)
    if current.filter(person=person).exists():
        return current.get(person=person)
    current.update(ended_at=now)
    assignment = RoleAssignment.objects.create(
        incident=incident, role=role, person=person, assigned_at=now, assigned_by=by
    )
    # Internal: it names a person. The public never learns who holds which role.
    add_entry(
        incident=incident,
        kind=Kind.EVENT,
        visibility=Visibility.INTERNAL,
        body=f"{person.display_name} (@{person.username}) is now {Role(role).label.lower()}.",
        author=by,
        data={"role": role, "person": person.username},
    )
    if hasattr(incident, "playbook"):
        playbook.sync(incident, now=now)
    incident.public_changed()  # a role is a stand-in ("the incident commander") in public text
    return assignment


def current_roles(incident: Incident) -> list[RoleAssignment]:
    return list(incident.roles.filter(ended_at=None).select_related("person"))
