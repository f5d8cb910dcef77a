"""Exporting an incident: the outage issue in GitLab or GitHub (G9), a file copy of it, and the
whole record as JSON that imports back without loss."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from pydantic import ValidationError

from warroom.exports import archive, document
from warroom.incidents.models import Incident
from warroom.lib import markdown
from warroom.lib.errors import Conflict, DomainError, Invalid
from warroom.playbooks import engine
from warroom.playbooks.models import StepRun
from warroom.timeline.models import Kind, Visibility
from warroom.timeline.services import add_entry
from warroom.trackers import registry as trackers
from warroom.trackers.base import TrackerError
from warroom.trackers.models import TrackerIssue

FORMATS = ("markdown", "json", "html")
# A tracker that is down or rate-limiting is tried again after these many minutes, then no more.
RETRY_MINUTES = (1, 5, 15, 60)


@dataclass(frozen=True)
class Exported:
    tracker: str
    project: str
    number: int
    url: str
    created: bool


def export_to_tracker(
    incident: Incident, tracker: str, project: str | None = None, by=None
) -> Exported:
    """Open the incident's outage issue in `tracker` (gitlab, github or default), or update it
    when it was exported to that project before. Talks to the tracker outside any transaction."""
    module = trackers.choose(tracker, project=project)
    project = (project or module.default_project()).strip()
    doc = document.issue_document(incident, labels=step_labels(incident))
    body = document.markdown(doc, limit=module.BODY_LIMIT)
    known = TrackerIssue.objects.filter(
        incident=incident, tracker=module.NAME, project=project
    ).first()
    issue = None
    if known:
        drop = [label for label in known.labels if label not in doc.labels]
        issue = module.update(
            project, known.number, title=doc.title, body=body, labels=doc.labels, drop=drop
        )
    created = issue is None  # never exported there, or deleted in the tracker since
    if issue is None:
        issue = module.create(project, title=doc.title, body=body, labels=doc.labels)
    _remember(incident, module, project, issue, labels=doc.labels, created=created, by=by)
    return Exported(module.NAME, project, issue.number, issue.url, created)


@transaction.atomic
def _remember(incident, module, project, issue, *, labels, created: bool, by) -> None:
    now = timezone.now()
    TrackerIssue.objects.update_or_create(
        incident=incident,
        tracker=module.NAME,
        project=project,
        defaults={"number": issue.number, "url": issue.url, "labels": labels, "exported_at": now},
    )
    add_entry(
        incident=incident,
        kind=Kind.EVENT,
        visibility=Visibility.INTERNAL,
        body=f"Outage issue {'opened' if created else 'updated'} in {module.LABEL}: {issue.url}",
        author=by,
        data={"tracker": module.NAME, "issue": issue.url},
    )
    if hasattr(incident, "playbook"):
        engine.wake_steps(incident, action="export_issue", now=now)  # the step is done now


def step_labels(incident: Incident) -> list[str]:
    """The labels the incident's playbook asks for on its outage issue."""
    if not hasattr(incident, "playbook"):
        return []
    for step in engine.playbook_of(incident).steps:
        if step.action and step.action.name == "export_issue":
            return list(step.action.params.get("labels") or [])
    return []


def enqueue_export(incident: Incident, step_id: str) -> None:
    """Export in the background once the current transaction commits, so that the worker, on
    whatever task backend, finds the incident as it was committed."""
    from warroom.exports.tasks import export_issue

    transaction.on_commit(lambda: export_issue.enqueue(incident.pk, step_id))


def export_for_step(incident_id: int, step_id: str, attempt: int = 1) -> str:
    """The playbook step's export (a task; safe to run twice: it updates the same issue). A
    passing failure is tried again later; a lasting one stays on the step and the timeline."""
    from warroom.exports.tasks import export_issue

    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return "no such incident"
    params = engine.playbook_of(incident).step(step_id).action.params
    try:
        exported = export_to_tracker(incident, params.get("tracker", "default"))
    except TrackerError as exc:
        if exc.permanent or attempt > len(RETRY_MINUTES):
            return _failed(incident, step_id, exc.message)
        at = timezone.now() + timedelta(minutes=RETRY_MINUTES[attempt - 1])
        _note_on_step(incident, step_id, f"{exc.message}; trying again at {at:%H:%M} UTC")
        export_issue.using(run_after=at).enqueue(incident_id, step_id, attempt + 1)
        return "retry"
    except DomainError as exc:  # not configured (any more)
        return _failed(incident, step_id, exc.message)
    return f"{'created' if exported.created else 'updated'} {exported.url}"


@transaction.atomic
def _failed(incident: Incident, step_id: str, why: str) -> str:
    _note_on_step(incident, step_id, f"Export failed: {why}")
    add_entry(
        incident=incident,
        kind=Kind.EVENT,
        visibility=Visibility.INTERNAL,
        body=f"The outage issue could not be exported: {why}",
        author=None,
    )
    return "failed"


def _note_on_step(incident: Incident, step_id: str, note: str) -> None:
    incident.steps.filter(step_id=step_id, state=StepRun.State.OPEN).update(reason=note)


def export_file(incident: Incident, format: str) -> str:
    """The incident as a file: `markdown` or `html`, the outage issue (public, redacted); `json`,
    the whole internal record (responders only), which `import_incident` reads back."""
    if format == "json":
        return json.dumps(archive.dump(incident), indent=2, ensure_ascii=False) + "\n"
    if format not in FORMATS:
        raise Invalid(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    doc = document.issue_document(incident, labels=step_labels(incident))
    text = document.markdown(doc, heading=True)
    if format == "markdown":
        return text
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(doc.title)}</title>\n</head>\n<body>\n"
        f"{markdown.render(text)}</body>\n</html>\n"
    )


@dataclass(frozen=True)
class Imported:
    incident: Incident
    notes: list[str]  # who was mapped to whom, what was added


@transaction.atomic
def import_incident(data: Any, *, slug: str | None = None) -> Imported:
    """Create an incident from a JSON export, under its own slug or `slug`. Nothing runs or is
    sent: no playbook, no messages. All or nothing."""
    parsed = parse_archive(data)
    slug = (slug or parsed.incident.slug).strip()
    try:
        validate_slug(slug)
    except DjangoValidationError:
        raise Invalid(f"{slug!r} is not a slug: use letters, digits, - and _") from None
    if len(slug) > 80:
        raise Invalid(f"the slug {slug!r} is longer than 80 characters")
    if Incident.objects.filter(slug=slug).exists():
        raise Conflict(
            f"an incident {slug!r} exists already; import it under another slug "
            "(`warroom import FILE --as NEW_SLUG`)"
        )
    try:
        with transaction.atomic():
            incident, notes = archive.load(parsed, slug=slug)
    except (IntegrityError, DataError) as exc:
        raise Invalid(f"the export breaks a rule of the incident record: {exc}") from None
    incident.public_changed()
    return Imported(incident, notes)


def parse_archive(data: Any) -> archive.Archive:
    if not isinstance(data, dict) or data.get("format") != archive.FORMAT:
        raise Invalid(f'this is not a warroom incident export ("format": "{archive.FORMAT}")')
    if data.get("version") != archive.VERSION:
        raise Invalid(
            f"this export is version {data.get('version')!r}; this warroom reads version "
            f"{archive.VERSION}"
        )
    try:
        return archive.Archive.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise Invalid(f"the export cannot be imported: {problems}") from None
