"""Serve a built site on 127.0.0.1 from a thread (stdlib only), compressed as a host would:
text responses (HTML, CSS, JS, JSON, SVG, XML, plain text) are sent with
``Content-Encoding: gzip`` (level 6) to clients that accept it, so that Lighthouse's network
simulation sees the bytes a reader would really download."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import os
import threading
from functools import partial
from pathlib import Path

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/xml", "application/manifest+json")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files; gzip for text; 404.html (status 404) for missing paths; no logging."""

    gzip_enabled = True

    def do_GET(self):
        if self.gzip_enabled and "gzip" in self.headers.get("Accept-Encoding", ""):
            path = self.translate_path(self.path)
            if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
                path = os.path.join(path, "index.html")
            if os.path.isfile(path):
                ctype = self.guess_type(path)
                if ctype.startswith(COMPRESSIBLE):
                    with open(path, "rb") as f:
                        body = gzip.compress(f.read(), compresslevel=6, mtime=0)
                    self.send_response(200)
                    self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
                    self.send_header("Content-Encoding", "gzip")
                    self.send_header("Vary", "Accept-Encoding")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
        super().do_GET()

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code == 404 and not_found.is_file():
            body = not_found.read_bytes()
            self.send_response(404, message)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(site: Path, *, compress: bool = True):
    """``with serve(site) as base:`` -> "http://127.0.0.1:PORT" (no trailing slash)."""
    handler = partial(type("Handler", (_Handler,), {"gzip_enabled": compress}), directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="bench-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
