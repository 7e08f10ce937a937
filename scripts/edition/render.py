"""HTML that the edition generates from its index: previews, backlinks, lists, note heads."""

from __future__ import annotations

import base64
import copy
import posixpath
import re
import unicodedata
import xml.etree.ElementTree as etree

from .biblio import csl_json, format_work
from .content import KINDS
from .refs import add_class, insert_twin, relative

NBSP = "\u00a0"


def el(tag: str, text: str | None = None, parent: etree.Element | None = None, **attrs) -> etree.Element:
    attrs = {("class" if k == "cls" else k.replace("_", "-")): str(v) for k, v in attrs.items() if v is not None}
    node = etree.SubElement(parent, tag, attrs) if parent is not None else etree.Element(tag, attrs)
    if text:
        node.text = text
    return node


def link(page: str, target: str, text: str, parent=None, **attrs) -> etree.Element:
    """A generated link (not enriched again) from page to a docs-relative target."""
    path, _, frag = target.partition("#")
    href = relative(page, path) + (f"#{frag}" if frag else "")
    cls = ("ed-generated " + attrs.pop("cls", "")).strip()
    return el("a", text, parent, href=href, cls=cls, **attrs)


def heading(text: str, hid: str, level: int = 2, indexed: bool = True) -> etree.Element:
    """A heading; with ``indexed=False`` its whole section stays out of the search index
    (what repeats another page: sources, backlinks, the note as in the text, …)."""
    return el(f"h{level}", text, id=hid, data_search_exclude=None if indexed else "")


def sort_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"^[«\"“( ]+", "", folded).casefold()


def entry_name(meta: dict) -> str:
    title = str(meta.get("title"))
    short = meta.get("short")
    return f"{title} ({short})" if short and short not in title else title


def sources_block(catalog, sources: list[dict]) -> list[etree.Element]:
    if not sources:
        return []
    ul = el("ul", cls="ed-sources")
    for s in sources:
        li = el("li", parent=ul)
        a = el("a", str(s["title"]), li, href=str(s["url"]), cls="ed-external ed-generated", rel="external noreferrer")
        a.tail = " ("
        twin = catalog.archive_link(str(s["url"]), catalog.archive_year(str(s["url"])) or str(s["year"]))
        li.append(twin)
        twin.tail = ")"
    return [heading("Sources", "sources", indexed=False), ul]


def snippet(ref, width: int = 90) -> tuple[str, str, str]:
    before = ref.block_text[:ref.offset]
    after = ref.block_text[ref.offset:]
    shown = ref.text if after.startswith(ref.text) else ""
    after = after[len(shown):]
    if len(before) > width:
        cut = before[-width:]
        before = "…" + cut[cut.find(" ") + 1:] if " " in cut else "…" + cut
    if len(after) > width:
        cut = after[:width]
        after = (cut[:cut.rfind(" ")] if " " in cut else cut) + "…"
    return before.lstrip(), shown, after.rstrip()


def backlinks_block(catalog, key: str, page: str, exclude=(), raw: "RawLinks | None" = None) -> list[etree.Element]:
    """The « Renvois » section of entry or note ``key``; with ``raw`` (under MkDocs), each list
    of links is raw HTML with its final addresses (see :class:`RawLinks`)."""
    refs = [r for r in catalog.refs_to(key) if r.id not in exclude]
    out = [heading("Renvois dans l’édition", "renvois", indexed=False)]
    if not refs:
        out.append(el("p", "Aucune page de l’édition ne renvoie encore ici.", cls="ed-backlinks-empty"))
        return out
    count = el("p", cls="ed-backlinks-count")
    count.text = f"{len(refs)} renvoi{'s' if len(refs) > 1 else ''}, calculé{'s' if len(refs) > 1 else ''} à partir des sources\u00a0:"
    out.append(count)
    # Occurrences in more than one text: grouped by text (its page and notes), then the rest.
    groups: dict = {}
    for ref in refs:
        groups.setdefault(catalog.text_of_ref(ref), []).append(ref)
    if len([t for t in groups if t is not None]) < 2:
        out.append(_backlinks_list(catalog, refs, page, raw))
        return out
    for text in [t for t in catalog.texts if t in groups] + ([None] if None in groups else []):
        title = catalog.sources[text].title if text else "Ailleurs dans l’édition"
        hid = "renvois-" + (text[:-3].replace("/", "-") if text else "ailleurs")
        out.append(heading(title, hid, level=3, indexed=False))
        out.append(_backlinks_list(catalog, groups[text], page, raw))
    return out


class RawLinks:
    """What a list of generated links needs to be written as raw HTML, out of the page's tree,
    byte for byte as the host would write it: ``serialize`` (the page's serialiser), ``url``
    (the host's rewriting of a link: ``url(href, target, frag)``, see extension._mkdocs_url,
    which also records the anchor for MkDocs' check of anchors) and ``holder`` (an element
    standing for the HTML in the tree).
    A dense edition's backlinks are most of its entries' pages: as elements, the host would
    walk, rewrite and serialise each of them on each page (links, table of contents, ids);
    serialised once here, with their final addresses, they are stashed whole."""

    def __init__(self, serialize, url, holder):
        self.serialize, self.url, self.holder = serialize, url, holder


def _backlinks_list(catalog, refs, page: str, raw: RawLinks | None = None) -> etree.Element:
    ul = el("ul", cls="ed-backlinks")
    for ref in refs:
        li = _backlink_item(catalog, ref, page, ul)
        if raw is not None:  # the address the host writes for this page (anchor recorded for its check)
            li[0].set("href", raw.url(li[0].get("href"), ref.source, ref.id))
    return raw.holder(raw.serialize(ul)) if raw is not None else ul


def _backlink_item(catalog, ref, page: str, ul: etree.Element | None) -> etree.Element:
    li = el("li", parent=ul)
    link(page, f"{ref.source}#{ref.id}", catalog.label(ref), li, cls="ed-backlink")
    before, shown, after = snippet(ref)
    quote = el("span", parent=li, cls="ed-snippet")
    quote.text = f" — «{NBSP}{before}"
    mark = el("mark", shown or "", quote)
    mark.tail = f"{after}{NBSP}»"
    if not shown:
        quote.remove(mark)
        quote.text = f" — «{NBSP}{before}{after}{NBSP}»"
    return li


def definition_block(meta: dict) -> etree.Element:
    p = el("p", cls="ed-definition")
    if meta.get("short"):
        el("strong", str(meta["short"]), p).tail = f"{NBSP}: "
    tail = str(meta["definition"]).strip()
    if len(p):
        p[-1].tail += tail
    else:
        p.text = tail
    return p


def related_block(catalog, meta: dict, page: str) -> list[etree.Element]:
    related = meta.get("related") or []
    if not related:
        return []
    ul = el("ul", cls="ed-related")
    for slug in related:
        li = el("li", parent=ul)
        link(page, f"glossaire/{slug}.md", entry_name(catalog.entries[f"glossaire/{slug}"]), li)
    return [heading("Voir aussi", "voir-aussi", indexed=False), ul]


BARE_ADDRESS = re.compile(r"<?https?://\S+>?")


def one_line(text: str) -> str:
    """``text`` on one line (no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def preview_container(catalog, keys: list[str]) -> etree.Element | None:
    """The previews of a page's notes and entries, hidden until a link shows one.

    Each ``.ed-preview-content`` holds block children, shown as they are: for an entry, one
    ``<p>`` (bold name, then the definition); for a note, a ``<p>`` with the author's note as in
    the witness (or, when the note is only a web address, the formatted reference of its first
    cited work), then ``<p class="ed-preview-finding">`` « L’édition : » and the note's
    ``constat``. Links are unwrapped (a preview is read, its own links come from the script)."""
    if not keys:
        return None
    # data-search-exclude: the previews repeat other pages' definitions; Material's search
    # must not index them here (its exclusion stops at the first closing tag, hence on both).
    box = el("div", cls="ed-previews", hidden="hidden", data_search_exclude="")
    for key in keys:
        meta = catalog.entries[key]
        item = el("div", parent=box, id=catalog.preview_id(key), cls="ed-preview-content",
                  data_search_exclude="")
        p = el("p", parent=item)
        if catalog.is_note(key):
            el("strong", catalog.note_label(key), p).tail = f"{NBSP}: "
            _note_preview(catalog, key, p)
            constat = one_line(str(meta.get("constat") or ""))
            if constat:
                p.tail = "\n"  # read as two sentences, also by textContent
                finding = el("p", parent=item, cls="ed-preview-finding")
                el("strong", f"L’édition{NBSP}:", finding).tail = f" {constat}"
        else:
            el("strong", entry_name(meta), p, lang=meta.get("lang")).tail = \
                f"{NBSP}: {one_line(str(meta['definition']))}"
    return box


def previews_html(catalog, keys: list[str], serialize) -> str:
    """:func:`preview_container` as HTML (``serialize``: the page's serialiser), each
    preview serialised once per build and per serialiser: a preview is the same on every
    page, and a dense edition shows the same few hundred on thousands of pages."""
    if not keys:
        return ""
    cache = catalog.cache.setdefault(("previews", serialize), {})
    if None not in cache:  # the box's opening tag, as the serialiser writes it
        empty = preview_container(catalog, [keys[0]])
        empty.remove(empty[0])
        cache[None] = serialize(empty)[:-len("</div>")]
    parts = [cache[None]]
    for key in keys:
        if key not in cache:
            cache[key] = serialize(preview_container(catalog, [key])[0])
        parts.append(cache[key])
    parts.append("</div>")
    return "".join(parts)


def _note_preview(catalog, key: str, p: etree.Element) -> None:
    """The author's note, inline, at the end of ``p``."""
    meta = catalog.entries[key]
    witness = catalog.witness_of(key) or []
    text = " ".join("".join(e.itertext()) for e in witness).strip()
    works = [catalog.works[str(w)] for w in meta.get("cites") or [] if str(w) in catalog.works]
    if text and BARE_ADDRESS.fullmatch(text) and works:
        # Only an address: say so, and give what it leads to, as the bibliography formats it.
        _append_text(p, "une adresse web, celle de ")
        # (the reference without the address itself, nor the bibliography's remarks)
        data = {k: v for k, v in works[0].data.items() if k not in ("URL", "note")}
        p.append(_plain_inline(format_work(data, catalog.archive_url)))
    elif witness:
        for i, block in enumerate(witness):
            block = _plain_inline(block)
            _append_text(p, (" " if i else "") + (block.text or "").lstrip())
            for child in block:
                p.append(child)
        if len(p):
            p[-1].tail = (p[-1].tail or "").rstrip()
        else:
            p.text = (p.text or "").rstrip()
    else:
        _append_text(p, str(meta.get("definition") or "cet appel n’a pas de note dans la reproduction.").strip())


def _append_text(parent: etree.Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _plain_inline(node: etree.Element) -> etree.Element:
    """A copy of ``node`` for a preview: links unwrapped into their text, no ids nor
    references; only ``lang`` and the typographic classes are kept."""
    node = copy.deepcopy(node)
    for parent in list(node.iter()):
        i = 0
        while i < len(parent):
            child = parent[i]
            if child.tag != "a":
                i += 1
                continue
            parent.remove(child)
            inner = list(child)
            if i:
                parent[i - 1].tail = (parent[i - 1].tail or "") + (child.text or "")
            else:
                parent.text = (parent.text or "") + (child.text or "")
            for j, grand in enumerate(inner):
                parent.insert(i + j, grand)
            last = parent[i + len(inner) - 1] if inner else (parent[i - 1] if i else None)
            if last is not None:
                last.tail = (last.tail or "") + (child.tail or "")
            else:
                parent.text = (parent.text or "") + (child.tail or "")
            # (no i += 1: the moved children are looked at in turn)
    for item in node.iter():
        keep = {k: v for k, v in item.attrib.items() if k == "lang"}
        kept_classes = [c for c in (item.get("class") or "").split() if c.startswith(("ed-sc", "ed-biblio"))]
        if kept_classes:
            keep["class"] = " ".join(kept_classes)
        item.attrib.clear()
        item.attrib.update(keep)
    return node


def quoted(text: str) -> str:
    """``text`` (a sentence of the passage) between French quotation marks, without doubling
    the passage's own: a sentence that is one whole quotation keeps its pair as it is; one that
    ends a quotation begun before it (or begins one that goes on after it) only gets the mark
    its own pair lacks."""
    text = text.strip()
    depth, whole, lone_close_at_end = 0, text.startswith("«"), False
    for i, ch in enumerate(text):
        if ch == "«":
            depth += 1
        elif ch == "»":
            if depth == 0:  # closes a quotation opened before this sentence
                lone_close_at_end = i == len(text) - 1
                whole = False
                continue
            depth -= 1
            if depth == 0 and i < len(text) - 1:
                whole = False  # « a », dit-il : the first quotation ends before the sentence
    if whole and depth == 0:
        return text
    if lone_close_at_end:
        return f"«{NBSP}{text}"
    if whole:  # opened here, closed after the sentence
        return f"{text}{NBSP}»"
    return f"«{NBSP}{text}{NBSP}»"


def sentence_around(text: str, offset: int) -> str:
    """The sentence of ``text`` containing position ``offset``."""
    start = 0
    for m in re.finditer(r"[.?!…]\s+(?=[«A-ZÀ-Ý“])", text[:offset]):
        start = m.end()
    m = re.search(r"[.?!…](\s*»)?(\s|$)", text[offset:])
    end = offset + m.end() if m else len(text)
    return text[start:end].strip()


def note_head(catalog, key: str, page: str) -> list[etree.Element]:
    meta = catalog.entries[key]
    call = str(meta["call"])
    out = []
    text_page = catalog.text_of(key)
    calls = [r for r in catalog.refs_to(key) if r.source == text_page]  # (document order)
    if meta.get("constat"):  # what the edition found, first
        finding = el("p", cls="ed-finding")
        el("strong", "L’édition\u00a0:", finding).tail = " " + str(meta["constat"]).strip()
        out.append(finding)
    out.append(heading("La note dans le texte", "note", indexed=False))
    box = el("blockquote", cls="ed-witness")
    witness = catalog.witness_of(key)
    if witness:
        for item in witness:
            item = copy.deepcopy(item)
            for node in list(item.iter()):
                node.attrib.pop("id", None)
                node.attrib.pop("aria-describedby", None)
                for child in list(node):
                    if child.tag == "a" and child.get("data-archive"):
                        insert_twin(catalog, node, child)
            for a in item.iter("a"):
                a.set("class", " ".join(c for c in (a.get("class") or "").split() if not c.startswith("ed-ref")))
                add_class(a, "ed-generated")
                href = a.get("href") or ""
                if href.endswith(".md") or ".md#" in href:
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(text_page), href))
                    path, _, frag = target.partition("#")
                    a.set("href", relative(page, path) + (f"#{frag}" if frag else ""))
            box.append(item)
    else:
        el("p", "Cet appel n’a pas de note dans la reproduction\u00a0: il n’y a pas de texte de note à afficher.", box, cls="ed-witness-missing")
    out.append(box)
    if calls:
        ref = calls[0]
        out.append(heading("Contexte", "contexte", indexed=False))
        q = el("blockquote", cls="ed-context")
        el("p", quoted(sentence_around(ref.block_text, ref.offset)), q)
        out.append(q)
        p = el("p", cls="ed-back")
        label = catalog.text_part(ref.anchor) or catalog.sources[text_page].title
        link(page, f"{text_page}#{ref.id}", f"Revenir à l’appel de note dans le texte ({label})", p, cls="md-button")
        out.append(p)
    cites = [catalog.works[str(w)] for w in meta.get("cites") or []]
    if cites:
        out.append(heading("Référence complète", "reference", indexed=False))
        ul = el("ul", cls="ed-references")
        for work in cites:
            li = el("li", parent=ul)
            li.append(_work_element(catalog, work.data))
        out.append(ul)
    return out


def _work_element(catalog, data: dict) -> etree.Element:
    span = format_work(data, catalog.archive_url)
    for a in list(span.iter("a")):
        a.set("class", "ed-external ed-generated")
        a.set("rel", "external noreferrer")
        year = a.attrib.pop("data-archive", None)
        year = catalog.archive_year(a.get("href")) or year
        if year:
            idx = list(span).index(a)
            twin = catalog.archive_link(a.get("href"), year)
            twin.tail = ")" + (a.tail or "")
            a.tail = " ("
            span.insert(idx + 1, twin)
    return span


def prevnext(catalog, key: str, page: str) -> etree.Element:
    order = catalog.text_notes[catalog.text_of(key)]  # (a text's notes, not the next text's)
    i = order.index(key)
    nav = el("nav", cls="ed-prevnext", aria_label="Notes précédente et suivante", data_search_exclude="")
    if i > 0:
        link(page, order[i - 1] + ".md", f"← {catalog.note_label(order[i - 1])}", nav, rel="prev")
    if i + 1 < len(order):
        link(page, order[i + 1] + ".md", f"{catalog.note_label(order[i + 1])} →", nav, rel="next")
    return nav


def glossary_list(catalog, page: str) -> list[etree.Element]:
    entries = sorted((k for k in catalog.entries if k.startswith("glossaire/")),
                     key=lambda k: sort_key(str(catalog.entries[k].get("sort") or catalog.entries[k]["title"])))
    groups: dict[str, list[str]] = {}
    for k in entries:
        meta = catalog.entries[k]
        letter = sort_key(str(meta.get("sort") or meta["title"]))[:1].upper()
        groups.setdefault(letter, []).append(k)
    # (the lists repeat what each entry's own page says: out of the search index)
    nav = el("nav", cls="ed-letters", aria_label="Aller à la lettre", data_search_exclude="")
    for letter in groups:
        el("a", letter, nav, href=f"#lettre-{letter.lower()}", cls="ed-generated")
    out = [nav]
    for letter, keys in groups.items():
        out.append(heading(letter, f"lettre-{letter.lower()}", indexed=False))
        out.append(_entry_list(catalog, keys, page))
    return out


def _entry_list(catalog, keys, page) -> etree.Element:
    dl = el("dl", cls="ed-entries")
    for k in keys:
        meta = catalog.entries[k]
        dt = el("dt", parent=dl)
        a = link(page, k + ".md", entry_name(meta), dt)
        if meta.get("lang"):
            a.set("lang", str(meta["lang"]))
        el("dd", str(meta["definition"]).strip(), dl)
    return dl


def names_list(catalog, page: str) -> list[etree.Element]:
    out = []
    nav = el("nav", cls="ed-letters", aria_label="Aller à la rubrique", data_search_exclude="")
    out.append(nav)
    for kind, label in KINDS.items():
        keys = sorted((k for k in catalog.entries if k.startswith("noms/") and catalog.entries[k].get("kind") == kind),
                      key=lambda k: sort_key(str(catalog.entries[k].get("sort") or catalog.entries[k]["title"])))
        if not keys:
            continue
        el("a", label, nav, href=f"#{label.lower()}", cls="ed-generated")
        out.append(heading(label, label.lower(), indexed=False))
        out.append(_entry_list(catalog, keys, page))
    return out


def notes_list(catalog, page: str) -> list[etree.Element]:
    """The notes with what the edition found in each. On another text's notes page
    (``textes/x/notes/index.md``): that text's notes. On the first text's (``notes/index.md``)
    or elsewhere: every text's, under one heading per text when there are several."""
    own = next((t for t in catalog.texts if t != catalog.text_page and page.startswith(catalog.notes_dir(t))), None)
    texts = [own] if own else [t for t in catalog.texts if catalog.text_notes.get(t)]
    if len(texts) < 2:
        return [_notes_ul(catalog, page, catalog.text_notes.get(texts[0], []) if texts else [])]
    out = []
    for text in texts:
        out.append(heading(catalog.sources[text].title, "notes-" + text[:-3].replace("/", "-"), indexed=False))
        out.append(_notes_ul(catalog, page, catalog.text_notes[text]))
    return out


def _notes_ul(catalog, page: str, keys: list[str]) -> etree.Element:
    ol = el("ul", cls="ed-notes-list", data_search_exclude="")
    for key in keys:
        meta = catalog.entries[key]
        li = el("li", parent=ol)
        link(page, key + ".md", str(meta["title"]), li)
        if meta.get("constat"):  # what the edition found, rather than the note again
            el("span", str(meta["constat"]).strip(), li, cls="ed-notes-list__finding")
    return ol


def bibliography(catalog, page: str, files: str = "") -> list[etree.Element]:
    """The works by group, each with the notes that cite it, and the CSL-JSON export, whose
    file is named after the edition's downloads (``files``: ``<files>-bibliographie.json``)."""
    out = []
    groups: dict[str, list] = {}
    for work in catalog.works.values():
        groups.setdefault(str(work.data.get("group") or "Autres références"), []).append(work)
    for i, (group, works) in enumerate(groups.items(), 1):
        out.append(heading(group, f"groupe-{i}"))
        ul = el("ul", cls="ed-bibliography")
        for work in works:
            li = el("li", parent=ul, id=f"ref-{work.id}")
            li.append(_work_element(catalog, work.data))
            if work.cited_by:
                p = el("span", " Cité dans\u00a0: ", li, cls="ed-cited-by")
                for j, key in enumerate(work.cited_by):
                    a = link(page, key + ".md", catalog.note_label(key), p)
                    a.tail = ", " if j + 1 < len(work.cited_by) else "."
        out.append(ul)
    data = csl_json([w.data for w in catalog.works.values()])
    out.append(heading("Exporter", "exporter", indexed=False))
    p = el("p")
    a = el("a", "Télécharger la bibliographie (CSL-JSON, pour Zotero)", p,
           href="data:application/vnd.citationstyles.csl+json;base64," + base64.b64encode(data.encode()).decode(),
           download=f"{files}-bibliographie.json" if files else "bibliographie.json", cls="md-button ed-generated", id="export-csl")
    a.tail = ""
    out.append(p)
    out.append(el("p", "Dans Zotero\u00a0: Fichier → Importer…, puis choisir le fichier téléchargé.", cls="ed-hint"))
    return out


DIRECTIVE_RENDERERS = {
    "liste-glossaire": glossary_list,
    "liste-noms": names_list,
    "liste-notes": notes_list,
    "bibliographie": bibliography,
    "liste-ecarts": lambda catalog, page: _ecarts_list(catalog, page),
    "journal": lambda catalog, page: _journal(catalog, page),
}


def _journal(catalog, page: str) -> list[etree.Element]:
    from .journal import journal_list
    return journal_list(catalog, page)


def _ecarts_list(catalog, page: str) -> list[etree.Element]:
    from .ecarts import ecarts_list  # (ecarts imports this module)
    return ecarts_list(catalog, page)
