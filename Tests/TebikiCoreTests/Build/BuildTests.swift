import Foundation
import Testing
@testable import TebikiCore

@Suite struct BuildTests {
    func build(_ name: String = "minimal") throws -> Builder.Result {
        try Builder.build(try SiteSource.read(from: Fixtures.site(name)))
    }

    func file(_ r: Builder.Result, _ path: String) throws -> String {
        String(decoding: try #require(r.files.first { $0.path == path }).data, as: UTF8.self)
    }

    @Test func buildsEveryPageKind() throws {
        let r = try build()
        let paths = Set(r.files.map(\.path))
        for p in ["index.html", "rules/subcontracting.html", "rules/index.html", "facets/index.html", "facets/phase-contract.html",
                  "facets/form-build.html", "glossary/term-subcontract.html", "checklists/checklist-basic.html", "checklists/checklist-basic.csv",
                  "scenarios/scenario-cloud.html", "sources.html", "search.html", "lookup.html", "data/catalog.json",
                  "search/index.json", "search/manifest.js", "assets/css/site.css", "changes/doc-new.html", "changes/feed.xml"] {
            #expect(paths.contains(p), "missing \(p)")
        }
        // The complete index is written once, as JSON; the pages load the shard scripts.
        #expect(!paths.contains("search/index.js"))
    }

    @Test func requirementPageShowsSourcesGradesAndResolvedLinks() throws {
        let html = try file(try build(), "rules/subcontracting.html")
        #expect(html.contains("9.3.5"))
        #expect(html.contains("新ガイドライン"))
        #expect(html.contains("○</span> 必須"))
        #expect(html.contains("×</span> 該当なし"))
        #expect(html.contains("href=\"../rules/contract-items.html#"))
        #expect(html.contains("href=\"../assets/css/site.css\""))
        #expect(html.contains("<ins>業務</ins>") && html.contains("<del>外部</del>"))
    }

    @Test func sourceNoteIsShownOnTheSourcesPage() throws {
        let sources = Fixtures.sources + "\n  note: 改定案の<新旧対照表>。日付は空欄。\n"
        let history = "history:\n  - edition: doc-b\n    change: changed\n    note: 変更\n    before: 前\n    after: 後"
        let source = try Fixtures.inline(["content/requirements/a.md": Fixtures.requirement(id: "a", extra: history),
                                          "content/registries/sources.yml": sources])
        let r = try Builder.build(source)
        #expect(!r.diagnostics.items.contains { $0.severity == .error }, "\(r.diagnostics.items.map(\.description))")
        let html = try file(r, "sources.html")
        #expect(html.contains("<p class=\"source-note\">改定案の&lt;新旧対照表&gt;。日付は空欄。</p>"))
        #expect(html.components(separatedBy: "source-note").count == 2)   // only the document that has a note
        // The edition's 新旧対照 page says the same, so a draft is not read as the adopted text.
        #expect(try file(r, "changes/doc-b.html").contains("<p class=\"source-note\">改定案の&lt;新旧対照表&gt;。日付は空欄。</p>"))
    }

    @Test func hostileContentIsEscaped() throws {
        let source = try Fixtures.inline(["content/requirements/a.md": Fixtures.requirement(id: "a").replacingOccurrences(of: "title: 規定a", with: "title: \"<script>alert('x')</script>\"")])
        let r = try Builder.build(source)
        let html = try file(r, "rules/a.html")
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;"))
    }

    @Test func everyLinkIsRelativeAndNamesAFile() throws {
        let r = try build()
        let paths = Set(r.files.map(\.path))
        for f in r.files where f.path.hasSuffix(".html") {
            let html = String(decoding: f.data, as: UTF8.self)
            for m in html.matches(of: /(?:href|src)="([^"]*)"/) {
                let url = String(m.1)
                if url.hasPrefix("#") || url.hasPrefix("https://") || url.hasPrefix("mailto:") { continue }
                #expect(!url.hasPrefix("/") && !url.hasPrefix("//"), "\(f.path): absolute \(url)")
                let path = url.split(separator: "#").first.map(String.init)?.split(separator: "?").first.map(String.init) ?? ""
                let resolved = URL(fileURLWithPath: "/site/" + f.path).deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL.path
                let rel = String(resolved.dropFirst("/site/".count))
                #expect(paths.contains(rel), "\(f.path): \(url) → \(rel) does not exist")
            }
        }
    }

    @Test func catalogListsRequirements() throws {
        let json = try JSONSerialization.jsonObject(with: try #require(try build().files.first { $0.path == "data/catalog.json" }).data) as! [String: Any]
        let reqs = json["requirements"] as! [[String: Any]]
        #expect(reqs.map { $0["id"] as! String } == ["contract-items", "old-subcontracting", "subcontracting"])
        let first = reqs[2]
        #expect(first["url"] as? String == "rules/subcontracting.html")
        #expect((first["sources"] as! [[String: String]])[0] == ["doc": "doc-new", "section": "9.3.5"])
        #expect((first["facets"] as! [String: Any])["form"] as? [String: String] == ["build": "required", "cloud": "na"])
    }

    @Test func checklistCSVHasBOMAndCRLF() throws {
        let data = try #require(try build().files.first { $0.path == "checklists/checklist-basic.csv" }).data
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text.components(separatedBy: "\r\n").count == 4)   // header + 2 rows + trailing empty
        #expect(text.contains("\"再委託の条件を定めたか、\"\"引用\"\"と,カンマ\""))
    }

    @Test func csvCellsThatExcelWouldRunAsFormulasAreNeutralised() {
        let data = CSV.encode([["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "a = b"]])
        #expect(String(decoding: data.dropFirst(3), as: UTF8.self) == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+1,'-2,'@SUM(A1),a = b\r\n")
    }

    /// Issue 13 §4: `"\r\n"` is one Swift Character, so a cell with CRLF was written unquoted
    /// and its second line became a new row starting with a live formula.
    @Test(arguments: ["\r\n", "\n", "\r"])
    func csvQuotesEveryLineBreakAndNeutralisesEveryLine(_ newline: String) {
        let cell = "確認する" + newline + "=cmd|' /C calc'!A0" + newline + newline + "@x" + newline + "\tq"
        let text = String(decoding: CSV.encode([[cell, "b"]]).dropFirst(3), as: UTF8.self)
        let expected = "確認する" + newline + "'=cmd|' /C calc'!A0" + newline + newline + "'@x" + newline + "'\tq"
        #expect(text == "\"" + expected + "\",b\r\n")
        // Read back by an RFC 4180 reader: one row, two cells.
        var rows = 0, quoted = false
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted.toggle() }
            if scalar == "\n", !quoted { rows += 1 }
        }
        #expect(rows == 1)
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let a = try build(), b = try build()
        #expect(a.files.map(\.path) == b.files.map(\.path))
        for (x, y) in zip(a.files, b.files) { #expect(x.data == y.data, "\(x.path) differs") }
    }
}
