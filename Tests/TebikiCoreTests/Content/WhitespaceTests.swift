import Foundation
import Testing
@testable import TebikiCore

@Suite("Whitespace")
struct WhitespaceTests {
    /// The scalar-based trim must trim exactly what Foundation's `.whitespacesAndNewlines` trims.
    @Test func agreesWithFoundation() {
        var cases = ["", " ", "\u{3000}委託先\u{3000}", "\n\t 本文 \r\n", "\u{85}a\u{2028}", "a b", "\u{200B}x\u{200B}", "\u{FEFF} y"]
        for v in UInt32(0)...0xFFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            cases.append("\(Character(s))規定\(Character(s))")
        }
        for text in cases {
            #expect(text.trimmingWhitespace == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
    }
}
