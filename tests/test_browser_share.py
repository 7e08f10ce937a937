"""Sharing in a real browser (Debian's Chromium through Playwright): the copy buttons of the
paragraphs put the absolute canonical URL on the clipboard and say so, a selection in the
passage offers a quote link (#:~:text=…), and opening such a link brings the words into view.

The site is served from 127.0.0.1 but the copied links must point at site_url (mkdocs.yml):
that is what the reader shares."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from helpers import REPO_ROOT


def _site_url() -> str:
    for line in (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("site_url:"):
            url = line.split(":", 1)[1].strip().strip("'\"")
            return url if url.endswith("/") else url + "/"
    raise AssertionError("mkdocs.yml has no site_url")


SITE_URL = _site_url()

IN_VIEWPORT = """id => {
  const r = document.getElementById(id).getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight;
}"""

# The words of a paragraph as a reader sees them (without its margin number).
PARAGRAPH_WORDS = """id => {
  const p = document.getElementById(id).cloneNode(true);
  p.querySelectorAll('.ed-parnum, sup, button').forEach(e => e.remove());
  return p.textContent.split(/\\s+/).filter(Boolean);
}"""

# Select, with the Selection API, the words [start, end) of the first long text node of a
# paragraph (what a reader's drag or long press does); returns the selected text.
SELECT_WORDS = """([id, start, end]) => {
  const p = document.getElementById(id);
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (node.parentElement.closest('.ed-parnum')) continue;
    if (node.data.trim().split(/\\s+/).length > end + 1) break;
  }
  const words = [...node.data.matchAll(/\\S+/g)];
  const range = document.createRange();
  range.setStart(node, words[start].index);
  const last = words[end - 1];
  range.setEnd(node, last.index + last[0].length);
  const sel = getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  return range.toString();
}"""


@pytest.fixture
def clip_page(page, server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    return page


def _clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def test_paragraph_copy_button(clip_page, server):
    page = clip_page
    page.goto(server + "/texte/")
    button = page.get_by_role("button", name="Copier le lien vers le paragraphe 3")
    expect(button).to_have_count(1)
    # Desktop: out of sight until the paragraph is hovered or the button focused.
    assert button.evaluate("b => getComputedStyle(b).opacity") == "0"
    button.focus()
    assert button.evaluate("b => getComputedStyle(b).opacity") == "1"
    page.locator("#p3").hover()
    button.click()
    status = page.get_by_role("status")
    expect(status).to_have_text("Lien copié")
    expect(status).to_be_visible()
    assert _clipboard(page) == SITE_URL + "texte/#p3"


def test_footnote_and_page_buttons(clip_page, server):
    page = clip_page
    page.goto(server + "/texte/")
    page.get_by_role("button", name="Copier le lien vers la note 3").click()
    expect(page.get_by_role("status")).to_have_text("Lien copié")
    assert _clipboard(page) == SITE_URL + "texte/#note-3"
    page.goto(server + "/glossaire/csu/")
    page.get_by_role("button", name="Copier le lien de cette page").click()
    expect(page.get_by_role("status")).to_have_text("Lien copié")
    assert _clipboard(page) == SITE_URL + "glossaire/csu/"


def test_buttons_always_reachable_on_small_screens(page, server):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(server + "/texte/")
    button = page.get_by_role("button", name="Copier le lien vers le paragraphe 3")
    assert float(button.evaluate("b => getComputedStyle(b).opacity")) > 0.3
    box = button.bounding_box()
    assert box and box["width"] >= 24 and box["x"] >= 0, f"button box {box}"


def test_quote_link(clip_page, server):
    page = clip_page
    page.goto(server + "/texte/")
    selected = page.evaluate(SELECT_WORDS, ["p5", 2, 8])
    quote_button = page.get_by_role("button", name="Copier le lien vers cette citation")
    expect(quote_button).to_be_visible()
    quote_button.click()
    expect(page.get_by_role("status")).to_have_text("Lien copié")
    url = _clipboard(page)
    words = selected.split()
    assert url == SITE_URL + "texte/#:~:text=" + quote(" ".join(words), safe="").replace("-", "%2D")
    # The copied link, opened, scrolls to §5.
    page.goto("about:blank")
    page.goto(url.replace(SITE_URL, server + "/"))
    page.wait_for_function(IN_VIEWPORT, arg="p5", timeout=5000)


def test_quote_link_long_selection_uses_start_and_end(clip_page, server):
    page = clip_page
    page.goto(server + "/texte/")
    page.evaluate(SELECT_WORDS, ["p5", 0, 16])
    page.get_by_role("button", name="Copier le lien vers cette citation").click()
    fragment = _clipboard(page).split("#:~:text=", 1)[1]
    start, end = fragment.split(",")
    assert len(start.split("%20")) == 5 and len(end.split("%20")) == 5, fragment


def test_text_fragment_scrolls_into_view(page, server):
    page.goto(server + "/texte/")
    assert not page.evaluate(IN_VIEWPORT, "p6"), "§6 is already in view at the top of the page"
    words = page.evaluate(PARAGRAPH_WORDS, "p6")[8:14]
    fragment = quote(" ".join(words), safe="").replace("-", "%2D")
    page.goto("about:blank")
    page.goto(server + "/texte/#:~:text=" + fragment)
    page.wait_for_function(IN_VIEWPORT, arg="p6", timeout=5000)
    assert page.evaluate("scrollY") > 0
