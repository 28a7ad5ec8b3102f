import Foundation
import Testing
@testable import TebikiCore

/// Issue 13 §4: output paths collided silently. Every output path is claimed once; a second
/// claim is an error at both inputs (or at the input, against a page every site has).
@Suite struct OutputPathTests {
    func collisions(_ files: [String: String], config: String = Fixtures.siteYML) throws -> [Diagnostic] {
        Builder.check(try Fixtures.inline(files, config: config)).sorted.filter { $0.code == "output-collision" }
    }

    @Test func requirementNamedIndexWouldReplaceTheList() throws {
        let d = try collisions(["content/requirements/index.md": Fixtures.requirement(id: "index")])
        #expect(d.map(\.path) == ["content/requirements/index.md"])
        #expect((d[0].line, d[0].column) == (2, 5))
        #expect(d[0].message.contains("rules/index.html"))
    }

    @Test func sourceKeyNamedIndexWouldReplaceTheChangesList() throws {
        let sources = Fixtures.sources + "\n- key: index\n  title: 文書C\n  publisher: テスト省\n  date: 2023-01-01\n"
        let d = try collisions(["content/requirements/a.md": Fixtures.requirement(id: "a"), "content/registries/sources.yml": sources])
        #expect(d.map(\.path) == ["content/registries/sources.yml"])
        #expect(d[0].line == 13 && d[0].message.contains("changes/index.html"))
    }

    @Test func facetAndValueKeysThatJoinToTheSamePage() throws {
        let config = Fixtures.siteYML + """

          - key: a
            label: A
            kind: multi
            values:
              - { key: b-c, label: BC }
          - key: a-b
            label: AB
            kind: multi
            values:
              - { key: c, label: C }
        """
        let d = try collisions(["content/requirements/a.md": Fixtures.requirement(id: "a")], config: config)
        #expect(d.count == 2, "\(d.map(\.description))")
        #expect(d.allSatisfy { $0.path == "site.yml" && $0.message.contains("facets/a-b-c.html") })
        #expect(Set(d.map(\.line)) == [20, 25])  // the two value keys
    }

    @Test func theDefaultSiteAndTheFixturesClaimEveryPathOnce() throws {
        for root in [Fixtures.repoRoot, Fixtures.site("minimal")] {
            #expect(Builder.check(try SiteSource.read(from: root)).items.filter { $0.code == "output-collision" }.isEmpty)
        }
        // The fixed list names every page that is not made from content.
        let files = try Builder.build(try SiteSource.read(from: Fixtures.site("minimal"))).files.map(\.path)
        for path in files where path.hasSuffix("/index.html") || (path.hasSuffix(".html") && !path.contains("/")) {
            #expect(PageRenderer.fixedPaths.contains(path), "\(path)")
        }
    }
}
