#!/usr/bin/env python3
"""Search evaluation: run the queries of Tests/search-eval/queries.tsv through the real search
page (search.html?q=… from file:// in headless Chromium) and through Pagefind (extended build,
over a local HTTP server) on the same built site, and score both the same way.

usage: scripts/search-eval.py [--site DIR] [--engines tebiki,pagefind] [--split all|dev|test]
                              [--tags regression] [--json .build/search-eval.json] [--misses N]
                              [--compare Tests/search-eval/baseline-c023ae7.json]

Without --site the site is built with $TEBIKI (default .build/release/tebiki) into a temporary
folder. The harness only needs what any build of the site has: search.html with its result list
(#search-results, one <li> per result whose first link is the page) and data/catalog.json
(requirements with url and sources). It never calls search-core.js directly.

Scoring (docs/search.md "Evaluation"): a result's rank is its position among ALL results the
engine lists (requirement, glossary, checklist, scenario and any other page, top 50), and the
query's rank is that of the first result that is an active requirement page whose sources include
one of the query's acceptable answers. recall@k = share of queries with rank <= k; MRR = mean of
1/rank (0 when missed); zero = queries with no result at all.
"""
import argparse
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from urllib.parse import quote, unquote, urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEBIKI = os.environ.get("TEBIKI", os.path.join(ROOT, ".build/release/tebiki"))
QUERIES = os.path.join(ROOT, "Tests/search-eval/queries.tsv")
DEPTH = 50          # results read per query (the search page shows 50 at first)
WAIT = 20           # seconds to wait for one query's results


# ----------------------------------------------------------------------------------------------
# Queries and acceptable answers
# ----------------------------------------------------------------------------------------------

def norm(s):
    """Section/doc comparison form: NFKC, lower case, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).lower()


def parse_answer(text):
    """'nisc-handbook-2011 9.3.1(13)' → (doc, section, prefix?); a trailing * marks a prefix."""
    text = text.strip()
    doc, _, section = text.partition(" ")
    section = section.strip()
    prefix = section.endswith("*")
    if prefix:
        section = section[:-1]
    if not doc or not section:
        raise ValueError(f"bad answer {text!r} (want 'doc section')")
    return norm(doc), norm(section), prefix


def load_queries(path=QUERIES):
    """TSV with a header: id, split, tags, query, expected, note. expected: answers separated by |."""
    out = []
    with open(path, encoding="utf-8") as f:
        header = None
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                continue
            row = dict(zip(header, cells))
            if len(cells) < 5 or not row.get("query"):
                raise ValueError(f"{path}:{n}: expected at least 5 tab-separated cells")
            row["tags"] = [t for t in row.get("tags", "").split(",") if t]
            row["answers"] = [parse_answer(a) for a in row["expected"].split("|") if a.strip()]
            row["line"] = n
            out.append(row)
    ids = [q["id"] for q in out]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"duplicate query ids: {sorted(dup)}")
    return out


def source_matches(sources, answers):
    for s in sources:
        doc, sec = norm(s.get("doc", "")), norm(s.get("section", ""))
        for adoc, asec, prefix in answers:
            if doc == adoc and (sec.startswith(asec) if prefix else sec == asec):
                return True
    return False


class Catalog:
    """data/catalog.json of a built site: page path (relative to the site root) → requirement."""

    def __init__(self, site):
        with open(os.path.join(site, "data", "catalog.json"), encoding="utf-8") as f:
            data = json.load(f)
        self.by_path = {}
        for r in data.get("requirements", []):
            self.by_path[self.key(r["url"])] = r

    @staticmethod
    def key(url):
        path = unquote(urlsplit(url).path).lstrip("/")
        return path[:-len("index.html")] if path.endswith("/index.html") else path

    def label(self, path):
        r = self.by_path.get(path)
        return r["id"] if r else path

    def answers(self, answers):
        """IDs of the active requirements that answer the query (to print the expected side)."""
        return sorted(r["id"] for r in self.by_path.values()
                      if r.get("status", "active") == "active" and source_matches(r.get("sources", []), answers))

    def rank(self, paths, answers):
        for i, p in enumerate(paths, 1):
            r = self.by_path.get(p)
            if r and r.get("status", "active") == "active" and source_matches(r.get("sources", []), answers):
                return i
        return None


# ----------------------------------------------------------------------------------------------
# Engines
# ----------------------------------------------------------------------------------------------

def chrome():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
              "--disable-dev-shm-usage", "--allow-file-access-from-files"]:
        opts.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


# Waits for the search page to finish one query and returns the result links, or null while it
# is still busy. Prefers #search-results[data-state] (set by search-page.js); a build without it
# is read once the status line reports a result count or the empty message is shown.
READ_RESULTS_JS = """
const list = document.getElementById('search-results');
if (!list) return {error: 'no #search-results'};
const state = list.getAttribute('data-state');
const status = (document.getElementById('search-status') || {}).textContent || '';
const empty = document.getElementById('search-empty');
let done;
if (state !== null) done = state === 'done' || state === 'error';
else done = !list.hasAttribute('aria-busy') && (/の検索結果|見つかりません|読み込めません/.test(status) || (empty && !empty.hidden));
if (!done) return null;
if (state === 'error' || /読み込めません/.test(status)) return {error: status || 'error'};
let items = [...list.children].filter(li => li.tagName === 'LI');
let links = items.map(li => li.querySelector('a[href]')).filter(Boolean).map(a => a.href);
if (!items.length) links = [...new Set([...list.querySelectorAll('a[href]')].map(a => a.href))];
return {links, status};
"""


def run_tebiki(driver, site, catalog, queries):
    base = "file://" + quote(os.path.abspath(site)) + "/"
    out = {}
    for q in queries:
        driver.get(base + "search.html?q=" + quote(q["query"]))
        deadline = time.time() + WAIT
        got = None
        while time.time() < deadline:
            got = driver.execute_script(READ_RESULTS_JS)
            if got is not None:
                break
            time.sleep(0.02)
        if got is None:
            got = {"error": "timeout"}
        if "error" in got:
            print(f"  tebiki: {q['id']} {q['query']!r}: {got['error']}", file=sys.stderr)
            out[q["id"]] = {"paths": [], "error": got["error"]}
            continue
        paths = [Catalog.key(h[len(base):] if h.startswith(base) else h) for h in got["links"]][:DEPTH]
        out[q["id"]] = {"paths": paths}
    return out


PAGEFIND_PAGE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>pagefind eval</title></head>
<body><script type="module">
const pagefind = await import('./pagefind/pagefind.js');
await pagefind.options({excerptLength: 10});
await pagefind.init();
window.pagefindSearch = async (q, depth) => {
  const r = await pagefind.search(q);
  if (!r || !r.results) return {links: []};
  const data = await Promise.all(r.results.slice(0, depth).map((x) => x.data()));
  return {links: data.map((d) => d.url), total: r.results.length};
};
window.pagefindReady = true;
</script></body></html>
"""

PAGEFIND_QUERY_JS = """
const [q, depth] = [arguments[0], arguments[1]], done = arguments[arguments.length - 1];
window.pagefindSearch(q, depth).then(done, (e) => done({error: String(e)}));
"""


def pagefind_bin():
    """The pagefind_extended binary of the PyPI package pagefind-bin-extended."""
    try:
        import pagefind_bin_extended as pb
    except ImportError:
        sys.exit("pagefind-bin-extended is not installed (python3 -m pip install pagefind-bin-extended)")
    if hasattr(pb, "get_executable"):
        return str(pb.get_executable())
    here = os.path.dirname(pb.__file__)
    for name in ("pagefind_extended", "pagefind"):
        p = os.path.join(here, name)
        if os.path.exists(p):
            return p
    sys.exit(f"no pagefind binary found in {here}")


def pagefind_index(site, work):
    """Copies the site, marks each page's <main> as the Pagefind body (so the header, navigation
    and footer every page shares are not indexed, as a Pagefind site would be set up) and runs
    the extended Pagefind (Japanese segmentation) over it. Returns the copy."""
    copy = os.path.join(work, "pagefind-site")
    shutil.copytree(site, copy)
    for dirpath, _, files in os.walk(copy):
        for fn in files:
            if not fn.endswith(".html"):
                continue
            p = os.path.join(dirpath, fn)
            with open(p, encoding="utf-8") as f:
                html = f.read()
            html2 = re.sub(r"<main\b", "<main data-pagefind-body", html, count=1)
            if html2 != html:
                with open(p, "w", encoding="utf-8") as f:
                    f.write(html2)
    r = subprocess.run([pagefind_bin(), "--site", copy], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("pagefind failed:\n" + r.stdout + r.stderr)
    summary = [l for l in r.stdout.splitlines() if re.search(r"Indexed|language|Total", l)]
    for l in summary:
        print("  pagefind: " + l.strip(), file=sys.stderr)
    with open(os.path.join(copy, "pagefind-eval.html"), "w", encoding="utf-8") as f:
        f.write(PAGEFIND_PAGE)
    return copy


def serve(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def run_pagefind(driver, copy, queries):
    server, base = serve(copy)
    try:
        driver.get(base + "pagefind-eval.html")
        deadline = time.time() + WAIT
        while not driver.execute_script("return window.pagefindReady === true"):
            if time.time() > deadline:
                sys.exit("pagefind-eval.html did not load pagefind.js")
            time.sleep(0.05)
        driver.set_script_timeout(WAIT)
        out = {}
        for q in queries:
            got = driver.execute_async_script(PAGEFIND_QUERY_JS, q["query"], DEPTH)
            if not got or "error" in got:
                err = (got or {}).get("error", "no answer")
                print(f"  pagefind: {q['id']} {q['query']!r}: {err}", file=sys.stderr)
                out[q["id"]] = {"paths": [], "error": err}
                continue
            out[q["id"]] = {"paths": [Catalog.key(u) for u in got["links"]][:DEPTH]}
        return out
    finally:
        server.shutdown()


# ----------------------------------------------------------------------------------------------
# Scoring and report
# ----------------------------------------------------------------------------------------------

def score(queries, results, catalog):
    per = []
    for q in queries:
        r = results[q["id"]]
        rank = catalog.rank(r["paths"], q["answers"])
        per.append({"id": q["id"], "split": q.get("split", ""), "tags": q["tags"], "query": q["query"],
                    "rank": rank, "results": len(r["paths"]), "top": [catalog.label(p) for p in r["paths"][:10]],
                    **({"error": r["error"]} if "error" in r else {})})
    return per


def summary(per):
    n = len(per)
    if not n:
        return {"n": 0}
    ranks = [p["rank"] for p in per]
    return {
        "n": n,
        "recall@1": sum(1 for r in ranks if r == 1) / n,
        "recall@5": sum(1 for r in ranks if r and r <= 5) / n,
        "recall@10": sum(1 for r in ranks if r and r <= 10) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "zero": sum(1 for p in per if p["results"] == 0),
    }


def print_table(engines, scored, subsets):
    names = list(engines)
    print()
    head = f"{'subset':<16}{'n':>5}  " + "  ".join(f"{e + ' R@1':>13}{'R@5':>7}{'R@10':>7}{'MRR':>7}{'zero':>6}" for e in names)
    print(head)
    print("-" * len(head))
    for label, pred in subsets:
        row = None
        cells = []
        for e in names:
            s = summary([p for p in scored[e] if pred(p)])
            if not s["n"]:
                break
            row = s["n"]
            cells.append(f"{s['recall@1']:>13.3f}{s['recall@5']:>7.3f}{s['recall@10']:>7.3f}{s['mrr']:>7.3f}{s['zero']:>6d}")
        if row:
            print(f"{label:<16}{row:>5}  " + "  ".join(cells))
    print()


def print_misses(engine, per, queries, catalog, limit):
    byid = {q["id"]: q for q in queries}
    misses = [p for p in per if not p["rank"] or p["rank"] > 5]
    print(f"== {engine}: {len(misses)} queries without an acceptable answer in the top 5"
          f" ({sum(1 for p in misses if not p['rank'])} not in the top {DEPTH})")
    for p in misses[:limit]:
        q = byid[p["id"]]
        ids = catalog.answers(q["answers"])
        want = ", ".join(ids[:5]) + (f" +{len(ids) - 5}" if len(ids) > 5 else "") or "(no active requirement has these sources!)"
        got = ", ".join(p["top"][:3]) or "0 results"
        where = f"rank {p['rank']}" if p["rank"] else "miss"
        print(f"  {p['id']} [{where}] {q['query']}\n      expected {q['expected']}\n        = {want}\n      got {got}")
    if len(misses) > limit:
        print(f"  … and {len(misses) - limit} more (see the JSON)")
    print()


def compare(report, old_path):
    """Per-query rank changes against an earlier --json report (same query ids)."""
    with open(old_path, encoding="utf-8") as f:
        old = json.load(f)
    for e, cur in report["engines"].items():
        before = old.get("engines", {}).get(e)
        if not before:
            continue
        prev = {q["id"]: q for q in before["queries"]}
        key = lambda r: r or DEPTH + 1
        better, worse = [], []
        for q in cur["queries"]:
            p = prev.get(q["id"])
            if not p:
                continue
            if key(q["rank"]) < key(p["rank"]):
                better.append((q, p))
            elif key(q["rank"]) > key(p["rank"]):
                worse.append((q, p))
        a, b = before["summary"], cur["summary"]
        print(f"== {e} against {old_path}: MRR {a['mrr']:.3f} → {b['mrr']:.3f}, recall@5 {a['recall@5']:.3f} → "
              f"{b['recall@5']:.3f}, zero {a['zero']} → {b['zero']}; {len(better)} queries better, {len(worse)} worse")
        for q, p in worse:
            print(f"  worse  {q['id']} {p['rank'] or '-'} → {q['rank'] or '-'}  {q['query']}")
        for q, p in better:
            print(f"  better {q['id']} {p['rank'] or '-'} → {q['rank'] or '-'}  {q['query']}")
        print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", help="an already built site (default: build one into a temp folder)")
    ap.add_argument("--queries", default=QUERIES)
    ap.add_argument("--engines", default="tebiki,pagefind")
    ap.add_argument("--split", default="all", help="all, dev or test")
    ap.add_argument("--tags", default="", help="only queries with one of these tags (comma-separated)")
    ap.add_argument("--json", default=os.path.join(ROOT, ".build/search-eval.json"))
    ap.add_argument("--misses", type=int, default=1000, help="misses printed per engine")
    ap.add_argument("--compare", help="an earlier --json report: print per-query rank changes")
    args = ap.parse_args()

    queries = load_queries(args.queries)
    if args.split != "all":
        queries = [q for q in queries if q.get("split") == args.split]
    if args.tags:
        want = set(args.tags.split(","))
        queries = [q for q in queries if want & set(q["tags"])]
    engines = [e for e in args.engines.split(",") if e]

    work = tempfile.mkdtemp(prefix="tebiki-search-eval-")
    try:
        site = args.site
        if not site:
            site = os.path.join(work, "_site")
            print(f"building the site into {site}", file=sys.stderr)
            subprocess.run([TEBIKI, "build", "--source", ROOT, "--output", site], check=True, capture_output=True)
        catalog = Catalog(site)
        unanswerable = [q["id"] for q in queries if not catalog.answers(q["answers"])]
        if unanswerable:
            print(f"warning: no active requirement has the sources of {', '.join(unanswerable)}", file=sys.stderr)

        driver = chrome()
        raw, scored, times = {}, {}, {}
        try:
            for e in engines:
                t0 = time.time()
                print(f"running {len(queries)} queries through {e}…", file=sys.stderr)
                if e == "tebiki":
                    raw[e] = run_tebiki(driver, site, catalog, queries)
                elif e == "pagefind":
                    raw[e] = run_pagefind(driver, pagefind_index(site, work), queries)
                else:
                    sys.exit(f"unknown engine {e}")
                times[e] = round(time.time() - t0, 1)
                scored[e] = score(queries, raw[e], catalog)
        finally:
            driver.quit()

        subsets = [("all", lambda p: True), ("dev", lambda p: p["split"] == "dev"),
                   ("test", lambda p: p["split"] == "test"),
                   ("regression", lambda p: "regression" in p["tags"])]
        for tag in ["sentence", "synonym", "keyword", "variant", "abbrev", "latin", "fullwidth", "section", "typo"]:
            subsets.append((tag, functools.partial(lambda t, p: t in p["tags"], tag)))
        print_table(engines, scored, subsets)
        for e in engines:
            print_misses(e, scored[e], queries, catalog, args.misses)

        report = {"queries": len(queries), "depth": DEPTH, "site": site if args.site else "(temporary build)",
                  "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "engines": {e: {"summary": summary(scored[e]), "seconds": times[e],
                                  "subsets": {label: summary([p for p in scored[e] if pred(p)]) for label, pred in subsets},
                                  "queries": scored[e]} for e in engines}}
        if args.json:
            os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(report, f, ensure_ascii=False, indent=1)
            print(f"per-query ranks written to {args.json}")
        if args.compare:
            compare(report, args.compare)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
