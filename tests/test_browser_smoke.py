"""Smoke test in a real browser (Debian's Chromium through Playwright): the text page
renders at phone and desktop widths, #p3 is reachable, no console error, and nothing is
fetched from anywhere but the local test server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

VIEWPORTS = {
    "phone-375x812": {"width": 375, "height": 812},
    "desktop-1280x800": {"width": 1280, "height": 800},
}


def _assert_clean(watch, base_url):
    problems = []
    problems += [f"console error: {m}" for m in watch.console_errors]
    problems += [f"uncaught exception: {m}" for m in watch.page_errors]
    problems += [f"request failed: {m}" for m in watch.failed]
    problems += [f"HTTP error: {m}" for m in watch.bad_responses]
    problems += [f"request leaves 127.0.0.1: {u}" for u in watch.external_requests(base_url)]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
    assert watch.requests, "no request was recorded: the request listener is not working"


def _open(page, url):
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, (
        f"{url}: HTTP {response.status if response else 'no response'}")
    # let late requests (search worker, its index) happen while we listen
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_texte_renders(page, page_watch, server, viewport):
    page.set_viewport_size(viewport)
    _open(page, server + "/texte/")
    h1 = page.locator("h1")
    assert h1.count() >= 1, "no <h1> on /texte/"
    expect(h1.first).to_be_visible()
    assert h1.first.inner_text().strip(), "the <h1> of /texte/ is empty"
    _assert_clean(page_watch, server)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_texte_anchor_p3(page, page_watch, server, viewport):
    page.set_viewport_size(viewport)
    _open(page, server + "/texte/#p3")
    p3 = page.locator("#p3")
    assert p3.count() == 1, f"expected exactly one #p3 on /texte/, found {p3.count()}"
    expect(p3).to_be_visible()
    expect(p3).to_be_in_viewport()
    _assert_clean(page_watch, server)
