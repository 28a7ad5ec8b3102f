import Foundation
import Testing
@testable import TebikiCore

/// The hand-written JSON writer must give exactly the bytes `JSONEncoder` gave before (the
/// browser, the tests and outside tools read these files).
@Suite struct JSONWriterTests {
    func encoder(pretty: Bool) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    func same<T: Encodable & JSONWritable>(_ value: T, pretty: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let want = try encoder(pretty: pretty).encode(value)
        let got = value.json(pretty: pretty)
        #expect(String(decoding: got, as: UTF8.self) == String(decoding: want, as: UTF8.self), sourceLocation: sourceLocation)
    }

    @Test func escapingAndKeyOrderMatchJSONEncoder() throws {
        let awkward = "a\"b\\c/d\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f} é 再委託 😀 \u{2028}"
        var d: [String: String] = [:]
        for (i, k) in ["b", "B", "a10", "a9", "é", "z", "再委", "ます", "1", "10", "9", "_", "-", "ab", "aB", "Ab", "😀", "ｱ", "𠀋", "ﬀ", awkward].enumerated() {
            d[k] = "\(i)"
        }
        try same(d)
        try same(d, pretty: true)
        try same([awkward, "", "x"])
        try same([Int.min, -1, 0, 7, 1_000_000, Int.max])
        try same([[String]](), pretty: true)
        try same(["a": [[String: String]](), "b": [["k": "v"]]], pretty: true)
        try same(["a": [String: [String]]()], pretty: true)
    }

    @Test func siteOutputsMatchJSONEncoder() throws {
        let source = try SiteSource.read(from: Fixtures.site("minimal"))
        var diagnostics = Diagnostics()
        let parsed = try #require(ParsePhase.run(source, diagnostics: &diagnostics))
        let model = SiteModel(parsed)
        let index = Indexer.searchIndexValue(model, plainTexts: ["subcontracting": "本文\n\"引用\" \\ と /"])
        try same(index)
        try same(index.docs)
        try same(Indexer.catalogValue(model), pretty: true)
        try same(Indexer.lookupValue(model))
        for s in model.scenarios {
            let doc = try rebuildProfile(s, model)
            try same(doc, pretty: true)
            #expect(try OSCALExport.profile(s, model: model) == doc.json())
        }
        let uuids = Dictionary(model.sources.map { ($0.key, OSCALExport.uuid("source/\($0.key)")) }, uniquingKeysWith: { a, _ in a })
        let controls = model.requirements.map { OSCALExport.control($0, model: model, resourceUUID: uuids) }
        try same(controls, pretty: true)
        try same(OSCALExport.Group(id: "g", class: "phase", title: "t", props: [.init(name: "a", value: "b", ns: "n")], controls: controls), pretty: true)
        try same(OSCALExport.metadata(title: "t", model: model), pretty: true)
        try same(OSCALExport.Resource(uuid: "u", title: "t", props: nil, documentIDs: [.init(identifier: "d")], citation: .init(text: "c")), pretty: true)
        let catalog = try JSONSerialization.jsonObject(with: try OSCALExport.catalog(model)) as? [String: Any]
        #expect(catalog?["catalog"] != nil)
    }

    func rebuildProfile(_ s: ContentPage, _ model: SiteModel) throws -> OSCALExport.ProfileDocument {
        let ids = model.requirements.filter { LookupMatch.applies($0, selection: s.selection, config: model.config) }.map(\.id)
        let imp: OSCALExport.Import = ids.isEmpty
            ? .init(href: "../catalog.json", includeAll: .init(), excludeControls: [.init(matching: [.init(pattern: "*")])])
            : .init(href: "../catalog.json", includeControls: [.init(withIDs: ids)])
        var meta = OSCALExport.metadata(title: s.title, model: model)
        var props: [OSCALExport.Property] = []
        for facet in model.config.facets {
            let chosen = Set(s.selection.filter { $0.facet == facet.key }.flatMap { $0.values.map(\.value) })
            for v in facet.values where chosen.contains(v.key) {
                props.append(.init(name: facet.key, value: v.key, ns: OSCALExport.namespace, class: "selection"))
            }
        }
        meta.props = props.isEmpty ? nil : props
        meta.links = [.init(href: "../../../\(SiteModel.url(of: s))", rel: "alternate", text: s.title)]
        var doc = OSCALExport.ProfileDocument(profile: .init(uuid: "", metadata: meta, imports: [imp]))
        doc.profile.uuid = OSCALExport.uuid("profile/\(s.id)\n", try encoder(pretty: false).encode(doc))
        return doc
    }
}
