"""The published passage is the witness, word for word (issue 2).

The witness (tests/data/witness.txt, a verbatim copy of the text as received) and the built
text page are both reduced to their sequence of words; they must be equal, except for what
the « Principes d’édition » page declares: the dropped web debris and the words the edition
adds (marked in the page with class ed-intervention, like « [et] »).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

WITNESS = Path(__file__).parent / "data" / "witness.txt"
# Web debris of the blog page, dropped by the edition (listed on the Principes page).
DEBRIS = ["Blog Image", "Print Friendly, PDF & Email"]
# What the machinery adds to the text page and is not the passage: paragraph numbers,
# archived twins, links to note pages, previews, permalinks, buttons, screen-reader labels.
NOT_PASSAGE = {"ed-parnum", "ed-archive", "ed-note-more", "footnote-backref", "ed-previews",
               "headerlink", "ed-sr", "ed-intervention", "ed-share", "ed-cite"}
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source"}
WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def witness_words() -> list[str]:
    text = WITNESS.read_text(encoding="utf-8")
    for debris in DEBRIS:
        assert debris in text
        text = text.replace(debris, " ")
    # The witness numbers its note calls "[1]" in the text and "1." in the note list;
    # the edition's note calls and list numbers are markup, not words.
    text = re.sub(r"\[(\d)\]", " ", text)
    text = re.sub(r"^\s+\d\.\s", " ", text, flags=re.M)
    return words(text)


class ArticleText(HTMLParser):
    """Text of <article>, minus the edition's own additions, and the ids in it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.in_article = 0
        self.parts: list[str] = []
        self.ids: list[str] = []
        self.sup_depth = 0

    def skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.in_article += 1
        if tag in VOID:
            return
        cls = set((attrs.get("class") or "").split())
        skip = bool(cls & NOT_PASSAGE) or tag in ("button", "script", "style", "template") \
            or (tag == "sup" and (attrs.get("id") or "").startswith("appel-"))
        self.stack.append((tag, skip))
        if self.in_article and attrs.get("id"):
            self.ids.append(attrs["id"])
        if self.in_article and tag in ("p", "li", "h1", "h2", "blockquote", "div"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            top, _ = self.stack.pop()
            if top == tag:
                break
        if tag == "article":
            self.in_article -= 1

    def handle_data(self, data):
        if self.in_article and not self.skipping():
            self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def page_text(site_dir: Path, path: str) -> ArticleText:
    parser = ArticleText()
    parser.feed((site_dir / path).read_text(encoding="utf-8"))
    return parser


def first_difference(expected: list[str], actual: list[str]) -> str:
    for i, (e, a) in enumerate(zip(expected, actual)):
        if e != a:
            return (f"word {i}: witness has {e!r}, the page has {a!r}\n"
                    f"  witness: {' '.join(expected[max(0, i - 8):i + 8])}\n"
                    f"  page:    {' '.join(actual[max(0, i - 8):i + 8])}")
    return f"lengths differ: witness {len(expected)} words, page {len(actual)} words; " \
           f"extra: {' '.join((actual if len(actual) > len(expected) else expected)[min(len(expected), len(actual)):][:20])}"


def test_text_page_has_every_word_of_the_witness_in_order(site_dir):
    expected = witness_words()
    actual = words(page_text(site_dir, "texte/index.html").text)
    assert len(expected) > 1000
    assert actual == expected, first_difference(expected, actual)


@pytest.mark.parametrize("mutate", [
    lambda w: w[:100] + w[101:],                  # a word dropped
    lambda w: w[:100] + ["nouveau"] + w[100:],    # a word added
    lambda w: w[:100] + ["autre"] + w[101:],      # a word changed
    lambda w: w[:100] + [w[101], w[100]] + w[102:],  # two words swapped
])
def test_the_comparison_catches_one_word_added_dropped_or_changed(mutate):
    expected = witness_words()
    assert mutate(list(expected)) != expected


def test_interventions_are_marked_and_explained(site_dir):
    html = (site_dir / "texte/index.html").read_text(encoding="utf-8")
    assert 'class="ed-intervention"' in html and "[et]" in html
    assert 'id="appel-asterisque"' in html
    principes = page_text(site_dir, "principes/index.html")
    assert "conjecture-et" in principes.ids and "asterisque" in principes.ids
    for debris in DEBRIS:
        assert debris in principes.text.replace("\u00a0", " ")


def test_every_paragraph_has_its_stable_anchor(site_dir):
    ids = page_text(site_dir, "texte/index.html").ids
    for anchor in ["epigraphe", "cadre", "passage", *[f"p{i}" for i in range(1, 8)], "signature",
                   *[f"appel-{i}" for i in range(1, 10)], "appel-asterisque",
                   *[f"note-{i}" for i in range(1, 10)]]:
        assert anchor in ids, f"#{anchor} is missing from /texte/"
    assert len(ids) == len(set(ids)), "duplicate ids on /texte/"
    paragraphs = [i for i in ids if re.fullmatch(r"p\d+", i)]
    assert paragraphs == [f"p{i}" for i in range(1, 8)]


def test_paragraph_numbers_link_to_themselves(site_dir):
    html = (site_dir / "texte/index.html").read_text(encoding="utf-8")

    class FirstChild(HTMLParser):
        """For each paragraph #pN: the tag, class and href of its first child element."""

        def __init__(self):
            super().__init__()
            self.open, self.found = None, {}

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if self.open:
                self.found[self.open] = (tag, attrs.get("class"), attrs.get("href"))
                self.open = None
            elif tag == "p" and re.fullmatch(r"p\d+", attrs.get("id") or ""):
                self.open = attrs["id"]

    parser = FirstChild()
    parser.feed(html)
    for i in range(1, 8):
        assert parser.found.get(f"p{i}") == ("a", "ed-parnum ed-generated", f"#p{i}"), parser.found.get(f"p{i}")


def test_site_is_in_french(site_dir):
    html = (site_dir / "texte/index.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in html
    assert (site_dir / "assets/javascripts/lunr/min/lunr.fr.min.js").exists()
    config = (site_dir / "search/search_index.json").read_text(encoding="utf-8")
    assert '"lang":["fr"]' in config.replace(" ", "")
