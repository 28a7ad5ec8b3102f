"""The CLI end to end: `tebiki init` makes a site that builds, `tebiki new` adds draft pages,
`--drafts` includes them with a badge, `-q` prints nothing on success."""
import os
import subprocess

import pytest

from conftest import TEBIKI


def run(*args, cwd=None):
    return subprocess.run([TEBIKI, *args], capture_output=True, text=True, cwd=cwd)


def test_init_new_build_drafts_quiet(tmp_path):
    site = tmp_path / "site"
    r = run("init", str(site))
    assert r.returncode == 0, r.stderr
    assert run("init", str(site)).returncode == 2  # not empty any more

    r = run("build", "-q", "--source", str(site))
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stderr
    assert (site / "_site/rules/example-rule.html").exists()
    assert (site / "_site/404.html").exists()

    r = run("new", "requirement", "new-rule", "--source", str(site))
    assert r.returncode == 0, r.stderr
    assert run("new", "requirement", "new-rule", "--source", str(site)).returncode == 2
    r = run("build", "--source", str(site))
    assert r.returncode == 0, r.stderr
    assert not (site / "_site/rules/new-rule.html").exists()

    r = run("build", "--drafts", "--source", str(site))
    assert r.returncode == 0, r.stderr
    html = (site / "_site/rules/new-rule.html").read_text(encoding="utf-8")
    assert 'class="draft-badge"' in html
    # Back without drafts: the draft page is gone again (the cache keys on --drafts).
    r = run("build", "--source", str(site))
    assert r.returncode == 0, r.stderr
    assert not (site / "_site/rules/new-rule.html").exists()


def test_link_to_draft_is_an_error_with_its_place(tmp_path):
    site = tmp_path / "site"
    assert run("init", str(site)).returncode == 0
    assert run("new", "term", "draft-term", "--source", str(site)).returncode == 0
    rule = site / "content/requirements/example-rule.md"
    rule.write_text(rule.read_text(encoding="utf-8") + "\n[下書き](draft-term.md)\n", encoding="utf-8")
    r = run("build", "-q", "--source", str(site))
    assert r.returncode == 1
    assert "content/requirements/example-rule.md:" in r.stderr and "[link-to-draft]" in r.stderr


# Each subcommand with the arguments it needs, so only -q -v together is wrong.
SUBCOMMANDS = {"build": [], "check": [], "diff": ["a", "b"], "serve": [], "new": ["term", "x"], "init": ["x"]}


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_takes_quiet_and_verbose_but_not_both(command):
    assert "-q, --quiet" in run(command, "--help").stdout
    assert "-v, --verbose" in run(command, "--help").stdout
    r = run(command, *SUBCOMMANDS[command], "-q", "-v")
    assert r.returncode == 2 and "--quiet と --verbose は同時に指定できません。" in r.stderr, r.stderr


def test_quiet_and_verbose_on_init_new_check_and_diff(tmp_path):
    site = tmp_path / "site"
    r = run("init", "-q", str(site))
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r
    r = run("init", "-v", str(tmp_path / "loud"))
    assert r.returncode == 0 and "tebiki: content/requirements/example-rule.md" in r.stderr, r.stderr

    r = run("new", "-q", "term", "quiet-term", "--source", str(site))
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r
    r = run("new", "-v", "term", "loud-term", "--source", str(site))
    assert r.returncode == 0 and "loud-term.md" in r.stdout and "バイト）" in r.stderr, r

    # A warning (an unknown front-matter key): shown normally, left out with -q.
    rule = site / "content/requirements/example-rule.md"
    rule.write_text(rule.read_text(encoding="utf-8").replace("title:", "colour: red\ntitle:", 1), encoding="utf-8")
    r = run("check", "--source", str(site))
    assert r.returncode == 0 and "warning:" in r.stderr and "問題はありません" in r.stdout, r
    r = run("check", "-q", "--source", str(site))
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r
    r = run("check", "-v", "--source", str(site))
    assert r.returncode == 0 and "s 検証" in r.stderr and "検証に" in r.stderr, r
    # Errors still show with -q.
    rule.write_text(rule.read_text(encoding="utf-8") + "\n[壊れたリンク](nosuch.md)\n", encoding="utf-8")
    r = run("check", "-q", "--source", str(site))
    assert r.returncode == 1 and "error:" in r.stderr and "warning:" not in r.stderr, r.stderr

    # diff: the report is what was asked for, so -q keeps it; -v says what was compared.
    other = tmp_path / "loud"
    r = run("diff", "-q", str(other), str(other))
    assert r.returncode == 0 and r.stdout != "" and r.stderr == "", r
    r = run("diff", "-v", str(other), str(other))
    assert r.returncode == 0 and "比較元" in r.stderr, r
