"""The public projection: the one function that decides what the public may see of an incident.

Every public rendering (the live page, live.json, `warroom show --public`, and later feeds,
status JSON, posts and exports) is built from here, never from the models directly. It keeps
public entries only and passes every piece of text through the incident's redactor (G5): no
person's name, handle, e-mail or phone number leaves.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db.models import Max, Min

from warroom.blameless.services import contexts_for, redactor_for
from warroom.impact.models import LEVEL_WORDS, Assessment, Component, Level, Segment
from warroom.incidents.models import CLOSED_STATUSES, Incident, Severity, Status
from warroom.lib import markdown
from warroom.redaction import Redactor
from warroom.timeline.models import Entry, HypothesisState, Kind, Visibility

SEVERITY_WORDS = {"S1": "critical", "S2": "major", "S3": "minor", "S4": "low"}


def public_text(text: str, redactor: Redactor) -> str:
    """Text as the public may read it: people replaced by their stand-ins."""
    return _memo(("redacted", redactor.fingerprint, text), lambda: redactor.redact(text).text)


def _html(text: str) -> str:
    return _memo(("html", text), lambda: markdown.render(text))


# Redacting and rendering are pure functions of their inputs (the redaction context is part of
# the key), and a page re-rendered after a new entry shares all but one of them: keep the results.
_memos: dict[tuple, str] = {}
MEMO_MAX = 50_000


def _memo(key: tuple, compute) -> str:
    value = _memos.get(key)
    if value is None:
        if len(_memos) >= MEMO_MAX:
            _memos.clear()
        value = _memos[key] = compute()
    return value


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _public_entry(entry: Entry, redactor: Redactor) -> dict[str, Any]:
    text = public_text(entry.body, redactor)
    item: dict[str, Any] = {
        "id": entry.pk,
        "kind": entry.kind,
        "kind_label": Kind(entry.kind).label,
        "occurred_at": _iso(entry.occurred_at),
        "text": text,
        "html": _html(text),
        # Always present, empty when they do not apply: templates and scripts test them.
        "hypothesis_state": "",
        "hypothesis_label": "",
        "status": "",
        "status_label": "",
    }
    if entry.kind == Kind.HYPOTHESIS:
        item["hypothesis_state"] = entry.hypothesis_state
        item["hypothesis_label"] = HypothesisState(entry.hypothesis_state).label
    if entry.kind == Kind.STATUS and entry.data.get("status") in Status.values:
        item["status"] = entry.data["status"]
        item["status_label"] = Status(entry.data["status"]).label
    return item


def _live_stream_url(incident: Incident) -> str | None:
    """The war room's stream, once the commander approved it (G11); before that it is internal."""
    from warroom.playbooks.models import LiveStream

    stream = LiveStream.objects.filter(incident=incident, state=LiveStream.State.LIVE).first()
    return stream.url if stream else None


def public_entries(incident: Incident):
    return incident.entries.filter(visibility=Visibility.PUBLIC).order_by("-occurred_at", "-id")


def public_incident(incident: Incident, window: slice | None = None) -> dict[str, Any]:
    """The public state of one incident, newest entry first: every entry, or those in `window`
    (a page of the HTML view). `entry_count` is the number of public entries in any case."""
    redactor = redactor_for(incident)
    rows = list(public_entries(incident))
    shown = rows[window] if window else rows
    entries = [_public_entry(e, redactor) for e in shown]
    last_change = max((e.recorded_at for e in rows), default=incident.declared_at)
    return {
        "slug": incident.slug,
        "title": public_text(incident.title, redactor),
        "summary": public_text(incident.summary, redactor),
        "status": incident.status,
        "status_label": Status(incident.status).label,
        "severity": incident.severity,
        "severity_label": SEVERITY_WORDS[Severity(incident.severity).value],
        "started_at": _iso(incident.declared_at),
        "resolved_at": _iso(incident.resolved_at),
        "updated_at": _iso(last_change),
        "url": f"{settings.PUBLIC_URL}{incident.public_path}",
        "live_stream_url": _live_stream_url(incident),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
        "entry_count": len(rows),
        "impact": public_impact(incident),
        "postmortem": public_postmortem(incident, redactor),
        "entries": entries,
    }


_HEADING = re.compile(r"<(/?)h([1-6])>")


def public_postmortem(incident: Incident, redactor: Redactor) -> dict[str, Any] | None:
    """The published post-mortem (G17), or None. Publishing refused it while it named anyone;
    it is redacted here all the same, as every public text is."""
    if incident.status != Status.POSTMORTEM:  # no query for the incidents without one
        return None
    from warroom.postmortem.models import PostMortem

    published = (
        PostMortem.objects.filter(incident=incident, published_at__isnull=False)
        .values("published_body", "published_at")
        .first()
    )
    if published is None:
        return None
    html = _html(public_text(published["published_body"], redactor))
    # Its headings sit under the page's own h1 and the section's h2.
    demoted = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}>", html)
    return {"html": demoted, "published_at": _iso(published["published_at"])}


def public_summaries(incidents, *, detail: bool = True) -> list[dict[str, Any]]:
    """Lines of the status page, one per incident: its redacted title and times, and with
    `detail` its latest public update and who is affected (the open incidents). The incidents'
    redaction contexts come in one go: the page lists dozens."""
    incidents = list(incidents)
    contexts = contexts_for(incidents)
    lines = []
    for incident in incidents:
        redactor = Redactor(contexts[incident.pk])
        line = {
            "slug": incident.slug,
            "title": public_text(incident.title, redactor),
            "status": incident.status,
            "status_label": Status(incident.status).label,
            "severity_label": SEVERITY_WORDS[incident.severity],
            "started_at": _iso(incident.declared_at),
            "resolved_at": _iso(incident.resolved_at),
            "url": incident.public_path,
        }
        if detail:
            latest = public_entries(incident).first()
            line["latest"] = _public_entry(latest, redactor) if latest else None
            line["segments"] = public_impact(incident)["segments"]
        lines.append(line)
    return lines


def public_impact(incident: Incident) -> dict[str, Any]:
    """What the incident affects as the public sees it: each assessed component's and segment's
    current level, a plain sentence per segment, how many customers are affected (never who),
    and every change with its time. Component and segment names are the operator's product
    vocabulary, not incident text: they are shown as configured."""
    current: dict[tuple[str, int], tuple[Component | Segment, str]] = {}
    changes = []
    for a in incident.assessments.select_related("component", "segment"):  # oldest first
        target = a.component or a.segment
        kind = "component" if a.component_id else "segment"
        current[(kind, target.pk)] = (target, a.level)
        changes.append({"at": _iso(a.at), "kind": kind, "name": target.name, **_level(a.level)})

    def of(kind: str) -> list[dict[str, Any]]:
        assessed = [(t, level) for (k, _), (t, level) in current.items() if k == kind]
        return [
            {"slug": t.slug, "name": t.name, **_level(level)}
            for t, level in sorted(assessed, key=lambda pair: (pair[0].position, pair[0].name))
        ]

    segments = of("segment")
    for segment in segments:
        segment["sentence"] = f"{segment['name']}: {LEVEL_WORDS[segment['level']]}."
    return {
        "components": of("component"),
        "segments": segments,
        "affected_customers": incident.affected_customers.count(),
        "changes": changes,
    }


def _level(level: str) -> dict[str, str]:
    return {"level": level, "level_label": Level(level).label}


def component_states() -> list[dict[str, Any]]:
    """Every component and its state now: the worst level any unresolved incident gives it."""
    from warroom.impact.services import current_levels_of_open_incidents

    worst = current_levels_of_open_incidents()
    return [
        {
            "slug": c.slug,
            "name": c.name,
            "description": c.description,
            "position": c.position,
            "updated_at": _iso(worst[c.pk][1]) if c.pk in worst else None,
            **_level(worst[c.pk][0] if c.pk in worst else Level.NONE),
        }
        for c in Component.objects.all()
    ]


def public_incidents(*, unresolved: bool = False, limit: int | None = None) -> list[dict[str, Any]]:
    """The public state of incidents, newest first: the unresolved ones, or the `limit` newest."""
    incidents = Incident.objects.all()
    if unresolved:
        incidents = incidents.exclude(status__in=CLOSED_STATUSES)
    return [public_incident(i) for i in incidents[:limit]]


def component_history() -> dict[str, dict[str, str]]:
    """Per slug of each component an incident ever assessed: when it was first given a level
    (`first`), and when its public state last changed (`changed`): a new level, or the end of an
    incident that had given it one."""
    assessed = Assessment.objects.filter(component__isnull=False).order_by()
    times = {
        slug: [first, last]
        for slug, first, last in assessed.values_list("component__slug").annotate(
            Min("at"), Max("at")
        )
    }
    ended = assessed.filter(incident__status__in=CLOSED_STATUSES).exclude(level=Level.NONE)
    for slug, end in ended.values_list("component__slug").annotate(Max("incident__resolved_at")):
        if end and end > times[slug][1]:
            times[slug][1] = end
    return {
        slug: {"first": _iso(first), "changed": _iso(last)} for slug, (first, last) in times.items()
    }


def last_public_change() -> str | None:
    """When something public last changed: an incident declared, changed or resolved (a public
    entry, an edit or an impact assessment moves its `updated_at`). None before the first
    incident. One small aggregate, not a scan of every entry."""
    times = [
        *Incident.objects.aggregate(
            Max("declared_at"), Max("updated_at"), Max("resolved_at")
        ).values(),
    ]
    return _iso(max((t for t in times if t), default=None))
