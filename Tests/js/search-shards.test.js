// Run with: node --test Tests/js/
// The sharded browser form (docs/search.md "Sharded form") gives exactly the results of the
// complete index.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const core = require('../../theme/assets/js/search-core.js');
const { shardIndex, memoryLoader, pack } = require('./support/shard-writer.js');
const { readShard, loadIndex } = require('./support/site-index.js');

const { normalize, tokenize, search, createShardedSearch } = core;

// ---------------------------------------------------------------------------------------------
// Hash
// ---------------------------------------------------------------------------------------------

test('shard hash: shared cases (Tests/Fixtures/search/shard-hash-cases.json)', () => {
  const file = path.join(__dirname, '..', 'Fixtures', 'search', 'shard-hash-cases.json');
  const cases = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.ok(cases.length >= 15);
  for (const c of cases) {
    assert.equal(core.fnv1a32(c.input), c.fnv1a32, JSON.stringify(c.input));
    for (const [count, shard] of Object.entries(c.shards)) {
      assert.equal(core.shardOf(c.input, Number(count)), shard, `${JSON.stringify(c.input)} mod ${count}`);
    }
  }
  assert.equal(core.fnv1a32('a'), 0xE40C292C);
  assert.equal(core.fnv1a32('foobar'), 0xBF9CF968);
});

test('packed postings round-trip', () => {
  const list = [0, 0, 1, 0, 3, 2, 5, 1, 3, 5, 3, 4, 1000, 2, 17, 1001, 0, 1];
  assert.deepEqual(pack(list), [1, 14, 87, 12, 4, 15928, 17, 17]);
  assert.deepEqual(core.decodePostings(pack(list)), list);
  assert.deepEqual(core.decodePostings([]), []);
});

test('token list keys and file names', () => {
  assert.deepEqual(core.tokenListKeys('委託'), ['委', '託']);
  assert.deepEqual(core.tokenListKeys('々々'), ['々']);
  assert.deepEqual(core.tokenListKeys('saas'), ['s']);
  assert.deepEqual(core.tokenListKeys('条'), ['条']);
  assert.equal(core.shardFile('m', 0), 'manifest.js');
  assert.equal(core.shardFile('f', 0), 'filters.js');
  assert.equal(core.shardFile('p', 12), 'p-12.js');
  assert.equal(core.shardFile('d', 0), 'd-0.js');
});

// ---------------------------------------------------------------------------------------------
// A fixture index with the features the ranking depends on: synonyms, Latin words, sections,
// facets (multi and graded, with na and missing grades), retired and renamed documents, every
// kind, texts cut shorter than the body, and tied scores.
// ---------------------------------------------------------------------------------------------

const FACETS = [
  { key: 'phase', label: '段階', kind: 'multi', values: [
    { key: 'decision', label: '可否判断' }, { key: 'contract', label: '契約' },
    { key: 'operation', label: '履行中' }, { key: 'termination', label: '終了' }] },
  { key: 'form', label: '委託の形態', kind: 'graded', values: [
    { key: 'build', label: '構築' }, { key: 'storage', label: '保存' }, { key: 'cloud', label: 'クラウド' }] },
  { key: 'org', label: '対象組織', kind: 'multi', values: [
    { key: 'national', label: '国の機関等' }, { key: 'local', label: '地方公共団体' }] },
];
const GRADES = [
  { key: 'required', symbol: '○', label: '必須' }, { key: 'optional', symbol: '△', label: '選択' },
  { key: 'na', symbol: '×', label: '該当なし', applies: false },
];

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const WORDS = ['委託先', '再委託', '情報セキュリティ', '契約', '機密性', '外部サービス', 'クラウド', '個人情報',
  '検収', '監査', 'インシデント', '媒体', '認証', 'アクセス制御', 'ログ', '暗号化', '脆弱性', '保守', '運用',
  'データセンター', 'サーバー', 'ｻｰﾊﾞｰ', 'USBメモリ', '電磁的記録媒体', 'SaaS', 'SLA', 'ISMS', 'BYOD', 'saasy',
  '第3条', '第１２条', '条項', '人々', '承認', '報告', '廃棄', '持ち出し', 'バックアップ', '確認', '手順',
  'ISO/IEC 27001', 'sla2', 'p.10', '9.3.1', '委', '条'];
const GLUE = ['を', 'の', 'に', 'は', 'と', '、', '。', 'について', 'する', 'します。', '\n'];

const RARE = ['蜂蜜', '林檎', '檸檬', '葡萄', '胡桃', '柘', '榴'];

function sentence(r, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += WORDS[Math.floor(r() * WORDS.length)] + GLUE[Math.floor(r() * GLUE.length)];
  return s;
}

function fixtureDocs() {
  const r = rng(20240601);
  const docs = [];
  const kinds = ['requirement', 'requirement', 'requirement', 'glossary', 'checklist', 'scenario'];
  const sections = ['9.3.1(13)', '9.3.1(12)', '9.3.1.2', '9.3.5', '9.4', '9.4.1', '1.2.5.1(2)(c)', 'p.10', 'p.1',
    '９．３．７', '9.3.1'];
  for (let i = 0; i < 90; i++) {
    const kind = i < 6 ? kinds[i] : kinds[Math.floor(r() * kinds.length)];
    const id = (kind === 'glossary' ? 'term-' : kind === 'checklist' ? 'checklist-' : kind === 'scenario' ? 'scenario-' : 'hb-') +
      ['alpha', 'beta', 'gamma', 'delta', 'sla', 'saas', 'media', 'log'][i % 8] + '-' + i;
    const long = r() < 0.15;
    let body = sentence(r, long ? 500 : 5 + Math.floor(r() * 60));
    // Rare words: in long bodies only after the cut (so not in the text), elsewhere anywhere.
    for (const w of RARE) if (r() < 0.3) body += w.repeat(1 + Math.floor(r() * 3)) + '。';
    const facets = {};
    if (r() < 0.8) {
      if (r() < 0.7) facets.phase = FACETS[0].values.filter(() => r() < 0.4).map((v) => v.key);
      if (r() < 0.5) {
        facets.form = {};
        for (const v of FACETS[1].values) if (r() < 0.6) facets.form[v.key] = ['required', 'optional', 'na', ''][Math.floor(r() * 4)];
      }
      if (r() < 0.3) facets.org = [r() < 0.5 ? 'national' : 'local'];
      if (r() < 0.1) facets.org = ['unknown-org'];
    }
    docs.push({
      id,
      kind,
      title: i % 17 === 0 ? '暗号' : sentence(r, 1 + Math.floor(r() * 3)).replace(/[。\n]/g, ''),
      url: 'x/' + id + '.html',
      summary: r() < 0.8 ? sentence(r, 2 + Math.floor(r() * 5)) + (r() < 0.1 ? RARE[i % RARE.length] : '') : '',
      body,
      text: long ? body.slice(0, 2000) : body, // as Indexer.swift cuts it
      sections: kind === 'requirement' ? sections.filter(() => r() < 0.2) : [],
      facets: kind === 'glossary' ? {} : facets,
      status: r() < 0.1 ? 'retired' : r() < 0.05 ? 'renamed' : 'active',
    });
  }
  return docs;
}

// As Indexer.swift builds it: fields title, id, summary, body (the body is longer than `text`).
function buildIndex(docs, synonyms) {
  const postings = {};
  docs.forEach((d, di) => {
    [d.title, d.id, d.summary, d.body].forEach((f, fi) => {
      const tf = new Map();
      for (const t of tokenize(f || '')) tf.set(t, (tf.get(t) || 0) + 1);
      for (const [t, n] of tf) (postings[t] = postings[t] || []).push(di, fi, n);
    });
  });
  return {
    version: 1,
    fields: ['title', 'id', 'summary', 'body'],
    weights: [10, 8, 4, 1],
    docs: docs.map((d) => ({ id: d.id, kind: d.kind, title: d.title, url: d.url, summary: d.summary, text: d.text,
      sections: d.sections, facets: d.facets, status: d.status })),
    postings,
    synonyms: synonyms.map((g) => g.map(normalize)),
    facets: FACETS,
    grades: GRADES,
  };
}

const SYNONYMS = [
  ['電磁的記録媒体', 'USBメモリ', '外部記録媒体', '記録媒体'],
  ['外部サービス', 'クラウド', 'クラウドサービス', 'SaaS'],
  ['委託先', '受託者'],
  ['サービスレベル', 'SLA'],
];

const INDEX = buildIndex(fixtureDocs(), SYNONYMS);

const FIXED_QUERIES = ['再委託', '情報セキュリティ', 'クラウド', 'USBメモリ', 'usbメモリの紛失', 'SaaS', 'saa', 's', 'sa',
  'sla', 'isms', 'iso', 'ISO/IEC 27001', '27001', '委', '条', '第3条', '第12条', '３条', 'ｻｰﾊﾞｰ', 'サーバ', '暗号',
  '委託先 管理', '再委託 存在しない語', 'まったく無関係', '9.3.1', '9.3.1(13)', '９．３．１（１３）', '9', '9.3', 'p.1',
  'p.10', 'hb-alpha-0', 'HB-SLA-4', 'term-delta-3', 'checklist-gamma-2', '人々', '々', 'ー', '', '   ', 'a b c',
  '確認 手順 報告', 'sla 契約', '契約 sla', 'log', 'media', '1', '12', '条項 条', 'データセンター', 'アクセス制御',
  '外部 サービス', 'クラウドサービス', 'byod 持ち出し', 'saasy', 'の', 'する', '蜂蜜', '林檎', '檸檬 葡萄', '胡桃 蜂蜜',
  '柘', '榴', '柘榴', '蜂', '蜜 林'];

function randomQueries(n) {
  const r = rng(7);
  const out = [];
  const texts = INDEX.docs.map((d) => d.title + d.summary + d.text);
  for (let i = 0; i < n; i++) {
    const t = texts[Math.floor(r() * texts.length)];
    const a = Math.floor(r() * t.length);
    const q = t.slice(a, a + 1 + Math.floor(r() * 6));
    out.push(r() < 0.3 ? q + ' ' + WORDS[Math.floor(r() * WORDS.length)] : q);
  }
  return out;
}

const OPTIONS = [{}, { limit: 8 }, { limit: 1 }, { limit: 2 }, { limit: 3 }, { limit: 0 }, { limit: 1000 }, { includeRetired: true },
  { filters: { phase: ['contract'] } }, { filters: { form: ['cloud', 'build'], phase: ['decision', 'operation'] }, limit: 5 },
  { filters: { org: ['unknown-org'] } }, { filters: { form: ['nothing'] } }, { filters: { nosuchfacet: ['x'] } },
  { filters: { phase: [] } }];

const CONFIGS = [
  { p: 1, t: 1, k: 1, docsPerShard: 1000 },
  { p: 7, t: 3, k: 5, docsPerShard: 1 },
  { p: 64, t: 16, k: 8, docsPerShard: 3 },
];

async function compareAll(index, queries, options, config) {
  const files = shardIndex(index, config);
  const searcher = createShardedSearch(memoryLoader(files, vm));
  let n = 0;
  for (const q of queries) {
    for (const o of options) {
      const want = search(index, q, o);
      const got = await searcher.search(q, o);
      assert.deepStrictEqual(got, want, `${JSON.stringify(q)} ${JSON.stringify(o)} ${JSON.stringify(config)}`);
      n++;
    }
  }
  return { n, searcher, files };
}

test('sharded search equals the complete index (fixed queries, every option, several shard counts)', async () => {
  for (const config of CONFIGS) {
    const { n } = await compareAll(INDEX, FIXED_QUERIES, OPTIONS, config);
    assert.equal(n, FIXED_QUERIES.length * OPTIONS.length);
  }
});

test('sharded search equals the complete index (random queries)', async () => {
  for (const config of CONFIGS) await compareAll(INDEX, randomQueries(300), [{}, { limit: 5 }], config);
});

test('a number has no phrase factor: its digits in any order score as the number itself', () => {
  // Numbers and section numbers are matched exactly through the ID and section table; a phrase
  // factor for them made the sharded search load most documents to rank a section query whose
  // digits are everywhere (「9.3.5」 loaded 727 files, 3.5 MB, at 10,000 generated pages).
  const doc = (id, title) => ({ id, kind: 'requirement', title, url: id + '.html', summary: '', body: '本文',
    text: '本文', sections: [], facets: {}, status: 'active' });
  const index = buildIndex([doc('hb-a', '手順 9.3.5 を見る'), doc('hb-b', '手順 5.3.9 を見る')], []);
  const got = search(index, '9.3.5', { limit: 5 });
  assert.equal(got.results.length, 2);
  assert.equal(got.results[0].score, got.results[1].score);
  // Words keep theirs: the whole phrase in the title still counts double.
  const words = buildIndex([doc('hb-a', '再委託の制限'), doc('hb-b', '委託の再制限')], []);
  const w = search(words, '再委託', { limit: 5 });
  assert.equal(w.results[0].doc.id, 'hb-a');
  assert.ok(w.results.length === 1 || w.results[0].score > w.results[1].score);
});

test('sharded search: a cold searcher per query loads only what the query needs', async () => {
  const files = shardIndex(INDEX, { p: 16, t: 4, k: 4, docsPerShard: 2 });
  for (const q of ['再委託', 'saa', '条', '9.3.1']) {
    const searcher = createShardedSearch(memoryLoader(files, vm));
    assert.deepStrictEqual(await searcher.search(q, { limit: 3 }), search(INDEX, q, { limit: 3 }));
    const loaded = searcher.loaded();
    assert.equal(loaded[0], 'manifest.js');
    assert.ok(!loaded.includes('filters.js'), 'no filter, no facet table');
    assert.ok(loaded.filter((f) => f.startsWith('d-')).length <= 12, loaded.join(' '));
    if (/[ぁ-んァ-ン一-龠]/.test(q)) assert.ok(!loaded.some((f) => f.startsWith('k-')), 'no ID/section table: ' + loaded);
  }
  const searcher = createShardedSearch(memoryLoader(files, vm));
  await searcher.search('再委託');
  assert.ok(!searcher.loaded().some((f) => f.startsWith('t-')), 'no token list without prefix or one-character tokens');
  await searcher.search('再委託', { filters: { phase: ['contract'] } });
  assert.ok(searcher.loaded().includes('filters.js'));
});

test('sharded search: the default site index, when built (_site/search/index.json)', async (t) => {
  const file = process.env.TEBIKI_INDEX_JSON || path.join(__dirname, '..', '..', '_site', 'search', 'index.json');
  if (!fs.existsSync(file)) { t.skip('no built site'); return; }
  const index = loadIndex(file);
  const queries = FIXED_QUERIES.concat(['外部委託', '委託先の選定', 'クラウドサービス 約款', 'isms認証', 'ASP', 'hb-subcontracting-limit', '9.3.5']);
  await compareAll(index, queries, [{}, { limit: 8 }, { filters: { phase: ['contract'] } }], { p: 5, t: 3, k: 2, docsPerShard: 2 });
});

test('decodeShard: base64 of raw DEFLATE → the JSON value; other values as they are', async () => {
  const value = { 委託: [5, 12, 0, 7], text: '再委託の承認'.repeat(50) };
  const packed = require('zlib').deflateRawSync(Buffer.from(JSON.stringify(value))).toString('base64');
  assert.deepStrictEqual(await core.decodeShard(packed), value);
  const plain = [1, 2];
  assert.equal(await core.decodeShard(plain), plain);
  await assert.rejects(core.decodeShard(Buffer.from('not deflate').toString('base64')));
});

test('sharded search: a failed shard rejects and is retried', async () => {
  const files = shardIndex(INDEX, { p: 4, t: 2, k: 2, docsPerShard: 5 });
  const inner = memoryLoader(files, vm);
  let fail = true;
  const searcher = createShardedSearch((kind, n) => {
    if (kind === 'p' && fail) { fail = false; return Promise.reject(new Error('offline')); }
    return inner(kind, n);
  });
  await assert.rejects(searcher.search('再委託'), /offline/);
  assert.deepStrictEqual(await searcher.search('再委託'), search(INDEX, '再委託'));
});

test('sharded search: an incomplete document shard is an error, not a hang', async () => {
  const files = shardIndex(INDEX, { docsPerShard: 100 });
  files.get('d-0.js').data = files.get('d-0.js').data.slice(0, 3);
  const searcher = createShardedSearch(memoryLoader(files, vm));
  await assert.rejects(searcher.search('再委託'), /lacks document/);
});

// ---------------------------------------------------------------------------------------------
// The files Indexer.swift wrote for a built site (TEBIKI_SITE, else _site when it has them):
// the same data as the writer above with the same counts, and the same results.
// ---------------------------------------------------------------------------------------------

function siteFiles(dir) {
  const read = (name) => readShard(path.join(dir, 'search'), name);
  return { read, index: loadIndex(path.join(dir, 'search', 'index.json')) };
}

test('sharded search: the files Indexer.swift wrote (TEBIKI_SITE or _site)', async (t) => {
  const dir = process.env.TEBIKI_SITE || path.join(__dirname, '..', '..', '_site');
  if (!fs.existsSync(path.join(dir, 'search', 'manifest.js'))) { t.skip('no built site with search/manifest.js'); return; }
  const { read, index } = siteFiles(dir);
  const manifest = read('manifest.js').data;
  const expected = shardIndex(index, Object.assign({ docsPerShard: manifest.docsPerShard }, manifest.shards));
  for (const [name, f] of expected) {
    const got = read(name);
    assert.equal(got.kind, f.kind, name);
    assert.equal(got.n, f.n, name);
    if (f.kind === 'm') {
      assert.deepStrictEqual(Object.assign({}, got.data, { build: 'test' }), f.data, name);
      assert.match(got.data.build, /^[0-9a-f]+$/);
    } else {
      assert.deepStrictEqual(got.data, f.data, name);
    }
  }
  // The page's path: the file's string as written, decoded by search-core.js (DecompressionStream).
  const raw = (name) => {
    let data;
    vm.runInThisContext('(function (Tebiki) {' + fs.readFileSync(path.join(dir, 'search', name), 'utf8') + '})')({ search: { shard: (k, n, d) => { data = d; } } });
    return data;
  };
  assert.equal(typeof raw('p-0.js'), 'string');
  const entry = JSON.parse(fs.readFileSync(path.join(dir, 'search', 'index.json'), 'utf8'));
  assert.equal(entry.encoding, 'deflate-raw+base64');
  assert.deepStrictEqual(entry.shards, manifest.shards);
  assert.equal(entry.build, manifest.build);
  const searcher = createShardedSearch(async (kind, n) => raw(core.shardFile(kind, n)));
  const queries = FIXED_QUERIES.concat(['外部委託', '委託先の選定', 'クラウドサービス 約款', 'isms認証', 'ASP', '9.3.5']);
  for (const q of queries) {
    for (const o of [{}, { limit: 8 }, { filters: { phase: ['contract'] } }]) {
      assert.deepStrictEqual(await searcher.search(q, o), search(index, q, o), `${q} ${JSON.stringify(o)}`);
    }
  }
});

test('sharded search: a body match past the end of a cut text gets no phrase bonus', async () => {
  // A's body has 蜂蜜 three times, after its text is cut; C has it twice in its text:
  // (1 + ln 2) × 1.5 > 1 + ln 3, so C ranks first.
  const filler = 'あいうえお。'.repeat(400);
  const docs = [
    { id: 'a', kind: 'requirement', title: '甲', summary: '', body: filler + '蜂蜜蜂蜜蜂蜜', sections: [], facets: {}, status: 'active' },
    { id: 'c', kind: 'requirement', title: '乙', summary: '', body: '蜂蜜と蜂蜜', sections: [], facets: {}, status: 'active' },
    { id: 'z', kind: 'requirement', title: '丙', summary: '', body: 'その他', sections: [], facets: {}, status: 'active' },
  ].map((d) => Object.assign(d, { url: d.id + '.html', text: d.body.slice(0, 2000) }));
  const index = buildIndex(docs, []);
  const files = shardIndex(index, { docsPerShard: 1 });
  for (const limit of [1, 2]) {
    const searcher = createShardedSearch(memoryLoader(files, vm));
    const want = search(index, '蜂蜜', { limit });
    assert.equal(want.results[0].doc.id, 'c');
    assert.deepStrictEqual(await searcher.search('蜂蜜', { limit }), want);
  }
});
