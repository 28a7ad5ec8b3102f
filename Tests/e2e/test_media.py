"""Images and files beside the Markdown in content/ (Tests/Fixtures/sites/media): copied to the
output and shown by the page from file:// and over HTTP, with the paths the author wrote
relative to the Markdown file (issue 17)."""
import functools
import http.server
import os
import threading
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from conftest import ROOT, built_fixture

FIXTURE = os.path.join(ROOT, "Tests/Fixtures/sites/media")
# alt text → natural width of the fixture's PNG (each a different size, so a wrong file shows).
IMAGES = {"rules/flow.html": {"委託の流れ": 3, "共通の図": 2}, "rules/nested.html": {"下位フォルダの図": 4}}


@pytest.fixture(scope="module")
def media_site():
    with built_fixture(FIXTURE, "tebiki-media-") as site:
        yield site


def widths(browser):
    """alt → naturalWidth of every image of the article, once all have loaded or failed."""
    browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        Promise.all([...document.images].map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; }))).then(done);
    """)
    return {img.get_attribute("alt"): browser.execute_script("return arguments[0].naturalWidth", img)
            for img in browser.find_elements(By.CSS_SELECTOR, "main img")}


@pytest.mark.parametrize("page", sorted(IMAGES))
def test_images_beside_the_markdown_load_from_file_url(browser, media_site, page):
    browser.get("file://" + os.path.join(media_site, page))
    assert widths(browser) == IMAGES[page]


def test_images_and_pdf_load_over_http(browser, media_site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=os.path.dirname(media_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/_site/"
        browser.get(base + "rules/flow.html")
        assert widths(browser) == IMAGES["rules/flow.html"]
        link = browser.find_element(By.CSS_SELECTOR, "main a[href*='.pdf']")
        href = link.get_attribute("href")  # absolute, as the browser resolved it
        assert href == base + "rules/" + urllib.parse.quote("手順書.pdf") + "#page=2"
        with urllib.request.urlopen(href.split("#")[0]) as r:
            assert r.read().startswith(b"%PDF")
    finally:
        server.shutdown()


def test_only_referenced_files_are_copied(media_site):
    copied = sorted(os.path.relpath(os.path.join(d, f), media_site)
                    for d, _, files in os.walk(media_site) for f in files if not f.endswith((".html", ".js", ".json", ".css", ".csv", ".xml", ".woff2")))
    assert [p for p in copied if not p.startswith(("assets/", "search/", "data/", "exports/", "."))] == [
        "img/shared.png", "rules/img/flow.png", "rules/sub/img/nested.png", "rules/手順書.pdf"]
