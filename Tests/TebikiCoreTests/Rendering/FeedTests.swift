import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TebikiCore

@Suite struct FeedTests {
    /// Issue 13 §4: a control character in a title or a history note made changes/feed.xml
    /// ill-formed (XML 1.0 allows only tab, LF and CR below U+0020, and not U+FFFE/U+FFFF).
    @Test func controlCharactersAreFilteredOut() throws {
        let page = """
        ---
        id: a
        title: "規定\\vA\\x01B"
        summary: 要約
        sources:
          - doc: doc-a
            section: "1.1"
        history:
          - edition: doc-b
            change: added
            note: "注記\\x1B[31m\\uFFFE\\uFFFF\\x7Fタブ"
        ---
        本文
        """
        let result = try Builder.build(try Fixtures.inline(["content/requirements/a.md": page]))
        let feed = try #require(result.files.first { $0.path == "changes/feed.xml" }).data
        let parser = XMLParser(data: feed)
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        let text = String(decoding: feed, as: UTF8.self)
        #expect(text.contains("規定AB"))
        #expect(text.contains("注記[31m\u{7F}タブ"))
    }

    @Test func xmlCharacters() {
        #expect(Feed.xml("a\u{0}b\u{8}c\u{B}d\u{C}e\u{1F}f\u{FFFE}\u{FFFF}g😀") == "abcdefg😀")
    }
}
