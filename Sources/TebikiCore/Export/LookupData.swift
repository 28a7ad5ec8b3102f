import Foundation

/// `data/lookup.js`: what the scenario lookup page reads (requirements, checks, scenarios).
extension Indexer {
    /// The facets as the lookup page needs them: with `lookup` and `all`.
    static func lookupFacetInfo(_ config: SiteConfig) -> [FacetInfo] {
        config.facets.map { f in
            var info = FacetInfo(key: f.key, label: f.label, kind: f.kind.rawValue,
                                 values: f.values.map { .init(key: $0.key, label: $0.label, optIn: $0.optIn ? true : nil) })
            if f.lookup != .none { info.lookup = f.lookup.rawValue }
            info.all = f.allLabel
            if f.specific { info.specific = true }
            if f.stages { info.stages = true }
            return info
        }
    }

    struct Lookup: JSONWritable {
        struct Site { var title: String }
        struct Source: JSONWritable {
            var doc, section, label: String
            func write(to w: inout JSONWriter) {
                w.beginObject(); w.key("doc"); w.string(doc); w.key("label"); w.string(label); w.key("section"); w.string(section); w.endObject()
            }
        }
        struct Check: JSONWritable {
            var text, checklist, section: String
            func write(to w: inout JSONWriter) {
                w.beginObject(); w.key("checklist"); w.string(checklist); w.key("section"); w.string(section); w.key("text"); w.string(text); w.endObject()
            }
        }
        struct Requirement: JSONWritable {
            var id, title, summary, url, status: String
            var facets: [String: FacetJSON]
            var sources: [Source]
            var checks: [Check]
            func write(to w: inout JSONWriter) {
                w.beginObject()
                w.key("checks"); checks.write(to: &w)
                w.key("facets"); facets.write(to: &w)
                w.key("id"); w.string(id)
                w.key("sources"); sources.write(to: &w)
                w.key("status"); w.string(status)
                w.key("summary"); w.string(summary)
                w.key("title"); w.string(title)
                w.key("url"); w.string(url)
                w.endObject()
            }
        }
        struct Scenario: JSONWritable {
            var id, title, url: String
            var selection: [String: [String]]
            func write(to w: inout JSONWriter) {
                w.beginObject()
                w.key("id"); w.string(id)
                w.key("selection"); selection.write(to: &w)
                w.key("title"); w.string(title)
                w.key("url"); w.string(url)
                w.endObject()
            }
        }
        var site: Site
        var facets: [FacetInfo]
        var grades: [GradeInfo]
        var requirements: [Requirement]
        var scenarios: [Scenario]

        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.key("facets"); facets.write(to: &w)
            w.key("grades"); grades.write(to: &w)
            w.key("requirements"); requirements.write(to: &w)
            w.key("scenarios"); scenarios.write(to: &w)
            w.key("site"); w.beginObject(); w.key("title"); w.string(site.title); w.endObject()
            w.endObject()
        }
    }

    static func lookup(_ model: SiteModel) throws -> Data {
        lookupValue(model).json()
    }

    static func lookupValue(_ model: SiteModel) -> Lookup {
        let reqs = model.requirements.map { r in
            let sources = r.sources.map { Lookup.Source(doc: $0.doc, section: $0.section, label: model.sourceLabel($0)) }
            var checks = (model.checksByRequirement[r.id] ?? []).map {
                Lookup.Check(text: $0.item.text, checklist: $0.checklist.id, section: $0.item.section ?? sources.first?.label ?? "")
            }
            if checks.isEmpty { checks = [Lookup.Check(text: r.title, checklist: "", section: sources.first?.label ?? "")] }
            return Lookup.Requirement(id: r.id, title: r.title, summary: r.summary, url: SiteModel.url(of: r), status: r.status.rawValue,
                                      facets: facetJSON(r, config: model.config), sources: sources, checks: checks)
        }
        let scenarios = model.scenarios.map { s in
            Lookup.Scenario(id: s.id, title: s.title, url: SiteModel.url(of: s),
                            selection: Dictionary(s.selection.map { ($0.facet, $0.values.map(\.value)) }, uniquingKeysWith: { a, _ in a }))
        }
        return Lookup(site: .init(title: model.config.title), facets: lookupFacetInfo(model.config),
                      grades: gradeInfo(model.config), requirements: reqs, scenarios: scenarios)
    }
}
