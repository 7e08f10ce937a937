"""A page printed from the browser (Ctrl+P) ends with a small QR code and its short address.

    run(site, root)  ->  site/assets/qr/<page>.svg, and in each page, after its </article>:
        <div class="ed-print-where" hidden data-search-exclude>
          <img src="…/assets/qr/<page>.svg" alt="…" width="80" height="80" loading="lazy">
          <p>safecity-edition.example.org/texte/</p></div>

On screen the block is ``hidden`` and its image lazy: a browser neither shows nor downloads it
(no weight for the screen view). The print part of assets/edition.css shows it, and browsers
load lazy images before printing. The address is the page's canonical address (site_url),
without its scheme; the QR code (segno, vector) leads to the full address.

The place is found with an HTML parser (the end tag of the page's <article>: the block is not
part of the page's text, which tests/test_fidelity.py compares to the witness); redirect pages
(the paragraphs' share addresses, old addresses) and pages without an <article> are left alone.
Deterministic: the same site gives the same bytes.
"""

from __future__ import annotations

import html
import posixpath
import sys
from pathlib import Path
from urllib.parse import urlsplit

from publish import qr
from publish.offsets import OffsetParser

OUT = Path("assets") / "qr"
MARK = "ed-print-where"


class _Find(OffsetParser):
    """Offset of the last </article>, the canonical address, whether the page redirects or
    already has the block."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.end = None
        self.canonical = None
        self.redirect = False
        self.done = False
        self.read(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        elif tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.redirect = True
        elif MARK in (a.get("class") or "").split():
            self.done = True

    def handle_endtag(self, tag):
        if tag == "article":
            self.end = self.position()  # where "</article>" starts


def short(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc + (parts.path or "/")


def svg_name(url: str) -> str:
    path = urlsplit(url).path.strip("/")
    return (path or "index") + ".svg"


def block(page_rel: str, url: str) -> str:
    name = svg_name(url)
    src = posixpath.relpath((OUT / name).as_posix(), posixpath.dirname(page_rel) or ".")
    return (f'<div class="{MARK}" hidden data-search-exclude>'
            f'<img src="{html.escape(src)}" alt="Code QR de l’adresse de cette page" width="80" height="80" loading="lazy">'
            f'<p>{html.escape(short(url))}</p></div>')


def run(site: Path, root: Path | None = None) -> None:
    site = Path(site)
    done = 0
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel.startswith(("assets/", "telechargements/")):
            continue
        text = page.read_text(encoding="utf-8")
        found = _Find(text)
        if found.done:  # the step ran already on this site
            done += 1
        if found.redirect or found.end is None or not found.canonical or found.done:
            continue
        out = site / OUT / svg_name(found.canonical)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(qr.svg(found.canonical, short(found.canonical)), encoding="utf-8")
        after = text.index(">", found.end) + 1  # just after "</article>"
        page.write_text(text[:after] + block(rel, found.canonical) + text[after:], encoding="utf-8")
        done += 1
    if not done:
        print("printqr : aucune page avec <article> et adresse canonique", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    run(Path(sys.argv[1]))
