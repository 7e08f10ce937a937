"""Search that finds the text (issue 14), typed as a reader types it, at phone size.

- a table of queries (words, phrases, names, with and without accents, straight and curly
  apostrophes, capitals), each with the place that must be among the first three results the
  reader sees, typed into the real search box of the site, and of the offline copy (file://);
- the text's result opens at its paragraph, the word marked and in view, also when typed
  without its accent;
- the index: one entry per paragraph, epigraph and author's note; what repeats the passage
  (backlinks, previews, sources, « Citer », lists, the note as in the text) is not in it, so
  that each paragraph's words are indexed once; its compressed size within 100 kB.
"""

from __future__ import annotations

import gzip
import json
import re
import zipfile
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import expect

from helpers import REPO_ROOT, local_only

DOCS = REPO_ROOT / "docs"

# query -> where the reader must find it among the first three results
QUERIES = {
    "tableau de bord": "/texte/#p4",
    "rente sécuritaire": "/texte/#p2",
    "rente securitaire": "/texte/#p2",
    "RENTE SÉCURITAIRE": "/texte/#p2",
    "démonstrateurs": "/texte/#p5",
    "demonstrateurs": "/texte/#p5",
    "videosurveillance": "/texte/#p5",
    "lycees": "/texte/#p3",
    "lycées": "/texte/#p3",
    "portiques": "/texte/#p3",
    "l'operation": "/texte/#p4",
    "l’opération": "/texte/#p4",
    "caméra": "/texte/#p2",
    "continuum numérique permanent": "/texte/#p5",
    "camp de concentration": "/texte/#epigraphe",
    "gratuitement": "/texte/#p5",
    "premiere": "/texte/#p5",
    "juin 2021": "/texte/#note-2",
    "Préventique": "/texte/#note-7",
    "Big Brother": "/texte/#p6",
    "Huawei": "/noms/huawei/",
    "CNIL": "/glossaire/cnil/",
    "Nice": "/noms/nice/",
    "Quadrature du Net": "/glossaire/quadrature-du-net/",
    "reconnaissance faciale": "/glossaire/reconnaissance-faciale/",
    "supervision": "/glossaire/csu/",
    "Milipol": "/glossaire/milipol/",
}
# An entry's name gives the entry first.
FIRST = {"Huawei": "/noms/huawei/", "CNIL": "/glossaire/cnil/", "Nice": "/noms/nice/",
         "Quadrature du Net": "/glossaire/quadrature-du-net/", "Milipol": "/glossaire/milipol/"}

# The result links a reader sees, in order (sections folded under « more » are not seen).
SEEN_JS = """() => [...document.querySelectorAll('.md-search-result__list a.md-search-result__link')]
  .filter(a => !a.closest('details:not([open])')).map(a => a.href)"""


def _open_search(page):
    box = page.locator("input.md-search__input")
    if not box.is_visible():  # a phone: the field is behind the header's button
        page.locator("label.md-header__button[for='__search']").first.click()
    expect(box).to_be_visible()
    return box


def _search(page, box, query: str) -> list[str]:
    box.fill("")
    page.wait_for_function("!document.querySelector('.md-search-result__list > li')")
    box.press_sequentially(query, delay=10)
    # The results of the whole query, not of a prefix typed on the way: wait until the
    # list has stopped changing.
    page.wait_for_function("document.querySelector('.md-search-result__list > li')", timeout=20_000)
    last = None
    for _ in range(40):
        page.wait_for_timeout(100)
        now = page.evaluate(SEEN_JS)
        if now == last:
            break
        last = now
    return last or []


def _place(href: str, offline: bool = False) -> str:
    parts = urlsplit(href)
    path = unquote(parts.path)
    if offline:  # …/safe-city-edition-annotee/texte.html -> /texte/
        path = "/" + path.split("/safe-city-edition-annotee/", 1)[1]
        path = re.sub(r"(^|/)index\.html$", r"\1", path)
        path = re.sub(r"\.html$", "/", path)
    return path + (f"#{parts.fragment}" if parts.fragment else "")


def _check_table(page, offline: bool = False) -> list[str]:
    box = _open_search(page)
    problems = []
    for query, expected in QUERIES.items():
        seen = [_place(h, offline) for h in _search(page, box, query)]
        top = seen[:3]
        if expected not in top:
            problems.append(f"{query!r}: {expected} not in the first three: {top}")
        if query in FIRST and (not seen or seen[0] != FIRST[query]):
            problems.append(f"{query!r}: the entry {FIRST[query]} is not first: {top}")
    return problems


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740},
                                  has_touch=True, is_mobile=True)
    context.set_default_timeout(20_000)
    local_only(context, server)
    yield context.new_page()
    context.close()


def test_queries_find_their_place_among_the_first_three(phone, server):
    phone.goto(server + "/texte/")
    problems = _check_table(phone)
    assert not problems, f"{len(problems)} of {len(QUERIES)} queries:\n" + "\n".join(problems)


def test_the_texts_result_opens_at_the_paragraph_with_the_word_in_view(phone, server):
    page = phone
    page.goto(server + "/")
    box = _open_search(page)
    seen = _search(page, box, "videosurveillance")
    target = next(h for h in seen if _place(h) == "/texte/#p5")
    page.locator(f'.md-search-result__list a.md-search-result__link[href="{target}"]').first.click()
    page.wait_for_url(re.compile(r"/texte/\?h=.*#p5$"))
    mark = page.locator("#p5 mark").first
    expect(mark).to_have_text(re.compile("^vidéosurveillance", re.I))
    page.wait_for_function("""() => { const r = document.querySelector('#p5 mark').getBoundingClientRect();
        return r.top >= 48 && r.bottom <= innerHeight; }""")


# --------------------------------------------------------------------------- the index

@pytest.fixture(scope="module")
def index(site_dir):
    return json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_one_entry_per_paragraph_epigraph_and_note(index):
    docs = {d["location"]: d for d in index["docs"]}
    for n in range(1, 8):
        doc = docs.get(f"texte/#p{n}")
        assert doc, f"no search entry for § {n}"
        assert doc["title"] == f"Le texte, §\u00a0{n}"
    assert docs["texte/#epigraphe"]["title"] == "Le texte, épigraphe"
    assert "camp de concentration" in docs["texte/#epigraphe"]["text"]
    for n in range(1, 10):
        assert f"texte/#note-{n}" in docs, f"no search entry for note {n}"
    # The paragraph numbers and archive links are not words of the text.
    assert not _plain(docs["texte/#p1"]["text"]).startswith(("Paragraphe", "1"))
    assert "archive" not in docs["texte/#note-9"]["text"]
    assert docs["texte/#passage"]["text"].count("Safe") == 0, "the passage is indexed twice"


def _authored(location: str, probe: str) -> bool:
    """Whether the page's own Markdown quotes these words (a commentary may quote the text;
    what the machinery repeats by itself must not be indexed)."""
    page = location.split("#")[0].strip("/")
    source = DOCS / (f"{page}.md" if page else "index.md")
    if not source.is_file():
        source = DOCS / page / "index.md"
    return source.is_file() and probe in re.sub(r"\s+", " ", source.read_text(encoding="utf-8"))


def test_each_paragraph_is_indexed_once(index):
    """Backlinks, previews, the note as in the text, lists: nothing repeats the passage."""
    texts = {d["location"]: _plain(d["text"]) for d in index["docs"]}
    problems = []
    for n in range(1, 8):
        words = texts[f"texte/#p{n}"]
        for sentence in re.split(r"(?<=[.?!])\s+", words):
            if len(sentence) < 60:
                continue
            probe = sentence[10:70]
            where = [loc for loc, t in texts.items() if probe in t and loc != f"texte/#p{n}"
                     and not _authored(loc, probe)]
            if where:
                problems.append(f"§ {n} « {probe} » is indexed again in {where}")
    assert not problems, "\n".join(problems[:20])


def test_repeated_parts_are_out_of_the_index(index):
    titles = {(d["location"].split("#")[0], d["title"]) for d in index["docs"]}
    for section in ("Renvois dans l’édition", "Sources", "Voir aussi", "La note dans le texte",
                    "Contexte", "Référence complète", "Citer", "Exporter"):
        hits = sorted(loc for loc, title in titles if title == section)
        assert not hits, f"« {section} » is indexed on {hits[:5]}"
    text = " ".join(d["text"] for d in index["docs"])
    assert "Commentaire de la note" not in text
    assert "Aller à la lettre" not in text
    notes = next(d for d in index["docs"] if d["location"] == "notes/")
    assert "Lire" not in notes["text"] and "L’édition" not in notes["text"], "the notes list is indexed"
    # A note page is found by its title, finding and commentary.
    note3 = next(d for d in index["docs"] if d["location"] == "notes/3/")
    assert "L’édition" in note3["text"] and "Liberté Libertés Chéries" in note3["text"]


def test_the_index_stays_small_and_loads_only_when_search_opens(site_dir, browser, server):
    raw = (site_dir / "search" / "search_index.json").read_bytes()
    size = len(gzip.compress(raw, 6))
    assert size <= 100_000, f"the search index weighs {size} bytes compressed (budget 100 kB)"
    context = browser.new_context(locale="fr-FR")
    local_only(context, server)
    try:
        page = context.new_page()
        asked = []
        page.on("request", lambda r: asked.append(r.url))
        page.goto(server + "/texte/")
        page.wait_for_timeout(500)
        assert not [u for u in asked if "search_index" in u or "lunr" in u]
        _open_search(page).click()
        page.wait_for_function("document.querySelector('.md-search-result__meta')")
        page.wait_for_timeout(500)
        assert [u for u in asked if "search_index" in u]
    finally:
        context.close()


# --------------------------------------------------------------------------- offline copy

@pytest.fixture(scope="module")
def offline_copy(site_dir, tmp_path_factory):
    dest = tmp_path_factory.mktemp("hors-ligne-recherche")
    with zipfile.ZipFile(site_dir / "telechargements" / "safe-city-edition-annotee-hors-ligne.zip") as zf:
        zf.extractall(dest)
    return dest / "safe-city-edition-annotee"


@pytest.mark.build_steps("offline")
def test_offline_copy_finds_the_same_places(browser, offline_copy):
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740},
                                  has_touch=True, is_mobile=True)
    context.set_default_timeout(20_000)
    context.route(lambda url: not url.startswith(("file:", "data:", "blob:", "about:")),
                  lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto((offline_copy / "texte.html").as_uri())
        problems = _check_table(page, offline=True)
        assert not problems, f"offline, {len(problems)} of {len(QUERIES)} queries:\n" + "\n".join(problems)
    finally:
        context.close()
