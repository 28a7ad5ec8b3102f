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

  // Every word shown comes from the theme's strings.yml (assets/js/strings.js); which facets
  // filter and which show as labels comes from site.yml through the manifest (`search`, `chips`).
  const STRINGS = globalThis.TEBIKI_STRINGS || {};
  function t(key, fields) {
    let s = Object.prototype.hasOwnProperty.call(STRINGS, key) ? String(STRINGS[key]) : key;
    for (const name of Object.keys(fields || {})) s = s.split('{' + name + '}').join(String(fields[name]));
    return s;
  }
  const KIND_KEYS = { requirement: 'kind_requirement', glossary: 'kind_glossary', checklist: 'kind_checklist', scenario: 'kind_scenario' };
  const STATUS_KEYS = { retired: 'retired_badge', renamed: 'renamed_badge' };
  const kindLabel = (kind) => (KIND_KEYS[kind] ? t(KIND_KEYS[kind]) : kind || '');
  const statusLabel = (status) => (STATUS_KEYS[status] ? t(STATUS_KEYS[status]) : status);
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
    return el('span', 'badge badge-kind kind-' + (kind || 'other'), kindLabel(kind));
  }

  function facetTables(index) {
    const facets = new Map();
    for (const f of index.facets || []) {
      facets.set(f.key, { facet: f, values: new Map((f.values || []).map((v) => [v.key, v.label])) });
    }
    const grades = new Map((index.grades || []).map((g) => [g.key, g]));
    return { facets, grades };
  }

  // Labels of a document's facet values (every facet but those with `chips: false` in
  // site.yml): multi values, and graded values with a grade that applies (not the one declared
  // `applies: false`) ("○ 情報システムの構築等").
  function facetLabels(docEntry, tables) {
    const out = [];
    const own = docEntry.facets || {};
    for (const [key, ft] of tables.facets) {
      const v = own[key];
      if (!v || ft.facet.chips === false) continue;
      if (Array.isArray(v)) {
        for (const k of v) if (ft.values.has(k)) out.push({ key, text: ft.values.get(k) });
      } else if (typeof v === 'object') {
        const graded = Object.keys(v).filter((k) => {
          const g = tables.grades.get(v[k]);
          return !(g && g.applies === false) && ft.values.has(k);
        });
        graded.slice(0, 3).forEach((k) => {
          const g = tables.grades.get(v[k]);
          out.push({ key, text: (g ? g.symbol + ' ' : '') + ft.values.get(k) });
        });
        if (graded.length > 3) out.push({ key, text: t('search_more_values', { n: graded.length - 3 }) });
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
    list.setAttribute('aria-label', t('search_suggestions'));
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
            a.appendChild(el('span', 'badge badge-status', statusLabel(hit.doc.status)));
          }
        });
      }
      const label = r.total
        ? t('search_all_results', { q, n: r.total })
        : t('search_no_match_go', { q });
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
    // Filters from the address; once the manifest is in, only the site's search facets stay.
    let initialFilters = {};
    for (const [k, v] of params) {
      if (k !== 'q' && k !== 'retired' && v) initialFilters[k] = v.split(',').filter(Boolean);
    }
    if (retiredBox && params.get('retired') === '1') retiredBox.checked = true;

    let manifest = null;
    let limit = PAGE_SIZE;
    let tables = null;
    let runs = 0; // the latest run() wins when several are loading shards

    const more = el('button', 'search-more', t('search_more'));
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

    function searchFacet(f) {
      return f && f.search === true && (f.kind === 'multi' || f.kind === 'graded');
    }

    function keepSearchFilters() {
      const kept = {};
      for (const f of manifest.facets || []) {
        if (!searchFacet(f) || !initialFilters[f.key]) continue;
        const known = new Set((f.values || []).map((v) => v.key));
        const values = initialFilters[f.key].filter((v) => known.has(v));
        if (values.length) kept[f.key] = values;
      }
      initialFilters = kept;
    }

    function buildFilters() {
      if (!filtersBox) return;
      clear(filtersBox);
      for (const f of manifest.facets || []) {
        if (!searchFacet(f) || !(f.values || []).length) continue;
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
        head.appendChild(el('span', 'badge badge-status status-' + d.status, statusLabel(d.status)));
      }
      li.appendChild(head);
      const meta = [];
      if (d.sections && d.sections.length) meta.push(d.sections.join(t('list_separator')));
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
      empty.appendChild(el('p', 'search-empty-lead', t('search_none', { q })));
      const ul = el('ul', 'search-empty-suggestions');
      if (counts.unfiltered) {
        const li = el('li');
        const b = el('button', 'search-clear-filters', t('search_clear_filters', { n: counts.unfiltered }));
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
        const b = el('button', 'search-include-retired', t('search_with_retired', { n: counts.retired }));
        b.type = 'button';
        b.addEventListener('click', () => { retiredBox.checked = true; run(true); });
        li.appendChild(b);
        ul.appendChild(li);
      }
      const terms = closeTerms(q);
      if (terms.length) {
        const li = el('li', null, t('search_close_terms'));
        terms.forEach((d, i) => {
          if (i) li.appendChild(doc.createTextNode(t('list_separator')));
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
        const li = el('li', null, t('search_other_words'));
        others.slice(0, 6).forEach((w, i) => {
          if (i) li.appendChild(doc.createTextNode(t('list_separator')));
          const a = el('a', null, w);
          a.href = siteRoot() + 'search.html?q=' + encodeURIComponent(w);
          li.appendChild(a);
        });
        ul.appendChild(li);
      }
      const lookupLi = el('li');
      const lookupLink = el('a', null, t('search_lookup_link'));
      lookupLink.href = siteRoot() + 'lookup.html';
      lookupLi.appendChild(lookupLink);
      lookupLi.appendChild(doc.createTextNode(t('search_lookup_hint')));
      ul.appendChild(lookupLi);
      ul.appendChild(el('li', null, t('search_try_other')));
      empty.appendChild(ul);
      empty.hidden = false;
    }

    function show(q, r, filters, includeRetired, counts) {
      if (empty) { empty.hidden = true; clear(empty); }
      more.hidden = true;
      if (!r) {
        if (resultsList) clear(resultsList);
        setStatus(t('search_enter_query'));
        setState('done');
        return;
      }
      let msg = t('search_result_count', { q: q.trim(), n: r.total });
      if (r.total > r.results.length) msg += t('search_result_top', { n: r.results.length });
      if (r.total && r.missing && r.missing.length) {
        msg += t('search_result_missing', { words: r.missing.join(t('search_words_join')) });
      }
      if (r.total && r.mode === 'partial') {
        msg += t('search_result_partial');
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
          setStatus(t('search_index_error'));
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

    setStatus(t('search_index_loading'));
    searcher.manifest().then((m) => {
      manifest = m;
      tables = facetTables(manifest);
      keepSearchFilters();
      buildFilters();
      run(true);
      if (!input.value) input.focus();
    }, () => {
      setStatus(t('search_index_error'));
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
