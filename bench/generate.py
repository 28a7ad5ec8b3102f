#!/usr/bin/env python3
"""Deterministic generator of a large Tebiki knowledge base for the build benchmark.

    python3 bench/generate.py N OUTDIR [--seed 20240601]

writes two sites from the same Markdown:

    OUTDIR/tebiki/  site.yml (the repo's, with `theme:` pointing at the repo theme),
                    content/registries/sources.yml (the repo's),
                    content/requirements/*.md (N pages), content/glossary/*.md, content/checklists/*.md
    OUTDIR/hugo/    hugo.toml (uglyURLs, theme bench/hugo-theme), content/<same folders>/*.md

The prose is assembled from a small vocabulary of the domain (our own words, nothing copied
from the source documents); the same seed and N always give byte-identical files.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 20240601

# --- vocabulary -------------------------------------------------------------------------

ACTORS = [
    "情報システムセキュリティ責任者", "課室情報セキュリティ責任者", "統括情報セキュリティ責任者",
    "情報セキュリティ管理者", "業務主管課", "情報政策部門", "職員等", "委託先", "再委託先",
    "委託元の担当者", "外部サービスの提供者", "契約担当者",
]
OBJECTS = [
    "機密性の高い情報", "個人情報", "契約書の条項", "再委託の条件", "情報セキュリティ対策の実施状況",
    "外部サービスの利用規約", "作業場所と作業者", "アクセス権限", "電磁的記録媒体", "委託先の管理体制",
    "障害発生時の連絡体制", "情報の返却と廃棄", "ログの保存期間", "脆弱性対策の手順", "調達仕様書の要件",
    "報告の様式", "守秘義務の範囲", "外部委託の可否", "委託先の選定基準", "検収の手順",
    "情報セキュリティインシデントへの対応", "バックアップの取得方法", "データセンターの所在地",
    "暗号化の方式", "作業記録", "教育・訓練の内容", "監査の方法", "サービスレベルの合意事項",
    "持ち出しの手続", "復旧の目標時間", "管理区域への入退室", "不正プログラム対策",
]
TOPICS = [
    "委託先", "再委託", "情報セキュリティ", "契約", "機密性", "外部サービス", "完全性", "可用性",
    "クラウド", "個人情報", "調達", "検収", "監査", "インシデント", "媒体", "認証", "アクセス制御",
    "ログ", "暗号化", "脆弱性", "保守", "運用", "データセンター", "研修",
]
TIMINGS = [
    "契約を結ぶ前に", "履行中は定期的に", "委託の可否を判断するときに", "納品の際に", "契約の終了時に",
    "調達仕様書を作る段階で", "インシデントが起きたときは直ちに", "委託先を選ぶときに",
    "作業を始める前に", "年度ごとに", "変更の申し出を受けたときに", "再委託を承認する前に",
]
ACTIONS = [
    "確認します", "定めます", "求めます", "記録します", "報告させます", "文書で取り決めます",
    "点検します", "見直します", "明記します", "監査します", "承認します", "整理します",
]
TITLE_VERBS = [
    "を契約に明記する", "を事前に確認する", "を定期的に点検する", "を文書で取り決める",
    "を報告させる", "を調達仕様書に書く", "を選定基準に加える", "を終了時に確かめる",
    "を委託先に求める", "を記録して残す",
]
REASONS = [
    "住民や利用者の信頼を損なう", "業務が長く止まる", "被害が委託元にまで広がる",
    "原因の特定が遅れる", "責任の所在があいまいになる", "同じ問題が繰り返される",
    "情報が第三者に渡る", "復旧に想定以上の費用がかかる",
]
CONNECTIVES = ["なお、", "また、", "ただし、", "特に、", "そのうえで、", "あわせて、", ""]
ADVERBS = ["必ず", "あらかじめ", "具体的に", "漏れなく", "速やかに", "改めて", ""]
QUALIFIERS = ["", "", "", "（再委託がある場合）", "（クラウドの場合）", "（個人情報を扱う場合）", "（保守・点検）"]
TERM_HEADS = ["委託", "再委託", "機密", "外部", "情報", "媒体", "認証", "監査", "暗号", "契約", "管理", "運用"]
TERM_TAILS = ["管理者", "区域", "証跡", "記録", "基準", "台帳", "計画", "手順書", "確認書", "報告書", "方式", "体制"]
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
SECTIONS = [
    lambda r: f"{r.randint(1, 9)}.{r.randint(1, 6)}.{r.randint(1, 9)}({r.randint(1, 15)})",
    lambda r: f"{r.randint(1, 9)}.{r.randint(1, 6)}",
    lambda r: f"{r.randint(1, 9)}.{r.randint(1, 6)}.{r.randint(1, 9)}",
    lambda r: f"p.{r.randint(1, 120)}",
]
GRADES = ["required", "required", "optional", "included", "na"]

# --- site.yml and sources ---------------------------------------------------------------


def read_facets(site_yml: str) -> dict[str, list[str]]:
    """Facet key -> value keys, from the repo's site.yml (simple line scan, no YAML library)."""
    facets: dict[str, list[str]] = {}
    current = None
    in_facets = False
    for line in site_yml.splitlines():
        if line.startswith("facets:"):
            in_facets = True
            continue
        if not in_facets:
            continue
        m = re.match(r"^  - key: (\S+)", line)
        if m:
            current = m.group(1)
            facets[current] = []
            continue
        m = re.match(r"^\s+- \{ key: ([a-z0-9-]+),", line)
        if m and current:
            facets[current].append(m.group(1))
    return facets


def read_rules(site_yml: str) -> tuple[set[str], list[tuple[str, str]], dict[str, list[tuple[str, str]]]]:
    """What the validator asks of a requirement's facets, from the repo's site.yml (line scan):
    the facets with `lookup: required` (every requirement states them, `all` when any value
    applies), the form facet's `graded_by` sources (grades only where such a source is cited),
    and the values restricted to some sources (`sources:` on a value, e.g. 基本遵守事項)."""
    required, graded_by, restricted = set(), [], {}
    current, in_graded = None, False
    ref = re.compile(r'\{ doc: ([a-z0-9-]+), section: "([^"]+)" \}')
    for line in site_yml.splitlines():
        m = re.match(r"^  - key: (\S+)", line)
        if m:
            current, in_graded = m.group(1), False
            continue
        if current is None:
            continue
        if re.match(r"^    lookup: required", line):
            required.add(current)
        elif re.match(r"^    graded_by:", line):
            in_graded = True
        elif in_graded and re.match(r"^      - \{ doc:", line):
            graded_by += ref.findall(line)
        elif re.match(r"^    \S", line):
            in_graded = False
        m = re.match(r"^\s+- \{ key: ([a-z0-9-]+),.*sources: \[(.*)\]", line)
        if m:
            restricted[m.group(1)] = ref.findall(m.group(2))
    return required, graded_by, restricted


def cites(refs: list[tuple[str, str]], patterns: list[tuple[str, str]]) -> bool:
    """Whether a source reference matches one of the patterns (a trailing * matches any rest)."""
    return any(doc == pd and (section.startswith(ps[:-1]) if ps.endswith("*") else section == ps)
               for doc, section in refs for pd, ps in patterns)


def read_source_keys(sources_yml: str) -> list[tuple[str, str]]:
    """(key, family) of every source document, in file order."""
    out, key = [], None
    for line in sources_yml.splitlines():
        m = re.match(r"^- key: (\S+)", line)
        if m:
            key = m.group(1)
        m = re.match(r"^  family: (\S+)", line)
        if m and key:
            out.append((key, m.group(1)))
            key = None
    return out


# --- text -------------------------------------------------------------------------------


def q(s: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


class Writer:
    def __init__(self, n: int, seed: int):
        self.n = n
        self.r = random.Random(seed)
        self.site_yml = (REPO / "site.yml").read_text(encoding="utf-8")
        self.sources_yml = (REPO / "content/registries/sources.yml").read_text(encoding="utf-8")
        self.facets = read_facets(self.site_yml)
        self.required, self.graded_by, self.restricted = read_rules(self.site_yml)
        self.sources = read_source_keys(self.sources_yml)
        self.req_ids = [f"req-{i:05d}" for i in range(1, n + 1)]
        self.req_titles = [self.title() for _ in self.req_ids]
        n_terms = max(10, n // 50)
        self.term_ids = [f"term-{i:04d}" for i in range(1, n_terms + 1)]
        self.term_titles = self.term_names(n_terms)
        self.n_checklists = max(1, n // 1000)

    # sentences
    def sentence(self) -> str:
        r = self.r
        kind = r.randrange(5)
        if kind == 0:
            s = f"{r.choice(ACTORS)}は、{r.choice(TIMINGS)}、{r.choice(OBJECTS)}を{r.choice(ADVERBS)}{r.choice(ACTIONS)}。"
        elif kind == 1:
            s = f"{r.choice(OBJECTS)}については、{r.choice(ACTORS)}が{r.choice(ADVERBS)}{r.choice(ACTIONS)}。"
        elif kind == 2:
            s = f"{r.choice(OBJECTS)}があいまいなままだと、{r.choice(REASONS)}おそれがあります。"
        elif kind == 3:
            s = (f"{r.choice(TOPICS)}と{r.choice(TOPICS)}の観点から、{r.choice(OBJECTS)}と"
                 f"{r.choice(OBJECTS)}を{r.choice(ACTIONS)}。")
        else:
            s = f"{r.choice(TIMINGS)}、{r.choice(ACTORS)}に{r.choice(OBJECTS)}の説明を求め、結果を{r.choice(ACTIONS)}。"
        return r.choice(CONNECTIVES) + s.replace("をを", "を")

    def paragraph(self, lo=2, hi=4) -> str:
        return "".join(self.sentence() for _ in range(self.r.randint(lo, hi)))

    def title(self) -> str:
        r = self.r
        return f"{r.choice(OBJECTS)}{r.choice(TITLE_VERBS)}{r.choice(QUALIFIERS)}"

    def term_names(self, count: int) -> list[str]:
        names, seen = [], set()
        combos = [h + t for h in TERM_HEADS for t in TERM_TAILS]
        self.r.shuffle(combos)
        for i in range(count):
            base = combos[i % len(combos)]
            name = base if i < len(combos) else f"{base}（第{i // len(combos) + 1}種）"
            assert name not in seen
            seen.add(name)
            names.append(name)
        return names

    def req_link(self, exclude: int) -> str:
        j = self.r.randrange(self.n)
        if j == exclude:
            j = (j + 1) % self.n
        return f"[{self.req_titles[j]}]({self.req_ids[j]}.md)"

    def term_link(self) -> str:
        k = self.r.randrange(len(self.term_ids))
        return f"[{self.term_titles[k]}]({self.term_ids[k]}.md)"

    def source_refs(self, lo=1, hi=3) -> list[tuple[str, str]]:
        r = self.r
        return [(r.choice(self.sources)[0], r.choice(SECTIONS)(r)) for _ in range(r.randint(lo, hi))]

    # pages
    def requirement(self, i: int) -> tuple[str, str]:
        r = self.r
        rid = self.req_ids[i]
        fm = ["---", f"id: {rid}", f"title: {q(self.req_titles[i])}", f"summary: {q(self.sentence())}", "sources:"]
        refs = self.source_refs()
        for doc, section in refs:
            fm += [f"  - doc: {doc}", f"    section: {q(section)}"]
        fm.append("facets:")
        # The random draws are the same whatever the site's rules say, so the pages stay
        # comparable; the rules (read_rules) only decide how the drawn values are written.
        stated = set()
        for key in ["phase", "role", "org", "category", "info"]:
            values = self.facets.get(key, [])
            if not values or (key == "info" and r.random() < 0.5):
                continue
            picked = sorted(r.sample(values, r.randint(1, min(3, len(values)))), key=values.index)
            picked = [v for v in picked if v not in self.restricted or cites(refs, self.restricted[v])]
            if picked:
                fm.append(f"  {key}: [{', '.join(picked)}]")
                stated.add(key)
        if r.random() < 0.7 and self.facets.get("form"):
            values = self.facets["form"]
            picked = [(v, r.choice(GRADES)) for v in sorted(r.sample(values, r.randint(2, 6)), key=values.index)]
            if not self.graded_by or cites(refs, self.graded_by):
                fm.append("  form:")
                fm += [f"    {v}: {g}" for v, g in picked]
            else:  # a source that grades nothing: the values without grades
                fm.append(f"  form: [{', '.join(v for v, _ in picked)}]")
            stated.add("form")
        for key in sorted(self.required - stated):
            fm.append(f"  {key}: all")
        related = sorted({self.req_ids[r.randrange(self.n)] for _ in range(r.randint(0, 3))} - {rid})
        if related:
            fm.append(f"related: [{', '.join(related)}]")
        if r.random() < 0.1:
            fm += ["history:", "  - edition: unified-standards-r3", "    change: changed",
                   f"    note: {q(self.sentence())}", "    before: |", f"      {self.paragraph(1, 2)}",
                   "    after: |", f"      {self.paragraph(1, 2)}"]
        fm.append("---")

        body = ["## 何を求めているか", "", self.paragraph(2, 4), ""]
        body += [f"- **{r.choice(OBJECTS)}**：{self.sentence()}" for _ in range(r.randint(2, 4))]
        body += ["", "## 誰が・いつ", "", self.paragraph(1, 3) + f"詳しくは{self.req_link(i)}も参照してください。", ""]
        body += ["## なぜ必要か", "", self.paragraph(2, 3), ""]
        if r.random() < 0.4:
            form_labels = ["情報システムの構築等", "運用（オンサイトサービス）", "約款による外部サービス",
                           "情報の加工・処理等", "情報の保存・運搬", "保守・点検"]
            body += ["## 形態ごとの扱い", "", "| 委託の形態 | 扱い | 補足 |", "|---|:-:|---|"]
            for label in r.sample(form_labels, 3):
                body.append(f"| {label} | {r.choice('○△※×')} | {r.choice(OBJECTS)}を{r.choice(ACTIONS)} |")
            body.append("")
        body += ["## 実務でのポイント", ""]
        body += [f"{k}. {self.sentence()}" for k in range(1, r.randint(3, 5))]
        body += ["", f"{self.term_link()}の考え方は、{self.req_link(i)}とあわせて読むと分かりやすくなります。", ""]
        if r.random() < 0.5:
            body += [f"> **実務上の補足（出典外）**: {self.paragraph(1, 2)}", ""]
        return rid, "\n".join(fm) + "\n" + "\n".join(body)

    def term(self, k: int) -> tuple[str, str]:
        r = self.r
        tid = self.term_ids[k]
        reading = "".join(r.choice(KANA) for _ in range(r.randint(4, 9)))
        fm = ["---", f"id: {tid}", f"title: {q(self.term_titles[k])}", f"reading: {reading}",
              f"synonyms: [{q(f'略語{k + 1:04d}')}]", f"summary: {q(self.sentence())}", "sources:"]
        for doc, section in self.source_refs(1, 2):
            fm.append(f"  - {{ doc: {doc}, section: {q(section)} }}")
        fm.append(f"related: [{', '.join(sorted({self.req_ids[r.randrange(self.n)] for _ in range(2)}))}]")
        fm.append("---")
        body = [self.paragraph(2, 4), "", self.paragraph(1, 3) + f"関連する規定は{self.req_link(-1)}です。", ""]
        return tid, "\n".join(fm) + "\n" + "\n".join(body)

    def checklist(self, c: int) -> tuple[str, str]:
        r = self.r
        cid = f"checklist-{c + 1:03d}"
        topic = r.choice(TOPICS)
        fm = ["---", f"id: {cid}", f"title: {q(f'{topic}に関する確認表 第{c + 1}版')}",
              f"summary: {q(self.sentence())}", "sources:"]
        for doc, section in self.source_refs(1, 2):
            fm.append(f"  - {{ doc: {doc}, section: {q(section)} }}")
        fm.append("items:")
        for g in range(1, 5):
            group = f"{g}. {r.choice(TOPICS)}の確認"
            for _ in range(5):
                fm += [f"  - group: {q(group)}",
                       f"    text: {q(r.choice(OBJECTS) + 'を' + r.choice(ACTIONS).replace('します', 'したか。').replace('ます', 'たか。'))}",
                       f"    requirement: {self.req_ids[r.randrange(self.n)]}"]
        fm.append("---")
        body = [self.paragraph(2, 3), "", f"- {self.sentence()}", f"- {self.sentence()}", ""]
        return cid, "\n".join(fm) + "\n" + "\n".join(body)


def hugo_config(theme_dir: Path, site_dir: Path) -> str:
    themes = os.path.relpath(theme_dir.parent, site_dir)
    return "\n".join([
        'baseURL = "/"',
        'title = "外部委託の情報セキュリティ手引（ベンチマーク）"',
        'languageCode = "ja"',
        'defaultContentLanguage = "ja"',
        'hasCJKLanguage = true',
        f'themesDir = "{themes}"',
        f'theme = "{theme_dir.name}"',
        "uglyURLs = true",
        # Every link relative, as Tebiki writes them (the site must work from file://).
        "relativeURLs = true",
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]',
        "[markup.goldmark.renderer]",
        "  unsafe = false",
        "",
    ])


def generate(n: int, out: Path, seed: int = DEFAULT_SEED) -> dict:
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    tebiki, hugo = out / "tebiki", out / "hugo"
    w = Writer(n, seed)
    theme = os.path.relpath(REPO / "theme", tebiki)
    site_yml = re.sub(r"(?m)^theme:.*$", f"theme: {theme}", w.site_yml)
    (tebiki / "content/registries").mkdir(parents=True)
    (tebiki / "site.yml").write_text(site_yml, encoding="utf-8")
    (tebiki / "content/registries/sources.yml").write_text(w.sources_yml, encoding="utf-8")
    hugo.mkdir(parents=True)
    (hugo / "hugo.toml").write_text(hugo_config(REPO / "bench/hugo-theme", hugo), encoding="utf-8")

    pages = [("requirements", *w.requirement(i)) for i in range(n)]
    pages += [("glossary", *w.term(k)) for k in range(len(w.term_ids))]
    pages += [("checklists", *w.checklist(c)) for c in range(w.n_checklists)]
    total = 0
    for root in (tebiki, hugo):
        for folder in ("requirements", "glossary", "checklists"):
            (root / "content" / folder).mkdir(parents=True, exist_ok=True)
    for folder, pid, text in pages:
        data = text.encode("utf-8")
        total += len(data)
        for root in (tebiki, hugo):
            (root / "content" / folder / f"{pid}.md").write_bytes(data)
    return {"requirements": n, "glossary": len(w.term_ids), "checklists": w.n_checklists,
            "pages": len(pages), "markdown_bytes": total}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="number of requirement pages")
    p.add_argument("out", type=Path, help="output folder (replaced)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    a = p.parse_args()
    stats = generate(a.n, a.out, a.seed)
    print(json.dumps(stats, ensure_ascii=False), file=sys.stderr)


if __name__ == "__main__":
    main()
