"""The static copy of the public side: every public page, feed and JSON document written as files
to a folder or an S3-compatible bucket, so the status page stays up when warroom does not.

The files are rendered by the public views themselves (the same redacted projection, so nothing
internal can reach the copy) for every route of the public URLconf: routes without a slug once,
routes with one for each incident. A page is a folder with `index.html` (`/incidents/x/` →
`incidents/x/index.html`), so any static host serves the same paths; the copy's pages poll its own
`live.json`. A file whose content did not change is not written again.

After a public change only what can have changed is rendered again: the pages without a slug and
the incidents updated since the last copy (`Incident.updated_at`), or everything when the roster
changed (it decides what is redacted everywhere). The copy's manifest remembers when and what.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone

from warroom.incidents.models import CLOSED_STATUSES, Incident
from warroom.publicpage import urls as public_urls
from warroom.redaction.services import roster

MANIFEST = ".warroom-export.json"
STATIC_FILES = ["warroom/warroom.css", "warroom/live.js"]  # what the public pages load
CACHE_CONTROL = {"html": "public, max-age=30", "default": "public, max-age=60"}


@dataclass
class Report:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    full: bool = False

    def as_dict(self) -> dict:
        return {"written": len(self.written), "unchanged": self.unchanged, "full": self.full}


class Folder:
    """A local folder: serve it with any web server (or `python -m http.server`)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.where = str(self.root)

    def read(self, name: str) -> bytes | None:
        path = self.root / name
        return path.read_bytes() if path.is_file() else None

    def write(self, name: str, body: bytes, content_type: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(body)
        partial.replace(path)  # readers see the old file or the new one, never half of one


class Bucket:
    """An S3-compatible bucket, `s3://bucket/prefix`, through boto3: credentials and endpoint
    come from boto3's usual settings (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL
    for MinIO, Ceph, R2 …)."""

    def __init__(self, url: str):
        import boto3

        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"{url!r} is not an s3://bucket/prefix address")
        self.bucket, self.prefix = parts.netloc, parts.path.strip("/")
        self.where = url
        self.s3 = boto3.client("s3")

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def read(self, name: str) -> bytes | None:
        try:
            return self.s3.get_object(Bucket=self.bucket, Key=self._key(name))["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None

    def write(self, name: str, body: bytes, content_type: str) -> None:
        kind = "html" if content_type.startswith("text/html") else "default"
        self.s3.put_object(
            Bucket=self.bucket,
            Key=self._key(name),
            Body=body,
            ContentType=content_type,
            CacheControl=CACHE_CONTROL[kind],
        )


def target(to: str) -> Folder | Bucket:
    return Bucket(to) if to.startswith("s3://") else Folder(to)


def configured_targets() -> list[Folder | Bucket]:
    return [target(to) for to in (settings.STATIC_EXPORT_DIR, settings.STATIC_EXPORT_S3_URL) if to]


def publish(
    into: Folder | Bucket,
    *,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Write the public side into `into`; only what may have changed unless `full`."""
    manifest = _manifest(into)
    roster = _roster_version()
    full = full or manifest.get("roster") != roster or "digests" not in manifest
    since = None if full else datetime.fromisoformat(manifest["published_at"])
    started = timezone.now()
    digests: dict[str, str] = manifest.get("digests", {})
    report = Report(full=full)
    paths = list(_paths(since))
    for done, path in enumerate(paths, 1):
        body, content_type = _render(path)
        name = _file_name(path)
        digest = hashlib.sha256(body).hexdigest()
        if digests.get(name) == digest:
            report.unchanged += 1
        else:
            into.write(name, body, content_type)
            digests[name] = digest
            report.written.append(name)
        if progress:
            progress(done, len(paths))
    for name in STATIC_FILES:
        found = finders.find(name)
        assert found is not None, name  # shipped in warroom's static files
        body = Path(found).read_bytes()
        digest = hashlib.sha256(body).hexdigest()
        if digests.get(f"static/{name}") != digest:
            into.write(f"static/{name}", body, mimetypes.guess_type(name)[0] or "text/plain")
            digests[f"static/{name}"] = digest
            report.written.append(f"static/{name}")
    # Written last: a copy interrupted halfway is rendered again in full next time.
    record = {"published_at": started.isoformat(), "roster": roster, "digests": digests}
    into.write(MANIFEST, json.dumps(record).encode(), "application/json")
    return report


def _manifest(into: Folder | Bucket) -> dict:
    raw = into.read(MANIFEST)
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        return {}


def _roster_version() -> str:
    people = sorted(repr(person) for person in roster())  # frozen dataclasses
    return hashlib.sha256("\n".join(people).encode()).hexdigest()


def _paths(since: datetime | None) -> Iterator[str]:
    """Every public path to render: each route once, or once per incident that may have changed
    (all of them without `since`; the open ones always, their pages show "… ago")."""
    incidents = Incident.objects.all()
    if since is not None:
        incidents = incidents.filter(updated_at__gte=since) | incidents.exclude(
            status__in=CLOSED_STATUSES
        )
    slugs = list(incidents.values_list("slug", flat=True).distinct())
    for pattern in public_urls.urlpatterns:
        route = str(pattern.pattern)
        if "<slug:slug>" in route:
            yield from ("/" + route.replace("<slug:slug>", slug) for slug in slugs)
        else:
            yield "/" + route


def _render(path: str) -> tuple[bytes, str]:
    host = urlsplit(settings.PUBLIC_URL)
    request = RequestFactory().get(
        path,
        SERVER_NAME=host.hostname or "localhost",
        SERVER_PORT=str(host.port or (443 if host.scheme == "https" else 80)),
    )
    match = resolve(path)
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return response.content, response["Content-Type"]


def _file_name(path: str) -> str:
    name = path.lstrip("/")
    return name + "index.html" if name.endswith("/") or not name else name
