"""The Atom and RSS feeds: valid, public data only, cached, conditional, newest first."""

from __future__ import annotations

import calendar
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.conf import settings

from warroom.flows.status import change_status
from warroom.testing.factories import make_entry, make_incident
from warroom.timeline.models import Kind, Visibility

pytestmark = pytest.mark.django_db

SITE_PATHS = ["/feed.atom", "/feed.rss", "/history.atom", "/history.rss"]
INCIDENT_PATHS = [
    "/incidents/{slug}/feed.atom",
    "/incidents/{slug}/feed.rss",
    "/incidents/{slug}/history.atom",
    "/incidents/{slug}/history.rss",
]
VERSIONS = {"atom": "atom10", "rss": "rss20"}
CONTENT_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
}
ATOM = "{http://www.w3.org/2005/Atom}"


def _parse(client, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200
    parsed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _feeds(client, incident) -> dict[str, str]:
    """Every feed's body by path: site and incident, Atom and RSS, and the aliases."""
    paths = SITE_PATHS + [p.format(slug=incident.slug) for p in INCIDENT_PATHS]
    return {path: client.get(path).content.decode() for path in paths}


def _timestamp(value) -> int:
    return int(value.timestamp())


@pytest.mark.parametrize("path", SITE_PATHS + INCIDENT_PATHS)
def test_every_feed_is_valid_with_its_type_and_cors(public_client, incident, path):
    path = path.format(slug=incident.slug)
    flavour = path.rsplit(".", 1)[1]
    response = public_client.get(path)

    assert response["Content-Type"] == CONTENT_TYPES[flavour]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "must-revalidate" in response["Cache-Control"]
    parsed = _parse(public_client, path)
    assert parsed.version == VERSIONS[flavour]
    assert [e.title for e in parsed.entries] == [
        "Database replication lag on primary — Investigating"
    ]


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("/history.atom", "/feed.atom"),
        ("/history.rss", "/feed.rss"),
        ("/incidents/{slug}/history.atom", "/incidents/{slug}/feed.atom"),
        ("/incidents/{slug}/history.rss", "/incidents/{slug}/feed.rss"),
    ],
)
def test_history_paths_serve_the_same_feed(public_client, incident, alias, canonical):
    alias_response = public_client.get(alias.format(slug=incident.slug))
    canonical_response = public_client.get(canonical.format(slug=incident.slug))
    assert alias_response.content == canonical_response.content
    assert alias_response["ETag"] == canonical_response["ETag"]


def test_atom_site_feed_has_its_metadata_and_entries(public_client, incident, responder):
    found = make_entry(incident, "Replication is **40 s** behind", kind=Kind.FINDING)
    change_status(incident=incident, status="identified", message="A full disk.", by=responder)
    parsed = _parse(public_client, "/feed.atom")
    page = f"{settings.PUBLIC_URL}{incident.public_path}"

    assert parsed.feed.title == "Service status"
    assert parsed.feed.id == f"{settings.PUBLIC_URL}/feed.atom"
    assert parsed.feed.author == "Service status"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {"alternate": f"{settings.PUBLIC_URL}/", "self": parsed.feed.id}
    titles = [e.title for e in parsed.entries]
    assert titles == [
        f"{incident.title} — Identified",
        f"{incident.title} — Finding",
        f"{incident.title} — Investigating",
    ]
    finding = parsed.entries[1]
    assert finding.link == finding.id == f"{page}#entry-{found.pk}"
    assert "<strong>40 s</strong>" in finding.summary
    assert calendar.timegm(finding.published_parsed) == _timestamp(found.occurred_at)
    assert finding.updated_parsed == finding.published_parsed
    assert parsed.feed.updated_parsed == parsed.entries[0].updated_parsed


def test_rss_incident_feed_has_its_metadata_and_items(public_client, incident):
    note = make_entry(incident, "Maybe the cache is cold.", kind=Kind.HYPOTHESIS)
    path = f"/incidents/{incident.slug}/feed.rss"
    parsed = _parse(public_client, path)
    page = f"{settings.PUBLIC_URL}{incident.public_path}"

    assert parsed.feed.title == f"{incident.title} · Service status"
    assert parsed.feed.link == page
    latest = parsed.entries[0]
    assert latest.title == f"{incident.title} — Hypothesis (unconfirmed)"
    assert latest.link == latest.id == f"{page}#entry-{note.pk}"
    assert (
        f'<guid isPermaLink="true">{latest.id}</guid>' in public_client.get(path).content.decode()
    )
    assert calendar.timegm(latest.published_parsed) == _timestamp(note.occurred_at)
    assert "Maybe the cache is cold." in latest.summary


def test_atom_structure_has_what_rfc_4287_requires(public_client, incident):
    make_entry(incident, "Lag is back under 1 s")
    root = ET.fromstring(public_client.get(f"/incidents/{incident.slug}/feed.atom").content)

    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert root.find(ATOM + name) is not None, name
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for name in ("id", "title", "updated", "published", "summary"):
            assert (entry.find(ATOM + name).text or "").strip(), name
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
        assert entry.find(f"{ATOM}summary").get("type") == "html"


def test_site_feed_merges_incidents_newest_first_and_keeps_the_newest_50(
    public_client, incident, responder
):
    other = make_incident("Slow git pushes", by=responder)
    start = incident.declared_at - timedelta(hours=2)
    for n in range(30):
        for target, minute in ((incident, 2 * n), (other, 2 * n + 1)):
            make_entry(target, f"update {minute}", occurred_at=start + timedelta(minutes=minute))
    parsed = _parse(public_client, "/feed.rss")

    assert len(parsed.entries) == 50
    # The two declarations are the newest; then the updates, alternating between incidents.
    assert parsed.entries[0].title.startswith("Slow git pushes")
    assert parsed.entries[1].title.startswith(incident.title)
    bodies = [e.summary for e in parsed.entries[2:]]
    assert bodies == [f"<p>update {minute}</p>" for minute in range(59, 11, -1)]


def test_internal_entries_names_and_the_war_room_never_appear(public_client, incident):
    make_entry(incident, "Alice Chen restarted db1 after the failover")
    make_entry(incident, "zq7xq the SAN firmware is suspect", visibility=Visibility.INTERNAL)
    for path, body in _feeds(public_client, incident).items():
        assert "restarted db1" in body, path
        assert "zq7xq" not in body, path
        assert "alice" not in body.lower(), path
        assert incident.war_room_url not in body, path


def test_hostile_markdown_is_sanitised_in_the_feed(public_client, incident):
    make_entry(incident, "Look: <script>alert(1)</script> and [x](javascript:alert(1))")
    root = ET.fromstring(public_client.get(f"/incidents/{incident.slug}/feed.atom").content)
    html = root.find(f"{ATOM}entry/{ATOM}summary").text

    assert "<script" not in html
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", html, re.IGNORECASE)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not run


def test_unchanged_feed_answers_304_and_a_new_entry_changes_it(public_client, incident):
    for path in ("/feed.atom", f"/incidents/{incident.slug}/feed.rss"):
        first = public_client.get(path)
        again = public_client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b""
        assert again["Access-Control-Allow-Origin"] == "*"

    entry = make_entry(incident, "Lag is back under 1 s")
    for path in ("/feed.atom", f"/incidents/{incident.slug}/feed.rss"):
        changed = public_client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert changed.status_code == 200
        assert _parse(public_client, path).entries[0].id.endswith(f"#entry-{entry.pk}")


def test_an_entry_made_internal_leaves_the_feeds(public_client, incident, responder):
    from warroom.flows.entries import edit_entry

    entry = make_entry(incident, "Restarted db1")
    assert "Restarted db1" in public_client.get("/feed.atom").content.decode()
    edit_entry(entry=entry, by=responder, visibility="internal")
    for path, body in _feeds(public_client, incident).items():
        assert "Restarted db1" not in body, path


def test_unknown_incident_is_404(public_client, db):
    for name in ("feed.atom", "feed.rss", "history.atom", "history.rss"):
        assert public_client.get(f"/incidents/nope/{name}").status_code == 404


def test_feeds_refuse_writes_and_answer_head(public_client, incident):
    assert public_client.post("/feed.atom").status_code == 405
    assert public_client.post(f"/incidents/{incident.slug}/feed.rss").status_code == 405
    assert public_client.head("/feed.rss").status_code == 200


def test_empty_site_feed_is_valid(public_client, db):
    for path in ("/feed.atom", "/feed.rss"):
        assert _parse(public_client, path).entries == []


def test_pages_announce_their_feeds(public_client, incident):
    status = public_client.get("/").content.decode()
    page = public_client.get(incident.public_path).content.decode()

    assert '<link rel="alternate" type="application/atom+xml"' in status
    assert 'href="/feed.atom"' in status and 'href="/feed.rss"' in status
    for flavour in ("atom", "rss"):
        assert f'href="/incidents/{incident.slug}/feed.{flavour}"' in page
