"""« Le texte » in a short PDF (A5, at most 8 pages): to print a few copies for a meeting.

    run(site, root)  ->  site/telechargements/<files>-texte.pdf   (<files>: extra.edition.files)
                         and, for each other text (``texte: true``, e.g. docs/textes/<slug>.md,
                         at /textes/<slug>/), site/telechargements/<files>-<slug>.pdf

What it holds, taken from the built text page and the notes' front matter (nothing retyped):
the passage with its epigraph, its paragraph numbers and its signature; the author's notes,
each followed by the edition's one-sentence finding (the note page's ``constat:``); the
citation line of the « Citer » block (written by the citations step); the address of the
edition with its QR code (vector, segno). Rendered like the full PDF (publish.pdf: the
project's fonts, tagged PDF/UA-1, reproducible).

Another text: the same, from its own page and its own notes (docs/textes/<slug>/notes/); the QR
code and the address lead to its page; its citation line is its page's « Citer » reference when
the page has one, else a line made from the work its front matter names (``work:``). Its file
is named after the last part of its address (<slug>): a slug that would give the name of
another download (texte, tract, hors-ligne) or of another text's stops the step with one line.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from publish import Text, edition_texts, front_matter, mkdocs_config, project_root, source_date_epoch, text_work
from publish import pdf as P

SUFFIX = "-texte"
MAX_PAGES = 8
# The other downloads' suffixes (flyer.py, offline.py): no text's booklet may take one.
TAKEN = ("-tract", "-hors-ligne")


def suffixes(texts: list[Text]) -> dict[str, str]:
    """{text's site path: suffix of its booklet}: ``-texte`` for the first text, ``-<slug>``
    (the last part of its address) for another; PdfError naming its page when two would clash."""
    out: dict[str, str] = {}
    for t in texts:
        suffix = SUFFIX if t.first else f"-{t.slug}"
        clash = next((u for u, s in out.items() if s == suffix), None)
        if clash is not None or suffix in TAKEN or (not t.first and suffix == SUFFIX):
            other = f"celui de {clash}" if clash else f"un autre fichier (<files>{suffix}.pdf)"
            raise P.PdfError(f"docs/{t.source} : son PDF « Le texte » s’appellerait comme {other} : "
                             "renommez la page (le nom de son fichier donne celui du PDF)")
        out[t.url] = suffix
    return out


def findings(root: Path, notes: str = "notes/") -> dict[str, str]:
    """{call: constat} from a text's note pages, docs/<notes>*.md (docs/notes/ for the first
    text): call "3" -> its one-sentence finding."""
    out = {}
    for path in sorted((Path(root) / "docs" / notes).glob("*.md")):
        meta = front_matter(path)
        if meta.get("call") is not None and meta.get("constat"):
            out[str(meta["call"])] = " ".join(str(meta["constat"]).split())
    return out


def citation_line(page: P.Page) -> str:
    ref = next((p for p in page.doc.iter("p") if p.get("id") == "citer-edition"), None)
    return P.text_of(ref) if ref is not None else ""


def fallback_citation(ed, work: dict, title: str, url: str) -> str:
    """A text whose page has no « Citer » reference: « Auteur, « Titre », dans <site>
    (version …), <adresse>. »"""
    who = P.authors(work)
    version = ed.version[:1].lower() + ed.version[1:]
    return (f"{who + ', ' if who else ''}«\u00a0{title}\u00a0», dans {ed.site_name} ({version})"
            + (f", {url}." if url else "."))


def build_document(site: Path, root: Path, epoch: int | None = None, which: Text | None = None) -> str:
    """The booklet of a text (WHICH; the first text by default), as HTML."""
    epoch = source_date_epoch(root) if epoch is None else epoch
    ed = P.edition_facts(site, root, epoch)
    which = which or edition_texts(root, ed.config)[0]
    text = P.Page(site, which.url, P.page_id(which.url), "texte")
    page_url = next((l.get("href") for l in text.doc.iter("link") if l.get("rel") == "canonical"), "")
    work = ed.work if which.first else text_work(root, ed.config, which)
    cite = citation_line(text)
    if not cite and which.first:
        raise P.PdfError(f"{which.url}index.html : pas de référence #citer-edition (étape citations)")
    cite = cite or fallback_citation(ed, work, text.title, page_url)
    found = findings(root, which.notes)
    asm = P.Assembler({which.url: text}, {})

    html = P.el("html", lang="fr")
    title = f"{text.title} — {ed.site_name}"
    P.head_for(html, ed, title, f"{text.title} : le texte et ses notes, avec le constat de "
               f"l’édition sur chacune ({ed.site_name}).")
    body = P.el("body", None, html, cls="ed-pdf ed-booklet md-typeset")
    P.el("p", ed.site_name, body, cls="ed-pdf-running-title ed-pdf-sans ed-booklet__kicker")
    section = P.el("section", None, body, cls="ed-booklet__text", id="texte")
    for child in list(text.article):
        section.append(child)
    asm.clean(text, section)
    h1 = section.find("h1")
    if h1 is not None and P.authors(work):  # the text's work (the first: as reproduced online)
        byline = P.el("p", f"{P.authors(work)}, ", None, cls="ed-booklet__byline")
        tail = f" {P.work_line(work)}" + (", passage tel qu’il a été reproduit en ligne." if which.first else ".")
        if work.get("title"):
            P.el("cite", str(work["title"]), byline).tail = tail
        else:
            byline.text = byline.text.rstrip(", ") + tail
        section.insert(list(section).index(h1) + 1, byline)

    # The notes, each with the edition's finding in place of the link to its page.
    notes = next((d for d in section.iter("div") if "footnote" in P.classes(d)), None)
    if notes is None:
        raise P.PdfError(f"{which.url}index.html : pas de notes (div.footnote)")
    for hr in list(notes.findall("hr")):
        notes.remove(hr)
    heading = P.el("h2", "Les notes de l’auteur, et ce qu’en dit l’édition", None, id="notes-titre")
    notes.insert(0, heading)
    ol = notes.find("ol")
    ol.set("class", "ed-booklet__notes")
    missing = []
    for li in ol.findall("li"):
        call = li.get("id", "").rsplit("-", 1)[-1]
        for parent in list(li.iter()):
            for child in list(parent):
                if "ed-note-more" in P.classes(child):
                    P.remove(parent, child)
        if call not in found:
            missing.append(call)
            continue
        p = P.el("p", None, li, cls="ed-booklet__finding")
        P.el("b", "L’édition :", p).tail = " " + found[call]
    if missing:
        raise P.PdfError(f"docs/{which.notes.rstrip('/')} : pas de « constat: » pour la note {missing[0]}")

    end = P.el("div", None, body, cls="ed-booklet__end")
    url = ed.canonical if which.first else page_url  # another text: its own page
    if url:
        P.qr_img(url, end, "Code QR vers l’édition annotée :" if which.first else
                 "Code QR vers ce texte dans l’édition annotée :")
    words = P.el("div", None, end)
    P.el("p", None, words).append(_strong("Pour citer ce texte : ", cite))
    if url:
        p = P.el("p", "Les commentaires de chaque note, le glossaire, l’index des noms et les sources : ", words)
        P.el("a", url, p, href=url, cls="ed-pdf-bare")
    rights = P.rights_of(ed, text.doc, which.first)  # (its own, never the first text's author's)
    P.el("p", f"{ed.version}. {rights}" if rights else f"{ed.version}.", words)
    for e in list(body.iter()):
        if e.get("id", "").endswith("--"):
            e.attrib.pop("id")
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html")


def _strong(label: str, text: str) -> ET.Element:
    span = P.el("span", None)
    P.el("b", label.strip(), span).tail = " " + text
    return span


def run(site: Path, root: Path) -> None:
    site = Path(site).resolve()
    texts = edition_texts(root)
    try:
        names = suffixes(texts)
    except P.PdfError as exc:
        print(f"booklet : {exc}", file=sys.stderr)
        raise SystemExit(1)
    for t in texts:
        P.render_step("booklet", site, root, names[t.url], lambda t=t: build_document(site, root, which=t))


def outputs(config: dict) -> list[Path]:
    """What this step writes, relative to the site (tests/test_site_links.py reads it): a PDF per text."""
    return [P.output(config, suffix) for suffix in suffixes(edition_texts(project_root(config), config)).values()]


if __name__ == "__main__":  # python scripts/publish/booklet.py SITE [--html OUT.html]
    P.step_cli(__doc__, build_document, run)
