"""Timeline entries: kinds, times, revisions that never destroy the old text, hypotheses."""

from datetime import UTC, datetime, timedelta

import pytest

from warroom.timeline.models import Entry, EntryRevision

pytestmark = pytest.mark.django_db


def add(api, incident, **body):
    body.setdefault("body", "Replication lag is 40 s on db2")
    return api.call("post", f"/incidents/{incident.slug}/timeline", body)


def test_entry_records_author_kind_and_both_times(api, incident):
    at = (datetime.now(UTC) - timedelta(minutes=12)).replace(microsecond=0)
    response = add(api, incident, kind="finding", occurred_at=at.isoformat())
    assert response.status_code == 201
    data = response.json()
    assert (data["kind"], data["visibility"], data["author"]) == ("finding", "public", "alice")
    entry = Entry.objects.get(pk=data["id"])
    assert entry.occurred_at == at
    assert entry.recorded_at > at


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"body": "  "}, "empty"),
        ({"kind": "status"}, "kind"),
        ({"occurred_at": "2099-01-01T00:00:00Z"}, "future"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"body": "x" * 20_001}, "limit"),
    ],
)
def test_bad_entries_are_refused_with_a_reason(api, incident, body, fragment):
    before = Entry.objects.count()
    response = add(api, incident, **body)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]
    assert Entry.objects.count() == before


def test_edit_adds_a_revision_and_keeps_the_old_text(api, incident):
    entry_id = add(api, incident, body="Alice restarted db1").json()["id"]
    path = f"/incidents/{incident.slug}/timeline/{entry_id}"
    response = api.call("patch", path, {"body": "db1 was restarted", "visibility": "internal"})
    assert response.status_code == 200
    assert response.json()["revision"] == 2
    revisions = api.call("get", f"{path}/revisions").json()
    assert [(r["number"], r["body"], r["visibility"]) for r in revisions] == [
        (1, "Alice restarted db1", "public"),
        (2, "db1 was restarted", "internal"),
    ]


def test_hypothesis_opens_then_is_confirmed_with_a_note(api, incident):
    entry_id = add(
        api, incident, kind="hypothesis", body="A cron job deletes the wrong dir"
    ).json()["id"]
    assert Entry.objects.get(pk=entry_id).hypothesis_state == "open"
    response = api.call(
        "post",
        f"/incidents/{incident.slug}/timeline/{entry_id}/hypothesis",
        {"state": "confirmed", "note": "The cron log shows it."},
    )
    assert response.json()["hypothesis_state"] == "confirmed"
    note = Entry.objects.get(data__about_entry=entry_id)
    assert (note.kind, note.body) == ("finding", "The cron log shows it.")
    assert EntryRevision.objects.filter(entry_id=entry_id).count() == 2


def test_only_hypotheses_can_be_confirmed(api, incident):
    entry_id = add(api, incident, kind="event").json()["id"]
    response = api.call(
        "post", f"/incidents/{incident.slug}/timeline/{entry_id}/hypothesis", {"state": "refuted"}
    )
    assert response.status_code == 422
    assert "not a hypothesis" in response.json()["detail"]


def test_an_entry_of_another_incident_is_not_found(api, incident):
    other = api.call("post", "/incidents", {"title": "Other", "severity": "S3"}).json()["slug"]
    entry_id = add(api, incident).json()["id"]
    response = api.call("patch", f"/incidents/{other}/timeline/{entry_id}", {"body": "x"})
    assert response.status_code == 404


def test_timeline_lists_internal_entries_to_responders(api, incident):
    add(api, incident, body="Customer ACME is affected", visibility="internal")
    bodies = [e["body"] for e in api.call("get", f"/incidents/{incident.slug}/timeline").json()]
    assert "Customer ACME is affected" in bodies
