#!/usr/bin/env python3
"""Build benchmark: Tebiki against Hugo (+ Pagefind) on generated knowledge bases.

    python3 bench/run.py [--scale [--scale-runs 1]] [--runs 3] [--sizes 1000,10000] [--storage both] [--profile] [--no-doc]
    python3 bench/run.py --profile-only 1000,10000 [--tebiki bench/out/bin/tebiki]
    python3 bench/run.py --report-only

For each size N (1000 and 10000; 50000 too with --scale) it generates one site with
bench/generate.py into bench/out/nN/, then repeats --runs times, once per storage of the
outputs (disk: bench/out/nN/; memory: /dev/shm/tebiki-bench/nN/, a tmpfs; see --storage):

    tebiki build  (full, into a fresh output folder)
    tebiki build  (again, nothing changed)
    tebiki build  (after editing one requirement's title and body; the file is restored after it)
    hugo          (fresh output folder)
    pagefind_extended --site <hugo output>

each under /usr/bin/time -v (wall time, CPU and system CPU time, peak RSS). Within a run the
disk sequence comes first and the memory sequence right after it, each after its own wait for
a quiet machine, so that both see the same machine state. Two storages because on an ext4
without a journal, creating thousands of files right after deleting thousands of others costs
seconds of kernel time (see the Method section of docs/benchmarks.md). It prints Markdown
tables and writes docs/benchmarks.md. --profile also records `perf` on a full Tebiki build and
a rebuild at the smallest N (outputs on disk) and writes the hot spots into the "Where the
time goes" section (kept as it is otherwise); --profile-only does only that, for the given sizes.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
DOC = REPO / "docs/benchmarks.md"
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

PROFILE_START, PROFILE_END = "<!-- profile:start -->", "<!-- profile:end -->"

# Targets (from the issue).
TARGET_RATIO = 0.5     # full build of 10,000 pages with search index <= 0.5 x Hugo's time
TARGET_REBUILD = 0.05  # rebuild with nothing changed <= 5% of the full build
TARGET_RSS_MB = 500    # peak memory at 10,000 pages
TARGET_EDIT = 0.10     # rebuild after a one-page edit <= 10% of the full build
BROWSER_N = 10000      # the size at which the browser search step runs (both engines)
TARGET_COLD_MS = 150   # Enter → results, cold, median
TARGET_WARM_P95_MS = 16  # search() warm, p95

# Where the outputs go. The sources are always read from bench/out/nN/.
STORAGES = ("disk", "memory")
MEMORY_ROOT = Path("/dev/shm/tebiki-bench")
WHERE = {"disk": "on disk", "memory": "in memory (tmpfs)"}

NOISY = 0.3   # a run during which other processes used more CPU than this is run again...
RETRIES = 2   # ...at most this many times; the quietest attempt is kept


def sh(cmd: list[str], **kw) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw).stdout.strip()
    except OSError:
        return ""


def pagefind_binary() -> str:
    try:
        import pagefind_bin_extended
    except ImportError:
        sys.exit("pagefind-bin-extended is not installed: run scripts/ensure-deps.sh bench")
    return str(pagefind_bin_extended.get_executable())


def cpu_busy() -> float:
    """Seconds of CPU time spent by the whole machine so far (all CPUs, not idle or iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_quiet(max_wait: float) -> float:
    """Waits (up to max_wait seconds) until other processes use less than 0.2 CPU; returns that use."""
    deadline = time.monotonic() + max_wait
    while True:
        b0, t0 = cpu_busy(), time.monotonic()
        time.sleep(3)
        other = (cpu_busy() - b0) / (time.monotonic() - t0)
        if other < 0.2 or time.monotonic() > deadline:
            return other
        print(f"  machine busy ({other:.1f} CPUs used by other processes), waiting…", file=sys.stderr)
        time.sleep(10)


def measure(cmd: list[str], log: Path) -> dict:
    """Runs cmd under /usr/bin/time -v; wall time from a monotonic clock, the rest from time.
    `other` is the CPU (in CPUs) that other processes used meanwhile: noise in the wall time."""
    tfile = log.with_suffix(".time")
    busy0 = cpu_busy()
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", str(tfile), *cmd],
                              stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    busy = cpu_busy() - busy0
    text = tfile.read_text()
    if proc.returncode != 0:
        tail = "".join(log.read_text(errors="replace").splitlines(True)[-20:])
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{tail}")

    def field(name: str) -> float:
        m = re.search(rf"^\s*{re.escape(name)}: (\S+)", text, re.M)
        return float(m.group(1)) if m else 0.0

    system = field("System time (seconds)")
    cpu = field("User time (seconds)") + system
    return {"wall": wall, "cpu": cpu, "sys": system, "rss": field("Maximum resident set size (kbytes)") / 1024,
            "other": max(0.0, busy - cpu) / wall}


# --- storages -----------------------------------------------------------------------------


def storage_of(r: dict) -> str:
    """A result's storage; results.json files written before there were two storages measured the disk."""
    return r.get("storage", "disk")


def output_base(storage: str, n: int) -> Path:
    """The folder that holds tebiki-out and hugo-out for N in that storage."""
    return OUT / f"n{n}" if storage == "disk" else MEMORY_ROOT / f"n{n}"


def mount_of(path: Path) -> tuple[str, str, str]:
    """(device, mount point, file system type) of the mount that holds path, from /proc/mounts."""
    real, best = os.path.realpath(path), ("", "", "")
    try:
        lines = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return best
    for line in lines:
        dev, mnt, fstype = (f.replace("\\040", " ") for f in line.split()[:3])
        inside = real == mnt or real.startswith(mnt.rstrip("/") + "/")
        if inside and len(mnt) >= len(best[1]):  # the longest mount point wins; a later mount over an earlier one
            best = (dev, mnt, fstype)
    return best


def memory_storage_problem() -> str | None:
    """Why the outputs cannot go to /dev/shm, or None if /dev/shm is a writable tmpfs."""
    shm = MEMORY_ROOT.parent
    if not shm.is_dir():
        return f"{shm} does not exist"
    try:
        os.statvfs(shm)
    except OSError as e:
        return f"{shm} cannot be read ({e})"
    fstype = mount_of(shm)[2]
    if fstype != "tmpfs":
        return f"{shm} is not a tmpfs (file system type: {fstype or 'unknown'})"
    if not os.access(shm, os.W_OK):
        return f"{shm} is not writable"
    return None


def describe_storage(path: Path) -> str:
    """File system of path, and for ext4 whether it has a journal (a journaled ext4 always lists
    data=ordered, data=journal or data=writeback in /proc/fs/ext4/<device>/options)."""
    dev, mnt, fstype = mount_of(path)
    text = f"{fstype or 'unknown file system'}{f' on {dev}' if dev and dev != fstype else ''} (mounted at {mnt or '?'})"
    if fstype == "ext4":
        try:
            st = os.stat(path)
            name = os.path.basename(os.path.realpath(f"/sys/dev/block/{os.major(st.st_dev)}:{os.minor(st.st_dev)}"))
            options = Path(f"/proc/fs/ext4/{name}/options").read_text().split()
            journal = any(o.startswith("data=") for o in options)
            text += ", with a journal" if journal else ", without a journal (no data= option)"
        except OSError:
            text += ", journal unknown"
    return text


def tree_size(path: Path) -> tuple[int, int]:
    """(bytes, files) of a folder, apparent sizes; a hard-linked file counts once."""
    total, files, seen = 0, 0, set()
    for root, _, names in os.walk(path):
        for name in names:
            st = os.lstat(os.path.join(root, name))
            files += 1
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            total += st.st_size
    return total, files


def machine(tebiki: str, pagefind: str) -> dict:
    cpu = "unknown"
    try:
        m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    swift = sh(["swift", "--version"]) or sh(["/opt/swift/usr/bin/swift", "--version"])
    return {
        "date": datetime.date.today().isoformat(),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "tebiki": sh([tebiki, "--version"]),
        "hugo": sh(["hugo", "version"]).split(" BuildDate")[0],
        "pagefind": sh([pagefind, "--version"]) + " (pagefind_extended from PyPI pagefind-bin-extended)",
        "swift": swift.splitlines()[0] if swift else "unknown",
        "python": platform.python_version(),
    }


def stat(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def edited_page(src: Path) -> Path:
    """The requirement the one-page-edit step edits: the middle one, so that it is linked from
    others and listed on facet pages like most pages."""
    pages = sorted((src / "content/requirements").glob("*.md"))
    return pages[len(pages) // 2]


def edit_one_page(cmd: list[str], src: Path, log: Path) -> dict:
    """Rebuild after a one-page edit: changes one requirement's title and the first paragraph
    of its body (what an author does between two builds), measures the rebuild, then puts
    the file back as it was (bytes and modification time). The output is left as the edited
    build made it; the next sequence starts with a fresh output folder anyway."""
    page = edited_page(src)
    original, st = page.read_bytes(), page.stat()
    text = original.decode("utf-8")
    head, sep, body = text.partition("\n---\n")
    edited = re.sub(r'^title: "(.*)"$', r'title: "\1（改訂）"', head, count=1, flags=re.M)
    if edited == head or not sep:
        sys.exit(f"{page}: no quoted title to edit")
    # The first paragraph after the first heading gets one more sentence.
    body = re.sub(r"^(## .*\n\n)([^\n]+)", r"\1\2なお、この段落は編集の計測のために一文を加えています。", body, count=1, flags=re.M)
    try:
        page.write_text(edited + sep + body, encoding="utf-8")
        return measure(cmd, log)
    finally:
        page.write_bytes(original)
        os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))


def run_sequence(label: str, cmds: dict[str, list[str]], out_t: Path, out_h: Path, logs: Path, tag: str,
                 max_wait: float, src: Path) -> tuple[dict[str, dict], int]:
    """One measured sequence (full build, rebuild, one-page edit, Hugo, Pagefind) after a wait for a quiet machine,
    repeated while other processes were busy; returns the quietest attempt and how many were repeated."""
    best, retried = None, 0
    for attempt in range(1 + RETRIES):
        wait_quiet(max_wait)
        run: dict[str, dict] = {}
        shutil.rmtree(out_t, ignore_errors=True)
        run["full"] = measure(cmds["tebiki"], logs / f"tebiki-full-{tag}.log")
        run["rebuild"] = measure(cmds["tebiki"], logs / f"tebiki-rebuild-{tag}.log")
        run["edit"] = edit_one_page(cmds["tebiki"], src / "tebiki", logs / f"tebiki-edit-{tag}.log")
        shutil.rmtree(out_h, ignore_errors=True)
        run["hugo"] = measure(cmds["hugo"], logs / f"hugo-{tag}.log")
        run["pagefind"] = measure(cmds["pagefind"], logs / f"pagefind-{tag}.log")
        noise = max(x["other"] for x in run.values())
        if best is None or noise < best[0]:
            best = (noise, run)
        print(f"{label}: " + ", ".join(f"{k} {v['wall']:.2f} s (sys {v['sys']:.2f})" for k, v in run.items())
              + f" (other processes: up to {noise:.2f} CPUs)", file=sys.stderr)
        if noise <= NOISY:
            break
        if attempt < RETRIES:
            retried += 1
            print("  other processes were busy during this run: running it again", file=sys.stderr)
    return best[1], retried


def output_sizes(out_t: Path, out_h: Path) -> dict:
    pagefind = tree_size(out_h / "pagefind")
    hugo = tree_size(out_h)
    return {
        "tebiki": tree_size(out_t), "tebiki_index": tree_size(out_t / "search"),
        "hugo": (hugo[0] - pagefind[0], hugo[1] - pagefind[1]),
        "pagefind_index": pagefind,
        "tebiki_folders": sorted(((tree_size(e)[0] if e.is_dir() else e.stat().st_size, e.name)
                                  for e in out_t.iterdir()), reverse=True),
    }


def browser_search(out_t: Path, out_h: Path) -> dict:
    """The search as a user meets it, for both engines on the pages just built: Tebiki from
    file:// (scripts/search-metrics.py: Enter → results and search() cold and warm, the bytes a
    cold query loads and search-core.js), Pagefind (on Hugo's output, which needs HTTP) through its JS API as
    scripts/search-vs-pagefind.py does (cold: pagefind.js imported, search() and data() of the
    first 5 results; bytes counted at the server). Same 30 queries, one headless Chromium."""
    import importlib
    sys.path.insert(0, str(REPO / "scripts"))
    metrics = importlib.import_module("search-metrics")
    vs = importlib.import_module("search-vs-pagefind")
    driver = metrics.browser()
    counter = vs.Counter()
    server, base = vs.serve_counting(str(out_h), counter)
    (out_h / "blank.html").write_text("<!doctype html><html lang=ja><meta charset=utf-8><title>blank</title></html>")
    pf = []
    try:
        tb = metrics.measure(driver, str(out_t))
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        for q in metrics.QUERIES:
            driver.get(base + "blank.html")
            counter.reset()
            r = driver.execute_async_script(vs.PF_JS, q)
            if "error" in r:
                raise RuntimeError(f"pagefind: {q}: {r['error']}")
            pf.append({"q": q, "cold_ms": r["cold"], "warm_ms": r["warm"], "bytes": counter.bytes, "files": counter.files})
    finally:
        server.shutdown()
        driver.quit()
        (out_h / "blank.html").unlink(missing_ok=True)
    med, p95 = statistics.median, metrics.p95
    # As Pagefind's count includes pagefind.js and its WebAssembly, Tebiki's includes search-core.js.
    core = (out_t / "assets/js/search-core.js").stat().st_size
    for r in tb:
        r["bytes"] += core
    return {
        "queries": len(tb),
        "tebiki": {"enter_cold_ms": (med(r["enter_cold_ms"] for r in tb), p95([r["enter_cold_ms"] for r in tb])),
                   "search_cold_ms": (med(r["search_cold_ms"] for r in tb), p95([r["search_cold_ms"] for r in tb])),
                   "search_warm_ms": (med(r["search_warm_ms"] for r in tb), p95([r["search_warm_ms"] for r in tb])),
                   "bytes": (med(r["bytes"] for r in tb), max(r["bytes"] for r in tb)),
                   "files": med(r["files"] for r in tb)},
        "pagefind": {"search_cold_ms": (med(r["cold_ms"] for r in pf), p95([r["cold_ms"] for r in pf])),
                     "search_warm_ms": (med(r["warm_ms"] for r in pf), p95([r["warm_ms"] for r in pf])),
                     "bytes": (med(r["bytes"] for r in pf), max(r["bytes"] for r in pf)),
                     "files": med(r["files"] for r in pf)},
    }


def browser_lines(results: list[dict]) -> list[str]:
    r = next((x for x in ordered(results) if x.get("browser")), None)
    if not r:
        return []
    b, t, f = r["browser"], r["browser"]["tebiki"], r["browser"]["pagefind"]
    kb = lambda v: f"{v / 1024:,.0f} KB"
    return [
        f"- Search in the browser at N={r['n']:,} ({b['queries']} queries, headless Chromium, {WHERE[r['storage']]}): "
        f"Tebiki from `file://`, Enter → results cold median {t['enter_cold_ms'][0]:.0f} ms (p95 {t['enter_cold_ms'][1]:.0f}; "
        f"target ≤ {TARGET_COLD_MS}), `search()` cold {t['search_cold_ms'][0]:.0f} / p95 {t['search_cold_ms'][1]:.0f} ms, "
        f"warm {t['search_warm_ms'][0]:.1f} / p95 {t['search_warm_ms'][1]:.1f} ms (target p95 ≤ {TARGET_WARM_P95_MS}); "
        f"first-query bytes median {kb(t['bytes'][0])} (max {kb(t['bytes'][1])}, {t['files']:.0f} files). "
        f"Pagefind over HTTP (search + data() of 5 results): cold {f['search_cold_ms'][0]:.0f} / p95 "
        f"{f['search_cold_ms'][1]:.0f} ms, warm {f['search_warm_ms'][0]:.1f} / p95 {f['search_warm_ms'][1]:.1f} ms, "
        f"first-query bytes median {kb(f['bytes'][0])} (max {kb(f['bytes'][1])}, {f['files']:.0f} files).",
    ]


def run_size(n: int, runs: int, storages: list[str], tebiki: str, pagefind: str, max_wait: float,
             browser: bool = True) -> list[dict]:
    """Measures N in each storage, interleaved: run i measures the disk sequence, then the memory one.
    Returns one result per storage."""
    src = OUT / f"n{n}"
    t0 = time.perf_counter()
    gen = generate.generate(n, src)
    gen["seconds"] = time.perf_counter() - t0
    print(f"N={n}: generated {gen['pages']} pages ({gen['markdown_bytes'] / 1e6:.1f} MB Markdown) "
          f"in {gen['seconds']:.1f} s", file=sys.stderr)
    logs = src / "logs"
    logs.mkdir(exist_ok=True)
    state = {}
    for storage in storages:
        base = output_base(storage, n)
        base.mkdir(parents=True, exist_ok=True)
        out_t, out_h = base / "tebiki-out", base / "hugo-out"
        state[storage] = {
            "out_t": out_t, "out_h": out_h, "retried": 0,
            "res": {"full": [], "rebuild": [], "edit": [], "hugo": [], "pagefind": []},
            "cmds": {
                "tebiki": [tebiki, "build", "--source", str(src / "tebiki"), "--output", str(out_t)],
                "hugo": ["hugo", "--source", str(src / "hugo"), "--destination", str(out_h), "--quiet"],
                "pagefind": [pagefind, "--site", str(out_h), "--silent"],
            },
        }
    for i in range(runs):
        for storage, st in state.items():
            run, retried = run_sequence(f"N={n} run {i + 1}/{runs} {storage}", st["cmds"], st["out_t"], st["out_h"],
                                        logs, f"{storage}-{i}", max_wait, src)
            st["retried"] += retried
            for k, v in run.items():
                st["res"][k].append(v)
    results = []
    for storage, st in state.items():
        other = [x["other"] for v in st["res"].values() for x in v]
        results.append({"n": n, "storage": storage, "gen": gen, "res": st["res"],
                        "sizes": output_sizes(st["out_t"], st["out_h"]),
                        "other": (statistics.median(other), max(other)), "runs": runs, "retried": st["retried"]})
    if browser and n == BROWSER_N:
        # Once, on the last run's outputs (the first storage: the pages are the same).
        st = state[storages[0]]
        print(f"N={n}: search in the browser (Tebiki and Pagefind)", file=sys.stderr)
        results[0]["browser"] = browser_search(st["out_t"], st["out_h"])
    if "memory" in state:  # GBs at N=50,000: free them before the next size
        shutil.rmtree(output_base("memory", n), ignore_errors=True)
    return results


def mb(b: float) -> str:
    return f"{b / 1e6:.1f} MB"


def ordered(results: list[dict]) -> list[dict]:
    """By N, and within N disk before memory."""
    return sorted(results, key=lambda r: (r["n"], STORAGES.index(storage_of(r))))


def per_n(results: list[dict]) -> list[dict]:
    """One result per N (the content is the same in every storage)."""
    seen: dict[int, dict] = {}
    for r in ordered(results):
        seen.setdefault(r["n"], r)
    return list(seen.values())


def median_of(r: dict, key: str, f: str) -> float | None:
    """Median of field f of step key; None when no run has it (system CPU in old results.json files)."""
    values = [x[f] for x in r["res"][key] if f in x]
    return statistics.median(values) if values else None


def num(v: float | None, digits: int = 2) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def results_table(results: list[dict]) -> str:
    rows = ["| N (requirements / pages) | storage | step | wall median (s) | wall min–max (s) | CPU median (s) "
            "| system CPU median (s) | peak RSS median (MB) | RSS min–max (MB) | output | search index |",
            "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    names = {"full": "Tebiki full build", "rebuild": "Tebiki rebuild (nothing changed)",
             "edit": "Tebiki rebuild (one page edited)",
             "hugo": "Hugo", "pagefind": "Pagefind (on Hugo's output)"}
    for r in ordered(results):
        s, label, storage = r["sizes"], f"{r['n']:,} / {r['gen']['pages']:,}", storage_of(r)
        for key, name in names.items():
            if not r["res"].get(key):  # results.json of a run before the step existed
                continue
            w, c, m = (stat([x[f] for x in r["res"][key]]) for f in ("wall", "cpu", "rss"))
            out = {"full": f"{mb(s['tebiki'][0])}, {s['tebiki'][1]:,} files",
                   "hugo": f"{mb(s['hugo'][0])}, {s['hugo'][1]:,} files"}.get(key, "")
            idx = {"full": f"{mb(s['tebiki_index'][0])} (`search/`)",
                   "pagefind": f"{mb(s['pagefind_index'][0])}, {s['pagefind_index'][1]:,} files (`pagefind/`)"}.get(key, "")
            rows.append(f"| {label} | {storage} | {name} | {w[0]:.2f} | {w[1]:.2f}–{w[2]:.2f} | {c[0]:.2f} | "
                        f"{num(median_of(r, key, 'sys'))} | {m[0]:.0f} | {m[1]:.0f}–{m[2]:.0f} | {out} | {idx} |")
        hp = stat([a["wall"] + b["wall"] for a, b in zip(r["res"]["hugo"], r["res"]["pagefind"])])
        rows.append(f"| {label} | {storage} | Hugo + Pagefind (per run) | {hp[0]:.2f} | {hp[1]:.2f}–{hp[2]:.2f} "
                    f"| | | | | | |")
    return "\n".join(rows)


def ratios(r: dict) -> dict:
    med = {k: statistics.median(x["wall"] for x in v) for k, v in r["res"].items() if v}
    return {
        "full": med["full"], "rebuild": med["rebuild"], "hugo": med["hugo"], "pagefind": med["pagefind"],
        "t_h": med["full"] / med["hugo"],
        "t_hp": med["full"] / (med["hugo"] + med["pagefind"]),
        "rb": med["rebuild"] / med["full"],
        "edit": med.get("edit"),
        "ed": med["edit"] / med["full"] if med.get("edit") else None,
        "rss": statistics.median(x["rss"] for x in r["res"]["full"]),
        "rss_max": max(x["rss"] for k in ("full", "rebuild", "edit") for x in r["res"].get(k, [])),
        "cpu_t_h": statistics.median(x["cpu"] for x in r["res"]["full"])
                   / statistics.median(x["cpu"] for x in r["res"]["hugo"]),
    }


def ratio_table(results: list[dict]) -> str:
    rows = ["| N | storage | Tebiki / Hugo (wall) | Tebiki / (Hugo + Pagefind) (wall) | Tebiki / Hugo (CPU) "
            "| rebuild / full | one-page edit / full | Tebiki peak RSS, full (MB) |",
            "|--:|---|--:|--:|--:|--:|--:|--:|"]
    for r in ordered(results):
        q = ratios(r)
        edit = f"{q['ed'] * 100:.0f} %" if q["ed"] is not None else "–"
        rows.append(f"| {r['n']:,} | {storage_of(r)} | {q['t_h']:.2f} | {q['t_hp']:.2f} | {q['cpu_t_h']:.2f} | "
                    f"{q['rb'] * 100:.0f} % | {edit} | {q['rss']:.0f} |")
    return "\n".join(rows)


def growth_table(results: list[dict]) -> str:
    """Time, memory and output per 1,000 pages at each N: constant per-page figures mean linear growth."""
    rows = ["| N (pages) | storage | runs | Tebiki full wall (s) | CPU (s) | system CPU (s) | CPU per 1,000 pages (s) "
            "| rebuild (s) | peak RSS (MB) | output | Hugo wall (s) | Hugo + Pagefind wall (s) | Tebiki / Hugo |",
            "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in ordered(results):
        med = lambda key, f: median_of(r, key, f)  # noqa: E731
        pages = r["gen"]["pages"]
        hp = statistics.median(a["wall"] + b["wall"] for a, b in zip(r["res"]["hugo"], r["res"]["pagefind"]))
        rows.append(f"| {r['n']:,} ({pages:,}) | {storage_of(r)} | {r.get('runs', len(r['res']['full']))} | "
                    f"{med('full', 'wall'):.2f} | {med('full', 'cpu'):.2f} | {num(med('full', 'sys'))} | "
                    f"{med('full', 'cpu') / pages * 1000:.2f} | {med('rebuild', 'wall'):.2f} | "
                    f"{med('full', 'rss'):.0f} | {mb(r['sizes']['tebiki'][0])} | {med('hugo', 'wall'):.2f} | {hp:.2f} | "
                    f"{med('full', 'wall') / med('hugo', 'wall'):.2f} |")
    return "\n".join(rows)


VERDICT_HEAD = {
    "disk": "**Outputs on disk** (what a user of this machine sees when building after deleting the output):",
    "memory": "**Outputs in memory** (tmpfs: the tools' own work, without the file system's inode allocation cost):",
}


def verdicts(results: list[dict]) -> list[str]:
    at10 = [r for r in ordered(results) if r["n"] == 10000]
    if not at10:
        return ["The targets are stated for 10,000 pages, which this run did not measure."]
    ok = lambda b: "**met**" if b else "**not met**"  # noqa: E731
    lines = []
    for r in at10:
        q = ratios(r)
        system = median_of(r, "full", "sys")
        system = f", of which system {system:.1f} s" if system is not None else ""
        lines += [
            VERDICT_HEAD[storage_of(r)],
            "",
            f"- Full build of 10,000 pages with its search index ≤ 0.5 × Hugo's time: {ok(q['t_h'] <= TARGET_RATIO)}. "
            f"Tebiki {q['full']:.1f} s (CPU {median_of(r, 'full', 'cpu'):.1f} s{system}) against Hugo "
            f"{q['hugo']:.1f} s (ratio {q['t_h']:.2f}); against Hugo + Pagefind "
            f"({q['hugo'] + q['pagefind']:.1f} s, the fair comparison since Hugo alone builds no search index) "
            f"the ratio is {q['t_hp']:.2f}, {'within' if q['t_hp'] <= TARGET_RATIO else 'also above'} 0.5.",
            f"- Rebuild with nothing changed ≤ 5 % of the full build: {ok(q['rb'] <= TARGET_REBUILD)}. "
            f"{q['rebuild']:.1f} s, {q['rb'] * 100:.0f} % of the full build.",
            *([f"- Rebuild after a one-page edit ≤ 10 % of the full build: {ok(q['ed'] <= TARGET_EDIT)}. "
               f"{q['edit']:.1f} s, {q['ed'] * 100:.0f} % of the full build."] if q["ed"] is not None else []),
            f"- Peak memory at 10,000 pages ≤ 500 MB: {ok(q['rss_max'] <= TARGET_RSS_MB)}. "
            f"{q['rss']:.0f} MB median for the full build (highest of any Tebiki run: {q['rss_max']:.0f} MB).",
            "",
        ]
    return lines + ["Why a target is not met, and what stands in the way, is in the summary of "
                    "\"Where the time goes\" below."]


def observations(results: list[dict]) -> list[str]:
    n = max(r["n"] for r in results)
    at_n = [r for r in ordered(results) if r["n"] == n]
    s = at_n[0]["sizes"]
    folders = ", ".join(f"`{name}` {mb(size)}" for size, name in s["tebiki_folders"][:6])
    lines = [
        f"- At N={n:,}, Tebiki's output is {mb(s['tebiki'][0])} in {s['tebiki'][1]:,} files against Hugo's "
        f"{mb(s['hugo'][0])} in {s['hugo'][1]:,} files (Hugo's theme here has no facet pages, data or exports). "
        f"Largest folders: {folders}.",
        f"- Search index: Tebiki's `search/` is {mb(s['tebiki_index'][0])} in {s['tebiki_index'][1]:,} files; "
        f"Pagefind's `pagefind/` is {mb(s['pagefind_index'][0])} in {s['pagefind_index'][1]:,} files "
        f"(compressed fragments, loaded on demand).",
    ] + browser_lines(results)

    def cpu(r: dict, key: str) -> str:
        system = median_of(r, key, "sys")
        system = f" (system {system:.1f} s)" if system is not None else ""
        return f"{median_of(r, key, 'cpu'):.1f} s CPU{system} in {median_of(r, key, 'wall'):.1f} s"

    for r in at_n:
        lines.append(f"- CPU time against wall time (2 CPUs), outputs {WHERE[storage_of(r)]}: Tebiki full build "
                     f"{cpu(r, 'full')}, Hugo {cpu(r, 'hugo')}, Pagefind {cpu(r, 'pagefind')}: the closer CPU is "
                     f"to 2 × wall, the better a tool uses both CPUs.")
    by = {storage_of(r): r for r in at_n}
    if "disk" in by and "memory" in by:
        d, m = by["disk"], by["memory"]

        def pair(key: str) -> str:
            text = f"{median_of(d, key, 'wall'):.1f} s on disk against {median_of(m, key, 'wall'):.1f} s in memory"
            ds, ms = median_of(d, key, "sys"), median_of(m, key, "sys")
            return text + (f" (system CPU {ds:.1f} s against {ms:.1f} s)" if ds is not None and ms is not None else "")

        lines.append(f"- File system: at N={n:,} the Tebiki full build takes {pair('full')}, Hugo {pair('hugo')}, "
                     f"Pagefind {pair('pagefind')}; the difference is mostly what creating files in a fresh folder "
                     f"on this disk costs (see Method).")
    q = ratios(at_n[0])
    lines.append(f"- Memory: Pagefind peaks at {median_of(at_n[0], 'pagefind', 'rss'):.0f} MB and Hugo at "
                 f"{median_of(at_n[0], 'hugo', 'rss'):.0f} MB, Tebiki at {q['rss']:.0f} MB.")
    return lines


# --- profile ------------------------------------------------------------------------------


def demangle(lines: list[str]) -> list[str]:
    swift = shutil.which("swift") or "/opt/swift/usr/bin/swift"
    try:
        p = subprocess.run([swift, "demangle", "--simplified"], input="\n".join(lines), capture_output=True,
                           text=True, check=True)
        return p.stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return lines


def perf_top(data: Path, children: bool, limit: int, kernel: bool = True) -> list[tuple[float, str]]:
    cmd = ["perf", "report", "-i", str(data), "--stdio", "--sort", "symbol", "-g", "none",
           "--percent-limit", "0.5", "--children" if children else "--no-children"]
    rows = []
    for line in sh(cmd).splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+(?:[\d.]+%\s+)?\[([.k])\]\s+(.+?)(?:\s+\(inlined\))?\s*$", line)
        if m and (kernel or m.group(2) == "."):
            rows.append((float(m.group(1)), m.group(3)))
    names = demangle([name for _, name in rows])
    best: dict[str, float] = {}
    for (pct, _), name in zip(rows, names):
        name = re.sub(r"(\s+-)+\s*$", "", re.sub(r"\s+", " ", name)).strip()
        name = re.sub(r"^specialized |\s*\(inlined\)$", "", name)
        if children and re.match(WRAPPERS, name):
            continue
        best[name] = max(best.get(name, 0.0), pct)
    return sorted(((p, n[:150]) for n, p in best.items()), key=lambda x: -x[0])[:limit]


# Frames that only forward to their callee (entry points, thunks, closures, dispatch).
WRAPPERS = (r"^(partial apply|thunk|dispatch thunk|reabstraction|protocol witness|closure #|specialized closure|"
            r"implicit closure|_dispatch|dispatch_|static DispatchQueue|DispatchQueue|__libc|_start|"
            r"start_thread|clone|tebiki_main|Build\.run|main$|Array\.withUnsafe|specialized Array\.withUnsafe|"
            r"merged |outlined )")


# Pipeline phases (docs/architecture.md) and the function that runs each.
PHASES = [
    ("load: read site.yml, content/ and theme (SiteSource.read)", r"^static SiteSource\.read\(from:\)"),
    ("parse: front matter and links, per file in parallel (ContentParser.parse)", r"^static ContentParser\.parse\("),
    ("  of which YAML (YAMLReader.parse)", r"^YAMLReader\.parse\("),
    ("validate (Validator.validate)", r"^static Validator\.validate\("),
    ("model (SiteModel.init)", r"^SiteModel\.init\("),
    ("pages: template contexts and fingerprints (PageRenderer.prepare)", r"^PageRenderer\.prepare\("),
    ("pages: rendering (PageRenderer.render)", r"^PageRenderer\.render\("),
    ("  of which Mustache (MustacheTemplate.render)", r"^MustacheTemplate\.render\(context:\)"),
    ("  of which Markdown to HTML, from the templates (Markdown.render)", r"^static Markdown\.render\("),
    ("  of which HTML escaping of template values (String.htmlEscape)", r"^String\.htmlEscape\(\)"),
    ("search index (Indexer.searchIndexValue / Indexer.searchFiles)", r"^static Indexer\.search(IndexValue|Files)\("),
    ("  of which JSON writing of the complete index (Indexer.Index.write)", r"^Indexer\.Index\.write\(to:\)"),
    ("  of which the shards (SearchShards.files)", r"^static SearchShards\.files\(_:build:into:\)"),
    ("  of which tokenising (SearchText.tokens)", r"^static SearchText\.tokens\(_:\)"),
    ("catalog and lookup data (Indexer.catalog / Indexer.lookup)", r"^static Indexer\.(catalog|lookup)\("),
    ("OSCAL exports (OSCALExport.catalog)", r"^static OSCALExport\.catalog\("),
    ("change history diffs (TextDiff.compare)", r"^static TextDiff\.compare\("),
    ("write: files written as they are made (OutputWriter.Session.put)", r"^OutputWriter\.Session\.put\("),
    ("nothing-changed check: input fingerprint (BuildCache.inputFingerprint)", r"^static BuildCache\.inputFingerprint\("),
    ("nothing-changed check: output files (BuildCache.outputsIntact)", r"^static BuildCache\.outputsIntact\("),
    ("build cache (BuildCache.save)", r"^BuildCache\.save\("),
    ("in the kernel (system calls, page faults)", r"^(do_syscall_64|asm_exc_page_fault)$"),
]


def memory_timeline(n: int, tebiki: str) -> str:
    """Resident memory of a full build, phase by phase: tebiki prints its phases to a terminal,
    so its stderr is a pseudo-terminal here, and /proc/PID/status is sampled every 20 ms."""
    import pty
    import threading
    base = OUT / f"n{n}"
    out_t = base / "tebiki-out"
    shutil.rmtree(out_t, ignore_errors=True)
    master, slave = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen([tebiki, "build", "--source", str(base / "tebiki"), "--output", str(out_t)],
                            stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    events: list[tuple[float, str]] = [(0.0, "start")]

    def read() -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.decode("utf-8", "replace").strip().lstrip("… ").strip()
                if text:
                    events.append((time.perf_counter() - start, text))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    samples: list[tuple[float, float]] = []
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            m = re.search(r"VmRSS:\s+(\d+)", status)
            if m:
                samples.append((time.perf_counter() - start, int(m.group(1)) / 1024))
        except OSError:
            pass
        time.sleep(0.02)
    end = time.perf_counter() - start
    reader.join(timeout=2)
    os.close(master)
    if len(events) < 2 or not samples:
        return ""
    rows = []
    bounds = events + [(end, "end")]
    for (t0, name), (t1, _) in zip(bounds, bounds[1:]):
        during = [rss for t, rss in samples if t0 <= t < t1]
        if during:
            label = "before the first phase message (start-up, reading the files)" if name == "start" else name
            rows.append(f"| {label} | {t0:.1f}–{t1:.1f} | {during[0]:.0f} | {max(during):.0f} |")
    peak = max(rss for _, rss in samples)
    return (f"**Memory of a full build at N={n:,}**, phase by phase (phase names as tebiki prints them "
            f"on a terminal; RSS sampled every 20 ms from `/proc/PID/status`, peak {peak:.0f} MB):\n\n"
            f"| phase | seconds | RSS at start (MB) | highest RSS (MB) |\n|---|--:|--:|--:|\n"
            + "\n".join(rows) + "\n")


def profile(n: int, tebiki: str) -> str:
    """Profiles a full build into a fresh folder, then a rebuild with nothing changed."""
    if not shutil.which("perf"):
        return "perf is not installed; no profile was taken.\n"
    base = OUT / f"n{n}"
    out_t = base / "tebiki-out"
    shutil.rmtree(out_t, ignore_errors=True)
    freq = "499" if n <= 2000 else "99"
    parts = []
    for step in ("full", "rebuild"):
        data = base / f"perf-{step}.data"
        cmd = ["perf", "record", "-F", freq, "--call-graph", "dwarf,65528", "-o", str(data), "--",
               tebiki, "build", "--source", str(base / "tebiki"), "--output", str(out_t)]
        if subprocess.run(cmd, capture_output=True).returncode != 0:
            return "perf record failed; no profile was taken.\n"
        self_rows = perf_top(data, False, 20)
        all_incl = perf_top(data, True, 10_000)
        user_incl = perf_top(data, True, 10_000, kernel=False)
        data.unlink()
        phase_rows = []
        for label, pattern in PHASES:
            pct = max((p for p, name in all_incl if re.search(pattern, name)), default=None)
            if pct is not None:
                phase_rows.append((pct, label))
        fmt = lambda rows: "\n".join(f"| {p:.1f} % | `{name.replace('|', '/')}` |" for p, name in rows)  # noqa: E731
        title = ("Full build into a fresh folder" if step == "full"
                 else "Rebuild with nothing changed (same output folder, right after the full build)")
        text = (f"**{title}.** By phase of the pipeline (inclusive share of the function that runs "
                f"the phase; phases below 0.5 % are not listed; an indented line is part of the line "
                f"above; the rest is runtime overhead or samples whose stack could not be unwound):\n\n"
                f"| share | phase (function) |\n|--:|---|\n{fmt(phase_rows)}\n\n")
        incl_rows = user_incl[:35 if step == "full" else 15]
        text += (f"Inclusive time (the function and everything it calls; frames that only forward "
                 f"calls and kernel frames left out), top {len(incl_rows)}:\n\n| share | function |\n|--:|---|\n{fmt(incl_rows)}\n\n")
        if step == "full":
            text += (f"Self time (the function alone), top {len(self_rows)}:\n\n"
                     f"| share | function |\n|--:|---|\n{fmt(self_rows)}\n")
        parts.append(text)
    memory = memory_timeline(n, tebiki)
    if memory:
        parts.append(memory)
    return (f"Recorded with `perf record -F {freq} --call-graph dwarf` on `tebiki build` of the N={n:,} "
            f"site (all threads; shares are of all CPU samples of the process), reported with "
            f"`perf report --sort symbol`, names demangled with `swift demangle --simplified`.\n\n"
            + "\n".join(parts))


# --- document -----------------------------------------------------------------------------


def storages_text(results: list[dict], info: dict) -> str:
    """The Method paragraph on the two storages of the outputs."""
    measured = [s for s in STORAGES if any(storage_of(r) == s for r in results)]
    which = ("Every run measured both: the disk sequence first and the memory sequence right after it,\n"
             "each after its own wait for a quiet machine, so that both see the same machine state."
             if len(measured) == 2 else f"This run measured the outputs {WHERE[measured[0]]} only.")
    return f"""**Two storages for the outputs.** The commands run twice, with the outputs on disk
(`bench/out/nN/tebiki-out` and `hugo-out`, on the root file system) and with the outputs in
memory (`/dev/shm/tebiki-bench/nN/tebiki-out` and `hugo-out`, a tmpfs, removed at the end of
the run); the sources are read from `bench/out/nN/` either way.
{which}

The reason: this machine's root file system is ext4 without a journal
(`cat /proc/fs/ext4/*/options` lists no `data=` option, which a journaled ext4 always shows,
and `dumpe2fs -h` shows no `has_journal` among the features; the Machine section gives what the
run found). In that mode ext4's inode allocator (`fs/ext4/ialloc.c`: `__ext4_new_inode` →
`find_inode_bit` → `recently_deleted`) skips every inode freed in the last 60 s (360 s while its
inode-table block is still dirty), looking up the inode-table buffer of each candidate, so
creating thousands of files right after `rm -rf` of thousands of others costs seconds of kernel
time that depend on when the previous deletion happened, not on the tool. Measured on this
machine: the same 10,000-page Tebiki build right after deleting the previous output took 30.6 s
wall with 12.2 s system CPU into `/tmp` (root file system) and 17.5 s with 1.7 s system CPU
into `/dev/shm`; `perf` showed `ext4_create` → `find_inode_bit` → `recently_deleted` in about
40 % of the samples during page writing. Hugo is hit too. So the **memory** figures measure the
tools' own work, and the **disk** figures what a user of this machine sees when building after
deleting the output; the system CPU column shows where the file system's cost lands. Every
table row and every verdict says which storage it is."""


def bytes_section() -> str:
    """The "Output bytes" section, written by bench/output_bytes.py (`make bench` runs it after this
    script) and kept here as it is."""
    import output_bytes
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    m = re.search(re.escape(output_bytes.BYTES_START) + r".*?" + re.escape(output_bytes.BYTES_END), old, re.S)
    return m.group(0) if m else (f"{output_bytes.BYTES_START}\nNot measured yet: run `python3 bench/output_bytes.py`.\n"
                                 f"{output_bytes.BYTES_END}")


def document(results: list[dict], info: dict, profile_md: str, args) -> str:
    sizes = ", ".join(f"{r['n']:,}" for r in per_n(results))
    gen = "\n".join(f"| {r['n']:,} | {r['gen']['requirements']:,} | {r['gen']['glossary']:,} | "
                    f"{r['gen']['checklists']:,} | {r['gen']['pages']:,} | {mb(r['gen']['markdown_bytes'])} |"
                    for r in per_n(results))

    def noise(r: dict) -> str:
        again = f" ({r['retried']} noisy runs repeated)" if r["retried"] else ""
        return f"N={r['n']:,} {storage_of(r)}: median {r['other'][0]:.2f}, max {r['other'][1]:.2f}{again}"
    loads = "; ".join(noise(r) for r in ordered(results))
    storage_rows = "".join(f"| output storage, {s} | {info['storage'][s]} |\n"
                           for s in STORAGES if s in info.get("storage", {}))
    return f"""# Build benchmark

Tebiki's build time, rebuild time, memory and output size on generated knowledge bases of
{sizes} requirement pages, against Hugo (static site generator, no search) and Hugo followed by
Pagefind (static search index), with the outputs on disk and in memory (see Method), measured
by `make bench` (`python3 bench/run.py`). This file is written by that script; the section
"Where the time goes" is kept between runs and replaced only by `python3 bench/run.py --profile`
(profiles the smallest N after the runs) or `python3 bench/run.py --profile-only 1000,10000`
(profiles only).

## Method

**Content.** `bench/generate.py N DIR` (fixed seed {generate.DEFAULT_SEED}, byte-identical on every run) writes
N requirement pages in Tebiki's real format ([content-format.md](content-format.md)):
front matter with `title`, `summary`, 1–3 `sources` (keys of the repo's `sources.yml`, sections
such as `"9.3.1(5)"` or `"p.35"`), facets from the repo's `site.yml` (phase, role, org,
category, sometimes info; `form` on 70 % of pages; a facet site.yml marks `lookup: required`
that a page did not draw is written as `all`; grades, and values restricted to some sources
such as 基本遵守事項, only where a cited source allows them, as the validator asks), `related` IDs, a `history`
entry on 10 %; a body of Japanese prose assembled from a vocabulary of domain words (委託先,
再委託, 情報セキュリティ, 契約, 機密性, 外部サービス…), with `##` headings, a bullet list, a
numbered list, a GFM table on 40 % of pages, a blockquote on half of them, and links to other
requirements and glossary terms as `[…](req-01234.md)`. It adds N/50 glossary terms (reading,
synonyms, sources, related) and N/1000 checklists of 20 items. Pages average about 3 KB of
Markdown (the real content averages about 2.3 KB).

| N | requirements | glossary | checklists | pages | Markdown |
|--:|--:|--:|--:|--:|--:|
{gen}

The Tebiki site is `site.yml` (the repo's, with `theme:` pointing at the repo's `theme/`) and
`content/`. The Hugo site has the same Markdown files, byte for byte (Hugo ignores the front
matter keys it does not know), with `bench/hugo-theme/`: a tiny but real theme
(`baseof.html` with title and a nav, `single.html`, `list.html`) and a link render hook that
resolves `[…](id.md)` with `relref`, so that Hugo, like Tebiki, resolves every link (and
fails on a missing target). `hugo.toml` sets `uglyURLs = true` (one `.html` file per page)
and `relativeURLs = true` (every link relative, which Tebiki needs for `file://`).
`single.html` marks the content with `data-pagefind-body`, so Pagefind indexes the same
pages Tebiki's search covers, not the list pages.

**Commands**, {args.runs} run{"s" if args.runs != 1 else ""} per N{f" ({args.scale_runs} at N=50,000)" if any(r["n"] >= 50000 for r in results) else ""} and storage, in this order within each run, each under `/usr/bin/time -v`
(wall time from a monotonic clock around it, CPU = user + system, system CPU = "System time
(seconds)", peak RSS = "Maximum resident set size"), in `bench/out/nN/`, with `$OUT` the
output folder of the storage (`bench/out/nN` on disk, `/dev/shm/tebiki-bench/nN` in memory):

```sh
rm -rf $OUT/tebiki-out; tebiki build --source tebiki --output $OUT/tebiki-out   # full build
tebiki build --source tebiki --output $OUT/tebiki-out                           # rebuild, nothing changed
# one-page edit: the middle requirement by file name (req-05001.md at N=10,000) gets "（改訂）" at
# the end of its title and one more sentence in the first paragraph after its first heading
tebiki build --source tebiki --output $OUT/tebiki-out                           # rebuild, one page edited
# the file is put back as it was (bytes and modification time)
rm -rf $OUT/hugo-out; hugo --source hugo --destination $OUT/hugo-out --quiet
pagefind_extended --site $OUT/hugo-out --silent                                 # writes hugo-out/pagefind/
```

{storages_text(results, info)}

The Tebiki binary is the release build (`make tool`), copied to `bench/out/bin/` before the
runs. Pagefind is the `pagefind_extended` binary shipped in the PyPI package
`pagefind-bin-extended` (the extended build is the one that segments Japanese), found with
`pagefind_bin_extended.get_executable()`. Medians and min–max over the runs; the ratios are
computed from the medians of this same run and storage. Output size is the apparent size of all files
(hard links counted once); Hugo's excludes `pagefind/`.

## Machine

| | |
|---|---|
| date | {info['date']} |
| CPU | {info['cpu']}, {info['nproc']} logical CPUs (`nproc`) |
| memory | {info['memory']} |
| kernel | {info['kernel']} |
| tebiki | {info['tebiki']} (release build) |
| swift | {info['swift']} |
| hugo | {info['hugo']} |
| pagefind | {info['pagefind']} |
{storage_rows}| CPU used by other processes during a measured command (in CPUs, from /proc/stat; a run above {NOISY} is run again, up to {RETRIES} times, and the quietest kept) | {loads} |

## Results

{results_table(results)}

Ratios (from the medians):

{ratio_table(results)}

## Growth

{growth_table(results)}

## Targets (at 10,000 pages)

{chr(10).join(verdicts(results))}

## Other observations

{chr(10).join(observations(results))}

## Output bytes

{bytes_section()}

## Where the time goes

{PROFILE_START}
{profile_md.strip()}
{PROFILE_END}
"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", action="store_true", help="also N=50000")
    p.add_argument("--scale-runs", type=int, default=1,
                   help="runs at N=50000 (default 1: one run there takes minutes, Pagefind alone needs GBs)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--sizes", help="comma-separated N values (default 1000,10000)")
    p.add_argument("--tebiki", default=str(REPO / ".build/release/tebiki"))
    p.add_argument("--profile", action="store_true", help="record perf on a full build at the smallest N")
    p.add_argument("--max-wait", type=float, default=120,
                   help="seconds to wait before each run for other processes to go quiet (default 120)")
    p.add_argument("--profile-only", metavar="N[,N]",
                   help="only profile a full build at each N and replace the profile section of docs/benchmarks.md")
    p.add_argument("--report-only", action="store_true",
                   help="rewrite docs/benchmarks.md from bench/out/results.json of the last run, measuring nothing")
    p.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    p.add_argument("--no-browser", action="store_true",
                   help=f"skip the search-in-the-browser step at N={BROWSER_N} (needs Chromium and selenium)")
    p.add_argument("--storage", choices=("disk", "memory", "both"), default="both",
                   help="where the outputs go: disk (bench/out/nN), memory (/dev/shm/tebiki-bench/nN, a tmpfs) "
                        "or both, interleaved within each run (default both)")
    args = p.parse_args()

    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else [1000, 10000]
    if args.scale and 50000 not in sizes:
        sizes.append(50000)
    if not os.access(args.tebiki, os.X_OK):
        sys.exit(f"{args.tebiki} not found: run `make tool` first")
    for tool in ("hugo", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: run scripts/ensure-deps.sh bench")
    # A private copy, so that a rebuild of .build/ during the runs cannot change the binary.
    (OUT / "bin").mkdir(parents=True, exist_ok=True)
    tebiki = str(OUT / "bin/tebiki")
    if not os.path.exists(tebiki) or not os.path.samefile(args.tebiki, tebiki):
        shutil.copy2(args.tebiki, tebiki)
    if args.profile_only:
        parts = []
        for n in (int(x) for x in args.profile_only.split(",")):
            if not (OUT / f"n{n}/tebiki/site.yml").exists():
                generate.generate(n, OUT / f"n{n}")
            parts.append(f"### N = {n:,}\n\n" + profile(n, tebiki))
        profile_md = "\n".join(parts)
        print(profile_md)
        if DOC.exists() and not args.no_doc:
            old = DOC.read_text(encoding="utf-8")
            new = re.sub(re.escape(PROFILE_START) + r"\n.*?" + re.escape(PROFILE_END),
                         lambda _: f"{PROFILE_START}\n{profile_md.strip()}\n{PROFILE_END}", old, flags=re.S)
            DOC.write_text(new, encoding="utf-8")
        return
    pagefind = pagefind_binary()
    info = machine(tebiki, pagefind)

    if args.report_only:
        saved = json.loads((OUT / "results.json").read_text(encoding="utf-8"))
        results, info, args.runs = saved["results"], saved["machine"], saved["runs"]
    else:
        storages = list(STORAGES) if args.storage == "both" else [args.storage]
        problem = memory_storage_problem() if "memory" in storages else None
        if problem and storages == ["memory"]:
            sys.exit(f"{problem}: cannot put the outputs in memory (use --storage disk)")
        if problem:
            print(f"{problem}: measuring with the outputs on disk only", file=sys.stderr)
            storages = ["disk"]
        info["storage"] = {s: f"`{path}`: {describe_storage(folder)}" for s, path, folder in
                           (("disk", "bench/out/", OUT), ("memory", MEMORY_ROOT, MEMORY_ROOT.parent)) if s in storages}
        results = []
        try:
            for n in sizes:
                results += run_size(n, args.scale_runs if n >= 50000 else args.runs, storages, tebiki, pagefind,
                                    args.max_wait, browser=not args.no_browser)
        finally:
            if "memory" in storages:
                shutil.rmtree(MEMORY_ROOT, ignore_errors=True)
        (OUT / "results.json").write_text(json.dumps({"machine": info, "runs": args.runs, "results": results},
                                                     ensure_ascii=False, indent=1), encoding="utf-8")

    table = results_table(results) + "\n\n" + ratio_table(results) + "\n\n" + "\n".join(verdicts(results))
    print(table)

    if args.profile:
        profile_md = profile(min(sizes), tebiki)
    else:
        old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        m = re.search(re.escape(PROFILE_START) + r"\n(.*?)" + re.escape(PROFILE_END), old, re.S)
        profile_md = m.group(1) if m else "Not profiled yet: run `python3 bench/run.py --profile`.\n"
    if not args.no_doc:
        DOC.write_text(document(results, info, profile_md, args), encoding="utf-8")
        print(f"\nwrote {DOC.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
