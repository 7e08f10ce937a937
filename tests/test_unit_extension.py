"""Unit tests of the `edition` Python-Markdown extension, on small Markdown snippets."""

import random
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from edition import EditionExtension
from edition.content import EditionError
from edition.index import _CACHE

FILES = {
    "texte.md": (
        "---\ntitle: Le texte\nen: [Big Brother]\n---\n"
        "Un [Centre de supervision urbain (CSU)](glossaire/csu.md) et la Safe City de Big Brother[^1]. "
        "Encore [CSU](glossaire/csu.md) et l’opération[\\*](notes/asterisque.md){#appel-asterisque}.\n{: #p1 }\n\n"
        "Autre paragraphe sur [Huawei](noms/huawei.md)[^2].\n{: #p2 }\n\n"
        "[^1]: Voir <https://technopolice.fr/>{data-archive=\"2019\"}.\n"
        "[^2]: Idem.\n"
    ),
    "glossaire/csu.md": (
        "---\ntitle: Centre de supervision urbain\nshort: CSU\ndefinition: Salle où arrivent les images.\n"
        "related: [safe-city]\nsources:\n  - title: AFP\n    url: https://example.org/afp\n    year: 2012\n---\n"
        "Le CSU et la [Safe City](safe-city.md).\n"
    ),
    "glossaire/safe-city.md": (
        "---\ntitle: Safe City\nlang: en\nforms: [Safe Cities]\ndefinition: Étiquette marketing.\n"
        "sources:\n  - title: Revue\n    url: https://example.org/r\n    year: 2019\n---\nDes Safe Cities partout.\n"
    ),
    "glossaire/index.md": "---\ntitle: Glossaire\n---\nIntro.\n\n<!-- edition: liste-glossaire -->\n",
    "noms/huawei.md": (
        "---\ntitle: Huawei\nkind: organisation\ndefinition: Entreprise chinoise.\n"
        "sources:\n  - title: T\n    url: https://example.org/t\n    year: 2020\n---\nVoir la [note 1](../notes/1.md).\n"
    ),
    "noms/index.md": "<!-- edition: liste-noms -->\n",
    "notes/1.md": "---\ntitle: Note 1\ncall: \"1\"\ncites: [techno]\n---\n## Commentaire\n\nSur le [CSU](../glossaire/csu.md).\n",
    "notes/2.md": "---\ntitle: Note 2\ncall: \"2\"\n---\nRien.\n",
    "notes/asterisque.md": "---\ntitle: Astérisque\ncall: asterisque\ndefinition: Appel orphelin.\n---\nRien.\n",
    "notes/index.md": "<!-- edition: liste-notes -->\n",
    "bibliographie.md": (
        "---\ntitle: Bibliographie\nworks:\n  - id: techno\n    type: webpage\n    title: Technopolice\n"
        "    URL: https://technopolice.fr/\n    archive-year: 2019\n    group: Sites\n---\n<!-- edition: bibliographie -->\n"
    ),
}


def write_docs(root: Path, files=FILES, **changes) -> Path:
    docs = root / "docs"
    for rel, text in {**files, **changes}.items():
        if text is None:
            continue
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _CACHE.clear()
    return docs


def body(docs: Path, page: str) -> str:
    text = (docs / page).read_text(encoding="utf-8")
    if text.startswith("---"):
        text = text.split("\n---\n", 1)[1]
    return text


def render(docs: Path, page: str) -> str:
    ext = EditionExtension(docs_dir=str(docs), page=page)
    return markdown.markdown(body(docs, page), extensions=["attr_list", "footnotes", "md_in_html", ext])


class Tags(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag=None, **attrs):
        return [a for t, a in self.tags if (tag is None or t == tag)
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def ids(self):
        return {a["id"] for _, a in self.tags if a.get("id")}


@pytest.fixture
def docs(tmp_path):
    return write_docs(tmp_path)


def test_note_call_links_to_its_page_and_keeps_an_anchor(docs):
    html = Tags(render(docs, "texte.md"))
    sup = html.find("sup", id="appel-1")
    assert sup, "the call of note 1 has the id appel-1"
    call = html.find("a", href="notes/1.md")
    assert call and call[0]["aria-label"] == "Note 1"
    assert call[0]["aria-describedby"] == "apercu-notes-1"
    assert html.find("li", id="note-1"), "the footnote itself is note-1"
    assert html.find("a", href="#appel-1"), "the footnote's back link goes to the call"


def test_entry_links_are_enriched_with_ids_and_previews(docs):
    out = render(docs, "texte.md")
    html = Tags(out)
    links = html.find("a", href="glossaire/csu.md")
    assert [a["id"] for a in links] == ["ref-csu", "ref-csu-2"]
    assert all(a["aria-describedby"] == "apercu-glossaire-csu" for a in links)
    assert "apercu-glossaire-csu" in html.ids()
    assert "Salle où arrivent les images." in out


def test_entry_page_lists_every_place_that_uses_it(docs):
    text_ids = Tags(render(docs, "texte.md")).ids()
    out = render(docs, "glossaire/csu.md")
    back = [a["href"] for a in Tags(out).find("a", **{"class": "ed-generated ed-backlink"})]
    assert back == ["../texte.md#ref-csu", "../texte.md#ref-csu-2", "../notes/1.md#ref-csu"]
    for href in back[:2]:
        assert href.split("#")[1] in text_ids
    assert "3 renvois" in out
    assert "<mark>Centre de supervision urbain (CSU)</mark>" in out


def test_entry_page_shows_definition_related_and_archived_sources(docs):
    out = render(docs, "glossaire/csu.md")
    assert '<p class="ed-definition"><strong>CSU</strong>' in out
    assert 'href="safe-city.md"' in out
    assert "https://web.archive.org/web/2012/https://example.org/afp" in out


def test_note_page_has_witness_context_reference_and_navigation(docs):
    out = render(docs, "notes/1.md")
    assert "La note dans le texte" in out and "technopolice.fr" in out
    assert "Un Centre de supervision urbain (CSU) et la Safe City de Big Brother." in out
    assert 'href="../texte.md#appel-1"' in out
    assert "Technopolice" in out and "Référence complète" in out
    nav = Tags(out)
    assert nav.find("a", rel="next"), "note 1 links to the next note"
    assert not nav.find("a", rel="prev"), "note 1 is the first"


def test_notes_follow_the_order_of_their_calls(docs):
    out = render(docs, "notes/asterisque.md")
    html = Tags(out)
    assert html.find("a", rel="prev")[0]["href"] == "1.md"
    assert html.find("a", rel="next")[0]["href"] == "2.md"


def test_english_phrases_carry_lang(docs):
    out = render(docs, "texte.md")
    assert '<span lang="en">Safe City</span>' in out
    assert '<span lang="en">Big Brother</span>' in out
    out = render(docs, "glossaire/csu.md")
    assert 'lang="en">Safe City</a>' in out


def test_external_links_get_an_archived_twin(docs):
    out = render(docs, "texte.md")
    assert 'href="https://web.archive.org/web/2019/https://technopolice.fr/"' in out
    assert 'class="ed-external"' in out


def test_lists_are_generated_from_the_files(docs):
    out = render(docs, "glossaire/index.md")
    assert out.index("Centre de supervision urbain") < out.index("Safe City")
    assert 'href="#lettre-c"' in out and 'id="lettre-s"' in out
    out = render(docs, "noms/index.md")
    assert 'id="organisations"' in out and "Huawei" in out
    out = render(docs, "notes/index.md")
    assert out.index("Note 1") < out.index("Astérisque") < out.index("Note 2")


def test_bibliography_lists_works_with_citing_notes_and_export(docs):
    out = render(docs, "bibliographie.md")
    assert "Cité dans" in out and 'href="notes/1.md"' in out
    assert 'download="safe-city-bibliographie.json"' in out


def test_output_does_not_depend_on_render_order(docs):
    pages = ["texte.md", "glossaire/csu.md", "notes/1.md", "noms/huawei.md", "glossaire/index.md"]
    first = {p: render(docs, p) for p in pages}
    shuffled = pages[:]
    random.Random(4).shuffle(shuffled)
    _CACHE.clear()
    second = {p: render(docs, p) for p in reversed(shuffled)}
    assert first == second


def test_page_is_found_by_its_body_outside_mkdocs(docs):
    ext = EditionExtension(docs_dir=str(docs))
    out = markdown.markdown(body(docs, "glossaire/csu.md"), extensions=["attr_list", "footnotes", ext])
    assert "Renvois dans l’édition" in out


@pytest.mark.parametrize("page,text,expected", [
    ("texte.md", FILES["texte.md"].replace("glossaire/csu.md)", "glossaire/csux.md)", 1),
     "docs/texte.md:5: renvoi vers « glossaire/csux.md », qui n’existe pas"),
    ("texte.md", FILES["texte.md"].replace('{data-archive="2019"}', ""),
     "docs/texte.md:11: lien externe sans archive"),
    ("texte.md", FILES["texte.md"].replace("[^2].", "[^3].").replace("[^2]: Idem.", "[^3]: Idem."),
     "docs/texte.md:8: appel de note [^3] sans page de note"),
    ("glossaire/csu.md", FILES["glossaire/csu.md"].replace("definition: Salle où arrivent les images.\n", ""),
     "docs/glossaire/csu.md:2: champ « definition » manquant"),
    ("glossaire/csu.md", FILES["glossaire/csu.md"].replace("related: [safe-city]", "related: [safe-citi]"),
     "docs/glossaire/csu.md:5: « related » cite « safe-citi »"),
    ("notes/1.md", FILES["notes/1.md"].replace("cites: [techno]", "cites: [technu]"),
     "docs/notes/1.md:4: « cites » cite « technu »"),
    ("glossaire/csu.md", FILES["glossaire/csu.md"].replace("title: Centre", "title: : Centre"),
     "docs/glossaire/csu.md:2: front matter mal formé"),
])
def test_bad_content_fails_with_file_and_line(tmp_path, page, text, expected):
    docs = write_docs(tmp_path, **{page: text})
    with pytest.raises(EditionError) as err:
        render(docs, "texte.md")
    assert str(err.value).startswith(expected), str(err.value)
