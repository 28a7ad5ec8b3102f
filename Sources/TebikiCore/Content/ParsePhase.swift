import Foundation

/// The site as written: configuration, registries and every content page, parsed.
public struct ParsedSite: Sendable {
    public var config: SiteConfig
    public var sources: [SourceDocument]
    public var pages: [ContentPage]
    public var themeFolder: String
    public var variants = SearchVariants()
}

enum ParsePhase {
    static let sourcesPath = "content/registries/sources.yml"

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
        return ParsedSite(config: config, sources: sources, pages: pages, themeFolder: config.theme, variants: variants)
    }
}
