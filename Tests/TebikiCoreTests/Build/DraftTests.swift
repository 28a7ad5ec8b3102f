import Foundation
import Testing
@testable import TebikiCore

/// `draft: true` keeps a page out of the build unless drafts are asked for.
@Suite struct DraftTests {
    let files = [
        "content/requirements/a.md": Fixtures.requirement(id: "a"),
        "content/requirements/b.md": Fixtures.requirement(id: "b", extra: "draft: true"),
    ]

    @Test func draftIsLeftOutOfPagesSearchAndData() throws {
        let result = try Builder.build(try Fixtures.inline(files))
        let paths = Set(result.files.map(\.path))
        #expect(paths.contains("rules/a.html"))
        #expect(!paths.contains("rules/b.html"))
        let catalog = String(decoding: try #require(result.files.first { $0.path == "data/catalog.json" }).data, as: UTF8.self)
        #expect(!catalog.contains("\"b\""))
        let everything = result.files.filter { $0.path.hasSuffix(".json") || $0.path.hasSuffix(".js") && ($0.path.hasPrefix("search/") || $0.path.hasPrefix("data/")) }
        #expect(!everything.contains { String(decoding: $0.data, as: UTF8.self).contains("rules/b.html") })
    }

    @Test func withDraftsThePageIsBuiltWithABadge() throws {
        let result = try Builder.build(try Fixtures.inline(files), drafts: true)
        let html = String(decoding: try #require(result.files.first { $0.path == "rules/b.html" }).data, as: UTF8.self)
        #expect(html.contains("<p class=\"draft-badge\" role=\"note\">下書き</p>"))
        let published = String(decoding: try #require(result.files.first { $0.path == "rules/a.html" }).data, as: UTF8.self)
        #expect(!published.contains("draft-badge"))
    }

    @Test func referenceFromAPublishedPageToADraftSaysSo() throws {
        var withLink = files
        withLink["content/requirements/a.md"] = Fixtures.requirement(id: "a", extra: "related: [b]", body: "[b](b.md)")
        let d = Builder.check(try Fixtures.inline(withLink)).sorted.filter { $0.code == "link-to-draft" }
        #expect(d.count == 2)
        #expect(d.allSatisfy { $0.path == "content/requirements/a.md" && $0.message.contains("下書き") && $0.message.contains("content/requirements/b.md") })
        #expect(d.map(\.line) == [8, 10])  // `related:` and the body's link
        #expect(!Builder.check(try Fixtures.inline(withLink), drafts: true).hasErrors)
    }

    @Test func draftMustBeABoolean() throws {
        let d = Builder.check(try Fixtures.inline(["content/requirements/a.md": Fixtures.requirement(id: "a", extra: "draft: maybe")]))
        #expect(d.items.contains { $0.code == "wrong-type" && $0.message.contains("draft") })
    }

    @Test func relatedTypoSuggestsTheNearestID() throws {
        let d = Builder.check(try Fixtures.inline([
            "content/requirements/contract.md": Fixtures.requirement(id: "contract"),
            "content/requirements/a.md": Fixtures.requirement(id: "a", extra: "related: [contrakt]"),
        ]))
        let e = try #require(d.items.first { $0.code == "unknown-reference" })
        #expect(e.message.contains("「contract」の誤りではありませんか"))
    }
}
