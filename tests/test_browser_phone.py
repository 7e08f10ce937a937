"""A reader on a phone (issue 13), in Debian's Chromium (fixtures: tests/conftest.py).

- every preview (each marked word and note call of the text page, of a note page and of an
  entry page) opens on screen: tapped at 320, 360 and 414 px wide with touch, hovered at
  1280 × 800 with a mouse, with the word at the top, the middle and the bottom of the window;
  Tab reaches each one and Escape closes it;
- on touch: one tap opens, the preview's link goes on, the close button (44 px) and a tap
  outside close it, and the focus goes back to the word;
- reading modes « toutes · premières mentions · aucune »: how many entry links the text
  shows in each, the choice kept across a reload (no cookie), the default without JavaScript,
  a later mention still reached and highlighted by its backlink;
- the page on a phone: characters per line measured from the rendered lines, the note calls'
  targets, the passage on the first screen, the table of contents, the header's title, the
  list pages' first entries, the copy label gone after a tap.
"""

from __future__ import annotations

import re
import statistics
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from helpers import local_only

TEXT = "/texte/"
PREVIEWING = "article a.ed-ref[href][aria-describedby]"
PHONES = {"320": (320, 640), "360": (360, 740), "414": (414, 896)}
SPOTS = {"top": 0.2, "middle": 0.5, "bottom": 0.88}
ANNOTATIONS_KEY = "edition.annotations"


def _context(browser, server, width, height, touch, mode=None, js=True):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height},
                              has_touch=touch, is_mobile=touch, java_script_enabled=js)
    ctx.set_default_timeout(15_000)
    local_only(ctx, server)
    if mode:
        ctx.add_init_script(f"try {{ localStorage.setItem('{ANNOTATIONS_KEY}', '{mode}') }} catch (e) {{}}")
    return ctx


# Put the word's first line at a given height of the window (as near as the page allows)
# and give back where to touch it.
AIM_JS = """async ([selector, i, fraction]) => {
  const el = document.querySelectorAll(selector)[i];
  const r0 = el.getClientRects()[0];
  window.scrollBy(0, r0.top + r0.height / 2 - innerHeight * fraction);
  await new Promise(go => requestAnimationFrame(() => requestAnimationFrame(go)));
  const r = el.getClientRects()[0];
  return {x: r.left + Math.min(r.width / 2, 8), y: r.top + r.height / 2,
          label: (el.getAttribute('aria-label') || el.textContent).trim().slice(0, 30),
          preview: document.getElementById(el.getAttribute('aria-describedby')).textContent
                     .replace(/\\s+/g, ' ').trim().slice(0, 40)};
}"""

POPOVER_JS = """() => {
  const p = document.getElementById('ed-popover');
  if (!p || p.hidden) return null;
  const r = p.getBoundingClientRect(), s = getComputedStyle(p);
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          visible: s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0,
          text: p.textContent.replace(/\\s+/g, ' ').trim()};
}"""


def _check_previews(page, path, touch, width, height):
    """Tap (touch) or hover (mouse) every previewing link of PATH at each spot; return problems."""
    problems = []
    count = page.locator(PREVIEWING).count()
    assert count > 0, f"{path}: no previewing link"
    for i in range(count):
        for spot, fraction in SPOTS.items():
            aim = page.evaluate(AIM_JS, [PREVIEWING, i, fraction])
            if touch:
                page.touchscreen.tap(aim["x"], aim["y"])
            else:
                page.mouse.move(aim["x"], aim["y"])
            try:
                page.wait_for_function("() => { const p = document.getElementById('ed-popover');"
                                       " return p && !p.hidden; }", timeout=2_000)
            except Exception:
                problems.append(f"{path} {width}px {spot}: « {aim['label']} » opened nothing")
                continue
            box = page.evaluate(POPOVER_JS)
            where = f"{path} {width}×{height} {spot}: « {aim['label']} »"
            if urlsplit(page.url).path != path:
                problems.append(f"{where}: the tap left the page for {page.url}")
                page.goto(page.url.split("#")[0].replace(urlsplit(page.url).path, path))
                continue
            if not box or not box["visible"]:
                problems.append(f"{where}: preview not visible")
            elif (box["left"] < -0.5 or box["top"] < -0.5 or box["right"] > width + 0.5
                  or box["bottom"] > height + 0.5):
                problems.append(f"{where}: preview off screen {box}")
            elif aim["preview"][:20] not in box["text"]:
                problems.append(f"{where}: preview shows {box['text'][:40]!r}, not {aim['preview']!r}")
            page.keyboard.press("Escape")
            if touch is False:
                page.mouse.move(1, height - 1)
            page.wait_for_function("() => document.getElementById('ed-popover').hidden")
    return problems


@pytest.mark.parametrize("size", list(PHONES), ids=[f"{w}px-touch" for w in PHONES])
def test_previews_stay_on_screen_when_tapped(browser, server, size):
    width, height = PHONES[size]
    ctx = _context(browser, server, width, height, touch=True, mode="toutes")
    try:
        page = ctx.new_page()
        problems = []
        paths = [TEXT, "/notes/3/", "/glossaire/csu/"] if size == "360" else [TEXT]
        for path in paths:
            page.goto(server + path)
            problems += _check_previews(page, path, True, width, height)
        assert not problems, f"{len(problems)} previews not on screen:\n" + "\n".join(problems[:30])
    finally:
        ctx.close()


def test_previews_stay_on_screen_when_hovered(browser, server):
    ctx = _context(browser, server, 1280, 800, touch=False, mode="toutes")
    try:
        page = ctx.new_page()
        problems = []
        for path in (TEXT, "/notes/3/", "/glossaire/csu/"):
            page.goto(server + path)
            problems += _check_previews(page, path, False, 1280, 800)
        assert not problems, f"{len(problems)} previews not on screen:\n" + "\n".join(problems[:30])
    finally:
        ctx.close()


def test_tab_opens_each_preview_and_escape_closes_it(browser, server):
    ctx = _context(browser, server, 1280, 800, touch=False, mode="toutes")
    try:
        page = ctx.new_page()
        page.goto(server + TEXT)
        total = page.locator(PREVIEWING).count()
        seen, problems = set(), []
        for _ in range(400):
            page.keyboard.press("Tab")
            info = page.evaluate("""s => { const a = document.activeElement;
                return a && a.matches(s) ? a.id || a.parentElement.id : null; }""", PREVIEWING)
            if info is None:
                if seen and not page.evaluate("!!document.activeElement.closest('article')"):
                    break
                continue
            box = page.evaluate(POPOVER_JS)
            if not box or not box["visible"]:
                problems.append(f"#{info}: no preview on focus")
            elif box["top"] < 0 or box["bottom"] > 800 or box["left"] < 0 or box["right"] > 1280:
                problems.append(f"#{info}: preview off screen {box}")
            page.keyboard.press("Escape")
            if not page.evaluate("document.getElementById('ed-popover').hidden"):
                problems.append(f"#{info}: Escape does not close the preview")
            if page.evaluate("document.activeElement.id || document.activeElement.parentElement.id") != info:
                problems.append(f"#{info}: Escape loses the focus")
            seen.add(info)
        assert len(seen) == total, f"Tab reached {len(seen)} of {total} previewing links"
        assert not problems, "\n".join(problems)
    finally:
        ctx.close()


@pytest.fixture
def phone(browser, server):
    ctx = _context(browser, server, 360, 740, touch=True)
    yield ctx.new_page()
    ctx.close()


def test_one_tap_opens_a_sheet_that_closes_and_goes_on(phone, server):
    page = phone
    page.goto(server + TEXT)
    popover = page.locator("#ed-popover")
    call = page.locator("sup#appel-3 a")
    call.scroll_into_view_if_needed()
    call.tap()
    expect(popover).to_be_visible()
    assert urlsplit(page.url).path == TEXT
    more = popover.locator("a.ed-popover__more")
    expect(more).to_have_text(re.compile(r"^Lire la note 3"))
    close = popover.get_by_role("button", name="Fermer l’aperçu")
    size = close.bounding_box()
    assert size["width"] >= 44 and size["height"] >= 44, f"close button {size}"
    close.tap()
    expect(popover).to_be_hidden()
    expect(call).to_be_focused()
    # A tap outside closes it too, and the reader keeps their place.
    call.tap()
    expect(popover).to_be_visible()
    page.touchscreen.tap(180, 120)
    expect(popover).to_be_hidden()
    assert urlsplit(page.url).path == TEXT
    # An entry: « Voir l’entrée »; a second tap on the word goes to it.
    entry = page.locator("a#ref-csu")
    entry.scroll_into_view_if_needed()
    entry.tap()
    expect(popover).to_be_visible()
    expect(popover.locator("a.ed-popover__more")).to_have_text(re.compile(r"^Voir l’entrée"))
    entry.tap()
    page.wait_for_url(re.compile(r"/glossaire/csu/$"))


def test_note_preview_shows_the_editions_finding(phone, server):
    page = phone
    page.goto(server + TEXT)
    call = page.locator("sup#appel-3 a")
    call.scroll_into_view_if_needed()
    call.tap()
    text = re.sub(r"\s+", " ", page.locator("#ed-popover").text_content())
    assert "L’édition :" in text, text
    assert "http://" not in text, f"the preview of an address-only note shows the bare address: {text}"


# --------------------------------------------------------------------------- reading modes

COUNT_JS = """() => [...document.querySelectorAll('article .ed-ref--glossaire, article .ed-ref--noms')]
  .filter(e => e.matches('a[href]') && getComputedStyle(e).textDecorationLine.includes('underline')).length"""


def _choose(page, label):
    page.locator(".ed-annotations label", has_text=re.compile(f"^{label}$")).click()


def test_reading_modes_count_links_and_are_remembered(browser, server):
    ctx = _context(browser, server, 1280, 800, touch=False)
    try:
        page = ctx.new_page()
        page.goto(server + TEXT)
        marks = page.locator("article .ed-ref--glossaire, article .ed-ref--noms")
        total = marks.count()
        distinct = len(set(marks.evaluate_all("els => els.map(e => e.getAttribute('aria-describedby'))")))
        assert total > distinct > 10, (total, distinct)
        group = page.get_by_role("group", name="Annotations")
        expect(group).to_be_visible()
        expect(group.get_by_role("radio", name="premières mentions")).to_be_checked()
        assert page.evaluate(COUNT_JS) == distinct, "by default, each entry is a link once"
        _choose(page, "toutes")
        assert page.evaluate(COUNT_JS) == total
        _choose(page, "aucune")
        assert page.evaluate(COUNT_JS) == 0
        assert page.locator("article sup a.ed-ref--notes[href]").count() == 9, "note calls stay"
        page.reload()
        expect(page.get_by_role("radio", name="aucune")).to_be_checked()
        assert page.evaluate(COUNT_JS) == 0, "the choice does not survive a reload"
        # By keyboard: arrows move the choice.
        page.get_by_role("radio", name="aucune").focus()
        page.keyboard.press("ArrowLeft")
        expect(page.get_by_role("radio", name="premières mentions")).to_be_checked()
        assert page.evaluate(COUNT_JS) == distinct
        assert ctx.cookies() == [], "the choice is kept without cookies"
        # A backlink to a later mention still lands on it and highlights it.
        page.goto(server + TEXT + "#ref-safe-city-2")
        bg = page.evaluate("getComputedStyle(document.getElementById('ref-safe-city-2')).backgroundColor")
        assert bg not in ("rgba(0, 0, 0, 0)", "transparent"), "the later mention is not highlighted"
    finally:
        ctx.close()


def test_without_javascript_the_default_applies(browser, server):
    ctx = _context(browser, server, 360, 740, touch=True, js=False)
    try:
        page = ctx.new_page()
        page.goto(server + TEXT)
        links = page.locator("article a.ed-ref--glossaire[href], article a.ed-ref--noms[href]")
        keys = links.evaluate_all("els => els.map(e => e.getAttribute('aria-describedby'))")
        assert keys and len(keys) == len(set(keys)), "without JavaScript, each entry is a link once"
        assert page.locator("article span.ed-ref[id]").count() > 0
    finally:
        ctx.close()


# --------------------------------------------------------------------------- the page on a phone

# Characters of each rendered line of the passage (letters, spaces and signs, as laid out),
# the last line of each paragraph left out.
LINES_JS = """() => {
  const out = [];
  for (const p of document.querySelectorAll('article p.ed-par')) {
    const lines = new Map(), walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      if (n.parentElement.closest('.ed-parnum, .ed-share, .ed-sr, sup')) continue;
      for (let i = 0; i < n.data.length; i++) {
        const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
        const rect = r.getClientRects()[0];
        if (!rect || !rect.width) continue;
        const key = [...lines.keys()].find(k => Math.abs(k - rect.bottom) < 4) ?? rect.bottom;
        lines.set(key, (lines.get(key) || 0) + 1);
      }
    }
    out.push(...[...lines.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]).slice(0, -1));
  }
  return out;
}"""


def test_lines_hold_at_least_38_characters_at_360px(phone, server):
    page = phone
    page.goto(server + TEXT)
    counts = page.evaluate(LINES_JS)
    assert len(counts) > 50, counts
    median = statistics.median(counts)
    assert median >= 38, f"median {median} characters per line at 360 px: {sorted(counts)}"
    hyphens = page.evaluate("getComputedStyle(document.querySelector('p.ed-par')).hyphens")
    assert hyphens == "auto"
    assert page.evaluate("document.documentElement.lang") == "fr"


def test_note_calls_reach_24px_without_spacing_the_lines(phone, server):
    page = phone
    page.goto(server + TEXT)
    result = page.evaluate("""() => {
      const bad = [], calls = [...document.querySelectorAll('article sup a.ed-ref--notes, a#appel-asterisque')];
      for (const a of calls) {
        a.scrollIntoView({block: 'center'});
        const r = a.getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
        for (const [dx, dy] of [[-11, -11], [11, -11], [-11, 11], [11, 11], [0, 0]]) {
          const hit = document.elementFromPoint(cx + dx, cy + dy);
          if (!hit || hit.closest('a') !== a) { bad.push(`${a.textContent} at ${dx},${dy}: ${hit && hit.outerHTML.slice(0, 60)}`); break; }
        }
      }
      // line spacing: each paragraph is exactly as tall as its lines at the paragraph's
      // line height (a call or a number that pushed its line apart would add to it)
      const uneven = [];
      for (const p of document.querySelectorAll('article p.ed-par')) {
        const bottoms = [], walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        let n;
        while ((n = walker.nextNode())) {
          if (n.parentElement.closest('.ed-parnum, .ed-share, sup')) continue;
          const r = document.createRange(); r.selectNodeContents(n);
          for (const x of r.getClientRects()) if (x.width && !bottoms.some(b => Math.abs(b - x.bottom) < 8)) bottoms.push(x.bottom);
        }
        const s = getComputedStyle(p), lh = parseFloat(s.lineHeight);
        const height = p.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
        if (Math.abs(height - bottoms.length * lh) > 2) uneven.push(`${p.id}: ${bottoms.length} lines of ${lh} px in ${height} px`);
      }
      return {count: calls.length, bad, uneven};
    }""")
    assert result["count"] == 10
    assert not result["bad"], "note calls smaller than 24 × 24 px to the thumb:\n" + "\n".join(result["bad"])
    assert not result["uneven"], "uneven line spacing:\n" + "\n".join(result["uneven"])


@pytest.mark.parametrize("size", ["360", "414"])
def test_passage_starts_on_the_first_screen(browser, server, size):
    width, height = PHONES[size]
    ctx = _context(browser, server, width, height, touch=True)
    try:
        page = ctx.new_page()
        page.goto(server + TEXT)
        top = page.evaluate("document.getElementById('p1').getBoundingClientRect().top")
        assert top + 30 < height, f"§ 1 starts at {top} px, below the {height} px screen"
        title = page.locator(".md-header__topic:first-child .md-ellipsis")
        assert page.evaluate("e => e.scrollWidth <= e.clientWidth + 1", title.element_handle()), (
            "the site's name is cut in the header")
        expect(title).to_have_text("Safe City, édition annotée")
    finally:
        ctx.close()


def test_table_of_contents_lists_paragraphs_and_notes(page, server):
    page.goto(server + TEXT)
    toc = page.locator("nav.md-nav--secondary").first
    hrefs = toc.locator("a.md-nav__link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert [h for h in hrefs if re.fullmatch(r"#p\d", h)] == [f"#p{i}" for i in range(1, 8)], hrefs
    assert "#notes" in hrefs
    label = re.sub(r"\s+", " ", toc.locator('a[href="#p3"]').text_content()).strip()
    assert label.startswith("§ 3 Ce processus"), label


@pytest.mark.parametrize("path, first", [
    ("/notes/", ".ed-notes-list li a"),
    ("/glossaire/", "dl.ed-entries dt a"),
    ("/noms/", "dl.ed-entries dt a"),
    ("/bibliographie/", "ul.ed-bibliography li"),
])
def test_list_pages_show_their_first_entries_on_the_first_screen(phone, server, path, first):
    phone.goto(server + path)
    bottom = phone.locator(first).first.evaluate("e => e.getBoundingClientRect().bottom")
    assert bottom < 740, f"{path}: the first entry ends at {bottom} px, below the screen"


def test_copy_label_is_gone_after_a_tap(phone, server):
    page = phone
    page.goto(server + TEXT)
    button = page.locator("#p3 .ed-share")
    button.scroll_into_view_if_needed()
    assert button.get_attribute("title") is None, "a title would stay over the text on touch"
    button.tap()
    toast = page.locator(".ed-toast")
    expect(toast).to_have_class(re.compile("is-on"))
    page.wait_for_timeout(2_300)
    expect(toast).not_to_have_class(re.compile("is-on"))
    # The quote control: after it is used, it does not stay over the text.
    page.evaluate("""() => { const t = [...document.querySelector('#p3').childNodes]  // its longest run of text
            .filter(n => n.nodeType === 3).sort((a, b) => b.length - a.length)[0];
        const r = document.createRange(); r.setStart(t, 5); r.setEnd(t, 40);
        getSelection().removeAllRanges(); getSelection().addRange(r); }""")
    quote = page.locator(".ed-quote")
    expect(quote).to_be_visible()
    quote.tap()
    page.wait_for_timeout(2_300)
    expect(quote).to_be_hidden()
    assert not page.get_by_text(re.compile("Copier le lien")).filter(visible=True).count()


def test_footer_credit_is_in_french(page, server):
    page.goto(server + "/")
    footer = page.locator(".md-copyright")
    expect(footer).to_contain_text("Réalisé avec")
    expect(footer).not_to_contain_text("Made with")
