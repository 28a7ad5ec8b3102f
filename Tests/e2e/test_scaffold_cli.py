"""The CLI end to end: `tebiki init` makes a site that builds, `tebiki new` adds draft pages,
`--drafts` includes them with a badge, `-q` prints nothing on success."""
import os
import subprocess

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
