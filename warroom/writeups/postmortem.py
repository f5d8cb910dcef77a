"""An incident's post-mortem document (G17): drafted from the public record
(`postmortem_draft.py`), edited by responders with each save a revision, checked before it may
be published. Publishing it is a flow (`warroom.flows.postmortem`): the incident ends with it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from warroom.accounts.models import Actor
from warroom.incidents.models import Incident, PostMortem, PostMortemRevision
from warroom.lib.errors import Invalid
from warroom.redaction.services import redactor_for
from warroom.writeups.language import NAME, Finding, check
from warroom.writeups.postmortem_draft import draft

MAX_BODY = 200_000


def current(incident: Incident) -> PostMortem | None:
    return PostMortem.objects.filter(incident=incident).first()


def findings(incident: Incident, body: str) -> list[Finding]:
    """The blameless check with the incident's redactor: its roster, roles and corrections."""
    return check(body, redactor=redactor_for(incident))


def ensure_draft(*, incident: Incident, by: Actor = None) -> PostMortem:
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
def save(*, incident: Incident, body: str, by: Actor) -> PostMortem:
    """Keep a new version; an unchanged text writes nothing."""
    body = _clean(body)
    postmortem = locked(ensure_draft(incident=incident, by=by))
    if body == postmortem.body:
        return postmortem
    postmortem.body = body
    postmortem.revision += 1
    postmortem.updated_at = timezone.now()
    postmortem.updated_by = by
    postmortem.save()
    _snapshot(postmortem)
    return postmortem


def check_publishable(incident: Incident, postmortem: PostMortem) -> None:
    """Refused while it names a person (blaming phrases only warn)."""
    names = [f for f in findings(incident, postmortem.body) if f.kind == NAME]
    if names:
        raise Invalid(refusal(names))


def mark_published(postmortem: PostMortem, *, by: Actor) -> PostMortem:
    """The public reads this version from now on; later edits stay internal until published."""
    postmortem.published_body = postmortem.body
    postmortem.published_at = timezone.now()
    postmortem.published_by = by
    postmortem.save()
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


def locked(postmortem: PostMortem) -> PostMortem:
    return PostMortem.objects.select_for_update().get(pk=postmortem.pk)


def _snapshot(postmortem: PostMortem) -> None:
    PostMortemRevision.objects.create(
        postmortem=postmortem,
        number=postmortem.revision,
        body=postmortem.body,
        saved_by=postmortem.updated_by,
        saved_at=postmortem.updated_at,
    )
