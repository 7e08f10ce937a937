"""Reading the words of the passage back from a PDF or an EPUB, robustly.

Words and punctuation marks are compared as tokens, case-folded, in order. What a PDF adds
around the words (line ends, words hyphenated at a line end, superscript note calls glued to
their word, paragraph and note numbers) is handled without any pattern that could eat a word
of the text: the witness's tokens must appear in the document's tokens in order (a
subsequence), and the tokens the document has in between are reported, for the caller to
judge (tests/test_pdf_offline.py allows only numbers and « § » there).
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

TOOLS = {"pdftoppm": "poppler-utils", "zbarimg": "zbar-tools", "java": "epubcheck"}


def need(*tools: str) -> None:
    """Fail (never skip) with the Debian package to install when a tool is missing."""
    for tool in tools:
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: apt-get install {TOOLS.get(tool, tool)}", pytrace=False)
    if "java" in tools and not Path("/usr/bin/epubcheck").exists():
        pytest.fail("EPUBCheck is missing: apt-get install epubcheck", pytrace=False)

WITNESS = Path(__file__).parent / "data" / "witness.txt"
DEBRIS = ["Blog Image", "Print Friendly, PDF & Email"]
TOKEN = re.compile(r"\w+|[^\w\s]")
# WeasyPrint marks a word cut at a line end with U+2010 (hyphenate-character) or a soft hyphen.
CUT = re.compile(r"[\u2010\u00ad]\s*\n\s*")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ").replace("\u202f", " ")


def tokens(text: str) -> list[str]:
    """Tokens of TEXT; a word cut at a line end is joined; a note number glued to the letter
    before it (a superscript call) is not a token."""
    text = CUT.sub("", text)
    text = re.sub(r"(?<=[^\W\d_])\d{1,2}\b", "", normalise(text))
    return [t.casefold() for t in TOKEN.findall(text)]


def witness_tokens() -> list[str]:
    """The passage as the witness gives it: its text, notes included, without the page's
    debris, the calls "[3]" and the numbers of the note list (lines "  3. ...")."""
    lines = []
    for line in WITNESS.read_text(encoding="utf-8").splitlines():
        for debris in DEBRIS:
            line = line.replace(debris, " ")
        line = re.sub(r"\[(\d)\]", "", line)
        m = re.match(r"\s+\d\.\s", line)          # an item of the note list, never a line of text
        lines.append(line[m.end():] if m else line)
    return tokens("\n".join(lines))


def match(expected: list[str], actual: list[str]) -> tuple[int, list[str]]:
    """Greedy in-order match of EXPECTED inside ACTUAL. Returns (number of expected tokens
    found in order, the tokens of ACTUAL skipped between the first and the last match)."""
    i = 0
    extras: list[str] = []
    pending: list[str] = []
    for tok in actual:
        if i < len(expected) and tok == expected[i]:
            i += 1
            extras += pending if i > 1 else []
            pending = []
        elif i:
            pending.append(tok)
    return i, extras


def report(expected: list[str], actual: list[str], found: int) -> str:
    return (f"{found} of {len(expected)} words of the passage found in order; the next one, "
            f"{expected[found]!r}, is missing after: {' '.join(expected[max(0, found - 12):found])}"
            if found < len(expected) else "all found")


def palatino_fontconfig(tmp: Path) -> Path:
    """A fontconfig file that keeps the system's fonts and adds a font directory of its own
    offering a « Palatino » (and the generic serif and sans-serif) made of another font: a
    PDF that named Palatino, or fell back on a generic family, would change under it."""
    fonts = tmp / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    src = Path(__file__).resolve().parent.parent / "scripts" / "publish" / "fonts" / "LinBiolinum_R.otf"
    (fonts / "Palatino-Substitute.otf").write_bytes(src.read_bytes())
    conf = tmp / "fonts.conf"
    alias = "".join(
        f'<alias binding="strong"><family>{name}</family><prefer><family>Linux Biolinum O</family></prefer></alias>'
        for name in ("Palatino", "Palatino Linotype", "Book Antiqua", "Iowan Old Style", "serif", "sans-serif"))
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{fonts}</dir><cachedir>{tmp / 'cache'}</cachedir>{alias}</fontconfig>\n",
        encoding="utf-8")
    return conf
