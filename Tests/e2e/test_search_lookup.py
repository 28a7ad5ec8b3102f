"""Search and lookup in a real browser, from disk (file://) and over HTTP in a sub-folder.

Expected results are taken from the built site's own data (data/catalog.json and
data/lookup.js) with the rules of docs/search.md re-implemented here in Python, so the
browser code is checked against an independent reading of the contract.
"""
import json
import os
import statistics
import tempfile
from urllib.parse import quote, urlsplit, unquote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import load_lookup
from pdfutil import page_sizes, pdftext, print_a4, squash

HERE = os.path.dirname(os.path.abspath(__file__))
METRICS = os.path.join(HERE, "last-metrics.json")
WAIT = 15


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------------------------

@pytest.fixture(params=["file", "http"])
def base(request, site_dir):
    """The site's root URL, ending in '/': from disk, or over HTTP in a sub-folder."""
    if request.param == "file":
        return "file://" + site_dir + "/"
    return request.getfixturevalue("http_root")


@pytest.fixture(scope="session")
def catalog(site_dir):
    with open(os.path.join(site_dir, "data", "catalog.json"), encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def lookup_data(site_dir):
    return load_lookup(site_dir)


def page_id(href):
    """'…/rules/hb-x.html' → ('rules', 'hb-x')."""
    parts = unquote(urlsplit(href).path).split("/")
    return parts[-2], parts[-1][:-len(".html")] if parts[-1].endswith(".html") else parts[-1]


def search_results(browser, base, q):
    """Open search.html?q=… and return the listed results, in order."""
    browser.get(base + "search.html?q=" + quote(q))
    WebDriverWait(browser, WAIT).until(
        lambda d: "の検索結果" in d.find_element(By.ID, "search-status").text)
    results = browser.execute_script("""
        return [...document.querySelectorAll('#search-results > li.search-result')].map(li => {
          const a = li.querySelector('a.search-result-title');
          const kind = [...li.classList].find(c => c.startsWith('kind-')) || '';
          return {href: a.href, title: a.textContent, kind: kind.slice(5)};
        });""")
    for r in results:
        r["folder"], r["id"] = page_id(r["href"])
    assert results, f"no results for {q!r}"
    return results


def requirement(catalog, rid):
    matches = [r for r in catalog["requirements"] if r["id"] == rid]
    assert len(matches) == 1, rid
    return matches[0]


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------

def test_header_search_box_shows_results_while_typing(browser, base, catalog):
    browser.get(base + "index.html")
    box = browser.find_element(By.ID, "site-search-input")
    box.click()
    query = "再委託"
    for ch in query:
        box.send_keys(ch)
    wait = WebDriverWait(browser, WAIT)
    dropdown = wait.until(lambda d: next(
        (u for u in d.find_elements(By.CSS_SELECTOR, "ul.site-search-suggestions") if u.is_displayed()), None))
    # The dropdown shows the results of the whole query (not of a prefix typed earlier).
    wait.until(lambda d: f"「{query}」のすべての結果を見る" in dropdown.text)
    options = dropdown.find_elements(By.CSS_SELECTOR, "li[role=option] a")
    assert 2 <= len(options) <= 9, [o.text for o in options]
    first = options[0]
    assert page_id(first.get_attribute("href")) == ("rules", "hb-subcontracting-limit"), first.get_attribute("href")
    assert requirement(catalog, "hb-subcontracting-limit")["title"] in first.text
    # Every suggestion is a page of the site, under the same root; the last one opens the search page.
    for o in options[:-1]:
        assert o.get_attribute("href").startswith(base), o.get_attribute("href")
    everything = options[-1].get_attribute("href")
    assert everything.startswith(base + "search.html?q="), everything
    assert unquote(everything.split("?q=", 1)[1]) == query
    assert box.get_attribute("aria-expanded") == "true"


def test_subcontracting_requirement_first(browser, base, catalog):
    # The requirement a user means by 再委託: the limit on subcontracting (NISC handbook 9.3.5).
    expected = requirement(catalog, "hb-subcontracting-limit")
    assert expected["status"] == "active"
    assert "再委託" in expected["title"] and expected["facets"].get("subcontract")
    results = search_results(browser, base, "再委託")
    first = results[0]
    assert (first["folder"], first["id"]) == ("rules", expected["id"]), [r["id"] for r in results[:5]]
    assert first["kind"] == "requirement"
    assert first["title"] == expected["title"]
    # Not a lucky single hit: other subcontracting requirements are found too.
    others = {r["id"] for r in catalog["requirements"]
              if r["status"] == "active" and r["facets"].get("subcontract") and r["id"] != expected["id"]}
    assert len(others) >= 3
    assert others & {r["id"] for r in results[:10]}


def test_synonym_usb_memory_finds_glossary_term(browser, base, site_dir):
    term = os.path.join(site_dir, "glossary", "term-electronic-media.html")
    with open(term, encoding="utf-8") as f:
        assert "USBメモリ" in f.read()  # declared as a synonym of the term
    results = search_results(browser, base, "USBメモリ")
    top = [(r["kind"], r["title"]) for r in results[:3]]
    assert ("glossary", "電磁的記録媒体") in top, top


def test_synonym_cloud_finds_external_services(browser, base):
    results = search_results(browser, base, "クラウド")
    # The word クラウド is in a few titles, but the synonym group (外部サービス) brings the rest.
    hits = [r for r in results if "外部サービス" in r["title"]]
    assert hits, [r["title"] for r in results[:10]]
    assert any("外部サービス" in r["title"] for r in results[:3]), [r["title"] for r in results[:3]]
    assert len(hits) >= 5


def test_section_number_finds_the_requirement_first(browser, base, catalog):
    citing = {r["id"] for r in catalog["requirements"]
              if r["status"] == "active" and any(s["section"] == "9.3.5" for s in r["sources"])}
    assert citing == {"hb-subcontracting-limit"}
    results = search_results(browser, base, "9.3.5")
    ids = [r["id"] for r in results[:3]]
    assert "hb-subcontracting-limit" in ids  # it is near the top …
    first = results[0]
    assert first["kind"] == "requirement" and first["id"] in citing, ids  # … but must be first


@pytest.mark.parametrize("rid", ["hb-contract-subcontracting", "us-ext-conf-select-cloud", "lg-contractor-check"])
def test_requirement_id_finds_that_requirement_first(browser, base, catalog, rid):
    expected = requirement(catalog, rid)
    results = search_results(browser, base, rid)
    assert (results[0]["folder"], results[0]["id"]) == ("rules", rid)
    assert results[0]["title"] == expected["title"]


# ---------------------------------------------------------------------------------------------
# Lookup
# ---------------------------------------------------------------------------------------------

def parse_fragment(fragment):
    sel = {}
    for part in fragment.split("&"):
        k, _, v = part.partition("=")
        sel[unquote(k)] = [unquote(x) for x in v.split(",") if x]
    return sel


def values_of(req, key):
    """A requirement's values for a facet as {value: grade} ('' = no grade), or None."""
    own = req.get("facets", {}).get(key)
    if not own:
        return None
    if isinstance(own, str):
        return {own: ""}
    if isinstance(own, list):
        return {v: "" for v in own}
    return dict(own)


def classify(req, selection, facets):
    """docs/search.md matching rule (issue 15), written independently of lookup-core.js:
    None when not listed, else 'specific', 'conditional' or 'general'."""
    if req.get("status", "active") != "active":
        return None
    explicit = conditional = False
    for f in facets:
        key = f["key"]
        chosen = selection.get(key) or []
        own = values_of(req, key)
        if not chosen:
            opt_in = {v["key"] for v in f["values"] if v.get("optIn")}
            if own and all(v in opt_in for v in own):
                return None  # opt-in values are listed only when asked for
            applying = {v for v, g in (own or {}).items() if f["kind"] == "multi" or g != "na"}
            if f.get("specific") and own and "all" not in own and applying \
                    and not all(v["key"] in applying for v in f["values"]):
                conditional = True
            continue
        if own is None:  # no value is never a silent match
            return None
        if "all" in own:
            continue
        if not any(v in own and (f["kind"] == "multi" or own[v] != "na") for v in chosen):
            return None
        if f.get("specific"):
            explicit = True
    return "specific" if explicit else "conditional" if conditional else "general"


def applies(req, selection, facets):
    return classify(req, selection, facets) is not None


def expected_lookup(lookup_data, selection):
    return {r["id"] for r in lookup_data["requirements"] if applies(r, selection, lookup_data["facets"])}


def expected_rows(lookup_data, selection):
    """Checklist row texts in page order: the specific, conditional and general groups, each
    in phase groups in site order (only the chosen phases when phase is selected; `all` and
    unknown phases last), by ID inside a group, each requirement once at its first group."""
    facets = lookup_data["facets"]
    phase_order = [v["key"] for v in next(f for f in facets if f["key"] == "phase")["values"]]
    chosen = selection.get("phase") or phase_order

    def first_group(r):
        phases = [p for p in (values_of(r, "phase") or {}) if p in phase_order and p in chosen]
        return min(phase_order.index(p) for p in phases) if phases else len(phase_order)

    kinds = ["specific", "conditional", "general"]
    listed = [(kinds.index(classify(r, selection, facets)), first_group(r), r["id"], r)
              for r in lookup_data["requirements"] if applies(r, selection, facets)]
    rows = []
    for _, _, _, r in sorted(listed, key=lambda x: x[:3]):
        rows += [c["text"] for c in (r["checks"] or [{"text": r["title"]}])]
    return rows


LOOKUPS = [
    "form=cloud&info=personal",
    "phase=contract",
    "form=build,ops-asp&org=national&subcontract=yes",
    "phase=contract,operation&form=storage",
]


def open_lookup(browser, base, fragment):
    # A fresh load: going from lookup.html#a to lookup.html#b only changes the fragment.
    browser.get("about:blank")
    browser.get(base + "lookup.html#" + fragment)
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#lookup-results .lookup-group, #lookup-results .lookup-none"))


@pytest.mark.parametrize("fragment", LOOKUPS)
def test_lookup_lists_exactly_the_applicable_requirements(browser, base, lookup_data, fragment):
    selection = parse_fragment(fragment)
    expected = expected_lookup(lookup_data, selection)
    active = {r["id"] for r in lookup_data["requirements"] if r["status"] == "active"}
    assert 0 < len(expected) < len(active), len(expected)
    open_lookup(browser, base, fragment)
    hrefs = browser.execute_script(
        "return [...document.querySelectorAll('#lookup-results a.lookup-item-title')].map(a => a.href)")
    assert hrefs
    shown = [page_id(h) for h in hrefs]
    assert all(folder == "rules" for folder, _ in shown), shown
    shown_ids = {rid for _, rid in shown}
    assert shown_ids == expected, (sorted(shown_ids - expected), sorted(expected - shown_ids))
    for h in hrefs:
        assert h.startswith(base + "rules/"), h
    total = browser.find_element(By.CSS_SELECTOR, ".lookup-summary-total").text
    assert total == f"該当する規定：{len(expected)}件", total
    # The selection made from the fragment is shown checked in the controls.
    for key, values in selection.items():
        for v in values:
            box = browser.find_element(By.ID, f"lookup-{key}-{v}")
            assert box.is_selected(), (key, v)


def test_lookup_rule_exercises_all_na_and_missing(lookup_data):
    """The lookups above would not notice a wrong reading of `all` unless some listed
    requirement matches a selected facet only through `all`, and would not notice a wrong
    reading of grades unless some requirement is left out only because its grade is na."""
    via_all = na_only = 0
    for fragment in LOOKUPS:
        sel = parse_fragment(fragment)
        listed = expected_lookup(lookup_data, sel)
        for r in lookup_data["requirements"]:
            if r["status"] != "active":
                continue
            if r["id"] in listed and any("all" in (values_of(r, k) or {}) for k in sel):
                via_all += 1
            form = values_of(r, "form") or {}
            if r["id"] not in listed and sel.get("form") and any(v in form for v in sel["form"]) \
                    and all(form.get(v) in (None, "na") for v in sel["form"]):
                na_only += 1
    assert via_all > 0 and na_only > 0, (via_all, na_only)


def test_every_active_requirement_states_every_lookup_facet(lookup_data):
    for r in lookup_data["requirements"]:
        if r["status"] != "active":
            continue
        for f in lookup_data["facets"]:
            if f.get("lookup"):
                assert values_of(r, f["key"]), (r["id"], f["key"])


@pytest.mark.parametrize("fragment", ["form=cloud&info=personal", "phase=contract,operation&form=storage"])
def test_lookup_printable_checklist(browser, base, lookup_data, tmp_path, fragment):
    selection = parse_fragment(fragment)
    rows = expected_rows(lookup_data, selection)
    assert len(rows) >= 10
    open_lookup(browser, base, fragment)
    # The checklist is filled with the lookup, so Ctrl+P prints it without the button.
    checklist = browser.find_element(By.ID, "lookup-checklist")
    assert checklist.get_attribute("hidden") is None
    browser.execute_script("window.__printCalls = 0; window.print = () => { window.__printCalls++; };")
    browser.find_element(By.ID, "lookup-print").click()
    assert browser.execute_script("return window.__printCalls") == 1
    assert browser.execute_script("return document.getElementById('lookup-checklist').hidden") is False
    texts = browser.execute_script(
        "return [...document.querySelectorAll('#lookup-checklist table.checklist-table tbody tr.checklist-row')]"
        ".map(tr => tr.querySelector('.checklist-text').textContent)")
    assert len(texts) == len(rows)
    assert texts == rows
    fields = browser.execute_script(
        "return [...document.querySelectorAll('#lookup-checklist .checklist-fields th')].map(th => th.textContent)")
    assert fields == ["案件名", "委託先", "確認日", "確認者", "承認者"]
    groups = browser.execute_script(
        "return [...document.querySelectorAll('#lookup-checklist tr.checklist-group-row th')].map(th => th.textContent)")
    assert groups and groups[0].startswith("選んだ条件に固有の規定") and groups[-1].startswith("全般に共通"), groups

    pdf = print_a4(browser, str(tmp_path / "lookup.pdf"))
    sizes = page_sizes(pdf)
    assert len(sizes) >= 2
    for w, h in sizes:
        assert abs(w - 595) <= 2 and abs(h - 842) <= 2, (w, h)
    layout = pdftext(pdf, "-layout")
    for word in ["案件名", "委託先", "確認日", "確認者"]:
        assert word in layout, word
    # -layout puts neighbouring table cells on one line, so whole item texts are looked up in
    # the text in content order (-raw).
    raw = squash(pdftext(pdf, "-raw"))
    assert squash(rows[0]) in raw, rows[0]
    assert squash(rows[-1]) in raw, rows[-1]
    missing = [r for r in rows if squash(r) not in raw]
    assert not missing, missing[:3]
    # Only the checklist is printed: no controls, navigation or search box.
    for word in ["キーワードで検索", "条件をすべて外す", "よくある場面から選ぶ", "用語集", "規定の一覧"]:
        assert word not in layout, word


# ---------------------------------------------------------------------------------------------
# Timing (a figure, not an assertion)
# ---------------------------------------------------------------------------------------------

LATENCY_QUERIES = [
    "再委託", "USBメモリ", "クラウド", "9.3.5", "個人情報", "秘密保持", "契約", "外部サービス",
    "脆弱性", "監査", "データセンター", "暗号化", "検収", "テレワーク", "委託先", "SLA",
    "ASP", "ISMS", "廃棄", "アクセス制御",
]

MEASURE_JS = """
const queries = arguments[0], done = arguments[arguments.length - 1];
const input = document.getElementById('search-page-input');
const list = document.getElementById('search-results');
const out = [];
let i = 0;
function next() {
  if (i >= queries.length) { done(out); return; }
  const q = queries[i++];
  let t0 = 0;
  const obs = new MutationObserver(() => {
    const ms = performance.now() - t0;
    obs.disconnect();
    out.push({q, ms, n: list.children.length,
              status: document.getElementById('search-status').textContent});
    setTimeout(next, 30);
  });
  obs.observe(list, {childList: true});
  t0 = performance.now();
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
}
next();
"""

CORE_JS = """
const done = arguments[arguments.length - 1], qs = arguments[0];
const searcher = globalThis.Tebiki.searchPage.searcher;
(async () => {
  for (const q of qs) await searcher.search(q, {limit: 50});   // load the shards first
  const times = [];
  for (const q of qs) { const t0 = performance.now(); await searcher.search(q, {limit: 50});
                        times.push(performance.now() - t0); }
  done(times);
})().catch(e => done({error: String(e)}));
"""


def record_metrics(values):
    data = {}
    if os.path.exists(METRICS):
        try:
            with open(METRICS, encoding="utf-8") as f:
                data = json.load(f)
        except ValueError:
            data = {}
    data.update(values)
    fd, tmp = tempfile.mkstemp(dir=HERE, suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, METRICS)


def test_search_latency(browser, base, request):
    assert len(set(LATENCY_QUERIES)) == 20
    browser.get(base + "search.html")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.ID, "search-status").text == "検索語を入力してください。")
    browser.set_script_timeout(60)
    runs = browser.execute_async_script(MEASURE_JS, LATENCY_QUERIES)
    assert [r["q"] for r in runs] == LATENCY_QUERIES
    for r in runs:
        assert r["n"] > 0 and f"「{r['q']}」の検索結果" in r["status"], r
    median = statistics.median(r["ms"] for r in runs)
    core_times = browser.execute_async_script(CORE_JS, LATENCY_QUERIES)
    assert isinstance(core_times, list), core_times
    core = statistics.median(core_times)
    mode = request.node.callspec.params["base"]
    print(f"\nsearch latency median ms: {median:.1f} ({mode}; input event → results list updated, "
          f"includes the page's 150 ms input debounce; warm search call alone {core:.1f} ms; "
          f"max {max(r['ms'] for r in runs):.1f} ms; {len(runs)} queries)")
    record_metrics({
        f"search_latency_median_ms_{mode}": round(median, 1),
        f"search_core_median_ms_{mode}": round(core, 1),
        "search_latency_queries": len(runs),
        "search_latency_note": "input event to #search-results mutation, includes the 150 ms debounce",
    })
