"""The default site, built and opened as a user would: from disk (file://) in Chromium."""
import os
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit, unquote

import pytest


class Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.refs.append((tag, k, v))


def html_files(site):
    for root, _, files in os.walk(site):
        for f in files:
            if f.endswith(".html"):
                yield os.path.join(root, f)


def test_every_internal_link_resolves_to_a_file(site_dir):
    checked = 0
    problems = []
    for path in html_files(site_dir):
        p = Refs()
        p.feed(open(path, encoding="utf-8").read())
        for tag, attr, url in p.refs:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto"):
                # Links out are fine; loading anything from outside the folder is not.
                if tag in ("script", "link", "img", "iframe") and not (tag == "link" and attr == "href" and False):
                    problems.append(f"{path}: loads external {url}")
                continue
            if url.startswith("#") or not parts.path:
                continue
            if parts.path.startswith("/"):
                problems.append(f"{path}: absolute link {url}")
                continue
            if parts.path.endswith("/"):
                problems.append(f"{path}: link to a folder {url} (opens a directory listing from file://)")
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path), unquote(parts.path)))
            checked += 1
            if not os.path.isfile(target):
                problems.append(f"{path}: {url} -> missing {target}")
    assert checked > 1000
    assert not problems, "\n".join(problems[:30])
    print(f"links checked: {checked}")


def test_home_renders_styled_from_file_url(site_dir, browser):
    browser.get("file://" + os.path.join(site_dir, "index.html"))
    assert "外部委託" in browser.title
    header_bg = browser.execute_script(
        "return getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert header_bg == "rgb(11, 61, 145)", header_bg
    font = browser.execute_script("return getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK JP" in font or "Hiragino" in font
    # Every stylesheet and script on the page loaded from the site folder.
    # (Inline <style> elements have no href: nothing is loaded for them.)
    sheets = browser.execute_script("return [...document.styleSheets].map(s => s.href).filter(Boolean)")
    assert sheets and all(s.startswith("file://") for s in sheets), sheets


def test_requirement_page_from_file_url(site_dir, browser):
    browser.get("file://" + os.path.join(site_dir, "rules", "hb-contract-subcontracting.html"))
    text = browser.find_element("tag name", "main").text
    assert "9.3.1(13)" in text
    assert "○" in text and "必須" in text
    crumbs = browser.find_elements("css selector", ".breadcrumbs a")
    assert [c.text for c in crumbs][:2] == ["ホーム", "規定の一覧"]


def test_same_site_over_http_in_a_subfolder(http_root, browser):
    browser.get(http_root + "index.html")
    assert browser.execute_script(
        "return getComputedStyle(document.querySelector('.site-header')).backgroundColor") == "rgb(11, 61, 145)"
    browser.find_element("link text", "規定の一覧").click()
    assert browser.current_url.endswith("/_site/rules/index.html")


def retired_with_successor(site_dir):
    import json
    with open(os.path.join(site_dir, "data", "catalog.json"), encoding="utf-8") as f:
        reqs = json.load(f)["requirements"]
    by_id = {r["id"]: r for r in reqs}
    r = next(r for r in reqs if r["status"] != "active" and r.get("successor") in by_id)
    return r, by_id[r["successor"]]


def test_retired_page_moves_to_its_successor_after_the_notice(site_dir, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    old, new = retired_with_successor(site_dir)
    browser.get("file://" + os.path.join(site_dir, "rules", old["id"] + ".html"))
    line = browser.find_element(By.CSS_SELECTOR, ".notice .redirect-line")
    assert "秒後に新しいページへ移動します" in line.text
    assert browser.find_element(By.ID, "redirect-stop").text == "このページにとどまる"
    WebDriverWait(browser, 15).until(lambda d: d.current_url.endswith("/rules/" + new["id"] + ".html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == new["title"]


def test_retired_page_stays_when_the_reader_says_so(site_dir, browser):
    import time
    from selenium.webdriver.common.by import By
    old, _ = retired_with_successor(site_dir)
    url = "file://" + os.path.join(site_dir, "rules", old["id"] + ".html")
    browser.get(url)
    browser.find_element(By.ID, "redirect-stop").click()
    assert browser.find_element(By.CSS_SELECTOR, ".redirect-line").text == "自動では移動しません。"
    time.sleep(11)
    assert browser.current_url == url
    assert browser.switch_to.active_element.get_attribute("id") == "successor-link"
