// Questions as staff type them, against the index Indexer.swift wrote for the real content
// (make test-js builds it; TEBIKI_INDEX_JSON names it). Each names the rule that answers it by
// source document and section, so IDs may change. A regression slice of the search
// evaluation (docs/search.md "Evaluation"); the full set runs with `make search-eval`.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const core = require('../../theme/assets/js/search-core.js');

const file = process.env.TEBIKI_INDEX_JSON || path.join(__dirname, '..', '..', '_site', 'search', 'index.json');
const { loadIndex } = require('./support/site-index.js');
const index = fs.existsSync(file) ? loadIndex(file) : null;

// [query, [acceptable "doc section" answers], top-k where one must appear]
const CASES = [
  ['委託先が下請けに出したいと言ってきた', ['nisc-handbook-2011 9.3.5', 'nisc-handbook-2011 9.3.1(13)', 'nisc-handbook-2011 9.2.3(10)'], 3],
  ['USBメモリで住民データを運ぶ', ['mic-lg-guideline-2023 *', 'nisc-handbook-2011 8.1.4'], 5],
  ['クラウドサービスを選ぶときの基準', ['unified-standards-r3 4.2.1(2)(a)', 'unified-standards-r3 4.2.1(3)(a)'], 3],
  ['私物のスマホを仕事で使いたい', ['unified-standards-r3 7.1.1(5)(a)', 'unified-standards-r3 7.1.1(5)(c)'], 3],
  ['ぜい弱性 契約', ['nisc-handbook-2011 9.3.1(5)'], 3],
  ['ISO27001', ['nisc-handbook-2011 9.2.2', 'nisc-handbook-2011 9.2.7'], 5],
  ['統一基準 8.1.2', ['unified-standards-r3 8.1.2(1)', 'unified-standards-r3 8.1.2(2)', 'unified-standards-r3 8.1.2(3)'], 3],
  ['手引書 9.3.5', ['nisc-handbook-2011 9.3.5'], 1],
  ['電算室に業者を入れるときの注意', ['mic-lg-guideline-2023 *'], 3],
  ['無料のネットサービスで機密情報を扱ってよいか', ['nisc-notice-2013 (1)①', 'unified-standards-r3 4.2.2(1)(a)', 'unified-standards-r3 4.2.2(2)(a)'], 5],
  ['SNSの公式アカウントを業者に運用してもらう', ['nisc-notice-2013 (2)', 'unified-standards-r3 8.1.1(9)'], 3],
  ['委託契約が終わったらデータを消去させたい', ['nisc-handbook-2011 9.4.1', 'unified-standards-r3 4.2.1(8)(a)'], 5],
  ['外注先の選び方', ['nisc-handbook-2011 9.2.1', 'nisc-handbook-2011 9.2.6', 'unified-standards-r3 4.1.1(2)(a)'], 5],
  ['在宅勤務で住民情報を扱う', ['unified-standards-r3 8.1.2(1)', 'unified-standards-r3 8.1.2(2)', 'unified-standards-r3 8.1.2(3)'], 5],
  ['アプリ開発を外注するとき広告を入れていいか', ['nisc-notice-2013 (3)②', 'unified-standards-r3 6.3.1(2)(a)(カ)'], 3],
  ['契約を毎年同じ業者と更新している', ['nisc-handbook-2011 9.3.3'], 5],
  ['二人で確認する', ['mic-lg-guideline-2023 *'], 3],
  ['海外のクラウドで法律が心配', ['unified-standards-r3 4.2.1(3)(e)'], 5],
  ['個人情報保護条例', [], 0],
  ['ランサムウェアに備えたバックアップ', ['mic-lg-guideline-2023 *', 'nisc-notice-2013 (1)②'], 5],
];

function answers(doc, want) {
  return (doc.sources || []).some((s) => want.some((w) => {
    const [d, sec] = w.split(' ');
    return s.doc === d && (sec === '*' || s.section === sec);
  }));
}

test('sentences as staff type them never return 0 results, and find their rule', { skip: !index && 'no built index' }, () => {
  // The index has no sources per doc: take them from the catalog beside it.
  const catalog = JSON.parse(fs.readFileSync(path.join(path.dirname(file), '..', 'data', 'catalog.json'), 'utf8'));
  const byUrl = new Map(catalog.requirements.map((r) => [r.url, r]));
  const misses = [];
  for (const [q, want, k] of CASES) {
    const r = core.search(index, q, { limit: 20 });
    assert.ok(r.total > 0, `0 results for ${q}`);
    if (!k) continue;
    const top = r.results.slice(0, k).map((x) => byUrl.get(x.doc.url)).filter(Boolean);
    if (!top.some((doc) => answers(doc, want))) misses.push(`${q} → ${r.results.slice(0, k).map((x) => x.doc.id).join(', ')}`);
  }
  assert.deepEqual(misses, []);
});

test('highlights mark the query words, not every bigram', { skip: !index && 'no built index' }, () => {
  const r = core.search(index, '再委託', { limit: 5 });
  for (const hit of r.results) {
    for (const [a, b] of hit.excerpt.marks) {
      const marked = core.normalize(hit.excerpt.text.slice(a, b));
      assert.ok(!/^委託$|^業務$/.test(marked), `marked ${marked} in ${hit.doc.id}`);
    }
  }
});
