"""The edition to read anywhere (issue 9): the PDF of the whole edition and the offline copy.

The two post-build steps (scripts/publish/pdf.py and offline.py) run on copies of the session's
built site, twice, in processes with different hash seeds, time zones and fonts (the second
one under a fontconfig that offers a « Palatino », a serif and a sans-serif made of another
font, tests/pdf_words.py): the two results must be byte-identical. Then the PDF's text must hold the passage word for word (the
witness), every note page and every glossary and index entry; the offline copy, unzipped and
opened from file:// in Chromium, must show the text and find « CNIL » with its search, without a
single request leaving the disk.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import REPO_ROOT, build_env, built_pages, parse_html
from pdf_words import CUT, match, normalise, palatino_fontconfig, report, tokens, witness_tokens
from publish import edition_settings, mkdocs_config

pytestmark = pytest.mark.build_steps("pdf", "offline")

CONFIG = mkdocs_config(REPO_ROOT)
PDF = Path("telechargements") / f"{edition_settings(CONFIG)['files']}.pdf"
ZIP = Path("telechargements/safe-city-edition-annotee-hors-ligne.zip")
FOLDER = "safe-city-edition-annotee"
STEP_TIMEOUT = 900  # seconds, for both steps in one process (WeasyPrint takes most of it)

RUN_STEPS = r"""
import sys, time
from pathlib import Path
from publish import offline, pdf
site, root = Path(sys.argv[1]), Path(sys.argv[2])
for name, step in (("pdf", pdf), ("offline", offline)):
    t0 = time.perf_counter()
    step.run(site, root)
    print(f"{name} {time.perf_counter() - t0:.1f}")
"""


@dataclass
class Published:
    site: Path            # the copy of the session site the steps ran on
    again: Path           # a second copy, same steps, other hash seed and time zone
    timings: dict[str, float]


def _start(site: Path, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RUN_STEPS, str(site), str(REPO_ROOT)],
                            cwd=REPO_ROOT, env=build_env(REPO_ROOT, **env),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def published(site_dir, tmp_path_factory) -> Published:
    """pdf + offline on two fresh copies of the session site (the session site itself is left
    as the other tests expect it)."""
    base = tmp_path_factory.mktemp("publish")
    first, second = base / "site", base / "site-again"
    shutil.copytree(site_dir, first, symlinks=True)
    shutil.copytree(site_dir, second, symlinks=True)
    for out in (PDF, ZIP):
        (second / out).unlink(missing_ok=True)
    # The session build (scripts/build.py) made the first PDF and zip; run the steps once
    # more, with another hash seed and time zone, to compare.
    fonts = palatino_fontconfig(base / "fontconfig")
    runs = [_start(second, PYTHONHASHSEED="4242", TZ="XXX-14", FONTCONFIG_FILE=str(fonts))]
    outputs = []
    for proc in runs:
        try:
            out, _ = proc.communicate(timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            for p in runs:
                p.kill()
            pytest.fail(f"pdf + offline took more than {STEP_TIMEOUT} s", pytrace=False)
        if proc.returncode != 0:
            pytest.fail(f"a publishing step failed (exit {proc.returncode}):\n{out}", pytrace=False)
        outputs.append(out)
    assert (first / PDF).is_file() and (first / ZIP).is_file(), "the session build made no PDF or zip"
    timings = {}
    for line in outputs[0].splitlines():
        name, _, seconds = line.partition(" ")
        if name in ("pdf", "offline"):
            timings[name] = float(seconds)
    return Published(first, second, timings)


# --------------------------------------------------------------------------- PDF text

@pytest.fixture(scope="module")
def pdf_reader(published):
    from pypdf import PdfReader
    return PdfReader(str(published.site / PDF))


def outline(reader) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark, in order."""
    result = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                result.append((level, normalise(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return result


RUNNING_HEADS = {str(CONFIG["site_name"])}


def page_text(reader, index: int, heads: set[str]) -> str:
    lines = normalise(reader.pages[index].extract_text()).splitlines()
    return "\n".join(l for l in lines if l.strip() not in heads and not l.strip().isdigit())


def text_part_tokens(reader) -> list[str]:
    """Tokens of the PDF's « Le texte » part, minus what the edition adds on paper: paragraph
    numbers, the URL after a link, « (archive) », the page of each note's commentary, « [et] »."""
    marks = outline(reader)
    top = [(title, page) for level, title, page in marks if level == 1]
    starts = [i for i, (title, _) in enumerate(top) if title.startswith("Smart and Safe City")]
    assert starts, f"no bookmark for the text in the PDF: {[t for t, _ in top]}"
    i = starts[0]
    first, end = top[i][1], top[i + 1][1] if i + 1 < len(top) else len(reader.pages)
    text = "\n".join(page_text(reader, p, RUNNING_HEADS | {"Le texte"}) for p in range(first, end))
    text = CUT.sub("", text)                                           # words cut at a line end
    text = re.sub(r"<https?:[^<>]*>", " ", text)                      # printed URLs
    text = re.sub(r"\(archive\)", " ", text)
    text = re.sub(r"Commentaire\s+de\s+la\s+note\s+\d+\s*,\s*p\.\s*\d+", " ", text)
    text = re.sub(r"§\s*\d+", " ", text)                               # paragraph numbers
    text = re.sub(r"\[et\]", " ", text)                                # the edition's conjecture
    return tokens(text)


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", normalise(text)).strip()


# --------------------------------------------------------------------------- PDF tests

def test_pdf_is_written_with_its_metadata(published, pdf_reader):
    path = published.site / PDF
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(data) < 8 * 1024 * 1024, f"the PDF weighs {len(data)} bytes"
    meta = pdf_reader.metadata
    assert meta.title == CONFIG["site_name"]
    assert "Mathieu Rigouste" in (meta.author or "")
    assert str(pdf_reader.trailer["/Root"].get("/Lang")) == "fr"
    assert len(pdf_reader.pages) > 20
    print(f"PDF: {len(data)} bytes, {len(pdf_reader.pages)} pages, "
          f"steps: {published.timings}")


def test_pdf_is_set_like_a_book(published, pdf_reader):
    """Tagged for screen readers, in the project's fonts only, 60 to 75 characters a line in
    the text, no page under a quarter full except the last of a part, a table of contents
    with page numbers."""
    import statistics
    root = pdf_reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], "the PDF is not tagged"
    fonts = set()
    for page in pdf_reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert fonts and all(f.startswith("Edition-") for f in fonts), f"fonts not from the project: {fonts}"
    top = [(title, page) for level, title, page in outline(pdf_reader) if level == 1]
    starts = [page for _, page in top]
    text_first = next(page for title, page in top if title.startswith("Smart and Safe City"))
    lines = [" ".join(l.split()) for l in page_text(pdf_reader, text_first + 1, RUNNING_HEADS).splitlines()]
    lines = [l for l in lines if len(l) > 30]          # full lines, not a paragraph's last one
    median = statistics.median(len(l) for l in lines)
    assert 60 <= median <= 75, f"{median} characters a line in the text"
    sizes = [len(" ".join(p.extract_text().split())) for p in pdf_reader.pages]
    full = statistics.median(sizes)
    part_ends = {s - 1 for s in starts} | {len(sizes) - 1, 0}
    sparse = [i + 1 for i, n in enumerate(sizes) if n < full / 4 and i not in part_ends]
    assert not sparse, f"pages less than a quarter full: {sparse} (median {full} characters)"
    toc = pdf_reader.pages[1].extract_text().splitlines()
    assert sum(1 for l in toc if l.rstrip().split(" ")[-1].isdigit()) > 20, "the contents have no page numbers"


def test_pdf_holds_every_word_of_the_passage_in_order(pdf_reader):
    """Every token of the witness, in order, in the text part; in between, only what the PDF
    adds on purpose: the numbers of the notes (« 3. »)."""
    expected = witness_tokens()
    actual = text_part_tokens(pdf_reader)
    assert len(expected) > 1000
    found, extras = match(expected, actual)
    assert found == len(expected), report(expected, actual, found)
    odd = [t for t in extras if not (t.isdigit() or t == ".")]
    assert not odd, f"words in the text part that the witness lacks: {odd[:20]}"


def test_the_pdf_comparison_would_catch_a_change():
    """A word missing, a word added, a year eaten at a line start: each is caught."""
    expected = witness_tokens()
    assert "2019" in expected
    year = expected.index("2019")
    for actual in (expected[:200] + expected[201:], expected[:year] + expected[year + 1:]):
        assert match(expected, actual)[0] < len(expected)
    found, extras = match(expected, expected[:200] + ["autre"] + expected[200:])
    assert found == len(expected) and extras == ["autre"]
    # A line starting with a year keeps it (the old pattern ate « 2019. » there).
    assert tokens("engagée en\n2019. Cette") == ["engagée", "en", "2019", ".", "cette"]
    assert tokens("Ri\u2010\ngouste") == ["rigouste"]


def _titles(site: Path, section: str) -> list[str]:
    titles = []
    for page in built_pages(site):
        rel = page.relative_to(site).as_posix()
        if rel.startswith(section + "/") and rel != f"{section}/index.html":
            h1 = parse_html(page).h1_texts
            assert h1, f"{rel} has no h1"
            titles.append(collapse(h1[0].rstrip("#")))
    assert titles, f"no built page under {section}/"
    return titles


def test_pdf_holds_every_note_glossary_and_index_entry(published, pdf_reader):
    text = collapse(" ".join(p.extract_text() for p in pdf_reader.pages))
    bookmarks = {title for _, title, _ in outline(pdf_reader)}
    missing = []
    for section in ("notes", "glossaire", "noms"):
        for title in _titles(published.site, section):
            if title not in text or title not in bookmarks:
                missing.append(f"{section}: {title}")
    assert not missing, "not in the PDF (text and bookmarks):\n" + "\n".join(missing)


def test_pdf_holds_the_commentary_of_every_note(published, pdf_reader):
    """The first words of each note page's « Commentaire » are in the PDF."""
    text = collapse(" ".join(p.extract_text() for p in pdf_reader.pages))
    missing = []
    for page in sorted((published.site / "notes").glob("*/index.html")):
        html = page.read_text(encoding="utf-8")
        m = re.search(r'<h2 id="commentaire">.*?</h2>\s*<p>(.*?)</p>', html, re.S)
        assert m, f"{page.relative_to(published.site)}: no « Commentaire » paragraph"
        words = collapse(re.sub(r"<[^>]+>", "", m.group(1))).split(" ")[:8]
        if " ".join(words) not in text:
            missing.append(f"{page.parent.name}: {' '.join(words)}")
    assert not missing, "commentaries missing from the PDF:\n" + "\n".join(missing)


def test_pdf_is_reproducible(published):
    a, b = (published.site / PDF).read_bytes(), (published.again / PDF).read_bytes()
    assert a == b, (f"two runs of the pdf step differ ({len(a)} vs {len(b)} bytes, "
                    f"first difference at byte {next(i for i, (x, y) in enumerate(zip(a, b)) if x != y) if len(a) == len(b) else '?'})")


# --------------------------------------------------------------------------- offline copy

def test_offline_zip_is_reproducible(published):
    a, b = (published.site / ZIP).read_bytes(), (published.again / ZIP).read_bytes()
    assert a == b, f"two runs of the offline step differ ({len(a)} vs {len(b)} bytes)"


def test_offline_zip_is_tidy(published):
    with zipfile.ZipFile(published.site / ZIP) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names), "entries are not sorted"
        assert all(n.startswith(FOLDER + "/") for n in names), "everything in one folder"
        assert len({i.date_time for i in infos}) == 1, "entries carry different dates"
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        assert all((i.external_attr >> 16) & 0o777 == 0o644 for i in infos)
        for needed in ("index.html", "texte.html", "notes/3.html", "glossaire/csu.html",
                       "search/search_index.js", "assets/javascripts/iframe-worker-shim.js",
                       "LISEZ-MOI.txt", PDF.as_posix()):
            assert f"{FOLDER}/{needed}" in names, f"{needed} is missing from the zip"
        # The offline plugin's Worker shim comes from the copy, not from unpkg.com. (Material's
        # bundle still names unpkg.com for polyfills that browsers without ResizeObserver or
        # pages with diagrams would load: neither applies; the browser test below watches.)
        for info in infos:
            if info.filename.endswith(".html"):
                body = zf.read(info).decode("utf-8")
                assert "unpkg.com" not in body, f"{info.filename} still refers to unpkg.com"
                assert "iframe-worker-shim.js" in body, f"{info.filename} lacks the Worker shim"
        size = (published.site / ZIP).stat().st_size
        assert size < 15 * 1024 * 1024, f"the zip weighs {size} bytes"


@pytest.fixture(scope="module")
def offline_copy(published, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("hors-ligne")
    with zipfile.ZipFile(published.site / ZIP) as zf:
        zf.extractall(dest)
    return dest / FOLDER


def test_offline_copy_from_disk_shows_the_text_and_searches(browser, offline_copy):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(20_000)
    leaving, errors = [], []

    def guard(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            leaving.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: None if req.url.startswith(("file:", "data:", "blob:", "about:"))
            else leaving.append(req.url))
    try:
        page.goto((offline_copy / "texte.html").as_uri())
        h1 = page.locator("article h1").first
        h1.wait_for(state="visible")
        assert "optimiser la soumission du bétail" in h1.inner_text()
        assert page.locator("p#p1").is_visible()

        # Previews work from disk too.
        ref = page.locator("article a.ed-ref--glossaire").first
        ref.hover()
        popover = page.locator("#ed-popover")
        popover.wait_for(state="visible")
        assert popover.inner_text().strip()
        page.mouse.move(0, 0)

        # Search (a Web Worker, which file:// allows only through the shim).
        box = page.locator("input.md-search__input")
        if not box.is_visible():  # narrow layouts hide the field behind a button
            page.locator("label.md-header__button[for='__search']").first.click()
        box.click()
        box.type("CNIL", delay=50)
        results = page.locator(".md-search-result__item")
        results.first.wait_for(state="visible")
        assert results.count() >= 1
        assert "CNIL" in page.locator(".md-search-result").inner_text()

        # A link between pages opens the .html file (no directory URLs offline).
        href = page.locator("sup#appel-3 a").get_attribute("href")
        assert href and href.endswith("notes/3.html"), href
    finally:
        context.close()
    assert not errors, "JavaScript errors:\n" + "\n".join(errors)
    assert not leaving, "requests leaving the disk:\n" + "\n".join(sorted(set(leaving)))
