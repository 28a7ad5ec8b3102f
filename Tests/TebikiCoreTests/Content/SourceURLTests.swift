import Foundation
import Testing
@testable import TebikiCore

/// `url:` in sources.yml: the document's official address, http/https only.
@Suite struct SourceURLTests {
    func sources(url: String) -> String {
        Fixtures.sources + "\n  url: \"\(url)\"\n"
    }

    @Test func officialURLIsLinkedOnTheSourcesPage() throws {
        let source = try Fixtures.inline(["content/requirements/a.md": Fixtures.requirement(id: "a"),
                                          "content/registries/sources.yml": sources(url: "https://www.example.go.jp/doc?a=1&b=2")])
        let html = String(decoding: try #require(try Builder.build(source).files.first { $0.path == "sources.html" }).data, as: UTF8.self)
        #expect(html.contains("    <dt>公式の掲載先</dt><dd><a href=\"https://www.example.go.jp/doc?a=1&amp;b=2\" rel=\"noopener noreferrer\">"))
    }

    @Test(arguments: ["javascript:alert(1)", "file:///etc/passwd", "docs/a.pdf", "https://x.jp/\" onclick=\"y"])
    func otherURLsAreErrors(_ url: String) throws {
        let d = Builder.check(try Fixtures.inline(["content/requirements/a.md": Fixtures.requirement(id: "a"),
                                                   "content/registries/sources.yml": sources(url: url.replacingOccurrences(of: "\"", with: "\\\""))]))
        let e = try #require(d.items.first { $0.code == "invalid-url" })
        #expect(e.path == "content/registries/sources.yml" && e.line == 13 && e.column == 8)
    }
}
