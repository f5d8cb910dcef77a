"""The static copy in a real browser: served by `python -m http.server` with no warroom behind
it, it shows the same text as the live pages, and its incident page keeps itself current by
polling the copy's own live.json."""

import subprocess
import sys
import time

import browsing as shared
import httpx
import pytest
from playwright.sync_api import expect

from warroom.flows.status import change_status
from warroom.publicpage import export
from warroom.testing.server import free_port

pytestmark = pytest.mark.browser
browser, open_page, story = shared.browser, shared.open_page, shared.story  # the same fixtures


@pytest.fixture
def static_site(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    yield tmp_path, url
    server.terminate()
    server.wait(timeout=10)


MAIN_TEXT = "() => document.querySelector('main').innerText"


@pytest.mark.parametrize("name, viewport", [("phone", shared.PHONE), ("laptop", shared.LAPTOP)])
def test_the_copy_reads_like_the_live_pages(open_page, story, static_site, name, viewport):
    root, url = static_site
    export.publish(export.Folder(root))
    for path in ("/", story.public_path):
        live = open_page(path, viewport)
        copy = live.context.new_page()
        copy.goto(url + path)
        expect(copy.locator("main")).to_be_visible()
        assert copy.evaluate(MAIN_TEXT) == live.evaluate(MAIN_TEXT), path
        assert shared.fits_width(copy)
    shared.screenshot(copy, f"static-incident-{name}")


def test_the_copy_keeps_itself_current_from_its_own_live_json(
    browser, story, static_site, settings, responder
):
    settings.LIVE_POLL_SECONDS = 1
    root, url = static_site
    folder = export.Folder(root)
    export.publish(folder)
    page = browser.new_page()
    page.goto(url + story.public_path)
    expect(page.locator(".incident-head .badge")).to_have_text("Monitoring")
    change_status(incident=story, status="resolved", message="All clear.", by=responder)
    export.publish(folder)
    expect(page.locator(".incident-head .badge")).to_have_text("Resolved")
    expect(page.locator(".entry").first).to_contain_text("All clear.")
    page.close()
