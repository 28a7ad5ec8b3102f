import Testing
@testable import TebikiCore

@Suite struct MarkdownTests {
    @Test func rawHTMLIsOmittedByDefault() {
        let html = Markdown.render("<script>alert(1)</script>\n\n<b onclick=x>太字</b>").html
        #expect(!html.contains("<script>"))
        #expect(!html.contains("onclick"))
        #expect(html.contains("raw HTML omitted"))
    }

    @Test func dangerousURLsAreRemoved() {
        let html = Markdown.render("[押す](javascript:alert(1))").html
        #expect(!html.contains("javascript:"))
    }

    @Test func gfmExtensionsAreOn() {
        let html = Markdown.render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~古い~~ https://example.go.jp\n\n- [x] 済み").html
        #expect(html.contains("<table>"))
        #expect(html.contains("<del>古い</del>"))
        #expect(html.contains("<a href=\"https://example.go.jp\">"))
        #expect(html.contains("checked=\"\" disabled=\"\""))
    }

    @Test func headingsGetUniqueJapaneseAnchors() {
        let r = Markdown.render("## 何を求めているか\n\n## 何を求めているか\n\n### Step 1")
        #expect(r.headings.map(\.anchor) == ["何を求めているか", "何を求めているか-1", "step-1"])
        #expect(r.html.contains("<h2 id=\"何を求めているか\">"))
        #expect(r.html.contains("href=\"#何を求めているか-1\""))
    }

    @Test func linksToContentFilesAreRewritten() {
        let r = Markdown.render("[再委託](subcontracting.md#範囲) と [外部](https://example.jp/a.md)") { url in
            guard let id = LinkResolver.contentTarget(of: url) else { return .keep }
            return .replace("../rules/\(id).html" + (LinkResolver.fragment(of: url).map { "#" + $0 } ?? ""))
        }
        #expect(r.html.contains("href=\"../rules/subcontracting.html#%E7%AF%84%E5%9B%B2\"") || r.html.contains("href=\"../rules/subcontracting.html#範囲\""))
        #expect(r.html.contains("href=\"https://example.jp/a.md\""))
    }

    @Test func linksAreFoundWithFilePositions() {
        let links = Markdown.links(in: "一行目\n\n二つ目の段落に[リンク](a.md)。", path: "x.md", lineOffset: 5)
        #expect(links.count == 1)
        #expect(links[0].url == "a.md")
        #expect(links[0].location.line == 8)
    }

    @Test func plainTextForSearch() {
        let r = Markdown.render("## 見出し\n\n本文の**強調**と`コード`。")
        #expect(r.plainText.contains("見出し"))
        #expect(r.plainText.contains("本文の強調とコード。"))
    }

    @Test(arguments: [
        ("x.md", "x"), ("../glossary/term-a.md#b", "term-a"), ("https://a.jp/x.md", nil), ("#top", nil), ("x.html", nil), ("mailto:a@b.jp", nil),
    ] as [(String, String?)])
    func contentTargets(url: String, expected: String?) {
        #expect(LinkResolver.contentTarget(of: url) == expected)
    }

    @Test func rootsForOutputPaths() {
        #expect(LinkResolver.root(for: "index.html") == "")
        #expect(LinkResolver.root(for: "rules/a.html") == "../")
    }
}

/// cmark-gfm's table of extension trigger characters is global and emptied at the end of every
/// parse: documents parsed on several threads at once lost their strikethrough or autolinks
/// (seen as a page differing from a clean build in RevisionTests). Same input, same output.
@Suite struct MarkdownConcurrencyTests {
    @Test func parallelRendersAgree() {
        let text = "~~古い~~ https://example.go.jp と www.example.jp、| 表 |\n\n" + String(repeating: "~~a~~ b https://x.jp ", count: 50)
        let expected = Markdown.render(text).html
        let results = Builder.parallelMap(Array(0..<400)) { _ in Markdown.render(text).html }
        #expect(results.filter { $0 != expected }.count == 0)
    }
}
