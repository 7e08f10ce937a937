"""Search results of their own for the passage: one per paragraph, epigraph and author's note.

    run(site, root)   rewrites site/search/search_index.json (and search_index.js, offline)

Material's search makes one entry per heading: the whole passage was one entry, found at
`/texte/#passage`. The edition's extension marks the passage's units in the page
(``data-edition-unit="Le texte, § 4"``; Material strips
``data-search-*`` attributes that have a value on the paragraph ``#p4``); this step, after the MkDocs
build, gives each unit an entry of its own (its address, its title, its words) and takes its
words out of the entry of the section around it, so that the index says each thing once.
Parts marked ``data-search-exclude`` (paragraph numbers, archive links, note links) stay out,
as Material leaves them out. Material's own HTML parser recomputes the remaining sections, so
that they read exactly as Material would have indexed them. Deterministic: same site, same
index. Under `mkdocs serve` (no such step) the passage stays one entry, still found.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

from publish.offsets import OffsetParser

INDEX = Path("search") / "search_index.json"
SCRIPT = Path("search") / "search_index.js"
SCRIPT_PREFIX = "var __index = "
# A paragraph is a smaller entry than a page: without a lift, every page that repeats a
# phrase of the passage in its commentary would come before the paragraph that says it.
UNIT_BOOST = 5.0
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}


class SearchStepError(Exception):
    pass


class _Page(OffsetParser):
    """Offsets of the article and of each search unit in one built page, and each unit's
    address and words."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict, int]] = []  # tag, attrs, start offset
        self.article: tuple[int, int] | None = None
        self.units: list[dict] = []
        self._open_units: list[dict] = []
        self._excluded = 0
        self.read(text)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        start = self.position()
        if tag in VOID:
            return
        self.stack.append((tag, attrs, start))
        skip = "data-search-exclude" in attrs or (attrs.get("id") or "").startswith("appel-") \
            or "footnote-backref" in (attrs.get("class") or "").split()
        if skip:
            self._excluded += 1
        if "data-edition-unit" in attrs:
            self._open_units.append({"title": attrs["data-edition-unit"], "id": attrs.get("id") or "",
                                     "start": start, "depth": len(self.stack), "words": []})
        elif attrs.get("id"):
            for unit in self._open_units:
                unit["id"] = unit["id"] or attrs["id"]
        if tag == "article" and "md-content__inner" in (attrs.get("class") or "") and self.article is None:
            self.article = (start + len(self.get_starttag_text()), -1)
        attrs["_skip"] = skip

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            return  # (well-formed pages only: MkDocs writes them)
        tag, attrs, start = self.stack.pop()
        if attrs.get("_skip"):
            self._excluded -= 1
        if self._open_units and self._open_units[-1]["depth"] == len(self.stack) + 1:
            unit = self._open_units.pop()
            end = self.position() + len(f"</{tag}>")
            unit["end"] = end
            self.units.append(unit)
        if tag == "article" and self.article and self.article[1] == -1 \
                and "md-content__inner" in (attrs.get("class") or ""):
            self.article = (self.article[0], self.position())

    def handle_data(self, data):
        if self._excluded:
            return
        for unit in self._open_units:
            unit["words"].append(data)


def _plain(unit: dict) -> str:
    words = re.sub(r"\s+", " ", "".join(unit["words"])).strip()
    words = re.sub(r"\s*\(\s*\)", "", words)  # the brackets of an archive link left out
    return re.sub(r"\s+([.,…)])", r"\1", words)


def _unit_text(unit: dict) -> str:
    return f"<p>{html.escape(_plain(unit), quote=False)}</p>"


def unit_texts(page_html: str) -> dict[str, str]:
    """The words of each unit of a built page, as read (id -> plain text): also what the
    share pages of the paragraphs (publish.shares) quote."""
    return {u["id"]: _plain(u) for u in _Page(page_html).units if u["id"]}


def _sections(article_html: str) -> dict[str | None, str]:
    """Material's own split of what is left of the article into sections: id -> text."""
    from material.plugins.search.plugin import Parser
    parser = Parser()
    parser.feed(article_html)
    parser.close()
    return {s.id: "".join(s.text).strip() for s in parser.data if not s.is_excluded()}


def _page_file(site: Path, url: str) -> Path:
    if url == "" or url.endswith("/"):
        return site / url / "index.html"
    return site / url


def shape(index: dict, site: Path) -> dict:
    """The index with the units of every page that has some, as entries of their own."""
    docs = index.get("docs") or []
    pages: dict[str, list[dict]] = {}
    for doc in docs:
        pages.setdefault(doc["location"].split("#", 1)[0], []).append(doc)
    out = []
    done = set()
    for doc in docs:
        url = doc["location"].split("#", 1)[0]
        if url in done:
            continue
        done.add(url)
        group = pages[url]
        path = _page_file(site, url)
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if "data-edition-unit" not in text:
            out += group
            continue
        page = _Page(text)
        if not page.article or page.article[1] < 0:
            raise SearchStepError(f"{path.relative_to(site)} : pas d’article md-content__inner")
        start, end = page.article
        units = sorted((u for u in page.units if start <= u["start"] and u["end"] <= end),
                       key=lambda u: u["start"])
        rest, cursor = [], start
        for u in units:
            rest.append(text[cursor:u["start"]])
            cursor = u["end"]
        rest.append(text[cursor:end])
        sections = _sections("".join(rest).strip())  # (as page.content: no blank before the h1)
        for d in group:
            anchor = d["location"].split("#", 1)[1] if "#" in d["location"] else None
            d = dict(d, text=sections.get(anchor, d["text"]))
            out.append(d)
        for u in units:
            if not u["id"]:
                raise SearchStepError(f"{path.relative_to(site)} : « {u['title']} » n’a pas d’ancre")
            out.append({"location": f"{url}#{u['id']}", "title": u["title"],
                        "text": _unit_text(u), "boost": UNIT_BOOST})
    for d in out:  # the brackets around an archive link (its word is not indexed)
        d["text"] = re.sub(r"\s?\(\s*\)", "", d["text"])
    return dict(index, docs=out)


def run(site: Path, root: Path | None = None) -> None:
    site = Path(site)
    source = site / INDEX
    if not source.is_file():
        if (site / SCRIPT).is_file():
            raw = (site / SCRIPT).read_text(encoding="utf-8")
            data = json.loads(raw[len(SCRIPT_PREFIX):])
        else:
            return  # search switched off: nothing to shape
    else:
        data = json.loads(source.read_text(encoding="utf-8"))
    try:
        shaped = shape(data, site)
    except SearchStepError as exc:
        print(f"search : {exc}", file=sys.stderr)
        raise SystemExit(1)
    payload = json.dumps(shaped, separators=(",", ":"), ensure_ascii=False)
    if source.is_file():
        source.write_text(payload, encoding="utf-8")
    if (site / SCRIPT).is_file():
        (site / SCRIPT).write_text(SCRIPT_PREFIX + payload, encoding="utf-8")
