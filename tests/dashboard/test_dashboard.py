"""The responder dashboard: who may see it, and each form through its service."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from conftest import client_for
from django.test import Client
from django.urls import reverse

from warroom.flows.entries import edit_entry
from warroom.flows.status import change_status
from warroom.incidents.models import RoleAssignment, Status
from warroom.testing.factories import make_entry, make_incident
from warroom.timeline.models import Entry, HypothesisState, Kind

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def hypothesis(incident, responder):
    return make_entry(incident, "The disk on db2 is full", kind=Kind.HYPOTHESIS, author=responder)


def dashboard_urls(incident, entry) -> list[str]:
    slug = incident.slug
    return [
        reverse("dashboard:list"),
        reverse("dashboard:declare"),
        reverse("dashboard:incident", args=[slug]),
        reverse("dashboard:timeline", args=[slug]),
        reverse("dashboard:add_entry", args=[slug]),
        reverse("dashboard:hypothesis", args=[slug, entry.pk]),
        reverse("dashboard:status", args=[slug]),
        reverse("dashboard:roles", args=[slug]),
        reverse("dashboard:preview", args=[slug]),
    ]


def page(response) -> str:
    return response.content.decode()


# Who may see it


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login_everywhere(incident, hypothesis, method):
    client = client_for()
    for url in dashboard_urls(incident, hypothesis):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/dashboard/login/?next="), url


def test_anonymous_htmx_request_gets_401_not_the_login_page(incident):
    url = reverse("dashboard:add_entry", args=[incident.slug])
    response = client_for().post(url, {"body": "typed before the session ended"}, **HTMX)
    assert response.status_code == 401
    assert "<form" not in page(response)


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_is_refused_everywhere_and_writes_nothing(outsider, incident, hypothesis, method):
    client = client_for(outsider)
    entries = Entry.objects.count()
    data = {
        "body": "sneaky",
        "state": "confirmed",
        "status": "resolved",
        "message": "done",
        "role": "commander",
        "username": "mallory",
        "title": "x",
        "severity": "S1",
    }
    for url in dashboard_urls(incident, hypothesis):
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 403, url
        assert "Responders only" in page(response)
    assert Entry.objects.count() == entries


def test_login_form_signs_a_responder_in(responder):
    client = client_for()
    assert "Responder sign in" in page(client.get("/dashboard/login/"))
    response = client.post(
        "/dashboard/login/", {"username": "alice", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_logout_is_a_post(alice):
    assert alice.post("/dashboard/logout/").status_code == 302
    assert alice.get("/dashboard/").status_code == 302


def test_dashboard_pages_are_not_cached(alice, incident):
    response = alice.get(reverse("dashboard:incident", args=[incident.slug]))
    assert "no-store" in response["Cache-Control"]


# The list and declaring


def test_list_shows_open_incidents_before_resolved_ones(alice, responder):
    old = make_incident("Old CDN outage", by=responder)
    change_status(incident=old, status=Status.RESOLVED, message="Fixed.", by=responder)
    make_incident("Login page times out", by=responder, severity="S2")
    text = page(alice.get("/dashboard/"))
    assert text.index("Login page times out") < text.index("Recently resolved")
    assert text.index("Recently resolved") < text.index("Old CDN outage")
    assert "S2" in text and "Investigating" in text


def test_declare_redirects_to_the_new_incident(alice, responder):
    response = alice.post(
        "/dashboard/declare/",
        {
            "title": "Search is slow",
            "severity": "S2",
            "summary": "Searches take 30 s.",
            "commander": "alice",
            "communications": "",
        },
    )
    assert response.status_code == 302
    cockpit = alice.get(response["Location"])
    assert "Search is slow" in page(cockpit)
    assert "Incident declared" in page(cockpit)


def test_declare_with_an_unknown_commander_shows_the_error_and_keeps_the_input(alice, owner):
    before = Entry.objects.count()
    response = alice.post(
        "/dashboard/declare/", {"title": "Search is slow", "severity": "S2", "commander": "nobody"}
    )
    assert response.status_code == 422
    assert "no person &#x27;nobody&#x27; on the roster" in page(response)
    assert 'value="Search is slow"' in page(response)
    assert Entry.objects.count() == before


def test_declare_without_severity_is_refused(alice):
    response = alice.post("/dashboard/declare/", {"title": "Search is slow", "severity": ""})
    assert response.status_code == 422
    assert "unknown severity" in page(response)


# The cockpit


def test_cockpit_shows_the_whole_timeline_internal_entries_included(alice, incident, responder):
    make_entry(incident, "Paged the DBA on call", visibility="internal", author=responder)
    make_entry(incident, "Writes fail for some users", author=responder)
    text = page(alice.get(reverse("dashboard:incident", args=[incident.slug])))
    assert "Paged the DBA on call" in text
    assert "Writes fail for some users" in text
    assert 'class="badge-internal"' in text
    assert incident.war_room_url in text and "Join war room" in text
    assert f"/incidents/{incident.slug}/" in text
    assert "Alice Chen" in text  # the commander, on the role board


def test_an_edited_entry_shows_its_revision_and_the_old_text(alice, incident, responder):
    entry = make_entry(incident, "Lag is 40 s", author=responder)
    edit_entry(entry=entry, by=responder, body="Lag is 400 s")
    text = page(alice.get(reverse("dashboard:incident", args=[incident.slug])))
    assert "edited (rev 2)" in text
    assert "Lag is 40 s" in text and "Lag is 400 s" in text


def test_unknown_incident_is_404(alice):
    assert alice.get("/dashboard/incidents/no-such-thing/").status_code == 404


# Adding entries


def add_entry_url(incident) -> str:
    return reverse("dashboard:add_entry", args=[incident.slug])


def test_add_entry_by_plain_post_redirects_to_it(alice, incident, responder):
    response = alice.post(
        add_entry_url(incident),
        {
            "body": "Failed over to db3",
            "kind": "action",
            "internal": "on",
            "happened_at": "2020-01-02T03:04",
        },
    )
    entry = Entry.objects.get(body="Failed over to db3")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#entry-{entry.pk}")
    assert (entry.kind, entry.visibility, entry.author) == ("action", "internal", responder)
    assert entry.occurred_at == datetime(2020, 1, 2, 3, 4, tzinfo=UTC)


def test_add_entry_with_htmx_returns_the_timeline_with_the_new_entry(alice, incident):
    response = alice.post(add_entry_url(incident), {"body": "Error rate is **12 %**"}, **HTMX)
    assert response.status_code == 200
    text = page(response)
    assert '<section id="timeline"' in text
    assert "<strong>12 %</strong>" in text
    assert "<html" not in text  # the partial, not the page
    assert 'hx-swap-oob="true"' in text  # a fresh, empty entry form
    assert Entry.objects.filter(body="Error rate is **12 %**", visibility="public").exists()


def test_an_empty_entry_is_refused_with_the_message_and_nothing_is_written(alice, incident):
    before = Entry.objects.count()
    response = alice.post(
        add_entry_url(incident),
        {"body": "   ", "kind": "finding", "happened_at": "2020-01-02T03:04"},
    )
    assert response.status_code == 422
    text = page(response)
    assert "the entry text is empty" in text
    assert '<option value="finding" selected' in text
    assert 'value="2020-01-02T03:04"' in text
    assert Entry.objects.count() == before


def test_an_empty_entry_with_htmx_puts_the_error_in_the_form(alice, incident):
    before = Entry.objects.count()
    response = alice.post(add_entry_url(incident), {"body": ""}, **HTMX)
    assert response.status_code == 422
    form = page(response).split('id="entry-form"', 1)[1]
    assert "the entry text is empty" in form
    assert Entry.objects.count() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "x", "happened_at": "yesterday"}, "is not a time"),
        ({"body": "x", "happened_at": "2999-01-01T00:00"}, "is in the future"),
        ({"body": "x", "kind": "status"}, "unknown kind"),
    ],
)
def test_bad_entry_fields_are_refused(alice, incident, data, message):
    before = Entry.objects.count()
    response = alice.post(add_entry_url(incident), data)
    assert response.status_code == 422
    assert message in page(response)
    assert Entry.objects.count() == before


def test_the_timeline_poll_answers_204_until_something_changes(alice, incident, responder):
    url = reverse("dashboard:timeline", args=[incident.slug])
    first = alice.get(url, **HTMX)
    version = re.search(r"\?v=([\d.]+)", page(first)).group(1)
    assert alice.get(url, {"v": version}, **HTMX).status_code == 204
    make_entry(incident, "Bob restarted the replica", author=responder)
    changed = alice.get(url, {"v": version}, **HTMX)
    assert changed.status_code == 200
    assert "Bob restarted the replica" in page(changed)


# Hypotheses


def hypothesis_url(incident, entry) -> str:
    return reverse("dashboard:hypothesis", args=[incident.slug, entry.pk])


def test_confirm_a_hypothesis_with_htmx(alice, incident, hypothesis):
    response = alice.post(hypothesis_url(incident, hypothesis), {"state": "confirmed"}, **HTMX)
    assert response.status_code == 200
    assert "hyp-confirmed" in page(response)
    hypothesis.refresh_from_db()
    assert hypothesis.hypothesis_state == HypothesisState.CONFIRMED


def test_refute_a_hypothesis_by_plain_post(alice, incident, hypothesis):
    response = alice.post(hypothesis_url(incident, hypothesis), {"state": "refuted"})
    assert response.status_code == 302
    hypothesis.refresh_from_db()
    assert hypothesis.hypothesis_state == HypothesisState.REFUTED


def test_only_hypotheses_can_be_confirmed(alice, incident, responder):
    entry = make_entry(incident, "Just a fact", author=responder)
    response = alice.post(hypothesis_url(incident, entry), {"state": "confirmed"}, **HTMX)
    assert response.status_code == 422
    assert "not a hypothesis" in page(response)


def test_an_entry_of_another_incident_is_404(alice, incident, responder):
    other = make_incident("Another one", by=responder)
    entry = make_entry(other, "Elsewhere", kind=Kind.HYPOTHESIS, author=responder)
    assert alice.post(hypothesis_url(incident, entry), {"state": "confirmed"}).status_code == 404


# Status and roles


def test_status_change_writes_a_status_entry(alice, incident):
    url = reverse("dashboard:status", args=[incident.slug])
    response = alice.post(url, {"status": "identified", "message": "We found the cause."})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.IDENTIFIED
    entry = incident.entries.filter(kind=Kind.STATUS).first()
    assert entry.body == "We found the cause." and entry.data["status"] == "identified"


def test_unknown_status_is_refused_and_keeps_the_message(alice, incident):
    before = Entry.objects.count()
    url = reverse("dashboard:status", args=[incident.slug])
    response = alice.post(url, {"status": "exploded", "message": "Everything is on fire."})
    assert response.status_code == 422
    assert "unknown status &#x27;exploded&#x27;" in page(response)
    assert "Everything is on fire." in page(response)
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING
    assert Entry.objects.count() == before


def test_status_change_needs_a_message(alice, incident):
    url = reverse("dashboard:status", args=[incident.slug])
    response = alice.post(url, {"status": "resolved", "message": " "})
    assert response.status_code == 422
    assert "needs a public message" in page(response)


def test_assign_a_role(alice, incident, owner):
    url = reverse("dashboard:roles", args=[incident.slug])
    response = alice.post(url, {"role": "communications", "username": "@owner"})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        incident=incident, role="communications", person__username="owner", ended_at=None
    ).exists()


def test_unknown_username_for_a_role_is_refused(alice, incident):
    before = (RoleAssignment.objects.count(), Entry.objects.count())
    url = reverse("dashboard:roles", args=[incident.slug])
    response = alice.post(url, {"role": "scribe", "username": "ghost"})
    assert response.status_code == 422
    assert "no person &#x27;ghost&#x27; on the roster" in page(response)
    assert 'value="ghost"' in page(response)
    assert (RoleAssignment.objects.count(), Entry.objects.count()) == before


# The public preview


def test_public_preview_shows_public_entries_only(alice, incident, responder):
    make_entry(incident, "Customers see 502s", author=responder)
    make_entry(incident, "Carol's deploy did it", visibility="internal", author=responder)
    url = reverse("dashboard:preview", args=[incident.slug])
    partial = page(alice.get(url, **HTMX))
    assert "Customers see 502s" in partial
    assert "Carol" not in partial and "War room" not in partial
    assert "<html" not in partial
    full = page(alice.get(url))
    assert "<html" in full and "Customers see 502s" in full and "Carol" not in full


# CSRF


def test_posts_without_a_csrf_token_are_refused(responder, incident):
    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    client.force_login(responder)
    before = Entry.objects.count()
    assert client.post(add_entry_url(incident), {"body": "forged"}, **HTMX).status_code == 403
    assert Entry.objects.count() == before
    # The token the page carries for HTMX (hx-headers) is accepted.
    cockpit = page(client.get(reverse("dashboard:incident", args=[incident.slug])))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', cockpit).group(1)
    response = client.post(
        add_entry_url(incident), {"body": "real"}, HTTP_X_CSRFTOKEN=token, **HTMX
    )
    assert response.status_code == 200
    assert Entry.objects.filter(body="real").exists()


def test_redaction_panel_shows_standins_and_takes_corrections(db):
    from django.test import Client

    from warroom.accounts.services import import_roster
    from warroom.testing.factories import make_entry, make_incident, make_user

    import_roster([{"name": "Marta Jansen", "username": "mjansen"}])
    user = make_user("resp1")
    incident = make_incident(by=user)
    make_entry(incident, "Marta restarted db1; Zorblax helped", author=user)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    page = client.get(f"/dashboard/incidents/{incident.slug}/").content.decode()
    assert "Engineer 1" in page and "Marta Jansen (mjansen)" in page
    response = client.post(
        f"/dashboard/incidents/{incident.slug}/redaction/", {"text": "Zorblax", "kind": "name"}
    )
    assert response.status_code == 302
    assert "Zorblax" not in client.get(f"/incidents/{incident.slug}/live.json").content.decode()
    bad = client.post(
        f"/dashboard/incidents/{incident.slug}/redaction/", {"text": " ", "kind": "name"}
    )
    assert bad.status_code == 422 and "empty" in bad.content.decode()
    correction = incident.corrections.get()
    client.post(f"/dashboard/incidents/{incident.slug}/redaction/{correction.pk}/remove/")
    assert not incident.corrections.exists()


def test_outsider_cannot_correct_redaction(db):
    from django.test import Client

    from warroom.testing.factories import make_incident, make_user

    incident = make_incident()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(make_user("nobody", responder=False))
    response = client.post(
        f"/dashboard/incidents/{incident.slug}/redaction/", {"text": "x", "kind": "name"}
    )
    assert response.status_code == 403
    assert not incident.corrections.exists()
