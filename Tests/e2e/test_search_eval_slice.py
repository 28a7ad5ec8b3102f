"""Search quality, regression slice: the queries tagged `regression` in
Tests/search-eval/queries.tsv (plain sentences a member of staff types, docs/search.md
"Evaluation") through the real search page, search.html?q=… from file://.

1. every one of them lists at least one result;
2. those also tagged `clear` list an acceptable requirement (one whose sources include an
   expected document section) among the first 10 results.

Both were written to FAIL on the search of December 2026 (most such sentences found nothing,
since every term had to match); they are the bar for the ranking rewrite. The full evaluation,
with Pagefind for comparison, is `make search-eval`."""
import importlib.util
import os

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("search_eval", os.path.join(ROOT, "scripts", "search-eval.py"))
search_eval = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(search_eval)

QUERIES = [q for q in search_eval.load_queries() if "regression" in q["tags"]]


def _run(browser, site_dir, queries):
    catalog = search_eval.Catalog(site_dir)
    return catalog, search_eval.run_tebiki(browser, site_dir, catalog, queries)


def test_search_eval_slice_has_regression_queries():
    assert len(QUERIES) >= 25, len(QUERIES)
    assert sum("clear" in q["tags"] for q in QUERIES) >= 20


def test_search_eval_slice_regression_queries_return_results(site_dir, browser):
    _, results = _run(browser, site_dir, QUERIES)
    empty = [f"{q['id']} {q['query']}" for q in QUERIES if not results[q["id"]]["paths"]]
    assert not empty, f"{len(empty)} of {len(QUERIES)} regression queries return no result:\n  " + "\n  ".join(empty)


def test_search_eval_slice_clear_queries_expected_rule_in_top10(site_dir, browser):
    clear = [q for q in QUERIES if "clear" in q["tags"]]
    catalog, results = _run(browser, site_dir, clear)
    missed = []
    for q in clear:
        paths = results[q["id"]]["paths"]
        rank = catalog.rank(paths[:10], q["answers"])
        if rank is None:
            got = ", ".join(catalog.label(p) for p in paths[:3]) or "0 results"
            missed.append(f"{q['id']} {q['query']} → want one of {', '.join(catalog.answers(q['answers']))}; got {got}")
    assert not missed, f"{len(missed)} of {len(clear)} clear regression queries miss the top 10:\n  " + "\n  ".join(missed)
