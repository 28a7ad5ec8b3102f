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
    /// The home page's headline (`hero:`); lines break where the text has a line break. Nil: the title.
    public var hero: String? = nil
    /// A logo image shown before the title in the header (`logo:`, a site-relative output path).
    public var logo: AssetRef? = nil
    /// Brand colours (`colors:`): CSS custom property name without `--` → colour, in the order written.
    public var colors: [Colour] = []
    /// The menu (`menu:`) in its order; nil: the theme's default menu.
    public var menu: [MenuEntry]? = nil
    /// The first footer line (`footer:`); nil: the title and the theme's `footer_note`.
    public var footer: String? = nil
    /// Extra stylesheets and scripts (`extra_css:`, `extra_js:`): site-relative output paths.
    public var extraCSS: [AssetRef] = []
    public var extraJS: [AssetRef] = []
    /// The address the site is published at (`baseURL:`), ending in `/`; nil: everything stays relative.
    public var baseURL: String? = nil

    public func facet(_ key: String) -> Facet? { facets.first { $0.key == key } }
    public func grade(_ key: String) -> Grade? { grades.first { $0.key == key } }
    /// The grade declared `applies: false` ("does not apply"), if any: a value with it is shown
    /// with its mark but never listed by the lookup, a search filter or a facet page's count.
    public var notApplicableGrade: String? { grades.first { !$0.applies }?.key }
    /// Whether a value with `grade` applies: no grade (the source gives none) or any grade but
    /// the one declared `applies: false`.
    public func applies(grade: String?) -> Bool {
        guard let grade else { return true }
        return !grades.contains { $0.key == grade && !$0.applies }
    }
    /// The facets shown on the home page (`home: true`), in site.yml order.
    public var homeFacets: [Facet] { facets.filter(\.home) }
    /// The facet that orders requirements into stages (`stages: true`), if any.
    public var stageFacet: Facet? { facets.first(where: \.stages) }
}

/// A file of the output named in site.yml, with where it was named.
public struct AssetRef: Sendable, Equatable {
    public var path: String
    public var at: SourceLocation
}

public struct Colour: Sendable, Equatable {
    public var name: String
    public var value: String
}

/// One menu entry: a built-in page (`key`, label from the theme's strings unless given) or any
/// site-relative `.html` page (`url` with a `label`).
public struct MenuEntry: Sendable, Equatable {
    public var key: String?
    public var label: String?
    public var url: String
}

public struct Grade: Sendable, Equatable {
    public var key: String
    public var symbol: String
    public var label: String
    /// `applies: false`: the grade means "does not apply" (at most one grade of a site).
    public var applies: Bool = true
}

public struct Facet: Sendable, Equatable {
    public enum Kind: String, Sendable { case multi, graded }
    /// `lookup:` whether every active requirement must state this facet (docs/content-format.md).
    /// `required`: a missing value is an error; `warning`: a warning; `none`: display only.
    public enum LookupMode: String, Sendable { case required, warning, none }
    public var key: String
    public var label: String
    public var kind: Kind
    public var values: [FacetValue]
    public var lookup: LookupMode = .none
    /// Label of the reserved value `all` ("applies to every case"), e.g. 全般; nil when the
    /// facet has no such value.
    public var allLabel: String?
    /// `graded_by:` the source sections whose tables grade this facet; a grade other than
    /// "applies" needs one of them among the requirement's sources.
    public var gradedBy: [SourcePattern] = []
    /// `specific: true`: the facet describes the case (form, information, subcontracting); a
    /// requirement that matches every such chosen facet only through `all` is listed by the
    /// lookup in the folded group 「全般に共通」.
    public var specific: Bool = false
    /// Shown on the home page as a "browse by" block (`home: true`).
    public var home: Bool = false
    /// Orders requirements into stages on scenario and edition pages (`stages: true`; at most one facet).
    public var stages: Bool = false
    /// A filter of the search page (`search: true`); multi facets filter by value, graded ones
    /// by value with a grade that applies (not the grade declared `applies: false`).
    public var search: Bool = false
    /// Shown as labels ("chips") under each search result (`chips: false` hides it, e.g. 担当).
    public var chips: Bool = true

    public func value(_ key: String) -> FacetValue? { values.first { $0.key == key } }
}

public struct FacetValue: Sendable, Equatable {
    public var key: String
    public var label: String
    /// `sources:` when set, a requirement may use this value only if it cites one of these
    /// sections (区分 基本遵守事項 only where the source grades the item so).
    public var sources: [SourcePattern] = []
    /// `opt_in: true`: a requirement whose only values for the facet are opt-in values is
    /// listed by the lookup only when one of them is chosen (rules next to the domain, such as
    /// telework, that no case of outsourcing calls for).
    public var optIn: Bool = false
    /// Where the key is written in site.yml (for diagnostics; not part of equality).
    public var location: SourceLocation? = nil

    public static func == (a: FacetValue, b: FacetValue) -> Bool {
        a.key == b.key && a.label == b.label && a.sources == b.sources && a.optIn == b.optIn
    }
}

/// A source document key and a section pattern (`*` matches any run of characters).
public struct SourcePattern: Sendable, Equatable {
    public var doc: String
    public var section: String

    public func matches(doc d: String, section s: String) -> Bool {
        d == doc && Self.glob(section, s)
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { return pattern == text }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for (i, part) in parts.enumerated().dropFirst() {
            if i == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) && rest.count >= part.count }
            guard let r = rest.range(of: part) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }
}

/// The value key that means "applies to every case" (docs/content-format.md).
public let allValueKey = "all"
/// Keys a facet or value may not have: the lookup page keeps facets and values in plain
/// JavaScript objects, and `all` is the reserved "every case" value.
let reservedKeys: Set<String> = ["constructor", "prototype", "all"]

let asciiKeyPattern = /^[a-z][a-z0-9-]*$/

enum ConfigLoader {
    static let knownKeys = ["title", "description", "language", "theme", "output", "grades", "facets", "markdown",
                            "hero", "logo", "colors", "menu", "footer", "extra_css", "extra_js", "baseURL"]

    /// The colours `colors:` may set: the CSS custom properties of the theme's site.css.
    static let colourNames = ["text", "muted", "bg", "bg_soft", "line", "brand", "brand_dark", "brand_border", "on_brand",
                              "brand_text", "link", "link_visited", "link_hover", "focus", "ok", "warn", "warn_bg", "del_bg", "ins_bg",
                              "surface", "mark_bg", "group_bg"]

    /// The built-in pages a menu entry can name by key (labels in the theme's strings.yml).
    static let menuPages: [(key: String, url: String)] = [
        ("lookup", "lookup.html"), ("rules", "rules/index.html"), ("facets", "facets/index.html"),
        ("scenarios", "scenarios/index.html"), ("checklists", "checklists/index.html"), ("glossary", "glossary/index.html"),
        ("changes", "changes/index.html"), ("sources", "sources.html"), ("search", "search.html"), ("home", "index.html"),
    ]

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
            r.checkKeys(g, known: ["key", "symbol", "label", "applies"], what: "grades の項目")
            r.require(g, ["key", "symbol", "label"], at: node, what: "grades の項目")
            guard let key = r.string(g["key"], what: "key"), let symbol = r.string(g["symbol"], what: "symbol"),
                  let label = r.string(g["label"], what: "label") else { continue }
            checkKey(key, node: g["key"], what: "評価のキー", reader: &r)
            if grades.contains(where: { $0.key == key }) {
                r.diagnostics.error("duplicate-key", "評価のキー「\(key)」が重複しています。", at: r.location(g["key"]))
            }
            var grade = Grade(key: key, symbol: symbol, label: label)
            if let node = g["applies"] {
                if case let .scalar(scalar) = node, let on = YAMLReader.bool(scalar) { grade.applies = on } else {
                    r.diagnostics.error("wrong-type", "applies は true または false で書いてください（false: この評価は「当てはまらない」を表します）。", at: r.location(node))
                }
                if !grade.applies, let other = grades.first(where: { !$0.applies }) {
                    r.diagnostics.error("duplicate-not-applicable", "applies: false を指定できる評価は一つだけです（すでに評価「\(other.key)」に指定されています）。", at: r.location(node))
                    grade.applies = true
                }
            }
            grades.append(grade)
        }

        var facets: [Facet] = []
        for node in r.sequence(pairs["facets"], what: "facets") ?? [] {
            guard let f = r.mapping(node, what: "facets の各項目") else { continue }
            r.checkKeys(f, known: ["key", "label", "kind", "values", "lookup", "all", "graded_by", "specific", "home", "stages", "search", "chips"], what: "facets の項目")
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
                r.checkKeys(v, known: ["key", "label", "sources", "opt_in"], what: "values の項目")
                r.require(v, ["key", "label"], at: vnode, what: "values の項目")
                guard let vkey = r.string(v["key"], what: "key"), let vlabel = r.string(v["label"], what: "label") else { continue }
                checkKey(vkey, node: v["key"], what: "値のキー", reader: &r)
                if values.contains(where: { $0.key == vkey }) {
                    r.diagnostics.error("duplicate-key", "観点「\(key)」の値「\(vkey)」が重複しています。", at: r.location(v["key"]))
                }
                var value = FacetValue(key: vkey, label: vlabel, sources: sourcePatterns(v["sources"], reader: &r), location: r.location(v["key"]))
                if let node = v["opt_in"] {
                    if case let .scalar(scalar) = node, let on = YAMLReader.bool(scalar) { value.optIn = on } else {
                        r.diagnostics.error("wrong-type", "opt_in は true または false で書いてください。", at: r.location(node))
                    }
                }
                values.append(value)
            }
            if facets.contains(where: { $0.key == key }) {
                r.diagnostics.error("duplicate-key", "観点のキー「\(key)」が重複しています。", at: r.location(f["key"]))
            }
            var facet = Facet(key: key, label: label, kind: kind, values: values)
            if let m = r.string(f["lookup"], what: "lookup") {
                if let mode = Facet.LookupMode(rawValue: m) {
                    facet.lookup = mode
                } else {
                    r.diagnostics.error("invalid-lookup", "lookup「\(m)」は使えません。required、warning または none を指定してください。", at: r.location(f["lookup"]))
                }
            }
            facet.allLabel = r.string(f["all"], what: "all")
            if facet.lookup != .none, facet.allLabel == nil {
                r.diagnostics.error("missing-field", "lookup を使う観点「\(key)」には、すべての場合に当てはまることを表す値 all の表示名（all: 全般 など）を書いてください。", at: r.location(f["key"]))
            }
            facet.gradedBy = sourcePatterns(f["graded_by"], reader: &r)
            if let node = f["specific"] {
                if case let .scalar(scalar) = node, let on = YAMLReader.bool(scalar) {
                    facet.specific = on
                } else {
                    r.diagnostics.error("wrong-type", "specific は true または false で書いてください。", at: r.location(node))
                }
            }
            if !facet.gradedBy.isEmpty, kind != .graded {
                r.diagnostics.error("wrong-type", "graded_by は graded の観点にだけ書けます。", at: r.location(f["graded_by"]))
            }
            facet.home = flag(f["home"], what: "home", reader: &r)
            facet.stages = flag(f["stages"], what: "stages", reader: &r)
            facet.search = flag(f["search"], what: "search", reader: &r)
            if f["chips"] != nil { facet.chips = flag(f["chips"], what: "chips", reader: &r) }
            if facet.stages, facets.contains(where: \.stages) {
                r.diagnostics.error("duplicate-stages", "stages: true を指定できる観点は一つだけです。", at: r.location(f["stages"]))
                facet.stages = false
            }
            facets.append(facet)
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
        if let node = pairs["language"], config.language.wholeMatch(of: /[a-z]{2,3}(-[A-Za-z0-9]{1,8})*/) == nil {
            r.diagnostics.error("invalid-language", "language「\(config.language)」は言語タグ（例: ja、en、zh-Hant）で書いてください。", at: r.location(node))
            config.language = "ja"
        }
        if let node = pairs["hero"] { config.hero = r.string(node, what: "hero") }
        if let node = pairs["footer"] { config.footer = r.string(node, what: "footer") }
        if let node = pairs["logo"], let path = r.string(node, what: "logo") { config.logo = assetRef(path, node: node, reader: &r) }
        config.extraCSS = (r.strings(pairs["extra_css"], what: "extra_css") ?? []).compactMap { assetRef($0, node: $1, suffix: ".css", reader: &r) }
        config.extraJS = (r.strings(pairs["extra_js"], what: "extra_js") ?? []).compactMap { assetRef($0, node: $1, suffix: ".js", reader: &r) }
        config.colors = colours(pairs["colors"], reader: &r)
        if let node = pairs["menu"] { config.menu = menu(node, reader: &r) }
        if let node = pairs["baseURL"], let url = r.string(node, what: "baseURL") {
            if url.wholeMatch(of: /https?:\/\/[^\s"'<>\\]+/) == nil {
                r.diagnostics.error("invalid-url", "baseURL は http:// または https:// で始まるアドレスで書いてください。", at: r.location(node))
            } else {
                config.baseURL = url.hasSuffix("/") ? url : url + "/"
            }
        }
        return config
    }

    static func flag(_ node: Node?, what: String, reader r: inout YAMLReader) -> Bool {
        guard let node else { return false }
        guard case let .scalar(scalar) = node, let on = YAMLReader.bool(scalar) else {
            r.diagnostics.error("wrong-type", "\(what) は true または false で書いてください。", at: r.location(node))
            return false
        }
        return on
    }

    /// A site-relative output path: no `..`, no scheme, no leading `/` (nothing loads from
    /// outside the site folder). Whether the file exists is checked once the theme is known.
    static func assetRef(_ path: String, node: Node, suffix: String? = nil, reader r: inout YAMLReader) -> AssetRef? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains(":"), !path.contains("\\"), !path.contains("?"), !path.contains("#"),
              !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            r.diagnostics.error("invalid-path", "「\(path)」はサイトのフォルダの中のファイルを、サイトの最上位からの相対パス（例: assets/css/extra.css）で書いてください。", at: r.location(node))
            return nil
        }
        if let suffix, !path.hasSuffix(suffix) {
            r.diagnostics.error("invalid-path", "「\(path)」のファイル名は \(suffix) で終わる必要があります。", at: r.location(node))
            return nil
        }
        return AssetRef(path: path, at: r.location(node))
    }

    static func colours(_ node: Node?, reader r: inout YAMLReader) -> [Colour] {
        guard let pairs = r.mapping(node, what: "colors") else { return [] }
        r.checkKeys(pairs, known: colourNames, what: "colors")
        var result: [Colour] = []
        for pair in pairs where colourNames.contains(pair.key) {
            guard let value = r.string(pair.value, what: "colors.\(pair.key)") else { continue }
            guard value.wholeMatch(of: /#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})/) != nil else {
                r.diagnostics.error("invalid-colour", "colors.\(pair.key) の「\(value)」は #RRGGBB か #RGB の形で書いてください。", at: r.location(pair.value))
                continue
            }
            result.append(Colour(name: pair.key.replacingOccurrences(of: "_", with: "-"), value: value.lowercased()))
        }
        return result
    }

    static func menu(_ node: Node, reader r: inout YAMLReader) -> [MenuEntry]? {
        guard let items = r.sequence(node, what: "menu") else { return nil }
        var entries: [MenuEntry] = []
        let keys = menuPages.map(\.key)
        for item in items {
            if case .scalar = item, let key = r.string(item, what: "menu の項目") {
                guard let page = menuPages.first(where: { $0.key == key }) else {
                    let hint = Suggest.nearest(to: key, in: keys).map { "「\($0)」の誤りではありませんか。" } ?? "使えるページ: \(keys.joined(separator: ", "))。"
                    r.diagnostics.error("unknown-page", "menu の「\(key)」という組み込みページはありません。\(hint)", at: r.location(item))
                    continue
                }
                entries.append(MenuEntry(key: key, label: nil, url: page.url))
                continue
            }
            guard let m = r.mapping(item, what: "menu の項目") else { continue }
            r.checkKeys(m, known: ["page", "label", "url"], what: "menu の項目")
            let label = r.string(m["label"], what: "label")
            if let pageNode = m["page"], let key = r.string(pageNode, what: "page") {
                guard let page = menuPages.first(where: { $0.key == key }) else {
                    let hint = Suggest.nearest(to: key, in: keys).map { "「\($0)」の誤りではありませんか。" } ?? "使えるページ: \(keys.joined(separator: ", "))。"
                    r.diagnostics.error("unknown-page", "menu の「\(key)」という組み込みページはありません。\(hint)", at: r.location(pageNode))
                    continue
                }
                entries.append(MenuEntry(key: key, label: label, url: page.url))
            } else if let urlNode = m["url"], let url = r.string(urlNode, what: "url") {
                guard let label else {
                    r.diagnostics.error("missing-field", "url を指定した menu の項目には label が必要です。", at: r.location(item))
                    continue
                }
                guard let ref = assetRef(url, node: urlNode, suffix: ".html", reader: &r) else { continue }
                entries.append(MenuEntry(key: nil, label: label, url: ref.path))
            } else {
                r.diagnostics.error("missing-field", "menu の項目には page（組み込みページ）か url と label を書いてください。", at: r.location(item))
            }
        }
        return entries
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
        } else if reservedKeys.contains(key) {
            r.diagnostics.error("reserved-key", "\(what)に「\(key)」は使えません（予約語です。all は「すべてに当てはまる」を表し、constructor と prototype はページのスクリプトで特別な意味を持ちます）。", at: r.location(node))
        }
    }

    /// `[{doc: key, section: "9.3.1*"}, …]`
    static func sourcePatterns(_ node: Node?, reader r: inout YAMLReader) -> [SourcePattern] {
        guard let node else { return [] }
        var out: [SourcePattern] = []
        for item in r.sequence(node, what: "出典の指定") ?? [] {
            guard let m = r.mapping(item, what: "出典の指定の各項目") else { continue }
            r.checkKeys(m, known: ["doc", "section"], what: "出典の指定")
            r.require(m, ["doc", "section"], at: item, what: "出典の指定")
            guard let doc = r.string(m["doc"], what: "doc"), let section = r.string(m["section"], what: "section") else { continue }
            out.append(SourcePattern(doc: doc, section: section))
        }
        return out
    }
}
