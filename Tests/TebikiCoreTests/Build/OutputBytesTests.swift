import Foundation
import Testing
@testable import TebikiCore

/// What keeps the output small on a big site (issue 18, docs/benchmarks.md "Output bytes"):
/// facet-value pages list titles, the JSON files are compact, the lookup data is written once.
@Suite struct OutputBytesTests {
    func build() throws -> Builder.Result {
        try Builder.build(try SiteSource.read(from: Fixtures.site("minimal")))
    }

    func file(_ r: Builder.Result, _ path: String) throws -> Data {
        try #require(r.files.first { $0.path == path }, "missing \(path)").data
    }

    @Test func facetValuePageListsTitlesAndLinksWithoutSummaries() throws {
        let html = String(decoding: try file(try build(), "facets/phase-contract.html"), as: UTF8.self)
        #expect(html.contains("<li><a href=\"../rules/subcontracting.html\">再委託を制限する</a></li>"))
        #expect(html.contains("<li><a href=\"../rules/contract-items.html\">"))
        #expect(!html.contains("再委託は原則として認めず"))  // subcontracting's summary: on its own page
        #expect(!html.contains("result-list"))
    }

    @Test func jsonFilesAreCompactAndParse() throws {
        let r = try build()
        let json = r.files.filter { $0.path.hasSuffix(".json") && ($0.path.hasPrefix("data/") || $0.path.hasPrefix("exports/")) }
        #expect(json.contains { $0.path == "exports/oscal/catalog.json" } && json.contains { $0.path == "data/catalog.json" })
        for f in json {
            // A newline can only be inside a string, where JSON writes it as \n.
            #expect(!f.data.contains(UInt8(ascii: "\n")), "\(f.path) is pretty-printed")
            #expect((try? JSONSerialization.jsonObject(with: f.data)) != nil, "\(f.path) does not parse")
        }
    }

    @Test func lookupDataIsWrittenOnceAsAScript() throws {
        let r = try build()
        #expect(!r.files.contains { $0.path == "data/lookup.json" })
        let script = String(decoding: try file(r, "data/lookup.js"), as: UTF8.self)
        let prefix = "globalThis.TEBIKI_LOOKUP = "
        #expect(script.hasPrefix(prefix) && script.hasSuffix(";\n"))
        let body = Data(script.dropFirst(prefix.count).dropLast(2).utf8)
        let lookup = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect((lookup["requirements"] as? [Any])?.isEmpty == false)
    }
}
