"""The build itself: strict and warning-free, reproducible, and read-only on its sources."""

from __future__ import annotations

import difflib
import gzip
import uuid

import pytest

from helpers import (REPO_ROOT, copy_sources, diff_hashes, hash_sources, hash_tree, run_build,
                     sha256_file, source_date_epoch)

CONCURRENT_EDIT_HINT = (
    "(If these files were being edited while the tests ran, rerun the tests: an edit made "
    "during the build cannot be told apart from a write by the build.)")


def test_strict_build_has_no_warnings(site_build):
    """`mkdocs build --strict` (not --quiet) succeeds and prints no WARNING line."""
    result = site_build.result
    assert result.ok, result.describe()
    warnings = [line for line in result.output.splitlines() if "WARNING" in line]
    if warnings:
        pytest.fail(f"The build printed {len(warnings)} WARNING line(s):\n"
                    + "\n".join(warnings), pytrace=False)
    assert (result.site_dir / "index.html").is_file(), "the build wrote no index.html"


def _explain_difference(a, b, rel: str) -> str:
    """A few lines on how two versions of a built file differ."""
    pa, pb = a / rel, b / rel
    try:
        da, db = pa.read_bytes(), pb.read_bytes()
    except OSError as exc:
        return f"    (cannot read: {exc})"
    if rel.endswith(".gz"):
        try:
            ua, ub = gzip.decompress(da), gzip.decompress(db)
        except OSError as exc:
            return f"    (not gzip: {exc})"
        if ua == ub:
            return "    same content once decompressed: only the gzip header (mtime) differs"
        da, db = ua, ub
    try:
        ta, tb = da.decode("utf-8").splitlines(), db.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return f"    binary, {len(da)} vs {len(db)} bytes"
    diff = list(difflib.unified_diff(ta, tb, "first build", "second build", n=0, lineterm=""))
    shown = [line[:200] for line in diff[2:14]]
    return "\n".join("    " + line for line in shown) + ("\n    …" if len(diff) > 14 else "")


def test_build_is_reproducible(site_build, tmp_path):
    """Two builds of the same sources give byte-identical trees.

    The second build runs from a copy of the sources at another absolute path, with another
    hash seed and another time zone (UTC+14), so that embedded paths, set ordering and
    local-time dates show up as differences; both use the same SOURCE_DATE_EPOCH (the last
    commit's date, or a constant)."""
    first = site_build.result.site_dir
    project = copy_sources(tmp_path / "elsewhere" / "project")
    edited = diff_hashes(site_build.sources_before, hash_sources(project))
    if edited:
        pytest.fail("The sources changed since the first build, so the two builds cannot be "
                    "compared:\n" + "\n".join(edited) + "\n" + CONCURRENT_EDIT_HINT,
                    pytrace=False)
    second = tmp_path / "site-again"
    # The PDF and the offline zip are compared run against run in test_pdf_offline.py; here
    # the second build skips those two slow steps and their folder is left out. It also skips
    # what the session's build skipped (a run of a few test files builds only what they need).
    skip = tuple(dict.fromkeys((*site_build.skipped, "pdf", "booklet", "flyer", "epub", "offline")))
    result = run_build(second, root=project, full=True, skip=skip,
                       PYTHONHASHSEED="4242", TZ="XXX-14",
                       SOURCE_DATE_EPOCH=source_date_epoch(REPO_ROOT))
    assert result.ok, "second build failed\n" + result.describe()

    def tree(site):
        return {k: v for k, v in hash_tree(site).items() if not k.startswith("telechargements/")}

    h1, h2 = tree(first), tree(second)
    differences = diff_hashes(h1, h2)
    if differences:
        report = []
        for line in differences:
            report.append(line)
            kind, rel = line.split(maxsplit=1)
            if kind == "changed:":
                report.append(_explain_difference(first, second, rel))
        pytest.fail(
            f"{len(differences)} file(s) differ between two builds of the same sources:\n"
            + "\n".join(report), pytrace=False)


def test_build_writes_nothing_into_sources(site_build):
    """The session build left docs/, overrides/, scripts/ and mkdocs.yml as they were."""
    assert site_build.sources_before, "no source files were hashed"
    changes = diff_hashes(site_build.sources_before, site_build.sources_after)
    if changes:
        pytest.fail("The build changed its sources:\n" + "\n".join(changes) + "\n"
                    + CONCURRENT_EDIT_HINT, pytrace=False)


def test_failing_build_writes_nothing_into_sources(tmp_path):
    """A strict build that fails (broken link in a copy of the project) exits non-zero,
    names the broken link, and leaves the copy's sources unchanged."""
    project = copy_sources(tmp_path / "project")
    target = f"lien-casse-expres-{uuid.uuid4().hex[:8]}.md"
    texte = project / "docs" / "texte.md"
    with open(texte, "a", encoding="utf-8") as f:
        f.write(f"\n\nCe [lien]({target}) ne mène nulle part.\n")
    texte_hash = sha256_file(texte)

    before = hash_sources(project)
    result = run_build(tmp_path / "out", root=project)
    after = hash_sources(project)

    assert not result.ok, "the strict build succeeded despite a broken link\n" + result.describe()
    assert target in result.output, (
        "the strict build failed, but not (only) because of the broken link; "
        "it should fail for that link:\n" + result.describe())
    changes = diff_hashes(before, after)
    if changes:
        pytest.fail("The failing build changed its sources:\n" + "\n".join(changes),
                    pytrace=False)
    assert sha256_file(texte) == texte_hash
