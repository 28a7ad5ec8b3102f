import Foundation

/// Builds the search index from the model (docs/search.md) and the pieces the other data
/// outputs share (facet and grade tables). The catalog is in Export/Catalog.swift, the lookup
/// data in Export/LookupData.swift, the sharded form in SearchShards.swift.
enum Indexer {
    static let fields = ["title", "id", "summary", "body"]
    // Title, identifiers (ID, cited documents and sections), summary, body; tuned on the dev split
    // of Tests/search-eval (docs/search.md "Evaluation").
    static let weights = [10, 4, 6, 3]
    static let maxText = 2000

    struct Doc: JSONWritable {
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
    enum FacetJSON: JSONWritable {
        case list([String])
        case graded([String: String])
        func write(to w: inout JSONWriter) {
            switch self {
            case let .list(v): w.strings(v)
            case let .graded(v): v.write(to: &w)
            }
        }
    }

    struct FacetInfo: JSONWritable {
        struct Value: JSONWritable {
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
        /// The facet's roles from site.yml, written only when set: `stages` (groups lookup
        /// results), `search` (a search filter), `chips: false` (no labels under search results).
        var stages: Bool? = nil
        var search: Bool? = nil
        var chips: Bool? = nil
        func write(to w: inout JSONWriter) {
            w.beginObject()
            if let all { w.key("all"); w.string(all) }
            if let chips { w.key("chips"); w.bool(chips) }
            w.key("key"); w.string(key)
            w.key("kind"); w.string(kind)
            w.key("label"); w.string(label)
            if let lookup { w.key("lookup"); w.string(lookup) }
            if let search { w.key("search"); w.bool(search) }
            if let specific { w.key("specific"); w.bool(specific) }
            if let stages { w.key("stages"); w.bool(stages) }
            w.key("values"); values.write(to: &w)
            w.endObject()
        }
    }

    struct GradeInfo: JSONWritable {
        var key, symbol, label: String
        /// `false` for the grade site.yml declares `applies: false` ("does not apply"); written only then.
        var applies: Bool? = nil
        func write(to w: inout JSONWriter) {
            w.beginObject()
            if let applies { w.key("applies"); w.bool(applies) }
            w.key("key"); w.string(key); w.key("label"); w.string(label); w.key("symbol"); w.string(symbol); w.endObject()
        }
    }

    struct Index: JSONWritable {
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
        config.facets.map { FacetInfo(key: $0.key, label: $0.label, kind: $0.kind.rawValue, values: $0.values.map { .init(key: $0.key, label: $0.label) },
                                      stages: $0.stages ? true : nil, search: $0.search ? true : nil, chips: $0.chips ? nil : false) }
    }

    static func gradeInfo(_ config: SiteConfig) -> [GradeInfo] {
        config.grades.map { GradeInfo(key: $0.key, symbol: $0.symbol, label: $0.label, applies: $0.applies ? nil : false) }
    }

    /// `plainTexts[id]` is the page body as plain text (from the Markdown renderer);
    /// `listSeparator` joins a term's synonyms before its body (the theme's `list_separator`).
    /// Pages are tokenised in parallel; postings are merged in document order, so the index
    /// is the same whatever the scheduling.
    static func searchIndexValue(_ model: SiteModel, plainTexts: [String: String], listSeparator: String = " ") -> Index {
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
                if page.kind == .glossary { body = page.synonyms.joined(separator: listSeparator) + "\n" + body }
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

    /// Every file under `search/`: the sharded form the browser loads (scripts, so it works
    /// from `file://`) and `index.json`, the entry point that names them.
    static func searchFiles(_ model: SiteModel, plainTexts: [String: String], listSeparator: String = " ") throws -> [OutputFile] {
        let sink = CollectingSink()
        try searchFiles(model, plainTexts: plainTexts, listSeparator: listSeparator, into: sink)
        return sink.files
    }

    static func searchFiles(_ model: SiteModel, plainTexts: [String: String], listSeparator: String = " ", into sink: OutputSink) throws {
        try SearchShards.files(searchIndexValue(model, plainTexts: plainTexts, listSeparator: listSeparator), into: sink)
    }

    /// FNV-1a, 32 bits (search-core.js `fnv1a32`).
    static func fnv1a32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var h: UInt32 = 0x811C_9DC5
        for b in bytes { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }

    static func fnv1a32(_ s: String) -> UInt32 { fnv1a32(s.utf8) }

    /// Over the raw buffer: iterating `Data` byte by byte is slow.
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
}
