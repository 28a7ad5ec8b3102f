// Run with: node --test Tests/js/
// Static checks behind "no script from content" (issue 8): the theme's scripts put data into
// the page only as text, and the templates escape every value, carry the Content-Security-
// Policy and hold no inline script, style or event handler (the policy would block them).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const THEME = path.join(__dirname, '..', '..', 'theme');
const read = (p) => fs.readFileSync(p, 'utf8');
const files = (dir, ext) => fs.readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => path.join(dir, f));
const scripts = files(path.join(THEME, 'assets', 'js'), '.js');
const templates = files(path.join(THEME, 'templates'), '.mustache');

/** Source without comments, so that a comment naming a sink is not a finding. */
function code(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

test('theme scripts use no HTML sinks and run no strings as code', () => {
  assert.ok(scripts.length >= 4);
  const sinks = [
    [/\.innerHTML\b/, 'innerHTML'], [/\.outerHTML\b/, 'outerHTML'], [/insertAdjacentHTML/, 'insertAdjacentHTML'],
    [/document\.write/, 'document.write'], [/\bdoc\.write/, 'document.write'], [/createContextualFragment/, 'createContextualFragment'],
    [/DOMParser/, 'DOMParser'], [/\beval\s*\(/, 'eval'], [/new\s+Function\s*\(/, 'new Function'],
    [/setTimeout\s*\(\s*['"`]/, 'setTimeout(string)'], [/setInterval\s*\(\s*['"`]/, 'setInterval(string)'],
    [/setAttribute\s*\(\s*['"`](on\w+|style|href|src|srcdoc)['"`]/, 'setAttribute(on*/style/href/src)'],
    [/\.srcdoc\b/, 'srcdoc'], [/javascript:/i, 'javascript: URL'],
  ];
  const found = [];
  for (const f of scripts) {
    const src = code(read(f));
    for (const [re, name] of sinks) if (re.test(src)) found.push(`${path.basename(f)}: ${name}`);
  }
  assert.deepEqual(found, []);
});

test('links the scripts build point into the site (root + a URL from the build, or a fragment)', () => {
  const found = [];
  for (const f of scripts) {
    const src = code(read(f));
    for (const m of src.matchAll(/\.href\s*=\s*([^;]+);/g)) {
      const rhs = m[1].trim();
      const ok = /^(root|siteRoot\(\))\s*\+/.test(rhs) || /^'(#|lookup\.html#)/.test(rhs) || /^(href|url)$/.test(rhs) ||
        /querySelector\('a'\)\.href$/.test(rhs) ||
        /^link\.href$/.test(rhs) || // page.js: the successor link the builder wrote (same scheme checked)
        /^action \+ '\?q=' \+ encodeURIComponent/.test(rhs);
      if (!ok) found.push(`${path.basename(f)}: .href = ${rhs}`);
    }
  }
  assert.deepEqual(found, []);
});

test('templates: raw {{{ }}} only for HTML the builder made', () => {
  const allowed = new Set(['content', 'body', 'beforeHTML', 'afterHTML']);
  const found = [];
  for (const f of templates) {
    const src = read(f);
    for (const m of src.matchAll(/\{\{\{\s*([^}]+?)\s*\}\}\}|\{\{&\s*([^}]+?)\s*\}\}/g)) {
      const name = m[1] || m[2];
      if (!allowed.has(name)) found.push(`${path.basename(f)}: ${m[0]}`);
    }
  }
  assert.deepEqual(found, []);
});

test('templates: every attribute holding a value is quoted, and no value is inside a script or style', () => {
  const found = [];
  for (const f of templates) {
    const src = read(f);
    // A value in a tag outside quotes (only section markers {{#x}} {{^x}} {{/x}} may stand there).
    for (const tag of src.matchAll(/<[a-zA-Z][^>]*>/g)) {
      const bare = tag[0].replace(/"[^"]*"|'[^']*'/g, '""');
      for (const m of bare.matchAll(/\{\{(?![#^\/])[^}]*\}\}/g)) found.push(`${path.basename(f)}: unquoted ${m[0]} in ${tag[0]}`);
    }
    // a value in a URL attribute's scheme position could be javascript: (href="{{url}}" is fine only for
    // URLs the builder makes; they are checked in the e2e test), but never inside an event handler
    for (const m of src.matchAll(/\son\w+\s*=/gi)) found.push(`${path.basename(f)}: event handler ${m[0].trim()}`);
    for (const m of src.matchAll(/\sstyle\s*=/gi)) found.push(`${path.basename(f)}: style attribute`);
    for (const m of src.matchAll(/<style\b/gi)) found.push(`${path.basename(f)}: <style> element`);
    for (const m of src.matchAll(/<script\b([^>]*)>/gi)) {
      if (!/\ssrc="\{\{/.test(m[1])) found.push(`${path.basename(f)}: inline <script${m[1]}>`);
    }
    if (/javascript:/i.test(src)) found.push(`${path.basename(f)}: javascript: URL`);
  }
  assert.deepEqual(found, []);
});

test('every template with a <head> carries the Content-Security-Policy first', () => {
  const heads = templates.filter((f) => /<head\b/i.test(read(f)));
  assert.ok(heads.some((f) => path.basename(f) === 'layout.mustache'));
  for (const f of heads) {
    const head = read(f).split(/<\/head>/i)[0];
    const csp = head.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
    assert.ok(csp, `${path.basename(f)} has no CSP meta`);
    const policy = Object.fromEntries(csp[1].split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    assert.deepEqual(policy['default-src'], ["'none'"]);
    for (const d of ['script-src', 'style-src']) {
      assert.ok(policy[d], d);
      for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", 'data:', 'blob:', '*', 'http:', 'https:']) {
        assert.ok(!policy[d].includes(bad), `${d} allows ${bad}`);
      }
    }
    assert.deepEqual(policy['object-src'], ["'none'"]);
    assert.deepEqual(policy['base-uri'], ["'none'"]);
    // Before anything the page loads: a policy in a later <meta> does not cover earlier elements.
    const at = head.indexOf('Content-Security-Policy');
    for (const tag of ['<link', '<script', '<style']) {
      const i = head.indexOf(tag);
      assert.ok(i === -1 || i > at, `${tag} before the CSP in ${path.basename(f)}`);
    }
  }
});
