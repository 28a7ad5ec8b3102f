#!/usr/bin/env python3
"""First-query bytes and latency of Tebiki's search against Pagefind (extended) on the same
built site, in headless Chromium (docs/search.md "Size and speed").

    python3 scripts/search-vs-pagefind.py SITE_DIR [--reuse]

Pagefind indexes a copy of the site (each page's <main> marked as its body, as in
scripts/search-eval.py) served over HTTP on 127.0.0.1 (Pagefind needs HTTP); Tebiki runs from
file://. For each query, in a fresh page: *cold* is the first query (Pagefind: pagefind.js
imported, `search()` plus `data()` of the first 5 results, what its default UI shows first;
Tebiki: `search()` of the first 20 results with their excerpts, what its page shows first);
*warm* the same query again. Bytes: every file the query loaded (Pagefind: the Resource Timing
entries' body sizes, pagefind.js and its WebAssembly included; Tebiki: the shard files the
searcher loaded, manifest included, plus search-core.js).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import functools
import http.server

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib
evalmod = importlib.import_module("search-eval")
metrics = importlib.import_module("search-metrics")

QUERIES = metrics.QUERIES

PF_JS = """
const q = arguments[0], done = arguments[arguments.length - 1];
(async () => {
  const t0 = performance.now();
  const pf = await import('/pagefind/pagefind.js');
  const r = await pf.search(q);
  await Promise.all(r.results.slice(0, 5).map((x) => x.data()));
  const cold = performance.now() - t0;
  const t1 = performance.now();
  const r2 = await pf.search(q);
  await Promise.all(r2.results.slice(0, 5).map((x) => x.data()));
  const warm = performance.now() - t1;
  done({cold, warm, total: r.results.length});
})().catch((e) => done({error: String(e)}));
"""

# Tebiki: what search-metrics.py measures (20 results, cold then warm).
TB_JS = metrics.SEARCH_JS


class Counter:
    """Bytes and files the HTTP server sent (Pagefind's worker fetches its index and fragments:
    the page's Resource Timing does not see them)."""
    def __init__(self):
        self.lock = threading.Lock()
        self.bytes = 0
        self.files = 0

    def reset(self):
        with self.lock:
            self.bytes = self.files = 0


def serve_counting(folder, counter):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def copyfile(self, source, outputfile):
            data = source.read()
            with counter.lock:
                counter.bytes += len(data)
                counter.files += 1
            outputfile.write(data)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main():
    site = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="tebiki-vs-pf-")
    copy = evalmod.pagefind_index(site, work)
    with open(os.path.join(copy, "blank.html"), "w") as f:   # nothing loaded before the query
        f.write("<!doctype html><html lang=ja><meta charset=utf-8><title>blank</title></html>")
    driver = metrics.browser()
    driver.set_script_timeout(120)
    # Every query cold: no HTTP cache between the pages (as a first visit).
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    counter = Counter()
    server, base = serve_counting(copy, counter)
    core = os.path.getsize(os.path.join(site, "assets", "js", "search-core.js"))
    rows = []
    try:
        for q in QUERIES:
            driver.get(base + "blank.html")
            counter.reset()
            pf = driver.execute_async_script(PF_JS, q)
            assert "error" not in pf, pf
            pf["bytes"], pf["files"] = counter.bytes, counter.files
            metrics.open_page(driver, "file://" + site + "/search.html")
            tb = driver.execute_async_script(TB_JS, q)
            assert "error" not in tb, tb
            tb_bytes = core + sum(os.path.getsize(os.path.join(site, "search", f)) for f in tb["loaded"])
            rows.append({"q": q, "pf": pf, "tb": tb, "tb_bytes": tb_bytes})
    finally:
        server.shutdown()
        driver.quit()
        shutil.rmtree(work, ignore_errors=True)
    med = statistics.median
    p95 = metrics.p95
    kb = metrics.kb
    print(f"== {site}: {len(rows)} queries")
    print(f"{'':10} {'cold median':>12} {'cold p95':>9} {'warm median':>12} {'warm p95':>9} {'first-query bytes median':>25} {'max':>9}")
    for name, get, gb in [("Tebiki", lambda r: r["tb"], lambda r: r["tb_bytes"]), ("Pagefind", lambda r: r["pf"], lambda r: r["pf"]["bytes"])]:
        c = [get(r)["cold"] for r in rows]
        w = [get(r)["warm"] for r in rows]
        b = [gb(r) for r in rows]
        print(f"{name:10} {med(c):10.0f}ms {p95(c):7.0f}ms {med(w):10.1f}ms {p95(w):7.1f}ms {kb(med(b)):>25} {kb(max(b)):>9}")
    for r in rows:
        print(f"  {r['q']:20} tebiki {r['tb']['cold']:6.0f}/{r['tb']['warm']:5.1f} ms {kb(r['tb_bytes']):>9}   "
              f"pagefind {r['pf']['cold']:6.0f}/{r['pf']['warm']:5.1f} ms {kb(r['pf']['bytes']):>9}")


if __name__ == "__main__":
    main()
