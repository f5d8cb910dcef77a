"""The public pages in the system Chromium: they fit a phone and a laptop, the incident page
updates itself without a reload, and live.js renders exactly what the server renders.

Screenshots land in var/screenshots/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from warroom.flows.entries import add_entry, settle_hypothesis
from warroom.flows.status import change_status
from warroom.impact.models import Component, Segment
from warroom.impact.services import assess
from warroom.incidents.models import Incident
from warroom.testing.factories import make_entry, make_incident
from warroom.timeline.models import Kind, Visibility

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    _reason = f"browser tests need the system Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(_reason, pytrace=False)  # CI must not go green by skipping
    pytest.skip(_reason, allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
INTERNAL_NOTE = "Alice thinks the SAN firmware is to blame, call her on +1 555 0100"
LONG_URL = (
    "https://dashboards.example.com/d/db-replication/replication-lag?orgId=1&from=now-3h"
    "&to=now&var-cluster=production-main-primary-01&var-replica=production-main-replica-02"
)

# (tag, class, other attributes, own text) for every element inside the parts live.js rebuilds.
# `.ago` holds a relative time that only the browser fills in, so its text is left out.
SIGNATURE_JS = """(html) => {
  const doc = html ? new DOMParser().parseFromString(html, "text/html") : document;
  const rows = [["title", doc.title]];
  for (const part of doc.querySelectorAll("[data-live]")) {
    for (const node of [part, ...part.querySelectorAll("*")]) {
      const text = node.matches(".ago") ? "" : [...node.childNodes]
        .filter((child) => child.nodeType === Node.TEXT_NODE)
        .map((child) => child.textContent).join(" ").replace(/\\s+/g, " ").trim();
      const attrs = [...node.attributes].filter((a) => a.name !== "class")
        .map((a) => a.name + "=" + a.value).sort().join(" ");
      rows.push([node.tagName, node.className, attrs, text]);
    }
  }
  return rows;
}"""


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an asyncio loop marked as running in this thread, which
    # Django's async-safety check mistakes for async code around every ORM call of the test.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Browser, live_server):
    contexts = []

    def open_page(path: str, viewport=LAPTOP, color_scheme="light") -> Page:
        context = browser.new_context(viewport=viewport, color_scheme=color_scheme)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def story(transactional_db, incident, responder) -> Incident:
    """An incident told through every kind of public entry, plus an internal one."""
    start = timezone.now() - timedelta(minutes=80)
    Incident.objects.filter(pk=incident.pk).update(
        declared_at=start,
        summary="Some users see errors when pushing to repositories and loading project pages.",
    )
    incident.entries.filter(kind=Kind.STATUS).update(occurred_at=start)

    def note(minutes: int, body: str, kind=Kind.EVENT, **kwargs):
        return make_entry(
            incident, body, kind=kind, occurred_at=start + timedelta(minutes=minutes), **kwargs
        )

    note(
        4,
        "The API error rate rose from 0.1 % to 12 % at the start of the incident; the "
        "alerts for the `api-*` hosts fired.",
    )
    note(9, f"Replication lag on the replica reached **40 s**. Graph: {LONG_URL}", Kind.FINDING)
    deploy = note(12, "The deploy of 13:50 UTC introduced a slow query.", Kind.HYPOTHESIS)
    disk = note(
        18,
        "Disk I/O saturation on the primary (`db-main-01`) slows replication down.",
        Kind.HYPOTHESIS,
    )
    note(22, "Rolled back deploy `2026.11.29-3`. The error rate did not change.", Kind.ACTION)
    note(
        30,
        "We identified the cause: the primary database's disk is saturated. We are "
        "moving traffic to a healthy replica.",
        Kind.STATUS,
        data={"status": "identified"},
    )
    note(41, "The nightly vacuum job could be adding to the load on the disk.", Kind.HYPOTHESIS)
    note(
        50,
        "Promoting the replica:\n\n```sh\ngitlab-ctl patroni failover --candidate "
        "db-main-02 --force\n```\n\n- writes move to `db-main-02`\n- reads follow within "
        "a minute",
        Kind.ACTION,
    )
    note(55, INTERNAL_NOTE, visibility=Visibility.INTERNAL)
    note(
        62,
        "Affected endpoint: `/api/v4/projects/:id/repository/commits/:sha/statuses/"
        "pipelines/merge_requests/approvals` — see [the status docs](https://docs.example.com"
        "/api/commits.html#commit-status).",
        Kind.FINDING,
    )
    settle_hypothesis(entry=deploy, state="refuted", by=responder)
    settle_hypothesis(entry=disk, state="confirmed", by=responder)
    change_status(
        incident=incident,
        status="monitoring",
        by=responder,
        message="A fix is in place and the error rate is back to normal. We are monitoring.",
    )
    incident.refresh_from_db()
    return incident


def _fits_width(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


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
    assert _fits_width(page)
    _screenshot(page, f"incident-{name}")


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
    assert _fits_width(page)
    _screenshot(page, f"status-alert-{name}")

    change_status(incident=story, status="resolved", message="All clear.", by=responder)
    page.reload()
    expect(page.locator(".overall-title")).to_have_text("All systems operational")
    expect(page.locator(".history-item")).to_have_count(2)
    assert _fits_width(page)
    _screenshot(page, f"status-operational-{name}")


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

    _screenshot(page, "incident-resolved-rendered-by-live-js-phone")
    server_html = page.request.get(page.url).text()
    assert page.evaluate(SIGNATURE_JS, None) == page.evaluate(SIGNATURE_JS, server_html)
