"""The public page and live.json: never an internal entry, cached, conditional, live."""

import gzip
import json

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom.flows.entries import edit_entry
from warroom.flows.status import change_status
from warroom.projection.incident import public_incident
from warroom.testing.factories import make_entry

pytestmark = pytest.mark.django_db

# Markers that cannot be produced by Markdown rendering of other text, so finding one in the
# output means that entry's text leaked.
marker = st.integers(min_value=0, max_value=10**9).map(lambda n: f"zq{n}xq")
entries = st.lists(
    st.tuples(marker, st.booleans(), st.sampled_from(["event", "finding", "hypothesis", "action"])),
    min_size=1,
    max_size=8,
    unique_by=lambda t: t[0],
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=entries)
def test_internal_entries_never_reach_the_public(incident, public_client, entries):
    for text, internal, kind in entries:
        make_entry(
            incident,
            f"Note {text} on `db1`",
            kind=kind,
            visibility="internal" if internal else "public",
        )
    page = public_client.get(f"/incidents/{incident.slug}/").content.decode()
    live = public_client.get(f"/incidents/{incident.slug}/live.json").content.decode()
    status = public_client.get("/").content.decode()
    for text, internal, _ in entries:
        assert (text in page) is (not internal)
        assert (text in live) is (not internal)
        if internal:
            assert text not in status
    # Reset between examples; deleting rows bypasses the services, so drop the cache by hand.
    incident.entries.all().delete()
    cache.clear()


def test_war_room_link_and_roles_stay_internal(incident, public_client):
    for path in (f"/incidents/{incident.slug}/", f"/incidents/{incident.slug}/live.json", "/"):
        body = public_client.get(path).content.decode()
        assert incident.war_room_url not in body
        assert "alice" not in body.lower()


def test_an_entry_made_internal_disappears_from_the_public(incident, public_client, responder):
    entry = make_entry(incident, "Alice restarted db1")
    assert b"restarted db1" in public_client.get(f"/incidents/{incident.slug}/live.json").content
    edit_entry(entry=entry, by=responder, visibility="internal")
    assert (
        b"restarted db1" not in public_client.get(f"/incidents/{incident.slug}/live.json").content
    )


def test_live_json_has_etag_and_answers_304_when_unchanged(incident, public_client):
    url = f"/incidents/{incident.slug}/live.json"
    first = public_client.get(url)
    assert first.status_code == 200
    assert first["Access-Control-Allow-Origin"] == "*"
    assert "must-revalidate" in first["Cache-Control"]
    again = public_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    make_entry(incident, "Lag is back under 1 s")
    changed = public_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "Lag is back under 1 s" in changed.content.decode()


@pytest.mark.parametrize("path", ["/incidents/{slug}/", "/incidents/{slug}/live.json", "/"])
def test_browsers_get_a_compressed_copy_with_its_own_etag(incident, public_client, path):
    """Compressed once per rendering: a 131 KB page of 200 entries travels as about 20 KB."""
    for n in range(5):  # over GZIP_MIN, below which nothing is compressed
        make_entry(incident, f"Update {n}: replication lag is falling on every replica.")
    url = path.format(slug=incident.slug)
    plain = public_client.get(url)
    packed = public_client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    again = public_client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304 and again["ETag"] == packed["ETag"]
    # The plain copy's tag does not validate the compressed one, nor the other way round.
    crossed = public_client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert crossed.status_code == 200


def test_page_and_live_json_show_status_changes(incident, public_client, responder):
    change_status(
        incident=incident, status="monitoring", message="A fix is deployed.", by=responder
    )
    state = json.loads(public_client.get(f"/incidents/{incident.slug}/live.json").content)
    assert state["status"] == "monitoring"
    assert state["entries"][0]["status_label"] == "Monitoring"
    assert (
        "A fix is deployed." in public_client.get(f"/incidents/{incident.slug}/").content.decode()
    )


def test_projection_orders_newest_first_and_marks_hypotheses(incident, responder):
    make_entry(incident, "First")
    make_entry(incident, "Maybe the cache", kind="hypothesis")
    state = public_incident(incident)
    assert state["entries"][0]["text"] == "Maybe the cache"
    assert state["entries"][0]["hypothesis_label"] == "Unconfirmed"


def test_markdown_is_sanitised(incident, public_client):
    make_entry(
        incident, "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    body = public_client.get(f"/incidents/{incident.slug}/").content.decode()
    assert "<script>alert" not in body
    assert 'href="javascript' not in body
    assert "<img" not in body


def test_unknown_incident_is_404(public_client, db):
    assert public_client.get("/incidents/nope/").status_code == 404
    assert public_client.get("/incidents/nope/live.json").status_code == 404


def test_public_pages_refuse_writes(incident, public_client):
    assert public_client.post(f"/incidents/{incident.slug}/live.json").status_code in (403, 405)


def test_long_incidents_are_paged_and_live_json_keeps_everything(incident, public_client, settings):
    from warroom.publicpage import views

    for n in range(5):
        make_entry(incident, f"update number {n}")
    original = views.PAGE_SIZE
    views.PAGE_SIZE = 2
    try:
        first = public_client.get(f"/incidents/{incident.slug}/").content.decode()
        assert "update number 4" in first and "update number 2" not in first
        assert 'href="?page=2"' in first and "data-live-url" in first
        second = public_client.get(f"/incidents/{incident.slug}/?page=2").content.decode()
        assert "update number 2" in second and "data-live-url" not in second
        assert public_client.get(f"/incidents/{incident.slug}/?page=9").status_code == 404
        assert public_client.get(f"/incidents/{incident.slug}/?page=x").status_code == 404
    finally:
        views.PAGE_SIZE = original
    live = public_client.get(f"/incidents/{incident.slug}/live.json").content.decode()
    assert all(f"update number {n}" in live for n in range(5))


def test_a_page_that_does_not_exist_leaves_no_build_lock_behind(client, db):
    from warroom.lib import publiccache

    for n in range(5):
        assert client.get(f"/incidents/no-such-incident-{n}/").status_code == 404
    assert publiccache._building == {}
