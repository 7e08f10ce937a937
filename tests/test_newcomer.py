"""The first hour of a newcomer: what the two commands, `make help` and a plain `mkdocs build`
say and do, as someone running them from a fresh clone would see it.

- `make test` with a system package missing names it and the line that installs it, and stops
  before anything else runs;
- `make serve` on a taken port: one line naming a free port, a non-zero exit, no traceback;
- `make help` names every target of the Makefile;
- a plain `mkdocs build` lists no page outside the navigation (it still lists a page forgotten
  elsewhere) and leaves the full build's site/ alone;
- the README gives the same packages as apt-packages.txt, stays short and links to the four
  other documents.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT, build_env, copy_sources

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import prerequisites  # noqa: E402

MAKE = shutil.which("make") or "make"


def run_make(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """make ARGS in the checkout, as typed in a shell (not as a sub-make of `make test`)."""
    env = {k: v for k, v in (env or os.environ).items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run([MAKE, *args], cwd=REPO_ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


def own_lines(output: str) -> list[str]:
    """What the project printed, without make's own « make: *** [...] Error 1 »."""
    return [line for line in output.splitlines()
            if line.strip() and not re.match(r"make(\[\d+\])?: \*\*\* ", line)]


# --------------------------------------------------------------------------- prerequisites

def path_without(command: str, tmp: Path) -> str:
    """A PATH with every command of the current one except COMMAND (a directory of links)."""
    farm = tmp / "bin"
    farm.mkdir()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            link = farm / entry.name
            if entry.name != command and not link.exists() and not link.is_symlink():
                link.symlink_to(entry.path)
    return str(farm)


def test_make_test_names_a_missing_package_and_stops_first(tmp_path):
    missing = next(p for p in prerequisites.read_list() if p.kind == "commande" and p.name != "make"
                   and "test" in p.targets and shutil.which(p.what))
    env = {**os.environ, "PATH": path_without(missing.what, tmp_path)}
    env.pop(missing.what.upper(), None)
    # T names no test file: had the check let it through, pytest would stop at once anyway.
    result = run_make("test", "T=tests/no-such-file.py", env=env)
    lines = own_lines(result.stdout + result.stderr)
    assert result.returncode != 0
    assert f"  - la commande {missing.what} (paquet {missing.name})" in lines, lines
    assert f"  apt-get update && apt-get install -y {missing.name}" in lines, lines
    assert not any("pytest" in line or "no-such-file" in line or ".venv" in line for line in lines), lines


def test_nothing_is_missing_here():
    assert prerequisites.missing(prerequisites.read_list(), "test") == []


def test_a_malformed_package_line_is_one_line(tmp_path):
    bad = tmp_path / "apt-packages.txt"
    bad.write_text("# liste\nchromium  commande-chromium  test\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        prerequisites.read_list(bad)
    message = str(exc.value)
    assert message.startswith("apt-packages.txt:2: ") and "\n" not in message, message


# --------------------------------------------------------------------------- make serve

def test_a_taken_port_is_one_line_and_an_exit(tmp_path):
    with socket.socket() as other:  # another server, already answering on the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = run_make("serve", f"ADDR=127.0.0.1:{port}", timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output and "Serving on" not in output, output
    lines = own_lines(output)
    assert len(lines) == 1, lines
    m = re.fullmatch(rf"le port {port} est déjà pris : make serve ADDR=127\.0\.0\.1:(\d+)", lines[0])
    assert m, lines[0]
    suggested = int(m.group(1))
    assert suggested != port
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", suggested))  # the port it names is free


def test_an_unreadable_address_is_one_line():
    result = run_make("serve", "ADDR=localhost8000", timeout=30)
    lines = own_lines(result.stdout + result.stderr)
    assert result.returncode != 0 and len(lines) == 1 and "ADDR=127.0.0.1:8000" in lines[0], lines


# --------------------------------------------------------------------------- make help

def makefile_targets() -> set[str]:
    """Every explicit target of the Makefile (rules written `name: …`, not variables)."""
    text = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set()
    for m in re.finditer(r"^([A-Za-z][\w.-]*(?:[ \t]+[A-Za-z][\w.-]*)*)[ \t]*:(?![=:])", text, re.M):
        targets.update(m.group(1).split())
    phony = re.findall(r"^\.PHONY:(.*)$", text, re.M)
    targets.update(name for line in phony for name in line.split() if not name.startswith("$"))
    return targets


def test_make_help_names_every_target():
    targets = makefile_targets()
    assert {"help", "serve", "test", "build", "check"} <= targets, targets
    result = run_make("help")
    assert result.returncode == 0, result.stderr
    listed = {m.group(1) for m in re.finditer(r"^  ([a-z][\w-]*) +\S", result.stdout, re.M)}
    assert targets - listed == set(), f"make help leaves out {sorted(targets - listed)}"
    assert listed - targets == set(), f"make help names what the Makefile lacks: {sorted(listed - targets)}"


# --------------------------------------------------------------------------- plain mkdocs build

def test_plain_mkdocs_build_is_quiet_about_the_nav_and_leaves_site_alone(tmp_path):
    project = copy_sources(tmp_path / "projet")
    # What `make build` made: MkDocs must not delete it.
    download = project / "site" / "telechargements" / "edition.pdf"
    download.parent.mkdir(parents=True)
    download.write_bytes(b"%PDF-")
    # A page forgotten outside the navigation and outside the folders of notes and entries.
    (project / "docs" / "orpheline.md").write_text("# Orpheline\n\nUne page oubliée.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=project, env=build_env(project),
                          capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert download.read_bytes() == b"%PDF-", "a plain mkdocs build touched site/"
    assert (project / "site-mkdocs" / "texte" / "index.html").is_file(), output
    listed = re.findall(r"^  - (\S+)$", output, re.M)
    assert listed == ["orpheline.md"], output


# --------------------------------------------------------------------------- README

README = REPO_ROOT / "README.md"


def readme_apt_packages() -> list[str]:
    text = README.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line for line in text.splitlines()
             if line.startswith(("apt-get ", "sudo apt-get ")) and "apt-get install" in line]
    assert len(lines) == 1, lines
    words = lines[0].split("apt-get install", 1)[1].split()
    return [w for w in words if not w.startswith("-")]


def test_the_readme_installs_exactly_the_list():
    listed = [p.name for p in prerequisites.read_list()]
    assert readme_apt_packages() == listed


def test_the_readme_is_short_and_links_the_other_documents():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    for target in ("GUIDE.md", "deploy/README.md", "BENCHMARK.md", "ARCHITECTURE.md", "apt-packages.txt"):
        assert f"]({target})" in text, target
        assert (REPO_ROOT / target).is_file(), target
    assert "make serve" in text and "make test" in text


# --------------------------------------------------------------------------- make serve's child

TUNED_CHILD = """
import pathlib, sys, tempfile
sys.path.insert(0, {scripts!r})
import serve, mkdocs.livereload, mkdocs.theme
serve.tune_mkdocs()
d = pathlib.Path(tempfile.mkdtemp())
(d / "x.html").write_text("A {{{{ 1 + 1 }}}}")
first = mkdocs.theme.Theme(name="material", custom_dir=str(d)).get_env().get_template("x.html").render()
(d / "x.html").write_text("B {{{{ 2 + 2 }}}}")  # edited between two rebuilds
env = mkdocs.theme.Theme(name="material", custom_dir=str(d)).get_env()
again = env.get_template("x.html").render()
server = mkdocs.livereload.LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(d))
print(first, "|", again, "|", len(env.bytecode_cache.store), "|", server.observer.timeout)
server.server_close()
"""


def test_the_serve_child_keeps_templates_and_polls_sooner():
    """make serve's mkdocs polls the sources every POLL_SOURCES s and reuses compiled templates
    from one rebuild to the next, yet shows an edited template at once."""
    import serve
    proc = subprocess.run([sys.executable, "-c", TUNED_CHILD.format(scripts=str(REPO_ROOT / "scripts"))],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    first, again, cached, timeout = (part.strip() for part in proc.stdout.split("|"))
    assert (first, again) == ("A 2", "B 4")
    assert int(cached) >= 1
    assert float(timeout) == serve.POLL_SOURCES < 0.5
