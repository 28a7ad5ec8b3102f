"""Shared fixtures for the end-to-end tests: the default site built once, and a real
headless Chromium (Debian's chromium + chromedriver, never a downloaded driver)."""
import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
import http.server
import functools

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEBIKI = os.environ.get("TEBIKI", os.path.join(ROOT, ".build/release/tebiki"))


@contextlib.contextmanager
def built_fixture(source, prefix):
    """A fixture site built into a temporary folder, without errors or warnings."""
    out = tempfile.mkdtemp(prefix=prefix)
    site = os.path.join(out, "_site")
    try:
        r = subprocess.run([TEBIKI, "build", "--source", source, "--output", site], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert "警告" not in r.stderr, r.stderr
        yield site
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="session")
def site_dir():
    out = tempfile.mkdtemp(prefix="tebiki-e2e-")
    site = os.path.join(out, "_site")
    subprocess.run([TEBIKI, "build", "--source", ROOT, "--output", site], check=True, capture_output=True)
    yield site
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--disable-dev-shm-usage"]:
        opts.add_argument(a)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def http_root(site_dir):
    """The same site over a local HTTP server, in a sub-folder (as on an intranet server)."""
    parent = os.path.dirname(site_dir)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = functools.partial(Quiet, directory=parent)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/_site/"
    server.shutdown()


LOOKUP_PREFIX = "globalThis.TEBIKI_LOOKUP = "


def load_lookup(site_dir):
    """The lookup data, read from data/lookup.js (the only copy the build writes: the page
    loads it as a script, which works from file://): `globalThis.TEBIKI_LOOKUP = <JSON>;`."""
    import json
    with open(os.path.join(site_dir, "data", "lookup.js"), encoding="utf-8") as f:
        text = f.read()
    assert text.startswith(LOOKUP_PREFIX) and text.endswith(";\n"), text[:80]
    return json.loads(text[len(LOOKUP_PREFIX):-2])
