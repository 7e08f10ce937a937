"""Sharing in a real browser (Debian's Chromium through Playwright): the copy buttons of the
paragraphs put the paragraph's share address (texte/N/) on the clipboard and say so; a selection
in the passage or the epigraph is copied as a quote (« words » — author, book (year), § N, then a
link to the words, #:~:text=…) and opening that link brings the words into view; the same quote
is drawn as a 1200 × 630 PNG and downloaded; both quote controls stay on a 360 px phone's screen.

The site is served from 127.0.0.1 but the copied links must point at site_url (mkdocs.yml):
that is what the reader shares."""

from __future__ import annotations

import io
import re
from urllib.parse import quote, unquote

import pytest
from PIL import Image
from playwright.sync_api import expect

from helpers import REPO_ROOT, local_only, site_url


def _site_url() -> str:
    return site_url()  # mkdocs.yml as the build reads it (!ENV EDITION_SITE_URL applied)


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
    # The paragraph's share address (its own link preview), not texte/#p3.
    assert _clipboard(page) == SITE_URL + "texte/3/"


def test_paragraph_share_address_lands_on_the_paragraph(page, server):
    page.goto(server + "/texte/6/")
    page.wait_for_url(re.compile(r"/texte/#p6$"))
    page.wait_for_function(IN_VIEWPORT, arg="p6", timeout=5000)


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


# The words (found in one text node of the paragraph) are within the window.
WORDS_IN_VIEW = """([id, words]) => {
  const walker = document.createTreeWalker(document.getElementById(id), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const i = node.data.replace(/\\s+/g, ' ').indexOf(words);
    if (i < 0) continue;
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + words.length);
    const r = range.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
  }
  return false;
}"""

BYLINE = "Mathieu Rigouste, La police du futur (2022)"


def _fragment(words) -> str:
    return quote(" ".join(words), safe="").replace("-", "%2D")


def _copy_quote(page) -> tuple[str, str]:
    """Click « Copier la citation »; the clipboard's two lines (quote and attribution, link)."""
    button = page.get_by_role("button", name="Copier la citation")
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_role("status")).to_have_text("Citation copiée")
    lines = _clipboard(page).split("\n")
    assert len(lines) == 2, lines
    # The text keeps its no-break spaces (« Safe City »); compared here as plain spaces.
    return " ".join(lines[0].split()), lines[1]


def test_quote_carries_words_attribution_and_link(clip_page, server):
    page = clip_page
    page.goto(server + "/texte/")
    selected = page.evaluate(SELECT_WORDS, ["p5", 2, 8])
    words = selected.split()
    assert len(words) == 6
    text, url = _copy_quote(page)
    # The words as selected, less the comma that ends the selection (« d’informations, »).
    assert words[-1].endswith(",")
    assert text == f"« {' '.join(words).rstrip(',')} » — {BYLINE}, § 5"
    assert url == SITE_URL + "texte/#:~:text=" + _fragment(words)
    # The copied link, opened, scrolls to the words.
    page.goto("about:blank")
    page.goto(url.replace(SITE_URL, server + "/"))
    page.wait_for_function(WORDS_IN_VIEW, arg=["p5", " ".join(words)], timeout=5000)
    assert page.evaluate("scrollY") > 0


def _rewrite_text_page(page, server, old_new):
    """Serve the text page with its HTML changed (each (old, new) pair replaced)."""
    def handle(route):
        body = route.fetch().text()
        for old, new in old_new:
            assert old in body, old
            body = body.replace(old, new)
        route.fulfill(body=body, content_type="text/html; charset=utf-8")
    page.route(server + "/texte/", handle)


def test_quote_attribution_read_from_the_page(clip_page, server):
    """Author, title and year come from the citation_* metadata, not from the script."""
    page = clip_page
    _rewrite_text_page(page, server, [
        ('content="Rigouste, Mathieu"', 'content="Doe, Jane"'),
        ('content="La police du futur. Le marché', 'content="Un livre : sous-titre. Le marché'),
        ('content="2022/03/17"', 'content="1999/01/02"'),
    ])
    page.goto(server + "/texte/")
    selected = page.evaluate(SELECT_WORDS, ["p3", 0, 3])
    text, _ = _copy_quote(page)
    assert text == f"« {selected} » — Jane Doe, Un livre (1999), § 3"


def test_quote_attribution_without_metadata(clip_page, server):
    page = clip_page
    _rewrite_text_page(page, server, [('<meta name="citation_', '<meta name="x_')])
    page.goto(server + "/texte/")
    assert page.locator("meta[name^=citation_]").count() == 0
    selected = page.evaluate(SELECT_WORDS, ["p3", 0, 3])
    text, url = _copy_quote(page)
    title = page.title()
    assert text == f"« {selected} » — {title}, § 3", text
    assert url.startswith(SITE_URL + "texte/#:~:text=")


def test_quote_across_paragraphs_and_note_calls(clip_page, server):
    """A whole paragraph (triple click) and a selection running into the next one: the words
    as read (no margin number, no note call), § of the start, a start,end text fragment."""
    page = clip_page
    page.goto(server + "/texte/")
    words = page.evaluate(PARAGRAPH_WORDS, "p2")
    page.evaluate("""() => {
      const r = document.createRange();
      r.selectNodeContents(document.getElementById('p2'));
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    }""")
    text, url = _copy_quote(page)
    assert text == f"« {' '.join(words)} » — {BYLINE}, § 2"
    assert not re.search(r"\d", text.split("»")[-2]), text  # no note call among the words
    # The fragment stops before a note call: the browser reads « social2. », glued.
    start, end = url.split("#:~:text=", 1)[1].split(",")
    assert start == _fragment(words[:5]) and end == _fragment(["surveillance", "et", "le", "contrôle", "social"]), url
    page.goto("about:blank")
    page.goto(url.replace(SITE_URL, server + "/"))
    page.wait_for_function(IN_VIEWPORT, arg="p2", timeout=5000)

    page.goto(server + "/texte/")
    p6 = page.evaluate(PARAGRAPH_WORDS, "p6")
    page.evaluate("""() => {
      const r = document.createRange();
      const a = document.getElementById('p5').lastChild, b = document.getElementById('p6');
      r.setStart(a, 0);
      r.setEnd(b, b.childNodes.length);
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    }""")
    text, url = _copy_quote(page)
    assert text.endswith(" ".join(p6) + f" » — {BYLINE}, § 5"), text
    assert "Paragraphe" not in text
    # The fragment ends before the note call glued to the last word (« infaillible8. »), which
    # no text fragment matches; opened, the link scrolls to its start.
    assert url.split(",")[-1] == _fragment(p6[-5:-1] + ["infaillible"]), url
    first = url.split("#:~:text=", 1)[1].split(",")[0]
    page.goto("about:blank")
    page.goto(url.replace(SITE_URL, server + "/"))
    page.wait_for_function(WORDS_IN_VIEW, arg=["p5", unquote(first)], timeout=5000)
    assert page.evaluate("scrollY") > 0


def test_quote_long_selection_uses_start_and_end(clip_page, server):
    page = clip_page
    page.goto(server + "/texte/")
    selected = page.evaluate(SELECT_WORDS, ["p5", 1, 17])  # (the run starts with « , » after a link)
    text, url = _copy_quote(page)
    assert text.startswith("« " + " ".join(selected.split()) + " »")
    start, end = url.split("#:~:text=", 1)[1].split(",")
    assert len(start.split("%20")) == 5 and len(end.split("%20")) == 5, url


def test_epigraph_quote_names_its_author(clip_page, server):
    """The epigraph is Jacques Ellul's (added by the blog, see noms/ellul): not Rigouste's."""
    page = clip_page
    page.goto(server + "/texte/")
    page.evaluate("""() => {
      const p = document.querySelector('#epigraphe').closest('blockquote').querySelector('p');
      const r = document.createRange();
      r.setStart(p.firstChild, 2);
      r.setEnd(p.firstChild, p.firstChild.data.indexOf(' policières') + 11);
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    }""")
    text, url = _copy_quote(page)
    assert text == ("« Les techniques policières » — Jacques Ellul, "
                    "La Technique ou l’Enjeu du siècle, 1954 (épigraphe)")
    assert url == SITE_URL + "texte/#:~:text=" + _fragment(["Les", "techniques", "policières"])
    # The whole quotation, with its own guillemets: not wrapped in a second pair.
    page.evaluate("""() => {
      const r = document.createRange();
      r.selectNodeContents(document.querySelector('#epigraphe').closest('blockquote').querySelector('p'));
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    }""")
    text, _ = _copy_quote(page)
    assert text.startswith("« Les techniques policières, qui se") and "« «" not in text, text
    assert text.endswith("en camp de concentration. » — Jacques Ellul, La Technique ou l’Enjeu du "
                         "siècle, 1954 (épigraphe)"), text


def test_no_quote_control_outside_the_passage(page, server):
    page.goto(server + "/texte/")
    page.evaluate("""() => {
      const p = document.getElementById('cadre'), r = document.createRange();
      r.selectNodeContents(p);
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    }""")
    page.wait_for_timeout(500)
    expect(page.get_by_role("button", name="Copier la citation")).to_be_hidden()
    expect(page.get_by_role("button", name="Image de la citation")).to_be_hidden()


def _download_image(page) -> tuple[str, Image.Image]:
    with page.expect_download() as info:
        page.get_by_role("button", name="Image de la citation").click()
    download = info.value
    data = open(download.path(), "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    return download.suggested_filename, Image.open(io.BytesIO(data))


def test_quote_image(page, server):
    page.goto(server + "/texte/")
    page.evaluate(SELECT_WORDS, ["p5", 2, 8])
    name, short = _download_image(page)
    assert name == "citation-safe-city-edition-annotee-p5.png"  # extra.edition.files
    assert short.format == "PNG" and short.size == (1200, 630)
    expect(page.get_by_role("status")).to_have_text("Image téléchargée")
    colours = short.convert("RGB").getcolors(1200 * 630)
    assert len(colours) > 20, f"{len(colours)} colours: a blank image?"
    # Dark (text) pixels: more than the accent bar alone, less than a filled page.
    dark = sum(n for n, (r, g, b) in colours if r + g + b < 200)
    assert 5_000 < dark < 300_000, dark

    # Another quote, a very long one (a whole paragraph): another image, same size.
    page.evaluate("""() => {
      const r = document.createRange();
      r.selectNodeContents(document.getElementById('p2'));
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    }""")
    name, long = _download_image(page)
    assert name == "citation-safe-city-edition-annotee-p2.png" and long.size == (1200, 630)
    assert long.convert("RGB").tobytes() != short.convert("RGB").tobytes()


@pytest.mark.parametrize("where", ["top", "bottom"])
def test_quote_controls_on_a_phone(browser, server, where):
    """360 px, touch: both controls are buttons on screen, whether the selection is near the
    top of the window or at its bottom edge, and at the right end of a line."""
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740},
                              has_touch=True, is_mobile=True)
    local_only(ctx, server)
    page = ctx.new_page()
    try:
        page.goto(server + "/texte/")
        page.evaluate("""where => {
          const p = document.getElementById('p5');
          p.scrollIntoView({block: where === 'top' ? 'start' : 'end'});
          if (where === 'top') scrollBy(0, -200);
        }""", where)
        page.evaluate(SELECT_WORDS, ["p5", 0, 16] if where == "top" else ["p5", 14, 16])
        if where == "bottom":  # the last words of the paragraph, at the window's bottom edge
            page.evaluate("""() => {
              const p = document.getElementById('p5'), t = [...p.childNodes].filter(n => n.nodeType === 3).pop();
              const r = document.createRange();
              r.setStart(t, Math.max(0, t.data.trimEnd().length - 20));
              r.setEnd(t, t.data.trimEnd().length);
              getSelection().removeAllRanges();
              getSelection().addRange(r);
              const b = r.getBoundingClientRect();
              scrollBy(0, b.bottom - innerHeight + 4);
            }""")
            page.evaluate("() => getSelection().addRange(getSelection().getRangeAt(0))")
        for name in (re.compile("^(Copier|Partager) la citation$"), "Image de la citation"):
            button = page.get_by_role("button", name=name)
            expect(button).to_be_visible()
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (name, box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= 740, (name, box)
            assert box["height"] >= 24 and box["width"] >= 24, (name, box)
    finally:
        ctx.close()


def test_quote_controls_by_keyboard(clip_page, server):
    """The controls follow the selected paragraph in the tab order; Enter copies; Escape hides."""
    page = clip_page
    page.goto(server + "/texte/")
    selected = page.evaluate(SELECT_WORDS, ["p6", 2, 6])
    expect(page.get_by_role("button", name="Copier la citation")).to_be_visible()
    page.evaluate("() => document.querySelector('#p6 .ed-share').focus()")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Copier la citation":
            break
    else:
        raise AssertionError("Tab does not reach « Copier la citation » after § 6")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Citation copiée")
    assert _clipboard(page).startswith(f"« {selected} » — {BYLINE}, § 6\n")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Image de la citation"
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Image de la citation")).to_be_hidden()


def test_text_fragment_scrolls_into_view(page, server):
    page.goto(server + "/texte/")
    assert not page.evaluate(IN_VIEWPORT, "p6"), "§6 is already in view at the top of the page"
    words = page.evaluate(PARAGRAPH_WORDS, "p6")[8:14]
    fragment = quote(" ".join(words), safe="").replace("-", "%2D")
    page.goto("about:blank")
    page.goto(server + "/texte/#:~:text=" + fragment)
    page.wait_for_function(IN_VIEWPORT, arg="p6", timeout=5000)
    assert page.evaluate("scrollY") > 0
