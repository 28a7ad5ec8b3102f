/// The site as written: configuration, registries and every content page, parsed.
public struct ParsedSite: Sendable {
    public var config: SiteConfig
    public var sources: [SourceDocument]
    public var pages: [ContentPage]
    public var themeFolder: String
}

enum ParsePhase {
    static let sourcesPath = "content/registries/sources.yml"

    static func run(_ source: SiteSource, diagnostics: inout Diagnostics) -> ParsedSite? {
        guard let configText = source.text("site.yml") else {
            diagnostics.error("missing-config", "site.yml が見つかりません。サイトのフォルダを --source で指定してください。",
                              at: SourceLocation(path: "site.yml"))
            return nil
        }
        let config = ConfigLoader.load(text: configText, path: "site.yml", diagnostics: &diagnostics)
        var sources: [SourceDocument] = []
        if let text = source.text(sourcesPath) {
            sources = SourceRegistryParser.parse(text: text, path: sourcesPath, diagnostics: &diagnostics)
        }
        var pages: [ContentPage] = []
        for kind in ContentKind.allCases {
            for path in source.paths(under: "content/" + kind.folder, suffix: ".md") {
                let text = source.text(path) ?? ""
                if let page = ContentParser.parse(text: text, path: path, kind: kind, config: config, diagnostics: &diagnostics) {
                    pages.append(page)
                }
            }
        }
        guard let config else { return nil }
        return ParsedSite(config: config, sources: sources, pages: pages, themeFolder: config.theme)
    }
}
