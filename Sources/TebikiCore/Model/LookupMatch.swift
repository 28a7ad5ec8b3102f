/// The lookup matching rule of docs/search.md (`matches` in lookup-core.js), in Swift,
/// so exports (OSCAL profiles) list exactly what the lookup page shows for a selection.
public enum LookupMatch {
    /// Whether `requirement` is listed for `selection` (facet → chosen values, e.g. a
    /// scenario's `selection`). Only active requirements apply. Facets the selection leaves
    /// empty do not filter; for each other facet the requirement needs `all` or at least one
    /// chosen value (graded: with a grade that applies, `SiteConfig.applies(grade:)`). A
    /// requirement with no value for a chosen facet is not listed (the validator reports such
    /// requirements).
    public static func applies(_ requirement: ContentPage, selection: [FacetAssignment], config: SiteConfig) -> Bool {
        guard requirement.status == .active else { return false }
        for facet in config.facets {
            let chosen = Set(selection.filter { $0.facet == facet.key }.flatMap { $0.values.map(\.value) })
            let own = requirement.facets.filter { $0.facet == facet.key }.flatMap(\.values)
            if chosen.isEmpty {
                // Only opt-in values (e.g. 委託以外の関連対策): listed only when asked for.
                let optIn = Set(facet.values.filter(\.optIn).map(\.key))
                if !own.isEmpty, !optIn.isEmpty, own.allSatisfy({ optIn.contains($0.value) }) { return false }
                continue
            }
            if own.contains(where: { $0.value == allValueKey }) { continue }
            let ok = own.contains { v in
                chosen.contains(v.value) && (facet.kind == .multi || config.applies(grade: v.grade))
            }
            if !ok { return false }
        }
        return true
    }

    /// The lookup's groups (docs/search.md "Groups"): `specific` (matched a chosen facet marked
    /// `specific` through an explicit value), `conditional` (limited on a specific facet not
    /// chosen), `general` (`all` for every specific facet). A site without specific facets
    /// puts everything in `specific`.
    public enum Kind: String, Sendable, CaseIterable { case specific, conditional, general }

    public static func kind(_ requirement: ContentPage, selection: [FacetAssignment], config: SiteConfig) -> Kind {
        let specificFacets = config.facets.filter(\.specific)
        if specificFacets.isEmpty { return .specific }
        var conditional = false
        for facet in specificFacets {
            let chosen = Set(selection.filter { $0.facet == facet.key }.flatMap { $0.values.map(\.value) })
            let own = requirement.facets.filter { $0.facet == facet.key }.flatMap(\.values)
            if own.isEmpty || own.contains(where: { $0.value == allValueKey }) { continue }
            if chosen.isEmpty {
                // Limited to some of the facet's values (all of them, e.g. subcontract yes and no, is no limit).
                let applying = Set(own.filter { facet.kind == .multi || config.applies(grade: $0.grade) }.map(\.value))
                if !applying.isEmpty, !facet.values.allSatisfy({ applying.contains($0.key) }) { conditional = true }
            } else if own.contains(where: { chosen.contains($0.value) && (facet.kind == .multi || config.applies(grade: $0.grade)) }) {
                return .specific
            }
        }
        return conditional ? .conditional : .general
    }
}
