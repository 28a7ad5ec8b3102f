#!/usr/bin/env python3
"""Sizes of a built site's search files and the search latency in headless Chromium from
file:// (docs/search.md "Size and speed").

    python3 scripts/search-metrics.py SITE_DIR [SITE_DIR …] [--json]

Latency: time from dispatching an `input` event on #search-page-input to #search-results
(and the status line) being updated, measured inside the page with performance.now(); it
includes the page's 150 ms input debounce. `cold` is the first query after opening
search.html (only the manifest loaded), `warm` the same query again on that page. `search()`
is the searcher's own time without the debounce and rendering. Bytes: the files a cold query
loads (manifest included).
"""
import json
import os
import statistics
import sys

QUERIES = [
    "再委託", "USBメモリ", "クラウド", "9.3.5", "個人情報", "秘密保持", "契約", "外部サービス",
    "脆弱性", "監査", "データセンター", "暗号化", "検収", "テレワーク", "委託先", "SLA",
    "ASP", "ISMS", "廃棄", "アクセス制御",
    # Sentences as staff type them (issue 14).
    "委託先が下請けに出したいと言ってきた", "USBメモリで住民データを運ぶ", "クラウドサービスを選ぶときの基準",
    "私物のスマホを仕事で使いたい", "ぜい弱性 契約", "統一基準 8.1.2", "電算室に業者を入れるときの注意",
    "委託契約が終わったらデータを消去させたい", "アプリ開発を外注するとき広告を入れていいか", "在宅勤務で住民情報を扱う",
]

TYPE_JS = """
const q = arguments[0], done = arguments[arguments.length - 1];
const input = document.getElementById('search-page-input');
const targets = [document.getElementById('search-results'), document.getElementById('search-status')];
let t0 = 0;
const obs = new MutationObserver(() => {
  const ms = performance.now() - t0;
  obs.disconnect();
  done({ms, n: targets[0].children.length, status: targets[1].textContent});
});
for (const t of targets) obs.observe(t, {childList: true, subtree: true, characterData: true});
t0 = performance.now();
input.value = q;
if (arguments[1] === 'enter') input.form.requestSubmit();
else input.dispatchEvent(new Event('input', {bubbles: true}));
"""

SEARCH_JS = """
const q = arguments[0], done = arguments[arguments.length - 1];
const s = Tebiki.searchPage.searcher;
const t0 = performance.now();
s.search(q, {limit: 20}).then((r) => {
  const cold = performance.now() - t0;
  const t1 = performance.now();
  return s.search(q, {limit: 20}).then(() => done({cold, warm: performance.now() - t1, total: r.total, loaded: s.loaded()}));
}, (e) => done({error: String(e)}));
"""


def p95(values):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(0.95 * (len(v) - 1))))]


def kb(n):
    return f"{n / 1024:,.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def sizes(site):
    folder = os.path.join(site, "search")
    by = {}
    for name in os.listdir(folder):
        kind = name.split("-")[0] if "-" in name else name
        by.setdefault(kind, []).append(os.path.getsize(os.path.join(folder, name)))
    return {k: {"files": len(v), "total": sum(v), "largest": max(v)} for k, v in sorted(by.items())}


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--disable-dev-shm-usage"]:
        opts.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def open_page(driver, url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    driver.get(url)
    WebDriverWait(driver, 60).until(lambda d: d.find_element(By.ID, "search-status").text == "検索語を入力してください。")


def measure(driver, site):
    url = "file://" + os.path.abspath(site) + "/search.html"
    driver.set_script_timeout(120)
    rows = []
    for q in QUERIES:
        open_page(driver, url)
        cold = driver.execute_async_script(TYPE_JS, q, "input")
        warm = driver.execute_async_script(TYPE_JS, q, "input")
        open_page(driver, url)
        enter_cold = driver.execute_async_script(TYPE_JS, q, "enter")
        enter_warm = driver.execute_async_script(TYPE_JS, q, "enter")
        open_page(driver, url)
        s = driver.execute_async_script(SEARCH_JS, q)
        assert "error" not in s, s
        loaded = sum(os.path.getsize(os.path.join(site, "search", f)) for f in s["loaded"])
        rows.append({"q": q, "cold_ms": cold["ms"], "warm_ms": warm["ms"], "enter_cold_ms": enter_cold["ms"],
                     "enter_warm_ms": enter_warm["ms"], "search_cold_ms": s["cold"],
                     "search_warm_ms": s["warm"], "results": s["total"], "files": len(s["loaded"]), "bytes": loaded})
    return rows


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = {}
    driver = browser()
    try:
        for site in args:
            rows = measure(driver, site)
            med = lambda k: statistics.median(r[k] for r in rows)
            out[site] = {"sizes": sizes(site), "queries": rows,
                         "median": {k: med(k) for k in ["cold_ms", "warm_ms", "search_cold_ms", "search_warm_ms", "files", "bytes"]},
                         "max_bytes": max(r["bytes"] for r in rows),
                         "p95": {k: p95([r[k] for r in rows]) for k in ["enter_cold_ms", "enter_warm_ms", "search_cold_ms", "search_warm_ms"]}}
    finally:
        driver.quit()
    if "--json" in sys.argv:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        return
    for site, r in out.items():
        print(f"== {site}")
        for k, v in r["sizes"].items():
            print(f"  {k:12} {v['files']:6} files  total {kb(v['total']):>10}  largest {kb(v['largest']):>10}")
        m = r["median"]
        print(f"  cold query: median {m['files']:.0f} files, {kb(m['bytes'])} (max {kb(r['max_bytes'])})")
        print(f"  input → results, median of {len(r['queries'])} queries: cold {m['cold_ms']:.0f} ms, warm {m['warm_ms']:.0f} ms "
              f"(search() alone: cold {m['search_cold_ms']:.1f} ms, warm {m['search_warm_ms']:.1f} ms)")
        p = r["p95"]
        print(f"  Enter → results (no debounce): median cold {statistics.median(q['enter_cold_ms'] for q in r['queries']):.0f} ms "
              f"(p95 {p['enter_cold_ms']:.0f}), warm {statistics.median(q['enter_warm_ms'] for q in r['queries']):.0f} ms (p95 {p['enter_warm_ms']:.0f}); "
              f"search() p95 cold {p['search_cold_ms']:.1f} ms, warm {p['search_warm_ms']:.1f} ms")
        for q in r["queries"]:
            print(f"    {q['q']:10} {q['results']:6} results  {q['files']:4} files {kb(q['bytes']):>10}  "
                  f"cold {q['cold_ms']:6.0f} ms  warm {q['warm_ms']:5.0f} ms  search() {q['search_cold_ms']:6.1f}/{q['search_warm_ms']:5.1f} ms")


if __name__ == "__main__":
    main()
