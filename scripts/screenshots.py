"""Screenshots of key pages, phone and desktop, light and dark, into screenshots/ (git-ignored).

    python scripts/screenshots.py [SITE_DIR] [--pages texte/ notes/3/ ...]

Serves SITE_DIR (default: site/) on 127.0.0.1 and drives Debian's Chromium (or $CHROMIUM).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["", "texte/", "notes/3/", "glossaire/csu/", "glossaire/", "noms/", "bibliographie/", "principes/"]
VIEWPORTS = {"phone": (360, 740), "desktop": (1280, 800)}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def serve(directory: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", nargs="?", default=str(ROOT / "site"))
    ap.add_argument("--pages", nargs="*", default=PAGES)
    ap.add_argument("--out", default=str(ROOT / "screenshots"))
    ap.add_argument("--full", action="store_true", help="full-page screenshots")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    httpd, base = serve(Path(args.site))
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx_args = dict(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        for name, (w, h) in VIEWPORTS.items():
            for scheme in ("light", "dark"):
                ctx = p.chromium.launch_persistent_context(
                    f"{profile}/{name}-{scheme}", viewport={"width": w, "height": h},
                    color_scheme=scheme, locale="fr-FR", device_scale_factor=1,
                    is_mobile=name == "phone", has_touch=name == "phone", **ctx_args)
                page = ctx.new_page()
                for path in args.pages:
                    page.goto(base + path)
                    slug = path.strip("/").replace("/", "_") or "accueil"
                    page.screenshot(path=str(out / f"{slug}-{name}-{scheme}.png"), full_page=args.full)
                ctx.close()
    httpd.shutdown()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
