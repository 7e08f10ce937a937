"""Live preview for `make serve`: `mkdocs serve`, restarted when the extension's code changes.

mkdocs serve rebuilds on changes to docs/, mkdocs.yml and (with --watch) overrides/, but it
keeps the Python modules it has imported: an edit to scripts/edition/*.py would be ignored
until a restart. This wrapper runs mkdocs serve as a child process and restarts it whenever
a .py file under scripts/ changes.

Usage: python scripts/serve.py [ADDR]   (default 127.0.0.1:8000)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ROOT / "scripts"
POLL_SECONDS = 1.0


def snapshot(everything: bool = False) -> dict[str, float]:
    """mtimes of scripts/**/*.py; with EVERYTHING, of all the build's sources too."""
    roots = [WATCHED] + ([ROOT / "docs", ROOT / "overrides"] if everything else [])
    state = {}
    for root in roots:
        for p in root.rglob("*" if everything else "*.py"):
            if "__pycache__" in p.parts or not p.is_file():
                continue
            try:
                state[str(p)] = p.stat().st_mtime
            except FileNotFoundError:
                pass
    if everything and (ROOT / "mkdocs.yml").exists():
        state[str(ROOT / "mkdocs.yml")] = (ROOT / "mkdocs.yml").stat().st_mtime
    return state


def start(addr: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-a", addr, "--watch", "overrides"]
    return subprocess.Popen(cmd, cwd=ROOT)


def stop(proc: subprocess.Popen) -> None:
    """SIGINT (mkdocs serve then removes its temporary site), then SIGTERM, then SIGKILL."""
    for sig, grace in ((signal.SIGINT, 5), (signal.SIGTERM, 5), (signal.SIGKILL, None)):
        if proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    addr = argv[1] if len(argv) > 1 else "127.0.0.1:8000"
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # SIGTERM/SIGHUP, and SIGINT even where a shell ignored it: stop the child cleanly.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    state = snapshot()
    proc = start(addr)
    dead_state: dict[str, float] | None = None
    try:
        while True:
            time.sleep(POLL_SECONDS)
            new = snapshot()
            reason = None
            if new != state:
                changed = sorted(set(new.items()) ^ set(state.items()))
                names = sorted({Path(p).relative_to(ROOT).as_posix() for p, _ in changed})
                reason = ", ".join(names) + " changed"
            elif proc.poll() is not None:
                # mkdocs serve stopped on its own (e.g. strict mode failed at start-up):
                # restart it once any source changes.
                full = snapshot(everything=True)
                if dead_state is None:
                    print("==> mkdocs serve stopped; waiting for a change to the sources"
                          " (Ctrl-C to quit)", flush=True)
                    dead_state = full
                elif full != dead_state:
                    reason = "sources changed"
            if reason:
                print(f"==> {reason}: restarting mkdocs serve", flush=True)
                state, dead_state = new, None
                stop(proc)
                proc = start(addr)
    except KeyboardInterrupt:
        pass
    finally:
        stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
