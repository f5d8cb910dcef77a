"""The incident record's own rules: opening one, moving its status, who holds which role, the
live stream's state. What a change means for the rest of the product (the timeline entry, the
playbook, subscribers, the public page) is the business of `warroom.flows`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from warroom.accounts.models import Actor, Person
from warroom.accounts.services import get_person
from warroom.incidents import conference
from warroom.incidents.models import (
    Incident,
    LiveStream,
    Role,
    RoleAssignment,
    Severity,
    Status,
)
from warroom.lib import publiccache
from warroom.lib.errors import Invalid, NotFound
from warroom.lib.times import check_occurred_at

MAX_TITLE = 200


def get_incident(slug: str) -> Incident:
    try:
        return Incident.objects.get(slug=slug)
    except Incident.DoesNotExist:
        raise NotFound(f"no incident {slug!r}; `warroom list` shows the incidents") from None


def public_changed(*incidents: Incident) -> None:
    """Something public of these incidents changed (or of the page as a whole, given none): each
    one's `updated_at` moves (the static copy renders incidents again by it, the projection's
    memos are keyed by it) and every public rendering starts over. Call it inside the transaction
    that made the change."""
    now = timezone.now()
    for incident in incidents:
        incident.updated_at = now
    if incidents:
        Incident.objects.filter(pk__in=[i.pk for i in incidents]).update(updated_at=now)
    publiccache.public_changed()


def check_severity(severity: str) -> str:
    severity = (severity or "").upper()
    if severity not in Severity.values:
        raise Invalid(f"unknown severity {severity!r}; use one of {', '.join(Severity.values)}")
    return severity


def check_status(status: str) -> str:
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


def open_incident(
    *,
    title: str,
    severity: str,
    declared_by: Actor,
    summary: str = "",
    detected_at: datetime | None = None,
    now: datetime,
) -> Incident:
    """A new incident row, with its slug and its war-room link (G1)."""
    title = " ".join((title or "").split())
    if not title:
        raise Invalid("the title is empty; say in a few words what is broken")
    if len(title) > MAX_TITLE:
        raise Invalid(f"the title is {len(title)} characters long; the limit is {MAX_TITLE}")
    incident = _create_with_unique_slug(
        title=title,
        severity=check_severity(severity),
        summary=(summary or "").strip(),
        declared_at=now,
        detected_at=check_occurred_at(detected_at, now=now) if detected_at else None,
        declared_by=declared_by,
    )
    incident.war_room_url = conference.war_room_url(title, incident.slug)
    incident.save(update_fields=["war_room_url"])
    return incident


def lock(incident: Incident) -> Incident:
    """The incident, read again under a row lock (inside the caller's transaction)."""
    return Incident.objects.select_for_update().get(pk=incident.pk)


def move(incident: Incident, *, status: str, now: datetime) -> Incident:
    """Set the status of a locked incident. Resolving keeps when; a post-mortem keeps the time
    the incident was resolved; any other status means it is not resolved (any more)."""
    if status != Status.POSTMORTEM:
        incident.resolved_at = now if status == Status.RESOLVED else None
    incident.status = check_status(status)
    incident.save()
    return incident


def assign_role(
    *, incident: Incident, role: str, username: str, by: Actor, now: datetime
) -> tuple[RoleAssignment, bool]:
    """Give a role to a person; for single-holder roles this is a handover (G13, G16), the
    holder's row is ended and kept. Returns the assignment and whether anything changed."""
    if role not in Role.values:
        raise Invalid(f"unknown role {role!r}; use one of {', '.join(Role.values)}")
    person = get_person(username)
    current = RoleAssignment.objects.select_for_update().filter(
        incident=incident, role=role, ended_at=None
    )
    if role == Role.RESPONDER:
        current = current.filter(person=person)
    held = current.filter(person=person).first()
    if held is not None:
        return held, False
    current.update(ended_at=now)
    assignment = RoleAssignment.objects.create(
        incident=incident, role=role, person=person, assigned_at=now, assigned_by=by
    )
    return assignment, True


def current_roles(incident: Incident) -> list[RoleAssignment]:
    return list(incident.roles.filter(ended_at=None).select_related("person"))


def holder(incident: Incident, role: str) -> Person | None:
    """Who holds a single-holder role now, if anyone."""
    assignment = (
        incident.roles.filter(role=role, ended_at=None).select_related("person").first()
    )
    return assignment.person if assignment else None


def person_of(user: Actor) -> Person | None:
    """The roster person a user is, if any."""
    if user is None or not user.pk:
        return None
    return (
        Person.objects.filter(user=user).first()
        or Person.objects.filter(username=user.get_username()).first()
    )


def holds_role(incident: Incident, user: Actor, roles: Iterable[str] | None = None) -> bool:
    """The one permission check on an incident: does `user` hold one of `roles` on it now (any
    role when none are given)? Admins hold every role."""
    if user is not None and user.is_superuser:
        return True
    person = person_of(user)
    if person is None:
        return False
    held = incident.roles.filter(person=person, ended_at=None)
    wanted = list(roles) if roles is not None else None
    return held.filter(role__in=wanted).exists() if wanted else held.exists()


def propose_live_stream(incident: Incident) -> LiveStream:
    return LiveStream.objects.get_or_create(incident=incident)[0]


def decide_live_stream(
    *, incident: Incident, state: str, by: Actor, url: str = "", reason: str = ""
) -> LiveStream:
    """Record the live stream's state: live with its URL, or vetoed with its reason."""
    stream, _ = LiveStream.objects.select_for_update().get_or_create(incident=incident)
    if state == LiveStream.State.LIVE and stream.state == LiveStream.State.VETOED:
        raise Invalid(f"the live stream was vetoed: {stream.reason}")
    stream.state, stream.url, stream.reason = state, url or stream.url, reason or stream.reason
    stream.decided_by, stream.decided_at = by, timezone.now()
    stream.save()
    return stream
