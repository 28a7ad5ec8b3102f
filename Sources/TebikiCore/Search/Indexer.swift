import Foundation

/// Builds the machine-readable outputs from the model: the search index (JSON and a script
/// for `file://`), `data/catalog.json`, the lookup data, and checklist CSV files.
/// The format is documented in docs/search.md.
enum Indexer {
    static let fields = ["title", "id", "summary", "body"]
    static let weights = [10, 8, 4, 1]
    static let maxText = 2000

    struct Doc: Encodable {
        var id, kind, title, url, summary, text: String
        var sections: [String]
        var facets: [String: FacetJSON]
        var status: String
    }

    /// A multi facet encodes as a list, a graded facet as value → grade.
    enum FacetJSON: Encodable {
        case list([String])
        case graded([String: String])
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case let .list(v): try c.encode(v)
            case let .graded(v): try c.encode(v)
            }
        }
    }

    struct FacetInfo: Encodable {
        struct Value: Encodable { var key, label: String }
        var key, label, kind: String
        var values: [Value]
    }

    struct GradeInfo: Encodable { var key, symbol, label: String }

    struct Index: Encodable {
        var version = 1
        var fields = Indexer.fields
        var weights = Indexer.weights
        var docs: [Doc]
        var postings: [String: [Int]]
        var synonyms: [[String]]
        var facets: [FacetInfo]
        var grades: [GradeInfo]
    }

    static func facetJSON(_ page: ContentPage, config: SiteConfig) -> [String: FacetJSON] {
        var out: [String: FacetJSON] = [:]
        for a in page.facets {
            if config.facet(a.facet)?.kind == .graded {
                out[a.facet] = .graded(Dictionary(a.values.map { ($0.value, $0.grade ?? "") }, uniquingKeysWith: { x, _ in x }))
            } else {
                out[a.facet] = .list(a.values.map(\.value))
            }
        }
        return out
    }

    static func facetInfo(_ config: SiteConfig) -> [FacetInfo] {
        config.facets.map { FacetInfo(key: $0.key, label: $0.label, kind: $0.kind.rawValue, values: $0.values.map { .init(key: $0.key, label: $0.label) }) }
    }

    static func gradeInfo(_ config: SiteConfig) -> [GradeInfo] {
        config.grades.map { GradeInfo(key: $0.key, symbol: $0.symbol, label: $0.label) }
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// `plainTexts[id]` is the page body as plain text (from the Markdown renderer).
    static func searchIndex(_ model: SiteModel, plainTexts: [String: String]) throws -> Data {
        let pages = model.requirements + model.glossary + model.checklists + model.scenarios
        var docs: [Doc] = []
        var postings: [String: [Int]] = [:]
        for (docIndex, page) in pages.enumerated() {
            var body = plainTexts[page.id] ?? ""
            if page.kind == .checklist { body = page.items.map(\.text).joined(separator: "\n") + "\n" + body }
            if page.kind == .glossary { body = page.synonyms.joined(separator: "、") + "\n" + body }
            let fieldTexts = [page.title, page.id, page.summary, body]
            for (fieldIndex, text) in fieldTexts.enumerated() {
                var counts: [String: Int] = [:]
                for token in SearchText.tokens(text) { counts[token, default: 0] += 1 }
                for (token, tf) in counts { postings[token, default: []].append(contentsOf: [docIndex, fieldIndex, tf]) }
            }
            docs.append(Doc(id: page.id, kind: page.kind.rawValue, title: page.title, url: SiteModel.url(of: page),
                            summary: page.summary, text: String(body.prefix(maxText)),
                            sections: page.sources.map(\.section), facets: facetJSON(page, config: model.config),
                            status: page.status.rawValue))
        }
        let synonyms = model.glossary.map { ([$0.title] + $0.synonyms).map(SearchText.normalize).uniqued() }.filter { $0.count > 1 }
        let index = Index(docs: docs, postings: postings, synonyms: synonyms, facets: facetInfo(model.config), grades: gradeInfo(model.config))
        return try encoder().encode(index)
    }

    static func script(global: String, json: Data) -> Data {
        var d = Data("globalThis.\(global) = ".utf8)
        d.append(json)
        d.append(Data(";\n".utf8))
        return d
    }

    // MARK: Catalog

    struct CatalogEntry: Encodable {
        struct Source: Encodable { var doc, section: String }
        struct History: Encodable { var edition, change, note: String; var before, after: String? }
        var id, title, summary, url, status: String
        var successor: String?
        var sources: [Source]
        var facets: [String: FacetJSON]
        var related: [String]
        var history: [History]
    }

    struct Catalog: Encodable {
        struct SourceDoc: Encodable { var key, title, publisher, date, edition, family: String }
        var title: String
        var requirements: [CatalogEntry]
        var sources: [SourceDoc]
        var facets: [FacetInfo]
        var grades: [GradeInfo]
    }

    static func catalog(_ model: SiteModel) throws -> Data {
        let entries = model.requirements.map { r in
            CatalogEntry(id: r.id, title: r.title, summary: r.summary, url: SiteModel.url(of: r), status: r.status.rawValue,
                         successor: r.successor?.value, sources: r.sources.map { .init(doc: $0.doc, section: $0.section) },
                         facets: facetJSON(r, config: model.config), related: r.related.map(\.value),
                         history: r.history.map { .init(edition: $0.edition, change: $0.change.rawValue, note: $0.note, before: $0.before, after: $0.after) })
        }
        let catalog = Catalog(title: model.config.title, requirements: entries,
                              sources: model.sources.map { .init(key: $0.key, title: $0.title, publisher: $0.publisher, date: $0.date, edition: $0.edition, family: $0.family) },
                              facets: facetInfo(model.config), grades: gradeInfo(model.config))
        let e = encoder()
        e.outputFormatting.insert(.prettyPrinted)
        return try e.encode(catalog)
    }

    // MARK: Lookup data

    struct Lookup: Encodable {
        struct Site: Encodable { var title: String }
        struct Source: Encodable { var doc, section, label: String }
        struct Check: Encodable { var text, checklist, section: String }
        struct Requirement: Encodable {
            var id, title, summary, url, status: String
            var facets: [String: FacetJSON]
            var sources: [Source]
            var checks: [Check]
        }
        struct Scenario: Encodable {
            var id, title, url: String
            var selection: [String: [String]]
        }
        var site: Site
        var facets: [FacetInfo]
        var grades: [GradeInfo]
        var requirements: [Requirement]
        var scenarios: [Scenario]
    }

    static func lookup(_ model: SiteModel) throws -> Data {
        let reqs = model.requirements.map { r in
            let sources = r.sources.map { Lookup.Source(doc: $0.doc, section: $0.section, label: model.sourceLabel($0)) }
            var checks = (model.checksByRequirement[r.id] ?? []).map {
                Lookup.Check(text: $0.item.text, checklist: $0.checklist.id, section: $0.item.section ?? sources.first?.label ?? "")
            }
            if checks.isEmpty { checks = [Lookup.Check(text: r.title, checklist: "", section: sources.first?.label ?? "")] }
            return Lookup.Requirement(id: r.id, title: r.title, summary: r.summary, url: SiteModel.url(of: r), status: r.status.rawValue,
                                      facets: facetJSON(r, config: model.config), sources: sources, checks: checks)
        }
        let scenarios = model.scenarios.map { s in
            Lookup.Scenario(id: s.id, title: s.title, url: SiteModel.url(of: s),
                            selection: Dictionary(s.selection.map { ($0.facet, $0.values.map(\.value)) }, uniquingKeysWith: { a, _ in a }))
        }
        return try encoder().encode(Lookup(site: .init(title: model.config.title), facets: facetInfo(model.config),
                                           grades: gradeInfo(model.config), requirements: reqs, scenarios: scenarios))
    }
}

/// RFC 4180 CSV with a UTF-8 BOM and CRLF line ends, so Excel on Windows opens Japanese correctly.
public enum CSV {
    public static func encode(_ rows: [[String]]) -> Data {
        var s = "\u{FEFF}"
        for row in rows {
            s += row.map(field).joined(separator: ",")
            s += "\r\n"
        }
        return Data(s.utf8)
    }

    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
