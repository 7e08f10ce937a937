"""Unit tests of the `edition` Python-Markdown extension, on small Markdown snippets."""

import random
import xml.etree.ElementTree as ET
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
    "notes/1.md": "---\ntitle: Note 1\ncall: \"1\"\ncites: [techno]\nconstat: La note donne le site de la campagne.\n---\n"
                  "## Commentaire\n\nSur le [CSU](../glossaire/csu.md).\n",
    "notes/2.md": "---\ntitle: Note 2\ncall: \"2\"\nconstat: >-\n  « Idem » renvoie au même site.\n---\nRien.\n",
    "notes/asterisque.md": "---\ntitle: Astérisque\ncall: asterisque\ndefinition: Appel orphelin.\n"
                           "constat: Aucune note ne lui correspond.\n---\nRien.\n",
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
    # On the text page, an entry is a link at its first mention; a later mention keeps its
    # id and preview as a span (the reading mode « toutes » of edition.js links it again).
    assert [a["id"] for a in links] == ["ref-csu"]
    later = [t for t in html.find("span") if t.get("id") == "ref-csu-2"]
    assert len(later) == 1 and "ed-ref--glossaire" in later[0]["class"]
    assert all(a["aria-describedby"] == "apercu-glossaire-csu" for a in links + later)
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
    assert 'download="bibliographie.json"' in out  # (no file stem given: outside MkDocs, no extra.edition)
    ext = EditionExtension(docs_dir=str(docs), page="bibliographie.md", files="mon-edition")
    out = markdown.markdown(body(docs, "bibliographie.md"), extensions=["attr_list", "footnotes", "md_in_html", ext])
    assert 'download="mon-edition-bibliographie.json"' in out


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
    # (a link without a year inherits its address's one year, here from the bibliography:
    # refused only when the address has none anywhere)
    ("texte.md", FILES["texte.md"].replace('<https://technopolice.fr/>{data-archive="2019"}', "<https://example.org/ailleurs>"),
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


@pytest.mark.parametrize("page,text,expected", [
    ("notes/2.md", FILES["notes/2.md"].replace("constat: >-\n  « Idem » renvoie au même site.\n", ""),
     "docs/notes/2.md:2: champ « constat » manquant : ajoutez « constat: »"),
    ("notes/2.md", FILES["notes/2.md"].replace("constat: >-\n  « Idem » renvoie au même site.\n", "constat: \"  \"\n"),
     "docs/notes/2.md:4: champ « constat » vide"),
    ("notes/2.md", FILES["notes/2.md"].replace("constat: >-\n  « Idem » renvoie au même site.\n",
                                               "constat: [Une phrase, en liste]\n"),
     "docs/notes/2.md:4: « constat » doit être une phrase"),
    ("notes/2.md", FILES["notes/2.md"].replace("« Idem » renvoie au même site.",
                                               "Voir [le site](https://technopolice.fr/)."),
     "docs/notes/2.md:4: « constat » doit être du texte simple"),
    ("notes/2.md", FILES["notes/2.md"].replace("« Idem » renvoie au même site.", "Une phrase bien longue. " * 11),
     "docs/notes/2.md:4: « constat » trop long (263 caractères)"),
])
def test_note_pages_require_a_plain_constat(tmp_path, page, text, expected):
    docs = write_docs(tmp_path, **{page: text})
    with pytest.raises(EditionError) as err:
        render(docs, "texte.md")
    assert str(err.value).startswith(expected), str(err.value)


# --------------------------------------------------------------------------- previews' content

NBSP = "\u00a0"


def previews(html: str) -> dict[str, ET.Element]:
    """The page's ``.ed-preview-content`` elements, by id, parsed."""
    start = html.index('<div class="ed-previews"')
    box = ET.fromstring(html[start:html.index("</div></div>", start) + len("</div></div>")])
    assert box.get("hidden") == "hidden" and box.get("data-search-exclude") == ""
    found = {}
    for item in box:
        assert item.tag == "div" and item.get("class") == "ed-preview-content", ET.tostring(item)
        assert item.get("data-search-exclude") == "", "each preview is kept out of the search index"
        found[item.get("id")] = item
    return found


def text_of(node: ET.Element) -> str:
    return "".join(node.itertext())


def test_note_preview_shows_the_note_then_the_editions_finding(docs):
    item = previews(render(docs, "texte.md"))["apercu-notes-2"]
    assert [child.tag for child in item] == ["p", "p"], "two paragraphs, shown as they are"
    note, finding = item
    assert note.get("class") is None and note[0].tag == "strong" and note[0].text == "Note" + NBSP + "2"
    assert text_of(note) == f"Note{NBSP}2{NBSP}: Idem."
    assert finding.get("class") == "ed-preview-finding"
    assert finding[0].tag == "strong" and finding[0].text == f"L’édition{NBSP}:"
    assert text_of(finding) == f"L’édition{NBSP}: « Idem » renvoie au même site."
    # The orphan call has no witness: its preview says so (else its definition), then the finding.
    orphan = previews(render(docs, "texte.md"))["apercu-notes-asterisque"]
    assert [text_of(p) for p in orphan] == [f"Note astérisque{NBSP}: Appel orphelin.",
                                           f"L’édition{NBSP}: Aucune note ne lui correspond."]


def test_note_preview_keeps_the_witness_wording_and_unwraps_its_links(docs):
    item = previews(render(docs, "texte.md"))["apercu-notes-1"]
    note = item[0]
    assert text_of(note) == f"Note{NBSP}1{NBSP}: Voir https://technopolice.fr/."
    assert not list(item.iter("a")), "no link inside a preview's text"
    assert not [n for n in item.iter() if n is not item and (n.get("id") or n.get("aria-describedby"))]


def test_address_only_note_previews_the_reference_not_the_bare_url(tmp_path):
    texte = FILES["texte.md"].replace("[^1]: Voir <https://technopolice.fr/>", "[^1]: <https://technopolice.fr/>")
    docs = write_docs(tmp_path, **{"texte.md": texte})
    item = previews(render(docs, "texte.md"))["apercu-notes-1"]
    note, finding = item
    text = text_of(note)
    assert text != f"Note{NBSP}1{NBSP}: https://technopolice.fr/"
    assert text.startswith(f"Note{NBSP}1{NBSP}: une adresse web, celle de «{NBSP}Technopolice{NBSP}»"), text
    biblio = note.find("span")
    assert biblio is not None and biblio.get("class") == "ed-biblio", "the formatted reference (format_work)"
    assert "https://" not in text, "the preview gives the reference, not the address"
    assert not list(item.iter("a"))
    assert text_of(finding).endswith("La note donne le site de la campagne.")


def test_entry_preview_is_one_paragraph_with_name_and_definition(docs):
    found = previews(render(docs, "texte.md"))
    csu = found["apercu-glossaire-csu"]
    assert [child.tag for child in csu] == ["p"]
    assert csu[0][0].tag == "strong" and csu[0][0].text == "Centre de supervision urbain (CSU)"
    assert text_of(csu) == f"Centre de supervision urbain (CSU){NBSP}: Salle où arrivent les images."
    huawei = found["apercu-noms-huawei"]
    assert text_of(huawei) == f"Huawei{NBSP}: Entreprise chinoise."
    safe = previews(render(docs, "glossaire/csu.md"))["apercu-glossaire-safe-city"]
    assert safe[0][0].get("lang") == "en", "an English term is announced in English"


# --------------------------------------------------------------------------- « Contexte »

@pytest.mark.parametrize("sentence,shown", [
    ("Une phrase du texte.", "«\u00a0Une phrase du texte.\u00a0»"),
    ("«\u00a0Une citation entière.\u00a0»", "«\u00a0Une citation entière.\u00a0»"),
    ("«\u00a0«\u00a0Dedans\u00a0» et autour.\u00a0»", "«\u00a0«\u00a0Dedans\u00a0» et autour.\u00a0»"),
    ("«\u00a0Notre métier\u00a0», assure-t-il.", "«\u00a0«\u00a0Notre métier\u00a0», assure-t-il.\u00a0»"),
    ("«\u00a0a\u00a0», dit-il, «\u00a0b\u00a0».", "«\u00a0«\u00a0a\u00a0», dit-il, «\u00a0b\u00a0».\u00a0»"),
    ("La fin d’une longue citation.\u00a0»", "«\u00a0La fin d’une longue citation.\u00a0»"),
    ("«\u00a0Le début d’une longue citation.", "«\u00a0Le début d’une longue citation.\u00a0»"),
])
def test_context_sentence_gets_one_pair_of_quotation_marks(sentence, shown):
    from edition.render import quoted
    assert quoted(sentence) == shown


def test_note_page_context_does_not_double_the_quotation_marks(tmp_path):
    texte = FILES["texte.md"].replace("Autre paragraphe sur [Huawei](noms/huawei.md)[^2].",
                                      "Il écrit. « Autre paragraphe sur [Huawei](noms/huawei.md)[^2]. »")
    docs = write_docs(tmp_path, **{"texte.md": texte})
    out = render(docs, "notes/2.md")
    context = out.split('<blockquote class="ed-context">', 1)[1].split("</blockquote>", 1)[0]
    shown = context.replace("<p>", "").replace("</p>", "").strip()
    assert shown == "« Autre paragraphe sur Huawei. »", "the sentence's own pair, and only it"


# --------------------------------------------------------------------------- several texts

SECOND_TEXT = {
    "textes/autre.md": (
        "---\ntitle: Un autre texte\ntexte: true\n---\n"
        "Le [CSU](../glossaire/csu.md) encore[^1].\n{: #p1 }\n\n"
        "Un second paragraphe[^2].\n{: #p2 }\n\n"
        "[^1]: Note un de l’autre texte.\n[^2]: Note deux de l’autre texte.\n"
    ),
    "textes/autre/notes/1.md": "---\ntitle: Autre note 1\ncall: \"1\"\nconstat: La première note de l’autre texte.\n---\n"
                               "Voir le [CSU](../../../glossaire/csu.md).\n",
    "textes/autre/notes/2.md": "---\ntitle: Autre note 2\ncall: \"2\"\nconstat: La seconde note de l’autre texte.\n---\nRien.\n",
    "textes/autre/notes/index.md": "<!-- edition: liste-notes -->\n",
}


@pytest.fixture
def two_texts(tmp_path):
    return write_docs(tmp_path, files={**FILES, **SECOND_TEXT})


def test_a_second_text_has_its_own_calls_paragraphs_and_note_pages(two_texts):
    html = render(two_texts, "textes/autre.md")
    # Its calls lead to its own note pages, not to the first text's notes of the same number.
    assert 'href="autre/notes/1.md"' in html and 'href="autre/notes/2.md"' in html
    assert "../notes/1.md" not in html
    assert 'id="appel-1"' in html and 'id="note-1"' in html
    assert 'href="#p1"' in html and "ed-parnum" in html  # numbered paragraphs, its own #p1
    assert 'id="apercu-textes-autre-notes-1"' in html and "La première note de l’autre texte." in html
    assert "Note un de l’autre texte." in html  # the witness of its note, in the preview
    # The first text is as before.
    first = render(two_texts, "texte.md")
    assert 'href="notes/1.md"' in first and "autre/notes" not in first


def test_a_second_texts_note_page_shows_its_own_witness_and_way_back(two_texts):
    html = render(two_texts, "textes/autre/notes/1.md")
    assert "Note un de l’autre texte." in html and "Voir <" not in html
    assert 'href="../../autre.md#appel-1"' in html
    assert 'rel="next"' in html and 'href="2.md"' in html  # next note: of the same text
    last = render(two_texts, "textes/autre/notes/2.md")
    assert 'rel="next"' not in last  # not the first text's notes
    assert 'href="../../../notes/' not in last


def test_an_entrys_backlinks_are_grouped_by_text(two_texts):
    html = render(two_texts, "glossaire/csu.md")
    root = ET.fromstring(f"<div>{html}</div>")
    heads = [h.text for h in root.iter("h3")]
    assert heads[:2] == ["Le texte", "Un autre texte"], heads
    links = [a.get("href") for a in root.iter("a") if "ed-backlink" in (a.get("class") or "")]
    assert "../textes/autre.md#ref-csu" in links and "../texte.md#ref-csu" in links
    assert any(h.startswith("../textes/autre/notes/1.md#") for h in links)
    # One text only: no grouping (the first edition's pages are unchanged).
    alone = render(write_docs(two_texts.parent / "seul"), "glossaire/csu.md")
    assert "<h3" not in alone


def test_each_texts_notes_list_lists_its_notes(two_texts):
    other = render(two_texts, "textes/autre/notes/index.md")
    assert "Autre note 1" in other and "Note 1" not in other.replace("Autre note 1", "")
    # The first text's notes page (« Les notes » of the navigation): every text's notes, each
    # group under its text's title.
    first = ET.fromstring(f"<div>{render(two_texts, 'notes/index.md')}</div>")
    heads = [h.text for h in first.iter("h2")]
    assert heads == ["Le texte", "Un autre texte"], heads
    lists = [[a.text for a in ul.iter("a")] for ul in first.iter("ul")]
    assert any("Astérisque" in t for t in lists[0]) and not any("Autre note" in t for t in lists[0]), lists
    assert lists[1] and all("Autre note" in t for t in lists[1]), lists
    # One text only: no heading (the first edition's page is unchanged).
    alone = render(write_docs(two_texts.parent / "seul"), "notes/index.md")
    assert "<h2" not in alone and "Astérisque" in alone


@pytest.mark.parametrize("changes, expected", [
    ({"textes/autre/notes/3.md": "---\ntitle: N3\ncall: \"3\"\nconstat: Trois.\n---\nRien.\n"},
     "docs/textes/autre/notes/3.md:3: page de note sans appel : le texte n’a pas d’appel « 3 »"),
    ({"textes/autre.md": SECOND_TEXT["textes/autre.md"].replace("encore[^1]", "encore[^1][^4]") + "[^4]: Quatre.\n"},
     "docs/textes/autre.md:5: appel de note [^4] sans page de note : créez docs/textes/autre/notes/4.md"),
    ({"textes/orphelin/notes/1.md": "---\ntitle: N\ncall: \"1\"\nconstat: Un.\n---\nRien.\n"},
     "docs/textes/orphelin/notes/1.md:1: page de note sans texte : docs/textes/orphelin.md"),
])
def test_a_second_texts_note_problems_name_its_files(tmp_path, changes, expected):
    docs = write_docs(tmp_path, files={**FILES, **SECOND_TEXT}, **changes)
    with pytest.raises(EditionError) as info:
        render(docs, "texte.md")
    assert str(info.value).startswith(expected), str(info.value)


def test_a_second_texts_findings_mark_its_words_and_list_on_its_page(tmp_path):
    note = ("---\ntitle: Autre note 2\ncall: \"2\"\nconstat: La seconde note de l’autre texte.\n"
            "sources:\n  - title: S\n    url: https://example.org/s\n    year: 2020\n"
            "ecarts:\n  - mots: \"Un second paragraphe\"\n    selon_les_sources: Il est le premier.\n"
            "    verdict: inexact\n    sources: [https://example.org/s]\n---\nRien.\n")
    docs = write_docs(tmp_path, files={**FILES, **SECOND_TEXT}, **{
        "textes/autre/notes/2.md": note,
        "textes/autre/ecarts.md": "<!-- edition: liste-ecarts -->\n",
        "ecarts.md": "<!-- edition: liste-ecarts -->\n"})
    html = render(docs, "textes/autre.md")
    assert 'id="ecart-textes-autre-notes-2-1"' in html and 'href="autre/notes/2.md"' in html
    assert "ecart-" not in render(docs, "texte.md")
    own = render(docs, "textes/autre/ecarts.md")
    assert 'href="../autre.md#ecart-textes-autre-notes-2-1"' in own and "Un autre texte" in own
    assert "1 écarts relevés" in own or "1 écart" in own
    assert 'href="textes/autre.md#ecart-textes-autre-notes-2-1"' in render(docs, "ecarts.md")
