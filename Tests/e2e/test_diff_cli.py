"""`tebiki diff`: revisions are checked before git sees them (issue 13 §4); the JSON object, the draft history and the documented examples (issue 17)."""
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile

import pytest
import yaml

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


# --- output of `tebiki diff` (issue 17 "The CLI") ----------------------------------------
def in_git_checkout():
    return shutil.which("git") is not None and subprocess.run(
        ["git", "-C", ROOT, "cat-file", "-e", "2704ca2^{commit}"], capture_output=True).returncode == 0


needs_history = pytest.mark.skipif(not in_git_checkout(), reason="needs this repository's git history")


def site_copy(tmp, name):
    dst = os.path.join(tmp, name)
    shutil.copytree(os.path.join(ROOT, "Tests/Fixtures/sites/minimal"), dst)
    return dst


def edited(tmp):
    """Two folders: the minimal fixture, and the same with one page changed, one added."""
    old, new = site_copy(tmp, "old"), site_copy(tmp, "new")
    page = os.path.join(new, "content/requirements/subcontracting.md")
    text = open(page, encoding="utf-8").read()
    with open(page, "w", encoding="utf-8") as f:
        f.write(text.replace("section: \"9.3.5\"", "section: \"9.3.6\"", 1))
    with open(os.path.join(new, "content/requirements/fresh.md"), "w", encoding="utf-8") as f:
        f.write(text.replace("id: subcontracting", "id: fresh").replace("\n---\n", "\n---\n新しい規定の本文。\n", 1))
    return old, new


def test_json_is_one_object_with_sources_as_lists():
    with tempfile.TemporaryDirectory() as tmp:
        old, new = edited(tmp)
        r = run(old, new, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert sorted(data) == ["added", "changed", "removed", "renamed"]
    assert [e["id"] for e in data["added"]] == ["fresh"]
    assert data["removed"] == [] and data["renamed"] == []
    changed = {e["id"]: e for e in data["changed"]}["subcontracting"]
    assert changed["sources"] == [{"doc": "doc-new", "section": "9.3.6"}]
    field = {f["field"]: f for f in changed["fields"]}["sources"]
    assert field["before"] == [{"doc": "doc-new", "section": "9.3.5"}]
    assert field["after"] == [{"doc": "doc-new", "section": "9.3.6"}]


def test_draft_history_for_an_edition_not_in_the_registry_is_an_error():
    with tempfile.TemporaryDirectory() as tmp:
        old, new = edited(tmp)
        r = run(old, new, "--draft-history", "unified-standards-r3")
        typo = run(old, new, "--draft-history", "doc-nw")
    assert r.returncode == 2 and r.stdout == ""
    assert "版「unified-standards-r3」は比較先の content/registries/sources.yml に登録されていません" in r.stderr
    assert "登録済みの版: doc-old、doc-new" in r.stderr
    assert typo.returncode == 2 and "「doc-new」の誤りではありませんか" in typo.stderr


def test_the_draft_goes_to_stdout_alone_or_to_its_file():
    with tempfile.TemporaryDirectory() as tmp:
        old, new = edited(tmp)
        alone = run(old, new, "--draft-history", "doc-new", "--json")
        target = os.path.join(tmp, "draft.yml")
        both = run(old, new, "--draft-history", "doc-new", "--json", "--draft-output", target)
        draft = open(target, encoding="utf-8").read()
        orphan = run(old, new, "--draft-output", target)
    # Alone on stdout: the draft only, ready to be redirected into a file.
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.startswith("# tebiki diff で作成した履歴の下書き（版: doc-new）")
    assert "規定の違い" not in alone.stdout and '"added"' not in alone.stdout
    entries = yaml.safe_load(alone.stdout)
    assert {e["change"] for e in entries} == {"added", "changed"} and {e["edition"] for e in entries} == {"doc-new"}
    # With --draft-output: the draft in the file, the report (here JSON) alone on stdout.
    assert both.returncode == 0, both.stderr
    assert draft == alone.stdout
    assert sorted(json.loads(both.stdout)) == ["added", "changed", "removed", "renamed"]
    assert "draft.yml" in both.stderr
    # --draft-output without --draft-history is wrong usage.
    assert orphan.returncode == 2 and "--draft-output は --draft-history と一緒に" in orphan.stderr


def documented_diff_commands():
    """Every `tebiki diff --from …` example in the README, docs/revisions.md and the help."""
    texts = [open(os.path.join(ROOT, p), encoding="utf-8").read() for p in ("README.md", "docs/revisions.md")]
    texts.append(subprocess.run([os.path.abspath(TEBIKI), "diff", "--help"], capture_output=True, text=True).stdout)
    commands = set()
    for text in texts:
        for m in re.finditer(r"tebiki diff (--from [^\s`|]+(?: (?:--to [^\s`|]+|--json|--draft-history [\w-]+|--draft-output [\w.-]+))*)", text):
            if not re.search(r"\b(REV|EDITION|FILE)\b", m.group(1)):
                commands.add(m.group(1))
    return sorted(commands)


@needs_history
def test_every_documented_revision_exists_and_its_command_runs():
    commands = documented_diff_commands()
    assert len(commands) >= 4, commands
    for command in commands:
        with tempfile.TemporaryDirectory() as tmp:
            r = run(*shlex.split(command), "--source", ROOT, cwd=tmp)
            assert r.returncode == 0, (command, r.stderr)
            assert "fatal:" not in r.stderr and r.stdout, command
            if "--json" in command and "--draft-output" not in command and "--draft-history" not in command:
                json.loads(r.stdout)


def test_draft_output_writes_through_a_link_in_place():
    """--draft-output writes the file in place: a symbolic link stays a link. An atomic write
    would rename a plain file over it — and over a device such as /dev/stdout or, run as
    root, /dev/full (which is why this test does not try a device)."""
    with tempfile.TemporaryDirectory() as tmp:
        old, new = edited(tmp)
        real = os.path.join(tmp, "real.yml")
        link = os.path.join(tmp, "link.yml")
        os.symlink(real, link)
        r = run(old, new, "--draft-history", "doc-new", "--draft-output", link)
        assert r.returncode == 0, r.stderr
        assert os.path.islink(link) and open(real, encoding="utf-8").read().startswith("# tebiki diff")
        missing = run(old, new, "--draft-history", "doc-new", "--draft-output", os.path.join(tmp, "no-such-dir", "d.yml"))
        assert missing.returncode == 3, missing.stderr
        assert "d.yml: error: ファイルを読み書きできません: フォルダがありません。 [io-error]" in missing.stderr
