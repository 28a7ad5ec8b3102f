import Foundation
import Yams

/// Templates, assets and words of the theme, so the look can change without touching Swift.
///
/// Two layers: the built-in theme (the repository's `theme/`, compiled into the binary by the
/// EmbedTheme plugin) is the base; the site's theme folder (`theme:` in site.yml) overrides
/// single templates, partials, assets and strings, and everything it lacks falls back to the
/// base, as with Hugo's lookup order or MkDocs Material's `custom_dir`.
struct Theme: Sendable {
    /// The compiled templates (templates/*.mustache, named by their path without the suffix).
    var library: TemplateLibrary
    /// Asset files: path under `assets/` in the output → bytes.
    var assets: [(path: String, data: Data)]
    /// The user-facing words (strings.yml of both layers, the site's keys winning).
    var strings: ThemeStrings
    /// Changes when any template, string or the tool version changes; part of every page's cache key.
    var fingerprint: String

    static let requiredTemplates = ["layout", "home", "requirement", "rules-index", "facets-index", "facet-value",
                                    "glossary-index", "glossary-term", "checklist", "checklists-index",
                                    "scenario", "scenarios-index", "sources", "search", "lookup", "changes-index", "edition", "not-found"]

    /// The theme's strings for its scripts (`globalThis.TEBIKI_STRINGS`), loaded by every page.
    static let stringsScriptPath = "assets/js/strings.js"

    /// The prefix of built-in theme paths in diagnostics.
    static let builtinPrefix = "(組み込みテーマ)"

    /// The built-in theme's files: path under the theme folder → bytes.
    static let builtin: [String: Data] = {
        var files: [String: Data] = [:]
        for (path, base64) in BuiltinThemeData.files { files[path] = Data(base64Encoded: base64) ?? Data() }
        return files
    }()

    static func load(folder: String, source: SiteSource, diagnostics: inout Diagnostics) -> Theme? {
        load(folder: folder, source: source, base: builtin, diagnostics: &diagnostics)
    }

    /// `base` is the built-in theme (tests pass their own).
    static func load(folder: String, source: SiteSource, base: [String: Data], diagnostics: inout Diagnostics) -> Theme? {
        // Every file of the theme: relative path → (path for diagnostics, bytes); the site's win.
        var layered: [String: (path: String, data: Data)] = [:]
        for (relative, data) in base { layered[relative] = (builtinPrefix + "/" + relative, data) }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        for path in source.paths(under: folder) { layered[String(path.dropFirst(prefix.count))] = (path, source.files[path]!) }
        let relatives = layered.keys.sorted()

        var pathOf: [String: String] = [:]
        var sources: [(name: String, text: String)] = []
        for relative in relatives where relative.hasPrefix("templates/") && relative.hasSuffix(".mustache") {
            let name = String(relative.dropFirst("templates/".count).dropLast(".mustache".count))
            let file = layered[relative]!
            pathOf[name] = file.path
            sources.append((name, String(decoding: file.data, as: UTF8.self)))
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
            diagnostics.error("missing-template", "テーマにテンプレート \(name).mustache がありません。", at: SourceLocation(path: prefix + "templates/" + name + ".mustache"))
        }
        var assets = relatives.filter { $0.hasPrefix("assets/") && $0 != stringsScriptPath }.map { (path: $0, data: layered[$0]!.data) }

        let strings = ThemeStrings.load(folder: folder, source: source, base: base, diagnostics: &diagnostics)
        // The scripts read the same words as the templates (no Japanese in the JavaScript).
        assets.append((path: stringsScriptPath, data: strings.script))

        var h = StableHash()
        h.add(TebikiVersion.string)
        for relative in relatives where relative.hasPrefix("templates/") || relative == "strings.yml" {
            h.add(relative); h.add(String(decoding: layered[relative]!.data, as: UTF8.self))
        }
        return Theme(library: library, assets: assets, strings: strings, fingerprint: h.hex)
    }

    /// Every file site.yml names (`logo`, `extra_css`, `extra_js`) must be one the build writes
    /// from the theme's assets.
    func checkReferences(_ config: SiteConfig, staticFiles: [String] = [], diagnostics: inout Diagnostics) {
        let present = Set(assets.map(\.path) + staticFiles)
        for ref in [config.logo].compactMap({ $0 }) + config.extraCSS + config.extraJS where !present.contains(ref.path) {
            let hint = Suggest.nearest(to: ref.path, in: present.sorted()).map { "「\($0)」の誤りではありませんか。" } ?? "テーマのフォルダの assets/ に置いてください。"
            diagnostics.error("missing-file", "「\(ref.path)」というファイルはテーマの assets にも static にもありません。\(hint)", at: ref.at)
        }
    }

    /// The page (or partial) `template` rendered with `context`; empty if there is no such template.
    func render(_ template: String, _ context: TemplateValue) -> [UInt8] {
        library.render(template, context) ?? []
    }
}

/// The theme's `strings.yml`: a flat mapping of key → text.
struct ThemeStrings: Sendable {
    private(set) var values: [String: String] = [:] {
        didSet { templateValue = Self.object(values) }
    }
    /// Every string, for templates (`{{strings.key}}`). Made once, not for each page: every
    /// page's context and layout carry it.
    private(set) var templateValue: TemplateValue = .object(TemplateObject(capacity: 0))

    init(base text: String) {
        if let node = try? Yams.compose(yaml: text), let mapping = node.mapping {
            for (k, v) in mapping { if let key = k.string, let value = v.string { values[key] = value } }
        }
        templateValue = Self.object(values)
    }

    /// Applies a site theme's strings.yml: only keys the built-in theme knows, each a string.
    mutating func override(with text: String, path: String, diagnostics: inout Diagnostics) {
        var r = YAMLReader(path: path)
        defer { diagnostics.append(contentsOf: r.diagnostics) }
        guard let root = r.parse(text, what: "strings.yml "), let pairs = r.mapping(root, what: "strings.yml") else { return }
        r.checkKeys(pairs, known: values.keys.sorted(), what: "strings.yml")
        for key in values.keys.sorted() {
            if let node = pairs[key], let value = r.string(node, what: key) { values[key] = value }
        }
    }

    subscript(key: String) -> String { values[key] ?? key }

    /// The built-in strings.yml with the one of the site's theme `folder` over it.
    static func load(folder: String, source: SiteSource, base: [String: Data] = Theme.builtin, diagnostics: inout Diagnostics) -> ThemeStrings {
        var strings = ThemeStrings(base: base["strings.yml"].map { String(decoding: $0, as: UTF8.self) } ?? "")
        let path = (folder.hasSuffix("/") ? folder : folder + "/") + "strings.yml"
        if let text = source.text(path) { strings.override(with: text, path: path, diagnostics: &diagnostics) }
        return strings
    }

    /// What the site calls each kind of content (`page_kind_*`).
    var kindLabels: KindLabels {
        KindLabels(Dictionary(uniqueKeysWithValues: ContentKind.allCases.map { ($0, self["page_kind_\($0.rawValue)"]) }))
    }

    /// The built-in theme's strings alone (exports and tests made without a site theme).
    static let builtin = ThemeStrings(base: Theme.builtin["strings.yml"].map { String(decoding: $0, as: UTF8.self) } ?? "")

    /// `key`'s text with `{name}` placeholders filled in, in one pass: a value that itself holds
    /// `{title}` (a document title with braces) is not filled in again.
    func format(_ key: String, _ fields: [String: String]) -> String {
        var out = ""
        var rest = self[key][...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let value = fields[String(after[..<close])] {
                out += value
                rest = after[after.index(after: close)...]
            } else {
                out += "{"
                rest = after
            }
        }
        return out + rest
    }

    /// Every string as a classic script, so pages opened from file:// can load it.
    var script: Data {
        Data("globalThis.TEBIKI_STRINGS = ".utf8) + values.json() + Data(";\n".utf8)
    }


    static func object(_ values: [String: String]) -> TemplateValue {
        var object = TemplateObject(capacity: values.count)
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { object.append(key, .string(value)) }
        return .object(object)
    }
}

extension KindLabels {
    /// The built-in theme's words.
    public static let builtin = ThemeStrings.builtin.kindLabels

    /// The words of the site in `source` (its theme folder from site.yml, `theme` by default).
    /// Problems in site.yml or strings.yml are not reported here: `check` and `build` do.
    public static func of(_ source: SiteSource) -> KindLabels {
        var ignored = Diagnostics()
        let folder = source.text("site.yml").flatMap { ConfigLoader.load(text: $0, path: "site.yml", diagnostics: &ignored)?.theme } ?? "theme"
        return of(source, themeFolder: folder)
    }

    /// The words of the site in the folder `root`, reading only its site.yml and its theme's
    /// strings.yml (`tebiki diff --from A --to B` compares trees that hold no theme).
    public static func of(folder root: URL) -> KindLabels {
        var files: [String: Data] = [:]
        files["site.yml"] = try? Data(contentsOf: root.appendingPathComponent("site.yml"))
        var ignored = Diagnostics()
        let folder = files["site.yml"].flatMap { ConfigLoader.load(text: String(decoding: $0, as: UTF8.self), path: "site.yml", diagnostics: &ignored)?.theme } ?? "theme"
        let path = (folder.hasSuffix("/") ? folder : folder + "/") + "strings.yml"
        files[path] = try? Data(contentsOf: root.appendingPathComponent(path))
        return of(SiteSource(files: files), themeFolder: folder)
    }

    static func of(_ source: SiteSource, themeFolder: String) -> KindLabels {
        var ignored = Diagnostics()
        return ThemeStrings.load(folder: themeFolder, source: source, diagnostics: &ignored).kindLabels
    }
}
