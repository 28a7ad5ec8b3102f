import Foundation
import Testing
@testable import TebikiCore

/// content/registries/variants.yml: read, checked with positions, and passed to the index and
/// the manifest as written; source aliases reach the identifier field.
@Suite struct SearchVariantsTests {
    static let variants = """
    groups:
      - [廃棄, 破棄]
    rewrites:
      - { from: [下請け, 孫請け], to: [再委託] }
    spellings:
      - [脆弱性, ぜい弱性]
    stopwords: [教えて]
    weak: [仕事]
    """

    func json(_ data: Data?) throws -> [String: Any] {
        let bytes = try #require(data)
        return try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
    }

    /// The JSON text a shard script carries (raw DEFLATE in base64).
    func shardJSON(_ data: Data?) throws -> Data {
        let text = String(decoding: try #require(data), as: UTF8.self)
        let parts = text.split(separator: "\"")
        let packed = try #require(Data(base64Encoded: String(parts[parts.count - 2])))
        return try Deflate.decompress(packed)
    }

    func build(_ files: [String: String]) throws -> [String: Data] {
        let result = try Builder.build(try Fixtures.inline(files))
        return Dictionary(result.files.map { ($0.path, $0.data) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func variantsReachTheIndexAndTheManifest() throws {
        let files = try build(["content/requirements/a.md": Fixtures.requirement(id: "a"),
                               "content/registries/variants.yml": Self.variants])
        let manifestJSON = try shardJSON(files["search/manifest.js"])
        let index = try json(manifestJSON)
        let v = try #require(index["variants"] as? [String: Any])
        #expect(v["groups"] as? [[String]] == [["廃棄", "破棄"]])
        #expect((v["rewrites"] as? [[String: [String]]])?.first?["to"] == ["再委託"])
        #expect(v["spellings"] as? [[String]] == [["脆弱性", "ぜい弱性"]])
        #expect(v["stopwords"] as? [String] == ["教えて"])
        #expect(v["weak"] as? [String] == ["仕事"])
        let manifest = String(decoding: manifestJSON, as: UTF8.self)
        #expect(manifest.contains("\"variants\":{\"groups\":[[\"廃棄\",\"破棄\"]]"))
        #expect(manifest.contains("\"kinds\":[[\"requirement\",1]]"))
    }

    @Test func noRegistryIsAnEmptyLexicon() throws {
        let files = try build(["content/requirements/a.md": Fixtures.requirement(id: "a")])
        let index = try json(try shardJSON(files["search/manifest.js"]))
        let v = try #require(index["variants"] as? [String: Any])
        #expect((v["groups"] as? [Any])?.isEmpty == true)
    }

    @Test func mistakesAreReportedWithTheirLine() throws {
        let text = """
        groups:
          - [廃棄]
          - [「」, 破棄]
        rewrites:
          - { from: [下請け] }
        colours: [red]
        """
        let d = Builder.check(try Fixtures.inline(["content/requirements/a.md": Fixtures.requirement(id: "a"),
                                                   "content/registries/variants.yml": text])).sorted
        let mine = d.filter { $0.path == "content/registries/variants.yml" }
        #expect(mine.contains { $0.code == "invalid-variant" && $0.line == 2 && $0.message.contains("2つ以上") })
        #expect(mine.contains { $0.code == "invalid-variant" && $0.line == 3 && $0.message.contains("「」") })
        #expect(mine.contains { $0.code == "missing-field" && $0.line == 5 && $0.message.contains("to") })
        #expect(mine.contains { $0.code == "unknown-key" && $0.line == 6 })
    }

    @Test func sourceAliasesAreIndexedWithTheCitingPage() throws {
        let sources = Fixtures.sources.replacingOccurrences(of: "  edition: 初版\n", with: "  edition: 初版\n  aliases: [統一基準]\n")
        let files = try build(["content/requirements/a.md": Fixtures.requirement(id: "a"),
                               "content/registries/sources.yml": sources])
        let manifest = try json(try shardJSON(files["search/manifest.js"]))
        let count = try #require((manifest["shards"] as? [String: Int])?["p"])
        let shard = try json(try shardJSON(files["search/p-\(Indexer.shard(of: "統一", count: count)).js"]))
        let postings = try #require(shard as? [String: [Int]])
        // doc-a is cited by a; its alias is in field 1 (the identifier field), not in the body:
        // one posting, document 0, field 1, tf 1, packed as (0 × 4 + 1) × 4 + 1.
        #expect(postings["統一"] == [5])
    }
}
