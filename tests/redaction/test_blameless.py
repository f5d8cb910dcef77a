"""Redaction wired into the public side: stand-ins stored per incident, corrections, the roster."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom.accounts.models import Person
from warroom.accounts.services import import_roster
from warroom.lib.errors import Invalid
from warroom.redaction.models import Pseudonym
from warroom.testing.factories import make_entry, make_incident

pytestmark = pytest.mark.django_db

ROSTER = [
    {"name": "Marta Jansen", "username": "mjansen", "email": "marta.jansen@example.com", "aliases": ["MJ"], "team": "sre"},
    {"name": "Priya Nair", "username": "pnair", "email": "priya.n@example.com", "aliases": [], "team": "support"},
    {"name": "Bruno Martins", "username": "bmartins", "email": "bruno@example.com", "aliases": ["Bru"], "team": "ci"},
]


@pytest.fixture
def roster(db):
    import_roster(ROSTER)


@pytest.fixture
def incident_with_names(roster, responder):
    incident = make_incident(by=responder, commander="mjansen")
    make_entry(incident, "Marta restarted db1; @bmartins thinks the cron job deleted the wrong dir")
    make_entry(incident, "per priya.n@example.com self-managed is fine", kind="finding")
    make_entry(incident, "Bruno's query held the lock; call vendor on +44 20 7946 0958", kind="hypothesis")
    make_entry(incident, "talked to Hendrik de Vries from ACME, their runners see 502s too")
    return incident


PUBLIC_PATHS = ["/incidents/{slug}/", "/incidents/{slug}/live.json", "/"]
LEAKS = ["Marta", "Jansen", "bmartins", "Bruno", "priya.n@example.com", "7946", "Hendrik", "Vries"]


def test_no_name_reaches_any_public_output(incident_with_names, public_client):
    for path in PUBLIC_PATHS:
        body = public_client.get(path.format(slug=incident_with_names.slug)).content.decode()
        for leak in LEAKS:
            assert leak not in body, (path, leak)


def test_standins_are_consistent_and_stored(incident_with_names, public_client):
    live = json.loads(public_client.get(f"/incidents/{incident_with_names.slug}/live.json").content)
    texts = " ".join(e["text"] for e in live["entries"])
    assert "The incident commander restarted db1" in texts
    assert "Engineer 1 thinks the cron job" in texts
    assert "Engineer 1's query held the lock" in texts  # @bmartins and Bruno are one person
    assert "per Engineer 2 self-managed is fine" in texts
    assert "[phone]" in texts
    assert "talked to Contact 1 from ACME" in texts
    stored = dict(Pseudonym.objects.filter(incident=incident_with_names).values_list("key", "standin"))
    assert stored["person:bmartins"] == "Engineer 1"
    assert stored["person:mjansen"] == "the incident commander"


def test_technical_content_survives(roster, responder, public_client):
    incident = make_incident(by=responder)
    text = "Jenkins and Sidekiq on db1.prod.example.com (10.2.3.4): `git log --author=mjansen` https://grafana.example.com/d/x"
    make_entry(incident, text)
    live = json.loads(public_client.get(f"/incidents/{incident.slug}/live.json").content)
    assert live["entries"][0]["text"] == text


def test_the_internal_view_keeps_the_names(incident_with_names, api):
    timeline = api.call("get", f"/incidents/{incident_with_names.slug}/timeline").json()
    assert any("Marta restarted db1" in e["body"] for e in timeline)


def test_corrections_are_remembered_for_the_incident(incident_with_names, api, public_client):
    slug = incident_with_names.slug
    make_entry(incident_with_names, "Hunter dashboards are green; zorblax restarted the pool")
    response = api.call("post", f"/incidents/{slug}/redaction/corrections", {"text": "Hunter", "kind": "not_a_name"})
    assert response.status_code == 201
    api.call("post", f"/incidents/{slug}/redaction/corrections", {"text": "zorblax", "kind": "name"})
    live = public_client.get(f"/incidents/{slug}/live.json").content.decode()
    assert "Hunter dashboards are green" in live
    assert "zorblax" not in live
    state = api.call("get", f"/incidents/{slug}/redaction").json()
    assert {c["text"] for c in state["corrections"]} == {"Hunter", "zorblax"}
    assert any(p["person"] == "Marta Jansen (mjansen)" for p in state["pseudonyms"])
    correction = next(c for c in state["corrections"] if c["text"] == "zorblax")
    assert api.call("delete", f"/incidents/{slug}/redaction/corrections/{correction['id']}").status_code == 204
    assert "zorblax" in public_client.get(f"/incidents/{slug}/live.json").content.decode()


def test_bad_corrections_are_refused(incident_with_names, api):
    path = f"/incidents/{incident_with_names.slug}/redaction/corrections"
    assert api.call("post", path, {"text": "  ", "kind": "name"}).status_code == 422
    assert api.call("post", path, {"text": "x", "kind": "maybe"}).status_code == 422


def test_redaction_routes_are_private(incident_with_names, outsider_api, anonymous_api):
    path = f"/incidents/{incident_with_names.slug}/redaction"
    assert outsider_api.call("get", path).status_code == 403
    assert anonymous_api.call("get", path).status_code == 401


def test_roster_import_updates_by_username(roster):
    created, updated = import_roster([{**ROSTER[0], "name": "Marta J. Jansen", "aliases": ["MJ", "Mar"]}])
    assert (created, updated) == (0, 1)
    person = Person.objects.get(username="mjansen")
    assert (person.display_name, person.aliases) == ("Marta J. Jansen", ["MJ", "Mar"])


@pytest.mark.parametrize(
    "rows, message",
    [
        ({"name": "x"}, "JSON list"),
        ([{"name": "No Username"}], "needs a name and a username"),
        ([{"name": "A", "username": "bad name!"}], "may only hold"),
        ([{"name": "A", "username": "a", "email": "not-an-email"}], "not an e-mail"),
        ([{"name": "A", "username": "a", "aliases": "Al"}], "list of strings"),
    ],
)
def test_bad_roster_files_are_refused_whole(rows, message, db):
    with pytest.raises(Invalid, match=message):
        import_roster(rows if isinstance(rows, list) else rows)
    assert not Person.objects.filter(username="a").exists()


forms = st.sampled_from(["Marta", "marta jansen", "Jansen", "mjansen", "@mjansen", "marta.jansen@example.com",
                         "MJ", "Priya Nair", "pnair", "priya.n@example.com", "Bruno Martins", "Martins", "Bru"])
fillers = st.sampled_from(["restarted db1", "paged the DBA", "thinks it is the cache", "confirmed", "and"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(forms, fillers), min_size=1, max_size=5))
def test_generated_entries_never_leak_a_roster_identifier(roster, responder, public_client, parts):
    incident = make_incident(by=responder)
    make_entry(incident, " ".join(f"{who} {what}." for who, what in parts))
    live = public_client.get(f"/incidents/{incident.slug}/live.json").content.decode().lower()
    page = public_client.get(f"/incidents/{incident.slug}/").content.decode().lower()
    for who, _ in parts:
        for output in (live, page):
            assert who.lower().lstrip("@") not in output.replace(incident.slug, "")
