"""A second site on the same builder (Tests/Fixtures/sites/second-site): its own facets,
words, logo, colours, menu and two overridden templates, opened from file:// in Chromium.
Set TEBIKI_SCREENSHOT=path to save a screenshot of its home page (docs/images/second-site.png)."""
import os
import shutil
import subprocess
import tempfile

import pytest
from selenium.webdriver.common.by import By

from conftest import ROOT, TEBIKI

FIXTURE = os.path.join(ROOT, "Tests/Fixtures/sites/second-site")


@pytest.fixture(scope="module")
def second_site():
    out = tempfile.mkdtemp(prefix="tebiki-second-")
    site = os.path.join(out, "_site")
    r = subprocess.run([TEBIKI, "build", "--source", FIXTURE, "--output", site], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "警告" not in r.stderr or "警告 0 件" in r.stderr, r.stderr
    yield site
    shutil.rmtree(out, ignore_errors=True)


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
