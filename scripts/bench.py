#!/usr/bin/env python3
"""Benchmark of the edition (issue 6): `make bench`, or `python scripts/bench.py [--quick]`.

Prints, measured in the same run:

  (a) build time of the edition (`mkdocs build --strict`, median of 3) against a vanilla
      Material build of the same Markdown without the annotation machinery -> ratio
      (target <= 1.15);
  (b) first-visit weight and request count of the home, text, note and glossary pages,
      edition and vanilla, against the budget (90 kB gzip, 12 requests);
  (c) scale: a generated corpus of 250, 500 and 1,000 pages with 500 glossary entries and
      dense cross-references, built with and without the machinery: wall time, CPU time,
      peak memory, growth per page, overhead (issue 18's targets: CPU per added page at 1,000
      pages at most 1.25 times that at 250, CPU overhead <= +50 %);
  (d) Lighthouse scores (mobile profile) of home, texte, notes/3, glossaire/csu, and of the
      vanilla build's texte page as the baseline;
  (e) many texts: 50 texts of 20 paragraphs and 500 entries, edition against vanilla (median
      of --runs builds each);
  (f) live reload under `make serve`: from saving one glossary entry to its new page being
      served (median of 5; target <= 2 s).

--quick (for CI) skips the 1,000-page corpus and Lighthouse. Timing never fails the command:
it exits 0 whatever the figures (and 2 only if something could not be measured at all).
Everything is built in a temporary directory; the checkout is not written to.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import lighthouse, reload  # noqa: E402
from bench.builds import (REPO_ROOT, BuildFailed, checked_build, copy_project,  # noqa: E402
                          replace_top_level)
from bench.corpus import CORPUS_NAV, MANY_TEXTS_NAV, generate, generate_many_texts  # noqa: E402
from bench.serve import serve  # noqa: E402
from bench.weight import BUDGET_BYTES, BUDGET_REQUESTS, measure_first_visit, transfer_size  # noqa: E402

BUILD_RATIO_TARGET = 1.15
SCALE_OVERHEAD_TARGET = 0.50  # CPU time of `mkdocs build --strict`, edition against Material alone (issue 18)
PAGES = {"accueil": "/", "texte": "/texte/", "note": "/notes/3/", "glossaire": "/glossaire/csu/"}
SCALE_SIZES = (250, 500, 1000)
SCALE_ENTRIES = 500
RELOAD_TARGET = 2.0  # seconds
RELOAD_RUNS = 5


def out(line: str = "") -> None:
    print(line, flush=True)


_SECTION = {"start": None}


def heading(title: str) -> None:
    now = time.perf_counter()
    if _SECTION["start"] is not None:
        out(f"  [{now - _SECTION['start']:.0f} s]")
    _SECTION["start"] = now
    out()
    out(title)
    out("-" * len(title))


def mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# --------------------------------------------------------------------------- environment

def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}
    try:
        import material
        import mkdocs
        info["mkdocs"] = mkdocs.__version__
        info["material"] = material.__version__
    except ImportError:
        pass
    chrome = lighthouse.chromium_path()
    if chrome:
        try:
            v = subprocess.run([chrome, "--version"], capture_output=True, text=True, timeout=30)
            info["chromium"] = v.stdout.strip().split(" built ")[0]
        except (OSError, subprocess.SubprocessError):
            pass
    return info


def load() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


# --------------------------------------------------------------------------- (a) build time

def bench_build(tmp: Path, runs: int, results: dict) -> tuple[Path, Path]:
    heading(f"(a) Build time: mkdocs build --strict, median of {runs} (edition vs vanilla Material)")
    ed = copy_project(tmp / "edition")
    van = copy_project(tmp / "vanilla", vanilla=True)
    ed_site, van_site = tmp / "edition-site", tmp / "vanilla-site"
    runs_ed, runs_van = [], []
    for _ in range(runs):  # alternate, so that a load spike hurts both alike
        runs_ed.append(checked_build(ed, ed_site))
        runs_van.append(checked_build(van, van_site))
    wall_ed = statistics.median(r.seconds for r in runs_ed)
    wall_van = statistics.median(r.seconds for r in runs_van)
    cpu_ed = statistics.median(r.cpu_seconds for r in runs_ed)
    cpu_van = statistics.median(r.cpu_seconds for r in runs_van)
    ratio, cpu_ratio = wall_ed / wall_van, cpu_ed / cpu_van
    out(f"  {'':10} {'wall (s)':>9} {'CPU (s)':>9} {'peak RSS':>9}   runs (wall, s)")
    for name, rs, w, c in (("edition", runs_ed, wall_ed, cpu_ed), ("vanilla", runs_van, wall_van, cpu_van)):
        rss = max(r.max_rss_kb for r in rs) / 1024
        out(f"  {name:10} {w:9.2f} {c:9.2f} {rss:7.0f} MB   " + ", ".join(f"{r.seconds:.2f}" for r in rs))
    out(f"  ratio edition / vanilla: wall {ratio:.2f}, CPU {cpu_ratio:.2f}"
        f"   (target <= {BUILD_RATIO_TARGET}: {mark(ratio <= BUILD_RATIO_TARGET)})")
    results["build"] = {"runs": runs, "edition_wall_s": round(wall_ed, 3), "vanilla_wall_s": round(wall_van, 3),
                        "edition_cpu_s": round(cpu_ed, 3), "vanilla_cpu_s": round(cpu_van, 3),
                        "ratio_wall": round(ratio, 3), "ratio_cpu": round(cpu_ratio, 3)}
    return ed_site, van_site


# --------------------------------------------------------------------------- (b) page weight

def launch_chromium(pw):
    exe = lighthouse.chromium_path()
    if exe is None:
        raise RuntimeError("no Chromium: install Debian's chromium or set CHROMIUM=/path")
    args = [f for f in lighthouse.CHROME_FLAGS if not f.startswith("--headless")]
    return pw.chromium.launch(executable_path=exe, headless=True, args=args, timeout=60_000)


SEARCH_BUDGET = 100_000  # bytes, gzip -6 (issue 14)


def bench_weight(ed_site: Path, van_site: Path, results: dict) -> None:
    heading(f"(b) First visit, gzip -6 (budget: {BUDGET_BYTES / 1000:.0f} kB and {BUDGET_REQUESTS} requests per page)")
    from playwright.sync_api import sync_playwright
    from publish import assets as assets_step, search as search_step
    search_step.run(ed_site)  # as scripts/build.py does after MkDocs: one result per paragraph,
    assets_step.run(ed_site)  # and the edition's script and stylesheet without comments
    weights: dict[str, dict] = {"edition": {}, "vanilla": {}}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for name, site in (("edition", ed_site), ("vanilla", van_site)):
                with serve(site) as base:
                    for kind, path in PAGES.items():
                        weights[name][kind] = measure_first_visit(browser, base + path)
        finally:
            browser.close()
    out(f"  {'page':11} {'edition':>22}   {'vanilla Material':>22}   budget")
    for kind, path in PAGES.items():
        e, v = weights["edition"][kind], weights["vanilla"][kind]
        out(f"  {kind:11} {e.bytes / 1000:7.1f} kB {e.requests:3d} req.   "
            f"{v.bytes / 1000:7.1f} kB {v.requests:3d} req.   {mark(e.within_budget())}")
    index = {name: transfer_size((site / "search" / "search_index.json").read_bytes(), "application/json")
             for name, site in (("edition", ed_site), ("vanilla", van_site))}
    out(f"  search index, loaded when the reader opens search: edition {index['edition'] / 1000:.1f} kB, "
        f"vanilla {index['vanilla'] / 1000:.1f} kB   (budget {SEARCH_BUDGET / 1000:.0f} kB: "
        f"{mark(index['edition'] <= SEARCH_BUDGET)})")
    results["search_index_bytes"] = index
    texte = weights["edition"]["texte"]
    out("  what /texte/ loads (edition):")
    out(texte.breakdown("    "))
    results["weight"] = {name: {kind: {"bytes": w.bytes, "requests": w.requests,
                                       "external": w.external}
                                for kind, w in pages.items()} for name, pages in weights.items()}


# --------------------------------------------------------------------------- (c) scale

def bench_scale(tmp: Path, sizes: tuple[int, ...], results: dict) -> None:
    heading(f"(c) Scale: generated corpus, {SCALE_ENTRIES} glossary entries, 1 build each")
    out(f"  {'pages':>5} {'files':>5} {'refs':>6}   {'edition: wall':>13} {'CPU':>6} {'peak RSS':>8}"
        f"   {'vanilla: wall':>13} {'CPU':>6} {'peak RSS':>8}   overhead wall / CPU")
    rows = []
    for n in sizes:
        base = tmp / f"corpus-{n}"
        counts = generate(base / "docs", n, SCALE_ENTRIES)
        nav = lambda text: replace_top_level(text, "nav", CORPUS_NAV)  # noqa: E731
        ed = copy_project(base / "edition", docs=base / "docs", config_edit=nav)
        van = copy_project(base / "vanilla", docs=base / "docs", config_edit=nav, vanilla=True)
        r_ed = checked_build(ed, base / "edition-site", timeout=1800)
        r_van = checked_build(van, base / "vanilla-site", timeout=1800)
        rows.append((n, counts, r_ed, r_van))
        ow, oc = r_ed.seconds / r_van.seconds - 1, r_ed.cpu_seconds / r_van.cpu_seconds - 1
        out(f"  {n:5d} {counts['markdown_files']:5d} {counts['references']:6d}   "
            f"{r_ed.seconds:11.1f} s {r_ed.cpu_seconds:5.1f}s {r_ed.max_rss_kb / 1024:5.0f} MB   "
            f"{r_van.seconds:11.1f} s {r_van.cpu_seconds:5.1f}s {r_van.max_rss_kb / 1024:5.0f} MB   "
            f"{ow * 100:+5.0f} % / {oc * 100:+4.0f} %  (CPU target <= +{SCALE_OVERHEAD_TARGET * 100:.0f} %: "
            f"{mark(oc <= SCALE_OVERHEAD_TARGET)})")
        shutil.rmtree(base, ignore_errors=True)
    out("  growth per added page, in CPU time (wall time follows the machine's load) and peak memory:")
    slopes: dict[str, list[float]] = {"edition": [], "vanilla": []}
    for (n0, _, e0, v0), (n1, _, e1, v1) in zip(rows, rows[1:]):
        d = n1 - n0
        for name, a, b in (("edition", e0, e1), ("vanilla", v0, v1)):
            slopes[name].append((b.cpu_seconds - a.cpu_seconds) / d)
        out(f"    {n0:4d} -> {n1:4d} pages: "
            + ";  ".join(f"{name} {(b.cpu_seconds - a.cpu_seconds) / d * 1000:5.1f} ms/page "
                         f"(wall {(b.seconds - a.seconds) / d * 1000:5.1f}), "
                         f"{(b.max_rss_kb - a.max_rss_kb) / d:5.1f} KB/page"
                         for name, a, b in (("edition", e0, e1), ("vanilla", v0, v1))))
    linearity = {}
    if len(rows) >= 3:
        parts = []
        for name in ("edition", "vanilla"):
            first, last = slopes[name][0], slopes[name][-1]
            linearity[name] = last / first if first > 0 else float("inf")
            parts.append(f"{name} {linearity[name]:.2f}")
        out("  linearity: CPU per added page, last step / first step (1.00 = linear; "
            "> 1.25 = super-linear): " + ", ".join(parts)
            + f"   ({mark(linearity['edition'] <= 1.25)})")
    results["scale"] = {"linearity_cpu": {k: round(v, 3) for k, v in linearity.items()},
                        "sizes": [{"pages": n, "files": c["markdown_files"], "references": c["references"],
                                   "edition_s": round(e.seconds, 2), "vanilla_s": round(v.seconds, 2),
                                   "edition_cpu_s": round(e.cpu_seconds, 2), "vanilla_cpu_s": round(v.cpu_seconds, 2),
                                   "edition_rss_mb": round(e.max_rss_kb / 1024), "vanilla_rss_mb": round(v.max_rss_kb / 1024),
                                   "overhead_wall": round(e.seconds / v.seconds - 1, 3),
                                   "overhead_cpu": round(e.cpu_seconds / v.cpu_seconds - 1, 3)}
                                  for n, c, e, v in rows]}


# --------------------------------------------------------------------------- (e) many texts

MANY_TEXTS = 50  # texts of 20 paragraphs, 500 glossary entries (issue 18)


def bench_many_texts(tmp: Path, runs: int, results: dict) -> None:
    """The many-texts corpus (bench.corpus.generate_many_texts), edition and vanilla built in
    turn ``runs`` times: medians, so that the other jobs of a shared machine weigh on both."""
    heading(f"(e) Many texts: {MANY_TEXTS} texts of 20 paragraphs, {SCALE_ENTRIES} entries, median of {runs}")
    base = tmp / "many-texts"
    counts = generate_many_texts(base / "docs", MANY_TEXTS, 20, SCALE_ENTRIES)
    nav = lambda text: replace_top_level(text, "nav", MANY_TEXTS_NAV)  # noqa: E731
    ed = copy_project(base / "edition", docs=base / "docs", config_edit=nav)
    van = copy_project(base / "vanilla", docs=base / "docs", config_edit=nav, vanilla=True)
    runs_ed, runs_van = [], []
    for _ in range(runs):
        runs_ed.append(checked_build(ed, base / "edition-site", timeout=1800))
        runs_van.append(checked_build(van, base / "vanilla-site", timeout=1800))
    cpu_ed = statistics.median(r.cpu_seconds for r in runs_ed)
    cpu_van = statistics.median(r.cpu_seconds for r in runs_van)
    wall_ed = statistics.median(r.seconds for r in runs_ed)
    wall_van = statistics.median(r.seconds for r in runs_van)
    out(f"  {counts['markdown_files']} files, {counts['paragraphs']} paragraphs, {counts['references']} references; "
        f"load {load()}")
    out(f"  edition: CPU {cpu_ed:.1f} s, wall {wall_ed:.1f} s, peak {max(r.max_rss_kb for r in runs_ed) / 1024:.0f} MB"
        f"   vanilla: CPU {cpu_van:.1f} s, wall {wall_van:.1f} s, peak {max(r.max_rss_kb for r in runs_van) / 1024:.0f} MB")
    out(f"  overhead against Material alone: CPU {(cpu_ed / cpu_van - 1) * 100:+.0f} % "
        f"(target <= +{SCALE_OVERHEAD_TARGET * 100:.0f} %: {mark(cpu_ed / cpu_van - 1 <= SCALE_OVERHEAD_TARGET)}), "
        f"wall {(wall_ed / wall_van - 1) * 100:+.0f} %"
        f"   (CPU runs: edition {', '.join(f'{r.cpu_seconds:.1f}' for r in runs_ed)}; "
        f"vanilla {', '.join(f'{r.cpu_seconds:.1f}' for r in runs_van)})")
    results["many_texts"] = {"texts": MANY_TEXTS, "runs": runs, **counts,
                             "edition_cpu_s": round(cpu_ed, 2), "vanilla_cpu_s": round(cpu_van, 2),
                             "edition_wall_s": round(wall_ed, 2), "vanilla_wall_s": round(wall_van, 2),
                             "overhead_cpu": round(cpu_ed / cpu_van - 1, 3)}
    shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- (d) Lighthouse

def bench_lighthouse(tmp: Path, ed_site: Path, van_site: Path, results: dict,
                     cpu_slowdown: float | None) -> None:
    heading("(d) Lighthouse " + ("(mobile profile" + (f", CPU slowdown x{cpu_slowdown})" if cpu_slowdown else ")"))
            + ": performance / accessibility / best practices / SEO")
    if lighthouse.lighthouse_bin(REPO_ROOT) is None:
        out("  skipped: node_modules/.bin/lighthouse is missing (run `npm ci --ignore-scripts`)")
        return
    targets = [("edition", ed_site, kind, path) for kind, path in PAGES.items()]
    targets.append(("vanilla", van_site, "texte", PAGES["texte"]))
    rows = []
    for name, site, kind, path in targets:
        with serve(site) as base:
            rep = lighthouse.run(REPO_ROOT, base + path, tmp / "lighthouse")
        rows.append((name, kind, rep))
        if rep.error:
            out(f"  {name:8} {kind:10} error: {rep.error}")
            continue
        s = rep.scores
        out(f"  {name:8} {kind:10} {s['performance']:>3} / {s['accessibility']:>3} / "
            f"{s['best-practices']:>3} / {s['seo']:>3}   "
            f"(TBT {rep.metrics.get('total-blocking-time', '?')}, LCP {rep.metrics.get('largest-contentful-paint', '?')}, "
            f"benchmarkIndex {rep.benchmark_index:.0f})")
    below: dict[str, list[str]] = {}
    for name, kind, r in rows:
        for audit in r.failed_audits:
            key, _, detail = audit.rpartition(" (")
            below.setdefault(key, []).append(f"{name[:3]}/{kind} {detail.rstrip(')')}")
    if below:
        out("  audits scoring below 1 (page: score, value):")
        for key in sorted(below):
            out(f"    {key}: " + "; ".join(below[key]))
    slow = [r for _, _, r in rows if any("slower CPU" in w for w in r.warnings)]
    if slow:
        out("  note: Lighthouse warns that this machine's CPU is slower than it expects "
            "(benchmarkIndex above); the performance score is pessimistic here.")
    results["lighthouse"] = [{"site": n, "page": k, "scores": r.scores, "error": r.error,
                              "benchmark_index": r.benchmark_index, "metrics": r.metrics,
                              "audits_below_1": r.failed_audits} for n, k, r in rows]


# --------------------------------------------------------------------------- main

# --------------------------------------------------------------------------- (f) live reload

def bench_reload(results: dict) -> None:
    heading(f"(f) Live reload under make serve: save one entry -> new page served, {RELOAD_RUNS} edits")
    try:
        r = reload.measure(RELOAD_RUNS)
    except RuntimeError as exc:
        out(f"  not measured: {exc}")
        results["reload"] = {"error": str(exc)}
        return
    out(f"  first build and page served: {r.first_build:.1f} s")
    out(f"  reload: median {r.median:.2f} s, slowest {max(r.seconds):.2f} s   "
        f"(target <= {RELOAD_TARGET:.0f} s: {mark(r.median <= RELOAD_TARGET)})   runs: "
        + ", ".join(f"{s:.2f}" for s in r.seconds))
    results["reload"] = {"first_s": round(r.first_build, 2), "median_s": round(r.median, 3),
                         "runs_s": [round(s, 3) for s in r.seconds]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="for CI: skip the 1,000-page corpus and Lighthouse")
    ap.add_argument("--runs", type=int, default=3, help="builds per variant for (a) (default 3)")
    ap.add_argument("--skip", action="append", default=[], choices=["build", "weight", "scale", "many", "lighthouse", "reload"],
                    help="skip a part (repeatable); weight and lighthouse need the builds of (a)")
    ap.add_argument("--lighthouse-cpu-slowdown", type=float, default=None,
                    help="Lighthouse CPU throttling multiplier (default: Lighthouse's, 4)")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    info = machine()
    out("Benchmark of the edition (scripts/bench.py" + (" --quick" if args.quick else "") + ")")
    out("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    out(f"load average at start: {load()}")
    results: dict = {"machine": info, "quick": args.quick, "load_start": load()}
    sizes = SCALE_SIZES[:-1] if args.quick else SCALE_SIZES
    status = 0
    with tempfile.TemporaryDirectory(prefix="edition-bench-") as tmpname:
        tmp = Path(tmpname)
        try:
            ed_site = van_site = None
            if "build" not in args.skip or {"weight", "lighthouse"} - set(args.skip):
                runs = args.runs if "build" not in args.skip else 1
                ed_site, van_site = bench_build(tmp, runs, results)
            if "weight" not in args.skip:
                bench_weight(ed_site, van_site, results)
            if "scale" not in args.skip:
                bench_scale(tmp, sizes, results)
            if "many" not in args.skip:
                bench_many_texts(tmp, 1 if args.quick else args.runs, results)
            if not args.quick and "lighthouse" not in args.skip:
                bench_lighthouse(tmp, ed_site, van_site, results, args.lighthouse_cpu_slowdown)
            if "reload" not in args.skip:
                bench_reload(results)
        except BuildFailed as exc:
            out(f"error: {exc}")
            status = 2
    elapsed = time.perf_counter() - started
    if _SECTION["start"] is not None:
        out(f"  [{time.perf_counter() - _SECTION['start']:.0f} s]")
    out()
    out(f"load average at end: {load()}; total {elapsed / 60:.1f} min")
    results["load_end"] = load()
    results["total_s"] = round(elapsed, 1)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
