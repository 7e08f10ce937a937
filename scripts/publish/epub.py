"""The edition as an EPUB 3 for e-readers, made from the site's own built pages.

    run(site, root)  ->  site/telechargements/<files>.epub   (<files>: extra.edition.files)

Inside, in reading order: a portrait cover (publish.cards.draw_cover: the edition, its author,
each text, the version), the text with the author's notes as EPUB footnotes (``epub:type="noteref"`` /
``"footnote"``, each with a link back to its call), one chapter per note page of the edition
(with several texts: each text, then its notes, listed under it in the table of contents),
the glossary, the index of names, the bibliography and the editorial principles; a table of
contents (nav.xhtml). Links between pages become links between chapters; a link to a place
the EPUB does not hold keeps its words and loses its link. Title, author, language, publisher
and identifier come from mkdocs.yml and the cited work (publish.pdf.edition_facts).

Valid: it passes EPUBCheck (``java -jar /usr/bin/epubcheck F.epub``) without error or warning
(tests/test_epub.py). Reproducible: entries in a fixed order, all dated SOURCE_DATE_EPOCH,
``mimetype`` first and stored.
"""

from __future__ import annotations

import datetime as _dt
import io
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from publish import edition_texts, mkdocs_config, source_date_epoch, text_work
from publish import pdf as P

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
DROP = (P.DROP_CLASSES - {"footnote-backref"}) | {"ed-cite", "ed-downloads"}
DROP_ATTRS = ("aria-describedby", "data-md-component", "rel", "download", "hidden", "tabindex")

CSS = """\
body { font-family: serif; line-height: 1.45; margin: 0 4%; }
h1 { font-size: 1.5em; line-height: 1.2; margin: 1em 0 .8em; }
h2 { font-size: 1.2em; margin: 1.4em 0 .5em; }
h3 { font-size: 1.05em; }
p { margin: 0 0 .6em; text-align: justify; hyphens: auto; -epub-hyphens: auto; }
blockquote { margin: 1em 1.5em; font-size: .95em; }
a { color: inherit; }
.ed-parnum { font-family: sans-serif; font-size: .7em; color: #555; margin-right: .4em; text-decoration: none; }
.ed-parnum::before { content: "§\\00a0"; }
.ed-signature { text-align: right; font-variant: small-caps; }
.ed-sr { display: none; }
aside.ed-footnote { font-size: .9em; margin: 0 0 .6em; }
aside.ed-footnote p { text-align: left; }
.ed-definition { border-left: 2px solid #999; padding-left: .8em; }
.ed-snippet mark { background: none; font-weight: bold; }
ul.ed-backlinks, ul.ed-related { padding-left: 1.2em; }
.cover { margin: 0; padding: 0; text-align: center; }
.cover img { max-width: 100%; max-height: 100%; }
nav ol { list-style: none; padding-left: 1em; }
"""


def _id(value: str) -> str:
    return value.replace(":", "-")


class Chapter:
    def __init__(self, name: str, title: str, pids: list[str], under: str | None = None):
        self.name, self.title, self.pids = name, title, pids   # file name, title, page ids held
        self.under = under  # a note's chapter: the file name of its text's chapter
        self.body = P.el("body")


def clean(page, root: ET.Element, asm: P.Assembler) -> None:
    """What P.Assembler.clean does, keeping the links back from the notes to their calls."""
    for parent in list(root.iter()):
        for child in list(parent):
            if P.classes(child) & DROP or child.tag in ("script", "style", "nav", "button", "svg", "form", "input"):
                P.remove(parent, child)
    for e in root.iter():
        if e is root:
            continue
        for attr in DROP_ATTRS:
            e.attrib.pop(attr, None)
        if e.get("id"):
            e.set("id", f"{page.pid}--{_id(e.get('id'))}")
        if e.get("aria-labelledby"):
            e.set("aria-labelledby", " ".join(f"{page.pid}--{_id(v)}" for v in e.get("aria-labelledby").split()))
        if e.tag == "a" and e.get("href") is not None:
            href = e.get("href")
            if "footnote-backref" in P.classes(e):
                e.set("href", f"#{page.pid}--{_id(href.lstrip('#'))}")
            else:
                asm.relink(page, e)


def footnotes(section: ET.Element, pid: str) -> None:
    """The author's notes of the text as EPUB footnotes: calls are noterefs, each note an
    <aside epub:type="footnote"> whose number leads back to its call."""
    for sup in section.iter("sup"):
        a = sup.find("a")
        if a is not None and "footnote-ref" in P.classes(a):
            a.set("epub:type", "noteref")
            a.set("role", "doc-noteref")
    for div in list(section.iter("div")):
        if "footnote" not in P.classes(div):
            continue
        ol = div.find("ol")
        if ol is None:
            continue
        div.remove(ol)
        for hr in div.findall("hr"):
            div.remove(hr)
        P.el("h2", "Notes", div, id=f"{pid}--notes-titre")
        for li in ol.findall("li"):
            aside = P.el("aside", None, div, id=li.get("id", ""), cls="ed-footnote")
            aside.set("epub:type", "footnote")
            aside.set("role", "doc-footnote")
            n = li.get("id", "").rsplit("-", 1)[-1]
            back = None
            for parent in list(li.iter()):
                for child in list(parent):
                    if child.tag == "a" and "footnote-backref" in P.classes(child):
                        back = child.get("href")
                        P.remove(parent, child)
            first = True
            for child in list(li):
                if first and child.tag == "p" and back:
                    num = ET.Element("a", {"href": back, "role": "doc-backlink"})
                    num.text = f"{n}."
                    num.tail = " " + (child.text or "")
                    child.text = None
                    child.insert(0, num)
                first = False
                aside.append(child)


def assemble(site: Path, root: Path, epoch: int):
    ed = P.edition_facts(site, root, epoch)
    texts = edition_texts(root, ed.config)  # the first text, then the others (texte: true)
    notes_of = {t.url: P.text_notes(site, t) for t in texts}
    glossary = P.listed_entries(site, "glossaire", ("dl", "ed-entries"))
    names = P.listed_entries(site, "noms", ("dl", "ed-entries"))
    pages: dict[str, P.Page] = {}
    for t in texts:
        pages[t.url] = P.Page(site, t.url, P.page_id(t.url), "texte")
        for url in notes_of[t.url]:
            pages[url] = P.Page(site, url, P.page_id(url), "notes")
    for url in [*glossary, *names, "bibliographie/", "principes/"]:
        pages[url] = P.Page(site, url, P.page_id(url), url.split("/")[0])
    part_ids = {"notes/": "partie-notes", "glossaire/": "partie-glossaire", "noms/": "partie-noms"}
    for t in texts[1:]:
        part_ids[t.notes] = f"partie-notes-{P.page_id(t.url)}"
    asm = P.Assembler(pages, part_ids)
    chapters: list[Chapter] = []

    def add_page(chapter: Chapter, url: str, level: str = "h1"):
        page = pages[url]
        section = P.el("section", None, chapter.body, id=page.pid)
        for child in list(page.article):
            section.append(child)
        clean(page, section, asm)
        if level != "h1":
            for h in section.iter():
                if h.tag in ("h1", "h2", "h3"):
                    h.tag = {"h1": "h2", "h2": "h3", "h3": "h4"}[h.tag]
        return section

    for t in texts:  # each text, then its notes (the first's chapter keeps the name texte.xhtml)
        pid = pages[t.url].pid
        texte = Chapter("texte.xhtml" if t.first else f"{pid}.xhtml", pages[t.url].title, [pid])
        section = add_page(texte, t.url)
        footnotes(section, pid)
        chapters.append(texte)
        for i, url in enumerate(notes_of[t.url]):
            ch = Chapter(f"{pages[url].pid}.xhtml", pages[url].title, [pages[url].pid],
                         texte.name if len(texts) > 1 else None)
            add_page(ch, url)
            if i == 0:  # the notes' index is not a chapter: its links go to the first note
                ch.pids.append(part_ids[t.notes])
                ch.body.insert(0, P.el("span", None, None, id=part_ids[t.notes]))
            chapters.append(ch)
    for kind, urls in (("glossaire", glossary), ("noms", names)):
        index = P.parse(site / kind / "index.html").find(".//article")
        h1 = index.find(".//h1")
        title = P.heading_text(h1) if h1 is not None else kind
        ch = Chapter(f"{kind}.xhtml", title, [part_ids[f"{kind}/"]] + [pages[u].pid for u in urls])
        P.el("h1", title, ch.body, id=part_ids[f"{kind}/"])
        for url in urls:
            add_page(ch, url, "h2")
        chapters.append(ch)
    for url in ("bibliographie/", "principes/"):
        ch = Chapter(f"{pages[url].pid}.xhtml", pages[url].title, [pages[url].pid])
        add_page(ch, url)
        chapters.append(ch)
    return ed, chapters


def fix_links(chapters: list[Chapter]) -> None:
    """'#pid--frag' -> 'file.xhtml#pid--frag'; a link whose target the EPUB lacks keeps its words."""
    ids = {}
    where = {}
    for ch in chapters:
        for e in ch.body.iter():
            if e.get("id"):
                ids.setdefault(e.get("id"), ch.name)
        for pid in ch.pids:
            where[pid] = ch.name
    for ch in chapters:
        for a in ch.body.iter("a"):
            href = a.get("href")
            if href is None:
                continue
            if href.startswith("#"):
                target = href[1:]
                if target in ids:
                    a.set("href", f"#{target}" if ids[target] == ch.name else f"{ids[target]}#{target}")
                else:
                    a.attrib.pop("href")
                    a.tag = "span"
            elif not href.startswith(("http://", "https://", "mailto:")):
                a.attrib.pop("href")
                a.tag = "span"


def xhtml(title: str, body: ET.Element, css: bool = True) -> bytes:
    html = ET.Element("html", {"xmlns": XHTML_NS, "xmlns:epub": EPUB_NS, "lang": "fr", "xml:lang": "fr"})
    head = P.el("head", None, html)
    P.el("meta", None, head, charset="utf-8")
    P.el("title", title, head)
    if css:
        P.el("link", None, head, rel="stylesheet", type="text/css", href="edition.css")
    html.append(body)
    for e in html.iter():
        if e.tag == "span" and "epub:type" in e.attrib:
            del e.attrib["epub:type"]
    text = ET.tostring(html, encoding="unicode", method="xml", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + text + "\n").encode("utf-8")


def opf(ed, chapters: list[Chapter], stamp: str, has_cover: bool) -> bytes:
    pkg = ET.Element("package", {"xmlns": "http://www.idpf.org/2007/opf", "version": "3.0",
                                 "unique-identifier": "uid", "xml:lang": "fr"})
    meta = ET.SubElement(pkg, "metadata", {"xmlns:dc": "http://purl.org/dc/elements/1.1/"})
    ident = ed.canonical or f"urn:edition:{ed.settings['files']}"
    P.el("dc:identifier", ident, meta, id="uid")
    P.el("dc:title", ed.site_name, meta)
    P.el("dc:language", "fr", meta)
    if ed.author:
        P.el("dc:creator", ed.author, meta, id="auteur")
    P.el("dc:contributor", ed.site_author, meta, id="edition")
    P.el("dc:publisher", ed.site_author, meta)
    P.el("dc:date", stamp[:10], meta)
    if ed.description:
        P.el("dc:description", ed.description, meta)
    if ed.rights:
        P.el("dc:rights", ed.rights, meta)
    for word in [w.strip() for w in ed.keywords.split(",") if w.strip()]:
        P.el("dc:subject", word, meta)
    version = ed.settings.get("version")
    if version:
        P.el("meta", str(version), meta, property="schema:version")
    P.el("meta", stamp, meta, property="dcterms:modified")
    manifest = ET.SubElement(pkg, "manifest")
    P.el("item", None, manifest, id="nav", href="nav.xhtml", media_type="application/xhtml+xml", properties="nav")
    P.el("item", None, manifest, id="css", href="edition.css", media_type="text/css")
    if has_cover:
        P.el("item", None, manifest, id="cover-image", href="cover.png", media_type="image/png", properties="cover-image")
        P.el("item", None, manifest, id="cover", href="cover.xhtml", media_type="application/xhtml+xml")
    for i, ch in enumerate(chapters):
        P.el("item", None, manifest, id=f"c{i}", href=ch.name, media_type="application/xhtml+xml")
    spine = ET.SubElement(pkg, "spine")
    if has_cover:
        P.el("itemref", None, spine, idref="cover", linear="yes")
    for i, _ in enumerate(chapters):
        P.el("itemref", None, spine, idref=f"c{i}")
    if version is not None:
        pkg.set("prefix", "schema: http://schema.org/")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(pkg, encoding="unicode") + "\n").encode("utf-8")


def nav(ed, chapters: list[Chapter]) -> bytes:
    body = P.el("body")
    n = P.el("nav", None, body, id="toc")
    n.set("epub:type", "toc")
    P.el("h1", "Sommaire", n)
    ol = P.el("ol", None, n)
    items: dict[str, ET.Element] = {}
    for ch in chapters:
        parent = ol
        if ch.under:  # several texts: a text's notes are listed under it
            text_li = items[ch.under]
            parent = text_li.find("ol")
            if parent is None:
                parent = P.el("ol", None, text_li)
        li = P.el("li", None, parent)
        P.el("a", ch.title, li, href=ch.name)
        items[ch.name] = li
    return xhtml(ed.site_name, body)


CONTAINER = b"""<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


def cover(site: Path, root: Path, ed) -> bytes:
    """The portrait cover (publish.cards.draw_cover): the edition, its author, each text (« its
    title », and the book it comes from), the version, the site's address (none while site_url
    is the placeholder)."""
    from publish import is_placeholder
    from publish.cards import draw_cover
    works = []
    for t in edition_texts(root, ed.config):
        title = P.Page(site, t.url, P.page_id(t.url), "texte").title
        work = ed.work if t.first else text_work(root, ed.config, t)
        if title == work.get("title") and t.meta.get("share_title"):  # (the page named as its work)
            title = str(t.meta["share_title"])
        line = f"«\u00a0{title}\u00a0»"
        who = P.authors(work)
        if who and who != ed.author:  # another text's own author
            line = f"{who}, {line}"
        if work.get("title"):
            line += f", un passage de {work['title']}"
            year = P.work_year(work)
            line += f" ({year})" if year else ""
        works.append(line)
    host = "" if is_placeholder(ed.canonical) else urlsplit(ed.canonical).hostname or ""
    return draw_cover(ed.site_name, ed.author, works, ed.version, host)


def build(site: Path, root: Path, epoch: int | None = None) -> bytes:
    epoch = source_date_epoch(root) if epoch is None else epoch
    ed, chapters = assemble(site, root, epoch)
    fix_links(chapters)
    when = _dt.datetime.fromtimestamp(epoch, tz=_dt.timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    body = P.el("body", None, cls="cover")
    P.el("img", None, body, src="cover.png", alt=f"Couverture : {ed.site_name}")
    body.set("epub:type", "cover")
    files: list[tuple[str, bytes]] = [("OEBPS/cover.png", cover(site, root, ed)),
                                      ("OEBPS/cover.xhtml", xhtml(ed.site_name, body))]
    files += [("OEBPS/content.opf", opf(ed, chapters, stamp, True)),
              ("OEBPS/nav.xhtml", nav(ed, chapters)),
              ("OEBPS/edition.css", CSS.encode("utf-8"))]
    files += [(f"OEBPS/{ch.name}", xhtml(ch.title, ch.body)) for ch in chapters]
    date_time = max(when, _dt.datetime(1980, 1, 1, tzinfo=_dt.timezone.utc)).timetuple()[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        def put(name: str, data: bytes, method=zipfile.ZIP_DEFLATED):
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None)
        put("mimetype", b"application/epub+zip", zipfile.ZIP_STORED)
        put("META-INF/container.xml", CONTAINER)
        for name, data in sorted(files):
            put(name, data)
    return buf.getvalue()


def run(site: Path, root: Path) -> None:
    site = Path(site).resolve()
    try:
        data = build(site, root)
    except P.PdfError as exc:
        print(f"epub : {exc}", file=sys.stderr)
        raise SystemExit(1)
    out = site / outputs(mkdocs_config(root))[0]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(__file__).resolve().parents[2])


def outputs(config: dict) -> list[Path]:
    """What this step writes, relative to the site (tests/test_site_links.py reads it)."""
    return [P.DOWNLOADS / f"{P.edition_settings(config)['files']}.epub"]
