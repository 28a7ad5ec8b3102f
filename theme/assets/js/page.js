/*
 * Tebiki: behaviour every page shares. It lives in this file, not in the HTML, because every
 * page carries a Content-Security-Policy without 'unsafe-inline' (no inline <script>, no
 * style="" attributes, no onclick=""): see docs/content-format.md "Raw HTML and scripts".
 *
 * - A button with data-action="print" prints the page.
 * - The page title in the top margin of printed pages: an @page rule whose text comes from
 *   <body data-print-title>. It is added through a constructed style sheet (CSSOM), which the
 *   policy allows, where an inline <style> element would be blocked.
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
      sheet.replaceSync('@page { @top-left { content: ' + cssString(title + ' ') + '; } }');
      doc.adoptedStyleSheets = doc.adoptedStyleSheets.concat([sheet]);
    } catch (e) { /* an older browser prints without the title */ }
  }

  function init() {
    printTitle();
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
