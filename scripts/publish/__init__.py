"""Outputs made from the built site: card images, PDF, offline copy, host headers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DEFAULT_EPOCH = 1640995200  # 2022-01-01 UTC, as in the Makefile, when nothing else says


def source_date_epoch(root: Path | None = None) -> int:
    """SOURCE_DATE_EPOCH, else the rule of scripts/build.py (last commit, else a constant)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value and root is not None:
        sys.path.insert(0, str(Path(root) / "scripts"))
        try:
            from build import source_date_epoch as build_epoch
            value = build_epoch()
        except ImportError:
            value = ""
        finally:
            sys.path.pop(0)
    return int(value) if value.isdigit() else DEFAULT_EPOCH


class _Loader:
    """mkdocs.yml as MkDocs reads it, for the steps after the build: ``!ENV [VAR, default]``
    (or ``!ENV VAR``) gives the variable's value when it is set, else the default."""

    @staticmethod
    def load(path: Path) -> dict:
        import yaml

        class Loader(yaml.SafeLoader):
            pass

        def env(loader, node):
            if isinstance(node, yaml.ScalarNode):
                names, default = [loader.construct_scalar(node)], None
            else:
                items = loader.construct_sequence(node)
                names, default = items[:-1] or items, items[-1] if len(items) > 1 else None
            for name in names:
                if os.environ.get(str(name)):
                    return os.environ[str(name)]
            return default

        Loader.add_constructor("!ENV", env)
        Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda l, s, n: None)
        return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader) or {}


def mkdocs_config(root: Path) -> dict:
    """The project's mkdocs.yml (environment variables applied as MkDocs applies them)."""
    config = _Loader.load(Path(root) / "mkdocs.yml")
    config.setdefault("config_file_path", str(Path(root) / "mkdocs.yml"))  # (as MkDocs' own config)
    return config


# The address mkdocs.yml carries until the edition has a domain of its own (a reserved
# example domain): link previews then print no domain, and a publishing build refuses it.
def is_placeholder(url: str) -> bool:
    from urllib.parse import urlsplit
    host = (urlsplit(url or "").hostname or "").lower()
    return not host or host == "example.org" or host.endswith((".example.org", ".example.com", ".example"))


def front_matter(path: Path) -> dict:
    """The YAML front matter of a Markdown source ({} when it has none)."""
    import re
    import yaml
    text = Path(path).read_text(encoding="utf-8")
    m = re.match(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", text, re.S)
    return (yaml.safe_load(m.group(1) or "") or {}) if m else {}


def cited_work(root: Path, config: dict) -> dict | None:
    """The book the text comes from: the work ``extra.citation.work`` of the bibliography's
    front matter (its one source), or None."""
    cite = (config.get("extra") or {}).get("citation") or {}
    bib = Path(root) / "docs" / str(cite.get("bibliography") or "bibliographie.md")
    return next((w for w in front_matter(bib).get("works") or [] if w.get("id") == cite.get("work")), None)


def edition_settings(config: dict) -> dict:
    """``extra.edition`` of mkdocs.yml with its defaults: ``short_title`` (running heads,
    notices), ``files`` (stem of the downloads' file names), and what later keys add:
    ``version`` and ``version_date`` (a ``datetime.date``), the current version of the edition,
    read from the first of the ``versions`` of the journal's front matter (``journal``, a page of
    docs/: the one place where the version is written), None without a journal; ``report``
    (where to report an error)."""
    ed = dict((config.get("extra") or {}).get("edition") or {})
    name = str(config.get("site_name") or "Édition annotée")
    ed.setdefault("short_title", name)
    ed.setdefault("files", "edition-annotee")
    ed.setdefault("version", None)
    ed.setdefault("version_date", None)
    if ed.get("journal") and config.get("config_file_path"):
        page = Path(config["config_file_path"]).parent / str(config.get("docs_dir") or "docs") / str(ed["journal"])
        versions = (front_matter(page).get("versions") or []) if page.is_file() else []
        if versions and isinstance(versions[0], dict):
            ed["version"] = str(versions[0].get("version"))
            ed["version_date"] = versions[0].get("date")
    return ed


def other_texts(root: Path) -> list[tuple[str, dict]]:
    """The edition's other annotated texts: (docs-relative path, front matter) of each page whose
    front matter says ``texte: true`` (GUIDE.md, « Ajouter un autre texte »), in path order."""
    docs = Path(root) / "docs"
    out = []
    for file in sorted(docs.rglob("*.md"), key=lambda p: p.relative_to(docs).as_posix()):
        with file.open(encoding="utf-8") as fh:
            if fh.readline().strip() != "---":
                continue
        meta = front_matter(file)
        if meta.get("texte") is True:
            out.append((file.relative_to(docs).as_posix(), meta))
    return out


class Text:
    """One annotated text of the edition, as the downloads need it: ``source``, its page in
    docs/ (``texte.md``, ``textes/declaration-1789.md``); ``meta``, its front matter; ``url``,
    its site path (``texte/``); ``notes``, the site path of its note pages (``notes/`` for the
    first, ``textes/declaration-1789/notes/`` for another, as scripts/edition says); ``slug``,
    the last part of its address (``declaration-1789``), which names its own downloads;
    ``first``, whether it is the first text (``extra.citation.page``)."""

    def __init__(self, source: str, meta: dict, first: bool):
        self.source, self.meta, self.first = source, meta, first
        stem = source[:-3] if source.endswith(".md") else source
        self.url = (stem[: -len("index")] if stem == "index" or stem.endswith("/index") else stem).rstrip("/") + "/"
        self.notes = "notes/" if first else stem + "/notes/"
        self.slug = self.url.rstrip("/").rsplit("/", 1)[-1]

    @property
    def name(self) -> str:
        """What the site calls the text (its front matter's title, as in the navigation and
        the « Renvois » grouped by text)."""
        return str(self.meta.get("title") or self.slug)

    def __repr__(self) -> str:
        return f"Text({self.source!r})"


def project_root(config: dict) -> Path:
    """The project folder of an mkdocs.yml read by mkdocs_config (docs/ is beside it)."""
    return Path(config.get("config_file_path") or "mkdocs.yml").resolve().parent


def edition_texts(root: Path, config: dict | None = None) -> list[Text]:
    """Every annotated text of the edition, the first (``extra.citation.page``, default
    texte.md) first, then the others (``texte: true``) in path order."""
    config = mkdocs_config(root) if config is None else config
    first = str(((config.get("extra") or {}).get("citation") or {}).get("page") or "texte.md")
    page = Path(root) / "docs" / first
    texts = [Text(first, front_matter(page) if page.is_file() else {}, True)]
    texts += [Text(path, meta, False) for path, meta in other_texts(root) if path != first]
    return texts


def text_work(root: Path, config: dict, text: Text) -> dict:
    """The book a text comes from: for the first, the work ``extra.citation.work``; for another,
    the work its front matter names (``work:``) in the bibliography's ``works``; else {}."""
    if text.first:
        return cited_work(root, config) or {}
    cite = (config.get("extra") or {}).get("citation") or {}
    bib = Path(root) / "docs" / str(cite.get("bibliography") or "bibliographie.md")
    wid = text.meta.get("work")
    return next((w for w in front_matter(bib).get("works") or [] if wid and w.get("id") == wid), {})
