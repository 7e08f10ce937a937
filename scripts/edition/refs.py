"""Find and mark the edition's cross-references in a rendered Markdown tree.

Used twice with the same code, so ids always agree: once per source when the
index is built, and once per page when the page is rendered.
"""

from __future__ import annotations

import functools
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from .content import EditionError

STASH = re.compile("\x02wzxhzdk:\\d+\x03")
ESCAPED = re.compile("\x02(\\d+)\x03")
PLACEHOLDER = re.compile("\x02[^\x03]*\x03")
BLOCKS = {"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt"}
SKIP_TEXT = {"code", "pre", "script", "style", "kbd"}
SECTION_DIRS = ("glossaire/", "noms/", "notes/")


def clean_text(text: str) -> str:
    """Text as a reader sees it: escapes restored, stash placeholders dropped."""
    text = ESCAPED.sub(lambda m: chr(int(m.group(1))), text)
    return PLACEHOLDER.sub("", text)


def classes(el: etree.Element) -> list[str]:
    return (el.get("class") or "").split()


def add_class(el: etree.Element, *names: str) -> None:
    have = classes(el)
    el.set("class", " ".join(have + [n for n in names if n not in have]))


def parent_map(root: etree.Element) -> dict:
    return {child: parent for parent in root.iter() for child in parent}


SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)


@functools.lru_cache(maxsize=65536)
def resolve(page: str, href: str) -> tuple[str, str] | None:
    """Docs-relative target of an internal Markdown link, and its fragment."""
    if not href or SCHEME.match(href) or href.startswith(("#", "/")):
        return None
    path, _, frag = href.partition("#")
    path = path.split("?")[0]
    if not path.endswith(".md"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    return target, frag


def relative(page: str, target: str) -> str:
    """Link from ``page`` to ``target`` (both docs-relative paths)."""
    return _relpath(target, posixpath.dirname(page) or ".")


# posixpath.relpath asks the working directory at each call: the same few thousand pairs
# come back on every page (backlinks, previews, lists).
_relpath = functools.lru_cache(maxsize=65536)(posixpath.relpath)


@dataclass
class Ref:
    """One occurrence: ``source`` links ``target`` (a key) at element ``id``."""

    source: str
    target: str
    id: str
    text: str
    block_text: str = ""
    offset: int = 0
    anchor: str = ""  # nearest paragraph / note / epigraph id


def text_with_marker(block: etree.Element, marker_el: etree.Element, skip) -> tuple[str, int]:
    """Plain text of ``block`` and the offset of ``marker_el`` in it."""
    text, offsets = text_and_offsets(block, skip)
    return text, offsets.get(marker_el, 0)


def text_and_offsets(block: etree.Element, skip) -> tuple[str, dict]:
    """Plain text of ``block`` and the offset in it of each element of ``block``: one walk
    for all the references of a paragraph (a walk per reference was a fifth of the index)."""
    parts: list[str] = []
    offsets: dict = {}
    length = 0

    def walk(el):
        nonlocal length
        offsets[el] = length
        if skip(el):
            return
        if el.text:
            parts.append(clean_text(el.text))
            length += len(parts[-1])
        for child in el:
            walk(child)
            if child.tail:
                parts.append(clean_text(child.tail))
                length += len(parts[-1])

    walk(block)
    return "".join(parts), offsets


def skip_in_snippet(el: etree.Element) -> bool:
    cls = classes(el)
    return (el.tag == "sup" and (el.get("id") or "").startswith(("appel-", "fnref"))) or \
        any(c in cls for c in ("ed-parnum", "ed-archive", "ed-sr", "footnote-backref", "ed-ref--ecart"))


class Marker:
    """Marks one page's tree: note calls, entry links, external links, language."""

    def __init__(self, catalog, page: str, render: bool):
        self.catalog = catalog
        self.page = page
        self.render = render
        self.refs: list[Ref] = []
        self.counters: dict[str, int] = {}
        self.used: list[str] = []  # keys whose preview this page needs, in order
        self.calls_seen: set[str] = set()
        self.blocks: dict = {}  # block -> (its plain text, offsets of its elements)

    def fresh_id(self, base: str) -> str:
        n = self.counters.get(base, 0) + 1
        self.counters[base] = n
        return base if n == 1 else f"{base}-{n}"

    def run(self, root: etree.Element) -> None:
        parents = parent_map(root)
        src = self.catalog.sources.get(self.page)
        self.fn_calls: dict = {}
        if self.page in self.catalog.text_set:
            self.mark_footnotes(root, src)
        for a in list(root.iter("a")):
            if a in self.fn_calls:
                n, sup = self.fn_calls[a]
                self.mark_ref(a, self.catalog.text_calls[self.page][n], parents, ref_id=f"appel-{n}", id_on=sup)
                continue
            if "ed-generated" in classes(a) or "ed-ref" in classes(a):
                continue
            href = a.get("href") or ""
            if re.match(r"https?://", href):
                self.mark_external(a, parents, src)
                continue
            target = resolve(self.page, href)
            if not target:
                continue
            path, _frag = target
            key = path[:-3]
            if not (path.startswith(SECTION_DIRS) or "/notes/" in path) or path.endswith("/index.md"):
                continue
            if key not in self.catalog.entries:
                if self.page in self.catalog.sources:
                    line = src.link_line(href.split("#")[0]) if src else None
                    self.catalog.fail(EditionError(f"docs/{self.page}", line,
                                      f"renvoi vers « {href} », qui n’existe pas : créez docs/{path} ou corrigez le lien"))
                continue
            if path == self.page:
                continue
            self.mark_ref(a, key, parents)
        self.mark_lang(root)

    # -- note calls -------------------------------------------------------
    def mark_footnotes(self, root, src) -> None:
        calls = self.catalog.text_calls[self.page]  # "3" -> "notes/3"
        seen = set()
        for sup in list(root.iter("sup")):
            sid = sup.get("id") or ""
            if not sid.startswith("fnref"):
                continue
            n = re.split(r"[:\-]", sid, maxsplit=1)[-1]
            a = sup.find("a")
            if n not in calls:
                line = src.line_of(f"[^{n}]") if src else None
                self.catalog.fail(EditionError(f"docs/{self.page}", line,
                                  f"appel de note [^{n}] sans page de note : créez docs/{self.catalog.notes_dir(self.page)}{n}.md avec « call: \"{n}\" »"))
                continue
            seen.add(n)
            sup.set("id", f"appel-{n}")
            if a is not None:
                a.set("href", relative(self.page, calls[n] + ".md"))
                self.fn_calls[a] = (n, sup)
                if self.render:
                    a.set("aria-label", f"Note {n}")
        for li in root.iter("li"):
            lid = li.get("id") or ""
            if lid.startswith("fn:") or lid.startswith("fn-"):
                n = lid[3:]
                li.set("id", f"note-{n}")
                for back in li.iter("a"):
                    if "footnote-backref" in classes(back):
                        back.set("href", f"#appel-{n}")
                        add_class(back, "ed-generated")
                        if self.render:
                            back.set("aria-label", f"Revenir à l’appel de la note {n}")
                if n in calls and self.render:
                    last = li[-1] if len(li) else li
                    box = etree.SubElement(last, "span", {"class": "ed-note-more", "data-search-exclude": ""})
                    box.text = " "
                    more = etree.SubElement(box, "a", {
                        "href": relative(self.page, calls[n] + ".md"), "class": "ed-generated"})
                    more.text = f"Commentaire de la note {n}"
        self.calls_seen = seen

    # -- entry and note links ---------------------------------------------
    def mark_ref(self, a, key: str, parents, ref_id: str | None = None, id_on=None) -> None:
        holder = id_on if id_on is not None else a
        if ref_id is None:
            ref_id = holder.get("id") or self.fresh_id("ref-" + key.split("/", 1)[1].replace("/", "-"))
        holder.set("id", ref_id)
        kind = "notes" if "/notes/" in "/" + key else key.split("/", 1)[0]
        add_class(a, "ed-ref", f"ed-ref--{kind}")
        entry = self.catalog.entries[key]
        if entry.get("lang") and not a.get("lang"):
            a.set("lang", entry["lang"])
        if self.render:
            a.set("aria-describedby", self.catalog.preview_id(key))
            if key not in self.used:
                self.used.append(key)
            return  # snippets and anchors are the index's business (built once, in index mode)
        text = clean_text("".join(a.itertext())).strip()
        block = holder
        anchor = ""
        node = holder
        while node in parents:
            node = parents[node]
            if block is holder and node.tag in BLOCKS:
                block = node
            nid = node.get("id") or ""
            if not anchor and nid and self.catalog.anchor_re.fullmatch(nid):
                anchor = nid
        if block not in self.blocks:
            self.blocks[block] = text_and_offsets(block, skip_in_snippet)
        block_text, offsets = self.blocks[block]
        offset = offsets.get(holder, 0)
        self.refs.append(Ref(self.page, key, ref_id, text, block_text, offset, anchor))

    # -- external links ---------------------------------------------------
    def mark_external(self, a, parents, src) -> None:
        add_class(a, "ed-external")
        a.set("rel", "external noreferrer")
        if "ed-archive" in classes(a):
            return
        href = a.get("href")
        year = a.get("data-archive")
        own = self.page in self.catalog.sources and src is not None
        if year is not None and not re.fullmatch(r"\d{4}", year):
            if own:
                self.catalog.fail(EditionError(f"docs/{self.page}", src.link_line(href),
                                  f"année d’archive « {year} » : écrivez une année sur quatre chiffres, {{data-archive=\"AAAA\"}}"))
            return
        if not self.render:  # the index: a declaration, or a link that inherits its address's year
            if own:
                self.catalog.archives.use(href, year, f"docs/{self.page}", src.link_line(href))
            return
        year = self.catalog.archive_year(href) or year  # one copy per address: the edition's year
        if year:
            a.set("data-archive", year)
            insert_twin(self.catalog, parents[a], a)

    # -- language of English phrases ---------------------------------------
    def mark_lang(self, root) -> None:
        pattern = self.catalog.lang_pattern(self.page)
        if pattern is None:
            return
        for a in root.iter("a"):
            if not a.get("lang"):
                lang = self.catalog.lang_of(clean_text("".join(a.itertext())).strip(), self.page)
                if lang:
                    a.set("lang", lang)

        def visit(el):
            if el.tag in SKIP_TEXT or el.get("lang") or "ed-previews" in classes(el):
                return
            if el.text:
                new = self.split(el.text, pattern)
                if new:
                    el.text = new[0]
                    for i, span in enumerate(new[1]):
                        el.insert(i, span)
            for child in list(el):
                visit(child)
                if child.tail:
                    new = self.split(child.tail, pattern)
                    if new:
                        child.tail = new[0]
                        idx = list(el).index(child)
                        for i, span in enumerate(new[1], 1):
                            el.insert(idx + i, span)

        visit(root)

    def split(self, text, pattern):
        parts = pattern.split(text)
        if len(parts) == 1:
            return None
        head, spans = parts[0], []
        for i in range(1, len(parts), 2):
            span = etree.Element("span", {"lang": self.catalog.lang_of(parts[i], self.page) or "en"})
            span.text = parts[i]
            span.tail = parts[i + 1]
            spans.append(span)
        return head, spans


def insert_twin(catalog, parent: etree.Element, a: etree.Element) -> None:
    """Put the archived twin of external link ``a`` right after it: ``url (archive)``."""
    year = a.attrib.pop("data-archive", None)
    if not year:
        return
    twin = catalog.archive_link(a.get("href"), year)
    idx = list(parent).index(a)
    twin.tail = ")" + (a.tail or "")
    a.tail = "\u00a0("
    parent.insert(idx + 1, twin)


def insert_aliases(root: etree.Element, aliases) -> None:
    """Keep renamed anchors working: for each ``old: new`` of the page's ``aliases``
    front matter, an empty ``<span id="old"></span>`` right before the element whose id
    is ``new`` (a heading not yet given its id by ``toc`` is found by its slug).
    Aliases that cannot apply are left out here; ``edition.check`` reports them."""
    if not isinstance(aliases, dict) or not aliases:
        return
    parents = parent_map(root)
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    for old, new in aliases.items():
        old, new = str(old).lstrip("#"), str(new).lstrip("#")
        if not old or old in ids:
            continue
        target = ids.get(new)
        if target is None:  # (not `or`: an element without children is falsy)
            target = _heading_with_slug(root, new)
        if target is None or target not in parents:
            continue
        parent = parents[target]
        span = etree.Element("span", {"id": old})
        parent.insert(list(parent).index(target), span)
        ids[old] = span


def _heading_with_slug(root: etree.Element, slug: str):
    from markdown.extensions.toc import slugify
    for el in root.iter():
        if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and not el.get("id"):
            if slugify(clean_text("".join(el.itertext())).strip(), "-") == slug:
                el.set("id", slug)
                return el
    return None
