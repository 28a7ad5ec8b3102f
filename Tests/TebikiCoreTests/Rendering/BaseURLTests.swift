import Foundation
import Testing
@testable import TebikiCore

/// `baseURL:` makes the sitemap, absolute feed links and a site-unique feed ID; without it,
/// everything stays relative.
@Suite struct BaseURLTests {
    let history = "history:\n  - edition: doc-b\n    change: changed\n    note: 変更\n    before: 前\n    after: 後"

    func build(_ extraConfig: String) throws -> [String: String] {
        let source = try Fixtures.inline(["content/requirements/a.md": Fixtures.requirement(id: "a", extra: history)],
                                         config: Fixtures.siteYML + extraConfig)
        let files = try Builder.build(source).files
        return Dictionary(uniqueKeysWithValues: files.map { ($0.path, String(decoding: $0.data, as: UTF8.self)) })
    }

    @Test func withBaseURL() throws {
        let files = try build("\nbaseURL: https://intra.example.jp/tebiki\n")
        let sitemap = try #require(files["sitemap.xml"])
        #expect(sitemap.contains("<loc>https://intra.example.jp/tebiki/rules/a.html</loc>"))
        #expect(sitemap.contains("<loc>https://intra.example.jp/tebiki/index.html</loc>"))
        #expect(!sitemap.contains("404.html"))
        let feed = try #require(files["changes/feed.xml"])
        #expect(feed.contains("<id>https://intra.example.jp/tebiki/changes/feed.xml</id>"))
        #expect(feed.contains("<link rel=\"self\" href=\"https://intra.example.jp/tebiki/changes/feed.xml\"/>"))
        #expect(feed.contains("<link rel=\"alternate\" href=\"https://intra.example.jp/tebiki/rules/a.html\"/>"))
        #expect(feed.contains("<id>https://intra.example.jp/tebiki/a/doc-b/0</id>"))
        #expect(try #require(files["404.html"]).contains("<a href=\"https://intra.example.jp/tebiki/index.html\">ホーム</a>"))
        // Ordinary pages stay relative (file:// copies keep working).
        #expect(try #require(files["rules/a.html"]).contains("href=\"../assets/css/site.css\""))
    }

    @Test func withoutBaseURLEverythingIsRelative() throws {
        let files = try build("")
        #expect(files["sitemap.xml"] == nil)
        let feed = try #require(files["changes/feed.xml"])
        #expect(!feed.contains("rel=\"self\"") && !feed.contains("http://example") && feed.contains("href=\"../rules/a.html\""))
        #expect(try #require(files["404.html"]).contains("<a href=\"index.html\">ホーム</a>"))
    }

    @Test(arguments: ["ftp://x.jp/", "intra/site", "javascript:alert(1)"]) func badBaseURL(_ url: String) throws {
        let d = Builder.check(try Fixtures.inline([:], config: Fixtures.siteYML + "\nbaseURL: \"\(url)\"\n"))
        #expect(d.items.contains { $0.code == "invalid-url" && $0.path == "site.yml" })
    }
}
