"""Accessibility in a real browser (Debian's Chromium; fixtures: tests/conftest.py).

- axe-core (axe-playwright-python) on every built page, in the light and in the dark palette:
  no violation of the WCAG 2.0/2.1/2.2 A and AA rules; the open preview is checked too;
- landmarks (banner, navigation, main, contentinfo) and headings in order on every page;
- a working skip link; every element reachable by Tab on the text page shows a focus ring and
  is not hidden under the sticky header; every visible control of the page is in the Tab order;
- previews are announced: the note call's accessible name is « Note 3 », its description is the
  note, and the popover has the role tooltip.

The palette is chosen the way a reader's system chooses it: mkdocs.yml's first palette entry
follows `prefers-color-scheme`, so each pass emulates the light or the dark system setting.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from helpers import built_pages, page_url, local_only


def _pages(site_dir):
    """Every built page, and the page shown for a missing address."""
    extra = [site_dir / "404.html"] if (site_dir / "404.html").is_file() else []
    return built_pages(site_dir) + extra

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
PALETTES = {"light": "default", "dark": "slate"}  # emulated system setting -> Material scheme
TEXT_PAGE = "/texte/"
NOTE_CALL = "sup#appel-3 a"
ENTRY_REF = "a#ref-csu"
ECART_MARKER = "a.ed-ref--ecart"  # a finding of the edition (edition.ecarts)

# Landmarks and headings, read in the page in one go.
STRUCTURE_JS = """() => {
  const visible = el => el.checkVisibility ? el.checkVisibility() : !!el.offsetParent;
  const sectioning = 'article, aside, main, nav, section';
  const top = sel => [...document.querySelectorAll(sel)].filter(e => !e.parentElement.closest(sectioning));
  const label = el => el.getAttribute('aria-label')
      || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).map(i => document.getElementById(i)?.textContent || '').join(' ').trim();
  const article = document.querySelector('main article') || document.querySelector('main');
  return {
    banner: top('header, [role=banner]').length,
    main: document.querySelectorAll('main, [role=main]').length,
    contentinfo: top('footer, [role=contentinfo]').length,
    navs: [...document.querySelectorAll('nav, [role=navigation]')].map(n => ({label: label(n), visible: visible(n)})),
    lang: document.documentElement.lang,
    headings: article ? [...article.querySelectorAll('h1, h2, h3, h4, h5, h6')]
        .filter(visible).map(h => [Number(h.tagName[1]), h.textContent.replace(/[#\\s]+$/, '').trim()]) : null,
  };
}"""


def _axe_script() -> str:
    try:
        from axe_playwright_python.base import AXE_SCRIPT
    except ImportError as exc:  # pragma: no cover - the lock installs it
        pytest.fail(f"axe-playwright-python is not installed: {exc}", pytrace=False)
    return AXE_SCRIPT


def _run_axe(page, context=None) -> list[dict]:
    args = {"options": AXE_OPTIONS, "context": context}
    return page.evaluate(
        "({options, context}) => axe.run(context || document, options).then(r => r.violations)", args)


def _describe(violations: list[dict], where: str) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
            why = "; ".join(c["message"] for c in checks if c.get("message"))
            lines.append(f"    {' '.join(map(str, node['target']))}\n      {node['html'][:160]}\n      {why}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more elements")
    return lines


def _audit_pass(browser, server: str, site_dir, palette: str) -> dict:
    """One pass over every built page in one palette: axe's violations and the page structure.
    The text page is checked again with each kind of preview open."""
    scheme = PALETTES[palette]
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800},
                                  color_scheme=palette)
    context.set_default_timeout(30_000)
    local_only(context, server)
    context.add_init_script(script=_axe_script())
    page = context.new_page()
    pages = {}
    try:
        for path in _pages(site_dir):
            url = page_url(site_dir, path)
            page.goto(server + url, wait_until="load")
            # Material applies the palette from its script: wait until it has.
            page.wait_for_function(
                "s => document.body.dataset.mdColorScheme === s && document.body.dataset.mdColorPrimary !== 'indigo'",
                arg=scheme)
            result = {"violations": _run_axe(page), "structure": page.evaluate(STRUCTURE_JS)}
            if url == TEXT_PAGE:
                for selector in (NOTE_CALL, ENTRY_REF, ECART_MARKER):
                    page.focus(selector)
                    page.wait_for_selector("#ed-popover", state="visible")
                    result["violations"] += [dict(v, id=f"{v['id']} (preview of {selector})")
                                             for v in _run_axe(page, "#ed-popover")]
                    page.keyboard.press("Escape")
            pages[url] = result
    finally:
        context.close()
    return pages


@pytest.fixture(scope="module", params=list(PALETTES), ids=list(PALETTES))
def audit(request, browser, server, site_dir):
    """(palette, {url: result}) for one palette; each palette is audited once per module."""
    return request.param, _audit_pass(browser, server, site_dir, request.param)


def test_axe_wcag_a_aa(audit):
    palette, pages = audit
    assert len(pages) > 10, f"only {len(pages)} pages were audited"
    report = []
    for url, result in pages.items():
        report += _describe(result["violations"], f"{url} ({palette})")
    assert not report, (f"axe-core finds WCAG A/AA violations in the {palette} palette:\n"
                        + "\n".join(report))


def test_landmarks_and_headings(audit):
    palette, pages = audit  # checked in both passes: the palette script must not change it
    problems = []
    for url, result in pages.items():
        s = result["structure"]
        if s["lang"] != "fr":
            problems.append(f"{url}: <html lang> is {s['lang']!r}, not 'fr'")
        for name in ("banner", "main", "contentinfo"):
            if s[name] != 1:
                problems.append(f"{url}: {s[name]} '{name}' landmarks (expected exactly 1)")
        navs = [n for n in s["navs"] if n["visible"]]
        if not navs:
            problems.append(f"{url}: no visible navigation landmark")
        unlabelled = [n for n in s["navs"] if not n["label"]]
        if len(s["navs"]) > 1 and unlabelled:
            problems.append(f"{url}: {len(unlabelled)} of {len(s['navs'])} <nav> have no label")
        headings = s["headings"] or []
        if not headings or headings[0][0] != 1:
            problems.append(f"{url}: the article does not start with an h1: {headings[:2]}")
        if sum(1 for level, _ in headings if level == 1) != 1:
            problems.append(f"{url}: {sum(1 for lv, _ in headings if lv == 1)} h1 in the article")
        for (prev, _), (level, text) in zip(headings, headings[1:]):
            if level > prev + 1:
                problems.append(f"{url}: h{prev} followed by h{level} « {text} » (a level is skipped)")
        empty = [lv for lv, text in headings if not text]
        if empty:
            problems.append(f"{url}: empty heading(s) h{empty}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- keyboard

def test_skip_link(page, server):
    page.goto(server + TEXT_PAGE)
    page.keyboard.press("Tab")
    skip = page.locator(".md-skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["width"] > 10, f"the focused skip link is off screen: {box}"
    # fully shown once its transition is over
    page.wait_for_function("getComputedStyle(document.querySelector('.md-skip')).opacity === '1'")
    expect(skip).to_have_accessible_name(re.compile(r"\w"))
    target = skip.get_attribute("href")
    assert target.startswith("#") and page.locator(f"main {target}").count() == 1, (
        f"the skip link points to {target}, which is not in <main>")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), (
        "after the skip link, Tab does not continue inside the main content but on "
        + page.evaluate("document.activeElement.outerHTML.slice(0, 120)"))


SIGNATURE_JS = """el => {
  // a visually hidden control (Material's palette radios) shows its focus on the label after it
  const parts = [el];
  if (el.id) parts.push(...document.querySelectorAll(`label[for="${CSS.escape(el.id)}"]`));
  if (el.nextElementSibling && el.nextElementSibling.tagName === 'LABEL') parts.push(el.nextElementSibling);
  return parts.map(e => { const s = getComputedStyle(e);
    return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1
                     ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : '',
            shadow: s.boxShadow, background: s.backgroundColor, border: s.borderBottomColor}; });
}"""

FOCUSED_JS = """n => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (!el.dataset.tabIndexSeen) el.dataset.tabIndexSeen = n;
  // The element (or, if visually hidden, the label after it) must not be entirely covered
  // by something else, such as the sticky header (WCAG 2.4.11): probe its centre and corners.
  let probe = el;
  const r = el.getBoundingClientRect();
  if ((r.width < 2 || r.height < 2) && el.nextElementSibling && el.nextElementSibling.tagName === 'LABEL')
    probe = el.nextElementSibling;
  const p = probe.getBoundingClientRect();
  const points = [[p.left + p.width / 2, p.top + p.height / 2], [p.left + 2, p.top + 2],
                  [p.right - 2, p.top + 2], [p.left + 2, p.bottom - 2], [p.right - 2, p.bottom - 2]]
      .filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
  const mine = t => t && (probe.contains(t) || t.contains(probe) || el.contains(t));
  const cover = points.map(([x, y]) => document.elementFromPoint(x, y)).filter(t => !mine(t));
  const obscured = p.width >= 4 && p.height >= 4 && points.length > 0 && cover.length === points.length
      ? cover.map(t => t ? `${t.tagName.toLowerCase()}${t.id ? '#' + t.id : ''}.${String(t.className).split(' ')[0]}` : 'nothing')[0] : '';
  return {n: Number(el.dataset.tabIndexSeen),
          desc: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} « ${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40)} »`,
          obscured, sig: (%s)(el)};
}""" % SIGNATURE_JS


def test_keyboard_focus_is_visible_and_complete(page, server):
    """Tab through the whole text page: each stop shows a ring and is not hidden; every
    visible link, button and field is among the stops."""
    page.goto(server + TEXT_PAGE)
    page.mouse.move(640, 790)
    stops, seen = [], set()
    for n in range(1, 600):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED_JS, n)
        if info is None:
            continue
        if info["obscured"]:  # perhaps something fading out (Material's search overlay): look again
            page.wait_for_timeout(400)
            info["obscured"] = page.evaluate(FOCUSED_JS, n)["obscured"]
        if info["n"] in seen:  # Tab came round again
            break
        seen.add(info["n"])
        stops.append(info)
    assert len(stops) > 20, f"only {len(stops)} Tab stops on {TEXT_PAGE}"
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(300)
    rest = page.evaluate(f"""() => [...document.querySelectorAll('[data-tab-index-seen]')]
        .map(el => [Number(el.dataset.tabIndexSeen), ({SIGNATURE_JS})(el)])""")
    unfocused = {n: sig for n, sig in rest}
    no_ring, hidden = [], []
    for stop in stops:
        before = unfocused[stop["n"]]
        after = stop["sig"]
        ring = any(a["outline"] and a["outline"] != b["outline"] for a, b in zip(after, before))
        other = any(a["shadow"] != b["shadow"] or a["background"] != b["background"]
                    for a, b in zip(after, before))
        if not (ring or other):
            no_ring.append(stop["desc"])
        if stop["obscured"]:
            hidden.append(f"{stop['desc']} (under {stop['obscured']})")
    missing = page.evaluate("""() => [...document.querySelectorAll(
            'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
        .filter(el => el.tabIndex >= 0 && !el.disabled && !el.dataset.tabIndexSeen)
        .filter(el => { const r = el.getBoundingClientRect();
            return r.width > 1 && r.height > 1 && el.checkVisibility({opacityProperty: true, visibilityProperty: true}); })
        .filter(el => !(el.type === 'radio' && el.name && !el.checked))
        .map(el => el.outerHTML.slice(0, 140))""")
    problems = ([f"no visible focus indicator: {d}" for d in no_ring]
                + [f"focused but covered by another element: {d}" for d in hidden]
                + [f"visible but not reachable with Tab: {d}" for d in missing])
    assert not problems, f"{len(stops)} Tab stops on {TEXT_PAGE}:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- previews announced

def _note_text(page, n: str) -> str:
    """The note as the reader sees it in the list of notes, without the links the edition adds."""
    return page.evaluate("""n => {
        const p = document.querySelector(`li#note-${n} p`).cloneNode(true);
        p.querySelectorAll('.footnote-backref, .ed-note-more').forEach(e => e.remove());
        return p.textContent.replace(/\\s+/g, ' ').replace(/\\s*\\(archive\\)/g, '').trim();
    }""", n)


def test_previews_are_announced(page, server):
    page.goto(server + TEXT_PAGE)
    # (note 2: a note in words; the preview of note 3, a bare address, gives its reference)
    call = page.locator("sup#appel-2 a")
    expect(call).to_have_accessible_name("Note 2")
    expect(call).to_have_role("link")
    note = _note_text(page, "2")
    assert len(note) > 10, f"the text of note 3 was not found: {note!r}"
    description = page.evaluate(
        "s => document.getElementById(document.querySelector(s).getAttribute('aria-describedby'))"
        ".textContent.replace(/\\s+/g, ' ').trim()", "sup#appel-2 a")
    assert note in description, f"description {description!r} lacks the note {note!r}"
    expect(call).to_have_accessible_description(description)

    entry = page.locator(ENTRY_REF)
    expect(entry).to_have_accessible_name(re.compile("supervision urbain", re.I))
    expect(entry).to_have_accessible_description(
        re.compile(r"Salle municipale .*caméras", re.S))

    call.focus()
    popover = page.locator("#ed-popover")
    expect(popover).to_be_visible()
    expect(popover).to_have_role("tooltip")
    assert note in re.sub(r"\s+", " ", popover.text_content())


@pytest.mark.parametrize("width", [375, 1280])
def test_paragraph_numbers_are_large_enough_to_hit(page, server, width):
    """The margin numbers are links on their own, away from the text: at least 24 × 24 px
    (WCAG 2.5.8)."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(server + TEXT_PAGE)
    sizes = page.eval_on_selector_all(
        ".ed-parnum", "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.getAttribute('href'), Math.round(r.width), Math.round(r.height)]; })")
    assert sizes, "no paragraph number on the text page"
    small = [s for s in sizes if s[1] < 24 or s[2] < 24]
    assert not small, f"paragraph numbers smaller than 24 × 24 px at {width} px: {small}"


# --------------------------------------------------------------------------- reading modes

@pytest.mark.parametrize("palette", list(PALETTES))
@pytest.mark.parametrize("mode", ["toutes", "premieres", "aucune"])
def test_axe_in_each_reading_mode(browser, server, palette, mode):
    """The text page in each reading mode (« Annotations »), chosen with its control, in each
    palette: no WCAG A/AA violation (the control itself included)."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740},
                                  color_scheme=palette, has_touch=True, is_mobile=True)
    local_only(context, server)
    context.add_init_script(script=_axe_script())
    try:
        page = context.new_page()
        page.goto(server + TEXT_PAGE)
        page.wait_for_function("s => document.body.dataset.mdColorScheme === s", arg=PALETTES[palette])
        page.locator(f".ed-annotations input[value={mode}]").check()
        assert page.evaluate("document.documentElement.dataset.edAnnotations") == mode
        report = _describe(_run_axe(page), f"{TEXT_PAGE} ({palette}, annotations: {mode})")
        assert not report, "\n".join(report)
    finally:
        context.close()
