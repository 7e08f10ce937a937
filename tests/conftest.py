"""Session fixtures: one build of the site, an HTTP server for it, Chromium.

The site is built ONCE per session (`scripts/build.py --site <tmp>`: content check, strict
MkDocs build, then the publishing steps, run with the interpreter running pytest, i.e. the
venv's under `make test`), served from a thread on 127.0.0.1, and driven with Playwright in
Debian's Chromium (/usr/bin/chromium, or $CHROMIUM). Playwright's own browser download is not
used and not needed.

The slow steps (OPTIONAL_STEPS: cards, PDF, offline zip) run only if a collected test asks for
them with the marker ``@pytest.mark.build_steps("pdf", ...)`` (on a test, or ``pytestmark`` for
a whole file). The full run (`make test`) collects every test, so it builds everything;
`make test T=tests/test_site_links.py` builds only what that file needs.
"""

from __future__ import annotations

import fcntl
import http.server
import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.serve import _Handler as _BenchHandler
from build import STEPS
from helpers import REPO_ROOT, BuildResult, hash_sources, run_build

# Steps of scripts/build.py that take seconds each: built only for the tests that need them.
OPTIONAL_STEPS = ("cards", "pdf", "booklet", "flyer", "epub", "printqr", "offline")

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Playwright adds --headless itself (headless=True).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --------------------------------------------------------------------------- the build

def pytest_configure(config):
    config.addinivalue_line(
        "markers", "build_steps(*steps): steps of scripts/build.py among "
        f"{', '.join(OPTIONAL_STEPS)} that the test needs in the session's site")


def steps_asked(items) -> set[str]:
    """The optional build steps that the collected tests ask for (marker build_steps)."""
    asked = set()
    for item in items:
        for mark in item.iter_markers("build_steps"):
            unknown = [s for s in mark.args if s not in STEPS]
            if unknown:
                pytest.fail(f"{item.nodeid}: build_steps names {unknown}, not steps of "
                            f"scripts/build.py ({', '.join(STEPS)})", pytrace=False)
            asked.update(mark.args)
    return asked


@dataclass
class SessionBuild:
    result: BuildResult
    sources_before: dict[str, str]
    sources_after: dict[str, str]
    skipped: tuple[str, ...] = ()  # steps of scripts/build.py left out of this session's build


def _build(dest: Path, skipped: tuple[str, ...]) -> SessionBuild:
    before = hash_sources(REPO_ROOT)
    result = run_build(dest, full=True, skip=skipped)
    return SessionBuild(result, before, hash_sources(REPO_ROOT), skipped)


def _shared_build(common: Path, skipped: tuple[str, ...]) -> SessionBuild:
    record = common / "site-build.json"
    with open(common / "site-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            build = _build(common / "site", skipped)
            r = build.result
            record.write_text(json.dumps({
                "returncode": r.returncode, "output": r.output, "site_dir": str(r.site_dir),
                "command": r.command, "before": build.sources_before,
                "after": build.sources_after, "skipped": list(build.skipped)}))
        data = json.loads(record.read_text())
    result = BuildResult(data["returncode"], data["output"], Path(data["site_dir"]), data["command"])
    return SessionBuild(result, data["before"], data["after"], tuple(data["skipped"]))


@pytest.fixture(scope="session")
def site_build(request, tmp_path_factory) -> SessionBuild:
    """The session's single build, with hashes of the sources before and after it.
    Fails (every test that needs the site) with the build's output if the build fails."""
    asked = steps_asked(request.session.items)
    skipped = tuple(s for s in OPTIONAL_STEPS if s not in asked)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        # Under pytest-xdist (make test: two processes) the workers share one build: the first
        # to take the lock builds into the run's common temporary directory, the others wait for
        # it and read its result. Every worker collects the same tests, so asks the same steps.
        build = _shared_build(tmp_path_factory.getbasetemp().parent, skipped)
    else:
        build = _build(tmp_path_factory.mktemp("site"), skipped)
    if not build.result.ok:
        pytest.fail("The strict build of the site failed.\n" + build.result.describe(), pytrace=False)
    return build


@pytest.fixture(scope="session")
def site_dir(site_build) -> Path:
    """Directory of the built site (a temporary directory, never ./site)."""
    return site_build.result.site_dir


# --------------------------------------------------------------------------- HTTP server

class _SiteHandler(_BenchHandler):
    """Static files from the built site, uncompressed; 404.html (status 404) for missing
    paths (the 404 and quiet logging come from the benchmark's server, scripts/bench/serve.py)."""

    gzip_enabled = False

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@pytest.fixture(scope="session")
def server(site_dir):
    """Base URL (http://127.0.0.1:PORT, no trailing slash) of the built site."""
    handler = partial(_SiteHandler, directory=str(site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


# --------------------------------------------------------------------------- Chromium

def chromium_executable() -> str:
    """$CHROMIUM or /usr/bin/chromium; fails the test session (never skips) if absent."""
    configured = os.environ.get("CHROMIUM", "").strip()
    candidate = configured or DEFAULT_CHROMIUM
    resolved = shutil.which(candidate) if os.sep not in candidate else candidate
    if not resolved or not os.path.isfile(resolved) or not os.access(resolved, os.X_OK):
        where = f"CHROMIUM={configured!r}" if configured else f"{DEFAULT_CHROMIUM}"
        pytest.fail(
            f"No Chromium executable found ({where} does not exist or is not executable).\n"
            "The browser tests need Debian's Chromium: `apt-get install chromium` "
            "(as root), or set CHROMIUM=/path/to/chromium.",
            pytrace=False,
        )
    return resolved


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium via Playwright. Playwright's launch() starts it with a fresh,
    temporary --user-data-dir of its own (removed on close)."""
    executable = chromium_executable()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the lock installs it
        pytest.fail(f"playwright is not installed in this environment: {exc}", pytrace=False)
    pw = sync_playwright().start()
    try:
        try:
            b = pw.chromium.launch(executable_path=executable, headless=True,
                                   args=CHROMIUM_ARGS, timeout=60_000)
        except Exception as exc:
            pytest.fail(f"Chromium at {executable} did not start under Playwright: {exc}",
                        pytrace=False)
        yield b
        b.close()
    finally:
        pw.stop()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname == "127.0.0.1"


@pytest.fixture
def page(browser):
    """A page in a new browser context (locale fr-FR) for each test."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    # Nothing may leave 127.0.0.1: such requests are still recorded (page_watch), then
    # aborted at once instead of waiting on this machine's closed network.
    context.route(lambda url: not _is_local(url), lambda route: route.abort())
    p = context.new_page()
    yield p
    context.close()


@dataclass
class PageWatch:
    """What a page did: console errors, uncaught exceptions, every request URL,
    failed requests and HTTP error responses."""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)

    def external_requests(self, base_url: str) -> list[str]:
        """Requests that leave the test server: anything but data:, blob: and
        http(s)://127.0.0.1:<port of base_url>."""
        base = urlsplit(base_url)
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):
                continue
            if (parts.scheme in ("http", "https") and parts.hostname == "127.0.0.1"
                    and parts.port == base.port):
                continue
            out.append(url)
        return out


@pytest.fixture
def page_watch(page) -> PageWatch:
    w = PageWatch()

    def on_console(msg):
        if msg.type == "error":
            loc = msg.location or {}
            w.console_errors.append(f"{msg.text} ({loc.get('url', '?')}:{loc.get('lineNumber', '?')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: w.page_errors.append(str(exc)))
    page.on("request", lambda req: w.requests.append(req.url))
    page.on("requestfailed", lambda req: w.failed.append(f"{req.url}: {req.failure}"))
    page.on("response", lambda r: r.status >= 400 and w.bad_responses.append(f"{r.status} {r.url}"))
    return w
