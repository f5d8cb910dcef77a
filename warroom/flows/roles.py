"""Handing a role to a person (G13, G16)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.incidents import services as incidents
from warroom.incidents.models import Incident, Role, RoleAssignment
from warroom.playbooks import engine as playbook
from warroom.timeline.services import note


@transaction.atomic
def assign_role(*, incident: Incident, role: str, username: str, by: Actor) -> RoleAssignment:
    """Give `role` to the person `username`; for single-holder roles this is a handover, and
    the record keeps every holder. Assigning it to its holder changes nothing."""
    now = timezone.now()
    assignment, changed = incidents.assign_role(
        incident=incident, role=role, username=username, by=by, now=now
    )
    if not changed:
        return assignment
    person = assignment.person
    # Internal: it names a person. The public never learns who holds which role.
    note(
        incident,
        f"{person.display_name} (@{person.username}) is now {Role(role).label.lower()}.",
        by=by,
        data={"role": role, "person": person.username},
    )
    playbook.sync(incident, now=now)  # "name a communications lead" may be done now
    incidents.public_changed(incident)  # a role is a stand-in ("the incident commander")
    return assignment
