"""The fact-check layer and the versioned edition (issue 17), as a reader finds them.

- Every ≠ marker of the text has its finding (its preview) and its line on the page « Écarts
  entre le texte et ses sources », and every line of that page has its marker in the text,
  in the same order; each line says what the passage says, what the sources say, a verdict
  and the sources, and links to the note or entry that proves it.
- The markers are reached by keyboard (Tab opens the finding) and by touch (a tap opens it as
  a sheet on a phone), and pass axe with the finding open.
- The journal's Atom feed parses, lists every version of the journal with links, and every
  page announces it; every page's footer gives the current version and « Signaler une erreur »
  with the page's address.
- The content check refuses a finding whose words are not in the text, or are there twice.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as etree
from urllib.parse import unquote

import pytest
import yaml

from helpers import REPO_ROOT, build_env, built_pages, copy_sources, page_url, parse_html

ATOM = "{http://www.w3.org/2005/Atom}"


def _html(site_dir, rel):
    from lxml import html
    return html.parse(str(site_dir / rel)).getroot()


def _classes(el):
    return (el.get("class") or "").split()


def test_every_marker_has_its_finding_and_its_line(site_dir):
    text = _html(site_dir, "texte/index.html")
    ecarts = _html(site_dir, "ecarts/index.html")
    markers = text.xpath('//article//a[contains(concat(" ", @class, " "), " ed-ref--ecart ")]')
    lines = ecarts.xpath('//article//ol[contains(@class, "ed-ecarts")]/li')
    assert len(markers) >= 15
    assert [m.get("id") for m in markers] == [li.get("id") for li in lines], "same findings, same order"
    for m, li in zip(markers, lines):
        # the marker: right after the words it marks, opening its finding (a preview)
        words = m.getprevious()
        if m.getnext() is not None and "ed-ecart-mots" in _classes(m.getnext()) and not m.tail:
            words = m.getnext()  # before words glued to a note call (the call keeps its target)
        assert words is not None and "ed-ecart-mots" in _classes(words)
        preview = text.get_element_by_id(m.get("aria-describedby"))
        finding = preview.text_content()
        assert "Écart" in finding and len(finding) > 40
        assert m.get("aria-label", "").startswith("Écart avec les sources")
        # the line: the words quoted, what the sources say, a verdict, sources, the proof
        labels = [s.text_content() for s in li.xpath('.//span[@class="ed-ecart__label"]')]
        assert labels == ["Le texte", "Les sources", "Verdict", "Sources"]
        assert words.text_content().replace("\u00a0", " ") in li.text_content().replace("\u00a0", " ")
        back = li.xpath('.//p[@class="ed-ecart__passage"]/a')[0].get("href")
        assert back.endswith(f"texte/#{m.get('id')}")
        assert li.xpath('.//strong[contains(@class, "ed-verdict")]')
        assert li.xpath('.//a[contains(@class, "ed-external")]') and li.xpath('.//a[contains(@class, "ed-archive")]')
        proof = li.xpath('.//p[@class="ed-ecart__sources"]/a[not(contains(@class, "ed-external")) and not(contains(@class, "ed-archive"))]')[-1]
        assert proof.get("href").rstrip("/").split("/")[-1] == m.get("href").rstrip("/").split("/")[-1]
        # the finding's sentence is the one on the page
        said = li.xpath("./p[2]")[0].text_content().split(":", 1)[1].strip()
        assert said.replace("\u00a0", " ") in finding.replace("\u00a0", " ")


def test_findings_written_once_in_front_matter(site_dir):
    """The number of findings is the number of `ecarts:` items of the notes and entries."""
    count = 0
    for path in (REPO_ROOT / "docs").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            count += len(yaml.safe_load(text.split("---\n", 2)[1]).get("ecarts") or [])
    text = _html(site_dir, "texte/index.html")
    assert len(text.xpath('//a[contains(@class, "ed-ref--ecart")]')) == count


def test_feed_parses_and_lists_the_journal(site_dir):
    feed = etree.parse(site_dir / "journal" / "atom.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    front = yaml.safe_load((REPO_ROOT / "docs" / "journal.md").read_text(encoding="utf-8").split("---\n", 2)[1])
    for tag in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{tag}") or "").strip()
    assert feed.findtext(f"{ATOM}updated") == f"{front['versions'][0]['date'].isoformat()}T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title").split()[1] for e in entries] == [str(v["version"]) for v in front["versions"]]
    journal = _html(site_dir, "journal/index.html")
    for e in entries:
        assert e.findtext(f"{ATOM}id") and e.findtext(f"{ATOM}updated")
        href = e.find(f"{ATOM}link").get("href")
        assert journal.get_element_by_id(href.split("#")[1]) is not None  # the version's heading
    changes = sum(len(v.get("changements") or []) for v in front["versions"])
    assert len(journal.xpath('//ul[@class="ed-journal"]/li')) == changes


def test_every_page_announces_the_feed_and_gives_version_and_report(site_dir):
    front = yaml.safe_load((REPO_ROOT / "docs" / "journal.md").read_text(encoding="utf-8").split("---\n", 2)[1])
    version = str(front["versions"][0]["version"])
    for path in built_pages(site_dir):
        doc = _html(site_dir, path.relative_to(site_dir).as_posix())
        feeds = doc.xpath('//head/link[@type="application/atom+xml"]')
        assert len(feeds) == 1 and "alternate" in feeds[0].get("rel").split(), path
        foot = doc.xpath('//*[@class="ed-footer-edition"]')
        assert foot and f"Version {version}" in foot[0].text_content(), path
        report = doc.xpath('//a[@class="ed-report"]')[0].get("href")
        assert report.startswith(("mailto:", "https://")), path
        canonical = doc.xpath('//link[@rel="canonical"]')
        if canonical:
            assert canonical[0].get("href") in unquote(report), path
    texte = _html(site_dir, "texte/index.html")
    assert f"{version}" in texte.xpath('//*[@class="ed-cite__version"]')[0].text_content()


@pytest.mark.parametrize("words,expected", [
    ("des mots qui ne sont pas dans le texte", "ne sont pas dans le texte"),
    ("Safe City", "fois dans le texte"),
])
def test_the_check_refuses_words_not_once_in_the_text(tmp_path, words, expected):
    root = copy_sources(tmp_path / "projet")
    file = root / "docs" / "glossaire" / "cofis.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace('  - mots: "depuis 2014"', f'  - mots: "{words}"', 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "edition.check", "docs"], cwd=root, env=build_env(root),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith("docs/glossaire/cofis.md:") and expected in line and f"« {words} »" in line


# --------------------------------------------------------------------------- in Chromium

MARKER = "a.ed-ref--ecart"


def test_marker_opens_by_keyboard_and_passes_axe(browser, server):
    from test_a11y import _axe_script, _describe, _run_axe
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    context.add_init_script(script=_axe_script())
    page = context.new_page()
    try:
        page.goto(server + "/texte/", wait_until="load")
        first = page.locator("#p3 " + MARKER).first
        page.focus("#p3 .ed-parnum")
        for _ in range(40):  # Tab reaches the markers in the order of the text
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('ed-ref--ecart')"):
                break
        assert page.evaluate("document.activeElement.id") == first.get_attribute("id")
        page.wait_for_selector("#ed-popover", state="visible")
        popover = page.locator("#ed-popover")
        assert "Écart" in popover.inner_text()
        assert popover.locator("a.ed-popover__more").evaluate("a => a.href") == first.evaluate("a => a.href")
        report = _describe(_run_axe(page, "#ed-popover"), "finding") + _describe(_run_axe(page), "/texte/")
        assert not report, "\n".join(report)
        page.keyboard.press("Escape")
        assert not popover.is_visible()
        for path in ("/ecarts/", "/journal/"):
            page.goto(server + path, wait_until="load")
            report = _describe(_run_axe(page), path)
            assert not report, "\n".join(report)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_marker_opens_by_touch_on_a_phone(browser, server, scheme, tmp_path):
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True,
                                  is_mobile=True, device_scale_factor=2, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(server + "/texte/#p5", wait_until="load")
        marker = page.locator(MARKER).nth(8)
        marker.scroll_into_view_if_needed()
        box = marker.bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        sheet = page.locator("#ed-popover.ed-popover--sheet")
        sheet.wait_for(state="visible")
        assert "Écart" in sheet.inner_text()
        assert page.url.endswith("/texte/#p5"), "the first tap opens, it does not follow"
        # the 24 px target around the marker
        size = page.evaluate("""m => { const r = getComputedStyle(m, '::after');
            return [parseFloat(r.width), parseFloat(r.height)]; }""", marker.element_handle())
        assert min(size) >= 20.8  # 1.3rem of a 16 px root: at least 24 CSS px on Material's phone root
        page.screenshot(path=str(tmp_path / f"ecart-{scheme}.png"))
    finally:
        context.close()


def test_the_check_refuses_a_journal_out_of_order(tmp_path):
    """The first version of the journal is the edition's version: the list goes from the newest
    to the oldest, and the check says so in one line."""
    root = copy_sources(tmp_path / "projet")
    file = root / "docs" / "journal.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace('  - version: "1.0"', '  - version: "1.2"', 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "edition.check", "docs"], cwd=root, env=build_env(root),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith("docs/journal.md:") and "de la plus récente à la plus ancienne" in line
