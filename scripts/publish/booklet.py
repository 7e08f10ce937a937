"""« Le texte » in a short PDF (A5, at most 8 pages): to print a few copies for a meeting.

    run(site, root)  ->  site/telechargements/<files>-texte.pdf   (<files>: extra.edition.files)

What it holds, taken from the built text page and the notes' front matter (nothing retyped):
the passage with its epigraph, its paragraph numbers and its signature; the author's notes,
each followed by the edition's one-sentence finding (the note page's ``constat:``); the
citation line of the « Citer » block (written by the citations step); the address of the
edition with its QR code (vector, segno). Rendered like the full PDF (publish.pdf: the
project's fonts, tagged PDF/UA-1, reproducible).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from publish import front_matter, mkdocs_config, source_date_epoch
from publish import pdf as P

SUFFIX = "-texte"
MAX_PAGES = 8


def findings(root: Path) -> dict[str, str]:
    """{call: constat} from docs/notes/*.md (call "3" -> its one-sentence finding)."""
    out = {}
    for path in sorted((Path(root) / "docs" / "notes").glob("*.md")):
        meta = front_matter(path)
        if meta.get("call") is not None and meta.get("constat"):
            out[str(meta["call"])] = " ".join(str(meta["constat"]).split())
    return out


def citation_line(page: P.Page) -> str:
    ref = next((p for p in page.doc.iter("p") if p.get("id") == "citer-edition"), None)
    return P.text_of(ref) if ref is not None else ""


def build_document(site: Path, root: Path, epoch: int | None = None) -> str:
    epoch = source_date_epoch(root) if epoch is None else epoch
    ed = P.edition_facts(site, root, epoch)
    text = P.Page(site, "texte/", "texte", "texte")
    cite = citation_line(text)
    if not cite:
        raise P.PdfError("texte/index.html : pas de référence #citer-edition (étape citations)")
    found = findings(root)
    asm = P.Assembler({"texte/": text}, {})

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
    if h1 is not None and ed.author:
        byline = P.el("p", f"{ed.author}, ", None, cls="ed-booklet__byline")
        P.el("cite", ed.book, byline).tail = f" {P.work_line(ed.work)}, passage tel qu’il a été reproduit en ligne."
        section.insert(list(section).index(h1) + 1, byline)

    # The notes, each with the edition's finding in place of the link to its page.
    notes = next((d for d in section.iter("div") if "footnote" in P.classes(d)), None)
    if notes is None:
        raise P.PdfError("texte/index.html : pas de notes (div.footnote)")
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
        raise P.PdfError(f"docs/notes : pas de « constat: » pour la note {missing[0]}")

    end = P.el("div", None, body, cls="ed-booklet__end")
    url = ed.canonical
    if url:
        P.qr_img(url, end, "Code QR vers l’édition annotée :")
    words = P.el("div", None, end)
    P.el("p", None, words).append(_strong("Pour citer ce texte : ", cite))
    if url:
        p = P.el("p", "Les commentaires de chaque note, le glossaire, l’index des noms et les sources : ", words)
        P.el("a", url, p, href=url, cls="ed-pdf-bare")
    P.el("p", f"{ed.version}. {ed.rights}", words)
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
    P.render_step("booklet", site, root, SUFFIX, lambda: build_document(site, root))


def outputs(config: dict) -> list[Path]:
    """What this step writes, relative to the site (tests/test_site_links.py reads it)."""
    return [P.output(config, SUFFIX)]


if __name__ == "__main__":  # python scripts/publish/booklet.py SITE [--html OUT.html]
    P.step_cli(__doc__, build_document, run)
