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

  // Every word comes from the theme's strings.yml (core.text); which facet groups the results
  // comes from site.yml (`stages`), through data/lookup.js.
  const t = core.text;
  const CHECKLIST_FIELDS = t('lookup_checklist_fields').split('／').filter(Boolean);
  const PRINT_HEADER = ['csv_no', 'csv_item', 'csv_basis', 'lookup_print_result', 'csv_notes'].map((k) => t(k));

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
      if (summary) summary.textContent = t('lookup_no_data');
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
    const reset = el('button', 'lookup-reset', t('lookup_reset'));
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
        scenarioBox.appendChild(el('h2', null, t('lookup_scenarios')));
        const ul = el('ul', 'lookup-scenario-list');
        for (const s of scenarios) {
          const li = el('li');
          const a = el('a', 'lookup-scenario', s.title);
          a.href = 'lookup.html#' + core.formatSelection(s.selection || {}, facets);
          li.appendChild(a);
          if (s.url) {
            li.appendChild(doc.createTextNode(' '));
            const more = el('a', 'lookup-scenario-page', t('lookup_scenario_page'));
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
        if (vals.length) parts.push(f.label + t('label_separator') + vals.map((v) => valueLabel(f.key, v)).join(t('list_separator')));
      }
      return parts.join(t('group_separator'));
    }

    function renderRequirement(req) {
      const li = el('li', 'lookup-item');
      const a = el('a', 'lookup-item-title', req.title);
      a.href = root + req.url;
      li.appendChild(a);
      const reasons = current.reasons.get(req.id) || [];
      if (reasons.length) {
        const p = el('p', 'lookup-reasons');
        p.appendChild(el('span', 'lookup-reason-label', t('lookup_reason_label')));
        for (const r of reasons) p.appendChild(el('span', 'lookup-reason', r));
        li.appendChild(p);
      }
      if (req.summary) li.appendChild(el('p', 'lookup-item-summary', req.summary));
      const labels = (req.sources || []).map((s) => s.label || s.section).filter(Boolean);
      if (labels.length) li.appendChild(el('p', 'lookup-item-sources', t('lookup_sources_label') + labels.join(t('list_separator'))));
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
        h.appendChild(el('span', 'lookup-count', t('lookup_group_count', { n: g.count })));
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
          t(cond ? 'lookup_total_selected' : 'lookup_total_all', { n: current.total })));
        if (current.sections.length) {
          const ul = el('ul', 'lookup-summary-groups');
          for (const s of current.sections) {
            const li = el('li');
            const a = el('a', null, t('lookup_section_count', { label: s.label, n: s.count }));
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
          cond ? t('lookup_selection', { selection: cond }) : t('lookup_selection_hint')));
      }
      if (!current.total) {
        results.appendChild(el('p', 'lookup-none', t('lookup_none')));
      }
      for (const s of current.sections) {
        const box = el('section', 'lookup-section lookup-section-' + s.key);
        box.id = 'lookup-section-' + s.key;
        const h = el('h2', null, s.label + ' ');
        h.appendChild(el('span', 'lookup-count', t('lookup_group_count', { n: s.count })));
        box.appendChild(h);
        if (s.key !== 'specific') {
          box.appendChild(el('p', 'lookup-general-note', t(s.key === 'general' ? 'lookup_general_note' : 'lookup_conditional_note')));
          const details = el('details', 'lookup-general');
          details.appendChild(el('summary', null, t('lookup_show_section', { label: s.label, n: s.count })));
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
      checklist.appendChild(el('h2', 'checklist-title', t('lookup_checklist_title')));
      const cond = selectionText();
      checklist.appendChild(el('p', 'checklist-selection', t('lookup_checklist_selection', { selection: cond || t('lookup_checklist_no_selection') })));
      const counts = current.sections.map((s) => t('lookup_section_count', { label: s.label, n: s.count })).join(t('group_separator'));
      if (counts) checklist.appendChild(el('p', 'checklist-counts', t('lookup_checklist_counts', { counts, n: rows.length })));

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
          const th = el('th', null, group + (section ? t('lookup_group_count', { n: section.count }) : ''));
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
        if (r.reason) text.appendChild(el('span', 'checklist-reason', t('lookup_reason_label') + r.reason));
        tr.appendChild(text);
        tr.appendChild(el('td', 'checklist-basis', r.basis));
        tr.appendChild(el('td', 'checklist-result', t('lookup_result_choices')));
        tr.appendChild(el('td', 'checklist-note'));
        tbody.appendChild(tr);
      }
      checklist.appendChild(table);
      checklist.appendChild(el('p', 'checklist-footer',
        t('lookup_checklist_footer', { title, date: new Date().toLocaleDateString(doc.documentElement.lang || undefined) })));
      checklist.hidden = !rows.length;
      checklist.classList.toggle('is-ready', rows.length > 0);
    }

    // Ctrl+P (or the browser's menu) prints the same tailored checklist as the button.
    globalThis.addEventListener('beforeprint', fillChecklist);

    if (printButton) {
      if (!printButton.textContent.trim()) printButton.textContent = t('lookup_print');
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
