import Foundation
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
    // MARK: Explicit applicability (issue 15)

    static let lookupYML = """
    title: テスト
    grades:
      - { key: required, symbol: ○, label: 必須 }
      - { key: na, symbol: ×, label: 該当なし, applies: false }
    facets:
      - key: phase
        label: 段階
        kind: multi
        lookup: required
        all: すべての段階
        values:
          - { key: contract, label: 契約 }
      - key: form
        label: 委託の形態
        kind: graded
        lookup: warning
        all: すべての形態
        graded_by:
          - { doc: doc-b, section: "9.3.1(*" }
        values:
          - { key: build, label: 構築 }
          - { key: staff, label: 職員, opt_in: true }
      - key: category
        label: 区分
        kind: multi
        values:
          - { key: basic, label: 基本遵守事項, sources: [{ doc: doc-b, section: "1.*" }] }
    """

    func lookupDiagnostics(_ extra: String) throws -> [Diagnostic] {
        Builder.check(try Fixtures.inline(["content/requirements/a.md": Fixtures.requirement(id: "a", extra: extra)], config: Self.lookupYML)).sorted
    }

    @Test func missingLookupFacetIsAnErrorOrAWarningAsSiteYmlSays() throws {
        let d = try lookupDiagnostics("facets:\n  category: []")
        #expect(d.map(\.code) == ["missing-facet", "missing-facet"])
        #expect(d.map(\.severity) == [.error, .warning])
        #expect(d.allSatisfy { $0.line == 8 && $0.column == 1 }, "\(d.map(\.description))")   // the facets: key
        #expect(d[0].message.contains("「phase: all」"))
        let none = try lookupDiagnostics("")
        #expect(none.map(\.code) == ["missing-facet", "missing-facet"])
        #expect(none.allSatisfy { ($0.line, $0.column) == (2, 5) })   // no facets: at the ID
    }

    @Test func allOrValuesSatisfyTheLookup() throws {
        #expect(try lookupDiagnostics("facets:\n  phase: all\n  form: [build]").isEmpty)
        #expect(try lookupDiagnostics("facets:\n  phase: [contract]\n  form: all").isEmpty)
        let mixed = try lookupDiagnostics("facets:\n  phase: [all, contract]\n  form: all")
        #expect(mixed.map(\.code) == ["all-with-values"])
    }

    @Test func aGradeNeedsASourceThatGrades() throws {
        let d = try lookupDiagnostics("facets:\n  phase: all\n  form:\n    build: required")
        #expect(d.map(\.code) == ["ungraded-source"])
        #expect((d[0].line, d[0].column) == (11, 5))
        #expect(d[0].message.contains("doc-b 9.3.1(*"))
        let graded = Fixtures.requirement(id: "a", extra: "facets:\n  phase: all\n  form:\n    build: required")
            .replacingOccurrences(of: "doc: doc-a\n    section: \"1.1\"", with: "doc: doc-b\n    section: \"9.3.1(3)\"")
        let ok = Builder.check(try Fixtures.inline(["content/requirements/a.md": graded], config: Self.lookupYML)).sorted
        #expect(ok.isEmpty, "\(ok.map(\.description))")
    }

    @Test func categoryGradedOnlyWhereTheSourceGradesIt() throws {
        let d = try lookupDiagnostics("facets:\n  phase: all\n  form: all\n  category: [basic]")
        #expect(d.map(\.code) == ["ungraded-source"])
        #expect(d[0].message.contains("基本遵守事項"))
    }

    @Test func reservedFacetKeysAreRefused() throws {
        let yml = Fixtures.siteYML.replacingOccurrences(of: "key: phase", with: "key: constructor")
            .replacingOccurrences(of: "{ key: build, label: 構築 }", with: "{ key: all, label: 全部 }")
        let d = Builder.check(try Fixtures.inline(["content/requirements/a.md": Fixtures.requirement(id: "a")], config: yml)).sorted
        #expect(d.map(\.code) == ["reserved-key", "reserved-key"])
        #expect(d.allSatisfy { $0.path == "site.yml" })
    }

    /// Messages name the kinds of content in the site's own words (the second site calls its
    /// requirements 取組): wrong-target, missing-source.
    @Test func messagesSpeakTheSitesWordsForKindsOfContent() throws {
        var source = try SiteSource.read(from: Fixtures.site("second-site"))
        source.files["content/checklists/checklist-term.md"] = Data("""
        ---
        id: checklist-term
        title: 用語の点検表
        summary: 用語を指す項目。
        items:
          - text: 避難所を知っているか。
            requirement: term-shelter
        ---
        本文。
        """.utf8)
        source.files["content/requirements/no-source.md"] = Data("""
        ---
        id: no-source
        title: 出典のない取組
        summary: 出典を書き忘れた。
        facets:
          timing: [normal]
        ---
        本文。
        """.utf8)
        let diagnostics = Builder.check(source).items
        let wrong = diagnostics.filter { $0.code == "wrong-target" }
        #expect(wrong.map(\.message) == ["チェック項目の requirement「term-shelter」は取組ではありません（用語）。"])
        #expect(wrong.map(\.path) == ["content/checklists/checklist-term.md"])
        #expect(diagnostics.filter { $0.code == "missing-source" }.map(\.message) == ["取組には出典（sources）を1つ以上書いてください。"])
        #expect(!diagnostics.contains { $0.message.contains("規定") }, "\(diagnostics.map(\.description))")
    }

    @Test func lookupMatchFollowsTheExplicitRule() throws {
        var diagnostics = Diagnostics()
        let parsed = try #require(ParsePhase.run(try Fixtures.inline([
            "content/requirements/a.md": Fixtures.requirement(id: "a", extra: "facets:\n  phase: all\n  form: all"),
            "content/requirements/b.md": Fixtures.requirement(id: "b", extra: "facets:\n  phase: [contract]\n  form: [build]"),
            "content/requirements/c.md": Fixtures.requirement(id: "c", extra: "facets:\n  phase: [contract]"),
            "content/requirements/d.md": Fixtures.requirement(id: "d", extra: "facets:\n  phase: all\n  form: [staff]"),
        ], config: Self.lookupYML), diagnostics: &diagnostics))
        let model = SiteModel(parsed)
        func listed(_ facet: String, _ values: [String]) -> [String] {
            let sel = values.isEmpty ? [] : [FacetAssignment(facet: facet, location: SourceLocation(path: "", line: 0, column: 0),
                                                             values: values.map { (value: $0, grade: nil, location: SourceLocation(path: "", line: 0, column: 0)) })]
            return model.requirements.filter { LookupMatch.applies($0, selection: sel, config: model.config) }.map(\.id).sorted()
        }
        #expect(listed("form", ["build"]) == ["a", "b"])      // c states no form: never a silent match
        #expect(listed("form", []) == ["a", "b", "c"])         // d is opt-in
        #expect(listed("form", ["staff"]) == ["a", "d"])
        #expect(listed("phase", ["contract"]) == ["a", "b", "c"])
    }
}
