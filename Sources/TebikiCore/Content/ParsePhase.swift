import Foundation

/// The site as written: configuration, registries and every content page, parsed.
public struct ParsedSite: Sendable {
    public var config: SiteConfig
    public var sources: [SourceDocument]
    public var pages: [ContentPage]
    public var themeFolder: String
    public var variants = SearchVariants()
    /// Output paths of files the build copies as they are: `static/` and the theme's assets
    /// (the site's theme folder and the built-in theme). Links and images may name them.
    public var files: Set<String> = []
    /// Files under `content/` that are not Markdown (`content/requirements/img/a.png`): copied
    /// when a page references them (`ContentFiles`).
    public var contentFiles: Set<String> = []
}

enum ParsePhase {
    static let sourcesPath = "content/registries/sources.yml"

    /// Files under content/ that the build does not read, which would otherwise vanish from the
    /// site without a word: `x.MD` (error: a page in its folder, only the case is wrong), a
    /// folder whose name is close to one the build reads (`requirement/`: error when it holds
    /// `.md` files), `*.markdown` and Markdown in other folders or directly in content/ (warnings).
    /// Other files (images, PDFs) are published when a page references them and reported by
    /// `ContentFiles.check` when none does.
    static func reportFilesNotRead(_ source: SiteSource, diagnostics: inout Diagnostics) {
        let kindFolders = ContentKind.allCases.map(\.folder)
        var reportedFolders = Set<String>()
        for path in source.files.keys.sorted() where path.hasPrefix("content/") && path != sourcesPath && path != SearchVariantsParser.path
            && !ContentFiles.isPublishable(path) {
            let parts = path.split(separator: "/").map(String.init)
            let lower = path.lowercased()
            let at = SourceLocation(path: path)
            if parts.count >= 3, kindFolders.contains(parts[1]) {
                if path.hasSuffix(".md") { continue }
                if lower.hasSuffix(".md") {
                    diagnostics.error("file-not-read", "拡張子が「\(path.suffix(3))」のため読み込まれません。拡張子を小文字の .md にしてください。", at: at)
                } else if lower.hasSuffix(".markdown") {
                    diagnostics.warning("file-not-read", "拡張子が .markdown のファイルは読み込みません。ページにするには拡張子を .md にしてください。", at: at)
                }
            } else if parts.count == 2 {
                diagnostics.warning("file-not-read", "content の直下の Markdown ファイルは読み込みません。\(kindFolders.joined(separator: "、")) のいずれかのフォルダに置いてください。", at: at)
            } else if parts[1] == "registries" {
                diagnostics.warning("file-not-read", "registries から読み込むのは sources.yml と variants.yml だけです。", at: at)
            } else if reportedFolders.insert(parts[1]).inserted {
                let folder = "content/" + parts[1]
                let holdsPages = source.files.keys.contains { $0.hasPrefix(folder + "/") && $0.lowercased().hasSuffix(".md") }
                let read = (kindFolders + ["registries"]).joined(separator: "、")
                if let near = Suggest.nearest(to: parts[1], in: kindFolders), holdsPages {
                    diagnostics.error("folder-not-read", "フォルダ \(folder) は読み込まれません（読み込むのは content の \(read)）。「\(near)」の誤りではありませんか。", at: SourceLocation(path: folder))
                } else {
                    diagnostics.warning("folder-not-read", "フォルダ \(folder) の Markdown ファイルは読み込まれません（読み込むのは content の \(read)）。", at: SourceLocation(path: folder))
                }
            }
        }
    }

    static func run(_ source: SiteSource, diagnostics: inout Diagnostics) -> ParsedSite? {
        diagnostics.append(contentsOf: source.diagnostics)
        guard let configData = source.files["site.yml"] else {
            diagnostics.error("missing-config", "site.yml が見つかりません。サイトのフォルダを --source で指定してください。",
                              at: SourceLocation(path: "site.yml"))
            return nil
        }
        let config = TextDecoding.decode(configData, path: "site.yml", diagnostics: &diagnostics).flatMap {
            ConfigLoader.load(text: $0, path: "site.yml", diagnostics: &diagnostics)
        }
        var sources: [SourceDocument] = []
        if let data = source.files[sourcesPath], let text = TextDecoding.decode(data, path: sourcesPath, diagnostics: &diagnostics) {
            sources = SourceRegistryParser.parse(text: text, path: sourcesPath, diagnostics: &diagnostics)
        }
        reportFilesNotRead(source, diagnostics: &diagnostics)
        // Files parse independently: spread them over the cores, keep the input order.
        let inputs = ContentKind.allCases.flatMap { kind in source.paths(under: "content/" + kind.folder, suffix: ".md").map { (kind, $0) } }
        let parsed = Builder.parallelMap(inputs) { kind, path -> (ContentPage?, Diagnostics) in
            var d = Diagnostics()
            guard let text = TextDecoding.decode(source.files[path] ?? Data(), path: path, diagnostics: &d) else { return (nil, d) }
            let page = ContentParser.parse(text: text, path: path, kind: kind, config: config, diagnostics: &d)
            return (page, d)
        }
        var pages: [ContentPage] = []
        for (page, d) in parsed {
            diagnostics.append(contentsOf: d)
            if let page { pages.append(page) }
        }
        var variants = SearchVariants()
        if let data = source.files[SearchVariantsParser.path], let text = TextDecoding.decode(data, path: SearchVariantsParser.path, diagnostics: &diagnostics) {
            variants = SearchVariantsParser.parse(text: text, path: SearchVariantsParser.path, diagnostics: &diagnostics)
        }
        guard let config else { return nil }
        var site = ParsedSite(config: config, sources: sources, pages: pages, themeFolder: config.theme, variants: variants)
        let themePrefix = config.theme.hasSuffix("/") ? config.theme : config.theme + "/"
        site.files = Set(source.paths(under: "static").map { String($0.dropFirst("static/".count)) }
            + source.paths(under: config.theme).map { String($0.dropFirst(themePrefix.count)) }.filter { $0.hasPrefix("assets/") }
            + Theme.builtin.keys.filter { $0.hasPrefix("assets/") } + [Theme.stringsScriptPath])
        site.contentFiles = Set(source.files.keys.filter(ContentFiles.isPublishable))
        return site
    }
}
