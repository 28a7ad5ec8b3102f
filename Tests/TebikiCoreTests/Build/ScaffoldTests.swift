import Foundation
import Testing
@testable import TebikiCore

/// `tebiki init` makes a site that builds with no diagnostics; `tebiki new` makes pages that
/// validate in it (with and without --drafts).
@Suite struct ScaffoldTests {
    var initial: SiteSource {
        SiteSource(texts: Dictionary(uniqueKeysWithValues: Scaffold.initialSite().map { ($0.path, $0.text) }))
    }

    @Test func initialSiteBuildsWithoutDiagnostics() throws {
        let result = try Builder.build(initial)
        #expect(result.diagnostics.items.isEmpty, "\(result.diagnostics.items.map(\.description))")
        let paths = Set(result.files.map(\.path))
        for p in ["rules/example-rule.html", "glossary/example-term.html", "checklists/example-checklist.html", "scenarios/example-scenario.html"] {
            #expect(paths.contains(p))
        }
    }

    @Test(arguments: ["requirement", "term", "checklist", "scenario"]) func newPageValidates(_ kind: String) throws {
        var source = initial
        let page = try Scaffold.newPage(kind: kind, id: "new-page", source: source)
        #expect(page.text.contains("id: new-page") && page.text.contains("draft: true") && !page.text.contains("{{"))
        source.files[page.path] = Data(page.text.utf8)
        #expect(Builder.check(source).items.isEmpty)
        let withDrafts = Builder.check(source, drafts: true)
        #expect(!withDrafts.hasErrors, "\(withDrafts.items.map(\.description))")
    }

    @Test func newPageInTheDefaultSiteValidates() throws {
        var source = try SiteSource.read(from: Fixtures.repoRoot)
        let page = try Scaffold.newPage(kind: "checklist", id: "zz-new-checklist", source: source)
        source.files[page.path] = Data(page.text.utf8)
        #expect(!Builder.check(source, drafts: true).hasErrors)
    }

    @Test func refusals() throws {
        #expect(throws: Scaffold.Failure.self) { try Scaffold.newPage(kind: "rule", id: "a", source: initial) }
        #expect(throws: Scaffold.Failure.self) { try Scaffold.newPage(kind: "term", id: "Bad ID", source: initial) }
        #expect(throws: Scaffold.Failure.self) { try Scaffold.newPage(kind: "requirement", id: "example-rule", source: initial) }
    }
}
