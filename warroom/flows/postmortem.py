"""Publishing the post-mortem (G17): checked once more, copied for the public, and the incident
ends: resolved → postmortem, with a public status update saying so."""

from __future__ import annotations

from django.db import transaction

from warroom.accounts.models import Actor
from warroom.flows.status import enter_postmortem
from warroom.incidents import services as incidents
from warroom.incidents.models import Incident, PostMortem, Status
from warroom.lib.errors import Conflict
from warroom.redaction.services import remember
from warroom.writeups import postmortem as postmortems

PUBLISHED_MESSAGE = (
    "We published the post-mortem: what happened, why, and what we are changing so that it "
    "does not happen again."
)


@transaction.atomic
def publish(*, incident: Incident, by: Actor) -> PostMortem:
    """Put the saved post-mortem on the public page. Refused while it names a person."""
    incident = incidents.lock(incident)
    if incident.status not in (Status.RESOLVED, Status.POSTMORTEM):
        raise Conflict(
            f"incident {incident.slug} is {incident.get_status_display().lower()}; "
            "a post-mortem is published once it is resolved"
        )
    postmortem = postmortems.locked(postmortems.ensure_draft(incident=incident, by=by))
    postmortems.check_publishable(incident, postmortem)
    remember(incident, [postmortem.body])  # defence in depth: the public rendering redacts too
    postmortems.mark_published(postmortem, by=by)
    if incident.status == Status.RESOLVED:
        enter_postmortem(incident=incident, message=PUBLISHED_MESSAGE, by=by)
    else:  # published again after an edit: the public page shows the new text
        incidents.public_changed(incident)
    return postmortem
