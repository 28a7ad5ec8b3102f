import Foundation

/// The sharded form of the search index that the browser loads piece by piece
/// (docs/search.md "Sharded form"); read by `createShardedSearch` in search-core.js.
enum SearchShards {
    /// Sizes the shard counts aim at (JSON bytes per file, before compression). Postings: a
    /// query needs a few tokens of each shard it loads, so smaller shards carry less it does not
    /// need; compressed, 16 KiB rather than 64 KiB cut a cold query's median bytes from 196 to
    /// 162 KB at 10,000 generated pages (same files) and from 255 to 160 KB on the default site
    /// (18 → 22 files) (docs/search.md "Size and speed").
    static let postingsShardBytes = 16 * 1024
    static let tokenListShardBytes = 16 * 1024
    static let keyShardBytes = 16 * 1024
    static let docShardBytes = 16 * 1024

    struct Counts: Equatable, JSONWritable {
        var p, t, k, d: Int
        func write(to w: inout JSONWriter) {
            w.beginObject(); w.key("d"); w.int(d); w.key("k"); w.int(k); w.key("p"); w.int(p); w.key("t"); w.int(t); w.endObject()
        }
    }

    struct GlossaryEntry: JSONWritable {
        var doc: Int
        var title, url: String
        func write(to w: inout JSONWriter) {
            w.beginArray(); w.int(doc); w.string(title); w.string(url); w.endArray()
        }
    }

    struct Manifest: JSONWritable {
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
    enum FacetValue: Equatable, JSONWritable {
        case index(Int)
        case key(String)
        func write(to w: inout JSONWriter) {
            switch self {
            case let .index(i): w.int(i)
            case let .key(k): w.string(k)
            }
        }
    }

    /// One facet of a document in the filter table: 0 when the document has no value (it
    /// applies whatever is selected), else the values that apply (graded: not with the grade
    /// declared `applies: false`).
    enum FacetEntry: Equatable, JSONWritable {
        case any
        case values([FacetValue])
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
    static func facetRow(_ doc: Indexer.Doc, facets: [Indexer.FacetInfo], notApplicable: Set<String>) -> [FacetEntry]? {
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
                return g.isEmpty ? .any : .values(g.keys.sorted(by: jsLess).filter { !notApplicable.contains(g[$0] ?? "") }.map(value))
            }
        }
    }

    static func decimalLength(_ n: Int) -> Int {
        var n = abs(n), len = 1
        while n >= 10 { n /= 10; len += 1 }
        return len
    }

    static func count(_ bytes: Int, per target: Int) -> Int { max(1, (bytes + target - 1) / target) }

    /// A shard file: `Tebiki.search.shard(kind, n, "<base64 of the raw-DEFLATEd JSON>");`.
    /// From `file://` only what a script carries can be loaded, so the compressed bytes travel
    /// as a base64 string; search-core.js `decodeShard` inflates them.
    static func script(_ kind: String, _ n: Int, json: Data) throws -> Data {
        var d = Data("Tebiki.search.shard(\"\(kind)\",\(n),\"".utf8)
        d.append(try Deflate.compress(json).base64EncodedData())
        d.append(Data("\");\n".utf8))
        return d
    }

    static func script<T: JSONWritable>(_ kind: String, _ n: Int, _ value: T) throws -> Data {
        try script(kind, n, json: value.json())
    }

    static func fileName(_ kind: String, _ n: Int) -> String {
        switch kind {
        case "m": return "manifest.js"
        case "f": return "filters.js"
        default: return "\(kind)-\(n).js"
        }
    }

    // MARK: Files

    static func files(_ index: Indexer.Index) throws -> [OutputFile] {
        let sink = CollectingSink()
        try files(index, into: sink)
        return sink.files
    }

    /// Writes every shard into `sink` (the shards of a kind are serialised in parallel), then
    /// the manifest and `index.json`, which name the build by a hash of every shard.
    static func files(_ index: Indexer.Index, into sink: OutputSink) throws {
        var (manifest, hashes) = try shards(index, into: sink)
        var build = Data()
        for h in hashes { withUnsafeBytes(of: h.littleEndian) { build.append(contentsOf: $0) } }
        manifest.build = String(Indexer.fnv1a32(build), radix: 16)
        try sink.put(OutputFile(path: "search/manifest.js", data: script("m", 0, manifest)))
        let entry = EntryPoint(version: index.version, build: manifest.build, docs: manifest.docs,
                               docsPerShard: manifest.docsPerShard, shards: manifest.shards)
        try sink.put(OutputFile(path: "search/index.json", data: entry.json(pretty: true)))
    }

    /// `search/index.json`: what a tool needs to read the index from the shards (the data is
    /// in them; docs/search.md "Sharded form").
    struct EntryPoint: JSONWritable {
        var format = 2
        var version: Int
        var build: String
        var encoding = "deflate-raw+base64"
        var docs: Int
        var docsPerShard: Int
        var shards: Counts
        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.key("build"); w.string(build)
            w.key("call"); w.string("Tebiki.search.shard(kind, n, data)")
            w.key("docs"); w.int(docs)
            w.key("docsPerShard"); w.int(docsPerShard)
            w.key("encoding"); w.string(encoding)
            w.key("files"); w.beginObject()
            w.key("d"); w.string("d-{n}.js"); w.key("f"); w.string("filters.js"); w.key("k"); w.string("k-{n}.js")
            w.key("m"); w.string("manifest.js"); w.key("p"); w.string("p-{n}.js"); w.key("t"); w.string("t-{n}.js")
            w.endObject()
            w.key("format"); w.int(format)
            w.key("shards"); shards.write(to: &w)
            w.key("version"); w.int(version)
            w.endObject()
        }
    }

    /// Writes every shard but the manifest, which is returned (its `build` left empty) with
    /// the FNV-1a of each file written, in a fixed order.
    static func shards(_ index: Indexer.Index, into sink: OutputSink) throws -> (Manifest, [UInt32]) {
        var hashes: [UInt32] = []
        func put<T: JSONWritable>(_ kind: String, _ n: Int, _ value: T) throws -> UInt32 {
            let data = try script(kind, n, value)
            try sink.put(OutputFile(path: "search/" + fileName(kind, n), data: data))
            return Indexer.fnv1a32(data)
        }
        func putAll<T: JSONWritable>(_ kind: String, _ count: Int, _ value: (Int) -> T) throws {
            let results = Builder.parallelMap(Array(0..<count)) { n in Swift.Result { try put(kind, n, value(n)) } }
            hashes += try results.map { try $0.get() }
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
        let notApplicable = Set(index.grades.filter { $0.applies == false }.map(\.key))
        hashes.append(try put("f", 0, index.docs.map { facetRow($0, facets: index.facets, notApplicable: notApplicable) }))

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
        let manifest = Manifest(version: index.version, fields: index.fields, weights: index.weights, synonyms: index.synonyms,
                                variants: index.variants, facets: index.facets, grades: index.grades, docs: index.docs.count, docsPerShard: perShard,
                                shards: Counts(p: p, t: t, k: k, d: d), status: status, long: long,
                                keyChars: String(String.UnicodeScalarView(keyChars.sorted { $0.value < $1.value })),
                                glossary: glossary, kinds: kinds, build: "")
        return (manifest, hashes)
    }

    /// A run of consecutive documents of one kind (the ranking weighs kinds, and the page
    /// must know a document's kind before loading it).
    struct KindRun: JSONWritable {
        var kind: String
        var count: Int
        func write(to w: inout JSONWriter) { w.beginArray(); w.string(kind); w.int(count); w.endArray() }
    }

    /// A postings shard: token → packed postings.
    struct PackedShard: JSONWritable {
        var postings: [String: [Int]]
        func write(to w: inout JSONWriter) { w.object(postings) { w, v in w.ints(v) } }
    }
}
