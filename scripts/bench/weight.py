"""First-visit weight of a page: what a reader's browser transfers, compressed as a host
serves it.

One fresh browser context per page (empty cache, no cookies, HTTP cache disabled), every
response recorded from navigation until the network has been idle. Each body is counted
as its gzip-compressed size (level 6, what nginx or Apache do by default for text), except
formats that are already compressed (images other than SVG, fonts, audio, video, archives),
which are counted as they are. Requests that would leave the local server are aborted and
reported (they count as requests, with no bytes).

Used by tests/test_privacy.py (the budget is a test) and by scripts/bench.py (the figures).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Issue 6: text page (and note, glossary, home) at most 90 KB transferred, 12 requests.
BUDGET_BYTES = 90_000  # kB = 1000 bytes: the stricter reading of "90 KB"
BUDGET_REQUESTS = 12

# Already-compressed formats: a host sends them as they are.
_AS_IS_TYPES = ("image/", "font/", "audio/", "video/", "application/zip", "application/gzip",
                "application/pdf", "application/font-woff", "application/x-font-woff")
_TEXT_IMAGE_TYPES = ("image/svg+xml",)


def transfer_size(body: bytes, content_type: str) -> int:
    """Bytes on the wire for one response body: gzip -6, unless already compressed."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype.startswith(_AS_IS_TYPES) and ctype not in _TEXT_IMAGE_TYPES:
        return len(body)
    if not body:
        return 0
    return len(gzip.compress(body, compresslevel=6, mtime=0))


@dataclass
class Transfer:
    url: str
    resource_type: str
    status: int
    content_type: str
    raw: int  # body size as served (uncompressed)
    sent: int  # counted size (gzip -6 or as-is)


@dataclass
class PageWeight:
    url: str
    transfers: list[Transfer] = field(default_factory=list)
    external: list[str] = field(default_factory=list)  # requests leaving the server (aborted)
    failed: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.transfers) + len(self.external)

    @property
    def bytes(self) -> int:
        return sum(t.sent for t in self.transfers)

    @property
    def raw_bytes(self) -> int:
        return sum(t.raw for t in self.transfers)

    def within_budget(self, max_bytes: int = BUDGET_BYTES, max_requests: int = BUDGET_REQUESTS) -> bool:
        return self.bytes <= max_bytes and self.requests <= max_requests and not self.external

    def summary(self) -> str:
        return f"{self.bytes / 1000:.1f} kB in {self.requests} requests"

    def breakdown(self, indent: str = "    ") -> str:
        """One line per request, largest first."""
        lines = []
        for t in sorted(self.transfers, key=lambda t: -t.sent):
            path = urlsplit(t.url).path or "/"
            lines.append(f"{indent}{t.sent / 1000:7.1f} kB  (raw {t.raw / 1000:7.1f} kB)  "
                         f"{t.resource_type:<10} {path}")
        for url in self.external:
            lines.append(f"{indent}   (external, aborted)  {url}")
        return "\n".join(lines)


def _is_local(url: str, origin: str) -> bool:
    parts, base = urlsplit(url), urlsplit(origin)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return (parts.scheme, parts.hostname, parts.port) == (base.scheme, base.hostname, base.port)


def measure_first_visit(browser, url: str, *, settle_ms: int = 1000, timeout_ms: int = 30_000,
                        viewport: dict | None = None) -> PageWeight:
    """Open ``url`` in a fresh context of ``browser`` (a Playwright Chromium) and return what
    the first visit transferred: every response until the network is idle, plus
    ``settle_ms`` of quiet (late requests such as a search worker and its index count)."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    context = browser.new_context(locale="fr-FR", viewport=viewport or {"width": 412, "height": 823},
                                  service_workers="block")
    result = PageWeight(url)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

        def route(r):
            if _is_local(r.request.url, origin):
                r.continue_()
            else:
                result.external.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        responses = []
        page.on("response", lambda resp: responses.append(resp))
        page.on("requestfailed", lambda req: _is_local(req.url, origin)
                and result.failed.append(f"{req.url}: {req.failure}"))
        page.goto(url, wait_until="load", timeout=timeout_ms)
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
        page.wait_for_timeout(settle_ms)
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
        for resp in responses:
            if urlsplit(resp.url).scheme in ("data", "blob"):
                continue
            try:
                body = resp.body()
            except Exception:  # redirects, aborted bodies: headers only, count no bytes
                body = b""
            ctype = resp.headers.get("content-type", "")
            result.transfers.append(Transfer(resp.url, resp.request.resource_type, resp.status,
                                             ctype, len(body), transfer_size(body, ctype)))
    finally:
        context.close()
    return result
