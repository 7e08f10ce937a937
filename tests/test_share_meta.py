"""Link previews and citation, read from the built HTML (html.parser, no browser):

- every page has Open Graph and Twitter card metadata with absolute URLs under site_url,
  its og:url is its canonical URL, and the sitemap lists exactly those canonical URLs;
- every og:image exists once scripts/publish/cards.py has run, is a 1200×630 PNG, and the
  cards come out byte-identical from one run to the next;
- the text page carries citation_* metadata for the book, taken from its single source
  (docs/bibliographie.md, the work named by mkdocs.yml extra.citation), and a « Citer » block.

The session build is plain `mkdocs build`; the cards step runs here, on a copy of it.
"""

from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from PIL import Image

from helpers import REPO_ROOT, built_pages, page_url, site_url

sys.path.insert(0, str(REPO_ROOT / "scripts"))
from publish import cards  # noqa: E402


def _mkdocs_value(key: str) -> str:
    """A top-level scalar of mkdocs.yml (which has !ENV tags: no yaml.safe_load)."""
    for line in (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].split(" #")[0].strip().strip("'\"")
    raise AssertionError(f"mkdocs.yml has no {key}")


SITE_URL = site_url()
TEXT_URL = SITE_URL + "texte/"

REQUIRED = ["og:title", "og:description", "og:url", "og:type", "og:locale", "og:site_name",
            "og:image", "og:image:width", "og:image:height", "og:image:alt",
            "twitter:card", "twitter:title", "twitter:description", "twitter:image"]


def _book() -> dict:
    text = (REPO_ROOT / "docs" / "bibliographie.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---", 2)[1])
    return next(w for w in front["works"] if w["id"] == "rigouste-2022")


class _Page(HTMLParser):
    """<meta> values (by property or name, in order), <link rel=canonical>, and the text and
    attributes of every element that has an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.by_id: dict[str, dict] = {}
        self._open: list[tuple[str, str | None]] = []  # (tag, id) of open elements
        self.elements: list[tuple[str, dict]] = []

    VOID = {"meta", "link", "br", "img", "input", "hr", "wbr", "source", "area", "col"}

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(a.get("property") or a.get("name"), []).append(a.get("content", ""))
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a.get("href", ""))
        if "id" in a:
            self.by_id[a["id"]] = {"tag": tag, "attrs": a, "text": ""}
        if tag not in self.VOID:
            self._open.append((tag, a.get("id")))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for _, ident in self._open:
            if ident:
                self.by_id[ident]["text"] += data


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def _one(page: _Page, key: str) -> str:
    values = page.meta.get(key, [])
    assert len(values) == 1, f"{key}: expected one value, found {values}"
    return values[0]


@pytest.fixture(scope="module")
def pages(site_dir):
    found = built_pages(site_dir)
    assert found, f"no pages in {site_dir}"
    return {page_url(site_dir, p): _parse(p) for p in found}


@pytest.fixture(scope="module")
def carded_site(site_dir, tmp_path_factory) -> Path:
    """A copy of the session build with the cards step run on it."""
    copy = tmp_path_factory.mktemp("carded") / "site"
    shutil.copytree(site_dir, copy)
    cards.run(copy, REPO_ROOT)
    return copy


def test_every_page_has_link_preview_metadata(pages):
    failures = []
    for url, page in pages.items():
        try:
            for key in REQUIRED:
                assert _one(page, key).strip(), f"{key} is empty"
            assert page.canonical == [SITE_URL + url.lstrip("/")], f"canonical {page.canonical}"
            assert _one(page, "og:url") == page.canonical[0], "og:url is not the canonical URL"
            image = _one(page, "og:image")
            assert image.startswith(SITE_URL + "assets/cards/") and image.endswith(".png"), image
            assert _one(page, "twitter:image") == image
            assert _one(page, "og:locale") == "fr_FR"
            assert _one(page, "og:site_name") == _mkdocs_value("site_name")
            assert _one(page, "og:type") == ("article" if url == "/texte/" else "website")
            assert (_one(page, "og:image:width"), _one(page, "og:image:height")) == ("1200", "630")
            assert _one(page, "twitter:card") == "summary_large_image"
            assert _one(page, "twitter:title") == _one(page, "og:title")
            description = _one(page, "og:description")
            assert _one(page, "twitter:description") == description
            assert "<" not in description and len(description) <= 320, description
        except AssertionError as exc:
            failures.append(f"{url}: {exc}")
    assert not failures, "\n".join(failures)


def test_titles_and_descriptions_are_the_pages_own(pages):
    texte = pages["/texte/"]
    assert _one(texte, "og:title").startswith("Smart and Safe City\u00a0: optimiser")
    assert _one(pages["/"], "og:title") == _mkdocs_value("site_name")
    titles = [_one(p, "og:title") for p in pages.values()]
    assert len(set(titles)) == len(titles), "two pages share an og:title"
    descriptions = [_one(p, "og:description") for p in pages.values()]
    assert len(set(descriptions)) == len(descriptions), "two pages share an og:description"


def test_sitemap_lists_the_canonical_urls(site_dir, pages):
    tree = ET.parse(site_dir / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = sorted(e.text.strip() for e in tree.getroot().findall("s:url/s:loc", ns))
    assert locs == sorted(p.canonical[0] for p in pages.values())


def test_every_card_exists_and_is_1200x630(carded_site, pages):
    problems = []
    for url, page in pages.items():
        image = _one(page, "og:image")
        path = carded_site / image[len(SITE_URL):]
        if not path.is_file():
            problems.append(f"{url}: no file for {image}")
            continue
        with Image.open(path) as im:
            if im.format != "PNG" or im.size != (1200, 630):
                problems.append(f"{url}: {path.name} is {im.format} {im.size}")
            if set(im.info) - {"transparency"}:
                problems.append(f"{url}: {path.name} carries metadata {sorted(im.info)}")
    assert not problems, "\n".join(problems)
    made = sorted(p.relative_to(carded_site).as_posix() for p in (carded_site / "assets" / "cards").rglob("*.png"))
    # the pages, and the share addresses of the paragraphs (test_share_pages.py), which are
    # not pages of their own (built_pages leaves them out)
    forwards = [_parse(f) for f in sorted(carded_site.rglob("*.html"))
                if 'name="edition:card-quote"' in f.read_text(encoding="utf-8")]
    assert forwards, "no share page of a paragraph"
    expected = sorted(_one(p, "og:image")[len(SITE_URL):] for p in [*pages.values(), *forwards])
    assert made == expected, "cards that no page names, or pages without a card"


def test_cards_are_reproducible(carded_site, site_dir, tmp_path):
    again = tmp_path / "site"
    shutil.copytree(site_dir, again)
    cards.run(again, REPO_ROOT)
    first = carded_site / "assets" / "cards"
    for png in sorted(first.rglob("*.png")):
        twin = again / "assets" / "cards" / png.relative_to(first)
        assert png.read_bytes() == twin.read_bytes(), f"{png.relative_to(first)} differs between runs"


def test_cards_refuse_a_site_without_pages(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cards.run(tmp_path, REPO_ROOT)
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err


def test_text_page_citation_metadata(pages):
    book = _book()
    texte = pages["/texte/"]
    assert _one(texte, "citation_title") == book["title"]
    assert _one(texte, "citation_author") == "Rigouste, Mathieu"
    assert _one(texte, "citation_publication_date") == "2022/03/17"
    assert _one(texte, "citation_publisher") == book["publisher"] == "10/18"
    assert _one(texte, "citation_isbn") == book["ISBN"] == "9782264079848"
    assert _one(texte, "citation_language") == "fr"
    assert _one(texte, "DC.identifier") == TEXT_URL
    assert "blog" in _one(texte, "DC.description"), "the edition must say it follows a blog's copy"
    others = [u for u, p in pages.items() if u != "/texte/" and any(k.startswith("citation_") for k in p.meta)]
    assert not others, f"citation metadata outside the text page: {others}"


def test_text_page_citer_block(pages):
    book = _book()
    texte = pages["/texte/"]
    assert texte.by_id.get("citer", {}).get("tag") == "h2", "no <h2 id=citer>"
    edition = texte.by_id["citer-edition"]["text"]
    livre = texte.by_id["citer-livre"]["text"]
    # APA 7, rendered by scripts/publish/citations.py (tests/test_citations.py has every format).
    for needle in ("Rigouste, M.", book["title"], TEXT_URL, "Greenwashing Economy", "Safe City, édition annotée"):
        assert needle in edition, f"« {needle} » missing from the edition's reference: {edition!r}"
    for needle in ("Mathieu Rigouste", book["title"], "10/18", "Amorce", "2022", book["ISBN"]):
        assert needle in livre, f"« {needle} » missing from the book's reference: {livre!r}"
    buttons = {a.get("data-copy"): a for tag, a in texte.elements if tag == "button" and "data-copy" in a}
    assert {"citer-edition", "citer-livre"} <= set(buttons)
    assert all(a.get("aria-label", "").startswith("Copier la référence") for a in buttons.values())


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1]) or {}


def _squash(text: str) -> str:
    return " ".join(str(text).split())


def test_note_and_entry_pages_describe_themselves(pages):
    """<meta name="description"> (written by Material's base.html) is a note's finding
    (`constat`) or an entry's definition, never the site's generic description, and the link
    previews say the same. One tag of each, and nothing copied into the sources."""
    docs = REPO_ROOT / "docs"
    expected = {}
    for section, field in (("notes", "constat"), ("glossaire", "definition"), ("noms", "definition")):
        for path in sorted((docs / section).glob("*.md")):
            if path.name != "index.md":
                front = _front(path)
                assert "description" not in front, f"{path.name}: no description: field, {field} is the source"
                expected[f"/{section}/{path.stem}/"] = _squash(front[field])
    assert len([u for u in expected if u.startswith("/notes/")]) == 10
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("", lambda loader, suffix, node: None)  # mkdocs.yml's !ENV tags
    config = yaml.load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)
    generic = _squash(config["site_description"])
    assert len(generic) > 20
    failures = []
    for url, summary in expected.items():
        page = pages[url]
        try:
            described = _one(page, "description")
            assert _squash(described) == summary, f"description {described!r}"
            assert _squash(described) != generic
            assert _one(page, "og:description") == described, "og:description differs"
            assert _one(page, "twitter:description") == described, "twitter:description differs"
        except AssertionError as exc:
            failures.append(f"{url}: {exc}")
    assert not failures, "\n".join(failures)
    # The finding of note 3, as the reader of a shared link sees it.
    assert "Liberté Libertés Chéries" in _one(pages["/notes/3/"], "description")
