/*
 * Tebiki: behaviour every page shares. It lives in this file, not in the HTML, because every
 * page carries a Content-Security-Policy without 'unsafe-inline' (no inline <script>, no
 * style="" attributes, no onclick=""): see docs/content-format.md "Raw HTML and scripts".
 *
 * - A button with data-action="print" prints the page.
 * - The page title in the top margin of printed pages: an @page rule whose text comes from
 *   <body data-print-title> (and, for a checklist, its editions from data-print-meta). It is added through a constructed style sheet (CSSOM), which the
 *   policy allows, where an inline <style> element would be blocked.
 * - A retired or renamed requirement's page moves to its successor (a#successor-link with
 *   data-redirect-seconds) after showing the notice for that long, with a button that stops it.
 *   Script rather than <meta http-equiv="refresh">: a timed move the reader cannot stop fails
 *   WCAG 2.2.1; this one can be stopped, and it does not happen on paper or without script.
 */
(function () {
  'use strict';
  if (typeof document === 'undefined') return;
  const doc = document;

  /** A CSS string literal holding `text` (quotes, backslashes and line breaks escaped). */
  function cssString(text) {
    return '"' + String(text).replace(/[\\"]/g, '\\$&').replace(/[\n\r\f]/g, ' ') + '"';
  }

  function printTitle() {
    const title = doc.body && doc.body.getAttribute('data-print-title');
    if (!title || typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in doc)) return;
    try {
      const sheet = new CSSStyleSheet({ media: 'print' });
      // A checklist also names its sources' editions and the content date (top right).
      const metaHolder = doc.querySelector('[data-print-meta]');
      const meta = metaHolder && metaHolder.getAttribute('data-print-meta');
      sheet.replaceSync('@page { @top-left { content: ' + cssString(title + ' ') + '; }' +
        (meta ? ' @top-right { content: ' + cssString(meta) + '; }' : '') + ' }');
      doc.adoptedStyleSheets = doc.adoptedStyleSheets.concat([sheet]);
    } catch (e) { /* an older browser prints without the title */ }
  }

  // The theme's words (strings.yml through assets/js/strings.js, loaded after this file but
  // before the page is ready, when these run).
  function word(key) {
    const strings = globalThis.TEBIKI_STRINGS;
    return strings && Object.prototype.hasOwnProperty.call(strings, key) ? String(strings[key]) : key;
  }

  function successorRedirect() {
    const link = doc.getElementById('successor-link');
    const seconds = link && parseInt(link.getAttribute('data-redirect-seconds'), 10);
    // Only a link of the site itself (same scheme as this page: file: or http(s):).
    if (!seconds || seconds <= 0 || link.protocol !== globalThis.location.protocol) return;
    const notice = link.closest('.notice') || link.parentNode;
    const line = doc.createElement('p');
    line.className = 'redirect-line';
    const text = doc.createElement('span');
    const stop = doc.createElement('button');
    stop.type = 'button';
    stop.id = 'redirect-stop';
    stop.className = 'button';
    stop.textContent = word('redirect_stay');
    line.append(text, ' ', stop);
    notice.appendChild(line);
    let left = seconds;
    const show = () => { text.textContent = word('redirect_countdown').split('{n}').join(String(left)); };
    show();
    const timer = setInterval(() => {
      left -= 1;
      if (left > 0) { show(); return; }
      clearInterval(timer);
      globalThis.location.href = link.href;
    }, 1000);
    stop.addEventListener('click', () => {
      clearInterval(timer);
      text.textContent = word('redirect_stopped');
      stop.remove();
      link.focus();
    });
  }

  function init() {
    printTitle();
    successorRedirect();
    doc.addEventListener('click', (e) => {
      const button = e.target && e.target.closest && e.target.closest('[data-action="print"]');
      if (!button) return;
      e.preventDefault();
      globalThis.print();
    });
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', init);
  else init();
})();
