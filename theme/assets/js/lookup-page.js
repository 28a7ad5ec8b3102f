/*
 * Tebiki lookup page (lookup.html): pick the situation, get the requirements that apply
 * (those specific to the selection first, those common to every case in a folded group),
 * each with the reason it is listed, and print or download them as a tailored checklist.
 * Classic script; needs data/lookup.js (globalThis.TEBIKI_LOOKUP) and lookup-core.js first.
 * Data is only ever put into the page with createElement/textContent.
 */
(function () {
  'use strict';
  const core = globalThis.Tebiki && globalThis.Tebiki.lookup;
  if (!core || typeof document === 'undefined') return;
  const doc = document;

  const CHECKLIST_FIELDS = ['案件名', '委託先', '確認日', '確認者', '承認者'];
  const RESULT_CHOICES = '☐適　☐否　☐該当なし';
  const PRINT_HEADER = ['No.', '確認事項', '根拠', '結果', '備考'];

  function el(tag, className, text) {
    const e = doc.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function init() {
    const controls = doc.getElementById('lookup-controls');
    const results = doc.getElementById('lookup-results');
    const summary = doc.getElementById('lookup-summary');
    const scenarioBox = doc.getElementById('lookup-scenarios');
    const printButton = doc.getElementById('lookup-print');
    const csvButton = doc.getElementById('lookup-csv');
    const checklist = doc.getElementById('lookup-checklist');
    if (!controls || !results) return;
    if (summary) {
      if (!summary.hasAttribute('aria-live')) summary.setAttribute('aria-live', 'polite');
      summary.setAttribute('role', 'status');
    }

    const data = globalThis.TEBIKI_LOOKUP;
    if (!data || !Array.isArray(data.requirements)) {
      if (summary) summary.textContent = '規定のデータ（data/lookup.js）を読み込めませんでした。';
      return;
    }
    const root = (doc.body && doc.body.getAttribute('data-root')) || '';
    const facets = (Array.isArray(data.facets) ? data.facets : []).filter((f) => f && typeof f.key === 'string');
    const facetByKey = new Map(facets.map((f) => [f.key, f]));
    const valueLabel = (fkey, vkey) => {
      const f = facetByKey.get(fkey);
      const v = f && (f.values || []).find((x) => x.key === vkey);
      return v ? v.label : vkey;
    };
    // The facets the lookup filters by (site.yml `lookup:`); the others are display only.
    const lookupFacets = facets.filter((f) => f.lookup);
    const controlFacets = lookupFacets.length ? lookupFacets : facets;

    let selection = core.parseSelection(location.hash, controlFacets);
    let current = null;

    // -------------------------------------------------------------------------------------
    // Controls
    // -------------------------------------------------------------------------------------

    clear(controls);
    for (const f of controlFacets) {
      if (!(f.values || []).length) continue;
      const fs = el('fieldset', 'lookup-facet lookup-facet-' + f.kind);
      fs.setAttribute('data-facet', f.key);
      fs.appendChild(el('legend', null, f.label));
      for (const v of f.values) {
        const label = el('label', 'lookup-option');
        const box = el('input');
        box.type = 'checkbox';
        box.name = f.key;
        box.value = v.key;
        box.id = 'lookup-' + f.key + '-' + v.key;
        label.appendChild(box);
        label.appendChild(doc.createTextNode(v.label));
        fs.appendChild(label);
      }
      controls.appendChild(fs);
    }
    const reset = el('button', 'lookup-reset', '条件をすべて外す');
    reset.type = 'button';
    controls.appendChild(reset);

    function chosen(key) {
      return Object.prototype.hasOwnProperty.call(selection, key) ? selection[key] : [];
    }

    function syncControls() {
      for (const box of controls.querySelectorAll('input[type=checkbox]')) {
        box.checked = chosen(box.name).includes(box.value);
      }
    }

    function selectionFromControls() {
      const sel = Object.create(null);
      for (const box of controls.querySelectorAll('input[type=checkbox]:checked')) {
        if (!Object.prototype.hasOwnProperty.call(sel, box.name)) sel[box.name] = [];
        sel[box.name].push(box.value);
      }
      return sel;
    }

    function writeHash() {
      const frag = core.formatSelection(selection, facets);
      const target = frag ? '#' + frag : location.pathname.split('/').pop() + location.search;
      try {
        history.replaceState(history.state, '', target || '#');
      } catch (e) {
        location.hash = frag; // file:// in some browsers; the hashchange handler re-renders
      }
    }

    controls.addEventListener('change', () => {
      selection = selectionFromControls();
      writeHash();
      render();
    });
    reset.addEventListener('click', () => {
      selection = Object.create(null);
      syncControls();
      writeHash();
      render();
    });
    globalThis.addEventListener('hashchange', () => {
      const next = core.parseSelection(location.hash, controlFacets);
      if (core.formatSelection(next, facets) === core.formatSelection(selection, facets)) return;
      selection = next;
      syncControls();
      render();
    });

    // -------------------------------------------------------------------------------------
    // Scenario presets
    // -------------------------------------------------------------------------------------

    if (scenarioBox) {
      const scenarios = Array.isArray(data.scenarios) ? data.scenarios : [];
      clear(scenarioBox);
      if (scenarios.length) {
        scenarioBox.appendChild(el('h2', null, 'よくある場面から選ぶ'));
        const ul = el('ul', 'lookup-scenario-list');
        for (const s of scenarios) {
          const li = el('li');
          const a = el('a', 'lookup-scenario', s.title);
          a.href = 'lookup.html#' + core.formatSelection(s.selection || {}, facets);
          li.appendChild(a);
          if (s.url) {
            li.appendChild(doc.createTextNode(' '));
            const more = el('a', 'lookup-scenario-page', '解説');
            more.href = root + s.url;
            li.appendChild(more);
          }
          ul.appendChild(li);
        }
        scenarioBox.appendChild(ul);
        scenarioBox.hidden = false;
      } else {
        scenarioBox.hidden = true;
      }
    }

    // -------------------------------------------------------------------------------------
    // Results
    // -------------------------------------------------------------------------------------

    function selectionText() {
      const parts = [];
      for (const f of facets) {
        const vals = chosen(f.key);
        if (vals.length) parts.push(f.label + '：' + vals.map((v) => valueLabel(f.key, v)).join('、'));
      }
      return parts.join('／');
    }

    function renderRequirement(req) {
      const li = el('li', 'lookup-item');
      const a = el('a', 'lookup-item-title', req.title);
      a.href = root + req.url;
      li.appendChild(a);
      const reasons = current.reasons.get(req.id) || [];
      if (reasons.length) {
        const p = el('p', 'lookup-reasons');
        p.appendChild(el('span', 'lookup-reason-label', '該当：'));
        for (const r of reasons) p.appendChild(el('span', 'lookup-reason', r));
        li.appendChild(p);
      }
      if (req.summary) li.appendChild(el('p', 'lookup-item-summary', req.summary));
      const labels = (req.sources || []).map((s) => s.label || s.section).filter(Boolean);
      if (labels.length) li.appendChild(el('p', 'lookup-item-sources', '根拠：' + labels.join('、')));
      return li;
    }

    function groupId(section, g) {
      return 'lookup-group-' + section.key + '-' + (g.key || 'all');
    }

    function renderGroups(section, container) {
      for (const g of section.groups) {
        const box = el('section', 'lookup-group');
        box.id = groupId(section, g);
        const h = el('h3', null, g.label + ' ');
        h.appendChild(el('span', 'lookup-count', '（' + g.count + '件）'));
        box.appendChild(h);
        const ol = el('ol', 'lookup-list');
        for (const r of g.requirements) ol.appendChild(renderRequirement(r));
        box.appendChild(ol);
        container.appendChild(box);
      }
    }

    function render() {
      current = core.lookup(data, selection);
      clear(results);
      if (summary) {
        clear(summary);
        const cond = selectionText();
        summary.appendChild(el('p', 'lookup-summary-total',
          (cond ? '該当する規定：' : '規定の一覧：') + current.total + '件'));
        if (current.sections.length) {
          const ul = el('ul', 'lookup-summary-groups');
          for (const s of current.sections) {
            const li = el('li');
            const a = el('a', null, s.label + ' ' + s.count + '件');
            a.href = '#lookup-section-' + s.key;
            a.addEventListener('click', (e) => {
              e.preventDefault(); // keep the selection in the fragment
              const target = doc.getElementById('lookup-section-' + s.key);
              if (!target) return;
              const details = target.querySelector('details');
              if (details) details.open = true;
              target.scrollIntoView();
            });
            li.appendChild(a);
            ul.appendChild(li);
          }
          summary.appendChild(ul);
        }
        summary.appendChild(el('p', 'lookup-summary-selection',
          cond ? '条件：' + cond : '条件を選ぶと、当てはまる規定だけに絞り込みます。'));
      }
      if (!current.total) {
        results.appendChild(el('p', 'lookup-none', '条件に当てはまる規定はありません。条件を減らしてください。'));
      }
      for (const s of current.sections) {
        const box = el('section', 'lookup-section lookup-section-' + s.key);
        box.id = 'lookup-section-' + s.key;
        const h = el('h2', null, s.label + ' ');
        h.appendChild(el('span', 'lookup-count', '（' + s.count + '件）'));
        box.appendChild(h);
        if (s.key !== 'specific') {
          box.appendChild(el('p', 'lookup-general-note', s.key === 'general'
            ? '委託の形態・取り扱う情報・再委託の有無にかかわらず、どの委託にも当てはまる規定です。'
            : 'まだ選んでいない条件（取り扱う情報、再委託の有無など）によって当てはまる規定です。各規定の「…の場合」を確かめるか、条件を追加して絞り込んでください。'));
          const details = el('details', 'lookup-general');
          details.appendChild(el('summary', null, s.label + 'を表示（' + s.count + '件）'));
          renderGroups(s, details);
          box.appendChild(details);
        } else {
          renderGroups(s, box);
        }
        results.appendChild(box);
      }
      if (printButton) printButton.disabled = !current.total;
      if (csvButton) csvButton.disabled = !current.total;
      fillChecklist();
    }

    // -------------------------------------------------------------------------------------
    // Checklist: print (button or Ctrl+P) and CSV
    // -------------------------------------------------------------------------------------

    function fillChecklist() {
      if (!checklist || !current) return;
      const rows = core.checklistRows(current);
      clear(checklist);
      const title = (data.site && data.site.title) ? data.site.title + ' ' : '';
      checklist.appendChild(el('h2', 'checklist-title', '情報セキュリティ確認チェックリスト'));
      const cond = selectionText();
      checklist.appendChild(el('p', 'checklist-selection', '条件：' + (cond || '指定なし（すべての規定）')));
      const counts = current.sections.map((s) => s.label + ' ' + s.count + '件').join('／');
      if (counts) checklist.appendChild(el('p', 'checklist-counts', '規定：' + counts + '（確認事項 ' + rows.length + '項目）'));

      const head = el('table', 'checklist-fields');
      const hb = el('tbody');
      for (const f of CHECKLIST_FIELDS) {
        const tr = el('tr');
        tr.appendChild(el('th', null, f));
        tr.appendChild(el('td', 'checklist-blank'));
        hb.appendChild(tr);
      }
      head.appendChild(hb);
      checklist.appendChild(head);

      const table = el('table', 'checklist-table');
      const thead = el('thead');
      const htr = el('tr');
      for (const c of PRINT_HEADER) {
        const th = el('th', null, c);
        th.scope = 'col';
        htr.appendChild(th);
      }
      thead.appendChild(htr);
      table.appendChild(thead);
      let tbody = null;
      let group = null;
      for (const r of rows) {
        if (r.group !== group) {
          group = r.group;
          tbody = el('tbody', 'checklist-group');
          const section = current.sections.find((s) => s.label === group);
          const gtr = el('tr', 'checklist-group-row group-row');
          const th = el('th', null, group + (section ? '（' + section.count + '件）' : ''));
          th.colSpan = PRINT_HEADER.length;
          th.scope = 'rowgroup';
          gtr.appendChild(th);
          tbody.appendChild(gtr);
          table.appendChild(tbody);
        }
        const tr = el('tr', 'checklist-row');
        tr.appendChild(el('td', 'checklist-no', String(r.no)));
        const text = el('td', 'checklist-cell');
        text.appendChild(el('span', 'checklist-text', r.text));
        if (r.reason) text.appendChild(el('span', 'checklist-reason', '該当：' + r.reason));
        tr.appendChild(text);
        tr.appendChild(el('td', 'checklist-basis', r.basis));
        tr.appendChild(el('td', 'checklist-result', RESULT_CHOICES));
        tr.appendChild(el('td', 'checklist-note'));
        tbody.appendChild(tr);
      }
      checklist.appendChild(table);
      checklist.appendChild(el('p', 'checklist-footer',
        '出典：' + title + '（' + new Date().toLocaleDateString('ja-JP') + ' 作成）'));
      checklist.hidden = !rows.length;
      checklist.classList.toggle('is-ready', rows.length > 0);
    }

    // Ctrl+P (or the browser's menu) prints the same tailored checklist as the button.
    globalThis.addEventListener('beforeprint', fillChecklist);

    if (printButton) {
      if (!printButton.textContent.trim()) printButton.textContent = 'このチェックリストを印刷';
      printButton.addEventListener('click', () => {
        fillChecklist();
        globalThis.print();
      });
    }

    if (csvButton) {
      csvButton.addEventListener('click', () => {
        const csv = core.csvForChecklist(core.checklistRows(current));
        const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
        const url = URL.createObjectURL(blob);
        const a = el('a');
        a.href = url;
        a.download = 'checklist.csv';
        a.hidden = true;
        doc.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      });
    }

    syncControls();
    render();
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})();
