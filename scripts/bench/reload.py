"""Live reload under `make serve`: how long from saving one entry to the new page being served.

In a copy of the project, the same `mkdocs serve` command as scripts/serve.py runs on a free
port of 127.0.0.1. Once it serves, one glossary entry gets a new sentence appended and saved;
the entry's page is fetched every 20 ms until the sentence is in it. That interval is what an
editor waits for: mkdocs noticing the change (it polls the sources every 0.5 s), rebuilding the
whole site, and serving the new page (the browser, told by mkdocs' live-reload script, then
loads it). Repeated RUNS times, one edit at a time; the median and the slowest are reported.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.builds import REPO_ROOT, build_env, copy_project

ENTRY = Path("docs") / "glossaire" / "csu.md"
POLL = 0.02  # seconds between two fetches of the page
START_TIMEOUT = 180.0
RELOAD_TIMEOUT = 60.0


@dataclass
class Reload:
    seconds: list[float]  # one per edit
    first_build: float  # from starting mkdocs serve to the first page served

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(url: str, needle: str | None, timeout: float, proc: subprocess.Popen) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"mkdocs serve stopped (exit {proc.returncode})")
        page = _fetch(url)
        if page is not None and (needle is None or needle in page):
            return time.perf_counter() - start
        time.sleep(POLL)
    raise RuntimeError(f"{url}: nothing new after {timeout:.0f} s")


def measure(runs: int = 5, root: Path = REPO_ROOT, settle: float = 1.5) -> Reload:
    sys.path.insert(0, str(root / "scripts"))
    import serve  # scripts/serve.py: the command `make serve` runs
    with tempfile.TemporaryDirectory(prefix="edition-reload-") as tmpname:
        project = copy_project(Path(tmpname) / "project", root)
        addr = f"127.0.0.1:{_free_port()}"
        url = f"http://{addr}/glossaire/csu/"
        entry = project / ENTRY
        original = entry.read_text(encoding="utf-8")
        proc = subprocess.Popen(serve.command(addr), cwd=project, env=build_env(root),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)
        try:
            first = _wait_for(url, None, START_TIMEOUT, proc)
            seconds = []
            for i in range(1, runs + 1):
                time.sleep(settle)  # quiet: the previous rebuild is over
                sentence = f"Phrase ajoutée pour la mesure {i}."
                with open(entry, "w", encoding="utf-8") as f:
                    f.write(original.rstrip("\n") + f"\n\n{sentence}\n")
                    f.flush()
                    os.fsync(f.fileno())
                seconds.append(_wait_for(url, sentence, RELOAD_TIMEOUT, proc))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return Reload(seconds, first)


if __name__ == "__main__":  # cd scripts && python -m bench.reload [RUNS]
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    print(f"first page served after {result.first_build:.1f} s; reload after one edit: median "
          f"{result.median:.2f} s, slowest {max(result.seconds):.2f} s "
          f"({', '.join(f'{s:.2f}' for s in result.seconds)})")
