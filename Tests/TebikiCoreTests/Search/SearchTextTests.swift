import Foundation
import Testing

@testable import TebikiCore

/// The shared cases also checked by Tests/js/search-core.test.js (docs/search.md).
struct TokenizerCase: Decodable, CustomTestStringConvertible {
    let input: String
    let normalized: String
    let tokens: [String]
    let note: String?

    var testDescription: String { note ?? input.debugDescription }
}

private func loadTokenizerCases() throws -> [TokenizerCase] {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Search
        .deletingLastPathComponent()  // TebikiCoreTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures/search/tokenizer-cases.json")
    return try JSONDecoder().decode([TokenizerCase].self, from: Data(contentsOf: url))
}

/// Scalar-exact comparison: `String ==` treats canonically equivalent strings as equal,
/// which would hide a missing composition (カ + U+3099 versus ガ).
private func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

@Suite("SearchText")
struct SearchTextTests {
    @Test("fixture has enough cases")
    func fixtureSize() throws {
        #expect(try loadTokenizerCases().count >= 30)
    }

    @Test("normalize and tokens agree with the shared fixture", arguments: try loadTokenizerCases())
    func sharedCase(_ c: TokenizerCase) {
        #expect(scalars(SearchText.normalize(c.input)) == scalars(c.normalized), "normalize(\(c.input.debugDescription))")
        #expect(SearchText.tokens(c.input).map(scalars) == c.tokens.map(scalars), "tokens(\(c.input.debugDescription))")
    }

    /// The fast path skips Foundation's NFKC only for scalars NFKC maps to themselves and that
    /// never combine: check every one of them against Foundation, alone and next to a voicing mark.
    @Test func nfkcStableScalarsAreStable() {
        var checked = 0
        for v in UInt32(0)...0xFFFF {
            guard SearchText.isStableScalar(v), let scalar = Unicode.Scalar(v) else { continue }
            let s = String(Character(scalar))
            #expect(s.precomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping == s, "U+\(String(v, radix: 16))")
            #expect(scalar.properties.canonicalCombiningClass == .notReordered)
            checked += 1
        }
        #expect(checked > 20_000)
        for v in UInt32(0xFF01)...0xFF5E {
            let s = String(Character(Unicode.Scalar(v)!))
            #expect(SearchText.fastNFKC(s) == s.precomposedStringWithCompatibilityMapping, "U+\(String(v, radix: 16))")
        }
        #expect(SearchText.fastNFKC("か\u{3099}") == nil)
        #expect(SearchText.fastNFKC("ｶﾞ") == nil)
        #expect(SearchText.fastNFKC("委託先の「情報セキュリティ」対策（ＡＢＣ－１２３）：○×△※\u{3000}→") == "委託先の「情報セキュリティ」対策(ABC-123):○×△※ →")
        #expect(SearchText.normalize("ｶﾞイドライン") == SearchText.normalize("ガイドライン"))
    }

    @Test func fullWidthAndHalfWidthAgree() {
        #expect(SearchText.normalize("第３条") == SearchText.normalize("第3条"))
        #expect(SearchText.normalize("ＡＢＣ") == "abc")
        #expect(scalars(SearchText.normalize("ｶﾞｲﾄﾞﾗｲﾝ")) == scalars("がいどらいん"))
    }

    @Test func longVowelAndKanaFolding() {
        #expect(SearchText.normalize("サーバー") == SearchText.normalize("サーバ"))
        #expect(SearchText.normalize("キャッシュ") == SearchText.normalize("きやつしゆ"))
        #expect(SearchText.tokens("ヒラガナ") == SearchText.tokens("ひらがな"))
    }

    @Test func tokensOfNormalizedTextSkipNormalisation() {
        let n = SearchText.normalize("USBメモリ")
        #expect(SearchText.tokens(normalized: n) == ["usb", "めも", "もり"])
    }

    @Test func normalizeIsIdempotent() throws {
        for c in try loadTokenizerCases() {
            let once = SearchText.normalize(c.input)
            #expect(scalars(SearchText.normalize(once)) == scalars(once))
        }
    }
}
