/// The whole site as plain values, resolved and ready to render: every lookup the templates
/// and indexes need is computed here once, so the outputs cannot drift apart.
public struct SiteModel: Sendable {
    public var config: SiteConfig
    public var sources: [SourceDocument]
    /// Search lexicon from content/registries/variants.yml.
    public var variants: SearchVariants
    public var requirements: [ContentPage]
    public var glossary: [ContentPage]
    public var checklists: [ContentPage]
    public var scenarios: [ContentPage]
    public var byID: [String: ContentPage]
    public var sourceByKey: [String: SourceDocument]
    /// Requirement ID → checklist items (with their checklist) that point at it.
    public var checksByRequirement: [String: [(checklist: ContentPage, item: ChecklistItem)]]
    /// Requirement ID → requirements that list it in `related` (shown both ways).
    public var relatedBack: [String: [String]]
    /// Files of content/ that are not Markdown (links to them are rewritten to their copies).
    public var contentFiles: Set<String>

    public static func url(of page: ContentPage) -> String { url(kind: page.kind, id: page.id) }
    public static func url(kind: ContentKind, id: String) -> String { "\(kind.outputFolder)/\(id).html" }

    public func sourceLabel(_ ref: SourceRef) -> String {
        let title = sourceByKey[ref.doc]?.title ?? ref.doc
        return "\(title) \(ref.section)"
    }

    init(_ site: ParsedSite) {
        config = site.config
        sources = site.sources
        variants = site.variants
        contentFiles = site.contentFiles
        let sorted = site.pages.sorted { $0.id < $1.id }
        requirements = sorted.filter { $0.kind == .requirement }
        glossary = sorted.filter { $0.kind == .glossary }.sorted { ($0.reading ?? $0.title, $0.id) < ($1.reading ?? $1.title, $1.id) }
        checklists = sorted.filter { $0.kind == .checklist }
        scenarios = sorted.filter { $0.kind == .scenario }
        byID = Dictionary(sorted.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        sourceByKey = Dictionary(site.sources.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var checks: [String: [(checklist: ContentPage, item: ChecklistItem)]] = [:]
        for list in checklists {
            for item in list.items { checks[item.requirement, default: []].append((list, item)) }
        }
        checksByRequirement = checks
        var back: [String: [String]] = [:]
        for r in requirements {
            for rel in r.related { back[rel.value, default: []].append(r.id) }
        }
        relatedBack = back
    }

    /// The grade key of a requirement for a graded facet value, or nil when not set.
    public static func values(of page: ContentPage, facet: String) -> [(value: String, grade: String?)] {
        page.facets.first { $0.facet == facet }?.values.map { ($0.value, $0.grade) } ?? []
    }
}
