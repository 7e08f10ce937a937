"""Unit tests of the download steps' pieces (issue 16): no site build needed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from publish import booklet, epub, flyer, printqr, qr
from publish.pdf import PdfError, el, work_line

from helpers import REPO_ROOT


def test_qr_codes_are_the_same_bytes_for_the_same_address():
    a, b = qr.svg("https://example.org/texte/3/"), qr.svg("https://example.org/texte/3/")
    assert a == b and a.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in a
    assert qr.svg("https://example.org/texte/4/") != a
    assert qr.data_uri("https://example.org/").startswith("data:image/svg+xml")


def test_flyer_settings_refuse_bad_input_with_one_line():
    for bad, words in (({}, "extra.edition.flyer manque"),
                       ({"flyer": {"paragraph": "trois", "facts": []}}, "numéro de paragraphe"),
                       ({"flyer": {"paragraph": 3, "facts": [{"page": "notes/1.md"}]}}, "3 pages")):
        with pytest.raises(PdfError) as exc:
            flyer.settings({"extra": {"edition": bad}})
        assert words in str(exc.value) and "\n" not in str(exc.value)


def test_flyer_fact_names_the_file_it_cannot_use():
    with pytest.raises(PdfError, match="docs/notes/absente.md n’existe pas"):
        flyer.fact(REPO_ROOT, {"page": "notes/absente.md"})
    with pytest.raises(PdfError, match=r"docs/notes/9.md : pas de source n° 99"):
        flyer.fact(REPO_ROOT, {"page": "notes/9.md", "source": 99})
    fact = flyer.fact(REPO_ROOT, {"page": "notes/9.md", "source": 1})
    assert fact["text"] and fact["source"]["url"].startswith("http")


def test_booklet_reads_each_notes_finding():
    found = booklet.findings(REPO_ROOT)
    assert {str(n) for n in range(1, 10)} <= set(found)
    assert all(len(v.split()) > 5 for v in found.values())


def test_work_line_keeps_the_collection_with_its_guillemets():
    line = work_line({"publisher": "Éditeur", "collection-title": "Coll", "issued": {"date-parts": [[2020]]}})
    assert line == "(Éditeur, coll.\u00a0«\u00a0Coll\u00a0», 2020)"


def test_print_block_points_to_its_svg_from_where_the_page_is():
    block = printqr.block("glossaire/cnil/index.html", "https://ex.org/glossaire/cnil/")
    assert 'src="../../assets/qr/glossaire/cnil.svg"' in block
    assert "<p>ex.org/glossaire/cnil/</p>" in block and " hidden " in block
    assert 'src="assets/qr/index.svg"' in printqr.block("index.html", "https://ex.org/")


def test_print_step_adds_one_block_after_the_article_and_leaves_redirects(tmp_path):
    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    page.write_text('<html><head><link rel="canonical" href="https://ex.org/a/"></head>'
                    "<body><article><p>x</p></article></body></html>", encoding="utf-8")
    redirect = tmp_path / "b" / "index.html"
    redirect.parent.mkdir()
    redirect.write_text('<html><head><meta http-equiv="refresh" content="0; url=../a/">'
                        '<link rel="canonical" href="https://ex.org/a/"></head><body><article></article></body></html>',
                        encoding="utf-8")
    before = redirect.read_bytes()
    printqr.run(tmp_path)
    printqr.run(tmp_path)  # twice: still one block
    text = page.read_text(encoding="utf-8")
    assert text.count("ed-print-where") == 1
    assert text.index("</article>") < text.index("ed-print-where")
    assert redirect.read_bytes() == before
    assert (tmp_path / "assets" / "qr" / "a.svg").is_file()


def test_epub_links_to_missing_places_keep_their_words():
    ch = epub.Chapter("texte.xhtml", "Texte", ["texte"])
    p = el("p", None, ch.body, id="texte--p1")
    el("a", "ici", p, href="#texte--p1")
    el("a", "ailleurs", p, href="#absent")
    el("a", "là", p, href="#notes-3--x")
    other = epub.Chapter("notes-3.xhtml", "Note 3", ["notes-3"])
    el("p", "x", other.body, id="notes-3--x")
    epub.fix_links([ch, other])
    links = {a.text: (a.tag, a.get("href")) for a in ch.body.iter() if a.text in ("ici", "ailleurs", "là")}
    assert links == {"ici": ("a", "#texte--p1"), "ailleurs": ("span", None),
                     "là": ("a", "notes-3.xhtml#notes-3--x")}


# --------------------------------------------------------------------------- several texts

def test_each_text_knows_its_address_its_notes_and_its_name():
    from publish import Text, edition_texts
    first, other = Text("texte.md", {"title": "Le texte"}, True), Text("textes/declaration-1789.md", {}, False)
    assert (first.url, first.notes, first.slug, first.name) == ("texte/", "notes/", "texte", "Le texte")
    assert (other.url, other.notes, other.slug) == ("textes/declaration-1789/", "textes/declaration-1789/notes/",
                                                    "declaration-1789")
    assert other.name == "declaration-1789"  # no title: its slug
    assert Text("textes/ddhc/index.md", {}, False).url == "textes/ddhc/"
    texts = edition_texts(REPO_ROOT)  # this edition: one text
    assert [(t.source, t.first) for t in texts] == [("texte.md", True)]


def test_each_texts_booklet_has_a_file_of_its_own():
    from publish import Text, mkdocs_config
    first = Text("texte.md", {}, True)
    names = booklet.suffixes([first, Text("textes/declaration-1789.md", {}, False)])
    assert names == {"texte/": "-texte", "textes/declaration-1789/": "-declaration-1789"}
    assert booklet.outputs(mkdocs_config(REPO_ROOT)) == [Path("telechargements/safe-city-edition-annotee-texte.pdf")]
    for clash in ([first, Text("autres/texte.md", {}, False)],                       # the first's name
                  [first, Text("textes/tract.md", {}, False)],                       # the flyer's
                  [first, Text("a/ddhc.md", {}, False), Text("b/ddhc.md", {}, False)]):  # another text's
        with pytest.raises(PdfError) as exc:
            booklet.suffixes(clash)
        assert f"docs/{clash[-1].source} :" in str(exc.value) and "\n" not in str(exc.value)


def test_the_flyers_text_is_the_first_unless_mkdocs_yml_names_another():
    from publish import mkdocs_config
    config = mkdocs_config(REPO_ROOT)
    assert flyer.chosen_text(REPO_ROOT, config).source == "texte.md"
    named = {**config, "extra": {**config["extra"], "edition": {**config["extra"]["edition"],
                                                                 "flyer": {"texte": "texte.md"}}}}
    assert flyer.chosen_text(REPO_ROOT, named).first
    named["extra"]["edition"]["flyer"] = {"texte": "textes/absent.md"}
    with pytest.raises(PdfError) as exc:
        flyer.chosen_text(REPO_ROOT, named)
    message = str(exc.value)
    assert message.startswith("mkdocs.yml : extra.edition.flyer.texte") and "textes/absent.md" in message
    assert "texte.md" in message and "\n" not in message


def test_a_text_without_a_citer_block_is_cited_from_its_work():
    from types import SimpleNamespace
    ed = SimpleNamespace(version="Version 1.1 du 14 novembre 2023", site_name="Édition")
    line = booklet.fallback_citation(ed, {"author": [{"literal": "Assemblée nationale constituante"}]},
                                     "Déclaration", "https://ex.org/textes/d/")
    assert line == ("Assemblée nationale constituante, «\u00a0Déclaration\u00a0», dans Édition "
                    "(version 1.1 du 14 novembre 2023), https://ex.org/textes/d/.")
    assert booklet.fallback_citation(ed, {}, "D", "").startswith("«\u00a0D\u00a0», dans Édition (")
