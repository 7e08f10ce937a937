"""Glossary, names and notes are cross-linked with the text both ways (issues 3 and 4).

Occurrences are counted here independently of the extension: straight from the Markdown
sources, with a plain link pattern, then compared with what the built pages show.
"""

from __future__ import annotations

import functools
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)\)")
FOOTNOTE_CALL = re.compile(r"\[\^(\w+)\](?!:)")


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        head, body = text[4:].split("\n---\n", 1)
        return yaml.safe_load(head) or {}, body
    return {}, text


@functools.lru_cache(maxsize=None)
def sources() -> dict[str, str]:
    return {p.relative_to(DOCS).as_posix(): front_matter(p)[1] for p in sorted(DOCS.rglob("*.md"))}


def entries(section: str) -> list[str]:
    return sorted(p.stem for p in (DOCS / section).glob("*.md") if p.name != "index.md")


def occurrences(target: str) -> list[str]:
    """Source files (one item per occurrence) that link docs-relative `target`."""
    found = []
    for page, body in sources().items():
        if page == target:
            continue
        for href in LINK.findall(body):
            path = href.split("#")[0]
            if path and not re.match(r"[a-z]+:", path):
                if posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) == target:
                    found.append(page)
    return found


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.links: list[dict] = []
        self.ids: dict[str, str] = {}
        self.backlinks: list[str] = []
        self._capture: list[list] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] = ""
            self._capture.append([tag, attrs["id"], 0, []])
        for cap in self._capture:
            if cap[0] == tag:
                cap[2] += 1
        if tag == "a":
            self.links.append(attrs)
            if "ed-backlink" in (attrs.get("class") or ""):
                self.backlinks.append(attrs["href"])

    def handle_endtag(self, tag):
        for cap in list(self._capture):
            if cap[0] == tag:
                cap[2] -= 1
                if cap[2] == 0:
                    self.ids[cap[1]] = "".join(cap[3])
                    self._capture.remove(cap)

    def handle_data(self, data):
        for cap in self._capture:
            cap[3].append(data)


@functools.lru_cache(maxsize=None)
def built(site_dir: Path, page: str) -> Page:
    if page == "index.md" or page.endswith("/index.md"):
        path = site_dir / page[:-3].removesuffix("index") / "index.html"
    else:
        path = site_dir / page[:-3] / "index.html"
    return Page(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("section", ["glossaire", "noms"])
def test_every_entry_is_used_or_marked_general(section):
    unused = [slug for slug in entries(section)
              if not occurrences(f"{section}/{slug}.md")
              and not front_matter(DOCS / section / f"{slug}.md")[0].get("general")]
    assert not unused, f"entries referenced nowhere (add a link, or `general: true`): {unused}"


def test_every_marked_occurrence_resolves_to_an_entry():
    missing = []
    for page, body in sources().items():
        for href in LINK.findall(body):
            path = href.split("#")[0]
            if not path or re.match(r"[a-z]+:", path):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            if target.startswith(("glossaire/", "noms/", "notes/")) and not (DOCS / target).is_file():
                missing.append(f"{page}: {href}")
    assert not missing


@pytest.mark.parametrize("section", ["glossaire", "noms"])
def test_backlinks_equal_occurrences_counted_in_the_sources(site_dir, section):
    problems = []
    for slug in entries(section):
        expected = sorted(occurrences(f"{section}/{slug}.md"))
        page = built(site_dir, f"{section}/{slug}.md")
        shown = []
        for href in page.backlinks:
            path, _, anchor = href.partition("#")
            target = posixpath.normpath(posixpath.join(f"{section}/{slug}/", path))
            source = "index.md" if target == "." else target.rstrip("/") + ".md"
            shown.append(source)
            html = built(site_dir, source)
            if anchor not in html.ids:
                problems.append(f"{section}/{slug}: backlink {href} has no #{anchor} there")
        if sorted(shown) != expected:
            problems.append(f"{section}/{slug}: backlinks {sorted(shown)} != occurrences {expected}")
    assert not problems, "\n".join(problems)


def test_every_marked_occurrence_has_its_preview_in_the_page(site_dir):
    problems = []
    for page in sources():
        html = built(site_dir, page)
        for link in html.links:
            classes = (link.get("class") or "").split()
            if "ed-ref" not in classes:
                continue
            preview = link.get("aria-describedby")
            if not preview or preview not in html.ids:
                problems.append(f"{page}: {link.get('href')} has no preview")
                continue
            text = html.ids[preview]
            if "ed-ref--notes" not in classes and "ed-ref--ecart" not in classes:  # (findings: test_ecarts)
                slug = preview.split("-", 2)[2]
                section = preview.split("-")[1]
                definition = " ".join(str(front_matter(DOCS / section / f"{slug}.md")[0]["definition"]).split())
                if definition not in " ".join(text.split()):
                    problems.append(f"{page}: preview {preview} lacks the definition")
    assert not problems, "\n".join(problems[:20])


def test_text_marks_occurrences_with_plain_markdown_links():
    body = sources()["texte.md"]
    assert "[Centre de supervision urbain (CSU)](glossaire/csu.md)" in body
    assert len(LINK.findall(body)) >= 40


def test_every_note_call_has_a_page_with_a_preview_and_a_way_back(site_dir):
    text = built(site_dir, "texte.md")
    calls = FOOTNOTE_CALL.findall(sources()["texte.md"])
    assert calls == [str(i) for i in range(1, 10)]
    for n in calls + ["asterisque"]:
        link = next(a for a in text.links if "ed-ref--notes" in (a.get("class") or "")
                    and a["href"] == f"../notes/{n}/")
        assert link.get("aria-describedby") in text.ids and text.ids[link["aria-describedby"]].strip()
        note = built(site_dir, f"notes/{n}.md")
        back = [a["href"] for a in note.links if a.get("href", "").startswith("../../texte/#appel-")]
        assert back == [f"../../texte/#appel-{n}"], (n, back)
        assert f"appel-{n}" in text.ids


def _preview_paragraphs(site_dir: Path, preview_id: str) -> list[tuple[str | None, str]]:
    """(class, text) of each child of the built text page's preview ``preview_id``."""
    html = (site_dir / "texte" / "index.html").read_text(encoding="utf-8")
    m = re.search(rf'<div class="ed-preview-content"[^>]* id="{preview_id}"[^>]*>(.*?)</div>', html, re.S)
    assert m, f"no .ed-preview-content #{preview_id} in the text page"
    found = []
    for p in re.finditer(r"<p(?: class=\"([^\"]*)\")?>(.*?)</p>", m.group(1), re.S):
        text = re.sub(r"<[^>]+>", "", p.group(2))
        found.append((p.group(1), " ".join(text.replace("&amp;", "&").split())))
    rest = re.sub(r"<p(?: class=\"[^\"]*\")?>.*?</p>", "", m.group(1), flags=re.S).strip()
    assert not rest, f"#{preview_id}: outside its paragraphs: {rest!r}"
    assert "<a " not in m.group(1), f"#{preview_id}: a link inside the preview's text"
    return found


def test_note_previews_show_the_note_then_the_editions_finding(site_dir):
    """Each note's preview: « Note N : » and the note as in the witness, then « L’édition : »
    and the note page's `constat`. A note that is only a web address (notes 3 and 9) shows the
    formatted reference of the work it cites first, not the bare address alone."""
    notes_md = sources()["texte.md"]
    works = {w["id"]: w for w in front_matter(DOCS / "bibliographie.md")[0]["works"]}
    address_only = 0
    for path in sorted((DOCS / "notes").glob("*.md")):
        if path.name == "index.md":
            continue
        meta = front_matter(path)[0]
        call = str(meta["call"])
        paragraphs = _preview_paragraphs(site_dir, f"apercu-notes-{path.stem}")
        assert [cls for cls, _ in paragraphs] == [None, "ed-preview-finding"], (call, paragraphs)
        (_, note), (_, finding) = paragraphs
        label = "Note astérisque" if call == "asterisque" else f"Note {call}"
        assert note.startswith(f"{label} : "), note
        assert finding == "L’édition : " + " ".join(str(meta["constat"]).split()), finding
        witness = re.search(rf"^\[\^{re.escape(call)}\]: (.*)$", notes_md, re.M)
        if witness and re.fullmatch(r"<https?://[^>\s]+>(\{[^}]*\})?", witness.group(1).strip()):
            address_only += 1
            url = witness.group(1).strip()[1:].split(">", 1)[0]
            first = works[str(meta["cites"][0])]
            assert note != f"{label} : {url}", f"note {call}: the bare address"
            assert " ".join(str(first["title"]).split()) in note, f"note {call}: no reference to « {first['title']} »: {note}"
    assert address_only == 2, "notes 3 and 9 are bare addresses in the witness"


def test_notes_have_prev_next_in_the_order_of_the_text(site_dir):
    order = ["1", "2", "3", "4", "asterisque", "5", "6", "7", "8", "9"]
    for i, n in enumerate(order):
        page = built(site_dir, f"notes/{n}.md")
        rel = {a.get("rel"): a["href"] for a in page.links if a.get("rel") in ("prev", "next")}
        assert rel.get("prev") == (f"../{order[i - 1]}/" if i else None)
        assert rel.get("next") == (f"../{order[i + 1]}/" if i + 1 < len(order) else None)


def test_glossary_is_alphabetical_with_letter_jumps_and_names_grouped_by_kind(site_dir):
    gloss = built(site_dir, "glossaire/index.md")
    letters = [a["href"] for a in gloss.links
               if a.get("href", "").startswith("#lettre-") and "ed-generated" in a.get("class", "")]
    assert letters == sorted(letters) and len(letters) >= 8
    assert all(h[1:] in gloss.ids for h in letters)
    names = built(site_dir, "noms/index.md")
    assert {"personnes", "organisations", "lieux"} <= set(names.ids)
