// Run with: node --test Tests/js/
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const core = require('../../theme/assets/js/search-core.js');
const { normalize, tokenize, expandSynonyms, search, lookupMatches } = core;

// ---------------------------------------------------------------------------------------------
// A small index built the way docs/search.md describes (fields title, id, summary, body).
// ---------------------------------------------------------------------------------------------

const FACETS = [
  { key: 'phase', label: '段階', kind: 'multi', values: [
    { key: 'decision', label: '可否判断' }, { key: 'contract', label: '契約' },
    { key: 'operation', label: '履行中' }, { key: 'termination', label: '終了' }] },
  { key: 'form', label: '委託の形態', kind: 'graded', values: [
    { key: 'build', label: '情報システムの構築等' }, { key: 'storage', label: '情報の保存・運搬' },
    { key: 'cloud', label: '約款による外部サービス／クラウド' }] },
  { key: 'info', label: '取り扱う情報', kind: 'multi', values: [
    { key: 'personal', label: '個人情報' }, { key: 'confidential', label: '要機密情報' }] },
  { key: 'org', label: '対象組織', kind: 'multi', values: [
    { key: 'national', label: '国の機関等' }, { key: 'local', label: '地方公共団体' }] },
];
const GRADES = [
  { key: 'required', symbol: '○', label: '必須' }, { key: 'optional', symbol: '△', label: '選択' },
  { key: 'included', symbol: '※', label: 'サービスに含まれる' }, { key: 'na', symbol: '×', label: '該当なし', applies: false },
];

function buildIndex(docs, synonyms) {
  const postings = {};
  docs.forEach((d, di) => {
    const fields = [d.title, [d.id].concat(d.sections || []).join(' '), d.summary, d.text];
    fields.forEach((f, fi) => {
      const tf = new Map();
      for (const t of tokenize(f || '')) tf.set(t, (tf.get(t) || 0) + 1);
      for (const [t, n] of tf) (postings[t] = postings[t] || []).push(di, fi, n);
    });
  });
  return {
    version: 1,
    fields: ['title', 'id', 'summary', 'body'],
    weights: [10, 8, 4, 1],
    docs: docs.map((d) => Object.assign({ kind: 'requirement', status: 'active', facets: {}, sections: [], summary: '', text: '' }, d)),
    postings,
    synonyms: (synonyms || []).map((g) => g.map(normalize)),
    facets: FACETS,
    grades: GRADES,
  };
}

const DOCS = [
  { id: 'hb-external-service', title: '外部サービスの利用を判断する', summary: '約款による外部サービスを使う前に、扱う情報を確認します。',
    text: '外部サービスを利用する場合、取り扱う情報の格付けを確認し、利用の可否を判断する。', sections: ['9.4.1'],
    facets: { phase: ['decision'], form: { cloud: 'required', build: 'na' }, org: ['national'] } },
  { id: 'hb-media-handling', title: '電磁的記録媒体の取扱い', summary: '媒体の持出しと廃棄を管理します。',
    text: '電磁的記録媒体の持出しは記録し、不要になった媒体は確実に消去する。', sections: ['9.3.5'],
    facets: { phase: ['operation', 'termination'], form: { storage: 'required' } } },
  { id: 'hb-contractor-duty', title: '受託者の義務を定める', summary: '受託者に求める対策を契約で定めます。',
    text: '受託者は、委託された業務の情報セキュリティ対策を実施する。', sections: ['9.3.1(13)'],
    facets: { phase: ['contract'], info: ['personal', 'confidential'] } },
  { id: 'hb-subcontracting-limit', title: '再委託を制限する', summary: '再委託は承認を得た場合に限ります。',
    text: '再委託を行う場合は、あらかじめ承認を得ることとし、再委託先にも同等の対策を求める。', sections: ['9.3.1(12)'],
    facets: { phase: ['contract'] } },
  { id: 'hb-body-only', title: '検収の手順', summary: '納品物を確認します。',
    text: '納品物の検収では、再委託の有無と、契約に定めたセキュリティ要件の充足を確認する。', sections: ['9.3.7'],
    facets: { phase: ['termination'] } },
  { id: 'hb-old-rule', title: '旧基準の再委託規定', summary: '廃止された規定です。', text: '再委託に関する旧規定。',
    status: 'retired', facets: { phase: ['contract'] } },
  { id: 'term-electronic-media', kind: 'glossary', title: '電磁的記録媒体', summary: '電子データを記録する媒体の総称。',
    text: 'USBメモリや外部記録媒体などを含む。' },
  { id: 'term-cloud', kind: 'glossary', title: 'クラウドサービス', summary: 'インターネット経由で提供される外部サービス。',
    text: 'SaaSやIaaSなどの形態がある。' },
  { id: 'hb-saas-terms', title: 'SaaS型サービスの約款を確認する', summary: 'SaaSの利用規約を確認します。',
    text: 'SaaS事業者の約款で、データの保存場所を確認する。', sections: ['9.4.2'], facets: { phase: ['decision'], form: { cloud: 'optional' } } },
  { id: 'hb-log', title: 'ログの取得', summary: '操作ログを保存します。', text: '条件に応じてログを保存する。規約の条', facets: {} },
];

const SYNONYMS = [
  ['電磁的記録媒体', 'USBメモリ', '外部記録媒体', '記録媒体'],
  ['外部サービス', 'クラウド', 'クラウドサービス'],
  ['受託者', '委託先', '外部委託先'],
];

const INDEX = buildIndex(DOCS, SYNONYMS);
const ids = (r) => r.results.map((x) => x.doc.id);

// ---------------------------------------------------------------------------------------------
// Normalisation and tokenisation
// ---------------------------------------------------------------------------------------------

test('normalize: full-width and half-width', () => {
  assert.equal(normalize('ＡＢＣ１２３'), 'abc123');
  assert.equal(normalize('ｶﾞｲﾄﾞﾗｲﾝ'), normalize('ガイドライン'));
  assert.equal(normalize('第３条'), normalize('第3条'));
  assert.equal(normalize('（注）'), '(注)');
});

test('normalize: case, kana, long vowels, small kana', () => {
  assert.equal(normalize('SaaS'), 'saas');
  assert.equal(normalize('カタカナ'), normalize('かたかな'));
  assert.equal(normalize('サーバー'), normalize('サーバ'));
  assert.equal(normalize('サーバー'), 'さば');
  assert.equal(normalize('漢ー'), '漢ー', 'ー after Han is kept');
  assert.equal(normalize('キャッシュ'), 'きやつしゆ');
  assert.equal(normalize('ヷ'), 'ヷ');
  assert.equal(normalize('人々'), '人々');
  assert.equal(normalize(null), '');
});

test('tokenize: bigrams, single characters, Latin words', () => {
  assert.deepEqual(tokenize('再委託'), ['再委', '委託']);
  assert.deepEqual(tokenize('第３条'), ['第', '3', '条']);
  assert.deepEqual(tokenize('委'), ['委']);
  assert.deepEqual(tokenize('USBメモリ'), ['usb', 'めも', 'もり']);
  assert.deepEqual(tokenize('ASP・SaaS'), ['asp', 'saas']);
  assert.deepEqual(tokenize('9.3.5'), ['9', '3', '5']);
  assert.deepEqual(tokenize(''), []);
});

test('shared tokenizer cases (Tests/Fixtures/search/tokenizer-cases.json)', () => {
  const file = path.join(__dirname, '..', 'Fixtures', 'search', 'tokenizer-cases.json');
  const cases = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.ok(cases.length >= 30, 'at least 30 cases');
  for (const c of cases) {
    assert.equal(normalize(c.input), c.normalized, `normalize(${JSON.stringify(c.input)})`);
    assert.deepEqual(tokenize(c.input), c.tokens, `tokenize(${JSON.stringify(c.input)})`);
    assert.equal(normalize(c.normalized), c.normalized, `idempotent for ${JSON.stringify(c.input)}`);
  }
});

// ---------------------------------------------------------------------------------------------
// Synonyms
// ---------------------------------------------------------------------------------------------

test('expandSynonyms: equal, contained, none', () => {
  const [t] = expandSynonyms('クラウド', INDEX);
  assert.equal(t.term, 'くらうど');
  assert.ok(t.alternatives.includes(normalize('外部サービス')));
  // A sentence is split into words; the particle の is dropped and the synonyms apply to the
  // word USBメモリ, not to a substring of the whole query.
  const [u, u2] = expandSynonyms('USBメモリの紛失', INDEX);
  assert.equal(u.alternatives[0], normalize('USBメモリ'));
  assert.ok(u.alternatives.includes(normalize('電磁的記録媒体')));
  assert.equal(u2.term, '紛失');
  const [v] = expandSynonyms('検収', INDEX);
  assert.deepEqual(v.alternatives, ['検収']);
  assert.equal(expandSynonyms('再委託 契約', INDEX).length, 2);
  assert.deepEqual(expandSynonyms('  ', INDEX), []);
});

test('synonyms: クラウド finds 外部サービス', () => {
  const r = search(INDEX, 'クラウド');
  assert.ok(ids(r).includes('hb-external-service'));
});

test('synonyms: USBメモリ finds 電磁的記録媒体', () => {
  const r = search(INDEX, 'USBメモリ');
  assert.ok(ids(r).includes('hb-media-handling'));
  assert.ok(ids(r).includes('term-electronic-media'));
});

test('synonyms: 委託先 finds 受託者', () => {
  const r = search(INDEX, '委託先');
  assert.ok(ids(r).includes('hb-contractor-duty'));
});

// ---------------------------------------------------------------------------------------------
// Matching and ranking
// ---------------------------------------------------------------------------------------------

test('all words first, partial matches after, partial mode reported', () => {
  const and = search(INDEX, '再委託 承認');
  assert.equal(and.mode, 'and');
  assert.equal(ids(and)[0], 'hb-subcontracting-limit');
  const or = search(INDEX, '再委託 媒体');
  assert.equal(or.mode, 'partial');
  assert.ok(or.total > 0);
  // A word no page has is reported, and does not empty the results.
  const missing = search(INDEX, '再委託 存在しない語句');
  assert.deepEqual(missing.missing, ['存在', '語句']); // しない is dropped
  assert.ok(missing.total > 0);
  const none = search(INDEX, 'まったく無関係');
  assert.equal(none.total, 0);
  assert.deepEqual(none.results, []);
});

test('ranking: title match above body-only match', () => {
  const r = search(INDEX, '再委託');
  const list = ids(r);
  assert.equal(list[0], 'hb-subcontracting-limit');
  assert.ok(list.indexOf('hb-subcontracting-limit') < list.indexOf('hb-body-only'));
});

test('ranking: phrase bonus beats scattered tokens', () => {
  const docs = [
    { id: 'a-scattered', title: '規程', summary: '', text: '情報の管理と、セキュリティの確保。情報を守る。' },
    { id: 'b-phrase', title: '規程', summary: '', text: '情報セキュリティの確保。' },
  ];
  const idx = buildIndex(docs, []);
  const r = search(idx, '情報セキュリティ');
  assert.equal(ids(r)[0], 'b-phrase'); // scattered lacks the bigram 報せ: a partial match, after
  const r2 = search(buildIndex([
    { id: 'a-scattered', title: '', text: '委託の契約、契約による委託' },
    { id: 'b-phrase', title: '', text: '委託契約' }], []), '委託契約');
  assert.equal(ids(r2)[0], 'b-phrase');
});

test('ranking: exact ID and section come first', () => {
  const r = search(INDEX, '9.3.5');
  assert.equal(ids(r)[0], 'hb-media-handling');
  const r2 = search(INDEX, '９．３．１（１３）');
  assert.equal(ids(r2)[0], 'hb-contractor-duty');
  const r3 = search(INDEX, 'hb-subcontracting-limit');
  assert.equal(ids(r3)[0], 'hb-subcontracting-limit');
  const r4 = search(INDEX, '9.3.1');
  assert.deepEqual(ids(r4).slice(0, 2).sort(), ['hb-contractor-duty', 'hb-subcontracting-limit']);
});

test('ranking: a section number prefers the requirement over a glossary term citing it', () => {
  const docs = [
    { id: 'term-media', kind: 'glossary', title: '媒体', sections: ['9.3.5'], text: '9.3.5 を参照。9.3.5 の解説。' },
    { id: 'hb-media', title: '媒体の管理', sections: ['9.3.5'], text: '持出しを記録する。' }];
  const r = search(buildIndex(docs, []), '9.3.5');
  assert.deepEqual(ids(r), ['hb-media', 'term-media']);
});

test('prefix match for the last Latin token', () => {
  const r = search(INDEX, 'saa');
  assert.ok(ids(r).includes('hb-saas-terms'));
  assert.ok(ids(r).includes('term-cloud'));
  const mid = search(INDEX, 'saa 約款');
  assert.ok(ids(mid).includes('hb-saas-terms'));
  // Only the last Latin token is a prefix: saa is then a word no page has.
  assert.deepEqual(search(INDEX, 'saa saas').missing, ['saa']);
});

test('one-character CJK query matches tokens containing it', () => {
  const r = search(INDEX, '条');
  assert.ok(ids(r).includes('hb-log'));
  const r2 = search(INDEX, '媒');
  assert.ok(ids(r2).includes('hb-media-handling'));
  assert.equal(ids(r2)[0] === 'hb-media-handling' || ids(r2)[0] === 'term-electronic-media', true);
});

test('ties keep the index order (the builder writes kinds in order, each sorted by ID)', () => {
  const idx = buildIndex([
    { id: 'a-req', title: '暗号', text: '' },
    { id: 'b-req', title: '暗号', text: '' },
    { id: 'z-term', kind: 'glossary', title: '暗号', text: '' },
  ], []);
  assert.deepEqual(ids(search(idx, '暗号')), ['a-req', 'b-req', 'z-term']);
  // Order is the index's, not the IDs': equal scores need no document to be ranked.
  const reversed = buildIndex([
    { id: 'b-req', title: '暗号', text: '' },
    { id: 'a-req', title: '暗号', text: '' },
  ], []);
  assert.deepEqual(ids(search(reversed, '暗号')), ['b-req', 'a-req']);
});

test('retired documents are hidden unless asked for', () => {
  assert.ok(!ids(search(INDEX, '再委託')).includes('hb-old-rule'));
  assert.ok(ids(search(INDEX, '再委託', { includeRetired: true })).includes('hb-old-rule'));
});

test('facet filters', () => {
  const r = search(INDEX, '再委託', { filters: { phase: ['termination'] } });
  assert.deepEqual(ids(r), ['hb-body-only']);
  const cloud = search(INDEX, '確認', { filters: { form: ['cloud'] } });
  const list = ids(cloud);
  assert.ok(list.includes('hb-external-service'));
  assert.ok(list.includes('hb-saas-terms'));
  assert.ok(!list.includes('hb-media-handling'), 'storage only');
  assert.ok(list.includes('hb-body-only'), 'no form value: applies');
  assert.ok(!list.some((id) => id.startsWith('term-')), 'documents without facets drop out');
  const build = search(INDEX, '外部サービス', { filters: { form: ['build'] } });
  assert.ok(!ids(build).includes('hb-external-service'), 'na never applies');
});

test('limit and total', () => {
  const r = search(INDEX, '確認', { limit: 2 });
  assert.equal(r.results.length, 2);
  assert.ok(r.total > 2);
});

test('excerpt marks the matches', () => {
  const r = search(INDEX, '再委託');
  const hit = r.results.find((x) => x.doc.id === 'hb-body-only');
  const { text, marks } = hit.excerpt;
  assert.ok(marks.length > 0);
  for (const [a, b] of marks) assert.equal(text.slice(a, b), '再委託');
  const top = r.results.find((x) => x.doc.id === 'hb-subcontracting-limit');
  assert.deepEqual(top.titleMarks.map(([a, b]) => top.doc.title.slice(a, b)), ['再委託']);
  // Matches in folded text map back to the original characters.
  const idx = buildIndex([{ id: 'x', title: 'x', text: 'まず、ｻｰﾊﾞｰとＵＳＢメモリを確認する。' }], []);
  const ex = search(idx, 'サーバ usb').results[0].excerpt;
  const marked = ex.marks.map(([a, b]) => ex.text.slice(a, b));
  assert.deepEqual(marked, ['ｻｰﾊﾞｰ', 'ＵＳＢ']);
});

test('excerpt window around a late match', () => {
  const long = 'あ'.repeat(300) + '。暗号化の方式を定める。' + 'い'.repeat(300);
  const idx = buildIndex([{ id: 'x', title: 'x', text: long }], []);
  const ex = search(idx, '暗号').results[0].excerpt;
  assert.ok(ex.text.startsWith('…暗号化'));
  assert.ok(ex.text.endsWith('…'));
  assert.equal(ex.text.slice(ex.marks[0][0], ex.marks[0][1]), '暗号');
});

// ---------------------------------------------------------------------------------------------
// Lookup
// ---------------------------------------------------------------------------------------------

const LOOKUP = {
  site: { title: 'テスト' },
  facets: FACETS,
  grades: GRADES,
  requirements: [
    { id: 'r-any', title: '全般', status: 'active', facets: {},
      sources: [{ doc: 'h', section: '1.1', label: '手引書 1.1' }], checks: [] },
    { id: 'r-contract', title: '契約', status: 'active', facets: { phase: ['contract'], info: ['personal'] },
      sources: [{ doc: 'h', section: '9.3.1(13)', label: '手引書 9.3.1(13)' }],
      checks: [{ text: '契約に含めたか。', checklist: 'c', section: '9.3.1(13)' },
        { text: '再委託の条件, "承認"を\n定めたか。', checklist: 'c', section: 'p.10' }] },
    { id: 'r-cloud', title: 'クラウド', status: 'active', facets: { phase: ['decision', 'operation'], form: { cloud: 'required', build: 'na' } },
      sources: [{ doc: 'h', section: '9.4', label: '手引書 9.4' }], checks: [{ text: '約款を確認したか。', checklist: 'c' }] },
    { id: 'r-build', title: '構築', status: 'active', facets: { phase: ['decision'], form: { build: 'optional' } },
      sources: [{ doc: 'h', section: '9.2', label: '手引書 9.2' }], checks: [{ text: '仕様書に記載したか。', checklist: 'c' }] },
    { id: 'r-gone', title: '廃止', status: 'retired', facets: { phase: ['decision'] }, sources: [], checks: [] },
  ],
  scenarios: [{ id: 's', title: '場面', url: 'scenarios/s.html', selection: { form: ['cloud'] } }],
};

test('lookupMatches: no value applies, the applies: false grade never applies', () => {
  const [any, contract, cloud, build] = LOOKUP.requirements;
  assert.ok(lookupMatches(any, { form: ['cloud'], info: ['personal'] }, FACETS, GRADES));
  assert.ok(lookupMatches(cloud, { form: ['cloud'] }, FACETS, GRADES));
  assert.ok(!lookupMatches(cloud, { form: ['build'] }, FACETS, GRADES), 'na');
  assert.ok(lookupMatches(cloud, { form: ['build', 'cloud'] }, FACETS, GRADES), 'one non-na is enough');
  assert.ok(!lookupMatches(build, { form: ['storage'] }, FACETS, GRADES), 'no grade for the value');
  assert.ok(lookupMatches(contract, { form: ['storage'] }, FACETS, GRADES), 'no form value');
  assert.ok(!lookupMatches(contract, { info: ['confidential'] }, FACETS, GRADES));
  assert.ok(lookupMatches(contract, { info: ['confidential', 'personal'] }, FACETS, GRADES));
  assert.ok(lookupMatches(contract, {}, FACETS, GRADES));
  assert.ok(lookupMatches(contract, { info: [] }, FACETS, GRADES), 'empty selection ignored');
});

test('lookupMatches: which grade does not apply comes from the grade list, not from its key', () => {
  const item = { facets: { form: { build: 'na', cloud: 'none' } } };
  const own = [{ key: 'na', symbol: '!', label: '注意' }, { key: 'none', symbol: '－', label: '対象外', applies: false }];
  assert.ok(lookupMatches(item, { form: ['build'] }, FACETS, own), '`na` is an ordinary grade here');
  assert.ok(!lookupMatches(item, { form: ['cloud'] }, FACETS, own), '`none` is declared applies: false');
  assert.ok(lookupMatches(item, { form: ['cloud'] }, FACETS, []), 'no grade declared: every grade applies');
});

// The lookup itself (groups, checklist rows, URL fragment, CSV) is lookup-core.js: Tests/js/lookup-core.test.js.

test('classic script: attaches to globalThis.Tebiki.search', () => {
  assert.equal(globalThis.Tebiki.search.normalize, normalize);
});
