"""Accessibility in a real browser (Debian's Chromium, the site opened from disk):

- axe-core on every kind of page, and on the states scripts create (search dropdown open, an
  empty search, the lookup's printable checklist, a checklist as printed). axe is the
  axe.min.js that ships inside the PyPI package axe-selenium-python, injected with
  execute_script (never loaded from the internet). Serious and critical violations fail;
  every violation is printed with its impact.
- Keyboard only: search ("/", typing, ↑/↓, Enter), lookup (Tab, Space, print button),
  checklist page (Tab to every control and Enter on the print button), the skip link; each
  focused control must show a focus indicator.
"""
import os
import time
from urllib.parse import quote, unquote, urlsplit

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 15
FAILING_IMPACTS = ("serious", "critical")

# One page of each kind: (kind, path relative to the site root, what to wait for).
PAGES = [
    ("home", "index.html", None),
    ("requirement", "rules/hb-subcontracting-limit.html", None),
    ("rules index", "rules/index.html", None),
    ("facet index", "facets/index.html", None),
    ("facet value", "facets/form-build.html", None),
    ("glossary index", "glossary/index.html", None),
    ("glossary term", "glossary/term-asp.html", None),
    ("checklists index", "checklists/index.html", None),
    ("checklist", "checklists/checklist-contractor-security.html", None),
    ("scenarios index", "scenarios/index.html", None),
    ("scenario", "scenarios/scenario-cloud-mail.html", None),
    ("sources", "sources.html", None),
    ("changes index", "changes/index.html", None),
    ("edition", "changes/unified-standards-r3.html", None),
    ("history entry (side by side)", "rules/lg-contractor-check.html", None),
    ("history entry (before/after)", "rules/lg-emotet.html", None),
    ("retired requirement", "rules/us-byod-section-h30.html", None),
    ("search with results", "search.html?q=" + quote("再委託"), "search"),
    ("search without results", "search.html?q=" + quote("ぬるぽがっ") + "&phase=termination", "search"),
    ("lookup with a selection", "lookup.html#form=build&info=personal", "lookup"),
]


def axe_source():
    import axe_selenium_python  # installed by scripts/ensure-deps.sh test
    path = os.path.join(os.path.dirname(axe_selenium_python.__file__), "node_modules", "axe-core", "axe.min.js")
    with open(path, encoding="utf-8") as f:
        return f.read()


@pytest.fixture(scope="module")
def axe_js():
    return axe_source()


@pytest.fixture(scope="module")
def root(site_dir):
    return "file://" + site_dir + "/"


def wait_ready(browser, kind):
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")
    if kind == "search":
        WebDriverWait(browser, WAIT).until(
            lambda d: "の検索結果" in d.find_element(By.ID, "search-status").text)
    elif kind == "lookup":
        WebDriverWait(browser, WAIT).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#lookup-results .lookup-group, #lookup-results .lookup-none"))


def run_axe(browser, axe_js):
    """axe.run on the current document: the violations, each with its impact and nodes."""
    browser.set_script_timeout(60)
    if not browser.execute_script("return !!window.axe"):
        browser.execute_script(axe_js)
    result = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
          .then(r => done({violations: r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}))}))
          .catch(e => done({error: String(e)}));""")
    assert "error" not in result, result
    return result["violations"]


def report(kind, violations):
    by_impact = {}
    for v in violations:
        by_impact[v["impact"]] = by_impact.get(v["impact"], 0) + len(v["nodes"])
    print(f"axe {kind}: " + (", ".join(f"{k} {n}" for k, n in sorted(by_impact.items())) or "no violations")
          + "".join(f"\n    {v['impact']}: {v['id']} on {[n['target'] for n in v['nodes']][:3]}" for v in violations))
    bad = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): " + "; ".join(
            f"{n['target']} {n['summary']}" for n in v["nodes"][:5]) for v in bad)


# ---------------------------------------------------------------------------------------------
# axe on each kind of page
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,path,ready", PAGES, ids=[p[0] for p in PAGES])
def test_axe_page(browser, root, axe_js, site_dir, kind, path, ready):
    assert os.path.isfile(os.path.join(site_dir, unquote(urlsplit(path).path))), path
    browser.get(root + path)
    wait_ready(browser, ready)
    problems = report(kind, run_axe(browser, axe_js))
    assert not problems, problems


@pytest.mark.parametrize("kind,path,ready", PAGES, ids=[p[0] for p in PAGES])
def test_axe_page_dark_mode(browser, root, axe_js, kind, path, ready):
    """The same pages with prefers-color-scheme: dark (site.css's dark palette): contrast too."""
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        browser.get(root + path)
        wait_ready(browser, ready)
        assert browser.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
        bg = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert bg == "rgb(21, 24, 28)", bg
        problems = report(kind + " (dark)", run_axe(browser, axe_js))
        assert not problems, problems
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_axe_header_search_dropdown_open(browser, root, axe_js):
    browser.get(root + "rules/index.html")
    wait_ready(browser, None)
    box = browser.find_element(By.ID, "site-search-input")
    box.click()
    box.send_keys("クラウド")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.ID, "site-search-suggestions").is_displayed())
    box.send_keys(Keys.ARROW_DOWN)
    problems = report("search dropdown open", run_axe(browser, axe_js))
    assert not problems, problems


@pytest.mark.parametrize("kind,path,prepare", [
    ("checklist form (print)", "checklists/checklist-contractor-security.html", None),
    ("lookup checklist (print)", "lookup.html#form=build&phase=contract", "lookup"),
])
def test_axe_printed_form(browser, root, axe_js, kind, path, prepare):
    """The printable forms as they are on paper: print media emulated (the form is what shows)."""
    browser.get(root + path)
    wait_ready(browser, prepare)
    if prepare == "lookup":
        # Fill the tailored checklist the way the print button does, without the print dialog.
        browser.execute_script("window.print = () => {};")
        browser.find_element(By.ID, "lookup-print").click()
        WebDriverWait(browser, WAIT).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#lookup-checklist table.checklist-table tbody tr"))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        problems = report(kind, run_axe(browser, axe_js))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert not problems, problems


# ---------------------------------------------------------------------------------------------
# Keyboard only
# ---------------------------------------------------------------------------------------------

FOCUS_STYLE = """
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    return {tag: e.tagName, id: e.id, text: (e.textContent || e.value || '').trim().slice(0, 40),
            outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
            shadow: s.boxShadow !== 'none', background: s.backgroundColor,
            focusVisible: e.matches(':focus-visible')};"""


def keys(browser, *seq):
    ActionChains(browser).send_keys(*seq).perform()


def focused(browser):
    return browser.execute_script(FOCUS_STYLE)


def assert_visible_focus(browser):
    f = focused(browser)
    assert f, "nothing has focus"
    assert f["focusVisible"], f"focus is not shown as keyboard focus: {f}"
    assert f["outline"] or f["shadow"], f"no focus indicator (outline or ring) on {f}"
    return f


def tab_until(browser, predicate_js, limit=250, check_focus=True):
    """Press Tab until the focused element matches predicate_js (a JS expression over `e`);
    every element passed on the way must show its focus."""
    for _ in range(limit):
        keys(browser, Keys.TAB)
        if check_focus:
            assert_visible_focus(browser)
        if browser.execute_script("const e = document.activeElement; return !!(" + predicate_js + ");"):
            return focused(browser)
    raise AssertionError(f"Tab never reached {predicate_js}")


def test_skip_link_is_first_and_moves_to_main(browser, root):
    browser.get(root + "rules/index.html")
    wait_ready(browser, None)
    keys(browser, Keys.TAB)
    f = assert_visible_focus(browser)
    assert f["text"] == "本文へ移動"
    rect = browser.execute_script("const r = document.activeElement.getBoundingClientRect(); return [r.left, r.top, r.width];")
    assert rect[0] >= 0 and rect[1] >= 0 and rect[2] > 10, f"skip link not on screen when focused: {rect}"
    keys(browser, Keys.ENTER)
    WebDriverWait(browser, WAIT).until(lambda d: d.current_url.endswith("#main"))
    # The next Tab goes to the first control inside <main>, not back to the header.
    keys(browser, Keys.TAB)
    assert browser.execute_script("return document.getElementById('main').contains(document.activeElement)")


def test_keyboard_search_slash_type_arrows_enter(browser, root):
    browser.get(root + "glossary/index.html")
    wait_ready(browser, None)
    assert browser.execute_script("return document.activeElement === document.body")
    keys(browser, "/")
    assert browser.execute_script("return document.activeElement.id") == "site-search-input"
    assert_visible_focus(browser)
    keys(browser, "再委託")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.ID, "site-search-suggestions").is_displayed())
    box = browser.find_element(By.ID, "site-search-input")
    assert box.get_attribute("aria-expanded") == "true"
    options = browser.find_elements(By.CSS_SELECTOR, "#site-search-suggestions [role=option]")
    assert len(options) >= 3

    def active():
        return box.get_attribute("aria-activedescendant")

    keys(browser, Keys.ARROW_DOWN)
    assert active() == options[0].get_attribute("id")
    keys(browser, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    assert active() == options[2].get_attribute("id")
    keys(browser, Keys.ARROW_UP)
    assert active() == options[1].get_attribute("id")
    assert options[1].get_attribute("aria-selected") == "true"
    assert options[0].get_attribute("aria-selected") == "false"
    # The active option is highlighted, not only announced.
    colors = browser.execute_script(
        "return [...document.querySelectorAll('#site-search-suggestions [role=option]')]"
        ".slice(0, 2).map(li => getComputedStyle(li).backgroundColor)")
    assert colors[0] != colors[1]
    # Focus stayed in the box the whole time (aria-activedescendant pattern).
    assert browser.execute_script("return document.activeElement.id") == "site-search-input"
    target = options[1].find_element(By.TAG_NAME, "a").get_attribute("href")
    keys(browser, Keys.ENTER)
    WebDriverWait(browser, WAIT).until(lambda d: unquote(d.current_url) == unquote(target))
    assert browser.find_element(By.TAG_NAME, "h1").text


def test_keyboard_search_page_enter_submits_and_results_are_reachable(browser, root):
    browser.get(root + "index.html")
    wait_ready(browser, None)
    keys(browser, "/")
    keys(browser, "USB")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.ID, "site-search-suggestions").is_displayed())
    keys(browser, Keys.ENTER)  # no option picked with the arrows: Enter submits the form
    WebDriverWait(browser, WAIT).until(lambda d: "search.html" in d.current_url)
    wait_ready(browser, "search")
    assert browser.find_elements(By.CSS_SELECTOR, "#search-results > li")
    # Tab reaches a filter checkbox; Space ticks it and the results are filtered.
    tab_until(browser, "e.type === 'checkbox' && e.closest('#search-filters')")
    name = browser.execute_script("return document.activeElement.name")
    keys(browser, Keys.SPACE)
    assert browser.execute_script("return document.activeElement.checked") is True
    WebDriverWait(browser, WAIT).until(lambda d: f"{name}=" in d.current_url)
    # Tab on to the first result link.
    f = tab_until(browser, "e.classList.contains('search-result-title')")
    assert f["tag"] == "A"


def test_keyboard_lookup_tab_space_and_print(browser, root):
    browser.get(root + "lookup.html")
    wait_ready(browser, "lookup")
    browser.execute_script("window.__printed = 0; window.print = () => { window.__printed++; };")
    total = lambda: browser.find_element(By.CSS_SELECTOR, "#lookup-summary .lookup-summary-total").text
    before = total()
    # The first control of the 委託の形態 facet, by Tab only.
    tab_until(browser, "e.type === 'checkbox' && e.closest('fieldset[data-facet=\"form\"]')")
    first = browser.execute_script("return document.activeElement.id")
    keys(browser, Keys.SPACE)
    assert browser.execute_script("return document.activeElement.checked") is True
    WebDriverWait(browser, WAIT).until(lambda d: total() != before)
    assert "form=" in browser.current_url
    after_one = total()
    # On to a control of another facet (取り扱う情報), Space again.
    tab_until(browser, "e.type === 'checkbox' && e.closest('fieldset[data-facet=\"info\"]')")
    keys(browser, Keys.SPACE)
    WebDriverWait(browser, WAIT).until(lambda d: "info=" in d.current_url)
    assert browser.find_element(By.ID, first).is_selected()
    assert total() != after_one or "info=" in browser.current_url
    # Space again unticks (the selection follows the box).
    keys(browser, Keys.SPACE)
    WebDriverWait(browser, WAIT).until(lambda d: "info=" not in d.current_url)
    keys(browser, Keys.SPACE)
    WebDriverWait(browser, WAIT).until(lambda d: "info=" in d.current_url)
    # The print button is reachable and works from the keyboard.
    f = tab_until(browser, "e.id === 'lookup-print'")
    assert f["tag"] == "BUTTON"
    keys(browser, Keys.ENTER)
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return window.__printed") == 1)
    assert browser.find_elements(By.CSS_SELECTOR, "#lookup-checklist table.checklist-table tbody tr")
    # The CSV button comes next.
    keys(browser, Keys.TAB)
    assert browser.execute_script("return document.activeElement.id") == "lookup-csv"
    assert_visible_focus(browser)


def test_keyboard_checklist_page(browser, root, site_dir):
    """The checklist page: its print button, CSV link and the requirement links of the form are
    all reached with Tab (the form itself is a paper form: its fields are filled in by hand)."""
    browser.get(root + "checklists/checklist-contractor-security.html")
    wait_ready(browser, None)
    browser.execute_script("window.__printed = 0; window.print = () => { window.__printed++; };")
    f = tab_until(browser, "e.matches('[data-action=print]')")
    assert f["tag"] == "BUTTON"
    keys(browser, Keys.ENTER)
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return window.__printed") == 1)
    keys(browser, Keys.SPACE)
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return window.__printed") == 2)
    keys(browser, Keys.TAB)
    assert browser.execute_script("return document.activeElement.matches('a[download]')")
    assert_visible_focus(browser)
    tab_until(browser, "e.closest('.checklist-table') && e.tagName === 'A'")
    # Every link in the form is in the tab order (none has tabindex=-1 or is hidden on screen).
    links = browser.execute_script(
        "return [...document.querySelectorAll('.checklist-table a')].filter(a => a.tabIndex < 0 || !a.offsetParent).length")
    assert links == 0


def test_focus_is_visible_on_every_control_of_the_home_page(browser, root):
    browser.get(root + "index.html")
    wait_ready(browser, None)
    n = browser.execute_script(
        "return document.querySelectorAll('a[href], button:not([disabled]), input:not([type=hidden]), select, textarea').length")
    seen = set()
    for _ in range(n + 2):
        keys(browser, Keys.TAB)
        f = focused(browser)
        if not f:
            break
        assert f["focusVisible"] and (f["outline"] or f["shadow"]), f"no visible focus on {f}"
        key = (f["tag"], f["id"], f["text"])
        if key in seen and len(seen) > 3:
            break
        seen.add(key)
    assert len(seen) > 10


def test_focus_is_visible_in_forced_colors_mode(browser, root):
    """Windows high contrast (forced colors) drops backgrounds and shadows: every Tab stop must
    still have an outline, and so must the active search suggestion."""
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "forced-colors", "value": "active"}]})
    try:
        browser.get(root + "index.html")
        wait_ready(browser, None)
        for _ in range(15):
            keys(browser, Keys.TAB)
            f = focused(browser)
            assert f and f["outline"], f"no outline in forced colors on {f}"
        browser.get(root + "glossary/index.html")
        wait_ready(browser, None)
        keys(browser, "/", "USB")
        WebDriverWait(browser, WAIT).until(
            lambda d: d.find_element(By.ID, "site-search-suggestions").is_displayed())
        keys(browser, Keys.ARROW_DOWN)
        outline = browser.execute_script(
            "const s = getComputedStyle(document.querySelector('#site-search-suggestions [aria-selected=true]'));"
            "return [s.outlineStyle, parseFloat(s.outlineWidth)];")
        assert outline[0] != "none" and outline[1] >= 2, outline
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
