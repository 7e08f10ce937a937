"""Shared helpers for the tests: building the site, listing and parsing built pages,
hashing trees. No third-party imports here (the stdlib html.parser parses HTML)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# What a build reads. The build must never write into any of these.
# (published.yml: the registry of published addresses, next to docs/.)
SOURCE_PATHS = ("docs", "overrides", "scripts", "mkdocs.yml", "published.yml")

# Fallback for SOURCE_DATE_EPOCH when there is no commit (same as the Makefile).
DEFAULT_SOURCE_DATE_EPOCH = "1640995200"  # 2022-01-01T00:00:00Z

BUILD_TIMEOUT = 300  # seconds


def source_date_epoch(root: Path = REPO_ROOT) -> str:
    """SOURCE_DATE_EPOCH from the environment, else the last commit's date, else a constant."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        return value
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"],
            capture_output=True, text=True, timeout=30,
        )
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return DEFAULT_SOURCE_DATE_EPOCH


@dataclass
class BuildResult:
    returncode: int
    output: str  # stdout and stderr, interleaved as mkdocs printed them
    site_dir: Path
    command: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def describe(self) -> str:
        return (f"`{' '.join(self.command)}` exited with {self.returncode}; "
                f"its output:\n{self.output}")


def build_env(root: Path = REPO_ROOT, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = source_date_epoch(root)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's banner, not a build warning
    # The extension package is scripts/edition; make sure *this* tree's copy is the one
    # imported (the venv's .pth points at the main checkout's scripts/).
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(root / "scripts"), env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


def run_build(dest: Path, root: Path = REPO_ROOT, strict: bool = True, full: bool = False,
              skip: tuple[str, ...] = (), **env_extra: str) -> BuildResult:
    """`python -m mkdocs build [--strict] -d DEST` in ROOT with this interpreter (the venv's
    when run by `make test`). Never --quiet: the output is inspected for warnings.

    With ``full``, the whole edition build instead (`scripts/build.py`: content check, strict
    MkDocs build, then the publishing steps not listed in ``skip``)."""
    if full:
        cmd = [sys.executable, str(root / "scripts" / "build.py"), "--site", str(dest)]
        if skip:
            cmd += ["--skip", *skip]
    else:
        cmd = [sys.executable, "-m", "mkdocs", "build", "-d", str(dest)]
        if strict:
            cmd.insert(4, "--strict")
    proc = subprocess.run(
        cmd, cwd=root, env=build_env(root, **env_extra),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=BUILD_TIMEOUT,
    )
    return BuildResult(proc.returncode, proc.stdout, Path(dest), cmd)


def copy_sources(dest: Path, root: Path = REPO_ROOT) -> Path:
    """Copy what a build reads (SOURCE_PATHS) to DEST."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCE_PATHS:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore, symlinks=True)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


# --------------------------------------------------------------------------- hashing

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_tree(root: Path) -> dict[str, str]:
    """{relative posix path: sha256} for every file under ROOT (symlinks as their target
    text). Directories are implied by their files; empty directories appear as 'dir/'."""
    result: dict[str, str] = {}
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        d = Path(dirpath)
        if not filenames and not dirnames and d != root:
            result[d.relative_to(root).as_posix() + "/"] = "<empty dir>"
        for name in sorted(filenames):
            p = d / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                result[rel] = "symlink:" + os.readlink(p)
            else:
                result[rel] = sha256_file(p)
    return result


def hash_sources(root: Path = REPO_ROOT) -> dict[str, str]:
    """Hashes of everything a build reads, ignoring Python byte-code caches (git-ignored;
    writing them is Python's doing, not the build's)."""
    result: dict[str, str] = {}
    for name in SOURCE_PATHS:
        p = root / name
        if p.is_dir():
            for rel, digest in hash_tree(p).items():
                if "__pycache__" in rel.split("/") or rel.endswith(".pyc"):
                    continue
                result[f"{name}/{rel}"] = digest
        elif p.exists():
            result[name] = sha256_file(p)
    return result


def diff_hashes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Human-readable differences between two hash_tree() results."""
    lines = []
    for path in sorted(set(before) | set(after)):
        if path not in after:
            lines.append(f"removed:  {path}")
        elif path not in before:
            lines.append(f"added:    {path}")
        elif before[path] != after[path]:
            lines.append(f"changed:  {path}")
    return lines


# --------------------------------------------------------------------------- built site

# Search assets: the index and the worker's language files, not pages.
_NOT_PAGES_DIRS = ("search/", "assets/")


def built_pages(site_dir: Path) -> list[Path]:
    """Every built HTML page, excluding 404.html, search/theme assets and the pages that only
    send the reader on (``<meta http-equiv="refresh">``: the paragraphs' share addresses,
    tested in test_share_pages.py, and redirects of renamed pages), sorted."""
    site_dir = Path(site_dir)
    pages = []
    for p in sorted(site_dir.rglob("*.html")):
        rel = p.relative_to(site_dir).as_posix()
        if rel == "404.html" or rel.startswith(_NOT_PAGES_DIRS):
            continue
        if '<meta http-equiv="refresh"' in p.read_text(encoding="utf-8")[:2000]:
            continue
        pages.append(p)
    return pages


def page_url(site_dir: Path, page: Path) -> str:
    """Root-relative URL of a built page: texte/index.html -> /texte/, index.html -> /."""
    rel = Path(page).relative_to(site_dir).as_posix()
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.ids: set[str] = set()
        self.names: set[str] = set()
        self._title_depth = 0
        self._h1_depth = 0
        self.title_parts: list[str] = []
        self.h1_texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        self.elements.append(Element(tag, a, self.getpos()[0]))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:  # the only name= that HTML treats as a target
            self.names.add(a["name"])
        if tag == "title":
            self._title_depth += 1
        if tag == "h1":
            self._h1_depth += 1
            self.h1_texts.append("")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "title":
            self._title_depth -= 1
        if tag == "h1":
            self._h1_depth -= 1

    def handle_endtag(self, tag):
        if tag == "title" and self._title_depth:
            self._title_depth -= 1
        if tag == "h1" and self._h1_depth:
            self._h1_depth -= 1

    def handle_data(self, data):
        if self._title_depth:
            self.title_parts.append(data)
        if self._h1_depth and self.h1_texts:
            self.h1_texts[-1] += data


@dataclass
class ParsedPage:
    path: Path
    elements: list[Element]
    ids: set[str]
    names: set[str]
    title: str
    h1_texts: list[str]

    def find_all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    @property
    def anchors(self) -> set[str]:
        """Fragment targets: ids, plus <a name=…>."""
        return self.ids | self.names


def parse_html(path: Path) -> ParsedPage:
    text = Path(path).read_text(encoding="utf-8")
    c = _Collector()
    c.feed(text)
    c.close()
    return ParsedPage(Path(path), c.elements, c.ids, c.names,
                      "".join(c.title_parts).strip(), [t.strip() for t in c.h1_texts])


def local_only(context, base_url: str) -> None:
    """Abort every request of a Playwright context that is not for the test server."""
    from urllib.parse import urlsplit
    port = urlsplit(base_url).port
    context.route(
        lambda url: not (urlsplit(url).scheme in ("data", "blob")
                         or (urlsplit(url).hostname == "127.0.0.1" and urlsplit(url).port == port)),
        lambda route: route.abort())


def site_url(root: Path = REPO_ROOT) -> str:
    """The site's public address as the build sees it (mkdocs.yml, with EDITION_SITE_URL
    applied through its !ENV tag), ending with a slash."""
    import sys as _sys
    _sys.path.insert(0, str(root / "scripts"))
    try:
        from publish import mkdocs_config
    finally:
        _sys.path.pop(0)
    return str(mkdocs_config(root)["site_url"]).rstrip("/") + "/"
