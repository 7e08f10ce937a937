"""A copy of the site that works without a network, opened from disk (file://), as a zip.

    run(site, root)  ->  site/telechargements/<files>-hors-ligne.zip

A second strict MkDocs build, with EDITION_OFFLINE=true, switches on Material's offline plugin
(mkdocs.yml): pages as plain .html files instead of directory URLs, and the search index as a
script so that search works from file://. The plugin loads its Web Worker shim
(iframe-worker, MIT) from unpkg.com; here the shim is shipped inside the copy instead, so that
nothing is fetched from anywhere. Every download made before (PDFs, EPUB) goes into the
copy too, with a LISEZ-MOI.txt. The zip is reproducible: sorted entries, fixed dates (from
SOURCE_DATE_EPOCH), fixed permissions. Its names come from mkdocs.yml: ``extra.edition.files``
(the zip, its folder, the PDF) and ``site_name`` (the read-me's title).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from publish import assets, edition_settings, mkdocs_config, search, source_date_epoch

DOWNLOADS = Path("telechargements")


def names(config: dict) -> tuple[Path, str, Path]:
    """(the zip, the one top-level folder inside it, the PDF it carries), from the edition's
    file stem (mkdocs.yml ``extra.edition.files``)."""
    files = edition_settings(config)["files"]
    return DOWNLOADS / f"{files}-hors-ligne.zip", files, DOWNLOADS / f"{files}.pdf"

def outputs(config: dict) -> list[Path]:
    """What this step writes, relative to the site (tests/test_site_links.py reads it)."""
    return [names(config)[0]]


SHIM_PATH = Path("assets") / "javascripts" / "iframe-worker-shim.js"
SHIM_URL = "https://unpkg.com/iframe-worker/shim"
# Not needed in a copy read from disk: the sitemap (absolute URLs of the web site) and the
# source maps of Material's scripts.
DROP = re.compile(r"(^|/)sitemap\.xml(\.gz)?$|\.map$")
# A page asking for a script, a stylesheet or an image from another site.
REMOTE_RESOURCE = re.compile(
    r"<(?:script|img|iframe|source)\b[^>]*\bsrc=\"(?:https?:)?//"
    r"|<link\b(?=[^>]*\brel=\"(?:stylesheet|preload|modulepreload|icon|manifest)\")[^>]*\bhref=\"(?:https?:)?//",
    re.I)

# iframe-worker 1.0.4, shim/index.js, as published on npm (https://github.com/squidfunk/iframe-worker).
SHIM = (
    "/* iframe-worker 1.0.4 (shim) - Copyright (c) 2020-2022 Martin Donath - MIT License:\n"
    "   https://github.com/squidfunk/iframe-worker/blob/master/LICENSE */\n"
    r'''"use strict";(()=>{function c(s,n){parent.postMessage(s,n||"*")}function d(...s){return s.reduce((n,e)=>n.then(()=>new Promise(r=>{let t=document.createElement("script");t.src=e,t.onload=r,document.body.appendChild(t)})),Promise.resolve())}var o=class extends EventTarget{constructor(e){super();this.url=e;this.m=e=>{e.source===this.w&&(this.dispatchEvent(new MessageEvent("message",{data:e.data})),this.onmessage&&this.onmessage(e))};this.e=(e,r,t,i,m)=>{if(r===`${this.url}`){let a=new ErrorEvent("error",{message:e,filename:r,lineno:t,colno:i,error:m});this.dispatchEvent(a),this.onerror&&this.onerror(a)}};let r=document.createElement("iframe");r.hidden=!0,document.body.appendChild(this.iframe=r),this.w.document.open(),this.w.document.write(`<html><body><script>postMessage=${c};importScripts=${d};addEventListener("error",({error})=>{parent.dispatchEvent(new ErrorEvent("error",{filename:"${e}",error}))})<\/script><script src=${e}?${+Date.now()}><\/script></body></html>`),this.w.document.close(),onmessage=this.m,onerror=this.e,this.r=new Promise((t,i)=>{this.w.onload=t,this.w.onerror=i})}terminate(){this.iframe.remove(),onmessage=onerror=null}postMessage(e){this.r.catch().then(()=>{this.w.dispatchEvent(new MessageEvent("message",structuredClone({data:e})))})}get w(){return this.iframe.contentWindow}};window.IFrameWorker=o;location.protocol==="file:"&&(window.Worker=o);})();'''
    "\n")

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]


class OfflineError(Exception):
    """Bad input: reported on one line."""


def build_offline(dest: Path, root: Path) -> None:
    """The strict MkDocs build with the offline plugin on, into DEST."""
    sys.path.insert(0, str(root / "scripts"))
    try:
        from build import mkdocs_build
    finally:
        sys.path.pop(0)
    scripts = str(root / "scripts")
    pythonpath = os.pathsep.join(p for p in (scripts, os.environ.get("PYTHONPATH", "")) if p)
    mkdocs_build(dest, root, {"EDITION_OFFLINE": "true", "PYTHONPATH": pythonpath})
    if not (dest / "search" / "search_index.js").is_file() or not (dest / "index.html").is_file():
        raise OfflineError("la construction hors ligne n’a pas produit search/search_index.js "
                           "(le plugin offline est-il configuré dans mkdocs.yml ?)")


def localise_shim(copy: Path) -> None:
    """Serve the plugin's Worker shim from the copy itself instead of unpkg.com."""
    (copy / SHIM_PATH).parent.mkdir(parents=True, exist_ok=True)
    (copy / SHIM_PATH).write_text(SHIM, encoding="utf-8")
    tag = f'<script src="{SHIM_URL}"></script>'
    pages = sorted(copy.rglob("*.html"))
    replaced = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if tag in text:
            rel = Path(os.path.relpath(copy / SHIM_PATH, page.parent)).as_posix()
            page.write_text(text.replace(tag, f'<script src="{rel}"></script>'), encoding="utf-8")
            replaced += 1
    if not replaced:
        raise OfflineError(f"le script {SHIM_URL} n’apparaît dans aucune page : "
                           "le plugin offline a changé, revoir scripts/publish/offline.py")
    for page in pages:
        match = REMOTE_RESOURCE.search(page.read_text(encoding="utf-8"))
        if match:
            raise OfflineError(f"{page.relative_to(copy)} charge une ressource d’un autre site : "
                               f"{match.group(0)[:120]}")


def relink_zip(copy: Path, output: Path) -> None:
    """In the copy, the link to the zip itself points to the web site (the copy cannot hold
    itself)."""
    home = copy / "index.html"
    text = home.read_text(encoding="utf-8")
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text)
    if not canonical:
        return
    base = re.sub(r"index\.html$", "", canonical.group(1))
    local = f'href="{output.as_posix()}"'
    if local in text:
        home.write_text(text.replace(local, f'href="{base}{output.as_posix()}"'), encoding="utf-8")


def readme(epoch: int, site_name: str = "Édition annotée") -> str:
    d = _dt.datetime.fromtimestamp(epoch, tz=_dt.timezone.utc).date()
    day = "1er" if d.day == 1 else str(d.day)
    title = f"{site_name} — copie hors ligne"
    return (
        f"{title}\n{'=' * len(title)}\n\n"
        "Pour lire l’édition, ouvrez le fichier index.html de ce dossier dans un navigateur\n"
        "(double-clic, ou glisser le fichier dans une fenêtre du navigateur).\n\n"
        "Tout fonctionne sans connexion : le texte, les notes, le glossaire, l’index des noms,\n"
        "les aperçus au survol et la recherche. Seuls les liens vers d’autres sites (les sources\n"
        "et leurs copies archivées) demandent une connexion.\n\n"
        f"L’édition en PDF et en EPUB se trouve dans le dossier {DOWNLOADS.as_posix()}/.\n\n"
        f"Version du {day} {MONTHS[d.month - 1]} {d.year}.\n")


def zip_tree(tree: Path, out: Path, epoch: int, folder: str) -> None:
    """Zip TREE into OUT under FOLDER/, reproducibly."""
    stamp = _dt.datetime.fromtimestamp(max(epoch, 315532800), tz=_dt.timezone.utc)
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    files = sorted((p for p in tree.rglob("*") if p.is_file()),
                   key=lambda p: p.relative_to(tree).as_posix())
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for path in files:
            info = zipfile.ZipInfo(f"{folder}/{path.relative_to(tree).as_posix()}", date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3                      # Unix, so that the mode below is read
            info.external_attr = (0o100644 & 0xFFFF) << 16
            zf.writestr(info, path.read_bytes(), compresslevel=9)
    os.replace(tmp, out)


def run(site: Path, root: Path) -> None:
    site, root = Path(site).resolve(), Path(root).resolve()
    epoch = source_date_epoch(root)
    config = mkdocs_config(root)
    output, folder, pdf = names(config)
    out = site / output
    try:
        with tempfile.TemporaryDirectory(prefix="edition-hors-ligne-") as tmp:
            copy = Path(tmp) / folder
            build_offline(copy, root)
            search.run(copy, root)  # the same search results as the site's
            assets.run(copy, root)
            localise_shim(copy)
            for path in sorted(copy.rglob("*")):
                if path.is_file() and DROP.search(path.relative_to(copy).as_posix()):
                    path.unlink()
            # Every download made before this step (the PDFs, the EPUB) goes into the copy.
            for made in sorted((site / DOWNLOADS).glob("*")) if (site / DOWNLOADS).is_dir() else ():
                if made.is_file() and made.name != output.name:
                    (copy / DOWNLOADS).mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(made, copy / DOWNLOADS / made.name)
            relink_zip(copy, output)
            readme_text = readme(epoch, str(config.get("site_name") or "Édition annotée"))
            (copy / "LISEZ-MOI.txt").write_text(readme_text, encoding="utf-8")
            out.parent.mkdir(parents=True, exist_ok=True)
            zip_tree(copy, out, epoch, folder)
    except OfflineError as exc:
        print(f"offline : {exc}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":  # python scripts/publish/offline.py SITE
    run(Path(sys.argv[1]), Path(__file__).resolve().parents[2])
