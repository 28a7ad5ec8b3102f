// Reads the search index a build wrote (docs/search.md "Sharded form"): search/index.json names
// the shards, each a script `Tebiki.search.shard(kind, n, "<base64 of raw DEFLATE of JSON>")`.
// `loadIndex` puts the complete index back together (docs, postings as flat triples, and the
// rest from the manifest), the object the ranking code takes.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const zlib = require('zlib');
const core = require('../../../theme/assets/js/search-core.js');

/** A shard file's kind, number and decoded data. */
function readShard(searchDir, name) {
  const text = fs.readFileSync(path.join(searchDir, name), 'utf8');
  let got;
  vm.runInThisContext('(function (Tebiki) {' + text + '})')({ search: { shard: (kind, n, data) => { got = { kind, n, data }; } } });
  if (!got) throw new Error(name + ' registers no shard');
  if (typeof got.data === 'string') got.data = JSON.parse(zlib.inflateRawSync(Buffer.from(got.data, 'base64')).toString('utf8'));
  return got;
}

/** `file` is a search/index.json (or the search/ folder): the complete index. */
function loadIndex(file) {
  const dir = fs.existsSync(file) && fs.statSync(file).isDirectory() ? file : path.dirname(file);
  const entry = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const m = readShard(dir, 'manifest.js').data;
  const docs = [];
  for (let n = 0; n < entry.shards.d; n++) docs.push(...readShard(dir, core.shardFile('d', n)).data);
  const postings = {};
  for (let n = 0; n < entry.shards.p; n++) {
    const shard = readShard(dir, core.shardFile('p', n)).data;
    for (const token of Object.keys(shard)) postings[token] = core.decodePostings(shard[token]);
  }
  return {
    version: m.version, fields: m.fields, weights: m.weights, docs, postings,
    synonyms: m.synonyms, variants: m.variants, facets: m.facets, grades: m.grades,
  };
}

module.exports = { readShard, loadIndex };
