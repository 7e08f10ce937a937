"""A share address per paragraph (issue 15, part 1): /texte/3/ previews as § 3, lands on #p3.

- each paragraph and the epigraph has its page (scripts/publish/shares.py), whose Open Graph
  and Twitter metadata name that paragraph: title, opening words (≤ 200 characters, cut at a
  word), address, and a 1200×630 card of its own, different from the text page's;
- in Chromium, with and without JavaScript, the address lands on /texte/#pN, paragraph in view;
- the addresses are registered in published.yml, and the content check reports a registered
  address whose paragraph has gone.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from PIL import Image

from helpers import REPO_ROOT, copy_sources, local_only

SLUGS = [str(n) for n in range(1, 8)] + ["epigraphe"]


class _Meta(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.meta, self.units = {}, {}
        self._unit = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(a.get("property") or a.get("name"), a.get("content") or "")


def _meta(site_dir, slug):
    return _Meta((site_dir / "texte" / slug / "index.html").read_text(encoding="utf-8")).meta


def _words(site_dir):
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from publish.search import unit_texts
    return unit_texts((site_dir / "texte" / "index.html").read_text(encoding="utf-8"))


@pytest.mark.build_steps("cards")
@pytest.mark.parametrize("slug", SLUGS)
def test_each_paragraph_previews_as_itself(site_dir, slug):
    meta = _meta(site_dir, slug)
    text = _meta(site_dir, "")  # the text page itself
    if slug.isdigit():
        assert meta["og:title"] == f"Mathieu Rigouste, « La “Safe and Smart City” », §\u00a0{slug}"
    else:  # the epigraph is Jacques Ellul's, not Rigouste's
        assert meta["og:title"] == ("Jacques Ellul, La Technique ou l’Enjeu du siècle, 1954, "
                                    "épigraphe de « La “Safe and Smart City” »")
        assert meta["edition:card-byline"].startswith("Jacques Ellul")
    assert meta["twitter:title"] == meta["og:title"]
    words = _words(site_dir)[f"p{slug}" if slug.isdigit() else slug]
    description = meta["og:description"]
    assert len(description) <= 200
    assert words.startswith(description.rstrip("…")), (description, words[:210])
    if len(words) > 200:  # cut at a word, and said so
        assert description.endswith("…") and words[len(description) - 1] in " ,;:"
    assert meta["og:url"].endswith(f"/texte/{slug}/")
    assert meta["og:image"].endswith(f"/assets/cards/texte/{slug}.png")
    card = site_dir / "assets" / "cards" / "texte" / f"{slug}.png"
    with Image.open(card) as img:
        assert img.format == "PNG" and img.size == (1200, 630)
    assert card.read_bytes() != (site_dir / "assets" / "cards" / "texte.png").read_bytes()
    assert meta["og:image"] != text["og:image"], "the text page keeps its own card"


@pytest.mark.build_steps("cards")
def test_cards_of_paragraphs_differ_from_each_other(site_dir):
    cards = {(site_dir / "assets" / "cards" / "texte" / f"{s}.png").read_bytes() for s in SLUGS}
    assert len(cards) == len(SLUGS)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_address_lands_on_the_paragraph(browser, server, js):
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740},
                                  java_script_enabled=js)
    local_only(context, server)
    try:
        page = context.new_page()
        for slug in ("3", "6"):
            page.goto(f"{server}/texte/{slug}/")
            page.wait_for_url(f"{server}/texte/#p{slug}")
            page.wait_for_function(f"""() => {{ const r = document.getElementById('p{slug}').getBoundingClientRect();
                return r.top >= 0 && r.top < innerHeight / 2; }}""")
    finally:
        context.close()


def test_share_addresses_are_registered_and_checked(tmp_path):
    registry = (REPO_ROOT / "published.yml").read_text(encoding="utf-8")
    for slug in SLUGS:
        assert re.search(rf"^  /texte/{slug}/: \[\]$", registry, re.M), f"/texte/{slug}/ is not registered"
    root = copy_sources(tmp_path / "copie")
    reg = root / "published.yml"
    reg.write_text(reg.read_text(encoding="utf-8").replace("  /texte/7/: []\n", "  /texte/7/: []\n  /texte/8/: []\n"),
                   encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "edition.check", "docs"], cwd=root,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert any("#p8" in line and "/texte/8/" in line for line in lines), proc.stderr
    assert "Traceback" not in proc.stderr


def _build(tmp_path, *args, **env):
    import os
    return subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build.py"), "--site", str(tmp_path / "site"),
                           "--skip", "cards", "pdf", "offline", "headers", "citations", *args],
                          cwd=REPO_ROOT, capture_output=True, text=True,
                          env={**os.environ, **env})


def test_a_publishing_build_refuses_the_placeholder_address(tmp_path):
    import os
    env = {k: v for k, v in os.environ.items() if k != "EDITION_SITE_URL"}
    proc = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build.py"), "--site",
                           str(tmp_path / "site"), "--publication"], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "site_url" in lines[0] and "example.org" in lines[0], proc.stderr
    assert not (tmp_path / "site").exists(), "nothing is built"


def test_a_publishing_build_refuses_a_guessed_report_address(tmp_path):
    """« Signaler une erreur » must reach someone: a publishing build without a report address
    stops in one line, before building anything."""
    import os
    env = {k: v for k, v in os.environ.items() if k != "EDITION_REPORT"}
    env["EDITION_SITE_URL"] = "https://edition.exemple.test/safecity/"
    proc = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build.py"), "--site",
                           str(tmp_path / "site"), "--publication"], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "extra.edition.report" in lines[0], proc.stderr
    assert not (tmp_path / "site").exists(), "nothing is built"


def test_one_variable_gives_every_absolute_address(tmp_path):
    proc = _build(tmp_path, "--publication", EDITION_SITE_URL="https://edition.exemple.test/safecity/",
                  EDITION_REPORT="mailto:corrections@edition.exemple.test")
    assert proc.returncode == 0, proc.stderr
    site = tmp_path / "site"
    text = (site / "texte" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://edition.exemple.test/safecity/texte/">' in text
    share = _Meta((site / "texte" / "3" / "index.html").read_text(encoding="utf-8")).meta
    assert share["og:url"] == "https://edition.exemple.test/safecity/texte/3/"
    assert share["og:image"] == "https://edition.exemple.test/safecity/assets/cards/texte/3.png"
    assert "example.org" not in text
