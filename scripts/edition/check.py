"""Check the edition's sources before building: one line per problem, for the editor.

    python -m edition.check [docs_dir]          (scripts/ on sys.path; ``make check``)
    python -m edition.check --enregistrer        add today's pages and anchors to published.yml

Every problem is printed on stderr as ``docs/fichier.md:LIGNE: problème : que faire`` (in
French, for the editor, never a Python traceback); the exit status is 1 if there is any,
else 0 with one line « contenu vérifié : … » on stdout. ``scripts/build.py`` runs
:func:`main` before MkDocs.

What is checked, on top of what the catalog already validates while it reads the sources
(front matter, required fields, sources, ``related``, ``cites``, note calls and note pages,
references to entries, external links without ``data-archive``, duplicate anchors):

- every page is rendered once as the site will render it, so that its anchors are known;
  then every internal link must lead to an existing page and anchor;
- links that MkDocs would reject (absolute, empty, unknown scheme, folder);
- footnote calls without note text and note texts without call;
- external links of an entry or note page must be among its ``sources``;
- bibliography: every work cited by a note, URL in http(s) with its ``archive-year``;
- glossary and name entries: referenced somewhere, unless ``general: true``;
- unknown front matter fields (typos), file names of entries;
- published addresses (``published.yml`` next to ``docs/``): every page and anchor that has
  circulated still exists, or is redirected (``redirects:``) or aliased (``aliases:``).

:func:`write_redirects` (a post-build step) writes the pages that send the old addresses of
``redirects:`` to the new ones; aliases are written by the extension itself.
"""

from __future__ import annotations

import argparse
import difflib
import posixpath
import re
import sys
import traceback
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import yaml

from .content import EditionError, Source
from .refs import SECTION_DIRS, classes, relative

REGISTRY = "published.yml"

# Front matter fields the edition or MkDocs/Material understand, per kind of page.
MKDOCS_FIELDS = {"title", "description", "hide", "template", "search", "status", "tags", "icon",
                 "subtitle", "aliases", "en"}
ENTRY_FIELDS = MKDOCS_FIELDS | {"short", "lang", "sort", "forms", "definition", "related", "general", "sources", "ecarts"}
FIELDS = {
    "glossaire": ENTRY_FIELDS,
    "nom": ENTRY_FIELDS | {"kind"},
    "note": MKDOCS_FIELDS | {"call", "cites", "constat", "sources", "definition", "ecarts"},
}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
# ids that the edition generates for each reference; they are not addresses to keep.
GENERATED_ID = re.compile(r"(ref-|apercu-|fnref|fn:)")


class Problems:
    """The problems found, without duplicates."""

    def __init__(self):
        self.items: list[tuple[str, int, str]] = []
        self._seen: set[str] = set()

    def add(self, path: str, line: int | None, message: str) -> None:
        item = (path, line or (1 if path.endswith((".md", ".yml")) else 0), message)
        key = f"{item[0]}:{item[1]}: {item[2]}"
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(item)

    def add_error(self, error: EditionError, sources=None) -> None:
        # (MkDocs' BuildError overwrites ``message`` with the whole text: take it from str().)
        text, where = str(error), f"{error.path}:{error.line}" if error.line else error.path
        message = text[len(where) + 2:] if text.startswith(where + ": ") else text
        line = error.line
        src = (sources or {}).get(error.path[5:]) if error.path.startswith("docs/") else None
        quoted = re.search(r"« ([^»]+) »", message)
        if not line and src is not None and quoted and quoted.group(1) in src.text:
            line = src.line_of(quoted.group(1))  # e.g. an unknown directive: the line that names it
        self.add(error.path, line, message)

    def lines(self) -> list[str]:
        order = sorted(self.items, key=lambda i: (i[0] != REGISTRY, i[0], i[1]))
        return [f"{path}:{line}: {message}" if line else f"{path}: {message}" for path, line, message in order]

    def __len__(self):
        return len(self.items)


# --------------------------------------------------------------------------- render pass

class _Page:
    """What the check learns from rendering one page as the site does."""

    def __init__(self, catalog, page):
        self.catalog, self.page = catalog, page
        self.links: list[tuple[str, str, list[str]]] = []  # (tag, href, classes)
        self.body: set = set()
        self.ids: list[str] = []
        self.stable_ids: list[str] = []  # anchors the editor wrote ({: #p3 }, note calls), not generated ones
        self.calls_without_text: list[str] = []
        self.texts_without_call: list[str] = []
        self.ok = False


class _Stop(Exception):
    """Raised once a page's tree is complete: the check needs no HTML text."""


class _Runner:
    """One Markdown converter for every page (``page`` and ``probe`` change between pages)."""

    def __init__(self, catalog, extensions):
        import markdown

        self.catalog, self.page, self.probe = catalog, "", None
        self.md = markdown.Markdown(extensions=[n for n, _ in extensions] + [_probe_extension(self)],
                                    extension_configs={n: o for n, o in extensions})

    def render(self, path: str, body: str) -> _Page:
        self.page, self.probe = path, _Page(self.catalog, path)
        self.md.reset()
        try:
            self.md.convert(body)
        except _Stop:
            pass
        self.probe.ok = True
        return self.probe


def _probe_extension(runner: _Runner):
    from markdown.extensions import Extension
    from markdown.treeprocessors import Treeprocessor

    from .extension import _AliasTree, _EditionTree
    from .index import DirectivePreprocessor

    class Before(Treeprocessor):
        def run(self, root):
            probe = runner.probe
            probe.body = {el for el in root.iter() if el.get("id")}  # ids the editor wrote
            calls = {el.get("id", "").split(":", 1)[-1] for el in root.iter("sup")
                     if el.get("id", "").startswith("fnref")}
            for el in root.iter():
                if el.tag == "a" and "footnote-backref" not in classes(el) \
                        and "footnote-ref" not in classes(el):
                    probe.links.append(("a", el.get("href"), classes(el)))
                elif el.tag == "img":
                    probe.links.append(("img", el.get("src"), []))
                elif el.tag == "li" and el.get("id", "").startswith("fn:"):
                    if el.get("id")[3:] not in calls:
                        probe.texts_without_call.append(el.get("id")[3:])
            for text in _texts(root):
                probe.calls_without_text += FOOTNOTE_CALL.findall(text)

    class After(Treeprocessor):
        def run(self, root):
            probe = runner.probe
            probe.ids = [el.get("id") for el in root.iter() if el.get("id")]
            probe.stable_ids = [el.get("id") for el in root.iter()
                                if el.get("id") and el in probe.body and not GENERATED_ID.match(el.get("id"))]
            raise _Stop

    class Probe(Extension):
        def extendMarkdown(self, md):
            md.preprocessors.register(DirectivePreprocessor(md, lambda: runner.page), "edition-directives", 25)
            md.treeprocessors.register(Before(md), "check-before", 7)
            md.treeprocessors.register(_EditionTree(md, runner), "edition", 6)
            md.treeprocessors.register(_AliasTree(md, runner), "edition-aliases", 5)
            md.treeprocessors.register(After(md), "check-after", 1)

    return Probe()


def _texts(root):
    """Text nodes of the tree, outside code."""
    def walk(el):
        if el.tag in ("code", "pre", "script", "style"):
            if el.tail:
                yield el.tail
            return
        if el.text:
            yield el.text
        for child in el:
            yield from walk(child)
        if el.tail:
            yield el.tail
    yield from walk(root)


def markdown_extensions(root: Path) -> list:
    """The site's Markdown extensions (from mkdocs.yml), without ``edition`` itself."""
    import markdown

    default = ["abbr", "attr_list", "md_in_html", "footnotes", "toc", "tables"]
    config = {}
    try:
        loader = type("Loader", (yaml.SafeLoader,), {})
        loader.add_multi_constructor("", lambda loader, suffix, node: None)
        config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader) or {}
    except (OSError, yaml.YAMLError):
        pass
    wanted: list = []
    for item in config.get("markdown_extensions") or default:
        name, options = (next(iter(item.items())) if isinstance(item, dict) else (item, None))
        if name == "edition":
            continue
        wanted.append((str(name), options or {}))
    if not any(name == "toc" for name, _ in wanted):
        wanted.insert(0, ("toc", {}))
    usable = []
    for name, options in wanted:
        try:
            markdown.Markdown(extensions=[name], extension_configs={name: options})
        except Exception:  # an extension this machine lacks: render without it
            continue
        usable.append((name, options))
    return usable


def render_pages(catalog, root: Path, problems: Problems) -> dict[str, _Page]:
    runner = _Runner(catalog, markdown_extensions(root))
    pages = {}
    for path, src in catalog.sources.items():
        try:
            pages[path] = runner.render(path, src.body)
        except EditionError as error:
            catalog.fail(error)
            pages[path] = runner.probe
        except Exception as exc:  # noqa: BLE001 - reported as one line, never a traceback
            if not catalog.errors and not len(problems):
                problems.add(f"docs/{path}", None, _unexpected(exc))
            pages[path] = runner.probe
    return pages


def _unexpected(exc: BaseException) -> str:
    return (f"erreur inattendue en lisant cette page ({type(exc).__name__} : {exc}) : "
            "vérifiez ce qui vient d’y être modifié (front matter, liens, attributs {…})")


# --------------------------------------------------------------------------- checks

def check_fields(src: Source, problems: Problems) -> None:
    where = f"docs/{src.path}"
    if src.meta.get("_broken"):
        return
    known = FIELDS.get(src.section or "")
    if known:
        for name in src.meta:
            if name in known:
                continue
            close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.7)
            hint = f"vouliez-vous dire « {close[0]} » ?" if close else \
                f"champs possibles : {', '.join(sorted(known - MKDOCS_FIELDS))}"
            problems.add(where, src.meta_line(str(name)), f"champ « {name} » inconnu : {hint}")
        if src.section in ("glossaire", "nom"):
            stem = PurePosixPath(src.path).stem
            if not SLUG.fullmatch(stem):
                problems.add(where, 1, f"nom de fichier « {stem}.md » : utilisez des minuscules sans accents, "
                                       "des chiffres et des tirets, par exemple « video-surveillance.md »")
    if "general" in src.meta and not isinstance(src.meta["general"], bool):
        problems.add(where, src.meta_line("general"), "« general » doit valoir true ou false")
    aliases = src.meta.get("aliases")
    if aliases is not None and (not isinstance(aliases, dict) or
                                not all(isinstance(v, (str, int)) for v in aliases.values())):
        problems.add(where, src.meta_line("aliases"),
                     "« aliases » doit associer chaque ancienne ancre à la nouvelle, par exemple « aliases: {p8: p3} »")


def check_aliases(src: Source, page: _Page, problems: Problems) -> None:
    aliases = src.meta.get("aliases")
    if not isinstance(aliases, dict) or not page.ok:
        return
    where, line = f"docs/{src.path}", src.meta_line("aliases")
    own = [i for i in page.ids]
    for old, new in aliases.items():
        old, new = str(old).lstrip("#"), str(new).lstrip("#")
        if own.count(old) > 1 or old in page.stable_ids or (old in own and new not in own):
            problems.add(where, line, f"« aliases » : l’ancre « #{old} » existe déjà dans la page : retirez-la de « aliases »")
        elif new not in own:
            problems.add(where, line, f"« aliases » : l’ancre « #{new} » n’existe pas dans la page : "
                                      "indiquez après « : » une ancre qui existe")


def check_works(catalog, problems: Problems) -> None:
    src = catalog.sources.get("bibliographie.md")
    if src is None:
        return
    where = "docs/bibliographie.md"
    for work in catalog.works.values():
        url = work.data.get("URL")
        if url:
            if not re.match(r"https?://", str(url)):
                problems.add(where, src.line_of(str(url), work.line),
                             f"ouvrage « {work.id} » : l’adresse (URL) doit commencer par http:// ou https://")
            elif not re.fullmatch(r"\d{4}", str(work.data.get("archive-year", ""))):
                problems.add(where, src.line_of(str(url), work.line),
                             f"ouvrage « {work.id} » sans année d’archive : ajoutez « archive-year: AAAA » "
                             "(sert au lien vers web.archive.org)")
        if not work.cited_by:
            problems.add(where, work.line,
                         f"ouvrage « {work.id} » cité par aucune note : ajoutez « {work.id} » à « cites » "
                         "dans la page de la note qui s’y réfère, ou retirez-le de « works »")


def check_entries_used(catalog, problems: Problems) -> None:
    used = {ref.target for ref in catalog.refs if ref.source != ref.target + ".md"}
    for key, meta in catalog.entries.items():
        if catalog.is_note(key) or key in used or meta.get("general") is True or meta.get("_broken"):
            continue
        problems.add(f"docs/{key}.md", 1,
                     f"entrée « {meta.get('title') or key} » citée nulle part : ajoutez un lien vers {key}.md "
                     "dans le texte, une note ou une autre entrée, ou déclarez « general: true » dans son front matter")


def check_footnotes(catalog, pages: dict[str, _Page], problems: Problems) -> None:
    for text in catalog.texts:
        _check_footnotes(text, pages, catalog, problems)


def _check_footnotes(text: str, pages: dict[str, _Page], catalog, problems: Problems) -> None:
    page = pages.get(text)
    src = catalog.sources.get(text)
    if page is None or src is None:
        return
    where = f"docs/{text}"
    for n in page.calls_without_text:
        problems.add(where, src.line_of(f"[^{n}]"),
                     f"appel de note [^{n}] sans texte de note : ajoutez à la fin du texte une ligne "
                     f"« [^{n}]: … » (la note telle que dans le témoin)")
    for n in page.texts_without_call:
        problems.add(where, src.line_of(f"[^{n}]:"),
                     f"note [^{n}] sans appel dans le texte : placez « [^{n}] » à l’endroit de l’appel, "
                     f"ou retirez la ligne « [^{n}]: … »")


def url_to_path(url: str, sources) -> str | None:
    """``/glossaire/csu/`` → ``glossaire/csu.md`` (or ``…/index.md``) if that page exists."""
    path = url.split("#", 1)[0].strip("/")
    candidates = [f"{path}/index.md", f"{path}.md"] if path else ["index.md"]
    if path.endswith(".html"):
        candidates.insert(0, path[:-5] + ".md")
    for c in candidates:
        if c in sources:
            return c
    return None


def path_to_url(path: str) -> str:
    if path == "index.md":
        return "/"
    if path.endswith("/index.md"):
        return "/" + path[: -len("index.md")]
    return "/" + path[:-3] + "/"


def check_links(catalog, pages: dict[str, _Page], docs_dir: Path, problems: Problems) -> None:
    for path, page in pages.items():
        src = catalog.sources[path]
        where = f"docs/{path}"
        urls = {str(s.get("url")) for s in src.meta.get("sources") or [] if isinstance(s, dict)}
        for tag, href, cls in page.links:
            if "ed-generated" in cls or "headerlink" in cls:
                continue
            if href is None or not href.strip():
                problems.add(where, src.line_of("]()"), "lien sans adresse (« [texte]() ») : ajoutez l’adresse "
                                                        "entre les parenthèses, ou retirez les crochets")
                continue
            line = src.link_line(href)
            if re.match(r"https?://", href):
                if src.section and href not in urls and tag == "a":
                    problems.add(where, line, f"lien vers {href} absent de « sources » : ajoutez cette source au "
                                              "front matter (title, url, year), ou corrigez l’adresse")
                continue
            if re.match(r"(mailto|tel|data):", href, re.I):
                continue
            if re.match(r"[a-z][a-z0-9+.-]*:", href, re.I):
                problems.add(where, line, f"adresse « {href} » non reconnue : un lien externe commence par "
                                          "https:// (ou http://)")
                continue
            if href.startswith("/"):
                target = url_to_path(href, catalog.sources)
                frag = href.partition("#")[2]
                hint = f", ici « {relative(path, target)}{'#' + frag if frag else ''} »" if target else ""
                problems.add(where, line, f"lien absolu « {href} » : visez le fichier .md, en chemin relatif "
                                          f"depuis cette page{hint}")
                continue
            raw_path, _, frag = href.partition("#")
            raw_path = unquote(raw_path.split("?", 1)[0])
            if not raw_path:
                target = path
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), raw_path))
                if not target.endswith(".md"):
                    file = docs_dir / target
                    if file.is_dir() or not file.is_file() or target.startswith(".."):
                        problems.add(where, line, f"lien vers « {href} », fichier introuvable : pour une page de "
                                                  "l’édition, visez son fichier .md (par exemple texte.md#p3) ; "
                                                  "pour un site externe, écrivez l’adresse complète en https://")
                    continue
                if target not in catalog.sources:
                    if target.startswith(SECTION_DIRS) and not target.endswith("/index.md"):
                        continue  # already reported by the catalog (reference to an unknown entry)
                    problems.add(where, line, f"lien vers « {href} », page introuvable : corrigez le lien, "
                                              f"ou créez docs/{target}")
                    continue
            if frag and target in pages and pages[target].ok and frag not in pages[target].ids:
                problems.add(where, line, f"lien vers « {href} » : la page docs/{target} n’a pas d’ancre "
                                          f"« #{frag} » ; corrigez l’ancre, ou ajoutez-la à l’endroit visé")


# --------------------------------------------------------------------------- published addresses

class Registry:
    """published.yml: ``pages: {url: [anchors]}`` and ``redirects: {old url: new url}``, and
    ``edition:``, the edition they were published by (mkdocs.yml ``extra.edition.files``): the
    addresses of another edition (a copy of the project started for another text) are not
    this one's, and are left aside rather than emptied by hand."""

    def __init__(self, file: Path):
        self.file = file
        self.pages: dict[str, list[str]] = {}
        self.redirects: dict[str, str] = {}
        self.text = ""
        self.edition = _edition_files(file.parent)  # this project's edition ("" if unnamed)
        self.other = ""  # the edition of a published.yml left aside

    def line_of(self, needle: str) -> int:
        m = re.search(rf"^\s*{re.escape(needle)}\s*:", self.text, re.M)
        return self.text.count("\n", 0, m.start()) + 1 if m else 1

    @classmethod
    def read(cls, file: Path, problems: Problems) -> "Registry | None":
        reg = cls(file)
        if not file.is_file():
            return reg
        reg.text = file.read_text(encoding="utf-8")
        try:
            data = yaml.load(reg.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.add(REGISTRY, mark.line + 1 if mark else 1,
                         f"fichier mal formé ({getattr(exc, 'problem', None) or 'YAML illisible'}) : "
                         "vérifiez l’indentation et les guillemets")
            return None
        owner = str(data.get("edition") or "") if isinstance(data, dict) else ""
        if owner and reg.edition and owner != reg.edition:
            reg.other, reg.text = owner, ""
            return reg  # another edition's addresses: none of them is this edition's
        pages, redirects = (data.get("pages") or {}, data.get("redirects") or {}) if isinstance(data, dict) else (None, None)
        if not isinstance(pages, dict) or not isinstance(redirects, dict) or \
                not all(isinstance(v, list) or v is None for v in pages.values()):
            problems.add(REGISTRY, 1, "fichier mal formé : il faut « pages: » (adresse: [ancres]) "
                                      "et « redirects: » (ancienne adresse: nouvelle adresse)")
            return None
        reg.pages = {str(k): [str(a) for a in v or []] for k, v in pages.items()}
        reg.redirects = {str(k): str(v) for k, v in redirects.items()}
        return reg

    def write(self) -> None:
        out = [HEADER.rstrip("\n")] + ([f"edition: {self.edition}"] if self.edition else []) + ["pages:"]
        for url in sorted(self.pages, key=_url_order):
            anchors = self.pages[url]
            out.append(f"  {_yaml_key(url)}: [{', '.join(anchors)}]" if anchors else f"  {_yaml_key(url)}: []")
        if self.redirects:
            out.append("redirects:")
            out += [f"  {_yaml_key(k)}: {_yaml_key(v)}" for k, v in self.redirects.items()]
        else:
            out.append("redirects: {}")
        self.file.write_text("\n".join(out) + "\n", encoding="utf-8")


HEADER = """\
# Adresses publiées de l’édition : chaque page et chaque ancre qui a pu circuler.
# « edition: » : l’édition qui les a publiées (extra.edition.files de mkdocs.yml) ; pour une autre
# édition (une copie du projet pour un autre texte), ces adresses sont laissées de côté.
# `python -m edition.check` (lancé par chaque construction) vérifie qu’elles existent toujours.
# N’en retirez aucune. Pour renommer :
#   - une ancre : dans le front matter de la page, « aliases: {ancienne-ancre: nouvelle-ancre} » ;
#   - une page : sous « redirects: », « /ancienne/adresse/: /nouvelle/adresse/ ».
# Après une publication, `python -m edition.check --enregistrer` ajoute les nouvelles adresses.
"""


def _edition_files(root: Path) -> str:
    """mkdocs.yml ``extra.edition.files`` of the project at ``root`` ("" when unset)."""
    try:
        loader = type("Loader", (yaml.SafeLoader,), {})
        loader.add_multi_constructor("", lambda loader, suffix, node: None)
        config = yaml.load((Path(root) / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader) or {}
        return str(((config.get("extra") or {}).get("edition") or {}).get("files") or "")
    except (OSError, yaml.YAMLError, AttributeError):
        return ""


def _yaml_key(url: str) -> str:
    return url if re.fullmatch(r"[/\w.-]+", url) else '"' + url.replace('"', '\\"') + '"'


def _url_order(url: str):
    order = ["/", "/texte/", "/notes/", "/glossaire/", "/noms/", "/bibliographie/", "/principes/"]
    section = next((i for i, p in enumerate(order[1:], 1) if url.startswith(p)), len(order))
    num = re.search(r"/(\d+)/$", url)
    return (0 if url == "/" else section, url.count("/") > 2, int(num.group(1)) if num else 10 ** 6, url)


def check_published(catalog, pages: dict[str, _Page], reg: Registry, problems: Problems) -> None:
    for old, new in reg.redirects.items():
        if url_to_path(new, catalog.sources) is None:
            problems.add(REGISTRY, reg.line_of(old),
                         f"la redirection {old} → {new} vise une page qui n’existe pas : corrigez la nouvelle adresse")
        elif url_to_path(old, catalog.sources) is not None:
            problems.add(REGISTRY, reg.line_of(old),
                         f"la redirection part de {old}, qui existe encore : retirez la redirection ou la page")
    for url, anchors in reg.pages.items():
        path = url_to_path(url, catalog.sources)
        share = share_target(url, catalog) if path is None else None
        if share:  # a paragraph's share address: it lives while its paragraph does
            path, anchors = share
        if path is None and url in reg.redirects:
            path = url_to_path(reg.redirects[url], catalog.sources)
            if path is None:
                continue  # reported above
        if path is None:
            guess = url.strip("/") + ".md" if url.strip("/") else "index.md"
            problems.add(REGISTRY, reg.line_of(url),
                         f"la page publiée {url} n’existe plus : rétablissez docs/{guess}, ou, si elle a été "
                         f"renommée, ajoutez sous « redirects: » la ligne « {url}: /nouvelle/adresse/ »")
            continue
        page = pages.get(path)
        if page is None or not page.ok:
            continue
        for anchor in anchors:
            if anchor not in page.ids and share:
                problems.add(REGISTRY, reg.line_of(url),
                             f"l’adresse de partage publiée {url} mène à « #{anchor} », qui a disparu : "
                             f"rétablissez ce paragraphe, ou son ancre par « aliases: » dans docs/{path}")
            elif anchor not in page.ids:
                problems.add(f"docs/{path}", 1,
                             f"l’ancre publiée « #{anchor} » ({url}#{anchor}) a disparu : rétablissez-la, ou, si elle "
                             f"a été renommée, ajoutez au front matter « aliases: {{{anchor}: nouvelle-ancre}} »")


def share_target(url: str, catalog) -> tuple[str, list[str]] | None:
    """A share address of a text (``/texte/3/``, ``/texte/epigraphe/``,
    ``/textes/<slug>/2/``, written by scripts/publish/shares.py): the text page and the anchor
    it leads to."""
    for text in catalog.texts:
        base = path_to_url(text)
        slug = url[len(base):].strip("/") if url.startswith(base) and url != base else ""
        if re.fullmatch(r"\d+", slug):
            return text, [f"p{slug}"]
        if slug == "epigraphe":
            return text, ["epigraphe"]
    return None


def register(catalog, pages: dict[str, _Page], reg: Registry) -> int:
    """Add the current pages and stable anchors to the registry; never remove any."""
    added = 0
    for path, page in pages.items():
        url = path_to_url(path)
        if url not in reg.pages:
            added += 1
        known = reg.pages.setdefault(url, [])
        for anchor in page.stable_ids:
            if anchor not in known:
                known.append(anchor)
                added += 1
            slug = anchor[1:] if re.fullmatch(r"p\d+", anchor) else anchor
            share = f"{url}{slug}/"
            if path in catalog.text_set and share_target(share, catalog) and share not in reg.pages:
                reg.pages[share] = []
                added += 1
    reg.write()
    return added


def write_redirects(site: Path, root: Path) -> None:
    """Publish step for page renames (``run(site, root)`` style, to be wired in the build):
    at each old address of published.yml's ``redirects``, a small page that sends the reader
    to the new address. Writes only inside ``site``; same output from one build to the next."""
    problems = Problems()
    reg = Registry.read(Path(root) / REGISTRY, problems)
    if reg is None:
        print(problems.lines()[0], file=sys.stderr)
        raise SystemExit(1)
    for old, new in sorted(reg.redirects.items()):
        folder = Path(site) / old.strip("/")
        if (folder / "index.html").exists():
            continue  # a real page is there: the check reports the conflict
        href = posixpath.relpath(new.rstrip("/") or "/", old.rstrip("/") or "/") + "/"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(
            "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n"
            "<meta name=\"robots\" content=\"noindex\">\n<title>Page déplacée</title>\n</head>\n"
            f"<body>\n<p>Cette page a changé d’adresse : <a href=\"{href}\">{new}</a>.</p>\n</body>\n</html>\n",
            encoding="utf-8")


# --------------------------------------------------------------------------- main

def run(docs_dir: Path, problems: Problems, save: bool = False):
    from .index import Catalog

    docs_dir = Path(docs_dir)
    catalog = Catalog(docs_dir, collect=True)
    try:
        catalog.build()
    finally:
        for error in catalog.errors:
            problems.add_error(error, catalog.sources)
    if not docs_dir.is_dir() or catalog.text_page not in catalog.sources:
        return catalog
    for src in catalog.sources.values():
        check_fields(src, problems)
    pages = render_pages(catalog, docs_dir.parent, problems)
    for error in catalog.errors:  # found while rendering
        problems.add_error(error, catalog.sources)
    check_footnotes(catalog, pages, problems)
    check_links(catalog, pages, docs_dir, problems)
    check_works(catalog, problems)
    check_entries_used(catalog, problems)
    for path, page in pages.items():
        check_aliases(catalog.sources[path], page, problems)
    reg = Registry.read(docs_dir.parent / REGISTRY, problems)
    if reg is not None and reg.other:
        print(f"{REGISTRY} : adresses de l’édition « {reg.other} », pas de celle-ci (« {reg.edition} ») : "
              "laissées de côté" + ("" if save else " ; --enregistrer y inscrira les adresses de celle-ci"))
    if reg is not None:
        if save and not len(problems):
            added = register(catalog, pages, reg)
            print(f"{REGISTRY} : {added} adresse(s) ajoutée(s)")
        check_published(catalog, pages, reg, problems)
    return catalog


def _culprit(exc: BaseException) -> str | None:
    """The source file being read when ``exc`` happened, from the traceback's frames."""
    for frame, _ in reversed(list(traceback.walk_tb(exc.__traceback__))):
        for name in ("src", "source"):
            value = frame.f_locals.get(name)
            if isinstance(value, Source):
                return f"docs/{value.path}"
        obj = frame.f_locals.get("self")
        page = getattr(obj, "page", None)
        if isinstance(page, str) and page.endswith(".md"):
            return f"docs/{page}"
        for name in ("path", "rel", "page"):
            value = frame.f_locals.get(name)
            if isinstance(value, str) and value.endswith(".md"):
                return value if value.startswith("docs/") else f"docs/{value}"
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m edition.check",
                                 description="Vérifie les sources de l’édition avant la construction.")
    ap.add_argument("docs_dir", nargs="?", default="docs", help="dossier des sources (docs par défaut)")
    ap.add_argument("--enregistrer", action="store_true",
                    help=f"ajoute à {REGISTRY} les pages et ancres actuelles (après une publication)")
    args = ap.parse_args(argv)
    problems = Problems()
    try:
        catalog = run(Path(args.docs_dir), problems, save=args.enregistrer)
    except Exception as exc:  # noqa: BLE001 - the editor gets one line, never a traceback
        if not len(problems):  # otherwise most likely a consequence of what is reported
            problems.add(_culprit(exc) or args.docs_dir, None, _unexpected(exc))
        catalog = None
    if len(problems):
        for line in problems.lines():
            print(line, file=sys.stderr)
        return 1
    notes = sum(1 for k in catalog.entries if catalog.is_note(k))
    print(f"contenu vérifié : {len(catalog.sources)} pages, {notes} notes, {len(catalog.entries) - notes} entrées")
    return 0


if __name__ == "__main__":
    sys.exit(main())
