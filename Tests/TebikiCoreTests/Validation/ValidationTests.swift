import Testing
@testable import TebikiCore

/// One test per error kind: each asserts the file, line, column and message an author sees.
@Suite struct ValidationTests {
    func diagnostics(_ files: [String: String]) throws -> [Diagnostic] {
        Builder.check(try Fixtures.inline(files)).sorted
    }

    func only(_ code: String, in files: [String: String]) throws -> Diagnostic {
        let all = try diagnostics(files)
        let matching = all.filter { $0.code == code }
        #expect(matching.count == 1, "expected one \(code), got \(all.map(\.description))")
        return try #require(matching.first)
    }

    @Test func validSiteHasNoDiagnostics() throws {
        let d = try diagnostics(["content/requirements/a.md": Fixtures.requirement(id: "a")])
        #expect(d.isEmpty, "\(d.map(\.description))")
    }

    @Test func yamlSyntaxErrorIsReportedAtItsLineInTheFile() throws {
        let d = try only("yaml-syntax", in: ["content/requirements/a.md": "---\nid: a\ntitle: \"閉じていない\nsummary: x\n---\n"])
        #expect(d.path == "content/requirements/a.md")
        #expect(d.line == 3)   // line 3 of the file, not line 2 of the YAML block
        #expect(d.severity == .error)
        #expect(d.message.hasPrefix("YAMLの書き方に誤りがあります"))
    }

    @Test func missingRequiredField() throws {
        let d = try only("missing-field", in: ["content/requirements/a.md": "---\nid: a\ntitle: 題\nsources:\n  - { doc: doc-a, section: \"1\" }\n---\n"])
        #expect((d.line, d.column) == (2, 1))
        #expect(d.message == "front matterに必須の項目「summary」がありません。")
    }

    @Test func wrongType() throws {
        let d = try only("wrong-type", in: ["content/requirements/a.md": Fixtures.requirement(id: "a", extra: "related: 文字列")])
        #expect(d.line == 8)
        #expect(d.message.contains("related"))
    }

    @Test func malformedID() throws {
        let d = try only("invalid-id", in: ["content/requirements/Bad_ID.md": Fixtures.requirement(id: "Bad_ID")])
        #expect((d.line, d.column) == (2, 5))
        #expect(d.message.contains("半角英小文字"))
    }

    @Test func duplicatedIDNamesTheOtherFile() throws {
        let d = try only("duplicate-id", in: [
            "content/requirements/a.md": Fixtures.requirement(id: "a"),
            "content/requirements/old/a.md": Fixtures.requirement(id: "a"),
        ])
        #expect(d.path == "content/requirements/old/a.md")
        #expect(d.message.contains("content/requirements/a.md"))
    }

    @Test func undeclaredFacetKey() throws {
        let d = try only("unknown-facet", in: ["content/requirements/a.md": Fixtures.requirement(id: "a", extra: "facets:\n  phse: [contract]")])
        #expect((d.line, d.column) == (9, 3))
        #expect(d.message.contains("「phase」の誤りではありませんか"))
    }

    @Test func undeclaredFacetValue() throws {
        let d = try only("unknown-facet-value", in: ["content/requirements/a.md": Fixtures.requirement(id: "a", extra: "facets:\n  phase: [契約]")])
        #expect((d.line, d.column) == (9, 11))
        #expect(d.message.contains("値「契約」は定義されていません"))
    }

    @Test func invalidGrade() throws {
        let d = try only("invalid-grade", in: ["content/requirements/a.md": Fixtures.requirement(id: "a", extra: "facets:\n  form:\n    build: must")])
        #expect((d.line, d.column) == (10, 5))
        #expect(d.message.contains("評価「must」"))
    }

    @Test func unknownSourceKey() throws {
        let text = Fixtures.requirement(id: "a").replacingOccurrences(of: "doc: doc-a", with: "doc: doc-c")
        let d = try only("unknown-source", in: ["content/requirements/a.md": text])
        #expect((d.line, d.column) == (6, 10))
        #expect(d.message.contains("出典「doc-c」"))
    }

    @Test func linkToMissingRequirementIsReportedAtTheLink() throws {
        let d = try only("broken-link", in: ["content/requirements/a.md": Fixtures.requirement(id: "a", body: "本文\n\n詳しくは[再委託](subcontracting.md)へ。")])
        #expect(d.path == "content/requirements/a.md")
        #expect(d.line == 12)
        #expect(d.message.contains("subcontracting.md"))
    }

    @Test func relatedToMissingRequirement() throws {
        let d = try only("unknown-reference", in: ["content/requirements/a.md": Fixtures.requirement(id: "a", extra: "related: [b]")])
        #expect((d.line, d.column) == (8, 11))
    }

    @Test func unknownKeyIsAWarningWithTheNearestKey() throws {
        let d = try only("unknown-key", in: ["content/requirements/a.md": Fixtures.requirement(id: "a", extra: "sumary: x")])
        #expect(d.severity == .warning)
        #expect((d.line, d.column) == (8, 1))
        #expect(d.message.contains("「summary」の誤りではありませんか"))
    }

    @Test func historyEditionMustExistAndBeInOrder() throws {
        let extra = """
        history:
          - { edition: doc-b, change: changed, note: n, before: a, after: b }
          - { edition: doc-a, change: changed, note: n, before: a, after: b }
          - { edition: doc-z, change: changed, note: n, before: a, after: b }
        """
        let d = try diagnostics(["content/requirements/a.md": Fixtures.requirement(id: "a", extra: extra)])
        #expect(d.map(\.code) == ["history-order", "unknown-edition"])
        #expect(d.map(\.line) == [10, 11])
    }

    @Test func allErrorsOfOneRunAreReported() throws {
        let d = Builder.check(try SiteSource.read(from: Fixtures.site("four-errors"))).sorted
        #expect(d.map(\.code) == ["yaml-syntax", "unknown-facet-value", "broken-link", "duplicate-id"])
        #expect(d.map { "\($0.path):\($0.line):\($0.column)" } == [
            "content/requirements/broken-yaml.md:3:8",
            "content/requirements/extra.md:9:11",
            "content/requirements/extra.md:11:13",
            "content/requirements/subcontracting.md:2:5",
        ])
    }
}
