import Foundation

/// The pages and scripts that exist only in preview (`tebiki serve`), under `/__tebiki/`.
/// No inline script or style: the site's CSP allows only its own files ('self').
enum PreviewPages {
    static let prefix = "/__tebiki/"
    static let reloadScriptPath = "/__tebiki/reload.js"
    static let versionPath = "/__tebiki/version"
    static let stylePath = "/__tebiki/preview.css"

    /// The tag injected into every HTML response; the version the page was served with rides
    /// in the URL, so a rebuild that finishes before the first poll is not missed.
    static func reloadTag(version: String) -> String {
        "<script src=\"\(reloadScriptPath)?v=\(escape(version))\"></script>\n"
    }

    /// Polls the version every half second and reloads the page when it changed (a rebuild
    /// finished, successfully or not). Network errors (server stopped) slow the polling down.
    static let reloadScript = """
    // tebiki serve: reloads the page when the site was rebuilt. Served only in preview.
    (function () {
      "use strict";
      var me = document.currentScript || document.querySelector('script[src^="/__tebiki/reload.js"]');
      if (!me) { return; }
      var loaded = new URL(me.src, location.href).searchParams.get("v");
      function poll(delay) {
        setTimeout(function () {
          fetch("/__tebiki/version", { cache: "no-store" })
            .then(function (r) { return r.ok ? r.text() : null; })
            .then(function (v) {
              if (v !== null && v.trim() !== loaded) { location.reload(); } else { poll(500); }
            })
            .catch(function () { poll(2000); });
        }, delay);
      }
      poll(500);
    })();

    """

    static let style = """
    body { font-family: system-ui, "Hiragino Sans", "Noto Sans CJK JP", sans-serif; margin: 0; color: #1a1a1a; background: #fff; line-height: 1.7; }
    main { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
    h1 { font-size: 1.5rem; border-bottom: 4px solid #b3261e; padding-bottom: .3rem; }
    .tebiki-errors { padding-left: 1.5rem; }
    .tebiki-errors li { margin: .5rem 0; }
    .tebiki-errors code { font-family: ui-monospace, "Noto Sans Mono CJK JP", monospace; white-space: pre-wrap; word-break: break-all; }
    .tebiki-error code { color: #b3261e; }
    .tebiki-warning code { color: #7a5a00; }
    .tebiki-note { background: #f4f4f4; padding: .5rem 1rem; border-left: 4px solid #666; }

    """

    /// The page shown instead of the site while the content has errors.
    static func errorPage(_ diagnostics: [Diagnostic], version: String) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        let items = diagnostics.map { d in
            "<li class=\"tebiki-\(d.severity.rawValue)\"><code>\(escape(d.description))</code></li>"
        }.joined(separator: "\n")
        let counts = warnings > 0 ? "エラーが \(errors) 件、警告が \(warnings) 件" : "エラーが \(errors) 件"
        return page(title: "サイトを生成できません", body: """
        <p>内容に\(counts)あります。下の場所（ファイル:行:桁）を直して保存すると、このページは自動で読み込み直されます。</p>
        <ol class="tebiki-errors">
        \(items)
        </ol>
        <p class="tebiki-note">前回正しく生成できたサイトは、出力フォルダにそのまま残っています。この画面はプレビュー（tebiki serve）でだけ表示されます。</p>
        """, reload: reloadTag(version: version))
    }

    /// The 404 page. It reloads itself too, so a page that a rebuild creates appears.
    static func notFoundPage(version: String) -> String {
        page(title: "ページが見つかりません", body: """
        <p>このアドレスのページはありません。アドレスを確かめるか、<a href="/index.html">トップページ</a>から探してください。</p>
        """, reload: reloadTag(version: version))
    }

    static func messagePage(title: String, message: String) -> String {
        page(title: title, body: "<p>\(escape(message))</p>", reload: "")
    }

    /// The shell of the preview server's own pages; `body` is HTML, `title` is text.
    static func page(title: String, body: String, reload: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="ja">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) | tebiki serve</title>
        <link rel="stylesheet" href="\(stylePath)">
        </head>
        <body>
        <main>
        <h1>\(escape(title))</h1>
        \(body)
        </main>
        \(reload)</body>
        </html>

        """
    }

    /// Inserts the reload tag before the last `</body>`, in any letter case (or at the end
    /// when there is none).
    static func inject(_ tag: String, into html: Data) -> Data {
        let tagData = Data(tag.utf8)
        let lowered = Data(html.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
        guard let range = lowered.range(of: Data("</body>".utf8), options: .backwards) else { return html + tagData }
        var out = html
        out.insert(contentsOf: tagData, at: out.startIndex + (range.lowerBound - lowered.startIndex))
        return out
    }

    /// The same escaping as every other value Tebiki writes into HTML.
    static func escape(_ text: String) -> String { escapeAttribute(text) }
}
