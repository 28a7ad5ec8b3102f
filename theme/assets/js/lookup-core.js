/*
 * Tebiki lookup core (DOM-free): which requirements apply to a selection, why, in which group,
 * and the tailored checklist (rows and CSV). Contract: docs/search.md "Scenario lookup".
 *
 * A classic script: it attaches itself to globalThis.Tebiki.lookup so that lookup.html opened
 * from file:// can load it with a plain <script> element. Node tests load it with require().
 *
 * Every map built from data or from the URL is prototype-free (Object.create(null) or Map), so
 * a fragment such as #__proto__=x or #constructor=x, or a facet key `constructor`, is just a
 * key that matches nothing.
 */
(function (root) {
  'use strict';

  const ALL = 'all';
  const hasOwn = Object.prototype.hasOwnProperty;

  /**
   * text(key, fields) -> the theme's word for `key` (strings.yml, as assets/js/strings.js puts
   * it in globalThis.TEBIKI_STRINGS), `{name}` placeholders filled from `fields`; the key itself
   * when the theme has no such word. No word of the site's domain is written in this file.
   */
  function text(key, fields) {
    const strings = root && root.TEBIKI_STRINGS;
    let s = strings && hasOwn.call(strings, key) ? String(strings[key]) : key;
    for (const name of Object.keys(fields || {})) s = s.split('{' + name + '}').join(String(fields[name]));
    return s;
  }

  function dict() {
    return Object.create(null);
  }

  function own(obj, key) {
    return obj != null && typeof obj === 'object' && hasOwn.call(obj, key) ? obj[key] : undefined;
  }

  function unique(list) {
    const seen = new Set();
    const out = [];
    for (const x of list) if (!seen.has(x)) { seen.add(x); out.push(x); }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // Site facets
  // ---------------------------------------------------------------------------------------

  /** Facet table: Map key -> {facet, values: Map valueKey -> value, order: Map valueKey -> i}. */
  function facetTable(facets) {
    const table = new Map();
    for (const f of facets || []) {
      if (!f || typeof f.key !== 'string' || table.has(f.key)) continue;
      const values = new Map();
      const order = new Map();
      (Array.isArray(f.values) ? f.values : []).forEach((v, i) => {
        if (v && typeof v.key === 'string' && !values.has(v.key)) { values.set(v.key, v); order.set(v.key, i); }
      });
      table.set(f.key, { facet: f, values, order });
    }
    return table;
  }

  // ---------------------------------------------------------------------------------------
  // Selection in the URL fragment: form=cloud,ops-asp&info=personal
  // ---------------------------------------------------------------------------------------

  function safeDecode(s) {
    try { return decodeURIComponent(s); } catch (e) { return s; }
  }

  /**
   * parseSelection(hash, facets?) -> prototype-free {facetKey: [valueKey]}. With `facets`,
   * only the site's facets and values are kept (anything else in the fragment is ignored).
   */
  function parseSelection(hash, facets) {
    const table = facets ? facetTable(facets) : null;
    const sel = dict();
    const s = String(hash == null ? '' : hash).replace(/^#/, '');
    if (!s) return sel;
    for (const part of s.split('&')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const key = safeDecode(part.slice(0, eq));
      let values = part.slice(eq + 1).split(',').map(safeDecode).filter(Boolean);
      if (table) {
        const t = table.get(key);
        if (!t) continue;
        values = values.filter((v) => t.values.has(v));
      }
      if (!key || !values.length) continue;
      sel[key] = unique((hasOwn.call(sel, key) ? sel[key] : []).concat(values));
    }
    return sel;
  }

  /** The fragment (without '#'); facets and values in site order when `facets` is given. */
  function formatSelection(selection, facets) {
    const sel = selection || {};
    const table = facetTable(facets);
    const order = new Map();
    (facets || []).forEach((f, i) => { if (f && !order.has(f.key)) order.set(f.key, i); });
    const keys = Object.keys(sel).filter((k) => Array.isArray(sel[k]) && sel[k].length);
    const rank = (m, k) => (m.has(k) ? m.get(k) : 1e9);
    keys.sort((a, b) => rank(order, a) - rank(order, b));
    return keys.map((k) => {
      let values = unique(sel[k]);
      const t = table.get(k);
      if (t) values = values.slice().sort((a, b) => rank(t.order, a) - rank(t.order, b));
      return encodeURIComponent(k) + '=' + values.map(encodeURIComponent).join(',');
    }).join('&');
  }

  function chosenValues(selection, key) {
    const v = own(selection, key);
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
  }

  function hasSelection(selection, facets) {
    return (facets || []).some((f) => chosenValues(selection, f.key).length > 0);
  }

  // ---------------------------------------------------------------------------------------
  // Matching
  // ---------------------------------------------------------------------------------------

  /**
   * A requirement's values for one facet as [{value, grade}] (grade: '' for none), or null
   * when it states none. Multi facets are lists, graded facets value -> grade ('' = applies
   * without a grade); `all` may be written either way.
   */
  function valuesOf(req, key) {
    const v = own(own(req, 'facets'), key);
    if (v == null) return null;
    if (typeof v === 'string') return v ? [{ value: v, grade: '' }] : null;
    if (Array.isArray(v)) {
      const out = v.filter((x) => typeof x === 'string').map((x) => ({ value: x, grade: '' }));
      return out.length ? out : null;
    }
    if (typeof v === 'object') {
      const out = Object.keys(v).map((k) => ({ value: k, grade: typeof v[k] === 'string' ? v[k] : '' }));
      return out.length ? out : null;
    }
    return null;
  }

  /**
   * match(req, selection, facets, grades) -> null when the requirement is not listed, else
   * {reasons: [{facet, value, grade, all}], conditions: [{facet, values}], kind}. For each facet
   * with a selection: the requirement has `all`, or one of the chosen values (graded: with a
   * grade that applies, see `applies`); a requirement with no value for a chosen facet is not listed.
   * Facets the selection leaves empty do not filter. `kind` (facets marked `specific` in
   * site.yml: form, info, subcontract): 'specific' when a chosen specific facet matched through
   * an explicit value; else 'conditional' when the requirement is limited on a specific facet
   * the user has not chosen (`conditions`: e.g. only for 個人情報); else 'general'.
   */
  function match(req, selection, facets, grades) {
    if (!req || (req.status || 'active') !== 'active') return null;
    const reasons = [];
    const conditions = [];
    let explicit = false;
    for (const f of facets || []) {
      const chosen = chosenValues(selection, f.key);
      const vals = valuesOf(req, f.key);
      if (!chosen.length) {
        // Only opt-in values (site.yml `opt_in`, e.g. 委託以外の関連対策): listed only when asked for.
        if (vals && vals.every((v) => optIn(f, v.value))) return null;
        if (f.specific && vals && !vals.some((v) => v.value === ALL)) {
          const applying = vals.filter((v) => f.kind !== 'graded' || applies(v.grade, grades)).map((v) => v.value);
          // Every value of the facet (subcontract: yes and no) is no condition at all.
          const every = (f.values || []).every((x) => !x || applying.includes(x.key));
          if (applying.length && !every) conditions.push({ facet: f.key, values: applying });
        }
        continue;
      }
      if (!vals) return null;
      if (vals.some((v) => v.value === ALL)) {
        reasons.push({ facet: f.key, value: ALL, grade: '', all: true });
        continue;
      }
      const hits = vals.filter((v) => chosen.includes(v.value) &&
        (f.kind !== 'graded' || applies(v.grade, grades)));
      if (!hits.length) return null;
      if (f.specific) explicit = true;
      for (const h of hits) reasons.push({ facet: f.key, value: h.value, grade: h.grade, all: false });
    }
    // A site without `specific` facets has no notion of "general": one list.
    const grouping = (facets || []).some((f) => f.specific);
    const kind = explicit || !grouping ? 'specific' : conditions.length ? 'conditional' : 'general';
    return { reasons, conditions, kind, general: kind === 'general' };
  }

  /**
   * Whether a graded value with `grade` applies: every grade but the one site.yml declares
   * `applies: false` ("does not apply"), which `grades` (the data's grade list) marks so.
   */
  function applies(grade, grades) {
    return !(grades || []).some((g) => g && g.key === grade && g.applies === false);
  }

  function optIn(facet, value) {
    return (facet.values || []).some((v) => v && v.key === value && v.optIn === true);
  }

  function matches(req, selection, facets, grades) {
    return match(req, selection, facets, grades) !== null;
  }

  // ---------------------------------------------------------------------------------------
  // Reasons ("why is this listed")
  // ---------------------------------------------------------------------------------------

  function labeler(data) {
    const table = facetTable(data && data.facets);
    const grades = new Map();
    for (const g of (data && data.grades) || []) if (g && typeof g.key === 'string') grades.set(g.key, g);
    return {
      facet(key) { const t = table.get(key); return t ? t.facet.label : key; },
      value(key, v) {
        const t = table.get(key);
        if (v === ALL) return (t && t.facet.all) || text('lookup_general');
        const x = t && t.values.get(v);
        return x ? x.label : v;
      },
      grade(key) {
        const g = grades.get(key);
        return g ? (g.symbol ? g.symbol + ' ' : '') + g.label : '';
      },
    };
  }

  /**
   * Why a requirement is listed, as short Japanese texts: one per graded value
   * ("運用（ASPサービス）：○ 必須", or "…：対象" without a grade), one per multi facet
   * with its matching values ("取り扱う情報：個人情報"), or "全般" when every chosen
   * facet matched through `all`. Only `specific` facets (site.yml) are named: the others say
   * when and for whom, not why.
   */
  function reasonTexts(m, data) {
    if (!m) return [];
    const L = labeler(data);
    const facets = (data && data.facets) || [];
    const out = [];
    for (const f of facets) {
      if (!f.specific) continue;
      const rs = m.reasons.filter((r) => r.facet === f.key && !r.all);
      if (!rs.length) continue;
      if (f.kind === 'graded') {
        for (const r of rs) out.push(L.value(f.key, r.value) + text('label_separator') + (r.grade ? L.grade(r.grade) || r.grade : text('lookup_applies')));
      } else {
        out.push(f.label + text('label_separator') + rs.map((r) => L.value(f.key, r.value)).join(text('list_separator')));
      }
    }
    for (const c of m.conditions || []) {
      const f = facets.find((x) => x.key === c.facet);
      const shown = c.values.slice(0, 4).map((v) => L.value(c.facet, v)).join(text('value_separator')) + (c.values.length > 4 ? text('lookup_condition_more') : '');
      out.push((f ? f.label + text('label_separator') : '') + text('lookup_condition', { values: shown }));
    }
    if (!out.length) out.push(text('lookup_reason_general'));
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // Lookup
  // ---------------------------------------------------------------------------------------

  function byId(a, b) {
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  // Groups by the stages facet (site.yml `stages: true`): [{key, label, count, requirements}]
  // in the order of its values; a requirement is listed under each of its (chosen) stages;
  // `all` and unknown stages go to a final group (strings.yml `all_phases`). Without a stages
  // facet, one group.
  function phaseGroups(reqs, facets, selection) {
    const phaseFacet = (facets || []).find((f) => f && f.stages === true);
    const phaseKey = phaseFacet ? phaseFacet.key : null;
    const phasesOf = (req) => {
      const v = phaseKey ? valuesOf(req, phaseKey) : null;
      return v ? v.map((x) => x.value) : [];
    };
    const phaseValues = phaseFacet ? phaseFacet.values || [] : [];
    const known = new Set(phaseValues.map((v) => v.key));
    const chosenList = phaseKey ? chosenValues(selection, phaseKey) : [];
    const chosen = chosenList.length ? new Set(chosenList) : null;
    const groups = [];
    for (const v of phaseValues) {
      if (chosen && !chosen.has(v.key)) continue;
      const rs = reqs.filter((r) => phasesOf(r).includes(v.key));
      if (rs.length) groups.push({ key: v.key, label: v.label, count: rs.length, requirements: rs });
    }
    const rest = reqs.filter((r) => !phasesOf(r).some((k) => known.has(k) && (!chosen || chosen.has(k))));
    if (rest.length) groups.push({ key: 'all', label: text('all_phases'), count: rest.length, requirements: rest });
    return groups;
  }

  function firstSeen(groups) {
    const seen = new Set();
    const out = [];
    for (const g of groups) for (const r of g.requirements) if (!seen.has(r.id)) { seen.add(r.id); out.push(r); }
    return out;
  }

  /**
   * lookup(data, selection) -> {sections: [{key: 'specific'|'conditional'|'general', label,
   * count, groups, requirements}], requirements, total, reasons: Map id -> [text], matches}.
   * `requirements` lists each applicable requirement once: specific, then conditional, then
   * general, each in phase order.
   */
  function lookup(data, selection) {
    const sel = selection || dict();
    const facets = (data && data.facets) || [];
    const byKind = { specific: [], conditional: [], general: [] };
    const reasons = new Map();
    const matchesById = new Map();
    for (const r of ((data && data.requirements) || []).slice().sort(byId)) {
      const m = match(r, sel, facets, data.grades);
      if (!m) continue;
      matchesById.set(r.id, m);
      reasons.set(r.id, reasonTexts(m, data));
      byKind[m.kind].push(r);
    }
    const sections = [];
    for (const [key, label] of [['specific', text('lookup_specific')], ['conditional', text('lookup_conditional')], ['general', text('lookup_general')]]) {
      const reqs = byKind[key];
      if (!reqs.length) continue;
      const groups = phaseGroups(reqs, facets, sel);
      const ordered = firstSeen(groups);
      sections.push({ key, label, count: ordered.length, groups, requirements: ordered });
    }
    const ordered = [];
    for (const s of sections) ordered.push(...s.requirements);
    return { sections, requirements: ordered, total: ordered.length, reasons, matches: matchesById };
  }

  // ---------------------------------------------------------------------------------------
  // Checklist rows and CSV
  // ---------------------------------------------------------------------------------------

  /**
   * 根拠: the requirement's title and the source section the check cites (else its first
   * source's section), e.g. 「再委託に関する事項を契約で定める（9.3.1(13)）」; never the raw ID.
   */
  function basisFor(req, check) {
    const sources = req.sources || [];
    const section = check && check.section;
    const hit = section ? sources.find((s) => s.section === section || s.label === section) : null;
    const first = sources[0];
    const where = hit ? hit.section || hit.label || '' : section || (first ? first.section || first.label || '' : '');
    return where ? text('lookup_basis', { title: req.title || req.id, section: where }) : req.title || req.id;
  }

  /**
   * Rows of the tailored checklist, in the lookup's order (specific first, then general):
   * [{no, group, text, basis, reason, result, note, requirement, url}].
   */
  function checklistRows(result) {
    const rows = [];
    for (const s of result.sections || []) {
      for (const r of s.requirements) {
        const checks = r.checks && r.checks.length ? r.checks : [{ text: r.title }];
        const reason = (result.reasons && result.reasons.get(r.id) || []).join('／');
        for (const c of checks) {
          rows.push({
            no: rows.length + 1,
            group: s.label,
            text: c.text || '',
            basis: basisFor(r, c),
            reason,
            result: '',
            note: '',
            requirement: r.id,
            url: r.url || '',
          });
        }
      }
    }
    return rows;
  }

  function csvHeader() {
    return ['csv_no', 'lookup_csv_group', 'csv_item', 'csv_basis', 'lookup_csv_reason', 'lookup_csv_result', 'csv_notes'].map((k) => text(k));
  }

  // A cell Excel would read as a formula (=, +, -, @, tab, CR first) gets a leading
  // apostrophe (OWASP "CSV injection"), as the Swift CSV encoder does.
  function csvField(v) {
    let s = v == null ? '' : String(v);
    // Every line of the cell, as the Swift CSV encoder does: Excel reads each line of a quoted
    // multi-line cell, and a line starting with = after a line break is still a formula.
    s = s.split(/(\r\n|\r|\n)/).map((part) => (/^[=+\-@\t]/.test(part) ? "'" + part : part)).join('');
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  /** UTF-8 BOM, CRLF line ends (also after the last row), RFC 4180 quoting. */
  function csvForChecklist(rows) {
    const lines = [csvHeader()];
    (rows || []).forEach((r, i) => {
      lines.push([r.no == null ? i + 1 : r.no, r.group, r.text, r.basis, r.reason, r.result, r.note]);
    });
    return '\uFEFF' + lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
  }

  const api = {
    ALL,
    text,
    csvHeader,
    parseSelection,
    formatSelection,
    hasSelection,
    valuesOf,
    match,
    matches,
    reasonTexts,
    lookup,
    basisFor,
    checklistRows,
    csvForChecklist,
  };

  if (root) {
    root.Tebiki = root.Tebiki || {};
    root.Tebiki.lookup = api;
  }
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
