"""The whole incident record as one JSON document, and back: the internal export.

It holds everything responders see (internal entries, every revision, who held which role, the
affected customers, the redactor's stand-ins and corrections), so it is for responders only.
People are referred to by username; entries refer to each other by their number `n` in the
document, so a document imported elsewhere, under new ids, exports again the same.

Not in it: the playbook's run (checklist, pages, live stream), the outbox's messages, the
subscribers and the tracker issues. An imported incident starts no playbook and sends nothing.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Final, Literal

from django.contrib.auth import get_user_model
from django.utils import timezone
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from warroom.accounts.models import Person
from warroom.impact.models import AffectedCustomer, Assessment, Component, Level, Segment
from warroom.incidents.models import (
    Incident,
    PostMortem,
    PostMortemRevision,
    Role,
    RoleAssignment,
    Severity,
    Status,
)
from warroom.redaction.models import Correction, Pseudonym
from warroom.timeline.models import Entry, EntryRevision, HypothesisState, Kind, Visibility

FORMAT: Final = "warroom-incident"
VERSION: Final = 1
# Where entry data refers to another entry (a finding about a hypothesis, a promoted report).
ENTRY_REFS = [
    ("about_entry",),
    ("promoted_from",),
    ("report",),
    ("entry",),
    ("moderation", "entry"),
]
# An entry whose author has no user here keeps the author's username in its data under this key.
IMPORTED_AUTHOR = "imported_author"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RevisionRecord(_Record):
    number: int = Field(ge=1)
    body: str
    kind: Kind
    visibility: Visibility
    hypothesis_state: HypothesisState | Literal[""] = ""
    occurred_at: AwareDatetime
    edited_by: str | None = None
    edited_at: AwareDatetime


class EntryRecord(_Record):
    n: int = Field(ge=1)
    kind: Kind
    visibility: Visibility
    author: str | None = None
    occurred_at: AwareDatetime
    recorded_at: AwareDatetime
    body: str = Field(min_length=1)
    hypothesis_state: HypothesisState | Literal[""] = ""
    data: dict[str, Any] = {}
    revision: int = Field(default=1, ge=1)
    revisions: list[RevisionRecord] = []


class RoleRecord(_Record):
    role: Role
    person: str = Field(min_length=1, max_length=150)
    person_name: str = Field(default="", max_length=200)
    assigned_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    assigned_by: str | None = None


class AssessmentRecord(_Record):
    target: Literal["component", "segment"]
    slug: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=1, max_length=100)
    level: Level
    at: AwareDatetime
    by: str | None = None


class ImpactRecord(_Record):
    assessments: list[AssessmentRecord] = []
    affected_customers: list[Annotated[str, Field(min_length=1, max_length=200)]] = []


class PseudonymRecord(_Record):
    key: str = Field(max_length=300)
    standin: str = Field(max_length=100)
    created_at: AwareDatetime


class CorrectionRecord(_Record):
    text: str = Field(max_length=200)
    kind: Correction.Kind
    created_by: str | None = None
    created_at: AwareDatetime


class RedactionRecord(_Record):
    pseudonyms: list[PseudonymRecord] = []
    corrections: list[CorrectionRecord] = []


class PostMortemRevisionRecord(_Record):
    number: int
    body: str
    saved_by: str | None = None
    saved_at: AwareDatetime


class PostMortemRecord(_Record):
    body: str
    revision: int
    created_at: AwareDatetime
    updated_at: AwareDatetime
    updated_by: str | None = None
    published_body: str = ""
    published_at: AwareDatetime | None = None
    published_by: str | None = None
    revisions: list[PostMortemRevisionRecord] = []


class IncidentRecord(_Record):
    slug: str
    title: str = Field(min_length=1, max_length=200)
    severity: Severity
    status: Status
    summary: str = ""
    declared_at: AwareDatetime
    detected_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None
    declared_by: str | None = None
    war_room_url: str = Field(default="", max_length=500)


class Archive(_Record):
    format: Literal["warroom-incident"]
    version: Literal[1]
    exported_at: AwareDatetime
    incident: IncidentRecord
    entries: list[EntryRecord] = []
    roles: list[RoleRecord] = []
    impact: ImpactRecord = ImpactRecord()
    redaction: RedactionRecord = RedactionRecord()
    postmortem: PostMortemRecord | None = None  # added in version 1 as optional: older files load


def _username(user) -> str | None:
    return user.get_username() if user else None


def dump(incident: Incident) -> dict[str, Any]:
    """The incident's record as a JSON-ready dict."""
    entries = list(
        incident.entries.order_by("id")
        .select_related("author")
        .prefetch_related("revisions__edited_by")
    )
    numbers = {e.pk: n for n, e in enumerate(entries, 1)}
    archive = Archive(
        format=FORMAT,
        version=VERSION,
        exported_at=timezone.now(),
        incident=IncidentRecord(
            slug=incident.slug,
            title=incident.title,
            severity=Severity(incident.severity),
            status=Status(incident.status),
            summary=incident.summary,
            declared_at=incident.declared_at,
            detected_at=incident.detected_at,
            resolved_at=incident.resolved_at,
            declared_by=_username(incident.declared_by),
            war_room_url=incident.war_room_url,
        ),
        entries=[_entry_record(n, e, numbers) for n, e in enumerate(entries, 1)],
        roles=[
            RoleRecord(
                role=Role(a.role),
                person=a.person.username,
                person_name=a.person.display_name,
                assigned_at=a.assigned_at,
                ended_at=a.ended_at,
                assigned_by=_username(a.assigned_by),
            )
            for a in incident.roles.select_related("person", "assigned_by")
        ],
        impact=ImpactRecord(
            assessments=[
                _assessment_record(a)
                for a in incident.assessments.select_related("component", "segment", "by")
            ],
            affected_customers=list(incident.affected_customers.values_list("name", flat=True)),
        ),
        redaction=RedactionRecord(
            pseudonyms=[
                PseudonymRecord(key=p.key, standin=p.standin, created_at=p.created_at)
                for p in incident.pseudonyms.all()
            ],
            corrections=[
                CorrectionRecord(
                    text=c.text,
                    kind=Correction.Kind(c.kind),
                    created_by=_username(c.created_by),
                    created_at=c.created_at,
                )
                for c in incident.corrections.select_related("created_by")
            ],
        ),
        postmortem=_postmortem_record(incident),
    )
    return archive.model_dump(mode="json")


def _assessment_record(a: Assessment) -> AssessmentRecord:
    target = a.component or a.segment
    assert target is not None  # an assessment is of a component or of a segment
    return AssessmentRecord(
        target="component" if a.component_id else "segment",
        slug=target.slug,
        name=target.name,
        level=Level(a.level),
        at=a.at,
        by=_username(a.by),
    )


def _hypothesis_state(value: str) -> HypothesisState | Literal[""]:
    return HypothesisState(value) if value else ""


def _postmortem_record(incident: Incident) -> PostMortemRecord | None:
    pm = PostMortem.objects.filter(incident=incident).first()
    if pm is None:
        return None
    return PostMortemRecord(
        body=pm.body,
        revision=pm.revision,
        created_at=pm.created_at,
        updated_at=pm.updated_at,
        updated_by=_username(pm.updated_by),
        published_body=pm.published_body,
        published_at=pm.published_at,
        published_by=_username(pm.published_by),
        revisions=[
            PostMortemRevisionRecord(
                number=r.number, body=r.body, saved_by=_username(r.saved_by), saved_at=r.saved_at
            )
            for r in pm.revisions.order_by("number").select_related("saved_by")
        ],
    )


def _entry_record(n: int, entry: Entry, numbers: dict[int, int]) -> EntryRecord:
    return EntryRecord(
        n=n,
        kind=Kind(entry.kind),
        visibility=Visibility(entry.visibility),
        author=_username(entry.author),
        occurred_at=entry.occurred_at,
        recorded_at=entry.recorded_at,
        body=entry.body,
        hypothesis_state=_hypothesis_state(entry.hypothesis_state),
        data=_translated(entry.data, numbers),
        revision=entry.revision,
        revisions=[
            RevisionRecord(
                number=r.number,
                body=r.body,
                kind=Kind(r.kind),
                visibility=Visibility(r.visibility),
                hypothesis_state=_hypothesis_state(r.hypothesis_state),
                occurred_at=r.occurred_at,
                edited_by=_username(r.edited_by),
                edited_at=r.edited_at,
            )
            for r in entry.revisions.all()
        ],
    )


def _translated(data: dict, table: dict[int, int]) -> dict:
    """A copy of `data` whose references to entries are looked up in `table`; a reference
    the table does not know stays as it is."""
    data = copy.deepcopy(data)
    for *parents, key in ENTRY_REFS:
        holder: Any = data
        for parent in parents:
            holder = holder.get(parent) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and type(holder.get(key)) is int:
            holder[key] = table.get(holder[key], holder[key])
    return data


class _People:
    """Usernames in the document matched to the users and roster people here; what was mapped
    and what was not is said in `notes()`."""

    def __init__(self, archive: Archive):
        named = [
            archive.incident.declared_by,
            *(e.author for e in archive.entries),
            *(r.edited_by for e in archive.entries for r in e.revisions),
            *(r.assigned_by for r in archive.roles),
            *(a.by for a in archive.impact.assessments),
            *(c.created_by for c in archive.redaction.corrections),
        ]
        names = {name for name in named if name is not None}
        users = get_user_model().objects.filter(username__in=names)
        self.users = {u.get_username(): u for u in users}
        self.missing = sorted(names - set(self.users))
        self.added: list[str] = []

    def user(self, username: str | None):
        return self.users.get(username) if username else None

    def person(self, username: str, name: str) -> Person:
        person = Person.objects.filter(username=username).first()
        if person is None:
            user = self.users.get(username)
            person = Person.objects.create(
                username=username,
                display_name=name or (user and user.get_full_name()) or username,
                email=user.email if user else "",
                user=user,
            )
            self.added.append(f"{username} ({person.display_name})")
        return person

    def notes(self) -> list[str]:
        notes = []
        if self.users:
            notes.append(f"users matched by username: {', '.join(sorted(self.users))}")
        if self.missing:
            notes.append(
                f"no user here named {', '.join(self.missing)}: their entries keep the name in "
                f"data.{IMPORTED_AUTHOR}, other references to them are left empty"
            )
        if self.added:
            notes.append(f"added to the roster (they held roles): {', '.join(self.added)}")
        return notes


def load(archive: Archive, *, slug: str) -> tuple[Incident, list[str]]:
    """Create the incident `slug` from the document; returns it and notes on what was mapped.
    The caller holds the transaction and has checked that the slug is free."""
    people = _People(archive)
    record = archive.incident
    incident = Incident.objects.create(
        **record.model_dump(exclude={"slug", "declared_by"}),
        slug=slug,
        declared_by=people.user(record.declared_by),
    )
    _load_entries(incident, archive.entries, people)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(
            incident=incident,
            role=r.role,
            person=people.person(r.person, r.person_name),
            assigned_at=r.assigned_at,
            ended_at=r.ended_at,
            assigned_by=people.user(r.assigned_by),
        )
        for r in archive.roles
    )
    notes = _load_impact(incident, archive.impact, people)
    _load_redaction(incident, archive.redaction, people)
    _load_postmortem(incident, archive.postmortem, people)
    return incident, people.notes() + notes


ENTRY_FIELDS = {
    "kind",
    "visibility",
    "occurred_at",
    "recorded_at",
    "body",
    "hypothesis_state",
    "revision",
}


def _load_entries(incident: Incident, records: list[EntryRecord], people: _People) -> None:
    ids: dict[int, int] = {}
    created = []
    for record in records:  # one by one, in order: ids grow as they did in the record
        data = copy.deepcopy(record.data)
        if record.author and people.user(record.author) is None:
            data[IMPORTED_AUTHOR] = record.author
        entry = Entry.objects.create(
            incident=incident,
            **record.model_dump(include=ENTRY_FIELDS),
            author=people.user(record.author),
            data=data,
        )
        ids[record.n] = entry.pk
        created.append(entry)
        EntryRevision.objects.bulk_create(
            EntryRevision(
                entry=entry,
                **r.model_dump(exclude={"edited_by"}),
                edited_by=people.user(r.edited_by),
            )
            for r in record.revisions
        )
    for entry in created:  # references may point forward (a report to its promoted entry)
        data = _translated(entry.data, ids)
        if data != entry.data:
            Entry.objects.filter(pk=entry.pk).update(data=data)


def _load_impact(incident: Incident, record: ImpactRecord, people: _People) -> list[str]:
    notes = []
    targets: dict[tuple[str, str], Component | Segment] = {}
    for a in record.assessments:
        model = Component if a.target == "component" else Segment
        if (a.target, a.slug) not in targets:
            target, created = model.objects.get_or_create(slug=a.slug, defaults={"name": a.name})
            if created:
                notes.append(f"added {a.target} {a.slug} ({a.name})")
            targets[(a.target, a.slug)] = target
    assessments = []
    for a in record.assessments:
        target = targets[(a.target, a.slug)]
        assessments.append(
            Assessment(
                incident=incident,
                component=target if isinstance(target, Component) else None,
                segment=target if isinstance(target, Segment) else None,
                level=a.level,
                at=a.at,
                by=people.user(a.by),
            )
        )
    Assessment.objects.bulk_create(assessments)
    AffectedCustomer.objects.bulk_create(
        AffectedCustomer(incident=incident, name=name) for name in record.affected_customers
    )
    return notes


def _load_redaction(incident: Incident, record: RedactionRecord, people: _People) -> None:
    # created_at is set on insert (auto_now_add); the document's time is put back after it.
    for p in record.pseudonyms:
        pseudonym = Pseudonym.objects.create(incident=incident, key=p.key, standin=p.standin)
        Pseudonym.objects.filter(pk=pseudonym.pk).update(created_at=p.created_at)
    for c in record.corrections:
        correction = Correction.objects.create(
            incident=incident, text=c.text, kind=c.kind, created_by=people.user(c.created_by)
        )
        Correction.objects.filter(pk=correction.pk).update(created_at=c.created_at)


def _load_postmortem(incident: Incident, record: PostMortemRecord | None, people: _People) -> None:
    if record is None:
        return
    pm = PostMortem.objects.create(
        incident=incident,
        **record.model_dump(exclude={"updated_by", "published_by", "revisions"}),
        updated_by=people.user(record.updated_by),
        published_by=people.user(record.published_by),
    )
    PostMortemRevision.objects.bulk_create(
        PostMortemRevision(
            postmortem=pm,
            number=r.number,
            body=r.body,
            saved_by=people.user(r.saved_by),
            saved_at=r.saved_at,
        )
        for r in record.revisions
    )
