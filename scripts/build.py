"""Build the whole edition: content check, strict MkDocs build, then the extra outputs.

    python scripts/build.py [--site DIR] [--skip STEP ...]

Steps after the MkDocs build are modules of scripts/publish/ with a ``run(site: Path, root: Path)``
function, in this order: search (one search result per paragraph of the text), assets (the edition's script
and stylesheet without comments), shares (a share address per paragraph), citations
(citation formats and downloads), cards (link-preview images), pdf (the edition as a PDF),
offline (a zip that works from file://), headers (security headers for static hosts).
A step reports bad input with one line and exits non-zero; nothing is written outside
the site directory.
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ["search", "assets", "shares", "citations", "feed", "cards", "pdf", "booklet", "flyer", "epub", "printqr", "offline", "headers"]


def source_date_epoch() -> str:
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return out or "1640995200"
    except (OSError, subprocess.CalledProcessError):
        return "1640995200"


def mkdocs_build(site: Path, root: Path = ROOT, extra_env: dict | None = None) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": source_date_epoch(), "NO_MKDOCS_2_WARNING": "1",
           **(extra_env or {})}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                          cwd=root, env=env, capture_output=True, text=True)
    problems = [line for line in (proc.stdout + proc.stderr).splitlines()
                if line.startswith(("ERROR", "WARNING")) and "Aborted with" not in line
                and "Error reading page" not in line]
    if proc.returncode != 0 or problems:
        for line in problems or (proc.stdout + proc.stderr).strip().splitlines()[-5:]:
            print(line.split("-  ", 1)[-1].strip(), file=sys.stderr)
        raise SystemExit(1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Construit l’édition complète.")
    ap.add_argument("--site", default=str(ROOT / "site"), help="dossier de sortie (site/ par défaut)")
    ap.add_argument("--skip", nargs="*", default=[], choices=STEPS, help="étapes à omettre")
    ap.add_argument("--publication", action="store_true",
                    help="construction à publier : refuse l’adresse provisoire du site")
    args = ap.parse_args(argv)
    site = Path(args.site).resolve()
    sys.path.insert(0, str(ROOT / "scripts"))
    if args.publication:  # every absolute address (canonical, cards, citations) comes from site_url
        from publish import is_placeholder, mkdocs_config
        url = str(mkdocs_config(ROOT).get("site_url") or "")
        if is_placeholder(url):
            print(f"mkdocs.yml: site_url est l’adresse provisoire « {url} » : donnez l’adresse publique "
                  "(EDITION_SITE_URL=https://… dans l’environnement, ou site_url dans mkdocs.yml)", file=sys.stderr)
            return 1
        from publish import edition_settings
        if not edition_settings(mkdocs_config(ROOT)).get("report"):
            print("mkdocs.yml: extra.edition.report n’est pas réglé : « Signaler une erreur » écrirait à une "
                  "adresse supposée ; donnez celle qui reçoit les signalements (EDITION_REPORT=mailto:… dans "
                  "l’environnement, ou extra.edition.report dans mkdocs.yml)", file=sys.stderr)
            return 1
    check = importlib.import_module("edition.check")
    if check.main([str(ROOT / "docs")]) != 0:
        return 1
    t0 = time.perf_counter()
    mkdocs_build(site)
    print(f"site construit dans {site} ({time.perf_counter() - t0:.1f} s)")
    check.write_redirects(site, ROOT)  # old addresses listed in published.yml keep working
    for step in STEPS:
        if step in args.skip:
            continue
        module = importlib.import_module(f"publish.{step}")
        t0 = time.perf_counter()
        module.run(site, ROOT)
        print(f"  {step} : fait ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
