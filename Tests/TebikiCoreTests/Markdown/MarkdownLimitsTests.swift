import Foundation
import Testing
@testable import TebikiCore

/// The shapes that make Debian's cmark-gfm 0.29.0.gfm.6 quadratic (docs/robustness.md,
/// "Markdown the parser cannot take"): refused with a positioned error, and the check of a
/// file grows linearly with its size.
@Suite(.serialized) struct MarkdownLimitsTests {
    /// The shapes of issue 13 and a few of our own, as functions of a repetition count.
    static let shapes: [(name: String, make: (Int) -> String)] = [
        ("processing instruction", { String(repeating: "a <?", count: $0) }),
        ("CDATA", { String(repeating: "a <![CDATA[", count: $0) }),
        ("declaration", { String(repeating: "a <!A ", count: $0) }),
        ("image with link", { String(repeating: "![[]()", count: $0) }),
        ("addresses that are not", { String(repeating: "a@b.c_", count: $0) }),
        ("long table row", { n in "a|b\n-|-\n" + String(repeating: "x|", count: n) + "\n" }),
        ("long header row", { n in String(repeating: "x|", count: n) + "\n-|-\n" }),
        ("deep block quote", { String(repeating: ">", count: $0) + " a" }),
        ("deep list", { String(repeating: "- ", count: $0) + "a" }),
        ("wide table", { n in  // (n/20)² cells from n/10 bytes of rows
            let c = max(2, n / 20)
            return String(repeating: "a|", count: c) + "\n" + String(repeating: "-|", count: c) + "\n" + String(repeating: "a\n", count: c)
        }),
        ("many tables", { n in  // 5,100 cells per 400 bytes
            String(repeating: String(repeating: "a|", count: 100) + "\n" + String(repeating: "-|", count: 100) + "\n"
                   + String(repeating: "a\n", count: 50) + "\n", count: max(1, n / 50))
        }),
    ]

    static func diagnostics(_ body: String) -> Diagnostics {
        var d = Diagnostics()
        MarkdownLimits.check(body, path: "content/requirements/x.md", lineOffset: 8, diagnostics: &d)
        return d
    }

    @Test(arguments: 0..<11) func refusedWithPosition(_ index: Int) {
        let (name, make) = Self.shapes[index]
        let d = Self.diagnostics(make(20_000))
        #expect(d.hasErrors, "\(name)")
        for item in d.items {
            #expect(item.path == "content/requirements/x.md")
            #expect(item.line >= 9)
            #expect(["markdown-too-complex", "markdown-too-deep", "table-too-large"].contains(item.code))
        }
    }

    @Test func positionOfTheMarkerPastTheLimit() {
        let body = "前文\n\n" + String(repeating: "x <?", count: MarkdownLimits.maxMarkersPerParagraph) + "日本 <!A"
        let d = Self.diagnostics(body)
        #expect(d.items.count == 1)
        let e = d.items[0]
        #expect(e.code == "markdown-too-complex")
        #expect(e.line == 8 + 3)
        #expect(e.column == 4 * MarkdownLimits.maxMarkersPerParagraph + 4)
        #expect(e.message.contains("段落を空行で分け"))
    }

    @Test func tableColumnsAndCells() {
        let wide = "a|b\n" + String(repeating: "-|", count: 101) + "\nx\n"
        let d = Self.diagnostics(wide)
        #expect(d.items.map(\.code) == ["table-too-large"])
        #expect(d.items[0].line == 8 + 2 && d.items[0].message.contains("101 列"))
        // 100 columns are fine; the cells of every table in the file add up.
        #expect(!Self.diagnostics("a|b\n" + String(repeating: "-|", count: 100) + "\nx\n").hasErrors)
        let table = "a|b|c|d\n-|-|-|-\n" + String(repeating: "1|2|3|4\n", count: 998) + "\n"  // 4,000 cells
        #expect(!Self.diagnostics(String(repeating: table, count: 12)).hasErrors)
        #expect(Self.diagnostics(String(repeating: table, count: 13)).items.map(\.code) == ["table-too-large"])
    }

    /// Normal content is not refused: escapes, paragraphs split by blank lines, ordinary tables,
    /// images, HTML comments, a thematic break after a paragraph.
    @Test(arguments: [
        String(repeating: "a \\<? b \\![x] c \\| d\n", count: 1_000),
        String(repeating: "連絡先 a@example.jp\n\n", count: 1_000),
        String(repeating: String(repeating: "![図](a.png) <!-- c --> ", count: 100) + "\n\n", count: 50),
        "| 項目 | 内容 |\n|:--|--:|\n" + String(repeating: "| a | b |\n", count: 500),
        "段落\n---\n\n- a\n- b\n\n> 引用\n> ---\n",
        String(repeating: "> ", count: 9_998) + "- 1. 深いが上限内\n" + String(repeating: "-", count: 5_000) + "\n",
    ])
    func normalContentPasses(_ body: String) {
        #expect(!Self.diagnostics(body).hasErrors)
    }

    /// The whole parse of one content file (guard, front matter, link scan) for sizes N, 2N and
    /// 4N of each shape: the time of 4N stays within a generous factor of linear growth.
    /// Before the guard, 4N of the first four shapes took seconds each (quadratic in cmark-gfm).
    @Test(arguments: 0..<11) func parseTimeGrowsLinearly(_ index: Int) {
        let (name, make) = Self.shapes[index]
        func seconds(_ n: Int) -> Double {
            let text = Fixtures.requirement(id: "x", body: make(n))
            var best = Double.infinity
            for _ in 0..<3 {  // the fastest of three: other work on the machine only adds time
                let start = Date()
                var d = Diagnostics()
                _ = ContentParser.parse(text: text, path: "content/requirements/x.md", kind: .requirement, config: nil, diagnostics: &d)
                #expect(d.hasErrors, "\(name)")
                best = min(best, Date().timeIntervalSince(start))
            }
            return best
        }
        let n = 20_000
        let t1 = max(seconds(n), 0.02), t2 = seconds(2 * n), t4 = seconds(4 * n)
        // Linear: t4 ≈ 4 t1. Quadratic would be 16 t1; allow 8, a floor of 20 ms under t1 and
        // 0.1 s more for noise when the whole suite runs in parallel on a shared machine.
        #expect(t4 < 8 * t1 + 0.1, "\(name): \(t1) s for N, \(t2) s for 2N, \(t4) s for 4N")
        #expect(t4 < 1, "\(name): \(t4) s for 4N")
    }
}

extension MarkdownLimitsTests {
    /// A file full of refused lines gets 20 errors and one line for the rest, not thousands.
    @Test func errorsPerTextAreCapped() {
        let line = String(repeating: "x|", count: MarkdownLimits.maxPipesPerLine + 1) + "\n"
        let d = Self.diagnostics(String(repeating: line, count: 500))
        #expect(d.items.count == MarkdownLimits.maxReports + 1)
        #expect(d.items.last?.message.hasPrefix("この他にも同じ種類の問題が 480 件あります") == true)
    }
}
