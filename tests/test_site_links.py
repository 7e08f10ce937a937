"""Every internal link of the built site leads somewhere: the file exists, and the
#fragment is an id (or <a name>) in the target page."""

from __future__ import annotations

import importlib
from pathlib import Path, PurePath
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from helpers import REPO_ROOT, built_pages, page_url, parse_html
from publish import mkdocs_config

CONFIG = mkdocs_config(REPO_ROOT)

# Attributes that point at other resources, by element.
HREF_TAGS = {"a", "area", "link"}
SRC_TAGS = {"img", "script", "iframe", "source", "audio", "video", "track", "embed"}

SKIP_SCHEMES = {"http", "https", "mailto", "data", "javascript", "tel", "blob"}
_ORIGIN = "http://site.invalid"  # stand-in origin for resolving relative URLs


def _target_file(site_dir: Path, path: str) -> Path | None:
    """The built file a URL path maps to (directory URLs -> index.html), or None."""
    rel = unquote(path).lstrip("/")
    candidate = site_dir / rel
    try:
        candidate.resolve().relative_to(site_dir.resolve())
    except ValueError:
        return None  # escapes the site
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def _links(parsed):
    for el in parsed.elements:
        if el.tag in HREF_TAGS and "href" in el.attrs:
            yield el, "href", el.attrs["href"]
        if el.tag in SRC_TAGS and "src" in el.attrs:
            yield el, "src", el.attrs["src"]


def skipped_outputs(skipped: tuple[str, ...]) -> set[str]:
    """Site paths of what the build steps left out of this session would have written (their
    OUTPUT): a link to one of them is checked only when that step runs (always under make test)."""
    outputs = set()
    for step in skipped:
        module = importlib.import_module(f"publish.{step}")
        written = module.outputs(CONFIG) if hasattr(module, "outputs") else [getattr(module, "OUTPUT", None)]
        for output in written:
            if isinstance(output, (str, PurePath)):
                outputs.add("/" + PurePath(output).as_posix())
    return outputs


def test_internal_links_resolve(site_build, site_dir):
    not_built = skipped_outputs(site_build.skipped)
    pages = built_pages(site_dir)
    assert pages, f"no HTML pages found in {site_dir}"
    assert site_dir / "texte" / "index.html" in pages, "texte/index.html was not built"

    cache: dict[Path, object] = {}

    def parsed(path: Path):
        if path not in cache:
            cache[path] = parse_html(path)
        return cache[path]

    failures: list[str] = []
    checked = 0
    for page in pages:
        url = page_url(site_dir, page)
        for el, attr, value in _links(parsed(page)):
            value = value.strip()
            where = f"{url} (line {el.line}) <{el.tag} {attr}=\"{value}\">"
            if not value:
                failures.append(f"{where}: empty {attr}")
                continue
            if value.startswith("//"):
                continue  # protocol-relative: external
            scheme = urlsplit(value).scheme.lower()
            if scheme in SKIP_SCHEMES:
                continue
            if scheme:
                failures.append(f"{where}: unexpected URL scheme {scheme!r}")
                continue
            checked += 1
            resolved = urlsplit(urljoin(_ORIGIN + url, value))
            target = _target_file(site_dir, resolved.path)
            if target is None and unquote(resolved.path) in not_built:
                continue
            if target is None:
                failures.append(f"{where}: no file for {resolved.path}")
                continue
            fragment = unquote(resolved.fragment)
            if not fragment or fragment.lower() == "top":
                continue
            if target.suffix != ".html":
                continue  # fragments into SVG sprites etc. are not checked
            if fragment not in parsed(target).anchors:
                target_url = page_url(site_dir, target)
                failures.append(f"{where}: no id or <a name> {fragment!r} in {target_url}")

    assert checked, "no internal links found at all: the parser or the site is broken"
    if failures:
        pytest.fail(f"{len(failures)} broken internal link(s) in {len(pages)} page(s):\n"
                    + "\n".join(failures), pytrace=False)
