import Foundation

/// OSCAL (https://pages.nist.gov/OSCAL/) exports of the knowledge base, in JSON:
/// `exports/oscal/catalog.json` (every requirement as a control) and one profile per scenario
/// in `exports/oscal/profiles/<scenario-id>.json` (the requirements the lookup lists for the
/// scenario's selection).
///
/// Like the other outputs, the bytes depend on the content only: no clock, no random UUIDs,
/// keys sorted. `last-modified` is the date of the newest source document; UUIDs are derived
/// from names and content (see `uuid(_:)`).
public enum OSCALExport {
    /// The OSCAL version written: 1.1.3, the newest 1.1 release (the exports are meant to be read
    /// by OSCAL 1.1 tools). Tests/e2e/test_oscal.py validates it with compliance-trestle 3.12.4,
    /// whose models are generated from the 1.1.3 schemas.
    public static let oscalVersion = "1.1.3"
    /// Namespace of the props whose names OSCAL does not define (facets, source details).
    public static let namespace = "https://tebiki.example/ns/oscal"

    // MARK: OSCAL JSON shapes (only the parts Tebiki fills)

    struct Property {
        var name: String
        var value: String
        var ns: String?
        var `class`: String?
    }

    struct Link {
        var href: String
        var rel: String?
        var text: String?
    }

    struct Part {
        var id: String
        var name: String
        var prose: String
    }

    struct Metadata {
        var title: String
        var lastModified: String
        var version: String
        var oscalVersion: String = OSCALExport.oscalVersion
        var props: [Property]?
        var links: [Link]?
    }

    struct Control {
        var id: String
        var title: String
        var props: [Property]?
        var links: [Link]?
        var parts: [Part]?
    }

    struct Group {
        var id: String
        var `class`: String?
        var title: String
        var props: [Property]?
        var controls: [Control]
    }

    struct Resource {
        struct Citation { var text: String }
        struct DocumentID { var identifier: String }
        var uuid: String
        var title: String
        var props: [Property]?
        var documentIDs: [DocumentID]
        var citation: Citation
    }

    struct BackMatter { var resources: [Resource] }

    struct Catalog {
        var uuid: String
        var metadata: Metadata
        var groups: [Group]
        var backMatter: BackMatter?
    }

    struct CatalogDocument { var catalog: Catalog }

    struct Selection {
        struct Matching { var pattern: String }
        var withIDs: [String]?
        var matching: [Matching]?
    }

    struct Import {
        struct IncludeAll {}
        var href: String
        var includeAll: IncludeAll?
        var includeControls: [Selection]?
        var excludeControls: [Selection]?
    }

    struct Merge {
        var asIs = true
    }

    struct Profile {
        var uuid: String
        var metadata: Metadata
        var imports: [Import]
        var merge = Merge()
    }

    struct ProfileDocument { var profile: Profile }

    // MARK: Catalog

    /// `exports/oscal/catalog.json`. Controls are grouped by the stages facet (`stages: true`, else
    /// the first `multi` facet; 段階 `phase` in the default site), one group per value in site.yml order,
    /// then a group for requirements without a value (titled by the theme's `oscal_group_other`,
    /// 「全<facet label>」); a requirement with several values sits in the group of the first of
    /// them in site.yml order. Empty groups are left out; controls are in ID order. `words`: the
    /// theme's strings (group title and citations), so no word of the export is Swift's.
    static func catalog(_ model: SiteModel, words: ThemeStrings = .builtin) throws -> Data {
        let resourceUUID = Dictionary(model.sources.map { ($0.key, uuid("source/\($0.key)")) }, uniquingKeysWith: { a, _ in a })
        let controls = model.requirements.map { control($0, model: model, resourceUUID: resourceUUID) }
        var groups: [Group] = []
        if let facet = groupingFacet(model.config) {
            var byValue: [String: [Control]] = [:]
            var none: [Control] = []
            for (r, c) in zip(model.requirements, controls) {
                let own = Set(SiteModel.values(of: r, facet: facet.key).map(\.value))
                if let first = facet.values.first(where: { own.contains($0.key) }) {
                    byValue[first.key, default: []].append(c)
                } else {
                    none.append(c)
                }
            }
            for v in facet.values {
                guard let list = byValue[v.key] else { continue }
                groups.append(Group(id: "grp_\(facet.key)_\(v.key)", class: facet.key, title: v.label,
                                    props: [Property(name: facet.key, value: v.key, ns: namespace)], controls: list))
            }
            if !none.isEmpty {
                groups.append(Group(id: "grp_\(facet.key)", class: facet.key, title: words.format("oscal_group_other", ["label": facet.label]), controls: none))
            }
        } else if !controls.isEmpty {
            groups.append(Group(id: "grp_all", title: model.config.title, controls: controls))
        }
        let resources = model.sources.map { s in
            Resource(uuid: resourceUUID[s.key]!, title: s.title,
                     props: nonEmpty([("publisher", s.publisher), ("edition", s.edition), ("date", s.date)].compactMap { name, value in
                         value.trimmingWhitespace.isEmpty ? nil : Property(name: name, value: value, ns: namespace)
                     }),
                     documentIDs: [.init(identifier: s.key)],
                     citation: .init(text: citation(s, words: words)))
        }
        var doc = CatalogDocument(catalog: Catalog(uuid: "", metadata: metadata(title: model.config.title, model: model),
                                                   groups: groups, backMatter: resources.isEmpty ? nil : BackMatter(resources: resources)))
        // The document UUID changes whenever the content does (as OSCAL asks) and only then.
        // It is the hash of the document written with an empty UUID, put in the place of that
        // empty UUID: the catalog's own `uuid` is its last key and no other uuid is empty, so
        // the last `"uuid":""` is the one (the same bytes as encoding it again, at half the cost).
        let draft = encode(doc)
        let id = uuid("catalog\n", draft)
        let marker = Data("\"uuid\":\"\"".utf8)
        guard let at = draft.range(of: marker, options: .backwards) else {
            // Only if the writer's form changed (the marker must follow it): correct, twice the work.
            assertionFailure("no empty catalog uuid in the draft: the catalog is encoded twice")
            doc.catalog.uuid = id
            return encode(doc)
        }
        var out = draft
        out.replaceSubrange(at, with: Data("\"uuid\":\"\(id)\"".utf8))
        return out
    }

    /// The site's stages (`stages: true`) group the catalog as they group the lookup; without
    /// them, the first `multi` facet.
    static func groupingFacet(_ config: SiteConfig) -> Facet? {
        config.stageFacet.flatMap { $0.kind == .multi ? $0 : nil } ?? config.facets.first { $0.kind == .multi }
    }

    static func control(_ r: ContentPage, model: SiteModel, resourceUUID: [String: String]) -> Control {
        var props: [Property] = []
        if r.status != .active { props.append(Property(name: "status", value: "withdrawn")) }
        for facet in model.config.facets {
            let own = SiteModel.values(of: r, facet: facet.key)
            // Site order first, then anything else as written (validation rejects unknown values).
            let ordered = facet.values.compactMap { v in own.first { $0.value == v.key } } + own.filter { o in facet.value(o.value) == nil }
            for v in ordered {
                props.append(Property(name: facet.key, value: v.value, ns: namespace, class: facet.kind == .graded ? v.grade : nil))
            }
        }
        var links: [Link] = []
        if let successor = r.successor?.value {
            links.append(Link(href: "#\(successor)", rel: r.status == .renamed ? "moved-to" : "incorporated-into"))
        }
        links += r.related.map { Link(href: "#\($0.value)", rel: "related") }
        for s in r.sources {
            guard let id = resourceUUID[s.doc] else { continue }
            links.append(Link(href: "#\(id)", rel: "reference", text: s.section))
        }
        links.append(Link(href: "../../\(SiteModel.url(of: r))", rel: "alternate", text: r.title))
        var parts = [Part(id: "\(r.id)_smt", name: "statement", prose: r.summary)]
        let body = r.body.trimmingWhitespace
        if !body.isEmpty { parts.append(Part(id: "\(r.id)_gdn", name: "guidance", prose: body)) }
        return Control(id: r.id, title: r.title, props: nonEmpty(props), links: links, parts: parts)
    }

    /// Publisher, title, edition and date in the theme's form (`oscal_citation`, and
    /// `oscal_citation_edition` / `oscal_citation_date` when the document has them).
    static func citation(_ s: SourceDocument, words: ThemeStrings) -> String {
        var text = words.format("oscal_citation", ["publisher": s.publisher, "title": s.title])
        if !s.edition.isEmpty { text += words.format("oscal_citation_edition", ["edition": s.edition]) }
        if !s.date.isEmpty { text += words.format("oscal_citation_date", ["date": s.date]) }
        return text.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
    }

    // MARK: Profile

    /// `exports/oscal/profiles/<scenario-id>.json`: imports `../catalog.json` and selects the
    /// requirements `LookupMatch.applies` lists for the scenario's selection, keeping the
    /// catalog's groups. When nothing matches, everything is included and then excluded (an
    /// import must include something, and `with-ids` cannot be empty).
    public static func profile(_ scenario: ContentPage, model: SiteModel) throws -> Data {
        let ids = model.requirements.filter { LookupMatch.applies($0, selection: scenario.selection, config: model.config) }.map(\.id)
        let imp: Import = ids.isEmpty
            ? Import(href: "../catalog.json", includeAll: .init(), excludeControls: [Selection(matching: [.init(pattern: "*")])])
            : Import(href: "../catalog.json", includeControls: [Selection(withIDs: ids)])
        var meta = metadata(title: scenario.title, model: model)
        var props: [Property] = []
        for facet in model.config.facets {
            let chosen = Set(scenario.selection.filter { $0.facet == facet.key }.flatMap { $0.values.map(\.value) })
            for v in facet.values where chosen.contains(v.key) {
                props.append(Property(name: facet.key, value: v.key, ns: namespace, class: "selection"))
            }
        }
        meta.props = nonEmpty(props)
        meta.links = [Link(href: "../../../\(SiteModel.url(of: scenario))", rel: "alternate", text: scenario.title)]
        var doc = ProfileDocument(profile: Profile(uuid: "", metadata: meta, imports: [imp]))
        doc.profile.uuid = uuid("profile/\(scenario.id)\n", encode(doc))
        return encode(doc)
    }

    // MARK: Shared

    static func metadata(title: String, model: SiteModel) -> Metadata {
        let newest = model.sources.compactMap { normalizedDate($0.date) }.max()
        return Metadata(title: title.replacingOccurrences(of: "\n", with: " "),
                        lastModified: "\(newest ?? "1970-01-01")T00:00:00+09:00",
                        version: newest ?? "0")
    }

    /// `2021-07-07`, `2022-03` or `2009` (as the registry writes dates) → `YYYY-MM-DD`, the
    /// missing parts as 01; nil when it is not such a date.
    static func normalizedDate(_ text: String) -> String? {
        guard let m = text.trimmingCharacters(in: .whitespaces).wholeMatch(of: /(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?/) else { return nil }
        func two(_ s: Substring?) -> String { let v = Int(s ?? "1") ?? 1; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(m.1)-\(two(m.2))-\(two(m.3))"
    }

    static func nonEmpty<T>(_ list: [T]) -> [T]? { list.isEmpty ? nil : list }

    /// Compact with sorted keys, through `JSONWriter` (OSCALJSON.swift), the one JSON path of
    /// every output (`JSONEncoder` was a large share of a big site's build). Not
    /// pretty-printed: the indentation was 30 % of the catalog's bytes (17 MB at 10,000 pages).
    static func encode<T: JSONWritable>(_ value: T) -> Data {
        value.json()
    }

    /// A deterministic UUID for `name` (and optional content bytes).
    ///
    /// OSCAL requires RFC 4122 syntax with version 4 or 5 (`[45]` in its uuid pattern). A true
    /// version-5 UUID needs SHA-1, which Foundation does not offer on Linux, and adding
    /// swift-crypto for one hash is heavy; so this is the 128-bit FNV-1a hash of
    /// `<namespace>/<name><bytes>` with the RFC 4122 version (4) and variant bits set. It is
    /// not random, so it is a "v4-format" UUID rather than a true v4: same input, same UUID.
    /// Collisions are as unlikely as for any 122-bit hash of distinct names; it is not meant
    /// to resist deliberate collisions.
    static func uuid(_ name: String, _ bytes: Data = Data()) -> String {
        var h = FNV1a128()
        h.update(Data("\(namespace)/\(name)".utf8))
        h.update(bytes)
        var b = h.bytes
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        let hex = b.map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
        let c = Array(hex)
        return [c[0..<8], c[8..<12], c[12..<16], c[16..<20], c[20..<32]].map { String($0) }.joined(separator: "-")
    }
}

/// 128-bit FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/), as two 64-bit halves.
struct FNV1a128 {
    var hi: UInt64 = 0x6c62_272e_07bb_0142
    var lo: UInt64 = 0x62b8_2175_6295_c58d

    mutating func update(_ data: Data) {
        data.withUnsafeBytes { update(UnsafeRawBufferPointer($0)) }
    }

    /// Over the raw buffer: `Data`'s own iterator is several times slower on a catalog of
    /// tens of MB.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            lo ^= UInt64(byte)
            // × prime 2^88 + 0x13B, modulo 2^128.
            let (carry, low) = lo.multipliedFullWidth(by: 0x13B)
            hi = hi &* 0x13B &+ carry &+ (lo << 24)
            lo = low
        }
    }

    /// Big-endian bytes of the hash.
    var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: hi >> (56 - 8 * UInt64($0))) } + (0..<8).map { UInt8(truncatingIfNeeded: lo >> (56 - 8 * UInt64($0))) }
    }
}
