"""The published site behind a real nginx (Debian's), with the project's own configuration.

A copy of the session's build gets the post-build headers step (scripts/publish/headers.py),
then nginx serves it on 127.0.0.1 with deploy/nginx.conf (placeholders substituted), under a
temporary prefix (configuration, pid, logs, temp files). Checked: every header on pages and
assets, Cache-Control per file, compression, the 404 page, hidden deployment files; then every
page in Chromium under that policy: zero CSP violation, zero console error. The GitHub Pages
variant (EDITION_META_CSP=1: the policy in a <meta>) is checked on another copy, served with
no header at all.
"""

from __future__ import annotations

import gzip
import http.client
import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import REPO_ROOT, built_pages, page_url
from publish import headers

NGINX_TEMPLATE = REPO_ROOT / "deploy" / "nginx.conf"
START_TIMEOUT = 15  # seconds

# --------------------------------------------------------------------------- fixtures


def _run_headers_step(site: Path, meta: bool) -> None:
    saved = os.environ.pop(headers.META_ENV, None)
    try:
        if meta:
            os.environ[headers.META_ENV] = "1"
        headers.run(site, REPO_ROOT)
    finally:
        os.environ.pop(headers.META_ENV, None)
        if saved is not None:
            os.environ[headers.META_ENV] = saved


@pytest.fixture(scope="module")
def published(site_dir, tmp_path_factory) -> Path:
    """A copy of the built site after the headers step (default build: HTML untouched)."""
    dest = tmp_path_factory.mktemp("published") / "site"
    shutil.copytree(site_dir, dest)
    _run_headers_step(dest, meta=False)
    return dest


@pytest.fixture(scope="module")
def policy(published) -> dict[str, str]:
    """The security headers every response must carry, as the step computes them."""
    return dict(headers.security_headers(headers.collect(published)))


def nginx_executable() -> str:
    configured = os.environ.get("NGINX", "").strip()
    for candidate in ([configured] if configured else []) + ["nginx", "/usr/sbin/nginx"]:
        found = shutil.which(candidate)
        if found:
            return found
    pytest.fail(
        "nginx is not installed (no `nginx` on PATH nor /usr/sbin/nginx"
        + (f", NGINX={configured!r}" if configured else "") + ").\n"
        "These tests serve the site with Debian's nginx: `apt-get install nginx` (as root), "
        "or set NGINX=/path/to/nginx.", pytrace=False)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_config(prefix: Path, site: Path, port: int) -> Path:
    server = (NGINX_TEMPLATE.read_text(encoding="utf-8")
              .replace("@SITE_ROOT@", str(site))
              .replace("@LISTEN@", f"127.0.0.1:{port}")
              .replace("@SERVER_NAME@", "localhost"))
    assert "@" not in "".join(l for l in server.splitlines() if not l.lstrip().startswith("#")), \
        "a placeholder of deploy/nginx.conf was left unsubstituted"
    (prefix / "site.conf").write_text(server, encoding="utf-8")
    temp = prefix / "temp"
    temp.mkdir(exist_ok=True)
    main = [
        # The master runs as this user; as root, workers would switch to `nobody`, who cannot
        # read pytest's private temporary directories.
        "user root;" if os.geteuid() == 0 else "",
        "daemon off;",
        "worker_processes 1;",
        f"pid {prefix / 'nginx.pid'};",
        f"error_log {prefix / 'error.log'} warn;",
        "events { worker_connections 64; }",
        "http {",
        # What Debian's /etc/nginx/nginx.conf sets at http level (site.conf relies on it).
        "    types_hash_max_size 2048;",
        f"    access_log {prefix / 'access.log'};",
        *(f"    {name}_temp_path {temp / name};"
          for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        f"    include {prefix / 'site.conf'};",
        "}",
    ]
    conf = prefix / "nginx.conf"
    conf.write_text("\n".join(main) + "\n", encoding="utf-8")
    return conf


def _log_tail(prefix: Path) -> str:
    out = []
    for name in ("stderr.log", "error.log"):
        p = prefix / name
        if p.is_file():
            out.append(f"--- {name}:\n" + "\n".join(p.read_text(errors="replace").splitlines()[-20:]))
    return "\n".join(out)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # SIGTERM: nginx's fast shutdown, master and workers
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def nginx(published, tmp_path_factory):
    """Base URL (http://127.0.0.1:PORT) of nginx serving `published` with deploy/nginx.conf."""
    exe = nginx_executable()
    prefix = tmp_path_factory.mktemp("nginx")
    for attempt in range(3):  # another process may take the free port before nginx does
        port = _free_port()
        conf = _write_config(prefix, published, port)
        check = subprocess.run([exe, "-t", "-q", "-p", str(prefix), "-e", str(prefix / "error.log"),
                                "-c", str(conf)], capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            pytest.fail(f"nginx -t rejects the configuration made from deploy/nginx.conf:\n"
                        f"{check.stdout}{check.stderr}", pytrace=False)
        stderr = open(prefix / "stderr.log", "w")
        proc = subprocess.Popen([exe, "-p", str(prefix), "-e", str(prefix / "error.log"),
                                 "-c", str(conf)], stdout=stderr, stderr=stderr)
        stderr.close()
        try:
            deadline = time.monotonic() + START_TIMEOUT
            up = False
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    up = True
                    break
                except OSError:
                    time.sleep(0.05)
            if not up:
                _stop(proc)
                log = _log_tail(prefix)
                if "Address already in use" in log and attempt < 2:
                    continue
                pytest.fail(f"nginx did not start on 127.0.0.1:{port}.\n{log}", pytrace=False)
            yield f"http://127.0.0.1:{port}"
            return
        finally:
            _stop(proc)


def fetch(base: str, path: str, method: str = "GET", headers_: dict | None = None):
    """(status, headers as a case-insensitive message, body bytes). No redirect following,
    no decompression."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=15)
    try:
        conn.request(method, path, headers={"Accept-Encoding": "identity", **(headers_ or {})})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def _site_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and not p.relative_to(site).as_posix().startswith(("_deploy/", "_headers")))


def _assert_security_headers(hdrs, policy: dict[str, str], what: str) -> None:
    problems = []
    for name, value in policy.items():
        got = hdrs.get_all(name) or []
        if got != [value]:
            problems.append(f"{name}: expected [{value!r}], got {got!r}")
    if hdrs.get("Strict-Transport-Security") is not None:
        problems.append("Strict-Transport-Security sent over plain HTTP")
    if hdrs.get("Server") != "nginx":
        problems.append(f"Server header {hdrs.get('Server')!r} (server_tokens off: 'nginx')")
    assert not problems, f"{what}:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- the policy itself


def test_policy_is_strict(policy):
    csp = dict(d.split(" ", 1) for d in policy["Content-Security-Policy"].split("; "))
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'none'" and csp["form-action"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    for name in ("font-src", "connect-src", "worker-src"):
        assert csp[name] == "'self'", name
    script = csp["script-src"].split()
    assert script[0] == "'self'" and len(script) > 1, "no hash for Material's inline scripts"
    assert all(s.startswith("'sha256-") for s in script[1:]), script
    everything = policy["Content-Security-Policy"]
    for forbidden in ("unsafe-inline", "unsafe-eval", "*", "http:", "https:"):
        assert forbidden not in everything, f"{forbidden} in the CSP"
    assert policy["Referrer-Policy"] == "no-referrer"
    pp = policy["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "browsing-topics"):
        assert f"{feature}=()" in pp, feature
    assert policy["X-Content-Type-Options"] == "nosniff"


def test_outputs_agree(published, policy):
    """_headers (Netlify, Cloudflare Pages) and the nginx include carry the same values;
    default builds leave the HTML untouched."""
    lines = (published / "_headers").read_text(encoding="utf-8").splitlines()
    start = lines.index("/*")
    block = {}
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        name, value = line.strip().split(": ", 1)
        block[name] = value
    assert block.pop("Strict-Transport-Security") == headers.HSTS
    assert block == policy
    fingerprinted = ["/" + rel for rel in _site_files(published) if headers.is_fingerprinted(rel)]
    rules = [lines[i - 1] for i, l in enumerate(lines)
             if l == f"  Cache-Control: {headers.CACHE_IMMUTABLE}"]
    assert rules == fingerprinted and any(r.endswith(".min.js") for r in rules)
    assert all(len(l) <= headers.MAX_HEADERS_LINE for l in lines)
    conf = (published / "_deploy" / "nginx-headers.conf").read_text(encoding="utf-8")
    for name, value in policy.items():
        assert f'add_header {name} "{value}" always;' in conf, name
    for page in published.rglob("*.html"):
        assert "http-equiv=\"Content-Security-Policy\"" not in page.read_text(encoding="utf-8"), (
            f"{page}: CSP meta in a default build (only with {headers.META_ENV}=1)")


def test_step_is_reproducible(published, tmp_path):
    copy = tmp_path / "again"
    shutil.copytree(published, copy)
    _run_headers_step(copy, meta=False)
    for rel in ("_headers", "_deploy/nginx-headers.conf", "_deploy/nginx-http.conf"):
        assert (copy / rel).read_bytes() == (published / rel).read_bytes(), rel


# --------------------------------------------------------------------------- nginx: HTTP


def test_html_page_headers(nginx, published, policy):
    status, hdrs, body = fetch(nginx, "/texte/")
    assert status == 200
    _assert_security_headers(hdrs, policy, "/texte/")
    assert hdrs["Cache-Control"] == headers.CACHE_REVALIDATE
    assert hdrs["Content-Type"] == "text/html; charset=utf-8"
    assert hdrs.get("ETag") and hdrs.get("Last-Modified")
    assert body == (published / "texte" / "index.html").read_bytes()


def test_fingerprinted_asset_headers(nginx, published, policy):
    bundles = sorted((published / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert bundles, "no Material bundle.<hash>.min.js in the build"
    path = "/" + bundles[0].relative_to(published).as_posix()
    status, hdrs, _ = fetch(nginx, path)
    assert status == 200
    _assert_security_headers(hdrs, policy, path)
    assert hdrs["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hdrs["Content-Type"].startswith("application/javascript")
    # The edition's own assets are not fingerprinted: revalidated.
    for own in ("/assets/edition.css", "/assets/edition.js"):
        status, hdrs, _ = fetch(nginx, own)
        assert status == 200, own
        _assert_security_headers(hdrs, policy, own)
        assert hdrs["Cache-Control"] == headers.CACHE_REVALIDATE, own


def test_every_file_cache_control_and_type(nginx, published):
    """nginx's fingerprint location and headers.FINGERPRINTED agree on every file; no file is
    served with a type that nosniff would refuse or that the browser cannot use."""
    problems = []
    for rel in _site_files(published):
        status, hdrs, _ = fetch(nginx, "/" + rel, method="HEAD")
        if rel == "404.html":  # internal: only as the error page, with its status
            if status != 404:
                problems.append(f"/404.html: HTTP {status}, expected 404")
            continue
        if status != 200:
            problems.append(f"/{rel}: HTTP {status}")
            continue
        if hdrs.get("Cache-Control") != headers.cache_control(rel):
            problems.append(f"/{rel}: Cache-Control {hdrs.get('Cache-Control')!r}, "
                            f"expected {headers.cache_control(rel)!r}")
        ctype = hdrs.get("Content-Type", "")
        if ctype.startswith("application/octet-stream"):
            problems.append(f"/{rel}: Content-Type {ctype}")
        if rel.endswith(".js") and not ctype.startswith("application/javascript"):
            problems.append(f"/{rel}: Content-Type {ctype}")
        if rel.endswith(".css") and not ctype.startswith("text/css"):
            problems.append(f"/{rel}: Content-Type {ctype}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/texte/", "/assets/edition.css", "/search/search_index.json"])
def test_gzip(nginx, published, path):
    status, hdrs, body = fetch(nginx, path, headers_={"Accept-Encoding": "gzip"})
    assert status == 200
    assert hdrs.get("Content-Encoding") == "gzip", f"{path} not compressed"
    assert "Accept-Encoding" in (hdrs.get("Vary") or "")
    rel = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
    assert gzip.decompress(body) == (published / rel).read_bytes()
    status, hdrs, body = fetch(nginx, path)  # identity
    assert hdrs.get("Content-Encoding") is None and body == (published / rel).read_bytes()


def test_custom_404(nginx, published, policy):
    for path in ("/nexiste-pas/", "/notes/99/", "/assets/javascripts/bundle.00000000.min.js"):
        status, hdrs, body = fetch(nginx, path)
        assert status == 404, path
        assert body == (published / "404.html").read_bytes(), f"{path}: not the site's 404 page"
        assert hdrs["Content-Type"] == "text/html; charset=utf-8"
        assert hdrs["Cache-Control"] == headers.CACHE_REVALIDATE
        _assert_security_headers(hdrs, policy, path)


def test_no_listing_no_deploy_files(nginx, published):
    # A directory without index.html: 404, never a listing.
    assert not (published / "assets" / "index.html").exists()
    status, _, body = fetch(nginx, "/assets/")
    assert status == 404 and b"Index of" not in body
    for path in ("/_headers", "/_deploy/nginx-headers.conf", "/_deploy/nginx-http.conf",
                 "/.git/config"):
        status, _, body = fetch(nginx, path)
        assert status == 404, path
        assert body == (published / "404.html").read_bytes(), path
    # Directory without its slash: relative redirect.
    status, hdrs, _ = fetch(nginx, "/texte")
    assert status == 301 and hdrs["Location"] == "/texte/"
    status, hdrs, body = fetch(nginx, "/")
    assert status == 200 and body == (published / "index.html").read_bytes()


# --------------------------------------------------------------------------- Chromium

WATCH_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`
    + (e.sample ? ` «${e.sample}»` : ''));
}, true);
"""


class Watched:
    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800},
                                           accept_downloads=True)
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(WATCH_SCRIPT)
        host = base.removeprefix("http://")
        self.external: list[str] = []

        def route(r):
            self.external.append(r.request.url)
            r.abort()
        self.context.route(lambda url: not (url.startswith(("data:", "blob:"))
                                            or url.startswith(f"http://{host}/")), route)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.errors: list[str] = []
        # Console messages of the page's workers (search) come here too.
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} {r.failure}"))

    def _on_console(self, msg):
        text = msg.text
        if msg.type == "error" or "Content Security Policy" in text or "Permissions-Policy" in text:
            self.console.append(f"[{msg.type}] {text}")

    def open(self, path: str, expected_status: int = 200, settle: bool = True) -> list[str]:
        """Load a page and return the problems seen. settle=True also waits for the network to
        go quiet (Material's search worker, its index and lunr files: ~2 s a page here);
        settle=False stops a moment after the load event (every request of the page itself
        and its scripts' start-up are done; the worker's own are checked by the search test)."""
        self.console.clear()
        self.errors.clear()
        response = self.page.goto(self.base + path, wait_until="load")
        if settle:
            self.page.wait_for_load_state("networkidle")
        else:
            self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        problems = []
        if response is None or response.status != expected_status:
            problems.append(f"HTTP {response.status if response else 'no response'}")
        problems += [f"CSP violation: {v}" for v in self.page.evaluate("window.__cspViolations")]
        console = self.console
        if expected_status == 404:  # the browser reports the document's own 404
            console = [m for m in console if not ("404" in m and "Failed to load resource" in m)]
        problems += [f"console: {m}" for m in console]
        # net::ERR_ABORTED: a request of the previous page, cut short by this navigation.
        # (A request refused by the CSP fails with net::ERR_BLOCKED_BY_CSP.)
        problems += [e for e in self.errors if "net::ERR_ABORTED" not in e]
        problems += [f"request leaves the site: {u}" for u in self.external]
        self.external.clear()
        return problems

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, nginx):
    w = Watched(browser, nginx)
    yield w
    w.close()


def _all_paths(site: Path) -> list[str]:
    return [page_url(site, p) for p in built_pages(site)]


def test_every_page_in_chromium_under_the_policy(watched, published):
    paths = _all_paths(published)
    assert len(paths) > 20, paths
    report = {}
    for path in paths:
        problems = watched.open(path, settle=False)
        if problems:
            report[path] = problems
    problems = watched.open("/nexiste-pas/", expected_status=404)
    if problems:
        report["/nexiste-pas/ (404)"] = problems
    assert not report, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in report.items())


def test_policy_is_enforced(watched):
    """Not vacuous: an inline script that is not in the policy is refused and reported."""
    assert watched.open("/texte/") == []
    with pytest.raises(Exception):
        watched.page.add_script_tag(content="window.__injected = 1;")
    assert watched.page.evaluate("window.__injected") is None
    violations = watched.page.evaluate("window.__cspViolations")
    assert any(v.startswith("script-src-elem") or v.startswith("script-src") for v in violations), violations


def test_search_works_under_the_policy(watched):
    """Material's search: a worker (worker-src), its index (connect-src), lunr language files."""
    assert watched.open("/texte/") == []
    query = watched.page.locator("input.md-search__input")
    query.click()
    query.press_sequentially("Huawei", delay=20)
    watched.page.wait_for_selector(".md-search-result__item", timeout=10_000)
    assert watched.page.locator(".md-search-result__item").count() > 0
    assert watched.page.evaluate("window.__cspViolations") == []
    assert watched.console == [] and watched.errors == []


def test_bibliography_data_download(watched):
    """The CSL-JSON download (an <a download href="data:…">) still works under the CSP."""
    assert watched.open("/bibliographie/") == []
    link = watched.page.locator("a[download][href^='data:']")
    assert link.count() == 1
    with watched.page.expect_download(timeout=10_000) as info:
        link.click()
    download = info.value
    assert download.suggested_filename == link.get_attribute("download")
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert isinstance(data, list) and data and all("id" in w for w in data)
    assert watched.page.evaluate("window.__cspViolations") == []
    assert watched.console == [] and watched.errors == []


# --------------------------------------------------------------------------- GitHub Pages (meta)


class _MetaFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.events: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.events.append((tag, {k: v or "" for k, v in attrs}))


@pytest.fixture(scope="module")
def meta_site(site_dir, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("meta") / "site"
    shutil.copytree(site_dir, dest)
    _run_headers_step(dest, meta=True)
    return dest


def test_meta_csp_in_every_page(meta_site, site_dir):
    inline = headers.collect(meta_site)
    expected = headers.csp_string(inline, meta=True)
    assert "frame-ancestors" not in expected
    assert expected == "; ".join(d for d in headers.csp_string(inline).split("; ")
                                 if not d.startswith("frame-ancestors"))
    pages = sorted(meta_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        f = _MetaFinder()
        f.feed(page.read_text(encoding="utf-8"))
        tags = [t for t, _ in f.events]
        metas = [i for i, (t, a) in enumerate(f.events)
                 if t == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"]
        assert len(metas) == 1, page
        assert f.events[metas[0]][1]["content"] == expected, page
        assert "script" not in tags[:metas[0]] and "link" not in tags[:metas[0]], page
        referrer = [a for t, a in f.events if t == "meta" and a.get("name") == "referrer"]
        assert referrer == [{"name": "referrer", "content": "no-referrer"}], page
        # Nothing else changed: removing the two inserted lines gives the original page back.
        original = (site_dir / page.relative_to(meta_site)).read_text(encoding="utf-8")
        lines = page.read_text(encoding="utf-8").split("\n")
        kept = [l for l in lines if "Content-Security-Policy" not in l
                and '<meta name="referrer"' not in l]
        assert len(kept) == len(lines) - 2 and "\n".join(kept) == original, page
    # Running the step again changes nothing.
    before = {p: p.read_bytes() for p in pages}
    _run_headers_step(meta_site, meta=True)
    assert all(p.read_bytes() == b for p, b in before.items())


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_meta_csp_in_chromium(browser, meta_site):
    """Served with no header at all (as GitHub Pages would): the meta policy alone applies,
    pages work without violation, and it is enforced."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            partial(_Quiet, directory=str(meta_site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    w = Watched(browser, f"http://127.0.0.1:{httpd.server_address[1]}")
    try:
        report = {}
        for path in ("/", "/texte/", "/notes/", "/glossaire/csu/", "/bibliographie/"):
            problems = w.open(path)
            if problems:
                report[path] = problems
        assert not report, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in report.items())
        with pytest.raises(Exception):
            w.page.add_script_tag(content="window.__injected = 1;")
        assert w.page.evaluate("window.__injected") is None
        assert w.page.evaluate("window.__cspViolations"), "the meta CSP is not enforced"
    finally:
        w.close()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
