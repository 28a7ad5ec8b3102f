"""`tebiki diff --from/--to`: revisions are checked before git sees them (issue 13 §4)."""
import os
import subprocess
import tempfile

from conftest import ROOT, TEBIKI


def run(*args, cwd=ROOT):
    return subprocess.run([os.path.abspath(TEBIKI), "diff", *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def test_a_revision_that_looks_like_an_option_is_refused_and_touches_nothing():
    with tempfile.TemporaryDirectory() as tmp:
        victim = os.path.join(tmp, "x.txt")
        with open(victim, "w") as f:
            f.write("keep me\n")
        for args in (["--from=--output=" + victim], ["--from", "HEAD", "--to=--output=" + victim], ["--from=-h"]):
            r = run(*args)
            assert r.returncode == 2, (args, r.stderr)
            assert "「-」で始まっています" in r.stderr
            assert open(victim).read() == "keep me\n"
        assert os.listdir(tmp) == ["x.txt"]


def test_outside_a_git_repository_is_one_japanese_line():
    with tempfile.TemporaryDirectory() as tmp:
        r = run("--from", "HEAD", "--source", tmp, cwd=tmp)
    assert r.returncode == 1
    assert "git のリポジトリの中にありません" in r.stderr
    assert "fatal:" not in r.stderr and "tar:" not in r.stderr, r.stderr


def test_an_unknown_revision_is_named():
    r = run("--from", "no-such-revision-xyz")
    assert r.returncode == 1
    assert "「no-such-revision-xyz」が見つかりません" in r.stderr
    assert "fatal:" not in r.stderr and "tar:" not in r.stderr, r.stderr


def test_a_real_revision_still_works():
    r = run("--from", "HEAD", "--to", "HEAD")
    assert r.returncode == 0, r.stderr
    assert "違いはありません" in r.stdout
