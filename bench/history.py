"""A status page's history for issue 6's numbers: INCIDENTS incidents with PUBLIC public and
INTERNAL internal entries each, written straight into the bench server's database.

Through the REST API 200,000 entries would take hours, so a child process with Django set up
against the server's database writes them in bulk, shaped as the services would: mostly resolved
incidents spread over the last 90 days (status entries at the start and the end, component and
segment assessments, a revision per entry, stand-ins remembered for the people named), and OPEN
incidents still going, declared through the service. Entries are corpus text (Markdown: code,
links, lists, code blocks), and about one in ten names someone from the roster, so the redactor
has work. The server's cache knows nothing of these writes: the caller makes one public change
through the server afterwards.

    python -m bench.history INCIDENTS PUBLIC INTERNAL OPEN   (with WARROOM_HOME / DATABASE_URL)
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import datetime, timedelta

from bench.corpus import KINDS, REGIONS, SERVICES, entry_body

ROSTER = [
    ("Marta Jansen", "marta"),
    ("Kofi Mensah", "kofi"),
    ("Priya Raman", "priya"),
    ("Lars Eriksson", "lars"),
    ("Sofia Moreau", "sofia"),
    ("Tomasz Wójcik", "tomasz"),
    ("Aiko Tanaka", "aiko"),
    ("Daniel Okafor", "daniel"),
    ("Helena Costa", "helena"),
    ("Jonas Becker", "jonas"),
    ("Amara Nwosu", "amara"),
    ("Felix Wagner", "felix"),
]
NAMED = [
    "{name} restarted `{svc}` on the canary hosts.",
    "Paged {name} (@{user}) for the database failover in {region}.",
    "{name} is on the call with the vendor; next update in 30 minutes.",
    "Customer report forwarded by {email}: checkout fails with HTTP 502 in {region}.",
    "**{first}** confirmed the rollback of `{svc}` is complete.",
]
TITLES = [
    "Checkout errors in {region}",
    "Slow logins for {svc}",
    "Delayed e-mail notifications",
    "Elevated error rates on {svc}",
    "Degraded search results in {region}",
    "CI jobs stuck in pending",
    "Intermittent 502s on the web UI",
]
COMPONENTS = [("web", "Web UI"), ("api", "API"), ("git", "Git over SSH"), ("ci", "CI runners")]
SEGMENTS = [("saas", "SaaS"), ("dedicated", "Dedicated"), ("self-managed", "Self-managed")]
STATUS_WORDS = {
    "investigating": "We are investigating: {title}.",
    "identified": "We have identified the cause and are working on a fix.",
    "monitoring": "A fix is deployed; we are monitoring the results.",
    "resolved": "This incident has been resolved.",
}
BATCH = 25  # incidents per transaction


def note(message: str) -> None:
    """A progress line from a child process, indented under the parent's (which has the clock)."""
    print(f"{'':10}  {message}", file=sys.stderr, flush=True)


def body(rng: random.Random) -> tuple[str, bool]:
    """An entry's text, and whether it names someone from the roster."""
    if rng.random() >= 0.1:
        return entry_body(rng), False
    name, user = rng.choice(ROSTER)
    text = rng.choice(NAMED).format(
        name=name,
        first=name.split()[0],
        user=user,
        email=f"{user}@example.com",
        svc=rng.choice(SERVICES),
        region=rng.choice(REGIONS),
    )
    return text, True


def build(incidents: int, public: int, internal: int, open_: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from warroom.accounts.services import import_roster
    from warroom.impact.models import Component, Segment
    from warroom.lib.publiccache import public_changed

    rng = random.Random(6)
    import_roster([{"name": n, "username": u, "email": f"{u}@example.com"} for n, u in ROSTER])
    for position, (slug, name) in enumerate(COMPONENTS):
        Component.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for position, (slug, name) in enumerate(SEGMENTS):
        Segment.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    user = get_user_model().objects.get(username="alice")
    now = timezone.now()
    started = time.monotonic()
    resolved = incidents - open_
    report_every = max(BATCH, resolved // 10)
    for first in range(0, resolved, BATCH):
        with transaction.atomic():
            for n in range(first, min(first + BATCH, resolved)):
                _resolved_incident(rng, n, now, user, public, internal)
        done = min(first + BATCH, resolved)
        if done // report_every != first // report_every or done == resolved:
            rate = done * (public + internal) / (time.monotonic() - started)
            note(f"{done}/{resolved} resolved incidents written ({rate:,.0f} entries/s)")
    slugs = [_open_incident(rng, n, user, public, internal) for n in range(open_)]
    note(f"{open_} open incidents declared and filled")
    public_changed()
    return {"open": slugs, "seconds": round(time.monotonic() - started, 1)}


def _plan(rng, public: int, internal: int, *, declared: bool, resolved: bool) -> list:
    """(visibility, status or None) per entry, oldest first: the declaring status unless the
    service wrote it, two status changes among the public entries, the resolution last."""
    from warroom.timeline.models import Visibility

    middle = public - 1 - resolved  # the first is the declaring status
    plan: list = [(Visibility.PUBLIC, None)] * middle + [(Visibility.INTERNAL, None)] * internal
    rng.shuffle(plan)
    changes = iter(["identified", "monitoring"])
    for i in sorted(rng.sample(range(len(plan)), min(len(plan), 12))):
        if plan[i][0] == Visibility.PUBLIC:
            plan[i] = (Visibility.PUBLIC, next(changes, None))
    head = [] if declared else [(Visibility.PUBLIC, "investigating")]
    return head + plan + ([(Visibility.PUBLIC, "resolved")] if resolved else [])


def _entries(rng, incident, user, start: datetime, end: datetime, plan: list) -> None:
    """Bulk-write the timeline with a revision per entry; remember stand-ins for the named."""
    from warroom.redaction.services import remember
    from warroom.timeline.models import Entry, EntryRevision, HypothesisState, Kind, Visibility

    span = (end - start) / (len(plan) + 1)
    entries, named = [], []
    for i, (visibility, status) in enumerate(plan):
        if status is None:
            text, names = body(rng)
            kind, data = rng.choice(KINDS), {}
        else:
            text, names = STATUS_WORDS[status].format(title=incident.title), False
            kind, data = Kind.STATUS, {"status": status}
        if names and visibility == Visibility.PUBLIC:
            named.append(text)
        at = start + span * (i + 1) if i else start
        entries.append(
            Entry(
                incident=incident,
                kind=kind,
                visibility=visibility,
                author=user,
                occurred_at=at,
                recorded_at=at + timedelta(seconds=rng.randint(0, 90)),
                body=text,
                hypothesis_state=HypothesisState.OPEN if kind == Kind.HYPOTHESIS else "",
                data=data,
            )
        )
    Entry.objects.bulk_create(entries, batch_size=500)
    EntryRevision.objects.bulk_create(
        (
            EntryRevision(
                entry=e,
                number=1,
                body=e.body,
                kind=e.kind,
                visibility=e.visibility,
                hypothesis_state=e.hypothesis_state,
                occurred_at=e.occurred_at,
                edited_by=user,
                edited_at=e.recorded_at,
            )
            for e in entries
        ),
        batch_size=500,
    )
    remember(incident, [incident.title, *named])


def _title(rng: random.Random) -> str:
    return rng.choice(TITLES).format(region=rng.choice(REGIONS), svc=rng.choice(SERVICES))


def _resolved_incident(rng, n: int, now: datetime, user, public: int, internal: int) -> None:
    from django.utils.text import slugify

    from warroom.impact.models import Assessment, Component, Level, Segment
    from warroom.incidents.models import Incident, Status

    declared = now - timedelta(days=rng.uniform(0.5, 89.5))
    resolved = declared + timedelta(minutes=rng.randint(20, 8 * 60))
    title = _title(rng)
    incident = Incident.objects.create(
        slug=f"{declared:%Y-%m-%d}-{slugify(title)[:50]}-h{n}",
        title=title,
        severity=rng.choice(["S1", "S2", "S2", "S3", "S3", "S4"]),
        status=Status.RESOLVED,
        declared_at=declared,
        resolved_at=resolved,
        declared_by=user,
    )
    plan = _plan(rng, public, internal, declared=False, resolved=True)
    _entries(rng, incident, user, declared, resolved, plan)
    component = Component.objects.get(slug=rng.choice(COMPONENTS)[0])
    segment = Segment.objects.get(slug=rng.choice(SEGMENTS)[0])
    level = rng.choice([Level.DEGRADED, Level.PARTIAL, Level.MAJOR])
    Assessment.objects.bulk_create(
        Assessment(incident=incident, level=lvl, at=at, by=user, **target)
        for target in ({"component": component}, {"segment": segment})
        for lvl, at in ((level, declared), (Level.NONE, resolved))
    )


def _open_incident(rng, n: int, user, public: int, internal: int) -> str:
    """Declared through the service (playbook, roles, first status entry), then moved back to
    when it began, with its timeline written in between."""
    from django.utils import timezone

    from warroom.flows.declare import declare
    from warroom.impact.services import assess
    from warroom.incidents.models import Incident

    before = timezone.now()
    incident = declare(
        title=_title(rng),
        severity=["S1", "S2", "S3"][n % 3],
        declared_by=user,
        commander="alice",
    )
    declared = before - timedelta(hours=3 + n)
    Incident.objects.filter(pk=incident.pk).update(declared_at=declared)
    incident.entries.filter(recorded_at__gte=before).update(occurred_at=declared)
    incident.refresh_from_db()
    plan = _plan(rng, public, internal, declared=True, resolved=False)
    _entries(rng, incident, user, declared, before, plan)
    assess(
        incident=incident,
        by=user,
        components={COMPONENTS[n % len(COMPONENTS)][0]: "partial_outage"},
        segments={SEGMENTS[n % len(SEGMENTS)][0]: "degraded_performance"},
    )
    return incident.slug


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(build(*(int(a) for a in sys.argv[1:5]))))
