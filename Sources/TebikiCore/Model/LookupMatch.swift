/// The lookup matching rule of docs/search.md (`lookupMatches` in search-core.js), in Swift,
/// so exports (OSCAL profiles) list exactly what the lookup page shows for a selection.
public enum LookupMatch {
    /// The grade that means "does not apply" for graded facets (docs/search.md).
    public static let notApplicableGrade = "na"

    /// Whether `requirement` is listed for `selection` (facet → chosen values, e.g. a
    /// scenario's `selection`). Only active requirements apply. For each facet of the site
    /// with a non-empty selection: a requirement with no value for it applies; otherwise it
    /// needs at least one chosen value (multi), or at least one chosen value whose grade is
    /// not `na` (graded; a chosen value without a grade does not count).
    public static func applies(_ requirement: ContentPage, selection: [FacetAssignment], config: SiteConfig) -> Bool {
        guard requirement.status == .active else { return false }
        for facet in config.facets {
            let chosen = Set(selection.filter { $0.facet == facet.key }.flatMap { $0.values.map(\.value) })
            if chosen.isEmpty { continue }
            let own = requirement.facets.filter { $0.facet == facet.key }.flatMap(\.values)
            if own.isEmpty { continue }
            let ok: Bool
            switch facet.kind {
            case .multi:
                ok = own.contains { chosen.contains($0.value) }
            case .graded:
                ok = own.contains { v in
                    guard chosen.contains(v.value), let grade = v.grade else { return false }
                    return grade != notApplicableGrade
                }
            }
            if !ok { return false }
        }
        return true
    }
}
