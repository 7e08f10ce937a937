"""A page printed from the browser ends with a small QR code and its short address (issue 16),
and the screen view does not download it (scripts/publish/printqr.py, print part of
assets/edition.css). Checked in Chromium: screen view, then page.pdf() (print media),
rasterised by pdftoppm and read by zbarimg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import REPO_ROOT
from pdf_words import need
from publish import mkdocs_config
from publish.printqr import short

pytestmark = pytest.mark.build_steps("printqr")

SITE_URL = str(mkdocs_config(REPO_ROOT)["site_url"]).rstrip("/") + "/"


def read_last_page(pdf: Path, tmp: Path) -> list[str]:
    from pypdf import PdfReader
    need("pdftoppm", "zbarimg")
    n = len(PdfReader(str(pdf)).pages)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(n), "-l", str(n), str(pdf), str(tmp / "last")], check=True)
    png = next(tmp.glob("last*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    return [l for l in out.stdout.splitlines() if l.strip()]


@pytest.mark.parametrize("path", ["texte/", "glossaire/cnil/", "notes/3/"])
def test_printed_page_ends_with_its_qr_code_and_address(browser, server, tmp_path, path):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    try:
        page.goto(f"{server}/{path}", wait_until="networkidle")
        block = page.locator(".md-content .ed-print-where")
        assert block.count() == 1 and not block.is_visible()
        assert not [u for u in fetched if "/assets/qr/" in u], "the screen view downloads the QR code"
        pdf = tmp_path / "page.pdf"
        page.pdf(path=str(pdf), format="A4")
    finally:
        context.close()
    from pypdf import PdfReader
    reader = PdfReader(str(pdf))
    last = " ".join(reader.pages[-1].extract_text().split())
    assert short(SITE_URL + path) in last
    assert read_last_page(pdf, tmp_path) == [SITE_URL + path]


def test_redirect_pages_have_no_qr_block(site_dir):
    share = (site_dir / "texte" / "3" / "index.html").read_text(encoding="utf-8")
    assert "ed-print-where" not in share
    text = (site_dir / "texte" / "index.html").read_text(encoding="utf-8")
    assert text.count("ed-print-where") == 1
    assert (site_dir / "assets" / "qr" / "texte.svg").is_file()
