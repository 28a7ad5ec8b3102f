import Foundation
import Testing

@testable import TebikiCore

/// The shared cases also checked by Tests/js/search-shards.test.js (docs/search.md "Sharded form").
struct ShardHashCase: Decodable, CustomTestStringConvertible {
    let input: String
    let fnv1a32: UInt32
    let shards: [String: Int]
    let note: String?

    var testDescription: String { note ?? input.debugDescription }
}

private func loadHashCases() throws -> [ShardHashCase] {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Search
        .deletingLastPathComponent()  // TebikiCoreTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures/search/shard-hash-cases.json")
    return try JSONDecoder().decode([ShardHashCase].self, from: Data(contentsOf: url))
}

/// `Tebiki.search.shard("p",3,{…});\n` → ("p", 3, {…}).
private func parseShard(_ data: Data) throws -> (kind: String, n: Int, data: Any) {
    let text = String(decoding: data, as: UTF8.self)
    let head = "Tebiki.search.shard(", tail = ");\n"
    #expect(text.hasPrefix(head) && text.hasSuffix(tail))
    let inner = text.dropFirst(head.count).dropLast(tail.count)
    let args = try #require(try JSONSerialization.jsonObject(with: Data(("[" + inner + "]").utf8)) as? [Any])
    // The data is the JSON, raw-DEFLATEd, in base64.
    let text64 = try #require(args[2] as? String)
    let packed = try #require(Data(base64Encoded: text64))
    let json = try Deflate.decompress(packed)
    return (try #require(args[0] as? String), try #require(args[1] as? Int),
            try JSONSerialization.jsonObject(with: json, options: .fragmentsAllowed))
}

private func unpack(_ packed: [Int]) -> [Int] {
    var out: [Int] = [], doc = 0, i = 0
    while i < packed.count {
        var v = packed[i]
        let t = v % 4
        v /= 4
        let f = v % 4
        doc += v / 4
        if t == 0 { i += 1; out += [doc, f, packed[i]] } else { out += [doc, f, t] }
        i += 1
    }
    return out
}

private func doc(_ id: String, kind: String = "requirement", title: String = "", sections: [String] = [],
                 facets: [String: Indexer.FacetJSON] = [:], status: String = "active") -> Indexer.Doc {
    Indexer.Doc(id: id, kind: kind, title: title, url: "rules/\(id).html", summary: "要約", text: "本文",
                sections: sections, facets: facets, status: status)
}

private let facets = [
    Indexer.FacetInfo(key: "phase", label: "段階", kind: "multi", values: [.init(key: "decision", label: "可否判断"), .init(key: "contract", label: "契約")]),
    Indexer.FacetInfo(key: "form", label: "形態", kind: "graded", values: [.init(key: "build", label: "構築"), .init(key: "cloud", label: "クラウド")]),
]

private func sampleIndex() -> Indexer.Index {
    let docs = [
        doc("hb-a", title: "再委託を制限する", sections: ["9.3.1.2", "9.3.1(13)"], facets: ["phase": .list(["contract"]), "form": .graded(["build": "na", "cloud": "required"])]),
        doc("hb-b", title: "約款", sections: ["9.3.1", "p.10"], facets: ["phase": .list([]), "form": .graded(["cloud": "", "other": "required"])], status: "retired"),
        doc("term-x", kind: "glossary", title: "委託先"),
        doc("term-y", kind: "glossary", title: "旧用語", status: "renamed"),
        doc("９．３．５", title: "全角", facets: ["org": .list(["national"])]),
    ]
    var postings: [String: [Int32]] = [:]
    for (d, x) in docs.enumerated() {
        for (f, text) in [x.title, x.id, x.summary, x.text].enumerated() {
            var counts: [String: Int32] = [:]
            for t in SearchText.tokens(text) { counts[t, default: 0] += 1 }
            for (t, n) in counts { postings[t, default: []] += [Int32(d), Int32(f), n] }
        }
    }
    postings["saas"] = [0, 3, 7, 1000, 2, 1]
    return Indexer.Index(docs: docs, postings: postings, synonyms: [["委託先", "受託者"]], variants: SearchVariants(), facets: facets,
                         grades: [.init(key: "required", symbol: "○", label: "必須"), .init(key: "na", symbol: "×", label: "非該当", applies: false)])
}

@Suite("Search shards")
struct SearchShardsTests {
    @Test("FNV-1a and the shard agree with the shared fixture", arguments: try loadHashCases())
    func sharedHashCase(_ c: ShardHashCase) {
        #expect(Indexer.fnv1a32(c.input) == c.fnv1a32)
        for (count, shard) in c.shards { #expect(Indexer.shard(of: c.input, count: Int(count)!) == shard, "mod \(count)") }
    }

    /// search-core.js breaks equal scores by the documents' order in the index, without
    /// loading them: requirements, glossary terms, checklists, scenarios, each sorted (by ID in
    /// the JavaScript string order; terms by reading).
    @Test func documentsAreInKindThenIDOrder() throws {
        let source = try SiteSource.read(from: Fixtures.site("minimal"))
        var diagnostics = Diagnostics()
        let model = SiteModel(try #require(ParsePhase.run(source, diagnostics: &diagnostics)))
        let docs = Indexer.searchIndexValue(model, plainTexts: [:]).docs
        let kinds = ["requirement", "glossary", "checklist", "scenario"]
        let rank = docs.map { kinds.firstIndex(of: $0.kind) ?? 9 }
        #expect(rank == rank.sorted())
        #expect(Set(rank).count >= 3)
        for kind in ["requirement", "checklist", "scenario"] {
            let ids = docs.filter { $0.kind == kind }.map(\.id)
            #expect(ids == ids.sorted { Array($0.utf16).lexicographicallyPrecedes(Array($1.utf16)) }, "\(kind): \(ids)")
        }
    }

    @Test func fixtureHasTheTestVectors() throws {
        #expect(try loadHashCases().count >= 15)
        #expect(Indexer.fnv1a32("") == 0x811C_9DC5)
        #expect(Indexer.fnv1a32("a") == 0xE40C_292C)
        #expect(Indexer.fnv1a32("foobar") == 0xBF9C_F968)
    }

    @Test func packedPostings() {
        let list: [Int32] = [0, 0, 1, 0, 3, 2, 5, 1, 3, 5, 3, 4, 1000, 2, 17, 1001, 0, 1]
        #expect(SearchShards.pack(list) == [1, 14, 87, 12, 4, 15928, 17, 17])
        #expect(unpack(SearchShards.pack(list)) == list.map(Int.init))
    }

    @Test func tokenListKeysAndSectionKeys() {
        #expect(SearchShards.tokenListKeys("委託") == ["委", "託"])
        #expect(SearchShards.tokenListKeys("々々") == ["々"])
        #expect(SearchShards.tokenListKeys("saas") == ["s"])
        #expect(SearchShards.sectionKeys("9.3.1(13)").map(\.0) == ["9.3.1(13)", "9", "9.3", "9.3.1", "9.3.1(13"])
        #expect(SearchShards.sectionKeys("p.10").map(\.0) == ["p.10"])
        #expect(SearchShards.sectionKeys("").isEmpty)
    }

    @Test func keyTableKeepsTheFirstSectionOfEachDocument() {
        let table = SearchShards.keyTable(sampleIndex().docs)
        #expect(table["hb-a"] == [0, 1])
        #expect(table["9.3.5"] == [4, 1])  // normalised ID
        #expect(table["9.3.1"] == [0, 3, 1, 2])  // hb-a: 9.3.1.2 comes first (prefix); hb-b: exact
        #expect(table["9.3.1(13)"] == [0, 2])
        #expect(table["9.3"] == [0, 3, 1, 3])
    }

    @Test func facetRows() {
        let rows = sampleIndex().docs.map { SearchShards.facetRow($0, facets: facets, notApplicable: ["na"]) }
        #expect(rows[0] == [.values([.index(1)]), .values([.index(1)])])
        // A site whose "does not apply" grade has another key: `na` is an ordinary grade there.
        let other = SearchShards.facetRow(sampleIndex().docs[0], facets: facets, notApplicable: ["none"])
        #expect(other == [.values([.index(1)]), .values([.index(0), .index(1)])])
        #expect(rows[1] == [.any, .values([.index(1), .key("other")])])
        #expect(rows[2] == nil)
        #expect(rows[4] == [.any, .any])
    }

    @Test func filesReassembleTheIndex() throws {
        let index = sampleIndex()
        let files = try SearchShards.files(index)
        var byName: [String: (kind: String, n: Int, data: Any)] = [:]
        var entry: [String: Any] = [:]
        for f in files {
            #expect(f.path.hasPrefix("search/"))
            if f.path == "search/index.json" {
                entry = try #require(try JSONSerialization.jsonObject(with: f.data) as? [String: Any])
                continue
            }
            byName[String(f.path.dropFirst("search/".count))] = try parseShard(f.data)
        }
        let manifest = try #require(byName["manifest.js"]?.data as? [String: Any])
        let counts = try #require(manifest["shards"] as? [String: Int])
        #expect(manifest["docs"] as? Int == index.docs.count)
        #expect(manifest["hash"] as? String == "fnv1a32")
        let build = try #require(manifest["build"] as? String)
        #expect(!build.isEmpty && entry["build"] as? String == build)
        #expect(entry["encoding"] as? String == "deflate-raw+base64")
        #expect(entry["shards"] as? [String: Int] == manifest["shards"] as? [String: Int])
        #expect(entry["docs"] as? Int == index.docs.count)
        // Another index is another build.
        var other = index
        other.docs[0].text += "。"
        let otherManifest = try #require(try SearchShards.files(other).first { $0.path == "search/manifest.js" })
        #expect((try parseShard(otherManifest.data).data as? [String: Any])?["build"] as? String != build)
        #expect(manifest["status"] as? [String: String] == ["1": "retired", "3": "renamed"])
        #expect((manifest["glossary"] as? [[Any]])?.map { $0[0] as? Int } == [2])
        #expect(files.count == counts.values.reduce(0, +) + 3)

        var postings: [String: [Int]] = [:]
        for n in 0..<counts["p"]! {
            let shard = try #require(byName["p-\(n).js"]?.data as? [String: [Int]])
            for (token, packed) in shard {
                #expect(Indexer.shard(of: token, count: counts["p"]!) == n)
                postings[token] = unpack(packed)
            }
        }
        #expect(postings == index.postings.mapValues { $0.map(Int.init) })

        var listed: [String: Set<Int>] = [:]
        for n in 0..<counts["t"]! {
            let list = try #require(byName["t-\(n).js"]?.data as? [String])
            #expect(list == list.sorted(by: SearchShards.jsLess))
            for token in list { listed[token, default: []].insert(n) }
        }
        for token in index.postings.keys {
            #expect(listed[token] == Set(SearchShards.tokenListKeys(token).map { Indexer.shard(of: $0, count: counts["t"]!) }), "\(token)")
        }

        let perShard = try #require(manifest["docsPerShard"] as? Int)
        var ids: [String] = []
        for n in 0..<counts["d"]! {
            let docs = try #require(byName["d-\(n).js"]?.data as? [[String: Any]])
            #expect(docs.count <= perShard)
            ids += docs.compactMap { $0["id"] as? String }
        }
        #expect(ids == index.docs.map(\.id))

        let rows = try #require(byName["filters.js"]?.data as? [Any])
        #expect(rows.count == index.docs.count)
        #expect(rows[2] is NSNull)
    }

    @Test func shardCountsGrowWithTheSite() throws {
        var index = sampleIndex()
        for i in 0..<3000 { index.postings["tok\(i)"] = Array(repeating: [Int32(i % 5), 3, 1], count: 40).flatMap { $0 } }
        let files = try SearchShards.files(index)
        let p = files.filter { $0.path.hasPrefix("search/p-") }
        #expect(p.count > 1)
        #expect(p.allSatisfy { $0.data.count < 2 * SearchShards.postingsShardBytes })
    }

    @Test func deflateRoundTrips() throws {
        let text = Data(String(repeating: "委託先の選定基準を定める。", count: 200).utf8)
        let packed = try Deflate.compress(text)
        #expect(packed.count < text.count / 10)
        #expect(try Deflate.decompress(packed) == text)
        #expect(try Deflate.decompress(try Deflate.compress(Data())) == Data())
        #expect(throws: Deflate.Failure.self) { try Deflate.decompress(Data([0xFF, 0xFF, 0xFF])) }
    }
}
