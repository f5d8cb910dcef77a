"""What the browser tests share: the system Chromium through Playwright (skipped when it is
missing, except in CI), pages at phone and laptop sizes, screenshots in var/screenshots/
(git-ignored) for a human to look at, and `story`, an incident told through every kind of public
entry. A browser test module imports what it uses from here (fixtures included)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from warroom.flows.entries import settle_hypothesis
from warroom.flows.status import change_status
from warroom.incidents.models import Incident
from warroom.testing.factories import make_entry
from warroom.timeline.models import Kind, Visibility

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    _reason = f"browser tests need the system Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(_reason, pytrace=False)  # CI must not go green by skipping
    pytest.skip(_reason, allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

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
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
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


def fits_width(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
