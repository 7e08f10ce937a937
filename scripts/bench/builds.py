"""Builds for the benchmark: copies of a project with or without the edition's machinery,
and one timed `mkdocs build --strict` (wall time, peak memory of the child).

"Vanilla" = the same Markdown (front matter included) built by Material alone: the
``edition`` Markdown extension is removed from mkdocs.yml, and so are the edition's
``extra_css`` / ``extra_javascript`` (and their files). Everything else (theme options,
other extensions, search plugin, nav) is kept, so that the difference is the machinery.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE_DATE_EPOCH = "1640995200"  # as the Makefile and tests/helpers.py


def source_date_epoch(root: Path = REPO_ROOT) -> str:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        return value
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, timeout=30)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return DEFAULT_SOURCE_DATE_EPOCH


def build_env(root: Path = REPO_ROOT) -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = source_date_epoch(root)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(root / "scripts"), env.get("PYTHONPATH", "")) if p)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# --------------------------------------------------------------------------- mkdocs.yml edits

def _top_level_block(text: str, key: str) -> re.Match | None:
    """The top-level ``key:`` and every following line that is indented, a list item,
    blank or a comment (i.e. up to the next top-level key)."""
    return re.search(rf"(?m)^{re.escape(key)}:[^\n]*\n(?:(?:[ \t-][^\n]*|[ \t]*|#[^\n]*)\n)*", text)


def drop_top_level(text: str, key: str) -> str:
    m = _top_level_block(text, key)
    return text if m is None else text[:m.start()] + text[m.end():]


def replace_top_level(text: str, key: str, block: str) -> str:
    """Replace (or append) the top-level ``key`` block by ``block`` (which starts with ``key:``)."""
    block = block.rstrip("\n") + "\n"
    m = _top_level_block(text, key)
    if m is None:
        return text.rstrip("\n") + "\n" + block
    return text[:m.start()] + block + text[m.end():]


def drop_list_item(text: str, name: str) -> str:
    """Remove the list item ``- name`` / ``- name: {...}`` / ``- name:`` and its indented
    options, wherever it is (here: the ``edition`` entry of markdown_extensions)."""
    pattern = rf"(?m)^(?P<indent>[ \t]*)- {re.escape(name)}(?::[^\n]*)?\n(?:(?P=indent)[ \t]+[^\n]*\n|[ \t]*\n)*"
    return re.sub(pattern, "", text)


def strip_machinery(config: str) -> str:
    """mkdocs.yml without the edition's machinery."""
    config = drop_list_item(config, "edition")
    config = drop_top_level(config, "extra_css")
    config = drop_top_level(config, "extra_javascript")
    return config


# In the vanilla copy, overrides/ keeps only what is neither a template nor the edition's own
# CSS/JS (i.e. the favicon and images that mkdocs.yml names).
_MACHINERY_FILES = ("*.html", "*.css", "*.js")


def copy_project(dest: Path, root: Path = REPO_ROOT, *, vanilla: bool = False,
                 docs: Path | None = None, config_edit=None) -> Path:
    """Copy what a build reads (docs/, overrides/, mkdocs.yml) to ``dest`` (the extension is
    imported from ``root``/scripts through PYTHONPATH); ``docs`` replaces docs/; ``vanilla``
    strips the machinery (mkdocs.yml entries, overrides' templates, CSS and JS);
    ``config_edit(text) -> text`` edits mkdocs.yml first. Returns ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(docs or root / "docs", dest / "docs", ignore=ignore)
    if (root / "overrides").is_dir():
        skip = shutil.ignore_patterns("__pycache__", "*.pyc", *(_MACHINERY_FILES if vanilla else ()))
        shutil.copytree(root / "overrides", dest / "overrides", ignore=skip)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    if config_edit:
        config = config_edit(config)
    if vanilla:
        config = strip_machinery(config)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


# --------------------------------------------------------------------------- timed builds

@dataclass
class BuildRun:
    seconds: float  # wall time
    cpu_seconds: float  # user + system CPU time of the mkdocs process
    max_rss_kb: int  # peak resident memory of the mkdocs process (ru_maxrss, Linux: KiB)
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class BuildFailed(RuntimeError):
    pass


def timed_build(project: Path, dest: Path, *, root: Path = REPO_ROOT,
                python: str = sys.executable, timeout: float = 900) -> BuildRun:
    """One ``python -m mkdocs build --strict -d dest`` in ``project``: wall time and peak
    RSS of that child alone (os.wait4's rusage, not the cumulative RUSAGE_CHILDREN)."""
    if dest.exists():
        shutil.rmtree(dest)
    cmd = [python, "-m", "mkdocs", "build", "--strict", "-d", str(dest)]
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=project, env=build_env(root), stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    return BuildRun(seconds, usage.ru_utime + usage.ru_stime, int(usage.ru_maxrss),
                    proc.returncode, output)


def checked_build(project: Path, dest: Path, **kw) -> BuildRun:
    run = timed_build(project, dest, **kw)
    if not run.ok:
        tail = "\n".join(run.output.strip().splitlines()[-15:])
        raise BuildFailed(f"build of {project} failed (exit {run.returncode}):\n{tail}")
    return run


def median(values) -> float:
    return statistics.median(list(values))
