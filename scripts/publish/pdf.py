"""The whole edition as one PDF, made with WeasyPrint from the site's own built HTML.

    run(site, root)  ->  site/telechargements/<files>.pdf   (<files>: extra.edition.files)

The <article> of every page that makes the edition is taken from the built site, in reading
order: the home page's presentation, the text (with its notes), every note page, the glossary
entries, the index of names, the bibliography and the editorial principles. An edition of
several texts (publish.edition_texts: the first, then each page marked ``texte: true``) gives
each text, then its note pages, in turn; each text's running head is the name the site gives
it (its front matter's title), and the ids of its pages (``textes-<slug>--p1``,
``textes-<slug>-notes-1``) stay apart from the first text's (``texte--p1``, ``notes-1``).
The pages are put into one HTML document (ids prefixed with the page they come from, links
between pages turned into links inside the PDF, previews, permalinks, buttons and page
navigation dropped), after a title page and a table of contents, and rendered with the
site's print stylesheet (the @media print part of assets/edition.css) followed by pdf.css
beside this file (the fonts shipped in fonts/, the book's pages, the PDF's own classes ``ed-pdf-*``). The PDF is tagged
(PDF/UA-1: structure tree, language, title) for screen readers.

Names: the title, author, book and file name come from mkdocs.yml (site_name, extra.edition)
and from the cited work's front matter (publish.cited_work), never from this code.

Reproducible: no PDF identifier, the dates come from SOURCE_DATE_EPOCH, the fonts are the
project's own. Offline: the URL fetcher reads files inside the site (and the fonts beside
this file) and refuses everything else (http, https, ...), and the build fails if the
document asked for anything else.

The other PDFs (booklet.py, flyer.py) use this module's helpers: parse, render, qr_img, ...
"""

from __future__ import annotations

import datetime as _dt
import logging
import posixpath
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

from publish import Text, cited_work, edition_settings, edition_texts, mkdocs_config, source_date_epoch, text_work

DOWNLOADS = Path("telechargements")
STYLESHEET = Path("assets") / "edition.css"  # its @media print part
PDF_CSS = Path(__file__).resolve().parent / "pdf.css"
FONTS = Path(__file__).resolve().parent / "fonts"
PDF_VARIANT = "pdf/ua-1"  # tagged: structure tree, /Lang, title shown in the window


def output(config: dict, suffix: str = "") -> Path:
    """telechargements/<files><suffix>.pdf, relative to the site."""
    return DOWNLOADS / f"{edition_settings(config)['files']}{suffix}.pdf"


def outputs(config: dict) -> list[Path]:
    """What this step writes, relative to the site (tests/test_site_links.py reads it)."""
    return [output(config)]

# Sections of the home page that describe the web site, not the edition: left out of the PDF
# (a short note on reading the PDF takes the place of the first).
HOME_SKIP = {"comment-lire-cette-edition", "ce-site-ne-vous-suit-pas", "lire-hors-ligne"}
HOW_TO_READ = [
    "Les numéros dans la marge du texte (§ 1 à § {last}) sont ceux des paragraphes, auxquels renvoient "
    "les commentaires. Les appels de note renvoient aux notes de l’auteur, à la fin du texte ; "
    "chacune est ensuite commentée dans la partie « Notes ».",
    "Les mots et les noms expliqués dans le glossaire et l’index des noms ne sont pas signalés "
    "dans le texte imprimé ; dans le fichier PDF, ils restent des liens vers leur entrée. "
    "Les adresses des sources sont données entre chevrons ; « archive » signale une copie "
    "conservée sur web.archive.org.",
]
# The same for an edition of several texts; {ranges}: « § 1 à § 9 dans « Le texte », … ».
HOW_TO_READ_TEXTS = [
    "Les numéros dans la marge de chaque texte ({ranges}) sont ceux de ses paragraphes, auxquels "
    "renvoient les commentaires. Les appels de note renvoient aux notes de l’auteur, à la fin de "
    "chaque texte ; chacune est ensuite commentée dans les notes de l’édition qui suivent ce texte.",
    HOW_TO_READ[1],
]

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# Dropped from every page: permalinks, previews, buttons, page navigation, the screen reader's
# words, the "back to the call" arrows (meaningless on paper), the share and copy controls and
# the « Citer » box of the text page (its date is the reader's day; the title page says where
# the PDF comes from), the findings' markers (≠: their finding is a screen preview).
DROP_CLASSES = {"headerlink", "ed-previews", "md-button", "ed-prevnext", "ed-letters", "ed-sr",
                "footnote-backref", "ed-hint", "ed-share", "ed-copy", "ed-cite", "ed-downloads",
                "ed-print-where", "ed-ref--ecart"}
# Links that get the page number of their target after them.
PAGEREF_PARENTS = {"ed-note-more", "ed-backlinks", "ed-related", "ed-cited-by", "ed-back",
                   "ed-notes-list"}

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]


class PdfError(Exception):
    """Bad input: reported on one line."""


# --------------------------------------------------------------------------- HTML as a tree

class _Builder(HTMLParser):
    """Builds an ElementTree from MkDocs' (well-formed) HTML with the stdlib parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        el = ET.SubElement(self.stack[-1], tag, {k: ("" if v is None else v) for k, v in attrs})
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        ET.SubElement(self.stack[-1], tag, {k: ("" if v is None else v) for k, v in attrs})

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse(path: Path) -> ET.Element:
    b = _Builder()
    b.feed(path.read_text(encoding="utf-8"))
    b.close()
    return b.root


def classes(el: ET.Element) -> set[str]:
    return set(el.get("class", "").split())


def find_class(root: ET.Element, tag: str, cls: str) -> ET.Element | None:
    for el in root.iter(tag):
        if cls in classes(el):
            return el
    return None


def text_of(el: ET.Element) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def heading_text(h: ET.Element) -> str:
    """A heading's words, without its permalink mark."""
    copy = ET.fromstring(ET.tostring(h))
    for parent in list(copy.iter()):
        for child in list(parent):
            if "headerlink" in classes(child):
                remove(parent, child)
    return text_of(copy)


def remove(parent: ET.Element, child: ET.Element) -> None:
    """Remove CHILD from PARENT, keeping the text that followed it."""
    if child.tail:
        i = list(parent).index(child)
        if i:
            prev = parent[i - 1]
            prev.tail = (prev.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


def el(tag: str, text: str | None = None, parent: ET.Element | None = None, **attrs) -> ET.Element:
    attrs = {("class" if k == "cls" else k.replace("_", "-")): v for k, v in attrs.items()}
    e = ET.Element(tag, attrs) if parent is None else ET.SubElement(parent, tag, attrs)
    e.text = text
    return e


# --------------------------------------------------------------------------- the pages

class Page:
    """One built page: its site path ("notes/3/"), its id in the PDF and its <article>."""

    def __init__(self, site: Path, url: str, pid: str, part: str):
        self.url, self.pid, self.part = url, pid, part
        path = site / url / "index.html" if url else site / "index.html"
        if not path.is_file():
            raise PdfError(f"page absente du site construit : {path.relative_to(site)}")
        self.doc = parse(path)
        self.article = self.doc.find(".//article")
        if self.article is None:
            raise PdfError(f"pas d’<article> dans {path.relative_to(site)}")
        h1 = self.article.find(".//h1")
        self.title = heading_text(h1) if h1 is not None else pid


def page_id(url: str) -> str:
    return url.strip("/").replace("/", "-") or "accueil"


def listed_entries(site: Path, section: str, list_xpath_class: tuple[str, str]) -> list[str]:
    """URLs ("glossaire/csu/") of the entries of SECTION, in the order of its index page,
    then any other built entry the index does not list (sorted)."""
    index = parse(site / section / "index.html").find(".//article")
    tag, cls = list_xpath_class
    urls: list[str] = []
    for container in index.iter(tag):
        if cls not in classes(container):
            continue
        for a in container.iter("a"):
            href = a.get("href", "")
            if not href or href.startswith(("#", "http:", "https:")):
                continue
            url = posixpath.normpath(posixpath.join(section, href.split("#")[0])) + "/"
            if url not in urls and (site / url / "index.html").is_file():
                urls.append(url)
    built = sorted(p.parent.relative_to(site).as_posix() + "/"
                   for p in (site / section).glob("*/index.html"))
    urls += [u for u in built if u not in urls]
    if not urls:
        raise PdfError(f"aucune entrée trouvée dans {section}/")
    return urls


def text_notes(site: Path, text: Text) -> list[str]:
    """URLs of a text's note pages ("notes/3/", "textes/x/notes/1/"), in the order of its notes'
    index; only its own (the first text's index may list the other texts' notes too)."""
    return [u for u in listed_entries(site, text.notes.rstrip("/"), ("ul", "ed-notes-list"))
            if u.startswith(text.notes)]


# --------------------------------------------------------------------------- link rewriting

def resolve_internal(page_url: str, href: str) -> tuple[str, str] | None:
    """(site path of the target page, fragment) for a link inside the site, else None."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page_url, parts.fragment
    target = posixpath.normpath(posixpath.join("/" + page_url, unquote(parts.path)))
    target = target.lstrip("/")
    if target.endswith("index.html"):
        target = target[: -len("index.html")]
    target = target.rstrip("/")
    return (target + "/" if target and target != "." else ""), parts.fragment


class Assembler:
    def __init__(self, pages: dict[str, Page], part_ids: dict[str, str]):
        self.pages = pages          # site path -> Page
        self.part_ids = part_ids    # site path of an index page -> id of its part in the PDF

    def anchor(self, page_url: str, href: str) -> str | None:
        target = resolve_internal(page_url, href)
        if target is None:
            return None
        url, frag = target
        if url in self.pages:
            pid = self.pages[url].pid
            return f"#{pid}--{frag}" if frag else f"#{pid}"
        if url in self.part_ids:
            return "#" + self.part_ids[url]
        return ""

    def clean(self, page, root: ET.Element) -> None:
        """Drop what does not belong on paper; prefix ids; make links internal."""
        for parent in list(root.iter()):
            for child in list(parent):
                if classes(child) & DROP_CLASSES or child.tag in ("script", "style", "nav"):
                    remove(parent, child)
        for e in root.iter():
            if e is root:
                continue
            for attr in ("aria-describedby", "data-md-component", "title", "rel", "download"):
                e.attrib.pop(attr, None)
            if e.get("id"):
                e.set("id", f"{page.pid}--{e.get('id')}")
            if e.tag == "a" and e.get("href") is not None:
                self.relink(page, e)

    def relink(self, page, a: ET.Element) -> None:
        href = a.get("href", "")
        cls = classes(a)
        if href.startswith(("http://", "https://")):
            if "ed-external" in cls and text_of(a) == href:
                a.set("class", " ".join(sorted(cls | {"ed-pdf-bare"})))
            return
        if href.startswith(("mailto:", "data:")):
            return
        # Note calls point to the note page on the site; on paper, to the note under the text.
        if "footnote-ref" in cls and page.part == "texte":  # (on the page of a text)
            n = (a.get("aria-label") or "").rsplit(" ", 1)[-1]
            if n.isdigit():
                a.set("href", f"#{page.pid}--note-{n}")
                return
        new = self.anchor(page.url, href)
        if new:
            a.set("href", new)
        else:  # a page that is not in the PDF: keep the words, drop the link
            a.attrib.pop("href", None)
            a.tag = "span"


# --------------------------------------------------------------------------- the document

def french_date(epoch: int) -> str:
    d = _dt.datetime.fromtimestamp(epoch, tz=_dt.timezone.utc).date()
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS[d.month - 1]} {d.year}"


def person(a: dict) -> str:
    return a.get("literal") or " ".join(x for x in (a.get("given"), a.get("family")) if x)


def authors(work: dict) -> str:
    return ", ".join(person(a) for a in work.get("author") or [])


def work_year(work: dict):
    try:
        return work["issued"]["date-parts"][0][0]
    except (KeyError, IndexError, TypeError):
        return None


def work_line(work: dict) -> str:
    """« (10/18, coll. « Amorce », 2022) » from the cited work's front matter."""
    bits = [work.get("publisher")]
    if work.get("collection-title"):
        bits.append(f"coll.\u00a0«\u00a0{work['collection-title']}\u00a0»")
    bits.append(work_year(work))
    return "(" + ", ".join(str(b) for b in bits if b) + ")"


def version_words(config: dict, epoch: int) -> str:
    """« Version 1.2 du 3 mai 2024 » when extra.edition.version is set, else « Version du … »."""
    version = edition_settings(config).get("version")
    return f"Version {version} du {french_date(epoch)}" if version else f"Version du {french_date(epoch)}"


class Edition(SimpleNamespace):
    """What names the edition, from mkdocs.yml and the cited work (never from code)."""


def edition_facts(site: Path, root: Path | None, epoch: int) -> Edition:
    config = mkdocs_config(root) if root is not None else {}
    work = (cited_work(root, config) if root is not None else None) or {}
    home_doc = parse(site / "index.html")
    title_el = home_doc.find(".//title")
    site_name = str(config.get("site_name") or (text_of(title_el).rsplit(" - ", 1)[-1]
                                                if title_el is not None else "Édition annotée"))
    canonical = next((l.get("href") for l in home_doc.iter("link") if l.get("rel") == "canonical"), "")
    site_author = str(config.get("site_author") or next(
        (m.get("content") for m in home_doc.iter("meta") if m.get("name") == "author"), site_name))
    highlight = find_class(home_doc, "div", "md-copyright__highlight")
    description = next((m.get("content") for m in home_doc.iter("meta")
                        if m.get("name") == "description"), "")
    return Edition(config=config, work=work, site_name=site_name, canonical=canonical,
                   site_author=site_author, rights=text_of(highlight) if highlight is not None else "",
                   description=" ".join(str(config.get("site_description") or description).split()),
                   author=authors(work), book=str(work.get("title") or ""), epoch=epoch,
                   settings=edition_settings(config), version=version_words(config, epoch),
                   keywords=", ".join(str(k) for k in edition_settings(config).get("keywords") or []))


def head_for(html: ET.Element, ed: Edition, title: str, description: str) -> None:
    """<head>: title, authors, description, keywords and dates (the PDF's metadata)."""
    head = el("head", None, html)
    el("meta", None, head, charset="utf-8")
    el("title", title, head)
    if ed.author:
        el("meta", None, head, name="author", content=f"{ed.author} (texte et notes)")
    el("meta", None, head, name="author", content=f"{ed.site_author} (appareil critique)")
    el("meta", None, head, name="description", content=description)
    if ed.keywords:
        el("meta", None, head, name="keywords", content=ed.keywords)
    el("meta", None, head, name="generator", content=ed.site_name)
    stamp = _dt.datetime.fromtimestamp(ed.epoch, tz=_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    el("meta", None, head, name="dcterms.created", content=stamp)
    el("meta", None, head, name="dcterms.modified", content=stamp)


def rights_of(ed: Edition, doc: ET.Element, first: bool) -> str:
    """A text's credit line, read from its page's footer: its front matter's ``copyright``, else
    the site's. For another text than the first, the site's line names the first text's author:
    none then."""
    highlight = find_class(doc, "div", "md-copyright__highlight")
    rights = text_of(highlight) if highlight is not None else ""
    return rights if first or rights != ed.rights else ""


def qr_img(url: str, parent: ET.Element, label: str = "Code QR vers") -> ET.Element:
    """A figure-like box holding the QR code of URL (vector SVG, segno) with its alternative text."""
    from publish import qr
    box = el("div", None, parent, cls="ed-pdf-qr")
    el("img", None, box, src=qr.data_uri(url), alt=f"{label} {url}")
    return box


def build_document(site: Path, epoch: int | None = None, root: Path | None = None) -> tuple[str, dict]:
    """The edition as one HTML document (a string) and facts about it for the report."""
    epoch = source_date_epoch() if epoch is None else epoch
    ed = edition_facts(site, root, epoch)
    site_name, canonical = ed.site_name, ed.canonical

    # Reading order: each text followed by its notes (the first text, then the others).
    texts = edition_texts(root, ed.config) if root is not None else [Text("texte.md", {}, True)]
    several = len(texts) > 1
    notes_of = {t.url: text_notes(site, t) for t in texts}
    notes = [url for t in texts for url in notes_of[t.url]]
    glossary = listed_entries(site, "glossaire", ("dl", "ed-entries"))
    names = listed_entries(site, "noms", ("dl", "ed-entries"))
    layout = [("presentation", [""])]
    for t in texts:
        layout += [("texte", [t.url]), ("notes", notes_of[t.url])]
    layout += [("glossaire", glossary), ("noms", names),
               ("bibliographie", ["bibliographie/"]), ("principes", ["principes/"])]
    pages: dict[str, Page] = {}
    for part, urls in layout:
        for url in urls:
            pages[url] = Page(site, url, page_id(url), part)
    part_ids = {"notes/": "partie-notes", "glossaire/": "partie-glossaire", "noms/": "partie-noms"}
    for t in texts[1:]:
        part_ids[t.notes] = f"partie-notes-{page_id(t.url)}"
    asm = Assembler(pages, part_ids)
    first_url = texts[0].url
    paragraphs = {t.url: [p for p in pages[t.url].article.iter("p") if "ed-par" in classes(p)] for t in texts}

    html = el("html", lang="fr")
    head_for(html, ed, site_name, ed.description)
    body = el("body", None, html, cls="ed-pdf ed-book md-typeset")

    # Title page.
    cover = el("section", None, body, cls="ed-pdf-cover", id="couverture")
    el("p", site_name, cover, cls="ed-pdf-cover__title")
    if ed.author:
        el("p", ed.author, cover, cls="ed-pdf-cover__author")
    texte_title = pages[first_url].title
    sub = el("p", f"« {texte_title} », un passage de ", cover, cls="ed-pdf-cover__work")
    cite = el("cite", ed.book, sub)
    cite.tail = f" {work_line(ed.work)}, tel qu’il a été reproduit en ligne."
    for t in texts[1:]:  # another text: its title, and its author and book when it names one
        work = text_work(root, ed.config, t)
        line = el("p", f"Et «\u00a0{pages[t.url].title}\u00a0»", cover, cls="ed-pdf-cover__work")
        if authors(work):
            line.text += f", {authors(work)}"
        if work.get("title") and str(work["title"]).casefold() != pages[t.url].title.casefold():
            line.text += ", "
            el("cite", str(work["title"]), line).tail = f" {work_line(work)}."
        else:
            line.text += f" {work_line(work)}." if work else "."
    el("p", "Les textes et leurs notes, les notes de l’édition, un glossaire, un index des noms "
            "et une bibliographie." if several else
            "Le texte et ses notes, les notes de l’édition, un glossaire, un index des noms "
            "et une bibliographie.", cover, cls="ed-pdf-cover__contents")
    colophon = el("div", None, cover, cls="ed-pdf-cover__colophon")
    if canonical:
        qr_img(canonical, colophon, "Code QR vers le site de l’édition :")
    words = el("div", None, colophon)
    if ed.rights:
        el("p", ed.rights, words)
    for t in texts[1:]:  # another text's own credit line (its front matter's « copyright »)
        rights = rights_of(ed, pages[t.url].doc, False)
        if rights:
            el("p", rights, words)
    version = el("p", f"{ed.version}, produite à partir du site ", words)
    if canonical:
        link = el("a", canonical, version, href=canonical, cls="ed-pdf-bare")
        link.tail = "."
    else:
        version.text = version.text.rstrip() + " de l’édition."
    el("p", "Composé en Linux Libertine et Linux Biolinum (Philipp H. Poll, licence SIL OFL).", words)

    # Table of contents (filled below).
    toc = el("nav", None, body, cls="ed-pdf-toc", id="sommaire")
    el("h1", "Sommaire", toc, cls="ed-pdf-toc__title")
    toc_list = el("ul", None, toc)

    def toc_item(label: str, target: str, level: int = 1, into=None):
        li = el("li", None, toc_list if into is None else into, cls=f"ed-pdf-toc__l{level}")
        el("a", label, li, href="#" + target)
        return li

    # Presentation: the home page's introduction and the sections about the edition.
    home = pages[""]
    pres = el("section", None, body, cls="ed-pdf-part ed-pdf-page", id=home.pid)
    el("h1", "Présentation", pres, cls="ed-pdf-part__title")
    toc_item("Présentation", home.pid)
    skipping = False
    for child in list(home.article):
        if child.tag == "h1":
            continue
        if child.tag == "h2":
            skipping = child.get("id", "") in HOME_SKIP
            if child.get("id") == "comment-lire-cette-edition":
                how = el("h2", "Comment lire ce document", None, id="comment-lire")
                pres.append(how)
                if several:
                    ranges = ", ".join(f"§\u00a01 à §\u00a0{len(paragraphs[t.url])} dans «\u00a0{t.name}\u00a0»"
                                       for t in texts)
                    for paragraph in HOW_TO_READ_TEXTS:
                        el("p", paragraph.format(ranges=ranges), pres)
                else:
                    for paragraph in HOW_TO_READ:
                        el("p", paragraph.format(last=len(paragraphs[first_url])), pres)
        if not skipping:
            pres.append(child)
    asm.clean(home, pres)

    def single(url: str):
        page = pages[url]
        section = el("section", None, body, cls=f"ed-pdf-part ed-pdf-page ed-pdf-page--{page.pid}",
                     id=page.pid)
        for child in list(page.article):
            section.append(child)
        h1 = section.find("h1")
        if h1 is not None:
            h1.set("class", "ed-pdf-part__title")
        asm.clean(page, section)
        return page

    def group(section_url: str, urls: list[str], kind: str):
        index = parse(site / section_url / "index.html").find(".//article")
        h1 = index.find(".//h1")
        title = heading_text(h1) if h1 is not None else kind
        part = el("section", None, body, cls=f"ed-pdf-part ed-pdf-part--{kind}", id=part_ids[section_url])
        el("h1", title, part, cls="ed-pdf-part__title")
        intro_page = SimpleNamespace(url=section_url, pid=f"{part_ids[section_url]}-intro")
        started = False
        for child in list(index):
            if child.tag == "h1":
                started = True
                continue
            if started and child.tag == "p":
                part.append(child)
            elif started:
                break
        asm.clean(intro_page, part)
        toc_li = toc_item(title, part_ids[section_url])
        sub_list = el("ul", None, toc_li, cls=f"ed-pdf-toc__entries ed-pdf-toc__entries--{kind}")
        for url in urls:
            page = pages[url]
            entry = el("section", None, part, cls=f"ed-pdf-entry ed-pdf-entry--{kind}", id=page.pid)
            for child in list(page.article):
                entry.append(child)
            h1 = entry.find("h1")
            if h1 is not None:
                h1.set("class", "ed-pdf-entry__title")
            asm.clean(page, entry)
            dedupe_backlinks(entry)
            toc_item(page.title, page.pid, 2, sub_list)

    for t in texts:
        texte = single(t.url)
        texte_h1 = body.find(f".//section[@id='{texte.pid}']/h1")
        running = t.name if several else "Le texte"  # several: the name the site gives each text
        if texte_h1 is not None:
            texte_h1.set("data-running", running)
        toc_item(f"{running} — {texte.title}" if running != texte.title else running, texte.pid)
        group(t.notes, notes_of[t.url], "notes")
    group("glossaire/", glossary, "glossaire")
    group("noms/", names, "noms")
    biblio = single("bibliographie/")
    toc_item(biblio.title, biblio.pid)
    principes = single("principes/")
    toc_item(principes.title, principes.pid)

    mark_pagerefs(body)
    empty_ids = [e for e in body.iter() if e.get("id", "").endswith("--")]
    for e in empty_ids:
        e.attrib.pop("id")
    doc = "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html")
    return doc, {"pages": len(pages), "notes": len(notes), "glossaire": len(glossary),
                 "noms": len(names)}


def dedupe_backlinks(root: ET.Element) -> None:
    """The PDF lists each place once in « Renvois » (the site lists every occurrence)."""
    for ul in root.iter("ul"):
        if "ed-backlinks" not in classes(ul):
            continue
        seen = set()
        for li in list(ul):
            a = li.find("a")
            key = text_of(a) if a is not None else text_of(li)
            if key in seen:
                ul.remove(li)
            seen.add(key)


def mark_pagerefs(body: ET.Element) -> None:
    for container in body.iter():
        if not classes(container) & PAGEREF_PARENTS:
            continue
        for a in container.iter("a"):
            if a.get("href", "").startswith("#"):
                a.set("class", " ".join(sorted(classes(a) | {"ed-pdf-pageref"})))


# --------------------------------------------------------------------------- rendering

class _Refusals(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def make_fetcher(site: Path, refused: list[str]):
    from weasyprint.urls import URLFetcher

    allowed = (site, FONTS.resolve(), PDF_CSS.resolve().parent)

    class SiteOnlyFetcher(URLFetcher):
        """Files inside the built site and the project's fonts, data: URLs (the QR codes):
        nothing remote, nothing else on disk."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if any(path == d or d in path.parents for d in allowed[:1]) or (
                        path.parent == allowed[1] and path.suffix == ".otf") or path == PDF_CSS.resolve():
                    return super().fetch(url, headers)
            refused.append(url)
            raise ValueError(f"refusé (hors du site) : {url}")

    return SiteOnlyFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)


def render(site: Path, html: str) -> bytes:
    """HTML (a string) -> PDF bytes, with the site's print stylesheet then pdf.css; tagged."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
    except ImportError as exc:
        raise PdfError(f"WeasyPrint n’est pas installé ({exc})") from exc
    css_path = site / STYLESHEET
    if not css_path.is_file():
        raise PdfError(f"feuille de style d’impression absente : {STYLESHEET}")
    refused: list[str] = []
    fetcher = make_fetcher(site, refused)
    errors = _Refusals()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(errors)
    try:
        fonts = FontConfiguration()
        document = HTML(string=html, base_url=(site / "index.html").as_uri(), url_fetcher=fetcher,
                        media_type="print")
        stylesheets = [CSS(filename=str(css_path), url_fetcher=fetcher, media_type="print",
                           font_config=fonts),
                       CSS(filename=str(PDF_CSS), url_fetcher=fetcher, media_type="print",
                           font_config=fonts)]
        pdf = document.write_pdf(stylesheets=stylesheets, font_config=fonts, pdf_identifier=False,
                                 uncompressed_pdf=False, pdf_variant=PDF_VARIANT, pdf_tags=True)
    finally:
        logger.removeHandler(errors)
    if refused:
        raise PdfError(f"le PDF demandait une ressource hors du site : {refused[0]}")
    if errors.messages:
        raise PdfError(f"WeasyPrint : {errors.messages[0]}")
    return pdf


def write(site: Path, rel: Path, data: bytes) -> None:
    out = site / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)


def run(site: Path, root: Path) -> None:
    site = Path(site).resolve()
    try:
        html, _facts = build_document(site, source_date_epoch(root), root)
        pdf = render(site, html)
    except PdfError as exc:
        print(f"pdf : {exc}", file=sys.stderr)
        raise SystemExit(1)
    write(site, output(mkdocs_config(root)), pdf)


def render_step(step: str, site: Path, root: Path, suffix: str, document) -> None:
    """One PDF step (booklet, flyer): render ``document()`` (HTML) into telechargements/<files><suffix>.pdf,
    or print one line naming the step and the problem and exit 1."""
    try:
        pdf = render(site, document())
    except PdfError as exc:
        print(f"{step} : {exc}", file=sys.stderr)
        raise SystemExit(1)
    write(site, output(mkdocs_config(root), suffix), pdf)


def step_cli(doc: str, document, run) -> None:
    """``python scripts/publish/<step>.py SITE [--html OUT.html]``: ``document(site, root)`` gives the
    assembled HTML (written to OUT.html to tune it), ``run(site, root)`` makes the PDF."""
    import argparse

    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("site")
    ap.add_argument("--html", help="écrire aussi le document HTML assemblé ici (mise au point)")
    args = ap.parse_args()
    root = Path(__file__).resolve().parents[2]
    if args.html:
        Path(args.html).write_text(document(Path(args.site).resolve(), root), encoding="utf-8")
    run(Path(args.site), root)


if __name__ == "__main__":  # python scripts/publish/pdf.py SITE [--html OUT.html]
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site")
    ap.add_argument("--html", help="écrire aussi le document HTML assemblé ici (mise au point)")
    args = ap.parse_args()
    if args.html:
        Path(args.html).write_text(build_document(Path(args.site).resolve(), None,
                                                  Path(__file__).resolve().parents[2])[0], encoding="utf-8")
    run(Path(args.site), Path(__file__).resolve().parents[2])
