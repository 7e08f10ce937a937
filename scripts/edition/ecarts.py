"""Where the text departs from its sources: the edition's findings, written once.

A note or an entry that establishes a departure writes it in its front matter::

    ecarts:
      - mots: "depuis 2014"                    # the passage's exact words (text or author's notes)
        selon_les_sources: >-                  # one sentence, plain text
          Le comité de filière a été installé le 23 octobre 2013, le groupe Safe City du CICS date de 2016.
        verdict: inexact                       # one of VERDICTS
        sources: [https://smn-news.com/…]      # addresses among the page's own ``sources``

From that one place the extension draws (1) a marker on the exact words in the text page,
which opens like the other previews (the finding, a link to the note or entry) and (2) the
page « Écarts entre le texte et ses sources » (directive ``liste-ecarts``), in the order of
the text. The words must occur exactly once in the text (its paragraphs, the epigraph and the
author's notes): the index reads the text once and refuses any other case, one line each.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from .content import EditionError
from .refs import ESCAPED, PLACEHOLDER, clean_text, skip_in_snippet, text_with_marker

NBSP = "\u00a0"
# The verdicts, a fixed vocabulary (key in the front matter: what the reader sees).
VERDICTS = {
    "inexact": "Inexact",
    "divergent": "Sources divergentes",
    "nuance": "Exact, avec une nuance",
    "attribution": "Mal attribué",
    "introuvable": "Introuvable dans les sources",
}
FIELDS = ("mots", "selon_les_sources", "verdict", "sources")
FINDING_MAX = 300
# The text's units where the words are looked for: paragraphs, epigraph, author's notes.
UNIT_ID = re.compile(r"p\d+|epigraphe|note-\w+")


@dataclass
class Ecart:
    key: str  # note or entry that proves it, e.g. "notes/3"
    n: int  # its rank in that page's list, from 1
    words: str
    finding: str
    verdict: str
    sources: list[dict]
    line: int
    unit: str = ""  # id of the paragraph / note of the text holding the words
    order: tuple = field(default=(0, 0, 0))  # (rank of the text, of the unit, offset)
    text: str = ""  # the text page holding the words

    @property
    def id(self) -> str:
        return "ecart-" + self.key.replace("/", "-") + f"-{self.n}"

    @property
    def preview_id(self) -> str:
        return "apercu-" + self.id


def unit_label(unit: str) -> str:
    if unit.startswith("p"):
        return f"§{NBSP}{unit[1:]}"
    if unit.startswith("note-"):
        n = unit[5:]
        return "note de l’astérisque" if n == "asterisque" else f"note{NBSP}{n}"
    return "épigraphe"


def text_units(root: etree.Element) -> list[tuple[str, str]]:
    """(id, words as read) of each unit of the text page's tree."""
    out = []
    for el in root.iter():
        eid = el.get("id") or ""
        if UNIT_ID.fullmatch(eid) and el.tag in ("p", "li", "blockquote"):
            out.append((eid, text_with_marker(el, el, skip_in_snippet)[0]))
    return out


def read(catalog) -> list[Ecart]:
    """Every finding of the edition, checked, in the order of the texts. A note's findings are
    looked for in its text; an entry's (entries are shared) in every text."""
    by_text = getattr(catalog, "units_by_text", None) or {catalog.text_page: catalog.text_units}
    every = [(text, uid, words) for text in catalog.texts for uid, words in by_text.get(text, [])]
    found: list[Ecart] = []
    for src in catalog.sources.values():
        raw = src.meta.get("ecarts")
        if raw is None or src.meta.get("_broken"):
            continue
        where, top = f"docs/{src.path}", src.meta_line("ecarts")
        if not src.section:
            catalog.fail(EditionError(where, top, "« ecarts » se déclare dans une page de note ou une entrée "
                                                  "(celle qui établit l’écart) : déplacez-le"))
            continue
        if not isinstance(raw, list):
            catalog.fail(EditionError(where, top, "« ecarts » doit être une liste d’éléments "
                                                  "« - mots: … selon_les_sources: … verdict: … sources: […] »"))
            continue
        own = {str(s.get("url")): s for s in src.meta.get("sources") or [] if isinstance(s, dict)}
        units = every
        if src.section == "note":
            text = catalog.text_of(src.key)
            units = [(t, uid, words) for t, uid, words in every if t == text]
        for n, item in enumerate(raw, 1):
            line = _item_line(src, top, n)
            ecart = _one(catalog, src, item, n, line, own, units)
            if ecart is not None:
                found.append(ecart)
    found.sort(key=lambda e: e.order)
    return found


def _item_line(src, top: int, n: int) -> int:
    lines = src.text.split("\n")
    count = 0
    for i in range(top, len(lines)):
        if re.match(r"\s*-\s+\w+\s*:", lines[i]) and not lines[i].startswith("  " * 3):
            count += 1
            if count == n:
                return i + 1
        if i > top and lines[i] and not lines[i][0].isspace() and not lines[i].startswith("-"):
            break
    return top


def _one(catalog, src, item, n, line, own, units) -> Ecart | None:
    where = f"docs/{src.path}"

    def fail(message):
        catalog.fail(EditionError(where, line, f"écart n° {n} : {message}"))

    if not isinstance(item, dict):
        fail("écrivez « - mots: … » suivi de « selon_les_sources », « verdict » et « sources »")
        return None
    for name in item:
        if name not in FIELDS:
            fail(f"champ « {name} » inconnu : champs possibles : {', '.join(FIELDS)}")
            return None
    missing = [name for name in FIELDS if item.get(name) in (None, "", [])]
    if missing:
        fail(f"champ « {missing[0]} » manquant ({'les mots exacts du passage' if missing[0] == 'mots' else 'voir GUIDE.md'})")
        return None
    words, finding = " ".join(str(item["mots"]).split()), " ".join(str(item["selon_les_sources"]).split())
    verdict = str(item["verdict"])
    if verdict not in VERDICTS:
        fail(f"verdict « {verdict} » inconnu : choisissez parmi {', '.join(VERDICTS)}")
        return None
    if re.search(r"\]\(|<[a-z/]", finding) or len(finding) > FINDING_MAX:
        fail(f"« selon_les_sources » : une phrase en texte simple, sans lien ni balise, {FINDING_MAX} caractères au plus")
        return None
    urls = item["sources"] if isinstance(item["sources"], list) else [item["sources"]]
    sources = []
    for url in urls:
        if str(url) not in own:
            fail(f"la source {url} n’est pas dans « sources » de la page : ajoutez-la (title, url, year), ou corrigez l’adresse")
            return None
        sources.append(own[str(url)])
    hits = [(i, m.start()) for i, (_, _, text) in enumerate(units) for m in re.finditer(re.escape(_flat(words)), _flat(text))]
    if len(hits) != 1:
        fail(f"les mots « {words} » " + ("ne sont pas dans le texte : recopiez-les mot pour mot (sans appel de note)"
                                         if not hits else f"sont {len(hits)} fois dans le texte : allongez-les pour qu’ils n’y soient qu’une fois"))
        return None
    i, offset = hits[0]
    text = units[i][0]
    return Ecart(src.key, n, words, finding, verdict, sources, line, units[i][1],
                 (catalog.texts.index(text), i, offset), text)


def _flat(text: str) -> str:
    """The text as compared: line breaks and no-break spaces read as spaces (one character for
    one, so that offsets stay those of the text)."""
    return text.replace("\n", " ").replace("\u00a0", " ").replace("\u202f", " ")


# --------------------------------------------------------------------------- the text page

def mark_text(catalog, root: etree.Element, page: str) -> list[Ecart]:
    """Wrap each finding's words in the text and put its marker right after them."""
    from .refs import relative

    done = []
    blocks = {el.get("id"): el for el in root.iter() if UNIT_ID.fullmatch(el.get("id") or "")}
    for ecart in catalog.ecarts:
        if ecart.text != page:
            continue
        block = blocks.get(ecart.unit)
        if block is None:
            continue
        text = _flat(text_with_marker(block, block, skip_in_snippet)[0])
        start = text.find(_flat(ecart.words))
        if start < 0:
            continue
        span = etree.Element("span", {"class": "ed-ecart-mots"})
        if not _wrap(block, start, start + len(ecart.words), span):
            continue
        marker = etree.Element("a", {
            "href": relative(page, ecart.key + ".md"),
            "id": ecart.id,
            "class": "ed-ref ed-ref--ecart ed-generated",
            "aria-describedby": ecart.preview_id,
            "aria-label": f"Écart avec les sources{NBSP}: {VERDICTS[ecart.verdict].lower()}",
        })
        marker.text = "\u2260"  # ≠
        if _call_after(block, span) is not None:  # « libertés³ »: the call keeps its word and
            _insert_before(block, span, marker)   # its target, the marker goes before the words
        else:
            _insert_after(block, span, marker)
        done.append(ecart)
    return done


def preview(catalog, ecart: Ecart, box: etree.Element) -> None:
    item = etree.SubElement(box, "div", {"id": ecart.preview_id, "class": "ed-preview-content", "data-search-exclude": ""})
    p = etree.SubElement(item, "p", {"class": "ed-preview-ecart"})
    strong = etree.SubElement(p, "strong")
    strong.text = f"Écart{NBSP}: {VERDICTS[ecart.verdict].lower()}."
    strong.tail = f" {ecart.finding}"


def _len(el) -> int:
    return len(text_with_marker(el, el, skip_in_snippet)[0])


def _clean_len(s: str | None) -> int:
    return len(clean_text(s or ""))


def _raw_index(s: str, clean_offset: int) -> int:
    """Index in ``s`` (with stash placeholders) of the character at ``clean_offset`` of its clean text."""
    count, i = 0, 0
    while i < len(s):
        if count == clean_offset:
            return i
        if s[i] == "\x02":
            m = ESCAPED.match(s, i) or PLACEHOLDER.match(s, i)
            if m:
                count += 1 if ESCAPED.match(s, i) else 0
                i = m.end()
                continue
        count += 1
        i += 1
    return i


def _wrap(parent: etree.Element, start: int, end: int, span: etree.Element) -> bool:
    """Move the content of ``parent`` between the (clean-text) offsets ``start`` and ``end`` into
    ``span``; an element cut by the range is taken whole, unless the range is inside it (then
    the span goes inside). Returns False when nothing could be wrapped."""
    seq: list = [parent.text or ""]
    for child in parent:
        seq += [child, child.tail or ""]
    lengths = [_clean_len(x) if isinstance(x, str) else (0 if skip_in_snippet(x) else _len(x)) for x in seq]
    pos, bounds = 0, []
    for n in lengths:
        bounds.append((pos, pos + n))
        pos += n
    for k, x in enumerate(seq):  # entirely inside one element: go down
        a, b = bounds[k]
        if not isinstance(x, str) and a <= start and end <= b and lengths[k] and not (a == start and b == end):
            return _wrap(x, start - a, end - a, span)
    before, middle, after = [], [], []
    for k, x in enumerate(seq):
        a, b = bounds[k]
        if isinstance(x, str):
            i0 = _raw_index(x, max(0, min(start - a, b - a)))
            i1 = _raw_index(x, max(0, min(end - a, b - a)))
            before.append(x[:i0])
            middle.append(x[i0:i1])
            after.append(x[i1:])
        elif b <= start:
            before.append(x)
        elif a >= end:
            after.append(x)
        else:
            middle.append(x)
    if not any(isinstance(x, etree.Element) or x for x in middle):
        return False
    span.text, span.tail = None, None
    for child in list(parent):
        parent.remove(child)
    _fill(span, middle)
    _fill(parent, before + [span] + after)
    return True


def _fill(parent: etree.Element, seq: list) -> None:
    parent.text = parent.text if len(parent) else None
    last = None
    for x in seq:
        if isinstance(x, str):
            if not x:
                continue
            if last is None:
                parent.text = (parent.text or "") + x
            else:
                last.tail = (last.tail or "") + x
        else:
            x.tail = None
            parent.append(x)
            last = x


def _call_after(root: etree.Element, span: etree.Element):
    """The note call glued to the marked words (``libertés³``), if any."""
    for parent in root.iter():
        children = list(parent)
        if span in children:
            i = children.index(span)
            nxt = children[i + 1] if i + 1 < len(children) else None
            if nxt is not None and not (span.tail or "").strip() and nxt.tag == "sup" \
                    and (nxt.get("id") or "").startswith("appel-"):
                return nxt
            return None
    return None


def _insert_before(root: etree.Element, target: etree.Element, new: etree.Element) -> None:
    for parent in root.iter():
        children = list(parent)
        if target in children:
            parent.insert(children.index(target), new)
            return


def _insert_after(root: etree.Element, target: etree.Element, new: etree.Element) -> None:
    for parent in root.iter():
        children = list(parent)
        if target in children:
            new.tail, target.tail = target.tail, None
            parent.insert(children.index(target) + 1, new)
            return


# --------------------------------------------------------------------------- the Écarts page

def ecarts_list(catalog, page: str) -> list[etree.Element]:
    from .render import el, link

    # On a page of another text's folder (``textes/x/ecarts.md``): that text's findings only.
    text = next((t for t in catalog.texts[1:] if page.startswith(t[:-3] + "/")), None)
    ecarts = [e for e in catalog.ecarts if text is None or e.text == text]
    if not ecarts:
        return [el("p", "Aucun écart n’est relevé pour l’instant.")]
    counts: dict[str, int] = {}
    for e in ecarts:
        counts[e.verdict] = counts.get(e.verdict, 0) + 1
    summary = el("p", cls="ed-ecarts-summary")
    summary.text = f"{len(ecarts)} écarts relevés, dans l’ordre du texte{NBSP}: " + ", ".join(
        f"{VERDICTS[v].lower()} ({counts[v]})" for v in VERDICTS if v in counts) + "."
    ol = el("ol", cls="ed-ecarts")
    for e in ecarts:
        li = el("li", parent=ol, id=e.id)
        head = el("p", parent=li, cls="ed-ecart__passage")
        name = "Le texte" if e.text == catalog.text_page else catalog.sources[e.text].title
        el("span", name, head, cls="ed-ecart__label").tail = f"{NBSP}: "
        link(page, f"{e.text}#{e.id}", unit_label(e.unit), head).tail = f", «{NBSP}{e.words}{NBSP}»"
        says = el("p", parent=li)
        el("span", "Les sources", says, cls="ed-ecart__label").tail = f"{NBSP}: {e.finding}"
        verdict = el("p", parent=li)
        el("span", "Verdict", verdict, cls="ed-ecart__label").tail = f"{NBSP}: "
        el("strong", VERDICTS[e.verdict], verdict, cls=f"ed-verdict ed-verdict--{e.verdict}")
        refs = el("p", parent=li, cls="ed-ecart__sources")
        el("span", "Sources", refs, cls="ed-ecart__label").tail = f"{NBSP}: "
        for i, s in enumerate(e.sources):
            a = el("a", str(s["title"]), refs, href=str(s["url"]), cls="ed-external ed-generated", rel="external noreferrer")
            a.tail = f" ("
            twin = catalog.archive_link(str(s["url"]), catalog.archive_year(str(s["url"])) or str(s.get("year")))
            refs.append(twin)
            twin.tail = ")" + (f"{NBSP}; " if i + 1 < len(e.sources) else " — voir ")
        meta = catalog.entries[e.key]
        label = (f"la {catalog.note_label(e.key).lower()}" if catalog.is_note(e.key)
                 else f"l’entrée «{NBSP}{meta['title']}{NBSP}»")
        link(page, e.key + ".md", label, refs).tail = "."
    return [summary, ol]
