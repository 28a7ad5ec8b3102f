import Foundation

/// Templates and assets from `theme/`, so the look can change without touching Swift.
struct Theme: Sendable {
    /// The compiled templates (theme/templates/*.mustache, named by their path without the suffix).
    var library: TemplateLibrary
    /// Asset files: path under `assets/` in the output → bytes.
    var assets: [(path: String, data: Data)]
    /// Changes when any template or the tool version changes; part of every page's cache key.
    var fingerprint: String

    static let requiredTemplates = ["layout", "home", "requirement", "rules-index", "facets-index", "facet-value",
                                    "glossary-index", "glossary-term", "checklist", "checklists-index",
                                    "scenario", "scenarios-index", "sources", "search", "lookup", "changes-index", "edition"]

    static func load(folder: String, source: SiteSource, diagnostics: inout Diagnostics) -> Theme? {
        let templateFolder = folder + "/templates"
        var pathOf: [String: String] = [:]
        var sources: [(name: String, text: String)] = []
        for path in source.paths(under: templateFolder, suffix: ".mustache") {
            let name = String(path.dropFirst(templateFolder.count + 1).dropLast(".mustache".count))
            pathOf[name] = path
            sources.append((name, source.text(path) ?? ""))
        }
        let (library, errors) = TemplateLibrary.compile(sources)
        var found = Set(pathOf.keys)
        for (name, error) in errors {
            let at = SourceLocation(path: pathOf[name]!, line: error.line, column: error.column)
            if case .missingPartial = error.kind {
                diagnostics.error("missing-template", error.message, at: at)
            } else {
                found.remove(name)
                diagnostics.error("template-syntax", "テンプレートの書き方に誤りがあります: \(error.message)", at: at)
            }
        }
        for name in requiredTemplates where !found.contains(name) && !diagnostics.items.contains(where: { $0.path.hasSuffix("/\(name).mustache") }) {
            diagnostics.error("missing-template", "テーマにテンプレート \(name).mustache がありません。", at: SourceLocation(path: templateFolder + "/" + name + ".mustache"))
        }
        let assetFolder = folder + "/assets"
        let assets = source.paths(under: assetFolder).map { (path: "assets/" + $0.dropFirst(assetFolder.count + 1), data: source.files[$0]!) }
        var h = Fingerprint.FNV()
        h.add(TebikiVersion.string)
        for path in source.paths(under: templateFolder, suffix: ".mustache") { h.add(path); h.add(source.text(path) ?? "") }
        return Theme(library: library, assets: assets, fingerprint: h.hex)
    }

    /// The page (or partial) `template` rendered with `context`; empty if there is no such template.
    func render(_ template: String, _ context: TemplateValue) -> [UInt8] {
        library.render(template, context) ?? []
    }
}
