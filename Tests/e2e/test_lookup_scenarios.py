"""Issue 15: the lookup lists the rules that apply, and only those.

The lists are computed by the page's own code (theme/assets/js/lookup-core.js, run with node)
over the built site's data/lookup.js, so this checks the tagging of the knowledge base and the
matching rule together. Rules are named by source section (`doc section`), so IDs can change.
A few selections are also checked in Chromium from file:// (test_lookup_in_browser)."""
import json
import os
import re
import subprocess

import pytest

from conftest import ROOT, load_lookup

CORE = os.path.join(ROOT, "theme", "assets", "js", "lookup-core.js")

NODE = r"""
require(process.argv[2]);  // the built site's assets/js/strings.js: the words, as on the page
const lk = require(process.argv[1]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = input.selections.map((sel) => {
  const r = lk.lookup(input.data, lk.parseSelection(sel, input.data.facets));
  return { sections: r.sections.map((s) => ({ key: s.key, ids: s.requirements.map((x) => x.id) })),
           reasons: Object.fromEntries([...r.reasons]) };
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def data(site_dir):
    data = load_lookup(site_dir)
    data["_strings"] = os.path.join(site_dir, "assets", "js", "strings.js")
    return data


def run_lookup(data, fragments):
    p = subprocess.run(["node", "-e", NODE, CORE, data["_strings"]], input=json.dumps({"data": data, "selections": fragments}),
                       capture_output=True, text=True, check=True)
    return json.loads(p.stdout)


def listed(result):
    return {i for s in result["sections"] for i in s["ids"]}


def rule_ids(data, key, primary=False):
    """Requirements whose source (first source if `primary`) is `doc section`; a key whose
    section has Japanese text may give a distinctive part of the section."""
    doc, section = key.split(" ", 1)
    out = set()
    for r in data["requirements"]:
        sources = r["sources"][:1] if primary else r["sources"]
        for s in sources:
            if s["doc"] != doc:
                continue
            if s["section"] == section or (re.search(r"[^\x00-\x7f]", section) and section in s["section"]):
                out.add(r["id"])
    assert out, key
    return out


def scenario_files():
    folder = os.path.join(ROOT, "content", "scenarios")
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".md"))


def front_matter(path):
    import yaml
    text = open(path, encoding="utf-8").read()
    m = re.match(r"---\n(.*?\n)---\n(.*)", text, re.S)
    return yaml.safe_load(m.group(1)), m.group(2)


def glossary_related():
    folder = os.path.join(ROOT, "content", "glossary")
    out = {}
    for f in os.listdir(folder):
        if f.endswith(".md"):
            fm, _ = front_matter(os.path.join(folder, f))
            out[fm["id"]] = fm.get("related") or []
    return out


# ---------------------------------------------------------------------------------------------
# Every scenario: its list contains the rules its own text links to or names in `related`,
# and has a size a person can read (the part shown unfolded: the rules specific to it).
# ---------------------------------------------------------------------------------------------

SCENARIOS = [os.path.basename(p)[:-3] for p in scenario_files()]


@pytest.mark.parametrize("sid", SCENARIOS)
def test_scenario_lists_the_rules_its_text_cites(data, sid):
    fm, body = front_matter(os.path.join(ROOT, "content", "scenarios", sid + ".md"))
    scenario = next(s for s in data["scenarios"] if s["id"] == sid)
    frag = "&".join(k + "=" + ",".join(v) for k, v in scenario["selection"].items())
    result = run_lookup(data, [frag])[0]
    req_ids = {r["id"] for r in data["requirements"] if r["status"] == "active"}
    linked = {m for m in re.findall(r"\]\(([a-z][a-z0-9-]*)\.md", body) if m in req_ids}
    # Glossary terms the text links to bring the rules they name (`related`), except in the
    # quoted 「実務上の補足（出典外）」 advice, which goes beyond the sources.
    sourced = "\n".join(line for line in body.split("\n") if not line.startswith(">"))
    via_terms = {r for t in re.findall(r"\]\((term-[a-z0-9-]+)\.md", sourced) for r in glossary_related().get(t, [])}
    cited = set(fm.get("related") or []) | linked | (via_terms & req_ids)
    assert cited, sid  # every scenario says which rules matter
    missing = cited - listed(result)
    assert not missing, (sid, sorted(missing))
    sizes = {s["key"]: len(s["ids"]) for s in result["sections"]}
    total = sum(sizes.values())
    assert sizes.get("specific", 0) <= 50, (sid, sizes)
    assert total <= 115, (sid, sizes)
    assert total < len(req_ids) * 0.8, (sid, sizes)


# ---------------------------------------------------------------------------------------------
# Ten selections of our own, as a compliance officer reading the sources would answer them.
# ---------------------------------------------------------------------------------------------

HB, US, NT, LG, PII = "nisc-handbook-2011", "unified-standards-r3", "nisc-notice-2013", "mic-lg-guideline-2023", "mic-pii-outsourcing-study"

SELECTIONS = [
    # ASP: the 9.3.1 items graded for ASP, never the build-only security functions.
    ("form=ops-asp",
     [f"{HB} 9.3.1(1)", f"{HB} 9.3.1(2)", f"{HB} 9.3.1(8)", f"{HB} 9.3.1(11)", f"{HB} 8.1.2④", f"{HB} 9.1"],
     [f"{HB} 9.3.1(3)", f"{HB} 9.2.3(3)", f"{HB} 9.3.1(6)", f"{NT} (2)", f"{US} 8.1.2(1)", f"{HB} 9.6.1"]),
    # Storage and transport of media: confidentiality, integrity, check; no SNS, ST, telework, Emotet.
    ("form=storage",
     [f"{HB} 8.1.4", f"{HB} 9.3.1(2)", f"{HB} 9.3.1(9)", f"{LG} 対策基準2 解説(2)⑧"],
     [f"{NT} (2)", f"{HB} 9.6.1", f"{HB} 9.6.2", f"{US} 8.1.2(1)", f"{LG} 不正プログラム対策(1)⑧", f"{HB} 9.3.1(4)",
      f"{HB} 9.3.1(5)", f"{US} 8.1.1(8)"]),
    # Personal data in a terms-of-service cloud service.
    ("form=cloud&info=personal",
     [f"{NT} (1)①", f"{HB} 8.2", f"{HB} 9.3.1(14)", f"{US} 4.2.1(1)(a)", f"{US} 4.2.1(8)(a)"],
     [f"{HB} 9.3.1(1)", f"{US} 4.2.2(1)(a)", f"{NT} (2)", f"{US} 8.1.1(9)", f"{HB} 9.3.1(3)"]),
    # A national agency has a system built.
    ("form=build&org=national",
     [f"{HB} 9.3.1(3)", f"{HB} 9.2.3(3)", f"{HB} 9.6.1", f"{HB} 9.6.2", f"{US} 5.2.1(3)(a)", f"{HB} 9.3.1(13)"],
     [f"{PII} 「ツールの使い方」", f"{HB} 8.1.4", f"{NT} (3)①", f"{LG} 対策基準8.1 解説(3)", f"{US} 4.2.1(1)(a)"]),
    # Subcontracting requested.
    ("subcontract=yes",
     [f"{HB} 9.3.5", f"{HB} 9.3.1(13)", f"{US} 4.2.1(3)(f)", f"{LG} 対策基準8.1 解説(3)", f"{PII} 「ツールの使い方」"],
     []),
    # No subcontracting: the contract still says so (9.3.1(13)), but the subcontract-only rules go.
    ("subcontract=no",
     [f"{HB} 9.3.1(13)", f"{HB} 9.2.3(10)"],
     [f"{HB} 9.3.5", f"{US} 4.2.1(3)(f)"]),
    # A municipality outsourcing work on personal data.
    ("info=personal&org=local",
     [f"{PII} 「個人情報取扱いに関する特記仕様書(雛形)」", f"{LG} 対策基準2 解説(2)⑧", f"{LG} 対策基準8.1 解説(3)",
      f"{LG} 対策基準8.1 例文(2)"],
     [f"{HB} 9.3.1(1)", f"{HB} 9.1", f"{US} 4.2.1(1)(a)", f"{NT} (1)①", f"{LG} 不正プログラム対策(1)⑧"]),
    # Apps and web content for the public.
    ("form=app-dev",
     [f"{NT} (3)①", f"{NT} (3)②", f"{NT} (3)③", f"{US} 6.3.1(2)(a)(カ)", f"{US} 6.3.2(1)(b)"],
     [f"{HB} 9.3.1(3)", f"{HB} 9.6.1", f"{NT} (2)", f"{HB} 9.3.1(1)"]),
    # On-site operation, contract stage.
    ("phase=contract&form=ops-onsite",
     [f"{HB} 9.3.1(6)", f"{HB} 9.3.1(1)", f"{HB} 9.3.1(4)", f"{HB} 9.3.2"],
     [f"{HB} 9.2.3(1)", f"{HB} 9.3.1(3)", f"{HB} 9.4.2", f"{HB} 9.3.1(14)"]),
    # Information that needs no confidentiality, in an external service (SNS, free tools).
    ("form=cloud&info=non-confidential",
     [f"{US} 4.2.2(1)(a)", f"{US} 4.2.2(2)(a)", f"{NT} (2)", f"{US} 8.1.1(9)"],
     [f"{US} 4.2.1(1)(a)", f"{NT} (1)①"]),
    # End of the contract.
    ("phase=termination",
     [f"{HB} 9.4.1", f"{US} 4.2.1(8)(a)", f"{HB} 9.5"],
     [f"{HB} 9.1", f"{HB} 9.2.1", f"{HB} 9.3.1(13)"]),
]


@pytest.mark.parametrize("fragment,must,must_not", SELECTIONS, ids=[s[0] for s in SELECTIONS])
def test_selection_lists_what_the_sources_say(data, fragment, must, must_not):
    result = run_lookup(data, [fragment])[0]
    shown = listed(result)
    for key in must:
        assert rule_ids(data, key) & shown, (fragment, "missing", key)
    for key in must_not:
        wrong = rule_ids(data, key, primary=True) & shown
        assert not wrong, (fragment, "should not list", key, sorted(wrong))


def test_grades_only_where_the_source_grades(data):
    """A grade symbol shows only for the handbook's 9.2.3 / 9.3.1 table items; the others
    state the forms they apply to without a grade."""
    grade_keys = {g["key"] for g in data["grades"]}
    for r in data["requirements"]:
        form = r["facets"].get("form")
        graded = isinstance(form, dict) and any(g in grade_keys for g in form.values())
        table = any(s["doc"] == HB and re.match(r"9\.(2\.3|3\.1)\(\d+\)$", s["section"]) for s in r["sources"])
        if graded:
            assert table, r["id"]


def test_reason_shows_grade_or_applies(data):
    result = run_lookup(data, ["form=ops-asp"])[0]
    reasons = result["reasons"]
    by = lambda key: next(iter(rule_ids(data, key, primary=True)))
    assert reasons[by(f"{HB} 9.3.1(1)")] == ["運用（ASPサービス）：○ 必須"]
    assert reasons[by(f"{HB} 8.1.2④")] == ["運用（ASPサービス）：対象"]
    assert reasons[by(f"{HB} 9.1")] == ["全般"]
    keys = [s["key"] for s in result["sections"]]
    assert keys[0] == "specific" and keys[-1] == "general", keys


# ---------------------------------------------------------------------------------------------
# The same in the browser, from file://
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fragment", ["form=storage", "form=ops-asp&info=personal"])
def test_lookup_in_browser(browser, site_dir, data, fragment):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get("about:blank")
    browser.get("file://" + site_dir + "/lookup.html#" + fragment)
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#lookup-results .lookup-section"))
    shown = browser.execute_script(
        "return [...document.querySelectorAll('#lookup-results a.lookup-item-title')]"
        ".map(a => a.getAttribute('href').replace(/^.*\\//, '').replace(/\\.html$/, ''))")
    assert set(shown) == listed(run_lookup(data, [fragment])[0])
    # The general group is folded; every row says why it is listed.
    assert browser.execute_script("return document.querySelector('#lookup-section-general details').open") is False
    n_items = len(browser.find_elements(By.CSS_SELECTOR, "#lookup-results .lookup-item"))
    n_reasons = len(browser.find_elements(By.CSS_SELECTOR, "#lookup-results .lookup-item .lookup-reasons"))
    assert n_items == n_reasons > 0
    # The tailored checklist is ready for Ctrl+P (no button click needed).
    rows = browser.find_elements(By.CSS_SELECTOR, "#lookup-checklist tr.checklist-row")
    assert rows and browser.execute_script("return document.getElementById('lookup-checklist').hidden") is False
    basis = browser.execute_script(
        "return [...document.querySelectorAll('#lookup-checklist td.checklist-basis')].map(td => td.textContent)")
    ids = {r["id"] for r in data["requirements"]}
    assert not [b for b in basis if b in ids or b.split("（")[0] in ids], basis[:3]


@pytest.mark.parametrize("fragment", ["__proto__=x", "toString=a", "constructor=x", "__proto__=x&form=storage"])
def test_lookup_survives_prototype_keys(browser, site_dir, fragment):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get("about:blank")
    browser.get_log("browser")  # drop what earlier tests left in the session's log
    browser.get("file://" + site_dir + "/lookup.html#" + fragment)
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#lookup-results .lookup-section"))
    assert browser.find_elements(By.CSS_SELECTOR, "#lookup-results a.lookup-item-title")
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE" and e.get("source") != "network"]
    assert not errors, errors


def test_csv_and_ctrl_p_use_the_same_grouped_checklist(browser, site_dir, data):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    fragment = "form=ops-asp&info=personal"
    browser.get("about:blank")
    browser.get("file://" + site_dir + "/lookup.html#" + fragment)
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#lookup-results .lookup-section"))
    # CSV: capture the Blob the button downloads.
    browser.execute_script(
        "window.__csv = null; const o = URL.createObjectURL.bind(URL);"
        "URL.createObjectURL = (b) => { b.text().then((t) => { window.__csv = t; }); return o(b); };")
    browser.find_element(By.ID, "lookup-csv").click()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return window.__csv"))
    csv = browser.execute_script("return window.__csv")
    lines = csv.lstrip("\ufeff").split("\r\n")
    assert lines[0] == "No.,グループ,確認事項,根拠,該当する理由,結果,備考"
    rows = [l for l in lines[1:] if l]
    printed = browser.find_elements(By.CSS_SELECTOR, "#lookup-checklist tr.checklist-row")
    assert len(rows) == len(printed) > 0
    assert rows[0].split(",")[1] == "選んだ条件に固有の規定"
    assert any(",全般に共通," in r and ",全般," in r for r in rows)
    assert any("運用（ASPサービス）：○ 必須" in r for r in rows)
    # Ctrl+P: the browser fires beforeprint; the checklist is (re)filled from the current list.
    browser.execute_script("const c = document.getElementById('lookup-checklist');"
                           "while (c.firstChild) c.removeChild(c.firstChild); c.hidden = true;"
                           "window.dispatchEvent(new Event('beforeprint'));")
    assert browser.execute_script("return document.getElementById('lookup-checklist').hidden") is False
    assert len(browser.find_elements(By.CSS_SELECTOR, "#lookup-checklist tr.checklist-row")) == len(rows)
    groups = [th.get_attribute("textContent") for th in browser.find_elements(By.CSS_SELECTOR, "#lookup-checklist tr.checklist-group-row th")]
    assert groups[0].startswith("選んだ条件に固有の規定（") and groups[-1].startswith("全般に共通（"), groups


def test_scenario_pages_group_like_the_lookup(site_dir, data):
    """The scenario page (built by Swift, LookupMatch) shows the same groups and counts as the
    lookup page (lookup-core.js) for the scenario's selection."""
    labels = {"選んだ条件に固有の規定": "specific", "情報の種類や再委託などによって当てはまる規定": "conditional", "全般に共通": "general"}
    for s in data["scenarios"]:
        frag = "&".join(k + "=" + ",".join(v) for k, v in s["selection"].items())
        result = run_lookup(data, [frag])[0]
        expected = [(x["key"], len(x["ids"])) for x in result["sections"]]
        html = open(os.path.join(site_dir, s["url"]), encoding="utf-8").read()
        part = html[html.index('id="applicable"'):]
        shown = [(labels[l], int(n)) for l, n in re.findall(r"<h3>([^<（]+)（(\d+) 件）</h3>", part)]
        assert shown == expected, (s["id"], shown, expected)
