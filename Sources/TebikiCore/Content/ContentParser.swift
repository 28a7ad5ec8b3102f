import Yams

/// Parses one content file (front matter + Markdown) into a `ContentPage`.
/// Type and shape problems become diagnostics; cross-references are checked later, in validation.
enum ContentParser {
    static let commonKeys = ["id", "title", "summary", "sources", "related", "draft"]
    static func knownKeys(_ kind: ContentKind) -> [String] {
        switch kind {
        case .requirement: commonKeys + ["facets", "history", "status", "successor"]
        case .glossary: commonKeys + ["reading", "synonyms"]
        case .checklist: commonKeys + ["items"]
        case .scenario: commonKeys + ["selection"]
        }
    }

    static func requiredKeys(_ kind: ContentKind) -> [String] {
        switch kind {
        case .requirement: ["id", "title", "summary", "sources"]
        case .glossary: ["id", "title", "summary"]
        case .checklist: ["id", "title", "items"]
        case .scenario: ["id", "title", "selection"]
        }
    }

    static func parse(text: String, path: String, kind: ContentKind, config: SiteConfig?, diagnostics: inout Diagnostics) -> ContentPage? {
        guard let file = FrontMatterFile.split(text, path: path, diagnostics: &diagnostics) else { return nil }
        var r = YAMLReader(path: path, lineOffset: file.yamlLineOffset)
        defer { diagnostics.append(contentsOf: r.diagnostics) }
        guard let root = r.parse(file.yaml, what: "front matter ") else { return nil }
        guard let pairs = r.mapping(root, what: "front matter") else { return nil }
        r.checkKeys(pairs, known: knownKeys(kind), what: "front matter")
        r.require(pairs, requiredKeys(kind), at: root, what: "front matter")

        let id = r.string(pairs["id"], what: "id") ?? ""
        // Shapes that make cmark-gfm quadratic are refused before the parser sees them.
        let bodyParsable = MarkdownLimits.check(file.body, path: path, lineOffset: file.bodyLineOffset, diagnostics: &diagnostics)
        let scanned = bodyParsable ? Markdown.scan(file.body, path: path, lineOffset: file.bodyLineOffset) : (links: [], anchors: [])
        var page = ContentPage(
            kind: kind, id: id, idLocation: r.location(pairs["id"] ?? root), path: path,
            title: r.string(pairs["title"], what: "title") ?? "",
            summary: r.string(pairs["summary"], what: "summary") ?? "",
            sources: [], facets: [], related: [], history: [], status: .active, successor: nil,
            reading: nil, synonyms: [], items: [], selection: [],
            body: file.body, bodyLineOffset: file.bodyLineOffset,
            links: scanned.links
        )
        page.anchors = scanned.anchors

        for node in r.sequence(pairs["sources"], what: "sources") ?? [] {
            guard let s = r.mapping(node, what: "sources の各項目") else { continue }
            r.checkKeys(s, known: ["doc", "section"], what: "sources の項目")
            r.require(s, ["doc", "section"], at: node, what: "sources の項目")
            guard let doc = r.string(s["doc"], what: "doc"), let section = r.string(s["section"], what: "section") else { continue }
            page.sources.append(SourceRef(doc: doc, section: section, location: r.location(s["doc"])))
        }
        page.draft = ConfigLoader.flag(pairs["draft"], what: "draft", reader: &r)
        for (value, node) in r.strings(pairs["related"], what: "related") ?? [] {
            page.related.append(Located(value: value, location: r.location(node)))
        }
        if let node = pairs["facets"] {
            page.facets = facetAssignments(node, config: config, reader: &r, what: "facets")
            page.facetsLocation = pairs.first { $0.key == "facets" }.map { r.location($0.keyNode) }
        }
        if let node = pairs["selection"] { page.selection = facetAssignments(node, config: config, reader: &r, what: "selection", forceList: true) }

        for node in r.sequence(pairs["history"], what: "history") ?? [] {
            guard let h = r.mapping(node, what: "history の各項目") else { continue }
            r.checkKeys(h, known: ["edition", "change", "note", "before", "after"], what: "history の項目")
            r.require(h, ["edition", "change", "note"], at: node, what: "history の項目")
            guard let edition = r.string(h["edition"], what: "edition"), let changeText = r.string(h["change"], what: "change") else { continue }
            guard let change = ChangeKind(rawValue: changeText) else {
                r.diagnostics.error("invalid-change", "change「\(changeText)」は使えません。added / changed / renamed / removed のいずれかにしてください。", at: r.location(h["change"]))
                continue
            }
            for key in ["before", "after"] {
                if let text = r.string(h[key], what: key), let node = h[key] {
                    let at = r.location(node)
                    MarkdownLimits.check(text, path: path, lineOffset: at.line - 1, columnOffset: at.column - 1, diagnostics: &r.diagnostics)
                }
            }
            page.history.append(HistoryEntry(edition: edition, change: change, note: r.string(h["note"], what: "note") ?? "",
                                             before: r.string(h["before"], what: "before"), after: r.string(h["after"], what: "after"),
                                             location: r.location(node)))
        }
        if let statusText = r.string(pairs["status"], what: "status") {
            if let status = RequirementStatus(rawValue: statusText) {
                page.status = status
            } else {
                r.diagnostics.error("invalid-status", "status「\(statusText)」は使えません。active / retired / renamed のいずれかにしてください。", at: r.location(pairs["status"]))
            }
        }
        if let successor = r.string(pairs["successor"], what: "successor") {
            page.successor = Located(value: successor, location: r.location(pairs["successor"]))
        }
        page.reading = r.string(pairs["reading"], what: "reading")
        page.synonyms = (r.strings(pairs["synonyms"], what: "synonyms") ?? []).map(\.0)

        for node in r.sequence(pairs["items"], what: "items") ?? [] {
            guard let it = r.mapping(node, what: "items の各項目") else { continue }
            r.checkKeys(it, known: ["group", "text", "requirement", "section"], what: "items の項目")
            r.require(it, ["text", "requirement"], at: node, what: "items の項目")
            guard let text = r.string(it["text"], what: "text"), let req = r.string(it["requirement"], what: "requirement") else { continue }
            page.items.append(ChecklistItem(group: r.string(it["group"], what: "group"), text: text, requirement: req,
                                            section: r.string(it["section"], what: "section"), location: r.location(it["requirement"])))
        }
        return page
    }

    /// `facets:` maps facet keys to a list (multi) or to value → grade (graded).
    static func facetAssignments(_ node: Node, config: SiteConfig?, reader r: inout YAMLReader, what: String, forceList: Bool = false) -> [FacetAssignment] {
        var result: [FacetAssignment] = []
        for pair in r.mapping(node, what: what) ?? [] {
            var a = FacetAssignment(facet: pair.key, location: r.location(pair.keyNode), values: [])
            // Without a usable site.yml the facet kinds are unknown: take the shape as written
            // rather than report errors that only the broken site.yml causes.
            var graded = !forceList && config?.facet(pair.key)?.kind == .graded
            if config == nil, !forceList, case .mapping = pair.value { graded = true }
            // `facet: all` (applies to every case) is written as a scalar; a graded facet may
            // also be a plain list (applies to these values, the source gives no grade).
            if case let .scalar(scalar) = pair.value {
                a.values.append((value: scalar.string, grade: nil, location: r.location(pair.value)))
                result.append(a)
                continue
            }
            if graded, case .sequence = pair.value { graded = false }
            if graded {
                guard let m = r.mapping(pair.value, what: "観点「\(pair.key)」（値: 評価 の形で書きます）") else { continue }
                for v in m {
                    let grade = r.string(v.value, what: "評価")
                    a.values.append((value: v.key, grade: grade, location: r.location(v.keyNode)))
                }
            } else {
                for (value, vnode) in r.strings(pair.value, what: "観点「\(pair.key)」の値") ?? [] {
                    a.values.append((value: value, grade: nil, location: r.location(vnode)))
                }
            }
            result.append(a)
        }
        return result
    }
}

enum SourceRegistryParser {
    static func parse(text: String, path: String, diagnostics: inout Diagnostics) -> [SourceDocument] {
        var r = YAMLReader(path: path)
        defer { diagnostics.append(contentsOf: r.diagnostics) }
        guard let root = r.parse(text, what: "出典の一覧") else { return [] }
        var docs: [SourceDocument] = []
        for node in r.sequence(root, what: "出典の一覧") ?? [] {
            guard let m = r.mapping(node, what: "出典の各項目") else { continue }
            let keys = ["key", "title", "publisher", "date", "edition", "family", "aliases", "note", "url"]
            r.checkKeys(m, known: keys, what: "出典の項目")
            r.require(m, ["key", "title", "publisher", "date"], at: node, what: "出典の項目")
            guard let key = r.string(m["key"], what: "key"), let title = r.string(m["title"], what: "title") else { continue }
            let date = r.string(m["date"], what: "date") ?? ""
            if !date.isEmpty, date.wholeMatch(of: /\d{4}(-\d{2}(-\d{2})?)?/) == nil {
                r.diagnostics.error("invalid-date", "日付「\(date)」は YYYY、YYYY-MM または YYYY-MM-DD の形で書いてください。", at: r.location(m["date"]))
            }
            docs.append(SourceDocument(key: key, title: title, publisher: r.string(m["publisher"], what: "publisher") ?? "",
                                       date: date, edition: r.string(m["edition"], what: "edition") ?? "",
                                       family: r.string(m["family"], what: "family") ?? key,
                                       aliases: (r.strings(m["aliases"], what: "aliases") ?? []).map(\.0),
                                       note: r.string(m["note"], what: "note") ?? "", location: r.location(m["key"])))
            if let node = m["url"], let url = r.string(node, what: "url") {
                // Only web addresses: a javascript:, file: or relative URL would be a link out of the reader's control.
                if url.wholeMatch(of: /https?:\/\/[^\s"'<>\\]+/.ignoresCase()) != nil {
                    docs[docs.count - 1].url = url
                } else {
                    r.diagnostics.error("invalid-url", "url「\(url)」は http:// または https:// で始まるアドレスで書いてください。", at: r.location(node))
                }
            }
        }
        return docs
    }
}
