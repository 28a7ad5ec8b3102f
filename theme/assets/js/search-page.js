/*
 * Tebiki search UI: the header search box (every page) and the search page (search.html).
 * Classic script; needs search-core.js loaded before it. The index is the sharded form under
 * {root}search/ (docs/search.md "Sharded form"): manifest.js on first focus or keystroke (on
 * search.html at once), then only the shards a query needs, each with a <script> element so
 * search works from file://. Data is only ever put into the page with createElement/textContent.
 */
(function () {
  'use strict';
  const core = globalThis.Tebiki && globalThis.Tebiki.search;
  if (!core || typeof document === 'undefined') return;
  const doc = document;

  const KIND_LABELS = { requirement: '規定', glossary: '用語', checklist: 'チェックリスト', scenario: '場面' };
  const STATUS_LABELS = { retired: '廃止', renamed: '改名' };
  const FILTER_MULTI = ['phase', 'org', 'category'];
  const FILTER_GRADED = ['form'];
  // Results shown at first (more on request): each one needs its document shard, so a
  // first query over a large site loads fewer files.
  const PAGE_SIZE = 20;
  const DROPDOWN_SIZE = 8;

  function siteRoot() {
    return (doc.body && doc.body.getAttribute('data-root')) || '';
  }

  function el(tag, className, text) {
    const e = doc.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function debounce(fn, ms) {
    let t = null;
    return function () {
      const args = arguments;
      clearTimeout(t);
      t = setTimeout(() => fn.apply(null, args), ms);
    };
  }

  // ---------------------------------------------------------------------------------------
  // Lazy index loading: shards are <script> elements that call Tebiki.search.shard(…).
  // ---------------------------------------------------------------------------------------

  let build = '';

  function loadShard(kind, n) {
    return new Promise((resolve, reject) => {
      const s = doc.createElement('script');
      // The build stamp keeps a browser from mixing shards of two builds (HTTP caches).
      s.src = siteRoot() + 'search/' + core.shardFile(kind, n) + (kind === 'm' || !build ? '' : '?v=' + build);
      s.async = true;
      s.onload = () => {
        s.remove();
        const data = core.takeShard(kind, n);
        if (data === undefined) { reject(new Error('search shard ' + s.src + ' is empty')); return; }
        resolve(core.decodeShard(data).then((value) => {
          if (kind === 'm') build = encodeURIComponent((value && value.build) || '');
          return value;
        }));
      };
      s.onerror = () => { s.remove(); reject(new Error('search shard ' + s.src + ' failed to load')); };
      (doc.head || doc.documentElement).appendChild(s);
    });
  }

  const searcher = core.createShardedSearch(loadShard);
  globalThis.Tebiki.searchPage = { searcher };

  // ---------------------------------------------------------------------------------------
  // Shared rendering helpers
  // ---------------------------------------------------------------------------------------

  function appendMarked(parent, excerpt) {
    const text = excerpt.text || '';
    let at = 0;
    for (const [a, b] of excerpt.marks || []) {
      if (a > at) parent.appendChild(doc.createTextNode(text.slice(at, a)));
      parent.appendChild(el('mark', null, text.slice(a, b)));
      at = b;
    }
    if (at < text.length) parent.appendChild(doc.createTextNode(text.slice(at)));
  }

  function kindBadge(kind) {
    return el('span', 'badge badge-kind kind-' + (kind || 'other'), KIND_LABELS[kind] || kind || '');
  }

  function facetTables(index) {
    const facets = new Map();
    for (const f of index.facets || []) {
      facets.set(f.key, { facet: f, values: new Map((f.values || []).map((v) => [v.key, v.label])) });
    }
    const grades = new Map((index.grades || []).map((g) => [g.key, g]));
    return { facets, grades };
  }

  // Labels of a document's facet values: phase/org/category values, and graded values with a
  // grade other than `na` ("○ 情報システムの構築等").
  function facetLabels(docEntry, tables) {
    const out = [];
    const own = docEntry.facets || {};
    for (const [key, t] of tables.facets) {
      const v = own[key];
      if (!v || key === 'role') continue;
      if (Array.isArray(v)) {
        for (const k of v) if (t.values.has(k)) out.push({ key, text: t.values.get(k) });
      } else if (typeof v === 'object') {
        const graded = Object.keys(v).filter((k) => v[k] !== 'na' && t.values.has(k));
        graded.slice(0, 3).forEach((k) => {
          const g = tables.grades.get(v[k]);
          out.push({ key, text: (g ? g.symbol + ' ' : '') + t.values.get(k) });
        });
        if (graded.length > 3) out.push({ key, text: 'ほか' + (graded.length - 3) + '形態' });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // Header search box with a dropdown of top results
  // ---------------------------------------------------------------------------------------

  function setupHeader() {
    const input = doc.getElementById('site-search-input');
    const form = input && (input.form || input.closest('form'));
    if (!input || !form) return null;
    const action = form.getAttribute('action') || (siteRoot() + 'search.html');

    const list = el('ul', 'site-search-suggestions');
    list.id = 'site-search-suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', '検索候補');
    list.hidden = true;
    form.appendChild(list);

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', list.id);
    // ARIA 1.0/1.1 readers (and axe-core 3) look for the popup through aria-owns; Chromium
    // ignores aria-owns on a text field, so the ARIA 1.2 tree stays as it is.
    input.setAttribute('aria-owns', list.id);
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('autocomplete', 'off');
    if (!input.getAttribute('aria-keyshortcuts')) input.setAttribute('aria-keyshortcuts', '/');

    let options = [];
    let active = -1;
    let lastQuery = null;

    function close() {
      list.hidden = true;
      clear(list);
      options = [];
      active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }

    function setActive(i) {
      if (active >= 0 && options[active]) {
        options[active].li.classList.remove('is-active');
        options[active].li.setAttribute('aria-selected', 'false');
      }
      active = i;
      if (active >= 0 && options[active]) {
        options[active].li.classList.add('is-active');
        options[active].li.setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', options[active].li.id);
        if (options[active].li.scrollIntoView) options[active].li.scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function addOption(href, build) {
      const i = options.length;
      const li = el('li', 'site-search-option');
      li.id = 'site-search-option-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      const a = el('a');
      a.href = href;
      a.tabIndex = -1;
      build(a);
      li.appendChild(a);
      li.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the box
      li.addEventListener('mousemove', () => { if (active !== i) setActive(i); });
      list.appendChild(li);
      options.push({ li, href });
    }

    function render(r, q) {
      clear(list);
      options = [];
      active = -1;
      const root = siteRoot();
      for (const hit of r.results) {
        addOption(root + hit.doc.url, (a) => {
          a.appendChild(kindBadge(hit.doc.kind));
          a.appendChild(el('span', 'site-search-option-title', hit.doc.title));
          if (hit.doc.status && hit.doc.status !== 'active') {
            a.appendChild(el('span', 'badge badge-status', STATUS_LABELS[hit.doc.status] || hit.doc.status));
          }
        });
      }
      const label = r.total
        ? '「' + q + '」のすべての結果を見る（' + r.total + '件）'
        : '「' + q + '」に一致するページはありません。検索ページで探す';
      addOption(action + '?q=' + encodeURIComponent(q), (a) => {
        a.classList.add('site-search-all');
        a.textContent = label;
      });
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    const update = debounce(() => {
      const q = input.value;
      if (!q.trim()) { close(); lastQuery = null; return; }
      if (q === lastQuery && !list.hidden) return;
      lastQuery = q;
      searcher.search(q, { limit: DROPDOWN_SIZE }).then((r) => {
        if (input.value === q && doc.activeElement === input) render(r, q);
      }, () => {
        close();
      });
    }, 120);

    input.addEventListener('focus', () => { searcher.manifest().catch(() => {}); if (input.value.trim()) { lastQuery = null; update(); } });
    input.addEventListener('input', update);
    input.addEventListener('keydown', (e) => {
      if (e.isComposing || e.keyCode === 229) return; // IME conversion in progress
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (list.hidden) { if (input.value.trim()) { lastQuery = null; update(); } return; }
        e.preventDefault();
        const n = options.length;
        if (!n) return;
        setActive(e.key === 'ArrowDown' ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
      } else if (e.key === 'Enter') {
        if (!list.hidden && active >= 0 && options[active]) {
          e.preventDefault();
          location.href = options[active].li.querySelector('a').href;
        }
      } else if (e.key === 'Escape') {
        if (!list.hidden) { e.preventDefault(); close(); }
        else if (input.value) { input.value = ''; }
        else input.blur();
      }
    });
    form.addEventListener('focusout', (e) => {
      if (!form.contains(e.relatedTarget)) close();
    });
    form.addEventListener('submit', (e) => {
      if (!input.value.trim()) e.preventDefault();
    });

    // "/" focuses the search box from anywhere except editable fields.
    doc.addEventListener('keydown', (e) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      input.focus();
      input.select();
    });

    return input;
  }

  // ---------------------------------------------------------------------------------------
  // Search page (search.html?q=…)
  // ---------------------------------------------------------------------------------------

  function setupPage(headerInput) {
    const input = doc.getElementById('search-page-input');
    if (!input) return;
    const status = doc.getElementById('search-status');
    const filtersBox = doc.getElementById('search-filters');
    const resultsList = doc.getElementById('search-results');
    const empty = doc.getElementById('search-empty');
    const retiredBox = doc.getElementById('search-include-retired');
    if (status) {
      if (!status.hasAttribute('aria-live')) status.setAttribute('aria-live', 'polite');
      status.setAttribute('role', 'status');
    }
    // data-state on #search-results: "loading" while a query runs, "done" once its results (or
    // the empty message) are in the page, "error" when the index failed to load; tools such as
    // scripts/search-eval.py wait for it.
    function setState(state) {
      if (resultsList) resultsList.setAttribute('data-state', state);
    }
    setState('loading');

    const params = new URLSearchParams(location.search);
    input.value = params.get('q') || '';
    if (headerInput && !headerInput.value) headerInput.value = input.value;
    const initialFilters = {};
    for (const k of FILTER_MULTI.concat(FILTER_GRADED)) {
      const v = params.get(k);
      if (v) initialFilters[k] = v.split(',').filter(Boolean);
    }
    if (retiredBox && params.get('retired') === '1') retiredBox.checked = true;

    let manifest = null;
    let limit = PAGE_SIZE;
    let tables = null;
    let runs = 0; // the latest run() wins when several are loading shards

    const more = el('button', 'search-more', 'さらに表示');
    more.type = 'button';
    more.id = 'search-more';
    more.hidden = true;
    more.addEventListener('click', () => { limit += PAGE_SIZE; run(false); });
    if (resultsList && resultsList.parentNode) resultsList.parentNode.insertBefore(more, resultsList.nextSibling);

    function setStatus(text) {
      if (status) status.textContent = text;
    }

    function currentFilters() {
      const f = {};
      if (!filtersBox) return initialFilters;
      for (const box of filtersBox.querySelectorAll('input[type=checkbox]:checked')) {
        (f[box.name] = f[box.name] || []).push(box.value);
      }
      return f;
    }

    function buildFilters() {
      if (!filtersBox) return;
      clear(filtersBox);
      for (const f of manifest.facets || []) {
        const wanted = (f.kind === 'multi' && FILTER_MULTI.includes(f.key)) ||
          (f.kind === 'graded' && FILTER_GRADED.includes(f.key));
        if (!wanted || !(f.values || []).length) continue;
        const fs = el('fieldset', 'search-filter search-filter-' + f.key);
        fs.appendChild(el('legend', null, f.label));
        for (const v of f.values) {
          const label = el('label', 'search-filter-option');
          const box = el('input');
          box.type = 'checkbox';
          box.name = f.key;
          box.value = v.key;
          box.checked = (initialFilters[f.key] || []).includes(v.key);
          label.appendChild(box);
          label.appendChild(doc.createTextNode(v.label));
          fs.appendChild(label);
        }
        filtersBox.appendChild(fs);
      }
      filtersBox.addEventListener('change', () => { limit = PAGE_SIZE; run(true); });
    }

    function updateUrl(q, filters, includeRetired) {
      const p = new URLSearchParams();
      if (q) p.set('q', q);
      for (const k of Object.keys(filters)) if (filters[k].length) p.set(k, filters[k].join(','));
      if (includeRetired) p.set('retired', '1');
      const s = p.toString();
      try {
        history.replaceState(history.state, '', (s ? '?' + s : location.pathname.split('/').pop() || '?') + location.hash);
      } catch (e) { /* some browsers refuse history changes on file:// */ }
    }

    function renderResult(hit) {
      const d = hit.doc;
      const li = el('li', 'search-result kind-' + (d.kind || 'other'));
      const head = el('div', 'search-result-head');
      head.appendChild(kindBadge(d.kind));
      const a = el('a', 'search-result-title');
      appendMarked(a, { text: d.title || '', marks: hit.titleMarks || [] });
      a.href = siteRoot() + d.url;
      head.appendChild(a);
      if (d.status && d.status !== 'active') {
        head.appendChild(el('span', 'badge badge-status status-' + d.status, STATUS_LABELS[d.status] || d.status));
      }
      li.appendChild(head);
      const meta = [];
      if (d.sections && d.sections.length) meta.push(d.sections.join('、'));
      if (meta.length) li.appendChild(el('p', 'search-result-sections', meta.join(' ')));
      const labels = facetLabels(d, tables);
      if (labels.length) {
        const ul = el('ul', 'search-result-facets');
        for (const l of labels) ul.appendChild(el('li', 'facet-value facet-' + l.key, l.text));
        li.appendChild(ul);
      }
      if (hit.excerpt && hit.excerpt.text) {
        const p = el('p', 'search-result-excerpt');
        appendMarked(p, hit.excerpt);
        li.appendChild(p);
      }
      return li;
    }

    // Glossary terms close to the query: Dice coefficient over characters and bigrams.
    function closeTerms(q) {
      const grams = (s) => {
        const chars = Array.from(core.normalize(s).replace(/\s+/g, ''));
        const set = new Set(chars);
        for (let i = 0; i + 1 < chars.length; i++) set.add(chars[i] + chars[i + 1]);
        return set;
      };
      const qg = grams(q);
      if (!qg.size) return [];
      const scored = [];
      for (const [, title, url] of manifest.glossary || []) { // active glossary terms
        const d = { title, url };
        const tg = grams(title);
        let common = 0;
        for (const g of qg) if (tg.has(g)) common++;
        const score = (2 * common) / (qg.size + tg.size);
        if (score >= 0.25) scored.push({ d, score });
      }
      scored.sort((x, y) => y.score - x.score || (x.d.title < y.d.title ? -1 : 1));
      return scored.slice(0, 5).map((x) => x.d);
    }

    // Counts for the suggestions of an empty result: without the filters, with retired pages.
    function emptyCounts(q, filters, includeRetired) {
      const filtering = Object.keys(filters).some((k) => filters[k].length);
      const none = Promise.resolve({ total: 0 });
      return Promise.all([
        filtering ? searcher.search(q, { includeRetired, limit: 0 }) : none,
        !includeRetired && retiredBox ? searcher.search(q, { filters, includeRetired: true, limit: 0 }) : none,
      ]).then(([a, b]) => ({ unfiltered: a.total, retired: b.total }), () => ({ unfiltered: 0, retired: 0 }));
    }

    let analyzed = null;

    function renderEmpty(q, filters, includeRetired, counts) {
      if (!empty) return;
      clear(empty);
      empty.appendChild(el('p', 'search-empty-lead', '「' + q + '」に一致するページは見つかりませんでした。'));
      const ul = el('ul', 'search-empty-suggestions');
      if (counts.unfiltered) {
        const li = el('li');
        const b = el('button', 'search-clear-filters', '絞り込みを外して探す（' + counts.unfiltered + '件）');
        b.type = 'button';
        b.addEventListener('click', () => {
          for (const box of filtersBox.querySelectorAll('input[type=checkbox]')) box.checked = false;
          run(true);
        });
        li.appendChild(b);
        ul.appendChild(li);
      }
      if (counts.retired) {
        const li = el('li');
        const b = el('button', 'search-include-retired', '廃止・改名された規定も含めて探す（' + counts.retired + '件）');
        b.type = 'button';
        b.addEventListener('click', () => { retiredBox.checked = true; run(true); });
        li.appendChild(b);
        ul.appendChild(li);
      }
      const terms = closeTerms(q);
      if (terms.length) {
        const li = el('li', null, '近い用語: ');
        terms.forEach((d, i) => {
          if (i) li.appendChild(doc.createTextNode('、'));
          const a = el('a', null, d.title);
          a.href = siteRoot() + d.url;
          li.appendChild(a);
        });
        ul.appendChild(li);
      }
      // Other words for the query's words (glossary synonyms and the variants registry).
      const others = [];
      for (const t of analyzed || []) for (const a of t.display || []) if (!others.includes(a)) others.push(a);
      if (others.length) {
        const li = el('li', null, '別の言い方で探す: ');
        others.slice(0, 6).forEach((w, i) => {
          if (i) li.appendChild(doc.createTextNode('、'));
          const a = el('a', null, w);
          a.href = siteRoot() + 'search.html?q=' + encodeURIComponent(w);
          li.appendChild(a);
        });
        ul.appendChild(li);
      }
      const lookupLi = el('li');
      const lookupLink = el('a', null, '場面から探す');
      lookupLink.href = siteRoot() + 'lookup.html';
      lookupLi.appendChild(lookupLink);
      lookupLi.appendChild(doc.createTextNode('：委託の形態や扱う情報を選ぶと、当てはまる規定を一覧にします。'));
      ul.appendChild(lookupLi);
      ul.appendChild(el('li', null, '短い語や別の言い方（例:「サーバ」「外部サービス」「再委託」）でも試してください。'));
      empty.appendChild(ul);
      empty.hidden = false;
    }

    function show(q, r, filters, includeRetired, counts) {
      if (empty) { empty.hidden = true; clear(empty); }
      more.hidden = true;
      if (!r) {
        if (resultsList) clear(resultsList);
        setStatus('検索語を入力してください。');
        setState('done');
        return;
      }
      let msg = '「' + q.trim() + '」の検索結果: ' + r.total + '件';
      if (r.total > r.results.length) msg += '（上位' + r.results.length + '件を表示）';
      if (r.total && r.missing && r.missing.length) {
        msg += '。「' + r.missing.join('」「') + '」を含むページはないため、ほかの語で探した結果です';
      }
      if (r.total && r.mode === 'partial') {
        msg += '。すべての語を含むページはありません。多くの語を含むページから順に表示しています';
      }
      setStatus(msg);
      if (resultsList) {
        const items = doc.createDocumentFragment();
        for (const hit of r.results) items.appendChild(renderResult(hit));
        clear(resultsList);
        resultsList.appendChild(items);
      }
      more.hidden = r.total <= r.results.length;
      if (r.total === 0) renderEmpty(q.trim(), filters, includeRetired, counts);
      setState('done');
    }

    function run(resetLimit) {
      if (resetLimit) limit = PAGE_SIZE;
      const q = input.value;
      const filters = currentFilters();
      const includeRetired = !!(retiredBox && retiredBox.checked);
      updateUrl(q.trim() ? q : '', filters, includeRetired);
      if (!manifest) return;
      const id = ++runs;
      if (!q.trim()) { show(q, null); return; }
      if (resultsList) resultsList.setAttribute('aria-busy', 'true');
      setState('loading');
      searcher.search(q, { filters, includeRetired, limit })
        .then((r) => (r.total ? [r, null] : emptyCounts(q.trim(), filters, includeRetired)
          .then((c) => searcher.analyze(q).then((terms) => { analyzed = terms; return [r, c]; }))))
        .then(([r, counts]) => {
          if (id !== runs) return;
          if (resultsList) resultsList.removeAttribute('aria-busy');
          show(q, r, filters, includeRetired, counts);
        }, () => {
          if (id !== runs) return;
          if (resultsList) resultsList.removeAttribute('aria-busy');
          setStatus('検索インデックスを読み込めませんでした。ページを再読み込みしてください。');
          setState('error');
        });
    }

    const form = input.form || input.closest('form');
    if (form && form !== (headerInput && headerInput.form)) {
      form.addEventListener('submit', (e) => { e.preventDefault(); run(true); });
    }
    input.addEventListener('input', debounce(() => run(true), 150));
    if (retiredBox) retiredBox.addEventListener('change', () => run(true));

    // On a phone the results come first: the filters fold into their summary line.
    const filtersDetails = doc.getElementById('search-filters-box');
    if (filtersDetails && globalThis.matchMedia && globalThis.matchMedia('(max-width: 600px)').matches) filtersDetails.open = false;

    setStatus('検索インデックスを読み込んでいます…');
    searcher.manifest().then((m) => {
      manifest = m;
      tables = facetTables(manifest);
      buildFilters();
      run(true);
      if (!input.value) input.focus();
    }, () => {
      setStatus('検索インデックスを読み込めませんでした。ページを再読み込みしてください。');
      setState('error');
    });
  }

  function init() {
    const headerInput = setupHeader();
    setupPage(headerInput);
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})();
