"""The published post-mortem in the system Chromium: live.js shows it without a reload, exactly
as the server renders it (the fixtures and the comparison come from test_browser_public)."""

from __future__ import annotations

import browsing as shared
import pytest
from playwright.sync_api import expect

from warroom.flows import postmortem as publishing
from warroom.flows.status import change_status
from warroom.writeups import postmortem as services

pytestmark = pytest.mark.browser

# The shared module's fixtures, used here under the same names.
browser, open_page, story = shared.browser, shared.open_page, shared.story

BODY = """# Post-mortem: database replication lag

## Five whys

1. Why did pushes fail? The primary's disk was saturated.
2. Why? The nightly vacuum ran during peak traffic.

## Corrective actions

| Action | Owner role | Tracker issue |
| --- | --- | --- |
| Move the vacuum job off peak | commander | _link_ |
"""


def test_live_js_shows_the_published_postmortem_as_the_server_does(
    open_page, settings, story, responder
):
    settings.LIVE_POLL_SECONDS = 1
    change_status(incident=story, status="resolved", by=responder, message="All clear.")
    page = open_page(story.public_path, shared.PHONE)
    expect(page.locator(".postmortem")).to_be_hidden()

    services.save(incident=story, body=BODY, by=responder)
    publishing.publish(incident=story, by=responder)

    expect(page.locator(".incident-head .badge")).to_have_text("Post-mortem")
    expect(page.locator(".postmortem")).to_be_visible()
    expect(page.locator(".postmortem-body h4").first).to_have_text("Five whys")
    expect(page.locator(".postmortem-body td").first).to_have_text("Move the vacuum job off peak")
    shared.screenshot(page, "incident-postmortem-rendered-by-live-js-phone")
    server_html = page.request.get(page.url).text()
    assert page.evaluate(shared.SIGNATURE_JS, None) == page.evaluate(
        shared.SIGNATURE_JS, server_html
    )
