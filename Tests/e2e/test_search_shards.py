"""The sharded search index (docs/search.md "Sharded form") in a real browser, from disk
(file://) and over HTTP: the page gives exactly the results of the complete index
(search/index.json, handed to the page by the test) and loads only the shards a query needs."""
import json
import os

import pytest
from search_index import load_index, read_shard
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 15

QUERIES = [
    "再委託", "USBメモリ", "usbメモリの紛失", "クラウド", "9.3.5", "9.3.1", "9", "個人情報", "秘密保持", "契約",
    "外部サービス", "脆弱性", "監査", "データセンター", "暗号化", "検収", "テレワーク", "委託先", "SLA", "sl",
    "ASP", "a", "ISMS", "廃棄", "アクセス制御", "委", "条", "第3条", "ｻｰﾊﾞｰ", "hb-subcontracting-limit",
    "再委託 承認", "再委託 存在しない語句", "まったく無関係な語", "情報セキュリティ", "クラウドサービス 約款",
]
OPTIONS = [{}, {"limit": 8}, {"includeRetired": True}, {"filters": {"phase": ["contract"]}},
           {"filters": {"form": ["cloud"]}, "limit": 5}]

# The complete index comes from the test (put together from the shards on disk): a page opened
# from file:// cannot fetch it, and the site no longer ships it as a script.
COMPARE_JS = """
const [queries, options, indexJSON] = [arguments[0], arguments[1], arguments[2]], done = arguments[arguments.length - 1];
const core = Tebiki.search, searcher = Tebiki.searchPage.searcher;
const before = searcher.loaded();
(async () => {
  try {
    const idx = JSON.parse(indexJSON), diffs = [];
    let n = 0;
    for (const q of queries) for (const o of options) {
      const want = JSON.stringify(core.search(idx, q, o)), got = JSON.stringify(await searcher.search(q, o));
      n++;
      if (want !== got) diffs.push({q, o, want: want.slice(0, 300), got: got.slice(0, 300)});
    }
    done({n, diffs, before});
  } catch (e) { done({error: String(e && e.stack || e)}); }
})();
"""


@pytest.fixture(params=["file", "http"])
def base(request, site_dir):
    if request.param == "file":
        return "file://" + site_dir + "/"
    return request.getfixturevalue("http_root")


def open_search(browser, base, q=""):
    browser.get(base + "search.html" + ("?q=" + q if q else ""))
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.ID, "search-status").text != "検索インデックスを読み込んでいます…")


def test_site_has_the_sharded_form(site_dir):
    folder = os.path.join(site_dir, "search")
    names = set(os.listdir(folder))
    kind, n, manifest = read_shard(folder, "manifest.js")
    assert (kind, n) == ("m", 0)
    counts = manifest["shards"]
    for kind in "ptkd":
        assert counts[kind] >= 1
        assert {f"{kind}-{n}.js" for n in range(counts[kind])} <= names, kind
    assert "filters.js" in names and "index.json" in names
    assert "index.js" not in names  # the complete index is written once, as JSON
    with open(os.path.join(folder, "index.json"), encoding="utf-8") as f:
        entry = json.load(f)
    assert entry["shards"] == counts and entry["build"] == manifest["build"]
    assert entry["encoding"] == "deflate-raw+base64"
    index = load_index(site_dir)
    assert manifest["docs"] == len(index["docs"])
    assert manifest["docsPerShard"] * counts["d"] >= len(index["docs"])
    assert manifest["hash"] == "fnv1a32"
    # The manifest is small: no postings, no document texts.
    whole = sum(os.path.getsize(os.path.join(folder, f)) for f in names)
    assert os.path.getsize(os.path.join(folder, "manifest.js")) < whole / 20


def test_sharded_results_equal_the_complete_index(browser, base, site_dir):
    open_search(browser, base)
    browser.set_script_timeout(120)
    index_json = json.dumps(load_index(site_dir), ensure_ascii=False)
    r = browser.execute_async_script(COMPARE_JS, QUERIES, OPTIONS, index_json)
    assert "error" not in r, r.get("error")
    assert r["n"] == len(QUERIES) * len(OPTIONS)
    assert r["diffs"] == [], r["diffs"][:3]
    # Before any query the page had loaded the manifest only.
    assert r["before"] == ["manifest.js"], r["before"]


def test_a_query_loads_only_what_it_needs(browser, base, site_dir):
    open_search(browser, base, "再委託")
    WebDriverWait(browser, WAIT).until(
        lambda d: "の検索結果" in d.find_element(By.ID, "search-status").text)
    loaded = browser.execute_script("return Tebiki.searchPage.searcher.loaded()")
    assert loaded[0] == "manifest.js"
    assert "index.js" not in loaded and "filters.js" not in loaded
    assert not any(f.startswith(("t-", "k-")) for f in loaded), loaded  # no prefix, not an ID
    total = sum(os.path.getsize(os.path.join(site_dir, "search", f)) for f in loaded)
    whole = sum(os.path.getsize(os.path.join(site_dir, "search", f)) for f in os.listdir(os.path.join(site_dir, "search")))
    assert total < whole / 2, (total, loaded)
    n = len(browser.find_elements(By.CSS_SELECTOR, "#search-results > li.search-result"))
    assert n > 0
    # No shard <script> elements are left in the page.
    assert browser.execute_script("return document.querySelectorAll('script[src*=\"search/\"]').length") == 0
