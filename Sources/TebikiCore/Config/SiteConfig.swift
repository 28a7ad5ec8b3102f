import Yams

/// `site.yml`: the site's settings and its domain (facets and grades). Nothing about the
/// domain is written in Swift.
public struct SiteConfig: Sendable, Equatable {
    public var title: String
    public var description: String
    public var language: String
    public var theme: String
    public var output: String
    public var grades: [Grade]
    public var facets: [Facet]
    /// `markdown: {unsafe_html: true}`: raw HTML in Markdown is passed through (off by default:
    /// content is untrusted). Every build warns while it is on. Dangerous URLs are removed either way.
    public var unsafeHTML: Bool = false

    public func facet(_ key: String) -> Facet? { facets.first { $0.key == key } }
    public func grade(_ key: String) -> Grade? { grades.first { $0.key == key } }
}

public struct Grade: Sendable, Equatable {
    public var key: String
    public var symbol: String
    public var label: String
}

public struct Facet: Sendable, Equatable {
    public enum Kind: String, Sendable { case multi, graded }
    public var key: String
    public var label: String
    public var kind: Kind
    public var values: [FacetValue]

    public func value(_ key: String) -> FacetValue? { values.first { $0.key == key } }
}

public struct FacetValue: Sendable, Equatable {
    public var key: String
    public var label: String
    /// Where the key is written in site.yml (for diagnostics; not part of equality).
    public var location: SourceLocation? = nil

    public static func == (a: FacetValue, b: FacetValue) -> Bool { a.key == b.key && a.label == b.label }
}

let asciiKeyPattern = /^[a-z][a-z0-9-]*$/

enum ConfigLoader {
    static let knownKeys = ["title", "description", "language", "theme", "output", "grades", "facets", "markdown"]

    /// Reads site.yml. Returns nil only when it cannot be used at all; every problem is a diagnostic.
    static func load(text: String, path: String, diagnostics: inout Diagnostics) -> SiteConfig? {
        var r = YAMLReader(path: path)
        defer { diagnostics.append(contentsOf: r.diagnostics) }
        guard let root = r.parse(text, what: "site.yml ") else { return nil }
        guard let pairs = r.mapping(root, what: "site.yml") else { return nil }
        r.checkKeys(pairs, known: knownKeys, what: "site.yml")
        r.require(pairs, ["title", "facets"], at: root, what: "site.yml")

        var grades: [Grade] = []
        for node in r.sequence(pairs["grades"], what: "grades") ?? [] {
            guard let g = r.mapping(node, what: "grades の各項目") else { continue }
            r.checkKeys(g, known: ["key", "symbol", "label"], what: "grades の項目")
            r.require(g, ["key", "symbol", "label"], at: node, what: "grades の項目")
            guard let key = r.string(g["key"], what: "key"), let symbol = r.string(g["symbol"], what: "symbol"),
                  let label = r.string(g["label"], what: "label") else { continue }
            checkKey(key, node: g["key"], what: "評価のキー", reader: &r)
            if grades.contains(where: { $0.key == key }) {
                r.diagnostics.error("duplicate-key", "評価のキー「\(key)」が重複しています。", at: r.location(g["key"]))
            }
            grades.append(Grade(key: key, symbol: symbol, label: label))
        }

        var facets: [Facet] = []
        for node in r.sequence(pairs["facets"], what: "facets") ?? [] {
            guard let f = r.mapping(node, what: "facets の各項目") else { continue }
            r.checkKeys(f, known: ["key", "label", "kind", "values"], what: "facets の項目")
            r.require(f, ["key", "label", "kind", "values"], at: node, what: "facets の項目")
            guard let key = r.string(f["key"], what: "key"), let label = r.string(f["label"], what: "label"),
                  let kindText = r.string(f["kind"], what: "kind") else { continue }
            checkKey(key, node: f["key"], what: "観点のキー", reader: &r)
            guard let kind = Facet.Kind(rawValue: kindText) else {
                r.diagnostics.error("invalid-kind", "観点の種類「\(kindText)」は使えません。multi または graded を指定してください。", at: r.location(f["kind"]))
                continue
            }
            if kind == .graded && grades.isEmpty {
                r.diagnostics.error("missing-grades", "graded の観点「\(key)」を使うには grades を定義してください。", at: r.location(f["kind"]))
            }
            var values: [FacetValue] = []
            for vnode in r.sequence(f["values"], what: "values") ?? [] {
                guard let v = r.mapping(vnode, what: "values の各項目") else { continue }
                r.checkKeys(v, known: ["key", "label"], what: "values の項目")
                r.require(v, ["key", "label"], at: vnode, what: "values の項目")
                guard let vkey = r.string(v["key"], what: "key"), let vlabel = r.string(v["label"], what: "label") else { continue }
                checkKey(vkey, node: v["key"], what: "値のキー", reader: &r)
                if values.contains(where: { $0.key == vkey }) {
                    r.diagnostics.error("duplicate-key", "観点「\(key)」の値「\(vkey)」が重複しています。", at: r.location(v["key"]))
                }
                values.append(FacetValue(key: vkey, label: vlabel, location: r.location(v["key"])))
            }
            if facets.contains(where: { $0.key == key }) {
                r.diagnostics.error("duplicate-key", "観点のキー「\(key)」が重複しています。", at: r.location(f["key"]))
            }
            facets.append(Facet(key: key, label: label, kind: kind, values: values))
        }

        var config = SiteConfig(
            title: r.string(pairs["title"], what: "title") ?? "",
            description: r.string(pairs["description"], what: "description") ?? "",
            language: r.string(pairs["language"], what: "language") ?? "ja",
            theme: r.string(pairs["theme"], what: "theme") ?? "theme",
            output: r.string(pairs["output"], what: "output") ?? "_site",
            grades: grades,
            facets: facets
        )
        config.unsafeHTML = markdownSettings(pairs["markdown"], reader: &r)
        return config
    }

    /// `markdown:` settings. Only `unsafe_html` for now; turning it on is always reported.
    static func markdownSettings(_ node: Node?, reader r: inout YAMLReader) -> Bool {
        guard let node, let m = r.mapping(node, what: "markdown") else { return false }
        r.checkKeys(m, known: ["unsafe_html"], what: "markdown")
        guard let value = m["unsafe_html"] else { return false }
        guard case let .scalar(scalar) = value, let on = YAMLReader.bool(scalar) else {
            r.diagnostics.error("wrong-type", "markdown.unsafe_html は true または false で書いてください。", at: r.location(value))
            return false
        }
        if on {
            r.diagnostics.warning("unsafe-html", "markdown.unsafe_html が有効です。Markdown に書かれた HTML がそのままページに出力されます（script 要素やイベント属性はページの Content-Security-Policy で止まりますが、見た目やリンクは書き換えられます）。内容を書く全員を信頼できる場合にだけ使ってください。", at: r.location(value))
        }
        return on
    }

    static func checkKey(_ key: String, node: Node?, what: String, reader r: inout YAMLReader) {
        if key.wholeMatch(of: asciiKeyPattern) == nil {
            r.diagnostics.error("invalid-key", "\(what)「\(key)」は半角英小文字・数字・ハイフンで、英字から始めてください。", at: r.location(node))
        }
    }
}
