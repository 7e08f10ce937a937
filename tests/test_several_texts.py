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
    head = "".join(f"{k}: {meta[k]}\n" for k in ("title", "work")) + "texte: true\n"
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
