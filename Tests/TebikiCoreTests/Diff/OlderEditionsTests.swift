import Foundation
import Testing
@testable import TebikiCore

/// `tebiki check --outdated`: requirements citing an older edition once a newer one of the
/// same document (family) is registered. The fixture registry has doc-a (2020) and doc-b
/// (2022) in family `a`.
@Suite struct OlderEditionsTests {
    func parsed(_ files: [String: String]) throws -> ParsedSite {
        let (p, d) = ContentDiff.load(try Fixtures.inline(files))
        #expect(!d.hasErrors, "\(d.sorted)")
        return try #require(p)
    }

    static let both = Fixtures.requirement(id: "both").replacingOccurrences(of: "section: \"1.1\"", with: "section: \"1.1\"\n  - doc: doc-b\n    section: \"2.3\"")

    @Test func listsOnlyPagesThatCiteNoNewerEdition() throws {
        let site = try parsed([
            "content/requirements/old.md": Fixtures.requirement(id: "old"),
            "content/requirements/both.md": Self.both,
            "content/requirements/new.md": Fixtures.requirement(id: "new").replacingOccurrences(of: "doc: doc-a", with: "doc: doc-b"),
            "content/requirements/retired.md": Fixtures.requirement(id: "retired", extra: "status: retired"),
            "content/requirements/draft.md": Fixtures.requirement(id: "draft", extra: "draft: true"),
        ])
        let findings = OlderEditions.find(site)
        #expect(findings.map(\.requirement) == ["old"])
        let f = try #require(findings.first)
        #expect(f.cited.key == "doc-a" && f.newest.key == "doc-b" && f.citation.section == "1.1")
        #expect(f.citation.location.path == "content/requirements/old.md" && f.citation.location.line == 6)
        #expect(OlderEditions.find(site, drafts: true).map(\.requirement) == ["draft", "old"])

        let report = OlderEditions.report(findings)
        #expect(report.hasPrefix("content/requirements/old.md:6:"))
        #expect(report.contains(": note: 規定「old」の出典 doc-a 1.1 は古い版（初版）です。同じ文書の新しい版 doc-b（第2版）が登録されています。 [older-edition]\n"))
        #expect(report.hasSuffix("tebiki: 古い版を出典としている規定 1 件（出典 1 か所）。\n"))
    }

    @Test func aFamilyWithOneEditionOrNoOldCitationIsQuiet() throws {
        let single = """
        - key: doc-a
          title: 文書A
          publisher: テスト省
          date: 2020-01-01
          edition: 初版
          family: a
        - key: doc-c
          title: 文書C
          publisher: テスト省
          date: 2024-01-01
          edition: 初版
          family: c
        """
        let site = try parsed(["content/registries/sources.yml": single, "content/requirements/old.md": Fixtures.requirement(id: "old")])
        #expect(OlderEditions.find(site).isEmpty)
        #expect(OlderEditions.report([]) == "tebiki: 古い版だけを出典としている規定はありません。\n")
        #expect(OlderEditions.find(try parsed(["content/requirements/both.md": Self.both])).isEmpty)
    }
}
