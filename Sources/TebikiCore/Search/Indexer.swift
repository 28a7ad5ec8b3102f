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
    static func searchIndexValue(_ model: SiteModel, plainTexts: [String: String]) -> Index {
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
        return Index(docs: docs, postings: postings, synonyms: synonyms, facets: facetInfo(model.config), grades: gradeInfo(model.config))
    }

    /// `search/index.json` (the documented complete index).
    static func searchIndex(_ model: SiteModel, plainTexts: [String: String]) throws -> Data {
        try encoder().encode(searchIndexValue(model, plainTexts: plainTexts))
    }

    /// Every file under `search/`: the complete index (`index.json`, and `index.js` for tools
    /// that want it from `file://`) and the sharded form the browser loads.
    static func searchFiles(_ model: SiteModel, plainTexts: [String: String]) throws -> [OutputFile] {
        let index = searchIndexValue(model, plainTexts: plainTexts)
        let json = try encoder().encode(index)
        var files = [OutputFile(path: "search/index.json", data: json),
                     OutputFile(path: "search/index.js", data: script(global: "TEBIKI_SEARCH_INDEX", json: json))]
        files += try SearchShards.files(index, build: String(fnv1a32(json), radix: 16))
        return files
    }

    /// FNV-1a, 32 bits (search-core.js `fnv1a32`).
    static func fnv1a32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var h: UInt32 = 0x811C_9DC5
        for b in bytes { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }

    static func fnv1a32(_ s: String) -> UInt32 { fnv1a32(s.utf8) }

    /// The shard (0…count-1) of a token or key: FNV-1a of its UTF-8 bytes modulo the count.
    static func shard(of s: String, count: Int) -> Int {
        count > 1 ? Int(fnv1a32(s) % UInt32(count)) : 0
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

/// The sharded form of the search index that the browser loads piece by piece
/// (docs/search.md "Sharded form"); read by `createShardedSearch` in search-core.js.
enum SearchShards {
    /// Sizes the shard counts aim at (JSON bytes per file).
    static let postingsShardBytes = 64 * 1024
    static let tokenListShardBytes = 16 * 1024
    static let keyShardBytes = 16 * 1024
    static let docShardBytes = 4 * 1024

    struct Counts: Encodable, Equatable { var p, t, k, d: Int }

    struct GlossaryEntry: Encodable {
        var doc: Int
        var title, url: String
        func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(doc)
            try c.encode(title)
            try c.encode(url)
        }
    }

    struct Manifest: Encodable {
        var format = 1
        var version: Int
        var fields: [String]
        var weights: [Int]
        var synonyms: [[String]]
        var facets: [Indexer.FacetInfo]
        var grades: [Indexer.GradeInfo]
        var hash = "fnv1a32"
        var docs: Int
        var docsPerShard: Int
        var shards: Counts
        var status: [String: String]
        /// Documents whose text may be cut short of the body (at least `maxText` UTF-16 units).
        var long: [Int]
        var keyChars: String
        var glossary: [GlossaryEntry]
        var build: String
    }

    /// A facet value in the filter table: a value index of the site facet, or the value itself
    /// when the site does not list it.
    enum FacetValue: Encodable, Equatable {
        case index(Int)
        case key(String)
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case let .index(i): try c.encode(i)
            case let .key(k): try c.encode(k)
            }
        }
    }

    /// One facet of a document in the filter table: 0 when the document has no value (it
    /// applies whatever is selected), else the values that apply (graded: grade other than na).
    enum FacetEntry: Encodable, Equatable {
        case any
        case values([FacetValue])
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .any: try c.encode(0)
            case let .values(v): try c.encode(v)
            }
        }
    }

    enum KeyBonus: Int { case id = 1, section = 2, sectionPrefix = 3 }

    // MARK: Pieces

    /// Flat triples [doc, field, tf, …] → one number per posting,
    /// ((docDelta × 4 + field) × 4 + tf), or (… × 4 + 0) followed by tf when tf > 3.
    static func pack(_ list: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(list.count / 3 + 4)
        var last = 0
        var k = 0
        while k + 2 < list.count {
            let head = (list[k] - last) * 4 + list[k + 1]
            last = list[k]
            let tf = list[k + 2]
            if tf <= 3 { out.append(head * 4 + tf) } else { out.append(contentsOf: [head * 4, tf]) }
            k += 3
        }
        return out
    }

    static func isCJK(_ u: UInt16) -> Bool { SearchText.isCJK(UInt32(u)) }

    /// The characters under which a token is listed in the token lists: both characters of a
    /// CJK bigram, else the first character.
    static func tokenListKeys(_ token: String) -> [String] {
        let u = Array(token.utf16)
        if u.count == 2 && isCJK(u[0]) && isCJK(u[1]) {
            let a = String(decoding: u[0..<1], as: UTF16.self), b = String(decoding: u[1..<2], as: UTF16.self)
            return a == b ? [a] : [a, b]
        }
        guard let first = token.unicodeScalars.first else { return [] }
        return [String(first)]
    }

    /// JavaScript string order (UTF-16 code units).
    static func jsLess(_ a: String, _ b: String) -> Bool { a.utf16.lexicographicallyPrecedes(b.utf16) }

    static func isDigit(_ u: UInt16) -> Bool { u >= 0x30 && u <= 0x39 }

    /// The keys a normalised section answers: itself, and every prefix that ends in a digit
    /// followed by a non-digit (`9.3.1(13)` → `9`, `9.3`, `9.3.1`, `9.3.1(13`).
    static func sectionKeys(_ ns: String) -> [(String, KeyBonus)] {
        let u = Array(ns.utf16)
        guard !u.isEmpty else { return [] }
        var out: [(String, KeyBonus)] = [(ns, .section)]
        for len in 1..<u.count where isDigit(u[len - 1]) && !isDigit(u[len]) {
            out.append((String(decoding: u[0..<len], as: UTF16.self), .sectionPrefix))
        }
        return out
    }

    /// Normalised ID or section (or section prefix) → [doc, bonus kind, …]: IDs first, then
    /// for each requirement the first of its sections that answers the key. Only requirements
    /// take section bonuses: a glossary term or scenario citing 9.3.5 is not what `9.3.5` asks for.
    static func keyTable(_ docs: [Indexer.Doc]) -> [String: [Int]] {
        var table: [String: [Int]] = [:]
        for (d, doc) in docs.enumerated() {
            let nid = SearchText.normalize(doc.id)
            if !nid.isEmpty { table[nid, default: []] += [d, KeyBonus.id.rawValue] }
        }
        for (d, doc) in docs.enumerated() where doc.kind == "requirement" {
            var done = Set<String>()
            for section in doc.sections {
                for (key, bonus) in sectionKeys(SearchText.normalize(section)) where done.insert(key).inserted {
                    table[key, default: []] += [d, bonus.rawValue]
                }
            }
        }
        return table
    }

    /// The filter table row of a document: nil when it has no facets at all.
    static func facetRow(_ doc: Indexer.Doc, facets: [Indexer.FacetInfo]) -> [FacetEntry]? {
        if doc.facets.isEmpty { return nil }
        return facets.map { f in
            func value(_ key: String) -> FacetValue {
                if let i = f.values.firstIndex(where: { $0.key == key }) { return .index(i) }
                return .key(key)
            }
            switch doc.facets[f.key] {
            case nil: return .any
            case let .list(l)?: return l.isEmpty ? .any : .values(l.map(value))
            case let .graded(g)?:
                return g.isEmpty ? .any : .values(g.keys.sorted(by: jsLess).filter { g[$0] != "na" }.map(value))
            }
        }
    }

    static func decimalLength(_ n: Int) -> Int {
        var n = abs(n), len = 1
        while n >= 10 { n /= 10; len += 1 }
        return len
    }

    static func count(_ bytes: Int, per target: Int) -> Int { max(1, (bytes + target - 1) / target) }

    static func script(_ kind: String, _ n: Int, _ json: Data) -> Data {
        var d = Data("Tebiki.search.shard(\"\(kind)\",\(n),".utf8)
        d.append(json)
        d.append(Data(");\n".utf8))
        return d
    }

    static func fileName(_ kind: String, _ n: Int) -> String {
        switch kind {
        case "m": return "manifest.js"
        case "f": return "filters.js"
        default: return "\(kind)-\(n).js"
        }
    }

    // MARK: Files

    static func files(_ index: Indexer.Index, build: String) throws -> [OutputFile] {
        let encoder = Indexer.encoder()
        var out: [OutputFile] = []
        func put(_ kind: String, _ n: Int, _ json: Data) {
            out.append(OutputFile(path: "search/" + fileName(kind, n), data: script(kind, n, json)))
        }

        // Postings, by hash of the token.
        let tokens = index.postings.keys.sorted(by: jsLess)
        var packed: [String: [Int]] = [:]
        var postingsBytes = 0
        for token in tokens {
            let p = pack(index.postings[token] ?? [])
            postingsBytes += token.utf8.count + 4 + p.reduce(0) { $0 + decimalLength($1) + 1 }
            packed[token] = p
        }
        let p = count(postingsBytes, per: postingsShardBytes)
        var postingsShards = [[String: [Int]]](repeating: [:], count: p)
        for token in tokens { postingsShards[Indexer.shard(of: token, count: p)][token] = packed[token] }
        for (n, shard) in postingsShards.enumerated() { put("p", n, try encoder.encode(shard)) }

        // Token lists, by hash of the characters a prefix or one-character query starts from.
        let listBytes = tokens.reduce(0) { $0 + ($1.utf8.count + 3) * tokenListKeys($1).count }
        let t = count(listBytes, per: tokenListShardBytes)
        var lists = [[String]](repeating: [], count: t)
        for token in tokens {
            for n in Set(tokenListKeys(token).map { Indexer.shard(of: $0, count: t) }) { lists[n].append(token) }
        }
        for (n, list) in lists.enumerated() { put("t", n, try encoder.encode(list)) }

        // IDs and sections.
        let table = keyTable(index.docs)
        let keyBytes = table.reduce(0) { $0 + $1.key.utf8.count + 4 + $1.value.reduce(0) { $0 + decimalLength($1) + 1 } }
        let k = count(keyBytes, per: keyShardBytes)
        var keyShards = [[String: [Int]]](repeating: [:], count: k)
        var keyChars = Set<Unicode.Scalar>()
        for (key, value) in table {
            keyShards[Indexer.shard(of: key, count: k)][key] = value
            keyChars.formUnion(key.unicodeScalars)
        }
        for (n, shard) in keyShards.enumerated() { put("k", n, try encoder.encode(shard)) }

        // Documents, by index range.
        let docBytes = index.docs.reduce(0) { $0 + 160 + [$1.id, $1.title, $1.url, $1.summary, $1.text].reduce(0) { $0 + $1.utf8.count } }
        let average = index.docs.isEmpty ? 1 : max(1, docBytes / index.docs.count)
        let perShard = max(1, docShardBytes / average)
        let d = max(1, (index.docs.count + perShard - 1) / perShard)
        for n in 0..<d {
            let slice = Array(index.docs[min(index.docs.count, n * perShard)..<min(index.docs.count, (n + 1) * perShard)])
            put("d", n, try encoder.encode(slice))
        }

        // Facets for filtering, loaded only when a filter is set.
        put("f", 0, try encoder.encode(index.docs.map { facetRow($0, facets: index.facets) }))

        var status: [String: String] = [:]
        var glossary: [GlossaryEntry] = []
        var long: [Int] = []
        for (i, doc) in index.docs.enumerated() {
            if doc.text.utf16.count >= Indexer.maxText { long.append(i) }
            if !doc.status.isEmpty && doc.status != "active" { status[String(i)] = doc.status }
            if doc.kind == "glossary" && (doc.status.isEmpty || doc.status == "active") {
                glossary.append(GlossaryEntry(doc: i, title: doc.title, url: doc.url))
            }
        }
        let manifest = Manifest(version: index.version, fields: index.fields, weights: index.weights, synonyms: index.synonyms,
                                facets: index.facets, grades: index.grades, docs: index.docs.count, docsPerShard: perShard,
                                shards: Counts(p: p, t: t, k: k, d: d), status: status, long: long,
                                keyChars: String(String.UnicodeScalarView(keyChars.sorted { $0.value < $1.value })),
                                glossary: glossary, build: build)
        put("m", 0, try encoder.encode(manifest))
        return out
    }
}
