'use strict';
// lookup-core.js: explicit applicability, grouping, reasons, checklist rows and CSV, and
// selections from the URL that must not reach Object.prototype (issue 15).
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const lk = require(path.join(__dirname, '../../theme/assets/js/lookup-core.js'));

// The theme's words, as assets/js/strings.js gives them to the page (a flat key: text file).
function themeStrings() {
  const out = {};
  for (const line of fs.readFileSync(path.join(__dirname, '../../theme/strings.yml'), 'utf8').split('\n')) {
    const m = /^([a-z_]+):\s?(.*)$/.exec(line);
    if (!m) continue;
    const v = m[2];
    out[m[1]] = v.startsWith('"') ? JSON.parse(v) : v;
  }
  return out;
}
globalThis.TEBIKI_STRINGS = themeStrings();

const facets = [
  { key: 'phase', label: '段階', kind: 'multi', lookup: 'required', all: 'すべての段階', stages: true,
    values: [{ key: 'contract', label: '契約' }, { key: 'operation', label: '履行中' }] },
  { key: 'form', label: '委託の形態', kind: 'graded', lookup: 'required', all: 'すべての形態', specific: true,
    values: [{ key: 'build', label: '構築' }, { key: 'ops-asp', label: '運用（ASPサービス）' }, { key: 'storage', label: '保存・運搬' }, { key: 'cloud', label: 'クラウド' }] },
  { key: 'info', label: '取り扱う情報', kind: 'multi', lookup: 'required', all: '問わない', specific: true,
    values: [{ key: 'personal', label: '個人情報' }, { key: 'non-confidential', label: '要機密情報以外' }] },
  { key: 'org', label: '対象組織', kind: 'multi', lookup: 'required', all: '問わない',
    values: [{ key: 'national', label: '国の機関等' }, { key: 'local', label: '地方公共団体' }] },
  { key: 'category', label: '区分', kind: 'multi', values: [{ key: 'basic', label: '基本遵守事項' }] },
];
const grades = [{ key: 'required', symbol: '○', label: '必須' }, { key: 'na', symbol: '×', label: '該当なし', applies: false }];
const req = (id, f, extra) => Object.assign({ id, title: 'T ' + id, url: 'rules/' + id + '.html', status: 'active', facets: f,
  sources: [{ doc: 'd', section: 'S-' + id, label: 'Doc S-' + id }] }, extra || {});
const data = {
  facets, grades,
  requirements: [
    req('graded-build', { phase: ['contract'], form: { build: 'required', 'ops-asp': 'na' }, info: 'all', org: ['national'] }),
    req('asp-applies', { phase: ['contract'], form: { 'ops-asp': '' }, info: ['all'], org: ['national'] }),
    req('everywhere', { phase: 'all', form: 'all', info: 'all', org: ['national', 'local'] }),
    req('personal-only', { phase: ['operation'], form: 'all', info: ['personal'], org: ['local'] }),
    req('sns', { phase: ['operation'], form: ['cloud'], info: ['non-confidential'], org: ['national'] }),
    req('no-form', { phase: ['contract'], info: 'all', org: ['national'] }),
    req('retired', { phase: 'all', form: 'all', info: 'all', org: ['national'] }, { status: 'retired' }),
  ],
};
const ids = (r) => r.requirements.map((x) => x.id).sort();

test('within a facet any chosen value or all; across facets AND; na and missing values do not match', () => {
  assert.deepEqual(ids(lk.lookup(data, { form: ['build'] })), ['everywhere', 'graded-build', 'personal-only']);
  assert.deepEqual(ids(lk.lookup(data, { form: ['ops-asp'] })), ['asp-applies', 'everywhere', 'personal-only']);
  assert.deepEqual(ids(lk.lookup(data, { form: ['ops-asp', 'cloud'], info: ['non-confidential'] })),
    ['asp-applies', 'everywhere', 'sns']);
  // A facet the user leaves empty does not filter; a requirement without a value for a chosen
  // facet is never a silent match.
  assert.ok(ids(lk.lookup(data, {})).includes('no-form'));
  assert.ok(!ids(lk.lookup(data, { form: ['build'] })).includes('no-form'));
  assert.ok(!ids(lk.lookup(data, {})).includes('retired'));
});

test('groups: specific first, then conditional, then general, with counts', () => {
  const r = lk.lookup(data, { form: ['ops-asp'] });
  assert.deepEqual(r.sections.map((s) => [s.key, s.count]), [['specific', 1], ['conditional', 1], ['general', 1]]);
  assert.deepEqual(r.sections[0].requirements.map((x) => x.id), ['asp-applies']);
  assert.deepEqual(r.sections[1].requirements.map((x) => x.id), ['personal-only']);
  assert.deepEqual(r.sections[2].requirements.map((x) => x.id), ['everywhere']);
  assert.deepEqual(r.reasons.get('asp-applies'), ['運用（ASPサービス）：対象']);
  assert.deepEqual(r.reasons.get('everywhere'), ['全般']);
  assert.deepEqual(r.reasons.get('personal-only'), ['取り扱う情報：個人情報の場合']);
  const b = lk.lookup(data, { form: ['build'] });
  assert.deepEqual(b.reasons.get('graded-build'), ['構築：○ 必須']);
});

test('the grade that does not apply is the one the data marks applies: false, whatever its key', () => {
  const own = [{ key: 'na', symbol: '!', label: '注意' }, { key: 'none', symbol: '－', label: '対象外', applies: false }];
  const d = { facets, grades: own, requirements: [
    req('keyed-na', { phase: ['contract'], form: { build: 'na' }, info: 'all', org: 'all' }),
    req('keyed-none', { phase: ['contract'], form: { build: 'none', cloud: 'na' }, info: 'all', org: 'all' })] };
  assert.deepEqual(ids(lk.lookup(d, { form: ['build'] })), ['keyed-na']);
  assert.deepEqual(ids(lk.lookup(d, { form: ['cloud'] })), ['keyed-none']);
  // Limited to the values that apply when the specific facet is not chosen: only cloud.
  assert.deepEqual(lk.match(d.requirements[1], {}, facets, own).conditions, [{ facet: 'form', values: ['cloud'] }]);
  assert.ok(lk.matches(d.requirements[1], { form: ['build'] }, facets, []), 'no grade declared: every grade applies');
});

test('a requirement with several phases is listed once per chosen phase group, counted once', () => {
  const d = { facets, grades, requirements: [req('two', { phase: ['contract', 'operation'], form: 'all', info: 'all', org: 'all' })] };
  const r = lk.lookup(d, { org: ['local'] });
  assert.equal(r.total, 1);
  assert.deepEqual(r.sections[0].groups.map((g) => g.key), ['contract', 'operation']);
  assert.deepEqual(lk.lookup(d, { phase: ['operation'] }).sections[0].groups.map((g) => g.key), ['operation']);
});

test('checklist rows carry the group, the reason and a basis made of title and section', () => {
  const r = lk.lookup(data, { form: ['build'] });
  const rows = lk.checklistRows(r);
  assert.deepEqual(rows.map((x) => [x.group, x.requirement]), [
    [lk.text('lookup_specific'), 'graded-build'], [lk.text('lookup_conditional'), 'personal-only'], [lk.text('lookup_general'), 'everywhere']]);
  assert.equal(rows[0].basis, 'T graded-build（S-graded-build）');
  assert.equal(rows[0].reason, '構築：○ 必須');
  for (const row of rows) assert.ok(!row.basis.startsWith(row.requirement), row.basis);
  const csv = lk.csvForChecklist(rows);
  assert.ok(csv.startsWith('\uFEFFNo.,グループ,確認事項,根拠,該当する理由,結果,備考\r\n'));
  assert.ok(csv.includes('1,' + lk.text('lookup_specific') + ',T graded-build,T graded-build（S-graded-build）,構築：○ 必須,,\r\n'));
  assert.ok(csv.endsWith('\r\n'));
  assert.equal(lk.csvForChecklist([{ no: 1, text: '=HYPERLINK("x")' }]).split('\r\n')[1], '1,,"\'=HYPERLINK(""x"")",,,,');
});

test('selections from the URL never touch Object.prototype', () => {
  for (const hash of ['#__proto__=x', '#toString=a', '#constructor=x', '#__proto__[polluted]=1',
    '#hasOwnProperty=1&form=build', '#form=__proto__,constructor', '#valueOf=1&__proto__=form']) {
    let sel;
    assert.doesNotThrow(() => { sel = lk.parseSelection(hash); }, hash);
    assert.equal(Object.getPrototypeOf(sel), null, hash);
    assert.doesNotThrow(() => lk.lookup(data, sel), hash);
    assert.doesNotThrow(() => lk.formatSelection(sel, facets), hash);
    const known = lk.parseSelection(hash, facets);
    assert.deepEqual(Object.keys(known).filter((k) => k !== 'form'), [], hash);
    const r = lk.lookup(data, known);
    assert.ok(r.total > 0, hash);
  }
  assert.equal({}.polluted, undefined);
  assert.equal({}.x, undefined);
  assert.equal(typeof {}.toString, 'function');
  // Values that are not the facet's are dropped, so the page shows everything rather than nothing.
  assert.deepEqual(lk.parseSelection('#form=__proto__,build', facets).form, ['build']);
});

test('a facet keyed constructor (or toString) in the data does not break the lookup', () => {
  const odd = [{ key: 'constructor', label: 'C', kind: 'multi', lookup: 'required', all: '全部', values: [{ key: 'x', label: 'X' }] },
    { key: 'toString', label: 'T', kind: 'multi', values: [{ key: 'y', label: 'Y' }] }].concat(facets);
  const d = { facets: odd, grades, requirements: [req('a', { constructor: ['x'], phase: 'all', form: 'all', info: 'all', org: 'all' }),
    req('b', { constructor: 'all', phase: 'all', form: 'all', info: 'all', org: 'all' }), req('c', { phase: 'all', form: 'all', info: 'all', org: 'all' })] };
  const sel = lk.parseSelection('#constructor=x&toString=y', odd);
  assert.deepEqual(ids(lk.lookup(d, sel)), []);
  assert.deepEqual(ids(lk.lookup(d, lk.parseSelection('#constructor=x', odd))), ['a', 'b']);
  assert.equal(lk.formatSelection(sel, odd), 'constructor=x&toString=y');
});

test('groups come from the facet site.yml marks `stages`, whatever its key', () => {
  const renamed = facets.map((f) => (f.key === 'phase' ? Object.assign({}, f, { key: 'timing' }) : f));
  const d = { facets: renamed, grades, requirements: [req('two', { timing: ['contract', 'operation'], form: 'all', info: 'all', org: 'all' })] };
  assert.deepEqual(lk.lookup(d, { org: ['local'] }).sections[0].groups.map((g) => g.key), ['contract', 'operation']);
  assert.deepEqual(lk.lookup(d, { timing: ['operation'] }).sections[0].groups.map((g) => g.key), ['operation']);
  // A facet named `phase` without `stages: true` groups nothing: one group for everything.
  const unmarked = facets.map((f) => Object.assign({}, f, { stages: undefined }));
  const u = { facets: unmarked, grades, requirements: [req('two', { phase: ['contract', 'operation'], form: 'all', info: 'all', org: 'all' })] };
  const groups = lk.lookup(u, { org: ['local'] }).sections[0].groups;
  assert.deepEqual(groups.map((g) => [g.key, g.label]), [['all', lk.text('all_phases')]]);
});

test('every word comes from the theme strings (TEBIKI_STRINGS), placeholders filled', () => {
  const saved = globalThis.TEBIKI_STRINGS;
  try {
    globalThis.TEBIKI_STRINGS = Object.assign({}, saved, { lookup_general: 'GENERAL', lookup_reason_general: 'ANY',
      csv_no: '#', lookup_basis: '{title} [{section}]', label_separator: ': ' });
    const r = lk.lookup(data, { form: ['build'] });
    assert.equal(r.sections[2].label, 'GENERAL');
    assert.deepEqual(r.reasons.get('everywhere'), ['ANY']);
    assert.deepEqual(r.reasons.get('graded-build'), ['構築: ○ 必須']);
    const rows = lk.checklistRows(r);
    assert.equal(rows[0].basis, 'T graded-build [S-graded-build]');
    assert.ok(lk.csvForChecklist(rows).startsWith('\uFEFF#,'));
    // An unknown key shows as itself rather than breaking the page.
    assert.equal(lk.text('no_such_key'), 'no_such_key');
  } finally {
    globalThis.TEBIKI_STRINGS = saved;
  }
});
