"""Lighthouse (npm ``lighthouse``, installed in node_modules/ by ``npm ci``) against Debian's
Chromium. Mobile profile (Lighthouse's default: emulated phone, simulated slow 4G, CPU
slowdown x4), four categories, JSON report in a temporary directory.

Lighthouse must use the system Chromium (CHROME_PATH) and never download a browser:
package.json pins ``lighthouse`` only (it depends on puppeteer-core, which downloads nothing),
and ``npm ci --ignore-scripts`` runs no install script.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync")


def lighthouse_bin(root: Path) -> Path | None:
    path = root / "node_modules" / ".bin" / "lighthouse"
    return path.resolve() if path.exists() else None


def chromium_path() -> str | None:
    configured = os.environ.get("CHROME_PATH") or os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    resolved = shutil.which(configured) if os.sep not in configured else configured
    return resolved if resolved and os.access(resolved, os.X_OK) else None


@dataclass
class Report:
    url: str
    scores: dict[str, int | None] = field(default_factory=dict)  # 0..100
    benchmark_index: float | None = None
    failed_audits: list[str] = field(default_factory=list)  # "category: audit (score)"
    metrics: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str = ""


def run(root: Path, url: str, out_dir: Path, *, timeout: float = 240,
        cpu_slowdown: float | None = None) -> Report:
    report = Report(url)
    exe, chrome = lighthouse_bin(root), chromium_path()
    if exe is None:
        report.error = "node_modules/.bin/lighthouse missing (run `npm ci --ignore-scripts`)"
        return report
    if chrome is None:
        report.error = "no Chromium (set CHROME_PATH)"
        return report
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / (url.split("://", 1)[-1].replace("/", "_").replace(":", "_") + ".json")
    cmd = [str(exe), url, "--quiet", "--no-enable-error-reporting", "--output=json",
           f"--output-path={out}", f"--only-categories={','.join(CATEGORIES)}",
           f"--chrome-flags={' '.join(CHROME_FLAGS)}"]
    if cpu_slowdown:
        cmd.append(f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}")
    env = dict(os.environ, CHROME_PATH=chrome)
    env.pop("PUPPETEER_DOWNLOAD_PATH", None)
    env["PUPPETEER_SKIP_DOWNLOAD"] = "1"
    try:
        proc = subprocess.run(cmd, cwd=out_dir, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        report.error = f"timed out after {timeout:.0f} s"
        return report
    if proc.returncode != 0 or not out.exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        report.error = f"lighthouse exited with {proc.returncode}: " + " | ".join(tail)
        return report
    data = json.loads(out.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        report.error = str(data["runtimeError"].get("message") or data["runtimeError"])
    report.benchmark_index = (data.get("environment") or {}).get("benchmarkIndex")
    report.warnings = [str(w) for w in data.get("runWarnings") or []]
    audits = data.get("audits") or {}
    for cat in CATEGORIES:
        c = (data.get("categories") or {}).get(cat) or {}
        score = c.get("score")
        report.scores[cat] = None if score is None else round(score * 100)
        for ref in c.get("auditRefs") or []:
            a = audits.get(ref["id"]) or {}
            if ref.get("weight", 0) > 0 and a.get("score") is not None and a["score"] < 1:
                value = f", {a['displayValue']}" if a.get("displayValue") else ""
                report.failed_audits.append(f"{cat}: {ref['id']} ({a['score']:.2f}{value})")
    for key in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                "cumulative-layout-shift", "speed-index"):
        if key in audits and audits[key].get("displayValue"):
            report.metrics[key] = audits[key]["displayValue"]
    return report
