import Foundation

/// Builds the machine-readable outputs from the model: the search index (JSON and a script
/// for `file://`), `data/catalog.json`, the lookup data, and checklist CSV files.
/// The format is documented in docs/search.md.
enum Indexer {
    static let fields = ["title", "id", "summary", "body"]
    // Title, identifiers (ID, cited documents and sections), summary, body; tuned on the dev split
    // of Tests/search-eval (docs/search.md "Evaluation").
    static let weights = [10, 4, 6, 3]
    static let maxText = 2000

    struct Doc: Encodable, JSONWritable {
        var id, kind, title, url, summary, text: String
        var sections: [String]
        var facets: [String: FacetJSON]
        var status: String

        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.key("facets"); facets.write(to: &w)
            w.key("id"); w.string(id)
            w.key("kind"); w.string(kind)
            w.key("sections"); w.strings(sections)
            w.key("status"); w.string(status)
            w.key("summary"); w.string(summary)
            w.key("text"); w.string(text)
            w.key("title"); w.string(title)
            w.key("url"); w.string(url)
            w.endObject()
        }
    }

    /// A multi facet encodes as a list, a graded facet as value → grade.
    enum FacetJSON: Encodable, JSONWritable {
        case list([String])
        case graded([String: String])
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case let .list(v): try c.encode(v)
            case let .graded(v): try c.encode(v)
            }
        }
        func write(to w: inout JSONWriter) {
            switch self {
            case let .list(v): w.strings(v)
            case let .graded(v): v.write(to: &w)
            }
        }
    }

    struct FacetInfo: Encodable, JSONWritable {
        struct Value: Encodable, JSONWritable {
            var key, label: String
            /// Lookup data only: the value is opt-in (site.yml `opt_in`).
            var optIn: Bool? = nil
            func write(to w: inout JSONWriter) {
                w.beginObject(); w.key("key"); w.string(key); w.key("label"); w.string(label)
                if let optIn { w.key("optIn"); w.bool(optIn) }
                w.endObject()
            }
        }
        var key, label, kind: String
        var values: [Value]
        /// Lookup data only: `lookup` (required | warning, for facets the lookup filters by)
        /// and `all` (label of the reserved value `all`).
        var lookup: String? = nil
        var all: String? = nil
        var specific: Bool? = nil
        func write(to w: inout JSONWriter) {
            w.beginObject()
            if let all { w.key("all"); w.string(all) }
            w.key("key"); w.string(key)
            w.key("kind"); w.string(kind)
            w.key("label"); w.string(label)
            if let lookup { w.key("lookup"); w.string(lookup) }
            if let specific { w.key("specific"); w.bool(specific) }
            w.key("values"); values.write(to: &w)
            w.endObject()
        }
    }

    struct GradeInfo: Encodable, JSONWritable {
        var key, symbol, label: String
        func write(to w: inout JSONWriter) {
            w.beginObject(); w.key("key"); w.string(key); w.key("label"); w.string(label); w.key("symbol"); w.string(symbol); w.endObject()
        }
    }

    struct Index: Encodable, JSONWritable {
        var version = 1
        var fields = Indexer.fields
        var weights = Indexer.weights
        var docs: [Doc]
        /// Token → flat triples (doc, field, tf); Int32 halves the memory of the largest table.
        var postings: [String: [Int32]]
        var synonyms: [[String]]
        var variants: SearchVariants
        var facets: [FacetInfo]
        var grades: [GradeInfo]

        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.key("docs"); docs.write(to: &w)
            w.key("facets"); facets.write(to: &w)
            w.key("fields"); w.strings(fields)
            w.key("grades"); grades.write(to: &w)
            w.key("postings"); w.object(postings) { w, v in w.ints(v) }
            w.key("synonyms"); synonyms.write(to: &w)
            w.key("variants"); variants.write(to: &w)
            w.key("version"); w.int(version)
            w.key("weights"); w.ints(weights)
            w.endObject()
        }
    }

    /// The names by which people refer to the documents a page cites: each source's aliases,
    /// else its title.
    static func sourceNames(_ page: ContentPage, _ model: SiteModel) -> String {
        var seen = Set<String>()
        var names: [String] = []
        for ref in page.sources where seen.insert(ref.doc).inserted {
            guard let doc = model.sourceByKey[ref.doc] else { continue }
            names += doc.aliases.isEmpty ? [doc.title] : doc.aliases
        }
        return names.joined(separator: " ")
    }

    /// `omitAll`: for the search index, a facet stated as `all` (applies to every case) is left
    /// out, which is what the search filters (search-core.js `lookupMatches`) read as "applies
    /// whatever is picked"; the lookup data and the catalog keep `all`.
    static func facetJSON(_ page: ContentPage, config: SiteConfig, omitAll: Bool = false) -> [String: FacetJSON] {
        var out: [String: FacetJSON] = [:]
        for a in page.facets {
            if omitAll, a.values.contains(where: { $0.value == allValueKey }) { continue }
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

    /// The facets as the lookup page needs them: with `lookup` and `all`.
    static func lookupFacetInfo(_ config: SiteConfig) -> [FacetInfo] {
        config.facets.map { f in
            var info = FacetInfo(key: f.key, label: f.label, kind: f.kind.rawValue,
                                 values: f.values.map { .init(key: $0.key, label: $0.label, optIn: $0.optIn ? true : nil) })
            if f.lookup != .none { info.lookup = f.lookup.rawValue }
            info.all = f.allLabel
            if f.specific { info.specific = true }
            return info
        }
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
    /// Pages are tokenised in parallel; postings are merged in document order, so the index
    /// is the same whatever the scheduling.
    static func searchIndexValue(_ model: SiteModel, plainTexts: [String: String]) -> Index {
        let pages = model.requirements + model.glossary + model.checklists + model.scenarios
        var docs: [Doc] = []
        docs.reserveCapacity(pages.count)
        // Postings are gathered under compact token keys (see SearchText.TokenKey) and turned
        // into Strings once per distinct token at the end.
        // The merge is split by token over the cores: each part takes the tokens that hash to it,
        // in document order, so a token's postings are the same whatever the split.
        struct Part { var slot: [SearchText.TokenKey: Int] = [:]; var lists: [[Int32]] = [] }
        let partCount = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        func part(of token: SearchText.TokenKey) -> Int {
            let h = token.code != 0 ? token.code : UInt64(Indexer.fnv1a32(token.word))
            return Int(truncatingIfNeeded: (h &* 0x9E37_79B9_7F4A_7C15) >> 40) % partCount
        }
        var parts = [Part](repeating: Part(), count: partCount)
        // In chunks, so that only one chunk's token lists are held besides the postings.
        let chunk = 512
        for start in stride(from: 0, to: pages.count, by: chunk) {
            let range = Array(start..<min(pages.count, start + chunk))
            let perPage = Builder.parallelMap(range) { docIndex -> (doc: Doc, terms: [(token: SearchText.TokenKey, field: Int32, tf: Int32)]) in
                let page = pages[docIndex]
                var body = plainTexts[page.id] ?? ""
                if page.kind == .checklist { body = page.items.map(\.text).joined(separator: "\n") + "\n" + body }
                if page.kind == .glossary { body = page.synonyms.joined(separator: "、") + "\n" + body }
                // The identifier field also holds the short names of the documents the page cites
                // (統一基準, 手引書) and the sections it cites as written (対策基準8.1 解説(3)), so
                // 「統一基準 8.1.2」 and 「ガイドライン 対策基準8.1」 find the rule; section numbers
                // are also matched exactly through the key table.
                let fieldTexts = [page.title, page.id + " " + sourceNames(page, model) + " " + page.sources.map(\.section).joined(separator: " "),
                                  page.summary, body]
                var terms: [(token: SearchText.TokenKey, field: Int32, tf: Int32)] = []
                var counts: [SearchText.TokenKey: Int32] = [:]
                for (fieldIndex, text) in fieldTexts.enumerated() {
                    counts.removeAll(keepingCapacity: true)
                    SearchText.scan(normalized: SearchText.normalize(text)) { counts[$0, default: 0] += 1 }
                    for (token, tf) in counts { terms.append((token, Int32(fieldIndex), tf)) }
                }
                let doc = Doc(id: page.id, kind: page.kind.rawValue, title: page.title, url: SiteModel.url(of: page),
                              summary: page.summary, text: String(body.prefix(maxText)),
                              sections: page.sources.map(\.section), facets: facetJSON(page, config: model.config, omitAll: true),
                              status: page.status.rawValue)
                return (doc, terms)
            }
            // Merged in document order: a token's postings are sorted by document, then field.
            parts.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                DispatchQueue.concurrentPerform(iterations: partCount) { p in
                    let mine = base + p
                    for (offset, entry) in perPage.enumerated() {
                        let docIndex = Int32(start + offset)
                        for t in entry.terms where partCount == 1 || part(of: t.token) == p {
                            let i: Int
                            if let known = mine.pointee.slot[t.token] {
                                i = known
                            } else {
                                i = mine.pointee.lists.count
                                mine.pointee.slot[t.token] = i
                                mine.pointee.lists.append([])
                            }
                            mine.pointee.lists[i].append(docIndex); mine.pointee.lists[i].append(t.field); mine.pointee.lists[i].append(t.tf)
                        }
                    }
                }
            }
            docs.append(contentsOf: perPage.map(\.doc))
        }
        var postings: [String: [Int32]] = [:]
        postings.reserveCapacity(parts.reduce(0) { $0 + $1.slot.count })
        for p in parts {
            for (token, i) in p.slot { postings[token.string] = p.lists[i] }
        }
        // As written (the browser normalises them; the page shows them as suggestions), one
        // per normalised form.
        let synonyms = model.glossary.map { term -> [String] in
            var seen = Set<String>()
            return ([term.title] + term.synonyms).filter { seen.insert(SearchText.normalize($0)).inserted }
        }.filter { $0.count > 1 }
        return Index(docs: docs, postings: postings, synonyms: synonyms, variants: model.variants,
                     facets: facetInfo(model.config), grades: gradeInfo(model.config))
    }

    /// `search/index.json` (the documented complete index).
    static func searchIndex(_ model: SiteModel, plainTexts: [String: String]) throws -> Data {
        searchIndexValue(model, plainTexts: plainTexts).json()
    }

    /// Every file under `search/`: the complete index (`index.json`, for tools) and the sharded
    /// form the browser loads (scripts, so it works from `file://`).
    static func searchFiles(_ model: SiteModel, plainTexts: [String: String]) throws -> [OutputFile] {
        let sink = CollectingSink()
        try searchFiles(model, plainTexts: plainTexts, into: sink)
        return sink.files
    }

    static func searchFiles(_ model: SiteModel, plainTexts: [String: String], into sink: OutputSink) throws {
        let index = searchIndexValue(model, plainTexts: plainTexts)
        // index.json and the shards are written side by side; the manifest, which names the
        // build by the hash of index.json, comes last.
        enum Part { case json(hash: UInt32), shards(SearchShards.Manifest) }
        let parts = try Builder.parallelMap([0, 1]) { i in
            Swift.Result<Part, Error> {
                if i == 1 { return .shards(try SearchShards.files(index, into: sink)) }
                let json = index.json()
                try sink.put(OutputFile(path: "search/index.json", data: json))
                return .json(hash: fnv1a32(json))
            }
        }.map { try $0.get() }
        guard case let .json(hash) = parts[0], case var .shards(manifest) = parts[1] else { return }
        manifest.build = String(hash, radix: 16)
        try sink.put(OutputFile(path: "search/manifest.js", data: SearchShards.script("m", 0, manifest)))
    }

    /// FNV-1a, 32 bits (search-core.js `fnv1a32`).
    static func fnv1a32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var h: UInt32 = 0x811C_9DC5
        for b in bytes { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }

    static func fnv1a32(_ s: String) -> UInt32 { fnv1a32(s.utf8) }

    /// Over the raw buffer: iterating `Data` byte by byte is slow, and index.json is tens of MB.
    static func fnv1a32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { fnv1a32(UnsafeRawBufferPointer($0)) }
    }

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

    struct CatalogEntry: Encodable, JSONWritable {
        struct Source: Encodable, JSONWritable {
            var doc, section: String
            func write(to w: inout JSONWriter) {
                w.beginObject(); w.key("doc"); w.string(doc); w.key("section"); w.string(section); w.endObject()
            }
        }
        struct History: Encodable, JSONWritable {
            var edition, change, note: String; var before, after: String?
            func write(to w: inout JSONWriter) {
                w.beginObject()
                if let after { w.key("after"); w.string(after) }
                if let before { w.key("before"); w.string(before) }
                w.key("change"); w.string(change)
                w.key("edition"); w.string(edition)
                w.key("note"); w.string(note)
                w.endObject()
            }
        }
        var id, title, summary, url, status: String
        var successor: String?
        var sources: [Source]
        var facets: [String: FacetJSON]
        var related: [String]
        var history: [History]

        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.key("facets"); facets.write(to: &w)
            w.key("history"); history.write(to: &w)
            w.key("id"); w.string(id)
            w.key("related"); w.strings(related)
            w.key("sources"); sources.write(to: &w)
            w.key("status"); w.string(status)
            if let successor { w.key("successor"); w.string(successor) }
            w.key("summary"); w.string(summary)
            w.key("title"); w.string(title)
            w.key("url"); w.string(url)
            w.endObject()
        }
    }

    struct Catalog: Encodable, JSONWritable {
        struct SourceDoc: Encodable, JSONWritable {
            var key, title, publisher, date, edition, family: String
            func write(to w: inout JSONWriter) {
                w.beginObject()
                w.key("date"); w.string(date)
                w.key("edition"); w.string(edition)
                w.key("family"); w.string(family)
                w.key("key"); w.string(key)
                w.key("publisher"); w.string(publisher)
                w.key("title"); w.string(title)
                w.endObject()
            }
        }
        var title: String
        var requirements: [CatalogEntry]
        var sources: [SourceDoc]
        var facets: [FacetInfo]
        var grades: [GradeInfo]

        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.key("facets"); facets.write(to: &w)
            w.key("grades"); grades.write(to: &w)
            w.key("requirements"); requirements.write(to: &w)
            w.key("sources"); sources.write(to: &w)
            w.key("title"); w.string(title)
            w.endObject()
        }
    }

    static func catalog(_ model: SiteModel) throws -> Data {
        // Compact: the indentation was 40 % of the file's bytes.
        catalogValue(model).json()
    }

    static func catalogValue(_ model: SiteModel) -> Catalog {
        let entries = model.requirements.map { r in
            CatalogEntry(id: r.id, title: r.title, summary: r.summary, url: SiteModel.url(of: r), status: r.status.rawValue,
                         successor: r.successor?.value, sources: r.sources.map { .init(doc: $0.doc, section: $0.section) },
                         facets: facetJSON(r, config: model.config), related: r.related.map(\.value),
                         history: r.history.map { .init(edition: $0.edition, change: $0.change.rawValue, note: $0.note, before: $0.before, after: $0.after) })
        }
        return Catalog(title: model.config.title, requirements: entries,
                       sources: model.sources.map { .init(key: $0.key, title: $0.title, publisher: $0.publisher, date: $0.date, edition: $0.edition, family: $0.family) },
                       facets: facetInfo(model.config), grades: gradeInfo(model.config))
    }

    // MARK: Lookup data

    struct Lookup: Encodable, JSONWritable {
        struct Site: Encodable { var title: String }
        struct Source: Encodable, JSONWritable {
            var doc, section, label: String
            func write(to w: inout JSONWriter) {
                w.beginObject(); w.key("doc"); w.string(doc); w.key("label"); w.string(label); w.key("section"); w.string(section); w.endObject()
            }
        }
        struct Check: Encodable, JSONWritable {
            var text, checklist, section: String
            func write(to w: inout JSONWriter) {
                w.beginObject(); w.key("checklist"); w.string(checklist); w.key("section"); w.string(section); w.key("text"); w.string(text); w.endObject()
            }
        }
        struct Requirement: Encodable, JSONWritable {
            var id, title, summary, url, status: String
            var facets: [String: FacetJSON]
            var sources: [Source]
            var checks: [Check]
            func write(to w: inout JSONWriter) {
                w.beginObject()
                w.key("checks"); checks.write(to: &w)
                w.key("facets"); facets.write(to: &w)
                w.key("id"); w.string(id)
                w.key("sources"); sources.write(to: &w)
                w.key("status"); w.string(status)
                w.key("summary"); w.string(summary)
                w.key("title"); w.string(title)
                w.key("url"); w.string(url)
                w.endObject()
            }
        }
        struct Scenario: Encodable, JSONWritable {
            var id, title, url: String
            var selection: [String: [String]]
            func write(to w: inout JSONWriter) {
                w.beginObject()
                w.key("id"); w.string(id)
                w.key("selection"); selection.write(to: &w)
                w.key("title"); w.string(title)
                w.key("url"); w.string(url)
                w.endObject()
            }
        }
        var site: Site
        var facets: [FacetInfo]
        var grades: [GradeInfo]
        var requirements: [Requirement]
        var scenarios: [Scenario]

        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.key("facets"); facets.write(to: &w)
            w.key("grades"); grades.write(to: &w)
            w.key("requirements"); requirements.write(to: &w)
            w.key("scenarios"); scenarios.write(to: &w)
            w.key("site"); w.beginObject(); w.key("title"); w.string(site.title); w.endObject()
            w.endObject()
        }
    }

    static func lookup(_ model: SiteModel) throws -> Data {
        lookupValue(model).json()
    }

    static func lookupValue(_ model: SiteModel) -> Lookup {
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
        return Lookup(site: .init(title: model.config.title), facets: lookupFacetInfo(model.config),
                      grades: gradeInfo(model.config), requirements: reqs, scenarios: scenarios)
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

    /// Quoted when it holds a comma, a quote or a line break of any form. Compared by
    /// Unicode scalar: in Swift `"\r\n"` is one Character that equals neither `"\n"` nor `"\r"`,
    /// so a Character test let CRLF through unquoted and the next line became a new row.
    static func field(_ value: String) -> String {
        let value = neutralized(value)
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A cell Excel would read as a formula (=, +, -, @, tab, CR first) gets a leading
    /// apostrophe, so text pasted from a contractor's document cannot run as one (OWASP
    /// "CSV injection"); so does every line of the cell after a line break (`\n`, `\r\n`,
    /// `\r`), in case a program splits rows on them. search-core.js `csvField` does the same
    /// for the cell start in the lookup's CSV.
    static func neutralized(_ value: String) -> String {
        let starts = "=+-@\t\r".unicodeScalars
        var out = String.UnicodeScalarView()
        var lineStart = true
        for scalar in value.unicodeScalars {
            // A CR at the very start counts (Excel); later it only ends an empty line.
            if lineStart, starts.contains(scalar), out.isEmpty || scalar != "\r" { out.append("'") }
            out.append(scalar)
            lineStart = scalar == "\n" || scalar == "\r"
        }
        return String(out)
    }
}

/// The sharded form of the search index that the browser loads piece by piece
/// (docs/search.md "Sharded form"); read by `createShardedSearch` in search-core.js.
enum SearchShards {
    /// Sizes the shard counts aim at (JSON bytes per file).
    static let postingsShardBytes = 64 * 1024
    static let tokenListShardBytes = 16 * 1024
    static let keyShardBytes = 16 * 1024
    static let docShardBytes = 16 * 1024

    struct Counts: Encodable, Equatable, JSONWritable {
        var p, t, k, d: Int
        func write(to w: inout JSONWriter) {
            w.beginObject(); w.key("d"); w.int(d); w.key("k"); w.int(k); w.key("p"); w.int(p); w.key("t"); w.int(t); w.endObject()
        }
    }

    struct GlossaryEntry: Encodable, JSONWritable {
        var doc: Int
        var title, url: String
        func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(doc)
            try c.encode(title)
            try c.encode(url)
        }
        func write(to w: inout JSONWriter) {
            w.beginArray(); w.int(doc); w.string(title); w.string(url); w.endArray()
        }
    }

    struct Manifest: Encodable, JSONWritable {
        var format = 1
        var version: Int
        var fields: [String]
        var weights: [Int]
        var synonyms: [[String]]
        var variants: SearchVariants
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
        var kinds: [KindRun]
        var build: String

        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.key("build"); w.string(build)
            w.key("docs"); w.int(docs)
            w.key("docsPerShard"); w.int(docsPerShard)
            w.key("facets"); facets.write(to: &w)
            w.key("fields"); w.strings(fields)
            w.key("format"); w.int(format)
            w.key("glossary"); glossary.write(to: &w)
            w.key("grades"); grades.write(to: &w)
            w.key("hash"); w.string(hash)
            w.key("keyChars"); w.string(keyChars)
            w.key("kinds"); kinds.write(to: &w)
            w.key("long"); w.ints(long)
            w.key("shards"); shards.write(to: &w)
            w.key("status"); status.write(to: &w)
            w.key("synonyms"); synonyms.write(to: &w)
            w.key("variants"); variants.write(to: &w)
            w.key("version"); w.int(version)
            w.key("weights"); w.ints(weights)
            w.endObject()
        }
    }

    /// A facet value in the filter table: a value index of the site facet, or the value itself
    /// when the site does not list it.
    enum FacetValue: Encodable, Equatable, JSONWritable {
        case index(Int)
        case key(String)
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case let .index(i): try c.encode(i)
            case let .key(k): try c.encode(k)
            }
        }
        func write(to w: inout JSONWriter) {
            switch self {
            case let .index(i): w.int(i)
            case let .key(k): w.string(k)
            }
        }
    }

    /// One facet of a document in the filter table: 0 when the document has no value (it
    /// applies whatever is selected), else the values that apply (graded: grade other than na).
    enum FacetEntry: Encodable, Equatable, JSONWritable {
        case any
        case values([FacetValue])
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .any: try c.encode(0)
            case let .values(v): try c.encode(v)
            }
        }
        func write(to w: inout JSONWriter) {
            switch self {
            case .any: w.int(0)
            case let .values(v): v.write(to: &w)
            }
        }
    }

    enum KeyBonus: Int { case id = 1, section = 2, sectionPrefix = 3 }

    // MARK: Pieces

    /// Flat triples [doc, field, tf, …] → one number per posting,
    /// ((docDelta × 4 + field) × 4 + tf), or (… × 4 + 0) followed by tf when tf > 3.
    static func pack(_ list: [Int32]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(list.count / 3 + 4)
        var last = 0
        var k = 0
        while k + 2 < list.count {
            let head = (Int(list[k]) - last) * 4 + Int(list[k + 1])
            last = Int(list[k])
            let tf = Int(list[k + 2])
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
        // 9, 9.3, 9.3.1, 9.3.1(13 of 9.3.1(13); and 7.1.1(5) of 7.1.1(5)(a).
        for len in 1..<u.count where (isDigit(u[len - 1]) && !isDigit(u[len])) || (u[len - 1] == 0x29 && u[len] == 0x28) {
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

    /// The shard script of a value, written in one buffer.
    static func script<T: JSONWritable>(_ kind: String, _ n: Int, _ value: T) -> Data {
        var w = JSONWriter()
        w.raw("Tebiki.search.shard(\"\(kind)\",\(n),")
        value.write(to: &w)
        w.raw(");\n")
        return w.takeData()
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
        let sink = CollectingSink()
        try files(index, build: build, into: sink)
        return sink.files
    }

    /// Writes every shard into `sink`; the shards of a kind are serialised in parallel.
    static func files(_ index: Indexer.Index, build: String, into sink: OutputSink) throws {
        var manifest = try files(index, into: sink)
        manifest.build = build
        try sink.put(OutputFile(path: "search/manifest.js", data: script("m", 0, manifest)))
    }

    /// Writes every shard but the manifest, which is returned (its `build` left empty).
    static func files(_ index: Indexer.Index, into sink: OutputSink) throws -> Manifest {
        func put<T: JSONWritable>(_ kind: String, _ n: Int, _ value: T) throws {
            try sink.put(OutputFile(path: "search/" + fileName(kind, n), data: script(kind, n, value)))
        }
        func putAll<T: JSONWritable>(_ kind: String, _ count: Int, _ value: (Int) -> T) throws {
            let errors = Builder.parallelMap(Array(0..<count)) { n -> Error? in
                do { try put(kind, n, value(n)); return nil } catch { return error }
            }
            if let e = errors.compactMap({ $0 }).first { throw e }
        }

        // Postings, by hash of the token.
        let tokens = index.postings.keys.sorted(by: jsLess)
        var p = 1
        do {
            let packedList = Builder.parallelMap(tokens) { token -> (packed: [Int], bytes: Int) in
                let packed = pack(index.postings[token] ?? [])
                return (packed, token.utf8.count + 4 + packed.reduce(0) { $0 + decimalLength($1) + 1 })
            }
            p = count(packedList.reduce(0) { $0 + $1.bytes }, per: postingsShardBytes)
            var postingsShards = [[String: [Int]]](repeating: [:], count: p)
            for (token, entry) in zip(tokens, packedList) { postingsShards[Indexer.shard(of: token, count: p)][token] = entry.packed }
            try putAll("p", p) { n in PackedShard(postings: postingsShards[n]) }
        }

        // Token lists, by hash of the characters a prefix or one-character query starts from.
        let listBytes = tokens.reduce(0) { $0 + ($1.utf8.count + 3) * tokenListKeys($1).count }
        let t = count(listBytes, per: tokenListShardBytes)
        var lists = [[String]](repeating: [], count: t)
        for token in tokens {
            for n in Set(tokenListKeys(token).map { Indexer.shard(of: $0, count: t) }) { lists[n].append(token) }
        }
        try putAll("t", t) { lists[$0] }

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
        try putAll("k", k) { keyShards[$0] }

        // Documents, by index range.
        let docBytes = index.docs.reduce(0) { $0 + 160 + [$1.id, $1.title, $1.url, $1.summary, $1.text].reduce(0) { $0 + $1.utf8.count } }
        let average = index.docs.isEmpty ? 1 : max(1, docBytes / index.docs.count)
        let perShard = max(1, docShardBytes / average)
        let d = max(1, (index.docs.count + perShard - 1) / perShard)
        try putAll("d", d) { n in
            Array(index.docs[min(index.docs.count, n * perShard)..<min(index.docs.count, (n + 1) * perShard)])
        }

        // Facets for filtering, loaded only when a filter is set.
        try put("f", 0, index.docs.map { facetRow($0, facets: index.facets) })

        var status: [String: String] = [:]
        var glossary: [GlossaryEntry] = []
        var long: [Int] = []
        var kinds: [KindRun] = []
        for (i, doc) in index.docs.enumerated() {
            if kinds.last?.kind == doc.kind { kinds[kinds.count - 1].count += 1 } else { kinds.append(KindRun(kind: doc.kind, count: 1)) }
            if doc.text.utf16.count >= Indexer.maxText { long.append(i) }
            if !doc.status.isEmpty && doc.status != "active" { status[String(i)] = doc.status }
            if doc.kind == "glossary" && (doc.status.isEmpty || doc.status == "active") {
                glossary.append(GlossaryEntry(doc: i, title: doc.title, url: doc.url))
            }
        }
        return Manifest(version: index.version, fields: index.fields, weights: index.weights, synonyms: index.synonyms,
                                variants: index.variants, facets: index.facets, grades: index.grades, docs: index.docs.count, docsPerShard: perShard,
                                shards: Counts(p: p, t: t, k: k, d: d), status: status, long: long,
                                keyChars: String(String.UnicodeScalarView(keyChars.sorted { $0.value < $1.value })),
                                glossary: glossary, kinds: kinds, build: "")
    }

    /// A run of consecutive documents of one kind (the ranking weighs kinds, and the page
    /// must know a document's kind before loading it).
    struct KindRun: Encodable, JSONWritable {
        var kind: String
        var count: Int
        func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(kind); try c.encode(count)
        }
        func write(to w: inout JSONWriter) { w.beginArray(); w.string(kind); w.int(count); w.endArray() }
    }

    /// A postings shard: token → packed postings.
    struct PackedShard: JSONWritable {
        var postings: [String: [Int]]
        func write(to w: inout JSONWriter) { w.object(postings) { w, v in w.ints(v) } }
    }
}
