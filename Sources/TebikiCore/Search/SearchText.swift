import Foundation

/// Normalisation and tokenisation of search text, identical to `theme/assets/js/search-core.js`.
/// The contract is docs/search.md; shared cases are in Tests/Fixtures/search/tokenizer-cases.json.
public enum SearchText {
    /// NFKC, lower case, katakana → hiragana, small kana → large, ー after kana dropped.
    public static func normalize(_ s: String) -> String {
        // Most text needs no general NFKC (see `nfkcStable`): then NFKC is done per scalar in
        // the same pass, written as UTF-8 bytes (appending to a String scalar by scalar is slow).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        if fold(s.unicodeScalars, nfkc: true, into: &bytes) { return String(decoding: bytes, as: UTF8.self) }
        // NFKC. swift-foundation on Linux leaves compatibility decompositions uncomposed
        // (ｶﾞ → カ + U+3099 instead of ガ), so compose canonically afterwards; NFC after a
        // correct NFKC changes nothing.
        let nfkc = s.precomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
        bytes.removeAll(keepingCapacity: true)
        _ = fold(nfkc.unicodeScalars, nfkc: false, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lower case, katakana → hiragana, small kana → large, ー after kana dropped, appended to
    /// `out` as UTF-8. With `nfkc`, also NFKC scalar by scalar; false (stopping early) when a
    /// scalar needs the general algorithm.
    private static func fold(_ scalars: String.UnicodeScalarView, nfkc: Bool, into out: inout [UInt8]) -> Bool {
        var prevKana = false
        for scalar in scalars {
            var v = scalar.value
            if nfkc {
                guard let mapped = simpleNFKC(v) else { return false }
                v = mapped
            }
            if v < 0x80 {
                if v >= 0x41 && v <= 0x5A { v += 0x20 }
                out.append(UInt8(v))
                prevKana = false
                continue
            }
            if v == 0x30FC {  // ー
                if prevKana { continue }   // dropped; a following ー is dropped too
                appendUTF8(v, to: &out)
                continue
            }
            v = lowercased(Unicode.Scalar(v) ?? scalar)
            if v >= 0x30A1 && v <= 0x30F6 { v -= 0x60 }
            v = smallToLarge(v)
            prevKana = isKana(v)
            appendUTF8(v, to: &out)
        }
        return true
    }

    @inline(__always)
    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case ..<0x80: out.append(UInt8(v))
        case ..<0x800:
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        case ..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// Tokens of `s` (normalised first), in order, duplicates kept.
    public static func tokens(_ s: String) -> [String] {
        tokens(normalized: normalize(s))
    }

    /// Tokens of text that is already normalised.
    public static func tokens(normalized n: String) -> [String] {
        var result: [String] = []
        scan(normalized: n) { result.append($0.string) }
        return result
    }

    /// A token without a String: a CJK character or bigram packed into one integer, or a word
    /// (ASCII letters and digits). Hashing a non-ASCII String normalises it first, so the
    /// indexer counts and merges these instead and makes Strings once per distinct token.
    struct TokenKey: Hashable {
        /// (first scalar << 21 | second scalar) for a bigram, the scalar for a single character;
        /// 0 for a word.
        var code: UInt64
        var word: String

        // The word only matters when there is no code (most tokens are CJK).
        static func == (a: TokenKey, b: TokenKey) -> Bool { a.code == b.code && (a.code != 0 || a.word == b.word) }
        func hash(into h: inout Hasher) {
            h.combine(code)
            if code == 0 { h.combine(word) }
        }

        var string: String {
            guard code != 0 else { return word }
            var t = String.UnicodeScalarView()
            if code >> 21 != 0 { t.append(Unicode.Scalar(UInt32(code >> 21))!) }
            t.append(Unicode.Scalar(UInt32(code & 0x1F_FFFF))!)
            return String(t)
        }
    }

    /// Calls `emit` with every token of normalised text, in order (the one tokeniser behind
    /// `tokens` and the indexer).
    static func scan(normalized n: String, _ emit: (TokenKey) -> Void) {
        var previous: UInt32 = 0     // last CJK scalar of the current run
        var runLength = 0
        var word = String.UnicodeScalarView()

        func endRun() {
            if runLength == 1 { emit(TokenKey(code: UInt64(previous), word: "")) }
            runLength = 0
        }
        for scalar in n.unicodeScalars {
            let v = scalar.value
            if isWord(v) {
                if runLength > 0 { endRun() }
                word.append(scalar)
                continue
            }
            if !word.isEmpty { emit(TokenKey(code: 0, word: String(word))); word = String.UnicodeScalarView() }
            if isCJK(v) {
                if runLength > 0 { emit(TokenKey(code: UInt64(previous) << 21 | UInt64(v), word: "")) }
                previous = v
                runLength += 1
            } else if runLength > 0 {
                endRun()
            }
        }
        if !word.isEmpty { emit(TokenKey(code: 0, word: String(word))) }
        if runLength > 0 { endRun() }
    }

    /// NFKC of `s` without Foundation (what `normalize` does in its first pass) when every scalar is one NFKC maps to itself and that never
    /// combines with a neighbour (ASCII, CJK ideographs, kana letters, common punctuation and
    /// symbols), or a full-width ASCII form or the ideographic space (mapped as NFKC does);
    /// nil otherwise. Most Japanese prose is nothing else, and Foundation's normalisation was
    /// the costliest step of indexing it.
    static func fastNFKC(_ s: String) -> String? {
        var out: [UInt8] = []
        for scalar in s.unicodeScalars {
            guard let v = simpleNFKC(scalar.value) else { return nil }
            appendUTF8(v, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// NFKC of one scalar when it needs no neighbour: itself when stable, full-width ASCII and
    /// the ideographic space mapped as NFKC maps them; nil for anything else.
    @inline(__always)
    static func simpleNFKC(_ v: UInt32) -> UInt32? {
        if isStableScalar(v) { return v }
        if v >= 0xFF01 && v <= 0xFF5E { return v - 0xFEE0 }   // full-width ASCII
        if v == 0x3000 { return 0x20 }                        // ideographic space
        return nil
    }

    /// Whether NFKC maps the scalar to itself and it never combines with its neighbours
    /// (canonical combining class 0, no composition with a preceding starter). Checked against
    /// Foundation for every scalar in SearchTextTests.
    @inline(__always)
    static func isStableScalar(_ v: UInt32) -> Bool {
        if v < 0x80 { return v >= 0x20 || v == 0x0A || v == 0x0D || v == 0x09 }
        if v >= 0x4E00 && v <= 0x9FFF { return true }     // CJK unified ideographs
        if v >= 0x3400 && v <= 0x4DBF { return true }     // extension A
        var lo = 0, hi = stableRanges.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = stableRanges[mid]
            if v < r.0 { hi = mid - 1 } else if v > r.1 { lo = mid + 1 } else { return true }
        }
        return false
    }

    /// Scalars of Latin-1, general punctuation to miscellaneous symbols, and CJK symbols and
    /// kana that NFKC leaves alone (generated from Unicode data; sorted, disjoint).
    static let stableRanges: [(UInt32, UInt32)] = [
        (0x00A1, 0x00A7), (0x00A9, 0x00A9), (0x00AB, 0x00AC), (0x00AE, 0x00AE), (0x00B0, 0x00B1), (0x00B6, 0x00B7),
        (0x00BB, 0x00BB), (0x00BF, 0x00FF), (0x2010, 0x2010), (0x2012, 0x2016), (0x2018, 0x2023), (0x2027, 0x2027),
        (0x2030, 0x2032), (0x2035, 0x2035), (0x2038, 0x203B), (0x203D, 0x203D), (0x203F, 0x2046), (0x204A, 0x2056),
        (0x2058, 0x205E), (0x20A0, 0x20A7), (0x20A9, 0x20C0), (0x20DD, 0x20E0), (0x20E2, 0x20E4), (0x2104, 0x2104),
        (0x2108, 0x2108), (0x2114, 0x2114), (0x2117, 0x2118), (0x211E, 0x211F), (0x2123, 0x2123), (0x2125, 0x2125),
        (0x2127, 0x2127), (0x2129, 0x2129), (0x212E, 0x212E), (0x2132, 0x2132), (0x213A, 0x213A), (0x2141, 0x2144),
        (0x214A, 0x214F), (0x2180, 0x2188), (0x218A, 0x218B), (0x2190, 0x222B), (0x222E, 0x222E), (0x2231, 0x2328),
        (0x232B, 0x2426), (0x2440, 0x244A), (0x24EB, 0x2A0B), (0x2A0D, 0x2A73), (0x2A77, 0x2ADB), (0x2ADD, 0x2B73),
        (0x2B76, 0x2B95), (0x2B97, 0x2BFF), (0x3001, 0x3029), (0x3030, 0x3035), (0x3037, 0x3037), (0x303B, 0x303F),
        (0x3041, 0x3096), (0x309D, 0x309E), (0x30A0, 0x30FE)
    ]

    // MARK: - Character classes

    @inline(__always)
    static func isWord(_ v: UInt32) -> Bool {
        (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39)
    }

    /// Han, hiragana, katakana (without ゠ and ・), 々 〆 ヶ.
    @inline(__always)
    static func isCJK(_ v: UInt32) -> Bool {
        (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3041 && v <= 0x309F)
            || (v >= 0x30A1 && v <= 0x30FF && v != 0x30FB) || (v >= 0x3400 && v <= 0x4DBF)
            || (v >= 0xF900 && v <= 0xFAFF) || v == 0x3005 || v == 0x3006
    }

    /// Kana for the long-vowel rule: the hiragana block and the katakana letters.
    @inline(__always)
    static func isKana(_ v: UInt32) -> Bool {
        (v >= 0x3041 && v <= 0x309F) || (v >= 0x30A1 && v <= 0x30FA) || (v >= 0x30FD && v <= 0x30FF)
    }

    @inline(__always)
    static func smallToLarge(_ v: UInt32) -> UInt32 {
        switch v {
        case 0x3041, 0x3043, 0x3045, 0x3047, 0x3049: return v + 1  // ぁぃぅぇぉ
        case 0x3063: return 0x3064  // っ
        case 0x3083, 0x3085, 0x3087: return v + 1  // ゃゅょ
        case 0x308E: return 0x308F  // ゎ
        case 0x3095: return 0x304B  // ゕ
        case 0x3096: return 0x3051  // ゖ
        default: return v
        }
    }

    /// One-to-one lower-case mapping (multi-scalar mappings such as İ are left alone),
    /// matching the JavaScript side.
    @inline(__always)
    static func lowercased(_ scalar: Unicode.Scalar) -> UInt32 {
        let v = scalar.value
        if (v >= 0x3000 && v <= 0x9FFF) || (v >= 0xAC00 && v <= 0xD7AF) || (v >= 0xF900 && v <= 0xFAFF) {
            return v
        }
        let props = scalar.properties
        guard props.changesWhenLowercased else { return v }
        let mapped = props.lowercaseMapping.unicodeScalars
        guard mapped.count == 1, let first = mapped.first else { return v }
        return first.value
    }
}
