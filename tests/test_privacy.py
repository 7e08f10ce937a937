"""No third party, light pages (issue 6).

Privacy, in a real browser (Debian's Chromium through Playwright): every HTML page of the
built site is opened, and what loads late is exercised too (the search is opened and a query
typed, so that the search worker and its index load; a note call and a glossary link are
hovered, so that the preview shows). Any request whose origin is not the local test server
fails the test, listed with the page that made it. No cookie may be set, by a response or by
a script.

Privacy, statically: the built HTML, CSS and JS (and those of the downloadable offline copy,
inside its zip) may not name another host where a browser would fetch it by itself: <link href>, <script src>, <img src|srcset>, <iframe>, <source>,
<video>, <audio>, <embed>, <object>, CSS @import and url(...), inline styles. Only the site's
own origin (mkdocs.yml site_url) is allowed, e.g. in <link rel="canonical">. In the JS, every
address that opens a string literal must be one of the dormant addresses of Material's bundle
listed below, each with the reason it is never fetched here (and that reason is checked).
Google Fonts may not even be named, anywhere.

Budget (a limit, not a timing): first visit of the text page, the home page, one note and
one glossary entry, with an empty cache. Each response body counts as its gzip -6 size (images
as they are); at most 90 kB and 12 requests per page (bench.weight has the measure, shared with
scripts/bench.py).

Each check is shown to be able to fail: test_request_log_catches_external_requests,
test_no_cookie_can_hide and test_static_checks_catch_third_parties feed them a Google Fonts
link, an analytics beacon, a cookie, a web font, an embedded video.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.weight import BUDGET_BYTES, BUDGET_REQUESTS, measure_first_visit
from helpers import REPO_ROOT, built_pages, page_url, site_url


# --------------------------------------------------------------------------- helpers

def site_origin() -> str:
    """Origin of mkdocs.yml site_url ("https://host"), the only absolute origin allowed."""
    parts = urlsplit(site_url())
    return f"{parts.scheme}://{parts.netloc}"


def is_foreign(url: str, own_origin: str) -> bool:
    """Would a browser fetch this from another host? Relative URLs, fragments, data: and
    blob: stay home; so do absolute URLs on the site's own origin."""
    url = url.strip()
    if not url or url.startswith("#"):
        return False
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if not parts.scheme:
        return False  # relative
    if parts.scheme in ("data", "blob", "about", "mailto", "tel", "javascript"):
        return False  # not a fetch (javascript: URLs are another test's business)
    if parts.scheme not in ("http", "https"):
        return True
    return f"{parts.scheme}://{parts.netloc}" != own_origin


@dataclass
class RequestLog:
    """Every request of a browser context, with the page that was open when it was made.
    Requests that leave ``base`` (http://127.0.0.1:PORT) are recorded, then aborted."""
    base: str
    current: str = "?"
    all: list[tuple[str, str]] = field(default_factory=list)
    foreign: list[tuple[str, str]] = field(default_factory=list)

    def attach(self, context) -> None:
        origin = urlsplit(self.base)

        def handle(route):
            url = route.request.url
            parts = urlsplit(url)
            self.all.append((self.current, url))
            local = parts.scheme in ("data", "blob") or (
                parts.scheme in ("http", "https") and parts.hostname == origin.hostname
                and parts.port == origin.port)
            if local:
                route.continue_()
            else:
                self.foreign.append((self.current, url))
                route.abort()

        # Routing every request also disables the HTTP cache: each page really fetches.
        context.route("**/*", handle)

    def report(self) -> str:
        return "\n".join(f"  on {page}: {url}" for page, url in self.foreign)


def _open(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def watched_context(browser, server):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800},
                                  service_workers="block")
    context.set_default_timeout(20_000)
    log = RequestLog(server)
    log.attach(context)
    yield context, log
    context.close()


# --------------------------------------------------------------------------- in the browser

def _exercise_lazy_parts(page, log: RequestLog, site_dir: Path) -> None:
    """On /texte/: open the search and type a query (worker, index, language files load);
    hover a note call and a glossary link (the preview shows)."""
    log.current = "/texte/ (search, previews)"
    toggle = page.locator("label[for='__search']").first
    if toggle.count() and toggle.is_visible():
        toggle.click()
    search = page.locator("input[data-md-component='search-query']")
    if search.count():
        # Material reads the query on keyup (fill() sends no key event): type it.
        search.first.click()
        search.first.press_sequentially("caméras", delay=30)
        page.wait_for_selector(".md-search-result__item", timeout=20_000)
        page.keyboard.press("Escape")
    elif (site_dir / "search" / "search_index.json").exists():
        pytest.fail("the site has a search index but /texte/ has no search field", pytrace=False)
    for selector in ("sup#appel-3 a", "a.ed-ref--glossaire"):
        link = page.locator(selector).first
        assert link.count(), f"/texte/ has no {selector} to hover"
        link.scroll_into_view_if_needed()
        link.hover()
        page.wait_for_selector("#ed-popover:not([hidden])", timeout=5_000)
        page.mouse.move(0, 0)
    page.wait_for_load_state("networkidle")


def test_no_request_leaves_the_site(watched_context, server, site_dir):
    context, log = watched_context
    page = context.new_page()
    urls = [page_url(site_dir, p) for p in built_pages(site_dir)]
    assert "/texte/" in urls, f"no /texte/ among the built pages: {urls[:10]}"
    urls.append("/cette-page-n-existe-pas/")  # the 404 page, as the server sends it
    cookie_scripts = []
    for url in urls:
        log.current = url
        _open(page, server + url)
        if page.evaluate("document.cookie"):
            cookie_scripts.append(f"{url}: document.cookie = {page.evaluate('document.cookie')!r}")
        if url == "/texte/":
            _exercise_lazy_parts(page, log, site_dir)
    problems = []
    if log.foreign:
        problems.append(f"{len(log.foreign)} request(s) leave the site's origin:\n" + log.report())
    cookies = context.cookies()
    if cookies:
        problems.append("cookies set: " + ", ".join(f"{c['name']} ({c['domain']})" for c in cookies))
    problems += cookie_scripts
    assert not problems, "\n".join(problems)
    requested = [u for _, u in log.all]
    assert len(requested) > len(urls), "the request log saw nothing but the pages themselves"
    if (site_dir / "search" / "search_index.json").exists():
        assert any(u.endswith("/search/search_index.json") for u in requested), (
            "the search index was never requested: the lazy part of the site was not exercised")


def test_old_browser_without_resizeobserver_stays_local(watched_context, server):
    """A browser without ResizeObserver (Safari before 13.1, i.e. older iPhones; Chrome
    before 64; Firefox before 69) must not be sent elsewhere either. Material's bundle
    fetches a polyfill from unpkg.com in that case unless the page provides one."""
    context, log = watched_context
    context.add_init_script("try { delete window.ResizeObserver; } catch (e) {}")
    page = context.new_page()
    for url in ("/texte/", "/"):
        log.current = url + " (no ResizeObserver)"
        _open(page, server + url)
    assert not log.foreign, (
        "without ResizeObserver, pages fetch from another host:\n" + log.report()
        + "\n(Provide ResizeObserver before Material's bundle runs, from the site itself, "
          "e.g. a self-hosted polyfill loaded in the `libs` block of overrides/main.html.)")


def test_request_log_catches_external_requests(watched_context, server):
    """The browser check can fail: a page that asks Google Fonts for a stylesheet, and a
    script that beacons to an analytics host, are both caught (and aborted)."""
    context, log = watched_context
    page = context.new_page()
    log.current = "/texte/ (injected)"
    _open(page, server + "/texte/")
    page.evaluate("""() => {
        const l = document.createElement('link');
        l.rel = 'stylesheet';
        l.href = 'https://fonts.googleapis.com/css?family=Roboto:300,400';
        document.head.appendChild(l);
        fetch('https://plausible.io/api/event', {method: 'POST', body: '{}'}).catch(() => {});
    }""")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    hosts = {urlsplit(u).hostname for _, u in log.foreign}
    assert {"fonts.googleapis.com", "plausible.io"} <= hosts, log.report()


def test_no_cookie_can_hide(watched_context, server):
    """The cookie check can fail: a cookie set by a script is seen by context.cookies()."""
    context, log = watched_context
    page = context.new_page()
    _open(page, server + "/")
    page.evaluate("document.cookie = 'tracker=1; path=/'")
    assert [c["name"] for c in context.cookies()] == ["tracker"]


# --------------------------------------------------------------------------- static checks

# Attributes a browser fetches by itself (not <a href>, not <form action>).
FETCHED = {
    "link": ("href", "imagesrcset"),
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "base": ("href",),
}

FONT_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com")

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.I)


def css_offenders(css: str, own_origin: str) -> list[str]:
    css = _CSS_COMMENT.sub("", css)
    found = []
    for m in _CSS_IMPORT.finditer(css):
        if is_foreign(m.group(1), own_origin):
            found.append(f"@import {m.group(1)}")
    for m in _CSS_URL.finditer(css):
        url = next(g for g in m.groups() if g is not None)
        if is_foreign(url, own_origin):
            found.append(f"url({url})")
    return found


class _FetchedURLs(HTMLParser):
    def __init__(self, own_origin: str):
        super().__init__(convert_charrefs=True)
        self.own = own_origin
        self.offenders: list[str] = []
        self._style = False

    def _check(self, tag, name, value, line):
        candidates = [value]
        if name.endswith("srcset"):
            candidates = [part.strip().split()[0] for part in value.split(",") if part.strip()]
        for url in candidates:
            if is_foreign(url, self.own):
                self.offenders.append(f"line {line}: <{tag} {name}=\"{url}\">")

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        a = {k: v or "" for k, v in attrs}
        for name in FETCHED.get(tag, ()):
            if a.get(name):
                self._check(tag, name, a[name], line)
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            m = re.search(r"url\s*=\s*(\S+)", a.get("content", ""), re.I)
            if m and is_foreign(m.group(1).strip("'\""), self.own):
                self.offenders.append(f"line {line}: <meta http-equiv=refresh> to {m.group(1)}")
        if a.get("style"):
            self.offenders += [f"line {line}: style=\"…{o}…\"" for o in css_offenders(a["style"], self.own)]
        self._style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._style:
            line = self.getpos()[0]
            self.offenders += [f"line {line}: <style> {o}" for o in css_offenders(data, self.own)]


def html_offenders(html: str, own_origin: str) -> list[str]:
    parser = _FetchedURLs(own_origin)
    parser.feed(html)
    parser.close()
    found = parser.offenders
    found += [f"names {h}" for h in FONT_HOSTS if h in html]
    return found


# Addresses that open a string literal in the built JavaScript ("https://…", '…', `…`, or
# protocol-relative "//host/…") are what a script can fetch; addresses inside comments and
# messages (licence headers, "see https://…") are not. Material's bundle holds a few that
# this site never fetches; each is listed with the reason, and the reason is checked
# (test_dormant_reasons_hold, test_old_browser_without_resizeobserver_stays_local).
DORMANT_JS = {
    "https://unpkg.com/mermaid@": "mermaid diagrams: only loaded for .mermaid blocks; the site has none",
    "https://unpkg.com/resize-observer-polyfill": "only when the browser lacks ResizeObserver",
    "https://api.github.com/": "repository facts: only with repo_url; the site has no source link",
    "https://${": "GitLab repository facts: only with repo_url; the site has no source link",
    "http://www.w3.org/": "XML/SVG namespace name, never fetched",
    "https://www.w3.org/": "XML/SVG namespace name, never fetched",
}
_JS_URL = re.compile(r"""(?<=["'`])(?:https?:)?//[^\s"'`)<>\\]+""", re.I)


def js_offenders(js: str, own_origin: str) -> list[str]:
    found = []
    for m in _JS_URL.finditer(js):
        url = m.group(0)
        if url.startswith("//") and not re.match(r"//[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(:\d+)?(/|$)", url, re.I):
            continue  # "//" starting a string that is not a host (a comment marker, a path)
        if not is_foreign(url, own_origin):
            continue
        if any(url.startswith(prefix) for prefix in DORMANT_JS):
            continue
        found.append(url)
    found += [f"names {h}" for h in FONT_HOSTS if h in js]
    return sorted(set(found))


def _site_texts(site_dir: Path, suffix: str) -> list[tuple[str, str]]:
    """(name, text) of every built file ending in ``suffix``, including the members of the
    site's zip archives (the downloadable offline copy is read in a browser too)."""
    out = []
    for p in sorted(site_dir.rglob(f"*{suffix}")):
        if p.is_file():
            out.append((p.relative_to(site_dir).as_posix(),
                        p.read_text(encoding="utf-8", errors="replace")))
    for archive in sorted(site_dir.rglob("*.zip")):
        with zipfile.ZipFile(archive) as z:
            for name in sorted(z.namelist()):
                if name.endswith(suffix):
                    out.append((f"{archive.relative_to(site_dir).as_posix()}!{name}",
                                z.read(name).decode("utf-8", errors="replace")))
    return out


@pytest.mark.build_steps("offline")  # the zip's pages are read too
def test_built_html_fetches_nothing_elsewhere(site_dir):
    own = site_origin()
    problems = []
    for name, text in _site_texts(site_dir, ".html"):
        problems += [f"{name}: {o}" for o in html_offenders(text, own)]
    assert not problems, "HTML that would fetch from another host:\n" + "\n".join(problems)


@pytest.mark.build_steps("offline")  # the zip's pages are read too
def test_built_css_fetches_nothing_elsewhere(site_dir):
    own = site_origin()
    problems = []
    files = _site_texts(site_dir, ".css")
    assert files, "no CSS in the built site"
    for name, text in files:
        found = css_offenders(text, own) + [f"names {h}" for h in FONT_HOSTS if h in text]
        problems += [f"{name}: {o}" for o in found]
    assert not problems, "CSS that would fetch from another host:\n" + "\n".join(problems)


@pytest.mark.build_steps("offline")  # the zip's pages are read too
def test_built_js_names_no_other_host(site_dir):
    own = site_origin()
    problems = []
    files = _site_texts(site_dir, ".js")
    assert files, "no JavaScript in the built site"
    for name, text in files:
        problems += [f"{name}: {url}" for url in js_offenders(text, own)]
    assert not problems, ("JavaScript naming another host (add it to DORMANT_JS only with the "
                          "reason it is never fetched):\n" + "\n".join(problems))


@pytest.mark.build_steps("offline")  # the zip's pages are read too
def test_dormant_reasons_hold(site_dir):
    """The reasons given in DORMANT_JS are true of this site."""
    problems = []
    for name, html in _site_texts(site_dir, ".html"):
        if re.search(r"""class=["'][^"']*\bmermaid\b""", html):
            problems.append(f"{name}: a .mermaid block (Material would load mermaid from unpkg.com)")
        if 'data-md-component="source"' in html:
            problems.append(f"{name}: a repository link (Material would query its host's API)")
    assert not problems, "\n".join(problems)


def test_static_checks_catch_third_parties():
    """The static checks can fail. Had mkdocs.yml kept Material's default fonts (no
    `font: false`), every page would carry
        <link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto…">
    and test_built_html_fetches_nothing_elsewhere would list it; likewise for a CSS import,
    a web font in CSS, an analytics script or an embedded video."""
    own = "https://safecity-edition.example.org"
    html = """<!doctype html><html><head>
      <link rel="canonical" href="https://safecity-edition.example.org/texte/">
      <link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
      <link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto:300,400">
      <script src="https://plausible.io/js/script.js" defer></script>
      <style>body { background: url(//cdn.example.com/bg.png) }</style>
      </head><body>
      <img src="../assets/local.png" srcset="../a.png 1x, https://cdn.example.com/b.png 2x">
      <iframe src="https://www.youtube.com/embed/xyz"></iframe>
      <a href="https://web.archive.org/web/2019/https://example.org/">a link is not a fetch</a>
      </body></html>"""
    found = "\n".join(html_offenders(html, own))
    for needle in ("fonts.gstatic.com", "fonts.googleapis.com/css", "plausible.io",
                   "cdn.example.com/bg.png", "cdn.example.com/b.png", "youtube.com", "names fonts"):
        assert needle in found, f"{needle} not caught:\n{found}"
    assert "safecity-edition.example.org" not in found and "web.archive.org" not in found, found
    css = """@import url("https://fonts.googleapis.com/css2?family=Inter");
             @font-face { font-family: X; src: url(https://fonts.gstatic.com/x.woff2) }
             .icon { background: url("data:image/svg+xml;charset=utf-8,<svg xmlns='http://www.w3.org/2000/svg'/>") }
             .ok { background: url(../images/ok.png) }"""
    found = css_offenders(css, own)
    assert any("fonts.googleapis.com" in o for o in found), found
    assert any("fonts.gstatic.com" in o for o in found), found
    assert not any("w3.org" in o or "ok.png" in o for o in found), found
    js = ('/*! licence: https://example.com/LICENSE */ fetch("https://plausible.io/api/event");'
          'var s="https://unpkg.com/resize-observer-polyfill", t=\'//cdn.example.net/x.js\';'
          'console.warn(`see https://bit.ly/xyz`)')
    assert js_offenders(js, own) == ["//cdn.example.net/x.js", "https://plausible.io/api/event"]


# --------------------------------------------------------------------------- budget

BUDGET_PAGES = {
    "texte": "/texte/",
    "accueil": "/",
    "note": "/notes/3/",
    "glossaire": "/glossaire/csu/",
}


@pytest.mark.parametrize("path", BUDGET_PAGES.values(), ids=BUDGET_PAGES.keys())
def test_first_visit_budget(browser, server, path):
    weight = measure_first_visit(browser, server + path)
    assert weight.transfers and weight.transfers[0].status == 200, f"{path} did not load"
    message = (f"{path}: first visit {weight.bytes / 1000:.1f} kB (gzip -6) in {weight.requests} "
               f"requests; budget {BUDGET_BYTES / 1000:.0f} kB and {BUDGET_REQUESTS} requests.\n"
               + weight.breakdown())
    assert not weight.failed, f"{path}: failed requests {weight.failed}\n{message}"
    assert weight.bytes <= BUDGET_BYTES and weight.requests <= BUDGET_REQUESTS, message
