#!/usr/bin/env python3
"""Output bytes by folder: Tebiki against Hugo, Tebiki's search/ against Pagefind's pagefind/.

    python3 bench/output_bytes.py [--n 10000] [--corpus generated,repo] [--runs 3] [--baseline OLD_TEBIKI]
                                  [--generated-dir DIR] [--no-doc]

Two corpora of N requirement pages (default 10,000):

    generated  bench/generate.py N bench/out/nN            (the build benchmark's corpus)
    repo       bench/replicate.py N bench/out/repo-nN      (the repository's own requirement
                                                            files, replicated; real facets and links)

For each, in bench/out/bytes/<corpus>/ on /dev/shm (a tmpfs: bytes do not depend on the storage,
and the time is the tools' own): `tebiki build` into a fresh folder and `hugo` into a fresh folder,
--runs times, alternating (with --baseline, the old binary's build too, in the same rotation),
then `pagefind_extended --site <hugo output>` once. Wall times are medians over the runs; bytes are
the apparent sizes of the last run's files (hard links counted once; the outputs are
deterministic). Prints Markdown and writes the section between the bytes markers of
docs/benchmarks.md (bench/run.py keeps that section as it is).
"""
from __future__ import annotations

import argparse
import os
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
WORK = Path("/dev/shm/tebiki-bench-bytes")
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import replicate  # noqa: E402

BYTES_START, BYTES_END = "<!-- bytes:start -->", "<!-- bytes:end -->"
# Written by hand from the tables (what each folder spends and why); kept by this script.
NOTES_START, NOTES_END = "<!-- bytes-notes:start -->", "<!-- bytes-notes:end -->"
TARGET_OUTPUT = 3.0   # whole output <= 3 x Hugo's bytes (issue 18)
CORPORA = {
    "generated": ("generated (bench/generate.py)", lambda n, d: generate.generate(n, d), "n{n}"),
    "repo": ("the repository's requirements replicated (bench/replicate.py)", lambda n, d: replicate.replicate(n, d), "repo-n{n}"),
}


def tree(path: Path) -> tuple[int, int]:
    """(bytes, files), apparent sizes, a hard-linked file counted once."""
    total, files, seen = 0, 0, set()
    if path.is_file():
        return path.stat().st_size, 1
    for root, _, names in os.walk(path):
        for name in names:
            st = os.lstat(os.path.join(root, name))
            files += 1
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total, files


def by_folder(out: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """Top-level folders of an output, and the top-level files together as "(files at the top)"."""
    sizes: dict[str, tuple[int, int]] = {}
    top = [0, 0]
    for e in sorted(out.iterdir()):
        if e.name in skip:
            continue
        if e.is_dir():
            sizes[e.name + "/"] = tree(e)
        else:
            top[0] += e.stat().st_size
            top[1] += 1
    if top[1]:
        sizes["(files at the top)"] = (top[0], top[1])
    return sizes


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return time.perf_counter() - t0


def existing(src: Path) -> dict:
    """The counts of a corpus already on disk (made earlier by generate.py or replicate.py)."""
    content = src / "tebiki/content"
    files = {f: list((content / f).glob("*.md")) for f in ("requirements", "glossary", "checklists", "scenarios")}
    return {"requirements": len(files["requirements"]), "pages": sum(len(v) for v in files.values()),
            "markdown_bytes": sum(p.stat().st_size for v in files.values() for p in v)}


def measure(corpus: str, n: int, tebiki: str, baseline: str | None, runs: int, pagefind: str,
            given: Path | None = None) -> dict:
    label, make, folder = CORPORA[corpus]
    if given:
        src, gen = given, existing(given)
        label += f", the copy in `{given}`"
    else:
        src = OUT / folder.format(n=n)
        t0 = time.perf_counter()
        gen = make(n, src)
        # Without `theme:` each binary builds with its built-in theme, so --baseline compares
        # old and new templates too (generate.py points the site at the repository's theme/).
        yml = src / "tebiki/site.yml"
        yml.write_text(re.sub(r"(?m)^theme:.*\n", "", yml.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"{corpus}: {gen['pages']:,} pages ({gen['markdown_bytes'] / 1e6:.1f} MB Markdown) in "
              f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    work = WORK / corpus
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tools = {"tebiki": tebiki}
    if baseline:
        tools["baseline"] = baseline
    times: dict[str, list[float]] = {k: [] for k in [*tools, "hugo"]}
    for i in range(runs):
        # Rotate the order so that no tool always runs first after the previous one's deletion.
        order = [*tools, "hugo"]
        order = order[i % len(order):] + order[:i % len(order)]
        for name in order:
            out = work / f"{name}-out"
            shutil.rmtree(out, ignore_errors=True)
            if name == "hugo":
                cmd = ["hugo", "--source", str(src / "hugo"), "--destination", str(out), "--quiet"]
            else:
                cmd = [tools[name], "build", "-q", "--source", str(src / "tebiki"), "--output", str(out)]
            times[name].append(timed(cmd))
        print(f"{corpus} run {i + 1}/{runs}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), file=sys.stderr)
    pf = timed([pagefind, "--site", str(work / "hugo-out"), "--silent"])
    result = {
        "corpus": corpus, "label": label, "n": n, "gen": gen, "runs": runs, "pagefind_seconds": pf,
        "times": {k: statistics.median(v) for k, v in times.items()},
        "tebiki": by_folder(work / "tebiki-out"),
        "hugo": by_folder(work / "hugo-out", skip=("pagefind",)),
        "pagefind": tree(work / "hugo-out/pagefind"),
    }
    if baseline:
        result["baseline"] = by_folder(work / "baseline-out")
    shutil.rmtree(work, ignore_errors=True)
    return result


def mb(b: float) -> str:
    return f"{b / 1e6:.1f} MB"


def total(sizes: dict[str, tuple[int, int]]) -> tuple[int, int]:
    return sum(v[0] for v in sizes.values()), sum(v[1] for v in sizes.values())


def report(r: dict) -> str:
    t, h, p = r["tebiki"], r["hugo"], r["pagefind"]
    tt, ht = total(t), total(h)
    base = r.get("baseline")
    rows = []
    head = "| folder | Tebiki | files | share |" + (" before (baseline) |" if base else "")
    rows.append(head)
    rows.append("|---|--:|--:|--:|" + ("--:|" if base else ""))
    for name, (b, f) in sorted(t.items(), key=lambda kv: -kv[1][0]):
        extra = f" {mb(base[name][0]) if name in base else '—'} |" if base else ""
        rows.append(f"| `{name}` | {mb(b)} | {f:,} | {100 * b / tt[0]:.1f} % |{extra}")
    if base:
        for name in sorted(set(base) - set(t)):
            rows.append(f"| `{name}` | — | — | — | {mb(base[name][0])} |")
    rows.append(f"| **all** | **{mb(tt[0])}** | {tt[1]:,} | 100 % |" + (f" {mb(total(base)[0])} |" if base else ""))
    hrows = ["| folder | Hugo | files |", "|---|--:|--:|"]
    for name, (b, f) in sorted(h.items(), key=lambda kv: -kv[1][0]):
        hrows.append(f"| `{name}` | {mb(b)} | {f:,} |")
    hrows.append(f"| **all** (without `pagefind/`) | **{mb(ht[0])}** | {ht[1]:,} |")
    hrows.append(f"| Pagefind's `pagefind/` | {mb(p[0])} | {p[1]:,} |")
    req_pages = r["gen"]["requirements"]
    rules = t.get("rules/", (0, 0))[0]
    hreq = h.get("requirements/", (0, 0))[0]
    search = t.get("search/", (0, 0))[0]
    ratio = tt[0] / ht[0] if ht[0] else float("nan")
    verdict_out = "met" if ratio <= TARGET_OUTPUT else "not met"
    verdict_idx = "met" if search <= p[0] else "not met"
    times = r["times"]
    time_line = (f"Wall time, medians of {r['runs']} run{'s' if r['runs'] != 1 else ''} alternating in /dev/shm: Tebiki {times['tebiki']:.2f} s"
                 + (f", the baseline binary {times['baseline']:.2f} s" if "baseline" in times else "")
                 + f", Hugo {times['hugo']:.2f} s; Pagefind on Hugo's output (one run) {r['pagefind_seconds']:.2f} s.")
    return "\n".join([
        f"#### {r['label']}, N={r['n']:,} ({r['gen']['pages']:,} pages, {mb(r['gen']['markdown_bytes'])} of Markdown)",
        "",
        "\n".join(rows),
        "",
        "\n".join(hrows),
        "",
        f"- Whole output ≤ {TARGET_OUTPUT:g} × Hugo's bytes: **{verdict_out}**: {mb(tt[0])} against {mb(ht[0])} "
        f"({ratio:.2f} ×; the target is {mb(TARGET_OUTPUT * ht[0])}).",
        f"- Search index ≤ Pagefind's bytes: **{verdict_idx}**: `search/` {mb(search)} against `pagefind/` {mb(p[0])} "
        f"({search / p[0]:.2f} ×).",
        f"- Per requirement page: Tebiki's `rules/` {rules / req_pages / 1e3:.1f} KB, Hugo's `requirements/` "
        f"{hreq / req_pages / 1e3:.1f} KB.",
        f"- {time_line}",
    ])


METHOD = """Written by `python3 bench/output_bytes.py` (`make bench` runs it after `bench/run.py`).
Issue 18's targets at 10,000 pages: the whole output ≤ 3 × Hugo's bytes, the search index
(`search/`) ≤ Pagefind's (`pagefind/`) on the same pages.

**Method.** Two corpora of N requirement pages: the generated one of the tables above
(`bench/generate.py`), and the repository's own requirement files replicated to N pages
(`bench/replicate.py N DIR`: copy 0 is `content/requirements/` byte for byte, copy k renames
every requirement ID X to X-rK in its `id:`, `related:`, `successor:` and `(X.md)` links, and
marks the title 「（写し K）」, so every copy is a valid knowledge base with the real facets,
sources, history and links; glossary, checklists and scenarios are the repository's, pointing at
copy 0). Real pages are richer than generated ones: more facet values per page, more sources,
history on 40 % of them, scenarios that match thousands of requirements. Each corpus is built by
Tebiki (with the theme built into the binary: no `theme:` in site.yml) and by Hugo (the same
Markdown, `bench/hugo-theme/`) into fresh folders on `/dev/shm`,
alternating, `--runs` times, then Pagefind runs once on Hugo's output. Sizes are apparent sizes
(hard links once) by top-level folder; Hugo's total leaves `pagefind/` out. With `--baseline
OLD_BINARY` an older Tebiki is built in the same rotation, and its folder sizes are shown as
"before": the before/after of a change measured in one run."""


def document(results: list[dict]) -> str:
    return "\n\n".join([METHOD] + [report(r) for r in results])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--corpus", default="generated,repo", help="comma-separated: generated, repo")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--tebiki", default=str(REPO / ".build/release/tebiki"))
    p.add_argument("--baseline", help="an older tebiki binary, built in the same rotation (before/after)")
    p.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    p.add_argument("--generated-dir", type=Path,
                   help="use this folder (with tebiki/ and hugo/, made by bench/generate.py) as the generated corpus "
                        "instead of generating it again (remove `theme:` from its site.yml to compare with --baseline)")
    a = p.parse_args()
    import run  # noqa: E402  (pagefind_binary)
    pagefind = run.pagefind_binary()
    # Private copies, so that a rebuild of .build/ during the runs cannot change the binaries.
    (OUT / "bin").mkdir(parents=True, exist_ok=True)
    tebiki = str(OUT / "bin/tebiki-bytes")
    shutil.copy2(a.tebiki, tebiki)
    baseline = None
    if a.baseline:
        baseline = str(OUT / "bin/tebiki-bytes-baseline")
        shutil.copy2(a.baseline, baseline)
    try:
        results = [measure(c, a.n, tebiki, baseline, a.runs, pagefind, a.generated_dir if c == "generated" else None)
                   for c in a.corpus.split(",")]
    finally:
        shutil.rmtree(WORK, ignore_errors=True)  # RAM is shared
    text = document(results)
    print(text)
    if a.no_doc or not DOC.exists():
        return
    old = DOC.read_text(encoding="utf-8")
    m = re.search(re.escape(NOTES_START) + r".*?" + re.escape(NOTES_END), old, re.S)
    notes = m.group(0) if m else f"{NOTES_START}\n{NOTES_END}"
    section = f"{BYTES_START}\n{text}\n\n{notes}\n{BYTES_END}"
    if BYTES_START in old:
        new = re.sub(re.escape(BYTES_START) + r".*?" + re.escape(BYTES_END), lambda _: section, old, flags=re.S)
    else:
        new = old.replace("## Where the time goes", f"## Output bytes\n\n{section}\n\n## Where the time goes", 1)
    DOC.write_text(new, encoding="utf-8")
    print(f"\nwrote {DOC.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
