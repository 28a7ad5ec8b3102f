import Testing
@testable import TebikiCore

/// Links beyond `x.md`: `#anchors` (heading ids of the target or the same page), `.html`
/// pages of the site, files, and images, each reported at its place with the nearest name.
@Suite struct LinkCheckTests {
    func diagnostics(_ files: [String: String]) throws -> [Diagnostic] {
        var source = try Fixtures.inline(files)
        // A static image (binary files come in as bytes).
        source.files["static/img/map.png"] = Fixtures.png
        return Builder.check(source).sorted
    }

    func codes(_ files: [String: String]) throws -> [String] {
        try diagnostics(files).map(\.code)
    }

    let target = Fixtures.requirement(id: "b", body: "## 範囲\n\n本文\n\n## Contract items\n\n本文")

    @Test func anchorsOfHeadingsPass() throws {
        let d = try diagnostics([
            "content/requirements/a.md": Fixtures.requirement(id: "a", body: """
            ## 手順

            [同じページ](#手順) [別のページ](b.md#範囲) [英字の見出し](b.md#contract-items)
            [符号化](b.md#%E7%AF%84%E5%9B%B2) [html で](b.html#範囲) [上へ](#main)
            """),
            "content/requirements/b.md": target,
        ])
        #expect(d.isEmpty, "\(d.map(\.description))")
    }

    @Test func missingAnchorOnAnotherPageNamesTheNearestHeading() throws {
        let all = try diagnostics([
            "content/requirements/a.md": Fixtures.requirement(id: "a", body: "[別のページ](b.md#範 囲)\n\n[x](b.md#contract-item)"),
            "content/requirements/b.md": target,
        ])
        let d = all.filter { $0.code == "broken-anchor" }
        #expect(d.count == 1, "\(all.map(\.description))")  // `b.md#範 囲` is not a link (space): plain text
        #expect(d.first?.path == "content/requirements/a.md")
        #expect(d.first?.line == 12 && d.first?.column == 1)
        #expect(d.first?.message.contains("「#contract-items」の誤りではありませんか") == true)
    }

    @Test func missingAnchorOnTheSamePage() throws {
        let all = try diagnostics(["content/requirements/a.md": Fixtures.requirement(id: "a", body: "## 手順\n\n[戻る](#てじゅん)")])
        let d = try #require(all.first { $0.code == "broken-anchor" })
        #expect((d.line, d.column) == (12, 1))
        #expect(d.message.contains("#手順"))
    }

    @Test func htmlLinksToPagesOfTheSiteAreChecked() throws {
        let all = try diagnostics([
            "content/requirements/a.md": Fixtures.requirement(id: "a", body: """
            [一覧](index.html) [検索](../search.html) [場面](../lookup.html) [b](b.html) [値](../facets/phase-contract.html)

            [ない](../rules/bb.html)
            """),
            "content/requirements/b.md": target,
        ])
        let d = all.filter { $0.code == "broken-link" }
        #expect(d.count == 1, "\(all.map(\.description))")
        #expect(d.first?.line == 12 && d.first?.column == 1)
        #expect(d.first?.message.contains("「rules/b.html」の誤りではありませんか") == true)
    }

    @Test func imagesMustExistInStatic() throws {
        let all = try diagnostics(["content/requirements/a.md": Fixtures.requirement(id: "a", body: """
            ![地図](../img/map.png)

            ![地図](../img/mapp.png) ![ない](img/map.png)
            """)])
        let d = all.filter { $0.code == "missing-image" }
        #expect(d.count == 2, "\(all.map(\.description))")
        #expect(d.map(\.line) == [12, 12])
        #expect(d.first?.column == 1)
        // The nearest file as the page would write it (static/img/map.png is ../img/map.png).
        #expect(d[0].message.contains("「../img/map.png」の誤りではありませんか"))
        #expect(d[1].message.contains("rules/img/map.png"))
        #expect(all.allSatisfy { $0.severity == .error || $0.code != "missing-image" })
    }

    @Test func linksToMissingFilesAreReported() throws {
        let all = try diagnostics(["content/requirements/a.md": Fixtures.requirement(id: "a", body: "[PDF](../docs/plan.pdf) [データ](../data/catalog.json)")])
        #expect(all.filter { $0.code == "broken-link" }.count == 1, "\(all.map(\.description))")
    }

    @Test func imagesWrittenFromTheMarkdownFileToStaticAreRewritten() throws {
        let page = Fixtures.requirement(id: "a", body: "![地図](../../static/img/map.png) [地図](../../static/img/map.png#x)")
        #expect(try diagnostics(["content/requirements/a.md": page]).isEmpty)
        var source = try Fixtures.inline(["content/requirements/a.md": page])
        source.files["static/img/map.png"] = Fixtures.png
        let html = String(decoding: try #require(try Builder.build(source).files.first { $0.path == "rules/a.html" }).data, as: UTF8.self)
        #expect(html.contains("<img src=\"../img/map.png\" alt=\"地図\""))
        #expect(html.contains("href=\"../img/map.png#x\""))
        let missing = try diagnostics(["content/requirements/a.md": Fixtures.requirement(id: "a", body: "![地図](../../static/img/mapp.png)")])
        let d = try #require(missing.first { $0.code == "missing-image" })
        #expect(d.message.contains("「static/img/map.png」の誤りではありませんか"))
    }

    @Test func scanFindsImagesAndHeadingIdsAsTheRendererMakesThem() {
        let body = "# 範囲\n\n## 範囲\n\n## A b!\n\n![x](y.png) [z](w.md)"
        let scanned = Markdown.scan(body, path: "p.md", lineOffset: 0)
        #expect(scanned.links.map(\.image) == [true, false])
        #expect(scanned.anchors == Markdown.render(body).headings.map(\.anchor))
    }
}
