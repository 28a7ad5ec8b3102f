"""The real `tebiki build` (and `serve`) never replaces a folder it did not make: an output that
is empty, is or holds the site, lies in or holds a folder the build reads, is a file, a symbolic
link, or a non-empty folder without the `.tebiki-output` marker is refused with exit 2 and a
Japanese message naming the path, and every file that was there before is still there."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, TEBIKI

TEBIKI = os.path.abspath(TEBIKI)

FIXTURE = os.path.join(ROOT, "Tests", "Fixtures", "sites", "minimal")


def snapshot(folder):
    result = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            data = None
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as f:
                    data = f.read()
            result[os.path.relpath(path, folder)] = data
    return result


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "work" / "site"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(os.path.join(ROOT, "theme"), root / "theme")
    text = (root / "site.yml").read_text()
    (root / "site.yml").write_text("\n".join("theme: theme" if l.startswith("theme:") else l for l in text.splitlines()) + "\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root.parent / "other.txt").write_text("sibling\n")
    return root


def build(site, *args, cwd=None):
    return subprocess.run([TEBIKI, "build", "--source", str(site), *args], cwd=cwd or site,
                          capture_output=True, text=True, timeout=120)


CASES = {
    "same-as-source": (["--output", "."], "サイトのフォルダ（site.yml のあるフォルダ）そのもの"),
    "source-absolute": (["--output", "{site}"], "サイトのフォルダ（site.yml のあるフォルダ）そのもの"),
    "parent": (["--output", ".."], "を含むフォルダ"),
    "empty": (["--output", ""], "出力先が空"),
    "content": (["--output", "content"], "読み込むフォルダ「content」そのもの"),
    "inside-content": (["--output", "content/out"], "読み込むフォルダ「content」の中"),
    "theme": (["--output", "theme"], "読み込むフォルダ「theme」"),
    "file": (["--output", "notes.txt"], "ファイルです"),
    "foreign-folder": (["--output", "mine"], "tebiki が生成したものではありません"),
    "symlink": (["--output", "link"], "シンボリックリンク"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_and_nothing_lost(site, case):
    args, message = CASES[case]
    args = [a.replace("{site}", str(site)) for a in args]
    (site / "notes.txt").write_text("my notes\n")
    (site / "mine").mkdir()
    (site / "mine" / "draft.md").write_text("not tebiki's\n")
    (site.parent / "target").mkdir()
    (site / "link").symlink_to(site.parent / "target")
    before_site, before_parent = snapshot(site), snapshot(site.parent)
    r = build(site, *args)
    assert r.returncode == 2, r.stderr
    assert "error: 出力先「" in r.stderr and message in r.stderr, r.stderr
    assert snapshot(site) == before_site
    assert snapshot(site.parent) == before_parent


def test_site_yml_output_parent_refused(site):
    text = (site / "site.yml").read_text()
    lines = [l for l in text.splitlines() if not l.startswith("output:")]
    (site / "site.yml").write_text("\n".join(lines + ["output: .."]) + "\n")
    before = snapshot(site.parent)
    r = build(site)
    assert r.returncode == 2 and "を含むフォルダ" in r.stderr, r.stderr
    assert snapshot(site.parent) == before


def test_site_yml_output_read_as_yaml(site):
    """`output: "public" # comment` is the folder public, as YAML reads it."""
    text = (site / "site.yml").read_text()
    lines = [l for l in text.splitlines() if not l.startswith("output:")]
    (site / "site.yml").write_text("\n".join(lines + ['output: "public"  # where the site goes']) + "\n")
    r = build(site)
    assert r.returncode == 0, r.stderr
    assert (site / "public" / "index.html").is_file()
    assert not (site / '"public"').exists()


def test_previous_output_and_empty_folder_accepted(site):
    (site / "out").mkdir()
    assert build(site, "--output", "out").returncode == 0
    assert (site / "out" / ".tebiki-output").is_file()
    (site / "out" / "stale.html").write_text("old page\n")
    r = build(site, "--output", "out", "--no-cache")
    assert r.returncode == 0, r.stderr
    assert not (site / "out" / "stale.html").exists()   # a Tebiki output is replaced whole


def test_folder_whose_marker_was_removed_is_refused(site):
    assert build(site, "--output", "out").returncode == 0
    os.remove(site / "out" / ".tebiki-output")
    (site / "out" / "mine.txt").write_text("mine\n")
    r = build(site, "--output", "out")
    assert r.returncode == 2
    assert (site / "out" / "mine.txt").read_text() == "mine\n"


def test_serve_refuses_too(site):
    r = subprocess.run([TEBIKI, "serve", "--source", str(site), "--output", str(site), "--port", "0"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "そのもの" in r.stderr, r.stderr
    assert (site / "site.yml").is_file()
