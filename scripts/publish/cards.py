"""Link-preview cards: one 1200×630 PNG per built page, where its og:image says.

    run(site, root)  (post-build step of scripts/build.py)

overrides/main.html gives every page an ``og:image`` of the form
``<site_url>assets/cards/<page path>.png`` together with ``og:title``, ``og:description`` and
``og:url``. This step reads those from each built page (html.parser, <head> only) and draws the
card at ``site/assets/cards/<page path>.png``: a thin accent bar, the kind of page (« Le texte »,
« Note », « Glossaire »…), the title in a serif face, the start of the description, and the
site's name and address (no address while site_url is the placeholder). A paragraph's share
page (publish.shares) gets its words as a quotation and their author instead.

Offline and reproducible: the fonts are the DejaVu Serif files shipped in
scripts/publish/fonts/ (Bitstream Vera licence, see LICENSE there), never system fonts; the PNGs
carry no metadata (no date, no text chunks), so the same pages give the same bytes.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageDraw, ImageFont

from publish import is_placeholder

WIDTH, HEIGHT = 1200, 630
CARDS_DIR = "assets/cards/"
FONTS = Path(__file__).resolve().parent / "fonts"
SERIF, SERIF_BOLD = FONTS / "DejaVuSerif.ttf", FONTS / "DejaVuSerif-Bold.ttf"

PAPER = (250, 247, 242)
INK = (29, 29, 34)
GREY = (88, 86, 92)
ACCENT = (122, 31, 43)  # #7a1f2b, the edition's accent colour
RULE = (221, 212, 200)

MARGIN = 96
TEXT_WIDTH = WIDTH - 2 * MARGIN
TITLE_TOP, TITLE_BOTTOM = 150, 500
FOOTER_RULE_Y = 530

# Page kind, from the first segment of the page's path (the index of a section has its own).
KINDS = {
    "": "Accueil",
    "texte": "Le texte",
    "notes": "Note",
    "glossaire": "Glossaire",
    "noms": "Index des noms",
    "bibliographie": "Bibliographie",
    "principes": "Principes d’édition",
}
SECTION_INDEX = {"notes": "Les notes", "glossaire": "Glossaire", "noms": "Index des noms"}


class CardError(Exception):
    pass


class _Head(HTMLParser):
    """<title> and the <meta property/name content> of a page's <head>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key and key not in self.meta:
                self.meta[key] = a.get("content", "")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def read_head(path: Path) -> _Head:
    text = path.read_text(encoding="utf-8")
    end = text.find("</head>")
    parser = _Head()
    parser.feed(text if end < 0 else text[: end + len("</head>")])
    parser.close()
    return parser


def kind_of(page_path: str) -> str:
    """« Le texte », « Note »… for a page path relative to the site root ("notes/3/")."""
    parts = [p for p in page_path.strip("/").split("/") if p and p != "index.html"]
    if not parts:
        return KINDS[""]
    if len(parts) == 1 and parts[0] in SECTION_INDEX:
        return SECTION_INDEX[parts[0]]
    return KINDS.get(parts[0], KINDS[""])


@lru_cache(maxsize=None)
def font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(SERIF_BOLD if bold else SERIF), size)


def wrap(text: str, f: ImageFont.FreeTypeFont, width: int, max_lines: int) -> tuple[list[str], bool]:
    """Greedy line breaking at ordinary spaces only (no-break spaces hold « », : ; ! ?).
    Returns the lines and whether everything fitted in max_lines (else the last line ends
    with an ellipsis)."""
    for before, after in (("« ", "«\u00a0"), (" »", "\u00a0»"), (" :", "\u00a0:"), (" ;", "\u00a0;"),
                          (" ?", "\u00a0?"), (" !", "\u00a0!")):
        text = text.replace(before, after)
    words = text.split(" ")
    lines: list[str] = []
    line = ""
    for i, word in enumerate(w for w in words if w):
        candidate = f"{line} {word}" if line else word
        if line and f.getlength(candidate) > width:
            lines.append(line)
            line = word
            if len(lines) == max_lines:
                rest = lines[-1]
                while rest and f.getlength(rest + "…") > width:
                    rest = rest.rsplit(" ", 1)[0] if " " in rest else rest[:-1]
                lines[-1] = rest.rstrip(" ,;:\u00a0«") + "…"
                return lines, False
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines, True


def draw_card(title: str, description: str, kind: str, site_name: str, host: str) -> bytes:
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 13, HEIGHT), fill=ACCENT)  # the accent bar

    label = font(True, 26)
    x = MARGIN
    for ch in kind.upper():  # letter-spaced small label
        d.text((x, 96), ch, font=label, fill=ACCENT, anchor="ls")
        x += label.getlength(ch) + 3
    d.rectangle((MARGIN, 114, MARGIN + 56, 117), fill=ACCENT)

    # Title: the largest size (72 → 40 px) at which it fits in four lines.
    for size in range(72, 38, -4):
        f = font(True, size)
        lines, complete = wrap(title, f, TEXT_WIDTH, 4)
        if complete and len(lines) * size * 1.22 <= TITLE_BOTTOM - TITLE_TOP:
            break
    leading = round(size * 1.22)
    y = TITLE_TOP + size
    for line in lines:
        d.text((MARGIN, y), line, font=f, fill=INK, anchor="ls")
        y += leading

    # Description: as many lines (up to three) as the space left allows.
    small = font(False, 30)
    room = (TITLE_BOTTOM - (y - leading + 24)) // 42
    if description and room >= 1:
        y = y - leading + size // 3 + 48
        for line in wrap(description, small, TEXT_WIDTH, min(3, room))[0]:
            d.text((MARGIN, y), line, font=small, fill=GREY, anchor="ls")
            y += 42

    d.rectangle((MARGIN, FOOTER_RULE_Y, WIDTH - MARGIN, FOOTER_RULE_Y + 1), fill=RULE)
    d.text((MARGIN, 582), site_name, font=font(True, 30), fill=INK, anchor="ls")
    d.text((WIDTH - MARGIN, 582), host, font=font(False, 24), fill=GREY, anchor="rs")

    out = BytesIO()
    # A fixed 64-colour palette (fast, small files, same bytes every time); no pnginfo, no
    # dates: Pillow then writes only IHDR, PLTE, IDAT and IEND.
    img.quantize(palette=_palette(), dither=Image.Dither.NONE).save(
        out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


COVER_WIDTH, COVER_HEIGHT = 1200, 1800  # an e-reader's cover: portrait, 2:3


def draw_cover(site_name: str, author: str, works: list[str], version: str, host: str) -> bytes:
    """The EPUB's cover, portrait (e-readers show covers 2:3): the edition's name, the author,
    what it holds (one line per text: its title and where it comes from), then its version and
    address, in the cards' faces and colours. Same bytes for the same words."""
    img = Image.new("RGB", (COVER_WIDTH, COVER_HEIGHT), PAPER)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 20, COVER_HEIGHT), fill=ACCENT)
    width = COVER_WIDTH - 2 * MARGIN
    y = 380
    for size in range(104, 54, -6):  # the name at the largest size that fits in four lines
        f = font(True, size)
        lines, complete = wrap(site_name, f, width, 4)
        if complete:
            break
    for line in lines:
        d.text((MARGIN, y), line, font=f, fill=INK, anchor="ls")
        y += round(size * 1.2)
    d.rectangle((MARGIN, y - size // 2, MARGIN + 96, y - size // 2 + 5), fill=ACCENT)
    y += 70
    if author:
        d.text((MARGIN, y), author, font=font(False, 52), fill=INK, anchor="ls")
        y += 150
    small = font(False, 38)
    for work in works:  # as many as fit above the foot
        lines, _ = wrap(work, small, width, 4)
        if y + len(lines) * 54 > 1560:
            break
        for line in lines:
            d.text((MARGIN, y), line, font=small, fill=GREY, anchor="ls")
            y += 54
        y += 40
    d.rectangle((MARGIN, 1630, COVER_WIDTH - MARGIN, 1631), fill=RULE)
    d.text((MARGIN, 1700), version, font=font(False, 34), fill=INK, anchor="ls")
    if host:
        d.text((COVER_WIDTH - MARGIN, 1700), host, font=font(False, 30), fill=GREY, anchor="rs")
    out = BytesIO()
    img.quantize(palette=_palette(), dither=Image.Dither.NONE).save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


@lru_cache(maxsize=1)
def _palette() -> Image.Image:
    """16 steps from the paper to each ink: every pixel drawn is one of these blends."""
    colours = []
    for ink in (INK, GREY, ACCENT, RULE):
        for i in range(16):
            colours += [round(p + (q - p) * i / 15) for p, q in zip(PAPER, ink)]
    pal = Image.new("P", (1, 1))
    pal.putpalette(colours + [0] * (768 - len(colours)))
    return pal


def card_for(site: Path, page: Path) -> tuple[Path, bytes] | None:
    """(destination, PNG bytes) for one built page, or None if it has no og:image."""
    rel = page.relative_to(site).as_posix()
    head = read_head(page)
    image = head.meta.get("og:image", "")
    if not image:
        return None
    parts = urlsplit(image)
    marker = parts.path.find("/" + CARDS_DIR)
    if marker < 0 or not parts.path.endswith(".png"):
        raise CardError(f"{rel} : og:image ne désigne pas une carte ({CARDS_DIR}….png) : {image}")
    target = PurePosixPath(unquote(parts.path[marker + 1:]))
    if ".." in target.parts:
        raise CardError(f"{rel} : chemin de carte invalide : {image}")
    base = parts.path[: marker + 1]  # the site's own path ("/" at the root of a domain)
    page_path = urlsplit(head.meta.get("og:url", "")).path
    page_path = page_path[len(base):] if page_path.startswith(base) else rel
    title = head.meta.get("og:title", "").strip() or head.title.strip()
    if not title:
        raise CardError(f"{rel} : ni og:title ni <title>")
    site_name = head.meta.get("og:site_name", "").strip()
    # No domain on the card while the site's address is the placeholder.
    host = "" if is_placeholder(image) else (parts.hostname or "") + base.rstrip("/")
    description = head.meta.get("og:description", "").strip()
    quote = head.meta.get("edition:card-quote", "").strip()
    if quote:  # a paragraph's share page (publish.shares): its words, then who wrote them
        title, description = f"«\u00a0{quote}\u00a0»", head.meta.get("edition:card-byline", "").strip()
    png = draw_card(title, description, kind_of(page_path), site_name, host)
    return site / target, png


def run(site: Path, root: Path) -> None:
    site = Path(site)
    if not (site / "index.html").is_file():
        print(f"cards : pas de site construit dans {site}", file=sys.stderr)
        raise SystemExit(1)
    if not SERIF.is_file() or not SERIF_BOLD.is_file():
        print(f"cards : polices absentes de {FONTS}", file=sys.stderr)
        raise SystemExit(1)
    written: dict[Path, str] = {}
    try:
        for page in sorted(site.rglob("*.html")):
            rel = page.relative_to(site).as_posix()
            if rel.startswith(("assets/", "search/")):
                continue
            card = card_for(site, page)
            if card is None:
                continue
            dest, png = card
            if dest in written:
                raise CardError(f"{rel} et {written[dest]} ont la même carte {dest.relative_to(site)}")
            written[dest] = rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(png)
    except (CardError, OSError, UnicodeDecodeError) as exc:
        print(f"cards : {exc}", file=sys.stderr)
        raise SystemExit(1)
    if not written:
        print("cards : aucune page n’a de og:image (overrides/main.html ?)", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":  # python scripts/publish/cards.py SITE_DIR
    run(Path(sys.argv[1] if len(sys.argv) > 1 else "site"), Path(__file__).resolve().parents[2])
