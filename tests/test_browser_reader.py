"""The site driven as a reader drives it, in Debian's Chromium (fixtures: tests/conftest.py).

- previews of notes and entries open on mouse hover, on keyboard focus (Tab) and on a tap,
  and close with Escape;
- a note call leads to its page, whose back link returns to the call, scrolled into view;
- French search finds the expected page first;
- the light/dark switch works and is remembered;
- at 360 px wide no page scrolls sideways, and no page logs a console error.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from helpers import built_pages, page_url, local_only


def _pages(site_dir):
    """Every built page, and the page shown for a missing address."""
    extra = [site_dir / "404.html"] if (site_dir / "404.html").is_file() else []
    return built_pages(site_dir) + extra

NOTE_CALL = "sup#appel-3 a"
ENTRY_REF = "a#ref-csu"  # « Centre de supervision urbain », § 5
MAX_TABS = 400


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _preview_text(page, link_selector: str) -> str:
    """Text of the preview a link points to (its aria-describedby target)."""
    target = page.locator(link_selector).get_attribute("aria-describedby")
    assert target, f"{link_selector} has no aria-describedby"
    return _norm(page.locator(f"#{target}").text_content())


def _tab_to(page, selector: str) -> int:
    """Press Tab until the element matching SELECTOR has the focus; return the count."""
    for n in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return n
    pytest.fail(f"{selector} never received the focus after {MAX_TABS} presses of Tab",
                pytrace=False)


# --------------------------------------------------------------------------- previews

@pytest.mark.parametrize("selector", [NOTE_CALL, ENTRY_REF], ids=["note", "glossary"])
def test_preview_on_hover(page, server, selector):
    page.goto(server + "/texte/")
    expected = _preview_text(page, selector)
    popover = page.locator("#ed-popover")
    page.hover(selector)
    expect(popover).to_be_visible()
    assert expected in _norm(popover.text_content())
    # The pointer may travel from the link onto the preview without it vanishing (WCAG 1.4.13).
    popover.hover()
    page.wait_for_timeout(400)
    expect(popover).to_be_visible()
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    # Hovered again, then left: it closes by itself.
    page.hover(selector)
    expect(popover).to_be_visible()
    page.mouse.move(5, 400)
    expect(popover).to_be_hidden()


@pytest.mark.parametrize("selector", [NOTE_CALL, ENTRY_REF], ids=["note", "glossary"])
def test_preview_on_keyboard_focus(page, server, selector):
    page.goto(server + "/texte/")
    expected = _preview_text(page, selector)
    popover = page.locator("#ed-popover")
    _tab_to(page, selector)
    expect(popover).to_be_visible()
    assert expected in _norm(popover.text_content())
    # the preview sits below the link or above it, inside the window, and leaves it visible
    box, link = popover.bounding_box(), page.locator(selector).bounding_box()
    assert box["y"] >= link["y"] + link["height"] - 1 or box["y"] + box["height"] <= link["y"] + 1
    assert 0 <= box["x"] and box["x"] + box["width"] <= page.viewport_size["width"]
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    expect(page.locator(selector)).to_be_focused()  # Escape does not lose the reader's place
    # Moving on with Tab closes the preview of the link left behind.
    page.keyboard.press("Tab")
    page.wait_for_timeout(400)
    if not page.evaluate("document.activeElement.matches('a.ed-ref[aria-describedby]')"):
        expect(popover).to_be_hidden()


@pytest.mark.parametrize("selector", [NOTE_CALL, ENTRY_REF], ids=["note", "glossary"])
def test_preview_on_tap(browser, server, selector):
    context = browser.new_context(locale="fr-FR", viewport={"width": 375, "height": 812},
                                  has_touch=True, is_mobile=True, device_scale_factor=2)
    local_only(context, server)
    try:
        page = context.new_page()
        page.goto(server + "/texte/")
        expected = _preview_text(page, selector)
        popover = page.locator("#ed-popover")
        href = page.locator(selector).get_attribute("href")
        page.locator(selector).scroll_into_view_if_needed()
        page.tap(selector)
        expect(popover).to_be_visible()
        assert expected in _norm(popover.text_content())
        assert urlsplit(page.url).path == "/texte/", "the first tap must open the preview, not leave"
        box = popover.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, f"preview off screen: {box}"
        page.keyboard.press("Escape")
        expect(popover).to_be_hidden()
        # Tap, then tap the preview's own link: the reader reaches the page.
        page.tap(selector)
        expect(popover).to_be_visible()
        popover.locator("a").last.tap()
        page.wait_for_url(re.compile(re.escape(href.lstrip("./").rstrip("/")) + "/?$"))
    finally:
        context.close()


# --------------------------------------------------------------------------- note call and back

def test_note_call_to_note_page_and_back(page, server):
    page.goto(server + "/texte/")
    page.click(NOTE_CALL)
    page.wait_for_url(server + "/notes/3/")
    back = page.get_by_role("link", name=re.compile("Revenir à l’appel"))
    expect(back).to_have_count(1)
    back.click()
    page.wait_for_url(server + "/texte/#appel-3")
    page.wait_for_function("document.querySelector('#appel-3').getBoundingClientRect().top > 0")
    rect = page.evaluate("""() => {
        const r = document.querySelector('#appel-3').getBoundingClientRect();
        const h = document.querySelector('.md-header').getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, header: h.bottom, height: innerHeight};
    }""")
    assert rect["top"] >= rect["header"] - 1, f"the call hides under the header: {rect}"
    assert rect["bottom"] <= rect["height"], f"the call is below the window: {rect}"
    assert page.evaluate("document.querySelector(':target')?.id") == "appel-3"


# --------------------------------------------------------------------------- search

SEARCHES = {
    "CNIL": "/glossaire/cnil/",
    "supervision": "/glossaire/csu/",
    "reconnaissance faciale": "/glossaire/reconnaissance-faciale/",
}


def test_french_search(page, server):
    page.goto(server + "/texte/")
    box = page.locator("input.md-search__input")
    failures = []
    for query, expected in SEARCHES.items():
        box.click()
        box.fill("")
        page.wait_for_function("!document.querySelector('.md-search-result__list > li')")
        box.press_sequentially(query, delay=15)
        # Wait for the results of the whole query, not of a prefix typed on the way.
        page.wait_for_function("""q => {
            const a = document.querySelector('.md-search-result__list > li a');
            return a && new URL(a.href).searchParams.get('h') === q.toLowerCase();
        }""", arg=query, timeout=20_000)
        hrefs = page.eval_on_selector_all(".md-search-result__list > li > a",
                                          "els => els.slice(0, 5).map(a => a.href)")
        first = urlsplit(hrefs[0]).path
        if first != expected:
            failures.append(f"{query!r}: first result {first}, expected {expected}; top 5: "
                            + ", ".join(urlsplit(h).path for h in hrefs))
        assert parse_qs(urlsplit(hrefs[0]).query).get("h")
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------- palette

def test_palette_switch_is_remembered(browser, server):
    context = browser.new_context(locale="fr-FR", color_scheme="light")
    local_only(context, server)
    try:
        page = context.new_page()
        page.goto(server + "/")
        body = page.locator("body")
        expect(body).to_have_attribute("data-md-color-scheme", "default")
        toggle = page.locator("form[data-md-component=palette] label:not([hidden])")
        names = []
        for _ in range(3):  # auto -> light -> dark (the order of mkdocs.yml)
            names.append(toggle.get_attribute("title"))
            toggle.click()
            if body.get_attribute("data-md-color-scheme") == "slate":
                break
        expect(body).to_have_attribute("data-md-color-scheme", "slate")
        assert len(set(names)) == len(names), f"the switch's label does not change: {names}"
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.reload()
        expect(body).to_have_attribute("data-md-color-scheme", "slate")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == bg
        page.goto(server + "/notes/3/")
        expect(body).to_have_attribute("data-md-color-scheme", "slate")
        stored = page.evaluate("Object.keys(localStorage).filter(k => k.endsWith('__palette'))")
        assert stored, "the choice is not stored in localStorage"
    finally:
        context.close()


# --------------------------------------------------------------------------- every page

@pytest.fixture(scope="module")
def narrow_walk(browser, server, site_dir):
    """Every built page at 360 px: its horizontal overflow and what it logged."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740},
                                  has_touch=True, is_mobile=True)
    local_only(context, server)
    page = context.new_page()
    logged: list[str] = []
    page.on("console", lambda m: m.type == "error" and logged.append(m.text))
    page.on("pageerror", lambda e: logged.append(f"uncaught: {e}"))
    results = {}
    try:
        for path in _pages(site_dir):
            url = page_url(site_dir, path)
            logged.clear()
            response = page.goto(server + url, wait_until="load")
            page.wait_for_timeout(50)
            wide = page.evaluate("""() => {
                const w = document.documentElement.clientWidth, out = [];
                for (const el of document.querySelectorAll('body *')) {
                    const r = el.getBoundingClientRect();
                    if (r.width && r.right > w + 1 && !el.closest('.md-sidebar, .md-search, [hidden]'))
                        out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
                                 + `${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}`
                                 + ` (right ${Math.round(r.right)} px)`);
                }
                return {scroll: document.documentElement.scrollWidth, culprits: out.slice(0, 5)};
            }""")
            results[url] = {"status": response.status if response else None,
                            "errors": list(logged), **wide}
    finally:
        context.close()
    return results


def test_pages_walked(narrow_walk):
    bad = {u: r["status"] for u, r in narrow_walk.items() if r["status"] != 200}
    assert len(narrow_walk) > 10 and not bad, bad


def test_no_sideways_scroll_at_360px(narrow_walk):
    bad = [f"{url}: scrollWidth {r['scroll']} px; too wide: {', '.join(r['culprits']) or '?'}"
           for url, r in narrow_walk.items() if r["scroll"] > 360]
    assert not bad, "pages wider than a 360 px screen:\n" + "\n".join(bad)


def test_no_console_error(narrow_walk):
    bad = [f"{url}: {e}" for url, r in narrow_walk.items() for e in r["errors"]]
    assert not bad, "console errors:\n" + "\n".join(bad)
