"""One machinery, many texts (issue 18): a second edition, made the way the guide says.

A small edition kept in tests/data/second-edition/ (the first two articles of the Déclaration des
droits de l'homme et du citoyen de 1789, two notes, a glossary entry, a name) replaces docs/ in a
copy of the project, and its keys replace those of mkdocs.yml (site_name, site_url, extra…);
published.yml is left as it is. The whole build (scripts/build.py, every step) must pass; the
pages, notes, entries, previews and backlinks must work; and no word of the first edition may
come out of it: not in a page, a script, a stylesheet, a download, a card, a header file, a file
name, the zip, or the PDF.

Also: every address that published.yml lists resolves in the session's build of the edition.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import lxml.html
import pytest
import yaml

from helpers import REPO_ROOT, build_env, copy_sources, sha256_file

DATA = Path(__file__).parent / "data" / "second-edition"
FILES = "declaration-1789-essai"  # its extra.edition.files
# Words of the first edition (its author, book, witness, subjects, file names, address).
FIRST_EDITION = re.compile(
    r"rigouste|mathieu|safe[\s\u00a0_-]*(?:and[\s\u00a0]+smart[\s\u00a0]*)?cit|smart[\s\u00a0_-]*cit"
    r"|greenwashing|technopolice|b[ée]tail|police du futur|amorce|10/18", re.I)
TEXT_SUFFIXES = {".html", ".js", ".css", ".json", ".xml", ".txt", ".bib", ".ris", ".conf", ".svg", ".map"}
TIMEOUT = 900


def apply_config_changes(config: str, changes: str) -> str:
    """Each top-level key of ``changes`` replaces the key of the same name in ``config`` (with
    all its indented lines), as the guide tells an editor to do."""
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        from bench.builds import replace_top_level
    finally:
        sys.path.pop(0)
    for block in re.split(r"(?m)^(?=[A-Za-z_])", changes):
        if block.strip() and not block.startswith("#"):
            config = replace_top_level(config, block.split(":", 1)[0], block)
    return config


def make_second_edition(root: Path) -> Path:
    copy_sources(root)
    shutil.rmtree(root / "docs")
    shutil.copytree(DATA / "docs", root / "docs")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    changes = (DATA / "mkdocs-changes.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(apply_config_changes(config, changes), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def second(tmp_path_factory):
    root = make_second_edition(tmp_path_factory.mktemp("seconde-edition") / "projet")
    site = root.parent / "site"
    proc = subprocess.run([sys.executable, "scripts/build.py", "--site", str(site)], cwd=root,
                          env=build_env(root), capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, f"the second edition does not build:\n{proc.stdout}\n{proc.stderr}"
    return root, site, proc.stdout + proc.stderr


def page(site: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / url / "index.html").read_bytes())


def text_of(el) -> str:
    """Its text on one line (no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", el.text_content()).strip()


# --------------------------------------------------------------------------- it builds

def test_registering_starts_the_registry_of_the_new_edition(tmp_path):
    """After its first publication, `--enregistrer` writes the new edition's addresses in place
    of the first edition's (which stay in the first edition's history), and names it."""
    root = make_second_edition(tmp_path / "projet")
    cmd = [sys.executable, "-m", "edition.check", "--enregistrer", "docs"]
    first = subprocess.run(cmd, cwd=root, env=build_env(root), capture_output=True, text=True, timeout=TIMEOUT)
    assert first.returncode == 0, first.stderr
    data = yaml.safe_load((root / "published.yml").read_text(encoding="utf-8"))
    assert data["edition"] == FILES
    assert {"p1", "p2", "presentation", "appel-1", "note-2"} <= set(data["pages"]["/texte/"])
    assert "/notes/asterisque/" not in data["pages"] and "/noms/assemblee-nationale-constituante/" in data["pages"]
    again = subprocess.run([sys.executable, "-m", "edition.check", "docs"], cwd=root, env=build_env(root),
                           capture_output=True, text=True, timeout=TIMEOUT)
    assert again.returncode == 0 and "laissées de côté" not in again.stdout, again.stdout + again.stderr


def test_published_yml_of_the_first_edition_needs_no_emptying(second):
    root, _site, output = second
    assert sha256_file(root / "published.yml") == sha256_file(REPO_ROOT / "published.yml")
    assert "published.yml : adresses de l’édition « safe-city-edition-annotee », pas de celle-ci " \
           f"(« {FILES} ») : laissées de côté" in output


def test_its_pages_notes_entries_previews_and_backlinks_work(second):
    _root, site, _ = second
    texte = page(site, "texte")
    assert texte.xpath("//h1")[0].text_content().startswith("Déclaration des droits de l’homme")
    # Paragraphs, numbered in the margin; note calls lead to the note pages.
    for n in (1, 2):
        p = texte.get_element_by_id(f"p{n}")
        assert p.xpath(".//a[contains(@class, 'ed-parnum')]")[0].get("href") == f"#p{n}"
        call = texte.get_element_by_id(f"appel-{n}")
        assert call.xpath(".//a")[0].get("href") == f"../notes/{n}/"
    assert "Les hommes naissent et demeurent libres et égaux en droits" in text_of(texte.get_element_by_id("p1"))
    # Previews: the entry's link describes itself with its definition, hidden in the page.
    link = texte.xpath("//a[contains(@class, 'ed-ref--glossaire')]")[0]
    assert link.get("aria-describedby") == "apercu-glossaire-droits-naturels"
    preview = texte.get_element_by_id("apercu-glossaire-droits-naturels")
    assert "la liberté, la propriété, la sûreté et la résistance à l’oppression" in text_of(preview)
    assert "la phrase appelée ouvre l’article premier" in text_of(texte.get_element_by_id("apercu-notes-1"))
    # A note page: the note as in the text, its context, the way back, the reference.
    note = page(site, "notes/1")
    assert text_of(note.get_element_by_id("note").getnext()) == "Article premier."
    back = note.xpath("//p[contains(@class, 'ed-back')]/a")[0]
    assert back.get("href") == "../../texte/#appel-1" and "(§\u00a01)" in back.text_content()
    assert "Déclaration des droits de l’homme et du citoyen" in text_of(note.xpath("//ul[contains(@class, 'ed-references')]")[0])
    assert page(site, "notes/2").xpath("//nav[contains(@class, 'ed-prevnext')]/a")[0].get("href") == "../1/"
    # Backlinks: from the text (by paragraph, and by the part its front matter names) and a note.
    entry = page(site, "glossaire/droits-naturels")
    labels = [text_of(a) for a in entry.xpath("//ul[contains(@class, 'ed-backlinks')]/li/a")]
    assert labels == ["Le texte, §\u00a02", "Note\u00a02"], labels
    name = page(site, "noms/assemblee-nationale-constituante")
    labels = [text_of(a) for a in name.xpath("//ul[contains(@class, 'ed-backlinks')]/li/a")]
    assert labels == ["Le texte, présentation de l’extrait", "Note\u00a01"], labels
    # Lists and the bibliography's export, named after this edition's downloads.
    assert "Droits naturels" in text_of(page(site, "glossaire").xpath("//article")[0])
    export = page(site, "bibliographie").get_element_by_id("export-csl")
    assert export.get("download") == f"{FILES}-bibliographie.json"
    assert page(site, "texte").xpath("//section[contains(@class, 'ed-cite')]")[0].get("data-files") == FILES
    # The share page of a paragraph, the downloads.
    share = page(site, "texte/2")
    assert share.xpath("//meta[@property='og:title']")[0].get("content") == \
        "Assemblée nationale constituante, « Articles premier et 2 », §\u00a02"
    assert (site / "telechargements" / f"{FILES}-hors-ligne.zip").is_file()


# --------------------------------------------------------------------------- nothing of the first

def _outputs(site: Path):
    """(name, text) of every output file but the PDFs and the stylesheets (see below), and of
    every file inside the zip; binary files by name only."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        if path.suffix in (".pdf", ".css"):
            continue
        yield rel, path.read_text(encoding="utf-8") if path.suffix in TEXT_SUFFIXES or path.name == "_headers" else ""
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    inner = Path(info.filename)
                    if inner.suffix in (".pdf", ".css"):
                        continue
                    data = zf.read(info)
                    yield f"{rel}!{info.filename}", data.decode("utf-8") if inner.suffix in TEXT_SUFFIXES else ""


def test_no_word_of_the_first_edition_in_pages_scripts_downloads_or_headers(second):
    _root, site, _ = second
    found = []
    for name, text in _outputs(site):
        for where in (name, text):
            m = FIRST_EDITION.search(where)
            if m:
                found.append(f"{name}: …{where[max(0, m.start() - 60):m.end() + 40]}…")
                break
    assert not found, f"{len(found)} output file(s) still name the first edition:\n" + "\n".join(found[:15])


def test_no_word_of_the_first_edition_on_the_cards(second):
    """The cards are drawn from each page's head (publish.cards.read_head): what they print."""
    _root, site, _ = second
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        from publish.cards import read_head
    finally:
        sys.path.pop(0)
    cards = sorted((site / "assets" / "cards").rglob("*.png"))
    assert len(cards) >= 10, cards
    found = []
    for html in sorted(site.rglob("*.html")):
        head = read_head(html)
        words = " ".join([head.title, *head.meta.values()])
        if FIRST_EDITION.search(words):
            found.append(f"{html.relative_to(site)}: {words[:200]}")
    assert not found, "\n".join(found)


def test_no_word_of_the_first_edition_in_the_stylesheets(second):
    _root, site, _ = second
    sheets = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.css")}
    with zipfile.ZipFile(site / "telechargements" / f"{FILES}-hors-ligne.zip") as zf:
        sheets |= {i.filename: zf.read(i).decode("utf-8") for i in zf.infolist() if i.filename.endswith(".css")}
    bad = [name for name, text in sheets.items() if FIRST_EDITION.search(text)]
    assert not bad, bad


def test_no_word_of_the_first_edition_in_the_pdf(second):
    _root, site, _ = second
    pdfs = sorted(site.rglob("*.pdf"))
    assert FILES + ".pdf" in [p.name for p in pdfs], pdfs
    assert all(p.name.startswith(FILES) for p in pdfs), pdfs
    with zipfile.ZipFile(site / "telechargements" / f"{FILES}-hors-ligne.zip") as zf:
        assert f"{FILES}/telechargements/{FILES}.pdf" in zf.namelist()
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Les hommes naissent" in " ".join(text.split()), pdf.name
        for what, words in (("text", text), ("metadata", info)):
            m = FIRST_EDITION.search(words)
            assert m is None, f"{pdf.name}, {what}: …{words[max(0, m.start() - 60):m.end() + 40]}…"


def test_no_word_of_the_first_edition_in_the_epub(second):
    _root, site, _ = second
    epubs = sorted(site.rglob("*.epub"))
    assert [p.name for p in epubs] == [f"{FILES}.epub"], epubs
    with zipfile.ZipFile(epubs[0]) as zf:
        texts = {i.filename: zf.read(i).decode("utf-8") for i in zf.infolist()
                 if i.filename.endswith((".xhtml", ".opf", ".ncx", ".css"))}
    assert any("Les hommes naissent" in " ".join(t.split()) for t in texts.values())
    bad = {name: m.group(0) for name, t in texts.items() if (m := FIRST_EDITION.search(t))}
    assert not bad, bad


# --------------------------------------------------------------------------- the first edition

def test_every_published_address_resolves(site_dir):
    """published.yml (this edition's): every page is in the build, every anchor in its page
    (a paragraph's share address, /texte/3/, is a page of its own that leads to #p3)."""
    data = yaml.safe_load((REPO_ROOT / "published.yml").read_text(encoding="utf-8"))
    assert data.get("edition") == "safe-city-edition-annotee"
    missing = []
    for url, anchors in data["pages"].items():
        file = site_dir / url.strip("/") / "index.html"
        if not file.is_file():
            missing.append(url)
            continue
        ids = set(lxml.html.fromstring(file.read_bytes()).xpath("//@id"))
        missing += [f"{url}#{a}" for a in anchors or [] if a not in ids]
    for old in (data.get("redirects") or {}):
        if not (site_dir / old.strip("/") / "index.html").is_file():
            missing.append(f"{old} (redirect)")
    assert not missing, missing
