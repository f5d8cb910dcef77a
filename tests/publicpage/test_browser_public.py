"""The public pages in the system Chromium: they fit a phone and a laptop, the incident page
updates itself without a reload, and live.js renders exactly what the server renders."""

from __future__ import annotations

import pytest
from browsing import (
    INTERNAL_NOTE,
    LAPTOP,
    PHONE,
    SIGNATURE_JS,
    browser,
    fits_width,
    open_page,
    screenshot,
    story,
)
from playwright.sync_api import expect

from warroom.flows.entries import add_entry, settle_hypothesis
from warroom.flows.status import change_status
from warroom.impact.models import Component, Segment
from warroom.impact.services import assess
from warroom.testing.factories import make_entry, make_incident
from warroom.timeline.models import Kind

pytestmark = pytest.mark.browser
__all__ = ["browser", "open_page", "story"]  # fixtures

SIZES = [("phone", PHONE, "light"), ("laptop", LAPTOP, "light"), ("phone-dark", PHONE, "dark")]


@pytest.mark.parametrize(("name", "viewport", "scheme"), SIZES)
def test_incident_page_fits_phone_and_laptop(open_page, story, name, viewport, scheme):
    page = open_page(story.public_path, viewport, scheme)

    expect(page.locator("h1")).to_have_text(story.title)
    expect(page.locator(".incident-head .badge")).to_have_text("Monitoring")
    expect(page.locator(".timeline > .entry")).to_have_count(11)
    expect(page.locator(".live")).to_be_visible()  # live.js runs and unhides it
    expect(page.locator(".live")).to_have_text("This page updates itself")
    expect(page.locator("main")).not_to_contain_text(INTERNAL_NOTE)
    assert fits_width(page)
    screenshot(page, f"incident-{name}")


@pytest.mark.parametrize(("name", "viewport", "scheme"), SIZES)
def test_status_page_fits_phone_and_laptop(open_page, story, responder, name, viewport, scheme):
    old = make_incident(
        "Slow merge request diffs for large repositories", by=responder, severity="S3"
    )
    change_status(incident=old, status="resolved", message="Diffs are fast again.", by=responder)
    for position, name_ in enumerate(["Git over SSH", "Web UI", "CI runners"]):
        Component.objects.create(slug=f"c{position}", name=name_, position=position)
    Segment.objects.get_or_create(slug="saas", defaults={"name": "SaaS"})  # flushed database
    assess(
        incident=story,
        by=responder,
        components={"c0": "major_outage"},
        segments={"saas": "partial_outage"},
    )

    page = open_page("/", viewport, scheme)
    expect(page.locator(".overall-title")).to_have_text(story.title)
    expect(page.locator(".component .level--major_outage")).to_have_text("Major outage")
    expect(page.locator(".card .impact-segment")).to_have_text(
        "SaaS: partly unavailable (partial outage)."
    )
    expect(page.locator(".card .entry-body")).to_contain_text("We are monitoring")
    expect(page.locator(".history-item")).to_contain_text(old.title)
    assert fits_width(page)
    screenshot(page, f"status-alert-{name}")

    change_status(incident=story, status="resolved", message="All clear.", by=responder)
    page.reload()
    expect(page.locator(".overall-title")).to_have_text("All systems operational")
    expect(page.locator(".history-item")).to_have_count(2)
    assert fits_width(page)
    screenshot(page, f"status-operational-{name}")


def test_incident_page_updates_itself_without_reload(open_page, settings, incident, responder):
    settings.LIVE_POLL_SECONDS = 1
    page = open_page(incident.public_path)
    expect(page.locator(".incident-head .badge")).to_have_text("Investigating")
    page.evaluate("window.loadedOnce = true")  # a reload would drop it

    add_entry(
        incident=incident,
        body="Failover to db-main-02 complete.",
        author=responder,
        kind=Kind.ACTION,
    )
    change_status(
        incident=incident,
        status="identified",
        by=responder,
        message="The cause is a saturated disk on the primary database.",
    )

    expect(page.locator(".timeline")).to_contain_text("Failover to db-main-02 complete.")
    expect(page.locator(".incident-head .badge")).to_have_text("Identified")
    expect(page.locator(".entry--identified .badge")).to_have_text("Identified")
    expect(page).to_have_title(f"{incident.title} · Identified")
    assert page.evaluate("window.loadedOnce") is True


def test_unchanged_polls_revalidate_with_the_etag(open_page, settings, incident):
    settings.LIVE_POLL_SECONDS = 1
    page = open_page(incident.public_path)

    polls = []
    for _ in range(3):
        with page.expect_response(lambda response: response.url.endswith("/live.json")) as poll:
            pass
        polls.append(poll.value)

    etag = polls[0].header_value("etag")
    assert etag
    # The browser sends the ETag back, so an unchanged document costs the server a 304.
    assert [p.request.all_headers().get("if-none-match") for p in polls[1:]] == [etag, etag]


def test_incident_page_says_reconnecting_while_polls_fail(open_page, settings, incident):
    settings.LIVE_POLL_SECONDS = 1
    page = open_page(incident.public_path)
    live = page.locator(".live")
    expect(live).to_be_visible()

    page.route("**/live.json", lambda route: route.abort())
    expect(live).to_have_text("Reconnecting…")
    expect(live).to_have_attribute("data-state", "reconnecting")

    page.unroute("**/live.json")
    expect(live).to_have_text("This page updates itself", timeout=15_000)


def test_live_rendering_matches_server_rendering(open_page, settings, story, responder):
    settings.LIVE_POLL_SECONDS = 1
    page = open_page(story.public_path, PHONE)

    # Changes after the page loaded, so that what is compared below is live.js's work.
    guess = make_entry(
        story, "Traffic from one region hits an *old* load balancer.", kind=Kind.HYPOTHESIS
    )
    settle_hypothesis(entry=guess, state="refuted", by=responder)
    Component.objects.create(slug="git-ssh", name="Git over SSH")
    for position, (slug, name) in enumerate([("self-managed", "Self-managed"), ("saas", "SaaS")]):
        # A transactional test's database is flushed: the default segments are gone.
        Segment.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    assess(
        incident=story,
        by=responder,
        segments={"saas": "major_outage", "self-managed": "none"},
        components={"git-ssh": "partial_outage"},
        customers=["ACME Corp", "Initech"],
    )
    expect(page.locator(".impact-segment")).to_have_count(2)
    change_status(
        incident=story,
        status="resolved",
        by=responder,
        message="Resolved: pushes and page loads work again for everyone.",
    )
    expect(page.locator(".incident-head .badge")).to_have_text("Resolved")
    expect(page.locator(".entry--refuted")).to_have_count(2)

    screenshot(page, "incident-resolved-rendered-by-live-js-phone")
    server_html = page.request.get(page.url).text()
    assert page.evaluate(SIGNATURE_JS, None) == page.evaluate(SIGNATURE_JS, server_html)
