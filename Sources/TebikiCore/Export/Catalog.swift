import Foundation

/// `data/catalog.json`: every requirement with its sources, facets, relations and history.
extension Indexer {
    struct CatalogEntry: JSONWritable {
        struct Source: JSONWritable {
            var doc, section: String
            func write(to w: inout JSONWriter) {
                w.beginObject(); w.key("doc"); w.string(doc); w.key("section"); w.string(section); w.endObject()
            }
        }
        struct History: JSONWritable {
            var edition, change, note: String; var before, after: String?
            func write(to w: inout JSONWriter) {
                w.beginObject()
                if let after { w.key("after"); w.string(after) }
                if let before { w.key("before"); w.string(before) }
                w.key("change"); w.string(change)
                w.key("edition"); w.string(edition)
                w.key("note"); w.string(note)
                w.endObject()
            }
        }
        var id, title, summary, url, status: String
        var successor: String?
        var sources: [Source]
        var facets: [String: FacetJSON]
        var related: [String]
        var history: [History]

        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.key("facets"); facets.write(to: &w)
            w.key("history"); history.write(to: &w)
            w.key("id"); w.string(id)
            w.key("related"); w.strings(related)
            w.key("sources"); sources.write(to: &w)
            w.key("status"); w.string(status)
            if let successor { w.key("successor"); w.string(successor) }
            w.key("summary"); w.string(summary)
            w.key("title"); w.string(title)
            w.key("url"); w.string(url)
            w.endObject()
        }
    }

    struct Catalog: JSONWritable {
        struct SourceDoc: JSONWritable {
            var key, title, publisher, date, edition, family: String
            func write(to w: inout JSONWriter) {
                w.beginObject()
                w.key("date"); w.string(date)
                w.key("edition"); w.string(edition)
                w.key("family"); w.string(family)
                w.key("key"); w.string(key)
                w.key("publisher"); w.string(publisher)
                w.key("title"); w.string(title)
                w.endObject()
            }
        }
        var title: String
        var requirements: [CatalogEntry]
        var sources: [SourceDoc]
        var facets: [FacetInfo]
        var grades: [GradeInfo]

        func write(to w: inout JSONWriter) {
            w.beginObject()
            w.key("facets"); facets.write(to: &w)
            w.key("grades"); grades.write(to: &w)
            w.key("requirements"); requirements.write(to: &w)
            w.key("sources"); sources.write(to: &w)
            w.key("title"); w.string(title)
            w.endObject()
        }
    }

    static func catalog(_ model: SiteModel) throws -> Data {
        // Compact: the indentation was 40 % of the file's bytes.
        catalogValue(model).json()
    }

    static func catalogValue(_ model: SiteModel) -> Catalog {
        let entries = model.requirements.map { r in
            CatalogEntry(id: r.id, title: r.title, summary: r.summary, url: SiteModel.url(of: r), status: r.status.rawValue,
                         successor: r.successor?.value, sources: r.sources.map { .init(doc: $0.doc, section: $0.section) },
                         facets: facetJSON(r, config: model.config), related: r.related.map(\.value),
                         history: r.history.map { .init(edition: $0.edition, change: $0.change.rawValue, note: $0.note, before: $0.before, after: $0.after) })
        }
        return Catalog(title: model.config.title, requirements: entries,
                       sources: model.sources.map { .init(key: $0.key, title: $0.title, publisher: $0.publisher, date: $0.date, edition: $0.edition, family: $0.family) },
                       facets: facetInfo(model.config), grades: gradeInfo(model.config))
    }
}
