import Foundation
import Testing
@testable import TebikiCore

@Suite struct DiagnosticTests {
    /// Issue 13 §4: IDs and file names were printed raw, so ESC sequences changed the terminal's
    /// title or colours and a newline in a file name forged a diagnostic line.
    @Test func controlCharactersInPathsAndMessagesAreEscaped() {
        let d = Diagnostic.error("invalid-id", "ID「a\u{1B}]0;owned\u{7}b」は使えません。",
                                 at: SourceLocation(path: "content/requirements/x\rcontent/y.md:1:1: error: forged\n.md", line: 2, column: 3))
        let line = d.description
        #expect(line == "content/requirements/x\\x0Dcontent/y.md:1:1: error: forged\\x0A.md:2:3: error: ID「a\\x1B]0;owned\\x07b」は使えません。 [invalid-id]")
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
    }

    @Test func bidiOverridesAndC1ControlsAreEscapedOthersKept() {
        #expect(Diagnostic.escapedForTerminal("a\u{202E}b\u{85}c\u{2028}d") == "a\\u{202E}b\\u{0085}c\\u{2028}d")
        #expect(Diagnostic.escapedForTerminal("日本語 \\ ｆ а 😀") == "日本語 \\ ｆ а 😀")
    }
}
