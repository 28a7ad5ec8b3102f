"""File-system failures and names the file system cannot hold (issue 13 §4)."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import ROOT, TEBIKI

FIXTURE = os.path.join(ROOT, "Tests", "Fixtures", "sites", "minimal")


@pytest.fixture
def site():
    tmp = tempfile.mkdtemp(prefix="tebiki-io-")
    src = os.path.join(tmp, "site")
    shutil.copytree(FIXTURE, src)
    cfg = os.path.join(src, "site.yml")
    text = open(cfg, encoding="utf-8").read()
    open(cfg, "w", encoding="utf-8").write(re.sub(r"(?m)^theme:.*$", "theme: " + os.path.join(ROOT, "theme"), text))
    yield tmp, src
    shutil.rmtree(tmp, ignore_errors=True)


def run(*args):
    return subprocess.run([os.path.abspath(TEBIKI), *args], capture_output=True, text=True, timeout=120)


def test_an_id_too_long_for_a_file_name_is_caught_by_check(site):
    _, src = site
    long_id = "a" * 251  # a.md fits in 255 bytes, a.html does not
    old = os.path.join(src, "content", "requirements", "contract-items.md")
    text = open(old, encoding="utf-8").read()
    text = re.sub(r"(?m)^id: .*$", "id: " + long_id, text, count=1)
    os.remove(old)
    open(os.path.join(src, "content", "requirements", long_id + ".md"), "w", encoding="utf-8").write(text)
    r = run("check", "--source", src)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "[name-too-long]" in r.stderr
    assert "255 バイト" in r.stderr


def test_a_write_failure_is_japanese_with_its_path_and_exit_3(site):
    tmp, src = site
    blocker = os.path.join(tmp, "not-a-folder")
    open(blocker, "w").write("x")
    r = run("build", "--source", src, "--output", os.path.join(blocker, "out"))
    assert r.returncode == 3, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(blocker + ": error: ファイルを読み書きできません")
    assert lines[0].endswith("[io-error]")
    assert "Error Domain" not in r.stderr and "NSCocoa" not in r.stderr
    assert open(blocker).read() == "x"
