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

    /// A feed with no change yet is dated by the newest source document, not 1970.
    @Test func emptyFeedIsDatedByTheNewestSource() throws {
        let page = "---\nid: a\ntitle: 規定\nsummary: 要約\nsources:\n  - doc: doc-a\n    section: \"1.1\"\n---\n本文\n"
        let result = try Builder.build(try Fixtures.inline(["content/requirements/a.md": page]))
        let feed = String(decoding: try #require(result.files.first { $0.path == "changes/feed.xml" }).data, as: UTF8.self)
        #expect(!feed.contains("<entry>"))
        #expect(feed.contains("<updated>2022-01-01T00:00:00Z</updated>"))
    }

    @Test func xmlCharacters() {
        #expect(Feed.xml("a\u{0}b\u{8}c\u{B}d\u{C}e\u{1F}f\u{FFFE}\u{FFFF}g😀") == "abcdefg😀")
    }
}
