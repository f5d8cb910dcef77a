"""Atom and RSS feeds of the public updates: one for the whole site, one per incident.

Like every public view they are built from the projection alone (redacted text, public entries
only), cached under the public generation and answered conditionally. An item is one update; its
id is the update's anchor on the incident page, so it stays the same across renderings.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.views.decorators.http import require_safe

from warroom.incidents.models import Incident
from warroom.lib.publiccache import rendered
from warroom.projection.incident import public_incident
from warroom.projection.types import PublicEntry, PublicIncident
from warroom.publicpage.views import _incident_or_404, _respond
from warroom.timeline.models import Entry, Visibility

# Readers poll feeds and only need what is recent; the incident page keeps the whole record.
FEED_SIZE = 50
FLAVOURS: dict[str, type[Atom1Feed | Rss201rev2Feed]] = {"atom": Atom1Feed, "rss": Rss201rev2Feed}

# (the incident's public state, one of its public entries)
Item = tuple[PublicIncident, PublicEntry]


def _label(entry: PublicEntry) -> str:
    """What an update is: the status it set, else its kind (a hypothesis with its state)."""
    if entry["status_label"]:
        return entry["status_label"]
    if entry["hypothesis_label"]:
        return f"{entry['kind_label']} ({entry['hypothesis_label'].lower()})"
    return entry["kind_label"]


def _when(entry: PublicEntry) -> datetime:
    return datetime.fromisoformat(entry["occurred_at"])


def _render(
    flavour: str, *, title: str, link: str, description: str, self_path: str, items: list[Item]
) -> tuple[bytes, str]:
    self_url = f"{settings.PUBLIC_URL}{self_path}"
    feed = FLAVOURS[flavour](
        title=title,
        link=link,
        description=description,
        language="en",
        feed_url=self_url,
        feed_guid=self_url,
        author_name=settings.PAGE_NAME,
    )
    for incident, entry in items:
        permalink = f"{incident['url']}#entry-{entry['id']}"
        feed.add_item(
            title=f"{incident['title']} — {_label(entry)}",
            link=permalink,
            description=entry["html"],
            pubdate=_when(entry),
            updateddate=_when(entry),  # Atom requires it on every entry
            unique_id=permalink,
            unique_id_is_permalink=True,
        )
    return feed.writeString("utf-8").encode(), feed.content_type


def _newest_items() -> list[Item]:
    """The newest public updates of all incidents, newest first."""
    # An incident's share of the newest updates is its own newest ones, so each incident is
    # projected with that window only. The query only picks incidents; what is shown, and
    # whether it is public, is still decided by the projection.
    newest = (
        Entry.objects.filter(visibility=Visibility.PUBLIC)
        .order_by("-occurred_at", "-id")
        .values_list("incident_id", flat=True)[:FEED_SIZE]
    )
    shares = Counter(newest)
    items: list[Item] = []
    for incident in Incident.objects.filter(pk__in=shares):
        state = public_incident(incident, slice(0, shares[incident.pk]))
        items += [(state, entry) for entry in state["entries"]]
    items.sort(key=lambda item: (_when(item[1]), item[1]["id"]), reverse=True)
    return items[:FEED_SIZE]


@require_safe
def site_feed(request: HttpRequest, flavour: str) -> HttpResponse:
    def build():
        return _render(
            flavour,
            title=settings.PAGE_NAME,
            link=f"{settings.PUBLIC_URL}{reverse('public:status')}",
            description="Public updates on every incident, newest first.",
            self_path=reverse(f"public:feed_{flavour}"),
            items=_newest_items(),
        )

    return _respond(request, rendered(f"feed:{flavour}", build), cors=True)


@require_safe
def incident_feed(request: HttpRequest, slug: str, flavour: str) -> HttpResponse:
    def build():
        state = public_incident(_incident_or_404(slug), slice(0, FEED_SIZE))
        return _render(
            flavour,
            title=f"{state['title']} · {settings.PAGE_NAME}",
            link=state["url"],
            description=state["summary"] or f"Public updates on {state['title']}.",
            self_path=reverse(f"public:incident_feed_{flavour}", args=[slug]),
            items=[(state, entry) for entry in state["entries"]],
        )

    return _respond(request, rendered(f"incident:{slug}:feed:{flavour}", build), cors=True)
