import Foundation
import Mustache

/// Templates and assets from `theme/`, so the look can change without touching Swift.
struct Theme: Sendable {
    var library: MustacheLibrary
    /// Asset files: path under `assets/` in the output → bytes.
    var assets: [(path: String, data: Data)]
    /// Changes when any template or the tool version changes; part of every page's cache key.
    var fingerprint: String

    static let requiredTemplates = ["layout", "home", "requirement", "rules-index", "facets-index", "facet-value",
                                    "glossary-index", "glossary-term", "checklist", "checklists-index",
                                    "scenario", "scenarios-index", "sources", "search", "lookup", "changes-index", "edition"]

    static func load(folder: String, source: SiteSource, diagnostics: inout Diagnostics) -> Theme? {
        var library = MustacheLibrary()
        let templateFolder = folder + "/templates"
        var found = Set<String>()
        for path in source.paths(under: templateFolder, suffix: ".mustache") {
            let name = String(path.dropFirst(templateFolder.count + 1).dropLast(".mustache".count))
            do {
                try library.register(source.text(path) ?? "", named: name)
                found.insert(name)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.error("template-syntax", "テンプレートの書き方に誤りがあります: \(error.error)",
                                  at: SourceLocation(path: path, line: error.context.lineNumber, column: error.context.columnNumber))
            } catch {
                diagnostics.error("template-syntax", "テンプレートを読み込めません: \(error)", at: SourceLocation(path: path))
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

    func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}
