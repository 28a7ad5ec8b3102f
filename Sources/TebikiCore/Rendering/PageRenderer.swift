import Foundation

/// One file of the built site.
public struct OutputFile: Sendable {
    public var path: String
    public var data: Data
    /// Unchanged since the previous build (cache hit): keep the previous output's file.
    public var reusePrevious = false

    public init(path: String, data: Data, reusePrevious: Bool = false) {
        self.path = path
        self.data = data
        self.reusePrevious = reusePrevious
    }
}

/// Turns the site model into HTML pages through the theme's Mustache templates.
/// Every value from content goes through `{{ }}` (escaped); only HTML made by cmark-gfm in
/// safe mode and by this renderer goes through `{{{ }}}`.
struct PageRenderer {
    let model: SiteModel
    let theme: Theme

    struct Job: Sendable {
        var path: String
        var template: String
        var title: String
        var nav: String
        var breadcrumbs: [(String, String?)]
        var context: @Sendable (String) -> [String: Any]   // root → context
        var scripts: [String] = []
        var bodyClass: String = ""
        /// Site-relative page the browser moves to after showing this one (retired IDs).
        var redirect: String? = nil
    }

    func jobs() -> [Job] {
        var jobs: [Job] = []
        let m = model
        jobs.append(Job(path: "index.html", template: "home", title: m.config.title, nav: "home", breadcrumbs: [],
                        context: { root in self.homeContext(root) }, bodyClass: "home"))
        jobs.append(Job(path: "rules/index.html", template: "rules-index", title: "規定の一覧", nav: "rules",
                        breadcrumbs: [("規定の一覧", nil)], context: { root in self.rulesIndexContext(root) }))
        for r in m.requirements {
            jobs.append(Job(path: SiteModel.url(of: r), template: "requirement", title: r.title, nav: "rules",
                            breadcrumbs: [("規定の一覧", "rules/index.html"), (r.title, nil)],
                            context: { root in self.requirementContext(r, root) }, bodyClass: r.status == .active ? "" : "retired",
                            redirect: r.status == .active ? nil : r.successor.flatMap { m.byID[$0.value] }.map { SiteModel.url(of: $0) }))
        }
        jobs.append(Job(path: "facets/index.html", template: "facets-index", title: "観点から探す", nav: "facets",
                        breadcrumbs: [("観点から探す", nil)], context: { root in self.facetsIndexContext(root) }))
        for facet in m.config.facets {
            for value in facet.values {
                jobs.append(Job(path: Self.facetURL(facet.key, value.key), template: "facet-value", title: "\(facet.label): \(value.label)", nav: "facets",
                                breadcrumbs: [("観点から探す", "facets/index.html"), (facet.label, "facets/index.html#facet-\(facet.key)"), (value.label, nil)],
                                context: { root in self.facetValueContext(facet, value, root) }))
            }
        }
        jobs.append(Job(path: "glossary/index.html", template: "glossary-index", title: "用語集", nav: "glossary",
                        breadcrumbs: [("用語集", nil)], context: { root in self.glossaryIndexContext(root) }))
        for t in m.glossary {
            jobs.append(Job(path: SiteModel.url(of: t), template: "glossary-term", title: t.title, nav: "glossary",
                            breadcrumbs: [("用語集", "glossary/index.html"), (t.title, nil)], context: { root in self.termContext(t, root) }))
        }
        jobs.append(Job(path: "checklists/index.html", template: "checklists-index", title: "チェックリスト", nav: "checklists",
                        breadcrumbs: [("チェックリスト", nil)], context: { root in self.listContext(m.checklists, root) }))
        for c in m.checklists {
            jobs.append(Job(path: SiteModel.url(of: c), template: "checklist", title: c.title, nav: "checklists",
                            breadcrumbs: [("チェックリスト", "checklists/index.html"), (c.title, nil)],
                            context: { root in self.checklistContext(c, root) }, bodyClass: "checklist-page"))
        }
        jobs.append(Job(path: "scenarios/index.html", template: "scenarios-index", title: "よくある場面", nav: "scenarios",
                        breadcrumbs: [("よくある場面", nil)], context: { root in self.listContext(m.scenarios, root) }))
        for s in m.scenarios {
            jobs.append(Job(path: SiteModel.url(of: s), template: "scenario", title: s.title, nav: "scenarios",
                            breadcrumbs: [("よくある場面", "scenarios/index.html"), (s.title, nil)], context: { root in self.scenarioContext(s, root) }))
        }
        jobs.append(Job(path: "sources.html", template: "sources", title: "出典文書", nav: "sources",
                        breadcrumbs: [("出典文書", nil)], context: { root in self.sourcesContext(root) }))
        jobs.append(Job(path: "changes/index.html", template: "changes-index", title: "改定の履歴", nav: "changes",
                        breadcrumbs: [("改定の履歴", nil)], context: { root in self.changesIndexContext(root) }))
        for edition in editionsWithChanges() {
            jobs.append(Job(path: "changes/\(edition.key).html", template: "edition", title: "\(edition.title)（\(edition.edition)）の改定", nav: "changes",
                            breadcrumbs: [("改定の履歴", "changes/index.html"), (edition.edition, nil)],
                            context: { root in self.editionContext(edition, root) }))
        }
        jobs.append(Job(path: "search.html", template: "search", title: "検索", nav: "search", breadcrumbs: [("検索", nil)],
                        context: { _ in [:] }, scripts: ["assets/js/search-core.js", "assets/js/search-page.js"]))
        jobs.append(Job(path: "lookup.html", template: "lookup", title: "場面から調べる", nav: "lookup", breadcrumbs: [("場面から調べる", nil)],
                        context: { _ in [:] }, scripts: ["data/lookup.js", "assets/js/search-core.js", "assets/js/lookup-page.js"], bodyClass: "lookup-page"))
        return jobs
    }

    static let navItems: [(key: String, label: String, url: String)] = [
        ("lookup", "場面から調べる", "lookup.html"), ("rules", "規定の一覧", "rules/index.html"),
        ("facets", "観点から探す", "facets/index.html"), ("scenarios", "よくある場面", "scenarios/index.html"),
        ("checklists", "チェックリスト", "checklists/index.html"), ("glossary", "用語集", "glossary/index.html"),
        ("changes", "改定の履歴", "changes/index.html"), ("sources", "出典文書", "sources.html"),
    ]

    /// The page's template context and a fingerprint of everything that goes into it.
    func prepare(_ job: Job) -> (context: TemplateValue, fingerprint: String) {
        let root = LinkResolver.root(for: job.path)
        var dictionary = job.context(root)
        dictionary["root"] = root
        let context = TemplateValue(dictionary)
        var h = Fingerprint.FNV()
        h.add(theme.fingerprint)
        h.add(job.template); h.add(job.title); h.add(job.nav); h.add(job.bodyClass); h.add(job.redirect ?? "")
        if model.config.unsafeHTML { h.add("markdown.unsafe_html") }  // the same Markdown renders differently
        for (label, url) in job.breadcrumbs { h.add(label); h.add(url ?? "") }
        for s in job.scripts { h.add(s) }
        Fingerprint.of(context, into: &h)
        return (context, h.hex)
    }

    /// Renders a prepared page; also returns the plain text of its Markdown body, for the index.
    func render(_ job: Job, context: TemplateValue) -> (file: OutputFile, plainText: String?) {
        let content = String(decoding: theme.render(job.template, context), as: UTF8.self)
        let file = OutputFile(path: job.path, data: Data(theme.render("layout", layoutContext(job, content: content))))
        guard case .markdown(let body)? = context["body"] else { return (file, nil) }
        return (file, body.rendered.plainText)
    }

    /// The context of `layout.mustache`, around the page's rendered `content`.
    func layoutContext(_ job: Job, content: String) -> TemplateValue {
        let root = LinkResolver.root(for: job.path)
        var crumbs: [TemplateValue] = [["label": "ホーム", "url": .string(root + "index.html")]]
        crumbs += job.breadcrumbs.map { label, url in url.map { ["label": .string(label), "url": .string(root + $0)] } ?? ["label": .string(label)] }
        var layout: TemplateValue = [
            "lang": .string(model.config.language),
            "siteTitle": .string(model.config.title),
            "siteDescription": .string(model.config.description),
            "pageTitle": .string(job.title),
            "isHome": .bool(job.path == "index.html"),
            "root": .string(root),
            "content": .string(content),
            "bodyClass": .string(job.bodyClass),
            "nav": .list(Self.navItems.map { ["label": .string($0.label), "url": .string(root + $0.url), "current": .bool($0.key == job.nav)] }),
            "breadcrumbs": .list(job.breadcrumbs.isEmpty ? [] : crumbs),
            "scripts": .list((job.scripts + ["assets/js/search-core.js", "assets/js/search-page.js"]).uniqued().map { ["src": .string(root + $0)] }),
            "generator": "Tebiki",
        ]
        if let redirect = job.redirect { layout["redirect"] = .string(root + redirect) }
        return layout
    }

    // MARK: - Shared pieces

    static func facetURL(_ facet: String, _ value: String) -> String { "facets/\(facet)-\(value).html" }

    /// A query-string value: everything but unreserved ASCII percent-encoded, so a synonym with
    /// `&`, `=`, `+` or `#` searches for itself instead of adding parameters or a fragment.
    static func queryValue(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: queryValueAllowed) ?? ""
    }

    static let queryValueAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    func markdown(_ page: ContentPage, root: String) -> DeferredMarkdown {
        let targets = page.links.compactMap { LinkResolver.contentTarget(of: $0.url) }.map { model.byID[$0].map(SiteModel.url(of:)) ?? "?" }
        return deferred(page.body, root: root, targets: targets)
    }

    func renderMarkdown(_ text: String, root: String) -> DeferredMarkdown {
        // History snippets are short; find their link targets with a cheap scan of `(x.md`.
        let targets = text.split(separator: "(").dropFirst().compactMap { part -> String? in
            let url = part.prefix { $0 != ")" && $0 != " " }
            return LinkResolver.contentTarget(of: String(url)).map { model.byID[$0].map(SiteModel.url(of:)) ?? "?" }
        }
        return deferred(text, root: root, targets: targets)
    }

    private func deferred(_ text: String, root: String, targets: [String]) -> DeferredMarkdown {
        let byID = model.byID
        var options = Markdown.Options()
        options.unsafe = model.config.unsafeHTML
        return DeferredMarkdown(text: text, linkTargets: targets) { [options] text in
            Markdown.render(text, options: options) { url in
                guard let id = LinkResolver.contentTarget(of: url), let target = byID[id] else { return .keep }
                let fragment = LinkResolver.fragment(of: url).map { "#" + $0 } ?? ""
                return .replace(root + SiteModel.url(of: target) + fragment)
            }
        }
    }

    func facetGroups(_ page: ContentPage, root: String) -> [[String: Any]] {
        model.config.facets.compactMap { facet -> [String: Any]? in
            let assigned = SiteModel.values(of: page, facet: facet.key)
            guard !assigned.isEmpty else { return nil }
            let ordered = facet.values.filter { v in assigned.contains { $0.value == v.key } }
            return [
                "key": facet.key, "label": facet.label, "graded": facet.kind == .graded,
                "values": ordered.map { v -> [String: Any] in
                    let gradeKey = assigned.first { $0.value == v.key }?.grade
                    let grade = gradeKey.flatMap { model.config.grade($0) }
                    return ["label": v.label, "url": root + Self.facetURL(facet.key, v.key),
                            "symbol": grade?.symbol ?? "", "gradeLabel": grade?.label ?? "", "gradeKey": gradeKey ?? ""]
                },
            ]
        }
    }

    func sourceItems(_ page: ContentPage, root: String) -> [[String: Any]] {
        page.sources.map { s in
            let doc = model.sourceByKey[s.doc]
            return ["key": s.doc, "title": doc?.title ?? s.doc, "publisher": doc?.publisher ?? "", "edition": doc?.edition ?? "",
                    "section": s.section, "url": root + "sources.html#src-\(s.doc)"]
        }
    }

    func item(_ page: ContentPage, root: String) -> [String: Any] {
        var d: [String: Any] = ["id": page.id, "title": page.title, "summary": page.summary, "url": root + SiteModel.url(of: page),
                                "kindLabel": page.kind.label, "retired": page.status != .active]
        d["phases"] = SiteModel.values(of: page, facet: "phase").compactMap { model.config.facet("phase")?.value($0.value)?.label }.joined(separator: "・")
        d["sections"] = page.sources.map { "\(model.sourceByKey[$0.doc]?.title ?? $0.doc) \($0.section)" }.first ?? ""
        return d
    }

    // MARK: - Page contexts

    func homeContext(_ root: String) -> [String: Any] {
        let active = model.requirements.filter { $0.status == .active }
        let browse = model.config.facets.filter { ["phase", "form"].contains($0.key) }.map { facet -> [String: Any] in
            ["label": facet.label, "values": facet.values.map { v -> [String: Any] in
                let n = active.filter { r in SiteModel.values(of: r, facet: facet.key).contains { $0.value == v.key && $0.grade != "na" } }.count
                return ["label": v.label, "url": root + Self.facetURL(facet.key, v.key), "count": n]
            }]
        }
        return [
            "description": model.config.description,
            "counts": ["requirements": active.count, "glossary": model.glossary.count, "checklists": model.checklists.count,
                       "scenarios": model.scenarios.count, "sources": model.sources.count],
            "browse": browse,
            "scenarios": model.scenarios.map { item($0, root: root) },
            "checklists": model.checklists.map { item($0, root: root) },
        ]
    }

    func rulesIndexContext(_ root: String) -> [String: Any] {
        let groups = model.sources.compactMap { doc -> [String: Any]? in
            let rules = model.requirements.filter { $0.sources.first?.doc == doc.key }
            guard !rules.isEmpty else { return nil }
            return ["title": doc.title, "edition": doc.edition, "key": doc.key, "count": rules.count, "items": rules.map { item($0, root: root) }]
        }
        return ["groups": groups, "count": model.requirements.count]
    }

    func requirementContext(_ r: ContentPage, _ root: String) -> [String: Any] {
        var c = item(r, root: root)
        c["body"] = markdown(r, root: root)
        c["sources"] = sourceItems(r, root: root)
        c["facets"] = facetGroups(r, root: root)
        let relatedIDs = (r.related.map(\.value) + (model.relatedBack[r.id] ?? [])).uniqued().filter { $0 != r.id }
        c["related"] = relatedIDs.compactMap { model.byID[$0] }.map { item($0, root: root) }
        c["checks"] = (model.checksByRequirement[r.id] ?? []).map { pair -> [String: Any] in
            ["text": pair.item.text, "checklistTitle": pair.checklist.title, "url": root + SiteModel.url(of: pair.checklist)]
        }
        c["history"] = r.history.map { historyContext($0, root: root) }
        c["status"] = r.status.rawValue
        c["isRetired"] = r.status == .retired
        c["isRenamed"] = r.status == .renamed
        if let s = r.successor, let target = model.byID[s.value] {
            c["successor"] = item(target, root: root)
        }
        return c
    }

    func historyContext(_ h: HistoryEntry, root: String) -> [String: Any] {
        let doc = model.sourceByKey[h.edition]
        var c: [String: Any] = ["edition": doc?.edition ?? h.edition, "editionTitle": doc?.title ?? "", "editionUrl": root + "changes/\(h.edition).html",
                                "change": h.change.label, "changeKey": h.change.rawValue, "note": h.note]
        if let before = h.before, let after = h.after {
            let diff = TextDiff.compare(before, after)
            func segs(_ s: [TextDiff.Segment]) -> [[String: Any]] {
                s.map { ["text": $0.text, "removed": $0.kind == .removed, "inserted": $0.kind == .inserted] }
            }
            c["diff"] = ["before": segs(diff.before), "after": segs(diff.after)]
        } else {
            if let before = h.before { c["beforeHTML"] = renderMarkdown(before, root: root) }
            if let after = h.after { c["afterHTML"] = renderMarkdown(after, root: root) }
        }
        return c
    }

    func facetsIndexContext(_ root: String) -> [String: Any] {
        ["facets": model.config.facets.map { facet -> [String: Any] in
            ["key": facet.key, "label": facet.label, "graded": facet.kind == .graded,
             "values": facet.values.map { v -> [String: Any] in
                 let n = model.requirements.filter { r in r.status == .active && SiteModel.values(of: r, facet: facet.key).contains { $0.value == v.key && $0.grade != "na" } }.count
                 return ["label": v.label, "url": root + Self.facetURL(facet.key, v.key), "count": n]
             }]
        }]
    }

    func facetValueContext(_ facet: Facet, _ value: FacetValue, _ root: String) -> [String: Any] {
        let tagged = model.requirements.filter { r in r.status == .active && SiteModel.values(of: r, facet: facet.key).contains { $0.value == value.key } }
        var c: [String: Any] = ["facetLabel": facet.label, "valueLabel": value.label, "graded": facet.kind == .graded]
        if facet.kind == .graded {
            c["gradeGroups"] = model.config.grades.compactMap { g -> [String: Any]? in
                let rs = tagged.filter { r in SiteModel.values(of: r, facet: facet.key).contains { $0.value == value.key && $0.grade == g.key } }
                guard !rs.isEmpty else { return nil }
                return ["symbol": g.symbol, "label": g.label, "key": g.key, "count": rs.count, "items": rs.map { item($0, root: root) }]
            }
            c["count"] = tagged.filter { r in SiteModel.values(of: r, facet: facet.key).contains { $0.value == value.key && $0.grade != "na" } }.count
        } else {
            c["items"] = tagged.map { item($0, root: root) }
            c["count"] = tagged.count
        }
        c["siblings"] = facet.values.map { v in ["label": v.label, "url": root + Self.facetURL(facet.key, v.key), "current": v.key == value.key] }
        return c
    }

    func glossaryIndexContext(_ root: String) -> [String: Any] {
        ["terms": model.glossary.map { t -> [String: Any] in
            var d = item(t, root: root)
            d["reading"] = t.reading ?? ""
            d["synonyms"] = t.synonyms.joined(separator: "、")
            return d
        }]
    }

    func termContext(_ t: ContentPage, _ root: String) -> [String: Any] {
        var c = item(t, root: root)
        c["reading"] = t.reading ?? ""
        c["synonyms"] = t.synonyms.map { ["text": $0, "url": root + "search.html?q=" + Self.queryValue($0)] }
        c["body"] = markdown(t, root: root)
        c["sources"] = sourceItems(t, root: root)
        c["related"] = t.related.compactMap { model.byID[$0.value] }.map { item($0, root: root) }
        return c
    }

    func listContext(_ pages: [ContentPage], _ root: String) -> [String: Any] {
        ["items": pages.map { p -> [String: Any] in
            var d = item(p, root: root)
            d["itemCount"] = p.items.count
            return d
        }]
    }

    func checklistRows(_ c: ContentPage) -> [(no: Int, group: String?, text: String, requirement: ContentPage?, basis: String)] {
        c.items.enumerated().map { i, it in
            let req = model.byID[it.requirement]
            let section = it.section ?? req?.sources.first.map { "\(model.sourceByKey[$0.doc]?.title ?? $0.doc) \($0.section)" } ?? ""
            return (i + 1, it.group, it.text, req, section)
        }
    }

    func checklistContext(_ c: ContentPage, _ root: String) -> [String: Any] {
        var ctx = item(c, root: root)
        ctx["body"] = markdown(c, root: root)
        var groups: [[String: Any]] = []
        for row in checklistRows(c) {
            let r: [String: Any] = ["no": row.no, "text": row.text, "requirementID": row.requirement?.id ?? "",
                                    "requirementTitle": row.requirement?.title ?? "", "requirementUrl": row.requirement.map { root + SiteModel.url(of: $0) } ?? "",
                                    "basis": row.basis]
            if let last = groups.last, (last["group"] as? String) == (row.group ?? "") {
                var g = groups.removeLast()
                g["rows"] = (g["rows"] as! [[String: Any]]) + [r]
                groups.append(g)
            } else {
                groups.append(["group": row.group ?? "", "hasGroup": row.group != nil, "rows": [r]])
            }
        }
        ctx["groups"] = groups
        ctx["itemCount"] = c.items.count
        ctx["sources"] = sourceItems(c, root: root)
        ctx["csvUrl"] = root + "checklists/\(c.id).csv"
        ctx["footer"] = checklistFooter(c)
        ctx["printMeta"] = checklistPrintMeta(c)
        return ctx
    }

    /// The edition line of the printed page margin: the editions of the checklist's own sources
    /// (else of the documents its items cite), and the date of the newest source document of the
    /// site as the date the content stands at. Not the clock: builds stay byte-identical.
    func checklistPrintMeta(_ c: ContentPage) -> String {
        let own = c.sources.map(\.doc).uniqued()
        let docs = own.isEmpty ? c.items.compactMap { model.byID[$0.requirement]?.sources.first?.doc }.uniqued() : own
        let editions = docs.compactMap { model.sourceByKey[$0]?.edition }.uniqued().joined(separator: "／")
        let newest = model.sources.compactMap { OSCALExport.normalizedDate($0.date) }.max()
        return [editions.isEmpty ? nil : "出典の版: \(editions)", newest.map { "内容の基準日: \($0)" }]
            .compactMap { $0 }.joined(separator: "　")
    }

    /// Source and edition for the printed footer: taken from content, never from the clock.
    func checklistFooter(_ c: ContentPage) -> String {
        let docs = (c.sources.map(\.doc) + c.items.compactMap { model.byID[$0.requirement]?.sources.first?.doc }).uniqued()
        return docs.compactMap { model.sourceByKey[$0] }.map { "\($0.title)（\($0.edition)）" }.joined(separator: "／")
    }

    func scenarioContext(_ s: ContentPage, _ root: String) -> [String: Any] {
        var c = item(s, root: root)
        c["body"] = markdown(s, root: root)
        c["selection"] = s.selection.compactMap { a -> [String: Any]? in
            guard let facet = model.config.facet(a.facet) else { return nil }
            return ["label": facet.label, "values": a.values.compactMap { facet.value($0.value)?.label }.joined(separator: "、")]
        }
        c["lookupUrl"] = root + "lookup.html#" + Self.selectionFragment(s.selection)
        // The requirements that apply, grouped by 段階, so the page is useful without JavaScript.
        let applicable = model.requirements.filter { $0.status == .active && LookupMatch.applies($0, selection: s.selection, config: model.config) }
        c["applicableCount"] = applicable.count
        c["applicable"] = phaseGroups(applicable, root: root)
        c["related"] = s.related.compactMap { model.byID[$0.value] }.map { item($0, root: root) }
        return c
    }

    /// Requirements grouped by the `phase` facet in site.yml order, then those without a phase.
    func phaseGroups(_ reqs: [ContentPage], root: String) -> [[String: Any]] {
        let values = model.config.facet("phase")?.values ?? []
        var groups: [[String: Any]] = []
        for v in values.map({ Optional($0) }) + [nil] {
            let items = reqs.filter { r in
                let phases = SiteModel.values(of: r, facet: "phase").map(\.value)
                return v.map { phases.contains($0.key) } ?? phases.isEmpty
            }
            guard !items.isEmpty else { continue }
            groups.append(["label": v?.label ?? "全段階", "count": items.count, "items": items.map { item($0, root: root) }])
        }
        return groups
    }

    static func selectionFragment(_ selection: [FacetAssignment]) -> String {
        selection.map { "\($0.facet)=" + $0.values.map(\.value).joined(separator: ",") }.joined(separator: "&")
    }

    func sourcesContext(_ root: String) -> [String: Any] {
        ["sources": model.sources.map { d -> [String: Any] in
            let n = model.requirements.filter { $0.sources.contains { $0.doc == d.key } }.count
            return ["key": d.key, "title": d.title, "publisher": d.publisher, "date": d.date, "edition": d.edition,
                    "family": d.family, "count": n, "hasChanges": !changes(in: d.key).isEmpty, "changesUrl": root + "changes/\(d.key).html"]
        }]
    }

    // MARK: - Editions

    func changes(in edition: String) -> [(page: ContentPage, entry: HistoryEntry)] {
        model.requirements.flatMap { r in r.history.filter { $0.edition == edition }.map { (r, $0) } }
    }

    func editionsWithChanges() -> [SourceDocument] {
        model.sources.filter { !changes(in: $0.key).isEmpty }
    }

    func changesIndexContext(_ root: String) -> [String: Any] {
        ["editions": editionsWithChanges().sorted { $0.date > $1.date }.map { d -> [String: Any] in
            let list = changes(in: d.key)
            return ["title": d.title, "edition": d.edition, "date": d.date, "url": root + "changes/\(d.key).html", "count": list.count,
                    "counts": ChangeKind.allCases.compactMap { k -> [String: Any]? in
                        let n = list.filter { $0.entry.change == k }.count
                        return n == 0 ? nil : ["label": k.label, "count": n]
                    }]
        }, "feedUrl": root + "changes/feed.xml"]
    }

    func editionContext(_ d: SourceDocument, _ root: String) -> [String: Any] {
        let list = changes(in: d.key)
        let phase = model.config.facet("phase")
        var groups: [[String: Any]] = []
        for v in (phase?.values ?? []).map({ Optional($0) }) + [nil] {
            let inGroup = list.filter { pair in
                let phases = SiteModel.values(of: pair.page, facet: "phase").map(\.value)
                if let v { return phases.first == v.key }
                return phases.isEmpty
            }
            guard !inGroup.isEmpty else { continue }
            groups.append(["label": v?.label ?? "全段階", "items": inGroup.map { pair -> [String: Any] in
                var c = item(pair.page, root: root)
                c["entry"] = historyContext(pair.entry, root: root)
                return c
            }])
        }
        return ["title": d.title, "edition": d.edition, "date": d.date, "count": list.count, "groups": groups]
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
