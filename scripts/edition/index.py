"""The edition's index: every source read once, in a fixed order.

It knows every note, entry and work, and every cross-reference (which file refers
to which entry, at which id, with which snippet), so that any page can show
previews and backlinks whatever the order in which pages are rendered.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as etree
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from . import ecarts
from .archives import Archives
from .content import EditionError, Source, Work, read_sources, read_works, validate
from .refs import Marker, Ref, classes, clean_text

DIRECTIVE = re.compile(r"^\s*<!--\s*edition\s*:\s*([\w-]+)\s*-->\s*$")
DIRECTIVE_TOKEN = "EDITIONDIRECTIVE:"
DIRECTIVES = ("liste-glossaire", "liste-noms", "liste-notes", "bibliographie", "liste-ecarts", "journal")
# The index pass needs the tree, not the HTML: no ``toc`` (it would run after the index's tree
# processor, whose ids are explicit ones) and no serialising (see _parse). These extensions are
# the index's outside a host; under MkDocs it reads with the host's own (see Catalog.markdown).
BASE_EXTENSIONS = ["attr_list", "footnotes", "md_in_html", "abbr", "tables", "def_list"]
# The edition's own processors, taken out of a parser made from the host's configuration.
EDITION_PROCESSORS = {"preprocessors": ("edition-page", "edition-directives", "edition-skip"),
                      "treeprocessors": ("edition", "edition-aliases", "edition-toc", "edition-tail"),
                      "postprocessors": ("edition-tail",)}


class DirectivePreprocessor(Preprocessor):
    """``<!-- edition: liste-glossaire -->`` on its own line becomes a marker paragraph."""

    def __init__(self, md, page_getter):
        super().__init__(md)
        self.page_getter = page_getter

    def run(self, lines):
        out = []
        for number, line in enumerate(lines, 1):
            m = DIRECTIVE.match(line)
            if m:
                name = m.group(1)
                if name not in DIRECTIVES:
                    page = self.page_getter() or "?"
                    raise EditionError(f"docs/{page}", None,
                                       f"directive inconnue « {name} » : utilisez {', '.join(DIRECTIVES)}")
                out += ["", DIRECTIVE_TOKEN + name, ""]
            else:
                out.append(line)
        return out


class _IndexTree(Treeprocessor):
    def __init__(self, md, catalog, page):
        super().__init__(md)
        self.catalog, self.page = catalog, page
        self.marker = None
        self.ids: list[str] = []

    def run(self, root):
        if self.catalog.trees is not None:  # the tree as the page's own parser has it here
            self.catalog.trees[self.page] = _snapshot(self.md, root)
        self.marker = Marker(self.catalog, self.page, render=False)
        self.marker.run(root)
        self.ids = [el.get("id") for el in root.iter() if el.get("id")]
        seen = set()
        src = self.catalog.sources[self.page]
        for anchor in self.ids:
            if anchor in seen:
                line = src.text.find("#" + anchor, src.text.find("#" + anchor) + 1)
                self.catalog.fail(EditionError(f"docs/{self.page}", src.text.count("\n", 0, line) + 1 if line >= 0 else None,
                                               f"ancre « #{anchor} » en double dans la page : chaque ancre doit être unique"))
            seen.add(anchor)
        if self.page in self.catalog.text_set:
            self.catalog.units_by_text[self.page] = ecarts.text_units(root)
            if self.page == self.catalog.text_page:
                self.catalog.text_units = self.catalog.units_by_text[self.page]
            witness = self.catalog.witnesses.setdefault(self.page, {})
            for li in root.iter("li"):
                lid = li.get("id") or ""
                if lid.startswith("note-"):
                    witness[lid[5:]] = _witness_copy(li)


class _IndexExt(Extension):
    def __init__(self, catalog, page):
        super().__init__()
        self.catalog, self.page = catalog, page
        self.tree = None

    def extendMarkdown(self, md):
        md.preprocessors.register(DirectivePreprocessor(md, lambda: self.page), "edition-directives", 25)
        self.tree = _IndexTree(md, self.catalog, self.page)
        md.treeprocessors.register(self.tree, "edition-index", 6)


def _snapshot(md, root: etree.Element) -> tuple:
    """A copy of the tree (and of the raw HTML it refers to) before the index marks it."""
    stash = md.htmlStash
    return copy.deepcopy((root, stash.html_counter, stash.rawHtmlBlocks, stash.tag_counter, stash.tag_data))


def restore(md, root: etree.Element, snapshot: tuple) -> None:
    """Make ``root`` (and ``md``'s raw HTML) what :func:`_snapshot` saw: the host's parser,
    which skipped reading the page (see extension._SkipPreprocessor), goes on from there."""
    tree, html_counter, blocks, tag_counter, tag_data = snapshot
    root.text, root.tail = tree.text, tree.tail
    root.attrib.clear()
    root.attrib.update(tree.attrib)
    root[:] = list(tree)
    stash = md.htmlStash
    stash.html_counter, stash.rawHtmlBlocks, stash.tag_counter, stash.tag_data = \
        html_counter, blocks, tag_counter, tag_data


def _witness_copy(li: etree.Element) -> list[etree.Element]:
    """The footnote's content, without its back link or placeholders."""
    items = [copy.deepcopy(child) for child in li]
    for item in items:
        for parent in list(item.iter()):
            for child in list(parent):
                if "footnote-backref" in classes(child):
                    parent.remove(child)
        for el in item.iter():
            el.text = clean_text(el.text) if el.text else el.text
            el.tail = clean_text(el.tail) if el.tail else el.tail
    return items


class Catalog:
    """Sources, entries, works and cross-references of one docs directory."""

    def __init__(self, docs_dir: Path, text_page: str = "texte.md",
                 archive_url: str = "https://web.archive.org/web/{year}/{url}", collect: bool = False,
                 markdown: tuple | None = None):
        self.collect = collect
        # (extensions, extension_configs) of the host's parser (MkDocs: markdown_extensions and
        # mdx_configs). With them the index reads each page as the page's own parser does, up to
        # the edition's tree processor, and keeps that tree for the page's rendering (``trees``:
        # page -> its source and a snapshot, given away once), which then skips reading it again.
        self.markdown = markdown
        self.trees: dict[str, tuple] | None = None
        self.errors: list[EditionError] = []
        self.docs_dir = Path(docs_dir)
        self.text_page = text_page
        self.archive_url = archive_url
        self.sources: dict[str, Source] = {}
        self.entries: dict[str, dict] = {}  # key -> front matter
        # The annotated texts: ``text_page`` first, then every page whose front matter says
        # ``texte: true`` (e.g. ``textes/<slug>.md``, whose notes are ``textes/<slug>/notes/N.md``).
        self.texts: list[str] = [text_page]
        self.text_set: set[str] = {text_page}
        self.text_calls: dict[str, dict[str, str]] = {text_page: {}}  # text -> {"3": "notes/3"}
        self.calls: dict[str, str] = self.text_calls[text_page]  # the first text's
        self.works: dict[str, Work] = {}
        self.witnesses: dict[str, dict[str, list[etree.Element]]] = {text_page: {}}
        self.witness: dict[str, list[etree.Element]] = self.witnesses[text_page]  # the first text's
        self.refs: list[Ref] = []
        self.ids: dict[str, list[str]] = {}  # page -> ids in the rendered page (index mode)
        self.call_order: list[str] = []
        self._by_target: dict[str, list[Ref]] | None = None
        self._call_rank: dict[str, int] | None = None
        self._lang: dict[str, str] = {}
        self._patterns: dict[str, re.Pattern | None] = {}
        self._body_lookup: dict[str, str] = {}
        self.archives = Archives(self.fail)
        self.text_units: list[tuple[str, str]] = []  # (id, words) of the text's paragraphs and notes
        self.units_by_text: dict[str, list[tuple[str, str]]] = {}  # the same, for every text
        self.ecarts: list = []  # edition.ecarts.Ecart, in the order of the text
        self.cache: dict = {}  # what rendering makes once per build (render.previews_html)
        self.sections: dict[str, str | None] = {}  # path -> section (Source.section, computed once)
        # Labels of the text's unnumbered parts, by anchor: the text page's front matter
        # ``parts: {cadre: présentation}`` gives « Le texte, présentation ».
        self.parts: dict[str, str] = dict(DEFAULT_PARTS)
        self.anchor_re = _anchor_re(self.parts)

    def fail(self, error: EditionError) -> None:
        """Raise the error, or (when checking) record it and go on."""
        if not self.collect:
            raise error
        if str(error) not in {str(e) for e in self.errors}:
            self.errors.append(error)

    # -- building -----------------------------------------------------------
    def build(self) -> "Catalog":
        try:
            self._build()
        except EditionError as error:
            self.fail(error)
        return self

    def _build(self) -> None:
        if not self.docs_dir.is_dir():
            raise EditionError(str(self.docs_dir), None, "dossier des sources introuvable (option docs_dir de l’extension edition)")
        sources = read_sources(self.docs_dir, self.fail)
        for src in sources:
            if src.meta.get("texte") is True and src.path != self.text_page and not src.section:
                self.texts.append(src.path)
                self.text_set.add(src.path)
                self.text_calls[src.path] = {}
                self.witnesses[src.path] = {}
        for src in sources:
            try:
                validate(src)
            except EditionError as error:
                self.fail(error)
            self.sources[src.path] = src
            self.sections[src.path] = src.section
            self._body_lookup.setdefault(_normal(src.body), src.path)
            if src.section == "note" and self.text_of(src.key) not in self.text_set:
                self.sections[src.path] = None
                self.fail(EditionError(f"docs/{src.path}", 1,
                                       f"page de note sans texte : docs/{self.text_of(src.key)} n’existe pas ou "
                                       "n’a pas « texte: true » dans son front matter"))
                continue
            if src.section:
                self.entries[src.key] = src.meta
            if src.section == "note":
                call = str(src.meta["call"])
                calls = self.text_calls[self.text_of(src.key)]
                if call in calls:
                    self.fail(EditionError(f"docs/{src.path}", src.meta_line("call"),
                                           f"l’appel « {call} » a déjà sa page ({calls[call]}.md) : changez « call »"))
                    continue
                calls[call] = src.key
        if "bibliographie.md" in self.sources:
            try:
                self.works = read_works(self.sources["bibliographie.md"])
            except EditionError as error:
                self.fail(error)
        for src in self.sources.values():
            self._check_links_in_meta(src)
            self._declare_archives(src)
        self._declare_work_archives()
        for key, meta in self.entries.items():
            if meta.get("lang"):
                for phrase in [meta.get("title"), meta.get("short")] + list(meta.get("forms") or []):
                    phrase = str(phrase or "").strip("«» \u00a0")
                    if phrase:
                        self._lang.setdefault(phrase, str(meta["lang"]))
        if self.text_page not in self.sources:
            raise EditionError(f"docs/{self.text_page}", None, "la page du texte est introuvable : rétablissez ce fichier")
        text = self.sources[self.text_page]
        parts = text.meta.get("parts")
        if parts is not None and not isinstance(parts, dict):
            self.fail(EditionError(f"docs/{text.path}", text.meta_line("parts"),
                                   "« parts » doit associer des ancres à leur nom, par exemple « parts: {cadre: présentation} »"))
        elif parts:
            self.parts.update({str(k).lstrip("#"): str(v) for k, v in parts.items()})
            self.anchor_re = _anchor_re(self.parts)
        ext = _IndexExt(self, None)
        md = self._parser(ext)  # one parser, reset per page
        for path, src in self.sources.items():
            ext.page = ext.tree.page = path
            ext.tree.marker, ext.tree.ids = None, []
            md.reset()
            try:
                _parse(md, self._text(src), ext.tree)
            except EditionError as error:
                self.fail(error)
                continue
            if ext.tree.marker is None:  # empty body: Markdown runs no tree processor
                ext.tree.marker = Marker(self, path, render=False)
            self.refs.extend(ext.tree.marker.refs)
            self.ids[path] = ext.tree.ids
            if path in self.text_set:
                calls = self.text_calls[path]
                missing = [c for c in calls if c not in ext.tree.marker.calls_seen
                           and not any(r.target == calls[c] and r.source == path for r in ext.tree.marker.refs)]
                for call in missing:
                    note = self.sources[calls[call] + ".md"]
                    self.fail(EditionError(f"docs/{note.path}", note.meta_line("call"),
                                           f"page de note sans appel : le texte n’a pas d’appel « {call} » ([^{call}] ou lien vers cette page)"))
        self.archives.finish()
        self.ecarts = ecarts.read(self)
        self.call_order = []
        self.text_notes: dict[str, list[str]] = {}  # text -> its notes, in the order of their calls
        for text in self.texts:
            order = self.text_notes[text] = []
            for ref in self.refs:
                if ref.source == text and self.is_note(ref.target) and self.text_of(ref.target) == text \
                        and ref.target not in order:
                    order.append(ref.target)
            for key in sorted(k for k in self.entries if self.is_note(k) and self.text_of(k) == text):
                if key not in order:
                    order.append(key)
            self.call_order += order
        for key in self.call_order:
            for wid in self.entries[key].get("cites") or []:
                if str(wid) in self.works:
                    self.works[str(wid)].cited_by.append(key)

    def _parser(self, ext: "_IndexExt") -> markdown.Markdown:
        if self.markdown is None:
            return markdown.Markdown(extensions=BASE_EXTENSIONS + [ext])
        extensions, configs = self.markdown
        md = markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs))
        for registry, names in EDITION_PROCESSORS.items():
            for name in names:
                if name in getattr(md, registry):
                    getattr(md, registry).deregister(name)
        md.registerExtensions([ext], {})
        self.trees = {}
        return md

    def _text(self, src: Source) -> str:
        """The Markdown the index reads: the body, as MkDocs gives it to its parser (without
        the blank lines after the front matter) when the index reads with the host's parser."""
        return src.body if self.markdown is None else src.body.lstrip("\n")

    def take_tree(self, page: str, source: str) -> tuple | None:
        """The tree the index kept for ``page``, if it read the same ``source``; once."""
        if not self.trees or page not in self.trees or self._text(self.sources[page]) != source:
            return None
        return self.trees.pop(page)

    def _check_links_in_meta(self, src: Source) -> None:
        listed = lambda name: src.meta.get(name) if isinstance(src.meta.get(name), list) else []  # noqa: E731 (else: reported by validate)
        for slug in listed("related"):
            if f"glossaire/{slug}" not in self.entries:
                self.fail(EditionError(f"docs/{src.path}", src.line_of(str(slug), src.meta_line("related")),
                                   f"« related » cite « {slug} », qui n’existe pas dans le glossaire : créez docs/glossaire/{slug}.md ou corrigez"))
        for wid in listed("cites"):
            if str(wid) not in self.works:
                self.fail(EditionError(f"docs/{src.path}", src.line_of(str(wid), src.meta_line("cites")),
                                   f"« cites » cite « {wid} », absent de la bibliographie : ajoutez-le à « works » dans docs/bibliographie.md"))

    def _declare_archives(self, src: Source) -> None:
        """The archive year (and date, when known) of each address in the page's ``sources``."""
        items = src.meta.get("sources") if isinstance(src.meta.get("sources"), list) else []
        for item in items:
            if not isinstance(item, dict) or not item.get("url"):
                continue
            url = str(item["url"])
            line = src.line_of(url, src.meta_line("sources"))
            if item.get("date") is not None:
                self.archives.date(url, item["date"], f"docs/{src.path}", line)
            if item.get("year") is not None:
                self.archives.declare(url, item["year"], f"docs/{src.path}", line,
                                      "écrivez « year: {year} » ici aussi")

    def _declare_work_archives(self) -> None:
        src = self.sources.get("bibliographie.md")
        for work in self.works.values():
            url = work.data.get("URL")
            if not url:
                continue
            line = src.line_of(str(url), work.line) if src else work.line
            if work.data.get("issued"):
                self.archives.date(str(url), work.data["issued"], "docs/bibliographie.md", line)
            if work.data.get("archive-year"):
                self.archives.declare(str(url), work.data["archive-year"], "docs/bibliographie.md", line,
                                      "écrivez « archive-year: {year} » ici aussi")

    def archive_year(self, url: str) -> str | None:
        """The year of the one archived copy of ``url`` in the edition."""
        return self.archives.year(url)

    # -- queries ------------------------------------------------------------
    def is_note(self, key: str) -> bool:
        return self.sections.get(key + ".md") == "note"

    def text_of(self, key: str) -> str:
        """The text a note belongs to: ``notes/3`` → the first text, ``textes/x/notes/1`` →
        ``textes/x.md``."""
        head, sep, _ = key.rpartition("/notes/")
        return head + ".md" if sep else self.text_page

    def notes_dir(self, text: str) -> str:
        """Where a text's note pages live: ``notes/`` for the first, ``textes/x/notes/`` else."""
        return "notes/" if text == self.text_page else text[:-3] + "/notes/"

    def witness_of(self, key: str) -> list[etree.Element] | None:
        """The author's note that note page ``key`` comments, as its text gives it."""
        return self.witnesses.get(self.text_of(key), {}).get(str(self.entries[key]["call"]))

    def text_of_ref(self, ref: Ref) -> str | None:
        """The text an occurrence belongs to: its text, or its note's; None elsewhere."""
        if ref.source in self.text_set:
            return ref.source
        if self.sections.get(ref.source) == "note":
            return self.text_of(ref.source[:-3])
        return None

    def page_for_body(self, lines: list[str]) -> str | None:
        return self._body_lookup.get(_normal("\n".join(lines)))

    def preview_id(self, key: str) -> str:
        return "apercu-" + key.replace("/", "-")

    def archive_link(self, url: str, year: str) -> etree.Element:
        a = etree.Element("a", {
            "href": self.archive_url.format(year=year, url=url),
            "class": "ed-archive ed-generated",
            "rel": "external noreferrer",
            "aria-label": "archive (copie sur web.archive.org)",
            "data-search-exclude": "",
        })
        a.text = "archive"
        return a

    def lang_of(self, text: str, page: str) -> str | None:
        if text in self._lang:
            return self._lang[text]
        src = self.sources.get(page)
        if src and text in [str(x) for x in src.meta.get("en") or []]:
            return "en"
        return None

    def lang_pattern(self, page: str):
        if page not in self._patterns:
            phrases = set(self._lang)
            src = self.sources.get(page)
            if src:
                phrases |= {str(x) for x in src.meta.get("en") or []}
            if phrases:
                alt = "|".join(re.escape(p) for p in sorted(phrases, key=lambda p: (-len(p), p)))
                self._patterns[page] = re.compile(rf"(?<!\w)({alt})(?!\w)")
            else:
                self._patterns[page] = None
        return self._patterns[page]

    def refs_to(self, key: str) -> list[Ref]:
        """References to ``key``: the text first, then notes, glossary, names; document order."""
        if self._by_target is None:
            self._by_target = {}
            for ref in self.refs:
                self._by_target.setdefault(ref.target, []).append(ref)
            for refs in self._by_target.values():
                refs.sort(key=lambda r: self.rank(r.source))  # stable: keeps document order
        return list(self._by_target.get(key, []))

    def rank(self, path: str) -> tuple:
        if path in self.text_set:
            return (0, self.texts.index(path), "")
        key = path[:-3]
        if self._call_rank is None or len(self._call_rank) != len(self.call_order):
            self._call_rank = {k: i for i, k in enumerate(self.call_order)}
        if key in self._call_rank:
            return (1, self._call_rank[key], "")
        if path.startswith("glossaire/"):
            return (2, 0, path)
        if path.startswith("noms/"):
            return (3, 0, path)
        return (4, 0, path)

    def text_part(self, anchor: str) -> str | None:
        """What a part of the text is called: « §\u00a03 », « note\u00a03 », « épigraphe », or
        the name the text's ``parts`` gives its anchor; None for the text as a whole."""
        if anchor[:1] == "p" and anchor[1:].isdigit():
            return f"§\u00a0{anchor[1:]}"
        if anchor.startswith("note-"):
            return f"note\u00a0{anchor[5:]}"
        return self.parts.get(anchor)

    def label(self, ref: Ref) -> str:
        src = self.sources[ref.source]
        section = self.sections.get(ref.source)
        if ref.source in self.text_set:
            part = self.text_part(ref.anchor)
            return f"{src.title}, {part}" if part else src.title
        if section == "note":
            return self.note_label(src.key)
        if section == "glossaire":
            return f"Glossaire\u00a0: {src.title}"
        if section == "nom":
            return f"Index des noms\u00a0: {src.title}"
        return src.title

    def note_label(self, key: str) -> str:
        call = str(self.entries[key]["call"])
        label = "Note astérisque" if not call.isdigit() else f"Note\u00a0{call}"
        text = self.text_of(key)
        if text != self.text_page and text in self.sources:  # another text's: say which
            label += f" ({self.sources[text].title})"
        return label


# Parts of a text that have a name without the text's front matter saying it.
DEFAULT_PARTS = {"epigraphe": "épigraphe"}


def _anchor_re(parts: dict) -> re.Pattern:
    """The ids that locate a reference in the text: paragraphs, notes and named parts."""
    names = "|".join(re.escape(k) for k in sorted(parts, key=lambda k: (-len(k), k)))
    return re.compile(r"p\d+|note-\w+" + (f"|{names}" if names else ""))


def _parse(md: markdown.Markdown, source: str, last=None) -> None:
    """What ``md.convert`` does up to its tree processors, and up to ``last`` of them: the index
    reads the tree they leave and never needs the HTML (serialising every page a second time was
    a tenth of the pass), nor what later ones (``toc``, ``unescape``) do."""
    if not source.strip():
        return  # (as convert: no tree processor runs on an empty body)
    md.lines = source.split("\n")
    for prep in md.preprocessors:
        md.lines = prep.run(md.lines)
    root = md.parser.parseDocument(md.lines).getroot()
    for treeprocessor in md.treeprocessors:
        new_root = treeprocessor.run(root)
        if new_root is not None:
            root = new_root
        if treeprocessor is last:
            break


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").expandtabs(4).strip("\n").split("\n"))


_CACHE: dict[str, tuple[tuple, Catalog]] = {}


def signature(docs_dir: Path) -> tuple:
    out = []
    for p in sorted(docs_dir.rglob("*.md")):
        st = p.stat()
        out.append((p.as_posix(), st.st_mtime_ns, st.st_size))
    return tuple(out)


def get_catalog(docs_dir: Path, text_page: str, archive_url: str, markdown: tuple | None = None) -> Catalog:
    """The catalog for docs_dir, rebuilt only when a source changed. ``markdown``: the host's
    (extensions, extension_configs), see :class:`Catalog`."""
    docs_dir = Path(docs_dir).resolve()
    sig = (signature(docs_dir), text_page, archive_url, repr(markdown))
    cached = _CACHE.get(str(docs_dir))
    if cached and cached[0] == sig:
        return cached[1]
    catalog = Catalog(docs_dir, text_page, archive_url, markdown=markdown).build()
    _CACHE[str(docs_dir)] = (sig, catalog)
    return catalog
