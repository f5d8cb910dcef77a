"""The incident as a file: the outage issue as Markdown or HTML (public, redacted), and the whole
record as JSON that imports back without loss."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db import DataError, IntegrityError, transaction
from pydantic import ValidationError

from warroom.exports import archive, document
from warroom.incidents.models import Incident
from warroom.incidents.services import public_changed
from warroom.lib import markdown
from warroom.lib.errors import Conflict, Invalid

FORMATS = ("markdown", "json", "html")


def export_file(incident: Incident, format: str, *, labels: Sequence[str] = ()) -> str:
    """The incident as a file: `markdown` or `html`, the outage issue (public, redacted); `json`,
    the whole internal record (responders only), which `import_incident` reads back."""
    if format == "json":
        return json.dumps(archive.dump(incident), indent=2, ensure_ascii=False) + "\n"
    if format not in FORMATS:
        raise Invalid(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    doc = document.issue_document(incident, labels=labels)
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
    public_changed(incident)
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
