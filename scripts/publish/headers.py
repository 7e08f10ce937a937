"""Security and caching headers for static hosts, made from the built site.

    run(site, root)  (post-build step of scripts/build.py)

One policy, written in every form a host can take:

- ``site/_headers``: Netlify and Cloudflare Pages (read by the host, not served);
- ``site/_deploy/nginx-headers.conf`` (``add_header`` lines, included in every ``location``
  of deploy/nginx.conf) and ``site/_deploy/nginx-http.conf`` (the HSTS ``map``, at ``http``
  level); deploy/nginx.conf refuses to serve ``/_deploy/`` and ``/_headers``;
- with ``EDITION_META_CSP=1`` (the GitHub Pages workflow sets it): right after ``<meta charset>``
  of every page, before any script or stylesheet, a ``<meta http-equiv="Content-Security-Policy">``
  with what a meta element can carry (not ``frame-ancestors``, nor reporting) and
  ``<meta name="referrer" content="no-referrer">``. GitHub Pages sends no custom header at all:
  no meta can stand for nosniff, Permissions-Policy, COOP, X-Frame-Options or HSTS there.
  Without the variable, HTML is left untouched.

The Content-Security-Policy allows the site's own origin only. Material for MkDocs puts a few
small inline scripts in every page (``__md_scope``, differing by page depth; palette restore;
tab target): each one is allowed by its SHA-256 hash, computed here from the exact text between
``<script>`` and ``</script>`` (the pages are parsed with html.parser). Inline event handler
attributes and ``javascript:`` URLs cannot be allowed by hash without ``'unsafe-hashes'``:
their presence is an error. Inline ``style`` attributes and ``<style>`` blocks, if a page ever
has some, are allowed by hash (``'unsafe-hashes'`` is then needed for the attributes).

Cache-Control: fingerprinted assets (Material's ``bundle.<hash>.min.js``,
``main.<hash>.min.css``...) are immutable for a year; everything else (HTML, the edition's own
assets/edition.css and .js, search index, images...) must be revalidated (``no-cache``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from publish.offsets import line_starts

META_ENV = "EDITION_META_CSP"

# ---------------------------------------------------------------- caching

CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "no-cache"

# Material's fingerprinted file names: <name>.<8 hex>.min.(js|css), and their source maps.
# (A regular expression on file paths, not on HTML.) deploy/nginx.conf has the same pattern
# in its `location ~` for these files; tests/test_deploy_nginx.py checks that the two agree
# on every file of the built site.
FINGERPRINTED = re.compile(
    r"^assets/(?:javascripts|stylesheets)/(?:[^/]+/)*[^/.]+\.[0-9a-f]{8}\.min\.(?:js|css)(?:\.map)?$")


def is_fingerprinted(rel: str) -> bool:
    """Is this site-relative POSIX path a fingerprinted (content-hashed) asset?"""
    return FINGERPRINTED.match(rel) is not None


def cache_control(rel: str) -> str:
    """Cache-Control for the file at this site-relative POSIX path."""
    return CACHE_IMMUTABLE if is_fingerprinted(rel) else CACHE_REVALIDATE


# ---------------------------------------------------------------- the policy

HSTS = "max-age=31536000"
REFERRER = "no-referrer"

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation",
    "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
))

# Directives a <meta> element cannot carry (CSP3 §3.3: ignored there, with a console message).
META_FORBIDDEN = ("frame-ancestors", "report-uri", "report-to", "sandbox")

# Executed script types (HTML "classic" or "module"); anything else (application/json, the
# Material config; application/ld+json) is a data block, not governed by script-src.
_JS_TYPES = {"", "module", "text/javascript", "application/javascript", "text/ecmascript",
             "application/ecmascript", "application/x-javascript", "text/jscript"}


@dataclass
class Inline:
    """What the pages carry inline, as CSP source expressions."""
    scripts: set[str] = field(default_factory=set)      # 'sha256-…' of <script> bodies
    style_blocks: set[str] = field(default_factory=set)  # 'sha256-…' of <style> bodies
    style_attrs: set[str] = field(default_factory=set)   # 'sha256-…' of style="…" values
    pages: int = 0


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp_directives(inline: Inline) -> list[tuple[str, str]]:
    """The Content-Security-Policy as (directive, value) pairs, in a fixed order."""
    script_src = " ".join(["'self'", *sorted(inline.scripts)])
    style = ["'self'", *sorted(inline.style_blocks)]
    if inline.style_attrs:
        style += ["'unsafe-hashes'", *sorted(inline.style_attrs)]
    return [
        ("default-src", "'self'"),
        ("script-src", script_src),
        ("style-src", " ".join(style)),
        # data: for the SVG icons Material's CSS uses as mask images.
        ("img-src", "'self' data:"),
        ("font-src", "'self'"),
        ("connect-src", "'self'"),
        # Material's search runs in a worker (assets/javascripts/workers/search.*.min.js).
        ("worker-src", "'self'"),
        ("manifest-src", "'self'"),
        ("media-src", "'self'"),
        ("frame-src", "'none'"),
        ("object-src", "'none'"),
        ("base-uri", "'none'"),
        # The search form is never submitted (Material intercepts it); 'self' keeps a press
        # on Enter without JavaScript harmless.
        ("form-action", "'self'"),
        ("frame-ancestors", "'none'"),
    ]


def csp_string(inline: Inline, *, meta: bool = False) -> str:
    return "; ".join(f"{name} {value}" for name, value in csp_directives(inline)
                     if not (meta and name in META_FORBIDDEN))


def security_headers(inline: Inline) -> list[tuple[str, str]]:
    """Headers for every response (HTML, assets, 404), in a fixed order. HSTS is apart:
    it belongs to HTTPS responses only (see nginx_http_conf)."""
    return [
        ("Content-Security-Policy", csp_string(inline)),
        ("Referrer-Policy", REFERRER),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate it
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]


# ---------------------------------------------------------------- reading the pages

class _InlineCollector(HTMLParser):
    """Collects inline <script>/<style> bodies, style attributes and what CSP hashes cannot
    allow (on* handlers, javascript: URLs) in one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # script/style bodies come raw anyway
        self.scripts: list[str] = []
        self.style_blocks: list[str] = []
        self.style_attrs: list[str] = []
        self.forbidden: list[str] = []
        self._body: list[str] | None = None
        self._body_tag = ""
        self._body_is_script = False

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.forbidden.append(f"ligne {line} : attribut {name} sur <{tag}>")
            elif name == "style":
                self.style_attrs.append(html.unescape(value))
            elif name in ("href", "src", "action", "formaction") and \
                    value.strip().lower().startswith("javascript:"):
                self.forbidden.append(f"ligne {line} : URL javascript: dans <{tag} {name}>")
        a = {k: (v or "") for k, v in attrs}
        if tag == "script" and "src" not in a:
            self._body, self._body_tag = [], "script"
            self._body_is_script = a.get("type", "").strip().lower() in _JS_TYPES
        elif tag == "style":
            self._body, self._body_tag = [], "style"

    def handle_data(self, data):
        if self._body is not None:
            self._body.append(data)

    def handle_endtag(self, tag):
        if self._body is not None and tag == self._body_tag:
            text = "".join(self._body)
            if tag == "style":
                self.style_blocks.append(text)
            elif self._body_is_script:
                self.scripts.append(text)
            self._body = None


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.is_file())


def collect(site: Path) -> Inline:
    """Hashes of everything inline in every HTML file of the site. Raises ValueError naming the
    first thing a hash-based policy cannot allow."""
    inline = Inline()
    for page in html_pages(site):
        # Universal newlines: browsers normalise CR LF to LF before parsing, so the hashed
        # text is the text the browser sees.
        text = page.read_text(encoding="utf-8")
        c = _InlineCollector()
        c.feed(text)
        c.close()
        if c.forbidden:
            raise ValueError(f"{page.relative_to(site).as_posix()}, {c.forbidden[0]} : "
                             "interdit par la CSP (ni 'unsafe-inline' ni 'unsafe-hashes' "
                             "pour les scripts)")
        inline.scripts.update(csp_hash(s) for s in c.scripts)
        inline.style_blocks.update(csp_hash(s) for s in c.style_blocks)
        inline.style_attrs.update(csp_hash(s) for s in c.style_attrs)
        inline.pages += 1
    return inline


# ---------------------------------------------------------------- output formats

GENERATED = "Généré par scripts/publish/headers.py à chaque construction : ne pas modifier."

# Cloudflare Pages: at most 2,000 characters per line of _headers.
MAX_HEADERS_LINE = 2000


def headers_file(site: Path, inline: Inline) -> str:
    """site/_headers for Netlify and Cloudflare Pages.

    Both hosts join the values of a header set by two matching rules with a comma, so
    Cache-Control is set only on the exact paths of fingerprinted assets; every other response
    keeps the hosts' default (public, max-age=0, must-revalidate: revalidated at each use)."""
    lines = [f"# {GENERATED}",
             "# Netlify / Cloudflare Pages. Tout autre fichier garde le Cache-Control par défaut",
             "# de l’hébergeur (public, max-age=0, must-revalidate).",
             "/*"]
    lines += [f"  {name}: {value}" for name, value in security_headers(inline)]
    lines.append(f"  Strict-Transport-Security: {HSTS}")
    assets = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    for rel in assets:
        if is_fingerprinted(rel):
            lines += [f"/{rel}", f"  Cache-Control: {CACHE_IMMUTABLE}"]
    for line in lines:
        if len(line) > MAX_HEADERS_LINE:
            raise ValueError(f"_headers : ligne de {len(line)} caractères "
                             f"(Cloudflare Pages en accepte {MAX_HEADERS_LINE})")
    return "\n".join(lines) + "\n"


def _nginx_quote(value: str) -> str:
    # In an nginx string "$" starts a variable and "\\" / '"' need escaping; the policy has none.
    if any(ch in value for ch in '$\\"\n'):
        raise ValueError(f"valeur d’en-tête impossible à écrire pour nginx : {value!r}")
    return f'"{value}"'


def nginx_headers_conf(inline: Inline) -> str:
    """add_header lines, included in every location of deploy/nginx.conf (nginx drops the
    add_header of an outer level as soon as a location has one of its own). `always`: also on
    404 and other error responses."""
    lines = [f"# {GENERATED}", "# Inclus dans chaque location de deploy/nginx.conf."]
    lines += [f"add_header {name} {_nginx_quote(value)} always;"
              for name, value in security_headers(inline)]
    # Empty (so not sent) unless the request came over TLS: see nginx-http.conf.
    lines.append("add_header Strict-Transport-Security $edition_hsts always;")
    return "\n".join(lines) + "\n"


def nginx_http_conf() -> str:
    """http-level part: HSTS only on HTTPS responses (RFC 6797 §7.2)."""
    return "\n".join([
        f"# {GENERATED}",
        "# Niveau http (deploy/nginx.conf l’inclut avant son bloc server).",
        "map $https $edition_hsts {",
        f"    on {_nginx_quote(HSTS)};",
        '    default "";',
        "}",
    ]) + "\n"


# ---------------------------------------------------------------- <meta> for GitHub Pages

class _HeadLocator(HTMLParser):
    """Where to put the meta tag: right after <meta charset>, else right after <head>.
    Also reports an existing CSP meta element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.head_end: tuple[int, int, str] | None = None
        self.charset_end: tuple[int, int, str] | None = None
        self.existing_csp: str | None = None
        self.has_referrer = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        where = (*self.getpos(), self.get_starttag_text() or "")
        if tag == "head" and self.head_end is None:
            self.head_end = where
        elif tag == "meta" and "charset" in a and self.charset_end is None:
            self.charset_end = where
        elif tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.existing_csp = a.get("content", "")
        elif tag == "meta" and a.get("name", "").lower() == "referrer":
            self.has_referrer = True

    handle_startendtag = handle_starttag


def inject_meta(page: Path, policy: str) -> bool:
    """Insert the CSP meta element into one page; False if it already has this exact one."""
    with open(page, encoding="utf-8", newline="") as f:  # keep the bytes as they are
        text = f.read()
    loc = _HeadLocator()
    loc.feed(text)
    loc.close()
    if loc.existing_csp is not None:
        if loc.existing_csp == policy:
            return False
        raise ValueError(f"{page.name} : contient déjà une autre CSP en <meta>")
    anchor = loc.charset_end or loc.head_end
    if anchor is None:
        raise ValueError(f"{page} : ni <meta charset> ni <head>")
    line, col, tag_text = anchor
    at = line_starts(text)[line] + col + len(tag_text)
    meta = ('\n      <meta http-equiv="Content-Security-Policy" content="'
            + html.escape(policy, quote=True) + '">')
    if not loc.has_referrer:  # (the template may one day carry its own)
        meta += f'\n      <meta name="referrer" content="{REFERRER}">'
    with open(page, "w", encoding="utf-8", newline="") as f:
        f.write(text[:at] + meta + text[at:])
    return True


# ---------------------------------------------------------------- the step

def write_outputs(site: Path, inline: Inline, *, meta: bool) -> None:
    (site / "_headers").write_text(headers_file(site, inline), encoding="utf-8")
    deploy = site / "_deploy"
    deploy.mkdir(exist_ok=True)
    (deploy / "nginx-headers.conf").write_text(nginx_headers_conf(inline), encoding="utf-8")
    (deploy / "nginx-http.conf").write_text(nginx_http_conf(), encoding="utf-8")
    if meta:
        policy = csp_string(inline, meta=True)
        for page in html_pages(site):
            inject_meta(page, policy)


def meta_requested() -> bool:
    return os.environ.get(META_ENV, "").strip() not in ("", "0")


def run(site: Path, root: Path) -> None:
    site = Path(site)
    try:
        if not (site / "index.html").is_file():
            raise ValueError(f"{site} : pas de index.html (le site est-il construit ?)")
        inline = collect(site)
        write_outputs(site, inline, meta=meta_requested())
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        print(f"headers : {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":  # python scripts/publish/headers.py SITE_DIR
    run(Path(sys.argv[1] if len(sys.argv) > 1 else "site"), Path(__file__).resolve().parents[2])
