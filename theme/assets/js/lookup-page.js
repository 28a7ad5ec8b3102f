/*
 * Tebiki lookup page (lookup.html): pick the situation, get the requirements that apply,
 * grouped by phase, and print or download them as a checklist.
 * Classic script; needs search-core.js and data/lookup.js (globalThis.TEBIKI_LOOKUP) first.
 * Data is only ever put into the page with createElement/textContent.
 */
(function () {
  'use strict';
  const core = globalThis.Tebiki && globalThis.Tebiki.search;
  if (!core || typeof document === 'undefined') return;
  const doc = document;

  const HIDDEN_FACETS = new Set(['role', 'category']);
  const CHECKLIST_FIELDS = ['案件名', '委託先', '確認日', '確認者', '承認者'];
  const RESULT_CHOICES = '☐適　☐否　☐該当なし';

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
    const facets = data.facets || [];
    const facetByKey = new Map(facets.map((f) => [f.key, f]));
    const valueLabel = (fkey, vkey) => {
      const f = facetByKey.get(fkey);
      const v = f && (f.values || []).find((x) => x.key === vkey);
      return v ? v.label : vkey;
    };
    const grades = new Map((data.grades || []).map((g) => [g.key, g]));

    let selection = core.parseSelection(location.hash);
    let current = null;

    // -------------------------------------------------------------------------------------
    // Controls
    // -------------------------------------------------------------------------------------

    clear(controls);
    for (const f of facets) {
      if (HIDDEN_FACETS.has(f.key) || !(f.values || []).length) continue;
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

    function syncControls() {
      for (const box of controls.querySelectorAll('input[type=checkbox]')) {
        box.checked = (selection[box.name] || []).includes(box.value);
      }
    }

    function selectionFromControls() {
      const sel = {};
      // Facets without controls (role, category) keep what the fragment said.
      for (const k of Object.keys(selection)) {
        if (!controls.querySelector('fieldset[data-facet="' + cssEscape(k) + '"]')) sel[k] = selection[k];
      }
      for (const box of controls.querySelectorAll('input[type=checkbox]:checked')) {
        (sel[box.name] = sel[box.name] || []).push(box.value);
      }
      return sel;
    }

    function cssEscape(s) {
      return globalThis.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&');
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
      selection = {};
      syncControls();
      writeHash();
      render();
    });
    globalThis.addEventListener('hashchange', () => {
      const next = core.parseSelection(location.hash);
      if (core.formatSelection(next, facets) === core.formatSelection(selection, facets)) return;
      selection = next;
      syncControls();
      render();
    });

    // -------------------------------------------------------------------------------------
    // Scenario presets
    // -------------------------------------------------------------------------------------

    if (scenarioBox) {
      const scenarios = data.scenarios || [];
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
        const vals = selection[f.key];
        if (vals && vals.length) parts.push(f.label + '：' + vals.map((v) => valueLabel(f.key, v)).join('、'));
      }
      return parts.join('／');
    }

    // Grades of a requirement for the chosen values of every graded facet.
    function gradeList(req) {
      const items = [];
      for (const f of facets) {
        if (f.kind !== 'graded') continue;
        const chosen = selection[f.key];
        if (!chosen || !chosen.length) continue;
        const own = req.facets && req.facets[f.key];
        if (!own || typeof own !== 'object' || Array.isArray(own) || !Object.keys(own).length) {
          items.push({ label: f.label, grade: null, text: 'どの形態にも適用' });
          continue;
        }
        for (const v of chosen) {
          const g = grades.get(own[v]);
          items.push({
            label: valueLabel(f.key, v),
            grade: own[v] || 'none',
            text: g ? g.symbol + ' ' + g.label : '—',
          });
        }
      }
      return items;
    }

    function renderRequirement(req) {
      const li = el('li', 'lookup-item');
      const a = el('a', 'lookup-item-title', req.title);
      a.href = root + req.url;
      li.appendChild(a);
      const gl = gradeList(req);
      if (gl.length) {
        const ul = el('ul', 'lookup-grades');
        for (const g of gl) {
          const gi = el('li', 'lookup-grade');
          gi.appendChild(el('span', 'lookup-grade-form', g.label + '：'));
          gi.appendChild(el('span', 'grade' + (g.grade ? ' grade-' + g.grade : ''), g.text));
          ul.appendChild(gi);
        }
        li.appendChild(ul);
      }
      if (req.summary) li.appendChild(el('p', 'lookup-item-summary', req.summary));
      const labels = (req.sources || []).map((s) => s.label || s.section).filter(Boolean);
      if (labels.length) li.appendChild(el('p', 'lookup-item-sources', '根拠：' + labels.join('、')));
      return li;
    }

    function render() {
      current = core.lookup(data, selection);
      clear(results);
      if (summary) {
        clear(summary);
        const cond = selectionText();
        summary.appendChild(el('p', 'lookup-summary-total',
          (cond ? '該当する規定：' : '規定の一覧：') + current.total + '件'));
        if (current.groups.length) {
          const ul = el('ul', 'lookup-summary-groups');
          for (const g of current.groups) {
            const li = el('li');
            const a = el('a', null, g.label + ' ' + g.count + '件');
            a.href = '#lookup-group-' + (g.key || 'all');
            a.addEventListener('click', (e) => {
              e.preventDefault(); // keep the selection in the fragment
              const target = doc.getElementById('lookup-group-' + (g.key || 'all'));
              if (target) target.scrollIntoView();
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
      for (const g of current.groups) {
        const section = el('section', 'lookup-group');
        section.id = 'lookup-group-' + (g.key || 'all');
        const h = el('h2', null, g.label + ' ');
        h.appendChild(el('span', 'lookup-count', '（' + g.count + '件）'));
        section.appendChild(h);
        const ol = el('ol', 'lookup-list');
        for (const r of g.requirements) ol.appendChild(renderRequirement(r));
        section.appendChild(ol);
        results.appendChild(section);
      }
      if (printButton) printButton.disabled = !current.total;
      if (csvButton) csvButton.disabled = !current.total;
      if (checklist && !checklist.hidden) fillChecklist();
    }

    // -------------------------------------------------------------------------------------
    // Checklist: print and CSV
    // -------------------------------------------------------------------------------------

    function fillChecklist() {
      if (!checklist) return;
      const rows = core.checklistRows(current);
      clear(checklist);
      const title = (data.site && data.site.title) ? data.site.title + ' ' : '';
      checklist.appendChild(el('h2', 'checklist-title', '情報セキュリティ確認チェックリスト'));
      const cond = selectionText();
      checklist.appendChild(el('p', 'checklist-selection', '条件：' + (cond || '指定なし（すべての規定）')));

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
      for (const c of core.CSV_HEADER) {
        const th = el('th', null, c);
        th.scope = 'col';
        htr.appendChild(th);
      }
      thead.appendChild(htr);
      table.appendChild(thead);
      const tbody = el('tbody');
      for (const r of rows) {
        const tr = el('tr');
        tr.appendChild(el('td', 'checklist-no', String(r.no)));
        tr.appendChild(el('td', 'checklist-text', r.text));
        tr.appendChild(el('td', 'checklist-basis', r.basis));
        tr.appendChild(el('td', 'checklist-result', RESULT_CHOICES));
        tr.appendChild(el('td', 'checklist-note'));
        tbody.appendChild(tr);
      }
      table.appendChild(tbody);
      checklist.appendChild(table);
      checklist.appendChild(el('p', 'checklist-footer',
        '出典：' + title + '（' + new Date().toLocaleDateString('ja-JP') + ' 作成）'));
      checklist.hidden = false;
      checklist.classList.add('is-ready');
    }

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
