"""Several texts in one edition (issue 18): a second annotated text beside the first.

In a copy of the project, the small second edition's text (tests/data/second-edition/) is added
the way GUIDE.md (« Ajouter un autre texte ») says: its page as docs/textes/declaration-1789.md
(« texte: true » in its front matter), its two notes under docs/textes/declaration-1789/notes/,
its entries merged with the first edition's, its work added to the bibliography, the page added
to the navigation. One of the first edition's glossary entries (the CNIL) is also named by the
second text's note 2. The whole build (scripts/build.py) must pass; both texts' pages, notes,
previews and backlinks must work; the shared entry's « Renvois » list both texts; and every
address of published.yml (the first text's /texte/, /texte/#p3, /notes/3/, /notes/asterisque/…)
still resolves.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
import yaml

from helpers import REPO_ROOT, build_env, copy_sources

DATA = Path(__file__).parent / "data" / "second-edition" / "docs"
SLUG = "declaration-1789"
TIMEOUT = 900


def guide_section() -> str:
    text = (REPO_ROOT / "GUIDE.md").read_text(encoding="utf-8")
    m = re.search(r"^## Ajouter un autre texte\n(.*?)(?=^## )", text, re.S | re.M)
    assert m, "no section « Ajouter un autre texte » in GUIDE.md"
    return m.group(1)


def guide_front_matter() -> dict:
    """The text's front matter as the guide gives it (its yaml block)."""
    block = re.search(r"```yaml\n(.*?)```", guide_section(), re.S).group(1)
    return yaml.safe_load(re.sub(r"(?m)^ {3}", "", block).strip().strip("-"))


def add_second_text(root: Path) -> Path:
    """What the guide tells an editor to do, step by step."""
    copy_sources(root)
    docs = root / "docs"
    # 1. The text, marked « texte: true »; its links now go up one folder.
    text = (DATA / "texte.md").read_text(encoding="utf-8")
    meta = guide_front_matter()
    assert meta["texte"] is True and meta["work"] == "ddhc-1789", meta
    head = "".join(f"{k}: {json.dumps(meta[k], ensure_ascii=False)}\n" for k in ("title", "work", "copyright")) + "texte: true\n"
    text = text.replace("---\ntitle: Le texte\n", "---\n" + head, 1)
    text = text.replace("](noms/", "](../noms/").replace("](glossaire/", "](../glossaire/")
    (docs / "textes").mkdir()
    (docs / "textes" / f"{SLUG}.md").write_text(text, encoding="utf-8")
    # 2. Its notes, in the folder named after it (their links go two folders further up).
    notes = docs / "textes" / SLUG / "notes"
    notes.mkdir(parents=True)
    for name in ("1.md", "2.md"):
        note = (DATA / "notes" / name).read_text(encoding="utf-8")
        note = note.replace("](../texte.md", f"](../../{SLUG}.md").replace("](../", "](../../../")
        note = note.replace(f"](../../../../{SLUG}.md", f"](../../{SLUG}.md")
        if name == "2.md":  # a first-edition entry, named by the second text too
            note += "\nRenvoi d’essai vers une entrée du premier texte\u00a0: la [CNIL](../../../glossaire/cnil.md).\n"
        (notes / name).write_text(note, encoding="utf-8")
    (notes / "index.md").write_text("---\ntitle: Notes de la Déclaration de 1789\n---\n<!-- edition: liste-notes -->\n",
                                    encoding="utf-8")
    # 3. Its entries beside the first edition's.
    for rel in ("glossaire/droits-naturels.md", "noms/assemblee-nationale-constituante.md"):
        entry = (DATA / rel).read_text(encoding="utf-8").replace("](../texte.md", f"](../textes/{SLUG}.md")
        (docs / rel).write_text(entry, encoding="utf-8")
    # 4. Its work in the bibliography's « works ».
    works = yaml.safe_load((DATA / "bibliographie.md").read_text(encoding="utf-8").split("---")[1])["works"]
    biblio = (docs / "bibliographie.md").read_text(encoding="utf-8")
    item = yaml.safe_dump(works, allow_unicode=True, sort_keys=False, width=1000)
    item = "".join("  " + line + "\n" for line in item.splitlines())
    biblio = biblio.replace("\nworks:\n", "\nworks:\n" + item, 1)
    (docs / "bibliographie.md").write_text(biblio, encoding="utf-8")
    # 5. The page in the navigation, its notes with the other note pages.
    guide = guide_section()
    assert f"- Déclaration de 1789: textes/{SLUG}.md" in guide and "/textes/*/notes/*.md" in guide
    assert f"docs/textes/{SLUG}/notes/" in guide and f"../../{SLUG}.md#p1" in guide
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - Le texte: texte.md\n", f"  - Le texte: texte.md\n  - Déclaration de 1789: textes/{SLUG}.md\n", 1)
    config = config.replace("not_in_nav: |\n", "not_in_nav: |\n  /textes/*/notes/*.md\n", 1)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = add_second_text(tmp_path_factory.mktemp("deux-textes") / "projet")
    check = subprocess.run([sys.executable, "-m", "edition.check", "docs"], cwd=root, env=build_env(root),
                           capture_output=True, text=True, timeout=TIMEOUT)
    assert check.returncode == 0, check.stdout + check.stderr
    site = root.parent / "site"
    proc = subprocess.run([sys.executable, "scripts/build.py", "--site", str(site)], cwd=root,
                          env=build_env(root), capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, f"two texts do not build:\n{proc.stdout}\n{proc.stderr}"
    return root, site, check.stdout


def page(site: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / url / "index.html").read_bytes())


def text_of(el) -> str:
    return re.sub(r"[ \t\r\n]+", " ", el.text_content()).strip()


def test_the_content_check_knows_each_texts_notes(both):
    _root, _site, output = both
    assert "12 notes" in output, output  # the first text's ten and the second's two


def test_the_second_text_has_its_paragraphs_calls_notes_and_previews(both):
    _root, site, _ = both
    texte = page(site, f"textes/{SLUG}")
    assert texte.xpath("//h1")[0].text_content().startswith("Déclaration des droits de l’homme")
    for n in (1, 2):
        p = texte.get_element_by_id(f"p{n}")
        assert p.xpath(".//a[contains(@class, 'ed-parnum')]")[0].get("href") == f"#p{n}"
        call = texte.get_element_by_id(f"appel-{n}")
        assert call.xpath(".//a")[0].get("href") == f"notes/{n}/"  # its own note, not /notes/1/
    preview = texte.get_element_by_id(f"apercu-textes-{SLUG}-notes-1")
    assert "la phrase appelée ouvre l’article premier" in text_of(preview)
    assert "Article premier." in text_of(preview)  # the author's note of this text
    assert "droits imprescriptibles" not in text_of(texte.get_element_by_id("apercu-glossaire-droits-naturels"))
    # Its paragraphs are search results of their own.
    units = [el.get("data-edition-unit") for el in texte.xpath("//*[@data-edition-unit]")]
    assert "Déclaration de 1789, §\u00a01" in units
    index = next(f for f in (site / "search" / "search_index.json", site / "search" / "search_index.js") if f.is_file())
    raw = index.read_text(encoding="utf-8")
    docs = json.loads(raw[raw.index("{"):])["docs"]
    found = {d["location"]: d["title"] for d in docs}
    assert found.get(f"textes/{SLUG}/#p2") == "Déclaration de 1789, §\u00a02", [k for k in found if SLUG in k]
    assert "texte/#p3" in found


def test_the_second_texts_note_pages_lead_back_to_it(both):
    _root, site, _ = both
    note = page(site, f"textes/{SLUG}/notes/1")
    assert text_of(note.get_element_by_id("note").getnext()) == "Article premier."
    back = note.xpath("//p[contains(@class, 'ed-back')]/a")[0]
    assert back.get("href") == "../../#appel-1" and "(§\u00a01)" in back.text_content()
    nav = page(site, f"textes/{SLUG}/notes/2").xpath("//nav[contains(@class, 'ed-prevnext')]/a")
    assert [a.get("href") for a in nav] == ["../1/"]  # its text's notes only
    listed = page(site, f"textes/{SLUG}/notes").xpath("//ul[contains(@class, 'ed-notes-list')]/li/a")
    assert [a.get("href") for a in listed] == ["1/", "2/"]


def test_the_first_text_is_unchanged(both):
    _root, site, _ = both
    texte = page(site, "texte")
    assert texte.get_element_by_id("appel-3").xpath(".//a")[0].get("href") == "../notes/3/"
    note = page(site, "notes/9")
    assert [a.get("rel") for a in note.xpath("//nav[contains(@class, 'ed-prevnext')]/a")] == ["prev"]


def test_the_notes_list_gives_every_texts_notes_under_its_title(both):
    """/notes/ (« Les notes » in the navigation) lists the first text's ten notes, then the
    second text's two, each group under its text's title; the second text's own notes page
    keeps its two."""
    _root, site, _ = both
    notes = page(site, "notes")
    groups = notes.xpath("//h2[following-sibling::*[1][self::ul[contains(@class, 'ed-notes-list')]]]")
    assert [text_of(h).rstrip("¶# ") for h in groups] == ["Le texte", "Déclaration de 1789"]
    lists = [h.getnext().xpath("./li/a/@href") for h in groups]
    assert len(lists[0]) == 10 and lists[0][0] == "1/" and not any(SLUG in h for h in lists[0]), lists
    assert lists[1] == [f"../textes/{SLUG}/notes/1/", f"../textes/{SLUG}/notes/2/"], lists
    for href in lists[0] + lists[1]:
        assert (site / "notes" / href / "index.html").resolve().is_file(), href
    own = page(site, f"textes/{SLUG}/notes")
    assert not own.xpath("//h2[following-sibling::*[1][self::ul[contains(@class, 'ed-notes-list')]]]")


def test_each_text_can_be_cited(both):
    """The second text's page has its own « Citer » block (its APA reference, its files), and
    the page « Citer » gives every format of both texts, each under its title."""
    _root, site, _ = both
    texte = page(site, f"textes/{SLUG}")
    ref = text_of(texte.get_element_by_id("citer-edition"))
    assert "Articles premier et 2" in ref and "Assemblée nationale constituante" in ref, ref
    assert "Smart and Safe City" not in ref and "Rigouste" not in ref, ref
    assert f"/textes/{SLUG}/" in ref, ref
    # Its metadata name its own work, for Zotero and link previews.
    assert texte.xpath("//meta[@name='citation_title']/@content") == ["Déclaration des droits de l’homme et du citoyen"]
    assert "reproduction sur" not in texte.xpath("//meta[@name='DC.description']/@content")[0]
    original = text_of(texte.get_element_by_id("citer-livre"))
    assert "Déclaration des droits de l’homme et du citoyen" in original, original
    block = texte.xpath("//section[contains(@class, 'ed-cite')][.//*[@id='citer-edition']]")[0]
    assert "Pour citer l’original" in text_of(block) and "le livre" not in text_of(block)
    files = block.xpath(".//p[contains(@class, 'ed-cite__downloads')]/a[@download]/@href")
    assert files == [f"../../citer/textes-{SLUG}.{ext}" for ext in ("bib", "ris", "json")], files
    for href in files:
        assert (site / "textes" / SLUG / href).resolve().is_file(), href
    bib = (site / "citer" / f"textes-{SLUG}-2.bib").read_text(encoding="utf-8")
    assert "Articles premier et 2" in bib and f"/textes/{SLUG}/2/" in bib and "§ 2" in bib, bib
    # The first text's block is as it was.
    first = page(site, "texte")
    assert "Smart and Safe City" in text_of(first.get_element_by_id("citer-edition"))
    assert "../citer/texte.bib" in first.xpath("//a[@download]/@href")
    # The page « Citer »: each text under its title, its page and paragraphs in four styles.
    citer = page(site, "citer")
    titles = [text_of(h) for h in citer.xpath("//details[@id='citer-formats']//h2")]
    assert titles == ["Le texte", "Déclaration de 1789"], titles
    second = citer.get_element_by_id(f"citer-textes-{SLUG}-2-apa")
    assert "Articles premier et 2" in text_of(second), text_of(second)
    assert text_of(citer.get_element_by_id(f"citer-textes-{SLUG}-2-apa-texte")).endswith("paragr. 2)")
    assert "Rigouste" in text_of(citer.get_element_by_id("citer-texte-3-apa"))
    assert "Déclaration des droits" in text_of(citer.get_element_by_id(f"citer-textes-{SLUG}-livre-apa"))


def test_the_second_texts_pages_credit_its_own_author(both):
    """Its page and its notes' pages say, at their foot, the credit line of its front matter,
    not the first text's author; the first text's pages keep the site's."""
    _root, site, _ = both
    credit = "Texte : Assemblée nationale constituante, 1789 (domaine public). Notes : l’édition annotée."
    for url in (f"textes/{SLUG}", f"textes/{SLUG}/notes/1"):
        foot = text_of(page(site, url).xpath("//div[contains(@class, 'md-copyright__highlight')]")[0])
        assert foot == credit, (url, foot)
    for url in ("texte", "notes/3", "glossaire/cnil"):
        foot = text_of(page(site, url).xpath("//div[contains(@class, 'md-copyright__highlight')]")[0])
        assert "Mathieu Rigouste" in foot, (url, foot)


def test_the_shared_entrys_backlinks_list_both_texts(both):
    _root, site, _ = both
    entry = page(site, "glossaire/cnil")
    heads = [text_of(h).rstrip("#") for h in entry.xpath("//h3")]
    assert heads[:2] == ["Le texte", "Déclaration de 1789"], heads
    hrefs = [a.get("href") for a in entry.xpath("//ul[contains(@class, 'ed-backlinks')]/li/a")]
    assert any(h.startswith("../../texte/#") for h in hrefs), hrefs
    assert any(h.startswith(f"../../textes/{SLUG}/notes/2/#") for h in hrefs), hrefs
    labels = [text_of(a) for a in entry.xpath("//ul[contains(@class, 'ed-backlinks')]/li/a")]
    assert "Note\u00a02 (Déclaration de 1789)" in labels, labels
    # An entry of the second text only: its backlinks, not grouped.
    own = page(site, "glossaire/droits-naturels")
    labels = [text_of(a) for a in own.xpath("//ul[contains(@class, 'ed-backlinks')]/li/a")]
    assert labels == ["Déclaration de 1789, §\u00a02", "Note\u00a02 (Déclaration de 1789)"], labels


def test_published_addresses_still_resolve(both):
    root, site, _ = both
    data = yaml.safe_load((root / "published.yml").read_text(encoding="utf-8"))
    assert {"/texte/", "/notes/3/", "/notes/asterisque/"} <= set(data["pages"])
    for url, anchors in data["pages"].items():
        file = site / url.strip("/") / "index.html"
        assert file.is_file(), url
        if anchors and url.count("/") <= 3:
            ids = set(lxml.html.fromstring(file.read_bytes()).xpath("//@id"))
            missing = [a for a in anchors if a not in ids]
            assert not missing, (url, missing)


def test_the_second_texts_paragraphs_have_share_addresses(both):
    _root, site, _ = both
    share = page(site, f"textes/{SLUG}/2")
    title = share.xpath("//meta[@property='og:title']")[0].get("content")
    assert title == "Assemblée nationale constituante, « Articles premier et 2 », §\u00a02", title
    assert share.xpath("//meta[@http-equiv='refresh']")[0].get("content") == "0; url=../#p2"
    assert "Le but de toute association politique" in share.xpath("//meta[@name='description']")[0].get("content")
    assert (site / "assets" / "cards" / "textes" / SLUG / "2.png").is_file()
    assert (site / "texte" / "3" / "index.html").is_file()  # the first text's, as before


def test_registering_keeps_the_second_texts_addresses_too(tmp_path):
    """After a publication, `--enregistrer` adds the second text's pages, anchors and share
    addresses to published.yml, beside the first text's."""
    root = add_second_text(tmp_path / "projet")
    proc = subprocess.run([sys.executable, "-m", "edition.check", "--enregistrer", "docs"], cwd=root,
                          env=build_env(root), capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pages = yaml.safe_load((root / "published.yml").read_text(encoding="utf-8"))["pages"]
    assert {"p1", "p2", "appel-1", "note-2"} <= set(pages[f"/textes/{SLUG}/"])
    assert f"/textes/{SLUG}/notes/2/" in pages and f"/textes/{SLUG}/2/" in pages
    assert "/texte/3/" in pages and "p3" in pages["/texte/"]


# --------------------------------------------------------------------------- the downloads

def _downloads(root: Path) -> tuple[dict, Path, str]:
    """(the copy's mkdocs.yml, its downloads folder, its site address)."""
    from publish import edition_settings, mkdocs_config
    config = mkdocs_config(root)
    return config, Path("telechargements") / edition_settings(config)["files"], str(config["site_url"]).rstrip("/") + "/"


def _paragraph_tokens(site: Path, url: str) -> list[str]:
    """The words of a text's numbered paragraphs, as its built page shows them (without the
    paragraph numbers, the note calls, the buttons and the findings' markers ≠)."""
    from pdf_words import tokens
    words = []
    for p in page(site, url).xpath("//p[contains(@class, 'ed-par')]"):
        for drop in p.xpath(".//sup | .//button | .//*[contains(concat(' ', @class, ' '), ' ed-parnum ') or "
                            "contains(concat(' ', @class, ' '), ' ed-share ') or contains(concat(' ', @class, ' '), ' ed-sr ') "
                            "or contains(concat(' ', @class, ' '), ' ed-ref--ecart ')]"):
            drop.drop_tree()
        words += tokens(text_of(p))
    assert words, url
    return words


def _bookmarks(reader) -> list[tuple[str, int]]:
    """(title, page index) of the PDF's first-level bookmarks, in order."""
    from pdf_words import normalise
    return [(" ".join(normalise(item.title).split()), reader.get_destination_page_number(item))
            for item in reader.outline if not isinstance(item, list)]


def test_the_full_pdf_holds_each_text_then_its_notes(both):
    """The book: the first text and its notes, then the second text and its notes, each text's
    words in its own part; the contents name the second text and its notes."""
    from pypdf import PdfReader
    from pdf_words import match, normalise, report, tokens
    root, site, _ = both
    _config, stem, _url = _downloads(root)
    reader = PdfReader(str(site / f"{stem}.pdf"))
    marks = _bookmarks(reader)
    titles = [t for t, _ in marks]
    second = next((i for i, t in enumerate(titles) if t.startswith("Déclaration des droits de l’homme")), None)
    first = next((i for i, t in enumerate(titles) if t.startswith("Smart and Safe City")), None)
    assert first is not None and second is not None, titles
    assert titles[first + 1] == "Notes" and titles[second + 1] == "Notes de la Déclaration de 1789", titles
    assert first < second < titles.index("Glossaire"), titles
    heads = {str(_config["site_name"]), "Le texte", "Déclaration de 1789"}  # the running heads

    def body(i: int) -> str:  # a page's words, without its running head and its number
        lines = normalise(reader.pages[i].extract_text()).splitlines()
        return "\n".join(l for l in lines if l.strip() not in heads and not l.strip().isdigit())

    for index, url in ((first, "texte"), (second, f"textes/{SLUG}")):
        start, end = marks[index][1], marks[index + 1][1]
        part = tokens("\n".join(body(i) for i in range(start, end)))
        expected = _paragraph_tokens(site, url)
        found, _ = match(expected, part)
        assert found == len(expected), f"{url}: " + report(expected, part, found)
    second_part = " ".join(reader.pages[marks[second][1]].extract_text().split())
    assert "Article premier." in second_part and "Article 2." in second_part  # its author's notes
    toc = " ".join(normalise(reader.pages[1].extract_text()).split())
    for words in ("Déclaration de 1789 — Déclaration des droits de l’homme", "Notes de la Déclaration de 1789",
                  "Note 1 — L’article premier", "Note 2 — L’article 2"):
        assert words in toc, f"« {words} » is not in the contents: {toc[:1500]}"
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Texte et notes : Mathieu Rigouste" in cover and "1789 (domaine public)" in cover, cover  # each credit
    note_pages = [i for i in range(marks[second + 1][1], marks[second + 2][1])]
    assert "Note d’essai : la phrase appelée ouvre l’article premier" in " ".join(
        " ".join(reader.pages[i].extract_text().split()) for i in note_pages)


def test_the_second_texts_note_calls_lead_to_its_notes_inside_the_pdf(both):
    """A call of the second text goes to that text's note (not to the first text's note 1),
    and the note's « Commentaire » link to its note page, inside the PDF."""
    from pypdf import PdfReader
    root, site, _ = both
    _config, stem, _url = _downloads(root)
    reader = PdfReader(str(site / f"{stem}.pdf"))
    dests = reader.named_destinations
    text_page = reader.get_destination_page_number(dests[f"textes-{SLUG}"])
    links = [str(a.get_object().get("/Dest")) for a in reader.pages[text_page].get("/Annots") or []]
    for target in (f"textes-{SLUG}--note-1", f"textes-{SLUG}--note-2", f"textes-{SLUG}-notes-1"):
        assert target in links, (target, links)
        assert target in dests, target
    assert "texte--note-1" not in links and "notes-1" not in links, links
    note = reader.get_destination_page_number(dests[f"textes-{SLUG}--note-1"])
    assert "Article premier." in reader.pages[note].extract_text()
    comment = reader.get_destination_page_number(dests[f"textes-{SLUG}-notes-1"])
    assert "Note 1 — L’article premier" in " ".join(reader.pages[comment].extract_text().split())


def test_the_epub_has_a_chapter_per_text_with_its_notes(both):
    import xml.etree.ElementTree as ET
    import zipfile
    from pdf_words import need
    root, site, _ = both
    _config, stem, _url = _downloads(root)
    epub = site / f"{stem}.epub"
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    with zipfile.ZipFile(epub) as zf:
        chapter = ET.fromstring(zf.read(f"OEBPS/textes-{SLUG}.xhtml"))
        words = " ".join("".join(chapter.itertext()).split())
        assert "Les hommes naissent et demeurent libres" in words and "Article premier." in words
        call = chapter.find(f".//x:sup[@id='textes-{SLUG}--appel-1']/x:a", ns)
        assert call.get("href") == f"#textes-{SLUG}--note-1", call.attrib
        assert chapter.find(f".//x:aside[@id='textes-{SLUG}--note-1']", ns) is not None
        note = ET.fromstring(zf.read(f"OEBPS/textes-{SLUG}-notes-1.xhtml"))
        assert "Note d’essai : la phrase appelée ouvre l’article premier" in " ".join("".join(note.itertext()).split())
        nav = ET.fromstring(zf.read("OEBPS/nav.xhtml"))
        top = nav.findall(".//x:nav/x:ol/x:li", ns)
        hrefs = [li.find("x:a", ns).get("href") for li in top]
        assert hrefs[:2] == ["texte.xhtml", f"textes-{SLUG}.xhtml"], hrefs
        under = [a.get("href") for a in top[1].findall("x:ol/x:li/x:a", ns)]
        assert under == [f"textes-{SLUG}-notes-1.xhtml", f"textes-{SLUG}-notes-2.xhtml"], under
        assert len(top[0].findall("x:ol/x:li", ns)) == 10  # the first text's notes, under it
    need("java")
    proc = subprocess.run(["java", "-jar", "/usr/bin/epubcheck", str(epub)], capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "No errors or warnings detected" in out, out[-3000:]


def test_the_second_text_has_its_own_short_pdf(both, tmp_path):
    """<files>-declaration-1789.pdf: its words, its notes' findings, its citation line, a QR
    code to its page; its page offers it (and not the first text's); the offline copy has it."""
    import zipfile
    from pypdf import PdfReader
    from pdf_words import match, need, report, tokens
    from publish import booklet, front_matter
    root, site, _ = both
    config, stem, site_url = _downloads(root)
    rel = Path(f"{stem}-{SLUG}.pdf")
    assert rel in booklet.outputs(config) and Path(f"{stem}-texte.pdf") in booklet.outputs(config)
    pages = [p.extract_text() for p in PdfReader(str(site / rel)).pages]
    flat = " ".join(" ".join(pages).split()).replace("\u2010 ", "")
    expected = _paragraph_tokens(site, f"textes/{SLUG}")
    found, _ = match(expected, tokens("\n".join(pages)))
    assert found == len(expected), report(expected, tokens("\n".join(pages)), found)
    for n in (1, 2):
        constat = " ".join(str(front_matter(root / "docs" / "textes" / SLUG / "notes" / f"{n}.md")["constat"]).split())
        assert constat in flat, constat
    assert "Pour citer ce texte" in flat and f"{site_url}textes/{SLUG}/" in "".join(flat.split()), flat[-600:]
    assert "Smart and Safe City" not in flat and "Rigouste" not in flat  # nothing of the first text
    assert "1789 (domaine public)" in flat, flat[-600:]  # its own credit line
    need("pdftoppm", "zbarimg")
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(site / rel), str(tmp_path / "p")], check=True)
    codes = []
    for png in sorted(tmp_path.glob("p*.png")):
        out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
        codes += [line for line in out.stdout.splitlines() if line.strip()]
    assert codes == [f"{site_url}textes/{SLUG}/"], codes
    # Its page offers it; the first text's page still offers the first text's.
    for url, own in ((f"textes/{SLUG}", rel.name), ("texte", f"{stem.name}-texte.pdf")):
        links = [a.get("href") for a in page(site, url).xpath("//section[contains(@class, 'ed-downloads')]//a[@download]")]
        mine = [h for h in links if h.endswith(("-texte.pdf", f"-{SLUG}.pdf"))]
        assert [h.rsplit("/", 1)[-1] for h in mine] == [own], (url, links)
        assert (site / url / mine[0]).resolve().is_file(), mine
    # The offline copy carries it.
    with zipfile.ZipFile(site / f"{stem}-hors-ligne.zip") as zf:
        assert any(n.endswith(f"/telechargements/{rel.name}") for n in zf.namelist())


def test_the_flyer_can_quote_the_second_text(both, tmp_path):
    """extra.edition.flyer.texte names the text: its paragraph, its author, a QR code to its
    paragraph's share address."""
    from publish import flyer, pdf as P
    root, site, _ = both
    _config, _stem, site_url = _downloads(root)
    config_file = root / "mkdocs.yml"
    before = config_file.read_text(encoding="utf-8")
    assert "\n    flyer:\n      paragraph: 3\n" in before
    try:
        config_file.write_text(before.replace("\n    flyer:\n      paragraph: 3\n",
                                              f"\n    flyer:\n      texte: textes/{SLUG}.md\n      paragraph: 2\n"),
                               encoding="utf-8")
        html, url = flyer.build_document(site, root)
        data = P.render(site, html)
    finally:
        config_file.write_text(before, encoding="utf-8")
    assert url == f"{site_url}textes/{SLUG}/2/"
    (tmp_path / "tract.pdf").write_bytes(data)
    from pypdf import PdfReader
    words = " ".join(PdfReader(str(tmp_path / "tract.pdf")).pages[0].extract_text().split())
    assert "Le but de toute association politique" in words and "Assemblée nationale constituante" in words, words
    assert "Rigouste" not in words and "Articles premier et 2" in words
    assert "1789 (domaine public)" in words, words  # its own credit line


def test_the_epub_cover_names_each_text(both, monkeypatch):
    """The EPUB's portrait cover lists every text: the first by its title and book, the second
    by its author, its passage and its source (not its page's title twice)."""
    from publish import epub, pdf as P
    from publish import cards
    root, site, _ = both
    seen = {}
    monkeypatch.setattr(cards, "draw_cover", lambda *args: seen.setdefault("args", args) and b"")
    epub.cover(site, root, P.edition_facts(site, root, 1764590000))
    site_name, author, works, version, _host = seen["args"]
    assert author == "Mathieu Rigouste" and version.startswith("Version")
    assert len(works) == 2 and works[0].startswith("«\u00a0Smart and Safe City") and "(2022)" in works[0], works
    assert works[1] == ("Assemblée nationale constituante, «\u00a0Articles premier et 2\u00a0», un passage de "
                        "Déclaration des droits de l’homme et du citoyen (1789)"), works
