/*
 * Tebiki search core (DOM-free). Contract: docs/search.md.
 *
 * A classic script: it attaches itself to globalThis.Tebiki.search so that pages opened from
 * file:// can load it with a plain <script> element. Node tests load it with require().
 */
(function (root) {
  'use strict';

  // ---------------------------------------------------------------------------------------
  // Normalisation
  // ---------------------------------------------------------------------------------------

  // Small kana (after katakana → hiragana) → large kana.
  const SMALL_TO_LARGE = new Map([
    [0x3041, 0x3042], [0x3043, 0x3044], [0x3045, 0x3046], [0x3047, 0x3048], [0x3049, 0x304A],
    [0x3063, 0x3064], [0x3083, 0x3084], [0x3085, 0x3086], [0x3087, 0x3088], [0x308E, 0x308F],
    [0x3095, 0x304B], [0x3096, 0x3051],
  ]);

  // Kana for the long-vowel rule: the hiragana block and the katakana letters (ヷ…ヺ, ヽヾヿ).
  function isKana(cp) {
    return (cp >= 0x3041 && cp <= 0x309F) || (cp >= 0x30A1 && cp <= 0x30FA) ||
      (cp >= 0x30FD && cp <= 0x30FF);
  }

  // Lower-case one code point, keeping only one-to-one mappings (Swift does the same).
  function lowerCodePoint(cp) {
    if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5A) ? cp + 0x20 : cp;
    if ((cp >= 0x3000 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
      (cp >= 0xF900 && cp <= 0xFAFF)) return cp; // no cased letters there
    const ch = String.fromCodePoint(cp);
    const lower = ch.toLowerCase();
    if (lower === ch) return cp;
    const first = lower.codePointAt(0);
    return lower.length === (first > 0xFFFF ? 2 : 1) ? first : cp;
  }

  /** docs/search.md "Normalisation", steps 1–6. */
  function normalize(s) {
    if (s == null) return '';
    const src = String(s).normalize('NFKC');
    const out = [];
    let prevKana = false;
    for (let i = 0; i < src.length; i++) {
      let cp = src.charCodeAt(i);
      if (cp < 0x80) {
        out.push((cp >= 0x41 && cp <= 0x5A) ? cp + 0x20 : cp);
        prevKana = false;
        continue;
      }
      if (cp >= 0x3041 && cp <= 0x30FF) { // kana: the common case after ASCII and Han
        if (cp === 0x30FC) { // ー
          if (!prevKana) out.push(cp);
          continue;
        }
        if (cp >= 0x30A1 && cp <= 0x30F6) cp -= 0x60;
        const large = SMALL_TO_LARGE.get(cp);
        if (large !== undefined) cp = large;
        prevKana = isKana(cp);
        out.push(cp);
        continue;
      }
      if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < src.length) {
        const lo = src.charCodeAt(i + 1);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = lowerCodePoint(((cp - 0xD800) << 10) + (lo - 0xDC00) + 0x10000);
          i++;
          out.push(0xD800 + ((cp - 0x10000) >> 10), 0xDC00 + ((cp - 0x10000) & 0x3FF));
          prevKana = false;
          continue;
        }
      }
      cp = lowerCodePoint(cp);
      prevKana = false;
      out.push(cp);
    }
    let r = '';
    for (let k = 0; k < out.length; k += 4096) r += String.fromCharCode.apply(null, out.slice(k, k + 4096));
    return r;
  }

  // ---------------------------------------------------------------------------------------
  // Tokenisation
  // ---------------------------------------------------------------------------------------

  function isCJK(cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3041 && cp <= 0x309F) ||
      (cp >= 0x30A1 && cp <= 0x30FF && cp !== 0x30FB) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || cp === 0x3005 || cp === 0x3006;
  }

  function isWordCode(c) {
    return (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39);
  }

  function isWordToken(t) {
    return t.length > 0 && isWordCode(t.charCodeAt(0));
  }

  /** Tokens of already normalised text, in order, duplicates kept. */
  function tokenizeNormalized(n) {
    const tokens = [];
    let cjk = [];
    let word = '';
    const flushCJK = () => {
      if (cjk.length === 1) tokens.push(cjk[0]);
      else for (let k = 0; k + 1 < cjk.length; k++) tokens.push(cjk[k] + cjk[k + 1]);
      cjk = [];
    };
    for (let i = 0; i < n.length; i++) {
      const c = n.charCodeAt(i);
      if (isWordCode(c)) {
        if (cjk.length) flushCJK();
        word += n[i];
        continue;
      }
      if (word) { tokens.push(word); word = ''; }
      // Everything in the CJK ranges is in the BMP; surrogates are separators.
      if (isCJK(c)) cjk.push(n[i]);
      else if (cjk.length) flushCJK();
    }
    if (word) tokens.push(word);
    if (cjk.length) flushCJK();
    return tokens;
  }

  /** docs/search.md "Tokenisation": normalises, then splits into tokens (duplicates kept). */
  function tokenize(s) {
    return tokenizeNormalized(normalize(s));
  }

  function unique(arr) {
    return Array.from(new Set(arr));
  }

  // ---------------------------------------------------------------------------------------
  // Index preparation (cached per index object)
  // ---------------------------------------------------------------------------------------

  const hasOwn = Object.prototype.hasOwnProperty;
  const prepared = new WeakMap();

  function prepare(index) {
    let p = prepared.get(index);
    if (p) return p;
    const docs = index.docs || [];
    const postings = index.postings || {};
    const keys = Object.keys(postings).sort();
    const synonyms = (index.synonyms || []).map(
      (g) => unique(g.map((m) => normalize(m).trim()).filter(Boolean)));
    const idMap = new Map();
    const sectionList = [];
    docs.forEach((d, i) => {
      const nid = normalize(d.id || '');
      if (!idMap.has(nid)) idMap.set(nid, []);
      idMap.get(nid).push(i);
      for (const s of d.sections || []) sectionList.push([normalize(s), i]);
    });
    p = {
      docs, postings, keys, synonyms, idMap, sectionList,
      weights: index.weights || [10, 8, 4, 1],
      facets: index.facets || [],
      n: docs.length,
      idf: new Map(),
      charIndex: null,
      norm: new Map(),
    };
    prepared.set(index, p);
    return p;
  }

  function postingsOf(p, token) {
    return hasOwn.call(p.postings, token) ? p.postings[token] : null;
  }

  function idfOf(p, token) {
    let v = p.idf.get(token);
    if (v !== undefined) return v;
    const list = postingsOf(p, token) || [];
    let df = 0;
    let last = -1;
    for (let k = 0; k < list.length; k += 3) {
      if (list[k] !== last) { df++; last = list[k]; }
    }
    v = df ? Math.log(1 + p.n / df) : 0;
    p.idf.set(token, v);
    return v;
  }

  function docNorm(p, i) {
    let n = p.norm.get(i);
    if (!n) {
      const d = p.docs[i];
      n = { title: normalize(d.title || ''), summary: normalize(d.summary || ''), text: normalize(d.text || '') };
      p.norm.set(i, n);
    }
    return n;
  }

  function lowerBound(keys, s) {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < s) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // Map from a CJK character to the bigram tokens that contain it.
  function charIndex(p) {
    if (p.charIndex) return p.charIndex;
    const m = new Map();
    const add = (c, k) => { if (!m.has(c)) m.set(c, []); m.get(c).push(k); };
    for (const k of p.keys) {
      if (k.length !== 2) continue;
      const a = k.charCodeAt(0);
      const b = k.charCodeAt(1);
      if (!isCJK(a) || !isCJK(b)) continue;
      add(k[0], k);
      if (k[1] !== k[0]) add(k[1], k);
    }
    p.charIndex = m;
    return m;
  }

  const PARTIAL = 0.5; // weight of a token reached by prefix or one-character expansion

  // The index tokens a query token stands for: [[token, factor], …].
  function expandToken(p, token, asPrefix) {
    const out = [];
    if (postingsOf(p, token)) out.push([token, 1]);
    if (asPrefix) {
      for (let k = lowerBound(p.keys, token); k < p.keys.length && p.keys[k].startsWith(token); k++) {
        if (p.keys[k] !== token) out.push([p.keys[k], PARTIAL]);
      }
    } else if (token.length === 1 && isCJK(token.charCodeAt(0))) {
      for (const k of charIndex(p).get(token) || []) out.push([k, PARTIAL]);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // Query parsing and synonyms
  // ---------------------------------------------------------------------------------------

  /**
   * Splits the query into terms and expands each with the synonym groups.
   * Returns [{term, alternatives: [normalised string, …]}] (the term itself comes first).
   */
  function expandSynonyms(query, index) {
    const groups = index ? prepare(index).synonyms : [];
    const terms = normalize(query).split(/\s+/).filter(Boolean);
    return terms.map((term) => {
      const alts = [term];
      for (const g of groups) {
        // The longest member the term equals or contains; it is replaced by every member.
        let hit = '';
        for (const m of g) if (m.length > hit.length && term.includes(m)) hit = m;
        if (!hit) continue;
        for (const m of g) alts.push(term === hit ? m : term.split(hit).join(m));
      }
      return { term, alternatives: unique(alts) };
    });
  }

  // ---------------------------------------------------------------------------------------
  // Facets
  // ---------------------------------------------------------------------------------------

  function isEmptyValue(v) {
    if (v == null) return true;
    if (Array.isArray(v)) return v.length === 0;
    if (typeof v === 'object') return Object.keys(v).length === 0;
    return v === '';
  }

  /**
   * docs/search.md matching rule. `item` has `facets`; `selection` is {facetKey: [valueKey]};
   * `facets` is the facet list of the site (kind `multi` or `graded`).
   */
  function lookupMatches(item, selection, facets) {
    const own = (item && item.facets) || {};
    for (const f of facets || []) {
      const chosen = selection && selection[f.key];
      if (!chosen || chosen.length === 0) continue;
      const v = own[f.key];
      if (isEmptyValue(v)) continue; // no value: applies whatever is picked
      let ok = false;
      if (Array.isArray(v)) {
        ok = chosen.some((c) => v.includes(c));
      } else if (typeof v === 'object') {
        ok = chosen.some((c) => hasOwn.call(v, c) && v[c] != null && v[c] !== 'na');
      } else {
        ok = chosen.includes(v);
      }
      if (!ok) return false;
    }
    return true;
  }

  function hasAnySelection(sel) {
    if (!sel) return false;
    return Object.keys(sel).some((k) => sel[k] && sel[k].length > 0);
  }

  function isShown(doc, includeRetired) {
    const st = doc.status || 'active';
    return includeRetired || (st !== 'retired' && st !== 'renamed');
  }

  // ---------------------------------------------------------------------------------------
  // Search
  // ---------------------------------------------------------------------------------------

  const KIND_ORDER = { requirement: 0, glossary: 1, checklist: 2, scenario: 3 };
  const EXACT_BONUS = 1e6;
  const SECTION_PREFIX_BONUS = 1e5;

  // Per-document score of one query token: Map docIndex -> score (best expansion).
  function tokenScores(p, token, asPrefix, cache) {
    const key = (asPrefix ? '>' : '=') + token;
    if (cache.has(key)) return cache.get(key);
    const scores = new Map();
    for (const [t, factor] of expandToken(p, token, asPrefix)) {
      const list = postingsOf(p, t);
      const idf = idfOf(p, t);
      const perDoc = new Map();
      for (let k = 0; k + 2 < list.length; k += 3) {
        const w = p.weights[list[k + 1]] || 1;
        const s = w * (1 + Math.log(Math.max(1, list[k + 2]))) * idf * factor;
        perDoc.set(list[k], (perDoc.get(list[k]) || 0) + s);
      }
      for (const [d, s] of perDoc) if (!(scores.get(d) >= s)) scores.set(d, s);
    }
    cache.set(key, scores);
    return scores;
  }

  // Documents matching one term (any alternative) and their term scores.
  function termScores(p, term, prefixToken, allowed, cache) {
    const result = new Map();
    for (const alt of term.alternatives) {
      const toks = unique(tokenizeNormalized(alt));
      if (toks.length === 0) continue;
      const perToken = toks.map((t) => tokenScores(p, t, t === prefixToken, cache));
      perToken.sort((a, b) => a.size - b.size);
      for (const [d, s0] of perToken[0]) {
        if (!allowed(d)) continue;
        let s = s0;
        let ok = true;
        for (let k = 1; k < perToken.length; k++) {
          const v = perToken[k].get(d);
          if (v === undefined) { ok = false; break; }
          s += v;
        }
        if (!ok) continue;
        const n = docNorm(p, d);
        if (n.title.includes(alt)) s *= 3;
        else if (n.summary.includes(alt) || n.text.includes(alt)) s *= 1.5;
        if (!(result.get(d) >= s)) result.set(d, s);
      }
    }
    return result;
  }

  /**
   * search(index, query, {filters, includeRetired, limit})
   * → {results: [{doc, score, excerpt: {text, marks}, titleMarks}], total, mode: 'and'|'or'}
   */
  function search(index, query, options) {
    const opts = options || {};
    const limit = opts.limit == null ? 50 : opts.limit;
    const p = prepare(index);
    const filters = opts.filters || {};
    const filtering = hasAnySelection(filters);
    const allowedCache = new Map();
    const allowed = (d) => {
      let v = allowedCache.get(d);
      if (v === undefined) {
        const doc = p.docs[d];
        v = isShown(doc, opts.includeRetired) &&
          (!filtering || (!isEmptyValue(doc.facets) && lookupMatches(doc, filters, p.facets)));
        allowedCache.set(d, v);
      }
      return v;
    };

    const terms = expandSynonyms(query, index).filter(
      (t) => t.alternatives.some((a) => tokenizeNormalized(a).length > 0));
    // The last Latin token of the query also matches as a prefix.
    let prefixToken = null;
    for (const t of terms) {
      for (const tok of tokenizeNormalized(t.term)) if (isWordToken(tok)) prefixToken = tok;
    }
    const cache = new Map();
    const perTerm = terms.map((t) => termScores(p, t, prefixToken, allowed, cache));

    let mode = 'and';
    let scores = new Map();
    if (perTerm.length) {
      const sorted = perTerm.slice().sort((a, b) => a.size - b.size);
      for (const [d, s0] of sorted[0]) {
        let s = s0;
        let ok = true;
        for (let k = 1; k < sorted.length; k++) {
          const v = sorted[k].get(d);
          if (v === undefined) { ok = false; break; }
          s += v;
        }
        if (ok) scores.set(d, s);
      }
      if (scores.size === 0 && perTerm.length > 1) {
        for (const m of perTerm) for (const [d, s] of m) scores.set(d, (scores.get(d) || 0) + s);
        if (scores.size) mode = 'or';
      }
    }

    // Exact ID or section.
    const nq = normalize(query).trim();
    if (nq) {
      for (const d of p.idMap.get(nq) || []) {
        if (allowed(d)) scores.set(d, (scores.get(d) || 0) + EXACT_BONUS);
      }
      const bonusDone = new Set();
      for (const [sec, d] of p.sectionList) {
        if (bonusDone.has(d) || !allowed(d)) continue;
        let bonus = 0;
        if (sec === nq) bonus = EXACT_BONUS;
        else if (/[0-9]$/.test(nq) && sec.startsWith(nq) && !/[0-9]/.test(sec[nq.length])) {
          bonus = SECTION_PREFIX_BONUS; // 9.3.1 → 9.3.1(13), 9.3.1.2
        }
        if (bonus) {
          bonusDone.add(d);
          scores.set(d, (scores.get(d) || 0) + bonus);
        }
      }
    }

    const ranked = Array.from(scores, ([d, score]) => ({ d, score }));
    ranked.sort((a, b) => {
      if (b.score !== a.score) return b.score - a.score;
      const da = p.docs[a.d];
      const db = p.docs[b.d];
      const ka = KIND_ORDER[da.kind] ?? 9;
      const kb = KIND_ORDER[db.kind] ?? 9;
      if (ka !== kb) return ka - kb;
      return da.id < db.id ? -1 : da.id > db.id ? 1 : 0;
    });

    const needles = collectNeedles(terms, prefixToken);
    const results = ranked.slice(0, limit).map(({ d, score }) => ({
      doc: p.docs[d],
      score,
      excerpt: excerptFor(p.docs[d], needles),
      titleMarks: findMarks(p.docs[d].title || '', needles),
    }));
    return { results, total: ranked.length, mode };
  }

  // ---------------------------------------------------------------------------------------
  // Excerpts
  // ---------------------------------------------------------------------------------------

  function collectNeedles(terms, prefixToken) {
    const set = new Set();
    for (const t of terms) {
      for (const a of t.alternatives) {
        const toks = tokenizeNormalized(a);
        if (!toks.length) continue;
        set.add(a);
        for (const tok of toks) set.add(tok);
      }
    }
    if (prefixToken) set.add(prefixToken);
    return Array.from(set).filter(Boolean).sort((a, b) => b.length - a.length);
  }

  const COMBINING = /[\p{M}\uFF9E\uFF9F]/u;

  function isCombining(cp) {
    if (cp < 0x300) return false;
    if (cp >= 0x3000 && cp <= 0x9FFF) return cp === 0x3099 || cp === 0x309A;
    return COMBINING.test(String.fromCodePoint(cp));
  }

  // Characters NFKC leaves alone and whose folding is kana folding only.
  function isStableCJK(cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3041 && cp <= 0x3096) ||
      (cp >= 0x30A1 && cp <= 0x30FE) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x3001 && cp <= 0x3006) || (cp >= 0x3008 && cp <= 0x3011);
  }

  /**
   * Normalises `s` unit by unit (a code point and its combining marks) and keeps, for every
   * UTF-16 index of the result, the [start, end) range of the unit it came from.
   */
  function normalizeWithMap(s) {
    let text = '';
    const starts = [];
    const ends = [];
    let prevKana = false;
    let i = 0;
    while (i < s.length) {
      const start = i;
      const cp0 = s.codePointAt(i);
      i += cp0 > 0xFFFF ? 2 : 1;
      while (i < s.length) {
        const cp = s.codePointAt(i);
        if (!isCombining(cp)) break;
        i += cp > 0xFFFF ? 2 : 1;
      }
      let n;
      if (i - start === 1 && cp0 < 0x80) {
        n = (cp0 >= 0x41 && cp0 <= 0x5A) ? String.fromCharCode(cp0 + 0x20) : s[start];
      } else if (i - start === 1 && isStableCJK(cp0)) {
        let cp = cp0;
        if (cp === 0x30FC) n = 'ー';
        else {
          if (cp >= 0x30A1 && cp <= 0x30F6) cp -= 0x60;
          const large = SMALL_TO_LARGE.get(cp);
          n = String.fromCharCode(large !== undefined ? large : cp);
        }
      } else {
        n = normalize(s.slice(start, i));
      }
      if (prevKana && n.charCodeAt(0) === 0x30FC) n = n.replace(/^ー+/, '');
      if (!n) { // a dropped ー belongs to the character before it (サーバー is marked whole)
        if (ends.length) ends[ends.length - 1] = i;
        continue;
      }
      for (let k = 0; k < n.length; k++) { starts.push(start); ends.push(i); }
      text += n;
      prevKana = isKana(n.charCodeAt(n.length - 1));
    }
    return { text, starts, ends };
  }

  function findMarks(s, needles) {
    if (!s || !needles.length) return [];
    const m = normalizeWithMap(s);
    const ranges = [];
    for (const nd of needles) {
      const latin = isWordCode(nd.charCodeAt(0));
      let from = 0;
      for (;;) {
        const at = m.text.indexOf(nd, from);
        if (at < 0) break;
        from = at + 1;
        if (latin && at > 0 && isWordCode(m.text.charCodeAt(at - 1))) continue;
        ranges.push([m.starts[at], m.ends[at + nd.length - 1]]);
      }
    }
    return mergeRanges(ranges);
  }

  function mergeRanges(ranges) {
    ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const out = [];
    for (const r of ranges) {
      const last = out[out.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else out.push([r[0], r[1]]);
    }
    return out;
  }

  const EXCERPT_LENGTH = 120;
  const EXCERPT_BEFORE = 30;

  function isLowSurrogate(s, i) {
    const c = s.charCodeAt(i);
    return c >= 0xDC00 && c <= 0xDFFF;
  }

  function makeExcerpt(s, marks) {
    if (!s) return { text: '', marks: [] };
    let start = 0;
    if (marks.length && marks[0][0] > EXCERPT_BEFORE) {
      const first = marks[0][0];
      start = first - EXCERPT_BEFORE;
      // Prefer to start right after a sentence end or line break close before the match.
      const cut = Math.max(s.lastIndexOf('。', first - 1), s.lastIndexOf('\n', first - 1));
      if (cut >= start) start = cut + 1;
    }
    if (isLowSurrogate(s, start)) start++;
    let end = Math.min(s.length, start + EXCERPT_LENGTH);
    if (end < s.length && isLowSurrogate(s, end)) end++;
    while (start < end && /\s/.test(s[start])) start++;
    const lead = start > 0 ? '…' : '';
    const text = lead + s.slice(start, end) + (end < s.length ? '…' : '');
    const out = [];
    for (const [a, b] of marks) {
      const x = Math.max(a, start);
      const y = Math.min(b, end);
      if (x < y) out.push([x - start + lead.length, y - start + lead.length]);
    }
    return { text, marks: out };
  }

  function excerptFor(doc, needles) {
    const text = doc.text || '';
    const tm = findMarks(text, needles);
    if (tm.length) return makeExcerpt(text, tm);
    const summary = doc.summary || '';
    const sm = findMarks(summary, needles);
    if (sm.length || !text) return makeExcerpt(summary, sm);
    return makeExcerpt(text, []);
  }

  // ---------------------------------------------------------------------------------------
  // Lookup
  // ---------------------------------------------------------------------------------------

  const ALL_PHASES_LABEL = '全段階';

  function byId(a, b) {
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  function phasesOf(req) {
    const v = req.facets && req.facets.phase;
    return Array.isArray(v) ? v : [];
  }

  /**
   * lookup(data, selection) → {groups: [{key, label, count, requirements}], requirements, total}
   * `requirements` lists each applicable requirement once, in group order.
   */
  function lookup(data, selection) {
    const sel = selection || {};
    const facets = data.facets || [];
    const matched = (data.requirements || [])
      .filter((r) => (r.status || 'active') === 'active' && lookupMatches(r, sel, facets))
      .sort(byId);
    const phaseFacet = facets.find((f) => f.key === 'phase');
    const phaseValues = phaseFacet ? phaseFacet.values || [] : [];
    const known = new Set(phaseValues.map((v) => v.key));
    const chosen = sel.phase && sel.phase.length ? new Set(sel.phase) : null;
    const groups = [];
    for (const v of phaseValues) {
      if (chosen && !chosen.has(v.key)) continue;
      const reqs = matched.filter((r) => phasesOf(r).includes(v.key));
      if (reqs.length) groups.push({ key: v.key, label: v.label, count: reqs.length, requirements: reqs });
    }
    const rest = matched.filter((r) => !phasesOf(r).some((k) => known.has(k)));
    if (rest.length) groups.push({ key: '', label: ALL_PHASES_LABEL, count: rest.length, requirements: rest });
    const seen = new Set();
    const ordered = [];
    for (const g of groups) {
      for (const r of g.requirements) if (!seen.has(r.id)) { seen.add(r.id); ordered.push(r); }
    }
    return { groups, requirements: ordered, total: ordered.length };
  }

  function basisFor(req, check) {
    const sources = req.sources || [];
    const section = check && check.section;
    const hit = section ? sources.find((s) => s.section === section) : null;
    if (hit) return hit.label || hit.section || '';
    if (section) return section;
    return sources.length ? sources[0].label || sources[0].section || '' : '';
  }

  /**
   * Checklist rows for the applicable requirements of a lookup result (or a list of
   * requirements), in phase order: [{no, text, basis, result, note, requirement, url}].
   */
  function checklistRows(result) {
    const reqs = Array.isArray(result) ? result : result.requirements;
    const rows = [];
    for (const r of reqs) {
      const checks = r.checks && r.checks.length ? r.checks : [{ text: r.title }];
      for (const c of checks) {
        rows.push({
          no: rows.length + 1,
          text: c.text || '',
          basis: basisFor(r, c),
          result: '',
          note: '',
          requirement: r.id,
          url: r.url || '',
        });
      }
    }
    return rows;
  }

  // ---------------------------------------------------------------------------------------
  // Selection in the URL fragment: form=cloud,ops-asp&info=personal
  // ---------------------------------------------------------------------------------------

  function safeDecode(s) {
    try { return decodeURIComponent(s); } catch (e) { return s; }
  }

  function parseSelection(hash) {
    const sel = {};
    const s = String(hash == null ? '' : hash).replace(/^#/, '');
    if (!s) return sel;
    for (const part of s.split('&')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const key = safeDecode(part.slice(0, eq));
      const values = part.slice(eq + 1).split(',').map(safeDecode).filter(Boolean);
      if (!key || !values.length) continue;
      sel[key] = unique((sel[key] || []).concat(values));
    }
    return sel;
  }

  /** The fragment (without '#'); keys and values in facet order when `facets` is given. */
  function formatSelection(selection, facets) {
    const sel = selection || {};
    const keys = Object.keys(sel).filter((k) => sel[k] && sel[k].length);
    const order = new Map();
    (facets || []).forEach((f, i) => order.set(f.key, i));
    keys.sort((a, b) => (order.has(a) ? order.get(a) : 1e9) - (order.has(b) ? order.get(b) : 1e9));
    return keys.map((k) => {
      let values = unique(sel[k]);
      const f = (facets || []).find((x) => x.key === k);
      if (f) {
        const vo = new Map((f.values || []).map((v, i) => [v.key, i]));
        values = values.slice().sort((a, b) => (vo.has(a) ? vo.get(a) : 1e9) - (vo.has(b) ? vo.get(b) : 1e9));
      }
      return encodeURIComponent(k) + '=' + values.map(encodeURIComponent).join(',');
    }).join('&');
  }

  // ---------------------------------------------------------------------------------------
  // CSV (UTF-8 BOM, CRLF, RFC 4180 quoting)
  // ---------------------------------------------------------------------------------------

  const CSV_HEADER = ['No.', '確認事項', '根拠', '結果', '備考'];

  function csvField(v) {
    const s = v == null ? '' : String(v);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  /** rows: [{no, text, basis, result, note}] or arrays in column order. */
  function csvForChecklist(rows) {
    const lines = [CSV_HEADER];
    (rows || []).forEach((r, i) => {
      lines.push(Array.isArray(r) ? r : [r.no == null ? i + 1 : r.no, r.text, r.basis, r.result, r.note]);
    });
    return '\uFEFF' + lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
  }

  const api = {
    normalize,
    tokenize,
    tokenizeNormalized,
    expandSynonyms,
    search,
    lookupMatches,
    lookup,
    checklistRows,
    parseSelection,
    formatSelection,
    csvForChecklist,
    findMarks,
    CSV_HEADER,
  };

  if (root) {
    root.Tebiki = root.Tebiki || {};
    root.Tebiki.search = api;
  }
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
