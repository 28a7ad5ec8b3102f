"""No script from content (issue 8). The XSS fixture (Tests/Fixtures/sites/xss) carries a payload
in every field a page shows: site title and description, facet and grade labels, source titles,
requirement titles, summaries, bodies, sections and history, glossary terms and synonyms,
checklist items, scenarios. A payload that runs sets window.__xss (to a label naming its field),
sets document.title to PWNED or opens an alert.

Every generated page is opened in Chromium from file:// and over HTTP; payloads are typed into
the search boxes, the search.html?q= address and the lookup. Each time: no sentinel, no dialog,
nothing executable in the DOM, and the payload is on the page as text (so the test cannot pass
by dropping content). The Content-Security-Policy is checked the same two ways: the site works
under it (search, lookup, print) and an injected inline script is blocked and reported."""
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from urllib.parse import quote

import pytest

from conftest import ROOT, TEBIKI
from pdfutil import page_texts, print_with_css_page_size, squash
from search_index import load_index

FIXTURE = os.path.join(ROOT, "Tests", "Fixtures", "sites", "xss")

SITE_TITLE = 'XSS検査 <script>window.__xss="site-title"</script> "><img src=x onerror=window.__xss="site-title-img"> {{siteTitle}}'

# Recorded from before the first script of every page (CDP: not subject to the page's policy).
RECORDER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
}, true);
"""

# What may not be in the DOM after a page ran: event-handler attributes, inline scripts, frames,
# plug-ins, dangerous URLs (spelled any way a browser accepts), style attributes.
DOM_AUDIT = r"""
const out = [];
const norm = (u) => String(u).replace(/[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/g, '').toLowerCase();
for (const el of document.querySelectorAll('*')) {
  for (const a of el.attributes) {
    if (/^on/i.test(a.name)) out.push(el.tagName + ' ' + a.name);
    if (a.name === 'style') out.push(el.tagName + ' style=');
    if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'].includes(a.name)) {
      const v = norm(a.value);
      if (/^(javascript|vbscript|file):/.test(v)) out.push(el.tagName + ' ' + a.name + '=' + a.value);
      if (/^data:/.test(v) && !(el.tagName === 'IMG' && /^data:image\/(png|gif|jpeg|webp)[;,]/.test(v))) out.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  if (/^(IFRAME|FRAME|OBJECT|EMBED|BASE)$/.test(el.tagName)) out.push(el.tagName);
  if (el.tagName === 'FORM' && el.hasAttribute('action') && !/^(\.\.\/)*search\.html$/.test(el.getAttribute('action'))) out.push('FORM action=' + el.getAttribute('action'));
  if (el.tagName === 'SCRIPT' && !el.src) out.push('inline SCRIPT');
  if (el.tagName === 'STYLE') out.push('STYLE');
}
return out;
"""


def build(source, out):
    run = subprocess.run([TEBIKI, "build", "--source", source, "--output", out], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def serve(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def xss_site():
    out = tempfile.mkdtemp(prefix="tebiki-xss-")
    site = os.path.join(out, "_site")
    run = build(FIXTURE, site)
    # Authors are told which links lost their URL; nothing else is reported.
    warned = re.findall(r"^(content/[^:]+):\d+:\d+: warning: .*\[(\S+)\]$", run.stderr, re.M)
    assert {code for _, code in warned} == {"unsafe-url"}, run.stderr
    assert {path for path, _ in warned} == {"content/requirements/xss-body.md", "content/glossary/term-xss.md",
                                            "content/checklists/checklist-xss.md", "content/scenarios/scenario-xss.md"}, run.stderr
    diagnostics = re.findall(r"^\S+:\d+:\d+: ", run.stderr, re.M)
    assert len(warned) == len(diagnostics) >= 19, run.stderr  # every removed link, one line each
    server = serve(out)
    yield {"dir": site, "http": f"http://127.0.0.1:{server.server_address[1]}/_site/"}
    server.shutdown()
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def xbrowser():
    """Chromium that leaves dialogs open (so they can be seen) and keeps the browser log."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--disable-dev-shm-usage"]:
        opts.add_argument(a)
    opts.set_capability("unhandledPromptBehavior", "ignore")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    yield driver
    driver.quit()


def dialog_text(driver):
    from selenium.common.exceptions import NoAlertPresentException
    try:
        alert = driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        return text
    except NoAlertPresentException:
        return None


def open_page(driver, url):
    """Loads a page; returns the text of a dialog it opened (None when it opened none)."""
    from selenium.common.exceptions import UnexpectedAlertPresentException
    driver.get("about:blank")
    try:
        driver.get(url)
    except UnexpectedAlertPresentException:
        pass
    return dialog_text(driver)


def assert_nothing_ran(driver, where, dialog=None, allow_csp=False):
    from selenium.common.exceptions import UnexpectedAlertPresentException
    time.sleep(0.15)  # image errors and SVG loads fire after the load event
    dialog = dialog or dialog_text(driver)
    assert dialog is None, f"{where}: a dialog opened: {dialog!r}"
    try:
        state = driver.execute_script("return [window.__xss === undefined ? null : String(window.__xss), document.title, window.__csp || []]")
    except UnexpectedAlertPresentException:
        raise AssertionError(f"{where}: a dialog opened: {dialog_text(driver)!r}")
    sentinel, title, csp = state
    assert sentinel is None, f"{where}: payload ran: window.__xss = {sentinel!r}"
    assert "PWNED" not in title, f"{where}: payload ran: document.title = {title!r}"
    if not allow_csp:
        assert csp == [], f"{where}: Content-Security-Policy violations: {csp}"
    return csp


def html_pages(site):
    pages = []
    for root, _, files in os.walk(site):
        for f in files:
            if f.endswith(".html"):
                pages.append(os.path.relpath(os.path.join(root, f), site))
    return sorted(pages)


def index_docs(site):
    return load_index(site)


def main_text(driver):
    return driver.find_element("tag name", "main").text


# ---------------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------------

def test_fixture_really_carries_payloads(xss_site):
    index = index_docs(xss_site["dir"])
    docs = index["docs"]
    assert {d["kind"] for d in docs} == {"requirement", "glossary", "checklist", "scenario"}
    for d in docs:
        assert re.search(r"<script>|onerror=|onload=", d["title"] + d["summary"]), d["id"]
    for f in index["facets"]:
        assert re.search(r"<|\"|'", f["label"]), f["label"]
    # No page holds a dangerous URL or an inline script in its HTML; the raw HTML is omitted.
    for rel in html_pages(xss_site["dir"]):
        with open(os.path.join(xss_site["dir"], rel), encoding="utf-8") as f:
            html = f.read()
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*(javascript|vbscript|file|data:text)""", html, re.I), rel
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), rel
        assert not re.search(r"<(img|svg|iframe|div)[^>]*\s(onerror|onload|onmouseover)=", html, re.I), rel
    with open(os.path.join(xss_site["dir"], "rules", "xss-body.html"), encoding="utf-8") as f:
        body = f.read()
    assert "<!-- raw HTML omitted -->" in body
    # The one harmless data: image stays; the others are gone with their links.
    assert body.count('src="data:image/png;base64,') == 1
    assert "data:image/svg" not in body


# ---------------------------------------------------------------------------------------------
# Every page, from disk and over HTTP
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["file", "http"])
def test_every_page_runs_no_payload(xss_site, xbrowser, mode):
    pages = html_pages(xss_site["dir"])
    assert len(pages) >= 20, pages
    base = "file://" + xss_site["dir"] + "/" if mode == "file" else xss_site["http"]
    for rel in pages:
        dialog = open_page(xbrowser, base + quote(rel))
        assert_nothing_ran(xbrowser, f"{mode} {rel}", dialog)
        bad = xbrowser.execute_script(DOM_AUDIT)
        assert bad == [], f"{mode} {rel}: {bad}"
        # The site title, payload and all, is the page's title and the header's text.
        assert xbrowser.title.endswith(SITE_TITLE), (rel, xbrowser.title)
        header = xbrowser.find_element("css selector", ".site-title").text
        assert SITE_TITLE in header.replace("手引", "", 1).strip() or SITE_TITLE in header, (rel, header)


@pytest.mark.parametrize("mode", ["file", "http"])
def test_payloads_are_shown_as_text(xss_site, xbrowser, mode):
    site = xss_site["dir"]
    base = "file://" + site + "/" if mode == "file" else xss_site["http"]
    index = index_docs(site)
    for d in index["docs"]:
        open_page(xbrowser, base + d["url"])
        assert_nothing_ran(xbrowser, d["url"])
        h1 = xbrowser.find_element("css selector", "main h1").text
        assert h1 == d["title"], (d["url"], h1)
        summary = xbrowser.find_element("css selector", "main .summary").text
        assert summary == d["summary"], (d["url"], summary)

    # Facet and value labels on the facet index, grades on a requirement.
    open_page(xbrowser, base + "facets/index.html")
    text = squash(main_text(xbrowser))  # innerText folds U+2028 into white space
    for f in index["facets"]:
        assert squash(f["label"]) in text, f["label"]
        for v in f["values"]:
            assert squash(v["label"]) in text, v["label"]

    open_page(xbrowser, base + "rules/xss-body.html")
    text = main_text(xbrowser)
    for g in index["grades"]:
        if g["key"] in ("required", "optional"):
            assert g["symbol"] in text and g["label"] in text, g
    for expected in [
        '見出し"><img src=x onerror=window.__xss="heading">',
        # inline raw HTML (the <script> tags) is omitted; the rest of the breakout is text
        'テキストとしての ">window.__xss="body-breakout" と \'><img src=x onerror=window.__xss=\'body-breakout-sq\'> です。',
        '段落の中の<img src=x onerror=window.__xss="body-img">画像と<svg onload=window.__xss="body-svg">SVG。',
        '| 表">window.__xss="table"'[2:],
        "テンプレート記法 {{siteTitle}} {{{content}}} {{& content}} {{#nav}}x{{/nav}} はそのまま表示される。",
        '</script><script>window.__xss="code-span"</script>',
        '</script><script>window.__xss="code-block"</script>',
        '9.3.5"><script>window.__xss="section"</script>',
        '改定の注記<script>window.__xss="history-note"</script>',
        '改定前の文<img src=x onerror=window.__xss="history-before">',
        '<javascript:window.__xss="autolink">'[1:-1],
        "画像1", "画像2", "画像3",  # images with a dangerous URL leave their alt text
    ]:
        assert expected in text, expected
    # Dangerous links lose their URL, never their text.
    for n in range(1, 17):
        assert f"リンク{n}" in text, n
    links = xbrowser.execute_script(
        "return [...document.querySelectorAll('main a')].filter(a => /^リンク\\d+$/.test(a.textContent)).map(a => a.textContent)")
    assert links == ["リンク14"], links  # the only one with a safe URL (its title attribute is escaped)
    title_attr = xbrowser.execute_script(
        "return [...document.querySelectorAll('main a')].find(a => a.textContent === 'リンク14').title")
    assert title_attr == "題\" onmouseover=\"window.__xss='link-title'"
    assert xbrowser.execute_script("return document.querySelectorAll('main img[src^=\"data:image/png\"]').length") == 1

    open_page(xbrowser, base + "glossary/term-xss.html")
    chips = [c.text for c in xbrowser.find_elements("css selector", "main .chip-list a")]
    assert chips == ['同義語<script>window.__xss="synonym"</script>', "別名'><svg onload=window.__xss='synonym-svg'>",
                     "&lt;b&gt;実体&amp;", 'javascript:window.__xss="synonym-js"', "C++&phase=contract#x"], chips
    # Each synonym links to a search for exactly itself (no extra parameters, no fragment).
    hrefs = [c.get_attribute("href") for c in xbrowser.find_elements("css selector", "main .chip-list a")]
    for chip, href in zip(chips, hrefs):
        open_page(xbrowser, href)
        wait_for(xbrowser, "return /検索結果|一致するページ/.test(document.getElementById('search-status').textContent)")
        assert_nothing_ran(xbrowser, f"synonym search {chip}")
        assert xbrowser.execute_script("return document.getElementById('search-page-input').value") == chip
        assert xbrowser.execute_script("return document.querySelectorAll('#search-filters input:checked').length") == 0
    open_page(xbrowser, base + "glossary/term-xss.html")
    assert 'ようご"><img src=x onerror=window.__xss="term-reading">' in main_text(xbrowser)

    open_page(xbrowser, base + "checklists/checklist-xss.html")
    items = [c.text for c in xbrowser.find_elements("css selector", "td.col-item")]
    assert items == ['確認項目"><script>window.__xss="checklist-item"</script>',
                     "確認項目2'><svg onload=alert('checklist-item-2')>,\"引用\""], items
    text = main_text(xbrowser)
    assert '1. グループ</th><script>window.__xss="checklist-group"</script>' in text
    assert '9.3.1</td><img src=x onerror=window.__xss="checklist-section">' in text

    open_page(xbrowser, base + "sources.html")
    text = main_text(xbrowser)
    for s in ['旧ガイドライン<script>window.__xss="source-title"</script>',
              '新ガイドライン</title></style></script><script>alert("source-title-2")</script>',
              '発行"><img src=x onerror=window.__xss="source-publisher">',
              '令和3年度版<iframe src="javascript:window.__xss=`source-iframe`"></iframe>']:
        assert s in text, s

    open_page(xbrowser, base + "scenarios/scenario-xss.html")
    text = main_text(xbrowser)
    assert "場面の説明。" in text and "場面のリンク" in text


# ---------------------------------------------------------------------------------------------
# Search, lookup and print with payloads typed in
# ---------------------------------------------------------------------------------------------

TYPED = [
    '<script>window.__xss="typed"</script>',
    '"><img src=x onerror=window.__xss="typed-img">',
    "'><svg onload=alert('typed')>",
    "javascript:window.__xss='typed-js'",
    "{{{content}}}</title>",
    "規定の題名<script>",
]


def wait_for(driver, script, timeout=10):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))


@pytest.mark.parametrize("mode", ["file", "http"])
def test_search_with_payloads(xss_site, xbrowser, mode):
    base = "file://" + xss_site["dir"] + "/" if mode == "file" else xss_site["http"]
    for q in TYPED:
        # The address: search.html?q=…
        dialog = open_page(xbrowser, base + "search.html?q=" + quote(q))
        wait_for(xbrowser, "return /検索結果|一致するページ/.test(document.getElementById('search-status').textContent)")
        assert_nothing_ran(xbrowser, f"search.html?q={q}", dialog)
        assert xbrowser.execute_script("return document.getElementById('search-page-input').value") == q
        status = xbrowser.find_element("id", "search-status").text
        assert q.strip() in status, status
        assert xbrowser.execute_script(DOM_AUDIT) == []

    # Typed into the search page's box: the results show titles as text.
    open_page(xbrowser, base + "search.html")
    wait_for(xbrowser, "return /入力/.test(document.getElementById('search-status').textContent)")
    box = xbrowser.find_element("id", "search-page-input")
    box.send_keys("規定の題名")
    wait_for(xbrowser, "return document.querySelectorAll('#search-results .search-result').length > 0")
    titles = [a.text for a in xbrowser.find_elements("css selector", "#search-results .search-result-title")]
    assert '規定の題名<script>window.__xss="req-title"</script>"><img src=x onerror=window.__xss="req-title-img">' in titles, titles
    filters = xbrowser.find_element("id", "search-filters").text
    assert '段階"><script>window.__xss="facet-label"</script>' in filters, filters
    assert '契約<img src=x onerror=window.__xss="value-label">' in filters
    assert_nothing_ran(xbrowser, "search page, typed")

    # Typed into the header box on another page: the dropdown.
    for q in TYPED:
        open_page(xbrowser, base + "index.html")
        box = xbrowser.find_element("id", "site-search-input")
        box.send_keys(q)
        wait_for(xbrowser, "return !document.getElementById('site-search-suggestions').hidden")
        assert_nothing_ran(xbrowser, f"header search {q}")
        options = xbrowser.find_element("id", "site-search-suggestions").text
        assert q in options, options
        assert xbrowser.execute_script(DOM_AUDIT) == []


@pytest.mark.parametrize("mode", ["file", "http"])
def test_lookup_with_payloads(xss_site, xbrowser, mode):
    base = "file://" + xss_site["dir"] + "/" if mode == "file" else xss_site["http"]
    dialog = open_page(xbrowser, base + "lookup.html#form=cloud&org=local")
    wait_for(xbrowser, "return document.querySelectorAll('#lookup-results .lookup-item').length > 0")
    assert_nothing_ran(xbrowser, "lookup", dialog)
    text = main_text(xbrowser)
    for s in ['場面<script>window.__xss="scenario-title"</script>',
              '形態</style><script>window.__xss="facet-label-style"</script>',
              'クラウド</script><script>window.__xss="value-endscript"</script>',
              "地方公共団体 \u2028\"]);window.__xss=\"value-json\";//</script>",
              '規定の題名<script>window.__xss="req-title"</script>']:
        assert squash(s) in squash(text), s
    # The tailored checklist, filled for printing (print itself stubbed: headless has no dialog).
    xbrowser.execute_script("window.print = function () { window.__printed = (window.__printed || 0) + 1; }")
    xbrowser.find_element("id", "lookup-print").click()
    assert xbrowser.execute_script("return window.__printed") == 1
    checklist = xbrowser.find_element("id", "lookup-checklist").get_attribute("textContent")
    assert '確認項目"><script>window.__xss="checklist-item"</script>' in checklist
    assert '9.3.1</td><img src=x onerror=window.__xss="checklist-section">' in checklist
    assert_nothing_ran(xbrowser, "lookup print")

    for q in TYPED:
        dialog = open_page(xbrowser, base + "lookup.html#form=" + quote(q, safe="") + "&" + quote(q, safe="") + "=cloud")
        assert_nothing_ran(xbrowser, f"lookup #{q}", dialog)
        assert xbrowser.execute_script(DOM_AUDIT) == []


def test_printed_checklist_title_in_margin(xss_site, xbrowser, tmp_path):
    """page.js puts the page title into the print margin through CSSOM; the payload's quotes
    and backslashes must come out as text."""
    open_page(xbrowser, "file://" + xss_site["dir"] + "/checklists/checklist-xss.html")
    assert_nothing_ran(xbrowser, "checklist")
    # The print button calls print() (wired by page.js, not by an onclick attribute).
    xbrowser.execute_script("window.print = function () { window.__printed = 1; }")
    xbrowser.find_element("css selector", "[data-action=print]").click()
    assert xbrowser.execute_script("return window.__printed") == 1
    pdf = print_with_css_page_size(xbrowser, str(tmp_path / "x.pdf"))
    # The title (top left) may wrap beside the editions line (top right): the margin is the
    # first lines, read with the editions cut out.
    lines = [l for l in page_texts(pdf, "-layout")[0].splitlines() if l.strip()]
    left = squash("".join(l.split("出典の版")[0] for l in lines[:3]))
    assert squash('チェックリスト<script>window.__xss="checklist-title"</script>') in left, lines[:3]
    # A title written to break out of the CSS string stays inside it: one @page rule, nothing else.
    open_page(xbrowser, "file://" + xss_site["dir"] + "/facets/org-local.html")
    assert_nothing_ran(xbrowser, "facet page")
    rules = xbrowser.execute_script("return document.adoptedStyleSheets.flatMap(s => [...s.cssRules].map(r => r.cssText))")
    assert len(rules) == 1 and rules[0].startswith("@page"), rules
    assert 'background: red } /*' in rules[0], rules  # as text of the content string
    xbrowser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert xbrowser.execute_script("return getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    finally:
        xbrowser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# ---------------------------------------------------------------------------------------------
# Content-Security-Policy
# ---------------------------------------------------------------------------------------------

INJECT = """
const s = document.createElement('script');
s.textContent = 'window.__injected = 1';
document.body.appendChild(s);
const b = document.createElement('button');
b.setAttribute('onclick', 'window.__injected_handler = 1');
document.body.appendChild(b);
b.click();
const d = document.createElement('div');
d.setAttribute('style', 'color: red');
document.body.appendChild(d);
const st = document.createElement('style');
st.textContent = 'body { background: rgb(1, 2, 3) }';
document.head.appendChild(st);
"""


def check_policy(driver, where):
    """Inline script, handler and styles are blocked and reported; the site's own files are not."""
    driver.get_log("browser")  # drop what came before
    driver.execute_script(INJECT)
    time.sleep(0.2)
    state = driver.execute_script(
        "return [window.__injected || null, window.__injected_handler || null, getComputedStyle(document.body).backgroundColor, window.__csp]")
    assert state[0] is None and state[1] is None, f"{where}: inline script ran"
    assert state[2] != "rgb(1, 2, 3)", f"{where}: inline <style> applied"
    directives = {v["directive"] for v in state[3]}
    assert {"script-src-elem", "script-src-attr", "style-src-attr", "style-src-elem"} <= directives, (where, state[3])
    log = " ".join(e["message"] for e in driver.get_log("browser"))
    assert "Content Security Policy" in log, log


@pytest.mark.parametrize("mode", ["file", "http"])
def test_policy_blocks_injected_inline_script(xss_site, xbrowser, mode):
    base = "file://" + xss_site["dir"] + "/" if mode == "file" else xss_site["http"]
    for page in ["index.html", "rules/xss-body.html"]:
        open_page(xbrowser, base + page)
        assert_nothing_ran(xbrowser, page)
        check_policy(xbrowser, f"{mode} {page}")


@pytest.mark.parametrize("mode", ["file", "http"])
def test_default_site_works_under_the_policy(site_dir, http_root, xbrowser, mode):
    """The real site under its policy: pages load their scripts and styles with no violation,
    search finds, lookup lists, the checklist print button prints, and inline code is refused."""
    base = "file://" + site_dir + "/" if mode == "file" else http_root
    for page in ["index.html", "rules/index.html", "glossary/index.html", "checklists/index.html", "sources.html"]:
        open_page(xbrowser, base + page)
        assert_nothing_ran(xbrowser, f"{mode} {page}")
        assert xbrowser.execute_script(
            "return getComputedStyle(document.querySelector('.site-header')).backgroundColor") == "rgb(11, 61, 145)"

    open_page(xbrowser, base + "search.html?q=" + quote("再委託"))
    wait_for(xbrowser, "return document.querySelectorAll('#search-results .search-result').length > 0")
    assert_nothing_ran(xbrowser, f"{mode} search")

    open_page(xbrowser, base + "index.html")
    xbrowser.find_element("id", "site-search-input").send_keys("クラウド")
    wait_for(xbrowser, "return document.querySelectorAll('#site-search-suggestions .site-search-option').length > 1")
    assert_nothing_ran(xbrowser, f"{mode} header search")

    open_page(xbrowser, base + "lookup.html#form=cloud")
    wait_for(xbrowser, "return document.querySelectorAll('#lookup-results .lookup-item').length > 0")
    assert_nothing_ran(xbrowser, f"{mode} lookup")
    # Submitting the header search form (form-action) still goes to search.html.
    box = xbrowser.find_element("id", "site-search-input")
    box.send_keys("再委託")
    xbrowser.execute_script("document.querySelector('.site-search').requestSubmit()")
    wait_for(xbrowser, "return /search\\.html\\?q=/.test(location.href) && document.querySelectorAll('#search-results .search-result').length > 0")
    assert_nothing_ran(xbrowser, f"{mode} search form submit")

    checklists = sorted(f for f in os.listdir(os.path.join(site_dir, "checklists")) if f.endswith(".html") and f != "index.html")
    open_page(xbrowser, base + "checklists/" + checklists[0])
    assert_nothing_ran(xbrowser, f"{mode} checklist")
    rules = xbrowser.execute_script(
        "return document.adoptedStyleSheets.map(s => [...s.cssRules].map(r => r.cssText).join(' ')).join(' ')")
    assert "@top-left" in rules, rules
    xbrowser.execute_script("window.print = function () { window.__printed = 1; }")
    xbrowser.find_element("css selector", "[data-action=print]").click()
    assert xbrowser.execute_script("return window.__printed") == 1
    check_policy(xbrowser, f"{mode} checklist")


# ---------------------------------------------------------------------------------------------
# markdown.unsafe_html: the switch works, warns on every build, and the policy still holds
# ---------------------------------------------------------------------------------------------

def test_unsafe_html_switch_warns_and_the_policy_still_blocks(xbrowser, tmp_path):
    src = tmp_path / "xss"
    shutil.copytree(FIXTURE, src)
    theme = os.path.relpath(os.path.join(ROOT, "theme"), src)
    yml = (src / "site.yml").read_text(encoding="utf-8")
    yml = re.sub(r"(?m)^theme:.*$", "theme: " + theme, yml) + "markdown:\n  unsafe_html: true\n"
    (src / "site.yml").write_text(yml, encoding="utf-8")
    line = yml.splitlines().index("  unsafe_html: true") + 1
    out = tmp_path / "_site"
    for _ in range(2):  # every build, not only the first (the second reuses cached pages)
        run = build(str(src), str(out))
        assert re.search(rf"^site\.yml:{line}:\d+: warning: markdown\.unsafe_html が有効です。.*\[unsafe-html\]$", run.stderr, re.M), run.stderr
    html = (out / "rules" / "xss-body.html").read_text(encoding="utf-8")
    assert '<img src="x" onerror="window.__xss=\'body-img-quoted\'">' in html  # raw HTML passes through…
    assert "&lt;script>window.__xss=\"body-script\"" in html  # …except what GFM's tagfilter disarms
    assert not re.search(r"""<a href="\s*(javascript|vbscript|file|data)""", html, re.I)  # Markdown links are still filtered
    server = serve(str(tmp_path))
    try:
        for base in ["file://" + str(out) + "/", f"http://127.0.0.1:{server.server_address[1]}/_site/"]:
            for page in ["rules/xss-body.html", "rules/xss-retired.html", "glossary/term-xss.html", "checklists/checklist-xss.html",
                         "scenarios/scenario-xss.html"]:
                dialog = open_page(xbrowser, base + page)
                csp = assert_nothing_ran(xbrowser, f"unsafe_html {base}{page}", dialog, allow_csp=True)
                if page == "rules/xss-body.html":
                    assert any(v["directive"] == "script-src-attr" for v in csp), (page, csp)
    finally:
        server.shutdown()
