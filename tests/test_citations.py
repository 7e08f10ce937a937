"""Citations of the edition (scripts/publish/citations.py, issue 15 part 3).

- each style (ISO 690, APA 7, Chicago author-date, MLA), rendered by citeproc-py from the CSL
  data, gives the expected reference for the page and for § 3 (fixed SOURCE_DATE_EPOCH);
- the BibTeX parses (pybtex) with the right fields, the RIS has its required tags, the
  CSL-JSON loads; the book comes from its single source (docs/bibliographie.md);
- in the built site: the files exist and are linked from /texte/, the « Citer » block shows the
  APA reference and every format; two runs of the step give the same bytes.
"""

from __future__ import annotations

import json
import shutil
import sys

import pytest
import yaml
from pybtex.database import parse_string

from helpers import REPO_ROOT, parse_html, source_date_epoch

sys.path.insert(0, str(REPO_ROOT / "scripts"))
from publish import citations  # noqa: E402

EPOCH = "1764547200"  # 2025-12-01T00:00:00Z
SITE = "https://safecity-edition.example.org/"
TITLE = "La “Safe and Smart City”"
BOOK = "La police du futur. Le marché de la violence et ce qui lui résiste"
ORIGIN = ("Extrait de Mathieu Rigouste, " + BOOK + " (10/18, 2022), d’après sa reproduction sur le "
          "blog Greenwashing Economy (« Smart and Safe City : optimiser la soumission du bétail »)")


def _expected(url: str) -> dict[str, str]:
    return {
        "iso690": ("RIGOUSTE, Mathieu, 2025. La “Safe and Smart City”. ÉDITION ANNOTÉE SAFE CITY "
                   "(éd.), <i>Safe City, édition annotée</i> [en ligne]. 1 décembre 2025. "
                   f"Disponible à l'adresse : {url}"),
        "apa": ("Rigouste, M. (2025, décembre 1). <i>La “Safe and Smart City”</i> (Édition annotée "
                f"Safe City, éd.). Safe City, édition annotée. {url} ({ORIGIN})"),
        "chicago": ("Rigouste, Mathieu. (2022) 2025. « La “Safe and Smart City” ». Sous la direction "
                    "de Édition annotée Safe City. Safe City, édition annotée. 1 décembre 2025. "
                    f"{url}."),
        "mla": ("Rigouste, Mathieu. « La “Safe and Smart City” ». <i>Safe City, édition annotée</i>, "
                "édité par Édition annotée Safe City, Version 1.1, 1 décembre 2025, "
                f"{url}. Édition originale par 10/18, 2022."),
    }


IN_TEXT_P3 = {"iso690": "(Rigouste 2025, paragr. 3)", "apa": "(Rigouste, 2022/2025, paragr. 3)",
              "chicago": "(Rigouste [2022] 2025, paragr. 3)",
              "mla": "(Rigouste, « La “Safe and Smart City” », paragr. 3)"}


@pytest.fixture(scope="module")
def built():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return citations.build(REPO_ROOT)


@pytest.mark.parametrize("style", ["iso690", "apa", "chicago", "mla"])
def test_page_reference(built, style):
    _, rendered = built
    assert rendered[("page", style)][0] == _expected(SITE + "texte/")[style]


@pytest.mark.parametrize("style", ["iso690", "apa", "chicago", "mla"])
def test_paragraph_3_reference(built, style):
    _, rendered = built
    entry, cited = rendered[(3, style)]
    assert entry == _expected(SITE + "texte/3/")[style]
    assert cited == IN_TEXT_P3[style]


def test_every_paragraph_and_style(built):
    items, rendered = built
    assert sorted(k for k in items if isinstance(k, int)) == list(range(1, 8))
    for n in range(1, 8):
        for key, _, _ in citations.STYLES:
            entry, cited = rendered[(n, key)]
            assert f"{SITE}texte/{n}/" in entry and f"paragr. {n})" in cited


def current_version() -> str:
    front = yaml.safe_load((REPO_ROOT / "docs" / "journal.md").read_text(encoding="utf-8").split("---", 2)[1])
    return str(front["versions"][0]["version"])


def test_the_version_is_the_journals(built):
    """« Citer » names the edition's current version, as the journal gives it (not the build date);
    publish.edition_settings exposes the same for the other outputs (the PDF)."""
    from publish import edition_settings, mkdocs_config
    items, rendered = built
    assert current_version() == "1.1"
    assert items["page"]["version"] == items[3]["version"] == "1.1"
    assert edition_settings(mkdocs_config(REPO_ROOT))["version"] == "1.1"
    assert "Version 1.1" in rendered[("page", "mla")][0]  # (APA 7 and ISO 690 give no version to a web page)


def test_book_from_its_single_source(built):
    items, rendered = built
    front = yaml.safe_load((REPO_ROOT / "docs" / "bibliographie.md").read_text(encoding="utf-8").split("---", 2)[1])
    book = next(w for w in front["works"] if w["id"] == "rigouste-2022")
    assert items["book"]["title"] == book["title"] == BOOK
    assert items["page"]["original-date"] == book["issued"]
    assert items["page"]["original-publisher"] == book["publisher"]
    assert rendered[("book", "iso690")] == ("RIGOUSTE, Mathieu, 2022. <i>" + BOOK + "</i>. 10/18. Amorce. "
                                            "ISBN 9782264079848.")


def test_bibtex_parses_with_its_fields(built):
    items, _ = built
    for target, url in (("page", SITE + "texte/"), (3, SITE + "texte/3/")):
        item = items[target]
        data = parse_string(citations.bibtex(item, item["id"]), "bibtex")
        (key, entry), = data.entries.items()
        assert key == item["id"] and entry.type == "online"
        assert [str(p) for p in entry.persons["author"]] == ["Rigouste, Mathieu"]
        assert [str(p) for p in entry.persons["editor"]] == ["{Édition annotée Safe City}"]
        f = entry.fields
        assert " ".join(f["title"].split()) == " ".join(TITLE.split())  # pybtex folds no-break spaces
        assert f["organization"] == "Safe City, édition annotée"
        # The version is the journal's current one (docs/journal.md, its first `versions`).
        assert (f["year"], f["date"], f["version"]) == ("2025", "2025-12-01", current_version())
        assert f["url"] == url
        assert "Greenwashing Economy" in f["note"] and BOOK in f["note"]
        assert f.get("chapter") == ("§ 3" if target == 3 else None)


def test_ris_required_tags(built):
    items, _ = built
    text = citations.ris(items[3])
    lines = text.split("\r\n")
    assert lines[0] == "TY  - ELEC" and lines[-2] == "ER  -" and lines[-1] == ""
    tags = {line[:2]: line[6:] for line in lines if line}
    assert all(line[2:6] == "  - " or line == "ER  -" for line in lines if line)
    assert tags["AU"] == "Rigouste, Mathieu" and tags["TI"] == TITLE
    assert tags["PY"] == "2025" and tags["UR"] == SITE + "texte/3/" and tags["SE"] == "§ 3"
    assert "Greenwashing Economy" in tags["N1"]


def test_csl_json_loads(built):
    items, _ = built
    (item,) = json.loads(citations.csl_json(items["page"]))
    assert item["type"] == "webpage" and item["URL"] == SITE + "texte/"
    assert item["author"] == [{"family": "Rigouste", "given": "Mathieu"}]
    assert item["editor"] == [{"literal": "Édition annotée Safe City"}]
    assert item["issued"] == {"date-parts": [[2025, 12, 1]]}


def test_a_wrong_date_would_show(built):
    """The expected strings are not vacuous: another date gives another reference."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1640995200")
        _, other = citations.build(REPO_ROOT)
    assert other[("page", "apa")][0] != built[1][("page", "apa")][0]


NAMES = ["texte"] + [f"texte-{n}" for n in range(1, 8)]


def test_files_in_the_site_and_linked(site_dir):
    for name in NAMES:
        for ext in ("bib", "ris", "json"):
            assert (site_dir / "citer" / f"{name}.{ext}").is_file(), f"citer/{name}.{ext}"
    # The text page links its own files and the page « Citer » (every format, out of the text
    # page for its weight), which has every file and every format.
    texte = parse_html(site_dir / "texte" / "index.html")
    texte_hrefs = {el.attrs.get("href") for el in texte.elements if el.tag == "a"}
    assert {"../citer/texte.bib", "../citer/"} <= texte_hrefs
    page = parse_html(site_dir / "citer" / "index.html")
    hrefs = {el.attrs.get("href") for el in page.elements if el.tag == "a"}
    for name in NAMES:
        for ext in ("bib", "ris", "json"):
            assert f"../citer/{name}.{ext}" in hrefs, f"/texte/ does not link citer/{name}.{ext}"
    ids = {el.attrs.get("id") for el in page.elements}
    for name in NAMES:
        for key, _, _ in citations.STYLES:
            assert f"citer-{name}-{key}" in ids
    copies = {el.attrs.get("data-copy") for el in page.elements if el.tag == "button"}
    assert {f"citer-{n}-{k}" for n in NAMES for k, _, _ in citations.STYLES} <= copies


def test_site_files_match_the_build_date(site_dir):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", source_date_epoch())
        items, rendered = citations.build(REPO_ROOT)
    assert (site_dir / "citer" / "texte-3.ris").read_bytes() == citations.ris(items[3]).encode("utf-8")
    html = (site_dir / "texte" / "index.html").read_text(encoding="utf-8")
    assert f'id="citer-edition">{rendered[("page", "apa")][0]}</p>' in html
    assert citations.PLACEHOLDER not in html


def test_step_is_reproducible(site_dir, tmp_path):
    """Two runs of the step on the MkDocs output give the same bytes."""
    outs = []
    for i in (1, 2):
        copy = tmp_path / f"s{i}"
        (copy / "texte").mkdir(parents=True)
        (copy / "citer").mkdir(parents=True)
        shutil.copy2(site_dir / "texte" / "index.html", copy / "texte" / "index.html")
        src = (site_dir / "citer" / "index.html").read_text(encoding="utf-8")
        start = src.index('<details class="ed-cite__formats"')
        end = src.index("</details>", start) + len("</details>")
        (copy / "citer" / "index.html").write_text(src[:start] + citations.PLACEHOLDER + src[end:],
                                                   encoding="utf-8")
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", source_date_epoch())
            citations.run(copy, REPO_ROOT)
        outs.append({p.relative_to(copy).as_posix(): p.read_bytes()
                     for p in sorted(copy.rglob("*")) if p.is_file()})
    assert outs[0] == outs[1]
    assert outs[0]["texte/index.html"] == (site_dir / "texte" / "index.html").read_bytes()
    assert outs[0]["citer/index.html"] == (site_dir / "citer" / "index.html").read_bytes()
    assert outs[0]["citer/texte.bib"] == (site_dir / "citer" / "texte.bib").read_bytes()


def test_step_refuses_a_page_without_placeholder(tmp_path, capsys):
    (tmp_path / "texte").mkdir()
    (tmp_path / "texte" / "index.html").write_text("<p>rien</p>", encoding="utf-8")
    (tmp_path / "citer").mkdir()
    (tmp_path / "citer" / "index.html").write_text("<p>rien</p>", encoding="utf-8")
    with pytest.raises(SystemExit):
        citations.run(tmp_path, REPO_ROOT)
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err


def test_a_text_naming_an_unknown_work_fails_in_one_line(tmp_path, capsys):
    """Another text whose « work: » names no work of the bibliography: one line naming its file
    and line; a text with no « work: » is left without a reference, not an error."""
    from helpers import copy_sources
    root = copy_sources(tmp_path / "projet")
    (root / "docs" / "textes").mkdir()
    page = root / "docs" / "textes" / "autre.md"
    page.write_text("---\ntitle: Autre\ntexte: true\nwork: nulle-part\n---\n# Autre\n", encoding="utf-8")
    config = citations.load_config(root)
    with pytest.raises(SystemExit):
        citations.texts(root, config)
    err = capsys.readouterr().err.strip()
    assert err == ("citations : docs/textes/autre.md:4 : « work: nulle-part » ne nomme aucun ouvrage "
                   "de « works: » dans docs/bibliographie.md"), err
    page.write_text("---\ntitle: Autre\ntexte: true\n---\n# Autre\n", encoding="utf-8")
    assert [t[0] for t in citations.texts(root, config)] == ["texte.md"]
    assert "textes/autre.md n’a pas de « work: »" in capsys.readouterr().out
