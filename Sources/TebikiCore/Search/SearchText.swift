import Foundation

/// Normalisation and tokenisation of search text, identical to `theme/assets/js/search-core.js`.
/// The contract is docs/search.md; shared cases are in Tests/Fixtures/search/tokenizer-cases.json.
public enum SearchText {
    /// NFKC, lower case, katakana → hiragana, small kana → large, ー after kana dropped.
    public static func normalize(_ s: String) -> String {
        // NFKC. swift-foundation on Linux leaves compatibility decompositions uncomposed
        // (ｶﾞ → カ + U+3099 instead of ガ), so compose canonically afterwards; NFC after a
        // correct NFKC changes nothing.
        let nfkc = isNFKCStable(s) ? s : s.precomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        var prevKana = false
        for scalar in nfkc.unicodeScalars {
            var v = scalar.value
            if v < 0x80 {
                if v >= 0x41 && v <= 0x5A { v += 0x20 }
                out.append(Unicode.Scalar(UInt8(v)))
                prevKana = false
                continue
            }
            if v == 0x30FC {  // ー
                if prevKana { continue }
                out.append(scalar)
                prevKana = false
                continue
            }
            v = lowercased(scalar)
            if v >= 0x30A1 && v <= 0x30F6 { v -= 0x60 }
            v = smallToLarge(v)
            prevKana = isKana(v)
            out.append(Unicode.Scalar(v) ?? scalar)
        }
        return String(out)
    }

    /// Tokens of `s` (normalised first), in order, duplicates kept.
    public static func tokens(_ s: String) -> [String] {
        tokens(normalized: normalize(s))
    }

    /// Tokens of text that is already normalised.
    public static func tokens(normalized n: String) -> [String] {
        var result: [String] = []
        var run: [Unicode.Scalar] = []
        var word = String.UnicodeScalarView()

        func flushRun() {
            if run.count == 1 {
                result.append(String(Character(run[0])))
            } else {
                for k in 0..<(run.count - 1) {
                    var t = String.UnicodeScalarView()
                    t.append(run[k])
                    t.append(run[k + 1])
                    result.append(String(t))
                }
            }
            run.removeAll(keepingCapacity: true)
        }
        func flushWord() {
            result.append(String(word))
            word = String.UnicodeScalarView()
        }

        for scalar in n.unicodeScalars {
            let v = scalar.value
            if isWord(v) {
                if !run.isEmpty { flushRun() }
                word.append(scalar)
                continue
            }
            if !word.isEmpty { flushWord() }
            if isCJK(v) {
                run.append(scalar)
            } else if !run.isEmpty {
                flushRun()
            }
        }
        if !word.isEmpty { flushWord() }
        if !run.isEmpty { flushRun() }
        return result
    }

    /// True when NFKC leaves `s` as it is because every scalar is one NFKC maps to itself and
    /// none combines with its neighbour: printable ASCII and line breaks, CJK ideographs,
    /// hiragana and katakana letters (not the voicing marks), ー, and the common Japanese
    /// punctuation. Most of a Japanese page is nothing else, and Foundation's normalisation is
    /// the costliest step of indexing it.
    static func isNFKCStable(_ s: String) -> Bool {
        for v in s.utf8 where v >= 0x80 { return s.unicodeScalars.allSatisfy { isStableScalar($0.value) } }
        return s.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    @inline(__always)
    static func isStableScalar(_ v: UInt32) -> Bool {
        if v < 0x80 { return (v >= 0x20 && v < 0x7F) || v == 0x0A || v == 0x0D || v == 0x09 }
        return (v >= 0x4E00 && v <= 0x9FFF)            // CJK unified ideographs
            || (v >= 0x3041 && v <= 0x3096)            // hiragana letters
            || (v >= 0x30A1 && v <= 0x30FA)            // katakana letters
            || v == 0x30FC || v == 0x30FB              // ー ・
            || (v >= 0x3001 && v <= 0x3003)            // 、。〃
            || (v >= 0x3005 && v <= 0x3007)            // 々〆〇
            || (v >= 0x3008 && v <= 0x3011)            // 〈〉《》「」『』【】
            || (v >= 0x3014 && v <= 0x301B)            // 〔〕〖〗〘〙〚〛
    }

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
