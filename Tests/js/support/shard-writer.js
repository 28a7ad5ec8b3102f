// The sharded browser form of a complete index (docs/search.md "Sharded form"), written the
// way Sources/TebikiCore/Search/Indexer.swift writes it, for the node tests.
'use strict';
const core = require('../../../theme/assets/js/search-core.js');

const { normalize, shardOf, tokenListKeys } = core;

function isEmptyValue(v) {
  if (v == null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return v === '';
}

function pack(list) {
  const out = [];
  let last = 0;
  for (let k = 0; k + 2 < list.length; k += 3) {
    const head = (list[k] - last) * 4 + list[k + 1];
    last = list[k];
    const tf = list[k + 2];
    if (tf <= 3) out.push(head * 4 + tf); else out.push(head * 4, tf);
  }
  return out;
}

// Keys of the ID and section table: [key, bonusKind] (1 ID, 2 section, 3 section prefix).
function sectionKeys(ns) {
  const out = [[ns, 2]];
  const digit = (c) => c >= 0x30 && c <= 0x39;
  for (let len = 1; len < ns.length; len++) {
    const a = ns.charCodeAt(len - 1);
    const b = ns.charCodeAt(len);
    if ((digit(a) && !digit(b)) || (a === 0x29 && b === 0x28)) out.push([ns.slice(0, len), 3]);
  }
  return out;
}

function keyTable(docs) {
  const table = new Map();
  const add = (k, d, b) => {
    if (!k) return;
    if (!table.has(k)) table.set(k, []);
    table.get(k).push(d, b);
  };
  docs.forEach((doc, d) => add(normalize(doc.id || ''), d, 1));
  docs.forEach((doc, d) => {
    if ((doc.kind || 'requirement') !== 'requirement') return; // only requirements take section bonuses
    const done = new Set();
    for (const s of doc.sections || []) {
      for (const [k, b] of sectionKeys(normalize(s))) {
        if (!k || done.has(k)) continue;
        done.add(k);
        add(k, d, b);
      }
    }
  });
  return table;
}

function facetRow(doc, facets, grades) {
  const notApplicable = new Set((grades || []).filter((g) => g.applies === false).map((g) => g.key));
  if (isEmptyValue(doc.facets)) return null;
  return facets.map((f) => {
    const v = doc.facets[f.key];
    if (isEmptyValue(v)) return 0;
    const index = (c) => {
      const i = (f.values || []).findIndex((x) => x.key === c);
      return i >= 0 ? i : c;
    };
    if (Array.isArray(v)) return v.map(index);
    if (typeof v === 'object') return Object.keys(v).filter((c) => v[c] != null && !notApplicable.has(v[c])).map(index);
    return [index(v)];
  });
}

/**
 * shardIndex(index, {p, t, k, docsPerShard}) → Map fileName → {kind, n, data}
 * (counts default to 1 shard of each kind and 4 documents per document shard).
 */
function shardIndex(index, options) {
  const o = Object.assign({ p: 1, t: 1, k: 1, docsPerShard: 4 }, options);
  const docs = index.docs || [];
  const files = new Map();
  const put = (kind, n, data) => files.set(core.shardFile(kind, n), { kind, n, data });

  const postings = Array.from({ length: o.p }, () => ({}));
  const lists = Array.from({ length: o.t }, () => new Set());
  for (const token of Object.keys(index.postings).sort()) {
    postings[shardOf(token, o.p)][token] = pack(index.postings[token]);
    for (const c of tokenListKeys(token)) lists[shardOf(c, o.t)].add(token);
  }
  postings.forEach((data, n) => put('p', n, data));
  lists.forEach((set, n) => put('t', n, Array.from(set).sort()));

  const table = keyTable(docs);
  const keys = Array.from({ length: o.k }, () => ({}));
  const keyChars = new Set();
  for (const [k, v] of table) {
    keys[shardOf(k, o.k)][k] = v;
    for (const c of k) keyChars.add(c);
  }
  keys.forEach((data, n) => put('k', n, data));

  const d = Math.max(1, Math.ceil(docs.length / o.docsPerShard));
  for (let n = 0; n < d; n++) put('d', n, docs.slice(n * o.docsPerShard, (n + 1) * o.docsPerShard));
  put('f', 0, docs.map((doc) => facetRow(doc, index.facets || [], index.grades)));

  const status = {};
  docs.forEach((doc, i) => { if (doc.status && doc.status !== 'active') status[i] = doc.status; });
  const long = [];
  docs.forEach((doc, i) => { if ((doc.text || '').length >= 2000) long.push(i); });
  const glossary = [];
  docs.forEach((doc, i) => {
    if (doc.kind === 'glossary' && !(doc.status && doc.status !== 'active')) glossary.push([i, doc.title, doc.url]);
  });
  const kinds = [];
  docs.forEach((doc) => {
    const k = doc.kind || 'requirement';
    if (kinds.length && kinds[kinds.length - 1][0] === k) kinds[kinds.length - 1][1]++; else kinds.push([k, 1]);
  });
  put('m', 0, Object.assign({
    format: 1,
    version: index.version,
    fields: index.fields,
    weights: index.weights,
    synonyms: index.synonyms,
    facets: index.facets,
    grades: index.grades,
    hash: 'fnv1a32',
    docs: docs.length,
    docsPerShard: o.docsPerShard,
    shards: { p: o.p, t: o.t, k: o.k, d },
    status,
    long,
    keyChars: Array.from(keyChars).sort().join(''),
    glossary,
    kinds,
    build: 'test',
  }, index.variants ? { variants: index.variants } : {}));
  return files;
}

/** A loader over shardIndex's files, going through the script text and Tebiki.search.shard. */
function memoryLoader(files, vm) {
  return async (kind, n) => {
    const f = files.get(core.shardFile(kind, n));
    if (!f) throw new Error('no such shard ' + core.shardFile(kind, n));
    const text = 'Tebiki.search.shard(' + JSON.stringify(kind) + ',' + n + ',' + JSON.stringify(f.data) + ');\n';
    vm.runInThisContext('(function (Tebiki) {' + text + '})')({ search: core });
    return core.takeShard(kind, n);
  };
}

module.exports = { shardIndex, memoryLoader, pack };
