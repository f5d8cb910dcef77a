"""Community reports (G15): the public "What are you seeing?" form (never cached, CSRF,
rate-limited, size limits), reports kept internal until a responder promotes them, the cockpit's
moderation panel, and the REST endpoints."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from conftest import client_for
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from warroom.accounts.services import import_roster
from warroom.flows.status import change_status
from warroom.reports import services
from warroom.testing.factories import make_incident
from warroom.timeline.models import Entry

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT = "Uploads hang at 99% from Lisbon"
CONTACT = "ann@example.com"


def report_url(incident) -> str:
    return f"/incidents/{incident.slug}/report"


def send(
    client: Client, incident, text: str = TEXT, region: str = "Europe", contact: str = CONTACT
):
    data = {"text": text, "region": region, "contact": contact}
    return client.post(report_url(incident), data)


def cockpit(client, incident) -> str:
    return client.get(reverse("dashboard:incident", args=[incident.slug])).content.decode()


def url(name: str, incident, *args) -> str:
    return reverse(f"dashboard:{name}", args=[incident.slug, *args])


def public_texts(client: Client, incident) -> str:
    """Everything the public can read about the incident: pages, JSON and feeds."""
    page = incident.public_path
    paths = (
        page,
        f"{page}live.json",
        f"{page}feed.atom",
        "/",
        "/feed.rss",
        "/api/v2/incidents.json",
    )
    responses = [client.get(path) for path in paths]
    assert [r.status_code for r in responses] == [200] * len(paths)
    return " ".join(r.content.decode() for r in responses)


def a_report(incident, text: str = TEXT, **fields) -> Entry:
    fields = {"region": "Europe", "contact": CONTACT, **fields}
    return services.submit(incident=incident, text=text, **fields)


def next_hour() -> datetime:
    """Ten seconds into the next hour: both rate-limit windows have just started."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now + timedelta(hours=1, seconds=10)


# The public form


def test_the_public_page_links_to_the_report_form_while_the_incident_is_open(
    incident, public_client, responder
):
    absolute = settings.PUBLIC_URL + report_url(incident)  # the static copy links to the server
    assertContains(public_client.get(incident.public_path), f'href="{absolute}"')
    change_status(incident=incident, status="resolved", message="Fixed.", by=responder)
    assertNotContains(public_client.get(incident.public_path), report_url(incident))


def test_the_form_page_carries_a_csrf_token_and_is_never_cached(incident, public_client):
    response = public_client.get(report_url(incident))
    assertContains(response, "csrfmiddlewaretoken")
    assertContains(response, 'name="text"')
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_the_form_refuses_a_post_without_the_csrf_token(incident):
    strict = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    assert send(strict, incident).status_code == 403
    token = strict.get(report_url(incident)).cookies["csrftoken"].value
    data = {"text": TEXT, "csrfmiddlewaretoken": token}
    assertContains(strict.post(report_url(incident), data), "Thank you")


def test_a_report_is_stored_as_an_internal_entry_with_region_and_contact(incident, public_client):
    response = send(
        public_client, incident, text="  Uploads hang\r\nat 99%  ", region=" North  America "
    )
    assertContains(response, "Thank you")
    entry = Entry.objects.get(incident=incident, kind="report")
    assert (entry.visibility, entry.author) == ("internal", None)
    assert entry.body == "Uploads hang\nat 99%"
    assert entry.data == {"region": "North America", "contact": CONTACT}


def test_a_report_reaches_no_public_page_or_json(incident, public_client):
    send(public_client, incident)
    public = public_texts(public_client, incident)
    assert incident.title in public  # the pages did render
    assert "Lisbon" not in public and CONTACT not in public
    assert json.loads(public_client.get(f"{incident.public_path}live.json").content)["entries"]


@pytest.mark.parametrize(
    ("field", "size", "words"),
    [
        ("text", 2_001, "The description is 2001 characters long; it may have at most 2000."),
        ("region", 101, "The region is 101 characters long; it may have at most 100."),
        ("contact", 201, "The contact is 201 characters long; it may have at most 200."),
    ],
)
def test_an_oversize_field_is_refused_with_422_keeping_what_was_typed(
    incident, public_client, field, size, words
):
    data = {"text": TEXT, "region": "Europe", "contact": CONTACT, field: "y" * size}
    response = public_client.post(report_url(incident), data)
    assertContains(response, words, status_code=422)
    for value in data.values():
        assertContains(response, value, status_code=422)
    assertContains(response, 'aria-invalid="true"', status_code=422)
    assert not Entry.objects.filter(kind="report").exists()


def test_an_empty_report_is_refused(incident, public_client):
    response = send(public_client, incident, text="   ")
    assertContains(response, "the description is empty", status_code=422)
    assert not Entry.objects.filter(kind="report").exists()


def test_reports_are_rate_limited_per_client_across_incidents(incident, public_client, responder):
    other = make_incident("Slow search", by=responder)
    with time_machine.travel(next_hour(), tick=False):
        sent = [send(public_client, i).status_code for i in (incident, incident, other)]
        refused = send(public_client, other)
        elsewhere = send(Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="203.0.113.9"), other)
    assert sent == [200, 200, 200]
    assertContains(refused, "Too many reports", status_code=429)
    assert refused["Retry-After"] == "50"
    assert elsewhere.status_code == 200
    assert Entry.objects.filter(kind="report").count() == 4


def test_the_hourly_limit_holds_when_the_minute_limit_would_allow(incident, public_client):
    start = next_hour()
    statuses = []
    for minute in range(7):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            statuses += [send(public_client, incident).status_code for _ in range(3)]
    assert statuses == [200] * 20 + [429]
    assert Entry.objects.filter(kind="report").count() == 20


def test_a_resolved_incident_takes_no_reports(incident, public_client, responder):
    change_status(incident=incident, status="resolved", message="Fixed.", by=responder)
    page = public_client.get(report_url(incident))
    assertContains(page, "This incident no longer takes reports")
    assertNotContains(page, 'name="text"')
    assertContains(send(public_client, incident), "nothing was sent", status_code=409)
    assert not Entry.objects.filter(kind="report").exists()


def test_an_unknown_incident_has_no_report_form(public_client, db):
    assert public_client.get("/incidents/nope/report").status_code == 404


# The cockpit's moderation panel


def test_the_panel_lists_pending_reports_newest_first_with_region_and_contact(alice, incident):
    a_report(incident, "First: logins fail", region="Asia", contact="@kenji")
    a_report(incident, "Second: avatars missing", region="", contact="")
    panel = cockpit(alice, incident).split('id="reports"', 1)[1].split("</section>", 1)[0]
    assert panel.index("Second: avatars missing") < panel.index("First: logins fail")
    assert "Asia" in panel and "@kenji" in panel
    assert '<span class="count">2</span>' in panel


def test_markup_in_a_report_is_escaped_in_the_dashboard(alice, incident, public_client):
    send(
        public_client, incident, text='<script>alert("x")</script> <b>bold</b>', region="<i>EU</i>"
    )
    page = cockpit(alice, incident)
    assert "<script>alert" not in page and "<b>bold</b>" not in page and "<i>EU</i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;i&gt;EU&lt;/i&gt;" in page


def test_promote_publishes_the_report_redacted_and_without_the_contact(
    alice, incident, public_client, responder
):
    import_roster([{"name": "Marta Jansen", "username": "mjansen", "team": "sre"}])
    report = a_report(incident, "Marta Jansen's cache is down")
    response = alice.post(url("promote_report", incident, report.pk))
    assert response.status_code == 302 and response["Location"].endswith("#reports")

    public = Entry.objects.get(incident=incident, visibility="public", kind="report")
    assert public.body == "A user in Europe reports: Marta Jansen's cache is down"
    assert public.data == {"promoted_from": report.pk} and public.author == responder
    live = json.loads(public_client.get(f"{incident.public_path}live.json").content)
    assert live["entries"][0]["text"] == "A user in Europe reports: Engineer 1's cache is down"
    assert live["entries"][0]["kind_label"] == "Community report"
    everything = public_texts(public_client, incident)
    assert "Engineer 1's cache is down" in everything
    assert "Marta" not in everything and "Jansen" not in everything and CONTACT not in everything

    report.refresh_from_db()
    assert report.data["moderation"]["state"] == "promoted"
    assert report.data["moderation"]["entry"] == public.pk
    note = Entry.objects.get(incident=incident, kind="event", data__report=report.pk)
    assert (note.visibility, note.author) == ("internal", responder)
    assertNotContains(alice.get(url("reports", incident), **HTMX), "Marta Jansen's cache")


def test_promote_with_htmx_answers_with_the_panel_and_refuses_a_second_time(alice, incident):
    report = a_report(incident)
    first = alice.post(url("promote_report", incident, report.pk), **HTMX)
    assertContains(first, 'id="reports"')
    assertContains(first, "No reports waiting")
    again = alice.post(url("promote_report", incident, report.pk), **HTMX)
    assertContains(again, f"community report {report.pk} is already promoted", status_code=422)
    assert Entry.objects.filter(incident=incident, visibility="public", kind="report").count() == 1


def test_a_report_without_a_region_is_promoted_without_one(alice, incident):
    report = a_report(incident, region="")
    alice.post(url("promote_report", incident, report.pk))
    public = Entry.objects.get(incident=incident, visibility="public", kind="report")
    assert public.body == f"A user reports: {TEXT}"


def test_dismiss_takes_the_report_out_of_the_inbox_and_publishes_nothing(
    alice, incident, public_client
):
    report = a_report(incident)
    response = alice.post(url("dismiss_report", incident, report.pk))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.data["moderation"]["state"] == "dismissed"
    assert report.data["moderation"]["by"] == "alice"
    assert not services.pending(incident).exists()
    assert "Lisbon" not in public_texts(public_client, incident)
    again = alice.post(url("dismiss_report", incident, report.pk))
    assertContains(again, "is already dismissed", status_code=422)


def test_the_panel_poll_answers_204_until_a_report_arrives(alice, incident):
    a_report(incident)
    first = alice.get(url("reports", incident), **HTMX)
    fingerprint = first.content.decode().split("?v=", 1)[1].split('"', 1)[0]
    assert alice.get(url("reports", incident), {"v": fingerprint}, **HTMX).status_code == 204
    a_report(incident, "Search is slow too")
    changed = alice.get(url("reports", incident), {"v": fingerprint}, **HTMX)
    assertContains(changed, "Search is slow too")


def test_a_report_of_another_incident_is_404(alice, incident, responder):
    other = make_incident("Slow search", by=responder)
    report = a_report(other)
    assert alice.post(url("promote_report", incident, report.pk)).status_code == 404
    assert services.state_of(Entry.objects.get(pk=report.pk)) == "pending"


def test_outsiders_cannot_moderate_reports(outsider, incident):
    report = a_report(incident)
    mallory, anonymous = client_for(outsider), client_for()
    for name in ("promote_report", "dismiss_report"):
        assert mallory.post(url(name, incident, report.pk)).status_code == 403
        assert anonymous.post(url(name, incident, report.pk)).status_code == 302
    assert mallory.get(url("reports", incident), **HTMX).status_code == 403
    assertNotContains(mallory.get(url("incident", incident)), CONTACT, status_code=403)
    report.refresh_from_db()
    assert services.state_of(report) == "pending"
    assert not Entry.objects.filter(visibility="public", kind="report").exists()


# The REST API


def test_api_lists_reports_with_their_contact_and_state(api, incident):
    old = a_report(incident, "Logins fail")
    a_report(incident, "Search is slow", region="", contact="")
    services.dismiss(report=old, by=None)
    response = api.call("get", f"/incidents/{incident.slug}/reports")
    assert response.status_code == 200
    rows = response.json()
    assert [(r["text"], r["state"]) for r in rows] == [
        ("Search is slow", "pending"),
        ("Logins fail", "dismissed"),
    ]
    assert (rows[1]["region"], rows[1]["contact"]) == ("Europe", CONTACT)


def test_api_promotes_a_report_once(api, incident, public_client):
    report = a_report(incident)
    response = api.call("post", f"/reports/{report.pk}/promote")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "promoted"
    public = Entry.objects.get(pk=body["public_entry"])
    assert (public.visibility, public.body) == ("public", f"A user in Europe reports: {TEXT}")
    assert TEXT in public_client.get(f"{incident.public_path}live.json").content.decode()
    again = api.call("post", f"/reports/{report.pk}/promote")
    assert again.status_code == 409 and "already promoted" in again.json()["detail"]


def test_api_dismisses_a_report(api, incident):
    report = a_report(incident)
    response = api.call("post", f"/reports/{report.pk}/dismiss")
    assert (response.status_code, response.json()["state"]) == (200, "dismissed")


def test_api_refuses_outsiders_and_unknown_reports(api, outsider_api, anonymous_api, incident):
    report = a_report(incident)
    assert outsider_api.call("get", f"/incidents/{incident.slug}/reports").status_code == 403
    assert outsider_api.call("post", f"/reports/{report.pk}/promote").status_code == 403
    assert anonymous_api.call("get", f"/incidents/{incident.slug}/reports").status_code == 401
    assert api.call("post", "/reports/999999/promote").status_code == 404
    assert services.state_of(Entry.objects.get(pk=report.pk)) == "pending"
