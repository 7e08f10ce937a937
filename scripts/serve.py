"""Live preview for `make serve`: `mkdocs serve`, restarted when the extension's code changes.

    python scripts/serve.py [--verifier] [ADDR]   (ADDR: host:port, 127.0.0.1:8000 by default)

First, the address: if the port is taken (another `make serve`, another server), one line says so
and names a free one (« le port 8000 est déjà pris : make serve ADDR=127.0.0.1:8001 »), and the
script exits 1 at once. mkdocs serve builds the whole site before it binds its port, so without
this check it would build, print a traceback and leave the other server answering.
With --verifier, only that check (the Makefile runs it with the system's python3, before the
virtual environment is created); --verifier=preview names `make preview` in the message.

mkdocs serve rebuilds on changes to docs/, mkdocs.yml and (with --watch) overrides/, but it
keeps the Python modules it has imported: an edit to scripts/edition/*.py would be ignored
until a restart. This wrapper runs mkdocs serve as a child process and restarts it whenever
a .py file under scripts/ changes. Standard library only, but for the child.

The child (`serve.py --mkdocs ADDR`, in the project's directory) is `mkdocs serve` with two
settings MkDocs 1.6 has no option for, so that an edit is shown sooner (scripts/bench/reload.py
measures it): the sources are polled every POLL_SOURCES seconds instead of 0.5, and compiled
Jinja templates are kept from one rebuild to the next (MkDocs makes a new template
environment, and so compiles every template again, at each rebuild; a template whose source
changed is compiled anew all the same).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ROOT / "scripts"
POLL_SECONDS = 1.0  # scripts/*.py
POLL_SOURCES = 0.2  # docs/, overrides/, mkdocs.yml, by mkdocs serve (its own default: 0.5)
DEFAULT_ADDR = "127.0.0.1:8000"


class AddressError(Exception):
    """The address cannot be served; the message is the one line to print."""


def parse_addr(addr: str, target: str = "serve") -> tuple[str, int]:
    host, sep, port = addr.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise AddressError(f"adresse « {addr} » illisible : attendu hôte:port, "
                           f"par exemple make {target} ADDR={DEFAULT_ADDR}")
    return host.strip("[]"), int(port)


def _bind(host: str, port: int) -> None:
    """Bind and release host:port as mkdocs serve's server will (SO_REUSEADDR, so that a
    port left in TIME_WAIT by an earlier run counts as free); raises OSError if it cannot."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))


def free_port_after(host: str, port: int, tries: int = 100) -> int | None:
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        try:
            _bind(host, candidate)
            return candidate
        except OSError:
            continue
    return None


def check_addr(addr: str, target: str = "serve") -> tuple[str, int]:
    """host, port if mkdocs serve can listen there; AddressError with one line otherwise."""
    host, port = parse_addr(addr, target)
    try:
        _bind(host, port)
    except socket.gaierror:
        raise AddressError(f"hôte « {host} » inconnu : make {target} ADDR={DEFAULT_ADDR}") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            other = free_port_after(host, port)
            shown = f"[{host}]" if ":" in host else host
            hint = f"make {target} ADDR={shown}:{other}" if other else f"make {target} ADDR=hôte:port"
            raise AddressError(f"le port {port} est déjà pris : {hint}") from None
        raise AddressError(f"impossible d’écouter sur {addr} : {exc.strerror} "
                           f"(make {target} ADDR={DEFAULT_ADDR})") from None
    return host, port


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


def command(addr: str) -> list[str]:
    """The child's command line, run in the project's directory (scripts/bench/reload.py
    times the same one)."""
    return [sys.executable, str(Path(__file__).resolve()), "--mkdocs", addr]


def tune_mkdocs() -> None:
    """Poll the sources every POLL_SOURCES s; keep compiled templates across rebuilds."""
    import jinja2
    import mkdocs.livereload
    import mkdocs.theme

    server_init = mkdocs.livereload.LiveReloadServer.__init__

    def init(self, *args, polling_interval: float = POLL_SOURCES, **kwargs):
        server_init(self, *args, polling_interval=polling_interval, **kwargs)

    class MemoryBytecodeCache(jinja2.BytecodeCache):
        """Compiled templates by name and source checksum (Jinja checks the checksum)."""

        def __init__(self):
            self.store: dict[str, bytes] = {}

        def load_bytecode(self, bucket):
            if bucket.key in self.store:
                bucket.bytecode_from_string(self.store[bucket.key])

        def dump_bytecode(self, bucket):
            self.store[bucket.key] = bucket.bytecode_to_string()

    cache = MemoryBytecodeCache()
    theme_env = mkdocs.theme.Theme.get_env

    def get_env(self):
        env = theme_env(self)
        env.bytecode_cache = cache
        return env

    mkdocs.livereload.LiveReloadServer.__init__ = init
    mkdocs.theme.Theme.get_env = get_env


def run_mkdocs(addr: str) -> int:
    """The child: `mkdocs serve -a ADDR --watch overrides`, tuned."""
    from mkdocs.__main__ import cli

    tune_mkdocs()
    return cli.main(["serve", "-a", addr, "--watch", "overrides"], prog_name="mkdocs",
                    standalone_mode=True)


def start(addr: str) -> subprocess.Popen:
    return subprocess.Popen(command(addr), cwd=ROOT)


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
    args = argv[1:]
    if args[:1] == ["--mkdocs"]:
        return run_mkdocs(args[1] if len(args) > 1 else DEFAULT_ADDR)
    checks = [a for a in args if a == "--verifier" or a.startswith("--verifier=")]
    only_check = bool(checks)  # --verifier[=TARGET]: only the check, naming make TARGET
    target = (checks[0].partition("=")[2] if checks else "") or "serve"
    args = [a for a in args if a not in checks]
    addr = args[0] if args else DEFAULT_ADDR
    try:
        check_addr(addr, target)
    except AddressError as exc:
        print(exc, file=sys.stderr)
        return 1
    if only_check:
        return 0
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
                reason = ", ".join(names) + " modifié"
            elif proc.poll() is not None:
                # mkdocs serve stopped on its own. Its port taken meanwhile: say so and stop.
                # Otherwise (e.g. the strict build failed at start-up), restart it once a
                # source changes.
                try:
                    check_addr(addr)
                except AddressError as exc:
                    print(exc, file=sys.stderr)
                    return 1
                full = snapshot(everything=True)
                if dead_state is None:
                    print("==> mkdocs serve s’est arrêté : corrigez l’erreur ci-dessus, il repartira"
                          " à la prochaine modification des sources (Ctrl-C pour quitter)", flush=True)
                    dead_state = full
                elif full != dead_state:
                    reason = "sources modifiées"
            if reason:
                print(f"==> {reason} : mkdocs serve relancé", flush=True)
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
