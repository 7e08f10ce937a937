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
