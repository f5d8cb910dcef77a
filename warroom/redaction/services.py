"""Redaction for an incident: the roster and the incident's roles and corrections go into the
pure-Python redactor; the stand-ins it hands out are stored with the incident, so the same person
keeps the same stand-in on every page, in every feed and in every post."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max

from warroom.accounts.models import Actor
from warroom.accounts.models import Person as RosterPerson
from warroom.incidents.models import Incident, RoleAssignment
from warroom.incidents.services import public_changed
from warroom.lib.errors import Invalid
from warroom.redaction.engine import Context, Person, Redactor
from warroom.redaction.models import Correction, Pseudonym
from warroom.timeline.models import Visibility
from warroom.timeline.services import note

# When someone holds several roles, the stand-in names the most telling one.
ROLE_ORDER = ["commander", "communications", "scribe", "marketing", "support"]
_roster_lock = threading.Lock()
_roster_cache: tuple[tuple, list[Person]] = ((), [])


def roster_version() -> tuple:
    """Changes whenever a person is added, changed or removed: one small aggregate."""
    return tuple(RosterPerson.objects.aggregate(n=Count("id"), at=Max("updated_at")).values())


def roster() -> list[Person]:
    """The roster as the redactor wants it, reloaded only when a person changed."""
    global _roster_cache
    version = roster_version()
    with _roster_lock:
        if _roster_cache[0] != version:
            people = [
                Person(p.username, p.display_name, p.email, tuple(p.aliases or ()))
                for p in RosterPerson.objects.all()
            ]
            _roster_cache = (version, people)
        return _roster_cache[1]


def _best_roles(rows) -> dict[str, str]:
    """Per username, the most telling role it holds (ROLE_ORDER)."""
    held: dict[str, str] = {}
    for role, username in rows:
        best = held.get(username)
        if role in ROLE_ORDER and (best is None or ROLE_ORDER.index(role) < ROLE_ORDER.index(best)):
            held[username] = role
    return held


def contexts_for(incidents) -> dict[int, Context]:
    """The redaction context of each incident, in four queries whatever their number (the status
    page redacts dozens of incidents at once)."""
    ids = [i.pk for i in incidents]
    roles: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    corrections: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    pseudonyms: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for incident_id, role, username in RoleAssignment.objects.filter(
        incident__in=ids, ended_at=None
    ).values_list("incident_id", "role", "person__username"):
        roles[incident_id].append((role, username))
    for incident_id, text, kind in Correction.objects.filter(incident__in=ids).values_list(
        "incident_id", "text", "kind"
    ):
        corrections[incident_id].append((text, kind))
    for incident_id, key, standin in Pseudonym.objects.filter(incident__in=ids).values_list(
        "incident_id", "key", "standin"
    ):
        pseudonyms[incident_id][key] = standin
    people = roster()
    contexts = {}
    for incident_id in ids:
        held = _best_roles(roles[incident_id])
        fixes = corrections[incident_id]
        contexts[incident_id] = Context(
            people=[replace(p, role=held.get(p.username, "")) for p in people],
            allow={
                *settings.REDACTION_ALLOW,
                *(t for t, k in fixes if k == Correction.Kind.NOT_A_NAME),
            },
            deny={*settings.REDACTION_DENY, *(t for t, k in fixes if k == Correction.Kind.NAME)},
            pseudonyms=pseudonyms[incident_id],
        )
    return contexts


def context_for(incident: Incident) -> Context:
    return contexts_for([incident])[incident.pk]


def redactor_for(incident: Incident) -> Redactor:
    return Redactor(context_for(incident))


def remember(incident: Incident, texts: list[str]) -> None:
    """Give everyone named in `texts` a stand-in and store it. Runs in the writer's transaction
    with the incident row locked, so two writers never hand out the same number twice."""
    if not any(t.strip() for t in texts):
        return
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        redactor = redactor_for(incident)
        known = set(redactor.pseudonyms)
        for text in texts:
            redactor.redact(text)
        new = [
            Pseudonym(incident=incident, key=k, standin=v)
            for k, v in redactor.pseudonyms.items()
            if k not in known
        ]
        if new:
            Pseudonym.objects.bulk_create(new)


def _public_texts(incident: Incident) -> list[str]:
    bodies = incident.entries.filter(visibility=Visibility.PUBLIC).order_by("occurred_at", "id")
    return [incident.title, incident.summary, *bodies.values_list("body", flat=True)]


@transaction.atomic
def add_correction(*, incident: Incident, text: str, kind: str, by: Actor) -> Correction:
    """Remember for this incident that `text` is not a name, or is one the engine missed."""
    text = " ".join((text or "").split())
    if not text:
        raise Invalid("the text to correct is empty")
    if len(text) > 200:
        raise Invalid("a correction is a name or a word, at most 200 characters")
    if kind not in Correction.Kind.values:
        raise Invalid(f"unknown correction {kind!r}; use not_a_name or name")
    try:
        with transaction.atomic():
            correction = Correction.objects.create(
                incident=incident, text=text, kind=kind, created_by=by
            )
    except IntegrityError:
        return Correction.objects.get(incident=incident, text=text, kind=kind)
    note(incident, f"Redaction: {text!r} marked as {Correction.Kind(kind).label.lower()}.", by=by)
    remember(incident, _public_texts(incident))
    public_changed(incident)
    return correction


@transaction.atomic
def remove_correction(*, incident: Incident, correction_id: int, by: Actor) -> None:
    correction = incident.corrections.filter(pk=correction_id).first()
    if correction is None:
        raise Invalid(f"incident {incident.slug} has no correction {correction_id}")
    correction.delete()
    note(incident, f"Redaction: correction for {correction.text!r} removed.", by=by)
    remember(incident, _public_texts(incident))
    public_changed(incident)


def mapping(incident: Incident) -> list[dict]:
    """Who stands in for whom, for responders (internal)."""
    names = {f"person:{p.username}": f"{p.name} ({p.username})" for p in roster()}
    return [
        {"key": p.key, "person": names.get(p.key, p.key.split(":", 1)[1]), "standin": p.standin}
        for p in incident.pseudonyms.all()
    ]
