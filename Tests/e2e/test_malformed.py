"""The real `tebiki build` on a broken site: exit 1, every error printed in one run as
`path:line:column: error:`, and the previously built output left byte-identical (same bytes,
same inodes, same modification times, nothing added beside it). Cases come from
Tests/Fixtures/malformed (see its README)."""
import os
import re
import shutil
import subprocess
import unicodedata

import pytest

from conftest import ROOT, TEBIKI

CORPUS = os.path.join(ROOT, "Tests", "Fixtures", "malformed")
BROKEN_CASES = ["invalid-utf8", "binary-file", "tab-indent", "duplicate-keys", "yaml-alias-bomb",
                "absolute-paths", "dotdot-links", "dotdot-id", "lookalike-ids", "unclosed-front-matter"]


def expected_lines(case):
    with open(os.path.join(CORPUS, case, "expected.txt"), encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]


def snapshot(folder):
    """Every file and folder under `folder` with its bytes, inode and mtime."""
    result = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            data = None
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    data = f.read()
            result[os.path.relpath(path, folder)] = (data, st.st_ino, st.st_mtime_ns)
    return result


def overlay(case, site):
    src = os.path.join(CORPUS, case)
    for dirpath, _, filenames in os.walk(src):
        for name in filenames:
            if name == "expected.txt":
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), src)
            os.makedirs(os.path.dirname(os.path.join(site, rel)), exist_ok=True)
            shutil.copyfile(os.path.join(dirpath, name), os.path.join(site, rel))


@pytest.fixture
def built_site(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(os.path.join(CORPUS, "_base"), site)
    with open(site / "site.yml", "a", encoding="utf-8") as f:
        f.write(f"theme: {os.path.join(ROOT, 'theme')}\n")
    out = tmp_path / "out"
    r = subprocess.run([TEBIKI, "build", "--source", str(site), "--output", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return site, out


def run(*args):
    return subprocess.run([TEBIKI, *args], capture_output=True, timeout=120)


def test_broken_site_reports_every_error_and_keeps_the_previous_output(built_site):
    site, out = built_site
    before = snapshot(out)
    parent_before = sorted(os.listdir(out.parent))
    for case in BROKEN_CASES:
        overlay(case, site)
    os.symlink("/etc/passwd", site / "content" / "requirements" / "passwd.md")

    r = run("build", "--source", str(site), "--output", str(out))
    # NFC: a file name may be stored decomposed (café.md as cafe + U+0301).
    stderr = unicodedata.normalize("NFC", r.stderr.decode("utf-8"))
    assert r.returncode == 1, stderr
    lines = stderr.splitlines()
    for case in BROKEN_CASES:
        for exp in expected_lines(case):
            m = re.match(r"(.+?:\d+:\d+: (?:error|warning): )(.*)", unicodedata.normalize("NFC", exp))
            assert any(l.startswith(m.group(1)) and m.group(2) in l for l in lines), f"{case}: {exp}\n{stderr}"
    assert any(l.startswith("content/requirements/passwd.md:1:1: error: ") for l in lines), stderr
    assert "root:" not in stderr
    errors = [l for l in lines if re.match(r"[^:]+:\d+:\d+: error: ", l)]
    summary = re.search(r"エラー (\d+) 件", stderr)
    assert summary and int(summary.group(1)) == len(errors) >= 20, stderr
    assert "出力は変更していません" in stderr

    assert snapshot(out) == before
    assert sorted(os.listdir(out.parent)) == parent_before

    # `check` reports the same errors and writes nothing.
    c = run("check", "--source", str(site))
    assert c.returncode == 1
    assert [l for l in unicodedata.normalize("NFC", c.stderr.decode("utf-8")).splitlines() if ": error: " in l] == errors


def test_broken_site_yml_keeps_the_previous_output(built_site):
    site, out = built_site
    before = snapshot(out)
    with open(site / "site.yml", "w", encoding="utf-8") as f:
        f.write('title: "閉じていない\nfacets: []\n')
    r = run("build", "--source", str(site), "--output", str(out))
    stderr = r.stderr.decode("utf-8")
    assert r.returncode == 1, stderr
    assert re.search(r"^site\.yml:1:8: error: YAMLの書き方に誤りがあります", stderr, re.M), stderr
    assert snapshot(out) == before


def test_valid_crlf_bom_and_deep_markdown_build(built_site):
    site, out = built_site
    overlay("utf8-bom", site)
    deep = site / "content" / "requirements" / "deep.md"
    deep.write_text("---\nid: deep\ntitle: 深い\nsummary: 要約です。\nsources:\n  - doc: doc-a\n    section: \"1\"\n---\n"
                    + "> " * 10000 + "引用\n\n" + "- " * 10000 + "項目\n", encoding="utf-8")
    r = run("build", "--source", str(site), "--output", str(out))
    assert r.returncode == 0, r.stderr.decode("utf-8")
    assert (out / "rules" / "with-bom.html").exists()
    assert "../rules/base-rule.html" in (out / "rules" / "with-bom.html").read_text(encoding="utf-8")
    assert (out / "rules" / "deep.html").exists()
