"""The command line itself (issue 17 "The CLI"): `--version` names the commit and a date, every
help text and usage error is Japanese throughout, `check --outdated` lists pages that still cite
an older edition, and `.gitignore` covers every file a build writes beside its output."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, TEBIKI

SUBCOMMANDS = ["build", "check", "serve", "diff", "new", "init"]


def run(*args, cwd=None):
    return subprocess.run([os.path.abspath(TEBIKI), *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def git(*args, cwd=ROOT):
    return subprocess.run(["git", "-C", cwd, *args], capture_output=True, text=True)


def in_git_checkout():
    return shutil.which("git") is not None and git("rev-parse", "--is-inside-work-tree").returncode == 0


# --- --version ---------------------------------------------------------------------------

VERSION = re.compile(r"^tebiki (\d+\.\d+\.\d+) \(((?:[0-9a-f]{7,40})(?:-dirty)?|unknown), (\d{4}-\d{2}-\d{2})\)$")


def test_version_names_the_commit_and_date():
    outputs = [run("--version"), run("build", "--version")]
    for r in outputs:
        assert r.returncode == 0 and r.stderr == "", r.stderr
        assert VERSION.match(r.stdout.strip()), r.stdout
    assert outputs[0].stdout == outputs[1].stdout
    # The generated source lives under .build/ only: nothing to commit or to ignore.
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".build") and d != ".git"]
        assert "BuildInfo.swift" not in files, folder
    commit, date = VERSION.match(outputs[0].stdout.strip()).group(2, 3)
    if commit == "unknown" or not in_git_checkout():
        return  # built from a tarball: nothing more to compare with
    sha = commit.removesuffix("-dirty")
    # The binary may predate the newest commit, but its commit is one of this repository's.
    assert git("cat-file", "-e", sha + "^{commit}").returncode == 0, commit
    if not commit.endswith("-dirty") and "SOURCE_DATE_EPOCH" not in os.environ:
        # A clean checkout shows the commit's date, so two builds of one commit are identical.
        assert date == git("log", "-1", "--format=%cs", sha).stdout.strip()


# --- help and usage errors in one language -------------------------------------------------

# ASCII words a Japanese help text may hold: names the user types (commands, option names are
# removed before the check, site.yml keys, kinds of page, revisions) and product names.
ALLOWED = {
    "tebiki", "help", *SUBCOMMANDS, "Markdown", "site", "yml", "sources", "key", "output", "_site",
    "draft", "true", "requirement", "term", "checklist", "scenario", "backup", "rules", "git", "JSON",
    "HEAD", "ID", "Ctrl", "C",
}
ENGLISH = ["OVERVIEW", "USAGE", "OPTIONS", "ARGUMENTS", "SUBCOMMANDS", "Show ", "default", "See ",
           "Error:", "Usage:", "Help:", "information", "Missing", "Unknown", "invalid", "Unexpected"]


def english_words(text):
    text = re.sub(r"--?[A-Za-z][A-Za-z-]*", " ", text)         # option names
    text = re.sub(r"\b[0-9a-f]{7}\b(~1)?", " ", text)             # commits in examples
    return sorted({w for w in re.findall(r"[A-Za-z_][A-Za-z_]*", text) if w not in ALLOWED})


def help_texts():
    yield "tebiki", run()
    yield "tebiki --help", run("--help")
    yield "tebiki help", run("help")
    for c in SUBCOMMANDS:
        yield f"tebiki {c} --help", run(c, "--help")
        yield f"tebiki {c} -h", run(c, "-h")
        yield f"tebiki help {c}", run("help", c)


def test_every_help_text_is_japanese_throughout():
    seen = 0
    for name, r in help_texts():
        assert r.returncode == 0, (name, r.stderr)
        text = r.stdout
        assert text.startswith("概要: ") and "使い方: tebiki" in text and "オプション:" in text, (name, text)
        for phrase in ENGLISH:
            assert phrase not in text, (name, phrase, text)
        assert english_words(text) == [], (name, text)
        seen += 1
    assert seen == 3 + 3 * len(SUBCOMMANDS)
    # Every subcommand is listed, and its help shows what it takes, in Japanese.
    top = run("--help").stdout
    for c in SUBCOMMANDS:
        assert re.search(rf"^  {c} +\S", top, re.M), c
    assert "--source <フォルダ>" in run("build", "--help").stdout
    assert "（既定: 8000）" in run("serve", "--help").stdout


def test_help_columns_line_up_on_screen():
    """The descriptions start in one screen column, though labels like <フォルダ> are wide."""
    import unicodedata

    def width(s):
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    for c in SUBCOMMANDS:
        for line in run(c, "--help").stdout.splitlines():
            m = re.match(r"^(  [-<]\S.*?)  +(\S.*)$", line)
            if m:
                assert width(line[: len(line) - len(m.group(2))]) == 26, (c, line)


@pytest.mark.parametrize("args, says", [
    (["build", "--bogus"], "オプション「--bogus」はありません。"),
    (["build", "--sourc", "x"], "「--source」の誤りではありませんか。"),
    (["new", "requirement"], "引数「<ID>」を指定してください。"),
    (["serve", "--port", "abc"], "「abc」は「--port <番号>」の値として正しくありません。"),
    (["init", "a", "b"], "余分な引数「b」があります。"),
    (["build", "--output"], "「--output <フォルダ>」の値を指定してください。"),
    (["build", "-q", "-v"], "--quiet と --verbose は同時に指定できません。"),
    (["diff"], "比較する2つのフォルダ"),
    (["nosuch"], "余分な引数「nosuch」があります。"),
])
def test_usage_errors_are_japanese_with_exit_2(args, says):
    r = run(*args)
    assert r.returncode == 2, (args, r.stderr)
    assert r.stdout == ""
    assert r.stderr.startswith("tebiki: error: "), r.stderr
    assert says in r.stderr, r.stderr
    assert "使い方: tebiki" in r.stderr
    for phrase in ENGLISH:
        assert phrase not in r.stderr, (args, phrase, r.stderr)


# --- check --outdated ---------------------------------------------------------------------

def test_check_outdated_lists_pages_citing_only_an_older_edition(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(os.path.join(ROOT, "Tests/Fixtures/sites/minimal"), site)
    r = run("check", "--outdated", "--source", str(site))
    assert r.returncode == 0, r.stderr
    assert "古い版だけを出典としている規定はありません。" in r.stdout

    page = site / "content/requirements/subcontracting.md"
    page.write_text(page.read_text(encoding="utf-8").replace("doc: doc-new", "doc: doc-old"), encoding="utf-8")
    r = run("check", "--outdated", "--source", str(site))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert re.match(r"^content/requirements/subcontracting\.md:6:\d+: note: 規定「subcontracting」の出典 doc-old 9\.3\.5 は古い版（平成30年度版）です。"
                    r"同じ文書の新しい版 doc-new（令和3年度版）が登録されています。 \[older-edition\]$", lines[0]), r.stdout
    assert lines[1] == "tebiki: 古い版を出典としている規定 1 件（出典 1 か所）。"
    assert lines[-1].startswith("tebiki: 問題はありません（警告 0 件）")
    assert "warning" not in r.stderr and "error" not in r.stderr
    # Without the option, check says nothing about it.
    assert "古い版" not in run("check", "--source", str(site)).stdout


def test_the_default_site_cites_every_newest_edition():
    r = run("check", "--outdated", "--source", ROOT)
    assert r.returncode == 0, r.stderr
    assert "古い版だけを出典としている規定はありません。" in r.stdout


# --- .gitignore ---------------------------------------------------------------------------

@pytest.mark.skipif(not shutil.which("git"), reason="git is not installed")
def test_gitignore_covers_what_a_build_writes_beside_the_output(tmp_path):
    """A clean repository holding the site: two builds into _site (the second one from the
    cache) leave `git status` clean."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in [".gitignore", "site.yml", "content", "theme"]:
        src = os.path.join(ROOT, name)
        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, repo / name)
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "site"]):
        assert git(*args, cwd=str(repo)).returncode == 0
    for _ in range(2):
        r = run("build", "--source", str(repo))
        assert r.returncode == 0, r.stderr
    assert sorted(p for p in os.listdir(repo) if p.startswith(".") and p != ".git") == ["._site.tebiki-cache", "._site.tebiki-stat", ".gitignore"]
    assert git("status", "--porcelain", "--untracked-files=all", cwd=str(repo)).stdout == ""


@pytest.mark.skipif(not in_git_checkout(), reason="not a git checkout")
def test_no_tracked_file_is_one_the_gitignore_excludes():
    """A build by-product committed once (`._site.tebiki-stat` was) stays tracked whatever
    .gitignore says, and shows as modified after every build."""
    r = git("ls-files", "--cached", "--ignored", "--exclude-standard")
    assert r.returncode == 0 and r.stdout == "", r.stdout
