"""To carry away (issue 16): the short PDF of the text, the flyer, the EPUB, and fonts that do
not depend on the machine.

Read as a reader would: the PDFs' words (pypdf), their QR codes (rasterised by pdftoppm, read
by zbarimg), their pages and margins (rasterised); the EPUB checked by EPUBCheck and read as
XHTML. Reproducibility: the three steps run again on a copy of the session site, in another
process with another hash seed, time zone and a fontconfig offering a « Palatino » and generic
families made of another font: the files must be byte-identical.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from helpers import REPO_ROOT, build_env
from pdf_words import match, need, normalise, palatino_fontconfig, report, tokens, witness_tokens
from publish import edition_settings, front_matter, mkdocs_config

CONFIG = mkdocs_config(REPO_ROOT)
STEM = edition_settings(CONFIG)["files"]
pytestmark = pytest.mark.build_steps("cards", "pdf", "booklet", "flyer", "epub")

DL = Path("telechargements")
BOOKLET, FLYER, EPUB, BOOK = (DL / f"{STEM}-texte.pdf", DL / f"{STEM}-tract.pdf",
                              DL / f"{STEM}.epub", DL / f"{STEM}.pdf")
SITE_URL = str(CONFIG["site_url"]).rstrip("/") + "/"
MM = 72 / 25.4  # PDF points per millimetre

RUN = r"""
import sys
from pathlib import Path
from publish import booklet, epub, flyer
for step in (booklet, flyer, epub):
    step.run(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader
    return [normalise(p.extract_text()) for p in PdfReader(str(path)).pages]


def qr_codes(path: Path, tmp: Path, page: int | None = None) -> list[str]:
    """What zbarimg reads on the pages of PATH rasterised at 200 dpi."""
    need("pdftoppm", "zbarimg")
    tmp.mkdir(parents=True, exist_ok=True)
    args = ["pdftoppm", "-png", "-r", "200"]
    if page:
        args += ["-f", str(page), "-l", str(page)]
    subprocess.run(args + [str(path), str(tmp / "p")], check=True)
    found = []
    for png in sorted(tmp.glob("p*.png")):
        out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
        found += [line for line in out.stdout.splitlines() if line.strip()]
    return found


def embedded_fonts(path: Path) -> set[str]:
    from pypdf import PdfReader
    names = set()
    for page in PdfReader(str(path)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.fixture(scope="module")
def again(site_dir, tmp_path_factory) -> Path:
    """The three steps once more on a copy of the session site, other seed, zone and fonts."""
    base = tmp_path_factory.mktemp("downloads")
    copy = base / "site"
    shutil.copytree(site_dir, copy, symlinks=True)
    for rel in (BOOKLET, FLYER, EPUB):
        (copy / rel).unlink()
    env = build_env(REPO_ROOT, PYTHONHASHSEED="99", TZ="XXX+11",
                    FONTCONFIG_FILE=str(palatino_fontconfig(base / "fontconfig")))
    proc = subprocess.run([sys.executable, "-c", RUN, str(copy), str(REPO_ROOT)], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return copy


# --------------------------------------------------------------------------- fonts

@pytest.mark.parametrize("rel", [BOOKLET, FLYER], ids=["texte", "tract"])
def test_pdfs_embed_only_the_projects_fonts(site_dir, rel):
    fonts = embedded_fonts(site_dir / rel)
    assert fonts and all(f.startswith("Edition-") for f in fonts), fonts


def test_the_palatino_fontconfig_would_change_a_pdf_that_names_palatino(tmp_path):
    """The perturbation of the reproducibility runs is real: a document asking for Palatino
    (as the print stylesheet did) gets another font under it."""
    code = ("import sys; from weasyprint import HTML; "
            "sys.stdout.buffer.write(HTML(string='<p style=\"font-family: Palatino, serif\">Palatino ?</p>')"
            ".write_pdf(pdf_identifier=False))")
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           env=build_env(REPO_ROOT)).stdout
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           env=build_env(REPO_ROOT, FONTCONFIG_FILE=str(palatino_fontconfig(tmp_path)))).stdout
    assert plain != other


@pytest.mark.parametrize("rel", [BOOKLET, FLYER, EPUB], ids=["texte", "tract", "epub"])
def test_downloads_are_reproducible_whatever_the_fonts(site_dir, again, rel):
    a, b = (site_dir / rel).read_bytes(), (again / rel).read_bytes()
    assert a == b, f"{rel}: two runs differ ({len(a)} vs {len(b)} bytes)"


# --------------------------------------------------------------------------- the short PDF

def test_booklet_holds_the_passage_and_each_finding_within_eight_pages(site_dir):
    pages = pdf_text(site_dir / BOOKLET)
    assert 1 <= len(pages) <= 8, f"{len(pages)} pages"
    expected = witness_tokens()
    actual = tokens("\n".join(pages))
    found, _ = match(expected, actual)
    assert found == len(expected), report(expected, actual, found)
    flat = " ".join(" ".join(p.split()) for p in pages).replace("\u2010 ", "")
    for note in sorted((REPO_ROOT / "docs" / "notes").glob("[0-9]*.md")):
        words = " ".join(str(front_matter(note)["constat"]).split()[:6])
        assert words in flat, f"{note.name}: its finding « {words} … » is not in the short PDF"
    cite = " ".join(pages[-1].split())
    assert "Pour citer ce texte" in cite and SITE_URL + "texte/" in cite


def test_booklet_qr_code_leads_to_the_edition(site_dir, tmp_path):
    assert qr_codes(site_dir / BOOKLET, tmp_path) == [SITE_URL]


def test_pdfs_are_tagged_with_title_and_language(site_dir):
    from pypdf import PdfReader
    for rel in (BOOKLET, FLYER):
        reader = PdfReader(str(site_dir / rel))
        root = reader.trailer["/Root"]
        assert str(root.get("/Lang")) == "fr", rel
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], f"{rel} is not tagged"
        assert reader.metadata.title and CONFIG["site_name"] in reader.metadata.title, rel


# --------------------------------------------------------------------------- the flyer

def test_flyer_is_one_a4_page_with_margins_of_ten_millimetres(site_dir, tmp_path):
    from PIL import Image
    from pypdf import PdfReader
    need("pdftoppm")
    reader = PdfReader(str(site_dir / FLYER))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-gray", str(site_dir / FLYER), str(tmp_path / "f")], check=True)
    img = Image.open(next(tmp_path.glob("f*.png"))).convert("L")
    w, h = img.size
    band = round(10 / 25.4 * 100)
    for region in ((0, 0, w, band), (0, h - band, w, h), (0, 0, band, h), (w - band, 0, w, h)):
        assert img.crop(region).getextrema()[0] > 240, f"ink within 10 mm of the edge: {region}"


def test_flyer_holds_its_paragraph_three_facts_and_a_qr_code_to_the_paragraph(site_dir, tmp_path):
    flyer = edition_settings(CONFIG)["flyer"]
    n = flyer["paragraph"]
    text = pdf_text(site_dir / FLYER)[0]
    flat = " ".join(text.split()).replace("\u2010 ", "")
    for item in flyer["facts"]:
        meta = front_matter(REPO_ROOT / "docs" / item["page"])
        fact = " ".join(str(meta.get("constat") or meta["definition"]).split()[:6])
        source = meta["sources"][item.get("source", 1) - 1]
        assert fact in flat, f"{item['page']}: « {fact} … » is not on the flyer"
        assert " ".join(source["title"].split()[:4]) in flat, f"{item['page']}: its source is not on the flyer"
    from publish.pdf import classes, parse, remove
    page = parse(site_dir / "texte" / "index.html")
    par = next((p for p in page.iter("p") if p.get("id") == f"p{n}"), None)
    assert par is not None, f"no § {n} on the text page"
    for parent in list(par.iter()):  # the number, the calls and the share button are not the text
        for child in list(parent):
            if child.tag in ("sup", "button") or classes(child) & {"ed-parnum", "ed-share", "ed-sr", "ed-ref--ecart"}:
                remove(parent, child)
    words = tokens(" ".join(par.itertext()))
    found, _ = match(words, tokens(text))
    assert found == len(words), report(words, tokens(text), found)
    assert qr_codes(site_dir / FLYER, tmp_path / "qr") == [f"{SITE_URL}texte/{n}/"]


def test_book_cover_qr_code_leads_to_the_edition(site_dir, tmp_path):
    assert qr_codes(site_dir / BOOK, tmp_path, page=1) == [SITE_URL]


# --------------------------------------------------------------------------- the EPUB

def test_epub_passes_epubcheck_without_error_or_warning(site_dir):
    need("java")
    proc = subprocess.run(["java", "-jar", "/usr/bin/epubcheck", str(site_dir / EPUB)],
                          capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "No errors or warnings detected" in out, out[-3000:]


def test_epub_is_packaged_for_readers(site_dir):
    with zipfile.ZipFile(site_dir / EPUB) as zf:
        first = zf.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert zf.read("mimetype") == b"application/epub+zip"
        assert len({i.date_time for i in zf.infolist()}) == 1
        opf = ET.fromstring(zf.read("OEBPS/content.opf"))
        ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
        assert opf.find(".//dc:language", ns).text == "fr"
        assert opf.find(".//dc:title", ns).text == CONFIG["site_name"]
        cover = opf.find(".//opf:item[@properties='cover-image']", ns)
        with Image.open(io.BytesIO(zf.read("OEBPS/" + cover.get("href")))) as image:
            assert image.format == "PNG" and image.size == (1200, 1800)  # portrait, as e-readers show it
        names = set(zf.namelist())
        for needed in ("texte", "glossaire", "noms", "bibliographie", "notes-3"):
            assert f"OEBPS/{needed}.xhtml" in names, needed


def test_epub_text_holds_every_word_and_footnotes_that_lead_back(site_dir):
    with zipfile.ZipFile(site_dir / EPUB) as zf:
        doc = ET.fromstring(zf.read("OEBPS/texte.xhtml"))
    x = "{http://www.w3.org/1999/xhtml}"
    epub_type = "{http://www.idpf.org/2007/ops}type"
    # Paragraph numbers are links (« § » comes from the stylesheet): their digits are extra.
    actual = tokens(" ".join(" ".join(e.itertext()) for e in doc.iter(f"{x}body")))
    expected = witness_tokens()
    found, _ = match(expected, actual)
    assert found == len(expected), report(expected, actual, found)
    ids = {e.get("id") for e in doc.iter() if e.get("id")}
    notes = [e for e in doc.iter(f"{x}aside") if e.get(epub_type) == "footnote"]
    refs = [a for a in doc.iter(f"{x}a") if a.get(epub_type) == "noteref"]
    assert len(notes) == 9 and len(refs) == 9
    for ref in refs:
        assert ref.get("href").lstrip("#") in {n.get("id") for n in notes}
    for note in notes:
        back = [a for a in note.iter(f"{x}a") if a.get("role") == "doc-backlink"]
        assert back and back[0].get("href").lstrip("#") in ids, note.get("id")
