"""One archived copy per web address, for the whole edition (scripts/edition/archives.py).

The content check (`python -m edition.check`, run by every build) refuses, with one line
naming the file and the line, and an exit status of 1 (never a traceback):
- one address given two different archive years in two places of the edition;
- an archive year earlier than the source's own date (``date:`` of a source).
A link that does not write the year inherits the address's one year: its archived twin
points to the same copy as everywhere else.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from helpers import REPO_ROOT, build_env, copy_sources

sys.path.insert(0, str(REPO_ROOT / "scripts"))

URL = "https://sd-magazine.com/?p=7943"  # cited by several entries and notes


def check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edition.check", "docs"], cwd=root, env=build_env(root),
                          capture_output=True, text=True, timeout=300)


def line_of(file: Path, needle: str) -> int:
    text = file.read_text(encoding="utf-8")
    assert needle in text, needle
    return text[:text.index(needle)].count("\n") + 1


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = copy_sources(tmp_path_factory.mktemp("archives") / "projet")
    return root


def edit(root: Path, rel: str, old: str, new: str) -> str:
    file = root / "docs" / rel
    text = file.read_text(encoding="utf-8")
    assert old in text, f"the test expects {old!r} in docs/{rel}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def test_the_edition_as_it_is_passes(project):
    proc = check(project)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("contenu vérifié")


def test_one_address_with_two_archive_years_is_refused(project):
    rel = "noms/denizot.md"
    before = edit(project, rel, f'    url: "{URL}"\n    year: 2017', f'    url: "{URL}"\n    year: 2016')
    try:
        proc = check(project)
    finally:
        (project / "docs" / rel).write_text(before, encoding="utf-8")
    line = line_of(project / "docs" / rel, URL)
    first = line_of(project / "docs" / "glossaire" / "cics.md", URL)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"docs/{rel}:{line}: l’adresse {URL} a déjà une copie archivée de 2017 (docs/glossaire/cics.md:{first}) : "
        "une adresse n’a qu’une copie archivée dans toute l’édition ; écrivez « year: 2017 » ici aussi"]
    assert "Traceback" not in proc.stderr


def test_a_copy_older_than_its_source_is_refused(project):
    """Acteurs de l’habitat's page on Picon's book is of 24 May 2014: a copy of 2013 cannot be it."""
    url = "http://www.acteursdelhabitat.com/?Smart-Cities-Theorie-et-critique-d"
    saved = {rel: (project / "docs" / rel).read_text(encoding="utf-8") for rel in ("noms/picon.md", "notes/8.md")}
    try:
        for rel in saved:
            edit(project, rel, f"{url}\"\n    year: 2014", f"{url}\"\n    year: 2013") if f'{url}"' in saved[rel] \
                else edit(project, rel, f"{url}\n    year: 2014", f"{url}\n    year: 2013")
        proc = check(project)
    finally:
        for rel, text in saved.items():
            (project / "docs" / rel).write_text(text, encoding="utf-8")
    line = line_of(project / "docs" / "noms" / "picon.md", url)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"docs/noms/picon.md:{line}: copie archivée de 2013 pour {url}, antérieure à la source elle-même "
        "(datée 2014-05-24) : choisissez une année d’archive égale ou postérieure (2014 ou après)"]


def test_a_link_inherits_the_one_year_of_its_address(tmp_path):
    """Written once (in a page's sources), the year reaches every link to the address,
    in any page, without being written again."""
    docs = tmp_path / "docs"
    (docs / "glossaire").mkdir(parents=True)
    (docs / "texte.md").write_text("---\ntitle: Le texte\n---\nUn [terme](glossaire/terme.md).\n{: #p1 }\n",
                                   encoding="utf-8")
    (docs / "glossaire" / "terme.md").write_text(
        "---\ntitle: Terme\ndefinition: Une phrase.\nsources:\n  - title: Revue\n    url: https://example.org/r\n"
        "    year: 2019\n    date: 2019-03\n---\nSelon la [revue](https://example.org/r).\n", encoding="utf-8")
    (docs / "principes.md").write_text("---\ntitle: Principes\n---\nVoir la [revue](https://example.org/r).\n",
                                       encoding="utf-8")
    from edition.index import _CACHE
    _CACHE.clear()
    for page in ("glossaire/terme.md", "principes.md"):
        md = markdown.Markdown(extensions=["attr_list", "edition"],
                               extension_configs={"edition": {"docs_dir": str(docs), "page": page}})
        body = (docs / page).read_text(encoding="utf-8").split("---\n", 2)[2]
        assert 'href="https://web.archive.org/web/2019/https://example.org/r"' in md.convert(body), page
