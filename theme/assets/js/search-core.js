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
  // Index sources
  //
  // The ranking below works on a "source" p: {docs, postings, synonyms, weights, facets, n,
  // idf, norm} plus a few functions that find what the ranking needs beyond the postings of
  // the query tokens (prefix and one-character expansions, the ID and section table, facet
  // filtering, whether a document's text is at hand). `prepare(index)` makes one from a
  // complete index (search/index.json); `createShardedSearch(loader)` makes one that grows as
  // shards of the browser form (docs/search.md "Sharded form") are loaded.
  // ---------------------------------------------------------------------------------------

  const hasOwn = Object.prototype.hasOwnProperty;
  const prepared = new WeakMap();

  function prepareSynonyms(groups) {
    return (groups || []).map((g) => unique(g.map((m) => normalize(m).trim()).filter(Boolean)));
  }

  function newSource(fields) {
    return Object.assign({
      docs: [],
      postings: {},
      synonyms: [],
      variants: null,
      lexicon: null,
      weights: [10, 8, 4, 1],
      facets: [],
      n: 0,
      idf: new Map(),
      norm: new Map(),
      masks: new Map(),
      known: () => true,
      long: () => true,
      kindOf(d) { return this.docs[d].kind || 'requirement'; },
    }, fields);
  }

  function prepare(index) {
    let p = prepared.get(index);
    if (p) return p;
    const docs = index.docs || [];
    let keys = null;
    let chars = null;
    let idMap = null;
    let sectionList = null;
    const sortedKeys = () => keys || (keys = Object.keys(p.postings).sort());
    p = newSource({
      docs,
      postings: index.postings || {},
      synonyms: prepareSynonyms(index.synonyms),
      variants: index.variants || null,
      weights: index.weights || [10, 8, 4, 1],
      facets: index.facets || [],
      grades: index.grades || [],
      n: docs.length,
      // Index tokens other than `token` that start with it, in sorted order.
      expandPrefix(token) {
        const ks = sortedKeys();
        const out = [];
        for (let k = lowerBound(ks, token); k < ks.length && ks[k].startsWith(token); k++) {
          if (ks[k] !== token) out.push(ks[k]);
        }
        return out;
      },
      // Bigram tokens that contain the CJK character `c`, in sorted order.
      expandChar(c) {
        if (!chars) {
          chars = new Map();
          const add = (ch, k) => { if (!chars.has(ch)) chars.set(ch, []); chars.get(ch).push(k); };
          for (const k of sortedKeys()) {
            if (!isBigram(k)) continue;
            add(k[0], k);
            if (k[1] !== k[0]) add(k[1], k);
          }
        }
        return chars.get(c) || [];
      },
      // Documents whose ID equals nq, and [doc, bonus] for the first section of each document
      // that equals nq or extends it (docs/search.md "Query evaluation" 4), in document order.
      keyBonuses(nq) {
        if (!idMap) {
          idMap = new Map();
          sectionList = [];
          docs.forEach((d, i) => {
            const nid = normalize(d.id || '');
            if (!idMap.has(nid)) idMap.set(nid, []);
            idMap.get(nid).push(i);
            // Only requirements take section bonuses (as the Swift key table).
            if (d.kind === 'requirement') for (const s of d.sections || []) sectionList.push([normalize(s), i]);
          });
        }
        const sections = [];
        const done = new Set();
        for (const [sec, d] of sectionList) {
          if (done.has(d)) continue;
          const bonus = sectionBonus(sec, nq);
          if (bonus) { done.add(d); sections.push([d, bonus]); }
        }
        return { ids: idMap.get(nq) || [], sections };
      },
      facetAllows(d, filters) {
        const doc = docs[d];
        return !isEmptyValue(doc.facets) && lookupMatches(doc, filters, p.facets, p.grades);
      },
    });
    prepared.set(index, p);
    return p;
  }

  function isBigram(k) {
    return k.length === 2 && isCJK(k.charCodeAt(0)) && isCJK(k.charCodeAt(1));
  }

  const EXACT_BONUS = 1e6;
  const SECTION_PREFIX_BONUS = 1e5;

  // The bonus a section gives the trimmed normalised query nq.
  function sectionBonus(sec, nq) {
    if (sec === nq) return EXACT_BONUS;
    if (/[0-9]$/.test(nq) && sec.startsWith(nq) && !/[0-9]/.test(sec[nq.length])) {
      return SECTION_PREFIX_BONUS; // 9.3.1 → 9.3.1(13), 9.3.1.2
    }
    if (nq.endsWith(')') && sec.startsWith(nq) && sec[nq.length] === '(') return SECTION_PREFIX_BONUS; // 7.1.1(5) → 7.1.1(5)(a)
    return 0;
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

  // Map docIndex -> bit mask of the fields (1 << fieldIndex) a token occurs in.
  function fieldMask(p, token) {
    let m = p.masks.get(token);
    if (m) return m;
    m = new Map();
    const list = postingsOf(p, token) || [];
    for (let k = 0; k + 2 < list.length; k += 3) m.set(list[k], (m.get(list[k]) || 0) | (1 << list[k + 1]));
    p.masks.set(token, m);
    return m;
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

  const PARTIAL = 0.5; // weight of a token reached by prefix or one-character expansion

  function isSingleCJK(token) {
    return token.length === 1 && isCJK(token.charCodeAt(0));
  }

  // The index tokens a query token stands for: [[token, factor], …].
  function expandToken(p, token, asPrefix) {
    const out = [];
    if (postingsOf(p, token)) out.push([token, 1]);
    if (asPrefix) {
      for (const k of p.expandPrefix(token)) out.push([k, PARTIAL]);
    } else if (isSingleCJK(token)) {
      for (const k of p.expandChar(token)) out.push([k, PARTIAL]);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // Query analysis (docs/search.md "Query analysis")
  //
  // Staff type sentences, not keywords: 「委託先が下請けに出したいと言ってきた」. The query is
  // split into words (Intl.Segmenter where the browser has it, else at changes of script),
  // particles and auxiliaries are dropped, and the remaining content words are joined into
  // chunks (委託|先 → 委託先). Entries of the lexicon (glossary synonyms and the content's
  // variants registry) are matched against whole words or runs of words, never inside a word.
  // Each chunk is a term whose alternatives are scored on the index's bigrams.
  // ---------------------------------------------------------------------------------------

  // Particles, auxiliaries and sentence endings typed around the content words. Grammar of the
  // language, not of the domain; a site adds its own through the variants registry.
  const FUNCTION_WORDS = new Set([
    'が', 'を', 'に', 'の', 'で', 'と', 'へ', 'や', 'は', 'も', 'か', 'な', 'ね', 'よ', 'て', 'た', 'だ',
    'から', 'まで', 'より', 'など', 'って', 'たい', 'たく', 'ない', 'なく', 'です', 'ます', 'でも',
    'ときの', 'とき', 'ときに', 'ため', 'ための', 'ように', 'ような', 'について', 'における', 'に関する',
    'すれば', 'よい', 'いい', 'いか', 'ですか', 'でしょうか', 'ください', 'ほしい', 'したい', 'して',
    'した', 'する', 'される', 'させる', 'させ', 'られる', 'れる', 'せる', 'いる', 'ある', 'なる',
    'できる', 'きた', 'きて', 'くる', 'こと', 'もの', 'とっても', 'どう', 'どうすれば', 'どこ', 'なに',
    'なにを', 'いつ', 'だれ', 'べき', 'あと', 'まえ', 'うち', 'もう', 'また', 'および', 'または',
  ].map((w) => normalize(w)));

  // Script classes for the fallback splitter and for the shape of a chunk.
  function scriptOf(c) {
    if (c >= 0x3041 && c <= 0x309F) return 'h';
    if (c >= 0x30A1 && c <= 0x30FF && c !== 0x30FB) return 'k';
    if (isCJK(c)) return 'c';
    if (isWordCode(c)) return 'w';
    return '';
  }

  let segmenter;
  function segmentsOf(text) {
    if (segmenter === undefined) {
      try { segmenter = new Intl.Segmenter('ja', { granularity: 'word' }); } catch (e) { segmenter = null; }
    }
    if (segmenter) {
      return Array.from(segmenter.segment(text), (x) => ({ raw: x.segment, word: !!x.isWordLike }));
    }
    // Without Intl.Segmenter: a new segment at every change of script.
    const out = [];
    let cur = '';
    let cls = null;
    for (const ch of text) {
      const k = scriptOf(ch.charCodeAt(0)) || (/[0-9A-Za-z.()]/.test(ch) ? 'w' : '');
      if (cur && k !== cls) { out.push({ raw: cur, word: cls !== '' }); cur = ''; }
      cur += ch;
      cls = k;
    }
    if (cur) out.push({ raw: cur, word: cls !== '' });
    return out;
  }

  function allHiragana(s) {
    for (let i = 0; i < s.length; i++) if (scriptOf(s.charCodeAt(i)) !== 'h') return false;
    return s.length > 0;
  }

  // A section number as the sources write it: 8.1.2, 9.3.1(13), 1.2.5.1(1)(a).
  const SECTION_SPAN = /[0-9]+(?:\.[0-9]+)+(?:\([0-9a-zA-Z]+\))*|[0-9]+(?:\([0-9a-zA-Z]+\))+|\([0-9]+\)[0-9]*(?:\([0-9a-zA-Z]+\))*/g;
  const SECTION_WORD = /^[0-9]+(\.[0-9]+)+[0-9a-z().]*$|^[0-9]+\([0-9a-z]+\)[0-9a-z()]*$|^\([0-9]+\)[0-9a-z()]*$/;

  const OKURIGANA = /^(.*[\u3400-\u9fff\uf900-\ufaff\u3005])([\u3041-\u309f]+)$/;

  function prepareLexicon(synonyms, variants) {
    const v = variants || {};
    const entries = new Map(); // normalised word -> [alternatives]
    const stems = new Map(); // normalised kanji stem of a verb entry (運ぶ → 運) -> [alternatives]
    const shown = new Map(); // normalised word -> the word as written (for suggestions)
    const add = (word, alts, raw) => {
      const w = normalize(word).trim();
      if (!w) return;
      for (const a of alts) { const n = normalize(a).trim(); if (n && !shown.has(n)) shown.set(n, String(a).trim()); }
      const list = entries.get(w) || [];
      for (const a of alts) { const n = normalize(a).trim(); if (n && !list.includes(n)) list.push(n); }
      entries.set(w, list);
      // A verb or adjective written with okurigana (運ぶ) also matches its other forms
      // (運び, 運んで). Only entries written here: the glossary's synonyms come normalised, and
      // after normalisation katakana cannot be told from okurigana.
      const m = raw ? OKURIGANA.exec(String(word).normalize('NFKC').trim()) : null;
      if (m) {
        const stem = normalize(m[1]);
        if (!stems.has(stem)) stems.set(stem, list);
      }
    };
    for (const g of synonyms || []) for (const m of g) add(m, g, false);
    for (const g of v.groups || []) for (const m of g) add(m, g, true);
    for (const r of v.rewrites || []) {
      const from = Array.isArray(r) ? r[0] : r.from;
      const to = Array.isArray(r) ? r[1] : r.to;
      for (const m of from || []) add(m, [m].concat(to || []), true);
    }
    const spellings = (v.spellings || []).map((g) => unique(g.map((m) => normalize(m).trim()).filter(Boolean)));
    const stop = new Set(FUNCTION_WORDS);
    for (const w of v.stopwords || []) stop.add(normalize(w).trim());
    const weak = new Set((v.weak || []).map((w) => normalize(w).trim()));
    let longest = 1;
    for (const w of entries.keys()) longest = Math.max(longest, w.length);
    return { entries, stems, spellings, stop, weak, longest, shown };
  }

  // Lexicon words one edit (a character replaced, added or dropped) from `w`, for words of
  // three or more characters.
  function nearEntries(lex, w) {
    const a = Array.from(w);
    if (a.length < 3) return [];
    const out = [];
    for (const e of lex.entries.keys()) {
      const b = Array.from(e);
      if (Math.abs(a.length - b.length) > 1 || b.length < 3 || e === w) continue;
      if (withinOneEdit(a, b)) out.push(e);
    }
    return out;
  }

  function withinOneEdit(a, b) {
    if (a.length === b.length) {
      let diff = 0;
      for (let i = 0; i < a.length && diff < 2; i++) if (a[i] !== b[i]) diff++;
      return diff === 1;
    }
    const [s, l] = a.length < b.length ? [a, b] : [b, a];
    let i = 0;
    while (i < s.length && s[i] === l[i]) i++;
    for (let j = i; j < s.length; j++) if (s[j] !== l[j + 1]) return false;
    return true;
  }

  function lexiconOf(p) {
    if (!p.lexicon) p.lexicon = prepareLexicon(p.synonyms, p.variants);
    return p.lexicon;
  }

  // The lexicon's alternatives for a whole word (normalised `w`, as typed `raw`): an entry, or
  // the stem of a verb entry followed by okurigana.
  function lexiconAlternatives(lex, w, raw) {
    const hit = lex.entries.get(w);
    if (hit) return hit;
    const m = OKURIGANA.exec(raw);
    if (m) return lex.stems.get(normalize(m[1])) || null;
    return null;
  }

  // How much a chunk says about the topic: 1 for a compound, a katakana or Latin word or a
  // lexicon word; less for a lone kanji, a verb (one kanji + okurigana) or hiragana.
  function chunkShape(w, raw, pinned, lex) {
    if (lex.weak.has(w)) return 0.2;
    if (pinned) return 1;
    const core = raw.replace(/[\u3041-\u309f]+$/, '');
    if (!core) return 0.4;
    if (core.length === 1 && isCJK(core.charCodeAt(0))) return raw.length === 1 ? 0.25 : 0.35;
    return 1;
  }

  /**
   * The words of a query: {terms: [{term, alternatives, factors, shape, segments}], sections}.
   * `lex` from prepareLexicon.
   */
  function analyzeQuery(query, lex) {
    let text = String(query == null ? '' : query).normalize('NFKC');
    // Section numbers first, whole (the segmenter would split 9.3.1(13) at the brackets).
    const sections = [];
    text = text.replace(SECTION_SPAN, (m) => { sections.push(normalize(m)); return ' '; });
    const segs = [];
    for (const part of text.split(/\s+/)) {
      if (!part) continue;
      if (segs.length) segs.push({ n: '', raw: '', kind: 'sep' });
      for (const sg of segmentsOf(part)) {
        const n = normalize(sg.raw).trim();
        const raw = sg.raw.trim();
        let kind = 'content';
        if (!sg.word || !tokenizeNormalized(n).length) kind = SECTION_WORD.test(n) ? 'content' : 'sep';
        else if (allHiragana(raw) && (lex.stop.has(n) || (n.length <= 2 && !lex.entries.has(n)))) kind = 'func';
        else if (lex.stop.has(n) && !lex.entries.has(n)) kind = 'func';
        segs.push({ n, raw, kind });
      }
    }
    // Lexicon entries over runs of words (longest first), then chunks of content words.
    const chunks = [];
    let cur = null;
    const close = () => { if (cur) { chunks.push(cur); cur = null; } };
    for (let i = 0; i < segs.length;) {
      const sg = segs[i];
      if (sg.kind === 'sep') { close(); i++; continue; }
      let pinned = null;
      let joined = '';
      let joinedRaw = '';
      let lastContent = i;
      for (let j = i; j < segs.length && j < i + 8 && segs[j].kind !== 'sep'; j++) {
        // Past a content word, at most one hiragana word (okurigana: 終|わっ) joins the run,
        // unless an entry spans particles (ネットの無料サービス).
        if (segs[j].kind === 'content') lastContent = j;
        joined += segs[j].n;
        joinedRaw += segs[j].raw;
        if (joined.length > lex.longest + 4) break;
        const alts = lexiconAlternatives(lex, joined, joinedRaw);
        if (!alts) continue;
        // A run may end in a particle only when an entry itself does, or in okurigana and
        // auxiliaries after a verb's stem (終|わっ|たら).
        if (segs[j].kind !== 'content' && !lex.entries.has(joined) && (!allHiragana(segs[j].raw) || j > lastContent + 1)) continue;
        pinned = { end: j, word: joined, raw: joinedRaw, alts };
      }
      if (pinned) {
        close();
        chunks.push({ term: pinned.word, raw: pinned.raw, lexicon: pinned.alts, segments: [pinned.word] });
        i = pinned.end + 1;
        continue;
      }
      if (sg.kind === 'func') { close(); i++; continue; }
      if (SECTION_WORD.test(sg.n)) { close(); sections.push(sg.n); i++; continue; }
      // A verb in its plain form ends a chunk (含む|データ, 盛り込む|条項): it modifies the next
      // word rather than forming a compound with it.
      if (cur && /[\u3400-\u9fff\u3005][うくぐすつぬぶむる]$/.test(cur.lastRaw || '')) close();
      if (!cur) cur = { term: '', raw: '', lexicon: null, segments: [] };
      cur.lastRaw = sg.raw;
      cur.term += sg.n;
      cur.raw += sg.raw;
      cur.segments.push(sg.n);
      i++;
    }
    close();
    const terms = [];
    for (const c of chunks) {
      const w = c.term;
      const alts = [w];
      const factors = [1];
      const push = (a, f) => {
        if (!a || !tokenizeNormalized(a).length) return;
        const k = alts.indexOf(a);
        if (k < 0) { alts.push(a); factors.push(f); } else if (factors[k] < f) factors[k] = f;
      };
      for (const a of c.lexicon || []) push(a, 1);
      for (const g of lex.spellings) {
        for (const m of g) {
          if (!w.includes(m)) continue;
          for (const o of g) if (o !== m) push(w.split(m).join(o), 1);
        }
      }
      // 持ち出す → 持ち出 (matches 持ち出し); only when a compound is left.
      const stem = c.lexicon ? null : OKURIGANA.exec(c.raw);
      if (stem && Array.from(stem[1]).length >= 2) push(normalize(stem[1]), 0.8);
      // ISO27001 → iso 27001; windows10 → windows 10.
      if (/[a-z][0-9]|[0-9][a-z]/.test(w)) push(w.replace(/([a-z])([0-9])/g, '$1 $2').replace(/([0-9])([a-z])/g, '$1 $2'), 1);
      // A typo of a lexicon word (再委宅 → 再委託): used only when the word itself matches nothing.
      const fuzzy = [];
      if (!c.lexicon) {
        for (const e of nearEntries(lex, w)) for (const a of lex.entries.get(e)) if (!alts.includes(a) && !fuzzy.includes(a)) fuzzy.push(a);
      }
      terms.push({ term: w, alternatives: alts, factors, fuzzy, shape: chunkShape(w, c.raw, !!c.lexicon, lex), segments: c.segments });
    }
    // A query that is only a section number also finds the pages that mention it.
    if (!terms.length && sections.length === 1) {
      terms.push({ term: sections[0], alternatives: [sections[0]], factors: [1], shape: 1, segments: [] });
    }
    return { terms, sections };
  }

  /**
   * The words of a query with their alternatives (docs/search.md "Query analysis"):
   * [{term, alternatives: [normalised string, …]}] (the word itself comes first).
   */
  function expandSynonyms(query, index) {
    const p = index ? prepare(index) : newSource({});
    return analyzeQuery(query, lexiconOf(p)).terms.map((t) => ({ term: t.term, alternatives: t.alternatives }));
  }

  // Terms with at least one token, the section numbers, and the query token that also matches
  // as a prefix (the last Latin token of the query, while it is being typed).
  function parseQuery(p, query) {
    const { terms, sections } = analyzeQuery(query, lexiconOf(p));
    let prefixToken = null;
    const tail = normalize(query).trimEnd();
    const last = tokenizeNormalized(tail).pop();
    if (last && isWordToken(last) && tail.endsWith(last)) {
      for (const t of terms) for (const a of t.alternatives) if (tokenizeNormalized(a).includes(last)) prefixToken = last;
    }
    return { terms, prefixToken, sections };
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
   * `facets` is the facet list of the site (kind `multi` or `graded`); `grades` its grade list,
   * where the grade site.yml declares "does not apply" has `applies: false`.
   */
  function lookupMatches(item, selection, facets, grades) {
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
        ok = chosen.some((c) => hasOwn.call(v, c) && v[c] != null &&
          !(grades || []).some((g) => g && g.key === v[c] && g.applies === false));
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
  //
  // evaluate() finds the matching documents and, for each, how its score is made (base scores
  // of the term alternatives, bonuses); rank() turns that into the result. The phrase bonus
  // needs a document's title, summary and text: when a document is not at hand (sharded
  // form), rank() bounds its score instead and asks for the documents that could still reach
  // the requested page of results ({need: [docIndex, …]}).
  // ---------------------------------------------------------------------------------------

  // Staff ask which rule applies: a rule ranks above a glossary term, checklist or scenario
  // that matches as well (they still come first when they match much better).
  const KIND_PRIOR = { requirement: 1, glossary: 0.25, checklist: 0.25, scenario: 0.25 };

  // Per-document score of one query token (its best expansion), dense over the documents:
  // {docs: [docIndex, …], score: Float64Array(n)} (score 0 where the token is absent).
  function tokenScores(p, token, asPrefix, cache) {
    const key = (asPrefix ? '>' : '=') + token;
    if (cache.has(key)) return cache.get(key);
    // Kept across queries too: a token's postings never change once loaded.
    const kept = remembered(p, 'tokens', key);
    if (kept) { cache.set(key, kept); return kept; }
    const n = p.n;
    const score = new Float64Array(n);
    const acc = new Float64Array(n);
    const docs = [];
    for (const [t, factor] of expandToken(p, token, asPrefix)) {
      const list = postingsOf(p, t);
      const idf = idfOf(p, t);
      const seen = [];
      for (let k = 0; k + 2 < list.length; k += 3) {
        const d = list[k];
        if (acc[d] === 0) seen.push(d);
        acc[d] += (p.weights[list[k + 1]] || 1) * (1 + Math.log(Math.max(1, list[k + 2]))) * idf * factor;
      }
      for (const d of seen) {
        if (score[d] === 0) docs.push(d);
        if (acc[d] > score[d]) score[d] = acc[d];
        acc[d] = 0;
      }
    }
    docs.sort((a, b) => a - b);
    const r = { docs, score };
    cache.set(key, r);
    if (docs.length) remember(p, 'tokens', key, r, 256);
    return r;
  }

  // An alternative of a term matches a document when the document has most of the
  // alternative's tokens: the share of its idf mass the document has (the coverage) is at
  // least MIN_COVER. Its score is the tokens' scores times coverage² (a partial match of a
  // long compound counts, but far less than the whole).
  const MIN_COVER = 0.6;

  // The documents matching one term (any alternative), dense over the documents:
  // {docs, best (best coverage per document, 0 = no match), alts: [{alt, bigrams, masks,
  // base, cover}], weight, shape}; `weight` is how much the term counts towards a document's
  // coverage of the query (0 when no document has it).
  function termMatches(p, term, prefixToken, allowed, cache, filterKey) {
    // Kept across queries like the alternatives below: a query typed on (委託先が → 委託先が下請け)
    // repeats its words, and a word's matches over a large site take a pass over every page.
    const termKey = JSON.stringify([term.alternatives, term.factors || null, term.fuzzy || null, term.shape, prefixToken, filterKey]);
    const known = remembered(p, 'terms', termKey);
    if (known) return known;
    const result = termMatchesUncached(p, term, prefixToken, allowed, cache, filterKey);
    remember(p, 'terms', termKey, result, 32);
    return result;
  }

  function termMatchesUncached(p, term, prefixToken, allowed, cache, filterKey) {
    const n = p.n;
    const result = { docs: [], best: new Float64Array(n), alts: [], weight: 0, shape: term.shape == null ? 1 : term.shape };
    const tryAlt = (alt, factor) => {
      const toks = unique(tokenizeNormalized(alt));
      if (toks.length === 0) return;
      // The documents an alternative matches do not change once its postings are loaded: kept
      // across queries (typing 委託先が… repeats the words of the query before).
      const key = alt + '\u0000' + factor + '\u0000' + (toks.includes(prefixToken) ? prefixToken : '') + '\u0000' + filterKey;
      let m = remembered(p, 'alts', key);
      if (m === undefined) {
        m = matchAlternative(p, toks, factor, prefixToken, allowed, cache);
        remember(p, 'alts', key, m, 64);
      }
      if (!m) return;
      for (const d of m.docs) {
        if (result.best[d] === 0) result.docs.push(d);
        if (m.cover[d] > result.best[d]) result.best[d] = m.cover[d];
      }
      result.alts.push({ alt, bigrams: m.bigrams, masks: null, base: m.base, cover: m.cover, numeric: NUMERIC.test(alt) });
      result.weight = Math.max(result.weight, result.shape * m.weight);
    };
    term.alternatives.forEach((alt, k) => tryAlt(alt, term.factors ? term.factors[k] : 1));
    if (!result.weight) for (const alt of term.fuzzy || []) tryAlt(alt, 0.5);
    return result;
  }

  // A number or section number (9.3.5, 27001): no phrase factor. The ID and section tables
  // match it exactly (evaluate's bonuses), and its digits are in so many documents that a
  // phrase bound from the postings would need most of them loaded to rank (at 10,000 pages
  // 「9.3.5」 loaded 727 files, 3.5 MB, before this).
  const NUMERIC = /^[0-9][0-9.\-()]*$/;

  // A small cache on the source, oldest dropped first.
  function remembered(p, name, key) {
    const c = p.caches && p.caches[name];
    return c ? c.get(key) : undefined;
  }

  function remember(p, name, key, value, cap) {
    if (!p.caches) p.caches = {};
    const c = p.caches[name] || (p.caches[name] = new Map());
    c.set(key, value);
    if (c.size > cap) c.delete(c.keys().next().value);
  }

  // One alternative: {docs, base, cover, weight, bigrams}, or null when no document has it.
  function matchAlternative(p, toks, factor, prefixToken, allowed, cache) {
    const n = p.n;
    const perToken = toks.map((t) => tokenScores(p, t, t === prefixToken, cache));
    if (perToken.every((m) => m.docs.length === 0)) return null;
    // A token no page has weighs as the rarest: a word whose bigrams are mostly absent does
    // not match on the few common ones (無関係 does not match every 関係).
    const w = perToken.map((m) => Math.log(1 + p.n / Math.max(1, m.docs.length)));
    let mass = 0;
    for (const x of w) mass += x;
    const have = new Float64Array(n);
    const touched = [];
    perToken.forEach((m, i) => {
      for (const d of m.docs) {
        if (have[d] === 0) touched.push(d);
        have[d] += w[i];
      }
    });
    const base = new Float64Array(n);
    const cover = new Float64Array(n);
    const docs = [];
    for (const d of touched) {
      const c = have[d] / mass;
      if (c < MIN_COVER - 1e-9 || !allowed(d)) continue;
      const cv = c > 1 - 1e-9 ? 1 : c;
      let sc = 0;
      for (const m of perToken) sc += m.score[d];
      base[d] = sc * cv * cv * factor;
      cover[d] = cv;
      docs.push(d);
    }
    if (!docs.length) return null;
    return { docs, base, cover, weight: mass / toks.length, bigrams: toks.filter(isBigram) };
  }

  function evaluate(p, query, opts) {
    const filters = opts.filters || {};
    const filtering = hasAnySelection(filters);
    const allowedCache = new Int8Array(p.n); // 0 unknown, 1 allowed, 2 not
    const allowed = (d) => {
      let v = allowedCache[d];
      if (v === 0) {
        v = isShown(p.docs[d], opts.includeRetired) && (!filtering || p.facetAllows(d, filters)) ? 1 : 2;
        allowedCache[d] = v;
      }
      return v === 1;
    };

    const parsed = parseQuery(p, query);
    const { prefixToken, sections } = parsed;
    const cache = new Map();
    const terms = [];
    const perTerm = [];
    const filterKey = (opts.includeRetired ? 'r' : '') + (filtering ? JSON.stringify(filters) : '');
    for (const t of parsed.terms) {
      const m = termMatches(p, t, prefixToken, allowed, cache, filterKey);
      // A compound no page has (個人情報保護条例) is searched by its kanji and Latin words
      // instead (個人, 情報, 保護, 条例), so a query with a real word is never left empty.
      const parts = m.weight ? [] : (t.segments || []).filter((sg) => sg !== t.term && Array.from(sg).length >= 2 && /[\u3400-\u9fffa-z0-9]/.test(sg));
      if (parts.length) {
        for (const sg of unique(parts)) {
          const sub = { term: sg, alternatives: [sg], factors: [1], shape: t.shape, segments: [sg] };
          terms.push(sub);
          perTerm.push(termMatches(p, sub, prefixToken, allowed, cache, filterKey));
        }
      } else {
        terms.push(t);
        perTerm.push(m);
      }
    }
    let totalWeight = 0;
    for (const m of perTerm) totalWeight += m.weight;

    // Every document that matches a term, and its coverage of the query (0…1): the terms it
    // matches, weighted.
    const n = p.n;
    const cover = new Float64Array(n);
    const inOrder = new Uint8Array(n);
    const order = [];
    for (const m of perTerm) {
      for (const d of m.docs) {
        if (!inOrder[d]) { inOrder[d] = 1; order.push(d); }
        if (totalWeight) cover[d] += (m.weight * m.best[d]) / totalWeight;
      }
    }
    // `all`: some document has every content word in full (weak words such as a lone verb
    // stem aside).
    const strong = perTerm.filter((m) => m.weight && m.shape >= 0.5);
    let all = strong.length === 0;
    if (!all) {
      const [first, ...rest] = strong;
      all = first.docs.some((d) => first.best[d] === 1 && rest.every((m) => m.best[d] === 1));
    }
    const ev = { terms, prefixToken, perTerm, totalWeight, order, cover, bonus: new Map() };
    ev.mode = order.length === 0 || all ? 'and' : 'partial';
    // The words no page has (for the page's message).
    ev.missing = terms.filter((t, i) => !perTerm[i].weight).map((t) => t.term);

    // Exact ID or section: the whole query, and every section number in it.
    const addBonus = (d, b) => {
      if (!ev.bonus.has(d)) { ev.bonus.set(d, []); if (!inOrder[d]) { inOrder[d] = 1; order.push(d); } }
      ev.bonus.get(d).push(b);
    };
    const nq = normalize(query).trim();
    const keys = unique([nq].concat(sections)).filter(Boolean);
    for (const key of keys) {
      const kb = p.keyBonuses(key);
      const got = new Set();
      // A section number inside a longer query (統一基準 8.1.2) counts with the rest of the
      // query: its bonus is smaller and grows with the document's coverage of the other words.
      const inner = key !== nq;
      const scale = (b) => (inner ? (b === EXACT_BONUS ? 2 * SECTION_PREFIX_BONUS : SECTION_PREFIX_BONUS) : b);
      for (const d of kb.ids) if (allowed(d) && !got.has(d)) { got.add(d); addBonus(d, EXACT_BONUS); }
      for (const [d, b] of kb.sections) if (allowed(d) && !got.has(d)) { got.add(d); addBonus(d, inner ? -scale(b) : b); }
    }
    return ev;
  }

  // Phrase factors: the whole alternative in the title, or in the summary or text (a factor
  // of 1.5 must stay below the title's, or the bounds below break).
  const TITLE_PHRASE = 2;

  const EXACT = 0;
  const LOWER = 1;
  const UPPER = 2;
  // Bounds that need neither the document nor the field masks: every phrase factor 1 or 3.
  const CHEAP_LOWER = 3;
  const CHEAP_UPPER = 4;

  // For an alternative that is one bigram or one CJK character, a field contains it exactly
  // when the field has that token (or, for a character, a bigram with it): Map doc -> fields.
  // Kept per source across queries: a token's postings never change once loaded.
  function exactMasks(p, a) {
    if (a.masks === null) {
      if (!p.exactMaskCache) p.exactMaskCache = new Map();
      if (p.exactMaskCache.has(a.alt)) {
        a.masks = p.exactMaskCache.get(a.alt);
        return a.masks;
      }
      a.masks = undefined;
      if (isBigram(a.alt)) a.masks = fieldMask(p, a.alt);
      else if (isSingleCJK(a.alt)) {
        a.masks = new Map(fieldMask(p, a.alt));
        for (const t of p.expandChar(a.alt)) {
          for (const [d, m] of fieldMask(p, t)) a.masks.set(d, (a.masks.get(d) || 0) | m);
        }
      }
      p.exactMaskCache.set(a.alt, a.masks);
    }
    return a.masks;
  }

  // The phrase factor of alternative `a` for document d: exactly when the document is at
  // hand, else a bound from the fields the postings put the alternative's tokens in. A title
  // (summary, text) that contains the alternative has every bigram of its CJK runs in that
  // field; the text is the start of the body field, the whole body unless `long`.
  function phraseFactor(p, d, a, which) {
    if (p.known(d)) {
      const n = docNorm(p, d);
      if (n.title.includes(a.alt)) return TITLE_PHRASE;
      if (n.summary.includes(a.alt) || n.text.includes(a.alt)) return 1.5;
      return 1;
    }
    const exact = exactMasks(p, a);
    if (exact) {
      const mask = exact.get(d) || 0;
      if (mask & 1) return TITLE_PHRASE;
      if (mask & 4) return 1.5;
      if (mask & 8) return which === LOWER && p.long(d) ? 1 : 1.5;
      return 1;
    }
    if (which === LOWER) return 1;
    if (!a.bigrams.length) return TITLE_PHRASE;
    let mask = 15;
    for (const t of a.bigrams) mask &= fieldMask(p, t).get(d) || 0;
    return (mask & 1) ? TITLE_PHRASE : (mask & 12) ? 1.5 : 1;
  }

  // Score of document d: per term its best alternative (times the phrase factor when the
  // document has the whole alternative), weighted by the term's shape, times a factor for how
  // much of the query the document covers and the kind prior; plus the ID and section bonuses.
  // `which` bounds the phrase factor instead of computing it (sharded form: a document not at
  // hand; both forms: the cheap bounds that prune before any text is looked at).
  function scoreOf(p, ev, d, which) {
    let s = 0;
    let any = false;
    for (const m of ev.perTerm) {
      if (m.best[d] === 0) continue;
      let best = 0;
      for (const a of m.alts) {
        const base = a.base[d];
        if (base === 0) continue;
        let f = 1;
        if (a.cover[d] === 1 && !a.numeric) {
          if (which === CHEAP_UPPER) f = TITLE_PHRASE;
          else if (which !== CHEAP_LOWER) f = phraseFactor(p, d, a, which);
        }
        const v = base * f;
        if (v > best) best = v;
      }
      s += m.shape * best;
      any = true;
    }
    if (any) {
      const c = ev.cover[d];
      s *= (0.1 + 0.9 * c * c) * (KIND_PRIOR[p.kindOf(d)] || 1);
    }
    // A negative bonus is a section inside a longer query (see evaluate).
    const bonus = ev.bonus.get(d);
    if (bonus) for (const b of bonus) s += b > 0 ? b : -b * (ev.totalWeight ? 0.3 + 0.7 * ev.cover[d] : 1);
    return s;
  }

  // scoreOf(…, CHEAP_LOWER) and scoreOf(…, CHEAP_UPPER) for every document of ev.order, in one
  // pass over the dense arrays (the hot loop of a query over a large site).
  function cheapBounds(p, ev) {
    const order = ev.order;
    const lo = new Float64Array(order.length);
    const hi = new Float64Array(order.length);
    for (const m of ev.perTerm) {
      const alts = m.alts;
      for (let i = 0; i < order.length; i++) {
        const d = order[i];
        if (m.best[d] === 0) continue;
        let bl = 0;
        let bh = 0;
        for (let k = 0; k < alts.length; k++) {
          const base = alts[k].base[d];
          if (base === 0) continue;
          if (base > bl) bl = base;
          const up = alts[k].cover[d] === 1 && !alts[k].numeric ? TITLE_PHRASE * base : base;
          if (up > bh) bh = up;
        }
        lo[i] += m.shape * bl;
        hi[i] += m.shape * bh;
      }
    }
    for (let i = 0; i < order.length; i++) {
      const d = order[i];
      if (lo[i] > 0) {
        const c = ev.cover[d];
        const f = (0.1 + 0.9 * c * c) * (KIND_PRIOR[p.kindOf(d)] || 1);
        lo[i] *= f;
        hi[i] *= f;
      }
      const bonus = ev.bonus.get(d);
      if (bonus) {
        for (const b of bonus) {
          const v = b > 0 ? b : -b * (ev.totalWeight ? 0.3 + 0.7 * ev.cover[d] : 1);
          lo[i] += v;
          hi[i] += v;
        }
      }
    }
    return [lo, hi];
  }

  // Equal scores keep the index's order: the builder writes requirements, glossary terms,
  // checklists and scenarios in that order, each sorted (by ID; terms by reading), so a tie is
  // broken without the documents — tied pages need not be loaded to rank them.
  function compareRanked(a, b) {
    return b.score !== a.score ? b.score - a.score : a.d - b.d;
  }

  /**
   * The first `limit` results of an evaluation, or {need: [docIndex, …]} (at most `batch`,
   * best upper bound first) when documents not at hand could still be among them.
   */
  function rank(p, ev, limit, batch) {
    const total = ev.order.length;
    let ranked = [];
    if (limit > 0 && limit < total) {
      // First without any text: the `limit`-th best cheap lower bound is a bar that documents
      // whose cheap upper bound stays below cannot reach.
      const [cheapLower, cheapUpper] = cheapBounds(p, ev);
      const bar0 = kthLargest(cheapLower, limit);
      const order = ev.order;
      const byUpper = [];
      for (let i = 0; i < order.length; i++) if (cheapUpper[i] >= bar0) byUpper.push(i);
      byUpper.sort((a, b) => cheapUpper[b] - cheapUpper[a]);
      // Then exact scores for the documents at hand and tight bounds for the others, best cheap
      // upper bound first: once `limit` lower bounds are above a document's cheap upper bound,
      // neither it nor any after it can be among the results (a common word at 10,000 pages
      // has a few thousand documents above bar0; a few hundred are looked at).
      const near = [];
      const lower = [];
      const top = []; // the `limit` largest lower bounds so far, ascending
      for (const i of byUpper) {
        if (top.length === limit && cheapUpper[i] < top[0]) break;
        const d = order[i];
        const lo = scoreOf(p, ev, d, p.known(d) ? EXACT : LOWER);
        near.push(d);
        lower.push(lo);
        if (top.length < limit || lo > top[0]) {
          if (top.length === limit) top.shift();
          let k = top.length;
          while (k > 0 && top[k - 1] > lo) k--;
          top.splice(k, 0, lo);
        }
      }
      const threshold = top[0];
      const candidates = [];
      const exact = new Map();
      const missing = [];
      near.forEach((d, i) => {
        const up = p.known(d) ? lower[i] : scoreOf(p, ev, d, UPPER);
        if (up < threshold) return;
        candidates.push(d);
        // A document not at hand whose bounds meet has its score already; only an open range
        // needs the document to rank it.
        if (p.known(d) || up === lower[i]) exact.set(d, lower[i]);
        else missing.push([d, up]);
      });
      if (missing.length) {
        missing.sort((a, b) => b[1] - a[1]);
        return { need: missing.slice(0, batch || limit).map((x) => x[0]) };
      }
      // Every candidate is ranked; the ones shown must be at hand for their title and excerpt
      // (their exact scores are the bounds they met).
      ranked = candidates.map((d) => ({ d, score: exact.get(d) })).sort(compareRanked).slice(0, limit);
      const absent = ranked.filter((x) => !p.known(x.d)).map((x) => x.d);
      if (absent.length) return { need: absent };
    } else if (limit > 0) {
      const missing = ev.order.filter((d) => !p.known(d));
      if (missing.length) return { need: missing };
      ranked = ev.order.map((d) => ({ d, score: scoreOf(p, ev, d, EXACT) })).sort(compareRanked);
    }
    const needles = collectNeedles(ev.terms, ev.prefixToken);
    const results = ranked.slice(0, limit).map(({ d, score }) => ({
      doc: p.docs[d],
      score,
      excerpt: excerptFor(p.docs[d], needles),
      titleMarks: findMarks(p.docs[d].title || '', needles),
    }));
    return { results, total, mode: ev.mode, missing: ev.missing };
  }

  // The k-th largest value (k ≥ 1) of a list that has at least k values.
  function kthLargest(values, k) {
    // Quickselect for the (length - k)-th smallest.
    const a = Float64Array.from(values);
    const want = a.length - k;
    let lo = 0;
    let hi = a.length - 1;
    while (lo < hi) {
      const pivot = a[(lo + hi) >>> 1];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
      }
      if (want <= j) hi = j; else if (want >= i) lo = i; else return a[want];
    }
    return a[want];
  }

  function limitOf(opts) {
    return opts.limit == null ? 50 : opts.limit;
  }

  /**
   * search(index, query, {filters, includeRetired, limit})
   * → {results: [{doc, score, excerpt: {text, marks}, titleMarks}], total, mode: 'and'|'or'}
   */
  function search(index, query, options) {
    const opts = options || {};
    const p = prepare(index);
    return rank(p, evaluate(p, query, opts), limitOf(opts));
  }

  // ---------------------------------------------------------------------------------------
  // Sharded form (docs/search.md "Sharded form"): the browser loads search/manifest.js and
  // then only the shards a query needs. Every shard file is a call
  // `Tebiki.search.shard(kind, n, data)`; `loader(kind, n)` returns a promise of that data.
  // ---------------------------------------------------------------------------------------

  /** FNV-1a, 32 bits, over the UTF-8 bytes of `s` (Indexer.fnv1a32 in Swift). */
  function fnv1a32(s) {
    let h = 0x811C9DC5;
    const add = (b) => { h = Math.imul(h ^ b, 0x01000193); };
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) {
        const lo = s.charCodeAt(i + 1);
        if (lo >= 0xDC00 && lo <= 0xDFFF) { c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00); i++; }
      }
      if (c < 0x80) add(c);
      else if (c < 0x800) { add(0xC0 | (c >> 6)); add(0x80 | (c & 63)); }
      else if (c < 0x10000) { add(0xE0 | (c >> 12)); add(0x80 | ((c >> 6) & 63)); add(0x80 | (c & 63)); }
      else { add(0xF0 | (c >> 18)); add(0x80 | ((c >> 12) & 63)); add(0x80 | ((c >> 6) & 63)); add(0x80 | (c & 63)); }
    }
    return h >>> 0;
  }

  /** The shard (0…count-1) of a token or key. */
  function shardOf(s, count) {
    return count > 1 ? fnv1a32(s) % count : 0;
  }

  /** The characters under which a token is listed in the token lists (t-<n>.js). */
  function tokenListKeys(token) {
    if (isBigram(token)) return token[0] === token[1] ? [token[0]] : [token[0], token[1]];
    return token ? [String.fromCodePoint(token.codePointAt(0))] : [];
  }

  /** Packed postings (p-<n>.js) → flat [docIndex, fieldIndex, termFrequency, …]. */
  function decodePostings(packed) {
    const out = [];
    let doc = 0;
    for (let i = 0; i < packed.length; i++) {
      let v = packed[i];
      const t = v % 4;
      v = (v - t) / 4;
      const f = v % 4;
      doc += (v - f) / 4;
      out.push(doc, f, t === 0 ? packed[++i] : t);
    }
    return out;
  }

  const SHARD_FILES = { m: () => 'manifest.js', f: () => 'filters.js' };

  /** The file name (under search/) of a shard: manifest.js, p-3.js, … */
  function shardFile(kind, n) {
    return SHARD_FILES[kind] ? SHARD_FILES[kind]() : kind + '-' + n + '.js';
  }

  /**
   * The data of a shard file: its JSON, raw-DEFLATEd and base64-encoded by the builder (a
   * `<script>` is all that loads from `file://`, so the compressed bytes travel as a string).
   * Resolves to the parsed value; a value that is not a string is returned as it is.
   */
  async function decodeShard(data) {
    if (typeof data !== 'string') return data;
    const bin = atob(data);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    // Written straight into the stream: a Blob's stream costs Chromium more (its blob
    // registry), about 1.5 times the decoding time of a cold query's shards.
    const inflate = new DecompressionStream('deflate-raw');
    const writer = inflate.writable.getWriter();
    writer.write(bytes).catch(() => {});
    writer.close().catch(() => {});
    return JSON.parse(await new Response(inflate.readable).text());
  }

  const inbox = new Map();

  /** Called by the shard files. */
  function shard(kind, n, data) {
    inbox.set(kind + ':' + n, data);
  }

  /** The data a shard file registered (once), or undefined. */
  function takeShard(kind, n) {
    const key = kind + ':' + n;
    const data = inbox.get(key);
    inbox.delete(key);
    return data;
  }

  const KEY_BONUS = [0, EXACT_BONUS, EXACT_BONUS, SECTION_PREFIX_BONUS];

  function shardedSource(m) {
    const n = m.docs;
    const stubs = { '': {} };
    const docs = new Array(n).fill(stubs['']);
    for (const k of Object.keys(m.status || {})) {
      const st = m.status[k];
      docs[+k] = stubs[st] || (stubs[st] = { status: st });
    }
    const known = new Uint8Array(n);
    const long = new Uint8Array(n);
    const kinds = new Array(n);
    let at = 0;
    for (const [k, count] of m.kinds || []) for (let i = 0; i < count && at < n; i++) kinds[at++] = k;
    for (const d of m.long || []) long[d] = 1;
    const keyTable = new Map();
    const valueIndex = (m.facets || []).map((f) => {
      const vi = new Map();
      (f.values || []).forEach((v, i) => { if (!vi.has(v.key)) vi.set(v.key, i); });
      return vi;
    });
    const p = newSource({
      docs,
      synonyms: prepareSynonyms(m.synonyms),
      variants: m.variants || null,
      weights: m.weights || [10, 8, 4, 1],
      facets: m.facets || [],
      n,
      known: (d) => known[d] === 1,
      long: (d) => long[d] === 1,
      kindOf: (d) => kinds[d] || 'requirement',
      prefixLists: new Map(),
      charLists: new Map(),
      facetRows: null,
      expandPrefix: (token) => p.prefixLists.get(token) || [],
      expandChar: (c) => p.charLists.get(c) || [],
      keyBonuses(nq) {
        const list = keyTable.get(nq) || [];
        const ids = [];
        const sections = [];
        for (let i = 0; i + 1 < list.length; i += 2) {
          if (list[i + 1] === 1) ids.push(list[i]);
          else sections.push([list[i], KEY_BONUS[list[i + 1]]]);
        }
        return { ids, sections };
      },
      facetAllows(d, filters) {
        const row = p.facetRows && p.facetRows[d];
        if (!row) return false;
        for (let i = 0; i < p.facets.length; i++) {
          const chosen = filters[p.facets[i].key];
          if (!chosen || chosen.length === 0 || row[i] === 0) continue;
          const vi = valueIndex[i];
          if (!chosen.some((c) => row[i].includes(vi.has(c) ? vi.get(c) : c))) return false;
        }
        return true;
      },
      addKeys(table) {
        for (const k of Object.keys(table)) keyTable.set(k, table[k]);
      },
      addDocs(first, list) {
        list.forEach((doc, j) => {
          if (first + j < n && !known[first + j]) { docs[first + j] = doc; known[first + j] = 1; }
        });
      },
    });
    return p;
  }

  /**
   * createShardedSearch(loader) → {manifest(), search(query, options), loaded()}
   * `loader(kind, n)` returns a promise of the data of one shard (see shardFile); `search`
   * returns a promise of what search(index, query, options) returns for the complete index.
   */
  function createShardedSearch(loader) {
    const files = new Map();
    const log = [];
    function get(kind, n) {
      const key = kind + ':' + n;
      let pr = files.get(key);
      if (!pr) {
        log.push(shardFile(kind, n));
        pr = Promise.resolve().then(() => loader(kind, n)).then(decodeShard);
        pr.catch(() => { files.delete(key); });
        files.set(key, pr);
      }
      return pr;
    }
    let ready = null;
    let p = null;
    let m = null;
    function manifest() {
      if (!ready) {
        ready = get('m', 0).then((data) => {
          if (!data || !data.shards) throw new Error('search manifest is empty');
          m = data;
          p = shardedSource(m);
          return m;
        });
        ready.catch(() => { ready = null; });
      }
      return ready;
    }

    // Loads the postings of every index token the query can reach, the ID and section table
    // when the query could be an ID or a section, and the facet table when filtering.
    async function load(query, opts) {
      const S = m.shards;
      const { terms, prefixToken, sections } = parseQuery(p, query);
      const tokens = new Set();
      const chars = new Set();
      let prefix = null;
      for (const t of terms) {
        for (const alt of t.alternatives.concat(t.fuzzy || [])) {
          for (const tok of tokenizeNormalized(alt)) {
            tokens.add(tok);
            if (tok === prefixToken) prefix = tok;
            else if (isSingleCJK(tok)) chars.add(tok);
          }
        }
      }
      const side = [];
      if (hasAnySelection(opts.filters) && !p.facetRows) side.push(get('f', 0).then((rows) => { p.facetRows = rows; }));
      for (const key of unique([normalize(query).trim()].concat(sections))) {
        if (key && Array.from(key).every((c) => (m.keyChars || '').includes(c))) {
          side.push(get('k', shardOf(key, S.k)).then((table) => p.addKeys(table)));
        }
      }
      const vocab = async (c) => get('t', shardOf(c, S.t));
      if (prefix) {
        const list = (await vocab(tokenListKeys(prefix)[0])).filter((k) => k !== prefix && k.startsWith(prefix)).sort();
        p.prefixLists.set(prefix, list);
        for (const k of list) tokens.add(k);
      }
      await Promise.all(Array.from(chars, async (c) => {
        const list = (await vocab(c)).filter((k) => isBigram(k) && (k[0] === c || k[1] === c)).sort();
        p.charLists.set(c, list);
        for (const k of list) tokens.add(k);
      }));
      const byShard = new Map();
      for (const tok of tokens) {
        if (hasOwn.call(p.postings, tok)) continue;
        const n = shardOf(tok, S.p);
        if (!byShard.has(n)) byShard.set(n, []);
        byShard.get(n).push(tok);
      }
      await Promise.all(Array.from(byShard, ([n, toks]) => get('p', n).then((sh) => {
        for (const tok of toks) {
          if (hasOwn.call(sh, tok) && !hasOwn.call(p.postings, tok)) p.postings[tok] = decodePostings(sh[tok]);
        }
      })));
      await Promise.all(side);
    }

    async function loadDocs(list) {
      const per = m.docsPerShard;
      const shards = unique(list.map((d) => Math.floor(d / per)));
      await Promise.all(shards.map((n) => get('d', n).then((docs) => p.addDocs(n * per, docs))));
      for (const d of list) if (!p.known(d)) throw new Error('search shard ' + shardFile('d', Math.floor(d / per)) + ' lacks document ' + d);
    }

    async function searchSharded(query, options) {
      const opts = options || {};
      await manifest();
      await load(query, opts);
      const ev = evaluate(p, query, opts);
      const limit = limitOf(opts);
      for (;;) {
        const r = rank(p, ev, limit, Math.max(limit, 1));
        if (!r.need) return r;
        await loadDocs(r.need);
      }
    }

    // The query's words and the other words they are also searched by (for suggestions).
    async function analyze(query) {
      await manifest();
      return parseQuery(p, query).terms.map((t) => ({
        term: t.term,
        alternatives: t.alternatives,
        display: t.alternatives.slice(1).map((a) => lexiconOf(p).shown.get(a)).filter(Boolean),
      }));
    }

    return { manifest, search: searchSharded, analyze, loaded: () => log.slice() };
  }

  // ---------------------------------------------------------------------------------------
  // Excerpts
  // ---------------------------------------------------------------------------------------

  // What the results mark: the query's words and their alternatives, never single bigrams
  // (再委託 must not mark every 委託); a long compound also marks its own words.
  function collectNeedles(terms, prefixToken) {
    const set = new Set();
    for (const t of terms) {
      // A lone character (言 of 言われた) is marked only when it is the whole query.
      for (const a of t.alternatives) if (tokenizeNormalized(a).length && (a.length > 1 || terms.length === 1)) set.add(a);
      if (t.term.length >= 4) for (const sg of t.segments || []) if (sg.length >= 2) set.add(sg);
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
  // The excerpts of the results of one query are often those of the next (typing on, paging):
  // the last texts' maps are kept.
  const textMaps = new Map();

  function normalizeWithMap(s) {
    let m = textMaps.get(s);
    if (m) return m;
    m = normalizeWithMapUncached(s);
    textMaps.set(s, m);
    if (textMaps.size > 256) textMaps.delete(textMaps.keys().next().value);
    return m;
  }

  function normalizeWithMapUncached(s) {
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

  const api = {
    normalize,
    tokenize,
    tokenizeNormalized,
    expandSynonyms,
    search,
    createShardedSearch,
    shard,
    decodeShard,
    takeShard,
    shardFile,
    shardOf,
    fnv1a32,
    tokenListKeys,
    decodePostings,
    lookupMatches,
    findMarks,
  };

  if (root) {
    root.Tebiki = root.Tebiki || {};
    root.Tebiki.search = api;
  }
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
