"""Printed checklists: every checklists/<id>.html of the default site printed to PDF by headless
Chromium the way a user's browser prints it (the CSS @page rule picks paper and margins), then
read back with poppler-utils; and the CSV next to it.

pdftotext -layout keeps the page's lines but puts neighbouring table cells side by side on one
line, so whole item texts are looked up in the text in content order (pdftotext -raw), with all
white space removed because lines wrap."""
import csv
import glob
import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from conftest import ROOT, TEBIKI
from pdfutil import page_count, page_sizes, page_texts, pdftext, print_with_css_page_size, squash

CHECKLIST_IDS = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(ROOT, "content", "checklists", "*.md")))
HEADER_FIELDS = ["案件名", "委託先", "確認日", "確認者", "承認者"]
A4 = (595.0, 842.0)


class ChecklistPage(HTMLParser):
    """Item texts (td.col-item), the main menu labels and the page's h1."""

    def __init__(self):
        super().__init__()
        self.items, self.nav, self.groups, self.h1, self.footer = [], [], [], "", ""
        self._in = None
        self._nav_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "nav" and "site-nav" in cls:
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1
        if tag == "tr" and "group-row" in cls:
            self._in = "group"
            self.groups.append("")
        elif tag == "td" and "col-item" in cls:
            self._in = "item"
            self.items.append("")
        elif tag == "a" and self._nav_depth:
            self._in = "nav"
            self.nav.append("")
        elif tag == "h1":
            self._in = "h1"
        elif tag == "p" and "print-footer" in cls:
            self._in = "footer"

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
        if tag in ("td", "a", "h1", "p", "tr"):
            self._in = None

    def handle_data(self, data):
        if self._in == "item":
            self.items[-1] += data
        elif self._in == "nav":
            self.nav[-1] += data
        elif self._in == "group":
            self.groups[-1] += data
        elif self._in == "h1":
            self.h1 += data
        elif self._in == "footer":
            self.footer += data


def parse_page(site_dir, cid):
    p = ChecklistPage()
    with open(os.path.join(site_dir, "checklists", cid + ".html"), encoding="utf-8") as f:
        p.feed(f.read())
    return p


def read_csv(path):
    with open(path, "rb") as f:
        data = f.read()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return data, rows


@pytest.fixture(scope="module")
def printed(site_dir, browser, tmp_path_factory):
    """checklist id → PDF path, each checklist printed once."""
    out = tmp_path_factory.mktemp("checklist-pdf")
    pdfs = {}
    for cid in CHECKLIST_IDS:
        browser.get("about:blank")
        browser.get("file://" + os.path.join(site_dir, "checklists", cid + ".html"))
        pdfs[cid] = print_with_css_page_size(browser, str(out / (cid + ".pdf")))
    return pdfs


def test_every_checklist_has_a_page_and_a_csv(site_dir):
    assert len(CHECKLIST_IDS) >= 3
    built = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(site_dir, "checklists", "*.html")))
    assert built == sorted(CHECKLIST_IDS + ["index"])
    for cid in CHECKLIST_IDS:
        assert os.path.isfile(os.path.join(site_dir, "checklists", cid + ".csv")), cid


def test_some_checklist_needs_several_pages(printed):
    """Otherwise 'on every page' and 'not split across pages' below would prove nothing."""
    assert max(page_count(p) for p in printed.values()) >= 2


@pytest.mark.parametrize("cid", CHECKLIST_IDS)
def test_paper_is_a4_portrait(printed, cid):
    for w, h in page_sizes(printed[cid]):
        assert abs(w - A4[0]) <= 2 and abs(h - A4[1]) <= 2, (w, h)


@pytest.mark.parametrize("cid", CHECKLIST_IDS)
def test_every_item_is_printed_whole_on_one_page(printed, site_dir, cid):
    _, rows = read_csv(os.path.join(site_dir, "checklists", cid + ".csv"))
    items = [r[1] for r in rows[1:]]
    assert len(items) >= 5
    pdf = printed[cid]
    everything = squash(pdftext(pdf, "-raw"))
    missing = [t for t in items if squash(t) not in everything]
    assert not missing, missing
    pages = [squash(t) for t in page_texts(pdf, "-raw")]
    split = [t for t in items if not any(squash(t) in p for p in pages)]
    assert not split, f"split across pages: {split}"
    # The whole row, its 根拠 too, is on one page.
    split = [r[0] for r in rows[1:] if not any(squash(r[1]) in p and squash(r[2]) in p for p in pages)]
    assert not split, f"rows split across pages: {split}"
    # A group heading is never left alone at the foot of a page.
    groups = [squash(g) for g in parse_page(site_dir, cid).groups]
    for i, p in enumerate(pages[:-1], start=1):
        assert not any(g and p.endswith(g) for g in groups), f"page {i} ends with a group heading"
    # In order, numbered 1…n like the CSV.
    positions = [everything.index(squash(t)) for t in items]
    assert positions == sorted(positions)


@pytest.mark.parametrize("cid", CHECKLIST_IDS)
def test_header_fields_on_first_page(printed, cid):
    first = pdftext(printed[cid], "-layout", first=1, last=1)
    for f in HEADER_FIELDS:
        assert f in first, f
    # …and only there: the form is filled in once.
    rest = "".join(page_texts(printed[cid], "-layout")[1:])
    assert "承認者" not in rest


@pytest.mark.parametrize("cid", CHECKLIST_IDS)
def test_table_header_on_every_page(printed, cid):
    header = re.compile(r"^\s*No\.\s+確認事項\s+根拠\s+結果\s+備考\s*$", re.M)
    for i, text in enumerate(page_texts(printed[cid], "-layout"), start=1):
        assert header.search(text), f"page {i} has no table header:\n{text[:400]}"


@pytest.mark.parametrize("cid", CHECKLIST_IDS)
def test_page_number_and_title_in_the_margin(printed, site_dir, cid):
    page = parse_page(site_dir, cid)
    texts = page_texts(printed[cid], "-layout")
    n = len(texts)
    for i, text in enumerate(texts, start=1):
        lines = [l for l in text.splitlines() if l.strip()]
        assert squash(lines[-1]) == f"{i}/{n}", lines[-1]
        # The checklist's title is at the top of every page, so loose sheets can be matched up,
        # with the editions of its sources and the date the content stands at.
        assert squash(page.h1) in squash(lines[0]), lines[0]
        top = squash(" ".join(lines[:2]))
        assert "出典の版:" in top and re.search(r"内容の基準日:\d{4}-\d{2}-\d{2}", top), lines[:2]


@pytest.mark.parametrize("cid", CHECKLIST_IDS)
def test_no_navigation_or_search_on_paper(printed, site_dir, cid):
    page = parse_page(site_dir, cid)
    assert {"規定の一覧", "用語集"} <= set(page.nav), page.nav  # what a leak would look like
    text = pdftext(printed[cid], "-layout")
    content = squash(page.h1 + "".join(page.items) + page.footer)
    for label in page.nav:
        if squash(label) not in content:
            assert squash(label) not in squash(text), label
    for word in ["キーワードで検索", "本文へ移動", "検索", "印刷する", "CSV（Excel用）をダウンロード",
                 "正式な判断は必ず出典の原文で確認してください"]:
        assert word not in text, word
    first_lines = [l for l in pdftext(printed[cid], "-layout", first=1, last=1).splitlines() if l.strip()][:3]
    assert any(squash(page.h1) == squash(l) for l in first_lines), first_lines


# ---------------------------------------------------------------------------------------------
# CSV (Excel): UTF-8 with BOM, CRLF, RFC 4180 quoting
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cid", CHECKLIST_IDS)
def test_checklist_csv(site_dir, cid):
    data, rows = read_csv(os.path.join(site_dir, "checklists", cid + ".csv"))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")  # no bare LF (no item holds a line break)
    assert data.count(b"\r\n") == len(rows)
    assert rows[0][:3] == ["No.", "確認事項", "根拠"] and rows[0][-1] == "備考"
    page = parse_page(site_dir, cid)
    assert len(rows) - 1 == len(page.items) >= 5
    assert [r[1] for r in rows[1:]] == [t.strip() for t in page.items]
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, len(rows))]
    assert all(len(r) == len(rows[0]) for r in rows)


def test_csv_quoting_round_trips(tmp_path):
    """The minimal fixture's item holds a comma and quotes; a copy of it gets an item with a
    line break too."""
    src = tmp_path / "minimal"
    shutil.copytree(os.path.join(ROOT, "Tests", "Fixtures", "sites", "minimal"), src)
    theme = os.path.relpath(os.path.join(ROOT, "theme"), src)
    yml = (src / "site.yml").read_text(encoding="utf-8")
    (src / "site.yml").write_text(re.sub(r"(?m)^theme:.*$", "theme: " + theme, yml), encoding="utf-8")
    md = src / "content" / "checklists" / "checklist-basic.md"
    text = md.read_text(encoding="utf-8")
    comma_quote = '再委託の条件を定めたか、"引用"と,カンマ'
    assert comma_quote in text
    anchor = "  - text: 契約に必要な事項を含めたか。"
    assert anchor in text
    line_break = '改行を含む項目\n二行目, "引用"あり'
    text = text.replace(anchor, '  - text: "改行を含む項目\\n二行目, \\"引用\\"あり"\n    requirement: contract-items\n' + anchor)
    md.write_text(text, encoding="utf-8")
    out = tmp_path / "_site"
    run = subprocess.run([TEBIKI, "build", "--source", str(src), "--output", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    data, rows = read_csv(str(out / "checklists" / "checklist-basic.csv"))
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    assert [r[1] for r in rows[1:]] == [comma_quote, line_break, "契約に必要な事項を含めたか。"]
    raw = data.decode("utf-8-sig")
    assert '"再委託の条件を定めたか、""引用""と,カンマ"' in raw
    assert '"改行を含む項目\n二行目, ""引用""あり"' in raw
    # Record ends are CRLF; only the line break inside the quoted field is a bare LF.
    assert raw.replace('\n二行目', '').count("\n") == raw.count("\r\n") == len(rows)
