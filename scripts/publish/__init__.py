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
