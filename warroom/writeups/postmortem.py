"""Writing and publishing an incident's post-mortem (G17).

The draft comes from the public record (`draft.py`); responders edit it, each save a revision;
publishing checks it once more and refuses while it names anyone (blaming phrases only warn),
copies it for the public, and moves the incident from resolved to `postmortem`.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from warroom.incidents import services as incidents
from warroom.incidents.models import Incident, PostMortem, PostMortemRevision, Status
from warroom.lib.errors import Conflict, Invalid
from warroom.redaction.services import redactor_for, remember
from warroom.writeups.language import NAME, Finding, check
from warroom.writeups.postmortem_draft import draft

MAX_BODY = 200_000
PUBLISHED_MESSAGE = (
    "We published the post-mortem: what happened, why, and what we are changing so that it "
    "does not happen again."
)


def current(incident: Incident) -> PostMortem | None:
    return PostMortem.objects.filter(incident=incident).first()


def findings(incident: Incident, body: str) -> list[Finding]:
    """The blameless check with the incident's redactor: its roster, roles and corrections."""
    return check(body, redactor=redactor_for(incident))


def ensure_draft(*, incident: Incident, by=None) -> PostMortem:
    """The incident's post-mortem, made from the record the first time. Safe to run twice."""
    existing = current(incident)
    if existing:
        return existing
    body = draft(incident)
    now = timezone.now()
    try:
        with transaction.atomic():
            postmortem = PostMortem.objects.create(
                incident=incident, body=body, created_at=now, updated_at=now, updated_by=by
            )
            _snapshot(postmortem)
    except IntegrityError:  # made by a concurrent call in between
        return PostMortem.objects.get(incident=incident)
    return postmortem


@transaction.atomic
def save(*, incident: Incident, body: str, by) -> PostMortem:
    """Keep a new version; an unchanged text writes nothing."""
    body = _clean(body)
    postmortem = _locked(ensure_draft(incident=incident, by=by))
    if body == postmortem.body:
        return postmortem
    postmortem.body = body
    postmortem.revision += 1
    postmortem.updated_at = timezone.now()
    postmortem.updated_by = by
    postmortem.save()
    _snapshot(postmortem)
    return postmortem


@transaction.atomic
def publish(*, incident: Incident, by) -> PostMortem:
    """Put the saved post-mortem on the public page. Refused while it names a person."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status not in (Status.RESOLVED, Status.POSTMORTEM):
        raise Conflict(
            f"incident {incident.slug} is {incident.get_status_display().lower()}; "
            "a post-mortem is published once it is resolved"
        )
    postmortem = _locked(ensure_draft(incident=incident, by=by))
    names = [f for f in findings(incident, postmortem.body) if f.kind == NAME]
    if names:
        raise Invalid(refusal(names))
    remember(incident, [postmortem.body])  # defence in depth: the public rendering redacts too
    postmortem.published_body = postmortem.body
    postmortem.published_at = timezone.now()
    postmortem.published_by = by
    postmortem.save()
    if incident.status == Status.RESOLVED:
        incidents.enter_postmortem(incident=incident, message=PUBLISHED_MESSAGE, by=by)
    else:  # published again after an edit: the public page shows the new text
        incident.public_changed()
    return postmortem


def refusal(names: list[Finding]) -> str:
    listed = ", ".join(f"“{f.text}” (line {f.line})" for f in names)
    return (
        f"Not published: the post-mortem still names {listed}. Write roles instead; if one "
        "is not a name, mark it “not a name” in the cockpit's Redaction panel."
    )


def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid("the post-mortem is empty")
    if len(body) > MAX_BODY:
        raise Invalid(f"the post-mortem is {len(body)} characters long; the limit is {MAX_BODY}")
    return body.replace("\r\n", "\n") + "\n"


def _locked(postmortem: PostMortem) -> PostMortem:
    return PostMortem.objects.select_for_update().get(pk=postmortem.pk)


def _snapshot(postmortem: PostMortem) -> None:
    PostMortemRevision.objects.create(
        postmortem=postmortem,
        number=postmortem.revision,
        body=postmortem.body,
        saved_by=postmortem.updated_by,
        saved_at=postmortem.updated_at,
    )
