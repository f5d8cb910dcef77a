"""The REST API for incidents, status and roles, with the standing cast."""

import pytest

from warroom.accounts.services import revoke_token
from warroom.incidents.models import Incident, RoleAssignment
from warroom.testing.factories import make_token
from warroom.timeline.models import Entry

pytestmark = pytest.mark.django_db


def declare(api, **body):
    body.setdefault("title", "Database replication lag on primary")
    body.setdefault("severity", "S1")
    return api.call("post", "/incidents", body)


def test_declare_returns_slug_public_and_war_room_urls(api):
    response = declare(api, summary="Writes are slow.", commander="alice")
    assert response.status_code == 201
    data = response.json()
    assert data["slug"].endswith("-database-replication-lag-on-primary")
    assert data["public_url"].endswith(f"/incidents/{data['slug']}/")
    assert data["war_room_url"].startswith("https://meet.jit.si/warroom-")
    assert (data["status"], data["severity"]) == ("investigating", "S1")
    assert [r["username"] for r in data["roles"]] == ["alice"]


def test_war_room_names_are_unguessable_and_distinct(api):
    first = declare(api).json()["war_room_url"]
    second = declare(api).json()["war_room_url"]
    assert first != second
    assert "replication" not in first  # nothing of the title leaks into the room name


def test_same_title_twice_gets_distinct_slugs(api):
    assert declare(api).json()["slug"] != declare(api).json()["slug"]


def test_lowercase_severity_is_accepted(api):
    assert declare(api, severity="s2").json()["severity"] == "S2"


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"severity": "S9"}, "severity"),
        ({"title": "   "}, "title is empty"),
        ({"commander": "nobody"}, "no person 'nobody'"),
    ],
)
def test_bad_declare_says_why_and_writes_nothing(api, body, fragment):
    response = declare(api, **body)
    assert response.status_code in (404, 422)
    assert fragment in response.json()["detail"]
    assert Incident.objects.count() == 0
    assert Entry.objects.count() == 0


def test_malformed_json_body_is_a_clear_422(api):
    response = api.post(
        "/api/v1/incidents",
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_status_change_writes_a_public_status_entry(api, incident):
    response = api.call(
        "post",
        f"/incidents/{incident.slug}/status",
        {"status": "identified", "message": "A maintenance job blocks replication."},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "identified"
    entry = incident.entries.filter(kind="status").first()
    assert entry.body == "A maintenance job blocks replication."
    assert entry.visibility == "public"
    assert entry.data == {"status": "identified"}


def test_resolving_sets_resolved_at_and_reopening_clears_it(api, incident):
    api.call(
        "post", f"/incidents/{incident.slug}/status", {"status": "resolved", "message": "Fixed."}
    )
    incident.refresh_from_db()
    assert incident.resolved_at is not None
    api.call(
        "post",
        f"/incidents/{incident.slug}/status",
        {"status": "investigating", "message": "Back."},
    )
    incident.refresh_from_db()
    assert incident.resolved_at is None


@pytest.mark.parametrize(
    "body", [{"status": "fixed", "message": "x"}, {"status": "identified", "message": " "}]
)
def test_bad_status_change_is_refused(api, incident, body):
    response = api.call("post", f"/incidents/{incident.slug}/status", body)
    assert response.status_code == 422
    incident.refresh_from_db()
    assert incident.status == "investigating"


def test_role_handover_keeps_the_history(api, incident, owner):
    response = api.call("put", f"/incidents/{incident.slug}/roles/commander", {"username": "owner"})
    assert response.status_code == 200
    assert response.json()["username"] == "owner"
    rows = RoleAssignment.objects.filter(incident=incident, role="commander").order_by("id")
    assert [(r.person.username, r.ended_at is None) for r in rows] == [
        ("alice", False),
        ("owner", True),
    ]
    assert incident.entries.filter(visibility="internal", data__role="commander").count() == 2


def test_several_responders_may_hold_the_responder_role(api, incident, owner):
    for username in ("alice", "owner", "alice"):
        api.call("put", f"/incidents/{incident.slug}/roles/responder", {"username": username})
    current = api.call("get", f"/incidents/{incident.slug}/roles").json()
    assert sorted(r["username"] for r in current if r["role"] == "responder") == ["alice", "owner"]


def test_unknown_role_and_unknown_slug_are_errors(api, incident):
    assert (
        api.call("put", f"/incidents/{incident.slug}/roles/chef", {"username": "alice"}).status_code
        == 422
    )
    response = api.call("get", "/incidents/no-such-incident")
    assert response.status_code == 404
    assert "no incident 'no-such-incident'" in response.json()["detail"]


def test_list_open_only(api, incident):
    other = declare(api, title="Old outage").json()["slug"]
    api.call("post", f"/incidents/{other}/status", {"status": "resolved", "message": "Done."})
    assert [i["slug"] for i in api.call("get", "/incidents?open=true").json()] == [incident.slug]
    assert len(api.call("get", "/incidents").json()) == 2


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/incidents"),
        ("post", "/incidents"),
        ("get", "/me"),
        ("get", "/incidents/x/timeline"),
    ],
)
def test_outsider_is_forbidden_and_anonymous_unauthorized(
    outsider_api, anonymous_api, method, path
):
    assert outsider_api.call(method, path, {}).status_code == 403
    response = anonymous_api.call(method, path, {})
    assert response.status_code == 401
    assert "token" in response.json()["detail"]


def test_revoked_token_no_longer_works(api):
    assert api.call("get", "/me").status_code == 200
    revoke_token(prefix=api.token[:10])
    assert api.call("get", "/me").status_code == 401


def test_tokens_are_stored_hashed(responder):
    raw = make_token(responder)
    stored = responder.tokens.get(prefix=raw[:10])
    assert raw not in (stored.digest, stored.prefix, stored.name)


def test_openapi_document_is_served(public_client):
    response = public_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/incidents" in response.json()["paths"]


def test_subscribers_api_is_for_responders_only(outsider_api, anonymous_api):
    assert outsider_api.call("get", "/subscribers").status_code == 403
    assert anonymous_api.call("post", "/subscribers", {"address": "x@example.com"}).status_code == 401
