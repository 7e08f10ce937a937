"""The ``edition`` Python-Markdown extension.

Index first, render second: when it first runs, the extension reads every source
under ``docs_dir`` once (see :mod:`edition.index`); each page is then rendered
with the previews, backlinks and lists that the index knows. Nothing here depends
on MkDocs: under MkDocs (or ProperDocs) the page being rendered is read from the
``relpath`` tree processor; elsewhere it is found by matching the page's body.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from pathlib import Path
from urllib.parse import urlunsplit

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from . import ecarts, render
from .index import DIRECTIVE_TOKEN, DirectivePreprocessor, get_catalog, restore
from .refs import Marker, add_class, classes, insert_aliases, skip_in_snippet, text_with_marker


_BUILD: list = [None, None]  # [MkDocs Files object of the current build, its catalog]


class _PagePreprocessor(Preprocessor):
    """Finds which source is being rendered, before anything changes the lines."""

    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, lines):
        ext = self.ext
        ext.page = None
        relpath = self.md.treeprocessors["relpath"] if "relpath" in self.md.treeprocessors else None
        file = getattr(relpath, "file", None)
        docs_dir = Path(ext.getConfig("docs_dir"))
        if file is not None and getattr(file, "abs_src_path", None) and file.src_uri.endswith(".md"):
            abs_src = Path(file.abs_src_path)
            docs_dir = abs_src.parents[len(Path(file.src_uri).parts) - 1]
            ext.page = file.src_uri
        # The stem of download file names: the option, else mkdocs.yml `extra.edition.files`.
        config = getattr(relpath, "config", None) or {}
        ext.files = ext.getConfig("files") or str(((config.get("extra") or {}).get("edition") or {}).get("files") or "")
        # One MkDocs build renders every page with the same Files object: reuse its catalog
        # without listing the sources again (a new build, e.g. under `mkdocs serve`, checks them).
        files = getattr(relpath, "files", None)
        if files is not None and _BUILD[0] is files:
            ext.catalog = _BUILD[1]
        else:
            ext.catalog = get_catalog(docs_dir, ext.getConfig("text_page"), ext.getConfig("archive_url"),
                                      _host_markdown(config))
            if files is not None:
                _BUILD[:] = [files, ext.catalog]
        if ext.page is None:
            ext.page = ext.getConfig("page") or ext.catalog.page_for_body(lines) or ""
        # The index read this page with the same parser (the host's extensions): its tree, kept
        # then, replaces this reading (see _SkipPreprocessor and _EditionTree).
        ext.tree = ext.catalog.take_tree(ext.page, "\n".join(lines)) if ext.page else None
        ext.unsearched = set()
        page = getattr(file, "page", None)
        ext.host_page = page if page is not None and getattr(page, "file", None) is file else None
        if ext.host_page is not None:
            ext.host_page.edition_tail = ""
        return lines


_TARGETS: list = [None, {}]  # [MkDocs Files object of the current build, {docs path: its File}]
# A link that MkDocs' path_to_url reads as a plain relative path to a source and an anchor.
_PLAIN_LINK = re.compile(r"[\w.~/-]+\.md(?:#[\w.~-]+)?")


def _mkdocs_url(relpath, page: str):
    """MkDocs' rewriting of a link of ``page`` (its ``relpath`` tree processor), as
    ``url(href, target, frag) -> address``: ``href`` as the page's Markdown would write it,
    ``target`` the docs path it names, ``frag`` its anchor. What ``path_to_url`` does for such
    a link, without working out the target again: the address MkDocs writes (its own
    ``get_relative_url`` and ``urlunsplit``) and the anchor recorded for its check of anchors
    (``links_to_anchors``). Anything else (a target MkDocs does not know or leaves out, an
    unusual address) goes through ``path_to_url`` itself. None when the host is not MkDocs."""
    path_to_url = getattr(relpath, "path_to_url", None)
    file, files = getattr(relpath, "file", None), getattr(relpath, "files", None)
    anchors = getattr(relpath, "links_to_anchors", None)
    if path_to_url is None or file is None or files is None or not isinstance(anchors, dict) \
            or getattr(file, "src_uri", None) != page:
        return None
    try:
        from mkdocs.utils import get_relative_url
    except ImportError:
        return None
    if _TARGETS[0] is not files:
        _TARGETS[:] = [files, {}]
    targets, here = _TARGETS[1], file.url

    def url(href: str, target: str, frag: str) -> str:
        if target not in targets:
            found = files.get_file_from_path(target)
            plain = found is not None and posixpath.normpath(target) == target and not found.inclusion.is_excluded()
            targets[target] = found if plain else None
        target_file = targets[target]
        if target_file is None or not _PLAIN_LINK.fullmatch(href):
            return path_to_url(href)
        if frag:
            anchors.setdefault(target_file, {}).setdefault(frag, href)
        return urlunsplit(("", "", get_relative_url(target_file.url, here), "", frag))

    return url


def _host_markdown(config) -> tuple | None:
    """The host's Markdown extensions and their options, when it says them (MkDocs does)."""
    try:
        extensions, configs = config["markdown_extensions"], config["mdx_configs"]
    except (KeyError, TypeError):
        return None
    if not isinstance(extensions, list) or not all(isinstance(e, str) for e in extensions):
        return None
    return tuple(extensions), dict(configs or {})


class _SkipPreprocessor(Preprocessor):
    """Last of the preprocessors (after every other one has seen the page, e.g. MkDocs' reading
    of its HTML ids): when the index kept the page's tree, nothing is left to parse."""

    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, lines):
        return [] if self.ext.tree is not None else lines


class _EditionTree(Treeprocessor):
    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, root):
        ext = self.ext
        if getattr(ext, "tree", None) is not None:  # the index's tree, as the processors before this one leave it
            restore(self.md, root, ext.tree)
            ext.tree = None
        catalog, page = ext.catalog, ext.page
        marker = Marker(catalog, page, render=True)
        marker.run(root)
        self.directives(root, catalog, page)
        src = catalog.sources.get(page)
        section = src.section if src else None
        if section in ("glossaire", "nom"):
            self.entry_page(root, catalog, src)
        elif section == "note":
            self.note_page(root, catalog, src)
        marked = ecarts.mark_text(catalog, root, page) if page in catalog.text_set else []
        if page in catalog.text_set:
            self.paragraph_numbers(root)
            self.first_mentions(root)
            self.notes_anchor(root)
            self.search_units(root, src.title if src else "")
        previews = render.previews_html(catalog, marker.used, self.md.serializer)
        if marked:  # the findings marked in the text, with the other previews (not cached: one page)
            box = render.el("div", cls="ed-previews", hidden="hidden", data_search_exclude="")
            for ecart in marked:
                ecarts.preview(catalog, ecart, box)
            extra = "".join(self.md.serializer(child) for child in box)
            previews = previews[:-len("</div>")] + extra + "</div>" if previews else \
                self.md.serializer(box)
        if previews:  # (raw HTML: the same previews recur on many pages, made once per build)
            holder = etree.SubElement(root, "p")
            holder.text = self.md.htmlStash.store(previews)
            if getattr(ext, "unsearched", None) is not None:
                ext.unsearched.add(holder)  # (its HTML is a data-search-exclude box)

    def directives(self, root, catalog, page):
        for parent in list(root.iter()):
            for i, child in enumerate(list(parent)):
                if child.tag == "p" and (child.text or "").startswith(DIRECTIVE_TOKEN) and not len(child):
                    name = child.text[len(DIRECTIVE_TOKEN):].strip()
                    renderer = render.DIRECTIVE_RENDERERS[name]
                    if renderer is render.bibliography:  # (its export is a download: named like the others)
                        new = renderer(catalog, page, files=getattr(self.ext, "files", ""))
                    else:
                        new = renderer(catalog, page)
                    idx = list(parent).index(child)
                    parent.remove(child)
                    for j, node in enumerate(new):
                        parent.insert(idx + j, node)

    def raw_links(self) -> render.RawLinks | None:
        """Under MkDocs, generated lists of links go into the page as raw HTML with the
        addresses MkDocs gives them (see :func:`_mkdocs_url`); elsewhere (no ``relpath``),
        they stay elements."""
        relpath = self.md.treeprocessors["relpath"] if "relpath" in self.md.treeprocessors else None
        url = _mkdocs_url(relpath, self.ext.page)
        if url is None:
            return None

        def holder(html: str) -> etree.Element:
            p = etree.Element("p")
            p.text = self.md.htmlStash.store(html)
            return p

        return render.RawLinks(self.md.serializer, url, holder)

    def title(self, root, src):
        """The page's h1, from its front matter (with the term's language), unless the body has one."""
        if any(el.tag == "h1" for el in root.iter()):
            return
        h1 = render.el("h1", src.title, id="titre")
        if src.meta.get("lang"):
            h1.set("lang", str(src.meta["lang"]))
        root.insert(0, h1)

    def entry_page(self, root, catalog, src):
        root.insert(0, render.definition_block(src.meta))
        self.title(root, src)
        for node in render.related_block(catalog, src.meta, src.path):
            root.append(node)
        for node in render.sources_block(catalog, src.meta.get("sources") or []):
            root.append(node)
        for node in render.backlinks_block(catalog, src.key, src.path, raw=self.raw_links()):
            root.append(node)

    def note_page(self, root, catalog, src):
        for i, node in enumerate(render.note_head(catalog, src.key, src.path)):
            root.insert(i, node)
        self.title(root, src)
        for node in render.sources_block(catalog, src.meta.get("sources") or []):
            root.append(node)
        calls = {r.id for r in catalog.refs_to(src.key) if r.source == catalog.text_of(src.key)}
        others = [r for r in catalog.refs_to(src.key) if r.id not in calls]
        if others:
            for node in render.backlinks_block(catalog, src.key, src.path, exclude=calls, raw=self.raw_links()):
                root.append(node)
        root.append(render.prevnext(catalog, src.key, src.path))

    def paragraph_numbers(self, root):
        for p in root.iter("p"):
            m = re.fullmatch(r"p(\d+)", p.get("id") or "")
            if not m:
                continue
            n = m.group(1)
            a = render.el("a", None, href=f"#p{n}", cls="ed-parnum ed-generated",
                          title=f"Lien vers le paragraphe {n}", data_search_exclude="")
            render.el("span", "Paragraphe ", a, cls="ed-sr")
            render.el("span", n, a).tail = None
            a.tail = p.text
            p.text = None
            p.insert(0, a)
            add_class(p, "ed-par")


    def first_mentions(self, root):
        """Reading modes (« Annotations : toutes · premières mentions · aucune »): on the text
        page an entry is a link at its first mention only, the default that applies without
        JavaScript. Later mentions stay marked, as a ``span`` with the same class, id and
        preview, so that an entry's backlinks still land on them; the « toutes » mode of
        edition.js makes them links again (with the first mention's address)."""
        seen = set()
        for a in root.iter("a"):
            cls = classes(a)
            if "ed-ref" not in cls or "ed-ref--notes" in cls or "ed-ref--ecart" in cls or not a.get("href"):
                continue
            key = a.get("aria-describedby")
            if key in seen:
                a.tag = "span"
                del a.attrib["href"]
            else:
                seen.add(key)
                add_class(a, "ed-ref--first")

    def search_units(self, root, title):
        """Each paragraph, the epigraph and each of the author's notes is a search result of
        its own (``data-edition-unit``: its title), found at its own address; the step
        ``publish.search`` turns them into entries of the search index."""
        parents = {child: parent for parent in root.iter() for child in parent}
        for el in list(root.iter()):
            eid = el.get("id") or ""
            m = re.fullmatch(r"p(\d+)|note-(\w+)|(epigraphe)", eid)
            if not m or (m.group(1) and "ed-par" not in classes(el)) or (m.group(2) and el.tag != "li"):
                continue
            what = f"§\u00a0{m.group(1)}" if m.group(1) else f"note\u00a0{m.group(2)}" if m.group(2) else "épigraphe"
            if m.group(3) and parents.get(el) is not None and parents[el].tag == "blockquote":
                el = parents[el]  # the quotation and its attribution (whose id is the address)
            el.set("data-edition-unit", f"{title}, {what}")

    def notes_anchor(self, root):
        """The author's notes (the footnotes block) get an address: ``#notes``."""
        for div in root.iter("div"):
            if "footnote" in classes(div) and not div.get("id"):
                div.set("id", "notes")


class _TocTree(Treeprocessor):
    """The text page's table of contents lists its paragraphs (§ 1 …) under the passage's
    heading, then the author's notes. Runs after ``toc`` (priority 5), adding to the
    ``toc_tokens`` that MkDocs and its successors read for the page's table of contents."""

    WORDS = 5

    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, root):
        catalog = self.ext.catalog
        if catalog is None or self.ext.page not in catalog.text_set:
            return
        tokens = getattr(self.md, "toc_tokens", None)
        if tokens is None:
            return
        parent = next((t for t in _walk(tokens) if t["id"] == "passage"), None)
        # The list holding the passage's heading (under the page's h1, which Material leaves
        # out of the sidebar), where « Notes de l’auteur » goes too.
        siblings = next((t["children"] for t in _walk(tokens) if parent in t["children"]), tokens)
        level = parent["level"] if parent else 2
        for p in root.iter("p"):
            if "ed-par" not in classes(p) or not re.fullmatch(r"p\d+", p.get("id") or ""):
                continue
            n = p.get("id")[1:]
            words, shown = text_with_marker(p, p, skip_in_snippet)[0].split(), []
            for w in words:  # the first words that have letters (« and » do not count)
                shown.append(w)
                if sum(any(c.isalpha() for c in x) for x in shown) == self.WORDS:
                    break
            more = "…" if len(shown) < len(words) else ""
            label = _escape(f"§\u00a0{n}\u2002" + " ".join(shown) + more)
            token = {"level": level + 1, "id": p.get("id"), "name": label, "html": label, "children": []}
            (parent["children"] if parent else siblings).append(token)
        if any(el.get("id") == "notes" for el in root.iter("div")):
            siblings.append({"level": level, "id": "notes", "name": "Notes de l’auteur",
                             "html": "Notes de l’auteur", "children": []})


# Where the page's HTML splits into what search reads and the unsearched end (see _TailTree).
TAIL = "\x02edition:tail\x03"  # (STX and ETX: Python-Markdown removes them from every source)
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _TailTree(Treeprocessor):
    """Option ``tail_in_template``: the end of the page that Material's search leaves out
    whole (the « Renvois » of an entry or a note, the hidden previews: sections whose heading
    and boxes are marked ``data-search-exclude``) is handed to the page's template apart from
    its content, which the search plugin parses before the template writes the two together
    (``overrides/partials/content.html``): same page, same search index, less HTML parsed for nothing.
    Last of the tree processors: marks where the end begins; _TailPost cuts there."""

    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, root):
        ext = self.ext
        if not ext.getConfig("tail_in_template") or ext.host_page is None:
            return
        excluded, sections = False, []  # is each top-level element in an unsearched section?
        for child in root:
            if child.tag in HEADINGS and child.get("id") is not None:
                excluded = "data-search-exclude" in child.attrib
            sections.append(excluded)
        start = len(root)
        for i in range(len(root) - 1, 0, -1):  # the longest unsearched end
            child = root[i]
            if not (sections[i] or "data-search-exclude" in child.attrib or child in ext.unsearched) \
                    or any(el.tag in HEADINGS and el.get("id") is not None and "data-search-exclude" not in el.attrib
                           for el in child.iter() if el is not child):
                break
            start = i
        # (never the first element: a page whose whole content is unsearched is still one
        # entry of Material's search, its title, made from its first tag)
        if start == len(root):
            return
        root[start - 1].tail = (root[start - 1].tail or "") + TAIL


class _TailPost(Postprocessor):
    """Cuts the page's HTML where _TailTree marked it; the end goes to the host's page
    (``page.edition_tail``), the template adds it after ``page.content``."""

    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, text):
        if TAIL in text and self.ext.host_page is not None:
            head, _, tail = text.partition(TAIL)
            # Python-Markdown strips the whole page's HTML: the head is now stripped alone.
            body = head.rstrip()
            self.ext.host_page.edition_tail = (head[len(body):] + tail).rstrip()
            return body
        return text


def _walk(tokens):
    for t in tokens:
        yield t
        yield from _walk(t.get("children") or [])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _AliasTree(Treeprocessor):
    """``aliases: {ancienne-ancre: nouvelle-ancre}`` in a page's front matter: the old
    anchor keeps working. Runs with ``toc`` (priority 5, registered after it), so that
    headings have their ids, and before MkDocs collects the page's anchors."""

    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, root):
        src = self.ext.catalog.sources.get(self.ext.page) if self.ext.catalog else None
        if src is not None:
            insert_aliases(root, src.meta.get("aliases"))


class EditionExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "docs_dir": ["docs", "Dossier des sources (relatif au dossier courant) quand l’hôte ne le dit pas"],
            "text_page": ["texte.md", "La page du passage, relative à docs_dir"],
            "archive_url": ["https://web.archive.org/web/{year}/{url}", "Modèle du lien d’archive"],
            "page": ["", "Page en cours, pour l’usage hors MkDocs (sinon détectée)"],
            "files": ["", "Début du nom des fichiers téléchargés (sinon extra.edition.files de mkdocs.yml)"],
            "tail_in_template": [False, "La fin de page que la recherche ignore (renvois, aperçus) passe au "
                                        "gabarit à part (page.edition_tail), que le gabarit remet après le contenu"],
        }
        super().__init__(**kwargs)
        self.catalog = None
        self.page = None
        self.files = ""
        self.tree = None  # the index's tree of the page being rendered (index.Catalog.trees)
        self.unsearched: set = set()  # elements whose raw HTML search leaves out (the previews)
        self.host_page = None  # MkDocs' page being rendered, when the host has one

    def extendMarkdown(self, md):
        md.registerExtension(self)
        md.preprocessors.register(_PagePreprocessor(md, self), "edition-page", 40)
        md.preprocessors.register(DirectivePreprocessor(md, lambda: self.page), "edition-directives", 25)
        md.preprocessors.register(_SkipPreprocessor(md, self), "edition-skip", -100)
        md.treeprocessors.register(_EditionTree(md, self), "edition", 6)
        md.treeprocessors.register(_AliasTree(md, self), "edition-aliases", 5)
        md.treeprocessors.register(_TocTree(md, self), "edition-toc", 4)
        md.treeprocessors.register(_TailTree(md, self), "edition-tail", -100)
        md.postprocessors.register(_TailPost(md, self), "edition-tail", -100)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point name
    return EditionExtension(**kwargs)
