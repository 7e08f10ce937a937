"""A flyer for a meeting: one A4 page with a paragraph of the text, three facts from the
apparatus with their sources, and a QR code to the paragraph's share address.

    run(site, root)  ->  site/telechargements/<files>-tract.pdf   (<files>: extra.edition.files)

What goes on it is chosen in mkdocs.yml, ``extra.edition.flyer``:

    flyer:
      texte: textes/declaration-1789.md # (optional) which text: the first text by default
      paragraph: 3                      # § 3 in full; the QR code leads to /texte/3/
      facts:                            # three pages of the apparatus
        - {page: notes/9.md, source: 1} # its constat: (a note) or definition: (an entry),
                                        # and its source n° 1 (the first of its sources:)

The words come from the built text page (the paragraph) and from the front matter of the
chosen pages (fact, title, source): nothing is retyped. Margins of 15 mm (home printers need
10). Rendered like the other PDFs (publish.pdf: project fonts, tagged, reproducible).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from publish import Text, edition_settings, edition_texts, front_matter, mkdocs_config, source_date_epoch, text_work
from publish import pdf as P

SUFFIX = "-tract"
FACTS = 3


def settings(config: dict) -> dict:
    flyer = edition_settings(config).get("flyer")
    if not isinstance(flyer, dict):
        raise P.PdfError("mkdocs.yml : extra.edition.flyer manque (paragraph, facts)")
    n = flyer.get("paragraph")
    if not isinstance(n, int) or n < 1:
        raise P.PdfError(f"mkdocs.yml : extra.edition.flyer.paragraph doit être un numéro de paragraphe, pas {n!r}")
    facts = flyer.get("facts")
    if not isinstance(facts, list) or len(facts) != FACTS:
        raise P.PdfError(f"mkdocs.yml : extra.edition.flyer.facts doit donner {FACTS} pages de l’appareil")
    return flyer


def chosen_text(root: Path, config: dict) -> Text:
    """The text the flyer quotes: ``extra.edition.flyer.texte`` (its page in docs/, as
    ``textes/declaration-1789.md``), the first text when unset."""
    texts = edition_texts(root, config)
    name = (edition_settings(config).get("flyer") or {}).get("texte")
    if name is None:
        return texts[0]
    found = next((t for t in texts if t.source == str(name).removeprefix("docs/")), None)
    if found is None:
        raise P.PdfError(f"mkdocs.yml : extra.edition.flyer.texte : « {name} » n’est pas un texte de l’édition "
                         f"(textes : {', '.join(t.source for t in texts)})")
    return found


def fact(root: Path, item) -> dict:
    """{title, text, source: {title, url}, page} of one configured fact."""
    if not isinstance(item, dict) or not item.get("page"):
        raise P.PdfError(f"mkdocs.yml : extra.edition.flyer.facts : {item!r} n’a pas de page")
    rel = str(item["page"])
    path = Path(root) / "docs" / rel
    if not path.is_file():
        raise P.PdfError(f"mkdocs.yml : extra.edition.flyer.facts : docs/{rel} n’existe pas")
    meta = front_matter(path)
    text = meta.get("constat") or meta.get("definition")
    if not text:
        raise P.PdfError(f"docs/{rel} : ni constat: ni definition: pour le tract")
    sources = meta.get("sources") or []
    index = item.get("source", 1)
    if not isinstance(index, int) or not 1 <= index <= len(sources):
        raise P.PdfError(f"docs/{rel} : pas de source n° {index} (il en a {len(sources)})")
    src = sources[index - 1]
    title = str(meta.get("title") or rel)
    return {"title": title, "text": " ".join(str(text).split()), "page": rel,
            "source": {"title": str(src.get("title") or ""), "url": str(src.get("url") or "")}}


def paragraph(site: Path, n: int, url: str = "texte/") -> tuple[ET.Element, str]:
    """The cleaned paragraph N of the text page at URL (no number, no calls, no buttons) and
    its share address (og:url of /texte/N/)."""
    text = P.Page(site, url, P.page_id(url), "texte")
    par = next((p for p in text.article.iter("p") if p.get("id") == f"p{n}"), None)
    if par is None:
        raise P.PdfError(f"mkdocs.yml : extra.edition.flyer.paragraph : le texte n’a pas de § {n}")
    share = site / url / str(n) / "index.html"
    if not share.is_file():
        raise P.PdfError(f"{url}{n}/index.html absent (étape shares)")
    address = next((m.get("content") for m in P.parse(share).iter("meta")
                    if m.get("property") == "og:url"), None)
    if not address:
        raise P.PdfError(f"{url}{n}/index.html : pas d’adresse og:url")
    holder = P.el("div")
    holder.append(par)
    P.Assembler({url: text}, {}).clean(text, holder)
    for parent in list(holder.iter()):
        for child in list(parent):
            if "ed-parnum" in P.classes(child) or child.tag == "sup":
                P.remove(parent, child)
    par.attrib.pop("id", None)
    par.set("class", "ed-flyer__paragraph")
    return par, address


def build_document(site: Path, root: Path, epoch: int | None = None) -> tuple[str, str]:
    """(HTML of the flyer, the address its QR code leads to)."""
    epoch = source_date_epoch(root) if epoch is None else epoch
    ed = P.edition_facts(site, root, epoch)
    conf = settings(ed.config)
    which = chosen_text(root, ed.config)
    n = conf["paragraph"]
    par, url = paragraph(site, n, which.url)
    facts = [fact(root, item) for item in conf["facts"]]
    passage = str(which.meta.get("share_title") or which.meta.get("title") or "")
    if not which.first:  # another text: its own author and book
        work = text_work(root, ed.config, which)
        ed.author, ed.book, ed.work = P.authors(work), str(work.get("title") or ""), work

    html = P.el("html", lang="fr")
    P.head_for(html, ed, f"{ed.site_name} — § {n}",
               f"Le § {n} du texte, trois faits vérifiés par l’édition et l’adresse pour lire la suite.")
    body = P.el("body", None, html, cls="ed-pdf ed-flyer md-typeset")
    P.el("p", ed.site_name, body, cls="ed-flyer__kicker")
    P.el("h1", passage.replace("“", "« ").replace("”", " »"), body)
    quote = P.el("blockquote", None, body, cls="ed-flyer__quote")
    quote.append(par)
    byline = P.el("p", f"§ {n} — {ed.author}, " if ed.author else f"§ {n} — ", body, cls="ed-flyer__byline")
    P.el("cite", ed.book, byline).tail = f" {P.work_line(ed.work)}."

    P.el("h2", "Ce que l’édition a vérifié", body)
    ol = P.el("ol", None, body, cls="ed-flyer__facts")
    base = ed.canonical
    for f in facts:
        li = P.el("li", None, ol)
        p = P.el("p", None, li)
        P.el("b", f["title"], p).tail = " — " + f["text"]
        src = P.el("p", "Source : " + f["source"]["title"], li, cls="ed-flyer__source")
        if f["source"]["url"]:
            src.text += " — "
            P.el("a", f["source"]["url"], src, href=f["source"]["url"], cls="ed-pdf-bare")

    end = P.el("div", None, body, cls="ed-flyer__end")
    P.qr_img(url, end, f"Code QR vers le § {n} dans l’édition :")
    words = P.el("div", None, end)
    P.el("p", "Le texte entier, ses notes, le commentaire de chacune et toutes les sources :", words)
    P.el("p", None, words, cls="ed-flyer__address").append(_link(url))
    rights = P.rights_of(ed, P.parse(site / which.url / "index.html"), which.first)
    P.el("p", f"{ed.version}. {rights}" if rights else f"{ed.version}.", words, cls="ed-flyer__colophon")
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html"), url


def _link(url: str) -> ET.Element:
    return P.el("a", url, None, href=url, cls="ed-pdf-bare")


def run(site: Path, root: Path) -> None:
    site = Path(site).resolve()
    config = mkdocs_config(root)
    if edition_settings(config).get("flyer") is None:
        # An edition without a flyer (a new one, until its editors choose a paragraph).
        print("flyer : pas de extra.edition.flyer dans mkdocs.yml : pas de tract", file=sys.stderr)
        return
    try:
        which = chosen_text(root, config)
    except P.PdfError as exc:
        print(f"flyer : {exc}", file=sys.stderr)
        raise SystemExit(1)
    n = (edition_settings(config).get("flyer") or {}).get("paragraph")
    if isinstance(n, int) and not (site / which.url / str(n) / "index.html").is_file():
        # Only when the shares step was left out (scripts/build.py --skip shares): no address.
        print(f"flyer : pas d’adresse de partage {which.url}{n}/ (étape shares omise) : pas de tract", file=sys.stderr)
        return
    P.render_step("flyer", site, root, SUFFIX, lambda: build_document(site, root)[0])


def outputs(config: dict) -> list[Path]:
    """What this step writes, relative to the site (tests/test_site_links.py reads it)."""
    return [P.output(config, SUFFIX)]


if __name__ == "__main__":  # python scripts/publish/flyer.py SITE [--html OUT.html]
    P.step_cli(__doc__, lambda site, root: build_document(site, root)[0], run)
