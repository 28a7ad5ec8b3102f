#!/usr/bin/env python3
"""The repository's own knowledge base, its requirement pages replicated to N pages, for the benchmark.

    python3 bench/replicate.py N OUTDIR

writes two sites from the same Markdown, laid out as bench/generate.py lays them out:

    OUTDIR/tebiki/  site.yml (the repo's, without `theme:`: the binary's built-in theme),
                    content/registries/ (the repo's), content/glossary, checklists, scenarios (the
                    repo's, unchanged), content/requirements/*.md (N pages)
    OUTDIR/hugo/    hugo.toml (uglyURLs, theme bench/hugo-theme), content/<same folders>/*.md

Copy 0 of the requirements is the repository's files byte for byte; copy k (k >= 1) has every
requirement ID X rewritten to X-rK (its own `id:`, `related:`, `successor:` and every `(X.md)`
link), so each copy is a complete, valid knowledge base of its own with the real facets, sources,
history and links; the glossary, checklists and scenarios point at copy 0, and so do the last, partial copy's
references to the pages it lacks. Titles get
「（写し K）」 so that no two pages share a title. The last copy is cut short to make N pages.
Real pages are richer than the generator's (more facets, longer front matter, more links), so
this corpus measures what a real knowledge base costs per page.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

FOLDERS = ("glossary", "checklists", "scenarios")
ID_LINE = re.compile(r"(?m)^id:\s*(\S+)\s*$")
TITLE_LINE = re.compile(r"(?m)^title:\s*(.*)$")


def requirement_files() -> list[tuple[str, str]]:
    """(id, text) of every requirement of the repository, in file-name order."""
    out = []
    for path in sorted((REPO / "content/requirements").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        m = ID_LINE.search(text)
        if not m:
            raise SystemExit(f"{path}: no id: line")
        out.append((m.group(1), text))
    return out


def renamer(ids: list[str], k: int):
    """A function rewriting every requirement ID in a text to its copy-k form."""
    pattern = re.compile(r"(?<![A-Za-z0-9_-])(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
                         + r")(?![A-Za-z0-9_-])")
    return lambda text: pattern.sub(lambda m: f"{m.group(1)}-r{k}", text)


def retitle(text: str, k: int) -> str:
    """Marks the copy in the title (a quoted YAML title keeps its quotes)."""
    def sub(m: re.Match) -> str:
        value = m.group(1).rstrip()
        mark = f"（写し {k}）"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            return f"title: {value[:-1]}{mark}{value[-1]}"
        return f"title: {value}{mark}"
    return TITLE_LINE.sub(sub, text, count=1)


def replicate(n: int, out: Path) -> dict:
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    tebiki, hugo = out / "tebiki", out / "hugo"
    # No theme folder: each binary builds with the theme compiled into it (the repository's
    # theme/ when it was built), so that an old and a new binary can be compared on one corpus.
    site_yml = re.sub(r"(?m)^theme:.*\n", "", (REPO / "site.yml").read_text(encoding="utf-8"))
    tebiki.mkdir(parents=True)
    (tebiki / "site.yml").write_text(site_yml, encoding="utf-8")
    shutil.copytree(REPO / "content/registries", tebiki / "content/registries")
    hugo.mkdir(parents=True)
    (hugo / "hugo.toml").write_text(generate.hugo_config(REPO / "bench/hugo-theme", hugo), encoding="utf-8")

    pages: list[tuple[str, str, str]] = []
    for folder in FOLDERS:
        for path in sorted((REPO / "content" / folder).glob("*.md")):
            pages.append((folder, path.name, path.read_text(encoding="utf-8")))
    reqs = requirement_files()
    ids = [i for i, _ in reqs]
    k = 0
    count = 0
    while count < n:
        # The last copy is partial: references to the pages it lacks stay on copy 0.
        rename = renamer(ids[:n - count], k) if k else None
        for rid, text in reqs:
            if count == n:
                break
            if k:
                text = retitle(rename(text), k)
                rid = f"{rid}-r{k}"
            pages.append(("requirements", f"{rid}.md", text))
            count += 1
        k += 1
    total = 0
    for root in (tebiki, hugo):
        for folder in ("requirements",) + FOLDERS:
            (root / "content" / folder).mkdir(parents=True, exist_ok=True)
    for folder, name, text in pages:
        data = text.encode("utf-8")
        total += len(data)
        for root in (tebiki, hugo):
            (root / "content" / folder / name).write_bytes(data)
    return {"requirements": count, "copies": k, "pages": len(pages), "markdown_bytes": total,
            "others": {f: sum(1 for p in pages if p[0] == f) for f in FOLDERS}}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="number of requirement pages")
    p.add_argument("out", type=Path, help="output folder (replaced)")
    a = p.parse_args()
    print(json.dumps(replicate(a.n, a.out), ensure_ascii=False), file=sys.stderr)


if __name__ == "__main__":
    main()
