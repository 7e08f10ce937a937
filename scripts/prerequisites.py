"""Are the system packages there? Run first by `make test` and `make build`, before anything else.

    python3 scripts/prerequisites.py [test|build]

Reads apt-packages.txt (the one list of Debian packages; .ci/run installs it) and checks, for each
package the target needs, what proves it is installed: a command on the PATH (and in /usr/sbin,
/sbin, where Debian puts nginx), a shared library (ctypes.util.find_library), a font file under
/usr/share/fonts, or a module of this Python. With everything there it prints nothing and exits
0; otherwise it names what is missing and the one command that installs it, and exits 1.
Standard library only: it runs with the system's python3, before .venv exists.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "apt-packages.txt"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
MIN_PYTHON = (3, 11)


@dataclass
class Package:
    name: str
    kind: str  # commande, bibliotheque, police, module
    what: str
    targets: tuple[str, ...]
    line: int


def read_list(path: Path = LIST) -> list[Package]:
    """The packages of apt-packages.txt; one clear line and exit 1 on a malformed line."""
    packages = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        kind, _, what = (fields[1] if len(fields) > 1 else "").partition(":")
        if len(fields) < 3 or kind not in CHECKS or not what:
            sys.exit(f"{path.name}:{number}: attendu « paquet preuve cible… » avec une preuve "
                     f"{'|'.join(CHECKS)}:NOM, lu « {raw.strip()} »")
        packages.append(Package(fields[0], kind, what, tuple(fields[2:]), number))
    return packages


def _command(name: str) -> bool:
    # $CHROMIUM, $NGINX… name another executable, as the tests allow.
    configured = os.environ.get(name.upper(), "").strip()
    if configured and shutil.which(configured):
        return True
    path = os.pathsep.join(p for p in (os.environ.get("PATH", ""), "/usr/sbin", "/sbin") if p)
    return shutil.which(name, path=path) is not None


def _library(name: str) -> bool:
    return ctypes.util.find_library(name) is not None


def _font(name: str) -> bool:
    return any(next(d.rglob(name), None) is not None for d in FONT_DIRS if d.is_dir())


def _module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


CHECKS = {"commande": _command, "bibliotheque": _library, "police": _font, "module": _module}
WHAT = {"commande": "la commande", "bibliotheque": "la bibliothèque", "police": "la police",
        "module": "le module Python"}


def missing(packages: list[Package], target: str) -> list[Package]:
    return [p for p in packages if target in p.targets and not CHECKS[p.kind](p.what)]


def report(target: str, absent: list[Package]) -> str:
    names = " ".join(dict.fromkeys(p.name for p in absent))
    lines = [f"make {target} : il manque des paquets système :"]
    lines += [f"  - {WHAT[p.kind]} {p.what} (paquet {p.name})" for p in absent]
    lines += ["Installez-les (Debian 12), en root, puis relancez :",
              f"  apt-get update && apt-get install -y {names}"]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    target = argv[1] if len(argv) > 1 else "test"
    if sys.version_info < MIN_PYTHON:
        print(f"make {target} : Python {'.'.join(map(str, MIN_PYTHON))} ou plus est nécessaire, "
              f"{sys.executable} est en {sys.version.split()[0]} (PYTHON=python3.11 make {target})",
              file=sys.stderr)
        return 1
    absent = missing(read_list(), target)
    if absent:
        print(report(target, absent), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
