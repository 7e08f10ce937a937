"""Bad content is caught with one clear line, and nothing the editor wrote is ever changed.

Each case of the table breaks the content of a temporary COPY of the whole project (docs/,
mkdocs.yml, overrides/, scripts/, published.yml) the way an editor could, then runs there
either the content check alone (`python -m edition.check docs`, what `make check` and every
build run first) or the full build (`python scripts/build.py --site … --skip …`). It asserts
the exit status, the EXACT line printed on stderr (and nothing else there, never a Python
traceback), and that no source file of the copy changed. The cases run two at a time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as etree
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import markdown
import pytest
import yaml

from helpers import REPO_ROOT, build_env, copy_sources, diff_hashes, hash_sources, sha256_file

STEPS = ["cards", "pdf", "offline", "headers"]
TIMEOUT = 300


# --------------------------------------------------------------------------- the copy

def copy_project(dest: Path) -> Path:
    copy_sources(dest)
    shutil.copy2(REPO_ROOT / "published.yml", dest / "published.yml")
    return dest


def source_hashes(root: Path) -> dict[str, str]:
    hashes = hash_sources(root)
    hashes["published.yml"] = sha256_file(root / "published.yml")
    return hashes


def run_check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edition.check", "docs"], cwd=root, env=build_env(root),
                          capture_output=True, text=True, timeout=TIMEOUT)


def run_full_build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "scripts/build.py", "--site", str(root / "site"), "--skip", *STEPS],
                          cwd=root, env=build_env(root), capture_output=True, text=True, timeout=TIMEOUT)


def line_of(file: Path, needle: str, occurrence: int = 1) -> int:
    text = file.read_text(encoding="utf-8")
    pos = -1
    for _ in range(occurrence):
        pos = text.find(needle, pos + 1)
        assert pos >= 0, f"{needle!r} (occurrence {occurrence}) not in {file}"
    return text.count("\n", 0, pos) + 1


# --------------------------------------------------------------------------- mutations

def replace(rel: str, old: str, new: str, count: int = 1):
    def do(root: Path):
        file = root / "docs" / rel
        text = file.read_text(encoding="utf-8")
        assert old in text, f"the test expects {old!r} in docs/{rel}; update the case"
        file.write_text(text.replace(old, new, count), encoding="utf-8")
    return do


def append(rel: str, addition: str):
    def do(root: Path):
        file = root / "docs" / rel
        file.write_text(file.read_text(encoding="utf-8").rstrip("\n") + "\n" + addition, encoding="utf-8")
    return do


def write(rel: str, text: str, encoding: str = "utf-8"):
    def do(root: Path):
        file = root / "docs" / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(text.encode(encoding))
    return do


def drop_field(rel: str, name: str):
    """Remove a front matter field (and its indented continuation lines)."""
    def do(root: Path):
        file = root / "docs" / rel
        text = file.read_text(encoding="utf-8")
        new = re.sub(rf"^{re.escape(name)}:.*\n(?:[ \t]+.*\n)*", "", text, count=1, flags=re.M)
        assert new != text, f"the test expects « {name}: » in docs/{rel}; update the case"
        file.write_text(new, encoding="utf-8")
    return do


def registry(change: Callable[[dict], None]):
    def do(root: Path):
        file = root / "published.yml"
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        change(data)
        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return do


def rename_entry(old_rel: str, new_rel: str):
    """Rename an entry file and update every link to it (what a careful editor does)."""
    def do(root: Path):
        docs = root / "docs"
        (docs / old_rel).rename(docs / new_rel)
        old_name, new_name = Path(old_rel).name, Path(new_rel).name
        for file in docs.rglob("*.md"):
            text = file.read_text(encoding="utf-8")
            new = re.sub(rf"(?<=[(/]){re.escape(old_name)}(?=[)#])", new_name, text)
            if new != text:
                file.write_text(new, encoding="utf-8")
    return do


def steps(*mutations):
    def do(root: Path):
        for m in mutations:
            m(root)
    return do


# A glossary entry written for the tests (general: true, so that it needs no reference).
URL = "https://www.aefinfo.fr/depeche/469751-les-premiers-demonstrateurs-retenus-par-le-cofis"
FRONT = {
    "title": "title: Essai\n",
    "definition": "definition: Une phrase de définition pour l’essai.\n",
    "general": "general: true\n",
    "sources": f"sources:\n  - title: \"AEF info, 2013\"\n    url: {URL}\n    year: 2013\n",
}
BODY = f"Un texte et sa source ([AEF info, 2013]({URL}){{data-archive=\"2013\"}}).\n"


def entry(body: str = BODY, close: str = "---\n", encoding: str = "utf-8", **fields) -> Callable:
    front = {**FRONT, **fields}
    text = "---\n" + "".join(v for v in front.values() if v) + close + body
    return write("glossaire/essai.md", text, encoding)


# --------------------------------------------------------------------------- the table

@dataclass
class Case:
    id: str
    mutate: Callable[[Path], None]
    expected: str  # the exact stderr line; {line} is the line of `where` in the mutated copy
    where: tuple = ()  # (docs-relative file, needle[, occurrence])
    mode: str = "check"  # or "build": the full build
    ok: bool = False  # a case that must pass (a declared alias or redirect)
    result: dict = field(default_factory=dict)


CASES = [
    Case("nom-inexistant", append("principes.md", "Voir [Huawai](noms/huawai.md).\n"),
         "docs/principes.md:{line}: renvoi vers « noms/huawai.md », qui n’existe pas : "
         "créez docs/noms/huawai.md ou corrigez le lien",
         ("principes.md", "noms/huawai.md"), mode="build"),
    Case("entree-inexistante", append("notes/3.md", "Voir le [CSU](../glossaire/csuu.md).\n"),
         "docs/notes/3.md:{line}: renvoi vers « ../glossaire/csuu.md », qui n’existe pas : "
         "créez docs/glossaire/csuu.md ou corrigez le lien",
         ("notes/3.md", "../glossaire/csuu.md")),
    Case("related-inexistant", entry(related="related: [csuu]\n"),
         "docs/glossaire/essai.md:{line}: « related » cite « csuu », qui n’existe pas dans le glossaire : "
         "créez docs/glossaire/csuu.md ou corrigez",
         ("glossaire/essai.md", "related:")),
    Case("appel-sans-page", steps(replace("texte.md", "\n{: #p7 }", "[^10]\n{: #p7 }"),
                                  append("texte.md", "\n[^10]: Une note ajoutée.\n")),
         "docs/texte.md:{line}: appel de note [^10] sans page de note : "
         "créez docs/notes/10.md avec « call: \"10\" »",
         ("texte.md", "[^10]"), mode="build"),
    Case("page-sans-appel", write("notes/10.md", "---\ntitle: Note 10\ncall: \"10\"\ncites: []\n"
                                                 "constat: Une page de trop.\n---\n"
                                                 "## Commentaire\n\nUne page de trop.\n"),
         "docs/notes/10.md:3: page de note sans appel : le texte n’a pas d’appel « 10 » "
         "([^10] ou lien vers cette page)"),
    Case("appel-sans-texte", replace("texte.md", "\n{: #p7 }", "[^11]\n{: #p7 }"),
         "docs/texte.md:{line}: appel de note [^11] sans texte de note : ajoutez à la fin du texte "
         "une ligne « [^11]: … » (la note telle que dans le témoin)",
         ("texte.md", "[^11]")),
    Case("texte-sans-appel", append("texte.md", "\n[^12]: Une note sans appel.\n"),
         "docs/texte.md:{line}: note [^12] sans appel dans le texte : placez « [^12] » à l’endroit "
         "de l’appel, ou retirez la ligne « [^12]: … »",
         ("texte.md", "[^12]:")),
    Case("ancre-en-double", append("texte.md", "\nUn paragraphe ajouté.\n{: #p3 }\n"),
         "docs/texte.md:{line}: ancre « #p3 » en double dans la page : chaque ancre doit être unique",
         ("texte.md", "#p3", 2)),
    Case("ancre-publiee-disparue", replace("texte.md", "{: #signature .ed-signature }", "{: .ed-signature }"),
         "docs/texte.md:1: l’ancre publiée « #signature » (/texte/#signature) a disparu : rétablissez-la, "
         "ou, si elle a été renommée, ajoutez au front matter « aliases: {signature: nouvelle-ancre} »",
         mode="build"),
    Case("ancre-renommee-avec-alias",
         steps(replace("texte.md", "{: #signature .ed-signature }", "{: #auteur .ed-signature }"),
               replace("texte.md", "title: Le texte\n", "title: Le texte\naliases: {signature: auteur}\n"),
               append("principes.md", "La [signature](texte.md#signature) du passage.\n")),
         "", mode="build", ok=True),
    Case("page-publiee-disparue", rename_entry("noms/picon.md", "noms/antoine-picon.md"),
         "published.yml:{line}: la page publiée /noms/picon/ n’existe plus : rétablissez docs/noms/picon.md, "
         "ou, si elle a été renommée, ajoutez sous « redirects: » la ligne « /noms/picon/: /nouvelle/adresse/ »",
         ("../published.yml", "/noms/picon/:")),
    Case("page-renommee-avec-redirection",
         steps(rename_entry("noms/picon.md", "noms/antoine-picon.md"),
               registry(lambda d: d.update(redirects={"/noms/picon/": "/noms/antoine-picon/"}))),
         "", ok=True),
    Case("front-matter-illisible", entry(sources=FRONT["sources"].replace("sources:", "sources")),
         "docs/glossaire/essai.md:{line}: front matter mal formé (could not find expected ':') : "
         "il manque « : » après le nom d’un champ (ou l’indentation est décalée)",
         ("glossaire/essai.md", "sources"), mode="build"),
    Case("front-matter-non-ferme", entry(close=""),
         "docs/glossaire/essai.md:1: front matter non fermé : ajoutez une ligne « --- » après les métadonnées"),
    Case("definition-manquante", entry(definition=""),
         "docs/glossaire/essai.md:2: champ « definition » manquant : une phrase de définition (elle sert d’aperçu)"),
    Case("sources-manquantes", entry(sources="", body="Un texte.\n"),
         "docs/glossaire/essai.md:2: champ « sources » manquant : au moins une source (title, url, year)"),
    Case("constat-manquant", drop_field("notes/4.md", "constat"),
         "docs/notes/4.md:2: champ « constat » manquant : ajoutez « constat: » suivi d’une phrase qui dit "
         "ce que l’édition a établi sur cette note (elle sert d’aperçu et de description)"),
    Case("kind-manquant", write("noms/essai.md", "---\n" + "".join(FRONT.values()) + "---\n" + BODY),
         "docs/noms/essai.md:2: champ « kind » manquant ou inconnu : personne, organisation ou lieu"),
    Case("champ-inconnu", entry(related="relatd: [cnil]\n"),
         "docs/glossaire/essai.md:{line}: champ « relatd » inconnu : vouliez-vous dire « related » ?",
         ("glossaire/essai.md", "relatd:")),
    Case("lien-page-manquante", append("principes.md", "Voir la [bibliographie](biblio.md).\n"),
         "docs/principes.md:{line}: lien vers « biblio.md », page introuvable : corrigez le lien, ou créez docs/biblio.md",
         ("principes.md", "(biblio.md)")),
    Case("lien-ancre-manquante", append("principes.md", "Voir le [§ 9](texte.md#p9).\n"),
         "docs/principes.md:{line}: lien vers « texte.md#p9 » : la page docs/texte.md n’a pas d’ancre « #p9 » ; "
         "corrigez l’ancre, ou ajoutez-la à l’endroit visé",
         ("principes.md", "texte.md#p9")),
    Case("lien-absolu", append("principes.md", "Voir [le texte](/texte/).\n"),
         "docs/principes.md:{line}: lien absolu « /texte/ » : visez le fichier .md, en chemin relatif depuis "
         "cette page, ici « texte.md »",
         ("principes.md", "(/texte/)")),
    # A link inherits its address's one archive year (edition.archives); without any, refused.
    Case("lien-externe-sans-archive", append("principes.md", "Voir [ailleurs](https://example.org/sans-archive).\n"),
         "docs/principes.md:{line}: lien externe sans archive : ajoutez {data-archive=\"AAAA\"} "
         "après le lien vers https://example.org/sans-archive",
         ("principes.md", "Voir [ailleurs]")),
    Case("source-sans-annee", entry(sources=FRONT["sources"].replace("    year: 2013\n", "")),
         "docs/glossaire/essai.md:{line}: source n° 1 sans année d’archive : ajoutez « year: AAAA » "
         "(sert au lien vers web.archive.org)",
         ("glossaire/essai.md", "url:")),
    Case("source-adresse-invalide", entry(sources=FRONT["sources"].replace("https://", ""), body="Un texte.\n"),
         "docs/glossaire/essai.md:{line}: source n° 1 : l’adresse doit commencer par http:// ou https://",
         ("glossaire/essai.md", "url:")),
    Case("lien-externe-hors-sources", entry(body="Voir [ailleurs](https://example.org/autre){data-archive=\"2020\"}.\n"),
         "docs/glossaire/essai.md:{line}: lien vers https://example.org/autre absent de « sources » : "
         "ajoutez cette source au front matter (title, url, year), ou corrigez l’adresse",
         ("glossaire/essai.md", "ailleurs")),
    Case("ouvrage-non-cite", replace("bibliographie.md", "works:\n",
                                     "works:\n  - id: essai-2020\n    type: webpage\n    title: Un essai\n    group: Essais\n"),
         "docs/bibliographie.md:{line}: ouvrage « essai-2020 » cité par aucune note : ajoutez « essai-2020 » "
         "à « cites » dans la page de la note qui s’y réfère, ou retirez-le de « works »",
         ("bibliographie.md", "id: essai-2020")),
    Case("entree-citee-nulle-part", entry(general=""),
         "docs/glossaire/essai.md:1: entrée « Essai » citée nulle part : ajoutez un lien vers glossaire/essai.md "
         "dans le texte, une note ou une autre entrée, ou déclarez « general: true » dans son front matter"),
    Case("fichier-non-utf8", entry(encoding="cp1252"),
         "docs/glossaire/essai.md:1: fichier illisible : enregistrez-le en UTF-8"),
]


def _run_case(case: Case, base: Path) -> None:
    try:
        _run(case, base)
    except Exception as exc:  # reported by the case's own test
        case.result = {"error": exc}


def _run(case: Case, base: Path) -> None:
    root = copy_project(base / case.id)
    case.mutate(root)
    before = source_hashes(root)
    proc = run_full_build(root) if case.mode == "build" else run_check(root)
    after = source_hashes(root)
    expected = case.expected
    if case.where:
        rel, needle, *occurrence = case.where
        expected = expected.replace("{line}", str(line_of(root / "docs" / rel, needle, *occurrence)))
    case.result = {"proc": proc, "changed": diff_hashes(before, after), "expected": expected, "root": root}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Every case, run two (or as many as CPUs) at a time."""
    base = tmp_path_factory.mktemp("cases")
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        for future in [pool.submit(_run_case, case, base) for case in CASES]:
            future.result()
    return {case.id: case for case in CASES}


def test_the_table_has_at_least_twelve_broken_cases():
    assert len([c for c in CASES if not c.ok]) >= 12
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_bad_content_is_reported_in_one_line(results, case_id):
    case = results[case_id]
    if "error" in case.result:
        raise case.result["error"]
    proc, expected = case.result["proc"], case.result["expected"]
    what = f"{case.mode} exited with {proc.returncode}\n--- stderr:\n{proc.stderr}\n--- stdout:\n{proc.stdout}"
    assert "Traceback" not in proc.stderr + proc.stdout, what
    assert not case.result["changed"], "the build changed sources:\n" + "\n".join(case.result["changed"])
    if case.ok:
        assert proc.returncode == 0, what
        assert proc.stderr.strip() == "", what
        return
    assert proc.returncode != 0, what
    assert proc.stderr.splitlines() == [expected], what


def test_declared_alias_is_in_the_built_page(results):
    """The renamed anchor (aliases: {signature: auteur}) still exists in the built text page,
    as an empty element right before the element that carries the new anchor."""
    case = results["ancre-renommee-avec-alias"]
    assert case.result["proc"].returncode == 0, case.result["proc"].stderr
    html = (case.result["root"] / "site" / "texte" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<span id="signature"></span>\s*<p[^>]* id="auteur"', html), \
        "no <span id=\"signature\"> right before the element #auteur"


# --------------------------------------------------------------------------- nothing lost

def test_builds_never_write_into_the_sources(tmp_path):
    """Hash every source file (docs/, overrides/, scripts/, mkdocs.yml, published.yml) before and
    after a successful build, then after a build that MkDocs itself refuses."""
    root = copy_project(tmp_path / "projet")
    before = source_hashes(root)
    ok = run_full_build(root)
    assert ok.returncode == 0, ok.stderr + ok.stdout
    assert (root / "site" / "texte" / "index.html").is_file()
    assert ok.stdout.splitlines()[0].startswith("contenu vérifié : ")
    assert diff_hashes(before, source_hashes(root)) == []

    # A failure that only MkDocs sees (the content check passes): a nav entry to a missing page.
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - Principes d’édition: principes.md\n",
        "  - Principes d’édition: principes.md\n  - Absente: absente.md\n"), encoding="utf-8")
    before = source_hashes(root)
    failed = run_full_build(root)
    assert failed.returncode != 0, failed.stdout
    assert "Traceback" not in failed.stderr + failed.stdout
    assert diff_hashes(before, source_hashes(root)) == []


# --------------------------------------------------------------------------- aliases (unit)

def _render_with_aliases(tmp_path, extensions):
    from edition import EditionExtension
    from edition.index import _CACHE

    docs = tmp_path / "docs"
    docs.mkdir()
    body = ("## Nouveau titre\n\nPremier paragraphe.\n{: #p1 }\n\nDeuxième paragraphe.\n{: #p2 }\n")
    (docs / "texte.md").write_text("---\ntitle: Le texte\naliases: {ancien: p2, vieux-titre: nouveau-titre, "
                                   "absent: nulle-part, p1: p2}\n---\n" + body, encoding="utf-8")
    _CACHE.clear()
    ext = EditionExtension(docs_dir=str(docs), page="texte.md")
    return markdown.markdown(body, extensions=[ext if e == "edition" else e for e in extensions])


@pytest.mark.parametrize("order", [["attr_list", "toc", "edition"], ["attr_list", "edition", "toc"]])
def test_aliases_keep_renamed_anchors(tmp_path, order):
    html = _render_with_aliases(tmp_path, order)
    root = etree.fromstring(f"<div>{html}</div>")
    children = list(root)
    ids = [el.get("id") for el in children]
    # old anchor → an empty span right before the element with the new anchor
    assert ids[ids.index("p2") - 1] == "ancien"
    assert children[ids.index("ancien")].tag == "span" and not children[ids.index("ancien")].text
    # a heading's toc id works as a target, whichever runs first
    assert ids[ids.index("nouveau-titre") - 1] == "vieux-titre"
    # an alias to a missing anchor, or over an existing one, adds nothing
    all_ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert "absent" not in all_ids and all_ids.count("p1") == 1


# --------------------------------------------------------------------------- the registry

def test_registering_adds_addresses_and_never_removes_any(tmp_path):
    """`python -m edition.check --enregistrer` writes every page and the anchors the editor wrote
    (paragraphs, epigraph, note calls and texts…) to published.yml; it keeps what is there
    (an address of the past, a redirect), and a second run adds nothing."""
    root = copy_project(tmp_path / "projet")
    file = root / "published.yml"
    file.write_text("pages:\n  /ancienne/: [p1]\nredirects:\n  /ancienne/: /texte/\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "edition.check", "--enregistrer", "docs"]
    first = subprocess.run(cmd, cwd=root, env=build_env(root), capture_output=True, text=True, timeout=TIMEOUT)
    assert first.returncode == 0 and first.stderr == "", first.stderr
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    assert data["redirects"] == {"/ancienne/": "/texte/"} and data["pages"]["/ancienne/"] == ["p1"]
    texte = data["pages"]["/texte/"]
    for anchor in ["epigraphe", *(f"p{n}" for n in range(1, 8)), "appel-1", "appel-asterisque", "note-9"]:
        assert anchor in texte
    assert not [a for a in texte if a.startswith(("ref-", "apercu-", "fn"))], "generated ids are not addresses"
    for path in (root / "docs").rglob("*.md"):
        rel = path.relative_to(root / "docs").as_posix()
        url = "/" if rel == "index.md" else "/" + (rel[:-len("index.md")] if rel.endswith("/index.md") else rel[:-3] + "/")
        assert url in data["pages"], url
    again = file.read_bytes()
    second = subprocess.run(cmd, cwd=root, env=build_env(root), capture_output=True, text=True, timeout=TIMEOUT)
    assert second.returncode == 0 and "published.yml : 0 adresse(s) ajoutée(s)" in second.stdout
    assert file.read_bytes() == again


def test_redirect_pages_send_old_addresses_to_new_ones(tmp_path):
    """published.yml's redirects become small pages at the old addresses (a post-build step),
    the same from one build to the next, and never over a real page."""
    from edition.check import write_redirects

    (tmp_path / "published.yml").write_text(
        "pages: {}\nredirects:\n  /noms/picon/: /noms/antoine-picon/\n  /texte/: /\n", encoding="utf-8")
    site = tmp_path / "site"
    (site / "texte").mkdir(parents=True)
    (site / "texte" / "index.html").write_text("la vraie page", encoding="utf-8")
    write_redirects(site, tmp_path)
    page = site / "noms" / "picon" / "index.html"
    first = page.read_bytes()
    html = first.decode("utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../antoine-picon/">' in html
    assert '<a href="../antoine-picon/">' in html
    assert (site / "texte" / "index.html").read_text(encoding="utf-8") == "la vraie page"
    write_redirects(site, tmp_path)
    assert page.read_bytes() == first
