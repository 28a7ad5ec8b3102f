import Foundation

/// Files under `content/` that are not Markdown (images, PDFs) and that a page references by a
/// path relative to its Markdown file (`![流れ](img/flow.png)` in `content/requirements/x.md`),
/// as an editor's preview (GitHub, VS Code) reads it. Only referenced files are copied.
///
/// Output location: the content tree with each kind's folder renamed as its pages are
/// (`content/requirements/img/flow.png` → `rules/img/flow.png`, `content/img/x.png` → `img/x.png`).
/// Pages of a kind folder sit one folder deep in both trees (`content/requirements/x.md` →
/// `rules/x.html`), so the relative path the author wrote is the right one from the page too —
/// also from a copy of the HTML that a tool did not rewrite — and `../img/x.png` keeps meaning
/// the same file as a `static/img/x.png` would. Each file has one output path whichever pages
/// use it; the renderer still rewrites the URL (pages in sub-folders, `rules/` ≠ `requirements/`).
enum ContentFiles {
    /// One referenced file and where it goes.
    struct Copy: Equatable {
        var path: String
        var output: String
    }

    /// Files in `content/` that may be published: not the Markdown the builder reads or refuses
    /// (`.md`, `.MD`, `.markdown`) and not the registries it reads.
    static func isPublishable(_ path: String) -> Bool {
        guard path.hasPrefix("content/") else { return false }
        let lower = path.lowercased()
        if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { return false }
        if path.hasPrefix("content/registries/"), lower.hasSuffix(".yml") || lower.hasSuffix(".yaml") { return false }
        return true
    }

    /// Extensions a browser opens as a document that can run script (HTML, SVG, XML, scripts).
    /// Content is untrusted (`markdown.unsafe_html: false`): such a file from `content/` would
    /// run at the site's origin when opened, so it is published only from `static/`, which is
    /// the site owner's, or when site.yml trusts the content's HTML.
    static let activeExtensions: Set<String> = ["html", "htm", "xhtml", "xht", "shtml", "svg", "svgz", "xml", "xsl", "xslt", "js", "mjs", "swf"]

    static func isActive(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return activeExtensions.contains(path[path.index(after: dot)...].lowercased())
    }

    /// `content/requirements/img/a.png` → `rules/img/a.png`; folders that are no kind's keep their name.
    static func outputPath(_ path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        if parts.count >= 2, let kind = ContentKind.allCases.first(where: { $0.folder == parts[0] }) {
            parts[0] = kind.outputFolder
        }
        return parts.joined(separator: "/")
    }

    /// The content file a URL in the Markdown file at `sourcePath` names (decoded, `content/…`),
    /// the URL to write from the page's output instead (still encoded as written, with its
    /// `?query#fragment`), or nil when the URL does not lead to a publishable path in `content/`.
    static func target(of url: String, fromSource sourcePath: String) -> (file: String, output: String, suffix: Substring)? {
        guard LinkResolver.contentTarget(of: url) == nil,
              let (parts, suffix) = LinkResolver.sourceRelative(url, fromSource: sourcePath),
              parts.count >= 2, parts[0] == "content" else { return nil }
        // Decoded per segment: `%2F` or `..` hidden in an encoded segment names no file.
        let decoded = parts.map { $0.removingPercentEncoding ?? $0 }
        guard !decoded.contains(where: { $0.contains("/") || $0.contains("\\") || $0 == ".." || $0 == "." }) else { return nil }
        let written = parts.joined(separator: "/")
        let file = decoded.joined(separator: "/")
        guard isPublishable(file) else { return nil }
        return (file, outputPath(written), suffix)
    }

    /// Every file of `site.contentFiles` a page references, with the first reference to it.
    static func references(_ site: ParsedSite) -> [String: SourceLocation] {
        var found: [String: SourceLocation] = [:]
        guard !site.contentFiles.isEmpty else { return found }
        for page in site.pages {
            for link in page.links {
                guard let t = target(of: link.url, fromSource: page.path), site.contentFiles.contains(t.file),
                      found[t.file] == nil else { continue }
                found[t.file] = link.location
            }
        }
        return found
    }

    /// The files to copy: referenced and allowed (an active file only with `unsafe_html`).
    static func collect(_ site: ParsedSite) -> [Copy] {
        references(site).keys.filter { site.config.unsafeHTML || !isActive($0) }.sorted()
            .map { Copy(path: $0, output: outputPath($0)) }
    }

    /// Files no page references (warning: not published) and referenced files that could run
    /// script (error, at the reference).
    static func check(_ site: ParsedSite, into d: inout Diagnostics) {
        let used = references(site)
        for file in site.contentFiles.sorted() {
            if let at = used[file] {
                if !site.config.unsafeHTML, isActive(file) {
                    d.error("unsafe-file", "「\(file)」はブラウザで開くとスクリプトを実行できる種類のファイル（HTML、SVG、XML など）のため、content から公開しません。画像なら PNG か JPEG にするか、サイトの管理者が static/ に置いてください。", at: at)
                }
            } else {
                d.warning("unreferenced-file", "どのページからも参照されていないため、このファイルは出力にコピーされません（公開されません）。使うには、ページの Markdown ファイルからの相対パスで書いてください（例: ![説明](img/図.png)、[資料](資料.pdf)）。", at: SourceLocation(path: file))
            }
        }
    }

    /// A copied file whose output path a page, a generated file, a `static/` file or another
    /// copied file also uses is an error naming both.
    static func checkConflicts(_ files: [Copy], statics: [(path: String, output: String)], generated: [String],
                               site: ParsedSite, diagnostics: inout Diagnostics) {
        guard !files.isEmpty else { return }
        let pages = Validator.SitePages(site).pageAt
        let generatedSet = Set(generated + StaticFiles.reservedFiles)
        let staticAt = Dictionary(statics.map { ($0.output, $0.path) }, uniquingKeysWith: { a, _ in a })
        // A copy named like a folder of the output (`content/rules` linked as `../rules`) could not be written.
        var folders = Set(StaticFiles.reservedPrefixes.map { String($0.dropLast()) })
        for path in generated + statics.map(\.output) + files.map(\.output) {
            var p = Substring(path)
            while let slash = p.lastIndex(of: "/") { p = p[..<slash]; if !folders.insert(String(p)).inserted { break } }
        }
        var claimed: [String: String] = [:]
        for file in files {
            let at = SourceLocation(path: file.path)
            let other: String?
            if let page = pages[file.output] {
                other = "ページ「\(page.id)」（\(page.path)）"
            } else if generatedSet.contains(file.output) || StaticFiles.reservedPrefixes.contains(where: file.output.hasPrefix)
                        || (file.output.hasPrefix("checklists/") && file.output.hasSuffix(".csv")) {
                other = "Tebiki が生成するファイル"
            } else if let s = staticAt[file.output] {
                other = "static のファイル「\(s)」"
            } else if folders.contains(file.output) {
                other = "出力のフォルダ \(file.output)/"
            } else if let first = claimed[file.output] {
                other = "content のファイル「\(first)」"
            } else {
                other = nil
            }
            if let other {
                diagnostics.error("output-collision", "content のファイル「\(file.path)」の出力先 \(file.output) は、\(other)の出力先と同じです。どちらかの名前か置き場所を変えてください。", at: at)
            }
            claimed[file.output] = claimed[file.output] ?? file.path
        }
    }
}
