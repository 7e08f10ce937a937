"""A share address for each paragraph of the text: ``/texte/3/``, with a link preview of its own.

    run(site, root)   writes site/texte/<N>/index.html for each paragraph (and the epigraph)
                      of the text, and site/<text>/<N>/index.html for each other text's

Link previews (messengers, social networks) ignore the ``#fragment`` of an address: every
``/texte/#p3`` looked like the whole text. Each paragraph therefore gets a small page of its
own, whose Open Graph and Twitter metadata name that paragraph (« <author>, « <passage> », § 3 »,
its opening words, its card) and which sends a person on to
``/texte/#p3`` at once, without JavaScript (``<meta http-equiv="refresh">``) and with a plain
link for the rest. The card itself is drawn by the ``cards`` step, from this page's metadata
(``edition:card-quote``, ``edition:card-byline``).

Where the words come from: the built text page (each paragraph's words as the search index
reads them, publish.search); the author and the book from the work named by
``extra.citation.work`` in docs/bibliographie.md (one source for the book); the passage's
title from the text page's front matter ``share_title``. The addresses are registered in
published.yml like any page. Deterministic: the same site gives the same bytes.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from publish import cited_work, front_matter, mkdocs_config, other_texts
from publish.search import unit_texts

DESCRIPTION_MAX = 200
EPIGRAPH_SLUG = "epigraphe"


class ShareError(Exception):
    pass


def cut(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """At most ``limit`` characters, cut at a word, with « … » when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    head = head[: head.rfind(" ")] if " " in head else head
    return head.rstrip(" ,;:«\u00a0") + "…"


def _book(root: Path, config: dict) -> dict:
    work = cited_work(root, config)
    if work is None:
        cite = (config.get("extra") or {}).get("citation") or {}
        raise ShareError(f"docs/{cite.get('bibliography')} : pas d’ouvrage « {cite.get('work')} » (extra.citation.work)")
    return work


def _author(work: dict) -> str:
    return ", ".join(" ".join(x for x in (a.get("given"), a.get("family")) if x)
                     for a in work.get("author") or [])


def units(site: Path, page_url: str) -> list[tuple[str, str, str]]:
    """(slug, label, words) of each paragraph and of the epigraph of the text page."""
    page = site / page_url / "index.html"
    if not page.is_file():
        raise ShareError(f"{page_url}index.html introuvable : la page du texte n’est pas construite")
    out = []
    for anchor, words in unit_texts(page.read_text(encoding="utf-8")).items():
        m = re.fullmatch(r"p(\d+)", anchor)
        if m:
            out.append((m.group(1), f"§\u00a0{m.group(1)}", words))
        elif anchor == EPIGRAPH_SLUG:
            out.append((EPIGRAPH_SLUG, "épigraphe", words))
    return out


def share_page(*, lang: str, site_name: str, site_url: str, page_url: str, slug: str, anchor: str,
               title: str, description: str, quote: str, byline: str) -> str:
    e = lambda s: html.escape(s, quote=True)  # noqa: E731
    url = f"{site_url}{page_url}{slug}/"
    card = f"{site_url}assets/cards/{page_url}{slug}.png"
    target = f"../#{anchor}"
    alt = f"Carte de partage : {title} — {site_name}"
    return f"""<!doctype html>
<html lang="{e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{e(title)} — {e(site_name)}</title>
<meta http-equiv="refresh" content="0; url={e(target)}">
<link rel="canonical" href="{e(site_url + page_url)}">
<meta name="robots" content="noindex">
<meta name="description" content="{e(description)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{e(site_name)}">
<meta property="og:locale" content="fr_FR">
<meta property="og:title" content="{e(title)}">
<meta property="og:description" content="{e(description)}">
<meta property="og:url" content="{e(url)}">
<meta property="og:image" content="{e(card)}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="1200">
<meta property="og:image:height" content="630">
<meta property="og:image:alt" content="{e(alt)}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="{e(title)}">
<meta name="twitter:description" content="{e(description)}">
<meta name="twitter:image" content="{e(card)}">
<meta name="twitter:image:alt" content="{e(alt)}">
<meta name="edition:card-quote" content="{e(quote)}">
<meta name="edition:card-byline" content="{e(byline)}">
</head>
<body>
<p><a href="{e(target)}">{e(title)}</a></p>
</body>
</html>
"""


def _work(root: Path, config: dict, wid: str) -> dict:
    cite = (config.get("extra") or {}).get("citation") or {}
    bib = Path(root) / "docs" / str(cite.get("bibliography") or "bibliographie.md")
    return next((w for w in front_matter(bib).get("works") or [] if w.get("id") == wid), {})


def _page_url(text_page: str) -> str:
    return re.sub(r"(index)?\.md$", "", text_page).rstrip("/") + "/"


def run(site: Path, root: Path) -> None:
    site, root = Path(site), Path(root)
    config = mkdocs_config(root)
    cite = (config.get("extra") or {}).get("citation") or {}
    text_page = str(cite.get("page") or "")
    try:
        if text_page:  # the first text: its book is extra.citation.work
            _write(site, config, text_page, front_matter(root / "docs" / text_page), _book(root, config))
        for path, meta in other_texts(root):  # another text: its front matter's « work », if any
            if path != text_page:
                _write(site, config, path, meta, _work(root, config, str(meta.get("work") or "")))
    except (ShareError, OSError) as exc:
        print(f"shares : {exc}", file=sys.stderr)
        raise SystemExit(1)


def _write(site: Path, config: dict, text_page: str, meta: dict, book: dict) -> None:
    page_url = _page_url(text_page)
    site_url = str(config.get("site_url") or "").rstrip("/") + "/"
    site_name = str(config.get("site_name") or "")
    passage = str(meta.get("share_title") or meta.get("title") or "").strip()
    author = _author(book) or site_name
    short = str(book.get("title", "")).split(". ")[0]
    year = str(((book.get("issued") or {}).get("date-parts") or [[""]])[0][0])
    work = f"{short} ({year})" if short and year else short
    for slug, label, words in units(site, page_url):
        anchor = f"p{slug}" if slug.isdigit() else slug
        title = f"{author}, « {passage} », {label}" if passage else f"{author}, {label}"
        quote, byline = words, ", ".join(x for x in (author, work, label) if x)
        said = re.fullmatch(r"(.+?)\s+[–—-]\s+(.+?)\.?", words)
        if slug == EPIGRAPH_SLUG and said:  # another author's words: theirs, not the text's author
            quote, byline = said.group(1).strip("« »\u00a0"), said.group(2)
            title = f"{byline}, épigraphe de « {passage} »" if passage else byline
        html_text = share_page(
            lang="fr", site_name=site_name, site_url=site_url, page_url=page_url, slug=slug,
            anchor=anchor, title=title, description=cut(words), quote=cut(quote, 130),
            byline=byline)
        dest = site / page_url / slug / "index.html"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(html_text, encoding="utf-8")
