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
    /// A history entry's 新旧対照 is shown on its requirement's page and on its edition's page:
    /// compared once.
    let diffs = TextDiff.Memo()

    struct Job: Sendable {
        var path: String
        var template: String
        var title: String
        var nav: String
        var breadcrumbs: [(String, String?)]
        var context: @Sendable (String) -> TemplateValue   // root → context
        var scripts: [String] = []
        var bodyClass: String = ""
        /// Site-relative page the browser moves to after showing this one (retired IDs).
        var redirect: String? = nil
        /// A draft page (built with --drafts): the layout shows a badge.
        var draft = false
        /// The 404 page is served for any missing address: with `baseURL:` its links are absolute.
        var fixedRoot: String? = nil

        var root: String { fixedRoot ?? LinkResolver.root(for: path) }
    }

    static let notFoundPath = "404.html"

    func jobs() -> [Job] {
        var jobs: [Job] = []
        let m = model
        let t = theme.strings
        jobs.append(Job(path: "index.html", template: "home", title: m.config.title, nav: "home", breadcrumbs: [],
                        context: { root in self.homeContext(root) }, bodyClass: "home"))
        jobs.append(Job(path: "rules/index.html", template: "rules-index", title: t["rules"], nav: "rules",
                        breadcrumbs: [(t["rules"], nil)], context: { root in self.rulesIndexContext(root) }))
        for r in m.requirements {
            jobs.append(Job(path: SiteModel.url(of: r), template: "requirement", title: r.title, nav: "rules",
                            breadcrumbs: [(t["rules"], "rules/index.html"), (r.title, nil)],
                            context: { root in self.requirementContext(r, root) }, bodyClass: r.status == .active ? "" : "retired",
                            redirect: r.status == .active ? nil : r.successor.flatMap { m.byID[$0.value] }.map { SiteModel.url(of: $0) }))
        }
        jobs.append(Job(path: "facets/index.html", template: "facets-index", title: t["facets"], nav: "facets",
                        breadcrumbs: [(t["facets"], nil)], context: { root in self.facetsIndexContext(root) }))
        for facet in m.config.facets {
            for value in facet.values {
                jobs.append(Job(path: Self.facetURL(facet.key, value.key), template: "facet-value", title: "\(facet.label): \(value.label)", nav: "facets",
                                breadcrumbs: [(t["facets"], "facets/index.html"), (facet.label, "facets/index.html#facet-\(facet.key)"), (value.label, nil)],
                                context: { root in self.facetValueContext(facet, value, root) }))
            }
        }
        jobs.append(Job(path: "glossary/index.html", template: "glossary-index", title: t["glossary"], nav: "glossary",
                        breadcrumbs: [(t["glossary"], nil)], context: { root in self.glossaryIndexContext(root) }))
        for term in m.glossary {
            jobs.append(Job(path: SiteModel.url(of: term), template: "glossary-term", title: term.title, nav: "glossary",
                            breadcrumbs: [(t["glossary"], "glossary/index.html"), (term.title, nil)], context: { root in self.termContext(term, root) }))
        }
        jobs.append(Job(path: "checklists/index.html", template: "checklists-index", title: t["checklists"], nav: "checklists",
                        breadcrumbs: [(t["checklists"], nil)], context: { root in self.listContext(m.checklists, root) }))
        for c in m.checklists {
            jobs.append(Job(path: SiteModel.url(of: c), template: "checklist", title: c.title, nav: "checklists",
                            breadcrumbs: [(t["checklists"], "checklists/index.html"), (c.title, nil)],
                            context: { root in self.checklistContext(c, root) }, bodyClass: "checklist-page"))
        }
        jobs.append(Job(path: "scenarios/index.html", template: "scenarios-index", title: t["scenarios"], nav: "scenarios",
                        breadcrumbs: [(t["scenarios"], nil)], context: { root in self.listContext(m.scenarios, root) }))
        for s in m.scenarios {
            jobs.append(Job(path: SiteModel.url(of: s), template: "scenario", title: s.title, nav: "scenarios",
                            breadcrumbs: [(t["scenarios"], "scenarios/index.html"), (s.title, nil)], context: { root in self.scenarioContext(s, root) }))
        }
        jobs.append(Job(path: "sources.html", template: "sources", title: t["sources"], nav: "sources",
                        breadcrumbs: [(t["sources"], nil)], context: { root in self.sourcesContext(root) }))
        jobs.append(Job(path: "changes/index.html", template: "changes-index", title: t["changes"], nav: "changes",
                        breadcrumbs: [(t["changes"], nil)], context: { root in self.changesIndexContext(root) }))
        for edition in editionsWithChanges() {
            jobs.append(Job(path: "changes/\(edition.key).html", template: "edition", title: t.format("edition_page_title", ["title": edition.title, "edition": edition.edition]), nav: "changes",
                            breadcrumbs: [(t["changes"], "changes/index.html"), (edition.edition, nil)],
                            context: { root in self.editionContext(edition, root) }))
        }
        jobs.append(Job(path: "search.html", template: "search", title: t["search"], nav: "search", breadcrumbs: [(t["search"], nil)],
                        context: { _ in [:] as TemplateValue }, scripts: ["assets/js/search-core.js", "assets/js/search-page.js"]))
        jobs.append(Job(path: "lookup.html", template: "lookup", title: t["lookup"], nav: "lookup", breadcrumbs: [(t["lookup"], nil)],
                        context: { _ in [:] as TemplateValue }, scripts: ["data/lookup.js", "assets/js/lookup-core.js", "assets/js/lookup-page.js"], bodyClass: "lookup-page"))
        jobs.append(Job(path: Self.notFoundPath, template: "not-found", title: t["not_found_title"], nav: "", breadcrumbs: [],
                        context: { _ in [:] as TemplateValue }, bodyClass: "not-found", fixedRoot: m.config.baseURL))
        // Draft pages (only present when built with --drafts) carry the badge.
        let drafts = Set((m.requirements + m.glossary + m.checklists + m.scenarios).filter(\.draft).map { SiteModel.url(of: $0) })
        if !drafts.isEmpty {
            for i in jobs.indices where drafts.contains(jobs[i].path) { jobs[i].draft = true }
        }
        return jobs
    }

    /// The default menu, when site.yml has no `menu:`.
    static let defaultMenu = ["lookup", "rules", "facets", "scenarios", "checklists", "glossary", "changes", "sources"]

    /// The menu: site.yml's `menu:` or the default, labels from the theme's strings unless given.
    var navItems: [(key: String?, label: String, url: String)] {
        let entries = model.config.menu ?? Self.defaultMenu.compactMap { key in
            ConfigLoader.menuPages.first { $0.key == key }.map { MenuEntry(key: key, label: nil, url: $0.url) }
        }
        return entries.map { ($0.key, $0.label ?? theme.strings[$0.key ?? ""], $0.url) }
    }

    /// The page's template context and a fingerprint of everything that goes into it.
    func prepare(_ job: Job) -> (context: TemplateValue, fingerprint: String) {
        let root = job.root
        var context = job.context(root)
        context["root"] = .string(root)
        var h = StableHash()
        h.add(theme.fingerprint)
        h.add(job.template); h.add(job.title); h.add(job.nav); h.add(job.bodyClass); h.add(job.redirect ?? "")
        if job.draft { h.add("draft") }
        if model.config.unsafeHTML { h.add("markdown.unsafe_html") }  // the same Markdown renders differently
        for (label, url) in job.breadcrumbs { h.add(label); h.add(url ?? "") }
        for s in job.scripts { h.add(s) }
        Fingerprint.of(context, into: &h)
        // The layout around the page is part of it too: site.yml's title, description, menu,
        // footer, logo, stylesheets and scripts show on every page (without this, a new site
        // title left every page that does not show it in its own context stale).
        var layout = layoutContext(job, content: "")
        layout["strings"] = .null   // the strings are in the theme's fingerprint above
        h.add("layout"); Fingerprint.of(layout, into: &h)
        context["strings"] = theme.strings.templateValue
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
        let root = job.root
        var crumbs: [TemplateValue] = [["label": .string(theme.strings["home"]), "url": .string(root + "index.html")]]
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
            "nav": .list(navItems.map { ["label": .string($0.label), "url": .string(root + $0.url), "current": .bool($0.key == job.nav || ($0.key == nil && $0.url == job.path))] }),
            "breadcrumbs": .list(job.breadcrumbs.isEmpty ? [] : crumbs),
            "scripts": .list(([Theme.stringsScriptPath] + job.scripts + ["assets/js/search-core.js", "assets/js/search-page.js"] + model.config.extraJS.map(\.path)).uniqued().map { ["src": .string(root + $0)] }),
            "generator": "Tebiki",
            "strings": theme.strings.templateValue,
            "footer": .string(model.config.footer ?? "\(model.config.title) — \(theme.strings["footer_note"])"),
            "stylesheets": .list(((model.config.colors.isEmpty ? [] : [Self.coloursPath]) + model.config.extraCSS.map(\.path)).map { ["href": .string(root + $0)] }),
        ]
        if let logo = model.config.logo { layout["logo"] = .string(root + logo.path) }
        if let redirect = job.redirect { layout["redirect"] = .string(root + redirect) }
        if job.draft { layout["isDraft"] = .bool(true) }
        return layout
    }

    // MARK: - Shared pieces

    /// The pages every site has, whatever its content: no content may claim their paths.
    static let fixedPaths: Set<String> = ["index.html", "rules/index.html", "facets/index.html", "glossary/index.html",
                                          "checklists/index.html", "scenarios/index.html", "sources.html", "changes/index.html",
                                          "search.html", "lookup.html", "404.html", "sitemap.xml"]

    /// The stylesheet with site.yml's `colors:` (written only when there are any).
    static let coloursPath = "assets/css/colors.css"

    /// The CSS of site.yml's `colors:`; the values are checked hex colours.
    static func coloursCSS(_ colours: [Colour]) -> Data {
        Data((":root {\n" + colours.map { "  --\($0.name): \($0.value);\n" }.joined() + "}\n").utf8)
    }

    static func facetURL(_ facet: String, _ value: String) -> String { "facets/\(facet)-\(value).html" }

    /// A query-string value: everything but unreserved ASCII percent-encoded, so a synonym with
    /// `&`, `=`, `+` or `#` searches for itself instead of adding parameters or a fragment.
    static func queryValue(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: queryValueAllowed) ?? ""
    }

    static let queryValueAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    func markdown(_ page: ContentPage, root: String) -> DeferredMarkdown {
        let targets = page.links.compactMap { link -> String? in
            // A file beside the Markdown is rewritten only while it exists: part of the fingerprint.
            if !model.contentFiles.isEmpty, let t = ContentFiles.target(of: link.url, fromSource: page.path) {
                return model.contentFiles.contains(t.file) ? t.output : nil
            }
            return LinkResolver.contentTarget(of: link.url).map { model.byID[$0].map(SiteModel.url(of:)) ?? "?" }
        }
        return deferred(page.body, root: root, targets: targets, source: (page.path, SiteModel.url(of: page)))
    }

    func renderMarkdown(_ text: String, root: String) -> DeferredMarkdown {
        // History snippets are short; find their link targets with a cheap scan of `(x.md`.
        let targets = text.split(separator: "(").dropFirst().compactMap { part -> String? in
            let url = part.prefix { $0 != ")" && $0 != " " }
            return LinkResolver.contentTarget(of: String(url)).map { model.byID[$0].map(SiteModel.url(of:)) ?? "?" }
        }
        return deferred(text, root: root, targets: targets)
    }

    /// `source`: the Markdown file, for links and images written from its folder to `static/`
    /// or to a file beside it in `content/`.
    private func deferred(_ text: String, root: String, targets: [String], source: (markdown: String, page: String)? = nil) -> DeferredMarkdown {
        let byID = model.byID
        let contentFiles = model.contentFiles
        var options = Markdown.Options()
        options.unsafe = model.config.unsafeHTML
        options.headingAnchorLabel = theme.strings["heading_anchor_label"]
        return DeferredMarkdown(text: text, linkTargets: targets) { [options] text in
            Markdown.render(text, options: options) { url in
                if let source, let path = LinkResolver.staticTarget(of: url, fromSource: source.markdown) { return .replace(root + path) }
                // Relative to the page, as short as the author wrote it (`img/a.png`, not `../rules/img/a.png`).
                if let source, !contentFiles.isEmpty, let t = ContentFiles.target(of: url, fromSource: source.markdown), contentFiles.contains(t.file) {
                    let url = root == LinkResolver.root(for: source.page) ? LinkResolver.relative(from: source.page, to: t.output) : root + t.output
                    return .replace(url + t.suffix)
                }
                guard let id = LinkResolver.contentTarget(of: url), let target = byID[id] else { return .keep }
                let fragment = LinkResolver.fragment(of: url).map { "#" + $0 } ?? ""
                return .replace(root + SiteModel.url(of: target) + fragment)
            }
        }
    }

    func facetGroups(_ page: ContentPage, root: String) -> [TemplateValue] {
        model.config.facets.compactMap { facet -> TemplateValue? in
            let assigned = SiteModel.values(of: page, facet: facet.key)
            guard !assigned.isEmpty else { return nil }
            if let allLabel = facet.allLabel, assigned.contains(where: { $0.value == allValueKey }) {
                // `all`: applies to every case; shown as one neutral entry, never with a grade.
                return [
                    "key": .string(facet.key), "label": .string(facet.label), "graded": .bool(false),
                    "values": .list([["label": .string(allLabel), "url": .string(root + "facets/index.html"),
                                      "symbol": "", "gradeLabel": "", "gradeKey": "all"]]),
                ]
            }
            let ordered = facet.values.filter { v in assigned.contains { $0.value == v.key } }
            return [
                "key": .string(facet.key), "label": .string(facet.label), "graded": .bool(facet.kind == .graded),
                "values": .list(ordered.map { v -> TemplateValue in
                    let gradeKey = assigned.first { $0.value == v.key }?.grade
                    let grade = gradeKey.flatMap { model.config.grade($0) }
                    // No grade: the requirement applies to this value and its source gives no
                    // grade (only the handbook's 9.2.3 and 9.3.1 tables do).
                    return ["label": .string(v.label), "url": .string(root + Self.facetURL(facet.key, v.key)),
                            "symbol": .string(grade?.symbol ?? ""), "gradeLabel": .string(grade?.label ?? theme.strings["lookup_applies"]),
                            "gradeKey": .string(gradeKey ?? "applies")]
                }),
            ]
        }
    }

    func sourceItems(_ page: ContentPage, root: String) -> [TemplateValue] {
        page.sources.map { s in
            let doc = model.sourceByKey[s.doc]
            return ["key": .string(s.doc), "title": .string(doc?.title ?? s.doc), "publisher": .string(doc?.publisher ?? ""),
                    "edition": .string(doc?.edition ?? ""), "section": .string(s.section), "url": .string(root + "sources.html#src-\(s.doc)")]
        }
    }

    /// The fields every list of pages shows; page contexts add their own to it.
    /// The pages (only the active ones if `activeOnly`) with one of the values
    /// `SiteModel.values(of:facet:)` lists passing `test` (value key, grade key). The facet pages
    /// ask this of every requirement: it reads the fields it needs in place, as copying a
    /// ContentPage (what `filter` does with each element) retains every one of its fields.

    static func tagged(_ pages: [ContentPage], activeOnly: Bool = false, facet: String,
                       where test: (_ value: String, _ grade: String?) -> Bool) -> [ContentPage] {
        var result: [ContentPage] = []
        for i in pages.indices where !activeOnly || pages[i].status == .active {
            let facets = pages[i].facets
            guard let f = facets.indices.first(where: { facets[$0].facet == facet }) else { continue }
            let values = facets[f].values
            if values.indices.contains(where: { test(values[$0].value, values[$0].grade) }) { result.append(pages[i]) }
        }
        return result
    }

    func item(_ page: ContentPage, root: String) -> TemplateValue {
        let stages = model.config.stageFacet
        let phases = stages.map { f in SiteModel.values(of: page, facet: f.key).compactMap { f.value($0.value)?.label }.joined(separator: theme.strings["value_separator"]) } ?? ""
        return ["id": .string(page.id), "title": .string(page.title), "summary": .string(page.summary), "url": .string(root + SiteModel.url(of: page)),
                "kindLabel": .string(theme.strings["page_kind_\(page.kind.rawValue)"]), "retired": .bool(page.status != .active), "phases": .string(phases), "stageLabel": .string(stages?.label ?? ""),
                "sections": .string(page.sources.first.map { "\(model.sourceByKey[$0.doc]?.title ?? $0.doc) \($0.section)" } ?? "")]
    }

    func items(_ pages: [ContentPage], root: String) -> TemplateValue {
        .list(pages.map { item($0, root: root) })
    }

    /// Title and link only: the facet-value pages list thousands of requirements each on a big
    /// site, and the summary and sources of every row made them 2–3 MB apiece (item-title-list).
    func titleItems(_ pages: [ContentPage], root: String) -> TemplateValue {
        .list(pages.map { ["title": .string($0.title), "url": .string(root + SiteModel.url(of: $0))] })
    }

    // MARK: - Page contexts

    func homeContext(_ root: String) -> TemplateValue {
        let t = theme.strings
        let browse = model.config.homeFacets.map { facet -> TemplateValue in
            ["label": .string(facet.label), "heading": .string(t.format("home_browse", ["label": facet.label])), "values": .list(facet.values.map { v -> TemplateValue in
                let n = Self.tagged(model.requirements, activeOnly: true, facet: facet.key) { $0 == v.key && model.config.applies(grade: $1) }.count
                return ["label": .string(v.label), "url": .string(root + Self.facetURL(facet.key, v.key)), "count": .int(n)]
            })]
        }
        let stats: [(String, Int)] = [("stats_requirements", model.requirements.count { $0.status == .active }), ("stats_glossary", model.glossary.count),
                                      ("stats_checklists", model.checklists.count), ("stats_scenarios", model.scenarios.count), ("stats_sources", model.sources.count)]
        let hero = (model.config.hero ?? model.config.title).split(separator: "\n").map { ["text": .string(String($0))] as TemplateValue }
        return [
            "hero": .list(hero),
            "stats": .list(stats.map { ["text": .string(t.format($0.0, ["n": String($0.1)]))] }),
            "description": .string(model.config.description),
            "counts": ["requirements": .int(model.requirements.count { $0.status == .active }), "glossary": .int(model.glossary.count), "checklists": .int(model.checklists.count),
                       "scenarios": .int(model.scenarios.count), "sources": .int(model.sources.count)],
            "browse": .list(browse),
            "scenarios": items(model.scenarios, root: root),
            "checklists": items(model.checklists, root: root),
        ]
    }

    func rulesIndexContext(_ root: String) -> TemplateValue {
        let groups = model.sources.compactMap { doc -> TemplateValue? in
            let rules = model.requirements.filter { $0.sources.first?.doc == doc.key }
            guard !rules.isEmpty else { return nil }
            return ["title": .string(doc.title), "edition": .string(doc.edition), "key": .string(doc.key), "count": .int(rules.count),
                    "items": items(rules, root: root)]
        }
        return ["groups": .list(groups), "count": .int(model.requirements.count)]
    }

    func requirementContext(_ r: ContentPage, _ root: String) -> TemplateValue {
        var c = item(r, root: root)
        c["body"] = .markdown(markdown(r, root: root))
        c["sources"] = .list(sourceItems(r, root: root))
        c["facets"] = .list(facetGroups(r, root: root))
        let relatedIDs = (r.related.map(\.value) + (model.relatedBack[r.id] ?? [])).uniqued().filter { $0 != r.id }
        c["related"] = items(relatedIDs.compactMap { model.byID[$0] }, root: root)
        c["checks"] = .list((model.checksByRequirement[r.id] ?? []).map { pair -> TemplateValue in
            ["text": .string(pair.item.text), "checklistTitle": .string(pair.checklist.title), "url": .string(root + SiteModel.url(of: pair.checklist))]
        })
        c["history"] = .list(r.history.map { historyContext($0, root: root) })
        c["status"] = .string(r.status.rawValue)
        c["isRetired"] = .bool(r.status == .retired)
        c["isRenamed"] = .bool(r.status == .renamed)
        if let s = r.successor, let target = model.byID[s.value] {
            c["successor"] = item(target, root: root)
        }
        return c
    }

    func historyContext(_ h: HistoryEntry, root: String) -> TemplateValue {
        let doc = model.sourceByKey[h.edition]
        var c: TemplateValue = ["edition": .string(doc?.edition ?? h.edition), "editionTitle": .string(doc?.title ?? ""),
                                "editionUrl": .string(root + "changes/\(h.edition).html"), "change": .string(theme.strings["change_\(h.change.rawValue)"]),
                                "changeKey": .string(h.change.rawValue), "note": .string(h.note)]
        if let before = h.before, let after = h.after {
            let diff = diffs.compare(before, after)
            func segs(_ s: [TextDiff.Segment]) -> TemplateValue {
                .list(s.map { ["text": .string($0.text), "removed": .bool($0.kind == .removed), "inserted": .bool($0.kind == .inserted)] })
            }
            c["diff"] = ["before": segs(diff.before), "after": segs(diff.after)]
        } else {
            if let before = h.before { c["beforeHTML"] = .markdown(renderMarkdown(before, root: root)) }
            if let after = h.after { c["afterHTML"] = .markdown(renderMarkdown(after, root: root)) }
        }
        return c
    }

    func facetsIndexContext(_ root: String) -> TemplateValue {
        ["facets": .list(model.config.facets.map { facet -> TemplateValue in
            ["key": .string(facet.key), "label": .string(facet.label), "graded": .bool(facet.kind == .graded),
             "values": .list(facet.values.map { v -> TemplateValue in
                 let n = Self.tagged(model.requirements, activeOnly: true, facet: facet.key) { $0 == v.key && model.config.applies(grade: $1) }.count
                 return ["label": .string(v.label), "url": .string(root + Self.facetURL(facet.key, v.key)), "count": .int(n)]
             })]
        })]
    }

    func facetValueContext(_ facet: Facet, _ value: FacetValue, _ root: String) -> TemplateValue {
        let tagged = Self.tagged(model.requirements, activeOnly: true, facet: facet.key) { v, _ in v == value.key }
        var c: TemplateValue = ["facetLabel": .string(facet.label), "valueLabel": .string(value.label), "graded": .bool(facet.kind == .graded)]
        if facet.kind == .graded {
            var groups: [TemplateValue] = model.config.grades.compactMap { g -> TemplateValue? in
                let rs = Self.tagged(tagged, facet: facet.key) { $0 == value.key && $1 == g.key }
                guard !rs.isEmpty else { return nil }
                return ["symbol": .string(g.symbol), "label": .string(g.label), "key": .string(g.key), "count": .int(rs.count), "items": titleItems(rs, root: root)]
            }
            // Applies without a grade (the source gives none).
            let ungraded = Self.tagged(tagged, facet: facet.key) { $0 == value.key && $1 == nil }
            if !ungraded.isEmpty {
                groups.append(["symbol": "", "label": .string(theme.strings["lookup_applies_ungraded"]), "key": "applies",
                               "count": .int(ungraded.count), "items": titleItems(ungraded, root: root)])
            }
            c["gradeGroups"] = .list(groups)
            c["count"] = .int(Self.tagged(tagged, facet: facet.key) { $0 == value.key && model.config.applies(grade: $1) }.count)
        } else {
            c["items"] = titleItems(tagged, root: root)
            c["count"] = .int(tagged.count)
        }
        // Requirements that state `all` for this facet apply here too; the lookup lists them.
        if let allLabel = facet.allLabel {
            let every = Self.tagged(model.requirements, activeOnly: true, facet: facet.key) { v, _ in v == allValueKey }.count
            if every > 0 {
                c["allNote"] = .string(theme.strings.format("facet_all_note", ["label": allLabel, "n": String(every)]))
                c["lookupUrl"] = .string(root + "lookup.html#" + facet.key + "=" + value.key)
            }
        }
        c["siblings"] = .list(facet.values.map { v in
            ["label": .string(v.label), "url": .string(root + Self.facetURL(facet.key, v.key)), "current": .bool(v.key == value.key)]
        })
        return c
    }

    func glossaryIndexContext(_ root: String) -> TemplateValue {
        ["terms": .list(model.glossary.map { t -> TemplateValue in
            var d = item(t, root: root)
            d["reading"] = .string(t.reading ?? "")
            d["synonyms"] = .string(t.synonyms.joined(separator: theme.strings["list_separator"]))
            return d
        })]
    }

    func termContext(_ t: ContentPage, _ root: String) -> TemplateValue {
        var c = item(t, root: root)
        c["reading"] = .string(t.reading ?? "")
        c["synonyms"] = .list(t.synonyms.map { ["text": .string($0), "url": .string(root + "search.html?q=" + Self.queryValue($0))] })
        c["body"] = .markdown(markdown(t, root: root))
        c["sources"] = .list(sourceItems(t, root: root))
        c["related"] = items(t.related.compactMap { model.byID[$0.value] }, root: root)
        return c
    }

    func listContext(_ pages: [ContentPage], _ root: String) -> TemplateValue {
        ["items": .list(pages.map { p -> TemplateValue in
            var d = item(p, root: root)
            d["itemCount"] = .int(p.items.count)
            return d
        })]
    }

    func checklistRows(_ c: ContentPage) -> [(no: Int, group: String?, text: String, requirement: ContentPage?, basis: String)] {
        c.items.enumerated().map { i, it in
            let req = model.byID[it.requirement]
            let section = it.section ?? req?.sources.first.map { "\(model.sourceByKey[$0.doc]?.title ?? $0.doc) \($0.section)" } ?? ""
            return (i + 1, it.group, it.text, req, section)
        }
    }

    func checklistContext(_ c: ContentPage, _ root: String) -> TemplateValue {
        var ctx = item(c, root: root)
        ctx["body"] = .markdown(markdown(c, root: root))
        // Consecutive rows of the same group make one group.
        var groups: [(group: String?, rows: [TemplateValue])] = []
        for row in checklistRows(c) {
            let r: TemplateValue = ["no": .int(row.no), "text": .string(row.text), "requirementID": .string(row.requirement?.id ?? ""),
                                    "requirementTitle": .string(row.requirement?.title ?? ""),
                                    "requirementUrl": .string(row.requirement.map { root + SiteModel.url(of: $0) } ?? ""), "basis": .string(row.basis)]
            if let last = groups.last, (last.group ?? "") == (row.group ?? "") {
                groups[groups.count - 1].rows.append(r)
            } else {
                groups.append((row.group, [r]))
            }
        }
        ctx["groups"] = .list(groups.map { ["group": .string($0.group ?? ""), "hasGroup": .bool($0.group != nil), "rows": .list($0.rows)] })
        ctx["itemCount"] = .int(c.items.count)
        ctx["sources"] = .list(sourceItems(c, root: root))
        ctx["csvUrl"] = .string(root + "checklists/\(c.id).csv")
        ctx["footer"] = .string(checklistFooter(c))
        ctx["printMeta"] = .string(checklistPrintMeta(c))
        return ctx
    }

    /// The edition line of the printed page margin: the editions of the checklist's own sources
    /// (else of the documents its items cite), and the date of the newest source document of the
    /// site as the date the content stands at. Not the clock: builds stay byte-identical.
    func checklistPrintMeta(_ c: ContentPage) -> String {
        let own = c.sources.map(\.doc).uniqued()
        let docs = own.isEmpty ? c.items.compactMap { model.byID[$0.requirement]?.sources.first?.doc }.uniqued() : own
        let editions = docs.compactMap { model.sourceByKey[$0]?.edition }.uniqued().joined(separator: theme.strings["print_editions_separator"])
        let newest = model.sources.compactMap { OSCALExport.normalizedDate($0.date) }.max()
        let t = theme.strings
        return [editions.isEmpty ? nil : t.format("print_editions", ["editions": editions]), newest.map { t.format("print_date", ["date": $0]) }]
            .compactMap { $0 }.joined(separator: theme.strings["print_meta_separator"])
    }

    /// Source and edition for the printed footer: taken from content, never from the clock.
    func checklistFooter(_ c: ContentPage) -> String {
        let docs = (c.sources.map(\.doc) + c.items.compactMap { model.byID[$0.requirement]?.sources.first?.doc }).uniqued()
        return docs.compactMap { model.sourceByKey[$0] }.map { theme.strings.format("source_with_edition", ["title": $0.title, "edition": $0.edition]) }.joined(separator: theme.strings["group_separator"])
    }

    func scenarioContext(_ s: ContentPage, _ root: String) -> TemplateValue {
        var c = item(s, root: root)
        c["body"] = .markdown(markdown(s, root: root))
        c["selection"] = .list(s.selection.compactMap { a -> TemplateValue? in
            guard let facet = model.config.facet(a.facet) else { return nil }
            return ["label": .string(facet.label), "values": .string(a.values.compactMap { facet.value($0.value)?.label }.joined(separator: theme.strings["list_separator"]))]
        })
        c["lookupUrl"] = .string(root + "lookup.html#" + Self.selectionFragment(s.selection))
        // The requirements that apply, grouped by 段階, so the page is useful without JavaScript.
        let applicable = model.requirements.filter { $0.status == .active && LookupMatch.applies($0, selection: s.selection, config: model.config) }
        c["applicableCount"] = .int(applicable.count)
        let chosenPhases = Set(s.selection.filter { $0.facet == model.config.stageFacet?.key }.flatMap { $0.values.map(\.value) })
        // Grouped as on the lookup page: specific open, conditional and general folded.
        c["applicableSections"] = .list(LookupMatch.Kind.allCases.compactMap { kind -> TemplateValue? in
            let reqs = applicable.filter { LookupMatch.kind($0, selection: s.selection, config: model.config) == kind }
            guard !reqs.isEmpty else { return nil }
            let label = theme.strings["lookup_\(kind.rawValue)"]
            return ["label": .string(label), "count": .int(reqs.count), "folded": .bool(kind != .specific),
                    "groups": .list(phaseGroups(reqs, root: root, chosen: chosenPhases))]
        })
        c["related"] = items(s.related.compactMap { model.byID[$0.value] }, root: root)
        return c
    }

    /// Requirements grouped by the `phase` facet in site.yml order, then those without a phase.
    /// Phase groups in site order (only the `chosen` phases when some are chosen); `all`, no
    /// phase or only other phases go to a final group 「全段階」. The stage facet is the one
    /// site.yml marks `stages: true`.
    func phaseGroups(_ reqs: [ContentPage], root: String, chosen: Set<String> = []) -> [TemplateValue] {
        let stages = model.config.stageFacet
        let values = (stages?.values ?? []).filter { chosen.isEmpty || chosen.contains($0.key) }
        let known = Set(values.map(\.key))
        var groups: [TemplateValue] = []
        for v in values.map({ Optional($0) }) + [nil] {
            let inGroup = reqs.filter { r in
                let phases = stages.map { SiteModel.values(of: r, facet: $0.key).map(\.value) } ?? []
                return v.map { phases.contains($0.key) } ?? !phases.contains { known.contains($0) }
            }
            guard !inGroup.isEmpty else { continue }
            groups.append(["label": .string(v?.label ?? theme.strings["all_phases"]), "count": .int(inGroup.count), "items": items(inGroup, root: root)])
        }
        return groups
    }

    static func selectionFragment(_ selection: [FacetAssignment]) -> String {
        selection.map { "\($0.facet)=" + $0.values.map(\.value).joined(separator: ",") }.joined(separator: "&")
    }

    func sourcesContext(_ root: String) -> TemplateValue {
        ["sources": .list(model.sources.map { d -> TemplateValue in
            let n = model.requirements.count { $0.sources.contains { $0.doc == d.key } }
            return ["key": .string(d.key), "title": .string(d.title), "publisher": .string(d.publisher), "date": .string(d.date),
                    "edition": .string(d.edition), "family": .string(d.family), "note": .string(d.note), "officialUrl": .string(d.url), "count": .int(n), "hasChanges": .bool(hasChanges(in: d.key)),
                    "changesUrl": .string(root + "changes/\(d.key).html")]
        })]
    }

    // MARK: - Editions

    func changes(in edition: String) -> [(page: ContentPage, entry: HistoryEntry)] {
        let all = model.requirements  // by index: each requirement is copied only when it has a change
        return all.indices.flatMap { i in all[i].history.filter { $0.edition == edition }.map { (all[i], $0) } }
    }

    func hasChanges(in edition: String) -> Bool {
        let all = model.requirements
        return all.indices.contains { all[$0].history.contains { $0.edition == edition } }
    }

    func editionsWithChanges() -> [SourceDocument] {
        model.sources.filter { hasChanges(in: $0.key) }
    }

    func changesIndexContext(_ root: String) -> TemplateValue {
        ["editions": .list(editionsWithChanges().sorted { $0.date > $1.date }.map { d -> TemplateValue in
            let list = changes(in: d.key)
            return ["title": .string(d.title), "edition": .string(d.edition), "date": .string(d.date), "url": .string(root + "changes/\(d.key).html"),
                    "count": .int(list.count),
                    "counts": .list(ChangeKind.allCases.compactMap { k -> TemplateValue? in
                        let n = list.filter { $0.entry.change == k }.count
                        return n == 0 ? nil : ["label": .string(theme.strings["change_\(k.rawValue)"]), "count": .int(n)]
                    })]
        }), "feedUrl": .string(root + "changes/feed.xml")]
    }

    func editionContext(_ d: SourceDocument, _ root: String) -> TemplateValue {
        let list = changes(in: d.key)
        let phase = model.config.stageFacet
        var groups: [TemplateValue] = []
        for v in (phase?.values ?? []).map({ Optional($0) }) + [nil] {
            let inGroup = list.filter { pair in
                let phases = phase.map { SiteModel.values(of: pair.page, facet: $0.key).map(\.value) } ?? []
                if let v { return phases.first == v.key }
                return phases.isEmpty
            }
            guard !inGroup.isEmpty else { continue }
            groups.append(["label": .string(v?.label ?? theme.strings["all_phases"]), "items": .list(inGroup.map { pair -> TemplateValue in
                var c = item(pair.page, root: root)
                c["entry"] = historyContext(pair.entry, root: root)
                return c
            })])
        }
        return ["title": .string(d.title), "edition": .string(d.edition), "date": .string(d.date), "note": .string(d.note), "count": .int(list.count), "groups": .list(groups)]
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
