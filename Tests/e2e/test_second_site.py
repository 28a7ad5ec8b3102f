"""A second site on the same builder (Tests/Fixtures/sites/second-site): its own facets,
words, logo, colours, menu and two overridden templates, opened from file:// in Chromium.
Set TEBIKI_SCREENSHOT=path to save a screenshot of its home page (docs/images/second-site.png)."""
import os

import json
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, built_fixture

FIXTURE = os.path.join(ROOT, "Tests/Fixtures/sites/second-site")
WAIT = 15
# Words of the default site's domain: none may show on the second site's pages.
DEFAULT_DOMAIN = re.compile("委託|規定|段階|セキュリティ|再委託")


@pytest.fixture(scope="module")
def second_site():
    with built_fixture(FIXTURE, "tebiki-second-") as site:
        yield site


def open_page(browser, site, path):
    browser.get("file://" + os.path.join(site, path))


def css(browser, selector, prop):
    return browser.execute_script(
        "return getComputedStyle(document.querySelector(arguments[0]))[arguments[1]]", selector, prop)


def test_home_uses_the_sites_title_hero_logo_and_overridden_template(browser, second_site):
    open_page(browser, second_site, "index.html")
    assert browser.title == "学校防災の手引"
    hero = browser.find_element(By.CSS_SELECTOR, "#school-home h1")  # the site's own home.mustache
    assert hero.text.replace("\n", "") == "学校の防災、いつ・どこで・何をするか。"
    logo = browser.find_element(By.CSS_SELECTOR, ".site-title img.site-logo")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", logo) == 32
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "main h2")]
    assert headings == ["時期から探す", "施設から探す"]
    assert "外部委託" not in browser.find_element(By.TAG_NAME, "body").text
    if os.environ.get("TEBIKI_SCREENSHOT"):
        browser.save_screenshot(os.environ["TEBIKI_SCREENSHOT"])


def test_menu_has_the_sites_entries_in_its_order(browser, second_site):
    open_page(browser, second_site, "rules/index.html")
    labels = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".site-nav a")]
    assert labels == ["取組の一覧", "場面", "用語集", "点検表", "出典文書"]
    current = browser.find_element(By.CSS_SELECTOR, ".site-nav a[aria-current=page]")
    assert current.text == "取組の一覧"
    assert browser.title == "取組の一覧 | 学校防災の手引"
    # Every menu link opens a page of the site from disk.
    for href in [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".site-nav a")]:
        assert href.startswith("file://") and href.endswith(".html")
        assert os.path.exists(href[len("file://"):])


def test_colours_come_from_site_yml(browser, second_site):
    open_page(browser, second_site, "index.html")
    assert css(browser, ".site-header", "backgroundColor") == "rgb(31, 95, 58)"
    assert css(browser, ".site-header", "borderBottomColor") == "rgb(224, 161, 0)"
    assert css(browser, ".site-nav", "backgroundColor") == "rgb(18, 61, 37)"
    # extra_css is loaded (CSP allows only the site's own files).
    assert css(browser, "#school-home", "borderLeftColor") == "rgb(224, 161, 0)"


def test_overridden_partial_is_used_by_builtin_templates(browser, second_site):
    open_page(browser, second_site, "rules/index.html")
    items = browser.find_elements(By.CSS_SELECTOR, "ol.school-list li")
    assert len(items) == 2
    assert "時期: 平常時" in items[0].text or "時期: 平常時" in items[1].text
    # A page the site did not override still renders with the built-in template.
    open_page(browser, second_site, "rules/drill.html")
    assert browser.find_element(By.TAG_NAME, "h1").text == "避難訓練を行う"
    assert browser.find_element(By.CSS_SELECTOR, "input#site-search-input").get_attribute("placeholder") == "例: 避難訓練"


def test_search_filters_are_the_sites_own_facets(browser, second_site):
    """`search: true` in its site.yml makes 時期 and 施設 the filters; no facet key of the
    default site is needed anywhere."""
    open_page(browser, second_site, "search.html?q=%E9%81%BF%E9%9B%A3")
    WebDriverWait(browser, WAIT).until(
        lambda b: b.find_element(By.ID, "search-results").get_attribute("data-state") == "done")
    legends = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#search-filters legend")]
    assert legends == ["時期", "施設"]
    rule_titles = lambda b: sorted(e.text for e in b.find_elements(By.CSS_SELECTOR, ".search-result.kind-requirement .search-result-title"))
    assert rule_titles(browser) == ["避難所を開設する", "避難訓練を行う"]
    # The site's own words label the kinds of result.
    kinds = {e.text for e in browser.find_elements(By.CSS_SELECTOR, ".search-result .badge-kind")}
    assert "取組" in kinds and "規定" not in kinds
    # Filter by a stage value: only the requirement for that stage stays, and the address keeps it.
    browser.find_element(By.CSS_SELECTOR, "#search-filters input[name=timing][value=disaster]").click()
    WebDriverWait(browser, WAIT).until(
        lambda b: rule_titles(b) == ["避難所を開設する"])
    assert "timing=disaster" in browser.current_url
    # A graded facet filters by values whose grade applies (site.yml: `none` is `applies: false`).
    open_page(browser, second_site, "search.html?q=%E9%81%BF%E9%9B%A3&building=main")
    WebDriverWait(browser, WAIT).until(
        lambda b: b.find_element(By.ID, "search-results").get_attribute("data-state") == "done")
    assert browser.find_element(By.CSS_SELECTOR, "#search-filters input[name=building][value=main]").is_selected()
    # 避難所を開設する is `none` (does not apply) for 本館: left out.
    assert rule_titles(browser) == ["避難訓練を行う"]
    status = browser.find_element(By.ID, "search-status").text
    assert "検索結果" in status
    body = browser.find_element(By.TAG_NAME, "body").text
    assert not DEFAULT_DOMAIN.search(body), DEFAULT_DOMAIN.search(body)


def test_lookup_groups_by_the_stages_facet(browser, second_site):
    open_page(browser, second_site, "lookup.html#building=gym")
    WebDriverWait(browser, WAIT).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".lookup-group"))
    fieldsets = [e.get_attribute("data-facet") for e in browser.find_elements(By.CSS_SELECTOR, "#lookup-controls fieldset")]
    assert fieldsets == ["timing", "building"]
    groups = [e.find_element(By.TAG_NAME, "h3").text for e in browser.find_elements(By.CSS_SELECTOR, ".lookup-group")]
    assert groups == ["平常時 （1件）", "発災時 （1件）", "復旧期 （1件）"]
    first = browser.find_elements(By.CSS_SELECTOR, ".lookup-group")[0]
    assert first.find_element(By.CSS_SELECTOR, ".lookup-item-title").text == "避難訓練を行う"
    assert browser.find_element(By.CSS_SELECTOR, ".lookup-summary-total").text == "当てはまる取組：2件"
    # The intro and every word the scripts write come from the site's strings.yml.
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "時期と施設を選ぶと" in body
    assert not DEFAULT_DOMAIN.search(body), DEFAULT_DOMAIN.search(body)
    # The scripts got the roles from the data Swift wrote, not from keys in the code.
    data = open(os.path.join(second_site, "data/lookup.js"), encoding="utf-8").read()
    facets = json.loads(data[data.index("{"):data.rindex("}") + 1])["facets"]
    assert [f["key"] for f in facets if f.get("stages")] == ["timing"]


def test_lookup_leaves_out_the_grade_site_yml_declares_not_applying(browser, second_site):
    # 避難所を開設する is `none` for 本館, the grade site.yml marks `applies: false`: not listed.
    open_page(browser, second_site, "lookup.html#building=main")
    WebDriverWait(browser, WAIT).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".lookup-group"))
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".lookup-item-title")]
    assert titles == ["避難訓練を行う"]
    assert browser.find_element(By.CSS_SELECTOR, ".lookup-summary-total").text == "当てはまる取組：1件"


def test_lookup_prints_the_sites_checklist(browser, second_site):
    open_page(browser, second_site, "lookup.html#building=gym")
    WebDriverWait(browser, WAIT).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".lookup-group"))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        browser.execute_script("window.dispatchEvent(new Event('beforeprint'))")
        checklist = browser.find_element(By.ID, "lookup-checklist")
        assert checklist.is_displayed()
        assert checklist.find_element(By.CSS_SELECTOR, ".checklist-title").text == "防災点検表"
        fields = [e.text for e in checklist.find_elements(By.CSS_SELECTOR, ".checklist-fields th")]
        assert fields == ["学校名", "点検日", "点検者", "校長"]
        assert not browser.find_element(By.ID, "lookup-controls").is_displayed()
        assert not DEFAULT_DOMAIN.search(checklist.text), DEFAULT_DOMAIN.search(checklist.text)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_requirement_page_prints_its_metadata(browser, second_site):
    open_page(browser, second_site, "rules/shelter.html")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        meta = browser.find_element(By.CSS_SELECTOR, "aside.meta")
        assert meta.is_displayed()
        text = meta.text
        assert "学校防災計画" in text and "3.4" in text      # 出典 with its section
        assert "時期" in text and "発災時" in text          # the site's own facets
        assert "体育館" in text and "◎" in text             # a graded value with its grade symbol
        assert not browser.find_element(By.CSS_SELECTOR, ".site-header").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_markdown_image_and_anchors_work_from_disk(browser, second_site):
    open_page(browser, second_site, "rules/drill.html")
    img = browser.find_element(By.CSS_SELECTOR, ".prose img")
    assert img.get_attribute("alt") == "避難経路図"
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) == 120
    link = browser.find_element(By.LINK_TEXT, "鍵の確認")
    link.click()
    assert browser.current_url.endswith("rules/shelter.html#%E9%8D%B5%E3%81%AE%E7%A2%BA%E8%AA%8D")
    assert browser.find_element(By.ID, "鍵の確認").tag_name == "h2"
    # Written from the Markdown file to static/ (as an editor previews it): rewritten, shown.
    img = browser.find_element(By.CSS_SELECTOR, ".prose img")
    assert img.get_attribute("alt") == "体育館の配置図"
    assert img.get_attribute("src").endswith("/img/route.svg")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) == 120
