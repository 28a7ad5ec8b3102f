import Foundation
import Testing
@testable import TebikiCore

/// Every output's JSON comes from one path, `JSONWritable.write(to:)` (no output type is also
/// `Encodable`). Its format must stay the one `JSONEncoder` writes with `.sortedKeys` and
/// `.withoutEscapingSlashes` (the browser, the tests and outside tools read these files, and the
/// files did not change when the writer replaced the encoder): plain values are compared
/// directly, and each output is re-read into a neutral tree that `JSONEncoder` writes again.
@Suite struct JSONWriterTests {
    func encoder(pretty: Bool) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// A JSON tree with no meaning of its own, so `JSONEncoder` can write what the writer wrote.
    enum Tree: Codable, Equatable {
        case null, bool(Bool), int(Int), string(String), array([Tree]), object([String: Tree])
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int.self) { self = .int(i) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let a = try? c.decode([Tree].self) { self = .array(a) }
            else { self = .object(try c.decode([String: Tree].self)) }
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .null: try c.encodeNil()
            case let .bool(b): try c.encode(b)
            case let .int(i): try c.encode(i)
            case let .string(s): try c.encode(s)
            case let .array(a): try c.encode(a)
            case let .object(o): try c.encode(o)
            }
        }
    }

    /// Plain values: the writer's bytes and `JSONEncoder`'s for the same value.
    func same<T: Encodable & JSONWritable>(_ value: T, pretty: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let want = try encoder(pretty: pretty).encode(value)
        let got = value.json(pretty: pretty)
        #expect(String(decoding: got, as: UTF8.self) == String(decoding: want, as: UTF8.self), sourceLocation: sourceLocation)
    }

    /// An output value: its bytes re-read and written again by `JSONEncoder` give the same bytes
    /// (sorted keys, escaping, indentation), and the tree is the one the writer meant.
    @discardableResult
    func canonical<T: JSONWritable>(_ value: T, pretty: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Tree {
        let got = value.json(pretty: pretty)
        let tree = try JSONDecoder().decode(Tree.self, from: got)
        let again = try encoder(pretty: pretty).encode(tree)
        #expect(String(decoding: got, as: UTF8.self) == String(decoding: again, as: UTF8.self), sourceLocation: sourceLocation)
        return tree
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

    /// The canonical check itself fails on bytes `JSONEncoder` would not write.
    @Test func canonicalCheckCatchesUnsortedKeys() throws {
        struct Unsorted: JSONWritable {
            func write(to w: inout JSONWriter) {
                w.bytes.append("{\"b\":1,\"a\":2}")
            }
        }
        let got = Unsorted().json()
        let again = try encoder(pretty: false).encode(try JSONDecoder().decode(Tree.self, from: got))
        #expect(got != again)
    }

    @Test func siteOutputsAreCanonicalJSON() throws {
        let source = try SiteSource.read(from: Fixtures.site("minimal"))
        var diagnostics = Diagnostics()
        let parsed = try #require(ParsePhase.run(source, diagnostics: &diagnostics))
        let model = SiteModel(parsed)
        let index = Indexer.searchIndexValue(model, plainTexts: ["subcontracting": "本文\n\"引用\" \\ と /"])
        let tree = try canonical(index)
        guard case let .object(top) = tree, case let .array(docs)? = top["docs"] else {
            Issue.record("search index without docs: \(tree)"); return
        }
        #expect(docs.count == index.docs.count)
        #expect(String(decoding: index.json(), as: UTF8.self).contains(#"本文\n\"引用\" \\ と /"#))
        try canonical(index.docs)
        try canonical(Indexer.catalogValue(model), pretty: true)
        try canonical(Indexer.lookupValue(model))
        for s in model.scenarios {
            let doc = try rebuildProfile(s, model)
            try canonical(doc, pretty: true)
            #expect(try OSCALExport.profile(s, model: model) == doc.json())
        }
        let uuids = Dictionary(model.sources.map { ($0.key, OSCALExport.uuid("source/\($0.key)")) }, uniquingKeysWith: { a, _ in a })
        let controls = model.requirements.map { OSCALExport.control($0, model: model, resourceUUID: uuids) }
        try canonical(controls, pretty: true)
        let group = try canonical(OSCALExport.Group(id: "g", class: "phase", title: "t", props: [.init(name: "a", value: "b", ns: "n")], controls: controls), pretty: true)
        #expect(group == .object(["id": .string("g"), "class": .string("phase"), "title": .string("t"),
                                  "props": .array([.object(["name": .string("a"), "value": .string("b"), "ns": .string("n")])]),
                                  "controls": try JSONDecoder().decode(Tree.self, from: controls.json())]))
        try canonical(OSCALExport.metadata(title: "t", model: model), pretty: true)
        let resource = try canonical(OSCALExport.Resource(uuid: "u", title: "t", props: nil, documentIDs: [.init(identifier: "d")], citation: .init(text: "c")), pretty: true)
        #expect(resource == .object(["uuid": .string("u"), "title": .string("t"), "document-ids": .array([.object(["identifier": .string("d")])]),
                                     "citation": .object(["text": .string("c")])]))
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
        doc.profile.uuid = OSCALExport.uuid("profile/\(s.id)\n", doc.json())
        return doc
    }
}
