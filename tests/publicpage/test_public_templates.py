"""The public incident page and status page as the server renders them: what they show, what they
must never show, and the hooks live.js relies on."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.templatetags.static import static
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from warroom.flows.entries import settle_hypothesis
from warroom.flows.status import change_status
from warroom.testing.factories import make_entry, make_incident
from warroom.timeline.models import Kind, Visibility

HOSTILE = "Look: <script>alert(1)</script> and [x](javascript:alert(1))"
SECRET = "Alice thinks the SAN firmware is to blame, call +1 555 0100"
JAVASCRIPT_LINK = re.compile(r"href\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)

pytestmark = pytest.mark.django_db


def _page(client, incident) -> str:
    response = client.get(incident.public_path)
    assert response.status_code == 200
    return response.content.decode()


def _live(client, incident) -> dict:
    response = client.get(reverse("public:live", args=[incident.slug]))
    assert response.status_code == 200
    return response.json()


def test_incident_page_shows_status_severity_title_and_summary(public_client, responder):
    incident = make_incident(
        "Git push fails",
        by=responder,
        severity="S2",
        summary="Pushes over SSH time out for some users.",
    )
    response = public_client.get(incident.public_path)

    assertContains(
        response, '<span class="badge badge--investigating">Investigating</span>', html=True
    )
    assertContains(response, "Major impact")
    assertContains(response, '<h1 class="incident-title">Git push fails</h1>', html=True)
    assertContains(response, "Pushes over SSH time out for some users.")
    assertContains(response, "<title>Git push fails · Investigating</title>", html=True)


def test_times_are_shown_in_utc_with_the_date_only_for_other_days(public_client, incident):
    started = incident.declared_at
    make_entry(
        incident,
        "Earlier that week the disk began to fill.",
        occurred_at=started - timedelta(days=2),
    )
    html = _page(public_client, incident)

    assert f'datetime="{started.isoformat().replace("+00:00", "Z")}"' in html
    assert f"{started:%Y-%m-%d} {started:%H:%M} UTC" in html  # "Started"
    earlier = started - timedelta(days=2)
    assert f'<span class="entry-date">{earlier:%Y-%m-%d}</span> {earlier:%H:%M} UTC' in html
    assert html.count('class="entry-date"') == 1  # same-day entries show the time only


def test_hypotheses_are_marked_unconfirmed_confirmed_or_refuted(public_client, incident, responder):
    make_entry(incident, "Maybe the cache is cold.", kind=Kind.HYPOTHESIS)
    confirmed = make_entry(incident, "Maybe the disk is full.", kind=Kind.HYPOTHESIS)
    refuted = make_entry(incident, "Maybe it was the deploy.", kind=Kind.HYPOTHESIS)
    settle_hypothesis(entry=confirmed, state="confirmed", by=responder)
    settle_hypothesis(entry=refuted, state="refuted", by=responder)
    response = public_client.get(incident.public_path)

    for state, label in (
        ("open", "Unconfirmed"),
        ("confirmed", "Confirmed"),
        ("refuted", "Refuted"),
    ):
        assertContains(response, f'<span class="tag tag--{state}">{label}</span>', html=True)
    assertContains(
        response, f'class="entry entry--hypothesis entry--refuted" id="entry-{refuted.pk}"'
    )


def test_status_entries_carry_their_status(public_client, incident, responder):
    change_status(
        incident=incident, status="identified", message="Found it: a full disk.", by=responder
    )
    response = public_client.get(incident.public_path)

    assertContains(
        response, '<span class="badge badge--identified">Identified</span>', count=2, html=True
    )  # the head and the status entry
    assertContains(response, 'class="entry entry--status entry--identified"')
    assertContains(response, "Found it: a full disk.")


def test_markdown_is_sanitised_on_the_page_and_in_live_json(public_client, incident):
    make_entry(incident, HOSTILE)
    html = _page(public_client, incident)

    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == [f'<script src="{static("warroom/live.js")}" defer>']
    assert not JAVASCRIPT_LINK.search(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not run
    rendered = _live(public_client, incident)["entries"][0]["html"]
    assert "<script" not in rendered
    assert not JAVASCRIPT_LINK.search(rendered)


def test_internal_entries_never_appear(public_client, incident):
    make_entry(incident, SECRET, visibility=Visibility.INTERNAL)

    assertNotContains(public_client.get(incident.public_path), SECRET)
    assertNotContains(public_client.get(incident.public_path), incident.war_room_url)
    assert SECRET not in json.dumps(_live(public_client, incident))
    assertNotContains(public_client.get("/"), SECRET)


def test_live_script_is_configured_by_data_attributes_only(public_client, incident, settings):
    settings.LIVE_POLL_SECONDS = 7
    html = _page(public_client, incident)

    assert f'data-live-url="{reverse("public:live", args=[incident.slug])}"' in html
    assert 'data-poll-seconds="7"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script: strict CSP
    assert 'data-live="head"' in html and 'data-live="timeline"' in html


def test_stylesheet_and_script_are_served(public_client):
    for asset in ("warroom/warroom.css", "warroom/live.js"):
        response = public_client.get(static(asset))
        assert response.status_code == 200, (
            f"{static(asset)} is not served; warroom/static must be a STATICFILES_DIRS entry"
        )


def test_status_page_says_all_systems_operational_without_open_incidents(public_client, responder):
    old = make_incident("Slow diffs", by=responder, severity="S3")
    change_status(incident=old, status="resolved", message="Diffs are fast again.", by=responder)
    response = public_client.get("/")

    assertContains(response, "All systems operational")
    assertContains(response, 'class="overall overall--operational"')
    assertContains(
        response, f'<a class="history-title" href="{old.public_path}">Slow diffs</a>', html=True
    )


def test_status_page_shows_open_incident_as_alert_with_latest_update(
    public_client, incident, responder
):
    change_status(
        incident=incident, status="identified", message="Found it: a full disk.", by=responder
    )
    response = public_client.get("/")

    assertNotContains(response, "All systems operational")
    assertContains(response, 'class="overall overall--identified"')
    assertContains(
        response, f'<a href="{incident.public_path}">{incident.title}</a>', count=2, html=True
    )  # the alert and the card
    assertContains(response, "Critical impact")
    assertContains(response, "<p>Found it: a full disk.</p>", html=True)


def test_status_page_headlines_the_worst_open_incident(public_client, responder):
    critical = make_incident("Nobody can sign in", by=responder, severity="S1")
    make_incident("Avatars load slowly", by=responder, severity="S4")  # newer, but milder
    response = public_client.get("/")

    assertContains(
        response,
        f'<h1 class="overall-title" id="overall-title">'
        f'<a href="{critical.public_path}">Nobody can sign in</a></h1>',
        html=True,
    )
    assertContains(response, "2 ongoing incidents")
